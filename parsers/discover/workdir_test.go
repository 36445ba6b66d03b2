package discover

import (
	"context"
	"path/filepath"
	"sort"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/grafanalint/grafanalint/parsers/model"
)

// TestSameStacksFromAnyWorkingDirectory loads one tree from its root and
// from folders inside it (with the root given as "..", "../.."): display
// paths differ, but which files each stack reads must not.
func TestSameStacksFromAnyWorkingDirectory(t *testing.T) {
	root, err := filepath.Abs(filepath.Join("testdata", "compose"))
	if err != nil {
		t.Fatal(err)
	}
	view := func(workDir, arg string) []string {
		m, err := Load(context.Background(), Options{Paths: []string{arg}, WorkDir: workDir})
		if err != nil {
			t.Fatal(err)
		}
		abs := func(p string) string {
			r, err := filepath.Rel(root, filepath.Join(workDir, filepath.FromSlash(p)))
			if err != nil {
				t.Fatal(err)
			}
			return filepath.ToSlash(r)
		}
		var out []string
		add := func(st *model.Stack, what, p string) {
			out = append(out, string(st.Origin)+" "+abs(st.Root)+": "+what+" "+abs(p))
		}
		for _, st := range m.Stacks {
			if st.Settings != nil && st.Settings.File != nil {
				add(st, "ini", st.Settings.File.Path)
			}
			for _, f := range st.DatasourceFiles {
				add(st, "datasources", f.Path)
			}
			for _, d := range st.Dashboards {
				add(st, "dashboard", d.File)
			}
			for _, d := range st.LooseDashboards {
				add(st, "loose", d.File)
			}
			for _, n := range st.Nginx {
				add(st, "nginx", n.Path)
			}
			for _, u := range st.UnloadedFiles {
				add(st, "unloaded", u.Path)
			}
		}
		sort.Strings(out)
		return out
	}
	want := view(root, ".")
	if len(want) == 0 {
		t.Fatal("the fixture loads no stack")
	}
	for _, tc := range []struct{ dir, arg string }{
		{"grafana", ".."},
		{"nginx/conf.d", "../.."},
		{"dashboards/team", "../.."},
	} {
		if diff := cmp.Diff(want, view(filepath.Join(root, filepath.FromSlash(tc.dir)), tc.arg)); diff != "" {
			t.Errorf("from %s with %q the stacks differ (-from the root +from there):\n%s", tc.dir, tc.arg, diff)
		}
	}
}
