package provisioning

import (
	"fmt"
	"sort"
	"strconv"
	"strings"

	"github.com/grafanalint/grafanalint/parsers/model"
	"github.com/grafanalint/grafanalint/parsers/yamlbound"
	"gopkg.in/yaml.v3"
)

// walker reads a yaml.v3 node tree the way yaml.v3's decoder would:
// aliases are followed, merge keys ("<<") are expanded (explicit keys win,
// then earlier merged mappings over later ones), and mappings Grafana
// decodes are checked for duplicate keys. Values reached through an alias
// carry the positions of the anchored text.
type walker struct {
	*source
	// v1 is true for apiVersion 1 files, whose values Grafana interpolates.
	v1       bool
	problems []model.Problem
	issues   []model.Problem

	onPath map[*yaml.Node]int  // collections being walked (cycle check)
	cycles map[*yaml.Node]bool // aliases already reported as cycles
	maps   map[*yaml.Node]*mapInfo
	budget *yamlbound.Budget
	// reportedExhausted: the problem for a spent budget was recorded.
	reportedExhausted bool
}

// mapInfo caches a mapping's effective entries.
type mapInfo struct {
	entries []entry
	checked bool
}

// entry is one key/value pair of a mapping after merge expansion. key is
// alias-resolved; val is as written (possibly an alias).
type entry struct {
	key *yaml.Node
	val *yaml.Node
}

// name returns the key's text ("" for a non-scalar key).
func (e entry) name() string {
	if e.key != nil && e.key.Kind == yaml.ScalarNode {
		return e.key.Value
	}
	return ""
}

func newWalker(s *source, root *yaml.Node) *walker {
	w := &walker{
		source: s,
		onPath: map[*yaml.Node]int{},
		cycles: map[*yaml.Node]bool{},
		maps:   map[*yaml.Node]*mapInfo{},
	}
	// yaml.v3 refuses documents whose aliases expand them enormously; allow
	// any reasonable expansion of the written nodes, but bound the work.
	w.budget = yamlbound.New(root)
	return w
}

// finish returns the walk's problems and issues sorted by position.
func (w *walker) finish() (problems, issues []model.Problem) {
	byPos := func(ps []model.Problem) {
		sort.SliceStable(ps, func(i, j int) bool { return ps[i].Pos.Less(ps[j].Pos) })
	}
	byPos(w.problems)
	byPos(w.issues)
	return w.problems, w.issues
}

// tick counts one visited node and reports whether the walk may go on.
func (w *walker) tick() bool {
	if w.budget.Tick() {
		return true
	}
	if !w.reportedExhausted {
		w.reportedExhausted = true
		w.problems = append(w.problems, model.Problem{
			Kind:    model.ProblemSyntax,
			Message: "invalid YAML: " + yamlbound.Message,
			Pos:     w.at(1, 1),
		})
	}
	return false
}

// resolve follows an alias. It returns nil for a nil node, an alias with no
// target, and an alias to a collection that contains it (reported once).
func (w *walker) resolve(n *yaml.Node) *yaml.Node {
	if n == nil || n.Kind != yaml.AliasNode {
		return n
	}
	t := n.Alias
	if t == nil {
		return nil
	}
	if w.onPath[t] > 0 {
		if !w.cycles[n] {
			w.cycles[n] = true
			w.problems = append(w.problems, model.Problem{
				Kind:    model.ProblemSyntax,
				Message: fmt.Sprintf("invalid YAML: anchor %q value contains itself", n.Value),
				Pos:     w.at(n.Line, n.Column),
			})
		}
		return nil
	}
	return t
}

// push marks a collection as being walked; pop unmarks it.
func (w *walker) push(n *yaml.Node) { w.onPath[n]++ }
func (w *walker) pop(n *yaml.Node) {
	if w.onPath[n]--; w.onPath[n] <= 0 {
		delete(w.onPath, n)
	}
}

// isNull reports whether n is absent or a null scalar (which yaml.v3 does
// not decode into the target: the field keeps its zero value).
func isNull(n *yaml.Node) bool {
	return n == nil || n.Kind == yaml.ScalarNode && n.ShortTag() == "!!null"
}

func isMerge(k *yaml.Node) bool {
	return k != nil && k.Kind == yaml.ScalarNode && k.Value == "<<" && k.ShortTag() == "!!merge"
}

// entries returns the effective entries of mapping m (alias-resolved).
// When decoded is true the mapping is one Grafana's decoder reads, so
// duplicate keys and malformed merges are reported as yaml.v3 would.
func (w *walker) entries(m *yaml.Node, decoded bool) []entry {
	info := w.maps[m]
	if info == nil {
		info = &mapInfo{}
		w.maps[m] = info
		w.push(m)
		info.entries = w.expand(m)
		w.pop(m)
	}
	if decoded && !info.checked {
		info.checked = true
		w.checkMapping(m)
	}
	return info.entries
}

