// Package logql checks that a LogQL query parses as Grafana Loki parses it.
//
// It follows Loki's grammar and lexer (grafana/loki pkg/logql/syntax:
// syntax.y, lex.go, parser.go, the mustNew* constructors of ast.go and
// validateExpr) and reports the first error with its byte offset. Loki's
// own package is not imported: it pulls in Loki's server dependencies
// (over 600 packages, a 40 MB binary for a one-line program, a replace
// directive for hashicorp/memberlist that would break `go install`). This
// package only validates; it builds no AST beyond what validation needs.
package logql

import (
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/prometheus/common/model"
)

// kind is a token kind of Loki's lexer.
type kind int

const (
	tEOF kind = iota
	tIdent
	tString
	tNumber
	tDuration
	tBytes
	tRange
	tFlag
	tKeyword // Text holds the lower-case keyword or operator
	tError
)

// token is one lexed token.
type token struct {
	kind kind
	// text is the keyword or operator (lower case) for tKeyword, the
	// identifier, the unquoted string or the number text otherwise.
	text string
	// function is true for a keyword that Loki lexes as a function token
	// (followed by "(" or by/without and "(").
	function bool
	pos, end int
	// err is the lexer's message for tError.
	err string
}

// keywords are Loki's non-function tokens (lex.go tokens), matched case
// insensitively.
var keywords = map[string]bool{
	"by": true, "without": true, "bool": true, "offset": true, "on": true, "ignoring": true,
	"group_left": true, "group_right": true, "or": true, "and": true, "unless": true,
	"json": true, "regexp": true, "logfmt": true, "unpack": true, "pattern": true,
	"label_format": true, "line_format": true, "decolorize": true, "drop": true, "keep": true,
	"variants": true, "of": true, "unwrap": true, "label_replace": true, "ip": true,
}

// functions are Loki's function tokens (lex.go functionTokens): they are
// keywords only when a "(" (or by/without and "(") follows.
var functions = map[string]bool{
	"rate": true, "rate_counter": true, "count_over_time": true, "bytes_rate": true,
	"bytes_over_time": true, "avg_over_time": true, "sum_over_time": true, "min_over_time": true,
	"max_over_time": true, "stdvar_over_time": true, "stddev_over_time": true,
	"quantile_over_time": true, "first_over_time": true, "last_over_time": true,
	"absent_over_time": true, "vector": true,
	"sum": true, "avg": true, "max": true, "min": true, "count": true, "stddev": true,
	"stdvar": true, "bottomk": true, "topk": true, "sort": true, "sort_desc": true,
	"label_replace": true, "approx_topk": true,
	"bytes": true, "duration": true, "duration_seconds": true, "ip": true,
}

// operators are the two- and one-character operators, longest first.
var operators = []string{
	"!=", "=~", "!~", "!>", "|=", "|~", "|>", "==", ">=", "<=",
	",", ".", "{", "}", "=", "(", ")", "|", "+", "-", "*", "/", "%", "^", ">", "<",
}

// lexer splits a query into Loki's tokens.
type lexer struct {
	src string
	off int
}

func (l *lexer) peekRune() (rune, int) {
	if l.off >= len(l.src) {
		return -1, 0
	}
	return utf8.DecodeRuneInString(l.src[l.off:])
}

func (l *lexer) skipSpace() {
	for l.off < len(l.src) {
		r, n := l.peekRune()
		if r == '#' {
			if i := strings.IndexByte(l.src[l.off:], '\n'); i >= 0 {
				l.off += i + 1
				continue
			}
			l.off = len(l.src)
			return
		}
		if !unicode.IsSpace(r) {
			return
		}
		l.off += n
	}
}

