package query

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/grafanalint/grafanalint/parsers/discover"
	"github.com/grafanalint/grafanalint/parsers/model"
	"github.com/grafanalint/grafanalint/rules"
)

// memoDashboards are dashboards whose variables give the same texts
// different verdicts: none, a query variable, interval and constant
// variables with the names the texts use, and a name defined twice.
func memoDashboards() []*model.Dashboard {
	v := func(name, typ, query string) *model.Variable {
		return &model.Variable{Name: model.Str{V: name}, Type: typ, Query: model.Str{V: query}}
	}
	return []*model.Dashboard{
		nil,
		{},
		{Variables: []*model.Variable{v("w", "query", "label_values(up, w)"), v("sel", "query", "")}},
		{Variables: []*model.Variable{v("w", "interval", "1m,5m"), v("sel", "constant", `job="node"`)}},
		{Variables: []*model.Variable{v("sel", "constant", `job=`), v("w", "constant", "5m")}},
		{Variables: []*model.Variable{v("sel", "constant", `$other`), v("w", "custom", "a,b")}},
		{Variables: []*model.Variable{v("w", "query", ""), v("w", "interval", "1m")}},
		{Variables: []*model.Variable{v("w", "interval", ""), v("w", "query", "")}},
		{Variables: []*model.Variable{{Name: model.Str{V: "w"}, Type: "query", Multi: true, IncludeAll: true}}},
	}
}

// memoTexts are texts whose verdict depends on how their references are
// replaced, with each kind of slot.
var memoTexts = []string{
	`sum(x) by ($w)`,
	`rate(x[$w])`,
	`rate(x[$w]) * $w`,
	`up{$sel}`,
	`up{$sel} offset $w`,
	`up{a=~"$w"}`,
	`up{a=${w:doublequote}}`,
	`sum(rate(x[$__rate_interval])) by (code`,
	`$w`,
	`node_${w}_total`,
	`{job="a"} |= "x" | $w > 1`,
	`{$sel}`,
	`{job="a"} $w`,
	`sum(count_over_time({job="a"}[$w]))`,
	`label_values(up{$sel}, job)`,
	`[[w]] + $__interval_ms`,
}

// TestMemoNeverChangesVerdict: whatever the order dashboards check the
// same texts in, and however warm the memo is, each check gives what
// checking without the memo gives.
func TestMemoNeverChangesVerdict(t *testing.T) {
	defer ResetVerdicts()
	ds := memoDashboards()
	type result struct {
		msg string
		off int
	}
	for _, v := range []*validator{validPromQL, validPromSelector, validLogQL} {
		want := map[[2]int]result{}
		for ti, s := range memoTexts {
			for di, d := range ds {
				_, perr, off := check(s, d, v.lang, v.parse)
				r := result{off: off}
				if perr != nil {
					r.msg = perr.msg
				}
				want[[2]int{ti, di}] = r
			}
		}
		for _, order := range [][]int{{0, 1, 2, 3, 4, 5, 6, 7, 8}, {8, 7, 6, 5, 4, 3, 2, 1, 0}, {3, 0, 4, 2, 6, 1, 7, 5, 8}} {
			ResetVerdicts()
			for round := range 2 {
				for ti, s := range memoTexts {
					for _, di := range order {
						perr, off := v.check(s, ds[di])
						got := result{off: off}
						if perr != nil {
							got.msg = perr.msg
						}
						if w := want[[2]int{ti, di}]; got != w {
							t.Errorf("kind %d, %q in dashboard %d (order %v, round %d): got %+v, want %+v", v.checkKind, s, di, order, round, got, w)
						}
					}
				}
			}
		}
	}
}

