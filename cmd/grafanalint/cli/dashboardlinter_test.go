package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// dashboardLinterTree is a directory as a team switching from
// dashboard-linter has it: a dashboard, the .lint beside it and a config
// that asks for the dashboard-linter preset.
func dashboardLinterTree(t *testing.T, lint string) string {
	t.Helper()
	dir := t.TempDir()
	files := map[string]string{
		".grafanalint.yaml": "preset: dashboard-linter\n",
		"dash/svc.json": `{"uid": "svc", "title": "Apollo Server", "schemaVersion": 39,
 "templating": {"list": [{"name": "datasource", "label": "Data source", "type": "datasource", "query": "prometheus"}]},
 "panels": [
  {"id": 1, "type": "timeseries", "title": "Top 10 Duration Rate", "description": "d",
   "fieldConfig": {"defaults": {"unit": "s"}},
   "datasource": {"type": "prometheus", "uid": "${datasource}"},
   "targets": [{"refId": "A", "expr": "rate(x_total{job=~\"$job\", instance=~\"$instance\"}[5m])"},
               {"refId": "B", "expr": "sum(x_total"}]},
  {"id": 2, "type": "timeseries", "title": "Other", "description": "d",
   "fieldConfig": {"defaults": {"unit": "s"}},
   "datasource": {"type": "prometheus", "uid": "${datasource}"},
   "targets": [{"refId": "A", "expr": "rate(y_total{job=~\"$job\", instance=~\"$instance\"}[5m])"}]}
 ]}
`,
	}
	if lint != "" {
		files["dash/.lint"] = lint
	}
	for name, content := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// ruleIDs reads "line rule" from each oneline finding.
func ruleIDs(out string) []string {
	var ids []string
	for _, l := range strings.Split(strings.TrimSpace(out), "\n") {
		parts := strings.SplitN(l, ":", 3)
		i := strings.LastIndex(l, " [")
		if len(parts) < 3 || i < 0 {
			continue
		}
		ids = append(ids, parts[1]+" "+strings.Trim(l[i+1:], "[]"))
	}
	return ids
}

// TestDashboardLinterPresetAndLintFile: the preset turns on the
// conventions, and a dashboard-linter .lint file beside the dashboard
// hides what it excluded (a whole rule, one panel, one target) and nothing
// else.
func TestDashboardLinterPresetAndLintFile(t *testing.T) {
	r := runCLI(t, dashboardLinterTree(t, ""), "", "--format", "oneline", ".")
	want := []string{
		"1 convention/instance-variable", "1 convention/job-variable",
		"7 convention/rate-interval", "8 query/promql-syntax", "12 convention/rate-interval",
	}
	if diff := cmp.Diff(want, ruleIDs(r.stdout)); diff != "" {
		t.Errorf("without .lint (-want +got):\n%s\n%s%s", diff, r.stdout, r.stderr)
	}
	lint := `exclusions:
  target-rate-interval-rule:
    reason: Top 10's are intended to be displayed for the currently selected range.
    entries:
    - dashboard: Apollo Server
      panel: Top 10 Duration Rate
  target-promql-rule:
    entries:
    - panel: Top 10 Duration Rate
      targetIdx: 1
  template-job-rule:
  template-instance-rule:
    reason: a single instance
`
	r = runCLI(t, dashboardLinterTree(t, lint), "", "--format", "oneline", ".")
	if diff := cmp.Diff([]string{"12 convention/rate-interval"}, ruleIDs(r.stdout)); diff != "" {
		t.Errorf("with .lint (-want +got):\n%s\n%s%s", diff, r.stdout, r.stderr)
	}
	// dashboard-linter's own loader reads the key as "targetidx".
	r = runCLI(t, dashboardLinterTree(t, strings.Replace(lint, "targetIdx", "targetidx", 1)), "", "--format", "oneline", ".")
	if diff := cmp.Diff([]string{"12 convention/rate-interval"}, ruleIDs(r.stdout)); diff != "" {
		t.Errorf("with targetidx (-want +got):\n%s", diff)
	}
	// An entry that matches another target excludes nothing of it.
	r = runCLI(t, dashboardLinterTree(t, strings.Replace(lint, "targetIdx: 1", "targetIdx: 0", 1)), "", "--format", "oneline", ".")
	if !strings.Contains(r.stdout, "query/promql-syntax") {
		t.Errorf("targetIdx 0 hid target 1:\n%s", r.stdout)
	}
}

// TestLintFileErrors: a rule name grafanalint has no equivalent for, and
// entry-specific warnings, are configuration errors at their line.
func TestLintFileErrors(t *testing.T) {
	r := runCLI(t, dashboardLinterTree(t, "exclusions:\n  no-such-rule:\nwarnings:\n  panel-units-rule:\n    entries:\n    - panel: Other\n"), "", ".")
	if r.code != ExitUsage {
		t.Errorf("exit %d, want %d", r.code, ExitUsage)
	}
	for _, want := range []string{`dash/.lint:2:1: dashboard-linter rule "no-such-rule" in exclusions has no grafanalint equivalent`, `dash/.lint:4:1: warnings for single dashboards`} {
		if !strings.Contains(r.stderr, want) {
			t.Errorf("stderr lacks %q:\n%s", want, r.stderr)
		}
	}
}
