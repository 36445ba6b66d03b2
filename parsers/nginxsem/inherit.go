package nginxsem

import (
	"fmt"
	"strings"

	"github.com/grafanalint/grafanalint/parsers/model"
)

// Inheritance is how a directive's value reaches inner levels.
type Inheritance int

const (
	// InheritScalar means the nearest level that sets the directive wins
	// (proxy_http_version, proxy_read_timeout, proxy_buffering, …).
	InheritScalar Inheritance = iota
	// InheritArray means the whole list comes from the nearest level that has at
	// least one directive of the group; one directive at a level drops
	// every outer one (proxy_set_header, add_header, proxy_hide_header, …).
	InheritArray
	// InheritNone means the directive acts only at the level it is written at
	// (rewrite-module directives, content handlers such as proxy_pass).
	InheritNone
)

// String names the inheritance for messages.
func (i Inheritance) String() string {
	switch i {
	case InheritArray:
		return "array"
	case InheritNone:
		return "none"
	}
	return "scalar"
}

// arrayGroups maps each array directive to its group: directives of one
// group share one list in nginx's configuration, so any of them at a level
// stops inheritance of all (allow/deny; ssl_certificate/_key). The lists
// come from the merge functions of each module (a level's list is
// replaced, never merged, unless an *_inherit directive says otherwise).
var arrayGroups = func() map[string]string {
	m := map[string]string{}
	for _, n := range []string{
		"proxy_set_header", "proxy_hide_header", "proxy_pass_header",
		"proxy_cookie_domain", "proxy_cookie_path", "proxy_cookie_flags",
		"proxy_redirect", "proxy_cache_valid", "proxy_cache_bypass",
		"proxy_no_cache", "proxy_ssl_conf_command",
		"grpc_set_header", "grpc_hide_header", "grpc_pass_header",
		"fastcgi_param", "fastcgi_hide_header", "fastcgi_pass_header",
		"uwsgi_param", "uwsgi_hide_header", "uwsgi_pass_header",
		"scgi_param", "scgi_hide_header", "scgi_pass_header",
		"add_header", "add_trailer", "error_page", "access_log",
		"ssl_certificate", "limit_req", "limit_conn", "set_real_ip_from",
		"sub_filter", "index", "mirror", "auth_request_set", "ssl_conf_command",
	} {
		m[n] = n
	}
	m["allow"], m["deny"] = "access", "access"
	m["ssl_certificate_key"] = "ssl_certificate"
	return m
}()

// inheritControl maps array directives whose inheritance can be changed by
// an "*_inherit on|off|merge" directive (nginx 1.29.3).
var inheritControl = map[string]string{
	"add_header":  "add_header_inherit",
	"add_trailer": "add_trailer_inherit",
}

// notInherited lists directives that act only where written: the rewrite
// module's (server and location rewrite phases run only their own level's
// code) and content handlers (proxy_pass reaches "if" and "limit_except"
// blocks but not nested locations).
var notInherited = map[string]bool{
	"rewrite": true, "return": true, "set": true, "if": true, "break": true,
	"proxy_pass": true, "grpc_pass": true, "fastcgi_pass": true, "uwsgi_pass": true,
	"scgi_pass": true, "memcached_pass": true, "try_files": true, "location": true,
	"limit_except": true, "stub_status": true, "empty_gif": true, "js_content": true,
	"perl": true, "internal": true, "server": true, "upstream": true, "map": true,
	"geo": true, "split_clients": true, "include": true,
}

// InheritanceOf returns how directive name is inherited.
func InheritanceOf(name string) Inheritance {
	if _, ok := arrayGroups[name]; ok {
		return InheritArray
	}
	if notInherited[name] {
		return InheritNone
	}
	return InheritScalar
}

// Dropped is an outer-level directive that an inner level does not
// inherit because that level has directives of the same group.
type Dropped struct {
	Directive *model.Directive
	Level     Level
	// Because is the first directive of the group at the level that stops
	// inheritance (for "add_header_inherit off", that directive).
	Because      *model.Directive
	BecauseLevel Level
}

