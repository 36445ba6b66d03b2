package query

import (
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/prometheus/common/model"
	"github.com/prometheus/prometheus/model/labels"
	"github.com/prometheus/prometheus/promql/parser"

	dmodel "github.com/grafanalint/grafanalint/parsers/model"
	"github.com/grafanalint/grafanalint/rules"
)

// The convention rules are off by default: they encode the practices of
// the Prometheus monitoring-mixins ecosystem that grafana/dashboard-linter
// enforces, not defects. `--enable convention` or the dashboard-linter
// preset turns them on.

// linterPanels are the panel types dashboard-linter's panel rules check
// (lint/constants.go).
var linterPanels = map[string]bool{
	"stat": true, "singlestat": true, "graph": true, "table": true, "timeseries": true, "gauge": true,
}

// dashboardPos is where a finding about the whole dashboard points: its
// title, else the file's first line.
func dashboardPos(d *dmodel.Dashboard) dmodel.Pos {
	if d.Title.IsSet() {
		return d.Title.Pos
	}
	return dmodel.Pos{File: d.File, Line: 1, Col: 1}
}

// usesLanguage reports whether any query of d resolves to typ.
func usesLanguage(d *dmodel.Dashboard, ix *Index, typ string) bool {
	for _, t := range targets(d, ix) {
		if t.typ == typ {
			return true
		}
	}
	for _, v := range d.Variables {
		if v.Type == "query" && VariableType(ix, d, v) == typ {
			return true
		}
	}
	return false
}

// datasourceVariables returns d's datasource variables.
func datasourceVariables(d *dmodel.Dashboard) []*dmodel.Variable {
	var out []*dmodel.Variable
	for _, v := range d.Variables {
		if v.Type == "datasource" {
			out = append(out, v)
		}
	}
	return out
}

func report(c reporter, d *dmodel.Dashboard, p *dmodel.Panel, q *dmodel.Query, pos dmodel.Pos, key, msg string) {
	c.Report(rules.Finding{Pos: pos, Message: msg, Entity: entity(d), Key: key, Labels: dashboardLinterLabels(d, p, q)})
}

// DatasourceVariable reports Prometheus and Loki dashboards without a
// datasource variable named by the mixin convention.
var DatasourceVariable = &rules.Rule{
	ID:       "convention/datasource-variable",
	Severity: rules.Off,
	Summary:  "a Prometheus or Loki dashboard has no datasource variable, or names it against the mixin convention",
	Doc: rules.Doc{
		What: "Off by default. Reports a dashboard with Prometheus or Loki queries that has no datasource variable, and a Prometheus or Loki datasource variable not named `datasource` (allowed when it is the only one) or `<type>_datasource`, or not labelled `Data source` (only one) or `<Type> data source`.\n\nCompared with dashboard-linter's `template-datasource-rule`: grafanalint does not ask for a datasource variable on dashboards without Prometheus or Loki queries, and does not apply the naming to variables of other plugin types (dashboard-linter asks for names such as `yesoreyeram-infinity-datasource_datasource`, which Grafana does not accept as a variable name).",
		Why:  "A datasource variable lets one dashboard serve every Prometheus or Loki of an installation; the fixed names let mixins and the panels' `${datasource}` references agree.",
		Bad:  conventionExample(`"templating": {"list": []}`, `{"type": "prometheus", "uid": "prometheus"}`),
		Good: conventionExample(`"templating": {"list": [{"name": "datasource", "label": "Data source", "type": "datasource", "query": "prometheus"}]}`, `"${datasource}"`),
		Fix:  "Add a datasource variable named `datasource` (or `prometheus_datasource` and `loki_datasource` when the dashboard has both) and use it in every panel.",
	},
	PerDashboard: true,
	Check: func(c *rules.Context) {
		forEachDashboard(c, func(c reporter, d *dmodel.Dashboard, ix *Index) { checkDatasourceVariable(c, d, ix) })
	},
}

