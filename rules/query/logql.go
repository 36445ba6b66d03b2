package query

import (
	"github.com/grafanalint/grafanalint/parsers/logql"
	"github.com/grafanalint/grafanalint/parsers/model"
	"github.com/grafanalint/grafanalint/rules"
)

// parseLogQL parses an interpolated LogQL expression.
func parseLogQL(s string) (any, *parseError) {
	if err := logql.Parse(s); err != nil {
		return nil, &parseError{start: err.Offset, end: err.Offset + 1, msg: err.Msg}
	}
	return nil, nil
}

// LogQLSyntax reports Loki queries that do not parse.
var LogQLSyntax = &rules.Rule{
	ID:       "query/logql-syntax",
	Severity: rules.Error,
	Summary:  "a Loki query's expr does not parse as LogQL once Grafana has replaced its variables",
	Doc: rules.Doc{
		What: "Reports the `expr` of a Loki query (a panel target, v1 or v2 dashboard, in rows, nested and library panels) that Loki's LogQL parser rejects after Grafana's macros (`$__auto`, `$__interval`, `$__range` …) and the dashboard's variables are replaced: the grammar of Loki's `pkg/logql/syntax` (`syntax.y`, its lexer's durations, byte sizes and case-insensitive keywords), the checks its constructors make (regex matchers that do not compile, `topk` without a positive integer, grouping or `unwrap` on a range aggregation that does not allow it, `regexp` parsers without a named group, invalid `pattern` parsers) and `validateExpr` (a selector needs a matcher that does not match the empty value: `{job=~\".*\"}` is rejected). A line filter regex that does not compile (`|~ \"(\"`), which Loki rejects when it runs the query, is reported too. The finding points at the offending character inside the JSON string. Which queries are Loki ones follows the datasource resolution of the datasource rules; unknown types and hidden queries are not parsed.\n\nCompared with dashboard-linter's `target-logql-rule`: grafanalint also checks queries of panel types dashboard-linter skips, queries whose Loki datasource is named by UID or name rather than by a `type` or a datasource variable, and v2 dashboards, and gives the position. The reverse: dashboard-linter also flags an empty `expr`, which Grafana skips; a `panelId` naming no panel is `query/missing-source-panel` here.",
		Why:  "Grafana sends the interpolated query to Loki, which answers `parse error at line 1, col 12: syntax error: …` and the panel shows it instead of logs or graphs, for every viewer. Grafana replaces variables in the browser (`public/app/plugins/datasource/loki/datasource.ts`, `interpolateQueryExpr`: multi-value variables regex-escaped and joined with `|`) and `$__auto`, `$__interval` and `$__range` on the server (`pkg/tsdb/loki`).",
		Bad:  lokiExample(`"sum(count_over_time({job=\"app\"} |= \"error\" [$__auto])) by (level"`),
		Good: lokiExample(`"sum(count_over_time({job=\"app\"} |= \"error\" [$__auto])) by (level)"`),
		Fix:  "Correct the query where the message points; test it in Explore with the same variable values.",
	},
	PerDashboard: true,
	Check: func(c *rules.Context) {
		forEachDashboard(c, func(c reporter, d *model.Dashboard, ix *Index) { checkLogQLTargets(c, d, ix) })
	},
}

// checkLogQLTargets reports the Loki targets of one dashboard that do not
// parse.
func checkLogQLTargets(c reporter, d *model.Dashboard, ix *Index) {
	for _, t := range targets(d, ix) {
		if t.typ != TypeLoki || t.query.Hide {
			continue
		}
		reportSyntax(c, d, t.panel, t.query, t.query.Expr, "LogQL", logQL, validLogQL)
	}
}

const exLokiDS = `apiVersion: 1
datasources:
  - name: Loki
    type: loki
    uid: loki
    url: http://loki:3100
`

// lokiExample is a provisioned dashboard with one Loki query.
func lokiExample(expr string) []rules.Example {
	return []rules.Example{
		{Path: "grafana/provisioning/datasources/ds.yaml", Content: exLokiDS},
		{Path: "grafana/provisioning/dashboards/provider.yaml", Content: exProvider},
		{Path: "grafana/provisioning/dashboards/logs.json", Content: `{
  "uid": "logs",
  "title": "Logs",
  "schemaVersion": 39,
  "panels": [
    {
      "id": 1,
      "type": "timeseries",
      "title": "Errors",
      "datasource": {"type": "loki", "uid": "loki"},
      "targets": [{"refId": "A", "expr": ` + expr + `}]
    }
  ]
}
`},
	}
}
