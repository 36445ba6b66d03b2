package model

// NginxConfig is one nginx main file with every include resolved: the tree
// nginx itself would build from it.
type NginxConfig struct {
	// Path is the main file.
	Path string `json:"path"`
	// Files lists every file read for this tree (the main file first, then
	// included files in the order they were read).
	Files []string `json:"files"`
	// Directives is the top level (main context) with includes spliced in.
	Directives []*Directive `json:"directives"`
	// Partial is true when an include matched nothing or could not be read,
	// so analysis of some block is incomplete.
	Partial bool `json:"partial,omitempty"`
	// Views derived from the tree, for rules.
	HTTP      *Directive  `json:"-"`
	Servers   []*Server   `json:"servers,omitempty"`
	Upstreams []*Upstream `json:"upstreams,omitempty"`
	Maps      []*Map      `json:"maps,omitempty"`
}

// Directive is one nginx directive (simple or block), in the file it was
// written in.
type Directive struct {
	Name Str   `json:"name"`
	Args []Str `json:"args,omitempty"`
	// Block is the directive's children after include resolution; nil for
	// a simple directive, non-nil (maybe empty) for a block.
	Block []*Directive `json:"block,omitempty"`
	// IncludedBy is the include directive this one was spliced in from.
	IncludedBy *Directive `json:"-"`
	Parent     *Directive `json:"-"`
}

// Pos returns the directive name's position.
func (d *Directive) Pos() Pos { return d.Name.Pos }

// Server is a server block with its listen and server_name values.
type Server struct {
	Directive   *Directive  `json:"-"`
	Pos         Pos         `json:"pos"`
	Listen      []Listen    `json:"listen,omitempty"`
	ServerNames []Str       `json:"serverNames,omitempty"`
	Locations   []*Location `json:"locations,omitempty"`
}

// Listen is one listen directive.
type Listen struct {
	Pos     Pos    `json:"pos"`
	Address string `json:"address,omitempty"`
	Port    int    `json:"port"`
	SSL     bool   `json:"ssl,omitempty"`
	HTTP2   bool   `json:"http2,omitempty"`
}

// Location is a location block (possibly nested).
type Location struct {
	Directive *Directive `json:"-"`
	Pos       Pos        `json:"pos"`
	// Modifier is "", "=", "^~", "~" or "~*" ("@" for named locations).
	Modifier string      `json:"modifier,omitempty"`
	Path     Str         `json:"path"`
	Nested   []*Location `json:"nested,omitempty"`
	Parent   *Location   `json:"-"`
	Server   *Server     `json:"-"`
}

// Upstream is an upstream block.
type Upstream struct {
	Directive *Directive `json:"-"`
	Name      Str        `json:"name"`
	Servers   []Str      `json:"servers,omitempty"`
}

// Map is a map block: "map $source $variable { ... }".
type Map struct {
	Directive *Directive `json:"-"`
	Source    Str        `json:"source"`
	Variable  Str        `json:"variable"`
	// Entries maps each key as written to its value.
	Entries []MapEntry `json:"entries,omitempty"`
}

// MapEntry is one line of a map block.
type MapEntry struct {
	Key   Str `json:"key"`
	Value Str `json:"value"`
}
