package channel

import (
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/grafanalint/grafanalint/parsers/model"
	"github.com/grafanalint/grafanalint/rules"
)

// jsonLine builds a dashboard file whose line 1 is `"channel": "<raw>"`,
// and the Str the parser would give for it (raw is JSON-escaped text).
func jsonLine(raw, decoded string) (*model.File, model.Str) {
	line := `    "channel": "` + raw + `",`
	f := &model.File{Path: "d.json", Kind: model.KindDashboard, Reported: true, Lines: []string{line}}
	col := strings.Index(line, `": "`) + 5 // 1-based column of the first character inside the quotes
	s := model.Str{V: decoded, Pos: model.Pos{File: "d.json", Line: 1, Col: col}}
	s.End = model.Pos{File: "d.json", Line: 1, Col: col + len([]rune(raw))}
	return f, s
}

type tcase struct {
	name    string
	src     model.ChannelSource
	raw     string // JSON text inside the quotes; decoded must be given when it has escapes
	decoded string
	vars    []string
	version rules.Version
	// datasources of the stack (name=uid pairs, "name" alone for derived)
	datasources []*model.Datasource
	settings    *model.Settings
	loose       bool
	hidden      bool                // the channel's query is hidden
	want        map[string][]string // rule id -> "col: message substring"
}

func runCase(t *testing.T, tc tcase) map[string][]rules.Finding {
	t.Helper()
	decoded := tc.decoded
	if decoded == "" {
		decoded = tc.raw
	}
	f, s := jsonLine(tc.raw, decoded)
	d := &model.Dashboard{File: "d.json", UID: model.Str{V: "dash"}}
	for _, v := range tc.vars {
		d.Variables = append(d.Variables, &model.Variable{Name: model.Str{V: v}})
	}
	ch := &model.Channel{Source: tc.src, Pointer: "/panels/0/targets/0/channel", Value: s, Hidden: tc.hidden}
	d.Channels = []*model.Channel{ch}
	st := &model.Stack{Name: "test", Settings: tc.settings}
	if tc.settings == nil {
		st.Settings = &model.Settings{}
	}
	if tc.loose {
		st.LooseDashboards = []*model.Dashboard{d}
	} else {
		st.Dashboards = []*model.Dashboard{d}
	}
	if tc.datasources != nil {
		st.HasDatasources = true
		st.DatasourceFiles = []*model.DatasourceFile{{Path: "ds.yaml", Datasources: tc.datasources}}
	}
	m := &model.Model{Files: []*model.File{f}, Stacks: []*model.Stack{st}}
	v := tc.version
	if v == (rules.Version{}) {
		v = rules.CurrentGrafana
	}
	out := map[string][]rules.Finding{}
	for _, r := range Rules() {
		if len(r.Needs) > 0 && !st.HasDatasources {
			continue
		}
		var fs []rules.Finding
		r.Check(rules.NewContext(m, st, v, r, &fs))
		if len(fs) > 0 {
			out[r.ID] = fs
		}
	}
	return out
}

func ds(name, uid string, derived bool) *model.Datasource {
	return &model.Datasource{Name: model.Str{V: name, Pos: model.Pos{File: "ds.yaml", Line: 3, Col: 11}}, UID: model.Str{V: uid, Pos: model.Pos{File: "ds.yaml", Line: 4, Col: 10}}, UIDDerived: derived}
}