// expand lists m's explicit entries, then merged entries whose keys are not
// already present.
func (w *walker) expand(m *yaml.Node) []entry {
	var out []entry
	seen := map[string]bool{}
	var merge *yaml.Node
	for i := 0; i+1 < len(m.Content); i += 2 {
		if !w.tick() {
			return out
		}
		k := m.Content[i]
		if isMerge(k) {
			merge = m.Content[i+1]
			continue
		}
		rk := w.resolve(k)
		e := entry{key: rk, val: m.Content[i+1]}
		out = append(out, e)
		seen[e.name()] = true
	}
	if merge == nil {
		return out
	}
	add := func(n *yaml.Node) {
		r := w.resolve(n)
		if r == nil || r.Kind != yaml.MappingNode {
			return
		}
		for _, e := range w.entries(r, false) {
			if !seen[e.name()] {
				seen[e.name()] = true
				out = append(out, e)
			}
		}
	}
	switch r := w.resolve(merge); {
	case r == nil:
	case r.Kind == yaml.MappingNode:
		add(merge)
	case r.Kind == yaml.SequenceNode:
		w.push(r)
		for _, item := range r.Content {
			add(item)
		}
		w.pop(r)
	}
	return out
}

// checkMapping reports duplicate keys and merge values that are not
// mappings, the errors yaml.v3 raises when it decodes m.
func (w *walker) checkMapping(m *yaml.Node) {
	for i := 0; i+1 < len(m.Content); i += 2 {
		ki := m.Content[i]
		for j := i + 2; j+1 < len(m.Content); j += 2 {
			kj := m.Content[j]
			if ki.Kind == kj.Kind && ki.Value == kj.Value {
				p := model.Problem{
					Kind:    model.ProblemSyntax,
					Message: fmt.Sprintf("invalid YAML: mapping key %q already defined at line %d", kj.Value, ki.Line),
				}
				if kj.Kind == yaml.ScalarNode {
					s := w.str(kj)
					p.Pos, p.End = s.Pos, s.End
				} else {
					p.Pos = w.at(kj.Line, kj.Column)
				}
				w.problems = append(w.problems, p)
				break
			}
		}
		if isMerge(ki) {
			w.checkMerge(m.Content[i+1])
		}
	}
}

func (w *walker) checkMerge(v *yaml.Node) {
	bad := func(n *yaml.Node) {
		w.problems = append(w.problems, model.Problem{
			Kind:    model.ProblemSyntax,
			Message: "invalid YAML: a merge key (<<) needs a mapping or a list of mappings as its value",
			Pos:     w.nodePos(n),
		})
	}
	r := w.resolve(v)
	switch {
	case r == nil:
	case r.Kind == yaml.MappingNode:
	case r.Kind == yaml.SequenceNode && v.Kind != yaml.AliasNode:
		for _, item := range r.Content {
			if ri := w.resolve(item); ri != nil && ri.Kind != yaml.MappingNode {
				bad(item)
				return
			}
		}
	default:
		bad(v)
	}
}

// valuePos returns the position of a value node: the text of a scalar, the
// first key or item of a collection.
func (w *walker) valuePos(n *yaml.Node) model.Pos {
	if n.Kind == yaml.ScalarNode {
		return w.str(n).Pos
	}
	return w.nodePos(n)
}

// shapeName names a node's shape for messages.
func shapeName(n *yaml.Node) string {
	switch n.Kind {
	case yaml.MappingNode:
		return "a mapping"
	case yaml.SequenceNode:
		return "a list"
	}
	switch n.ShortTag() {
	case "!!int", "!!float":
		return "a number"
	case "!!bool":
		return "a boolean"
	}
	return "a string"
}

// issue records a shape problem at n.
func (w *walker) issue(n *yaml.Node, format string, args ...any) {
	w.issues = append(w.issues, model.Problem{Kind: model.ProblemShape, Message: fmt.Sprintf(format, args...), Pos: w.valuePos(n)})
}

// typed reads scalar values the way Grafana's decoder does. For apiVersion 1
// files Grafana decodes through its provisioning "values" types: the
// scalar's text is interpolated, then converted with strconv. Legacy files
// decode straight into Go types with yaml.v3.
type typed struct {
	w *walker
	// what names the file kind in messages ("datasource", "dashboard").
	what string
}

// fail is the message suffix saying what Grafana does with the file.
func (t typed) fail() string {
	return fmt.Sprintf("Grafana cannot read this file and fails %s provisioning", t.what)
}

// str reads a string value; ok is false when the value is absent or null
// (or malformed, which is reported).
func (t typed) str(key string, v *yaml.Node) (model.Str, bool) {
	r := t.w.resolve(v)
	if isNull(r) {
		return model.Str{}, false
	}
	if r.Kind != yaml.ScalarNode {
		t.w.issue(r, "%q must be a string, not %s; %s", key, shapeName(r), t.fail())
		return model.Str{}, false
	}
	s := t.w.str(r)
	if r.ShortTag() == "!!binary" {
		var b string
		if err := r.Decode(&b); err == nil {
			s.V, s.End = b, model.Pos{}
		}
	}
	return s, true
}

