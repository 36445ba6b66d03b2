package cputime

import (
	"runtime"
	"testing"
	"time"
)

// TestProcessCountsWork: on Unix, spinning for a while adds CPU time.
func TestProcessCountsWork(t *testing.T) {
	if runtime.GOOS == "windows" || runtime.GOOS == "plan9" || runtime.GOOS == "js" || runtime.GOOS == "wasip1" {
		t.Skip("the CPU time is not read on " + runtime.GOOS)
	}
	before := Process()
	x := 0
	for start := time.Now(); time.Since(start) < 50*time.Millisecond; {
		x++
	}
	if after := Process(); after-before < 10*time.Millisecond {
		t.Errorf("50 ms of spinning (%d rounds) added %v of CPU time", x, after-before)
	}
}