// String explains the drop, e.g. `the server-level proxy_set_header Upgrade
// at f:12:3 is not inherited because location "/" sets proxy_set_header Host
// at f:20:5`.
func (d Dropped) String() string {
	return fmt.Sprintf("the %s-level %s at %s is not inherited because %s %s at %s",
		d.Level.Kind, describeDirective(d.Directive), d.Directive.Pos(),
		d.BecauseLevel, describeBecause(d.Because), d.Because.Pos())
}

func describeBecause(d *model.Directive) string { return "sets " + describeDirective(d) }

// describeDirective formats a directive with its first argument, e.g.
// "proxy_set_header Upgrade".
func describeDirective(d *model.Directive) string {
	if d == nil {
		return ""
	}
	if len(d.Args) > 0 {
		return d.Name.V + " " + d.Args[0].V
	}
	return d.Name.V
}

// Value is a directive's effective value at a location (or server).
type Value struct {
	Name        string
	Inheritance Inheritance
	// Directives are the effective directives in the order nginx applies
	// them: for an array, the whole list; for a scalar, every occurrence at
	// the winning level (more than one means nginx rejects a duplicate; the
	// last is returned by Last). Empty when no level sets it and nginx's
	// default applies.
	Directives []*model.Directive
	// Levels holds the level of each directive in Directives.
	Levels []Level
	// Dropped lists array directives at outer levels that are not
	// inherited, with the directive that stops them.
	Dropped []Dropped
	// Overridden lists scalar directives at outer levels that the
	// effective one replaces.
	Overridden []*model.Directive
	// Conditional lists directives of the same name inside "if" blocks
	// directly in the location: they apply only when the condition holds.
	Conditional []*model.Directive
}

// Last returns the last effective directive, nil when none.
func (v *Value) Last() *model.Directive {
	if v == nil || len(v.Directives) == 0 {
		return nil
	}
	return v.Directives[len(v.Directives)-1]
}

// Level returns the level of the last effective directive; ok is false
// when no level sets the directive.
func (v *Value) Level() (l Level, ok bool) {
	if !v.Set() {
		return Level{}, false
	}
	return v.Levels[len(v.Levels)-1], true
}

// Set reports whether some level sets the directive.
func (v *Value) Set() bool { return v != nil && len(v.Directives) > 0 }

// Inherited reports whether the effective value comes from an outer level
// (not from the first level asked about).
func (v *Value) Inherited(first Level) bool {
	return v.Set() && v.Levels[len(v.Levels)-1].Block != first.Block
}

// Effective returns the value of directive name that applies in loc, after
// nginx's inheritance: scalars from the nearest level that sets them;
// arrays (proxy_set_header, add_header, proxy_hide_header,
// proxy_pass_header, …) from the nearest level with at least one directive
// of the group, the outer ones being Dropped; directives that are not
// inherited (rewrite, return, proxy_pass, …) only from loc itself.
func Effective(loc *model.Location, name string) *Value {
	return (*Config)(nil).Effective(loc, name)
}

// Effective is the package-level Effective with the top level of a
// fragment as the http level.
func (c *Config) Effective(loc *model.Location, name string) *Value {
	v := c.effectiveAt(c.Levels(loc), name)
	if loc != nil {
		for _, d := range c.named(loc.Directive, "if") {
			v.Conditional = append(v.Conditional, c.group(d, name)...)
		}
	}
	return v
}

// EffectiveServer returns the value of directive name at server level
// (for requests no location matches, and server-wide settings).
func EffectiveServer(srv *model.Server, name string) *Value {
	return EffectiveAt(ServerLevels(srv), name)
}

// EffectiveServer is the package-level EffectiveServer with the top level
// of a fragment as the http level.
func (c *Config) EffectiveServer(srv *model.Server, name string) *Value {
	return c.effectiveAt(c.ServerLevels(srv), name)
}

// EffectiveAt applies inheritance over levels given innermost first (see
// Levels).
func EffectiveAt(levels []Level, name string) *Value {
	return (*Config)(nil).effectiveAt(levels, name)
}

