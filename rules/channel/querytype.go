package channel

import (
	"fmt"
	"strings"

	"github.com/grafanalint/grafanalint/parsers/model"
	"github.com/grafanalint/grafanalint/rules"
)

// grafanaQueryTypes are the query types of the built-in -- Grafana --
// datasource: GrafanaQueryType in grafana/grafana
// public/app/plugins/datasource/grafana/types.ts (measurements,
// annotations, snapshot and timeRegions run in the browser; randomWalk,
// list, read, search and searchNext go to the backend,
// pkg/tsdb/grafanads/grafana.go Service.QueryData). Only "measurements"
// subscribes to the query's channel.
var grafanaQueryTypes = []string{"measurements", "annotations", "snapshot", "timeRegions", "randomWalk", "list", "read", "search", "searchNext"}

// MissingQueryType reports channels on -- Grafana -- queries that are not
// Live measurements queries.
var MissingQueryType = &rules.Rule{
	ID:       "channel/missing-query-type",
	Severity: rules.Error,
	Summary:  "a channel on a -- Grafana -- query without queryType \"measurements\": the query is not live",
	Doc: rules.Doc{
		What: "Reports a `channel` written on a query of the built-in `-- Grafana --` datasource (any of its " +
			"reference shapes: `{\"type\": \"datasource\", \"uid\": \"grafana\"}`, `{\"type\": \"grafana\", \"uid\": " +
			"\"-- Grafana --\"}`, the legacy string `\"-- Grafana --\"`, or the panel's datasource when the query " +
			"has none; v1 and v2 dashboards) whose `queryType` is not `measurements`. Without `queryType` " +
			"(or with an empty one) it is an error: Grafana runs the query as a random walk and the panel shows " +
			"random numbers. A `queryType` the datasource does not have (`measurement`, `Measurements`, " +
			"`live`) is an error too: the query fails. Another real query type (`randomWalk`, `search`, " +
			"`list` …) is a warning: the query does what its type says and the channel is ignored, usually a " +
			"leftover of switching the type in the query editor. Hidden queries (`\"hide\": true`, v2 " +
			"`hidden: true`) are not run and are not reported; neither are TestData `live` queries, whose " +
			"`channel` is a path, nor empty channels.",
		Why: "In grafana/grafana `public/app/plugins/datasource/grafana/datasource.ts`, " +
			"`GrafanaDatasource.query` subscribes to `target.channel` only when `target.queryType` is " +
			"`GrafanaQueryType.LiveMeasurements`, whose value is `\"measurements\"` (`types.ts`). Every other " +
			"target goes to the backend, and one without a `queryType` first gets `randomWalk` " +
			"(`if (!target.queryType) target.queryType = GrafanaQueryType.RandomWalk`); the backend " +
			"(`pkg/tsdb/grafanads/grafana.go`, `Service.QueryData`) answers `randomWalk` with " +
			"`testdatasource.RandomWalk` and a type it does not know with `unknown query type`. The query " +
			"editor (`components/QueryEditor.tsx`) shows a query without `queryType` as \"Random Walk\" " +
			"(`defaultQuery`) and keeps `channel` when the type is switched (`onQueryTypeChange`). " +
			"Checked in the versions of these files from Grafana 8 to 11 (for example datasource.ts at " +
			"commit 84f227582328ef1f8bee04186c4894b61e174c7e). The severity follows what the viewer gets: " +
			"invented numbers that look like data, or an error, where a live stream was meant (error); a " +
			"query of the type the author chose in the editor, with a dead `channel` beside it (warning).",
		Bad: []rules.Example{
			{Path: "grafana/provisioning/dashboards/provider.yaml", Content: exampleProvider},
			{Path: "grafana/provisioning/dashboards/live.json", Content: exampleQueryTypeDashboard("")},
		},
		Good: []rules.Example{
			{Path: "grafana/provisioning/dashboards/provider.yaml", Content: exampleProvider},
			{Path: "grafana/provisioning/dashboards/live.json", Content: exampleQueryTypeDashboard(`"queryType": "measurements",`)},
		},
		Fix: "Add `\"queryType\": \"measurements\"` to the query when the panel should stream the channel " +
			"(the editor's \"Live Measurements\" query type); otherwise delete the `channel` member.",
	},
	PerDashboard: true,
	Check:        checkMissingQueryType,
}