// integer reads an integer value: strconv.ParseInt of the interpolated text
// (apiVersion 1; "" is 0), or yaml.v3's int decoding (legacy).
func (t typed) integer(key string, v *yaml.Node) (val int64, s model.Str, dynamic, ok bool) {
	r := t.w.resolve(v)
	if isNull(r) {
		return 0, model.Str{}, false, false
	}
	if r.Kind != yaml.ScalarNode {
		t.w.issue(r, "%q must be an integer, not %s; %s", key, shapeName(r), t.fail())
		return 0, model.Str{}, false, false
	}
	s = t.w.str(r)
	if t.w.v1 {
		if IsDynamic(r.Value) {
			return 0, s, true, true
		}
		if r.Value == "" {
			return 0, s, false, true
		}
		n, err := strconv.ParseInt(r.Value, 10, 64)
		if err != nil {
			t.w.issue(r, "%q must be a decimal integer; %s", key, t.fail())
			return 0, s, false, false
		}
		return n, s, false, true
	}
	var n int64
	if err := r.Decode(&n); err != nil {
		t.w.issue(r, "%q must be an integer, not %s; %s", key, shapeName(r), t.fail())
		return 0, s, false, false
	}
	return n, s, false, true
}

// boolean reads a boolean value: strconv.ParseBool of the interpolated text
// (apiVersion 1: true/false, 1/0, t/f and their capitalised forms), or
// yaml.v3's bool decoding (legacy: also yes/no, on/off, y/n).
func (t typed) boolean(key string, v *yaml.Node) (val bool, s model.Str, dynamic, ok bool) {
	r := t.w.resolve(v)
	if isNull(r) {
		return false, model.Str{}, false, false
	}
	if r.Kind != yaml.ScalarNode {
		t.w.issue(r, "%q must be a boolean, not %s; %s", key, shapeName(r), t.fail())
		return false, model.Str{}, false, false
	}
	s = t.w.str(r)
	if t.w.v1 {
		if IsDynamic(r.Value) {
			return false, s, true, true
		}
		b, err := strconv.ParseBool(r.Value)
		if err != nil {
			t.w.issue(r, "%q must be true or false (Grafana reads it with strconv.ParseBool, so yes/no and on/off are errors); %s", key, t.fail())
			return false, s, false, false
		}
		return b, s, false, true
	}
	var b bool
	if err := r.Decode(&b); err != nil {
		t.w.issue(r, "%q must be a boolean, not %s; %s", key, shapeName(r), t.fail())
		return false, s, false, false
	}
	return b, s, false, true
}

// leafOpts says how a subtree is read.
type leafOpts struct {
	// ignored: Grafana does not read the subtree.
	ignored bool
	// interpolated: Grafana interpolates its strings (apiVersion 1 values).
	interpolated bool
}

// leaves appends every scalar of the subtree n to out, with dotted paths.
// key is the key the subtree hangs from. Mappings Grafana decodes into
// generic maps are checked as yaml.v3 would (duplicate keys, merge values,
// keys that are collections).
func (w *walker) leaves(out *[]model.Field, path string, key model.Str, v *yaml.Node, o leafOpts) {
	if !w.tick() {
		return
	}
	n := w.resolve(v)
	if n == nil {
		return
	}
	switch n.Kind {
	case yaml.ScalarNode:
		f := model.Field{Path: path, Key: key, Ignored: o.ignored}
		if !isNull(n) {
			f.Value = w.str(n)
			f.Dynamic = o.interpolated && !o.ignored && n.ShortTag() == "!!str" && IsDynamic(n.Value)
		}
		*out = append(*out, f)
	case yaml.MappingNode:
		w.push(n)
		for _, e := range w.entries(n, !o.ignored) {
			if e.key == nil {
				continue
			}
			if e.key.Kind != yaml.ScalarNode {
				if !o.ignored {
					w.issue(e.key, "mapping keys under %q must be strings, not %s; Grafana cannot read this file", path, shapeName(e.key))
				}
				continue
			}
			w.leaves(out, joinPath(path, e.key.Value), w.str(e.key), e.val, o)
		}
		w.pop(n)
	case yaml.SequenceNode:
		w.push(n)
		for i, item := range n.Content {
			w.leaves(out, path+"["+strconv.Itoa(i)+"]", key, item, o)
		}
		w.pop(n)
	}
}

func joinPath(prefix, key string) string {
	if prefix == "" {
		return key
	}
	return prefix + "." + key
}

// isLinkKey reports whether a jsonData key holds another datasource's UID:
// datasourceUid (derivedFields, exemplarTraceIdDestinations, tracesToLogs,
// tracesToLogsV2, tracesToMetrics, tracesToProfiles, serviceMap,
// lokiSearch, Elasticsearch dataLinks), any other key ending in
// "DatasourceUid" (CloudWatch tracingDatasourceUid), and alertmanagerUid.
func isLinkKey(k string) bool {
	l := strings.ToLower(k)
	return strings.HasSuffix(l, "datasourceuid") || l == "alertmanageruid"
}
