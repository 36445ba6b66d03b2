package fronting

import (
	"regexp"
	"strings"
	"unicode/utf8"

	"github.com/grafanalint/grafanalint/parsers/model"
	"github.com/grafanalint/grafanalint/parsers/nginxsem"
)

// Indexes of the stack's nginx configurations, built once per Analysis
// the first time a rule asks, so that a question about one server costs
// what it looks up, not a walk over every configuration of the stack (a
// stack may hold thousands of conf.d vhosts, each a configuration of its
// own). The answers are those of the walks they replace, in the same
// order.

// VarName normalises a variable as the proxy rules compare them: "$x",
// "${x}" or "x" to "x", in lower case.
func VarName(s string) string {
	s = strings.TrimPrefix(s, "$")
	s = strings.TrimSuffix(strings.TrimPrefix(s, "{"), "}")
	return strings.ToLower(s)
}

// stackIndex indexes every configuration of the stack; each entry names
// the configuration (its position in Analysis.Configs) it comes from.
type stackIndex struct {
	// maps are the map blocks by the variable they define (VarName), and
	// by their source variable; sets the values of "set" directives by
	// the variable they set; all in configuration and file order.
	maps, mapsBySource map[string][]fromConfig[*model.Map]
	sets               map[string][]fromConfig[string]
	// defined lists, for each variable name nginxsem.Variables indexes,
	// the configurations that define it (ascending, each once).
	defined map[string][]int
	// upstreams are the upstream blocks by lower-case name, the first of
	// each name in configuration and file order.
	upstreams map[string][]fromConfig[*model.Upstream]
	// written holds the locations directly in the servers of every
	// configuration (model.Server.Locations), by the position of their
	// "location" word, in configuration, server and file order.
	written map[model.Pos][]fromConfig[*model.Location]
}

type fromConfig[T any] struct {
	config int
	v      T
}

func (a *Analysis) stackIndex() *stackIndex {
	if a.index != nil {
		return a.index
	}
	x := &stackIndex{
		maps: map[string][]fromConfig[*model.Map]{}, mapsBySource: map[string][]fromConfig[*model.Map]{},
		sets: map[string][]fromConfig[string]{}, defined: map[string][]int{},
		upstreams: map[string][]fromConfig[*model.Upstream]{},
		written:   map[model.Pos][]fromConfig[*model.Location]{},
	}
	for i, c := range a.Configs {
		for _, srv := range c.Config.Servers {
			for _, l := range srv.Locations {
				if l.Directive != nil {
					x.written[l.Directive.Name.Pos] = append(x.written[l.Directive.Name.Pos], fromConfig[*model.Location]{i, l})
				}
			}
		}
		for _, m := range c.Config.Maps {
			x.maps[VarName(m.Variable.V)] = append(x.maps[VarName(m.Variable.V)], fromConfig[*model.Map]{i, m})
			x.mapsBySource[VarName(m.Source.V)] = append(x.mapsBySource[VarName(m.Source.V)], fromConfig[*model.Map]{i, m})
		}
		seenUpstream := map[string]bool{}
		walk(c.Config.Directives, func(d *model.Directive) {
			switch {
			case d.Name.V == "set" && len(d.Args) > 1:
				k := VarName(d.Args[0].V)
				x.sets[k] = append(x.sets[k], fromConfig[string]{i, d.Args[1].V})
			case d.Name.V == "upstream" && len(d.Args) > 0 && d.Block != nil:
				k := strings.ToLower(d.Args[0].V)
				if !seenUpstream[k] {
					seenUpstream[k] = true
					x.upstreams[k] = append(x.upstreams[k], fromConfig[*model.Upstream]{i, &model.Upstream{Directive: d, Name: d.Args[0]}})
				}
			}
		})
		for k, defs := range c.Sem.Variables().Definitions() {
			if len(defs) > 0 {
				x.defined[k] = append(x.defined[k], i)
			}
		}
	}
	a.index = x
	return x
}

// inView returns the values of list that configuration c sees: its own,
// then, when c is a fragment (a conf.d file whose nginx.conf may be
// another configuration of the stack), those of the other configurations
// in their order.
func inView[T any](c *Config, list []fromConfig[T]) []T {
	var out []T
	for _, e := range list {
		if e.config == c.pos {
			out = append(out, e.v)
		}
	}
	if !c.Config.Fragment {
		return out
	}
	for _, e := range list {
		if e.config != c.pos {
			out = append(out, e.v)
		}
	}
	return out
}

