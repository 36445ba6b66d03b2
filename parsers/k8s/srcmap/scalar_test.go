package srcmap

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	"gopkg.in/yaml.v3"

	"github.com/grafanalint/grafanalint/parsers/model"
)

// scalars are YAML documents whose key "v" holds a scalar of each style.
var scalars = []string{
	"v: |\n  [server]\n  root_url = http://x/\n\n  [live]\n",
	"v: |-\n    a\n     b\n",
	"v: |+\n  a\n\n\nw: 1\n",
	"k:\n  v: |2\n      indented\n    x\n",
	"v: >\n  folded\n  text\n\n  para\n    more\n  end\n",
	"v: >-\n  a\n  b\n",
	"v: \"a\\\"b\\n\\tc \\u00e9\"\n",
	"v: \"multi\n  line  \n\n  text\"\n",
	"v: \"esc\\\n    aped\"\n",
	"v: 'it''s'\n",
	"v: 'fold\n  ed'\n",
	"v: plain value # comment\n",
	"v: plain\n  continued\n\n  para\n",
	"v: héllo wörld\n",
	"- {v: \"flow\", w: 2}\n",
}

func findV(n *yaml.Node) *yaml.Node {
	switch n.Kind {
	case yaml.DocumentNode, yaml.SequenceNode:
		for _, c := range n.Content {
			if v := findV(c); v != nil {
				return v
			}
		}
	case yaml.MappingNode:
		for i := 0; i+1 < len(n.Content); i += 2 {
			if n.Content[i].Value == "v" {
				return n.Content[i+1]
			}
			if v := findV(n.Content[i+1]); v != nil {
				return v
			}
		}
	}
	return nil
}

func TestScalarDecodesLikeYAML(t *testing.T) {
	for _, doc := range scalars {
		var root yaml.Node
		if err := yaml.Unmarshal([]byte(doc), &root); err != nil {
			t.Fatalf("%q: %v", doc, err)
		}
		v := findV(&root)
		src := NewSource("m.yaml", []byte(doc))
		txt := Scalar(src, v)
		if txt.String() != v.Value {
			t.Errorf("%q: decoded %q, want %q", doc, txt.String(), v.Value)
			continue
		}
		if len(txt.segs) == 1 && txt.segs[0].point && len(v.Value) > 1 {
			t.Errorf("%q: fell back to a point mapping", doc)
		}
		// Every byte mapped linearly is the same byte in the source (a
		// folded break may stand for a line break).
		for _, sg := range txt.segs {
			if sg.point {
				continue
			}
			for i := sg.at; i < sg.at+sg.n; i++ {
				o := sg.srcOff(i)
				if o >= len(src.data) || src.data[o] != txt.String()[i] && src.data[o] != '\n' {
					t.Errorf("%q: byte %d (%q) maps to offset %d", doc, i, txt.String()[i], o)
					break
				}
			}
		}
	}
}

func TestLiteralBlockPositions(t *testing.T) {
	doc := "data:\n  grafana.ini: |\n    [server]\n    root_url = http://x/\n"
	var root yaml.Node
	if err := yaml.Unmarshal([]byte(doc), &root); err != nil {
		t.Fatal(err)
	}
	v := root.Content[0].Content[1].Content[1]
	txt := Scalar(NewSource("cm.yaml", []byte(doc)), v)
	// "root_url" is line 2, column 1 of the ini; line 4, column 5 of the
	// manifest. Its value "http://x/" starts at ini column 12.
	got := []model.Pos{txt.Pos(model.Pos{Line: 2, Col: 1}), txt.Pos(model.Pos{Line: 2, Col: 12}), txt.End(model.Pos{Line: 2, Col: 21})}
	want := []model.Pos{{File: "cm.yaml", Line: 4, Col: 5}, {File: "cm.yaml", Line: 4, Col: 16}, {File: "cm.yaml", Line: 4, Col: 25}}
	if d := cmp.Diff(want, got); d != "" {
		t.Error(d)
	}
}

