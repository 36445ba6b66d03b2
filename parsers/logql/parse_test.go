package logql

import (
	"regexp"
	"regexp/syntax"
	"testing"
)

// TestParseAgreesWithLoki checks queries whose outcome was taken from
// Loki v3.7.8's own syntax.ParseExpr (grafana/loki pkg/logql/syntax):
// each must be accepted or rejected exactly as Loki does.
func TestParseAgreesWithLoki(t *testing.T) {
	cases := []struct {
		valid bool
		query string
	}{
		{true, `Sum(Rate({job="a"}[5m]))`},
		{true, `rate ({job="a"}[5m])`},
		{false, `{a="b"} | unwrap x`},
		{true, `rate({a="b"} | unwrap x [1m])`},
		{false, `{a="b"}[5m]`},
		{true, `(sum(rate({a="b"}[1m])))`},
		{true, `sum(rate({a="b"}[1m])) by (a) > bool 5`},
		{true, `vector(1)`},
		{true, `{a="b"} |> "<_> x"`},
		{true, `{a="b"} | json | x == 5`},
		{true, `{a="b"} | x = 5`},
		{false, `{a='b'}`},
		{true, `{a="b"} | json | line_format "x" | logfmt`},
		{true, `sum(rate({a="b"}[1m])) by (a) + on (a) sum(rate({a="c"}[1m])) by (a)`},
		{true, `rate({a="b"}[1m]) unless rate({a="c"}[1m])`},
		{true, `{a="b"} |= "x" | json | __error__ = ""`},
		{false, `count_over_time({a="b"}[1m]) offset 5m`},
		{true, `sum without (a) (rate({a="b"}[1m]))`},
		{true, `approx_topk(5, sum by (a) (rate({a="b"}[1m])))`},
		{false, `approx_topk(5, sum(rate({a="b"}[1m]))) by (a)`},
		{true, `first_over_time({a="b"} | unwrap x [1m]) by (a)`},
		{true, `rate_counter({a="b"} | unwrap x [1m])`},
		{true, `{a="b"} | logfmt level, msg="message"`},
		{true, "{a=\"b\"} |= `x\\d`"},
		{false, `{a="b"} |= "x\d"`},
		{false, `sum(rate({a="b"}[1m])) by (a,)`},
		{true, "{a=\"b\"} | line_format \"{{.a}}\" | label_format a=`x`"},
		{true, `avg(rate({a="b"}[1m]) > 0)`},
		{false, `-sum(rate({a="b"}[1m]))`},
		{true, `2 * sum(rate({a="b"}[1m]))`},
		{true, `{a="b"} != "x" or "y"`},
		{true, `sum(rate({a="b"} [1m])) / ignoring(x) group_right(y) sum(rate({a="c"}[1m]))`},
		{true, `{a="b"} | json | status >= 400 and status < 500`},
		{true, `{a="b"} | json | (status >= 400 or status == 0), x="y"`},
		{true, `{a="b"} | json | dur > 1.5s`},
		{true, `{a="b"}|json|line_format"{{.x}}"`},
		{true, `sum by (a) (rate({a="b"}[1m]) )`},
		{false, `sum(rate({a="b"}[1m]) [5m])`},
		{true, `variants(count_over_time({a="b"}[1m])) of ({a="b"}[1m])`},
		{true, `{job="a"}`},
		{true, `{job="a"} |= "x"`},
		{false, `{job=~".*"}`},
		{false, `{}`},
		{true, `{job="a"} | json | level="error"`},
		{true, `{job="a"} | logfmt --strict | duration > 5s`},
		{true, `sum(rate({job="a"}[5m])) by (level)`},
		{false, `count_over_time({job="a"}[5m]) by (x)`},
		{true, `avg_over_time({job="a"} | unwrap latency [5m]) by (x)`},
		{true, `sum_over_time({job="a"} | json | unwrap bytes(size) | __error__="" [1m])`},
		{true, `quantile_over_time(0.99, {job="a"} | unwrap d [5m])`},
		{false, `quantile_over_time({job="a"} | unwrap d [5m])`},
		{true, `topk(10, sum(rate({job="a"}[5m])) by (x))`},
		{false, `topk(sum(rate({job="a"}[5m])))`},
		{true, `{job="a"} | regexp "(?P<x>\\w+)"`},
		{false, `{job="a"} | regexp "(\\w+)"`},
		{true, `{job="a"} | pattern "<ip> - <_>"`},
		{false, `{job="a"} | pattern "<a><b>"`},
		{false, `sum(count_over_time({job="a"}[1m])) > 5 and 1`},
		{true, `{job="a"} | drop a, b="c"`},
		{true, `label_replace(rate({job="a"}[5m]), "d", "$1", "s", "(.*)")`},
		{true, `rate({job="a"}[5m] offset 1h)`},
		{false, `{job="a"} | ip("1.2.3.4")`},
		{true, `{job="a"} |= ip("1.2.3.4")`},
		{true, `{job="a"} | addr = ip("1.2.3.4")`},
		{false, `sum(rate({job="a"}[5m])) by (`},
		{true, `{job="a"} |= "x" or "y"`},
		{true, `rate(({job="a"} |= "x")[5m])`},
		{false, `sort(sum(rate({job="a"}[1m]))) by (x)`},
		{true, `{job="a"} | size > 10KB`},
		{true, `{job="a"} | x > -1`},
		{true, `{job="a"} # comment`},
		{false, `max_over_time({job="a"}[1h])`},
		{false, `count_over_time({job="a"}[$x])`},
		{false, `{job="a"} |= "a`},
		{true, `{job!=""}`},
	}
	for _, c := range cases {
		err := Parse(c.query)
		if (err == nil) != c.valid {
			t.Errorf("Parse(%q) = %v, Loki says valid=%v", c.query, err, c.valid)
		}
	}
}

