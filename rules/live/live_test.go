package live

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/grafanalint/grafanalint/parsers/model"
	"github.com/grafanalint/grafanalint/rules"
)

// pos is a column of line 2 of grafana.ini, where the tests write their
// [live] key.
func pos(col int) model.Pos { return model.Pos{File: "grafana.ini", Line: 2, Col: col} }

// fileSetting is a [live] key written in grafana.ini on line 2 as
// "key = value" (col: where the value starts, as for max_connections).
func fileSetting(key, value string) *model.Setting {
	col := len(key) + 4
	k := &model.IniKey{Section: "live", Name: model.Str{V: key, Pos: pos(1)},
		Value: model.Str{V: value, Pos: pos(col), End: pos(col + len([]rune(value)))}}
	return &model.Setting{Section: "live", Key: key, Value: value, Source: model.Source{Kind: model.SourceFile, Pos: pos(1)}, Written: k}
}

func stack(settings map[string]*model.Setting, env []model.EnvVar, channels bool) *model.Stack {
	s := &model.Stack{Name: "test", Settings: &model.Settings{Sections: map[string]map[string]*model.Setting{"live": settings}, Env: env}}
	if channels {
		d := &model.Dashboard{File: "d.json", Channels: []*model.Channel{{
			Source: model.ChannelMeasurements, Value: model.Str{V: "stream/telegraf/cpu", Pos: model.Pos{File: "d.json", Line: 9, Col: 22}},
		}}}
		s.Dashboards = []*model.Dashboard{d}
	}
	return s
}

func run(r *rules.Rule, s *model.Stack) []rules.Finding {
	var out []rules.Finding
	r.Check(rules.NewContext(&model.Model{Stacks: []*model.Stack{s}}, s, rules.CurrentGrafana, r, &out))
	return out
}