// TestMemoSameFindingsAcrossDashboards: the same broken expression in two
// dashboards, at different lines and columns (one behind JSON escapes),
// with different variables, is reported at its own place in each, as
// without the memo, whichever dashboard is checked first.
func TestMemoSameFindingsAcrossDashboards(t *testing.T) {
	defer ResetVerdicts()
	dir := t.TempDir()
	files := map[string]string{
		"provisioning/datasources/ds.yaml":        "apiVersion: 1\ndatasources:\n  - name: Prometheus\n    uid: prom\n    type: prometheus\n    url: http://prometheus:9090\n",
		"provisioning/dashboards/dashboards.yaml": "apiVersion: 1\nproviders:\n  - name: default\n    type: file\n    options:\n      path: /etc/grafana/provisioning/dashboards\n",
		"provisioning/dashboards/a.json": `{"uid": "a", "title": "A", "schemaVersion": 39,
  "templating": {"list": [{"name": "w", "type": "interval", "query": "1m,5m"}, {"name": "sel", "type": "constant", "query": "job=\"node\""}]},
  "panels": [{"id": 1, "type": "timeseries", "title": "p", "datasource": {"type": "prometheus", "uid": "prom"},
  "targets": [
    {"refId": "A", "expr": "sum(rate(x{a=\"b\"}[$w])) by (code"},
    {"refId": "B", "expr": "sum(x) by ($w)"},
    {"refId": "C", "expr": "up{$sel}"}
  ]}]}`,
		"provisioning/dashboards/b.json": `{"uid": "b", "title": "B", "schemaVersion": 39,
  "templating": {"list": [{"name": "w", "type": "query", "query": "label_values(up, w)"}, {"name": "sel", "type": "constant", "query": "job="}]},
  "panels": [{"id": 1, "type": "timeseries", "title": "q", "datasource": {"type": "prometheus", "uid": "prom"},
  "targets": [{"refId": "Z", "expr": "up{$sel}"}, {"refId": "Y", "expr": "sum(x) by ($w)"},
              {"refId": "X", "expr": "sum(rate(x{a=\u0022b\u0022}[$w])) by (code"}]}]}`,
	}
	writeTree(t, dir, files)
	lint := func(paths ...string) []string {
		t.Helper()
		m, err := discover.Load(context.Background(), discover.Options{WorkDir: dir, Paths: paths})
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, f := range rules.Run(m, Rules(), rules.Options{}).Findings {
			if strings.HasPrefix(f.Rule, "query/") {
				out = append(out, fmt.Sprintf("%s %s %s", f.Pos, f.Rule, f.Message))
			}
		}
		return out
	}
	cacheVerdicts = false
	want := lint(".")
	cacheVerdicts = true
	if len(want) < 4 {
		t.Fatalf("want at least 4 findings without the memo, got %q", want)
	}
	for _, first := range []string{"provisioning/dashboards/a.json", "provisioning/dashboards/b.json"} {
		ResetVerdicts()
		lint(first)
		if diff := cmp.Diff(want, lint(".")); diff != "" {
			t.Errorf("memo filled by %s first: findings (-without memo +with):\n%s", first, diff)
		}
		if diff := cmp.Diff(want, lint(".")); diff != "" {
			t.Errorf("memo filled by %s first, second run: findings (-without memo +with):\n%s", first, diff)
		}
	}
}

// TestMemoBounded: a memo never holds more than two generations' entries
// and bytes, however many distinct texts go through it, long ones
// included, and keeps answering for the texts seen last.
func TestMemoBounded(t *testing.T) {
	const entries, bytes = 64, 16 << 10
	m := newMemo(entries, bytes)
	check := func(when string) {
		t.Helper()
		n, b := m.stats()
		if n > 2*entries || b > 2*bytes {
			t.Fatalf("%s: %d entries, %d bytes; bound %d entries, %d bytes", when, n, b, 2*entries, 2*bytes)
		}
	}
	for i := range 5000 {
		s := fmt.Sprintf("rate(metric_%d_total[5m])", i)
		m.put(checkPromQL, s, memoEntry{perr: &parseError{msg: "unexpected end of input"}, deps: []checkDep{{name: "job"}}})
		check(s)
		if _, ok := m.get(checkPromQL, s); !ok {
			t.Fatalf("%q is not remembered right after it was stored", s)
		}
	}
	if _, ok := m.get(checkPromQL, "rate(metric_0_total[5m])"); ok {
		t.Errorf("the first text is still remembered after 5000 others")
	}
	long := strings.Repeat("x", 3000)
	for i := range 100 {
		m.put(verdictPromQL, fmt.Sprint(long, i), memoEntry{})
		check("long texts")
	}
	m.put(verdictPromQL, strings.Repeat("y", 2*bytes), memoEntry{})
	check("a text longer than a generation")
	if _, ok := m.get(verdictPromQL, strings.Repeat("y", 2*bytes)); ok {
		t.Errorf("a text longer than a generation was stored")
	}
}

// TestValidatorMemoBounded: the validators keep the process's memo within
// its bounds while checking many distinct queries, and give the verdicts
// of checking without it.
func TestValidatorMemoBounded(t *testing.T) {
	saved := verdictMemo
	verdictMemo = newMemo(100, 32<<10)
	defer func() { verdictMemo = saved }()
	d := &model.Dashboard{Variables: []*model.Variable{{Name: model.Str{V: "job"}, Type: "query", Multi: true}}}
	for i := range 2000 {
		s := fmt.Sprintf(`sum(rate(m_%d_total{job=~"$job"}[$__rate_interval])) by (code%s`, i, strings.Repeat(")", i%2))
		perr, off := validPromQL.check(s, d)
		_, want, wantOff := check(s, d, promQL, parsePromQL)
		if (perr == nil) != (want == nil) || perr != nil && (perr.msg != want.msg || off != wantOff) {
			t.Fatalf("%q: memo gives %v at %d, without %v at %d", s, perr, off, want, wantOff)
		}
		if n, b := verdictMemo.stats(); n > 200 || b > 64<<10 {
			t.Fatalf("after %d queries the memo holds %d entries, %d bytes; bound 200, %d", i+1, n, b, 64<<10)
		}
	}
}

