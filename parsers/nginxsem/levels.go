package nginxsem

import (
	"strings"

	"github.com/grafanalint/grafanalint/parsers/model"
)

// LevelKind names a configuration level a location inherits from.
type LevelKind string

// Configuration levels, innermost first.
const (
	LevelLocation LevelKind = "location"
	LevelServer   LevelKind = "server"
	LevelHTTP     LevelKind = "http"
)

// Level is one configuration level: a location, its server, or the http
// block.
type Level struct {
	Kind LevelKind
	// Block is the location, server or http block directive.
	Block *model.Directive
	// Location is set for LevelLocation, Server for LevelServer.
	Location *model.Location
	Server   *model.Server
}

// String describes the level for messages, e.g. `location "/api/live/"`
// or "server".
func (l Level) String() string {
	if l.Kind == LevelLocation && l.Location != nil {
		return "location " + describeLocation(l.Location)
	}
	return string(l.Kind)
}

// Pos returns the position of the level's block directive.
func (l Level) Pos() model.Pos {
	if l.Block != nil {
		return l.Block.Pos()
	}
	if l.Location != nil {
		return l.Location.Pos
	}
	if l.Server != nil {
		return l.Server.Pos
	}
	return model.Pos{}
}

// Levels returns the levels whose settings apply to loc, innermost first:
// loc itself, each enclosing location, the server, and the http block when
// the server sits in one. For a server read from a conf.d fragment (no
// http block), use Config.Levels, which takes the fragment's top level as
// the http level.
func Levels(loc *model.Location) []Level {
	return (*Config)(nil).Levels(loc)
}

// Levels is the package-level Levels with the top level of a fragment
// (model.NginxConfig.Fragment) as the http level.
func (c *Config) Levels(loc *model.Location) []Level {
	var out []Level
	var srv *model.Server
	for l := loc; l != nil; l = l.Parent {
		out = append(out, Level{Kind: LevelLocation, Block: l.Directive, Location: l})
		if l.Server != nil {
			srv = l.Server
		}
	}
	return append(out, c.ServerLevels(srv)...)
}

// ServerLevels returns the levels that apply at server level: the server
// and the http block around it.
func ServerLevels(srv *model.Server) []Level {
	return (*Config)(nil).ServerLevels(srv)
}

// ServerLevels is the package-level ServerLevels with the top level of a
// fragment as the http level.
func (c *Config) ServerLevels(srv *model.Server) []Level {
	if srv == nil {
		return nil
	}
	out := []Level{{Kind: LevelServer, Block: srv.Directive, Server: srv}}
	if h := httpOf(srv); h != nil {
		out = append(out, Level{Kind: LevelHTTP, Block: h})
	} else if top := c.fragmentTop(srv); top != nil {
		out = append(out, Level{Kind: LevelHTTP, Block: top})
	}
	return out
}

// fragmentTop returns a block holding the top level of a fragment whose
// top-level servers include srv (nil otherwise); nginx reads that top
// level inside the http block of the nginx.conf that includes it.
func (c *Config) fragmentTop(srv *model.Server) *model.Directive {
	if c == nil || c.cfg == nil || !c.cfg.Fragment || srv.Directive == nil || srv.Directive.Parent != nil {
		return nil
	}
	if c.top == nil {
		c.top = &model.Directive{Name: model.Str{V: "http"}, Block: c.cfg.Directives}
	}
	return c.top
}

// httpOf returns the http block enclosing srv, nil for a server read from a
// conf.d snippet without one.
func httpOf(srv *model.Server) *model.Directive {
	if srv == nil || srv.Directive == nil {
		return nil
	}
	for p := srv.Directive.Parent; p != nil; p = p.Parent {
		if p.Name.V == "http" {
			return p
		}
	}
	return nil
}

// children returns the directives directly inside block (includes are
// already spliced in by the parser).
func children(block *model.Directive) []*model.Directive {
	if block == nil {
		return nil
	}
	return block.Block
}

// describeLocation formats a location as written, e.g. `"= /api/live/ws"`.
func describeLocation(l *model.Location) string {
	if l == nil {
		return `""`
	}
	if l.Modifier == "" || l.Modifier == "@" {
		return `"` + l.Path.V + `"`
	}
	return `"` + l.Modifier + " " + l.Path.V + `"`
}

// isNamed reports whether l is a named location (@name).
func isNamed(l *model.Location) bool {
	return l.Modifier == "@" || strings.HasPrefix(l.Path.V, "@")
}

// isRegex reports whether l is a regex location (~ or ~*).
func isRegex(l *model.Location) bool { return l.Modifier == "~" || l.Modifier == "~*" }

// isPrefix reports whether l is a prefix location (no modifier or ^~).
func isPrefix(l *model.Location) bool {
	return (l.Modifier == "" || l.Modifier == "^~") && !isNamed(l)
}

// argV returns d's i-th argument value, "" when absent.
func argV(d *model.Directive, i int) string {
	if d == nil || i >= len(d.Args) {
		return ""
	}
	return d.Args[i].V
}
