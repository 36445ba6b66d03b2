package discover

import (
	"path/filepath"
	"testing"
)

// outsideGit returns a fresh directory with no .git or .grafanalint.yaml
// above it (the test is about finding a root without them).
func outsideGit(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	for d := filepath.Dir(dir); ; d = filepath.Dir(d) {
		if exists(filepath.Join(d, ".git")) || exists(filepath.Join(d, ".grafanalint.yaml")) {
			t.Skipf("%s has a .git or .grafanalint.yaml above it", dir)
		}
		if filepath.Dir(d) == d {
			return dir
		}
	}
}

// TestProjectRootOutsideGit: a file named on the command line outside any
// git repository keeps its stack: the project root comes from the
// deployment's own shape.
func TestProjectRootOutsideGit(t *testing.T) {
	for _, tc := range []struct {
		name  string
		files []string
		file  string // the file given
		want  string // the root, relative to the tree
	}{
		{"compose file", []string{"docker-compose.yml", "grafana/provisioning/datasources/ds.yaml", "grafana/dashboards/x.json"}, "grafana/dashboards/x.json", "."},
		{"compose.yaml beats a nearer provisioning directory", []string{"compose.yaml", "grafana/provisioning/dashboards/p.yaml", "grafana/grafana.ini", "grafana/boards/x.json"}, "grafana/boards/x.json", "."},
		{"helm chart", []string{"chart/Chart.yaml", "chart/values.yaml", "chart/dashboards/x.json"}, "chart/dashboards/x.json", "chart"},
		{"provisioning directory", []string{"provisioning/datasources/ds.yaml", "dashboards/x.json"}, "dashboards/x.json", "."},
		{"inside the provisioning directory", []string{"provisioning/datasources/ds.yaml"}, "provisioning/datasources/ds.yaml", "."},
		{"grafana.ini", []string{"grafana.ini", "conf/nginx.conf"}, "conf/nginx.conf", "."},
		{".grafanalint.yaml beats a nearer compose file", []string{".grafanalint.yaml", "deploy/docker-compose.yml", "deploy/x.json"}, "deploy/x.json", "."},
		{".git beats a nearer compose file", []string{".git/HEAD", "deploy/docker-compose.yml", "deploy/x.json"}, "deploy/x.json", "."},
		{"nothing: the file's own directory", []string{"some/where/x.json"}, "some/where/x.json", "some/where"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := outsideGit(t)
			for _, f := range tc.files {
				write(t, dir, f, "x")
			}
			got := projectRoot(filepath.Dir(filepath.Join(dir, tc.file)))
			if want := filepath.Join(dir, tc.want); got != want {
				t.Errorf("projectRoot = %s, want %s", got, want)
			}
		})
	}
}

// TestOneFileOutsideGitKeepsItsStack: "grafanalint dashboards/x.json" in a
// project without .git loads the provisioning around it, as it does in a
// repository.
func TestOneFileOutsideGitKeepsItsStack(t *testing.T) {
	dir := outsideGit(t)
	write(t, dir, "grafana/provisioning/datasources/ds.yaml", "apiVersion: 1\ndatasources:\n  - name: P\n    uid: p\n    type: prometheus\n    url: http://p:9090\n")
	write(t, dir, "grafana/provisioning/dashboards/p.yaml", "apiVersion: 1\nproviders:\n  - name: d\n    type: file\n    options:\n      path: /var/lib/grafana/dashboards\n")
	write(t, dir, "grafana/dashboards/x.json", `{"uid": "x", "title": "X", "schemaVersion": 39, "panels": []}`)
	write(t, dir, "docker-compose.yml", "services:\n  grafana:\n    image: grafana/grafana:11.2.0\n    volumes:\n      - ./grafana/provisioning:/etc/grafana/provisioning\n      - ./grafana/dashboards:/var/lib/grafana/dashboards\n")
	m := load(t, Options{WorkDir: filepath.Join(dir, "grafana", "dashboards"), Paths: []string{"x.json"}})
	if len(m.Stacks) != 1 || !m.Stacks[0].HasDatasources || len(m.Stacks[0].Dashboards) != 1 || m.Stacks[0].ComposeFile == "" {
		t.Fatalf("the stack around x.json was not loaded: %+v", summarize(m, "."))
	}
}
