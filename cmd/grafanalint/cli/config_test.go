package cli

import (
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/grafanalint/grafanalint/cmd/grafanalint/baseline"
	"github.com/grafanalint/grafanalint/cmd/grafanalint/config"
	"github.com/grafanalint/grafanalint/rules"
	"github.com/grafanalint/grafanalint/rules/all"
)

// project writes files into a fresh directory and returns it.
func project(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "proj")
	for name, content := range files {
		writeFile(t, filepath.Join(dir, name), content)
	}
	return dir
}

const (
	dsYAML       = "apiVersion: 1\ndatasources:\n  - name: Prometheus\n    uid: prom\n    type: prometheus\n    url: http://prometheus:9090\n"
	providerYAML = "apiVersion: 1\nproviders:\n  - name: default\n    type: file\n    options:\n      path: /var/lib/grafana/boards\n"
	// badDash references a datasource UID nobody provisions, and has an
	// unresolved export placeholder.
	badDash = `{"__inputs": [{"name": "DS_PROM", "label": "Prometheus", "type": "datasource", "pluginId": "prometheus"}],
 "uid": "a", "title": "A", "schemaVersion": 39, "panels": [
  {"id": 1, "type": "timeseries", "datasource": {"type": "prometheus", "uid": "nope"}, "targets": [{"refId": "A"}]},
  {"id": 2, "type": "timeseries", "datasource": {"type": "prometheus", "uid": "${DS_PROM}"}, "targets": [{"refId": "A"}]}
]}
`
)

func baseProject(t *testing.T, cfg string) string {
	t.Helper()
	files := map[string]string{
		"grafana/provisioning/datasources/ds.yaml":     dsYAML,
		"grafana/provisioning/dashboards/default.yaml": providerYAML,
		"grafana/boards/a.json":                        badDash,
		"grafana/boards/upstream/v.json":               strings.ReplaceAll(badDash, `"uid": "a"`, `"uid": "v"`),
	}
	if cfg != "" {
		files[config.FileName] = cfg
	}
	return project(t, files)
}

// rulesOf returns "file rule" for each oneline finding.
func rulesOf(out string) []string {
	var got []string
	re := regexp.MustCompile(`^(\S+?):\d+:\d+: \w+: .* \[(\S+)\]$`)
	for _, l := range strings.Split(strings.TrimSpace(out), "\n") {
		if m := re.FindStringSubmatch(l); m != nil {
			got = append(got, m[1]+" "+m[2])
		}
	}
	return got
}

func TestConfigErrorsHavePositions(t *testing.T) {
	dir := baseProject(t, "grafana_version: \"11.2\"\nrules:\n  datasource/unknown-uuid: off\nexclusions:\n  - reason: x\n")
	for _, tc := range []struct{ wd, prefix string }{{dir, ""}, {filepath.Join(dir, "grafana"), "../"}} {
		r := runCLI(t, tc.wd, "")
		if r.code != ExitUsage {
			t.Fatalf("exit %d, want 2; stderr:\n%s", r.code, r.stderr)
		}
		want := "grafanalint: " + tc.prefix + ".grafanalint.yaml:3:3: unknown rule \"datasource/unknown-uuid\" in rules: did you mean \"datasource/unknown-uid\"?\n" +
			"grafanalint: " + tc.prefix + ".grafanalint.yaml:4:1: unknown key \"exclusions\": did you mean \"exclude\"?\n"
		if diff := cmp.Diff(want, r.stderr); diff != "" {
			t.Errorf("stderr (-want +got):\n%s", diff)
		}
	}
	// --no-config ignores the broken file; --config names another one.
	if r := runCLI(t, dir, "", "--no-config", "--format", "oneline"); r.code != ExitFindings {
		t.Errorf("--no-config: exit %d, stderr %s", r.code, r.stderr)
	}
	other := filepath.Join(dir, "other.yaml")
	writeFile(t, other, "rules:\n  datasource: off\n  dashboard: off\n")
	if r := runCLI(t, dir, "", "--config", "other.yaml", "--format", "oneline"); r.code != ExitOK || r.stdout != "" {
		t.Errorf("--config other.yaml: exit %d, stdout %q, stderr %q", r.code, r.stdout, r.stderr)
	}
	for _, args := range [][]string{{"--config", "missing.yaml"}, {"--config", "other.yaml", "--no-config"}} {
		if r := runCLI(t, dir, "", args...); r.code != ExitUsage {
			t.Errorf("%v: exit %d, want 2", args, r.code)
		}
	}
}

