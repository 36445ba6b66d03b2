package cli

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestVersionFromImage: the Grafana image tag sets the version verdicts
// use; --grafana-version and grafana_version win; `model` shows which and
// where it came from.
func TestVersionFromImage(t *testing.T) {
	dir := t.TempDir()
	files := map[string]string{
		"docker-compose.yml":                       "services:\n  grafana:\n    image: grafana/grafana-oss:${TAG:-11.2.0}-ubuntu\n    volumes:\n      - ./provisioning:/etc/grafana/provisioning\n",
		"provisioning/datasources/datasources.yml": "apiVersion: 1\ndatasources:\n  - name: Prometheus\n    type: prometheus\n    uid: prom.main\n    url: http://prometheus:9090\n",
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
	invalidUID := func(r result) string {
		for _, line := range strings.Split(r.stdout, "\n") {
			if strings.Contains(line, "[datasource/invalid-uid]") {
				return line
			}
		}
		t.Fatalf("no datasource/invalid-uid finding:\n%s%s", r.stdout, r.stderr)
		return ""
	}
	// 11.2: a warning (rejected only from 12).
	if line := invalidUID(runCLI(t, dir, "", "--no-config", "--format", "oneline", ".")); !strings.Contains(line, ": warning: ") || !strings.Contains(line, "11.2") {
		t.Errorf("with the image's 11.2.0: %s", line)
	}
	if line := invalidUID(runCLI(t, dir, "", "--no-config", "--format", "oneline", "--grafana-version", "12.1", ".")); !strings.Contains(line, ": error: ") {
		t.Errorf("with --grafana-version 12.1: %s", line)
	}
	if err := os.WriteFile(filepath.Join(dir, ".grafanalint.yaml"), []byte("grafana_version: \"12.0\"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if line := invalidUID(runCLI(t, dir, "", "--format", "oneline", ".")); !strings.Contains(line, ": error: ") {
		t.Errorf("with grafana_version 12.0 in the config: %s", line)
	}
	if err := os.Remove(filepath.Join(dir, ".grafanalint.yaml")); err != nil {
		t.Fatal(err)
	}

	version := func(args ...string) map[string]any {
		r := runCLI(t, dir, "", append([]string{"model", "--no-config"}, args...)...)
		var m struct {
			Stacks []struct {
				GrafanaVersion map[string]any `json:"grafanaVersion"`
			} `json:"stacks"`
		}
		if err := json.Unmarshal([]byte(r.stdout), &m); err != nil || len(m.Stacks) != 1 {
			t.Fatalf("model: %v\n%s", err, r.stdout)
		}
		return m.Stacks[0].GrafanaVersion
	}
	v := version(".")
	if v["version"] != "11.2.0" || v["from"] != "image grafana/grafana-oss:11.2.0-ubuntu" {
		t.Errorf("model version = %v", v)
	}
	v = version("--grafana-version", "12.1", ".")
	if v["version"] != "12.1" || !strings.HasPrefix(v["from"].(string), "--grafana-version (the deployment names 11.2.0") {
		t.Errorf("model version with --grafana-version = %v", v)
	}
}

// TestInvalidComposeFileNamed: invalid YAML in a compose file named on the
// command line is a parse/syntax finding with a position, exit 1.
func TestInvalidComposeFileNamed(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "docker-compose.yml"), []byte("version: '3'\n services:\n  grafana:\n    image: grafana/grafana\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	r := runCLI(t, dir, "", "--no-config", "--format", "oneline", "docker-compose.yml")
	if r.code != ExitFindings || !strings.Contains(r.stdout, "docker-compose.yml:2:2: error: compose file is not valid YAML") || !strings.Contains(r.stdout, "[parse/syntax]") {
		t.Errorf("exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
}
