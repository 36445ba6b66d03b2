package query

import (
	"strings"

	"github.com/prometheus/prometheus/model/labels"
	"github.com/prometheus/prometheus/promql/parser"

	dmodel "github.com/grafanalint/grafanalint/parsers/model"
)

// promFacts is what the convention rules that read a Prometheus query's
// syntax tree (rate-interval, job-matcher, instance-matcher,
// counter-aggregation) need of a query that parses, in the tree's
// pre-order, with offsets into the query as written. It is read from one
// parse for all four rules, and remembered like a check (see memo.go): a
// query repeated across a fleet is parsed once, not four times per
// dashboard.
type promFacts struct {
	// ranges are the matrix arguments of rate() and irate() whose range
	// is not $__rate_interval.
	ranges []rangeFact
	// selectors are the vector selectors.
	selectors []selectorFact
}

// rangeFact is a fixed range of a rate() or irate() call.
type rangeFact struct {
	off int    // the range's "[" (after the selector)
	fn  string // "rate" or "irate"
}

// selectorFact is a vector selector.
type selectorFact struct {
	off  int    // its start
	text string // as Prometheus prints it
	name string // the metric name
	// regex are the name and value of its =~ matchers.
	regex [][2]string
	// counter: its name ends in _total and it is not the range of a
	// rate(), irate() or increase() call.
	counter bool
}

// size is what the facts cost in the memo, in bytes (counted).
func (f *promFacts) size() int {
	if f == nil {
		return 0
	}
	// Slices count with the room append leaves, strings with their
	// headers.
	n := 64 + 40*len(f.ranges)
	for _, s := range f.selectors {
		n += 112 + len(s.text) + len(s.name)
		for _, m := range s.regex {
			n += 48 + len(m[0]) + len(m[1])
		}
	}
	return n
}

// newPromFacts reads the facts of ast, parsed from an expansion whose
// offset map is res. Strings are copied: the facts must not keep the
// parsed text (or a file's) alive.
func newPromFacts(ast parser.Expr, res *parsed) *promFacts {
	f := &promFacts{}
	src := func(off int) int { return res.res.SourceOffset(off) }
	parser.Inspect(ast, func(n parser.Node, path []parser.Node) error {
		switch n := n.(type) {
		case *parser.Call:
			if n.Func.Name != "rate" && n.Func.Name != "irate" {
				return nil
			}
			for _, a := range n.Args {
				m, ok := a.(*parser.MatrixSelector)
				if !ok || m.Range == rateIntervalDuration {
					continue
				}
				vs, _ := m.VectorSelector.(*parser.VectorSelector)
				off := int(m.PositionRange().End) - 1
				if vs != nil {
					off = int(vs.PositionRange().End)
				}
				f.ranges = append(f.ranges, rangeFact{off: src(off), fn: n.Func.Name})
			}
		case *parser.VectorSelector:
			s := selectorFact{off: src(int(n.PositionRange().Start)), text: n.String(), name: strings.Clone(n.Name)}
			for _, m := range n.LabelMatchers {
				if m.Type == labels.MatchRegexp {
					s.regex = append(s.regex, [2]string{strings.Clone(m.Name), strings.Clone(m.Value)})
				}
			}
			s.counter = strings.HasSuffix(n.Name, "_total") && !inRateRange(path)
			f.selectors = append(f.selectors, s)
		}
		return nil
	})
	return f
}

// inRateRange reports whether the node at the end of path is the range
// of a rate(), irate() or increase() call.
func inRateRange(path []parser.Node) bool {
	if len(path) < 2 {
		return false
	}
	if _, ok := path[len(path)-1].(*parser.MatrixSelector); !ok {
		return false
	}
	call, ok := path[len(path)-2].(*parser.Call)
	if !ok {
		return false
	}
	switch call.Func.Name {
	case "rate", "irate", "increase":
		return true
	}
	return false
}

// promFactsOf returns the facts of Prometheus query s in dashboard d, nil
// when no values of its variables make it parse. Checking with the
// parser as written (regexes compiled) decides which values parse, as the
// rules did.
func promFactsOf(s string, d *dmodel.Dashboard) *promFacts {
	if cacheVerdicts {
		if e, ok := verdictMemo.get(factsPromQL, s); ok && holdsIn(e.deps, d) {
			counted()
			return e.facts
		}
	}
	e := newExpansion(s, d, promQL)
	ok, _, _ := e.run(s, parsePromQLFull)
	var f *promFacts
	if ok != nil {
		if ast, isExpr := ok.ast.(parser.Expr); isExpr {
			f = newPromFacts(ast, ok)
		}
	}
	if cacheVerdicts && !e.specific {
		verdictMemo.put(factsPromQL, s, memoEntry{facts: f, deps: e.deps()})
	}
	return f
}

// promTargets calls fn for every Prometheus target of d that parses, with
// its facts.
func promTargets(d *dmodel.Dashboard, ix *Index, fn func(t target, f *promFacts)) {
	eachPromTarget(d, ix, func(t target) {
		if f := promFactsOf(t.query.Expr.V, d); f != nil {
			fn(t, f)
		}
	})
}
