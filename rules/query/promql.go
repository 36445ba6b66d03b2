package query

import (
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/prometheus/prometheus/promql/parser"

	"github.com/grafanalint/grafanalint/parsers/model"
	"github.com/grafanalint/grafanalint/rules"
)

// promOptions are the PromQL parser's options: experimental functions and
// fill modifiers are accepted (a server may enable them), so that only
// what no Prometheus accepts is reported.
var promOptions = parser.Options{EnableExperimentalFunctions: true, EnableBinopFillModifiers: true}

// promParser parses with promOptions. It holds only the options (each
// parse takes its state from the package's pool), so every goroutine
// shares it.
var promParser = parser.NewParser(promOptions)

// parsePromQL parses an interpolated PromQL expression.
func parsePromQL(s string) (any, *parseError) {
	stripped, ok := stripRegexes(s)
	if !ok {
		// A regex does not compile: let the parser say where and whether
		// it is a matcher at all.
		return parsePromQLFull(s)
	}
	e, err := promParser.ParseExpr(stripped)
	return e, promError(err, len(s))
}

// Validity checks of the rules that need no AST, through the memo.
var (
	validPromQL       = &validator{lang: promQL, parse: parsePromQL, checkKind: checkPromQL, verdictKind: verdictPromQL}
	validPromSelector = &validator{lang: promQL, parse: parsePromSelector, checkKind: checkPromSelector, verdictKind: verdictPromSelector}
	validLogQL        = &validator{lang: logQL, parse: parseLogQL, checkKind: checkLogQL, verdictKind: verdictLogQL}
)

// parsePromQLFull parses an interpolated PromQL expression with every
// regex matcher as written, for rules that read matcher values.
func parsePromQLFull(s string) (any, *parseError) {
	e, err := promParser.ParseExpr(s)
	return e, promError(err, len(s))
}

// parsePromSelector parses a series selector (the match[] of a variable's
// label_values or series query).
func parsePromSelector(s string) (any, *parseError) {
	stripped, ok := stripRegexes(s)
	if !ok {
		stripped = s
	}
	m, err := promParser.ParseMetricSelector(stripped)
	return m, promError(err, len(s))
}

func promError(err error, n int) *parseError {
	if err == nil {
		return nil
	}
	var errs parser.ParseErrors
	if errors.As(err, &errs) && len(errs) > 0 {
		e := errs[0]
		return &parseError{start: int(e.PositionRange.Start), end: int(e.PositionRange.End), msg: e.Err.Error()}
	}
	var pe *parser.ParseErr
	if errors.As(err, &pe) {
		return &parseError{start: int(pe.PositionRange.Start), end: int(pe.PositionRange.End), msg: pe.Err.Error()}
	}
	return &parseError{start: 0, end: n, msg: err.Error()}
}

// target is one query of a panel with the language it resolved to.
type target struct {
	panel *model.Panel
	query *model.Query
	typ   string
}

// viewTargets are the targets of the dashboard of a view, computed for
// the first rule of the view that reads them and shared by the others.
type viewTargets struct {
	d  *model.Dashboard
	ts []target
	// metricsQL is callMetricsQL(ts): 0 unknown, 1 no, 2 yes.
	metricsQL int8
}

// targets returns the queries of d that run (not hidden) with an
// expression and their resolved plugin type; callers must not modify
// the list (an index of a view shares it among the view's rules).
func targets(d *model.Dashboard, ix *Index) []target {
	if ix == nil || ix.view == nil {
		return newTargets(d, ix)
	}
	if v := ix.view; v.d != d || v.ts == nil {
		*v = viewTargets{d: d, ts: newTargets(d, ix)}
	}
	return ix.view.ts
}

// writtenInMetricsQL reports callMetricsQL(ts) for the targets ts of d.
func writtenInMetricsQL(d *model.Dashboard, ix *Index, ts []target) bool {
	if ix == nil || ix.view == nil || ix.view.d != d {
		return callMetricsQL(ts)
	}
	v := ix.view
	if v.metricsQL == 0 {
		v.metricsQL = 1
		if callMetricsQL(ts) {
			v.metricsQL = 2
		}
	}
	return v.metricsQL == 2
}

// newTargets computes targets(d, ix).
func newTargets(d *model.Dashboard, ix *Index) []target {
	n := 0
	for _, p := range d.Panels {
		n += len(p.Queries)
	}
	out := make([]target, 0, n)
	types := refTypes{ix: ix, d: d}
	for _, p := range d.Panels {
		if p.Type.V == "row" {
			continue
		}
		for _, q := range p.Queries {
			// Grafana runs no query whose expr is empty (filterQuery).
			if isBlank(q.Expr.V) {
				continue
			}
			out = append(out, target{panel: p, query: q, typ: types.target(p, q)})
		}
	}
	return out
}

// isBlank reports whether s is empty or white space only.
func isBlank(s string) bool {
	if s != "" && s[0] > ' ' && s[0] < utf8.RuneSelf {
		return false // no ASCII character after the space is white space
	}
	return strings.TrimSpace(s) == ""
}

