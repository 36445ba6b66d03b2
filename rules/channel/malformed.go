package channel

import (
	"fmt"
	"strings"

	"github.com/grafanalint/grafanalint/parsers/model"
	"github.com/grafanalint/grafanalint/rules"
)

// Malformed reports channels Grafana's server parser rejects.
var Malformed = &rules.Rule{
	ID:       "channel/malformed",
	Severity: rules.Error,
	Fix: "removes spaces around a TestData path or the parts of a live panel's channel (Grafana does not trim those fields) when " +
		"what is left passes Grafana's channel parser and nothing else would report it: one of TestData's streaming paths, or a " +
		"live panel channel of a known scope. Other malformed channels get no fix: what was meant is a judgement. A value " +
		"written with JSON escapes is left alone.",
	Summary: "a Live channel fails Grafana's channel ID parser",
	Doc: rules.Doc{
		What: "Reports a Grafana Live channel written in a dashboard — the `channel` of a `-- Grafana --` " +
			"measurements query, the path of a TestData `live` query, or a `live` panel's " +
			"`options.channel` — that Grafana's server parser rejects, at the first offending character " +
			"or where the missing part should be. A channel must be `scope/namespace/path`, at most 160 " +
			"bytes, split at the first two `/`, with three non-empty parts; the scope and namespace may " +
			"hold only `A-z`, digits, `_`, `-` and (from Grafana 12.0) `.`, the path also `/` and `=`. " +
			"The browser trims a measurements channel and replaces dashboard variables in it first: " +
			"surrounding spaces are harmless there, a channel with variables is reported only when no " +
			"value of them can make it valid (for example a space or `:` outside them), and a variable " +
			"the dashboard does not define stays as written. A TestData path or a live panel channel is " +
			"neither trimmed nor interpolated, so spaces and `$` there are literal. Dashboards no " +
			"provider loads are checked too: a channel that does not parse is wrong wherever it is " +
			"imported. A channel of a hidden query (`\"hide\": true`, v2 `hidden: true`) is reported " +
			"as info: Grafana does not run the query, so nothing fails until someone shows it again.",
		Why: "Grafana checks every subscription with `live.ParseChannel` and `Channel.IsValid` of " +
			"grafana-plugin-sdk-go (`live/channel.go`); a channel that fails gets `invalid channel ID` " +
			"and the panel shows `Streaming channel error: invalid channel ID` (the `-- Grafana --` " +
			"datasource silently skips IDs with fewer than three parts: the panel shows no data). There " +
			"is no trimming, case folding or decoding, and no `uid:type` or `ds_uid:name` form — advice " +
			"that circulates on the web and produces exactly this error. The `.` in scope and namespace " +
			"is accepted only since SDK v0.275.0 (Grafana 12.0). The `-- Grafana --` datasource " +
			"interpolates and trims (`parseLiveChannelAddress` in `@grafana/data`); TestData " +
			"(`runGrafanaLiveQuery`) and the live panel send the text as written. Both datasources skip " +
			"a query whose `hide` is set (`if (target.hide) continue` in their `query()`); a v2 " +
			"dashboard's `PanelQuery` `hidden` becomes that `hide`.",
		Bad: []rules.Example{
			{Path: "grafana/provisioning/dashboards/provider.yaml", Content: exampleProvider},
			{Path: "grafana/provisioning/dashboards/live.json", Content: exampleDashboard("abc123:influxdb")},
			{Path: "grafana/provisioning/dashboards/random.json", Content: exampleRandomDashboard(" random-2s-stream")},
		},
		Good: []rules.Example{
			{Path: "grafana/provisioning/dashboards/provider.yaml", Content: exampleProvider},
			{Path: "grafana/provisioning/dashboards/live.json", Content: exampleDashboard("stream/telegraf/cpu")},
			{Path: "grafana/provisioning/dashboards/random.json", Content: exampleRandomDashboard("random-2s-stream")},
		},
		Fixed: []rules.Example{
			{Path: "grafana/provisioning/dashboards/random.json", Content: exampleRandomDashboard("random-2s-stream")},
		},
		Fix: "Write the channel as `scope/namespace/path` using only letters, digits, `_`, `-` and `.` " +
			"(plus `/` and `=` in the path): `stream/<stream id>/<measurement>` for data pushed to " +
			"`/api/live/push/<stream id>`, `ds/<datasource uid>/<path>` for a datasource stream, " +
			"`plugin/<plugin id>/<path>` for a plugin stream. Keep it within 160 bytes.",
	},
	PerDashboard: true,
	Check:        checkMalformed,
}

// exampleRandomDashboard is a TestData live query on path, in a dashboard
// of its own.
func exampleRandomDashboard(path string) string {
	return strings.Replace(exampleTestdataDashboard(path), `"uid": "live-demo"`, `"uid": "random-demo"`, 1)
}

