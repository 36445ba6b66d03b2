package helmchart

import (
	"sort"

	"gopkg.in/yaml.v3"

	"github.com/grafanalint/grafanalint/parsers/k8s/manifest"
	"github.com/grafanalint/grafanalint/parsers/k8s/srcmap"
	"github.com/grafanalint/grafanalint/parsers/model"
)

// layer is one values document merged into a release's values: the
// chart's defaults, then each file given to Helm in order.
type layer struct {
	n *yaml.Node
	v *manifest.Values // nil for the chart's defaults
}

// view is the value at one path of the merged values, the way Helm
// merges them (chartutil.CoalesceValues): a map merges key by key with
// the maps below it, any other value replaces them, and null deletes the
// key.
type view struct {
	layers []layer
}

func newView(defaults []*yaml.Node, vs ...*manifest.Values) view {
	var w view
	for _, d := range defaults {
		w.layers = append(w.layers, layer{n: d})
	}
	for _, v := range vs {
		if v != nil && v.Node != nil {
			w.layers = append(w.layers, layer{n: v.Node, v: v})
		}
	}
	return w
}

func resolve(n *yaml.Node) *yaml.Node {
	for n != nil && n.Kind == yaml.AliasNode {
		n = n.Alias
	}
	return n
}

// get returns the view of key below w.
func (w view) get(key string) view {
	var out view
	for _, l := range w.layers {
		n := resolve(l.n)
		if n == nil || n.Kind != yaml.MappingNode {
			continue
		}
		c := resolve(manifest.Get(n, key))
		if c == nil {
			continue
		}
		if c.Tag == "!!null" {
			out.layers = nil // deleted
			continue
		}
		if c.Kind != yaml.MappingNode {
			out.layers = nil // replaces what is below
		}
		out.layers = append(out.layers, layer{n: c, v: l.v})
	}
	return out
}

// path returns the view at a path of keys.
func (w view) path(keys ...string) view {
	for _, k := range keys {
		w = w.get(k)
	}
	return w
}

// set reports whether the value exists.
func (w view) set() bool { return len(w.layers) > 0 }

// top returns the node that decides a scalar (the last layer) and its
// values document (nil for a chart default).
func (w view) top() (*yaml.Node, *manifest.Values) {
	if len(w.layers) == 0 {
		return nil, nil
	}
	l := w.layers[len(w.layers)-1]
	return l.n, l.v
}

// isMap reports whether the value is a mapping.
func (w view) isMap() bool {
	n, _ := w.top()
	return n != nil && n.Kind == yaml.MappingNode
}

// str returns a scalar's value ("" when unset or not a scalar).
func (w view) str() string {
	n, _ := w.top()
	if n == nil || n.Kind != yaml.ScalarNode {
		return ""
	}
	return n.Value
}

// truthy reports whether the value is true for a template's "if".
func (w view) truthy() bool {
	n, _ := w.top()
	return manifest.Truthy(n)
}

// keys returns the keys of a merged mapping, sorted as Go templates range
// over maps.
func (w view) keys() []string {
	seen := map[string]bool{}
	for _, l := range w.layers {
		n := resolve(l.n)
		if n == nil || n.Kind != yaml.MappingNode {
			continue
		}
		for i := 0; i+1 < len(n.Content); i += 2 {
			seen[n.Content[i].Value] = true
		}
	}
	var out []string
	for k := range seen {
		if w.get(k).set() {
			out = append(out, k)
		}
	}
	sort.Strings(out)
	return out
}

// keyNode returns the key node that last sets key in w, with its values.
func (w view) keyNode(key string) (*yaml.Node, *manifest.Values) {
	for i := len(w.layers) - 1; i >= 0; i-- {
		l := w.layers[i]
		if k, _ := manifest.GetKey(resolve(l.n), key); k != nil {
			return k, l.v
		}
	}
	return nil, nil
}

// pos returns where the deciding value is written, or the anchor when it
// is a chart default.
func (w view) pos(anchor model.Pos) model.Pos {
	n, v := w.top()
	if v == nil {
		return anchor
	}
	return v.Pos(n)
}

// text returns a scalar's value as a Text mapped to where it is written,
// or generated at anchor when it is a chart default.
func (w view) text(anchor anchorAt) *srcmap.Text {
	n, v := w.top()
	if n == nil || n.Kind != yaml.ScalarNode {
		return nil
	}
	if v == nil {
		return anchor.point(n.Value)
	}
	return srcmap.Scalar(v.Src, n)
}

// strOf returns the value with its position (zero Str when unset).
func (w view) strOf(anchor model.Pos) model.Str {
	n, v := w.top()
	if n == nil || n.Kind != yaml.ScalarNode {
		return model.Str{}
	}
	if v == nil {
		return model.Str{V: n.Value, Pos: anchor}
	}
	return manifest.ScalarStr(v.Src, nil, n)
}

// anchorAt is where generated text (chart defaults, template boilerplate)
// is shown: a position in a values source.
type anchorAt struct {
	src *srcmap.Source
	off int
}

func (a anchorAt) point(s string) *srcmap.Text {
	return srcmap.Point(s, a.src, a.off, a.off)
}

func (a anchorAt) pos() model.Pos { return a.src.Pos(a.off) }
