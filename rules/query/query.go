// Package query holds the rules about what dashboard queries say: PromQL
// and LogQL in panel targets and query variables that do not parse once
// Grafana has replaced its macros and variables, panels without queries,
// -- Dashboard -- queries whose source panel is gone, and (off by default,
// category "convention") the conventions grafana/dashboard-linter checks
// for Prometheus mixin dashboards.
//
// Every check is a function of one dashboard and a read-only Index of its
// stack (datasource types by UID and name, default datasource, the
// dashboard's organisation), so dashboards can be checked one at a time.
// Which language a query is in follows the datasource resolution of the
// datasource rules: the query's own reference, else its panel's (a
// -- Mixed -- panel's queries name their own), datasource variables by
// their plugin type, UIDs and names looked up among the stack's
// datasources, null and "default" as the organisation's default
// datasource. A query whose type stays unknown is not parsed.
//
// Before parsing, references to variables are replaced as Grafana replaces
// them (parsers/interpolate): built-in macros by a value of their kind,
// constant variables by their value, other variables by a value that fits
// where they stand, trying each kind of operand in turn, so that a query
// is reported only when no value of its variables makes it parse.
package query

import (
	"runtime"
	"slices"
	"unicode/utf8"

	"github.com/grafanalint/grafanalint/parsers/interpolate"
	"github.com/grafanalint/grafanalint/parsers/model"
	"github.com/grafanalint/grafanalint/rules"
)

// Rules returns the query and convention rules in catalogue order.
func Rules() []*rules.Rule {
	return []*rules.Rule{
		PromQLSyntax, LogQLSyntax, VariableSyntax, PanelNoTargets, MissingSourcePanel,
		DatasourceVariable, JobVariable, InstanceVariable, VariableRefresh, PanelDatasource,
		PanelTitleDescription, PanelUnits, RateInterval, JobMatcher, InstanceMatcher,
		CounterAggregation, LogQLAuto, Editable,
	}
}

// DashboardLinterPreset maps each grafana/dashboard-linter rule to the
// grafanalint rule with the same intent.
var DashboardLinterPreset = map[string]string{
	"target-promql-rule":                  "query/promql-syntax",
	"target-logql-rule":                   "query/logql-syntax",
	"template-label-promql-rule":          "query/variable-syntax",
	"panel-no-targets-rule":               "query/panel-no-targets",
	"template-datasource-rule":            "convention/datasource-variable",
	"template-job-rule":                   "convention/job-variable",
	"template-instance-rule":              "convention/instance-variable",
	"template-on-time-change-reload-rule": "convention/variable-refresh",
	"panel-datasource-rule":               "convention/panel-datasource",
	"panel-title-description-rule":        "convention/panel-title-description",
	"panel-units-rule":                    "convention/panel-units",
	"target-rate-interval-rule":           "convention/rate-interval",
	"target-job-rule":                     "convention/job-matcher",
	"target-instance-rule":                "convention/instance-matcher",
	"target-counter-agg-rule":             "convention/counter-aggregation",
	"target-logql-auto-rule":              "convention/logql-auto",
	"uneditable-dashboard":                "convention/editable",
}

// reporter receives findings: the rule's context, or a collector of one
// dashboard's findings.
type reporter interface{ Report(rules.Finding) }

// collector keeps the findings of one dashboard.
type collector []rules.Finding

// Report implements reporter.
func (c *collector) Report(f rules.Finding) { *c = append(*c, f) }

// indexKey keys the stack's Index among the values rules share.
type indexKey struct{}

