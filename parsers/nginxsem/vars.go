package nginxsem

import (
	"strings"

	"github.com/grafanalint/grafanalint/parsers/model"
)

// UsedVariables returns the variables directive d reads from its
// arguments, in order: "$name" and "${name}" references, each as a Str
// whose V is the name without "$" and braces ("1" for the capture $1), Pos
// the "$" and End just after the name (or the "}"). Arguments that are
// not nginx scripts are skipped: regexes (location, rewrite's pattern, if's
// "~" operand, server_name), the variable a directive defines (set $x, map
// … $x, geo, split_clients, js_set, perl_set, auth_request_set), map keys,
// and the bodies of geo, split_clients and types blocks.
func UsedVariables(d *model.Directive) []model.Str {
	if d == nil {
		return nil
	}
	var out []model.Str
	scan := func(args ...model.Str) {
		for _, a := range args {
			out = append(out, varRefs(a)...)
		}
	}
	if strings.Contains(d.Name.V, "_by_lua") {
		return nil // Lua code, and set_by_lua's variable
	}
	if p := d.Parent; p != nil {
		switch p.Name.V {
		case "geo", "split_clients", "types", "charset_map", "match", "geoip2":
			return nil
		case "map":
			scan(d.Args...) // the key (d.Name) is not a script
			return out
		case "upstream":
			if d.Name.V == "server" {
				return nil
			}
		}
	}
	args := d.Args
	switch d.Name.V {
	case "location", "server_name", "gzip_disable", "valid_referers",
		"ancient_browser", "modern_browser", "perl_set", "js_set", "perl",
		"js_import", "js_include", "js_path", "types", "include", "charset_map":
		return nil
	case "rewrite":
		if len(args) > 1 {
			scan(args[1])
		}
	case "set", "js_var", "auth_request_set":
		if len(args) > 1 {
			scan(args[1:]...)
		}
	case "map", "split_clients":
		if len(args) > 0 {
			scan(args[0])
		}
	case "geo":
		if len(args) == 2 {
			scan(args[0])
		}
	case "auth_jwt_claim_set", "auth_jwt_header_set", "keyval":
		if d.Name.V == "keyval" && len(args) > 0 {
			scan(args[0])
		}
	case "log_format":
		if len(args) > 1 {
			scan(args[1:]...)
		}
	case "if":
		for i, a := range args {
			if i > 0 && isRegexOperator(args[i-1].V) {
				continue
			}
			scan(a)
		}
	case "proxy_redirect", "proxy_cookie_path", "proxy_cookie_domain",
		"fastcgi_split_path_info":
		for _, a := range args {
			if d.Name.V == "fastcgi_split_path_info" || strings.HasPrefix(a.V, "~") {
				continue
			}
			scan(a)
		}
	default:
		scan(args...)
	}
	return out
}

func isRegexOperator(s string) bool {
	switch s {
	case "~", "~*", "!~", "!~*":
		return true
	}
	return false
}

// varRefs finds the variable references in one argument.
func varRefs(a model.Str) []model.Str {
	refs := scanRefs(a.V)
	out := make([]model.Str, len(refs))
	for i, r := range refs {
		out[i] = model.Str{V: r.name, Pos: posIn(a, r.start), End: posIn(a, r.end)}
	}
	return out
}

// ref is one variable reference: s[start:end] is "$name" or "${name}".
type ref struct {
	name       string
	start, end int
}

// scanRefs finds "$name", "${name}" and "$1".."$9" in s as nginx's script
// compiler does (a capture reference is a single digit).
func scanRefs(s string) []ref {
	var out []ref
	for i := 0; i < len(s); i++ {
		if s[i] != '$' || i+1 >= len(s) {
			continue
		}
		j := i + 1
		switch c := s[j]; {
		case c >= '1' && c <= '9':
			out = append(out, ref{name: s[j : j+1], start: i, end: j + 1})
			i = j
			continue
		case c == '{':
			k := strings.IndexByte(s[j+1:], '}')
			if k <= 0 || !isVarName(s[j+1:j+1+k]) {
				continue // nginx rejects "${" without a name
			}
			out = append(out, ref{name: s[j+1 : j+1+k], start: i, end: j + k + 2})
			i = j + k + 1
			continue
		}
		k := j
		for k < len(s) && isVarChar(s[k]) {
			k++
		}
		if k == j {
			continue
		}
		out = append(out, ref{name: s[j:k], start: i, end: k})
		i = k - 1
	}
	return out
}

func isVarChar(c byte) bool {
	return c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
}

func isVarName(s string) bool {
	for i := 0; i < len(s); i++ {
		if !isVarChar(s[i]) {
			return false
		}
	}
	return s != ""
}

