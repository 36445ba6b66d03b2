//go:build unix

package k8s_test

import (
	"syscall"
	"time"
)

// cpuTime returns the process's user and system CPU time: benchmarks on a
// shared machine compare it rather than wall time.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