// MapsDefining returns the map blocks that define variable name (VarName
// form) for configuration c: its own, then for a fragment those of the
// stack's other configurations, in order.
func (a *Analysis) MapsDefining(c *Config, name string) []*model.Map {
	return inView(c, a.stackIndex().maps[name])
}

// MapsFrom returns the map blocks whose source is variable name (VarName
// form) that configuration c sees, in the order of MapsDefining.
func (a *Analysis) MapsFrom(c *Config, name string) []*model.Map {
	return inView(c, a.stackIndex().mapsBySource[name])
}

// SetValues returns the values "set" directives give variable name
// (VarName form) in configuration c (its own, then for a fragment the
// other configurations'), as written.
func (a *Analysis) SetValues(c *Config, name string) []string {
	return inView(c, a.stackIndex().sets[name])
}

// DefinedOutside reports whether a configuration of the stack other than
// c defines variable name, or nginx provides it and another configuration
// exists (nginxsem.Defined on each other configuration).
func (a *Analysis) DefinedOutside(c *Config, name string) bool {
	if len(a.Configs) > 1 && nginxsem.IsBuiltin(name) {
		return true
	}
	for _, i := range a.stackIndex().defined[VarName(name)] {
		if i != c.pos {
			return true
		}
	}
	return false
}

// DefinedAnywhere reports whether a configuration of the stack defines
// variable name, or nginx provides it and the stack has a configuration
// (nginxsem.Defined on each configuration).
func (a *Analysis) DefinedAnywhere(name string) bool {
	if len(a.Configs) > 0 && nginxsem.IsBuiltin(name) {
		return true
	}
	return len(a.stackIndex().defined[VarName(name)]) > 0
}

// WrittenAt calls fn, in configuration, server and file order, for each
// location directly in a server of the stack's configurations (not nested
// in another location) whose "location" word is at pos: the same text
// read by several servers (a snippet of locations they include), or
// once. fn returns false to stop.
func (a *Analysis) WrittenAt(pos model.Pos, fn func(c *Config, loc *model.Location) bool) {
	for _, e := range a.stackIndex().written[pos] {
		if !fn(a.Configs[e.config], e.v) {
			return
		}
	}
}

// UpstreamBlock returns the upstream block called name (any case) that
// configuration c sees: for a fragment the first of the stack's
// configurations in order, else c's own; nil when none.
func (a *Analysis) UpstreamBlock(c *Config, name string) *model.Upstream {
	for _, e := range a.stackIndex().upstreams[strings.ToLower(name)] {
		if c.Config.Fragment || e.config == c.pos {
			return e.v
		}
	}
	return nil
}

// ServerOf returns the Grafana-fronting server whose server block is d,
// nil when d is not one.
func (c *Config) ServerOf(d *model.Directive) *Server {
	if c.byBlock == nil {
		c.byBlock = make(map[*model.Directive]*Server, len(c.Servers))
		for _, s := range c.Servers {
			if _, ok := c.byBlock[s.Server.Directive]; !ok {
				c.byBlock[s.Server.Directive] = s
			}
		}
	}
	return c.byBlock[d]
}

// ProxyAt returns the Grafana proxy of s in location loc, nil when loc
// does not proxy to Grafana.
func (s *Server) ProxyAt(loc *model.Location) *nginxsem.GrafanaProxy {
	if len(s.Proxies) <= 16 {
		for i := range s.Proxies {
			if s.Proxies[i].Location == loc {
				return &s.Proxies[i]
			}
		}
		return nil
	}
	if s.proxyAt == nil {
		s.proxyAt = make(map[*model.Location]int, len(s.Proxies))
		for i := range s.Proxies {
			if _, ok := s.proxyAt[s.Proxies[i].Location]; !ok {
				s.proxyAt[s.Proxies[i].Location] = i
			}
		}
	}
	if i, ok := s.proxyAt[loc]; ok {
		return &s.Proxies[i]
	}
	return nil
}

