package query

import (
	"context"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/grafanalint/grafanalint/parsers/corpustest"
	"github.com/grafanalint/grafanalint/parsers/discover"
	"github.com/grafanalint/grafanalint/parsers/discover/gentree"
	"github.com/grafanalint/grafanalint/parsers/model"
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
	m := loadPerfSeed(b)
	type job struct {
		d    *model.Dashboard
		expr string
	}
	var jobs []job
	for _, s := range m.Stacks {
		ix := NewIndex(s)
		for _, d := range s.AllDashboards() {
			for _, t := range targets(d, ix) {
				if t.typ == TypePrometheus {
					jobs = append(jobs, job{d, t.query.Expr.V})
				}
			}
		}
	}
	b.ReportMetric(float64(len(jobs)), "queries/op")
	for b.Loop() {
		for _, j := range jobs {
			check(j.expr, j.d, promQL, parsePromQL)
		}
	}
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
	m := loadRepeated(b)
	var on []*rules.Rule
	for _, r := range Rules() {
		if r.Severity != rules.Off {
			on = append(on, r)
		}
	}
	b.ReportMetric(256, "dashboards/op")
	defer cpuPerOp(b)()
	for b.Loop() {
		ResetVerdicts()
		rules.Run(m, on, rules.Options{})
	}
}

// BenchmarkQueryRulesWarm is BenchmarkQueryRulesRepeated with the memo
// kept across iterations: what each dashboard of a large fleet costs
// once its queries have been seen (nearly every lookup a hit).
func BenchmarkQueryRulesWarm(b *testing.B) {
	m := loadRepeated(b)
	var on []*rules.Rule
	for _, r := range Rules() {
		if r.Severity != rules.Off {
			on = append(on, r)
		}
	}
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
	began := cpuTime()
	return func() {
		if b.N > 0 {
			b.ReportMetric(float64((cpuTime()-began).Nanoseconds())/float64(b.N), "cpu-ns/op")
		}
	}
}

// cpuTime is the process's user and system CPU time so far.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
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
	m := loadPerfSeed(b)
	type job struct {
		d    *model.Dashboard
		expr string
	}
	var jobs []job
	for _, s := range m.Stacks {
		ix := NewIndex(s)
		for _, d := range s.AllDashboards() {
			for _, t := range targets(d, ix) {
				if t.typ == TypePrometheus {
					// A copy, as another dashboard's text would be.
					jobs = append(jobs, job{d, strings.Clone(t.query.Expr.V)})
				}
			}
		}
	}
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
