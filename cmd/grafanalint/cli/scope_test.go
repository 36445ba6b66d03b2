package cli

import (
	"fmt"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestExplicitFilesReportCauses: given explicit files (as pre-commit
// passes a commit's files), findings are reported when they sit in those
// files or their cause does — a related location, or the datasource a
// reference names.
func TestExplicitFilesReportCauses(t *testing.T) {
	dash := func(uid, ref string) string {
		return fmt.Sprintf(`{"uid": %q, "title": %q, "schemaVersion": 39, "panels": [
  {"id": 1, "type": "timeseries", "datasource": {"type": "prometheus", "uid": %q}, "targets": [{"refId": "A", "expr": "up"}]}
]}
`, uid, uid, ref)
	}
	files := map[string]string{
		"grafana/provisioning/datasources/ds.yaml":     strings.Replace(dsYAML, "uid: prom", "uid: prom-2", 1),
		"grafana/provisioning/datasources/loki.yaml":   "apiVersion: 1\ndatasources:\n  - name: Loki\n    uid: loki\n    type: loki\n    url: http://loki:3100\n",
		"grafana/provisioning/dashboards/default.yaml": providerYAML,
		"grafana/boards/a.json":                        dash("a", "prom"),
		"grafana/boards/b.json":                        dash("b", "prom"),
		"grafana/boards/c.json":                        dash("c", "loki-gone"),
	}
	dir := project(t, files)
	for _, tc := range []struct {
		name  string
		paths []string
		want  []string
	}{
		{"the datasource file whose uid changed", []string{"grafana/provisioning/datasources/ds.yaml"}, []string{
			"grafana/boards/a.json datasource/unknown-uid",
			"grafana/boards/b.json datasource/unknown-uid",
			// c.json names a UID nobody provisions: any datasource file
			// of the stack may be the one that dropped it.
			"grafana/boards/c.json datasource/unknown-uid",
		}},
		{"one dashboard", []string{"grafana/boards/b.json"}, []string{"grafana/boards/b.json datasource/unknown-uid"}},
		{"a file that causes nothing", []string{"grafana/provisioning/dashboards/default.yaml"}, nil},
		{"the whole tree", nil, []string{
			"grafana/boards/a.json datasource/unknown-uid",
			"grafana/boards/b.json datasource/unknown-uid",
			"grafana/boards/c.json datasource/unknown-uid",
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := runCLI(t, dir, "", append([]string{"--format", "oneline"}, tc.paths...)...)
			if diff := cmp.Diff(tc.want, rulesOf(r.stdout)); diff != "" {
				t.Errorf("findings (-want +got):\n%s\n%s", diff, r.stdout)
			}
		})
	}
	// The datasource changed type too: no look-alike is suggested (no
	// related location), the finding is still the commit's.
	files["grafana/provisioning/datasources/ds.yaml"] = "apiVersion: 1\ndatasources:\n  - name: Prometheus\n    uid: vm\n    type: victoriametrics-datasource\n    url: http://vm:8428\n"
	dir = project(t, files)
	r := runCLI(t, dir, "", "--format", "oneline", "grafana/provisioning/datasources/ds.yaml")
	if got := rulesOf(r.stdout); len(got) != 3 {
		t.Errorf("after a type change, want the 3 broken dashboards, got:\n%s", r.stdout)
	}
}

// TestOneFileOutsideGit is issue 11's example: one dashboard given outside
// a git repository keeps its stack, and "git init" changes nothing.
func TestOneFileOutsideGit(t *testing.T) {
	dir := baseProject(t, "")
	before := runCLI(t, dir+"/grafana/boards", "", "--format", "oneline", "a.json")
	if before.code != ExitFindings || len(rulesOf(before.stdout)) != 2 {
		t.Fatalf("outside git: exit %d, want the 2 errors of a.json:\n%s%s", before.code, before.stdout, before.stderr)
	}
	writeFile(t, dir+"/.git/HEAD", "ref: refs/heads/main\n")
	after := runCLI(t, dir+"/grafana/boards", "", "--format", "oneline", "a.json")
	if diff := cmp.Diff(before.stdout, after.stdout); diff != "" {
		t.Errorf("git init changed the findings (-before +after):\n%s", diff)
	}
}
