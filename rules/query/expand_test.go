package query

import (
	"testing"

	"github.com/grafanalint/grafanalint/parsers/model"
)

// TestCheckVariables: queries with Grafana's macros and every variable
// form parse; broken ones fail at the character the parser stopped at,
// mapped back to the query as written.
func TestCheckVariables(t *testing.T) {
	d := &model.Dashboard{Variables: []*model.Variable{
		{Name: model.Str{V: "job"}, Type: "query", Multi: true, IncludeAll: true},
		{Name: model.Str{V: "window"}, Type: "interval"},
		{Name: model.Str{V: "sel"}, Type: "constant", Query: model.Str{V: `job="node"`}},
	}}
	valid := []string{
		`rate(foo{job=~"$job"}[$__rate_interval])`,
		`increase(x[$__range]) / $__range_s * $__interval_ms`,
		`rate(x[${__interval}] offset ${__range})`,
		`sum by ($label) (rate(x[$window]))`,
		`sum by (${label:csv}) (x)`,
		`topk($n, foo)`,
		`$metric{job=~"[[job]]"}`,
		`node_${x}_total offset $off`,
		`up{$sel}`,
		`up{$filters}`,
		`up{job=${job:doublequote}}`,
		`foo > $thr`,
		`timestamp(up) > ${__from:date:seconds}`,
	}
	for _, q := range valid {
		if _, perr, _ := check(q, d, promQL, parsePromQL); perr != nil {
			t.Errorf("%q: %s", q, perr.msg)
		}
	}
	invalid := []struct {
		q   string
		off int
	}{
		{`sum(rate(x[$__rate_interval])) by (code`, 39},
		{`rate(x[$__interval]) by (le)`, 21},
		{`up{job=$job}`, 7},
		{`sum($__interval)`, 4},
		{`sum(up{job=~"$job", instance=~"(web|db"})`, 20},
	}
	for _, c := range invalid {
		_, perr, off := check(c.q, d, promQL, parsePromQL)
		if perr == nil {
			t.Errorf("%q parses; it should not", c.q)
			continue
		}
		if off != c.off {
			t.Errorf("%q: error at %d (%s), want %d", c.q, off, perr.msg, c.off)
		}
	}
	lokiValid := []string{
		`sum(count_over_time({job=~"$job"} |= "$search" [$__auto])) by (level)`,
		`{job="a"} $filter`,
		`sum by ($label) (rate({job="a"}[$__interval])) > $thr`,
	}
	for _, q := range lokiValid {
		if _, perr, _ := check(q, d, logQL, parseLogQL); perr != nil {
			t.Errorf("%q: %s", q, perr.msg)
		}
	}
}

// FuzzCheck: no query, with any references, makes interpolation or the
// parsers panic, and an error offset always maps into the query.
func FuzzCheck(f *testing.F) {
	d := &model.Dashboard{Variables: []*model.Variable{
		{Name: model.Str{V: "c"}, Type: "constant", Query: model.Str{V: `a="b"`}},
		{Name: model.Str{V: "m"}, Type: "query", Multi: true},
	}}
	for _, s := range []string{`rate(x{a=~"$m"}[$__rate_interval]) by ($l)`, `up{$c} offset ${o:csv}`, `{a="$m"} |= "[[x]]" [$__auto]`, `# $x`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, q string) {
		for _, c := range []struct {
			l     lang
			parse parseFunc
		}{{promQL, parsePromQL}, {logQL, parseLogQL}} {
			_, perr, off := check(q, d, c.l, c.parse)
			if perr != nil && (off < 0 || off > len(q)) {
				t.Errorf("%q: offset %d outside the query", q, off)
			}
		}
	})
}
