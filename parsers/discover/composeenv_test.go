package discover

import (
	"context"
	"fmt"
	"path/filepath"
	"sort"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/grafanalint/grafanalint/parsers/model"
)

// TestComposeAsComposeRunsIt loads a compose project whose values come
// from its .env and env_file entries, from the repository root, from the
// compose directory, from below it and from a parent directory: the
// settings Grafana gets, the version, the places that provide nothing and
// where each is written must be the same.
func TestComposeAsComposeRunsIt(t *testing.T) {
	root, err := filepath.Abs(filepath.Join("testdata", "composeenv"))
	if err != nil {
		t.Fatal(err)
	}
	view := func(workDir, arg string) []string {
		m, err := Load(context.Background(), Options{Paths: []string{arg}, WorkDir: workDir})
		if err != nil {
			t.Fatal(err)
		}
		rel := func(p string) string {
			r, err := filepath.Rel(root, filepath.Join(workDir, filepath.FromSlash(p)))
			if err != nil {
				t.Fatal(err)
			}
			return filepath.ToSlash(r)
		}
		at := func(p model.Pos) string { return fmt.Sprintf("%s:%d:%d", rel(p.File), p.Line, p.Col) }
		var out []string
		for _, st := range m.Stacks {
			if st.GrafanaVersion != nil {
				out = append(out, fmt.Sprintf("version %q from %q at %s", st.GrafanaVersion.Version, st.GrafanaVersion.From, at(st.GrafanaVersion.Pos)))
			}
			for _, key := range [][2]string{{"server", "root_url"}, {"server", "domain"}, {"live", "max_connections"}, {"security", "admin_user"}, {"log", "level"}, {"paths", "data"}} {
				s := st.Settings.Get(key[0], key[1])
				if s == nil {
					continue
				}
				src := string(s.Source.Kind)
				if s.Source.Pos.IsValid() {
					src += " " + at(s.Source.Pos)
				}
				out = append(out, fmt.Sprintf("%s.%s=%s dynamic=%v (%s)", key[0], key[1], s.Value, s.Dynamic, src))
			}
			for _, mp := range st.MissingPaths {
				where := mp.Container
				if mp.Host != "" {
					where = rel(mp.Host)
				}
				out = append(out, fmt.Sprintf("missing %s %s at %s", mp.Kind, where, at(mp.Pos)))
			}
			for _, d := range st.Dashboards {
				out = append(out, "dashboard "+rel(d.File))
			}
			for _, f := range st.EnvFiles {
				out = append(out, "env file "+rel(f))
			}
		}
		for _, f := range m.Files {
			for _, p := range f.Problems {
				out = append(out, "problem "+at(p.Pos)+" "+p.Message)
			}
		}
		sort.Strings(out)
		return out
	}
	want := []string{
		`dashboard deploy/dashboards/a.json`,
		`env file deploy/grafana/grafana.env`,
		`live.max_connections=0 dynamic=false (env deploy/grafana/grafana.env:1:25)`,
		`log.level=${LOG_LEVEL} dynamic=true (env deploy/grafana/grafana.env:3:14)`,
		`missing env-file deploy/secrets.env at deploy/docker-compose.yml:8:9`,
		`missing provider-path /var/lib/grafana/extra at deploy/grafana/provisioning/dashboards/p.yaml:8:13`,
		`paths.data=${HOME}/data dynamic=true (env deploy/docker-compose.yml:15:23)`,
		`security.admin_user=ops dynamic=false (env deploy/docker-compose.yml:14:9)`,
		`server.domain=example.com dynamic=false (env deploy/grafana/grafana.env:2:19)`,
		`server.root_url=http://example.com/grafana/ dynamic=false (env deploy/docker-compose.yml:13:28)`,
		`version "11.2.0" from "image grafana/grafana:11.2.0" at deploy/docker-compose.yml:3:12`,
	}
	got := view(root, ".")
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("from the root (-want +got):\n%s", diff)
	}
	for _, tc := range []struct{ dir, arg string }{
		{"deploy", "."},
		{"deploy/grafana", ".."},
		{"deploy/grafana/provisioning", "../.."},
		{"..", "composeenv"},
	} {
		if diff := cmp.Diff(want, view(filepath.Join(root, filepath.FromSlash(tc.dir)), tc.arg)); diff != "" {
			t.Errorf("from %s with %q (-want +got):\n%s", tc.dir, tc.arg, diff)
		}
	}
}
