package channel

import (
	"fmt"
	"strings"

	"github.com/grafanalint/grafanalint/parsers/model"
	"github.com/grafanalint/grafanalint/rules"
	"github.com/grafanalint/grafanalint/rules/fix"
)

// testdataStreams are the paths TestData publishes data on.
var testdataStreams = []string{
	"random-2s-stream",
	"random-flakey-stream",
	"random-labeled-stream",
	"random-20Hz-stream",
	"flight-5hz-stream",
}

// TestdataPath reports TestData "live" queries whose path never streams.
var TestdataPath = &rules.Rule{
	ID:       "channel/testdata-path",
	Severity: rules.Warning,
	Fix: "writes only the path when a full channel ID of one of the streaming paths was pasted into a TestData `live` query " +
		"(`plugin/testdata/random-2s-stream`, also with a wire prefix such as `1/plugin/testdata/…`, becomes `random-2s-stream`). " +
		"Other paths get no fix: which stream was meant is a judgement. A value written with JSON escapes is left alone.",
	Summary: "a TestData live query's channel path never streams, or holds a full channel ID",
	Doc: rules.Doc{
		What: "Reports the `channel` of a TestData query with `scenarioId: \"live\"` when it is not one " +
			"of the paths TestData streams on (`random-2s-stream`, `random-flakey-stream`, " +
			"`random-labeled-stream`, `random-20Hz-stream`, `flight-5hz-stream`), or when a full " +
			"channel ID was pasted into it." +
			" Channels of hidden queries (`\"hide\": true`, v2 `hidden: true`) are skipped: Grafana never " +
			"runs them, so they never subscribe.",
		Why: "TestData subscribes to `plugin/testdata/<channel>`: the field is only the path. Any " +
			"other path subscribes without error but never sends data, and a full ID such as " +
			"`plugin/testdata/random-2s-stream` becomes `plugin/testdata/plugin/testdata/random-2s-stream` " +
			"(`public/app/plugins/datasource/grafana-testdata-datasource/datasource.ts`, " +
			"`runGrafanaLiveQuery`).",
		Bad: []rules.Example{
			{Path: "grafana/provisioning/dashboards/provider.yaml", Content: exampleProvider},
			{Path: "grafana/provisioning/dashboards/live.json", Content: exampleTestdataDashboard("plugin/testdata/random-2s-stream")},
		},
		Good: []rules.Example{
			{Path: "grafana/provisioning/dashboards/provider.yaml", Content: exampleProvider},
			{Path: "grafana/provisioning/dashboards/live.json", Content: exampleTestdataDashboard("random-2s-stream")},
		},
		Fixed: []rules.Example{
			{Path: "grafana/provisioning/dashboards/live.json", Content: exampleTestdataDashboard("random-2s-stream")},
		},
		Fix: "Pick one of the five streaming paths, and write only the path. To show another " +
			"channel, query it with the `-- Grafana --` datasource (`queryType: \"measurements\"`).",
	},
	PerDashboard: true,
	Check:        checkTestdataPath,
}

func checkTestdataPath(c *rules.Context) {
	for _, u := range active(c) {
		if u.ch.Source != model.ChannelTestData || u.err != nil {
			continue
		}
		path := u.ch.Value.V
		if isTestdataStream(path) {
			continue
		}
		pos := u.ch.Value.Pos
		end := u.ch.Value.End
		if !end.IsValid() {
			_, end = u.spanPos(c, 0, len(u.id))
		}
		var msg string
		var fx *fix.Fix
		if inner, ok := fullID(path); ok {
			fx = testdataFix(c, u, inner)
			msg = fmt.Sprintf("TestData channel path %q holds a full channel ID: the field is only the path under plugin/testdata/, so Grafana subscribes to %q", path, u.id)
			if rest, ok := strings.CutPrefix(inner, testdataPrefix); ok && isTestdataStream(rest) {
				msg += fmt.Sprintf(", which never streams; write %q", rest)
			} else {
				msg += ", which never streams; write one of the streaming paths, or query the channel with the -- Grafana -- datasource (queryType \"measurements\")"
			}
		} else {
			msg = fmt.Sprintf("TestData channel path %q never streams: TestData sends data only on %s", path, strings.Join(testdataStreams, ", "))
			if s := closestStream(path); s != "" {
				msg += fmt.Sprintf("; did you mean %q?", s)
			} else {
				msg += "; pick one of them"
			}
		}
		c.Report(rules.Finding{Pos: pos, End: end, Message: msg, Entity: u.entity(), Key: u.key(), Fix: fx})
	}
}

func isTestdataStream(p string) bool {
	for _, s := range testdataStreams {
		if p == s {
			return true
		}
	}
	return false
}

// fullID reports whether a TestData path is a whole channel ID (a known
// scope, or a wire prefix, and three parts) and returns it without any
// wire prefix.
func fullID(p string) (string, bool) {
	ch, err := Parse(p)
	if err != nil {
		return "", false
	}
	if isScope(ch.Scope) {
		return p, true
	}
	if inner := ch.Namespace + "/" + ch.Path; strings.Count(inner, "/") >= 2 && isScope(ch.Namespace) {
		return inner, true
	}
	return "", false
}

// closestStream returns the streaming path p differs from only by case,
// "_" for "-", or a missing "-stream" suffix.
func closestStream(p string) string {
	norm := func(s string) string {
		s = strings.ToLower(strings.ReplaceAll(s, "_", "-"))
		return strings.TrimSuffix(s, "-stream")
	}
	for _, s := range testdataStreams {
		if norm(s) == norm(p) {
			return s
		}
	}
	return ""
}
