package k8s

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/grafanalint/grafanalint/parsers/k8s/manifest"
	"github.com/grafanalint/grafanalint/parsers/model"
)

// TestFluxSubstitution follows drone/envsubst as Flux runs it: known
// variables, defaults with and without ":", "$${…}" escapes, unknown
// functions, disabled objects and variables a source outside the
// repository may define.
func TestFluxSubstitution(t *testing.T) {
	doc := `apiVersion: v1
kind: ConfigMap
metadata:
  name: a
data:
  k1: "${SET} ${EMPTY} ${UNSET}"
  k2: "${EMPTY:=d1} ${EMPTY=d2} ${UNSET:-d3} ${SET:=d4}"
  k3: "$${SET} ${SET:0:2} $SET"
---
apiVersion: v1
kind: ConfigMap
metadata:
  name: b
  labels:
    kustomize.toolkit.fluxcd.io/substitute: disabled
data:
  k: "${SET}"
`
	vars := map[string]string{"SET": "v", "EMPTY": ""}
	cases := []struct {
		open bool
		want []string
	}{
		{false, []string{`v  `, `d1  d3 v`, `${SET} ${SET:0:2} $SET`, `${SET}`}},
		{true, []string{`v  ${UNSET}`, `d1  ${UNSET:-d3} v`, `${SET} ${SET:0:2} $SET`, `${SET}`}},
	}
	for _, c := range cases {
		f := ParseFile("cm.yaml", []byte(doc))
		text, changed := substituteFile(f, &fluxVars{known: vars, open: c.open})
		if !changed {
			t.Fatal("nothing substituted")
		}
		data := []byte(text.String())
		sf := ParseFile("cm.yaml", data)
		var got []string
		for _, o := range sf.File.Objects {
			for _, e := range o.Data {
				got = append(got, e.Text.String())
			}
		}
		if d := cmp.Diff(c.want, got); d != "" {
			t.Errorf("open=%v: values (-want +got):\n%s", c.open, d)
		}
		// Read through the substitution, every key and value is where it
		// is written.
		vf := parseFile("cm.yaml", data, manifest.ParseVia("cm.yaml", data, text))
		var want, have []model.Pos
		for i, o := range f.File.Objects {
			for j, e := range o.Data {
				want = append(want, e.Key.Pos, e.Text.At(0))
				ve := vf.File.Objects[i].Data[j]
				have = append(have, ve.Key.Pos, ve.Text.At(0))
			}
		}
		if d := cmp.Diff(want, have); d != "" {
			t.Errorf("open=%v: positions (-written +substituted):\n%s", c.open, d)
		}
	}
}