func TestDisabled(t *testing.T) {
	envSetting := &model.Setting{Section: "live", Key: "max_connections", Value: "0", Source: model.Source{Kind: model.SourceEnv, Env: "GF_LIVE_MAX_CONNECTIONS"}}
	envDef := []model.EnvVar{{Name: "GF_LIVE_MAX_CONNECTIONS", Value: "0", Pos: model.Pos{File: "docker-compose.yml", Line: 7, Col: 9}, Matched: "live.max_connections"}}
	chRel := rules.Related{Pos: model.Pos{File: "d.json", Line: 9, Col: 22}, Message: `Live channel "stream/telegraf/cpu" needs Grafana Live`}
	tests := []struct {
		name string
		s    *model.Stack
		want []rules.Finding
	}{
		{"file, used", stack(map[string]*model.Setting{"max_connections": fileSetting("max_connections", "0")}, nil, true), []rules.Finding{{
			Severity: rules.Error, Pos: pos(19), End: pos(20), Related: []rules.Related{chRel},
			Message: `[live] max_connections = 0 disables Grafana Live, but dashboards use it in 1 place (first: Live channel "stream/telegraf/cpu"): the browser never opens the Live WebSocket and those panels stay empty; remove the setting or set a positive limit (-1 = unlimited)`,
		}}},
		{"file, unused", stack(map[string]*model.Setting{"max_connections": fileSetting("max_connections", "0x0")}, nil, false), []rules.Finding{{
			Severity: rules.Info, Pos: pos(19), End: pos(22),
			Message: `[live] max_connections = 0 disables Grafana Live: no dashboard of this stack uses it, but streaming panels and dashboard change notices will not work; remove the setting to keep Live available`,
		}}},
		{"env, used", stack(map[string]*model.Setting{"max_connections": envSetting}, envDef, true), []rules.Finding{{
			Severity: rules.Error, Pos: envDef[0].Pos, Related: []rules.Related{chRel},
			Message: `GF_LIVE_MAX_CONNECTIONS=0 disables Grafana Live, but dashboards use it in 1 place (first: Live channel "stream/telegraf/cpu"): the browser never opens the Live WebSocket and those panels stay empty; remove the setting or set a positive limit (-1 = unlimited)`,
		}}},
		{"env on the command line: reported at the first channel", stack(map[string]*model.Setting{"max_connections": envSetting}, []model.EnvVar{{Name: "GF_LIVE_MAX_CONNECTIONS", Value: "0"}}, true), []rules.Finding{{
			Severity: rules.Error, Pos: chRel.Pos, Related: []rules.Related{chRel},
			Message: `GF_LIVE_MAX_CONNECTIONS=0 disables Grafana Live, but dashboards use it in 1 place (first: Live channel "stream/telegraf/cpu"): the browser never opens the Live WebSocket and those panels stay empty; remove the setting or set a positive limit (-1 = unlimited)`,
		}}},
		{"default", stack(map[string]*model.Setting{"max_connections": {Value: "100", Source: model.Source{Kind: model.SourceDefault}}}, nil, true), nil},
		{"unlimited", stack(map[string]*model.Setting{"max_connections": fileSetting("max_connections", "-1")}, nil, true), nil},
		{"invalid falls back to 100", stack(map[string]*model.Setting{"max_connections": fileSetting("max_connections", "zero")}, nil, true), nil},
		{"dynamic", stack(map[string]*model.Setting{"max_connections": {Value: "${MAX}", Dynamic: true}}, nil, true), nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := run(Disabled, tt.s)
			for i := range got {
				got[i].Rule, got[i].Entity, got[i].Key = "", "", ""
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}

func TestAllowedOrigins(t *testing.T) {
	type hit struct {
		Col, EndCol int
		Key         string
	}
	tests := []struct {
		value string
		want  []hit
	}{
		{"*", nil},
		{"https://grafana.example.com", nil},
		{"*.example.com, https://*.example.org", nil},
		{"{http,https}://grafana.local", nil}, // split at the comma: a bad glob, not this rule's
		{"[a-z]*.example.com", nil},
		{"grafana.example.[com", nil},
		{"grafana.example.com", []hit{{19, 38, "grafana.example.com"}}},
		{"https://a.example.com,  localhost:3000 ,b.example.com", []hit{{43, 57, "localhost:3000"}, {59, 72, "b.example.com"}}},
		{"grafana.*.com", []hit{{19, 32, "grafana.*.com"}}},
		{"http:/grafana.local", []hit{{19, 38, "http:/grafana.local"}}},
		{"  ,  ", nil},
	}
	for _, tt := range tests {
		s := stack(map[string]*model.Setting{"allowed_origins": fileSetting("allowed_origins", tt.value)}, nil, false)
		var got []hit
		for _, f := range run(AllowedOriginNoScheme, s) {
			got = append(got, hit{f.Pos.Col, f.End.Col, f.Key})
			if f.Entity != "ini:live.allowed_origins" {
				t.Errorf("entity %q", f.Entity)
			}
		}
		if diff := cmp.Diff(tt.want, got); diff != "" {
			t.Errorf("%q (-want +got):\n%s", tt.value, diff)
		}
	}
}

func TestAllowedOriginsFromEnv(t *testing.T) {
	st := &model.Setting{Section: "live", Key: "allowed_origins", Value: "grafana.example.com", Source: model.Source{Kind: model.SourceEnv, Env: "GF_LIVE_ALLOWED_ORIGINS"}}
	def := model.Pos{File: "docker-compose.yml", Line: 9, Col: 7}
	s := stack(map[string]*model.Setting{"allowed_origins": st}, []model.EnvVar{{Name: "GF_LIVE_ALLOWED_ORIGINS", Pos: def}}, false)
	got := run(AllowedOriginNoScheme, s)
	if len(got) != 1 || got[0].Pos != def {
		t.Fatalf("got %+v, want one finding at %v", got, def)
	}
	want := `allowed_origins entry "grafana.example.com" has no scheme: Grafana Live matches each entry as a glob against the whole Origin header (scheme://host[:port]), so it never matches and browsers on that origin get 403; write "https://grafana.example.com" (or "*" to allow any origin)`
	if got[0].Message != want {
		t.Errorf("message\n got %s\nwant %s", got[0].Message, want)
	}
}

func TestDocs(t *testing.T) {
	for _, r := range Rules() {
		if r.Doc.What == "" || r.Doc.Why == "" || r.Doc.Fix == "" || len(r.Doc.Bad) == 0 || len(r.Doc.Good) == 0 {
			t.Errorf("%s: incomplete doc", r.ID)
		}
	}
}

func TestFirstLiveUse(t *testing.T) {
	at := func(line, col int) model.Pos { return model.Pos{File: "d.json", Line: line, Col: col} }
	hidden := &model.Channel{Source: model.ChannelMeasurements, Hidden: true, Value: model.Str{V: "stream/a/b", Pos: at(9, 22)}}
	shown := &model.Channel{Source: model.ChannelTestData, Value: model.Str{V: "random-2s-stream", Pos: at(12, 30)}}
	title := model.Str{V: "Live", Pos: at(3, 13)}
	type want struct {
		Pos   model.Pos
		What  string
		Count int
	}
	tests := []struct {
		name string
		d    *model.Dashboard
		want *want
	}{
		{"only hidden queries", &model.Dashboard{File: "d.json", Channels: []*model.Channel{hidden}}, nil},
		{"hidden skipped, shown counted", &model.Dashboard{File: "d.json", Channels: []*model.Channel{hidden, shown}},
			&want{at(12, 30), `Live channel "plugin/testdata/random-2s-stream"`, 1}},
		{"live panel without channel: its type value", &model.Dashboard{File: "d.json", Title: title, LivePanels: 2, LivePanelPos: []model.Pos{at(20, 15), at(30, 15)}},
			&want{at(20, 15), "a live panel", 2}},
		{"live panel beside a hidden query", &model.Dashboard{File: "d.json", Title: title, Channels: []*model.Channel{hidden}, LivePanels: 1, LivePanelPos: []model.Pos{at(20, 15)}},
			&want{at(20, 15), "a live panel", 1}},
		{"no positions: the title", &model.Dashboard{File: "d.json", Title: title, LivePanels: 1},
			&want{at(3, 13), "a live panel", 1}},
		{"no positions, no title: the file", &model.Dashboard{File: "d.json", LivePanels: 1},
			&want{at(1, 1), "a live panel", 1}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			u := firstLiveUse(&model.Stack{Dashboards: []*model.Dashboard{tt.d}})
			var got *want
			if u != nil {
				got = &want{u.pos, u.what, u.count}
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}
