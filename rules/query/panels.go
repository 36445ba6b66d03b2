package query

import (
	"fmt"

	"github.com/grafanalint/grafanalint/parsers/model"
	"github.com/grafanalint/grafanalint/rules"
)

// dataPanels are the core panel types that draw query results and show
// "No data" without a query.
var dataPanels = map[string]bool{
	"timeseries": true, "graph": true, "stat": true, "singlestat": true, "gauge": true,
	"bargauge": true, "table": true, "table-old": true, "barchart": true, "piechart": true,
	"heatmap": true, "histogram": true, "state-timeline": true, "status-history": true,
	"trend": true, "xychart": true, "candlestick": true,
}

// PanelNoTargets reports data panels without queries.
var PanelNoTargets = &rules.Rule{
	ID:       "query/panel-no-targets",
	Severity: rules.Warning,
	Summary:  "a panel that draws query results has no query",
	Doc: rules.Doc{
		What: "Reports a panel of a type that draws query results (time series, graph, stat, singlestat, gauge, bar gauge, table, bar chart, pie chart, heatmap, histogram, state timeline, status history, trend, XY chart, candlestick) whose `targets` are absent, null or empty (v2: no queries in its query group). Library panel references, whose queries live in the library panel, are not reported.\n\nCompared with dashboard-linter's `panel-no-targets-rule`: grafanalint also reports an empty `targets` array and the panel types dashboard-linter does not list (it checks stat, singlestat, graph, table, timeseries and gauge), and v2 panels.",
		Why:  "With no query the panel runs nothing and shows `No data` for every viewer; it is usually a panel whose queries were lost in a copy or an export.",
		Bad:  panelExample(`"targets": []`),
		Good: panelExample(`"targets": [{"refId": "A", "expr": "up"}]`),
		Fix:  "Add the panel's queries, or delete the panel.",
	},
	PerDashboard: true,
	Check: func(c *rules.Context) {
		forEachDashboard(c, func(c reporter, d *model.Dashboard, _ *Index) { checkPanelNoTargets(c, d) })
	},
}

func checkPanelNoTargets(c reporter, d *model.Dashboard) {
	for _, p := range d.Panels {
		if len(p.Queries) > 0 || p.Library || !dataPanels[p.Type.V] {
			continue
		}
		pos := p.Type.Pos
		if !pos.IsValid() {
			pos = p.Pos
		}
		c.Report(rules.Finding{
			Pos:     pos,
			Message: fmt.Sprintf("%s has no query: it shows \"No data\" for every viewer; add its queries or delete it", panelName(p)),
			Entity:  entity(d),
			Key:     p.Pointer,
			Labels:  dashboardLinterLabels(d, p, nil),
		})
	}
}

// panelName names a panel in messages.
func panelName(p *model.Panel) string {
	switch {
	case p.Title.V != "":
		return fmt.Sprintf("%s panel %q", p.Type.V, p.Title.V)
	case p.HasID:
		return fmt.Sprintf("%s panel with id %d", p.Type.V, p.ID)
	}
	return fmt.Sprintf("%s panel at %s", p.Type.V, p.Pointer)
}

// MissingSourcePanel reports -- Dashboard -- queries whose source panel
// does not exist.
var MissingSourcePanel = &rules.Rule{
	ID:       "query/missing-source-panel",
	Severity: rules.Error,
	Summary:  "a -- Dashboard -- query reuses the results of a panel id the dashboard does not have",
	Doc: rules.Doc{
		What: "Reports the `panelId` of a query of the `-- Dashboard --` datasource (the panel's or the query's own datasource) that is the id of no panel of the dashboard, nested and row panels included.\n\nCompared with dashboard-linter (part of `target-promql-rule` and `target-logql-rule`, \"Invalid panel reference in target\"): grafanalint looks for the source panel among nested panels too (dashboard-linter looks only at top-level panels and reports panels inside rows as missing), and checks the `-- Dashboard --` datasource itself rather than Prometheus and Loki queries.",
		Why:  "The `-- Dashboard --` datasource re-uses another panel's query results by panel id (`public/app/plugins/datasource/dashboard`); when no panel has that id the panel shows no data.",
		Bad:  dashboardDSExample(7),
		Good: dashboardDSExample(1),
		Fix:  "Point `panelId` at the id of the panel whose results this panel should show.",
	},
	PerDashboard: true,
	Check: func(c *rules.Context) {
		forEachDashboard(c, func(c reporter, d *model.Dashboard, _ *Index) { checkMissingSourcePanel(c, d) })
	},
}

