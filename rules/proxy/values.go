package proxy

import (
	"regexp"
	"strings"

	"github.com/grafanalint/grafanalint/parsers/model"
	"github.com/grafanalint/grafanalint/rules/proxy/fronting"
)

// evaluator computes what an nginx value (a proxy_set_header value, a map
// result) becomes for one request: variables nginx fills from the request
// are given, map variables are looked up as nginx's map module does, set
// variables take the literal values some set gives them.
type evaluator struct {
	// cfgs are searched for map and set definitions: the configuration
	// first, then (for a conf.d fragment, whose nginx.conf may sit beside
	// it) the stack's other configurations. With a and c set, the
	// analysis' indexes of them are used instead (the same definitions in
	// the same order).
	cfgs []*model.NginxConfig
	a    *fronting.Analysis
	c    *fronting.Config
	// request holds the built-in variables known for the request, by
	// lower-case name without "$".
	request map[string]string
	// via records the map blocks a value went through, for related
	// locations.
	via []*model.Map
}

// wsRequest are the headers a browser sends on Grafana Live's WebSocket
// handshake that matter to Upgrade and Connection.
var wsRequest = map[string]string{
	"http_upgrade":    "websocket",
	"http_connection": "Upgrade",
}

func newEvaluator(a *fronting.Analysis, c *fronting.Config, request map[string]string) *evaluator {
	return &evaluator{a: a, c: c, request: request}
}

// maps returns the map blocks defining variable name, in search order.
func (e *evaluator) maps(name string) []*model.Map {
	if e.a != nil {
		return e.a.MapsDefining(e.c, name)
	}
	var out []*model.Map
	for _, cfg := range e.cfgs {
		for _, m := range cfg.Maps {
			if varName(m.Variable.V) == name {
				out = append(out, m)
			}
		}
	}
	return out
}

// sets returns the values "set" gives variable name, in search order.
func (e *evaluator) sets(name string) []string {
	if e.a != nil {
		return e.a.SetValues(e.c, name)
	}
	var out []string
	for _, cfg := range e.cfgs {
		walk(cfg.Directives, func(d *model.Directive) {
			if d.Name.V == "set" && len(d.Args) > 1 && varName(d.Args[0].V) == name {
				out = append(out, d.Args[1].V)
			}
		})
	}
	return out
}

// lookup is mapLookup through the analysis' table of m when there is one.
func (e *evaluator) lookup(m *model.Map, src string) (string, bool) {
	if e.a != nil {
		return e.a.MapTable(m).Lookup(src)
	}
	return mapLookup(m, src)
}

// maxValues bounds the combinations eval explores.
const maxValues = 16

// eval returns the values s may take; ok is false when a variable's value
// cannot be known (not a request variable given, not a map or set).
func (e *evaluator) eval(s string, depth int) ([]string, bool) {
	refs := varRefs(s)
	if len(refs) == 0 {
		return []string{s}, true
	}
	if depth > 8 {
		return nil, false
	}
	out := []string{""}
	last := 0
	for _, r := range refs {
		vals, ok := e.variable(r.name, depth)
		if !ok {
			return nil, false
		}
		var next []string
		for _, o := range out {
			for _, v := range vals {
				if len(next) < maxValues {
					next = append(next, o+s[last:r.start]+v)
				}
			}
		}
		out, last = next, r.end
	}
	for i := range out {
		out[i] += s[last:]
	}
	return out, true
}

// variable returns the values variable name (lower-case, no "$") may take.
func (e *evaluator) variable(name string, depth int) ([]string, bool) {
	if v, ok := e.request[name]; ok {
		return []string{v}, true
	}
	var out []string
	if ms := e.maps(name); len(ms) > 0 {
		for _, m := range ms {
			vals, ok := e.evalMap(m, depth)
			if !ok {
				return nil, false
			}
			out = append(out, vals...)
		}
		return out, true
	}
	out = e.sets(name)
	if len(out) == 0 {
		return nil, false
	}
	var res []string
	for _, v := range out {
		vals, ok := e.eval(v, depth+1)
		if !ok {
			return nil, false
		}
		res = append(res, vals...)
	}
	return res, true
}

// evalMap returns the value map m gives its variable for this request.
func (e *evaluator) evalMap(m *model.Map, depth int) ([]string, bool) {
	srcs, ok := e.eval(m.Source.V, depth+1)
	if !ok {
		return nil, false
	}
	e.via = append(e.via, m)
	var out []string
	for _, src := range srcs {
		val, ok := e.lookup(m, src)
		if !ok {
			return nil, false
		}
		vals, ok := e.eval(val, depth+1)
		if !ok {
			return nil, false
		}
		out = append(out, vals...)
	}
	return out, true
}

// mapLookup finds the value of m for src as ngx_http_map_find does:
// string keys (compared without case), then regular expressions in order,
// then the default ("" when none). ok is false when a regex cannot be
// evaluated with Go's regexp.
func mapLookup(m *model.Map, src string) (string, bool) {
	def := ""
	for _, en := range m.Entries {
		k := en.Key.V
		switch {
		case k == "default":
			def = en.Value.V
		case strings.HasPrefix(k, "~"):
		default:
			k = strings.TrimPrefix(k, `\`)
			if strings.EqualFold(k, src) {
				return en.Value.V, true
			}
		}
	}
	for _, en := range m.Entries {
		k := en.Key.V
		if !strings.HasPrefix(k, "~") {
			continue
		}
		pat := k[1:]
		if strings.HasPrefix(pat, "*") {
			pat = "(?i)" + pat[1:]
		}
		re, err := regexp.Compile(pat)
		if err != nil {
			return "", false
		}
		if re.MatchString(src) {
			return en.Value.V, true
		}
	}
	return def, true
}

// ref is a variable reference inside a value.
type ref struct {
	name       string // lower-case, without "$" and braces
	start, end int
}

// varRefs finds "$name" and "${name}" in s.
func varRefs(s string) []ref {
	var out []ref
	for i := 0; i < len(s); i++ {
		if s[i] != '$' || i+1 >= len(s) {
			continue
		}
		j := i + 1
		if s[j] == '{' {
			k := strings.IndexByte(s[j:], '}')
			if k < 0 {
				continue
			}
			out = append(out, ref{name: strings.ToLower(s[j+1 : j+k]), start: i, end: j + k + 1})
			i = j + k
			continue
		}
		for j < len(s) && (isWordByte(s[j])) {
			j++
		}
		if j > i+1 {
			out = append(out, ref{name: strings.ToLower(s[i+1 : j]), start: i, end: j})
			i = j - 1
		}
	}
	return out
}

func isWordByte(c byte) bool {
	return c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
}

// varName normalises "$x", "${x}" or "x" to "x" in lower case.
func varName(s string) string { return fronting.VarName(s) }

// walk visits every directive of ds, depth first.
func walk(ds []*model.Directive, fn func(*model.Directive)) {
	for _, d := range ds {
		fn(d)
		walk(d.Block, fn)
	}
}

// hasToken reports whether a comma-separated token list holds tok
// (case-insensitive), as gorilla/websocket's tokenListContainsValue reads
// Connection and Upgrade: a list that is not a token list ("keep-alive
// upgrade") holds nothing.
func hasToken(list, tok string) bool {
	for _, f := range strings.Split(list, ",") {
		f = strings.TrimSpace(f)
		if strings.ContainsAny(f, " \t") {
			return false
		}
		if strings.EqualFold(f, tok) {
			return true
		}
	}
	return false
}