func checkDatasourceVariable(c reporter, d *dmodel.Dashboard, ix *Index) {
	vars := datasourceVariables(d)
	if len(vars) == 0 {
		if usesLanguage(d, ix, TypePrometheus) || usesLanguage(d, ix, TypeLoki) {
			report(c, d, nil, nil, dashboardPos(d), "datasource-variable", fmt.Sprintf("dashboard %q queries Prometheus or Loki but has no datasource variable: users cannot point it at another datasource; add one named \"datasource\"", d.Title.V))
		}
		return
	}
	for _, v := range vars {
		typ := strings.ToLower(v.Query.V)
		if typ != TypePrometheus && typ != TypeLoki {
			continue
		}
		names := []string{typ + "_datasource"}
		labels := []string{strings.ToUpper(typ[:1]) + typ[1:] + " data source"}
		if len(vars) == 1 {
			names = append(names, "datasource")
			labels = append(labels, "Data source")
		}
		if !contains(names, v.Name.V) {
			report(c, d, nil, nil, v.Name.Pos, "datasource-variable:"+v.Name.V, fmt.Sprintf("datasource variable %q should be named %s, as mixin dashboards name it", v.Name.V, orList(names)))
		}
		if !contains(labels, v.Label.V) {
			pos := v.Label.Pos
			if !v.Label.IsSet() {
				pos = v.Name.Pos
			}
			report(c, d, nil, nil, pos, "datasource-variable-label:"+v.Name.V, fmt.Sprintf("datasource variable %q should be labelled %s, is %q", v.Name.V, orList(labels), v.Label.V))
		}
	}
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func orList(list []string) string {
	q := make([]string, len(list))
	for i, s := range list {
		q[i] = fmt.Sprintf("%q", s)
	}
	return strings.Join(q, " or ")
}

// promDatasourceVariable returns the Prometheus datasource variable of d
// (dashboard-linter reads the first datasource variable), or nil.
func promDatasourceVariable(d *dmodel.Dashboard) *dmodel.Variable {
	for _, v := range datasourceVariables(d) {
		if v.Query.V == TypePrometheus {
			return v
		}
	}
	return nil
}

func newTemplateRule(name string) *rules.Rule {
	title := strings.ToUpper(name[:1]) + name[1:]
	return &rules.Rule{
		ID:       "convention/" + name + "-variable",
		Severity: rules.Off,
		Summary:  fmt.Sprintf("a Prometheus dashboard lacks a multi-value %q query variable on the datasource variable with allValue \".+\"", name),
		Doc: rules.Doc{
			What: fmt.Sprintf("Off by default. On a dashboard with a Prometheus datasource variable, reports a missing `%[1]s` variable, and a `%[1]s` variable that is not a query variable, does not query through a Prometheus datasource variable (`$datasource`, `${datasource}`, `$prometheus_datasource` … any of the dashboard's Prometheus datasource variables, in any reference syntax), is not multi-value, has an `allValue` other than `.+`, or is not labelled `%[2]s`.\n\nCompared with dashboard-linter's `template-%[1]s-rule`: grafanalint accepts every reference syntax of the datasource variable (dashboard-linter rejects `${datasource}` written as `[[datasource]]` and any other variable name).", name, title),
			Why:  fmt.Sprintf("Prometheus attaches `job` and `instance` to every scraped series; mixin dashboards filter every query by `%s=~\"$%s\"`, so the variable must exist, allow several values and match all with `.+`.", name, name),
			Bad:  conventionExample(`"templating": {"list": [{"name": "datasource", "type": "datasource", "query": "prometheus"}]}`, `"${datasource}"`),
			Good: conventionExample(`"templating": {"list": [{"name": "datasource", "type": "datasource", "query": "prometheus"}, {"name": "job", "label": "Job", "type": "query", "datasource": "${datasource}", "query": "label_values(up, job)", "multi": true, "includeAll": true, "allValue": ".+"}, {"name": "instance", "label": "Instance", "type": "query", "datasource": "${datasource}", "query": "label_values(up{job=~\"$job\"}, instance)", "multi": true, "includeAll": true, "allValue": ".+"}]}`, `"${datasource}"`),
			Fix:  fmt.Sprintf("Add a multi-value query variable `%s` with `allValue: \".+\"` on the Prometheus datasource variable.", name),
		},
		PerDashboard: true,
		Check: func(c *rules.Context) {
			forEachDashboard(c, func(c reporter, d *dmodel.Dashboard, _ *Index) { checkTemplate(c, d, name, title) })
		},
	}
}

// JobVariable and InstanceVariable are dashboard-linter's
// template-job-rule and template-instance-rule.
var (
	JobVariable      = newTemplateRule("job")
	InstanceVariable = newTemplateRule("instance")
)

func checkTemplate(c reporter, d *dmodel.Dashboard, name, title string) {
	if promDatasourceVariable(d) == nil {
		return
	}
	var v *dmodel.Variable
	for _, x := range d.Variables {
		if x.Name.V == name {
			v = x
			break
		}
	}
	key := "template:" + name
	if v == nil {
		report(c, d, nil, nil, dashboardPos(d), key, fmt.Sprintf("dashboard %q has no %q variable: add a multi-value query variable %q with allValue \".+\", as mixin dashboards do", d.Title.V, name, name))
		return
	}
	var problems []string
	if v.Type != "query" {
		problems = append(problems, fmt.Sprintf("should be a query variable, is %q", v.Type))
	}
	if !isPromVariableRef(d, v.Datasource) {
		problems = append(problems, "should query through the Prometheus datasource variable ($datasource)")
	}
	if !v.Multi {
		problems = append(problems, "should allow several values (multi)")
	}
	if v.AllValue.V != ".+" {
		problems = append(problems, fmt.Sprintf("should have allValue \".+\", has %q", v.AllValue.V))
	}
	if v.Label.V != title {
		problems = append(problems, fmt.Sprintf("should be labelled %q, is %q", title, v.Label.V))
	}
	if len(problems) > 0 {
		report(c, d, nil, nil, v.Name.Pos, key, fmt.Sprintf("variable %q %s", name, strings.Join(problems, "; ")))
	}
}

// isPromVariableRef reports whether r references a Prometheus datasource
// variable of d.
func isPromVariableRef(d *dmodel.Dashboard, r *dmodel.DatasourceRef) bool {
	if r == nil {
		return false
	}
	v := r.UID.V
	if r.Shape == dmodel.RefString {
		v = r.Name.V
	}
	return variableType(d, v) == TypePrometheus
}

// VariableRefresh reports query variables that do not reload on time
// range change.
var VariableRefresh = &rules.Rule{
	ID:       "convention/variable-refresh",
	Severity: rules.Off,
	Summary:  "a query variable does not refresh on time range change",
	Doc: rules.Doc{
		What: "Off by default. Reports a query variable whose `refresh` is not 2 (\"On time range change\"; v2: `onTimeRangeChanged`).\n\nSame as dashboard-linter's `template-on-time-change-reload-rule`; grafanalint also reads v2 dashboards.",
		Why:  "A variable that refreshes only on load keeps values that no longer exist in the selected time range and misses new ones (new instances, jobs).",
		Bad:  conventionExample(`"templating": {"list": [{"name": "job", "type": "query", "datasource": "${datasource}", "query": "label_values(up, job)", "refresh": 1}, {"name": "datasource", "type": "datasource", "query": "prometheus"}]}`, `"${datasource}"`),
		Good: conventionExample(`"templating": {"list": [{"name": "job", "type": "query", "datasource": "${datasource}", "query": "label_values(up, job)", "refresh": 2}, {"name": "datasource", "type": "datasource", "query": "prometheus"}]}`, `"${datasource}"`),
		Fix:  "Set `\"refresh\": 2`.",
	},
	PerDashboard: true,
	Check: func(c *rules.Context) {
		forEachDashboard(c, func(c reporter, d *dmodel.Dashboard, _ *Index) {
			for _, v := range d.Variables {
				if v.Type == "query" && v.Refresh != 2 {
					report(c, d, nil, nil, v.Name.Pos, "refresh:"+v.Name.V, fmt.Sprintf("query variable %q refreshes %s, not on time range change: its values go stale when the time range moves; set \"refresh\": 2", v.Name.V, refreshName(v)))
				}
			}
		})
	},
}

func refreshName(v *dmodel.Variable) string {
	switch {
	case !v.RefreshSet || v.Refresh == 0:
		return "never"
	case v.Refresh == 1:
		return "on dashboard load only"
	}
	return fmt.Sprintf("with mode %d", v.Refresh)
}

// PanelDatasource reports Prometheus and Loki panels with a fixed
// datasource.
var PanelDatasource = &rules.Rule{
	ID:       "convention/panel-datasource",
	Severity: rules.Off,
	Summary:  "a Prometheus or Loki panel names a fixed datasource instead of a datasource variable",
	Doc: rules.Doc{
		What: "Off by default. Reports a singlestat, graph, table or time series panel whose Prometheus or Loki datasource is a fixed UID or name, or the default datasource, rather than one of the dashboard's datasource variables (in any syntax: `$datasource`, `${datasource}`, `[[datasource]]`). Under a `-- Mixed --` panel each query's own datasource is checked.\n\nCompared with dashboard-linter's `panel-datasource-rule`: grafanalint does not report `-- Mixed --`, `-- Dashboard --` and `-- Grafana --` panels, panels of other datasource types, or `[[datasource]]`, and checks the queries of mixed panels.",
		Why:  "A fixed UID ties the panel to one installation's datasource; the datasource variable lets the user (and every other installation) choose.",
		Bad:  conventionExample(`"templating": {"list": [{"name": "datasource", "type": "datasource", "query": "prometheus"}]}`, `{"type": "prometheus", "uid": "prometheus"}`),
		Good: conventionExample(`"templating": {"list": [{"name": "datasource", "type": "datasource", "query": "prometheus"}]}`, `{"type": "prometheus", "uid": "${datasource}"}`),
		Fix:  "Set the panel's datasource to the datasource variable: `{\"type\": \"prometheus\", \"uid\": \"${datasource}\"}`.",
	},
	PerDashboard: true,
	Check: func(c *rules.Context) {
		forEachDashboard(c, func(c reporter, d *dmodel.Dashboard, ix *Index) { checkPanelDatasource(c, d, ix) })
	},
}

func checkPanelDatasource(c reporter, d *dmodel.Dashboard, ix *Index) {
	fixed := func(r *dmodel.DatasourceRef) bool {
		if r == nil || r.Shape == dmodel.RefNull {
			return true
		}
		v := r.UID.V
		if r.Shape == dmodel.RefString {
			v = r.Name.V
		}
		return !strings.ContainsAny(v, "$[")
	}
	for _, p := range d.Panels {
		if !linterPanels[p.Type.V] || p.Library {
			continue
		}
		typ, mixed := refType(ix, d, p.Datasource)
		if mixed {
			for _, q := range p.Queries {
				if q.Datasource == nil {
					continue
				}
				t, _ := refType(ix, d, q.Datasource)
				if (t == TypePrometheus || t == TypeLoki) && fixed(q.Datasource) {
					report(c, d, p, q, q.Datasource.Pos, q.Pointer, fmt.Sprintf("query %s of %s uses a fixed %s datasource: use the dashboard's datasource variable", q.RefID, panelName(p), t))
				}
			}
			continue
		}
		if p.Datasource == nil && len(p.Queries) > 0 && p.Queries[0].Datasource != nil {
			// Newer panels may carry the reference on their queries only.
			q := p.Queries[0]
			typ, _ = refType(ix, d, q.Datasource)
			if (typ == TypePrometheus || typ == TypeLoki) && fixed(q.Datasource) {
				report(c, d, p, nil, q.Datasource.Pos, p.Pointer, fmt.Sprintf("%s uses a fixed %s datasource: use the dashboard's datasource variable", panelName(p), typ))
			}
			continue
		}
		if (typ == TypePrometheus || typ == TypeLoki) && fixed(p.Datasource) {
			pos := p.Pos
			if p.Datasource != nil {
				pos = p.Datasource.Pos
			}
			report(c, d, p, nil, pos, p.Pointer, fmt.Sprintf("%s uses a fixed %s datasource: use the dashboard's datasource variable", panelName(p), typ))
		}
	}
}

// PanelTitleDescription reports data panels without a title or a
// description.
var PanelTitleDescription = &rules.Rule{
	ID:       "convention/panel-title-description",
	Severity: rules.Off,
	Summary:  "a data panel has no title or no description",
	Doc: rules.Doc{
		What: "Off by default. Reports a stat, singlestat, graph, table, time series or gauge panel with an empty title or description.\n\nSame as dashboard-linter's `panel-title-description-rule`; grafanalint also reads v2 dashboards.",
		Why:  "The description is the panel's help text (the ⓘ next to its title): it says what is measured and how to read it.",
		Bad:  conventionExample(`"templating": {"list": []}`, `"${datasource}"`),
		Good: describedExample(),
		Fix:  "Give the panel a title and a `description`.",
	},
	PerDashboard: true,
	Check: func(c *rules.Context) {
		forEachDashboard(c, func(c reporter, d *dmodel.Dashboard, _ *Index) {
			for _, p := range d.Panels {
				if !linterPanels[p.Type.V] || p.Library {
					continue
				}
				if p.Title.V == "" || p.Description.V == "" {
					pos := p.Title.Pos
					if !pos.IsValid() {
						pos = p.Pos
					}
					report(c, d, p, nil, pos, p.Pointer, fmt.Sprintf("%s has no %s: add a title and a description that says what the panel shows", panelName(p), missingText(p)))
				}
			}
		})
	},
}

func missingText(p *dmodel.Panel) string {
	switch {
	case p.Title.V == "" && p.Description.V == "":
		return "title and no description"
	case p.Title.V == "":
		return "title"
	}
	return "description"
}

// units are Grafana's unit ids
// (packages/grafana-data/src/valueFormats/categories.ts), built on first
// use so that start-up does not pay for them.
var units = sync.OnceValue(func() map[string]bool {
	units := map[string]bool{}
	for _, u := range strings.Fields(`none string short percent percentunit humidity dB hex0x hex sci locale pixel
		accMS2 accFS2 accG degree radian grad arcmin arcsec areaM2 areaF2 areaMI2
		flops mflops gflops tflops pflops eflops zflops yflops
		ppm conppb conngm3 conngNm3 conμgm3 conμgNm3 conmgm3 conmgNm3 congm3 congNm3 conmgdL conmmolL
		currencyUSD currencyGBP currencyEUR currencyJPY currencyRUB currencyUAH currencyBRL currencyDKK
		currencyISK currencyNOK currencySEK currencyCZK currencyCHF currencyPLN currencyBTC currencymBTC
		currencyμBTC currencyZAR currencyINR currencyKRW currencyIDR currencyPHP currencyVND
		bits bytes kbytes mbytes gbytes tbytes pbytes decbits decbytes deckbytes decmbytes decgbytes dectbytes decpbytes
		pps bps Bps KBs Kbits MBs Mbits GBs Gbits TBs Tbits PBs Pbits binBps binbps KiBs Kibits MiBs Mibits GiBs Gibits TiBs Tibits PiBs Pibits
		dateTimeAsIso dateTimeAsIsoNoDateIfToday dateTimeAsUS dateTimeAsUSNoDateIfToday dateTimeAsLocal dateTimeAsLocalNoDateIfToday dateTimeAsSystem dateTimeFromNow
		watt kwatt megwatt gwatt mwatt Wm2 voltamp kvoltamp voltampreact kvoltampreact watth watthperkg kwatth kwattm
		amph kamph mamph joule ev amp kamp mamp volt kvolt mvolt dBm ohm kohm Mohm farad µfarad nfarad pfarad ffarad henry mhenry µhenry lumens
		flowgpm flowcms flowcfs flowcfm litreh flowlpm flowmlpm lux forceNm forcekNm forceN forcekN
		Hs KHs MHs GHs THs PHs EHs massmg massg masslb masskg masst lengthmm lengthin lengthft lengthm lengthkm lengthmi
		pressurembar pressurebar pressurekbar pressurepa pressurehpa pressurekpa pressurehg pressurepsi
		radbq radci radgy radrad radsv radmsv radusv radrem radexpckg radr radsvh radmsvh radusvh
		rotrpm rothz rotrads rotdegs celsius fahrenheit kelvin
		hertz ns µs ms s m h d dtdurationms dtdurations dthms dtdhms timeticks clockms clocks
		cps ops reqps rps wps iops cpm opm rpm wpm mps mpm
		velocityms velocitykmh velocitymph velocityknot mlitre litre m3 Nm3 dm3 gallons bool bool_yes_no bool_on_off`) {
		units[u] = true
	}
	// Grafana keeps the old misspelt id of Fahrenheit as an alias
	// (valueFormats.ts buildFormats).
	units["faren"+"heit"] = true
	return units
})

// customUnitPrefixes are the unit forms getValueFormat builds
// (packages/grafana-data/src/valueFormats/valueFormats.ts).
var customUnitPrefixes = []string{"prefix:", "suffix:", "time:", "si:", "count:", "currency:", "bool:"}

func knownUnit(u string) bool {
	if units()[u] {
		return true
	}
	for _, p := range customUnitPrefixes {
		if strings.HasPrefix(u, p) && len(u) > len(p) {
			return true
		}
	}
	return false
}

// PanelUnits reports data panels without a known unit.
var PanelUnits = &rules.Rule{
	ID:       "convention/panel-units",
	Severity: rules.Off,
	Summary:  "a data panel has no unit, or one Grafana does not know",
	Doc: rules.Doc{
		What: "Off by default. Reports a stat, singlestat, graph, table, time series or gauge panel without value mappings whose unit (the last `unit` override, else `fieldConfig.defaults.unit`) is empty or not one of Grafana's unit ids or custom unit forms (`suffix:…`, `prefix:…`, `si:…`, `count:…`, `currency:…`, `time:…`). Stat panels that show non-numeric fields (`reduceOptions.fields` set) are not reported.\n\nCompared with dashboard-linter's `panel-units-rule`: grafanalint accepts Grafana's custom unit forms, which dashboard-linter reports as invalid.",
		Why:  "Without a unit Grafana shows bare numbers: 1.5 K of what? Bytes, requests per second and durations read differently.",
		Bad:  conventionExample(`"templating": {"list": []}`, `"${datasource}"`),
		Good: describedExample(),
		Fix:  "Pick the unit in the panel's Standard options (`fieldConfig.defaults.unit`).",
	},
	PerDashboard: true,
	Check: func(c *rules.Context) {
		forEachDashboard(c, func(c reporter, d *dmodel.Dashboard, _ *Index) {
			for _, p := range d.Panels {
				if !linterPanels[p.Type.V] || p.Library || p.HasMappings || (p.Type.V == "stat" && p.ReduceFields != "") {
					continue
				}
				unit := p.OverrideUnit
				if unit.V == "" {
					unit = p.Unit
				}
				if knownUnit(unit.V) {
					continue
				}
				pos := unit.Pos
				if !unit.IsSet() {
					pos = p.Type.Pos
				}
				if !pos.IsValid() {
					pos = p.Pos
				}
				msg := fmt.Sprintf("%s has no unit: readers cannot tell what its numbers measure; set fieldConfig.defaults.unit", panelName(p))
				if unit.V != "" {
					msg = fmt.Sprintf("%s has unit %q, which is not a Grafana unit id: Grafana shows it as a plain suffix; pick a unit from the list or write \"suffix:%s\"", panelName(p), unit.V, unit.V)
				}
				report(c, d, p, nil, pos, p.Pointer, msg)
			}
		})
	},
}

// promTargets calls fn for every Prometheus target of d that parses, with
// its AST and offset map.
func promTargets(d *dmodel.Dashboard, ix *Index, fn func(t target, ast parser.Expr, res *parsed)) {
	ts := targets(d, ix)
	if callMetricsQL(ts) {
		return
	}
	for _, t := range ts {
		if t.typ != TypePrometheus || t.query.Hide {
			continue
		}
		ok, _, _ := check(t.query.Expr.V, d, promQL, parsePromQLFull)
		if ok == nil {
			continue
		}
		if e, isExpr := ok.ast.(parser.Expr); isExpr {
			fn(t, e, ok)
		}
	}
}

// nodePos maps an AST position to the file.
func nodePos(t target, res *parsed, off int) dmodel.Pos {
	return textPos(t.query.Expr, res.res.SourceOffset(off))
}

var rateIntervalDuration = func() time.Duration {
	d, _ := model.ParseDuration(rateIntervalValue)
	return time.Duration(d)
}()

// RateInterval reports rate() and irate() ranges other than
// $__rate_interval.
var RateInterval = &rules.Rule{
	ID:       "convention/rate-interval",
	Severity: rules.Off,
	Summary:  "rate() or irate() of a Prometheus query uses a range other than $__rate_interval",
	Doc: rules.Doc{
		What: "Off by default. Reports the range selector of a `rate()` or `irate()` call in a Prometheus query whose range is not `$__rate_interval` (a fixed `[5m]`, `$__interval`, an interval variable).\n\nCompared with dashboard-linter's `target-rate-interval-rule`: grafanalint checks queries of every panel type and of dashboards without a Prometheus datasource variable, reports each offending range at its position, and does not report `$__rate_interval` used outside rate functions (dashboard-linter calls that an error, although Grafana computes it for any range).",
		Why:  "`$__rate_interval` is at least four scrape intervals and follows the panel's resolution, so rate() always has enough samples; a fixed range is too short at high resolution (gaps) and too long at low (smoothing).",
		Bad:  conventionPromExample(`"sum(rate(http_requests_total{job=~\"$job\"}[5m]))"`),
		Good: conventionPromExample(`"sum(rate(http_requests_total{job=~\"$job\"}[$__rate_interval]))"`),
		Fix:  "Write `[$__rate_interval]` as the range of rate() and irate().",
	},
	PerDashboard: true,
	Check: func(c *rules.Context) {
		forEachDashboard(c, func(c reporter, d *dmodel.Dashboard, ix *Index) {
			promTargets(d, ix, func(t target, ast parser.Expr, res *parsed) {
				parser.Inspect(ast, func(n parser.Node, path []parser.Node) error {
					call, ok := n.(*parser.Call)
					if !ok || (call.Func.Name != "rate" && call.Func.Name != "irate") {
						return nil
					}
					for _, a := range call.Args {
						m, ok := a.(*parser.MatrixSelector)
						if !ok || m.Range == rateIntervalDuration {
							continue
						}
						vs, _ := m.VectorSelector.(*parser.VectorSelector)
						off := int(m.PositionRange().End) - 1
						if vs != nil {
							off = int(vs.PositionRange().End)
						}
						report(c, d, t.panel, t.query, nodePos(t, res, off), t.query.Pointer, fmt.Sprintf("%s() of query %s in %s uses a fixed range: use [$__rate_interval], which follows the panel's resolution and the scrape interval", call.Func.Name, t.query.RefID, panelName(t.panel)))
					}
					return nil
				})
			})
		})
	},
}

func newMatcherRule(name string) *rules.Rule {
	return &rules.Rule{
		ID:       "convention/" + name + "-matcher",
		Severity: rules.Off,
		Summary:  fmt.Sprintf("a selector of a Prometheus query does not filter %s=~\"$%s\"", name, name),
		Doc: rules.Doc{
			What: fmt.Sprintf("Off by default. Reports every series selector of a Prometheus query that has no `%[1]s=~\"$%[1]s\"` matcher (`${%[1]s}` and `[[%[1]s]]` count too), on dashboards that have a Prometheus datasource variable.\n\nCompared with dashboard-linter's `target-%[1]s-rule`: grafanalint accepts `${%[1]s}` and `[[%[1]s]]`, checks queries of every panel type, and points at each selector.", name),
			Why:  fmt.Sprintf("Mixin dashboards let the viewer narrow every panel to the selected `%s`s; a selector without the matcher shows every series regardless of the selection.", name),
			Bad:  conventionPromExample(`"sum(rate(http_requests_total[$__rate_interval]))"`),
			Good: conventionPromExample(`"sum(rate(http_requests_total{job=~\"$job\", instance=~\"$instance\"}[$__rate_interval]))"`),
			Fix:  fmt.Sprintf("Add `%s=~\"$%s\"` to the selector.", name, name),
		},
		PerDashboard: true,
		Check: func(c *rules.Context) {
			forEachDashboard(c, func(c reporter, d *dmodel.Dashboard, ix *Index) { checkMatcher(c, d, ix, name) })
		},
	}
}

// JobMatcher and InstanceMatcher are dashboard-linter's target-job-rule
// and target-instance-rule.
var (
	JobMatcher      = newMatcherRule("job")
	InstanceMatcher = newMatcherRule("instance")
)

func checkMatcher(c reporter, d *dmodel.Dashboard, ix *Index, name string) {
	if promDatasourceVariable(d) == nil {
		return
	}
	want := map[string]bool{"$" + name: true, "${" + name + "}": true, "[[" + name + "]]": true}
	promTargets(d, ix, func(t target, ast parser.Expr, res *parsed) {
		parser.Inspect(ast, func(n parser.Node, _ []parser.Node) error {
			vs, ok := n.(*parser.VectorSelector)
			if !ok {
				return nil
			}
			for _, m := range vs.LabelMatchers {
				if m.Name == name && m.Type == labels.MatchRegexp && want[m.Value] {
					return nil
				}
			}
			report(c, d, t.panel, t.query, nodePos(t, res, int(vs.PositionRange().Start)), t.query.Pointer, fmt.Sprintf("selector %s of query %s in %s does not filter by the %q variable: add %s=~\"$%s\"", vs.String(), t.query.RefID, panelName(t.panel), name, name, name))
			return nil
		})
	})
}

// CounterAggregation reports counters not read through rate(), irate()
// or increase().
var CounterAggregation = &rules.Rule{
	ID:       "convention/counter-aggregation",
	Severity: rules.Off,
	Summary:  "a counter (a metric ending in _total) is used without rate(), irate() or increase()",
	Doc: rules.Doc{
		What: "Off by default. Reports a selector of a metric whose name ends in `_total` that is not the range of a `rate()`, `irate()` or `increase()` call in a Prometheus query.\n\nCompared with dashboard-linter's `target-counter-agg-rule`: grafanalint also reports counters written with label matchers (`x_total{job=\"a\"}`: dashboard-linter compares the whole selector text, matchers included, with `_total`, so it misses them), checks every panel type and points at the selector.",
		Why:  "A counter only grows; its raw value (or a sum of raw values) says nothing about the current rate and drops at every restart.",
		Bad:  conventionPromExample(`"sum(http_requests_total{job=~\"$job\"})"`),
		Good: conventionPromExample(`"sum(rate(http_requests_total{job=~\"$job\"}[$__rate_interval]))"`),
		Fix:  "Wrap the counter in `rate(…[$__rate_interval])` (or `increase()` for totals over the range).",
	},
	PerDashboard: true,
	Check: func(c *rules.Context) {
		forEachDashboard(c, func(c reporter, d *dmodel.Dashboard, ix *Index) {
			promTargets(d, ix, func(t target, ast parser.Expr, res *parsed) {
				parser.Inspect(ast, func(n parser.Node, path []parser.Node) error {
					vs, ok := n.(*parser.VectorSelector)
					if !ok || !strings.HasSuffix(vs.Name, "_total") {
						return nil
					}
					if len(path) >= 2 {
						if _, ok := path[len(path)-1].(*parser.MatrixSelector); ok {
							if call, ok := path[len(path)-2].(*parser.Call); ok {
								switch call.Func.Name {
								case "rate", "irate", "increase":
									return nil
								}
							}
						}
					}
					report(c, d, t.panel, t.query, nodePos(t, res, int(vs.PositionRange().Start)), t.query.Pointer, fmt.Sprintf("counter %s in query %s of %s is not read through rate(), irate() or increase(): its raw value only grows and resets on restart", vs.Name, t.query.RefID, panelName(t.panel)))
					return nil
				})
			})
		})
	},
}

// LogQLAuto reports Loki ranges other than $__auto.
var LogQLAuto = &rules.Rule{
	ID:       "convention/logql-auto",
	Severity: rules.Off,
	Summary:  "a range of a Loki metric query is not $__auto",
	Doc: rules.Doc{
		What: "Off by default. Reports each `[range]` of a Loki query (outside strings) that is not `$__auto`.\n\nCompared with dashboard-linter's `target-logql-auto-rule`: grafanalint reports each fixed range of a query, where dashboard-linter accepts the whole query as soon as `$__auto` appears anywhere in it, and checks queries whose Loki datasource is named by UID or name.",
		Why:  "`$__auto` follows the panel's resolution as `$__rate_interval` does for Prometheus; a fixed range over- or under-samples as the time range changes.",
		Bad:  lokiConventionExample(`"sum(count_over_time({job=\"app\"} |= \"error\" [5m]))"`),
		Good: lokiConventionExample(`"sum(count_over_time({job=\"app\"} |= \"error\" [$__auto]))"`),
		Fix:  "Write `[$__auto]` as the range.",
	},
	PerDashboard: true,
	Check: func(c *rules.Context) {
		forEachDashboard(c, func(c reporter, d *dmodel.Dashboard, ix *Index) {
			for _, t := range targets(d, ix) {
				if t.typ != TypeLoki || t.query.Hide {
					continue
				}
				if ok, _, _ := check(t.query.Expr.V, d, logQL, parseLogQL); ok == nil {
					continue
				}
				for _, r := range logRanges(t.query.Expr.V) {
					inner := strings.TrimSpace(t.query.Expr.V[r[0]+1 : r[1]])
					if inner == "$__auto" || inner == "${__auto}" {
						continue
					}
					report(c, d, t.panel, t.query, textPos(t.query.Expr, r[0]+1), t.query.Pointer, fmt.Sprintf("range [%s] of query %s in %s is fixed: use [$__auto], which follows the panel's resolution", inner, t.query.RefID, panelName(t.panel)))
				}
			}
		})
	},
}

// logRanges returns the [start, end] offsets of "[" and "]" of each range
// of a LogQL query, outside strings and comments.
func logRanges(s string) [][2]int {
	var out [][2]int
	var quote byte
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case quote != 0:
			if c == '\\' && quote == '"' {
				i++
			} else if c == quote {
				quote = 0
			}
		case c == '"' || c == '`':
			quote = c
		case c == '#':
			for i < len(s) && s[i] != '\n' {
				i++
			}
		case c == '[':
			if j := strings.IndexByte(s[i:], ']'); j > 0 {
				out = append(out, [2]int{i, i + j})
				i += j
			}
		}
	}
	return out
}

