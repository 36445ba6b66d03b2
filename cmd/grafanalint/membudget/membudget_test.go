package membudget

import (
	"math"
	"runtime/debug"
	"testing"
)

func TestNext(t *testing.T) {
	for _, c := range []struct {
		limit int64
		live  uint64
		want  int64
	}{
		{Default, 10 << 20, Default},      // small live data: the budget holds
		{Default, 120 << 20, Default},     // three quarters exactly: still holds
		{Default, 121 << 20, 242 << 20},   // beyond: default pacing again
		{400 << 20, 100 << 20, 400 << 20}, // a raised limit is never lowered
		{Default, math.MaxUint64, math.MaxInt64},
	} {
		if got := next(c.limit, c.live); got != c.want {
			t.Errorf("next(%d, %d) = %d, want %d", c.limit, c.live, got, c.want)
		}
	}
}

// TestStartRespectsGOMEMLIMIT: a limit the user sets is left alone.
func TestStartRespectsGOMEMLIMIT(t *testing.T) {
	before := debug.SetMemoryLimit(-1)
	defer debug.SetMemoryLimit(before)
	stop := Start(func(k string) string {
		if k == "GOMEMLIMIT" {
			return "1GiB"
		}
		return ""
	})
	stop()
	if got := debug.SetMemoryLimit(-1); got != before {
		t.Errorf("limit = %d with GOMEMLIMIT set, want %d left as it was", got, before)
	}
	stop = Start(func(string) string { return "" })
	stop()
	if got := debug.SetMemoryLimit(-1); got != Default {
		t.Errorf("limit = %d, want the default budget %d", got, Default)
	}
}