func checkMalformed(c *rules.Context) {
	for _, u := range uses(c) {
		if u.err == nil {
			continue
		}
		pos := u.pos(c, u.err.Offset)
		var end model.Pos
		if u.err.Kind == ErrBadChar {
			_, end = u.spanPos(c, u.err.Offset, u.err.Offset+u.err.Size)
		}
		f := rules.Finding{
			Pos:     pos,
			End:     end,
			Message: malformedMessage(c, u),
			Entity:  u.entity(),
			Key:     u.key(),
		}
		if u.ch.Hidden {
			// Grafana skips hidden queries: the channel is wrong, but
			// nothing breaks until the query is shown again.
			f.Severity = rules.Info
		}
		if u.surrounding && u.err.Kind == ErrBadChar && isJSSpace(u.err.Char) {
			f.Fix = spacesFix(c, u)
		}
		c.Report(f)
	}
}

func malformedMessage(c *rules.Context, u *use) string {
	e := u.err
	shown := u.ch.Value.V
	if u.ch.Source == model.ChannelTestData {
		shown = u.id
	}
	reason := e.Error()
	if len(u.vars) > 0 {
		reason += ", whatever values its variables take"
	}
	var b strings.Builder
	if u.ch.Hidden {
		fmt.Fprintf(&b, "invalid %s %q in a hidden query: %s; Grafana does not run hidden queries, so nothing fails now, but once the query is shown again %s", u.where(), shown, reason, symptom(u))
	} else {
		fmt.Fprintf(&b, "invalid %s %q: %s; %s", u.where(), shown, reason, symptom(u))
	}
	if h := malformedHint(c, u); h != "" {
		b.WriteString(": ")
		b.WriteString(h)
	}
	return b.String()
}

// symptom says what the user sees for the error.
func symptom(u *use) string {
	structural := u.err.Kind == ErrEmpty || u.err.Kind == ErrMissingPart || u.err.Kind == ErrEmptyPart
	switch {
	case u.ch.Source == model.ChannelMeasurements && structural:
		return "the -- Grafana -- datasource skips it and the panel shows no data"
	case u.ch.Source == model.ChannelTestData && u.err.Kind == ErrEmptyPart && u.id == testdataPrefix:
		return "TestData fails the query with \"Missing channel config\""
	case u.ch.Source == model.ChannelLivePanel && structural:
		return "the live panel never subscribes"
	}
	return "Grafana's server rejects it with \"invalid channel ID\""
}

func malformedHint(c *rules.Context, u *use) string {
	e := u.err
	id := u.id
	switch {
	case e.Kind == ErrBadChar && e.Char == ':' || (strings.Contains(id, ":") && !strings.Contains(id, "/")):
		return "there is no \"uid:type\" or \"ds_uid:name\" channel form; a channel is scope/namespace/path, e.g. " +
			"\"stream/<stream id>/<measurement>\" or \"ds/<datasource uid>/<path>\""
	case u.surrounding && e.Kind == ErrBadChar && isJSSpace(e.Char):
		return "remove the surrounding spaces: Grafana does not trim this field"
	case e.Kind == ErrBadChar && e.Char == '$' && u.ch.Source == model.ChannelTestData:
		return "TestData does not replace dashboard variables in the channel path; write the path itself"
	case e.Kind == ErrBadChar && e.Char == '$' && u.ch.Source == model.ChannelLivePanel:
		return "the live panel does not replace dashboard variables; write the channel itself"
	case e.Kind == ErrBadChar && e.Char == '$' || e.Kind == ErrBadChar && e.Char == '[':
		for _, sp := range u.undefined {
			if e.Offset == sp.start {
				return fmt.Sprintf("the dashboard defines no variable %q, so Grafana sends %q as written; define the variable or write the value", sp.name, id[sp.start:sp.end])
			}
		}
	case e.Kind == ErrBadChar && e.Char == '.' && e.Part < Path && !c.Version.AtLeast(12, 0):
		return fmt.Sprintf("\".\" in the scope and namespace is accepted only from Grafana 12.0 (plugin SDK v0.275.0), this stack targets %s; rename it or upgrade", c.Version)
	case e.Kind == ErrTooLong:
		return fmt.Sprintf("shorten it to at most %d bytes (non-ASCII characters count several)", MaxLen)
	case e.Kind == ErrMissingPart || e.Kind == ErrEmpty:
		return "write scope/namespace/path, e.g. \"stream/<stream id>/<measurement>\""
	case e.Kind == ErrEmptyPart:
		return fmt.Sprintf("fill in the %s", e.Part)
	}
	if e.Kind == ErrBadChar {
		if e.Part == Path {
			return "use only letters, digits, \"_\", \"-\", \".\", \"/\" and \"=\" in the path"
		}
		if c.Version.AtLeast(12, 0) {
			return fmt.Sprintf("use only letters, digits, \"_\", \"-\" and \".\" in the %s", e.Part)
		}
		return fmt.Sprintf("use only letters, digits, \"_\" and \"-\" in the %s", e.Part)
	}
	return ""
}
