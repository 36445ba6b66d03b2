package query

import (
	"context"
	"strings"
	"testing"

	"github.com/grafanalint/grafanalint/parsers/corpustest"
	"github.com/grafanalint/grafanalint/parsers/discover"
	"github.com/grafanalint/grafanalint/parsers/discover/gentree"
	"github.com/grafanalint/grafanalint/parsers/model"
	"github.com/grafanalint/grafanalint/perf/cputime"
	"github.com/grafanalint/grafanalint/rules"
)

// loadPerfSeed loads the perf-seed dashboards once.
func loadPerfSeed(b *testing.B) *model.Model {
	b.Helper()
	dir := corpustest.Dir(b, "perf-seed")
	m, err := discover.Load(context.Background(), discover.Options{Paths: []string{dir}})
	if err != nil {
		b.Fatal(err)
	}
	return m
}

// BenchmarkParsePromQL measures interpolating and parsing every
// Prometheus query of the perf-seed dashboards (about 1300).
func BenchmarkParsePromQL(b *testing.B) {
	jobs := promJobs(loadPerfSeed(b), false)
	b.ReportMetric(float64(len(jobs)), "queries/op")
	for b.Loop() {
		for _, j := range jobs {
			check(j.expr, j.d, promQL, parsePromQL)
		}
	}
}

// promJob is a Prometheus query and the dashboard it is checked in.
type promJob struct {
	d    *model.Dashboard
	expr string
}

// promJobs returns the Prometheus queries of m's dashboards, the texts
// copied when clone is set.
func promJobs(m *model.Model, clone bool) []promJob {
	var jobs []promJob
	for _, s := range m.Stacks {
		ix := NewIndex(s)
		for _, d := range s.AllDashboards() {
			for _, t := range targets(d, ix) {
				if t.typ != TypePrometheus {
					continue
				}
				expr := t.query.Expr.V
				if clone {
					expr = strings.Clone(expr)
				}
				jobs = append(jobs, promJob{d, expr})
			}
		}
	}
	return jobs
}

// BenchmarkParseLogQL measures the LogQL validator on a typical query.
func BenchmarkParseLogQL(b *testing.B) {
	q := `sum by (level) (count_over_time({job=~"$job", namespace="prod"} |= "error" | json | duration > 5s | line_format "{{.msg}}" [$__auto]))`
	for b.Loop() {
		check(q, nil, logQL, parseLogQL)
	}
}

// BenchmarkQueryRules measures the query rules that are on by default
// over the perf-seed model (type resolution, interpolation, parsing),
// without the verdict cache: every query is parsed on every run.
func BenchmarkQueryRules(b *testing.B) {
	cacheVerdicts = false
	defer func() { cacheVerdicts = true }()
	m := loadPerfSeed(b)
	var on []*rules.Rule
	for _, r := range Rules() {
		if r.Severity != rules.Off {
			on = append(on, r)
		}
	}
	defer cpuPerOp(b)()
	for b.Loop() {
		rules.Run(m, on, rules.Options{})
	}
}

// BenchmarkQueryRulesRepeated measures the query rules that are on by
// default over one generated stack of 256 dashboards: the perf-seed
// dashboards eight times over, as fleets repeat mixins per cluster. Each
// iteration starts with empty memos, so it measures what one process
// pays, repeated queries included.
func BenchmarkQueryRulesRepeated(b *testing.B) {
	m, on := loadRepeated(b), defaultRules()
	b.ReportMetric(256, "dashboards/op")
	defer cpuPerOp(b)()
	for b.Loop() {
		ResetVerdicts()
		rules.Run(m, on, rules.Options{})
	}
}

// defaultRules returns the package's rules that are on by default.
func defaultRules() []*rules.Rule {
	var on []*rules.Rule
	for _, r := range Rules() {
		if r.Severity != rules.Off {
			on = append(on, r)
		}
	}
	return on
}

// BenchmarkQueryRulesWarm is BenchmarkQueryRulesRepeated with the memo
// kept across iterations: what each dashboard of a large fleet costs
// once its queries have been seen (nearly every lookup a hit).
func BenchmarkQueryRulesWarm(b *testing.B) {
	m, on := loadRepeated(b), defaultRules()
	b.ReportMetric(256, "dashboards/op")
	ResetVerdicts()
	rules.Run(m, on, rules.Options{})
	defer cpuPerOp(b)()
	for b.Loop() {
		rules.Run(m, on, rules.Options{})
	}
}

// BenchmarkConventionRulesRepeated is BenchmarkQueryRulesRepeated with
// every query and convention rule on (the dashboard-linter preset's
// rules).
func BenchmarkConventionRulesRepeated(b *testing.B) {
	m := loadRepeated(b)
	opts := rules.Options{Levels: map[string]rules.Severity{"convention": rules.Warning}}
	b.ReportMetric(256, "dashboards/op")
	defer cpuPerOp(b)()
	for b.Loop() {
		ResetVerdicts()
		rules.Run(m, Rules(), opts)
	}
}

// cpuPerOp starts counting the process's CPU time (user and system, all
// goroutines); the function it returns reports it per iteration as
// cpu-ns/op, which the load of a shared machine moves less than wall
// time.
func cpuPerOp(b *testing.B) func() {
	b.Helper()
	began := cputime.Process()
	return func() {
		if b.N > 0 {
			b.ReportMetric(float64((cputime.Process()-began).Nanoseconds())/float64(b.N), "cpu-ns/op")
		}
	}
}

// loadRepeated generates and loads the stack of the Repeated benchmarks.
func loadRepeated(b *testing.B) *model.Model {
	b.Helper()
	seed := corpustest.Dir(b, "perf-seed")
	dir := b.TempDir()
	if _, err := gentree.GenerateStack(dir, seed, 256); err != nil {
		b.Fatal(err)
	}
	m, err := discover.Load(context.Background(), discover.Options{WorkDir: dir, Paths: []string{"."}})
	if err != nil {
		b.Fatal(err)
	}
	return m
}

// BenchmarkMemoHits measures checking every Prometheus query of the
// perf-seed dashboards through a warm memo: what a fleet's repeated
// queries cost.
func BenchmarkMemoHits(b *testing.B) {
	// Copies of the texts, as another dashboard's would be.
	jobs := promJobs(loadPerfSeed(b), true)
	ResetVerdicts()
	defer ResetVerdicts()
	for _, j := range jobs {
		validPromQL.check(j.expr, j.d)
	}
	b.ReportMetric(float64(len(jobs)), "queries/op")
	defer cpuPerOp(b)()
	for b.Loop() {
		for _, j := range jobs {
			validPromQL.check(j.expr, j.d)
		}
	}
}
