package datasource

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

// build assembles a stack from datasource files (in Grafana's order) and
// dashboards read by the real parsers. Dashboards named "org2/…" are loaded
// by a provider of org 2, "loose/…" are loose.
func build(t *testing.T, dsFiles []file, dashes []file, withProvider bool) (*model.Model, *model.Stack) {
	t.Helper()
	st := &model.Stack{Name: "test", LoadedBy: map[*model.Dashboard]*model.Provider{}, HasProviders: withProvider}
	m := &model.Model{Stacks: []*model.Stack{st}}
	for _, f := range dsFiles {
		df, probs := provisioning.ParseDatasources(f.path, []byte(f.src))
		st.DatasourceFiles = append(st.DatasourceFiles, df)
		m.Files = append(m.Files, &model.File{Path: f.path, Kind: model.KindDatasources, Reported: true, Problems: probs})
	}
	st.HasDatasources = len(dsFiles) > 0
	p1 := &model.Provider{Name: model.Str{V: "main"}, OrgID: 1}
	p2 := &model.Provider{Name: model.Str{V: "team"}, OrgID: 2}
	for _, f := range dashes {
		d, probs := dashparser.Parse(f.path, []byte(f.src))
		if len(probs) > 0 {
			t.Fatalf("%s: %v", f.path, probs)
		}
		m.Files = append(m.Files, &model.File{Path: f.path, Kind: model.KindDashboard, Reported: true})
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

// run runs one rule over the stack as the engine would.
func run(m *model.Model, st *model.Stack, r *rules.Rule, v rules.Version) []rules.Finding {
	var out []rules.Finding
	if v == (rules.Version{}) {
		v = rules.CurrentGrafana
	}
	r.Check(rules.NewContext(m, st, v, r, &out))
	return out
}

const stdDS = `apiVersion: 1
datasources:
  - name: Prometheus
    type: prometheus
    uid: prometheus
    url: http://prometheus:9090
  - name: Loki
    type: loki
    url: http://loki:3100
  - name: Team
    type: prometheus
    uid: team
    orgId: 2
  - name: Postgres
    type: postgres
    uid: pg
`

// panelDash is a dashboard with one panel whose datasource is ref (raw
// JSON) and the given templating variables.
func panelDash(ref string, vars ...string) string {
	return `{"uid": "d", "schemaVersion": 39, "panels": [{"id": 1, "type": "timeseries", "datasource": ` + ref +
		`}], "templating": {"list": [` + strings.Join(vars, ",") + `]}, "__inputs": [{"name": "DS_IN", "type": "datasource", "pluginId": "prometheus"}]}`
}

func TestResolveKinds(t *testing.T) {
	dsVar := `{"name": "ds", "type": "datasource", "query": "prometheus"}`
	tests := []struct {
		name, ref, path string
		want            refKind
		wantDS          string
	}{
		{"null", `null`, "", kindSkip, ""},
		{"empty object", `{}`, "", kindSkip, ""},
		{"type only", `{"type": "prometheus"}`, "", kindSkip, ""},
		{"default uid", `{"type": "prometheus", "uid": "default"}`, "", kindSkip, ""},
		{"grafana", `{"type": "datasource", "uid": "grafana"}`, "", kindSkip, ""},
		{"mixed", `{"type": "datasource", "uid": "-- Mixed --"}`, "", kindSkip, ""},
		{"dashboard", `{"type": "datasource", "uid": "-- Dashboard --"}`, "", kindSkip, ""},
		{"expression uid", `{"uid": "__expr__"}`, "", kindSkip, ""},
		{"expression type", `{"type": "__expr__", "uid": "x"}`, "", kindSkip, ""},
		{"legacy expression", `"-100"`, "", kindSkip, ""},
		{"legacy grafana", `"-- Grafana --"`, "", kindSkip, ""},
		{"legacy default", `"default"`, "", kindSkip, ""},
		{"defined variable", `"$ds"`, "", kindSkip, ""},
		{"defined variable braces", `{"uid": "${ds}"}`, "", kindSkip, ""},
		{"defined variable brackets", `"[[ds]]"`, "", kindSkip, ""},
		{"defined variable format", `{"uid": "${ds:raw}"}`, "", kindSkip, ""},
		{"export placeholder", `{"uid": "${DS_PROMETHEUS}"}`, "", kindSkip, ""},
		{"input name", `{"uid": "${DS_IN}"}`, "", kindSkip, ""},
		{"undefined variable", `{"uid": "$datasource"}`, "", kindUndefinedVar, ""},
		{"undefined legacy variable", `"${datasource}"`, "", kindUndefinedVar, ""},
		{"by uid", `{"type": "prometheus", "uid": "prometheus"}`, "", kindResolved, "Prometheus"},
		{"name as uid", `{"type": "prometheus", "uid": "Prometheus"}`, "", kindByName, "Prometheus"},
		{"legacy by name", `"Prometheus"`, "", kindResolved, "Prometheus"},
		{"legacy by uid", `"prometheus"`, "", kindResolved, "Prometheus"},
		{"derived uid", `{"type": "loki", "uid": "P8E80F9AEF21F6940"}`, "", kindResolved, "Loki"},
		{"unknown", `{"type": "prometheus", "uid": "DxTyMDjnk"}`, "", kindUnknown, ""},
		{"uid case differs", `{"type": "prometheus", "uid": "PROMETHEUS"}`, "", kindUnknown, ""},
		{"legacy unknown", `"Graphite"`, "", kindUnknown, ""},
		{"other org", `{"type": "prometheus", "uid": "prometheus"}`, "org2/d.json", kindUnknown, ""},
		{"own org", `{"type": "prometheus", "uid": "team"}`, "org2/d.json", kindResolved, "Team"},
		{"org 2 not seen from org 1", `{"type": "prometheus", "uid": "team"}`, "", kindUnknown, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			p := tc.path
			if p == "" {
				p = "d.json"
			}
			_, st := build(t, []file{{"ds.yaml", stdDS}}, []file{{p, panelDash(tc.ref, dsVar)}}, true)
			uses := newResolver(st).uses()
			if len(uses) != 1 {
				t.Fatalf("got %d uses, want 1", len(uses))
			}
			u := uses[0]
			got := ""
			if u.ds != nil {
				got = u.ds.Name.V
			}
			if u.kind != tc.want || got != tc.wantDS {
				t.Errorf("kind %d, datasource %q; want %d, %q", u.kind, got, tc.want, tc.wantDS)
			}
		})
	}
}

func TestReplay(t *testing.T) {
	a := file{"a.yaml", `apiVersion: 1
datasources:
  - name: Influx
    type: influxdb
    uid: influx
  - name: Prometheus
    type: prometheus
    uid: prom-a
`}
	b := file{"b.yaml", `apiVersion: 1
deleteDatasources:
  - name: Influx
  - name: Loki
datasources:
  - name: Prometheus
    type: prometheus
    uid: prom-b
  - name: Loki
    type: loki
    uid: loki
  - name: Dyn
    type: loki
    uid: ${DYN_UID}
  - name: Elsewhere
    type: loki
    uid: elsewhere
    orgName: Team
`}
	_, st := build(t, []file{a, b}, nil, false)
	ix := newIndex(st)
	v := ix.org(1)
	var names []string
	for _, ds := range v.all {
		names = append(names, ds.Name.V+"="+ds.UID.V)
	}
	// Influx is deleted, Prometheus redefined (prom-b wins), Loki deleted
	// then provisioned again by the same file; the orgName entry may be in
	// any org.
	if diff := cmp.Diff([]string{"Prometheus=prom-b", "Loki=loki", "Dyn=${DYN_UID}", "Elsewhere=elsewhere"}, names); diff != "" {
		t.Errorf("effective datasources (-want +got):\n%s", diff)
	}
	if !v.dynamicUID {
		t.Error("org 1 has an interpolated UID")
	}
	if ds, _ := ix.org(2).lookup("elsewhere"); ds == nil {
		t.Error("an entry of unknown org resolves in org 2")
	}
	var dels []string
	for _, d := range ix.deletions {
		dels = append(dels, fmt.Sprintf("%s recreated=%v removed=%d", d.del.Name.V, d.recreated, len(d.removed)))
	}
	if diff := cmp.Diff([]string{"Influx recreated=false removed=1", "Loki recreated=true removed=0"}, dels); diff != "" {
		t.Errorf("deletions (-want +got):\n%s", diff)
	}
	if sh := ix.shadowOf(1, "prom-a"); sh == nil || sh.by == nil || sh.by.UID.V != "prom-b" {
		t.Errorf("prom-a should be shadowed by prom-b, got %+v", sh)
	}
	if sh := ix.shadowOf(1, "influx"); sh == nil || sh.del == nil {
		t.Errorf("influx should be shadowed by a deletion, got %+v", sh)
	}
	if sh := ix.shadowOf(1, "prom-b"); sh != nil {
		t.Errorf("prom-b is effective, got shadow %+v", sh)
	}
}

func TestVariablesIn(t *testing.T) {
	tests := []struct {
		in   string
		want []string
		any  bool
	}{
		{"prometheus", nil, false},
		{"$ds", []string{"ds"}, true},
		{"${ds}", []string{"ds"}, true},
		{"${ds:raw}", []string{"ds"}, true},
		{"${ds.uid}", []string{"ds"}, true},
		{"[[ds]]", []string{"ds"}, true},
		{"[[ds:text]]", []string{"ds"}, true},
		{"prom-$env", []string{"env"}, true},
		{"${DS_MY PROMETHEUS}", []string{"DS_MY PROMETHEUS"}, true},
		{"a$", nil, true},
	}
	for _, tc := range tests {
		got, any := variablesIn(tc.in)
		if diff := cmp.Diff(tc.want, got); diff != "" || any != tc.any {
			t.Errorf("variablesIn(%q) = %v, %v; want %v, %v", tc.in, got, any, tc.want, tc.any)
		}
	}
}

func TestUIDProblem(t *testing.T) {
	tests := map[string]string{
		"":                      "",
		"prometheus_main-01":    "",
		"PBFA97CFB590B2093":     "",
		strings.Repeat("a", 40): "",
		strings.Repeat("a", 41): "is 41 bytes long (the limit is 40)",
		"prometheus.main":       `contains '.'`,
		"my uid":                "contains a space",
		"grafana/x":             `contains '/'`,
		"ünïcode":               `contains 'ü'`,
	}
	for in, want := range tests {
		if got := uidProblem(in); got != want {
			t.Errorf("uidProblem(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestSameType(t *testing.T) {
	tests := []struct {
		a, b string
		want bool
	}{
		{"prometheus", "prometheus", true},
		{"postgres", "grafana-postgresql-datasource", true},
		{"grafana-pyroscope-datasource", "phlare", true},
		{"testdata", "grafana-testdata-datasource", true},
		{"mysql", "grafana-mysql-datasource", false},
		{"prometheus", "loki", false},
	}
	for _, tc := range tests {
		if got := sameType(tc.a, tc.b); got != tc.want {
			t.Errorf("sameType(%q, %q) = %v", tc.a, tc.b, got)
		}
	}
}

func TestDistance(t *testing.T) {
	tests := []struct {
		a, b string
		want int
	}{{"", "", 0}, {"abc", "", 3}, {"kitten", "sitting", 3}, {"prometheus", "prometeus", 1}, {"loki", "loki", 0}}
	for _, tc := range tests {
		if got := distance(tc.a, tc.b); got != tc.want {
			t.Errorf("distance(%q, %q) = %d, want %d", tc.a, tc.b, got, tc.want)
		}
	}
}

func TestSuggest(t *testing.T) {
	_, st := build(t, []file{{"ds.yaml", stdDS}}, nil, true)
	v := newIndex(st).org(1)
	tests := []struct {
		value, typ, want string
	}{
		{"PROMETHEUS", "", "UIDs are case-sensitive"},
		{"loki", "", "names are case-sensitive too"},
		{"prometeus", "", "did you mean datasource \"Prometheus\""},
		{"DxTyMDjnk", "prometheus", "the stack's only prometheus datasource"},
		{"DxTyMDjnk", "loki", "the stack's only loki datasource"},
		{"DxTyMDjnk", "grafana-postgresql-datasource", "the stack's only grafana-postgresql-datasource datasource is \"Postgres\""},
		{"DxTyMDjnk", "influxdb", ""},
		{"DxTyMDjnk", "", ""},
	}
	for _, tc := range tests {
		s := suggest(v, tc.value, tc.typ)
		got := ""
		if s != nil {
			got = s.hint
		}
		if tc.want == "" && got != "" || !strings.Contains(got, tc.want) {
			t.Errorf("suggest(%q, %q) = %q, want it to contain %q", tc.value, tc.typ, got, tc.want)
		}
	}
}

func TestRowsAreInfo(t *testing.T) {
	row := `{"uid": "d", "schemaVersion": 39, "panels": [{"id": 1, "type": "row", "datasource": {"type": "prometheus", "uid": "DxTyMDjnk"}, "panels": []},
	  {"id": 2, "type": "timeseries", "datasource": {"type": "prometheus", "uid": "DxTyMDjnk"}}]}`
	m, st := build(t, []file{{"ds.yaml", stdDS}}, []file{{"d.json", row}}, true)
	var got []string
	for _, f := range run(m, st, UnknownUID, rules.Version{}) {
		got = append(got, fmt.Sprintf("%d:%d %s", f.Pos.Line, f.Pos.Col, f.Severity))
	}
	if diff := cmp.Diff([]string{"1:116 info", "2:81 error"}, got); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}

func TestInvalidUIDSeverityByVersion(t *testing.T) {
	m, st := build(t, []file{{"ds.yaml", "apiVersion: 1\ndatasources:\n  - name: A\n    type: loki\n    uid: a.b\n"}}, nil, false)
	for _, tc := range []struct {
		v    rules.Version
		want rules.Severity
	}{{rules.Version{Major: 11, Minor: 6}, rules.Warning}, {rules.Version{Major: 12, Minor: 0}, rules.Error}, {rules.Version{Major: 12, Minor: 4}, rules.Error}} {
		fs := run(m, st, InvalidUID, tc.v)
		if len(fs) != 1 || fs[0].Severity != tc.want {
			t.Errorf("Grafana %s: got %v, want one finding of severity %s", tc.v, fs, tc.want)
		}
	}
}

func TestLooseDashboards(t *testing.T) {
	bad := panelDash(`{"type": "prometheus", "uid": "DxTyMDjnk"}`)
	export := panelDash(`{"type": "prometheus", "uid": "${DS_IN}"}`)
	for _, tc := range []struct {
		name     string
		provider bool
		want     int
	}{{"checked without providers", false, 1}, {"not judged with providers", true, 0}} {
		t.Run(tc.name, func(t *testing.T) {
			m, st := build(t, []file{{"ds.yaml", stdDS}}, []file{{"loose/a.json", bad}, {"loose/b.json", export}}, tc.provider)
			if got := run(m, st, UnknownUID, rules.Version{}); len(got) != tc.want {
				t.Errorf("got %d findings, want %d: %v", len(got), tc.want, got)
			}
		})
	}
}

func TestBrokenDatasourceFileSilencesReferences(t *testing.T) {
	m, st := build(t, []file{{"ds.yaml", stdDS}, {"z.yaml", "apiVersion: 1\ndatasources:\n  - name: [\n"}},
		[]file{{"d.json", panelDash(`{"type": "prometheus", "uid": "DxTyMDjnk"}`)}}, true)
	if len(m.Files[1].Problems) == 0 {
		t.Fatal("the broken file should have a syntax problem")
	}
	for _, r := range []*rules.Rule{UnknownUID, UnknownName, NameAsUID, TypeMismatch, DeletedInUse, DerivedUID} {
		if got := run(m, st, r, rules.Version{}); len(got) != 0 {
			t.Errorf("%s: got %v", r.ID, got)
		}
	}
}

func TestVariableValue(t *testing.T) {
	tests := []struct {
		name, variable string
		want           int
	}{
		{"type provisioned, stale value", `{"name": "ds", "type": "datasource", "query": "prometheus", "current": {"value": "gone"}}`, 0},
		{"alias type provisioned", `{"name": "ds", "type": "datasource", "query": "grafana-postgresql-datasource", "current": {"value": "gone"}}`, 0},
		{"type not provisioned", `{"name": "ds", "type": "datasource", "query": "influxdb", "current": {"value": "InfluxDB"}}`, 1},
		{"type not provisioned, option only", `{"name": "ds", "type": "datasource", "query": "influxdb", "options": [{"value": "InfluxDB"}]}`, 1},
		{"no value", `{"name": "ds", "type": "datasource", "query": "influxdb"}`, 0},
		{"default value", `{"name": "ds", "type": "datasource", "query": "influxdb", "current": {"value": "default"}}`, 0},
		{"query variable", `{"name": "q", "type": "query", "query": "influxdb", "current": {"value": "x"}}`, 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			m, st := build(t, []file{{"ds.yaml", stdDS}}, []file{{"d.json", panelDash(`null`, tc.variable)}}, true)
			if got := run(m, st, UnknownUID, rules.Version{}); len(got) != tc.want {
				t.Errorf("got %d findings, want %d: %v", len(got), tc.want, got)
			}
		})
	}
}

func TestRulesMetadata(t *testing.T) {
	seen := map[string]bool{}
	for _, r := range Rules() {
		if !strings.HasPrefix(r.ID, "datasource/") || seen[r.ID] {
			t.Errorf("bad or duplicate id %q", r.ID)
		}
		seen[r.ID] = true
		if r.Summary == "" || r.Doc.What == "" || r.Doc.Why == "" || r.Doc.Fix == "" || r.Check == nil {
			t.Errorf("%s: incomplete metadata", r.ID)
		}
		if len(r.Needs) != 1 || r.Needs[0] != rules.PartDatasources {
			t.Errorf("%s: needs datasource provisioning", r.ID)
		}
	}
	if len(seen) != 10 {
		t.Errorf("got %d rules, want 10", len(seen))
	}
}