// TestPrecedence follows DESIGN.md: inline ignore > command-line flags >
// config exclusions > config rule levels > defaults.
func TestPrecedence(t *testing.T) {
	const cfg = `rules:
  datasource/unknown-uid: off
  dashboard/unresolved-input: warning
exclude:
  - rules: [dashboard/unresolved-input]
    paths: ["grafana/boards/upstream/**"]
    reason: upstream dashboards kept as published
`
	dir := baseProject(t, cfg)
	for _, tc := range []struct {
		name string
		args []string
		want []string
	}{
		{"defaults", []string{"--no-config"}, []string{
			"grafana/boards/a.json datasource/unknown-uid", "grafana/boards/a.json dashboard/unresolved-input",
			"grafana/boards/upstream/v.json datasource/unknown-uid", "grafana/boards/upstream/v.json dashboard/unresolved-input"}},
		{"config levels and exclusions", nil, []string{"grafana/boards/a.json dashboard/unresolved-input"}},
		{"--enable beats config level and exclusion", []string{"--enable", "datasource/unknown-uid", "--enable", "dashboard/unresolved-input"}, []string{
			"grafana/boards/a.json datasource/unknown-uid", "grafana/boards/a.json dashboard/unresolved-input",
			"grafana/boards/upstream/v.json datasource/unknown-uid", "grafana/boards/upstream/v.json dashboard/unresolved-input"}},
		{"--enable of a category beats a rule level", []string{"--enable", "datasource"}, []string{
			"grafana/boards/a.json datasource/unknown-uid", "grafana/boards/a.json dashboard/unresolved-input",
			"grafana/boards/upstream/v.json datasource/unknown-uid"}},
		{"--disable beats config level", []string{"--disable", "dashboard"}, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := runCLI(t, dir, "", append([]string{"--format", "oneline"}, tc.args...)...)
			if diff := cmp.Diff(tc.want, rulesOf(r.stdout)); diff != "" {
				t.Errorf("findings (-want +got):\n%s\nstderr: %s", diff, r.stderr)
			}
		})
	}
	// --severity beats the config's level.
	r := runCLI(t, dir, "", "--format", "oneline", "--severity", "dashboard/unresolved-input=info")
	if !strings.Contains(r.stdout, ": info: ") || r.code != ExitOK {
		t.Errorf("--severity: exit %d\n%s", r.code, r.stdout)
	}
	r = runCLI(t, dir, "", "--format", "oneline")
	if !strings.Contains(r.stdout, ": warning: ") || r.code != ExitOK {
		t.Errorf("config level warning: exit %d\n%s", r.code, r.stdout)
	}
	// An inline ignore beats the command line.
	ini := project(t, map[string]string{
		"grafana/grafana.ini":                      "[server]\nhttp_port = 3000\n",
		"grafana/provisioning/datasources/ds.yaml": "apiVersion: 1\ndatasources:\n  - name: Loki\n    type: loki\n    url: http://loki:3100\n    jsonData:\n      derivedFields:\n        # grafanalint:ignore datasource/unknown-uid -- tempo comes later\n        - datasourceUid: tempo\n          name: trace\n",
	})
	if r := runCLI(t, ini, "", "--format", "oneline", "--enable", "datasource/unknown-uid", "--severity", "datasource/unknown-uid=error"); strings.Contains(r.stdout, "unknown-uid") {
		t.Errorf("flags overrode an inline ignore:\n%s", r.stdout)
	}
}

func TestConfigFailLevelAndVersion(t *testing.T) {
	dir := baseProject(t, "fail_level: warning\nrules:\n  datasource: off\n  dashboard/unresolved-input: warning\n")
	if r := runCLI(t, dir, "", "--format", "oneline"); r.code != ExitFindings {
		t.Errorf("config fail_level warning: exit %d, want 1\n%s", r.code, r.stdout)
	}
	if r := runCLI(t, dir, "", "--format", "oneline", "--fail-level", "error"); r.code != ExitOK {
		t.Errorf("--fail-level error over config: exit %d, want 0", r.code)
	}
	bad := baseProject(t, "grafana_version: eleven\n")
	if r := runCLI(t, bad, ""); r.code != ExitUsage || !strings.Contains(r.stderr, ".grafanalint.yaml:1:18: invalid Grafana version") {
		t.Errorf("bad version: exit %d, stderr %q", r.code, r.stderr)
	}
}