func TestRules(t *testing.T) {
	v112 := rules.Version{Major: 11, Minor: 2}
	toggles := &model.Settings{Sections: map[string]map[string]*model.Setting{
		"feature_toggles": {"enable": {Section: "feature_toggles", Key: "enable", Value: "foo provisioning"}},
	}}
	tests := []tcase{
		{name: "uid:type folklore", src: model.ChannelMeasurements, raw: "abc123:influxdb",
			want: map[string][]string{"channel/malformed": {"23:\":\" is not allowed in the scope", "there is no \"uid:type\""}}},
		{name: "valid stream", src: model.ChannelMeasurements, raw: "stream/tensies/rolls"},
		{name: "missing path", src: model.ChannelMeasurements, raw: "stream/tensies",
			want: map[string][]string{"channel/malformed": {"31:it has no path", "panel shows no data"}}},
		{name: "space in path", src: model.ChannelMeasurements, raw: "stream/x/a b",
			want: map[string][]string{"channel/malformed": {"27:a space is not allowed in the path"}}},
		{name: "surrounding spaces trimmed by the grafana datasource", src: model.ChannelMeasurements, raw: "  stream/x/y "},
		{name: "surrounding spaces in testdata path", src: model.ChannelTestData, raw: " random-2s-stream",
			want: map[string][]string{"channel/malformed": {"17:a space is not allowed", "remove the surrounding spaces"}}},
		{name: "escaped slash keeps columns", src: model.ChannelMeasurements, raw: `stream\/x\/a b`, decoded: "stream/x/a b",
			want: map[string][]string{"channel/malformed": {"29:a space"}}},
		{name: "unicode escape", src: model.ChannelMeasurements, raw: `stream/x/\u00e9`, decoded: "stream/x/é",
			want: map[string][]string{"channel/malformed": {"26:non-ASCII character \"é\""}}},
		{name: "escaped space", src: model.ChannelMeasurements, raw: `stream/x/a\u0020b`, decoded: "stream/x/a b",
			want: map[string][]string{"channel/malformed": {"27:a space"}}},
		{name: "dot namespace before 12", src: model.ChannelMeasurements, raw: "ds/my.uid/x", version: v112,
			want: map[string][]string{"channel/malformed": {"22:\".\" is not allowed in the namespace", "only from Grafana 12.0", "targets 11.2"}}},
		{name: "dot namespace from 12", src: model.ChannelMeasurements, raw: "ds/my.uid/x"},
		{name: "too long", src: model.ChannelMeasurements, raw: "stream/x/" + strings.Repeat("y", 160),
			want: map[string][]string{"channel/malformed": {"177:it is 169 bytes long", "at most 160 bytes"}}},
		{name: "defined variable", src: model.ChannelMeasurements, raw: "stream/${host}/cpu", vars: []string{"host"}},
		{name: "defined variable, space outside", src: model.ChannelMeasurements, raw: "stream/$host cpu/x", vars: []string{"host"},
			want: map[string][]string{"channel/malformed": {"29:a space is not allowed", "whatever values its variables take"}}},
		{name: "undefined variable is literal", src: model.ChannelMeasurements, raw: "stream/$host/cpu",
			want: map[string][]string{"channel/malformed": {"24:\"$\" is not allowed", "defines no variable \"host\""}}},
		{name: "global variable", src: model.ChannelMeasurements, raw: "stream/x/$__user"},
		{name: "testdata does not interpolate", src: model.ChannelTestData, raw: "$stream", vars: []string{"stream"},
			want: map[string][]string{"channel/malformed": {"17:\"$\" is not allowed", "TestData does not replace"}}},
		{name: "org prefix", src: model.ChannelMeasurements, raw: "1/plugin/testdata/x",
			want: map[string][]string{"channel/unknown-scope": {"17:unknown scope \"1\"", "write \"plugin/testdata/x\""}}},
		{name: "namespace prefix", src: model.ChannelMeasurements, raw: "default/stream/a/b",
			want: map[string][]string{"channel/unknown-scope": {"17:unknown scope \"default\"", "write \"stream/a/b\""}}},
		{name: "scope case", src: model.ChannelMeasurements, raw: "Stream/a/b",
			want: map[string][]string{"channel/unknown-scope": {"17:unknown scope \"Stream\"", "case-sensitive"}}},
		{name: "push scope", src: model.ChannelMeasurements, raw: "push/telegraf/cpu",
			want: map[string][]string{"channel/unknown-scope": {"17:unknown scope \"push\"", "removed"}}},
		{name: "variable scope is not judged", src: model.ChannelMeasurements, raw: "$scope/a/b", vars: []string{"scope"}},
		{name: "literal scope before a variable", src: model.ChannelMeasurements, raw: "telegraf/$host/cpu", vars: []string{"host"},
			want: map[string][]string{"channel/unknown-scope": {"17:unknown scope \"telegraf\""}}},
		{name: "unknown feature", src: model.ChannelMeasurements, raw: "grafana/alerts/x",
			want: map[string][]string{"channel/unknown-feature": {"25:unknown Grafana feature \"alerts\""}}},
		{name: "broadcast", src: model.ChannelMeasurements, raw: "grafana/broadcast/x"},
		{name: "watch without toggle", src: model.ChannelMeasurements, raw: "grafana/watch/x",
			want: map[string][]string{"channel/unknown-feature": {"25:Grafana feature \"watch\"", "provisioning"}}},
		{name: "watch with toggle", src: model.ChannelMeasurements, raw: "grafana/watch/x", settings: toggles},
		{name: "watch scope without toggle", src: model.ChannelMeasurements, raw: "watch/dashboard.grafana.app/x",
			want: map[string][]string{"channel/unknown-feature": {"17:scope \"watch\""}}},
		{name: "watch scope with toggle", src: model.ChannelMeasurements, raw: "watch/dashboard.grafana.app/x", settings: toggles},
		{name: "unknown datasource by name", src: model.ChannelMeasurements, raw: "ds/Loki/tail",
			datasources: []*model.Datasource{ds("Loki", "loki-main", false)},
			want:        map[string][]string{"channel/unknown-datasource": {"20:datasource UID \"Loki\"", "is the name of a datasource, its UID is \"loki-main\""}}},
		{name: "known datasource", src: model.ChannelMeasurements, raw: "ds/loki-main/tail",
			datasources: []*model.Datasource{ds("Loki", "loki-main", false)}},
		{name: "derived uid", src: model.ChannelMeasurements, raw: "ds/PBFA97CFB590B2093/x",
			datasources: []*model.Datasource{ds("Prometheus", "PBFA97CFB590B2093", true)}},
		{name: "dynamic uid makes it unknown", src: model.ChannelMeasurements, raw: "ds/other/x",
			datasources: []*model.Datasource{{Name: model.Str{V: "X"}, UID: model.Str{V: "${UID}"}, UIDDynamic: true}}},
		{name: "loose dashboards are not checked against datasources", src: model.ChannelMeasurements, raw: "ds/other/x", loose: true,
			datasources: []*model.Datasource{ds("Loki", "loki-main", false)}},
		{name: "loose dashboards are checked for syntax", src: model.ChannelMeasurements, raw: "a:b", loose: true,
			want: map[string][]string{"channel/malformed": {"18:\":\""}}},
		{name: "testdata stream", src: model.ChannelTestData, raw: "random-20Hz-stream"},
		{name: "testdata unknown path", src: model.ChannelTestData, raw: "random-20hz-stream",
			want: map[string][]string{"channel/testdata-path": {"17:never streams", "did you mean \"random-20Hz-stream\""}}},
		{name: "testdata full id", src: model.ChannelTestData, raw: "plugin/testdata/random-2s-stream",
			want: map[string][]string{"channel/testdata-path": {"17:holds a full channel ID", "plugin/testdata/plugin/testdata/random-2s-stream", "write \"random-2s-stream\""}}},
		{name: "testdata full id of another scope", src: model.ChannelTestData, raw: "stream/telegraf/cpu",
			want: map[string][]string{"channel/testdata-path": {"17:holds a full channel ID", "-- Grafana -- datasource"}}},
		{name: "testdata empty", src: model.ChannelTestData, raw: "",
			want: map[string][]string{"channel/malformed": {"17:its path is empty", "Missing channel config"}}},
		// Hidden queries never run: only channel/malformed speaks, as info.
		{name: "hidden malformed is info", src: model.ChannelMeasurements, raw: "abc123:influxdb", hidden: true,
			want: map[string][]string{"channel/malformed": {"23:in a hidden query", "Grafana does not run hidden queries", "once the query is shown again Grafana's server rejects it", "there is no \"uid:type\""}}},
		{name: "hidden unknown scope", src: model.ChannelMeasurements, raw: "push/telegraf/cpu", hidden: true},
		{name: "hidden unknown feature", src: model.ChannelMeasurements, raw: "grafana/alerts/x", hidden: true},
		{name: "hidden unknown datasource", src: model.ChannelMeasurements, raw: "ds/Loki/tail", hidden: true,
			datasources: []*model.Datasource{ds("Loki", "loki-main", false)}},
		{name: "hidden testdata path", src: model.ChannelTestData, raw: "random-20hz-stream", hidden: true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := runCase(t, tc)
			for id, fs := range got {
				want := tc.want[id]
				if len(want) == 0 {
					t.Errorf("unexpected %s: %v", id, fs)
					continue
				}
				if len(fs) != 1 {
					t.Errorf("%s: %d findings, want 1: %v", id, len(fs), fs)
				}
				f := fs[0]
				colStr, first, _ := strings.Cut(want[0], ":")
				if gotCol := strconv.Itoa(f.Pos.Col); gotCol != colStr {
					t.Errorf("%s: column %s, want %s (%s)", id, gotCol, colStr, f.Message)
				}
				for _, sub := range append([]string{first}, want[1:]...) {
					if !strings.Contains(f.Message, sub) {
						t.Errorf("%s: message %q lacks %q", id, f.Message, sub)
					}
				}
				if f.Entity == "" || f.Key == "" {
					t.Errorf("%s: entity %q key %q", id, f.Entity, f.Key)
				}
				if wantInfo := tc.hidden; (f.Severity == rules.Info) != wantInfo {
					t.Errorf("%s: severity %v, want info only for hidden queries", id, f.Severity)
				}
			}
			for id := range tc.want {
				if got[id] == nil {
					t.Errorf("missing %s", id)
				}
			}
		})
	}
}

