package query

import (
	"regexp/syntax"
	"testing"
)

// TestStripRegexesAgreesWithParser: parsing with regexes stripped gives
// the same verdict, offset and message as Prometheus's parser given the
// query as written.
func TestStripRegexesAgreesWithParser(t *testing.T) {
	for _, q := range []string{
		`up{job=~"a.*", instance!~'b|c'}`,
		"up{job=~`\\d+`}",
		`up{job=~"("}`,
		`up{job !~ "[a-"}`,
		`sum(rate(x{a=~"x", b=~"(?P<n>"}[5m]))`,
		`up{job=~"a\"b"}`,
		`up{job=~"\q"}`,
		`up{job=~"(" `,
		`up{job="a=~(", x=~"ok"}`,
		`up{"job"=~"("}`,
		`{__name__=~"node_.*", job=~"$job"} > 0`,
	} {
		_, stripped := parsePromQL(q)
		_, full := parsePromQLFull(q)
		if (stripped == nil) != (full == nil) {
			t.Errorf("%q: stripped %v, full %v", q, stripped, full)
			continue
		}
		if stripped != nil && (stripped.start != full.start || stripped.msg != full.msg) {
			t.Errorf("%q: stripped %d %q, full %d %q", q, stripped.start, stripped.msg, full.start, full.msg)
		}
	}
}

// FuzzStripRegexes: for any input, parsing with regexes stripped agrees
// with Prometheus's parser on the verdict, the offset and the message.
func FuzzStripRegexes(f *testing.F) {
	for _, s := range []string{`up{job=~"a.*"}`, `up{job=~"("}`, `x{a!~'[', b=~"\\d"}`, "up{a=~`(`}", `up{job="a=~(", x=~"ok"}`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, q string) {
		_, stripped := parsePromQL(q)
		_, full := parsePromQLFull(q)
		if (stripped == nil) != (full == nil) {
			t.Fatalf("%q: stripped %v, full %v", q, stripped, full)
		}
		if stripped != nil && (stripped.start != full.start || stripped.msg != full.msg) {
			t.Fatalf("%q: stripped %d %q, full %d %q", q, stripped.start, stripped.msg, full.start, full.msg)
		}
	})
}

// FuzzSimpleRegex: a regex simpleRegex accepts without parsing parses.
func FuzzSimpleRegex(f *testing.F) {
	for _, s := range []string{`$job`, `a|b`, `^x.y$`, `(`, `a{2}`, "\xff", `||`, `$`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, v string) {
		if !simpleRegex(v) {
			return
		}
		if _, err := syntax.Parse(v, syntax.Perl|syntax.DotNL); err != nil {
			t.Errorf("simpleRegex(%q) but it does not parse: %v", v, err)
		}
	})
}
