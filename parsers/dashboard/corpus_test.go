package dashboard

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/grafanalint/grafanalint/parsers/model"
)

// TestCorpus parses every real dashboard of the shared corpus and the perf
// seed: none has a syntax error (each was checked with python3 -m
// json.tool), each is sniffed as a dashboard, every position points at its
// value, and the number of references matches an independent count made
// with encoding/json maps.
func TestCorpus(t *testing.T) {
	var files []string
	for _, sub := range []string{"real", "perf-seed"} {
		files = append(files, jsonFiles(t, corpusDir(t, sub))...)
	}
	for _, file := range files {
		t.Run(filepath.Base(file), func(t *testing.T) {
			src, err := os.ReadFile(file)
			if err != nil {
				t.Fatal(err)
			}
			d, probs := Parse(file, src)
			if len(probs) > 0 {
				t.Fatalf("problems: %v", probs)
			}
			if !Sniff(src) {
				t.Errorf("Sniff = false")
			}
			checkPositions(t, src, d)
			if want := mapRefCount(t, src); len(d.Refs) != want {
				t.Errorf("%d references, an encoding/json walk finds %d", len(d.Refs), want)
			}
			if want := strings.Count(string(src), "${DS_"); len(d.Placeholders) > want {
				t.Errorf("%d placeholders, but only %d \"${DS_\" in the file", len(d.Placeholders), want)
			}
		})
	}
}

// mapRefCount counts v1 datasource references by decoding into maps: the
// slow, obvious way, to cross-check the streaming walker.
func mapRefCount(t *testing.T, src []byte) int {
	t.Helper()
	var d map[string]any
	if err := json.Unmarshal(src, &d); err != nil {
		t.Fatal(err)
	}
	return countMapRefs(d)
}

// countMapRefs walks a dashboard decoded into maps.
func countMapRefs(d map[string]any) int {
	if inner, ok := d["dashboard"].(map[string]any); ok {
		d = inner
	}
	// isRef: the member is present and null, a string or an object.
	isRef := func(m map[string]any) bool {
		v, ok := m["datasource"]
		switch v.(type) {
		case nil, string, map[string]any:
			return ok
		}
		return false
	}
	n := 0
	var panels func(any)
	panels = func(list any) {
		ps, _ := list.([]any)
		for _, p := range ps {
			m, ok := p.(map[string]any)
			if !ok {
				continue
			}
			if isRef(m) {
				n++
			}
			ts, _ := m["targets"].([]any)
			for _, tg := range ts {
				if tm, ok := tg.(map[string]any); ok && isRef(tm) {
					n++
				}
			}
			panels(m["panels"])
		}
	}
	panels(d["panels"])
	sv := 0
	switch v := d["schemaVersion"].(type) {
	case float64:
		sv = int(v)
	case string:
		sv, _ = strconv.Atoi(v)
	}
	if sv < 16 {
		rows, _ := d["rows"].([]any)
		for _, r := range rows {
			if rm, ok := r.(map[string]any); ok {
				panels(rm["panels"])
			}
		}
	}
	for _, key := range []string{"annotations", "templating"} {
		m, _ := d[key].(map[string]any)
		list, _ := m["list"].([]any)
		for _, e := range list {
			if em, ok := e.(map[string]any); ok && isRef(em) {
				n++
			}
		}
	}
	els, _ := d["__elements"].(map[string]any)
	for _, e := range els {
		if em, ok := e.(map[string]any); ok {
			panels([]any{em["model"]})
		}
	}
	return n
}