// TestMemoAnswersRepeats: a text checked again, in another dashboard
// whose variables do not change the values tried (an interval variable
// used only as a range), is not parsed again; one whose constant does,
// is.
func TestMemoAnswersRepeats(t *testing.T) {
	defer ResetVerdicts()
	ResetVerdicts()
	n := 0
	v := &validator{lang: promQL, checkKind: checkPromQL, verdictKind: verdictPromQL, parse: func(s string) (any, *parseError) {
		n++
		return parsePromQL(s)
	}}
	ds := memoDashboards()
	s := `sum(rate(x{a=~"$sel"}[$w])) by (code) + $sel`
	for _, d := range []*model.Dashboard{ds[1], ds[2], ds[3], ds[1]} {
		v.check(s, d)
	}
	if n != 2 {
		t.Errorf("the text was parsed %d times, want 2 (once, and once more for the dashboard whose constant it uses as an operand)", n)
	}
}

// TestMemoConcurrent: validators used by several goroutines at once, on
// the same texts in different dashboards, give the verdicts of checking
// without the memo (run with -race, it also shows the memo's locking).
func TestMemoConcurrent(t *testing.T) {
	defer ResetVerdicts()
	ResetVerdicts()
	ds := memoDashboards()
	type want struct {
		msg string
		off int
	}
	wants := map[[2]int]want{}
	for ti, s := range memoTexts {
		for di, d := range ds {
			_, perr, off := check(s, d, promQL, parsePromQL)
			w := want{off: off}
			if perr != nil {
				w.msg = perr.msg
			}
			wants[[2]int{ti, di}] = w
		}
	}
	var wg sync.WaitGroup
	for g := range 4 {
		wg.Go(func() {
			for round := range 20 {
				for ti, s := range memoTexts {
					di := (ti + g + round) % len(ds)
					perr, off := validPromQL.check(s, ds[di])
					got := want{off: off}
					if perr != nil {
						got.msg = perr.msg
					}
					if w := wants[[2]int{ti, di}]; got != w {
						t.Errorf("%q in dashboard %d: got %+v, want %+v", s, di, got, w)
					}
				}
			}
		})
	}
	wg.Wait()
}

// TestFactsMemoNeverChangesFacts: the syntax facts the convention rules
// read are, from the memo in any order, those read from a fresh parse.
func TestFactsMemoNeverChangesFacts(t *testing.T) {
	defer func() { cacheVerdicts = true; ResetVerdicts() }()
	ds := memoDashboards()
	texts := append([]string{
		`sum(rate(http_requests_total{job=~"$job", instance=~"${instance}"}[5m])) by (code) / rate(x_total[$w])`,
		`irate(a_total{job=~"[[job]]"}[$__rate_interval]) + b_total + increase(c_total[1h])`,
		`rate(x_total{$sel}[$w]) offset $w`,
	}, memoTexts...)
	want := map[[2]int]*promFacts{}
	cacheVerdicts = false
	for ti, s := range texts {
		for di, d := range ds {
			want[[2]int{ti, di}] = promFactsOf(s, d)
		}
	}
	cacheVerdicts = true
	opts := cmp.AllowUnexported(promFacts{}, rangeFact{}, selectorFact{})
	for _, order := range [][]int{{0, 1, 2, 3, 4, 5, 6, 7, 8}, {8, 7, 6, 5, 4, 3, 2, 1, 0}, {3, 0, 4, 2, 6, 1, 7, 5, 8}} {
		ResetVerdicts()
		for round := range 2 {
			for ti, s := range texts {
				for _, di := range order {
					if diff := cmp.Diff(want[[2]int{ti, di}], promFactsOf(s, ds[di]), opts); diff != "" {
						t.Errorf("%q in dashboard %d (order %v, round %d): facts (-fresh +memo):\n%s", s, di, order, round, diff)
					}
				}
			}
		}
	}
	if f := want[[2]int{0, 1}]; f == nil || len(f.ranges) != 2 || len(f.selectors) != 2 || f.selectors[0].counter || f.selectors[1].counter {
		t.Errorf("facts of %q: %+v, want two fixed ranges and two selectors read by rate()", texts[0], f)
	}
	if f := want[[2]int{1, 1}]; f == nil || len(f.ranges) != 0 || len(f.selectors) != 3 || f.selectors[0].counter || !f.selectors[1].counter || f.selectors[2].counter {
		t.Errorf("facts of %q: %+v, want no fixed range and three selectors, the second a counter", texts[1], f)
	}
}

// FuzzMemoCheck: for any query, checking it through the memo in every
// dashboard of memoDashboards, forward then backward, gives what checking
// without the memo gives.
func FuzzMemoCheck(f *testing.F) {
	for _, s := range memoTexts {
		f.Add(s)
	}
	ds := memoDashboards()
	f.Fuzz(func(t *testing.T, q string) {
		for _, v := range []*validator{validPromQL, validLogQL} {
			ResetVerdicts()
			for _, order := range [][]int{{0, 1, 2, 3, 4, 5, 6, 7, 8}, {8, 7, 6, 5, 4, 3, 2, 1, 0}} {
				for _, di := range order {
					_, want, wantOff := check(q, ds[di], v.lang, v.parse)
					got, off := v.check(q, ds[di])
					if (got == nil) != (want == nil) || got != nil && (got.msg != want.msg || off != wantOff) {
						t.Fatalf("kind %d, %q in dashboard %d: memo %v at %d, without %v at %d", v.checkKind, q, di, got, off, want, wantOff)
					}
				}
			}
		}
	})
}
