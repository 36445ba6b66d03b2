package dashboard

import (
	"os"
	"path/filepath"
	"reflect"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/grafanalint/grafanalint/parsers/corpustest"
	"github.com/grafanalint/grafanalint/parsers/model"
)

// TestParseEmbedded checks that a dashboard read as embedded in another
// file is read as Parse reads it, its positions moved to that file (line
// starts given or, when they are not usable, found again).
func TestParseEmbedded(t *testing.T) {
	files, _ := filepath.Glob(filepath.Join(corpustest.Dir(t, "perf-seed"), "*.json"))
	if len(files) == 0 {
		t.Fatal("no dashboards")
	}
	for _, f := range files[:min(6, len(files))] {
		src, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		starts := []int{0}
		for i, c := range src {
			if c == '\n' {
				starts = append(starts, i+1)
			}
		}
		want, wantProbs := Parse(f, src)
		shift(want, f, "m.yaml", 41)
		for name, s := range map[string][]int{"given": starts, "none": nil, "not from 0": {1}, "beyond": {0, len(src) + 1}} {
			got, probs := ParseEmbedded(f, src, Embedded{File: "m.yaml", Line: 42, Starts: s})
			if d := cmp.Diff(want, got); d != "" {
				t.Errorf("%s (%s starts): differs from Parse (-want +got):\n%s", f, name, d)
			}
			if d := cmp.Diff(wantProbs, probs); d != "" {
				t.Errorf("%s (%s starts): problems differ:\n%s", f, name, d)
			}
		}
	}
	// A syntax error is positioned in the embedding file too.
	_, probs := ParseEmbedded("v.json", []byte("{\n  \"panels\": [,]\n}"), Embedded{File: "m.yaml", Line: 10})
	if len(probs) != 1 || probs[0].Pos.File != "m.yaml" || probs[0].Pos.Line != 11 {
		t.Errorf("problems %+v, want one at m.yaml:11", probs)
	}
}

// shift moves every position of d in file to path, lines further down
// (by reflection: the test must not share the code it checks).
func shift(d *model.Dashboard, file, path string, lines int) {
	seen := map[uintptr]bool{}
	var walk func(v reflect.Value)
	walk = func(v reflect.Value) {
		switch v.Kind() {
		case reflect.Pointer:
			if v.IsNil() || seen[v.Pointer()] {
				return
			}
			seen[v.Pointer()] = true
			walk(v.Elem())
		case reflect.Interface:
			if !v.IsNil() {
				walk(v.Elem())
			}
		case reflect.Struct:
			if p, ok := v.Addr().Interface().(*model.Pos); ok {
				if p.File == file {
					p.File, p.Line = path, p.Line+lines
				}
				return
			}
			for i := range v.NumField() {
				if v.Type().Field(i).IsExported() {
					walk(v.Field(i))
				}
			}
		case reflect.Slice, reflect.Array:
			for i := range v.Len() {
				walk(v.Index(i))
			}
		case reflect.Map:
			for _, k := range v.MapKeys() {
				e := reflect.New(v.Type().Elem()).Elem()
				e.Set(v.MapIndex(k))
				walk(e)
				v.SetMapIndex(k, e)
			}
		}
	}
	walk(reflect.ValueOf(d))
}