func exampleQueryTypeDashboard(queryType string) string {
	if queryType != "" {
		queryType = "\n          " + queryType
	}
	return fmt.Sprintf(`{
  "uid": "live-demo",
  "title": "Live demo",
  "schemaVersion": 39,
  "panels": [
    {
      "id": 1,
      "type": "timeseries",
      "title": "Live",
      "datasource": {"type": "datasource", "uid": "grafana"},
      "targets": [
        {
          "refId": "A",%s
          "channel": "stream/telegraf/cpu"
        }
      ]
    }
  ]
}
`, queryType)
}

func checkMissingQueryType(c *rules.Context) {
	for _, d := range c.Stack.AllDashboards() {
		for _, ch := range d.NonLiveChannels {
			if ch.Hidden || strings.TrimSpace(ch.Value.V) == "" {
				continue
			}
			c.Report(queryTypeFinding(d, ch))
		}
	}
}

// queryTypeFinding describes what the -- Grafana -- datasource does with a
// query that carries a channel but is no measurements query.
func queryTypeFinding(d *model.Dashboard, ch *model.Channel) rules.Finding {
	query := "the query"
	if ch.RefID != "" {
		query = fmt.Sprintf("query %s", ch.RefID)
	}
	key := d.UID.V
	if key == "" {
		key = d.File
	}
	f := rules.Finding{Pos: ch.Value.Pos, End: ch.Value.End, Entity: "channel:" + ch.Value.V, Key: key + "#" + ch.Pointer}
	qt := ch.QueryType.V
	const fix = `add "queryType": "measurements" to the query to stream it`
	switch {
	case qt == "":
		f.Message = fmt.Sprintf("%s of the -- Grafana -- datasource has channel %q but no queryType: Grafana does not subscribe to the channel, it runs the query as a random walk (an empty queryType becomes \"randomWalk\") and the panel shows random numbers; %s",
			query, ch.Value.V, fix)
	case isGrafanaQueryType(qt):
		f.Severity = rules.Warning
		f.Pos, f.End = ch.QueryType.Pos, ch.QueryType.End
		f.Message = fmt.Sprintf("%s is a %q query of the -- Grafana -- datasource, which ignores its channel %q: the panel shows %s, never the channel's data (the query editor keeps the channel when the query type is switched); %s, or delete the channel",
			query, qt, ch.Value.V, whatTypeShows(qt), fix)
		f.Related = []rules.Related{{Pos: ch.Value.Pos, Message: fmt.Sprintf("channel %q is ignored", ch.Value.V)}}
	default:
		f.Pos, f.End = ch.QueryType.Pos, ch.QueryType.End
		advice := `write "queryType": "measurements" to stream it`
		if near := nearQueryType(qt); near != "" && near != "measurements" {
			advice = fmt.Sprintf("query types are case-sensitive: did you mean %q? To stream the channel write \"queryType\": \"measurements\"", near)
		}
		f.Message = fmt.Sprintf("%s has queryType %q, which the -- Grafana -- datasource does not have: the query goes to Grafana's backend, which answers \"unknown query type\", and channel %q is never subscribed; %s",
			query, qt, ch.Value.V, advice)
		f.Related = []rules.Related{{Pos: ch.Value.Pos, Message: fmt.Sprintf("channel %q is never subscribed", ch.Value.V)}}
	}
	return f
}

func isGrafanaQueryType(qt string) bool {
	for _, t := range grafanaQueryTypes {
		if t == qt {
			return true
		}
	}
	return false
}

// whatTypeShows says what a panel gets from a -- Grafana -- query of type qt.
func whatTypeShows(qt string) string {
	switch qt {
	case "randomWalk":
		return "random numbers"
	case "annotations":
		return "annotations"
	case "snapshot":
		return "the frames saved in the query"
	case "timeRegions":
		return "time regions"
	case "list":
		return "a file listing"
	case "read":
		return "the contents of a CSV file"
	}
	return "search results"
}

// nearQueryType returns the query type qt was probably meant to be:
// "measurements" for its usual misspellings, else a type equal but for
// case.
func nearQueryType(qt string) string {
	l := strings.ToLower(strings.TrimSpace(qt))
	switch l {
	case "measurement", "measurements", "live", "livemeasurements", "live-measurements", "live_measurements", "live measurements", "stream", "streaming":
		return "measurements"
	}
	for _, t := range grafanaQueryTypes {
		if strings.EqualFold(t, l) {
			return t
		}
	}
	return ""
}
