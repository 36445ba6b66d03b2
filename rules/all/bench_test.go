package all

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/grafanalint/grafanalint/parsers/corpustest"
	"github.com/grafanalint/grafanalint/parsers/discover"
	"github.com/grafanalint/grafanalint/parsers/discover/gentree"
	"github.com/grafanalint/grafanalint/rules"
)

// BenchmarkLintGenerated measures a whole lint (discovery, parsing, every
// rule) of a synthetic tree: 20 stacks, each with the 32 perf-seed
// dashboards, a grafana.ini, provisioning and an nginx config.
func BenchmarkLintGenerated(b *testing.B) {
	seed := corpustest.Dir(b, "perf-seed")
	dst := filepath.Join(b.TempDir(), "tree")
	st, err := gentree.Generate(dst, seed, 20)
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(st.Bytes)
	for b.Loop() {
		m, err := discover.Load(context.Background(), discover.Options{Paths: []string{dst}, WorkDir: dst})
		if err != nil {
			b.Fatal(err)
		}
		rules.Run(m, Rules(), rules.Options{})
	}
}

// BenchmarkRulesOnCorpus measures the rules alone over the real corpus,
// loaded once.
func BenchmarkRulesOnCorpus(b *testing.B) {
	dir := corpustest.Dir(b, "real")
	m, err := discover.Load(context.Background(), discover.Options{Paths: []string{dir}})
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		rules.Run(m, Rules(), rules.Options{})
	}
}