// TestCorpusPositions spot-checks exact positions in real files.
func TestCorpusPositions(t *testing.T) {
	dir := corpusDir(t, "real")
	type want struct {
		line, col int
		value     string
	}
	tests := []struct {
		name, file string
		get        func(d *model.Dashboard) (model.Str, bool)
		want       want
	}{
		{
			"target uid of a panel nested in a collapsed row",
			"vpalmisano__webrtcperf/prometheus-stack/config/grafana-dashboards/webrtcperf.json",
			refField("/panels/50/panels/0/targets/0/datasource", func(r *model.DatasourceRef) model.Str { return r.UID }),
			want{7152, 25, "2_miEJT7k"},
		},
		{
			"its type",
			"vpalmisano__webrtcperf/prometheus-stack/config/grafana-dashboards/webrtcperf.json",
			refField("/panels/50/panels/0/targets/0/datasource", func(r *model.DatasourceRef) model.Str { return r.Type }),
			want{7151, 26, "prometheus"},
		},
		{
			"measurements channel, Grafana datasource on the panel",
			"radiantnode__tensies/ops/grafana/dashboards/connections.json",
			channel(model.ChannelMeasurements, "/panels/12/targets/0/channel"),
			want{473, 23, "stream/tensies/connections"},
		},
		{
			"second measurements channel",
			"radiantnode__tensies/ops/grafana/dashboards/live-games.json",
			channel(model.ChannelMeasurements, "/panels/9/targets/0/channel"),
			want{591, 23, "stream/tensies/wins"},
		},
		{
			"testdata live scenario",
			"grafana__grafana/devenv/dev-dashboards/live/live-streams.json",
			channel(model.ChannelTestData, "/panels/3/targets/0/channel"),
			want{417, 23, "random-2s-stream"},
		},
		{
			"measurements channel, Grafana datasource on the target",
			"grafana__grafana/e2e-playwright/dashboards/DashboardLiveTest.json",
			channel(model.ChannelMeasurements, "/panels/0/targets/0/channel"),
			want{78, 23, "plugin/testdata/random-20Hz-stream"},
		},
		{
			"string reference inside the API wrapper",
			"18F__cg-metrics/grafana/dashboards/Users.json",
			refField("/dashboard/rows/0/panels/0/datasource", func(r *model.DatasourceRef) model.Str { return r.Name }),
			want{70, 26, "cf_prd"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := filepath.Join(dir, filepath.FromSlash(tt.file))
			src, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			d, probs := Parse(path, src)
			if len(probs) > 0 {
				t.Fatalf("problems: %v", probs)
			}
			s, ok := tt.get(d)
			if !ok {
				t.Fatalf("value not found")
			}
			if s.V != tt.want.value || s.Pos.Line != tt.want.line || s.Pos.Col != tt.want.col {
				t.Errorf("got %q at %d:%d, want %q at %d:%d", s.V, s.Pos.Line, s.Pos.Col, tt.want.value, tt.want.line, tt.want.col)
			}
			// The value starts right there in the file, inside its quotes.
			off, ok := offsetOf(src, s.Pos)
			if !ok || off == 0 || src[off-1] != '"' || !strings.HasPrefix(string(src[off:]), tt.want.value+`"`) {
				t.Errorf("the file at %d:%d does not hold %q", tt.want.line, tt.want.col, tt.want.value)
			}
		})
	}
	if _, err := os.Stat(filepath.Join(dir, "18F__cg-metrics/grafana/dashboards/Users.json")); err == nil {
		src, _ := os.ReadFile(filepath.Join(dir, "18F__cg-metrics/grafana/dashboards/Users.json"))
		if d, _ := Parse("Users.json", src); !d.Wrapped {
			t.Errorf("18F Users.json: Wrapped = false")
		}
	}
}

func refField(pointer string, f func(*model.DatasourceRef) model.Str) func(*model.Dashboard) (model.Str, bool) {
	return func(d *model.Dashboard) (model.Str, bool) {
		for _, r := range d.Refs {
			if r.Pointer == pointer {
				return f(r), true
			}
		}
		return model.Str{}, false
	}
}

func channel(src model.ChannelSource, pointer string) func(*model.Dashboard) (model.Str, bool) {
	return func(d *model.Dashboard) (model.Str, bool) {
		for _, c := range d.Channels {
			if c.Pointer == pointer && c.Source == src {
				return c.Value, true
			}
		}
		return model.Str{}, false
	}
}
