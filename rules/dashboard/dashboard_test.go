package dashboard

import (
	"fmt"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	dashparser "github.com/grafanalint/grafanalint/parsers/dashboard"
	"github.com/grafanalint/grafanalint/parsers/model"
	"github.com/grafanalint/grafanalint/parsers/provisioning"
	"github.com/grafanalint/grafanalint/rules"
)

type file struct{ path, src string }

// build assembles a stack: dashboards named "loose/…" are loose, "org2/…"
// are loaded by a provider of org 2, the others by one of org 1.
func build(t *testing.T, ds string, dashes ...file) (*model.Model, *model.Stack) {
	t.Helper()
	st := &model.Stack{Name: "test", LoadedBy: map[*model.Dashboard]*model.Provider{}, HasProviders: true}
	m := &model.Model{Stacks: []*model.Stack{st}}
	if ds != "" {
		df, _ := provisioning.ParseDatasources("ds.yaml", []byte(ds))
		st.DatasourceFiles = []*model.DatasourceFile{df}
		st.HasDatasources = true
	}
	p1 := &model.Provider{Name: model.Str{V: "main"}, OrgID: 1}
	p2 := &model.Provider{Name: model.Str{V: "team"}, OrgID: 2}
	for _, f := range dashes {
		d, probs := dashparser.Parse(f.path, []byte(f.src))
		if len(probs) > 0 {
			t.Fatalf("%s: %v", f.path, probs)
		}
		switch {
		case strings.HasPrefix(f.path, "loose/"):
			st.LooseDashboards = append(st.LooseDashboards, d)
		case strings.HasPrefix(f.path, "org2/"):
			st.Dashboards = append(st.Dashboards, d)
			st.LoadedBy[d] = p2
		default:
			st.Dashboards = append(st.Dashboards, d)
			st.LoadedBy[d] = p1
		}
	}
	return m, st
}

func run(m *model.Model, st *model.Stack, r *rules.Rule) []string {
	var fs []rules.Finding
	r.Check(rules.NewContext(m, st, rules.CurrentGrafana, r, &fs))
	var out []string
	for _, f := range fs {
		out = append(out, fmt.Sprintf("%s:%d:%d %s", f.Pos.File, f.Pos.Line, f.Pos.Col, f.Message))
	}
	return out
}

func TestUIDProblem(t *testing.T) {
	tests := []struct{ in, why, err string }{
		{"service-overview_1", "", ""},
		{"", "", ""},
		{strings.Repeat("x", 40), "", ""},
		{strings.Repeat("x", 41), "is 41 bytes long", "uid too long, max 40 characters"},
		{"a/b", `contains '/'`, "uid contains illegal characters"},
		{"a b", "contains a space", "uid contains illegal characters"},
		{"a.b", `contains '.'`, "uid contains illegal characters"},
	}
	for _, tc := range tests {
		why, err := uidProblem(tc.in)
		if why != tc.why || err != tc.err {
			t.Errorf("uidProblem(%q) = %q, %q; want %q, %q", tc.in, why, err, tc.why, tc.err)
		}
	}
}

const export = `{
  "__inputs": [{"name": "DS_PROM", "type": "datasource", "pluginId": "prometheus"}],
  "uid": "svc",
  "panels": [{"type": "timeseries", "datasource": {"uid": "${DS_PROM}"}, "targets": [{"expr": "up{env=\"${VAR_ENV}\"}"}]}]
}`