// PromQLSyntax reports Prometheus queries that do not parse.
var PromQLSyntax = &rules.Rule{
	ID:       "query/promql-syntax",
	Severity: rules.Error,
	Summary:  "a Prometheus query's expr does not parse as PromQL once Grafana has replaced its variables",
	Doc: rules.Doc{
		What: "Reports the `expr` of a Prometheus query (a panel target, v1 or v2 dashboard, in rows, nested and library panels) that Prometheus's own parser (`github.com/prometheus/prometheus/promql/parser`) rejects after Grafana's macros (`$__rate_interval`, `$__interval`, `$__range`, `$__range_s`, `$__interval_ms` …) and the dashboard's variables (`$var`, `${var}`, `[[var]]`, `${var:format}`) are replaced. The finding points at the character where the parser stopped, inside the JSON string, and quotes its message. Which queries are Prometheus ones follows the datasource resolution of the datasource rules (the query's own datasource, else its panel's; `-- Mixed --` panels' queries by their own; datasource variables by their plugin type; UIDs and names looked up in the stack's provisioning; the default datasource); queries whose type stays unknown are not parsed, and neither are hidden or empty ones (Grafana runs neither). VictoriaMetrics is queried through the Prometheus datasource too: a dashboard whose queries call MetricsQL-only functions (`rollup_rate`, `prometheus_buckets`, `range_first` …) is written in MetricsQL and is not judged as PromQL.\n\nCompared with dashboard-linter's `target-promql-rule`: grafanalint also checks queries of panel types dashboard-linter skips (it checks only singlestat, gauge, table, stat, state-timeline and timeseries), dashboards without a datasource variable (dashboard-linter checks none of their queries), v2 dashboards' queries, and gives the position; variables are replaced by values that fit where they stand rather than by their saved value. The reverse: dashboard-linter also flags an empty `expr` and a `panelId` reference that names no panel; grafanalint reports the latter as `query/missing-source-panel` and treats an empty query as nothing to run, as Grafana does.",
		Why:  "Grafana sends the interpolated expression to Prometheus, which answers `bad_data: invalid parameter \"query\": 1:15: parse error: …`; the panel shows that error for every viewer, on every refresh. Grafana replaces variables in the browser (`packages/grafana-prometheus/src/datasource.ts`, `applyTemplateVariables`, `interpolateQueryExpr`: single values escaped, multi-value and include-all values regex-escaped and joined as `(a|b)`) and interval macros on the server (`pkg/promlib/models/query.go`, `interpolateVariables`).",
		Bad:  promExample(`"sum(rate(http_requests_total{job=~\"$job\"}[$__rate_interval])) by (code"`),
		Good: promExample(`"sum(rate(http_requests_total{job=~\"$job\"}[$__rate_interval])) by (code)"`),
		Fix:  "Correct the expression where the message points; test it in Explore with the same variable values.",
	},
	PerDashboard: true,
	Check: func(c *rules.Context) {
		forEachDashboard(c, func(c reporter, d *model.Dashboard, ix *Index) { checkPromQLTargets(c, d, ix) })
	},
}

// checkPromQLTargets reports the Prometheus targets of one dashboard that
// do not parse.
func checkPromQLTargets(c reporter, d *model.Dashboard, ix *Index) {
	eachPromTarget(d, ix, func(t target) {
		reportSyntax(c, d, t.panel, t.query, t.query.Expr, "PromQL", validPromQL)
	})
}

// eachPromTarget calls fn for every Prometheus target of d that Grafana
// runs (not hidden), unless one of its queries calls a MetricsQL-only
// function: they are then written for VictoriaMetrics, whose dialect the
// PromQL parser does not judge.
func eachPromTarget(d *model.Dashboard, ix *Index, fn func(t target)) {
	ts := targets(d, ix)
	if writtenInMetricsQL(d, ix, ts) {
		return
	}
	for _, t := range ts {
		if t.typ == TypePrometheus && !t.query.Hide {
			fn(t)
		}
	}
}

// reportSyntax checks text with v (after interpolation) and reports
// where it fails.
func reportSyntax(c reporter, d *model.Dashboard, p *model.Panel, q *model.Query, text model.Text, language string, v *validator) {
	perr, off := v.check(text.V, d)
	if perr == nil {
		return
	}
	where := "query"
	if q != nil && q.RefID != "" {
		where = fmt.Sprintf("query %s", q.RefID)
	}
	if p != nil && p.Title.V != "" {
		where += fmt.Sprintf(" of panel %q", p.Title.V)
	}
	pos := textPos(text, off)
	c.Report(rules.Finding{
		Pos:     pos,
		Message: fmt.Sprintf("%s %s does not parse: %s; the panel shows this error instead of data: correct the expression %q", where, language, perr.msg, quoteExpr(text.V)),
		Entity:  entity(d),
		Key:     keyOf(p, q),
		Labels:  dashboardLinterLabels(d, p, q),
	})
}

// keyOf identifies a query for baselines: the target's JSON pointer.
func keyOf(p *model.Panel, q *model.Query) string {
	if q != nil {
		return q.Pointer
	}
	if p != nil {
		return p.Pointer
	}
	return ""
}

const exPromDS = `apiVersion: 1
datasources:
  - name: Prometheus
    type: prometheus
    uid: prometheus
    url: http://prometheus:9090
`

const exProvider = `apiVersion: 1
providers:
  - name: default
    options:
      path: /etc/grafana/provisioning/dashboards
`

// promExample is a provisioned dashboard with one Prometheus query.
func promExample(expr string) []rules.Example {
	return []rules.Example{
		{Path: "grafana/provisioning/datasources/ds.yaml", Content: exPromDS},
		{Path: "grafana/provisioning/dashboards/provider.yaml", Content: exProvider},
		{Path: "grafana/provisioning/dashboards/service.json", Content: `{
  "uid": "service",
  "title": "Service",
  "schemaVersion": 39,
  "templating": {"list": [
    {"name": "job", "type": "query", "datasource": {"type": "prometheus", "uid": "prometheus"},
     "query": "label_values(up, job)", "multi": true, "includeAll": true}
  ]},
  "panels": [
    {
      "id": 1,
      "type": "timeseries",
      "title": "Requests",
      "datasource": {"type": "prometheus", "uid": "prometheus"},
      "targets": [{"refId": "A", "expr": ` + expr + `}]
    }
  ]
}
`},
	}
}