// Editable reports dashboards saved with "editable": true.
var Editable = &rules.Rule{
	ID:       "convention/editable",
	Severity: rules.Off,
	Summary:  "a dashboard is saved with \"editable\": true",
	Doc: rules.Doc{
		What: "Off by default. Reports `\"editable\": true` at the top of a dashboard.\n\nSame as dashboard-linter's `uneditable-dashboard`. Neither reports a dashboard without `editable`, which Grafana treats as editable.",
		Why:  "Dashboards generated from code (mixins, jsonnet) are overwritten on the next deploy: edits made in the UI are lost; a read-only dashboard says so.",
		Bad:  []rules.Example{{Path: "dashboards/service.json", Content: "{\n  \"uid\": \"service\",\n  \"title\": \"Service\",\n  \"editable\": true,\n  \"panels\": []\n}\n"}},
		Good: []rules.Example{{Path: "dashboards/service.json", Content: "{\n  \"uid\": \"service\",\n  \"title\": \"Service\",\n  \"editable\": false,\n  \"panels\": []\n}\n"}},
		Fix:  "Set `\"editable\": false` in the generator.",
	},
	PerDashboard: true,
	Check: func(c *rules.Context) {
		forEachDashboard(c, func(c reporter, d *dmodel.Dashboard, _ *Index) {
			if d.Editable {
				report(c, d, nil, nil, d.EditablePos, "editable", fmt.Sprintf("dashboard %q is editable: changes made in the UI are lost when the generated dashboard is deployed again; set \"editable\": false", d.Title.V))
			}
		})
	},
}

