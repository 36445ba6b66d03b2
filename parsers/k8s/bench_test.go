package k8s_test

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/grafanalint/grafanalint/parsers/corpustest"
	"github.com/grafanalint/grafanalint/parsers/discover"
	"github.com/grafanalint/grafanalint/parsers/k8s/benchtree"
	"github.com/grafanalint/grafanalint/perf/cputime"
	"github.com/grafanalint/grafanalint/rules"
	"github.com/grafanalint/grafanalint/rules/all"
)

// benchLint loads and lints a generated repository of the given kind and
// reports the cost per file: a Kubernetes repository (chart values,
// ConfigMaps of dashboards, an ingress-nginx Ingress) should cost no more
// per file than a compose one deploying the same Grafanas.
func benchLint(b *testing.B, kind benchtree.Kind) {
	seed := corpustest.Dir(b, "perf-seed")
	dst := filepath.Join(b.TempDir(), "tree")
	stacks := 10
	if testing.Short() {
		stacks = 1
	}
	st, err := benchtree.Generate(dst, seed, stacks, kind)
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(st.Bytes)
	b.ReportAllocs()
	b.ReportMetric(float64(st.Files), "files")
	b.ResetTimer()
	cpu := cputime.Process()
	for b.Loop() {
		m, err := discover.Load(context.Background(), discover.Options{Paths: []string{dst}, WorkDir: dst})
		if err != nil {
			b.Fatal(err)
		}
		stacks := 0
		for _, s := range m.Stacks {
			if len(s.Dashboards) > 0 {
				stacks++
			}
		}
		if stacks != st.Stacks {
			b.Fatalf("%d stacks load dashboards, want %d", stacks, st.Stacks)
		}
		rules.Run(m, all.Rules(), rules.Options{})
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(st.Files), "ns/file")
	if c := cputime.Process() - cpu; c > 0 {
		// CPU time is what contention on a shared machine does not inflate.
		b.ReportMetric(float64(c.Nanoseconds())/float64(b.N)/float64(st.Files), "cpu-ns/file")
	}
}

func BenchmarkLintCompose(b *testing.B)    { benchLint(b, benchtree.Compose) }
func BenchmarkLintKubernetes(b *testing.B) { benchLint(b, benchtree.Kubernetes) }