// effectiveAt is EffectiveAt with the blocks' directives looked up through
// c's index: its cost grows with the number of levels and of the
// directives it returns, not with the size of the blocks.
func (c *Config) effectiveAt(levels []Level, name string) *Value {
	v := &Value{Name: name, Inheritance: InheritanceOf(name)}
	switch v.Inheritance {
	case InheritNone:
		if len(levels) > 0 {
			for _, d := range c.named(levels[0].Block, name) {
				v.Directives = append(v.Directives, d)
				v.Levels = append(v.Levels, levels[0])
			}
		}
	case InheritScalar:
		for i, l := range levels {
			ds := c.named(l.Block, name)
			if len(ds) == 0 {
				continue
			}
			v.Directives = ds
			for range ds {
				v.Levels = append(v.Levels, l)
			}
			for _, outer := range levels[i+1:] {
				v.Overridden = append(v.Overridden, c.named(outer.Block, name)...)
			}
			break
		}
	case InheritArray:
		c.effectiveArray(v, levels, name)
	}
	return v
}

func (c *Config) effectiveArray(v *Value, levels []Level, name string) {
	control := inheritControl[name]
	// modes[i] is the innermost "*_inherit" directive at levels[i:] (the
	// scalar value of the control directive at level i), found in one
	// pass from the outermost level in.
	var modes []*model.Directive
	if control != "" {
		modes = make([]*model.Directive, len(levels))
		var outer *model.Directive
		for i := len(levels) - 1; i >= 0; i-- {
			if ds := c.named(levels[i].Block, control); len(ds) > 0 {
				outer = ds[len(ds)-1]
			}
			modes[i] = outer
		}
	}
	for i, l := range levels {
		ds := c.group(l.Block, name)
		mode := "on"
		var modeDirective *model.Directive
		if modes != nil && modes[i] != nil {
			modeDirective = modes[i]
			mode = strings.ToLower(argV(modeDirective, 0))
		}
		var stop *model.Directive
		if len(ds) > 0 {
			for _, d := range ds {
				v.Directives = append(v.Directives, d)
				v.Levels = append(v.Levels, l)
			}
			if mode != "merge" {
				stop = ds[0]
			}
		} else if mode == "off" {
			stop = modeDirective
		}
		if stop == nil {
			continue
		}
		// Everything further out is dropped; each outer directive is
		// stopped by the nearest level inside it that has the group (or an
		// inherit off), starting with this one.
		because, becauseLevel := stop, l
		for _, outer := range levels[i+1:] {
			ods := c.group(outer.Block, name)
			for _, d := range ods {
				v.Dropped = append(v.Dropped, Dropped{Directive: d, Level: outer, Because: because, BecauseLevel: becauseLevel})
			}
			if len(ods) > 0 {
				because, becauseLevel = ods[0], outer
			}
		}
		return
	}
}

// directivesNamed returns the directives called name directly in block.
func directivesNamed(block *model.Directive, name string) []*model.Directive {
	var out []*model.Directive
	for _, d := range children(block) {
		if d.Name.V == name {
			out = append(out, d)
		}
	}
	return out
}

// groupDirectives returns the directives of name's group directly in block.
func groupDirectives(block *model.Directive, name string) []*model.Directive {
	var out []*model.Directive
	for _, d := range children(block) {
		if sameGroup(d.Name.V, name) {
			out = append(out, d)
		}
	}
	return out
}

func sameGroup(a, b string) bool {
	if a == b {
		return true
	}
	ga, ok := arrayGroups[a]
	return ok && ga == arrayGroups[b]
}

// HeaderValue is the effective value of one request header nginx sends
// upstream from a location (proxy_set_header, or grpc_set_header …).
type HeaderValue struct {
	// Name is the header name as asked.
	Name string
	// Set are the effective directives that set this header (compared
	// case-insensitively), in order; more than one means nginx sends the
	// header several times.
	Set []*model.Directive
	// Level is where Set comes from (zero when Set is empty).
	Level Level
	// Value is the value argument of the last directive in Set (the
	// position of the value as written), unset when Set is empty. An
	// empty value ("") means nginx does not send the header.
	Value model.Str
	// Default is what nginx does when Set is empty: DefaultSet with
	// DefaultValue ("$proxy_host" for Host, "close" for Connection),
	// DefaultRemoved for hop-by-hop headers nginx never forwards (Upgrade,
	// Keep-Alive, TE, Expect), DefaultClient when the client's header
	// passes through unchanged.
	Default      DefaultKind
	DefaultValue string
	// Dropped are proxy_set_header lines for this header at outer levels
	// that the location does not inherit.
	Dropped []Dropped
	// Conditional are lines for this header inside "if" blocks in the
	// location.
	Conditional []*model.Directive
	// All is the full effective list the header came from.
	All *Value
}

