package provisioning

import (
	"fmt"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/grafanalint/grafanalint/parsers/model"
	"github.com/grafanalint/grafanalint/parsers/provisioning"
	"github.com/grafanalint/grafanalint/rules"
)

// stack builds a stack from datasource and provider files read by the real
// parser ("ds*" names are datasource files, others provider files).
func stack(t *testing.T, files map[string]string) *model.Stack {
	t.Helper()
	st := &model.Stack{Name: "test", Settings: &model.Settings{}}
	for _, name := range sortedNames(files) {
		if strings.HasPrefix(name, "ds") {
			f, probs := provisioning.ParseDatasources(name, []byte(files[name]))
			if len(probs) > 0 {
				t.Fatalf("%s: %v", name, probs)
			}
			st.DatasourceFiles = append(st.DatasourceFiles, f)
			st.HasDatasources = true
		} else {
			f, probs := provisioning.ParseProviders(name, []byte(files[name]))
			if len(probs) > 0 {
				t.Fatalf("%s: %v", name, probs)
			}
			st.ProviderFiles = append(st.ProviderFiles, f)
			st.HasProviders = true
		}
	}
	return st
}

func sortedNames(m map[string]string) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	for i := range out {
		for j := i + 1; j < len(out); j++ {
			if out[j] < out[i] {
				out[i], out[j] = out[j], out[i]
			}
		}
	}
	return out
}

func run(r *rules.Rule, st *model.Stack) []string {
	var out []rules.Finding
	r.Check(rules.NewContext(&model.Model{Stacks: []*model.Stack{st}}, st, rules.CurrentGrafana, r, &out))
	got := []string{}
	for _, f := range rules.Sort(out) {
		got = append(got, fmt.Sprintf("%s %s", f.Pos, f.Message))
	}
	return got
}

func expect(t *testing.T, got []string, want ...string) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("got %d findings, want %d:\n%s", len(got), len(want), strings.Join(got, "\n"))
	}
	for i := range want {
		pos, msg, _ := strings.Cut(want[i], " ")
		if !strings.HasPrefix(got[i], pos+" ") || !strings.Contains(got[i], msg) {
			t.Errorf("finding %d = %q, want at %s containing %q", i, got[i], pos, msg)
		}
	}
}

func TestMissingField(t *testing.T) {
	st := stack(t, map[string]string{
		"ds.yaml": "apiVersion: 1\ndatasources:\n  - type: loki\n  - name: A\n  - name: B\n    type: \"\"\n  - name: $NAME\n    type: x\n",
		"dash.yaml": "apiVersion: 1\nproviders:\n  - name: a\n    options: {}\n  - name: b\n    options:\n      path: 5\n" +
			"  - name: c\n    options:\n      path: \"\"\n  - name: d\n    options:\n      path: ${DASHBOARDS}\n",
		"legacy.yaml": "- name: e\n  options:\n    folder: /var/lib/grafana/dashboards\n",
	})
	expect(t, run(MissingField, st),
		`dash.yaml:3:5 dashboard provider "a" has no "options.path"`,
		`dash.yaml:10:14 dashboard provider "c" has an empty "options.path"`,
		`ds.yaml:3:5 datasource of type "loki" has no "name"`,
		`ds.yaml:4:5 datasource "A" has no "type"`,
		`ds.yaml:6:12 datasource "B" has an empty "type"`,
	)
}

func TestInvalidAccess(t *testing.T) {
	st := stack(t, map[string]string{"ds.yaml": "apiVersion: 1\ndatasources:\n" +
		"  - {name: a, type: t, access: proxy}\n  - {name: b, type: t, access: direct}\n  - {name: c, type: t, access: \"\"}\n" +
		"  - {name: d, type: t, access: DIRECT}\n  - {name: e, type: t, access: \"proxy \"}\n  - {name: f, type: t, access: $ACCESS}\n"})
	expect(t, run(InvalidAccess, st),
		`ds.yaml:6:32 write "direct" (the value is case-sensitive)`,
		`ds.yaml:7:33 has access "proxy "`,
	)
}

func TestLegacyFormat(t *testing.T) {
	st := stack(t, map[string]string{
		"ds-0.yaml":  "apiVersion: 0\ndatasources: []\n",
		"ds-1.yaml":  "apiVersion: 1\n",
		"ds-e.yaml":  "# nothing here\n",
		"ds-s.yaml":  "apiVersion: \"1\"\ndatasources: []\n",
		"ds-v0.yaml": "datasources:\n  - name: a\n    type: t\n",
		"p.yaml":     "- name: p\n  options:\n    folder: /x\n",
	})
	expect(t, run(LegacyFormat, st),
		`ds-0.yaml:1:13 apiVersion 0 is read in the deprecated legacy datasource provisioning format`,
		`ds-v0.yaml:1:1 a file without apiVersion is read`,
		`p.yaml:1:1 legacy dashboard provisioning format`,
	)
}

func TestNotLoaded(t *testing.T) {
	st := &model.Stack{UnloadedFiles: []model.UnloadedFile{
		{Path: "grafana/custom.ini", Kind: model.KindIni, Reason: `mounted at "/etc/grafana/custom.ini", but Grafana reads its configuration from "/etc/grafana/grafana.ini"`},
		{Path: "p/datasources/old/x.yaml", Kind: model.KindDatasources, Reason: `in subdirectory "old" of p/datasources/`},
	}}
	got := run(NotLoaded, st)
	want := []string{
		`grafana/custom.ini:1:1 Grafana does not read this grafana.ini file: it is mounted at "/etc/grafana/custom.ini", but Grafana reads its configuration from "/etc/grafana/grafana.ini"`,
		`p/datasources/old/x.yaml:1:1 Grafana does not read this datasource provisioning file: it is in subdirectory "old" of p/datasources/`,
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}
