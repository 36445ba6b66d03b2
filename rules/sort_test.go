package rules

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/grafanalint/grafanalint/parsers/model"
)

// TestSortStableAsSortStableFunc: sortStable orders findings exactly as
// slices.SortStableFunc does, equal findings (same file, position, rule
// and message) in their original order, on shuffled inputs with many
// ties, sorted inputs and the empty list.
func TestSortStableAsSortStableFunc(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for round := range 200 {
		n := rng.IntN(300)
		if round == 0 {
			n = 0
		}
		fs := make([]Finding, n)
		for i := range fs {
			fs[i] = Finding{
				Rule:    fmt.Sprint("r", rng.IntN(3)),
				Message: fmt.Sprint("m", rng.IntN(2)),
				Pos:     model.Pos{File: fmt.Sprint("f", rng.IntN(4)), Line: rng.IntN(5), Col: rng.IntN(3)},
				// Entity tells equal findings apart: their order shows.
				Entity: fmt.Sprint(i),
			}
		}
		if round%10 == 1 {
			slices.SortStableFunc(fs, func(a, b Finding) int { return compareFindings(&a, &b) })
		}
		want := slices.Clone(fs)
		slices.SortStableFunc(want, func(a, b Finding) int { return compareFindings(&a, &b) })
		sortStable(fs)
		if diff := cmp.Diff(want, fs); diff != "" {
			t.Fatalf("round %d, %d findings (-SortStableFunc +sortStable):\n%s", round, n, diff)
		}
	}
}
