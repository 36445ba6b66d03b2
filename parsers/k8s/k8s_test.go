package k8s_test

import (
	"context"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/grafanalint/grafanalint/parsers/discover"
	"github.com/grafanalint/grafanalint/parsers/model"
)

var update = flag.Bool("update", false, "rewrite testdata/*.golden")

// summary prints what each Kubernetes stack of a tree reads, with
// positions, in a stable text form.
func summary(m *model.Model) string {
	var b strings.Builder
	for _, f := range m.Files {
		for _, p := range f.Problems {
			fmt.Fprintf(&b, "problem %s %s: %s\n", p.Pos, p.Kind, p.Message)
		}
		for _, ig := range f.Ignores {
			fmt.Fprintf(&b, "ignore %s %v lines %v\n", ig.Pos, ig.Rules, ig.Lines)
		}
	}
	for _, s := range m.Stacks {
		fmt.Fprintf(&b, "stack %q origin=%s\n", s.Name, s.Origin)
		k := s.Kubernetes
		if k == nil {
			continue
		}
		fmt.Fprintf(&b, "  source %s chart=%s ns=%s image=%q version=%q\n", k.Origin, k.Chart, k.Namespace, k.Image.V, k.Version.V)
		fmt.Fprintf(&b, "  files %s\n", strings.Join(s.Files, " "))
		if s.Settings != nil && s.Settings.File != nil {
			fmt.Fprintf(&b, "  ini %s\n", s.Settings.File.Path)
			for _, sec := range s.Settings.File.Sections {
				for _, key := range sec.Keys {
					fmt.Fprintf(&b, "    [%s] %s @%s = %q @%s\n", sec.Name.V, key.Name.V, key.Name.Pos, key.Value.V, key.Value.Pos)
				}
			}
		}
		for _, e := range s.Settings.Env {
			fmt.Fprintf(&b, "  env %s @%s = %q @%s\n", e.Name, e.Pos, e.Value, e.ValuePos)
		}
		for _, sec := range []string{"server"} {
			for _, key := range []string{"root_url", "domain"} {
				if st := s.Settings.Get(sec, key); st != nil {
					fmt.Fprintf(&b, "  effective %s.%s = %q (%s, dynamic=%v)\n", sec, key, st.Value, st.Source.Kind, st.Dynamic)
				}
			}
		}
		fmt.Fprintf(&b, "  parts ini=%v datasources=%v providers=%v nginx=%v\n", s.HasIni, s.HasDatasources, s.HasProviders, s.HasNginx)
		for _, f := range s.DatasourceFiles {
			fmt.Fprintf(&b, "  datasources %s managed=%q\n", f.Path, f.ManagedBy)
			for _, d := range f.Datasources {
				fmt.Fprintf(&b, "    %q @%s uid=%q dynamic=%v derived=%v default=%v\n", d.Name.V, d.Name.Pos, d.UID.V, d.UIDDynamic, d.UIDDerived, d.IsDefault)
			}
		}
		for _, f := range s.ProviderFiles {
			for _, p := range f.Providers {
				fmt.Fprintf(&b, "  provider %s %q path=%q @%s\n", f.Path, p.Name.V, p.Path.V, p.Path.Pos)
			}
		}
		for _, d := range s.Dashboards {
			fmt.Fprintf(&b, "  dashboard %s uid=%q @%s placeholders=%d\n", d.File, d.UID.V, d.UID.Pos, len(d.Placeholders))
		}
		for _, d := range s.LooseDashboards {
			fmt.Fprintf(&b, "  loose %s uid=%q\n", d.File, d.UID.V)
		}
		for _, u := range s.UnloadedFiles {
			fmt.Fprintf(&b, "  unloaded %s @%s: %s\n", u.Path, u.Pos, u.Reason)
		}
		for _, n := range s.Nginx {
			for _, srv := range n.Servers {
				var names []string
				for _, sn := range srv.ServerNames {
					names = append(names, sn.V)
				}
				for _, l := range srv.Locations {
					fmt.Fprintf(&b, "  nginx %s server %v location %s%q @%s\n", n.Path, names, l.Modifier, l.Path.V, l.Path.Pos)
				}
			}
		}
		for _, sc := range k.Sidecars {
			fmt.Fprintf(&b, "  sidecar %s %s=%q folder=%s objects=%v\n", sc.Kind, sc.Label, sc.LabelValue, sc.Folder, sc.Objects)
		}
		for _, in := range k.Ingresses {
			fmt.Fprintf(&b, "  ingress %s controller=%q hosts=%v tls=%v analysed=%v skipped=%q\n", in.Name, in.Controller, in.Hosts, in.TLS, in.Analysed, in.Skipped)
		}
		for _, d := range k.Downloads {
			fmt.Fprintf(&b, "  download %s/%s %q loaded=%v\n", d.Provider, d.Name, d.Source.V, d.Loaded)
		}
		for _, o := range k.Operator {
			fmt.Fprintf(&b, "  operator %s\n", o)
		}
		for _, n := range k.Notes {
			fmt.Fprintf(&b, "  note %s @%s: %s\n", n.Kind, n.Pos, n.Message)
		}
		for _, sk := range k.Skipped {
			fmt.Fprintf(&b, "  skipped %s\n", sk)
		}
		var parts []string
		for p, n := range s.PartNotes {
			parts = append(parts, p+": "+n)
		}
		sort.Strings(parts)
		for _, p := range parts {
			fmt.Fprintf(&b, "  part-note %s\n", p)
		}
	}
	return b.String()
}

// TestTrees loads each tree under testdata and compares what its
// Kubernetes stacks read with testdata/<tree>.golden.
func TestTrees(t *testing.T) {
	dirs, _ := filepath.Glob("testdata/*")
	for _, d := range dirs {
		if fi, err := os.Stat(d); err != nil || !fi.IsDir() {
			continue
		}
		t.Run(filepath.Base(d), func(t *testing.T) {
			m, err := discover.Load(context.Background(), discover.Options{Paths: []string{"."}, WorkDir: d})
			if err != nil {
				t.Fatal(err)
			}
			got := summary(m)
			golden := d + ".golden"
			if *update {
				if err := os.WriteFile(golden, []byte(got), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, _ := os.ReadFile(golden)
			if diff := cmp.Diff(string(want), got); diff != "" {
				t.Errorf("%s (-want +got), run with -update:\n%s", golden, diff)
			}
		})
	}
}