func TestUnresolvedInput(t *testing.T) {
	twoProm := "apiVersion: 1\ndatasources:\n  - name: Prom\n    type: prometheus\n    uid: prom\n  - name: Other\n    type: prometheus\n    uid: other\n    isDefault: true\n"
	tests := []struct {
		name  string
		ds    string
		files []file
		want  []string
	}{
		{"provisioned export", "apiVersion: 1\ndatasources:\n  - name: Prometheus\n    type: prometheus\n    uid: prometheus\n", []file{{"d.json", export}}, []string{
			`d.json:4:60 export placeholder "${DS_PROM}" is kept literally in this provisioned dashboard (only the import UI replaces __inputs): the panel shows "Datasource ${DS_PROM} was not found"; replace it with "prometheus", the UID of datasource "Prometheus", or add a datasource variable named "DS_PROM"`,
			`d.json:4:105 export placeholder "${VAR_ENV}" is kept literally in this provisioned dashboard (only the import UI replaces __inputs), so queries receive the text "${VAR_ENV}"; write the value itself or add a constant variable named "VAR_ENV"`,
		}},
		{"several of the type: the one named like the input", twoProm, []file{{"d.json", export}}, []string{
			`d.json:4:60 export placeholder "${DS_PROM}" is kept literally in this provisioned dashboard (only the import UI replaces __inputs): the panel shows "Datasource ${DS_PROM} was not found"; replace it with "prom", the UID of datasource "Prom", or add a datasource variable named "DS_PROM"`,
			`d.json:4:105 export placeholder "${VAR_ENV}" is kept literally in this provisioned dashboard (only the import UI replaces __inputs), so queries receive the text "${VAR_ENV}"; write the value itself or add a constant variable named "VAR_ENV"`,
		}},
		{"no datasource provisioning", "", []file{{"d.json", strings.Replace(export, `${VAR_ENV}`, `prod`, 1)}}, []string{
			`d.json:4:60 export placeholder "${DS_PROM}" is kept literally in this provisioned dashboard (only the import UI replaces __inputs): the panel shows "Datasource ${DS_PROM} was not found"; replace it with the UID of the provisioned datasource or add a datasource variable named "DS_PROM"`,
		}},
		{"variables defined", "", []file{{"d.json", strings.Replace(export, `"panels"`, `"templating": {"list": [{"name": "DS_PROM", "type": "datasource", "query": "prometheus"}, {"name": "VAR_ENV", "type": "constant"}]}, "panels"`, 1)}}, nil},
		{"loose copy", "", []file{{"loose/d.json", export}}, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			m, st := build(t, tc.ds, tc.files...)
			if diff := cmp.Diff(tc.want, run(m, st, UnresolvedInput)); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}

func dash(uid string) string { return `{"uid": "` + uid + `", "title": "T ` + uid + `", "panels": []}` }

func TestDuplicateUID(t *testing.T) {
	tests := []struct {
		name  string
		files []file
		want  int
	}{
		{"two files", []file{{"a.json", dash("x")}, {"b.json", dash("x")}}, 1},
		{"three files", []file{{"a.json", dash("x")}, {"b.json", dash("x")}, {"c.json", dash("x")}}, 2},
		{"spaces are trimmed", []file{{"a.json", dash("x")}, {"b.json", dash(" x ")}}, 1},
		{"other org", []file{{"a.json", dash("x")}, {"org2/b.json", dash("x")}}, 0},
		{"loose copy", []file{{"a.json", dash("x")}, {"loose/b.json", dash("x")}}, 0},
		{"no uid", []file{{"a.json", dash("")}, {"b.json", dash("")}}, 0},
		{"case differs", []file{{"a.json", dash("x")}, {"b.json", dash("X")}}, 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			m, st := build(t, "", tc.files...)
			got := run(m, st, DuplicateUID)
			if len(got) != tc.want {
				t.Errorf("got %d findings, want %d: %v", len(got), tc.want, got)
			}
			for _, g := range got {
				if !strings.Contains(g, "is also the UID of a.json") {
					t.Errorf("finding should point back at the first file: %s", g)
				}
			}
		})
	}
}

func TestInvalidUID(t *testing.T) {
	m, st := build(t, "", file{"a.json", dash("a/b")}, file{"loose/b.json", dash("c d")}, file{"c.json", dash("  ok  ")}, file{"d.json", `{"panels": []}`})
	want := []string{
		`a.json:1:10 dashboard UID "a/b" contains '/': Grafana refuses to save it ("uid contains illegal characters"), so the provider skips the file; use only letters, digits, "-" and "_", at most 40 bytes`,
		`loose/b.json:1:10 dashboard UID "c d" contains a space: Grafana refuses to save it ("uid contains illegal characters"), so importing the dashboard fails; use only letters, digits, "-" and "_", at most 40 bytes`,
	}
	if diff := cmp.Diff(want, run(m, st, InvalidUID)); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}
