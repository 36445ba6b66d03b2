// Package membudget keeps grafanalint's memory near what a run holds
// live. Dashboards are streamed (rules.Rule.PerDashboard), so a run holds
// little more than its findings, but Go's default pacing lets the heap
// grow to twice what was live at the last collection and returns freed
// memory to the system slowly: a fleet of 10,000 dashboards that holds
// ~100 MB peaked at 240 MB of resident memory. A soft memory limit
// (runtime/debug.SetMemoryLimit) makes the collector and the scavenger
// keep the process near the budget instead.
//
// A limit costs collections: the closer the live heap is to it, the more
// often the collector runs (bounded only by the runtime's 50 % GC CPU
// cap). The budget therefore gives way to Go's default pacing for the
// rest of the run once live data fills three quarters of it, or once
// collecting has taken a fifth of the run's CPU time (3,000 small stacks
// hold ~110 MB of models and would pay a third more CPU under it).
//
// Under the budget the collector may also let the heap grow further
// between collections (Percent): the limit, not the growth ratio, bounds
// memory then, as the Go GC guide suggests for a memory budget. On 2,000
// dashboards this spares 15 % of the CPU time for 170 MB of resident
// memory instead of 70.
//
// A GOMEMLIMIT the user sets is left as it is, and so is the budget; a
// GOGC the user sets is left as it is.
package membudget

import (
	"math"
	"runtime/debug"
	"runtime/metrics"
	"time"
)

// Default is the soft limit a run starts with.
const Default = 160 << 20

// Percent is the GOGC a run starts with under the budget: the heap may
// grow to five times the live data before a collection, up to the limit,
// so a run that holds little (dashboards streamed) collects rarely. It
// is 100, Go's default, again once the budget is lifted.
const Percent = 400

// every is how often the live heap is looked at.
const every = 50 * time.Millisecond

// liveHeap is the runtime metric of the heap live at the last collection;
// gcCPU and allCPU are the CPU time spent collecting, and in all.
const (
	liveHeap = "/gc/heap/live:bytes"
	gcCPU    = "/cpu/classes/gc/total:cpu-seconds"
	allCPU   = "/cpu/classes/total:cpu-seconds"
)

// maxGCShare is the share of the run's CPU time the collector may take
// before the budget gives way to the default pacing.
const maxGCShare = 0.2

// Start applies the budget unless getenv("GOMEMLIMIT") is set, and
// returns a function that stops following the run.
func Start(getenv func(string) string) (stop func()) {
	if getenv("GOMEMLIMIT") != "" {
		return func() {}
	}
	debug.SetMemoryLimit(Default)
	gogc := getenv("GOGC") == ""
	if gogc {
		debug.SetGCPercent(Percent)
	}
	done := make(chan struct{})
	go func() {
		samples := []metrics.Sample{{Name: liveHeap}, {Name: gcCPU}, {Name: allCPU}}
		tick := time.NewTicker(every)
		defer tick.Stop()
		for {
			select {
			case <-done:
				return
			case <-tick.C:
			}
			metrics.Read(samples)
			if samples[0].Value.Kind() != metrics.KindUint64 || samples[1].Value.Kind() != metrics.KindFloat64 || samples[2].Value.Kind() != metrics.KindFloat64 {
				return
			}
			if lifted(samples[0].Value.Uint64(), samples[1].Value.Float64(), samples[2].Value.Float64()) {
				if gogc {
					debug.SetGCPercent(100)
				}
				debug.SetMemoryLimit(math.MaxInt64)
				return
			}
		}
	}()
	return func() { close(done) }
}

// lifted reports whether the budget must give way to the default pacing:
// when live data fills three quarters of it (the collector would run
// almost constantly), or when collecting has taken more than maxGCShare
// of the CPU time so far.
func lifted(live uint64, gc, all float64) bool {
	return live > Default/4*3 || all > 0 && gc/all > maxGCShare
}