// isDashboardDS reports a reference to the -- Dashboard -- datasource.
func isDashboardDS(r *model.DatasourceRef) bool {
	if r == nil {
		return false
	}
	switch r.Shape {
	case model.RefString:
		return r.Name.V == "-- Dashboard --"
	case model.RefObject:
		return r.UID.V == "-- Dashboard --"
	}
	return false
}

func checkMissingSourcePanel(c reporter, d *model.Dashboard) {
	for _, p := range d.Panels {
		for _, q := range p.Queries {
			ds := q.Datasource
			if ds == nil || ds.Shape == model.RefNull {
				ds = p.Datasource
			}
			if !isDashboardDS(ds) || !q.PanelIDPos.IsValid() || hasPanelID(d, q.PanelID) {
				continue
			}
			c.Report(rules.Finding{
				Pos:     q.PanelIDPos,
				Message: fmt.Sprintf("%s re-uses the results of panel id %d, which no panel of this dashboard has: it shows no data; point panelId at an existing panel", panelName(p), q.PanelID),
				Entity:  entity(d),
				Key:     q.Pointer,
				Labels:  dashboardLinterLabels(d, p, q),
			})
		}
	}
}

// hasPanelID reports whether a panel of d has id id. Few dashboards
// have -- Dashboard -- queries, and those few: a scan costs less than
// a set of every dashboard's ids.
func hasPanelID(d *model.Dashboard, id int) bool {
	for _, p := range d.Panels {
		if p.HasID && p.ID == id {
			return true
		}
	}
	return false
}

// panelExample is a provisioned dashboard with one timeseries panel.
func panelExample(targets string) []rules.Example {
	return []rules.Example{
		{Path: "grafana/provisioning/datasources/ds.yaml", Content: exPromDS},
		{Path: "grafana/provisioning/dashboards/provider.yaml", Content: exProvider},
		{Path: "grafana/provisioning/dashboards/service.json", Content: `{
  "uid": "service",
  "title": "Service",
  "schemaVersion": 39,
  "panels": [
    {
      "id": 1,
      "type": "timeseries",
      "title": "Up",
      "datasource": {"type": "prometheus", "uid": "prometheus"},
      ` + targets + `
    }
  ]
}
`},
	}
}

// dashboardDSExample is a dashboard whose second panel re-uses panel
// source's results.
func dashboardDSExample(source int) []rules.Example {
	return []rules.Example{
		{Path: "grafana/provisioning/datasources/ds.yaml", Content: exPromDS},
		{Path: "grafana/provisioning/dashboards/provider.yaml", Content: exProvider},
		{Path: "grafana/provisioning/dashboards/service.json", Content: fmt.Sprintf(`{
  "uid": "service",
  "title": "Service",
  "schemaVersion": 39,
  "panels": [
    {"id": 1, "type": "timeseries", "title": "Up",
     "datasource": {"type": "prometheus", "uid": "prometheus"},
     "targets": [{"refId": "A", "expr": "up"}]},
    {"id": 2, "type": "table", "title": "Up (table)",
     "datasource": {"type": "datasource", "uid": "-- Dashboard --"},
     "targets": [{"refId": "A", "panelId": %d}]}
  ]
}
`, source)},
	}
}