func TestLivePanelParts(t *testing.T) {
	// options.channel = {"scope": "stream", "namespace": "tel egraf", "path": "cpu"}
	line := `"channel": {"scope": "stream", "namespace": "tel egraf", "path": "cpu"}`
	f := &model.File{Path: "p.json", Reported: true, Lines: []string{line}}
	at := func(v string) model.Str {
		i := strings.Index(line, `"`+v+`"`)
		return model.Str{V: v, Pos: model.Pos{File: "p.json", Line: 1, Col: i + 2}}
	}
	parts := []model.Str{at("stream"), at("tel egraf"), at("cpu")}
	ch := &model.Channel{Source: model.ChannelLivePanel, Pointer: "/panels/0/options/channel", Locator: "panel:4", Value: model.Str{V: "stream/tel egraf/cpu", Pos: parts[0].Pos}, Parts: parts}
	d := &model.Dashboard{File: "p.json", Channels: []*model.Channel{ch}}
	st := &model.Stack{Dashboards: []*model.Dashboard{d}, Settings: &model.Settings{}}
	m := &model.Model{Files: []*model.File{f}, Stacks: []*model.Stack{st}}
	var fs []rules.Finding
	Malformed.Check(rules.NewContext(m, st, rules.CurrentGrafana, Malformed, &fs))
	want := []rules.Finding{{
		Pos:     model.Pos{File: "p.json", Line: 1, Col: parts[1].Pos.Col + 3},
		End:     model.Pos{File: "p.json", Line: 1, Col: parts[1].Pos.Col + 4},
		Message: `invalid live panel channel "stream/tel egraf/cpu": a space is not allowed in the namespace; Grafana's server rejects it with "invalid channel ID": use only letters, digits, "_", "-" and "." in the namespace`,
		Entity:  "channel:stream/tel egraf/cpu",
		Key:     "p.json#panel:4",
		Rule:    "channel/malformed",
	}}
	for i := range fs {
		fs[i].Severity = 0
	}
	if diff := cmp.Diff(want, fs); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}

