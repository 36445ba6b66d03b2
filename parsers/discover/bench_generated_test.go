package discover

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/grafanalint/grafanalint/parsers/discover/gentree"
)

// BenchmarkLoadGenerated loads a synthetic tree of 20 stacks (2 with
// -short), each with the 32 perf-seed dashboards, a grafana.ini,
// provisioning and nginx.
func BenchmarkLoadGenerated(b *testing.B) {
	seed := filepath.Join("..", "..", "..", "shared", "corpus", "perf-seed")
	if _, err := os.Stat(seed); err != nil {
		if os.Getenv("CI") == "true" {
			b.Fatalf("perf-seed corpus missing at %s", seed)
		}
		b.Skipf("perf-seed corpus not found at %s", seed)
	}
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
	b.ReportMetric(float64(st.Files), "files")
	b.ResetTimer()
	for b.Loop() {
		m, err := Load(context.Background(), Options{Paths: []string{dst}, WorkDir: dst})
		if err != nil || len(m.Stacks) != st.Stacks {
			b.Fatalf("load: %v, %d stacks", err, len(m.Stacks))
		}
	}
}
