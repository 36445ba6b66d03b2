package all

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/grafanalint/grafanalint/parsers/corpustest"
	"github.com/grafanalint/grafanalint/parsers/discover"
	"github.com/grafanalint/grafanalint/parsers/discover/gentree"
	"github.com/grafanalint/grafanalint/perf/cputime"
	"github.com/grafanalint/grafanalint/rules"
	"github.com/grafanalint/grafanalint/rules/query"
)

// BenchmarkLintGenerated measures a whole lint (discovery, parsing, every
// rule) of a synthetic tree: 20 stacks (2 with -short), each with the 32
// perf-seed dashboards, a grafana.ini, provisioning and an nginx config.
func BenchmarkLintGenerated(b *testing.B) { lintGenerated(b, rules.Options{}) }

// BenchmarkLintGeneratedNoQuery is BenchmarkLintGenerated with the query
// rules off: the difference is what parsing the dashboards' PromQL and
// LogQL costs (issue 14 budgets it at 30 % of the whole lint).
func BenchmarkLintGeneratedNoQuery(b *testing.B) {
	lintGenerated(b, rules.Options{Levels: map[string]rules.Severity{"query": rules.Off}})
}

func lintGenerated(b *testing.B, opts rules.Options) {
	seed := corpustest.Dir(b, "perf-seed")
	dst := filepath.Join(b.TempDir(), "tree")
	stacks := 20
	if testing.Short() {
		stacks = 2
	}
	st, err := gentree.Generate(dst, seed, stacks)
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(st.Bytes)
	b.ReportAllocs()
	// CPU time per run, as the machine may be shared: wall time alone
	// says little about what a change costs.
	cpu0 := cputime.Process()
	for b.Loop() {
		query.ResetVerdicts() // each run as one process
		m, err := discover.Load(context.Background(), discover.Options{Paths: []string{dst}, WorkDir: dst})
		if err != nil {
			b.Fatal(err)
		}
		rules.Run(m, Rules(), opts)
	}
	b.ReportMetric(float64((cputime.Process()-cpu0).Milliseconds())/float64(b.N), "cpu-ms/op")
}

// BenchmarkRulesOnCorpus measures the rules alone over the real corpus,
// loaded once.
func BenchmarkRulesOnCorpus(b *testing.B) {
	dir := corpustest.Dir(b, "real")
	m, err := discover.Load(context.Background(), discover.Options{Paths: []string{dir}})
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		rules.Run(m, Rules(), rules.Options{})
	}
}
