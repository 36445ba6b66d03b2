//go:build !unix

package main

import (
	"os"
	"time"
)

// usage returns the CPU time of a finished process; its peak memory is
// not known on this platform.
func usage(ps *os.ProcessState) (cpu time.Duration, rssKiB int64) {
	return ps.UserTime() + ps.SystemTime(), 0
}
