package discover

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/grafanalint/grafanalint/parsers/corpustest"
	"github.com/grafanalint/grafanalint/parsers/discover/gentree"
	"github.com/grafanalint/grafanalint/parsers/model"
)

// problemsOf lists the problems of m's files, one line each.
func problemsOf(m *model.Model) []string {
	var out []string
	for _, f := range m.Files {
		for _, p := range f.Problems {
			out = append(out, f.Path+": "+p.Pos.String()+": "+string(p.Kind)+": "+p.Message)
		}
	}
	return out
}

// checkStreamed loads the tree at dir whole and with streamed dashboards,
// and compares the findings of every rule and the files' problems.
func checkStreamed(t *testing.T, dir string) {
	t.Helper()
	eager, err := Load(context.Background(), Options{WorkDir: dir})
	if err != nil {
		t.Fatal(err)
	}
	streamed, err := Load(context.Background(), Options{WorkDir: dir, Stream: true})
	if err != nil {
		t.Fatal(err)
	}
	deferred := 0
	for _, st := range streamed.Stacks {
		for _, d := range st.AllDashboards() {
			if d.Streamed() {
				deferred++
				if !d.Stripped || d.UID.IsSet() || d.Title.IsSet() {
					t.Errorf("%s: streamed dashboard parsed while loading", d.File)
				}
			}
		}
	}
	want, got := findingsOf(t, eager), findingsOf(t, streamed)
	if !slices.Equal(got, want) {
		t.Errorf("%s: findings with streamed dashboards differ\n got: %s\nwant: %s", dir, strings.Join(got, "\n      "), strings.Join(want, "\n      "))
	}
	if a, b := problemsOf(streamed), problemsOf(eager); !slices.Equal(a, b) {
		t.Errorf("%s: problems with streamed dashboards differ\n got: %s\nwant: %s", dir, strings.Join(a, "\n      "), strings.Join(b, "\n      "))
	}
	for _, st := range streamed.Stacks {
		for _, d := range st.AllDashboards() {
			if d.Streamed() && (!d.Stripped || d.Refs != nil || d.Panels != nil || d.Variables != nil) {
				t.Errorf("%s: streamed dashboard still whole after the rules ran", d.File)
			}
		}
	}
	if deferred == 0 && len(eager.Stacks) > 0 && strings.Contains(dir, "gen") {
		t.Errorf("%s: no dashboard was streamed", dir)
	}
}

// TestStreamedAsLoadedWhole: streaming dashboards through the rules gives
// the findings and problems of loading them whole, on a generated
// repository, the demo and both corpora.
func TestStreamedAsLoadedWhole(t *testing.T) {
	seed := corpustest.Dir(t, "perf-seed")
	gen := filepath.Join(t.TempDir(), "gen")
	if _, err := gentree.Generate(gen, seed, 3); err != nil {
		t.Fatal(err)
	}
	checkStreamed(t, gen)
	demo, err := filepath.Abs(filepath.Join("..", "..", "testdata", "demo"))
	if err != nil {
		t.Fatal(err)
	}
	checkStreamed(t, demo)
	for _, sub := range []string{"real", "k8s"} {
		dir, err := filepath.Abs(corpustest.Dir(t, sub))
		if err != nil {
			t.Fatal(err)
		}
		checkStreamed(t, dir)
	}
}

// TestStreamedDashboardChangedSinceLoading: a dashboard that becomes
// unreadable between loading and the rules is an input problem of its
// file, never a silent pass.
func TestStreamedDashboardChangedSinceLoading(t *testing.T) {
	dir := t.TempDir()
	write(t, dir, "provisioning/dashboards/p.yaml", "apiVersion: 1\nproviders:\n  - name: p\n    options:\n      path: /etc/grafana/provisioning/dashboards\n")
	write(t, dir, "provisioning/dashboards/a.json", `{"uid": "a", "title": "A", "panels": []}`)
	m, err := Load(context.Background(), Options{WorkDir: dir, Stream: true})
	if err != nil {
		t.Fatal(err)
	}
	var d *model.Dashboard
	for _, st := range m.Stacks {
		for _, x := range st.AllDashboards() {
			d = x
		}
	}
	if d == nil || !d.Streamed() {
		t.Fatalf("dashboard not streamed: %+v", d)
	}
	if err := os.Remove(filepath.Join(dir, "provisioning/dashboards/a.json")); err != nil {
		t.Fatal(err)
	}
	d.Fill()
	probs := problemsOf(m)
	if len(probs) != 1 || !strings.Contains(probs[0], "provisioning/dashboards/a.json: provisioning/dashboards/a.json:1:1: input:") {
		t.Errorf("problems = %q, want one input problem of a.json", probs)
	}
}

// TestExplicitDashboardCountsEveryReference: with one dashboard named, the
// others of its stack are not checked one by one (their findings are
// dropped), except by rules that count over every dashboard: a deleted
// datasource still used by a dashboard that is not named is counted, as
// when the whole project is checked.
func TestExplicitDashboardCountsEveryReference(t *testing.T) {
	dir := writeFiles(t, map[string]string{
		".git/HEAD": "ref: refs/heads/main\n",
		"provisioning/datasources/ds.yaml": "apiVersion: 1\ndeleteDatasources:\n  - name: Old\n    orgId: 1\n" +
			"datasources:\n  - name: Prometheus\n    uid: prom\n    type: prometheus\n    url: http://prometheus:9090\n",
		"provisioning/dashboards/dashboards.yaml": "apiVersion: 1\nproviders:\n  - name: default\n    type: file\n    options:\n      path: /etc/grafana/provisioning/dashboards\n",
		"provisioning/dashboards/0-context.json":  `{"uid": "ctx", "title": "C", "panels": [{"id": 1, "type": "timeseries", "datasource": "Old"}]}`,
		"provisioning/dashboards/a-named.json":    `{"uid": "named", "title": "N", "panels": [{"id": 1, "type": "timeseries", "datasource": "Old"}]}`,
	})
	m, err := Load(context.Background(), Options{WorkDir: dir})
	if err != nil {
		t.Fatal(err)
	}
	if fs := findingsOf(t, m); !slices.ContainsFunc(fs, func(f string) bool {
		return strings.Contains(f, "datasource/deleted-in-use") && strings.Contains(f, "2 references still use it")
	}) {
		t.Fatalf("the tree does not show what it tests: %s", strings.Join(fs, "\n"))
	}
	checkExplicit(t, dir, []string{"provisioning/dashboards/a-named.json", "provisioning/datasources/ds.yaml"})
}