// TestLineFilterRegex: a line filter regex that does not compile parses in
// Loki's grammar but fails when Loki builds the query's pipeline; it is
// reported here, at the string.
func TestLineFilterRegex(t *testing.T) {
	err := Parse(`{job="a"} |~ "(" != "x"`)
	if err == nil || err.Offset != 13 {
		t.Fatalf("Parse = %v, want an error at offset 13", err)
	}
	if err := Parse(`{job="a"} |~ "(a|b)"`); err != nil {
		t.Errorf("valid line filter regex: %v", err)
	}
}

// TestParseSelector checks stream selectors as Loki's label APIs read
// them.
func TestParseSelector(t *testing.T) {
	for q, ok := range map[string]bool{
		`{job="a", level=~"err.*"}`: true,
		`{job=~".*"}`:               false,
		`{job="a"} |= "x"`:          false,
		`{job=}`:                    false,
	} {
		if err := ParseSelector(q); (err == nil) != ok {
			t.Errorf("ParseSelector(%q) = %v, want ok=%v", q, err, ok)
		}
	}
}

// FuzzParse: no input makes the validator panic or report an offset
// outside the query.
func FuzzParse(f *testing.F) {
	for _, s := range []string{`sum(rate({job="a"} |= "x" [5m])) by (l)`, `{a="b"} | json | x > 5s or y=~"z"`, `topk(5, x)`, "{a=`b`} | pattern \"<a> <_>\""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, q string) {
		if err := Parse(q); err != nil && (err.Offset < 0 || err.Offset > len(q)) {
			t.Errorf("Parse(%q): offset %d outside the query", q, err.Offset)
		}
		_ = ParseSelector(q)
	})
}

// regexEmpty is how a regex matcher's emptiness was decided before
// checkRegex did it: compile ^(?s:v)$ and match "". ok is false when it
// does not compile.
func regexEmpty(v string) (empty, ok bool) {
	re, err := regexp.Compile("^(?s:" + v + ")$")
	if err != nil {
		return false, false
	}
	return re.MatchString(""), true
}

// TestRegexMatchesEmpty: whether a matcher's regex matches the empty
// string, with and without the shortcut for simple regexes, is what
// compiling it and matching "" says.
func TestRegexMatchesEmpty(t *testing.T) {
	for v, want := range map[string]bool{
		``: true, `.*`: true, `.+`: false, `$job`: false, `^$`: true, `a|`: true, `a|^`: true, `a|b`: false,
		`(a|b)?`: true, `a{0}`: true, `(a*){2,3}`: true, `\b`: false, `\B`: true, `[^a]*`: true, `[a]`: false,
		`(?i)`: true, `x|(?:)`: true, `$|a`: true, `.`: false, `\Aa?\z`: true, `$x$`: false,
	} {
		if got, ok := regexEmpty(v); !ok || got != want {
			t.Fatalf("test table: %q compiles %v, matches \"\" %v, want %v", v, ok, got, want)
		}
		var p parser
		if got := p.checkRegex("=~", token{text: v}); got != want {
			t.Errorf("checkRegex(%q) = %v, want %v", v, got, want)
		}
	}
}

// FuzzRegexMatchesEmpty: checkRegex accepts exactly the regexes that
// compile and says whether they match "" as matching does; a regex the
// shortcut answers for compiles, with the same answer.
func FuzzRegexMatchesEmpty(f *testing.F) {
	for _, s := range []string{`.*`, `$job`, `a|`, `(a*){2}`, `\b|x`, `[`, `a)(?s:b`, "\xff", `^|$`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, v string) {
		want, compiles := regexEmpty(v)
		var got bool
		p := parser{lex: &lexer{}}
		err := p.run(func() *Error {
			got = p.checkRegex("=~", token{text: v})
			return nil
		})
		if (err == nil) != compiles {
			t.Fatalf("checkRegex(%q): error %v, compiles %v", v, err, compiles)
		}
		if compiles && got != want {
			t.Fatalf("checkRegex(%q) = %v, matching \"\" gives %v", v, got, want)
		}
		if empty, ok := simpleRegexEmpty(v); ok {
			if _, err := syntax.Parse("^(?s:"+v+")$", syntax.Perl); err != nil || empty != want {
				t.Fatalf("simpleRegexEmpty(%q) = %v; parse error %v, matching gives %v", v, empty, err, want)
			}
		}
	})
}
