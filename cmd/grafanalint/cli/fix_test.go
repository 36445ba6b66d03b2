package cli

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// exportTree is a stack whose only error is fixable: a provisioned
// dashboard exported with ${DS_PROMETHEUS}, one Prometheus datasource; and
// a grafana.ini whose password an inline comment cuts.
func exportTree(t *testing.T) string {
	dir := t.TempDir()
	writeFile(t, filepath.Join(dir, "grafana/provisioning/datasources/ds.yaml"), "apiVersion: 1\ndatasources:\n  - name: Prometheus\n    type: prometheus\n    uid: prom\n    access: server\n")
	writeFile(t, filepath.Join(dir, "grafana/provisioning/dashboards/provider.yaml"), "apiVersion: 1\nproviders:\n  - name: default\n    options:\n      path: /etc/grafana/provisioning/dashboards\n")
	writeFile(t, filepath.Join(dir, "grafana/provisioning/dashboards/d.json"), `{"__inputs": [{"name": "DS_PROMETHEUS", "type": "datasource", "pluginId": "prometheus"}],
 "uid": "d", "title": "D", "schemaVersion": 39,
 "panels": [{"id": 1, "type": "stat", "datasource": {"type": "prometheus", "uid": "${DS_PROMETHEUS}"}, "targets": [{"refId": "A"}]}]}
`)
	writeFile(t, filepath.Join(dir, "grafana/grafana.ini"), "[database]\npassword = Tr0ub4dor#3\n")
	return dir
}

