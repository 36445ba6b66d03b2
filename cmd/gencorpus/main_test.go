package main

import (
	"os"
	"path/filepath"
	"testing"
)

func TestRun(t *testing.T) {
	seed := t.TempDir()
	if err := os.WriteFile(filepath.Join(seed, "a.json"), []byte(`{"title": "a"}`), 0o644); err != nil {
		t.Fatal(err)
	}
	tmp := t.TempDir()
	for _, tc := range []struct {
		args []string
		code int
		want string // a file the run must write
	}{
		{[]string{"-dashboards", "3"}, 0, "grafana/dashboards/team-000/00002-a.json"},
		{[]string{"-stacks", "2", "-per-stack", "2"}, 0, "site-001/grafana/provisioning/dashboards/0001-a.json"},
		{[]string{"-stacks", "2"}, 0, "site-001/grafana/provisioning/dashboards/a.json"},
		{[]string{"-nginx-vhosts", "2"}, 0, "nginx/sites-available/site-00001"},
		{[]string{"-dashboards", "3", "-nginx-vhosts", "2"}, 2, ""},
	} {
		out := filepath.Join(tmp, "out")
		if err := os.RemoveAll(out); err != nil {
			t.Fatal(err)
		}
		args := append([]string{"-seed", seed, "-out", out}, tc.args...)
		if code := run(args); code != tc.code {
			t.Errorf("gencorpus %q: exit %d, want %d", tc.args, code, tc.code)
			continue
		}
		if tc.want != "" {
			if _, err := os.Stat(filepath.Join(out, tc.want)); err != nil {
				t.Errorf("gencorpus %q: %v", tc.args, err)
			}
		}
	}
	// An existing output folder is refused.
	if code := run([]string{"-seed", seed, "-out", tmp}); code != 2 {
		t.Errorf("an existing -out: exit %d, want 2", code)
	}
}