// LocationsSetting returns the locations of s, nested ones included, in
// file order, that write a proxy_set_header for header name themselves
// (compared without case).
func (s *Server) LocationsSetting(name string) []*model.Location {
	if s.setting == nil {
		s.setting = map[string][]*model.Location{}
		var visit func(ls []*model.Location)
		visit = func(ls []*model.Location) {
			for _, l := range ls {
				seen := map[string]bool{}
				for _, d := range l.Directive.Block {
					if d.Name.V == "proxy_set_header" && len(d.Args) > 0 {
						k := strings.ToLower(d.Args[0].V)
						if !seen[k] {
							seen[k] = true
							s.setting[k] = append(s.setting[k], l)
						}
					}
				}
				visit(l.Nested)
			}
		}
		var top []*model.Location
		for _, l := range s.Server.Locations {
			if l.Parent == nil {
				top = append(top, l)
			}
		}
		visit(top)
	}
	return s.setting[strings.ToLower(name)]
}

// MapTable is a map block's entries as nginx's map module looks them up
// (ngx_http_map_find): string keys compared without case, then the
// regular expressions in order, then the default.
type MapTable struct {
	// exact holds the first entry of each ASCII string key, lower-cased,
	// by its index in the block; folded the other string keys, compared
	// with strings.EqualFold.
	exact  map[string]int
	folded []int
	keys   []string
	values []string
	// regexes are the "~" entries in order, compiled (re nil when Go's
	// regexp cannot compile one: a lookup that reaches it is unknown).
	regexes []mapRegex
	def     string
}

type mapRegex struct {
	re    *regexp.Regexp
	value string
}

// NewMapTable indexes the entries of m.
func NewMapTable(m *model.Map) *MapTable {
	t := &MapTable{exact: map[string]int{}}
	for _, en := range m.Entries {
		k := en.Key.V
		switch {
		case k == "default":
			t.def = en.Value.V
		case strings.HasPrefix(k, "~"):
			pat := k[1:]
			if strings.HasPrefix(pat, "*") {
				pat = "(?i)" + pat[1:]
			}
			re, err := regexp.Compile(pat)
			if err != nil {
				re = nil
			}
			t.regexes = append(t.regexes, mapRegex{re, en.Value.V})
		default:
			k = strings.TrimPrefix(k, `\`)
			i := len(t.keys)
			t.keys = append(t.keys, k)
			t.values = append(t.values, en.Value.V)
			if isASCII(k) {
				if _, ok := t.exact[strings.ToLower(k)]; !ok {
					t.exact[strings.ToLower(k)] = i
				}
			} else {
				t.folded = append(t.folded, i)
			}
		}
	}
	return t
}

// Lookup returns the value of the map for src; ok is false when a regex
// that must be tried cannot be evaluated with Go's regexp.
func (t *MapTable) Lookup(src string) (string, bool) {
	best := -1
	if isASCII(src) {
		if i, ok := t.exact[strings.ToLower(src)]; ok {
			best = i
		}
	} else {
		// A non-ASCII source folds to an ASCII key only through special
		// letters (the Kelvin sign, the long s): compare with every key.
		for i, k := range t.keys {
			if isASCII(k) && strings.EqualFold(k, src) {
				best = i
				break
			}
		}
	}
	for _, i := range t.folded {
		if best >= 0 && i > best {
			break
		}
		if strings.EqualFold(t.keys[i], src) {
			best = i
			break
		}
	}
	if best >= 0 {
		return t.values[best], true
	}
	for _, r := range t.regexes {
		if r.re == nil {
			return "", false
		}
		if r.re.MatchString(src) {
			return r.value, true
		}
	}
	return t.def, true
}

// Derived returns the value named key, made by build the first time it is
// asked for in this analysis: what a rule derives from the configurations
// for a finding and would otherwise work out again for each (the edit
// that adds a map to an http block). Keys are compared with ==; use a
// value of an unexported type. The value must not change once built.
func (a *Analysis) Derived(key any, build func() any) any {
	if v, ok := a.derived[key]; ok {
		return v
	}
	if a.derived == nil {
		a.derived = map[any]any{}
	}
	v := build()
	a.derived[key] = v
	return v
}

// MapTable returns the table of m, built once per analysis.
func (a *Analysis) MapTable(m *model.Map) *MapTable {
	if t, ok := a.tables[m]; ok {
		return t
	}
	if a.tables == nil {
		a.tables = map[*model.Map]*MapTable{}
	}
	t := NewMapTable(m)
	a.tables[m] = t
	return t
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

// incomplete caches Config.Incomplete's verdict for one block.
type incompleteKey struct {
	block *model.Directive
	http  bool
}

// walk visits every directive of ds, depth first.
func walk(ds []*model.Directive, fn func(*model.Directive)) {
	for _, d := range ds {
		fn(d)
		walk(d.Block, fn)
	}
}