// posIn returns the position of byte offset off of a's value. Columns
// count code points. When a's End shows that the value was written with
// escapes (\" \' \\ \t \r \n in nginx quoting), each escaped character
// counts two columns.
func posIn(a model.Str, off int) model.Pos {
	escaped := valueHasEscapes(a)
	p := a.Pos
	if !p.IsValid() {
		return p
	}
	for _, r := range a.V[:off] {
		switch {
		case escaped && isEscapedRune(r):
			p.Col += 2
		case r == '\n':
			p.Line++
			p.Col = 1
		default:
			p.Col++
		}
	}
	return p
}

func isEscapedRune(r rune) bool {
	switch r {
	case '"', '\'', '\\', '\t', '\r', '\n':
		return true
	}
	return false
}

// valueHasEscapes reports whether a's span (Pos to End) fits the value
// written with escapes and not the value written literally.
func valueHasEscapes(a model.Str) bool {
	if !a.End.IsValid() || !a.Pos.IsValid() {
		return false
	}
	literal := advance(a.Pos, a.V, false)
	if literal == a.End {
		return false
	}
	return advance(a.Pos, a.V, true) == a.End
}

func advance(p model.Pos, s string, escaped bool) model.Pos {
	for _, r := range s {
		switch {
		case escaped && isEscapedRune(r):
			p.Col += 2
		case r == '\n':
			p.Line++
			p.Col = 1
		default:
			p.Col++
		}
	}
	return p
}

// DefinitionKind says how a variable is defined.
type DefinitionKind string

// Definition kinds.
const (
	DefSet          DefinitionKind = "set"
	DefMap          DefinitionKind = "map"
	DefGeo          DefinitionKind = "geo"
	DefSplitClients DefinitionKind = "split_clients"
	DefCapture      DefinitionKind = "named-capture"
	DefModule       DefinitionKind = "module" // perl_set, js_set, js_var, auth_request_set, …
)

// Definition is one place that defines a variable.
type Definition struct {
	Kind DefinitionKind
	// Name is the variable as written where it is defined: "$x" for set,
	// map, geo …, the group name inside "(?<x>…)" for a named capture.
	Name model.Str
	// Directive is the defining directive (set, map, location, rewrite, …).
	Directive *model.Directive
	// Value is set's value argument (nil for other kinds).
	Value *model.Str
}

// Variables indexes every variable a configuration defines.
type Variables struct {
	defs map[string][]Definition
}

// NewVariables walks cfg and indexes its variable definitions. nginx
// variables are global: a "set" in one location defines the name for the
// whole configuration (its value is empty elsewhere).
func NewVariables(cfg *model.NginxConfig) *Variables {
	v := &Variables{defs: map[string][]Definition{}}
	if cfg == nil {
		return v
	}
	walk(cfg.Directives, func(d *model.Directive) {
		v.collect(d)
	})
	return v
}

func (v *Variables) add(kind DefinitionKind, name model.Str, d *model.Directive, value *model.Str) {
	key := strings.ToLower(strings.TrimPrefix(name.V, "$"))
	if key == "" {
		return
	}
	v.defs[key] = append(v.defs[key], Definition{Kind: kind, Name: name, Directive: d, Value: value})
}

func (v *Variables) collect(d *model.Directive) {
	args := d.Args
	if p := d.Parent; p != nil && p.Name.V == "map" {
		if strings.HasPrefix(d.Name.V, "~") {
			v.captures(d.Name, d)
		}
		return
	}
	if p := d.Parent; p != nil && p.Name.V == "geoip2" && strings.HasPrefix(d.Name.V, "$") {
		v.add(DefModule, d.Name, d, nil) // third-party geoip2 module
		return
	}
	switch d.Name.V {
	case "set":
		if len(args) > 0 {
			var val *model.Str
			if len(args) > 1 {
				val = &args[1]
			}
			v.add(DefSet, args[0], d, val)
		}
	case "map", "split_clients":
		kind := DefMap
		if d.Name.V == "split_clients" {
			kind = DefSplitClients
		}
		if len(args) > 1 {
			v.add(kind, args[1], d, nil)
		}
	case "geo":
		if len(args) > 0 {
			v.add(DefGeo, args[len(args)-1], d, nil)
		}
	case "perl_set", "js_set", "js_var", "auth_request_set", "auth_jwt_claim_set", "auth_jwt_header_set":
		if len(args) > 0 {
			v.add(DefModule, args[0], d, nil)
		}
	case "keyval":
		if len(args) > 1 {
			v.add(DefModule, args[1], d, nil)
		}
	case "set_by_lua", "set_by_lua_block", "set_by_lua_file":
		if len(args) > 0 {
			v.add(DefModule, args[0], d, nil)
		}
	case "location":
		if len(args) > 1 && (args[0].V == "~" || args[0].V == "~*") {
			v.captures(args[1], d)
		} else if len(args) == 1 && strings.HasPrefix(args[0].V, "~") {
			v.captures(args[0], d)
		}
	case "server_name":
		for _, a := range args {
			if strings.HasPrefix(a.V, "~") {
				v.captures(a, d)
			}
		}
	case "rewrite":
		if len(args) > 0 {
			v.captures(args[0], d)
		}
	case "if":
		for i, a := range args {
			if i > 0 && isRegexOperator(args[i-1].V) {
				v.captures(a, d)
			}
		}
	}
}

