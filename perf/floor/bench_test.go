package floor

import (
	"fmt"
	"path/filepath"
	"testing"

	"github.com/grafanalint/grafanalint/parsers/corpustest"
	"github.com/grafanalint/grafanalint/parsers/discover/gentree"
)

// BenchmarkWalk is the floor on the trees of discover's
// BenchmarkLoadStack: the same dashboards, for comparison in one run.
func BenchmarkWalk(b *testing.B) {
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
				paths, err := Find([]string{dst})
				if err != nil || len(paths) != n {
					b.Fatalf("found %d dashboards (%v), want %d", len(paths), err, n)
				}
				Walk(paths, 2)
			}
		})
	}
}
