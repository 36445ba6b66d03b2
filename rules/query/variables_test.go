package query

import (
	"regexp"
	"slices"
	"strings"
	"testing"
)

// Grafana's regular expressions for the forms of a variable query, which
// the readers of variables.go implement by hand.
var (
	reLabelNames     = regexp.MustCompile(`^label_names\(\)\s*$`)
	reLabelNamesWith = regexp.MustCompile(`^label_names\((.+)\)\s*$`)
	reLabelValues    = regexp.MustCompile(`^label_values\((?:(.+),\s*)?([^,()]+?)\)\s*$`)
	reMetrics        = regexp.MustCompile(`^metrics\((.+)\)\s*$`)
	reQueryResult    = regexp.MustCompile(`^query_result\((.+)\)\s*$`)
	reLabelName      = regexp.MustCompile(`^[a-zA-Z_][a-zA-Z0-9_]*$`)
)

// agreeWithRegexps fails t when a reader of a variable query form and
// Grafana's regular expression disagree on q.
func agreeWithRegexps(t *testing.T, q string) {
	t.Helper()
	if got, want := isLabelNamesCall(q), reLabelNames.MatchString(q); got != want {
		t.Errorf("isLabelNamesCall(%q) = %v, regexp %v", q, got, want)
	}
	for _, c := range []struct {
		name string
		re   *regexp.Regexp
	}{{"label_names", reLabelNamesWith}, {"metrics", reMetrics}, {"query_result", reQueryResult}} {
		var got []int
		if start, end, ok := callArg(q, c.name); ok {
			got = []int{0, len(q), start, end}
		}
		if want := c.re.FindStringSubmatchIndex(q); !slices.Equal(got, want) {
			t.Errorf("callArg(%q, %q) = %v, regexp %v", q, c.name, got, want)
		}
	}
	var got []int
	if sel0, sel1, l0, l1, ok := labelValuesCall(q); ok {
		got = []int{0, len(q), sel0, sel1, l0, l1}
	}
	if want := reLabelValues.FindStringSubmatchIndex(q); !slices.Equal(got, want) {
		t.Errorf("labelValuesCall(%q) = %v, regexp %v", q, got, want)
	}
	if got, want := isLabelName(q), reLabelName.MatchString(q); got != want {
		t.Errorf("isLabelName(%q) = %v, regexp %v", q, got, want)
	}
}

var variableQueries = []string{
	`label_names()`, "label_names() \n", `label_names(job)`, "label_names(a\nb)", `label_names( )`,
	`metrics(node_.*)`, `metrics()`, `query_result(sum(up) by (job))`, `query_result(x) y`,
	`label_values(job)`, `label_values(up, job)`, `label_values(up{a="b,c"}, job) `, `label_values(up,job)`,
	`label_values(up, )`, `label_values(up,  )`, `label_values(up,)`, `label_values(, job)`,
	"label_values(u\np, job)", "label_values(up, \n job)", `label_values(up, (job))`, `label_values(a(b), c)`,
	`label_values(up, job) x`, `label_values()`, `label_values(up{job=~"$job"}, instance)`, `label_values( job )`,
	`job`, `_a1`, `1a`, ``, `a-b`, `label_values(a,b,c)`, "label_values(up, job)\f",
}

// TestVariableFormsAgreeWithGrafana: the readers give the matches and
// offsets Grafana's regular expressions give.
func TestVariableFormsAgreeWithGrafana(t *testing.T) {
	for _, q := range variableQueries {
		agreeWithRegexps(t, q)
	}
}

// FuzzVariableForms: for any query, the readers agree with Grafana's
// regular expressions.
func FuzzVariableForms(f *testing.F) {
	for _, q := range variableQueries {
		f.Add(q)
	}
	f.Fuzz(func(t *testing.T, q string) {
		agreeWithRegexps(t, q)
	})
}

// isEmptySelectorJoined is how isEmptySelector read a selector before:
// its fields joined, or blank.
func isEmptySelectorJoined(s string) bool {
	return strings.Join(strings.Fields(s), "") == "{}" || strings.TrimSpace(s) == ""
}

// FuzzIsEmptySelector: isEmptySelector agrees with joining the fields.
func FuzzIsEmptySelector(f *testing.F) {
	for _, s := range []string{``, ` `, `{}`, ` { } `, "{\u00a0}", `{a}`, `}{`, `{{}`, "\xff{}", "{\u2028}\t"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if got, want := isEmptySelector(s), isEmptySelectorJoined(s); got != want {
			t.Errorf("isEmptySelector(%q) = %v, joining the fields gives %v", s, got, want)
		}
	})
}
