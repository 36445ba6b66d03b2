package cli

import (
	"fmt"
	"io"
	"slices"
	"strings"
	"sync"
	"time"
)

// --timing writes to stderr where the wall-clock time of a run went, one
// phase a line in the order they ran: loading (discover.Load), the rules
// (each rule that ran, slowest first, and what the engine spent around
// them: scoping, suppression), describing fixes for json and sarif, each
// report written (per format and destination), and the rest. -v ends
// with the phases on one line.
//
// Dashboards are read, parsed and checked on several goroutines inside
// the rules' phase ("(dashboards: read and parse)" and the rules that read
// one dashboard at a time): their times are summed over the goroutines
// and may add up to more than the phase.
//
// discover.Load is timed as one phase. When the loader times its own
// stages (walk, parse, assemble), they belong in timing.add's parts of
// "load", as the rules are in "rules".

// timing records the phases of one run; a nil *timing records nothing.
type timing struct {
	start  time.Time
	phases []phase
}

// phase is one timed step of the run, with the parts it is made of.
type phase struct {
	name  string
	took  time.Duration
	parts []phase
}

// newTiming returns a timing started now when on, else nil.
func newTiming(on bool) *timing {
	if !on {
		return nil
	}
	return &timing{start: time.Now()}
}

// add records a phase that began at began and ends now.
func (t *timing) add(name string, began time.Time, parts ...phase) {
	if t == nil {
		return
	}
	t.phases = append(t.phases, phase{name: name, took: time.Since(began), parts: parts})
}

// ruleTimer sums the time of each rule (rules.Options.Timed may report a
// rule once per stack).
type ruleTimer struct {
	mu    sync.Mutex
	rules []phase
	index map[string]int
}

func (r *ruleTimer) timed(rule string, took time.Duration) {
	r.mu.Lock()
	defer r.mu.Unlock()
	i, ok := r.index[rule]
	if !ok {
		if r.index == nil {
			r.index = map[string]int{}
		}
		i = len(r.rules)
		r.index[rule] = i
		r.rules = append(r.rules, phase{name: rule})
	}
	r.rules[i].took += took
}

// parts returns the rules slowest first and, when the engine spent time
// around them, that time.
func (r *ruleTimer) parts(total time.Duration) []phase {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := slices.Clone(r.rules)
	slices.SortStableFunc(out, func(a, b phase) int {
		if a.took != b.took {
			return int(b.took - a.took)
		}
		return strings.Compare(a.name, b.name)
	})
	var sum time.Duration
	for _, p := range out {
		sum += p.took
	}
	if rest := total - sum; rest > 0 {
		out = append(out, phase{name: "(engine: scope, suppression)", took: rest})
	}
	return out
}

// write prints the phases as a table: name, seconds, share of the run.
func (t *timing) write(w io.Writer) {
	if t == nil {
		return
	}
	total := time.Since(t.start)
	var b strings.Builder
	fmt.Fprintf(&b, "grafanalint: timing (wall clock, %s in all):\n", seconds(total))
	var counted time.Duration
	line := func(indent, name string, took time.Duration) {
		share := 0.0
		if total > 0 {
			share = 100 * float64(took) / float64(total)
		}
		fmt.Fprintf(&b, "%s%-*s %9s %5.1f%%\n", indent, 44-len(indent), name, seconds(took), share)
	}
	for _, p := range t.phases {
		line("  ", p.name, p.took)
		counted += p.took
		for _, q := range p.parts {
			line("    ", q.name, q.took)
		}
	}
	if rest := total - counted; rest > 0 {
		line("  ", "other (flags, config, exit)", rest)
	}
	_, _ = io.WriteString(w, b.String())
}

// summary is the phases on one line, for -v.
func (t *timing) summary() string {
	if t == nil {
		return ""
	}
	parts := make([]string, 0, len(t.phases))
	for _, p := range t.phases {
		parts = append(parts, p.name+" "+seconds(p.took))
	}
	return fmt.Sprintf("took %s: %s", seconds(time.Since(t.start)), strings.Join(parts, ", "))
}

// seconds formats a duration in seconds with millisecond precision.
func seconds(d time.Duration) string {
	return fmt.Sprintf("%.3fs", d.Seconds())
}