func TestLivePanelEmptyPart(t *testing.T) {
	line := `"channel": {"scope": "stream", "namespace": "", "path": "cpu"}`
	f := &model.File{Path: "p.json", Reported: true, Lines: []string{line}}
	scope := model.Str{V: "stream", Pos: model.Pos{File: "p.json", Line: 1, Col: 23}}
	ns := model.Str{V: "", Pos: model.Pos{File: "p.json", Line: 1, Col: 46}}
	path := model.Str{V: "cpu", Pos: model.Pos{File: "p.json", Line: 1, Col: 57}}
	ch := &model.Channel{Source: model.ChannelLivePanel, Pointer: "/panels/0/options/channel", Value: model.Str{V: "stream", Pos: scope.Pos}, Parts: []model.Str{scope, ns, path}}
	st := &model.Stack{Dashboards: []*model.Dashboard{{File: "p.json", Channels: []*model.Channel{ch}}}, Settings: &model.Settings{}}
	m := &model.Model{Files: []*model.File{f}, Stacks: []*model.Stack{st}}
	var fs []rules.Finding
	Malformed.Check(rules.NewContext(m, st, rules.CurrentGrafana, Malformed, &fs))
	if len(fs) != 1 || fs[0].Pos != ns.Pos || !strings.Contains(fs[0].Message, "its namespace is empty; the live panel never subscribes") {
		t.Fatalf("got %+v, want one finding at %v", fs, ns.Pos)
	}
}

func TestDocExamplesDiffer(t *testing.T) {
	for _, r := range Rules() {
		if r.Doc.What == "" || r.Doc.Why == "" || r.Doc.Fix == "" || len(r.Doc.Bad) == 0 || len(r.Doc.Good) == 0 {
			t.Errorf("%s: incomplete doc", r.ID)
		}
		if cmp.Equal(r.Doc.Bad, r.Doc.Good) {
			t.Errorf("%s: bad and good examples are the same", r.ID)
		}
	}
}
