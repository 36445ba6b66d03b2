package cli

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"
)

// TestExplicitFilesKeepTheirStacks: a run on one file of a repository of
// two stacks loads (and prints with `model`) only the file's stack, unless
// the config file is named too — findings in it may come from any stack.
func TestExplicitFilesKeepTheirStacks(t *testing.T) {
	dir := t.TempDir()
	files := map[string]string{
		".grafanalint.yaml": "grafana_version: \"11.2\"\n",
	}
	for _, site := range []string{"a", "b"} {
		files[site+"/provisioning/datasources/ds.yaml"] = "apiVersion: 1\ndatasources:\n  - name: Prom\n    type: prometheus\n    uid: prom\n    url: http://prom:9090\n"
		files[site+"/provisioning/dashboards/p.yaml"] = "apiVersion: 1\nproviders:\n  - name: d\n    options:\n      path: /etc/grafana/provisioning/dashboards\n"
		files[site+"/provisioning/dashboards/d.json"] = `{"uid": "` + site + `", "title": "D", "schemaVersion": 39, "panels": []}` + "\n"
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
	stacks := func(args ...string) []string {
		t.Helper()
		r := runCLI(t, dir, "", append([]string{"model"}, args...)...)
		if r.code != ExitOK {
			t.Fatalf("model %v: exit %d\n%s", args, r.code, r.stderr)
		}
		var m struct {
			Stacks []struct {
				Name string `json:"name"`
			} `json:"stacks"`
		}
		if err := json.Unmarshal([]byte(r.stdout), &m); err != nil {
			t.Fatal(err)
		}
		var names []string
		for _, s := range m.Stacks {
			names = append(names, s.Name)
		}
		return names
	}
	if got := stacks("a/provisioning/dashboards/d.json"); len(got) != 1 || got[0] != "a" {
		t.Errorf("one file of stack a: stacks %v, want [a]", got)
	}
	if got := stacks("a/provisioning/dashboards/d.json", ".grafanalint.yaml"); len(got) != 2 {
		t.Errorf("a file and the config file: stacks %v, want both", got)
	}
	if got := stacks("."); len(got) != 2 {
		t.Errorf("the whole tree: stacks %v, want both", got)
	}
}
