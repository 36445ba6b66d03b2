package dashboard

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/grafanalint/grafanalint/parsers/model"
)

// TestGoldenPanels compares the query model of every fixture (panels,
// their queries, and the locators of references and channels, which
// TestGolden's dump leaves out) with testdata/<name>.panels.golden (go test
// -run TestGoldenPanels -update rewrites them).
func TestGoldenPanels(t *testing.T) {
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
				t.Fatalf("problems: %v", probs)
			}
			compareGolden(t, filepath.Join("testdata", name+".panels.golden"), dumpPanels(d), "query model")
		})
	}
}

// dumpPanels renders the panels, queries and locators of d, naming the
// references they share with d.Refs by pointer.
func dumpPanels(d *model.Dashboard) string {
	var b strings.Builder
	w := func(format string, args ...any) { fmt.Fprintf(&b, format, args...) }
	ref := func(r *model.DatasourceRef) string {
		switch i := slices.Index(d.Refs, r); {
		case r == nil:
			return "-"
		case i < 0:
			return "(not in refs) " + r.Pointer
		}
		return r.Pointer
	}
	flag := func(name string, on bool) {
		if on {
			w(" %s", name)
		}
	}
	for _, p := range d.Panels {
		w("panel %s @%s type=%s title=%s", p.Pointer, pos(p.Pos), str(p.Type), str(p.Title))
		if p.HasID {
			w(" id=%d", p.ID)
		}
		w(" ds=%s", ref(p.Datasource))
		flag("hasTargets", p.HasTargets)
		flag("library", p.Library)
		flag("element", p.Element)
		flag("inRow", p.InRow)
		flag("hasMappings", p.HasMappings)
		for _, f := range []struct {
			n string
			s model.Str
		}{{"description", p.Description}, {"unit", p.Unit}, {"overrideUnit", p.OverrideUnit}} {
			if f.s.IsSet() {
				w(" %s=%s", f.n, str(f.s))
			}
		}
		if p.ReduceFields != "" {
			w(" reduceFields=%q", p.ReduceFields)
		}
		w("\n")
		for _, q := range p.Queries {
			w("  query %s @%s index=%d refId=%q ds=%s", q.Pointer, pos(q.Pos), q.Index, q.RefID, ref(q.Datasource))
			if q.Expr.IsSet() {
				w(" expr=%s raw=%q", str(q.Expr.Str), q.Expr.Raw)
			}
			flag("hide", q.Hide)
			if q.PanelID != 0 {
				w(" panelId=%d@%s", q.PanelID, pos(q.PanelIDPos))
			}
			w("\n")
		}
	}
	for _, v := range d.Variables {
		w("variable %s @%s ds=%s queryRaw=%q queryType=%d multi=%v includeAll=%v refresh=%d/%v\n",
			str(v.Name), pos(v.Pos), ref(v.Datasource), v.QueryRaw, v.QueryType, v.Multi, v.IncludeAll, v.Refresh, v.RefreshSet)
	}
	for _, r := range d.Refs {
		w("locator ref %s %q\n", r.Pointer, r.Locator)
	}
	for _, c := range d.Channels {
		w("locator channel %s %q\n", c.Pointer, c.Locator)
	}
	for _, c := range d.NonLiveChannels {
		w("non-live channel %s %s refId=%q queryType=%s\n", c.Pointer, str(c.Value), c.RefID, str(c.QueryType))
	}
	return b.String()
}
