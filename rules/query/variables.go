package query

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/grafanalint/grafanalint/parsers/model"
	"github.com/grafanalint/grafanalint/rules"
)

// The forms of a Prometheus variable query, as Grafana matches them
// (packages/grafana-prometheus/src/metric_find_query.ts and
// migrations/variableMigration.ts). Like JavaScript's, "." does not match a
// newline.
var (
	promLabelNames     = regexp.MustCompile(`^label_names\(\)\s*$`)
	promLabelNamesWith = regexp.MustCompile(`^label_names\((.+)\)\s*$`)
	promLabelValues    = regexp.MustCompile(`^label_values\((?:(.+),\s*)?([^,()]+?)\)\s*$`)
	promMetrics        = regexp.MustCompile(`^metrics\((.+)\)\s*$`)
	promQueryResult    = regexp.MustCompile(`^query_result\((.+)\)\s*$`)
	labelName          = regexp.MustCompile(`^[a-zA-Z_][a-zA-Z0-9_]*$`)
	// Loki's (public/app/plugins/datasource/loki/LokiVariableSupport and
	// migrations): label_names() and label_values([stream, ]label).
	lokiLabelNames  = regexp.MustCompile(`^label_names\(\)\s*$`)
	lokiLabelValues = regexp.MustCompile(`^label_values\((?:(.+),\s*)?([^,()]+?)\)\s*$`)
)

// VariableSyntax reports Prometheus and Loki query variables whose query
// does not parse.
var VariableSyntax = &rules.Rule{
	ID:       "query/variable-syntax",
	Severity: rules.Error,
	Summary:  "a Prometheus or Loki query variable's query does not parse once Grafana has replaced its variables",
	Doc: rules.Doc{
		What: "Reports a query variable of a Prometheus or Loki datasource (string form or the editor's object form `{\"query\": …, \"qryType\": …}`, v1 and v2 dashboards) whose query fails where Grafana sends it: the series selector of `label_values(selector, label)` and of a raw series query (`up{job=\"x\"}`, sent as `match[]`), the expression of `query_result(…)`, a `label_values` label that is not a label name, and for Loki the stream selector of `label_values(selector, label)`. `label_names()`, `label_names(regex)` and `metrics(regex)` hold no PromQL and are not parsed. Variables are replaced first, as for panel queries; the finding points at the character where the parser stopped.\n\nCompared with dashboard-linter's `template-label-promql-rule`: grafanalint checks variables of dashboards without a Prometheus datasource variable, Loki variables, the object form and v2 dashboards, parses selectors as selectors (a raw `sum(rate(x[5m]))` variable query, which Prometheus's series API rejects, is reported), and gives the position. The reverse: dashboard-linter reports any query of another form as an invalid function (a raw series query included), which grafanalint does not, as Grafana runs it.",
		Why:  "Grafana runs the variable's query to fill its options; when Prometheus or Loki rejects it the variable ends empty (or keeps a stale saved value), and every panel that uses the variable queries for nothing.",
		Bad:  variableExample(`"label_values(up{job=~\"$job\", instance}, instance)"`),
		Good: variableExample(`"label_values(up{job=~\"$job\"}, instance)"`),
		Fix:  "Correct the query where the message points; the variable editor's preview shows the options it yields.",
	},
	PerDashboard: true,
	Check: func(c *rules.Context) {
		forEachDashboard(c, func(c reporter, d *model.Dashboard, ix *Index) { checkVariables(c, d, ix) })
	},
}

// checkVariables reports the query variables of one dashboard whose query
// does not parse.
func checkVariables(c reporter, d *model.Dashboard, ix *Index) {
	metricsQL := isMetricsQL(d, ix)
	for _, v := range d.Variables {
		if v.Type != "query" || strings.TrimSpace(v.Query.V) == "" {
			continue
		}
		text := model.Text{Str: v.Query, Raw: v.QueryRaw}
		switch VariableType(ix, d, v) {
		case TypePrometheus:
			if !metricsQL {
				checkPromVariable(c, d, v, text)
			}
		case TypeLoki:
			checkLokiVariable(c, d, v, text)
		}
	}
}

