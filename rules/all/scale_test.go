package all

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"testing"

	"github.com/grafanalint/grafanalint/parsers/corpustest"
	"github.com/grafanalint/grafanalint/parsers/discover"
	"github.com/grafanalint/grafanalint/parsers/discover/gentree"
	"github.com/grafanalint/grafanalint/parsers/model"
	"github.com/grafanalint/grafanalint/perf/cputime"
	"github.com/grafanalint/grafanalint/rules"
	"github.com/grafanalint/grafanalint/rules/datasource"
	"github.com/grafanalint/grafanalint/rules/query"
)

// generatedModel writes a gentree tree of stacks stacks, each with the
// first seeds perf-seed dashboards (all of them when seeds is 0), and
// loads it.
func generatedModel(b *testing.B, stacks, seeds int) *model.Model {
	b.Helper()
	seedDir := corpustest.Dir(b, "perf-seed")
	if seeds > 0 {
		names, err := filepath.Glob(filepath.Join(seedDir, "*.json"))
		if err != nil || len(names) < seeds {
			b.Fatalf("perf-seed holds %d dashboards, want %d", len(names), seeds)
		}
		sort.Strings(names)
		seedDir = filepath.Join(b.TempDir(), "seed")
		if err := os.Mkdir(seedDir, 0o755); err != nil {
			b.Fatal(err)
		}
		for _, n := range names[:seeds] {
			data, err := os.ReadFile(n)
			if err != nil {
				b.Fatal(err)
			}
			if err := os.WriteFile(filepath.Join(seedDir, filepath.Base(n)), data, 0o644); err != nil {
				b.Fatal(err)
			}
		}
	}
	dst := filepath.Join(b.TempDir(), "tree")
	if _, err := gentree.Generate(dst, seedDir, stacks); err != nil {
		b.Fatal(err)
	}
	m, err := discover.Load(context.Background(), discover.Options{Paths: []string{dst}, WorkDir: dst})
	if err != nil {
		b.Fatal(err)
	}
	if len(m.Stacks) != stacks {
		b.Fatalf("loaded %d stacks, want %d", len(m.Stacks), stacks)
	}
	return m
}

// BenchmarkResolveStack measures the datasource rules over one stack of
// the 32 perf-seed dashboards (4 with -short), loaded once: the stack's
// references are resolved once and read by every rule.
func BenchmarkResolveStack(b *testing.B) {
	seeds := 0
	if testing.Short() {
		seeds = 4
	}
	m := generatedModel(b, 1, seeds)
	refs := 0
	for _, d := range m.Stacks[0].AllDashboards() {
		refs += len(d.Refs)
	}
	b.ReportAllocs()
	for b.Loop() {
		rules.Run(m, datasource.Rules(), rules.Options{})
	}
	b.ReportMetric(float64(refs), "refs")
}

// BenchmarkTinyStacks measures every rule over many stacks of one
// dashboard each (300 and 3,000; 3 and 30 with -short), loaded once: the
// cost per stack must not grow with the number of stacks.
func BenchmarkTinyStacks(b *testing.B) {
	sizes := []int{300, 3000}
	if testing.Short() {
		sizes = []int{3, 30}
	}
	for _, n := range sizes {
		b.Run(fmt.Sprintf("stacks=%d", n), func(b *testing.B) {
			m := generatedModel(b, n, 1)
			b.ReportAllocs()
			// CPU time per stack, as the machine may be shared: wall
			// time alone says little about how the cost grows.
			cpu0 := cputime.Process()
			for b.Loop() {
				query.ResetVerdicts() // each run as one process
				rules.Run(m, Rules(), rules.Options{})
			}
			b.ReportMetric(float64((cputime.Process()-cpu0).Microseconds())/float64(b.N*n), "cpu-µs/stack")
		})
	}
}

// BenchmarkQueryStacks measures the query rules over 8 stacks of the 32
// perf-seed dashboards (2 stacks of 4 with -short), loaded once, each run
// as one process: the stacks repeat their queries, as fleets do.
func BenchmarkQueryStacks(b *testing.B) {
	stacks, seeds := 8, 0
	if testing.Short() {
		stacks, seeds = 2, 4
	}
	m := generatedModel(b, stacks, seeds)
	b.ReportAllocs()
	for b.Loop() {
		query.ResetVerdicts()
		rules.Run(m, query.Rules(), rules.Options{})
	}
}
