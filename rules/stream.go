package rules

import (
	"slices"
	"strings"
	"time"

	"github.com/grafanalint/grafanalint/parsers/model"
)

// Streaming a stack's dashboards. Rules marked PerDashboard read one
// dashboard at a time, so the engine checks a stack's dashboards one by
// one on a pool of goroutines: each dashboard is filled in from its file
// when discovery streams it (model.Dashboard.Fill), checked by those rules
// in a view of the stack that holds it alone, and stripped again to the
// facts rules across dashboards read (model.Dashboard.Strip). Then every
// rule runs once on the stack: the others on the stack itself, whose
// dashboards are stripped by then, the PerDashboard ones on a view holding
// no dashboard, for what they check outside dashboards. A run therefore
// holds about one dashboard per goroutine, whatever the fleet's size.

// ruleFinding is a finding of a dashboard's view, with the index of its
// rule in the stack's runs.
type ruleFinding struct {
	rule int
	f    Finding
}

// dashboardsTimed names, for Options.Timed, the time spent reading and
// parsing streamed dashboards.
const dashboardsTimed = "(dashboards: read and parse)"

// stackRun is the check of one stack.
type stackRun struct {
	rn   *run
	s    *model.Stack
	v    Version
	opts Options
	// stackMemo holds what the rules of the stack share (Shared), and
	// what the views of its dashboards gather for the stack (Gathered).
	stackMemo *memo
	// sc decides which findings the run reports.
	sc *scope
}

// silentOf returns, for a run on explicit files (pre-commit), which
// dashboards of the stack no rule needs to check one at a time:
// the PerDashboard rules report about the dashboard in view (at it, or at
// the stack's datasources and providers it involves), so when every
// reported file of the stack is a dashboard held whole (named on the
// command line), a dashboard file that is not reported and shares no uid
// with a reported one yields only findings the run drops (scope). It
// returns nil when every dashboard is to be checked. The decision reads
// only dashboards held whole, which no view modifies.
func (sr *stackRun) silentOf(all []*model.Dashboard) func(d *model.Dashboard) bool {
	sc := sr.sc
	if sc == nil || sc.all {
		return nil
	}
	held := map[string]*model.Dashboard{}
	for _, d := range all {
		if !d.Streamed() {
			held[d.File] = d
		}
	}
	// named holds what makes a finding's entity one of a reported
	// dashboard: its uid, as written and trimmed (a dashboard without uid
	// is named by its file).
	named := map[string]bool{}
	for _, f := range sr.s.Files {
		if !sc.reported[f] {
			continue
		}
		d := held[f]
		if d == nil {
			return nil // a reported file other than a held dashboard
		}
		named[d.UID.V], named[strings.TrimSpace(d.UID.V)], named[d.File] = true, true, true
	}
	return func(d *model.Dashboard) bool {
		return sc.known[d.File] && !sc.reported[d.File] &&
			!named[d.UID.V] && !named[strings.TrimSpace(d.UID.V)] && !named[d.File]
	}
}

// streamJob prepares the check of every dashboard of the stack with the
// PerDashboard rules among runs: todo are the indexes in
// Stack.AllDashboards of the dashboards to check (each once), check checks
// one of them (safe to call from several goroutines, each index once), and
// out receives the findings per dashboard (in the order of
// Stack.AllDashboards; nil for a dashboard checked earlier in the list, or
// with no finding), in the order of the rules in runs.
func (sr *stackRun) streamJob(runs []*active) (todo []int, check func(i int), out [][]ruleFinding) {
	// per are the indexes in runs of the PerDashboard rules, gathering
	// those of the ones that gather across views (Rule.Gathers).
	var per, gathering []int
	for j, a := range runs {
		if a.r.PerDashboard && a.r.Check != nil {
			per = append(per, j)
			if a.r.Gathers != nil && a.r.Gathers(sr.s) {
				gathering = append(gathering, j)
			}
		}
	}
	s := sr.s
	all := s.AllDashboards()
	if len(all) == 0 {
		return nil, nil, nil
	}
	// Even with no PerDashboard rule to run, streamed dashboards are
	// parsed: the stack's rules read their stripped facts.
	silent := sr.silentOf(all)
	out = make([][]ruleFinding, len(all))
	seen := make(map[*model.Dashboard]bool, len(all))
	for i, d := range all {
		if !seen[d] { // a dashboard is checked once per stack
			seen[d] = true
			todo = append(todo, i)
		}
	}
	check = func(i int) {
		d := all[i]
		began := time.Now()
		if silent != nil {
			d.FillFacts() // the uid tells whether it is silent
		}
		views := per
		if silent != nil && silent(d) {
			views = gathering
		}
		if len(views) == 0 {
			d.FillFacts()
			d.Strip()
			sr.timed(dashboardsTimed, began)
			return
		}
		d.Fill()
		sr.timed(dashboardsTimed, began)
		view := *s
		if i < len(s.Dashboards) {
			view.Dashboards, view.LooseDashboards = []*model.Dashboard{d}, nil
		} else {
			view.Dashboards, view.LooseDashboards = nil, []*model.Dashboard{d}
		}
		viewMemo := &memo{}
		var found []ruleFinding
		var buf []Finding
		for _, j := range views {
			r := runs[j].r
			began := time.Now()
			buf = buf[:0]
			r.Check(sr.context(&view, r, viewMemo, true, &buf))
			sr.timed(r.ID, began)
			if len(buf) > 0 && found == nil {
				found = make([]ruleFinding, 0, len(buf))
			}
			for _, f := range buf {
				found = append(found, ruleFinding{rule: j, f: f})
			}
		}
		// Held until the stack's findings are merged: keep them in a
		// slice of their own size.
		out[i] = slices.Clip(found)
		d.Strip()
	}
	return todo, check, out
}

// check runs rule r on the stack: a PerDashboard rule on a view that holds
// no dashboard, any other on the stack itself.
func (sr *stackRun) check(r *Rule, out *[]Finding) {
	began := time.Now()
	if r.PerDashboard {
		view := *sr.s
		view.Dashboards, view.LooseDashboards = nil, nil
		r.Check(sr.context(&view, r, &memo{}, false, out))
	} else {
		r.Check(sr.context(sr.s, r, sr.stackMemo, false, out))
	}
	sr.timed(r.ID, began)
}

// context returns the context of rule r on st (the stack or a view of
// it).
func (sr *stackRun) context(st *model.Stack, r *Rule, mm *memo, inView bool, out *[]Finding) *Context {
	c := sr.rn.context(st, sr.v, r, mm, out)
	c.stackMemo, c.inView = sr.stackMemo, inView
	return c
}

func (sr *stackRun) timed(name string, began time.Time) {
	if sr.opts.Timed != nil {
		sr.opts.Timed(name, time.Since(began))
	}
}
