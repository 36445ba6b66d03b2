package discover

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/grafanalint/grafanalint/parsers/corpustest"
	"github.com/grafanalint/grafanalint/parsers/discover/gentree"
)

// BenchmarkLoadStack loads one compose stack of n generated dashboards
// (gentree.GenerateStack: provisioning, grafana.ini and nginx beside
// them), the shape of issue 10's 2,000- and 10,000-dashboard workloads
// (those are measured with perf/cmd/perfcheck).
func BenchmarkLoadStack(b *testing.B) {
	sizes := []int{250, 1000}
	if testing.Short() {
		sizes = []int{8}
	}
	seed := corpustest.Dir(b, "perf-seed")
	for _, n := range sizes {
		b.Run(fmt.Sprintf("dashboards=%d", n), func(b *testing.B) {
			dst := filepath.Join(b.TempDir(), "tree")
			st, err := gentree.GenerateStack(dst, seed, n)
			if err != nil {
				b.Fatal(err)
			}
			b.SetBytes(st.Bytes)
			b.ReportAllocs()
			for b.Loop() {
				m, err := Load(context.Background(), Options{Paths: []string{dst}, WorkDir: dst})
				if err != nil || len(m.Stacks) != 1 || len(m.Stacks[0].Dashboards) != n {
					b.Fatalf("load: %v, %d stacks", err, len(m.Stacks))
				}
			}
		})
	}
}

// BenchmarkLoadSmallStacks loads n stacks of one dashboard each: the time
// per stack (ns/stack) should not grow with n.
func BenchmarkLoadSmallStacks(b *testing.B) {
	sizes := []int{300, 1000, 3000}
	if testing.Short() {
		sizes = []int{10}
	}
	seed := corpustest.Dir(b, "perf-seed")
	for _, n := range sizes {
		b.Run(fmt.Sprintf("stacks=%d", n), func(b *testing.B) {
			dst := filepath.Join(b.TempDir(), "tree")
			st, err := gentree.GenerateWith(dst, seed, gentree.Options{Stacks: n, Dashboards: 1})
			if err != nil {
				b.Fatal(err)
			}
			b.SetBytes(st.Bytes)
			b.ReportAllocs()
			for b.Loop() {
				m, err := Load(context.Background(), Options{Paths: []string{dst}, WorkDir: dst})
				if err != nil || len(m.Stacks) != n {
					b.Fatalf("load: %v, %d stacks, want %d", err, len(m.Stacks), n)
				}
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(n), "ns/stack")
		})
	}
}

// BenchmarkLoadExplicitFile is what pre-commit does: one dashboard named
// on the command line inside a git repository of many stacks × 32
// dashboards (file-in-repo), against loading that dashboard's stack alone
// (own-stack). Issue 10's goal: file-in-repo at most twice own-stack.
func BenchmarkLoadExplicitFile(b *testing.B) {
	stacks := 60
	if testing.Short() {
		stacks = 2
	}
	seed := corpustest.Dir(b, "perf-seed")
	dst := filepath.Join(b.TempDir(), "repo")
	if _, err := gentree.Generate(dst, seed, stacks); err != nil {
		b.Fatal(err)
	}
	if err := os.Mkdir(filepath.Join(dst, ".git"), 0o755); err != nil {
		b.Fatal(err)
	}
	file := "site-000/grafana/provisioning/dashboards/24-apache-full.json"
	for _, c := range []struct {
		name string
		path string
	}{{"file-in-repo", file}, {"own-stack", "site-000"}} {
		b.Run(c.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				m, err := Load(context.Background(), Options{Paths: []string{c.path}, WorkDir: dst})
				if err != nil || m.File(file) == nil {
					b.Fatalf("load %s: %v; %s not loaded", c.path, err, file)
				}
			}
		})
	}
}
