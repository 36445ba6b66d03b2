package query

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/grafanalint/grafanalint/parsers/discover"
	"github.com/grafanalint/grafanalint/rules"
)

// TestExplicitRunChecksReportableDashboards: linting one named dashboard,
// the query rules check it and the dashboards that share its uid (their
// findings concern it), and leave the rest of the stack, loaded as
// context, unparsed — with the same findings as checking everything.
func TestExplicitRunChecksReportableDashboards(t *testing.T) {
	dir := t.TempDir()
	files := map[string]string{
		".git/HEAD":                               "ref: refs/heads/main\n",
		"provisioning/datasources/ds.yaml":        "apiVersion: 1\ndatasources:\n  - name: Prometheus\n    uid: prom\n    type: prometheus\n    url: http://prometheus:9090\n",
		"provisioning/dashboards/dashboards.yaml": "apiVersion: 1\nproviders:\n  - name: default\n    type: file\n    options:\n      path: /etc/grafana/provisioning/dashboards\n",
	}
	dash := func(uid, expr string) string {
		return `{"uid": "` + uid + `", "title": "` + uid + expr + `", "schemaVersion": 39, "panels": [{"id": 1, "type": "timeseries", "title": "p",
  "datasource": {"type": "prometheus", "uid": "prom"},
  "targets": [{"refId": "A", "datasource": {"type": "prometheus", "uid": "prom"}, "expr": "` + expr + `"}]}]}`
	}
	files["provisioning/dashboards/a.json"] = dash("same", "sum(rate(a_total[5m])")
	files["provisioning/dashboards/b.json"] = dash("same", "sum(rate(b_total[5m])")
	files["provisioning/dashboards/c.json"] = dash("other", "sum(rate(c_total[5m])")
	writeTree(t, dir, files)
	for _, stream := range []bool{false, true} {
		checkReportable(t, dir, stream)
	}
}

// writeTree writes files (path relative to dir → content) under dir.
func writeTree(t *testing.T, dir string, files map[string]string) {
	t.Helper()
	for name, content := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// checkReportable lints the tree of TestExplicitRunChecksReportableDashboards
// whole and with a.json named, with dashboards streamed or loaded whole.
func checkReportable(t *testing.T, dir string, stream bool) {
	lint := func(paths ...string) []string {
		t.Helper()
		m, err := discover.Load(context.Background(), discover.Options{WorkDir: dir, Paths: paths, Stream: stream})
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, f := range rules.Run(m, Rules(), rules.Options{}).Findings {
			if f.Rule == "query/promql-syntax" {
				got = append(got, f.Pos.File)
			}
		}
		return got
	}
	if got, want := lint("."), []string{"provisioning/dashboards/a.json", "provisioning/dashboards/b.json", "provisioning/dashboards/c.json"}; !slices.Equal(got, want) {
		t.Fatalf("whole run: promql-syntax in %v, want %v", got, want)
	}
	ResetVerdicts()
	before := parses.Load()
	got := lint("provisioning/dashboards/a.json")
	if diff := cmp.Diff([]string{"provisioning/dashboards/a.json", "provisioning/dashboards/b.json"}, got); diff != "" {
		t.Errorf("a.json named: promql-syntax findings (-want +got):\n%s", diff)
	}
	if n := parses.Load() - before; n != 2 {
		t.Errorf("a.json named (streamed %v): %d expressions parsed, want 2 (a.json's and b.json's, which shares its uid; not c.json's)", stream, n)
	}
}