// conventionExample is a provisioned Prometheus dashboard with the given
// templating and panel datasource.
func conventionExample(templating, panelDS string) []rules.Example {
	return []rules.Example{
		{Path: "grafana/provisioning/datasources/ds.yaml", Content: exPromDS},
		{Path: "grafana/provisioning/dashboards/provider.yaml", Content: exProvider},
		{Path: "grafana/provisioning/dashboards/service.json", Content: `{
  "uid": "service",
  "title": "Service",
  "schemaVersion": 39,
  ` + templating + `,
  "panels": [
    {
      "id": 1,
      "type": "timeseries",
      "title": "Requests",
      "datasource": ` + panelDS + `,
      "targets": [{"refId": "A", "expr": "sum(rate(http_requests_total[$__rate_interval]))"}]
    }
  ]
}
`},
	}
}

// describedExample has a panel with title, description and unit.
func describedExample() []rules.Example {
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
      "title": "Requests",
      "description": "HTTP requests per second, by status code.",
      "fieldConfig": {"defaults": {"unit": "reqps"}},
      "datasource": {"type": "prometheus", "uid": "prometheus"},
      "targets": [{"refId": "A", "expr": "sum(rate(http_requests_total[$__rate_interval]))"}]
    }
  ]
}
`},
	}
}

// conventionPromExample is a mixin-style dashboard with one Prometheus
// query.
func conventionPromExample(expr string) []rules.Example {
	return []rules.Example{
		{Path: "grafana/provisioning/datasources/ds.yaml", Content: exPromDS},
		{Path: "grafana/provisioning/dashboards/provider.yaml", Content: exProvider},
		{Path: "grafana/provisioning/dashboards/service.json", Content: `{
  "uid": "service",
  "title": "Service",
  "schemaVersion": 39,
  "templating": {"list": [
    {"name": "datasource", "type": "datasource", "query": "prometheus"},
    {"name": "job", "type": "query", "datasource": "${datasource}", "query": "label_values(up, job)", "multi": true, "allValue": ".+"},
    {"name": "instance", "type": "query", "datasource": "${datasource}", "query": "label_values(up, instance)", "multi": true, "allValue": ".+"}
  ]},
  "panels": [
    {
      "id": 1,
      "type": "timeseries",
      "title": "Requests",
      "datasource": {"type": "prometheus", "uid": "${datasource}"},
      "targets": [{"refId": "A", "expr": ` + expr + `}]
    }
  ]
}
`},
	}
}

// lokiConventionExample is a dashboard with one Loki query.
func lokiConventionExample(expr string) []rules.Example {
	return lokiExample(expr)
}