// captures records the named groups of a regex argument.
func (v *Variables) captures(a model.Str, d *model.Directive) {
	s := a.V
	for i := 0; i < len(s); i++ {
		if s[i] == '\\' {
			i++
			continue
		}
		if !strings.HasPrefix(s[i:], "(?") {
			continue
		}
		rest := s[i+2:]
		var open, close string
		switch {
		case strings.HasPrefix(rest, "P<"):
			open, close = "P<", ">"
		case strings.HasPrefix(rest, "<") && !strings.HasPrefix(rest, "<=") && !strings.HasPrefix(rest, "<!"):
			open, close = "<", ">"
		case strings.HasPrefix(rest, "'"):
			open, close = "'", "'"
		default:
			continue
		}
		nameStart := i + 2 + len(open)
		k := strings.Index(s[nameStart:], close)
		if k <= 0 {
			continue
		}
		name := s[nameStart : nameStart+k]
		if !isVarName(name) {
			continue
		}
		v.add(DefCapture, model.Str{V: name, Pos: posIn(a, nameStart), End: posIn(a, nameStart+k)}, d, nil)
	}
}

// Lookup returns the definitions of variable name ("$x", "x" or "${x}";
// case-insensitive as in nginx) and whether nginx provides it built in
// ($host, $http_*, $1 …).
func (v *Variables) Lookup(name string) ([]Definition, bool) {
	key := normalizeVarName(name)
	return v.defs[key], IsBuiltin(key)
}

// Definitions returns every indexed definition, keyed by lower-case name.
func (v *Variables) Definitions() map[string][]Definition { return v.defs }

func normalizeVarName(name string) string {
	name = strings.TrimPrefix(name, "$")
	if strings.HasPrefix(name, "{") && strings.HasSuffix(name, "}") {
		name = name[1 : len(name)-1]
	}
	return strings.ToLower(name)
}

// IsBuiltin reports whether nginx provides variable name itself: a core or
// module variable, a prefixed family ($http_…, $arg_…, $cookie_…,
// $sent_http_…, $upstream_http_…), or a regex capture $1…$9.
func IsBuiltin(name string) bool {
	name = normalizeVarName(name)
	if len(name) == 1 && name[0] >= '1' && name[0] <= '9' {
		return true
	}
	if builtinVars[name] {
		return true
	}
	for _, p := range builtinPrefixes {
		if strings.HasPrefix(name, p) {
			return true
		}
	}
	return false
}

// Defined returns where cfg defines variable name (set, map, geo,
// split_clients, perl_set/js_set/auth_request_set, named regex captures)
// and whether nginx provides it built in. A variable that is neither makes
// nginx refuse to start ("unknown variable").
func Defined(cfg *model.NginxConfig, name string) (where []model.Pos, builtin bool) {
	defs, builtin := NewVariables(cfg).Lookup(name)
	for _, d := range defs {
		where = append(where, d.Name.Pos)
	}
	return where, builtin
}

// Use is one variable reference in a configuration.
type Use struct {
	// Var is the reference (V: the name, Pos: the "$").
	Var       model.Str
	Directive *model.Directive
}

// Uses returns every variable reference in cfg, in file order, as
// UsedVariables reports them.
func Uses(cfg *model.NginxConfig) []Use {
	var out []Use
	if cfg == nil {
		return nil
	}
	walk(cfg.Directives, func(d *model.Directive) {
		for _, v := range UsedVariables(d) {
			out = append(out, Use{Var: v, Directive: d})
		}
	})
	return out
}

// Undefined returns the variable references in cfg that nothing defines
// and nginx does not provide: each makes nginx refuse to start.
func Undefined(cfg *model.NginxConfig) []Use {
	vars := NewVariables(cfg)
	var out []Use
	for _, u := range Uses(cfg) {
		defs, builtin := vars.Lookup(u.Var.V)
		if !builtin && len(defs) == 0 {
			out = append(out, u)
		}
	}
	return out
}

// walk calls f for every directive, depth first in file order.
func walk(ds []*model.Directive, f func(*model.Directive)) {
	for _, d := range ds {
		f(d)
		walk(d.Block, f)
	}
}