// checkPromVariable checks the parts of a Prometheus variable query
// Grafana sends to Prometheus.
func checkPromVariable(c reporter, d *model.Dashboard, v *model.Variable, text model.Text) {
	q := text.V
	switch {
	case promLabelNames.MatchString(q), promLabelNamesWith.MatchString(q), promMetrics.MatchString(q):
		return
	case q == "label_values()" || q == "metrics()" || q == "query_result()":
		return
	}
	if m := promLabelValues.FindStringSubmatchIndex(q); m != nil {
		label := q[m[4]:m[5]]
		if !strings.ContainsAny(label, "$[") && !labelName.MatchString(strings.TrimSpace(label)) {
			reportVariable(c, d, v, text, m[4], fmt.Sprintf("label_values() needs a label name as its last argument, not %q", label))
			return
		}
		if m[2] >= 0 {
			sel := q[m[2]:m[3]]
			if isEmptySelector(sel) {
				return
			}
			variablePart(c, d, v, text, m[2], sel, "series selector", promQL, validPromSelector)
		}
		return
	}
	if m := promQueryResult.FindStringSubmatchIndex(q); m != nil {
		variablePart(c, d, v, text, m[2], q[m[2]:m[3]], "query_result() expression", promQL, validPromQL)
		return
	}
	variablePart(c, d, v, text, 0, q, "series selector", promQL, validPromSelector)
}

// isEmptySelector reports a blank filter or "{}", which Grafana drops.
func isEmptySelector(s string) bool {
	return strings.Join(strings.Fields(s), "") == "{}" || strings.TrimSpace(s) == ""
}

// checkLokiVariable checks the stream selector of a Loki label_values
// query.
func checkLokiVariable(c reporter, d *model.Dashboard, v *model.Variable, text model.Text) {
	q := text.V
	if lokiLabelNames.MatchString(q) {
		return
	}
	m := lokiLabelValues.FindStringSubmatchIndex(q)
	if m == nil {
		return
	}
	label := q[m[4]:m[5]]
	if !strings.ContainsAny(label, "$[") && !labelName.MatchString(strings.TrimSpace(label)) {
		reportVariable(c, d, v, text, m[4], fmt.Sprintf("label_values() needs a label name as its last argument, not %q", label))
		return
	}
	if m[2] >= 0 && !isEmptySelector(q[m[2]:m[3]]) {
		variablePart(c, d, v, text, m[2], q[m[2]:m[3]], "stream selector", logQL, validLogQL)
	}
}

// variablePart parses part (starting at byte offset at of the query) and
// reports where it fails.
func variablePart(c reporter, d *model.Dashboard, v *model.Variable, text model.Text, at int, part, what string, l lang, parse parseFunc) {
	_, perr, off := check(part, d, l, parse)
	if perr == nil {
		return
	}
	reportVariable(c, d, v, text, at+off, fmt.Sprintf("its %s does not parse: %s", what, perr.msg))
}

func reportVariable(c reporter, d *model.Dashboard, v *model.Variable, text model.Text, off int, why string) {
	c.Report(rules.Finding{
		Pos:     textPos(text, off),
		Message: fmt.Sprintf("query of variable %q: %s; the variable gets no values and the panels that use it query for nothing: correct %q", v.Name.V, why, quoteExpr(text.V)),
		Entity:  entity(d),
		Key:     "variable:" + v.Name.V,
		Labels:  dashboardLinterLabels(d, nil, nil),
	})
}

// variableExample is a provisioned dashboard with a Prometheus query
// variable.
func variableExample(query string) []rules.Example {
	return []rules.Example{
		{Path: "grafana/provisioning/datasources/ds.yaml", Content: exPromDS},
		{Path: "grafana/provisioning/dashboards/provider.yaml", Content: exProvider},
		{Path: "grafana/provisioning/dashboards/service.json", Content: `{
  "uid": "service",
  "title": "Service",
  "schemaVersion": 39,
  "templating": {"list": [
    {"name": "job", "type": "query", "datasource": {"type": "prometheus", "uid": "prometheus"},
     "query": "label_values(up, job)"},
    {"name": "instance", "type": "query", "datasource": {"type": "prometheus", "uid": "prometheus"},
     "query": ` + query + `}
  ]},
  "panels": []
}
`},
	}
}
