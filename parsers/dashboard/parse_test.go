package dashboard

import (
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/grafanalint/grafanalint/parsers/model"
)

var update = flag.Bool("update", false, "rewrite golden files")

// TestGolden parses every fixture in testdata and compares a dump of the
// model with testdata/<name>.golden (go test -run TestGolden -update
// rewrites them).
func TestGolden(t *testing.T) {
	files, err := filepath.Glob(filepath.Join("testdata", "*.json"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no fixtures: %v", err)
	}
	for _, file := range files {
		name := strings.TrimSuffix(filepath.Base(file), ".json")
		t.Run(name, func(t *testing.T) {
			src, err := os.ReadFile(file)
			if err != nil {
				t.Fatal(err)
			}
			d, probs := Parse(file, src)
			if len(probs) > 0 {
				t.Errorf("problems: %v", probs)
			}
			if !Sniff(src) {
				t.Errorf("Sniff = false for a dashboard fixture")
			}
			checkPositions(t, src, d)
			got := dump(d, probs)
			compareGolden(t, filepath.Join("testdata", name+".golden"), got, "model")
		})
	}
}

// compareGolden compares got with the golden file (-update rewrites it);
// what names the dump in the message.
func compareGolden(t *testing.T, golden, got, what string) {
	t.Helper()
	if *update {
		if err := os.WriteFile(golden, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatalf("%v (run with -update to create it)", err)
	}
	if diff := cmp.Diff(strings.Split(string(want), "\n"), strings.Split(got, "\n")); diff != "" {
		t.Errorf("%s differs from %s (-want +got):\n%s", what, golden, diff)
	}
}

// TestParseFacts checks individual facts of the fixtures directly, so the
// behaviour does not rest on golden files alone.
func TestParseFacts(t *testing.T) {
	load := func(t *testing.T, name string) *model.Dashboard {
		t.Helper()
		src, err := os.ReadFile(filepath.Join("testdata", name))
		if err != nil {
			t.Fatal(err)
		}
		d, probs := Parse(name, src)
		if len(probs) > 0 {
			t.Fatalf("problems: %v", probs)
		}
		return d
	}
	ref := func(t *testing.T, d *model.Dashboard, pointer string) *model.DatasourceRef {
		t.Helper()
		for _, r := range d.Refs {
			if r.Pointer == pointer {
				return r
			}
		}
		t.Fatalf("no reference at %s", pointer)
		return nil
	}

	t.Run("row panel and its targets are marked, nested panels are not", func(t *testing.T) {
		d := load(t, "schema27-collapsed.json")
		if r := ref(t, d, "/panels/1/datasource"); r.Place != model.PlaceRow || !r.InRow {
			t.Errorf("row datasource: place %s inRow %v", r.Place, r.InRow)
		}
		if r := ref(t, d, "/panels/1/targets/0/datasource"); r.Place != model.PlaceTarget || !r.InRow {
			t.Errorf("row target: place %s inRow %v", r.Place, r.InRow)
		}
		if r := ref(t, d, "/panels/1/panels/1/panels/0/targets/0/datasource"); r.InRow || r.UID.V != "deep-uid" || r.RefID != "Q" {
			t.Errorf("nested target: %+v", r)
		}
		for _, r := range d.Refs {
			if strings.HasPrefix(r.Pointer, "/rows/") {
				t.Errorf("rows are ignored from schema 16 on, got %s", r.Pointer)
			}
		}
	})
	t.Run("explicit null is recorded, absent is not", func(t *testing.T) {
		d := load(t, "schema27-collapsed.json")
		if r := ref(t, d, "/panels/3/targets/0/datasource"); r.Shape != model.RefNull {
			t.Errorf("shape %s", r.Shape)
		}
		for _, r := range d.Refs {
			if r.Pointer == "/panels/1/panels/0/targets/0/datasource" {
				t.Errorf("absent datasource recorded")
			}
		}
	})
	t.Run("duplicate member names: the last one wins", func(t *testing.T) {
		d := load(t, "schema39-export.json")
		n := 0
		for _, r := range d.Refs {
			if r.Pointer == "/panels/1/datasource" {
				n++
				if r.Pos.Line != 50 {
					t.Errorf("kept the first duplicate at %v", r.Pos)
				}
			}
		}
		if n != 1 {
			t.Errorf("%d references for one member", n)
		}
	})
	t.Run("library element models", func(t *testing.T) {
		d := load(t, "schema39-export.json")
		for _, p := range []string{"/__elements/lib-cpu/model/datasource", "/__elements/lib-cpu/model/targets/0/datasource"} {
			if r := ref(t, d, p); r.Place != model.PlaceElement || r.UID.V != "${DS_PROMETHEUS}" {
				t.Errorf("%s: %+v", p, r)
			}
		}
	})
	t.Run("wrapper and code-point columns", func(t *testing.T) {
		d := load(t, "wrapper.json")
		if !d.Wrapped || d.UID.V != "wrapped-uid" {
			t.Fatalf("wrapped %v uid %q", d.Wrapped, d.UID.V)
		}
		r := ref(t, d, "/dashboard/panels/0/targets/0/datasource")
		// Δ and 東京 earlier on the line take 2 and 6 bytes but count 1 and 2 columns.
		if r.Name.Pos.Line != 11 || r.Name.Pos.Col != 119 || r.Name.End.Col != 130 {
			t.Errorf("position %v-%v, want 11:119-11:130 (code points, not bytes)", r.Name.Pos, r.Name.End)
		}
	})
	t.Run("resources take the uid from metadata.name", func(t *testing.T) {
		if d := load(t, "k8s-v1.json"); d.UID.V != "k8s-name-wins" || d.V2 || d.SchemaVersion != 41 {
			t.Errorf("uid %q v2 %v schema %d", d.UID.V, d.V2, d.SchemaVersion)
		}
		if d := load(t, "v2beta1.json"); d.UID.V != "v2-resource" || !d.V2 {
			t.Errorf("uid %q v2 %v", d.UID.V, d.V2)
		}
	})
	t.Run("v2 query reference", func(t *testing.T) {
		d := load(t, "v2beta1.json")
		r := ref(t, d, "/spec/elements/panel-1/spec/data/spec/queries/0/spec/query/datasource")
		if r.UID.V != "prom-uid" || r.Type.V != "prometheus" || r.RefID != "A" || r.Place != model.PlaceTarget {
			t.Errorf("%+v", r)
		}
		r = ref(t, d, "/spec/elements/panel-1/spec/data/spec/queries/1/spec/query")
		if r.UID.IsSet() || r.Type.V != "loki" {
			t.Errorf("group-only query: %+v", r)
		}
	})
	t.Run("channels of the three sources", func(t *testing.T) {
		d := load(t, "channels.json")
		var got []string
		for _, c := range d.Channels {
			h := ""
			if c.Hidden {
				h = " hidden"
			}
			got = append(got, string(c.Source)+" "+c.Value.V+" "+c.RefID+h)
		}
		want := []string{
			"measurements stream/telegraf/cpu A",
			"measurements plugin/testdata/random-2s-stream B",
			"measurements ds/my uid/x C",
			"measurements grafana/dashboard/uid/x D",
			"measurements stream/app/events A", // panel datasource read after the targets
			"measurements stream/app/nulls B",  // a null target datasource means the panel's
			"measurements stream/app/hidden C hidden",
			"testdata random-20Hz-stream A",
			"testdata plugin/testdata/random-2s-stream B",
			"testdata random-labeled-stream H hidden",
			"testdata flight-5hz-stream I",
			"testdata hidden-by-string J hidden", // the browser tests `if (target.hide)`
			"testdata shown-by-zero K",
			"testdata last-hide-wins L", // duplicate "hide": the last one (null) wins
			"live-panel stream/telegraf/cpu ",
			"live-panel plugin/testdata/random-flakey-stream ", // "stream" preferred to "namespace"
			"live-panel  ",                // no scope: the browser builds no ID
			"live-panel stream/in-row/p ", // a live panel inside a collapsed row
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("channels (-want +got):\n%s", diff)
		}
		if d.LivePanels != 5 {
			t.Errorf("LivePanels = %d, want 5", d.LivePanels)
		}
		// One position per live panel, at its "type" value, in file order
		// (the live panel nested in the collapsed row last).
		var lines []int
		for _, p := range d.LivePanelPos {
			lines = append(lines, p.Line)
		}
		if diff := cmp.Diff([]int{47, 52, 57, 62, 77}, lines); diff != "" {
			t.Errorf("LivePanelPos lines (-want +got):\n%s", diff)
		}
	})
	t.Run("v2 hidden queries", func(t *testing.T) {
		d := load(t, "v2beta1.json")
		got := map[string]bool{}
		for _, c := range d.Channels {
			got[c.Value.V] = c.Hidden
		}
		want := map[string]bool{
			"stream/v2/cpu":            false,
			"random-2s-stream":         false,
			"stream/v2/hidden":         true,
			"stream/v2/spec-hide-wins": false, // {hide: hidden, ...query.spec}: the spec's "hide" wins
			"grafana/broadcast/x":      false,
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("hidden (-want +got):\n%s", diff)
		}
		if len(d.LivePanelPos) != 1 || d.LivePanelPos[0].Line != 75 {
			t.Errorf("LivePanelPos = %v, want the vizConfig group on line 75", d.LivePanelPos)
		}
	})
}