func TestQuotedPositions(t *testing.T) {
	doc := "k: \"{\\\"uid\\\": \\\"x\\\"}\"\n"
	var root yaml.Node
	if err := yaml.Unmarshal([]byte(doc), &root); err != nil {
		t.Fatal(err)
	}
	v := root.Content[0].Content[1]
	txt := Scalar(NewSource("q.yaml", []byte(doc)), v)
	if txt.String() != `{"uid": "x"}` {
		t.Fatalf("decoded %q", txt.String())
	}
	// The x (column 10 of the JSON) is column 17 of the manifest line.
	if got, want := txt.Pos(model.Pos{Line: 1, Col: 10}), (model.Pos{File: "q.yaml", Line: 1, Col: 17}); got != want {
		t.Errorf("x at %v, want %v", got, want)
	}
}

func TestPointAndRemap(t *testing.T) {
	src := NewSource("s.yaml", []byte("data:\n  grafana.ini: W2xpdmVdCg==\n"))
	txt := Point("[live]\n", src, 21, 33)
	type inner struct {
		Name model.Str
	}
	type outer struct {
		P     model.Pos
		Items []*inner
		M     map[string]*inner
		Other model.Pos
	}
	o := &outer{
		P:     model.Pos{File: "v", Line: 1, Col: 2},
		Items: []*inner{{Name: model.Str{V: "x", Pos: model.Pos{File: "v", Line: 1, Col: 1}, End: model.Pos{File: "v", Line: 1, Col: 7}}}},
		M:     map[string]*inner{"a": {Name: model.Str{Pos: model.Pos{File: "v", Line: 2, Col: 1}}}},
		Other: model.Pos{File: "elsewhere", Line: 9, Col: 9},
	}
	o.M["b"] = o.Items[0] // shared: remapped once
	txt.Remap(o, "v")
	at := model.Pos{File: "s.yaml", Line: 2, Col: 16}
	end := model.Pos{File: "s.yaml", Line: 2, Col: 28}
	want := &outer{
		P:     at,
		Items: []*inner{{Name: model.Str{V: "x", Pos: at, End: end}}},
		M:     map[string]*inner{"a": {Name: model.Str{Pos: at}}},
		Other: model.Pos{File: "elsewhere", Line: 9, Col: 9},
	}
	want.M["b"] = want.Items[0]
	if d := cmp.Diff(want, o); d != "" {
		t.Error(d)
	}
}

func TestBuilderMixesSources(t *testing.T) {
	a := NewSource("a.yaml", []byte("server:\n  domain: example.org\n"))
	var b Builder
	b.Point("[server]\n", a, 0, 6)
	b.Point("domain = ", a, 10, 16)
	b.Linear("example.org", a, 18)
	b.Point("\n", a, 29, 29)
	txt := b.Text()
	if txt.String() != "[server]\ndomain = example.org\n" {
		t.Fatalf("text %q", txt.String())
	}
	got := []model.Pos{txt.Pos(model.Pos{Line: 1, Col: 2}), txt.Pos(model.Pos{Line: 2, Col: 1}), txt.Pos(model.Pos{Line: 2, Col: 10}), txt.End(model.Pos{Line: 2, Col: 21})}
	want := []model.Pos{{File: "a.yaml", Line: 1, Col: 1}, {File: "a.yaml", Line: 2, Col: 3}, {File: "a.yaml", Line: 2, Col: 11}, {File: "a.yaml", Line: 2, Col: 22}}
	if d := cmp.Diff(want, got); d != "" {
		t.Error(d)
	}
}

func TestBlockExtractsSubtree(t *testing.T) {
	doc := "datasources:\n  datasources.yaml:\n    apiVersion: 1\n    # a comment\n    datasources:\n    - name: P\n      url: |\n        x\n\n  other.yaml: {}\nnext: 1\n"
	var root yaml.Node
	if err := yaml.Unmarshal([]byte(doc), &root); err != nil {
		t.Fatal(err)
	}
	n := root.Content[0].Content[1].Content[1]
	src := NewSource("values.yaml", []byte(doc))
	txt := Block(src, n)
	want := "apiVersion: 1\n# a comment\ndatasources:\n- name: P\n  url: |\n    x\n"
	if txt.String() != want {
		t.Fatalf("block %q, want %q", txt.String(), want)
	}
	// "P" is line 4, column 9 of the block; line 6, column 13 of values.yaml.
	if got, want := txt.Pos(model.Pos{Line: 4, Col: 9}), (model.Pos{File: "values.yaml", Line: 6, Col: 13}); got != want {
		t.Errorf("P at %v, want %v", got, want)
	}
}