// TestConfigPathsRelativeToConfigDir runs from a subdirectory: exclusion
// globs and stack paths still count from the config file's directory.
func TestConfigPathsRelativeToConfigDir(t *testing.T) {
	const cfg = `exclude:
  - rules: [datasource/unknown-uid]
    paths: ["grafana/boards/*.json"]
    reason: being migrated
stacks:
  - name: main
    paths: [grafana]
    env:
      GF_LIVE_ALLOWED_ORIGINS: grafana.example.com
`
	dir := baseProject(t, cfg)
	r := runCLI(t, filepath.Join(dir, "grafana"), "", "--format", "oneline")
	want := []string{"../.grafanalint.yaml live/allowed-origin-no-scheme", "boards/a.json dashboard/unresolved-input",
		"boards/upstream/v.json datasource/unknown-uid", "boards/upstream/v.json dashboard/unresolved-input"}
	if diff := cmp.Diff(want, rulesOf(r.stdout)); diff != "" {
		t.Errorf("from grafana/ (-want +got):\n%s\nstderr %s", diff, r.stderr)
	}
	r = runCLI(t, dir, "", "--format", "oneline", "grafana")
	want = []string{".grafanalint.yaml live/allowed-origin-no-scheme", "grafana/boards/a.json dashboard/unresolved-input",
		"grafana/boards/upstream/v.json datasource/unknown-uid", "grafana/boards/upstream/v.json dashboard/unresolved-input"}
	if diff := cmp.Diff(want, rulesOf(r.stdout)); diff != "" {
		t.Errorf("from the root (-want +got):\n%s", diff)
	}
}

// TestUnusedExclusion: an exclusion that hides nothing is reported at its
// place in the config, but not on runs over part of the tree, where it
// may well match elsewhere.
func TestUnusedExclusion(t *testing.T) {
	const cfg = "rules:\n  datasource: off\n  dashboard: off\nexclude:\n  - rules: [channel]\n    paths: [\"nothing/**\"]\n    reason: stale\n"
	dir := baseProject(t, cfg)
	r := runCLI(t, dir, "", "--format", "oneline")
	want := ".grafanalint.yaml:5:5: warning: exclusion for channel matched no finding: remove it from the config [meta/unused-ignore]\n"
	if r.stdout != want {
		t.Errorf("whole tree: got %q, want %q", r.stdout, want)
	}
	for _, args := range [][]string{{"grafana/boards/a.json"}, {"grafana"}} {
		if r := runCLI(t, dir, "", append([]string{"--format", "oneline"}, args...)...); r.stdout != "" {
			t.Errorf("%v: %q", args, r.stdout)
		}
	}
	// Text output shows the config line.
	r = runCLI(t, dir, "", "--excerpt", "always")
	if !strings.Contains(r.stdout, " 5 |   - rules: [channel]\n") {
		t.Errorf("no excerpt of the config file:\n%s", r.stdout)
	}
}

func TestInit(t *testing.T) {
	dir := baseProject(t, "")
	r := runCLI(t, dir, "", "init")
	if r.code != ExitOK {
		t.Fatalf("init: exit %d: %s", r.code, r.stderr)
	}
	path := filepath.Join(dir, config.FileName)
	first, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(string(first), "# grafanalint configuration") {
		t.Errorf("init wrote %q", first)
	}
	// The default config loads, and changes no finding of the defaults.
	with := runCLI(t, dir, "", "--format", "oneline")
	without := runCLI(t, dir, "", "--format", "oneline", "--no-config")
	if with.code != without.code || with.stdout != without.stdout {
		t.Errorf("the default config changes the run:\n%s\nvs\n%s\nstderr %s", with.stdout, without.stdout, with.stderr)
	}
	writeFile(t, path, "rules: {}\n")
	r = runCLI(t, dir, "", "init")
	if r.code != ExitUsage || !strings.Contains(r.stderr, "already exists") {
		t.Errorf("init over an existing file: exit %d, %q", r.code, r.stderr)
	}
	if b, _ := os.ReadFile(path); string(b) != "rules: {}\n" {
		t.Errorf("init overwrote the file without --force")
	}
	if r := runCLI(t, dir, "", "init", "--force"); r.code != ExitOK {
		t.Errorf("init --force: exit %d", r.code)
	}
	if b, _ := os.ReadFile(path); string(b) != string(first) {
		t.Errorf("init --force did not write the default")
	}
}

