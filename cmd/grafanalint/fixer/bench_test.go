package fixer

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/grafanalint/grafanalint/parsers/corpustest"
	"github.com/grafanalint/grafanalint/parsers/discover"
	"github.com/grafanalint/grafanalint/parsers/discover/gentree"
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
}