// next returns the next token.
func (l *lexer) next() token {
	l.skipSpace()
	start := l.off
	if l.off >= len(l.src) {
		return token{kind: tEOF, pos: start, end: start}
	}
	r, n := l.peekRune()
	switch {
	case r == '"' || r == '`':
		return l.str(r)
	case r >= '0' && r <= '9' || r == '.' && l.off+1 < len(l.src) && l.src[l.off+1] >= '0' && l.src[l.off+1] <= '9':
		return l.number()
	case r == '-' && strings.HasPrefix(l.src[l.off:], "--"):
		if t, ok := l.flag(); ok {
			return t
		}
	case r == '-':
		if t, ok := l.suffixed("-", l.off+1, true); ok {
			return t
		}
	case r == '[':
		return l.rangeToken()
	case r == '_' || unicode.IsLetter(r):
		return l.ident()
	}
	for _, op := range operators {
		if strings.HasPrefix(l.src[l.off:], op) {
			l.off += len(op)
			return token{kind: tKeyword, text: op, pos: start, end: l.off}
		}
	}
	// Any other character is an identifier to Loki's lexer, which the
	// grammar then rejects.
	l.off += n
	return token{kind: tIdent, text: string(r), pos: start, end: l.off}
}

func (l *lexer) ident() token {
	start := l.off
	for l.off < len(l.src) {
		r, n := l.peekRune()
		if r != '_' && !unicode.IsLetter(r) && !unicode.IsDigit(r) {
			break
		}
		l.off += n
	}
	text := l.src[start:l.off]
	lower := strings.ToLower(text)
	if functions[lower] {
		if l.isFunction() {
			return token{kind: tKeyword, text: lower, function: true, pos: start, end: l.off}
		}
		return token{kind: tIdent, text: text, pos: start, end: l.off}
	}
	if keywords[lower] {
		return token{kind: tKeyword, text: lower, pos: start, end: l.off}
	}
	return token{kind: tIdent, text: text, pos: start, end: l.off}
}

// isFunction reports whether "(" or by/without and "(" follow (lex.go
// isFunction).
func (l *lexer) isFunction() bool {
	rest := strings.TrimLeftFunc(l.src[l.off:], unicode.IsSpace)
	if strings.HasPrefix(rest, "(") {
		return true
	}
	for _, kw := range []string{"by", "without"} {
		if len(rest) >= len(kw) && strings.EqualFold(rest[:len(kw)], kw) {
			return strings.HasPrefix(strings.TrimLeftFunc(rest[len(kw):], unicode.IsSpace), "(")
		}
	}
	return false
}

func (l *lexer) flag() (token, bool) {
	start := l.off
	i := l.off + 1
	for i < len(l.src) {
		r, n := utf8.DecodeRuneInString(l.src[i:])
		if !unicode.IsLetter(r) && r != '-' {
			break
		}
		i += n
	}
	f := l.src[start:i]
	if f != "--strict" && f != "--keep-empty" {
		return token{}, false
	}
	l.off = i
	return token{kind: tFlag, text: f, pos: start, end: i}, true
}

// number scans a Go number literal and what may make it a duration or a
// byte size (lex.go tryScanDuration, tryScanBytes).
func (l *lexer) number() token {
	start := l.off
	i := l.off
	digits := func() {
		for i < len(l.src) && (l.src[i] >= '0' && l.src[i] <= '9' || l.src[i] == '_') {
			i++
		}
	}
	if strings.HasPrefix(l.src[i:], "0x") || strings.HasPrefix(l.src[i:], "0X") {
		i += 2
		for i < len(l.src) && strings.IndexByte("0123456789abcdefABCDEF_", l.src[i]) >= 0 {
			i++
		}
	} else {
		digits()
		if i < len(l.src) && l.src[i] == '.' {
			i++
			digits()
		}
		if i < len(l.src) && (l.src[i] == 'e' || l.src[i] == 'E') {
			j := i + 1
			if j < len(l.src) && (l.src[j] == '+' || l.src[j] == '-') {
				j++
			}
			if j < len(l.src) && l.src[j] >= '0' && l.src[j] <= '9' {
				i = j
				digits()
			}
		}
	}
	text := l.src[start:i]
	if t, ok := l.suffixed(text, i, false); ok {
		t.pos = start
		return t
	}
	l.off = i
	return token{kind: tNumber, text: text, pos: start, end: i}
}