// TestBaseline records the demo's findings, then checks that moving and
// reformatting keeps them hidden, that a fixed one is reported stale, that
// a new one shows, and that --baseline-prune drops the stale entry.
func TestBaseline(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "demo")
	copyTree(t, filepath.Join(repoRoot, "testdata/demo"), dir)
	r := runCLI(t, dir, "", "baseline", ".grafanalint-baseline.json")
	if r.code != ExitOK || !strings.Contains(r.stderr, "recorded ") {
		t.Fatalf("baseline: exit %d: %s", r.code, r.stderr)
	}
	path := filepath.Join(dir, ".grafanalint-baseline.json")
	if _, err := baseline.Read(path); err != nil {
		t.Fatal(err)
	}
	check := func(step string, wantOut []string, wantStale string) {
		t.Helper()
		r := runCLI(t, dir, "", "--format", "oneline", "--baseline", ".grafanalint-baseline.json")
		if diff := cmp.Diff(wantOut, rulesOf(r.stdout)); diff != "" {
			t.Errorf("%s: findings (-want +got):\n%s", step, diff)
		}
		if wantStale == "" && r.stderr != "" || !strings.Contains(r.stderr, wantStale) {
			t.Errorf("%s: stderr %q, want %q", step, r.stderr, wantStale)
		}
	}
	check("as recorded", nil, "")

	// Shift every line and reformat: still hidden.
	dash := filepath.Join(dir, "grafana/dashboards/service-live.json")
	src, err := os.ReadFile(dash)
	if err != nil {
		t.Fatal(err)
	}
	var v any
	if err := json.Unmarshal(src, &v); err != nil {
		t.Fatal(err)
	}
	moved, _ := json.MarshalIndent(v, "", "\t")
	writeFile(t, dash, "\n\n\n"+string(moved)+"\n")
	ds := filepath.Join(dir, "grafana/provisioning/datasources/datasources.yaml")
	dsSrc, _ := os.ReadFile(ds)
	writeFile(t, ds, "# moved down\n\n"+string(dsSrc))
	check("lines shifted", nil, "")

	// Fix one finding: its entry is stale.
	fixed := strings.Replace(string(moved), "random-5s-stream", "random-2s-stream", 1)
	if fixed == string(moved) {
		t.Fatal("fixture changed: no random-5s-stream channel")
	}
	writeFile(t, dash, fixed)
	check("one fixed", nil, "stale entry: grafana/dashboards/service-live.json: channel/testdata-path on channel:plugin/testdata/random-5s-stream is no longer found")

	// A run on another file does not call the dashboard's entries stale.
	if r := runCLI(t, dir, "", "--format", "oneline", "--baseline", ".grafanalint-baseline.json", "docker-compose.yml"); r.stderr != "" || r.stdout != "" {
		t.Errorf("run on one file: stdout %q stderr %q", r.stdout, r.stderr)
	}

	// A new finding shows.
	writeFile(t, filepath.Join(dir, "grafana/dashboards/new.json"), `{"uid": "new", "title": "New", "panels": [{"id": 1, "type": "stat", "datasource": {"uid": "nope"}, "targets": [{"refId": "A"}]}]}`)
	check("new finding", []string{"grafana/dashboards/new.json datasource/unknown-uid"}, "1 recorded finding no longer found")

	// Pruning drops exactly the stale entry.
	before, _ := baseline.Read(path)
	r = runCLI(t, dir, "", "--format", "oneline", "--baseline", ".grafanalint-baseline.json", "--baseline-prune")
	if !strings.Contains(r.stderr, "removed 1 recorded finding") {
		t.Errorf("prune: %q", r.stderr)
	}
	after, err := baseline.Read(path)
	if err != nil {
		t.Fatal(err)
	}
	if len(after.Findings) != len(before.Findings)-1 {
		t.Errorf("prune kept %d of %d entries", len(after.Findings), len(before.Findings))
	}
	r = runCLI(t, dir, "", "--format", "oneline", "--baseline", ".grafanalint-baseline.json")
	if r.stderr != "" {
		t.Errorf("stale after prune: %q", r.stderr)
	}

	for _, args := range [][]string{{"baseline"}, {"--baseline", "missing.json"}, {"--baseline-prune", "--no-config"}} {
		if r := runCLI(t, dir, "", args...); r.code != ExitUsage {
			t.Errorf("%v: exit %d, want 2 (%s)", args, r.code, r.stderr)
		}
	}
}