// forEachDashboard runs check on every dashboard of the stack (provisioned
// and loose) against the stack's index, built once per stack. Dashboards
// are checked in parallel (check reads only its dashboard and the index);
// their findings are reported in dashboard order.
func forEachDashboard(c *rules.Context, check func(r reporter, d *model.Dashboard, ix *Index)) {
	if c.InDashboardView() {
		// The view's dashboard is checked (see reportable), by the
		// view's rules one after another.
		ix := rules.Shared(c, indexKey{}, func() *Index { return viewIndex(c) })
		for _, d := range c.Stack.Dashboards {
			check(c, d, ix)
		}
		for _, d := range c.Stack.LooseDashboards {
			check(c, d, ix)
		}
		return
	}
	ix := rules.Shared(c, indexKey{}, func() *Index { return NewIndex(c.Stack) })
	ds := rules.Shared(c, reportableKey{}, func() []*model.Dashboard { return reportable(c) })
	if len(ds) <= 1 || runtime.GOMAXPROCS(0) <= 1 {
		for _, d := range ds {
			check(c, d, ix)
		}
		return
	}
	out := make([]collector, len(ds))
	rules.Parallel(len(ds), func(i int) { check(&out[i], ds[i], ix) })
	for _, fs := range out {
		for _, f := range fs {
			c.Report(f)
		}
	}
}

type reportableKey struct{}

// reportable returns the stack's dashboards whose query findings the run
// can report. Linting explicit files (pre-commit) reports a finding when
// it sits in a named file or its entity — here its dashboard, by uid — is
// defined in one; the other dashboards of the stack are loaded as context
// only, and checking their queries (parsing every PromQL and LogQL
// expression) would produce findings the engine drops. A dashboard whose
// file the model does not hold as a file of its own (one embedded in a
// Kubernetes manifest) is always checked.
//
// In the view of one dashboard (rules.Rule.PerDashboard) the engine has
// already made that decision for every rule that reads dashboards one at
// a time: the dashboard in view is checked.
func reportable(c *rules.Context) []*model.Dashboard {
	all := c.Stack.AllDashboards()
	if c.InDashboardView() {
		return all
	}
	skip := func(d *model.Dashboard) bool {
		f := c.File(d.File)
		return f != nil && !f.Reported
	}
	if !slices.ContainsFunc(all, skip) {
		return all
	}
	named := map[string]bool{}
	for _, d := range all {
		if d.UID.V != "" && !skip(d) {
			named[d.UID.V] = true
		}
	}
	out := make([]*model.Dashboard, 0, len(all))
	for _, d := range all {
		if !skip(d) || d.UID.V != "" && named[d.UID.V] {
			out = append(out, d)
		}
	}
	return out
}

// textPos returns the position of byte offset off of t's value: through
// the JSON escapes of its raw text, in code points from its first
// character (a JSON string is always on one line).
func textPos(t model.Text, off int) model.Pos {
	off = min(max(off, 0), len(t.V))
	src := t.V
	rawOff := off
	if t.Raw != "" {
		src = t.Raw
		rawOff = interpolate.RawOffset(t.Raw, off)
	}
	p := t.Pos
	p.Col += interpolate.Columns(src, rawOff)
	return p
}

// entity names a dashboard for exclusions.
func entity(d *model.Dashboard) string {
	if d.UID.V != "" {
		return "dashboard:" + d.UID.V
	}
	return "dashboard:" + d.File
}

// dashboardLinterLabels carries what dashboard-linter's .lint exclusions
// match on: the dashboard and panel titles and the target index.
func dashboardLinterLabels(d *model.Dashboard, p *model.Panel, q *model.Query) map[string]string {
	l := map[string]string{"dashboard": d.Title.V}
	if p != nil {
		l["panel"] = p.Title.V
	}
	if q != nil {
		l["targetIdx"] = itoa(q.Index)
	}
	return l
}

func itoa(n int) string {
	if n == 0 {
		return "0"
	}
	neg := n < 0
	if neg {
		n = -n
	}
	var b [20]byte
	i := len(b)
	for n > 0 {
		i--
		b[i] = byte('0' + n%10)
		n /= 10
	}
	if neg {
		i--
		b[i] = '-'
	}
	return string(b[i:])
}

// quoteExpr shortens a query for a message.
func quoteExpr(s string) string {
	const max = 80
	n := 0
	for i := range s {
		if n < max {
			n++
			continue
		}
		// s has more than max code points: the first max are s[:i]
		// (invalid bytes read as U+FFFD, as a []rune conversion reads
		// them).
		if !utf8.ValidString(s[:i]) {
			return string([]rune(s[:i])) + "…"
		}
		return s[:i] + "…"
	}
	return s
}
