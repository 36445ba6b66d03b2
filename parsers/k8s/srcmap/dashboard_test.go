package srcmap

import (
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/grafanalint/grafanalint/parsers/corpustest"
	"github.com/grafanalint/grafanalint/parsers/dashboard"
	"github.com/grafanalint/grafanalint/parsers/model"
)

// posPaths lists the field paths of t that lead to a model.Pos.
func posPaths(t reflect.Type, prefix string, out *[]string, depth int) {
	if depth > 6 {
		return
	}
	switch t.Kind() {
	case reflect.Pointer:
		posPaths(t.Elem(), prefix, out, depth+1)
	case reflect.Slice:
		posPaths(t.Elem(), prefix+"[]", out, depth+1)
	case reflect.Struct:
		if t == posType {
			*out = append(*out, prefix)
			return
		}
		for i := range t.NumField() {
			f := t.Field(i)
			if f.IsExported() {
				posPaths(f.Type, prefix+"."+f.Name, out, depth+1)
			}
		}
	}
}

// TestRemapDashboardCovers fails when model.Dashboard gains a position that
// RemapDashboard does not rewrite.
func TestRemapDashboardCovers(t *testing.T) {
	var got []string
	posPaths(reflect.TypeFor[model.Dashboard](), "", &got, 0)
	sort.Strings(got)
	want := []string{
		".Channels[].Parts[].End",
		".Channels[].Parts[].Pos",
		".Channels[].QueryType.End",
		".Channels[].QueryType.Pos",
		".Channels[].Value.End",
		".Channels[].Value.Pos",
		".EditablePos",
		".Inputs[].Name.End",
		".Inputs[].Name.Pos",
		".LivePanelPos[]",
		".NonLiveChannels[].Parts[].End",
		".NonLiveChannels[].Parts[].Pos",
		".NonLiveChannels[].QueryType.End",
		".NonLiveChannels[].QueryType.Pos",
		".NonLiveChannels[].Value.End",
		".NonLiveChannels[].Value.Pos",
		".Panels[].Datasource.Pos",
		".Panels[].Description.End",
		".Panels[].Description.Pos",
		".Panels[].OverrideUnit.End",
		".Panels[].OverrideUnit.Pos",
		".Panels[].Pos",
		".Panels[].Title.End",
		".Panels[].Title.Pos",
		".Panels[].Type.End",
		".Panels[].Type.Pos",
		".Panels[].Unit.End",
		".Panels[].Unit.Pos",
		".Placeholders[].End",
		".Placeholders[].Pos",
		".Refs[].Name.End",
		".Refs[].Name.Pos",
		".Refs[].Pos",
		".Refs[].Type.End",
		".Refs[].Type.Pos",
		".Refs[].UID.End",
		".Refs[].UID.Pos",
		".Title.End",
		".Title.Pos",
		".UID.End",
		".UID.Pos",
		".Variables[].AllValue.End",
		".Variables[].AllValue.Pos",
		".Variables[].Current.End",
		".Variables[].Current.Pos",
		".Variables[].Datasource.Pos",
		".Variables[].Default.End",
		".Variables[].Default.Pos",
		".Variables[].Label.End",
		".Variables[].Label.Pos",
		".Variables[].Name.End",
		".Variables[].Name.Pos",
		".Variables[].Pos",
		".Variables[].Query.End",
		".Variables[].Query.Pos",
		".Variables[].Regex.End",
		".Variables[].Regex.Pos",
	}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("model.Dashboard's positions changed: update RemapDashboard and this list (-want +got):\n%s", d)
	}
}

// TestRemapDashboardMatchesRemap compares the two walks on real dashboards
// embedded in a literal block.
func TestRemapDashboardMatchesRemap(t *testing.T) {
	dir := corpustest.Dir(t, "perf-seed")
	files, _ := filepath.Glob(filepath.Join(dir, "*.json"))
	if len(files) == 0 {
		t.Fatal("no dashboards")
	}
	for _, f := range files[:min(8, len(files))] {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		doc := "data:\n  d.json: |\n    " + strings.ReplaceAll(strings.TrimRight(string(data), "\n"), "\n", "\n    ") + "\n"
		src := NewSource("cm.yaml", []byte(doc))
		txt := Verbatim(src, 0, len(doc)) // any mapping will do: compare the walks
		a, _ := dashboard.Parse("v", []byte(txt.String()))
		b, _ := dashboard.Parse("v", []byte(txt.String()))
		txt.Remap(a, "v")
		txt.RemapDashboard(b, "v")
		if d := cmp.Diff(a, b); d != "" {
			t.Errorf("%s: walks differ:\n%s", f, d)
		}
	}
}