// TestBaselineFromConfig: the config's baseline: key works like
// --baseline, relative to the config file, and entries match from another
// working directory too (paths and file entities are recorded relative to
// the baseline file). (Runs from inside the project are avoided: discovery
// itself still depends on the working directory there.)
func TestBaselineFromConfig(t *testing.T) {
	dir := baseProject(t, "baseline: base/recorded.json\n")
	writeFile(t, filepath.Join(dir, "grafana/boards/broken.json"), "{\"uid\": \"b\", \"panels\": [}\n")
	if r := runCLI(t, dir, "", "baseline", "base/recorded.json"); r.code != ExitOK {
		t.Fatalf("baseline: %d %s", r.code, r.stderr)
	}
	parent := filepath.Dir(dir)
	for _, tc := range []struct {
		wd   string
		args []string
	}{{dir, nil}, {parent, []string{"--config", "proj/.grafanalint.yaml", "proj"}}} {
		r := runCLI(t, tc.wd, "", append([]string{"--format", "oneline"}, tc.args...)...)
		if r.code != ExitOK || r.stdout != "" || r.stderr != "" {
			t.Errorf("from %s: exit %d\nstdout %s\nstderr %s", tc.wd, r.code, r.stdout, r.stderr)
		}
	}
	writeFile(t, filepath.Join(dir, "grafana/boards/new.json"), `{"uid": "new", "title": "New", "panels": [{"id": 1, "type": "stat", "datasource": {"uid": "nope"}, "targets": [{"refId": "A"}]}]}`)
	r := runCLI(t, parent, "", "--format", "oneline", "--config", "proj/.grafanalint.yaml", "proj")
	if diff := cmp.Diff([]string{"proj/grafana/boards/new.json datasource/unknown-uid"}, rulesOf(r.stdout)); diff != "" {
		t.Errorf("new finding (-want +got):\n%s\nstderr %s", diff, r.stderr)
	}
}

func copyTree(t *testing.T, from, to string) {
	t.Helper()
	err := filepath.WalkDir(from, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(from, p)
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		writeFile(t, filepath.Join(to, rel), string(b))
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// TestREADMEConfig loads the example configuration of README's
// "Configuration" section, so that it stays valid.
func TestREADMEConfig(t *testing.T) {
	readme, err := os.ReadFile(filepath.Join(repoRoot, "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	_, section, ok := strings.Cut(string(readme), "\n## Configuration\n")
	if !ok {
		t.Fatal("README has no Configuration section")
	}
	_, block, ok := strings.Cut(section, "```yaml\n")
	if !ok {
		t.Fatal("the Configuration section has no yaml block")
	}
	block, _, _ = strings.Cut(block, "```")
	dir := baseProject(t, block)
	writeFile(t, filepath.Join(dir, "deploy/prod/grafana.env"), "GF_SERVER_HTTP_PORT=3000\n")
	if _, err := config.Load(filepath.Join(dir, config.FileName), config.FileName, all.Rules()); err != nil {
		t.Errorf("README's example configuration does not load:\n%v", err)
	}
}

func TestExemptEnabled(t *testing.T) {
	every := &rules.Exclusion{Paths: []string{"x/**"}, Reason: "r"}
	one := &rules.Exclusion{Rules: []string{"datasource/unknown-uid"}, Reason: "r"}
	other := &rules.Exclusion{Rules: []string{"channel"}, Reason: "r"}
	got := exemptEnabled([]*rules.Exclusion{every, one, other}, []string{"datasource/unknown-uid"})
	if len(got) != 2 || got[1] != other {
		t.Fatalf("got %d exclusions: the one naming only the enabled rule must go, the unrelated one stay", len(got))
	}
	if slices.Contains(got[0].Rules, "datasource/unknown-uid") || !slices.Contains(got[0].Rules, "datasource/derived-uid") || got[0].Paths[0] != "x/**" {
		t.Errorf("the exclusion of every rule must keep every rule but the enabled one: %v", got[0].Rules)
	}
	if len(every.Rules) != 0 {
		t.Errorf("the config's exclusion was modified")
	}
}
