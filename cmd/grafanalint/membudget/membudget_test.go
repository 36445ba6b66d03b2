package membudget

import (
	"runtime/debug"
	"testing"
)

func TestLifted(t *testing.T) {
	for _, c := range []struct {
		live    uint64
		gc, all float64
		want    bool
	}{
		{10 << 20, 0.01, 1, false}, // small live data, cheap collections: the budget holds
		{120 << 20, 0.2, 1, false}, // three quarters, a fifth of the CPU: still holds
		{121 << 20, 0, 1, true},    // live data near the budget
		{10 << 20, 0.3, 1, true},   // collecting costs too much
		{10 << 20, 0, 0, false},    // nothing measured yet
	} {
		if got := lifted(c.live, c.gc, c.all); got != c.want {
			t.Errorf("lifted(%d, %v, %v) = %v, want %v", c.live, c.gc, c.all, got, c.want)
		}
	}
}

// TestStartRespectsGOMEMLIMIT: a limit the user sets is left alone.
func TestStartRespectsGOMEMLIMIT(t *testing.T) {
	before := debug.SetMemoryLimit(-1)
	defer debug.SetMemoryLimit(before)
	percent := debug.SetGCPercent(100)
	defer debug.SetGCPercent(percent)
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
	if got := debug.SetGCPercent(100); got != Percent {
		t.Errorf("GOGC = %d, want %d under the budget", got, Percent)
	}
	stop = Start(func(k string) string {
		if k == "GOGC" {
			return "50"
		}
		return ""
	})
	stop()
	if got := debug.SetGCPercent(100); got != 100 {
		t.Errorf("GOGC = %d with GOGC set, want it left as it was", got)
	}
}
