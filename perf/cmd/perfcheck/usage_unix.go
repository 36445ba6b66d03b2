//go:build unix

package main

import (
	"os"
	"syscall"
	"time"
)

// usage returns the CPU time (user and system) and the peak resident set
// size in KiB (as Linux reports it) of a finished process.
func usage(ps *os.ProcessState) (cpu time.Duration, rssKiB int64) {
	ru, ok := ps.SysUsage().(*syscall.Rusage)
	if !ok {
		return 0, 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano()), int64(ru.Maxrss) //nolint:unconvert // Maxrss is an int32 on 32-bit platforms
}
