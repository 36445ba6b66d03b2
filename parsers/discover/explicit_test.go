package discover

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/grafanalint/grafanalint/parsers/corpustest"
	"github.com/grafanalint/grafanalint/parsers/discover/gentree"
	"github.com/grafanalint/grafanalint/parsers/factcache"
	"github.com/grafanalint/grafanalint/parsers/model"
	"github.com/grafanalint/grafanalint/rules"
	"github.com/grafanalint/grafanalint/rules/all"
)

// findingsOf runs every rule on m and returns the findings as JSON lines.
func findingsOf(t *testing.T, m *model.Model) []string {
	t.Helper()
	var out []string
	for _, f := range rules.Run(m, all.Rules(), rules.Options{}).Findings {
		b, err := json.Marshal(f)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, string(b))
	}
	return out
}

// checkExplicit lints each of files (display paths relative to wd) named
// alone, as pre-commit does, and compares the findings with those of the
// whole project loaded as context (the model of the project root with
// only that file reported, which is what an explicit run loaded before
// stacks were narrowed; FullContext loads the same), with dashboards
// loaded whole, streamed, and streamed with a cold then warm facts cache,
// and the findings located in the file with those of the whole-tree run.
func checkExplicit(t *testing.T, wd string, files []string) {
	t.Helper()
	cache := factcache.Open(t.TempDir())
	if cache == nil {
		t.Fatal("no facts cache")
	}
	whole := map[string]*model.Model{}
	wholeFindings := map[string][]string{}
	for _, file := range files {
		root := projectRoot(filepath.Dir(filepath.Join(wd, file)))
		full := whole[root]
		if full == nil {
			var err error
			if full, err = Load(context.Background(), Options{Paths: []string{root}, WorkDir: wd}); err != nil {
				t.Fatal(err)
			}
			whole[root] = full
			wholeFindings[root] = findingsOf(t, full)
		}
		for _, f := range full.Files {
			f.Reported = f.Path == file
		}
		want := findingsOf(t, full)
		for _, f := range full.Files {
			f.Reported = true
		}
		m, err := Load(context.Background(), Options{Paths: []string{file}, WorkDir: wd})
		if err != nil {
			t.Fatal(err)
		}
		got := findingsOf(t, m)
		if !slices.Equal(got, want) {
			t.Errorf("%s named alone: findings differ from the whole project's\n got: %s\nwant: %s", file, strings.Join(got, "\n      "), strings.Join(want, "\n      "))
			continue
		}
		// As the CLI runs it: the rules stream the dashboards.
		streamed, err := Load(context.Background(), Options{Paths: []string{file}, WorkDir: wd, Stream: true})
		if err != nil {
			t.Fatal(err)
		}
		if got := findingsOf(t, streamed); !slices.Equal(got, want) {
			t.Errorf("%s named alone, dashboards streamed: findings differ from the whole project's\n got: %s\nwant: %s", file, strings.Join(got, "\n      "), strings.Join(want, "\n      "))
			continue
		}
		// With the facts cache, cold then warm: a cache never changes a
		// verdict.
		for _, run := range []string{"cold", "warm"} {
			cached, err := Load(context.Background(), Options{Paths: []string{file}, WorkDir: wd, Stream: true, FactCache: cache})
			if err != nil {
				t.Fatal(err)
			}
			if got := findingsOf(t, cached); !slices.Equal(got, want) {
				t.Errorf("%s named alone, facts cache %s: findings differ from the whole project's\n got: %s\nwant: %s", file, run, strings.Join(got, "\n      "), strings.Join(want, "\n      "))
			}
		}
		in := func(fs []string) []string {
			var out []string
			for _, f := range fs {
				if strings.Contains(f, `"file":`+mustJSON(file)+`,`) {
					out = append(out, f)
				}
			}
			return out
		}
		if a, b := in(got), in(wholeFindings[root]); !slices.Equal(a, b) {
			t.Errorf("%s named alone: findings in it differ from the whole-tree run's\n got: %s\nwant: %s", file, strings.Join(a, "\n      "), strings.Join(b, "\n      "))
		}
		if full.Files != nil && len(m.Stacks) > len(full.Stacks) {
			t.Errorf("%s named alone: %d stacks, more than the project's %d", file, len(m.Stacks), len(full.Stacks))
		}
	}
}

func mustJSON(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}

// TestExplicitFilesGenerated names single files of a generated repository
// of several stacks: each run keeps only the named file's stack, and its
// findings are those of the whole repository.
func TestExplicitFilesGenerated(t *testing.T) {
	seed := corpustest.Dir(t, "perf-seed")
	dst := filepath.Join(t.TempDir(), "repo")
	if _, err := gentree.Generate(dst, seed, 3); err != nil {
		t.Fatal(err)
	}
	if err := os.Mkdir(filepath.Join(dst, ".git"), 0o755); err != nil {
		t.Fatal(err)
	}
	m, err := Load(context.Background(), Options{WorkDir: dst})
	if err != nil {
		t.Fatal(err)
	}
	var files []string
	dashboards := map[string]int{}
	for _, f := range m.Files {
		if f.Kind == model.KindDashboard {
			dir := filepath.Dir(f.Path)
			if dashboards[dir]++; dashboards[dir] > 3 {
				continue
			}
		}
		files = append(files, f.Path)
	}
	checkExplicit(t, dst, files)
	one, err := Load(context.Background(), Options{Paths: []string{files[0]}, WorkDir: dst})
	if err != nil {
		t.Fatal(err)
	}
	if len(one.Stacks) != 1 || len(m.Stacks) != 3 {
		t.Errorf("%s named alone: %d stacks of the repository's %d kept, want 1 of 3", files[0], len(one.Stacks), len(m.Stacks))
	}
	parsed := 0
	for _, st := range one.Stacks {
		for _, d := range st.AllDashboards() {
			if d.SchemaVersion > 0 {
				parsed++
			}
		}
	}
	if parsed == 0 {
		t.Errorf("%s named alone: the dashboards of its stack were not parsed", files[0])
	}
}

// TestExplicitFilesCorpus names each file of the real and Kubernetes
// corpora alone.
func TestExplicitFilesCorpus(t *testing.T) {
	for _, sub := range []string{"real", "k8s"} {
		t.Run(sub, func(t *testing.T) {
			dir, err := filepath.Abs(corpustest.Dir(t, sub))
			if err != nil {
				t.Fatal(err)
			}
			m, err := Load(context.Background(), Options{WorkDir: dir})
			if err != nil {
				t.Fatal(err)
			}
			var files []string
			for _, f := range m.Files {
				if !strings.Contains(f.Path, "#") {
					files = append(files, f.Path)
				}
			}
			checkExplicit(t, dir, files)
		})
	}
}