// DefaultKind says what nginx sends for a header no directive sets.
type DefaultKind string

// Default kinds.
const (
	DefaultSet     DefaultKind = "set"
	DefaultRemoved DefaultKind = "removed"
	DefaultClient  DefaultKind = "client"
)

// IsSet reports whether a directive sets the header.
func (h *HeaderValue) IsSet() bool { return h != nil && len(h.Set) > 0 }

// Header returns the effective proxy_set_header value of header name
// (case-insensitive) in loc, where it came from, and the outer definitions
// that inheritance dropped.
func Header(loc *model.Location, name string) *HeaderValue {
	return (*Config)(nil).HeaderIn(loc, "proxy_set_header", name)
}

// HeaderIn is Header for another header directive: grpc_set_header,
// add_header (response headers), fastcgi_param, ….
func HeaderIn(loc *model.Location, directive, name string) *HeaderValue {
	return (*Config)(nil).HeaderIn(loc, directive, name)
}

// Header is the package-level Header with the top level of a fragment as
// the http level.
func (c *Config) Header(loc *model.Location, name string) *HeaderValue {
	return c.HeaderIn(loc, "proxy_set_header", name)
}

// HeaderIn is the package-level HeaderIn with the top level of a fragment
// as the http level.
func (c *Config) HeaderIn(loc *model.Location, directive, name string) *HeaderValue {
	all := c.Effective(loc, directive)
	h := &HeaderValue{Name: name, All: all}
	for i, d := range all.Directives {
		if d.Name.V == directive && len(d.Args) > 0 && strings.EqualFold(d.Args[0].V, name) {
			h.Set = append(h.Set, d)
			h.Level = all.Levels[i]
		}
	}
	if n := len(h.Set); n > 0 && len(h.Set[n-1].Args) > 1 {
		h.Value = h.Set[n-1].Args[1]
	}
	for _, dr := range all.Dropped {
		if dr.Directive.Name.V == directive && len(dr.Directive.Args) > 0 && strings.EqualFold(dr.Directive.Args[0].V, name) {
			h.Dropped = append(h.Dropped, dr)
		}
	}
	for _, d := range all.Conditional {
		if d.Name.V == directive && len(d.Args) > 0 && strings.EqualFold(d.Args[0].V, name) {
			h.Conditional = append(h.Conditional, d)
		}
	}
	h.Default, h.DefaultValue = headerDefault(directive, name)
	return h
}

func headerDefault(directive, name string) (DefaultKind, string) {
	if directive != "proxy_set_header" {
		return DefaultClient, ""
	}
	switch strings.ToLower(name) {
	case "host":
		return DefaultSet, "$proxy_host"
	case "connection":
		return DefaultSet, "close"
	case "upgrade", "keep-alive", "te", "expect":
		return DefaultRemoved, ""
	}
	return DefaultClient, ""
}

// Duplicate is a header set twice at one level: nginx sends both.
type Duplicate struct {
	// Name is the header name as written in Later.
	Name string
	// First is the earlier directive, Later the repeated one (findings go
	// at Later, with First related).
	First, Later *model.Directive
}

// Duplicates returns the headers that directive (e.g. "proxy_set_header",
// "add_header") sets more than once directly in block, one entry per
// repetition, compared case-insensitively.
func Duplicates(block *model.Directive, directive string) []Duplicate {
	first := map[string]*model.Directive{}
	var out []Duplicate
	for _, d := range children(block) {
		if d.Name.V != directive || len(d.Args) == 0 {
			continue
		}
		key := strings.ToLower(d.Args[0].V)
		if f, ok := first[key]; ok {
			out = append(out, Duplicate{Name: d.Args[0].V, First: f, Later: d})
			continue
		}
		first[key] = d
	}
	return out
}
