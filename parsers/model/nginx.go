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
	// so analysis of some block is incomplete. It is also set when a file
	// of the tree has a syntax error (its directives after the error are
	// missing) or when an include cycle was cut.
	Partial bool `json:"partial,omitempty"`
	// Fragment is true when the main file has no http, events, stream or
	// mail block at its top level: a conf.d vhost or a snippet meant to be
	// included from an nginx.conf elsewhere. Its top level is read as the
	// http context.
	Fragment bool `json:"fragment,omitempty"`
	// Template is true when a file of the tree is a template rather than
	// the config nginx reads: it holds {{ }}, {% %} or {# #} placeholders,
	// or its name ends in ".template" (the nginx image's envsubst
	// templates). Values may be placeholders, not what nginx will see.
	Template bool `json:"template,omitempty"`
	// Views derived from the tree, for rules.
	HTTP      *Directive  `json:"-"`
	Servers   []*Server   `json:"servers,omitempty"`
	Upstreams []*Upstream `json:"upstreams,omitempty"`
	Maps      []*Map      `json:"maps,omitempty"`
	// Locations holds location blocks written outside any server (a
	// snippet of locations meant to be included inside one), with their
	// nested locations. Their Server is nil.
	Locations []*Location `json:"locations,omitempty"`
}

// Directive is one nginx directive (simple or block), in the file it was
// written in.
type Directive struct {
	Name Str   `json:"name"`
	Args []Str `json:"args,omitempty"`
	// Block is the directive's children after include resolution; nil for
	// a simple directive, non-nil (maybe empty) for a block.
	Block []*Directive `json:"block,omitempty"`
	// Code is the body of a Lua block (content_by_lua_block { ... } and
	// the other *_by_lua_block directives), verbatim between the braces;
	// Block is then empty.
	Code Str `json:"code,omitzero"`
	// End is the position just after the directive's terminating ";" or
	// closing "}".
	End Pos `json:"end,omitzero"`
	// Open is the position of a block's opening "{" (zero for a simple
	// directive), so that a fix can tell whether a line of the block
	// starts after it.
	Open Pos `json:"-"`
	// IncludedBy is the include directive that brought in the file this
	// directive is written in (nil in the main file); that include has its
	// own IncludedBy when it sits in an included file too. The include
	// directive itself stays in its Block (as a simple directive), followed
	// by the directives it resolved to.
	IncludedBy *Directive `json:"-"`
	// Parent is the block directive this one is in (nil at the top level);
	// for spliced directives it is the block holding the include.
	Parent *Directive `json:"-"`
	// Packaged names the distribution file this directive was assumed
	// from ("/etc/nginx/proxy_params", Debian's nginx-common) when an
	// include of that file matched nothing in the tree: the linter
	// splices in the packaged content instead of leaving the block
	// partial. The directive is then written nowhere; its name, arguments
	// and End are the include directive's argument, so a finding on it
	// points at the include line, and IncludedBy is that include.
	Packaged string `json:"packaged,omitempty"`
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
	// Pos is the position of the address argument (of the server block
	// when Implicit).
	Pos Pos `json:"pos"`
	// Address is the host part ("127.0.0.1", "[::]", "*", a host name,
	// "unix:/path"); empty when only a port is given.
	Address string `json:"address,omitempty"`
	// Port is the port; 0 for unix sockets and for a port nginx cannot
	// read here (a variable or template placeholder).
	Port  int  `json:"port"`
	SSL   bool `json:"ssl,omitempty"`
	HTTP2 bool `json:"http2,omitempty"`
	// DefaultServer is set by the default_server (or old "default") flag.
	DefaultServer bool `json:"defaultServer,omitempty"`
	// Implicit marks the listen nginx assumes for a server without any
	// listen directive (port 80).
	Implicit bool `json:"implicit,omitempty"`
	// Directive is the listen directive (nil when Implicit).
	Directive *Directive `json:"-"`
}

// Location is a location block (possibly nested).
type Location struct {
	Directive *Directive `json:"-"`
	Pos       Pos        `json:"pos"`
	// Modifier is "", "=", "^~", "~" or "~*" ("@" for named locations).
	// It is split off the path when written without a space
	// ("location =/x" has Modifier "=" and Path "/x").
	Modifier string `json:"modifier,omitempty"`
	// Path is the prefix, exact path or regular expression; a named
	// location keeps its "@" ("@fallback"), as try_files and error_page
	// refer to it.
	Path   Str         `json:"path"`
	Nested []*Location `json:"nested,omitempty"`
	Parent *Location   `json:"-"`
	Server *Server     `json:"-"`
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
