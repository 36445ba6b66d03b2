package nginx

import (
	"strconv"
	"strings"

	"github.com/grafanalint/grafanalint/parsers/model"
)

// nonHTTP are blocks whose server, upstream and map blocks are not HTTP
// ones (stream and mail proxies) or not blocks at all (upstream servers).
var nonHTTP = map[string]bool{"stream": true, "mail": true, "upstream": true}

// buildViews fills the views of cfg from its tree.
//
// Servers are found anywhere in the tree: every "server" block that is
// not inside a stream, mail or upstream block, whether it sits in http,
// at the top level of a fragment (a conf.d vhost), or in a file spliced
// in by an include. Upstreams and maps are found the same way. Locations
// are attached to the server (or location) block holding them; locations
// outside any server go to cfg.Locations.
func buildViews(cfg *model.NginxConfig) {
	cfg.Fragment = true
	for _, d := range cfg.Directives {
		switch d.Name.V {
		case "http", "events", "stream", "mail":
			if d.Block != nil {
				cfg.Fragment = false
			}
		}
		if d.Name.V == "http" && d.Block != nil && cfg.HTTP == nil {
			cfg.HTTP = d
		}
	}
	var walk func(ds []*model.Directive, nonHTTPCtx bool)
	walk = func(ds []*model.Directive, inNonHTTP bool) {
		for _, d := range ds {
			if d.Block == nil {
				continue
			}
			if !inNonHTTP {
				switch d.Name.V {
				case "server":
					cfg.Servers = append(cfg.Servers, newServer(d))
					// Locations are collected by newServer; upstream or map
					// blocks cannot be inside a server.
					continue
				case "location":
					cfg.Locations = append(cfg.Locations, newLocation(d, nil, nil))
					continue
				case "upstream":
					cfg.Upstreams = append(cfg.Upstreams, newUpstream(d))
				case "map":
					cfg.Maps = append(cfg.Maps, newMap(d))
					continue
				}
			}
			walk(d.Block, inNonHTTP || nonHTTP[d.Name.V])
		}
	}
	walk(cfg.Directives, false)
}

func newServer(d *model.Directive) *model.Server {
	s := &model.Server{Directive: d, Pos: d.Pos()}
	for _, c := range d.Block {
		switch c.Name.V {
		case "listen":
			if c.Block == nil {
				s.Listen = append(s.Listen, parseListen(c))
			}
		case "server_name":
			if c.Block == nil {
				s.ServerNames = append(s.ServerNames, c.Args...)
			}
		}
	}
	if len(s.Listen) == 0 {
		s.Listen = []model.Listen{{Pos: s.Pos, Port: 80, Implicit: true}}
	}
	s.Locations = locationsIn(d.Block, nil, s)
	return s
}

// locationsIn returns the location blocks directly in ds (nginx allows
// locations only in a server or a location block).
func locationsIn(ds []*model.Directive, parent *model.Location, srv *model.Server) []*model.Location {
	var out []*model.Location
	for _, c := range ds {
		if c.Block == nil {
			continue
		}
		if c.Name.V == "location" {
			out = append(out, newLocation(c, parent, srv))
		}
	}
	return out
}

func newLocation(d *model.Directive, parent *model.Location, srv *model.Server) *model.Location {
	loc := &model.Location{Directive: d, Pos: d.Pos(), Parent: parent, Server: srv}
	switch len(d.Args) {
	case 0:
	case 1:
		loc.Modifier, loc.Path = splitModifier(d.Args[0])
	default:
		loc.Modifier = d.Args[0].V
		loc.Path = d.Args[1]
	}
	loc.Nested = locationsIn(d.Block, loc, srv)
	return loc
}

// splitModifier reads "location =/x", "location ~^/api" and
// "location @name" written as one word, as nginx does
// (ngx_http_core_location).
func splitModifier(a model.Str) (string, model.Str) {
	v := a.V
	cut := func(mod string) (string, model.Str) {
		n := len([]rune(mod))
		p := a
		p.V = v[len(mod):]
		p.Pos.Col += n
		return mod, p
	}
	switch {
	case strings.HasPrefix(v, "="):
		return cut("=")
	case strings.HasPrefix(v, "^~"):
		return cut("^~")
	case strings.HasPrefix(v, "~*"):
		return cut("~*")
	case strings.HasPrefix(v, "~"):
		return cut("~")
	case strings.HasPrefix(v, "@"):
		return "@", a
	}
	return "", a
}

// parseListen reads a listen directive: "80", "[::]:443 ssl http2",
// "127.0.0.1:8080", "*:80", "example.com" (port 80), "unix:/path"
// (port 0).
func parseListen(d *model.Directive) model.Listen {
	l := model.Listen{Pos: d.Pos(), Directive: d}
	if len(d.Args) == 0 {
		return l
	}
	a := d.Args[0]
	l.Pos = a.Pos
	v := a.V
	host, port := "", ""
	switch {
	case strings.HasPrefix(v, "unix:"):
		l.Address = v
	case strings.HasPrefix(v, "["):
		if i := strings.Index(v, "]"); i >= 0 {
			host = v[:i+1]
			if rest := v[i+1:]; strings.HasPrefix(rest, ":") {
				port = rest[1:]
			}
		} else {
			host = v
		}
	case strings.Contains(v, ":"):
		i := strings.LastIndex(v, ":")
		host, port = v[:i], v[i+1:]
	case isDigits(v):
		port = v
	default:
		host = v
	}
	if !strings.HasPrefix(v, "unix:") {
		l.Address = host
		if port == "" && !isPlaceholder(host) {
			l.Port = 80
		} else if n, err := strconv.Atoi(port); err == nil && isDigits(port) {
			l.Port = n
		}
	}
	for _, f := range d.Args[1:] {
		switch f.V {
		case "ssl":
			l.SSL = true
		case "http2":
			l.HTTP2 = true
		case "default_server", "default":
			l.DefaultServer = true
		}
	}
	return l
}

func isDigits(s string) bool {
	if s == "" {
		return false
	}
	for _, c := range s {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}

// isPlaceholder reports whether a listen value is a variable or template
// placeholder rather than a host.
func isPlaceholder(s string) bool {
	return strings.Contains(s, "$") || strings.Contains(s, "{{")
}

func newUpstream(d *model.Directive) *model.Upstream {
	u := &model.Upstream{Directive: d}
	if len(d.Args) > 0 {
		u.Name = d.Args[0]
	}
	for _, c := range d.Block {
		if c.Name.V == "server" && c.Block == nil && len(c.Args) > 0 {
			u.Servers = append(u.Servers, c.Args[0])
		}
	}
	return u
}

func newMap(d *model.Directive) *model.Map {
	m := &model.Map{Directive: d}
	if len(d.Args) > 0 {
		m.Source = d.Args[0]
	}
	if len(d.Args) > 1 {
		m.Variable = d.Args[1]
	}
	for _, c := range d.Block {
		switch {
		case c.Name.V == "include" && len(c.Args) == 1:
			// Its entries follow it, spliced in.
			continue
		case (c.Name.V == "hostnames" || c.Name.V == "volatile") && len(c.Args) == 0:
			continue
		}
		e := model.MapEntry{Key: c.Name}
		if len(c.Args) > 0 {
			e.Value = c.Args[0]
		}
		m.Entries = append(m.Entries, e)
	}
	return m
}