// suffixed tries to read a duration or byte size: prefix (already read up
// to from) followed by the runes such a value may contain, up to a space.
func (l *lexer) suffixed(prefix string, from int, durationOnly bool) (token, bool) {
	scan := func(ok func(rune) bool) int {
		i := from
		for i < len(l.src) {
			r, n := utf8.DecodeRuneInString(l.src[i:])
			if unicode.IsSpace(r) || (!unicode.IsNumber(r) && !ok(r) && r != '.') {
				break
			}
			i += n
		}
		return i
	}
	if end := scan(isDurationRune); end > from {
		if _, ok := parseDuration(prefix + l.src[from:end]); ok {
			start := l.off
			l.off = end
			return token{kind: tDuration, text: prefix + l.src[from:end], pos: start, end: end}, true
		}
	}
	if durationOnly {
		return token{}, false
	}
	if end := scan(isBytesRune); end > from {
		if parseBytes(prefix + l.src[from:end]) {
			start := l.off
			l.off = end
			return token{kind: tBytes, text: prefix + l.src[from:end], pos: start, end: end}, true
		}
	}
	return token{}, false
}

func isDurationRune(r rune) bool { return strings.ContainsRune("nuµmshdwy", r) }
func isBytesRune(r rune) bool    { return strings.ContainsRune("BikKMGTP", r) }

// parseDuration accepts what Loki's parseDuration does: a Prometheus
// duration, else a Go one.
func parseDuration(s string) (time.Duration, bool) {
	if d, err := model.ParseDuration(s); err == nil {
		return time.Duration(d), true
	}
	d, err := time.ParseDuration(s)
	return d, err == nil
}

// parseBytes accepts what go-humanize's ParseBytes accepts: a number and a
// byte unit (B, kB, KiB, …; case-insensitive, K alone for kilo).
func parseBytes(s string) bool {
	i := 0
	for i < len(s) && (s[i] >= '0' && s[i] <= '9' || s[i] == '.' || s[i] == ',') {
		i++
	}
	if i == 0 {
		return false
	}
	if _, err := strconv.ParseFloat(strings.ReplaceAll(s[:i], ",", ""), 64); err != nil {
		return false
	}
	switch strings.ToLower(strings.TrimSpace(s[i:])) {
	case "", "b", "kib", "ki", "kb", "k", "mib", "mi", "mb", "m", "gib", "gi", "gb", "g",
		"tib", "ti", "tb", "t", "pib", "pi", "pb", "p", "eib", "ei", "eb", "e":
		return true
	}
	return false
}

// str scans a "…" (with Go escapes) or `…` string and unquotes it.
func (l *lexer) str(q rune) token {
	start := l.off
	i := l.off + 1
	for i < len(l.src) {
		c := l.src[i]
		if q == '"' && c == '\n' {
			break
		}
		if q == '"' && c == '\\' {
			i += 2
			continue
		}
		if rune(c) == q {
			raw := l.src[start : i+1]
			l.off = i + 1
			if !utf8.ValidString(raw) {
				return token{kind: tError, err: "invalid UTF-8 rune", pos: start, end: l.off}
			}
			if q == '`' {
				return token{kind: tString, text: raw[1 : len(raw)-1], pos: start, end: l.off}
			}
			v, err := strconv.Unquote(raw)
			if err != nil {
				return token{kind: tError, err: "invalid char escape", pos: start + escapeAt(raw), end: l.off}
			}
			return token{kind: tString, text: v, pos: start, end: l.off}
		}
		i++
	}
	l.off = min(i, len(l.src))
	return token{kind: tError, err: "literal not terminated", pos: start, end: l.off}
}

// escapeAt finds the first invalid escape of a quoted Go string.
func escapeAt(raw string) int {
	for i := 1; i < len(raw)-1; i++ {
		if raw[i] != '\\' {
			continue
		}
		if _, _, _, err := strconv.UnquoteChar(raw[i:len(raw)-1], '"'); err != nil {
			return i
		}
		i++
	}
	return 0
}

// rangeToken scans "[" … "]" as Loki does: its content must be a
// Prometheus duration.
func (l *lexer) rangeToken() token {
	start := l.off
	i := strings.IndexByte(l.src[l.off:], ']')
	if i < 0 {
		l.off = len(l.src)
		return token{kind: tError, err: "missing closing ']' in duration", pos: start, end: l.off}
	}
	content := l.src[l.off+1 : l.off+i]
	l.off += i + 1
	if _, err := model.ParseDuration(content); err != nil {
		return token{kind: tError, err: err.Error(), pos: start + 1, end: l.off}
	}
	return token{kind: tRange, text: content, pos: start, end: l.off}
}
