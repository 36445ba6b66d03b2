package query

import (
	"fmt"
	"strings"
	"unicode"

	"github.com/grafanalint/grafanalint/parsers/model"
	"github.com/grafanalint/grafanalint/rules"
)

// The forms of a Prometheus variable query, as Grafana matches them
// (packages/grafana-prometheus/src/metric_find_query.ts and
// migrations/variableMigration.ts), and of a Loki one
// (public/app/plugins/datasource/loki/LokiVariableSupport and
// migrations), are read by hand, with the meaning of Grafana's regular
// expressions (variables_test.go checks them against those by fuzzing):
//
//	label_names()                 ^label_names\(\)\s*$
//	label_names(regex)            ^label_names\((.+)\)\s*$
//	metrics(regex)                ^metrics\((.+)\)\s*$
//	query_result(expr)            ^query_result\((.+)\)\s*$
//	label_values([sel, ]label)    ^label_values\((?:(.+),\s*)?([^,()]+?)\)\s*$
//
// Like JavaScript's (and Go's), "." does not match a newline; \s is
// \t, \n, \f, \r or a space.

// isRESpace reports whether \s matches c.
func isRESpace(c byte) bool {
	return c == ' ' || c == '\t' || c == '\n' || c == '\f' || c == '\r'
}

// closingParen returns the offset of q's last character other than \s
// when it is ")", else -1: the ")" a form's \)\s*$ matches.
func closingParen(q string) int {
	t := len(q) - 1
	for t >= 0 && isRESpace(q[t]) {
		t--
	}
	if t < 0 || q[t] != ')' {
		return -1
	}
	return t
}

// isLabelNamesCall matches label_names() with nothing in the parentheses.
func isLabelNamesCall(q string) bool {
	const prefix = "label_names("
	t := closingParen(q)
	return t == len(prefix) && strings.HasPrefix(q, prefix)
}

// callArg matches name(arg), arg one or more characters but a newline:
// the offsets of arg.
func callArg(q, name string) (start, end int, ok bool) {
	start = len(name) + 1
	if len(q) < start || q[:len(name)] != name || q[len(name)] != '(' {
		return 0, 0, false
	}
	end = closingParen(q)
	if end <= start || strings.IndexByte(q[start:end], '\n') >= 0 {
		return 0, 0, false
	}
	return start, end, true
}

// labelValuesCall matches label_values([sel, ]label): the offsets of sel
// (-1 when absent: the label is the only argument) and of label, which
// holds no ",", "(" or ")". The selector runs to the last comma (one or
// more characters but a newline); the label starts after the white space
// that follows it, leaving the label at least one character.
func labelValuesCall(q string) (sel0, sel1, label0, label1 int, ok bool) {
	const prefix = "label_values("
	if !strings.HasPrefix(q, prefix) {
		return 0, 0, 0, 0, false
	}
	t := closingParen(q)
	if t < 0 {
		return 0, 0, 0, 0, false
	}
	args := q[len(prefix):t]
	if c := strings.LastIndexByte(args, ','); c > 0 && !strings.ContainsAny(args[c+1:], ",()") && c+2 <= len(args) && strings.IndexByte(args[:c], '\n') < 0 {
		l := c + 1
		for l < len(args)-1 && isRESpace(args[l]) {
			l++
		}
		return len(prefix), len(prefix) + c, len(prefix) + l, t, true
	}
	if args != "" && !strings.ContainsAny(args, ",()") {
		return -1, -1, len(prefix), t, true
	}
	return 0, 0, 0, 0, false
}

// isLabelName matches ^[a-zA-Z_][a-zA-Z0-9_]*$.
func isLabelName(s string) bool {
	if s == "" || s[0] >= '0' && s[0] <= '9' {
		return false
	}
	for i := 0; i < len(s); i++ {
		if !isWordByte(s[i]) {
			return false
		}
	}
	return true
}

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
	// Whether d is written in MetricsQL, read when it has a Prometheus
	// variable to check: 0 unknown, 1 no, 2 yes.
	metricsQL := 0
	for _, v := range d.Variables {
		if v.Type != "query" || isBlank(v.Query.V) {
			continue
		}
		text := model.Text{Str: v.Query, Raw: v.QueryRaw}
		switch VariableType(ix, d, v) {
		case TypePrometheus:
			if metricsQL == 0 {
				metricsQL = 1
				if isMetricsQL(d, ix) {
					metricsQL = 2
				}
			}
			if metricsQL == 1 {
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
	case isLabelNamesCall(q):
		return
	case q == "label_values()" || q == "metrics()" || q == "query_result()":
		return
	}
	if _, _, ok := callArg(q, "label_names"); ok {
		return
	}
	if _, _, ok := callArg(q, "metrics"); ok {
		return
	}
	if sel0, sel1, l0, l1, ok := labelValuesCall(q); ok {
		label := q[l0:l1]
		if !strings.ContainsAny(label, "$[") && !isLabelName(strings.TrimSpace(label)) {
			reportVariable(c, d, v, text, l0, fmt.Sprintf("label_values() needs a label name as its last argument, not %q", label))
			return
		}
		if sel0 >= 0 {
			sel := q[sel0:sel1]
			if isEmptySelector(sel) {
				return
			}
			variablePart(c, d, v, text, sel0, sel, "series selector", validPromSelector)
		}
		return
	}
	if start, end, ok := callArg(q, "query_result"); ok {
		variablePart(c, d, v, text, start, q[start:end], "query_result() expression", validPromQL)
		return
	}
	variablePart(c, d, v, text, 0, q, "series selector", validPromSelector)
}

// isEmptySelector reports a blank filter or "{}", which Grafana drops.
func isEmptySelector(s string) bool {
	// n counts the characters other than white space: "{" then "}".
	n := 0
	for _, r := range s {
		switch {
		case unicode.IsSpace(r):
		case n == 0 && r == '{', n == 1 && r == '}':
			n++
		default:
			return false
		}
	}
	return n == 0 || n == 2
}

// checkLokiVariable checks the stream selector of a Loki label_values
// query.
func checkLokiVariable(c reporter, d *model.Dashboard, v *model.Variable, text model.Text) {
	q := text.V
	if isLabelNamesCall(q) {
		return
	}
	sel0, sel1, l0, l1, ok := labelValuesCall(q)
	if !ok {
		return
	}
	label := q[l0:l1]
	if !strings.ContainsAny(label, "$[") && !isLabelName(strings.TrimSpace(label)) {
		reportVariable(c, d, v, text, l0, fmt.Sprintf("label_values() needs a label name as its last argument, not %q", label))
		return
	}
	if sel0 >= 0 && !isEmptySelector(q[sel0:sel1]) {
		variablePart(c, d, v, text, sel0, q[sel0:sel1], "stream selector", validLogQL)
	}
}

// variablePart parses part (starting at byte offset at of the query) and
// reports where it fails.
func variablePart(c reporter, d *model.Dashboard, v *model.Variable, text model.Text, at int, part, what string, valid *validator) {
	perr, off := valid.check(part, d)
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
