package fixer

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/grafanalint/grafanalint/parsers/corpustest"
	"github.com/grafanalint/grafanalint/parsers/discover"
	"github.com/grafanalint/grafanalint/parsers/discover/gentree"
	"github.com/grafanalint/grafanalint/perf/cputime"
	"github.com/grafanalint/grafanalint/rules"
	"github.com/grafanalint/grafanalint/rules/all"
)

// BenchmarkDescribe measures Describe over the findings of one generated
// compose stack (gentree.GenerateStack: 320 dashboards, 32 with -short),
// linted once: the shape of issue 10's json runs, where a few dashboards
// (those with "${DS_…}" inputs) carry most of the fixes. It reports the
// fixes described per run.
func BenchmarkDescribe(b *testing.B) {
	n := 320
	if testing.Short() {
		n = 32
	}
	seed := corpustest.Dir(b, "perf-seed")
	dst := filepath.Join(b.TempDir(), "tree")
	if _, err := gentree.GenerateStack(dst, seed, n); err != nil {
		b.Fatal(err)
	}
	m, err := discover.Load(context.Background(), discover.Options{Paths: []string{dst}, WorkDir: dst})
	if err != nil {
		b.Fatal(err)
	}
	findings := rules.Run(m, all.Rules(), rules.Options{}).Findings
	b.ReportAllocs()
	described := 0
	// CPU time per run, as the machine may be shared: wall time alone
	// says little about what a change costs.
	cpu0 := cputime.Process()
	for b.Loop() {
		Describe(m, findings, Options{})
		described = 0
		for _, f := range findings {
			if f.Fix != nil && f.Fix.Changes != nil {
				described++
			}
		}
	}
	if described == 0 {
		b.Fatal("no fix described")
	}
	b.ReportMetric(float64(described), "fixes")
	b.ReportMetric(float64((cputime.Process()-cpu0).Microseconds())/1000/float64(b.N), "cpu-ms/op")
}

// BenchmarkScanIndex measures indexing the largest dashboards of the real
// corpus for jsonScan, which Describe does once for each dashboard a fix
// edits.
func BenchmarkScanIndex(b *testing.B) {
	srcs := corpusDashboards(b, 10)
	size := 0
	for _, src := range srcs {
		size += len(src)
	}
	b.SetBytes(int64(size))
	b.ReportAllocs()
	for b.Loop() {
		for _, src := range srcs {
			if newScanIndex(src) == nil {
				b.Fatal("jsonScan refuses a valid dashboard")
			}
		}
	}
}
