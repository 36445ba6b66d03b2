package discover

import (
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/grafanalint/grafanalint/parsers/model"
)

// stackOf returns the name of the stack holding display path p, "" when
// none does.
func stackOf(m *model.Model, p string) string {
	for _, s := range m.Stacks {
		if slices.Contains(s.Files, p) {
			return s.Name
		}
	}
	return ""
}

// TestLeftoversInAFolderOfProjects: linting a folder that holds several
// projects, a file no stack claims joins the only stack of its own
// project (an nginx/ beside the grafana/ whose compose file runs
// Grafana), and files of unrelated repositories (directories holding
// .git) never share a fallback stack.
func TestLeftoversInAFolderOfProjects(t *testing.T) {
	dir := t.TempDir()
	const grafanaCompose = "services:\n  grafana:\n    image: grafana/grafana:12.0.0\n"
	const ds = "apiVersion: 1\ndatasources:\n  - name: Prometheus\n    type: prometheus\n    url: http://prometheus:9090\n"
	const vhost = "server {\n  listen 80;\n  location / {\n    proxy_pass http://grafana:3000;\n  }\n}\n"
	// Project a: Grafana run by grafana/docker-compose.yml, its proxy in
	// a sibling directory.
	write(t, dir, "a/grafana/docker-compose.yml", grafanaCompose)
	write(t, dir, "a/nginx/conf.d/grafana.conf", vhost)
	// Project b: another compose stack.
	write(t, dir, "b/docker-compose.yml", grafanaCompose)
	// Two clones with no stack, each with a loose datasource file naming
	// the same datasource.
	write(t, dir, "c/.git/HEAD", "ref: refs/heads/main\n")
	write(t, dir, "c/grafana/datasources.yaml", ds)
	write(t, dir, "c/nginx/grafana.conf", vhost)
	write(t, dir, "d/.git", "gitdir: ../.git/modules/d\n")
	write(t, dir, "d/datasources.yaml", ds)
	// A loose file outside any repository below the root.
	write(t, dir, "e/nginx.conf", vhost)

	m := load(t, Options{WorkDir: dir, Paths: []string{"."}})
	got := map[string]string{}
	for _, p := range []string{"a/nginx/conf.d/grafana.conf", "c/grafana/datasources.yaml", "c/nginx/grafana.conf", "d/datasources.yaml", "e/nginx.conf"} {
		got[p] = stackOf(m, p)
	}
	want := map[string]string{
		"a/nginx/conf.d/grafana.conf": "a/grafana",
		"c/grafana/datasources.yaml":  "c",
		"c/nginx/grafana.conf":        "c",
		"d/datasources.yaml":          "d",
		"e/nginx.conf":                ".",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("stacks of the leftover files (-want +got):\n%s", diff)
	}
}

// TestLeftoversOfOneRepository: in one repository (the walk root holds
// .git) with two stacks, loose files still share one fallback, as before.
func TestLeftoversOfOneRepository(t *testing.T) {
	dir := t.TempDir()
	const grafanaCompose = "services:\n  grafana:\n    image: grafana/grafana:12.0.0\n"
	const vhost = "server {\n  listen 80;\n  location / {\n    proxy_pass http://grafana:3000;\n  }\n}\n"
	write(t, dir, ".git/HEAD", "ref: refs/heads/main\n")
	write(t, dir, "prod/docker-compose.yml", grafanaCompose)
	write(t, dir, "staging/docker-compose.yml", grafanaCompose)
	write(t, dir, "nginx/grafana.conf", vhost)
	write(t, dir, "grafana/grafana.ini", "[server]\nroot_url = https://grafana.example.com/\n")
	m := load(t, Options{WorkDir: dir, Paths: []string{"."}})
	if a, b := stackOf(m, "nginx/grafana.conf"), stackOf(m, "grafana/grafana.ini"); a != b || a == "" {
		t.Errorf("nginx/grafana.conf in stack %q, grafana/grafana.ini in %q: want one fallback stack", a, b)
	}
}
