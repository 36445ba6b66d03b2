// Package membudget keeps grafanalint's memory near what a run holds
// live. Dashboards are streamed (rules.Rule.PerDashboard), so a run holds
// little more than its findings, but Go's default pacing lets the heap
// grow to twice what was live at the last collection and returns freed
// memory to the system slowly: a fleet of 10,000 dashboards that holds
// ~100 MB peaked at 240 MB of resident memory. A soft memory limit
// (runtime/debug.SetMemoryLimit) makes the collector and the scavenger
// keep the process near the budget instead.
//
// A fixed limit would make the collector run almost constantly for a run
// whose live data outgrows it (bounded only by the runtime's 50 % GC CPU
// cap). The budget therefore follows the live heap: once live data
// passes three quarters of the limit, the limit is raised to twice the
// live heap, which is the default pacing again.
//
// A GOMEMLIMIT the user sets is left as it is.
package membudget

import (
	"math"
	"runtime/debug"
	"runtime/metrics"
	"time"
)

// Default is the soft limit a run starts with.
const Default = 160 << 20

// every is how often the live heap is looked at.
const every = 50 * time.Millisecond

// liveHeap is the runtime metric of the heap live at the last collection.
const liveHeap = "/gc/heap/live:bytes"

// Start applies the budget unless getenv("GOMEMLIMIT") is set, and
// returns a function that stops following the live heap.
func Start(getenv func(string) string) (stop func()) {
	if getenv("GOMEMLIMIT") != "" {
		return func() {}
	}
	limit := int64(Default)
	debug.SetMemoryLimit(limit)
	done := make(chan struct{})
	go func() {
		sample := []metrics.Sample{{Name: liveHeap}}
		tick := time.NewTicker(every)
		defer tick.Stop()
		for {
			select {
			case <-done:
				return
			case <-tick.C:
			}
			metrics.Read(sample)
			if sample[0].Value.Kind() != metrics.KindUint64 {
				continue
			}
			limit = next(limit, sample[0].Value.Uint64())
			debug.SetMemoryLimit(limit)
		}
	}()
	return func() { close(done) }
}

// next returns the limit to set when live bytes are live under limit.
func next(limit int64, live uint64) int64 {
	if live > math.MaxInt64/2 {
		return math.MaxInt64
	}
	if l := int64(live); l > limit/4*3 {
		return max(limit, 2*l)
	}
	return limit
}
