package cli

import (
	"encoding/json"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// The dashboard of the fingerprint tests: three panels with findings
// (unknown datasource UIDs on panel and target level, a malformed Live
// channel) and one without.
func fpPanels(order []int, extra string) string {
	panels := map[int]string{
		1: `{"id": 1, "type": "timeseries", "title": "CPU", "datasource": {"type": "prometheus", "uid": "prom-old"}, "targets": [{"refId": "A"}]}`,
		2: `{"id": 2, "type": "timeseries", "title": "Memory", "datasource": {"type": "prometheus", "uid": "prom"}, "targets": [{"refId": "A", "datasource": {"type": "prometheus", "uid": "gone"}}, {"refId": "B", "datasource": {"type": "prometheus", "uid": "prom"}}]}`,
		3: `{"id": 3, "type": "timeseries", "title": "Live", "datasource": {"type": "datasource", "uid": "grafana"}, "targets": [{"refId": "A", "datasource": {"type": "datasource", "uid": "grafana"}, "queryType": "measurements", "channel": "prom:cpu"}]}`,
		4: `{"id": 4, "type": "text", "title": "Notes"}`,
	}
	var ps []string
	if extra != "" {
		ps = append(ps, extra)
	}
	for _, i := range order {
		ps = append(ps, panels[i])
	}
	return `{"uid": "svc", "title": "Service", "schemaVersion": 39, "panels": [` + "\n  " + strings.Join(ps, ",\n  ") + "\n]}\n"
}

// fingerprintsOf runs grafanalint and returns the SARIF partial
// fingerprints and GitLab fingerprints of its findings, sorted.
func fingerprintsOf(t *testing.T, dir string) (sarif, gitlab []string) {
	t.Helper()
	r := runCLI(t, dir, "", "--format", "sarif")
	var log struct {
		Runs []struct {
			Results []struct {
				PartialFingerprints map[string]string `json:"partialFingerprints"`
			} `json:"results"`
		} `json:"runs"`
	}
	if err := json.Unmarshal([]byte(r.stdout), &log); err != nil {
		t.Fatalf("%v\n%s", err, r.stderr)
	}
	for _, res := range log.Runs[0].Results {
		sarif = append(sarif, res.PartialFingerprints["grafanalint/v2"])
	}
	r = runCLI(t, dir, "", "--format", "gitlab")
	var issues []struct {
		Fingerprint string `json:"fingerprint"`
	}
	if err := json.Unmarshal([]byte(r.stdout), &issues); err != nil {
		t.Fatal(err)
	}
	for _, is := range issues {
		gitlab = append(gitlab, is.Fingerprint)
	}
	sort.Strings(sarif)
	sort.Strings(gitlab)
	return sarif, gitlab
}

// TestFingerprintStability: SARIF and GitLab fingerprints and baseline
// entries name what a finding is about, so moving panels, inserting one,
// reformatting the file and editing elsewhere keep every one of them.
func TestFingerprintStability(t *testing.T) {
	const ds = "apiVersion: 1\ndatasources:\n  - name: Prometheus\n    uid: prom\n    type: prometheus\n    url: http://prometheus:9090\n"
	files := map[string]string{
		"grafana/provisioning/datasources/ds.yaml":     ds,
		"grafana/provisioning/dashboards/default.yaml": providerYAML,
		"grafana/boards/svc.json":                      fpPanels([]int{1, 2, 3, 4}, ""),
		"grafana/grafana.ini":                          "[server]\nhttp_port = 3000\n[security]\nadmin_password = hunter2hunter2\n",
	}
	dir := project(t, files)
	sarif, gitlab := fingerprintsOf(t, dir)
	if len(sarif) < 4 || len(sarif) != len(gitlab) {
		t.Fatalf("want at least 4 findings, got %d SARIF and %d GitLab fingerprints", len(sarif), len(gitlab))
	}
	if r := runCLI(t, dir, "", "baseline", ".grafanalint-baseline.json"); r.code != ExitOK {
		t.Fatalf("baseline: %d %s", r.code, r.stderr)
	}
	reformatted := strings.NewReplacer(",\n  ", ",\n\n        ", "{\"id\"", "{\n      \"id\"", ": ", ":").Replace(fpPanels([]int{1, 2, 3, 4}, ""))
	for _, edit := range []struct {
		name string
		file string
		text string
	}{
		{"panels moved", "grafana/boards/svc.json", fpPanels([]int{4, 3, 1, 2}, "")},
		{"panel inserted first", "grafana/boards/svc.json", fpPanels([]int{1, 2, 3, 4}, `{"id": 9, "type": "stat", "title": "New", "datasource": {"type": "prometheus", "uid": "prom"}, "targets": [{"refId": "A", "expr": "up"}]}`)},
		{"reformatted", "grafana/boards/svc.json", reformatted},
		{"dashboard retitled", "grafana/boards/svc.json", strings.Replace(fpPanels([]int{1, 2, 3, 4}, ""), `"title": "Service"`, `"title": "Service (v2)"`, 1)},
		// A second prometheus datasource changes the fix the unknown-uid
		// messages suggest, not what the findings are about.
		{"datasource added elsewhere", "grafana/provisioning/datasources/ds.yaml", ds + "  - name: Thanos\n    uid: thanos\n    type: prometheus\n    url: http://thanos:9090\n"},
		{"ini edited above the finding", "grafana/grafana.ini", "; tuned\n[server]\nhttp_port = 3000\nenable_gzip = true\n\n[security]\nadmin_password = hunter2hunter2\n"},
	} {
		t.Run(edit.name, func(t *testing.T) {
			edited := map[string]string{}
			for k, v := range files {
				edited[k] = v
			}
			edited[edit.file] = edit.text
			d := project(t, edited)
			writeFile(t, filepath.Join(d, ".grafanalint-baseline.json"), readFile(t, filepath.Join(dir, ".grafanalint-baseline.json")))
			gotSARIF, gotGitLab := fingerprintsOf(t, d)
			if diff := cmp.Diff(sarif, gotSARIF); diff != "" {
				t.Errorf("SARIF fingerprints changed (-before +after):\n%s", diff)
			}
			if diff := cmp.Diff(gitlab, gotGitLab); diff != "" {
				t.Errorf("GitLab fingerprints changed (-before +after):\n%s", diff)
			}
			r := runCLI(t, d, "", "--format", "oneline", "--baseline", ".grafanalint-baseline.json")
			if r.code != ExitOK || r.stdout != "" || strings.Contains(r.stderr, "stale") {
				t.Errorf("the baseline no longer hides everything: exit %d\n%s%s", r.code, r.stdout, r.stderr)
			}
		})
	}
	// A real change is a new finding with a new fingerprint.
	changed := map[string]string{}
	for k, v := range files {
		changed[k] = v
	}
	changed["grafana/boards/svc.json"] = strings.Replace(fpPanels([]int{1, 2, 3, 4}, ""), `"uid": "gone"`, `"uid": "gone-too"`, 1)
	d := project(t, changed)
	got, _ := fingerprintsOf(t, d)
	if cmp.Equal(sarif, got) {
		t.Errorf("changing an offending value kept every fingerprint")
	}
}

func readFile(t *testing.T, p string) string {
	t.Helper()
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// TestVersion1BaselineFromCLI: a baseline written by an earlier
// grafanalint (JSON-pointer keys) still hides its findings, with a note
// on how to upgrade it.
func TestVersion1BaselineFromCLI(t *testing.T) {
	dir := project(t, map[string]string{
		"grafana/provisioning/datasources/ds.yaml":     dsYAML,
		"grafana/provisioning/dashboards/default.yaml": providerYAML,
		"grafana/boards/svc.json":                      fpPanels([]int{4, 2}, ""),
	})
	writeFile(t, filepath.Join(dir, "old-baseline.json"), `{"version": 1, "findings": [
  {"rule": "datasource/unknown-uid", "file": "grafana/boards/svc.json", "entity": "dashboard:svc", "key": "/panels/0/targets/0/datasource=gone", "message": "…"}
]}
`)
	r := runCLI(t, dir, "", "--format", "oneline", "--baseline", "old-baseline.json")
	if r.code != ExitOK || r.stdout != "" || !strings.Contains(r.stderr, `baseline version 1: its dashboard entries match by rule, file and offending value`) {
		t.Errorf("exit %d\nstdout:\n%s\nstderr:\n%s", r.code, r.stdout, r.stderr)
	}
	if r := runCLI(t, dir, "", "-q", "--baseline", "old-baseline.json"); r.stderr != "" {
		t.Errorf("-q printed %q", r.stderr)
	}
}