func snapshot(t *testing.T, dir string) map[string]string {
	t.Helper()
	out := map[string]string{}
	err := filepath.Walk(dir, func(p string, info os.FileInfo, err error) error {
		if err != nil || info.IsDir() {
			return err
		}
		b, err := os.ReadFile(p)
		rel, _ := filepath.Rel(dir, p)
		out[filepath.ToSlash(rel)] = string(b)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// TestFixExitCodes: --fix reports what is left and exits on it; --diff
// writes nothing, prints the diff without secrets and exits as the lint
// without fixing does, since the files are still as they were.
func TestFixExitCodes(t *testing.T) {
	dir := exportTree(t)
	if r := runCLI(t, dir, "", "--format", "oneline"); r.code != ExitFindings {
		t.Fatalf("without fixing: exit %d, want 1:\n%s", r.code, r.stdout)
	}
	before := snapshot(t, dir)
	r := runCLI(t, dir, "", "--diff")
	if r.code != ExitFindings {
		t.Errorf("--diff: exit %d, want 1 (the files still hold the errors)", r.code)
	}
	if diff := cmp.Diff(before, snapshot(t, dir)); diff != "" {
		t.Errorf("--diff changed files:\n%s", diff)
	}
	for _, want := range []string{
		"--- a/grafana/provisioning/dashboards/d.json\n+++ b/grafana/provisioning/dashboards/d.json\n",
		`+ "panels": [{"id": 1, "type": "stat", "datasource": {"type": "prometheus", "uid": "prom"}, "targets": [{"refId": "A"}]}]}`,
		"-    access: server\n+    access: proxy\n",
		"-password = <redacted>\n+password = <redacted>\n",
	} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("--diff output lacks %q:\n%s", want, r.stdout)
		}
	}
	if strings.Contains(r.stdout+r.stderr, "Tr0ub4dor") {
		t.Errorf("--diff printed the password")
	}
	if !strings.Contains(r.stderr, "would fix 3 findings (dashboard/unresolved-input 1, ini/inline-comment 1, provisioning/invalid-access 1) in 3 files") {
		t.Errorf("--diff summary: %q", r.stderr)
	}

	r = runCLI(t, dir, "", "--fix", "--format", "oneline")
	if r.code != ExitOK {
		t.Errorf("--fix: exit %d, want 0 (nothing at error level is left):\n%s\n%s", r.code, r.stdout, r.stderr)
	}
	if strings.Contains(r.stdout, "unresolved-input") || strings.Contains(r.stdout, "invalid-access") || strings.Contains(r.stdout, "inline-comment") {
		t.Errorf("--fix reports fixed findings:\n%s", r.stdout)
	}
	if !strings.Contains(r.stdout, "[secret/plaintext]") {
		t.Errorf("--fix does not report what is left:\n%s", r.stdout)
	}
	after := snapshot(t, dir)
	if got := after["grafana/grafana.ini"]; got != "[database]\npassword = `Tr0ub4dor#3`\n" {
		t.Errorf("grafana.ini after --fix: %q", got)
	}
	// A second run has nothing left to fix and changes nothing.
	r = runCLI(t, dir, "", "--fix", "--format", "oneline")
	if r.code != ExitOK || !strings.Contains(r.stderr, "no finding with a certain fix to apply") {
		t.Errorf("second --fix: exit %d, stderr %q", r.code, r.stderr)
	}
	if diff := cmp.Diff(after, snapshot(t, dir)); diff != "" {
		t.Errorf("second --fix changed files:\n%s", diff)
	}
}

// TestFixOnly: --fix-only limits the fixes to rules and categories.
func TestFixOnly(t *testing.T) {
	dir := exportTree(t)
	before := snapshot(t, dir)
	r := runCLI(t, dir, "", "--fix", "--fix-only", "ini,provisioning/invalid-access", "--format", "oneline")
	if r.code != ExitFindings {
		t.Errorf("exit %d, want 1: the placeholder is left", r.code)
	}
	after := snapshot(t, dir)
	if after["grafana/provisioning/dashboards/d.json"] != before["grafana/provisioning/dashboards/d.json"] {
		t.Errorf("--fix-only ini fixed the dashboard")
	}
	if after["grafana/grafana.ini"] == before["grafana/grafana.ini"] || !strings.Contains(after["grafana/provisioning/datasources/ds.yaml"], "access: proxy") {
		t.Errorf("--fix-only did not fix what it names")
	}
}

func TestFixUsage(t *testing.T) {
	dir := exportTree(t)
	for _, args := range [][]string{
		{"--fix", "--stdin-filename", "x.ini", "-"},
		{"--fix", "--diff"},
		{"--fix-only", "ini"},
		{"--fix", "--fix-only", "datasource/unknown-uid"},
		{"--fix", "--fix-only", "no/such-rule"},
		{"--diff", "--format", "json"},
		{"--diff", "--output", "json=out.json"},
		{"model", "--fix"},
		{"baseline", "b.json", "--fix"},
	} {
		r := runCLI(t, dir, "", args...)
		if r.code != ExitUsage || !strings.HasPrefix(r.stderr, "grafanalint: ") {
			t.Errorf("grafanalint %s: exit %d, stderr %q; want a usage error", strings.Join(args, " "), r.code, r.stderr)
		}
	}
}

// TestFixExplicitFiles: in a run on explicit files (pre-commit), a fix
// that would edit a file not given is skipped and says so.
func TestFixExplicitFiles(t *testing.T) {
	dir := exportTree(t)
	// The project root explicit files are linted in the context of.
	if err := os.Mkdir(filepath.Join(dir, ".git"), 0o755); err != nil {
		t.Fatal(err)
	}
	writeFile(t, filepath.Join(dir, "grafana/provisioning/datasources/ds.yaml"), "apiVersion: 1\ndatasources:\n  - name: Prometheus\n    type: prometheus\n")
	before := snapshot(t, dir)
	r := runCLI(t, dir, "", "--fix", "--format", "oneline", "grafana/provisioning/dashboards/d.json")
	if !strings.Contains(r.stderr, "fix not applied: it edits grafana/provisioning/datasources/ds.yaml, which is not among the files given") {
		t.Errorf("stderr: %s", r.stderr)
	}
	if diff := cmp.Diff(before, snapshot(t, dir)); diff != "" {
		t.Errorf("files changed:\n%s", diff)
	}
	// Given both, the placeholder is replaced and the derived UID pinned.
	r = runCLI(t, dir, "", "--fix", "--format", "oneline", "grafana/provisioning/dashboards/d.json", "grafana/provisioning/datasources/ds.yaml")
	after := snapshot(t, dir)
	if !strings.Contains(after["grafana/provisioning/datasources/ds.yaml"], "    uid: PBFA97CFB590B2093\n") ||
		!strings.Contains(after["grafana/provisioning/dashboards/d.json"], `"uid": "PBFA97CFB590B2093"`) {
		t.Errorf("not fixed across both files:\n%s\n%s", r.stderr, after["grafana/provisioning/datasources/ds.yaml"])
	}
}

// TestRulesShowFix: `grafanalint rules` marks the rules that have a fix.
func TestRulesShowFix(t *testing.T) {
	r := runCLI(t, repoRoot, "", "rules")
	column := map[string]bool{}
	for _, line := range strings.Split(r.stdout, "\n") {
		if f := strings.Fields(line); len(f) >= 3 {
			column[f[0]] = f[2] == "fix"
		}
	}
	for id, want := range map[string]bool{"datasource/name-as-uid": true, "ini/inline-comment": true, "datasource/unknown-uid": false} {
		if column[id] != want {
			t.Errorf("rules: %s fix column %v, want %v:\n%s", id, column[id], want, r.stdout)
		}
	}
	r = runCLI(t, repoRoot, "", "rules", "--format", "json")
	var list []struct {
		ID  string `json:"id"`
		Fix bool   `json:"fix"`
	}
	if err := json.Unmarshal([]byte(r.stdout), &list); err != nil {
		t.Fatal(err)
	}
	fixable := map[string]bool{}
	for _, e := range list {
		fixable[e.ID] = e.Fix
	}
	if !fixable["dashboard/unresolved-input"] || fixable["datasource/unknown-uid"] {
		t.Errorf("rules --format json fix flags: %v", fixable)
	}
}

// TestFixLeavesSuppressed: a finding an inline ignore hides is not fixed.
func TestFixLeavesSuppressed(t *testing.T) {
	dir := t.TempDir()
	ini := "[smtp]\n# grafanalint:ignore ini/inline-comment -- our mail relay strips it\nfrom_name = \"Grafana #ops\"\nfrom_address = \"a#b@example.com\"\n"
	writeFile(t, filepath.Join(dir, "grafana.ini"), ini)
	r := runCLI(t, dir, "", "--fix", "--format", "oneline")
	b, err := os.ReadFile(filepath.Join(dir, "grafana.ini"))
	if err != nil {
		t.Fatal(err)
	}
	want := strings.Replace(ini, `"a#b@example.com"`, "`a#b@example.com`", 1)
	if string(b) != want {
		t.Errorf("grafana.ini after --fix:\n%s\nwant:\n%s\nstderr: %s", b, want, r.stderr)
	}
}
