package query

import (
	"regexp/syntax"
	"strconv"
	"strings"
	"unicode/utf8"
)

// Prometheus's parser builds a regular-expression matcher for every =~ and
// !~ (labels.NewFastRegexMatcher: syntax.Parse, then an optimised compile),
// which is most of what parsing a dashboard's queries costs. Validity only
// needs the syntax check: regexMatchers checks each regex with the same
// syntax.Parse call and flags, reports the error as the parser would (at
// the label name, with the regexp package's message), and hands the parser
// the query with each regex replaced by a literal of the same length, so
// that offsets stay the same. When a regex does not parse, the caller
// parses the query as written, so the parser decides whether and where
// that is an error.

// stripRegexes returns s with the content of each regex matcher's string
// replaced by "a"s; ok is false when one of them does not parse.
func stripRegexes(s string) (out string, ok bool) {
	if !strings.Contains(s, "=~") && !strings.Contains(s, "!~") {
		return s, true
	}
	// b is s with the regexes stripped up to s[last:], once one is.
	var b strings.Builder
	last := 0
	var quote byte
	for i := 0; i < len(s); i++ {
		c := s[i]
		if quote != 0 {
			if c == '\\' && quote != '`' {
				i++
			} else if c == quote {
				quote = 0
			}
			continue
		}
		switch c {
		case '"', '\'', '`':
			quote = c
			continue
		case '#':
			// A comment runs to the end of the line (\r or \n).
			for i+1 < len(s) && s[i+1] != '\n' && s[i+1] != '\r' {
				i++
			}
			continue
		case '=', '!':
			if i+1 < len(s) && s[i+1] == '~' {
				j := i + 2
				for j < len(s) && (s[j] == ' ' || s[j] == '\t' || s[j] == '\n' || s[j] == '\r') {
					j++
				}
				end := stringEnd(s, j)
				if end < 0 {
					continue
				}
				v, err := strconv.Unquote(s[j:end])
				if err != nil && s[j] == '\'' {
					v, err = strconv.Unquote(`"` + strings.ReplaceAll(s[j+1:end-1], `"`, `\"`) + `"`)
				}
				if err != nil || !utf8.ValidString(s[j:end]) || strings.ContainsAny(s[j:end], "\r\n") {
					continue // the parser reports the string itself
				}
				if !simpleRegex(v) {
					if _, err := syntax.Parse(v, syntax.Perl|syntax.DotNL); err != nil {
						return s, false
					}
				}
				if b.Cap() == 0 {
					b.Grow(len(s))
				}
				b.WriteString(s[last : j+1])
				for range end - 1 - (j + 1) {
					b.WriteByte('a')
				}
				last = end - 1
				i = end - 1
				continue
			}
		}
	}
	if b.Cap() == 0 {
		return s, true
	}
	b.WriteString(s[last:])
	return b.String(), true
}

// simpleRegex reports a regex that always parses: valid UTF-8 without
// the characters that open groups, classes, escapes and repetitions
// (".", "^", "$" and "|" parse anywhere), as many matcher values are
// ("$job", "${job}|$other" with the references kept as written, "a|b").
func simpleRegex(v string) bool {
	return !strings.ContainsAny(v, `\()[]{}*+?`) && utf8.ValidString(v)
}

// stringEnd returns the offset just after the string literal starting at
// s[j], or -1 when none starts there or it is not closed.
func stringEnd(s string, j int) int {
	if j >= len(s) {
		return -1
	}
	q := s[j]
	if q != '"' && q != '\'' && q != '`' {
		return -1
	}
	for k := j + 1; k < len(s); k++ {
		switch {
		case s[k] == '\\' && q != '`':
			k++
		case s[k] == q:
			return k + 1
		}
	}
	return -1
}
