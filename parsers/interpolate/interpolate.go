// Package interpolate finds Grafana template variable references in a query
// and replaces them, keeping a map from every offset of the result back to
// the source, so that an error a query parser reports in the interpolated
// text points at the character the user wrote.
//
// References are matched as Grafana's template service matches them
// (grafana/grafana public/app/features/variables/utils.ts variableRegex,
// the same expression @grafana/scenes uses): $name, [[name]] or
// [[name:format]], ${name}, ${name.fieldPath} and ${name:format}, where a
// name is a run of letters, digits and "_". Escape mapping of JSON string
// values lives here too (RawOffset), so that a finding lands on the exact
// character inside the quotes of the file.
package interpolate

import (
	"strings"
	"unicode/utf8"
)

// Syntax is how a reference is written.
type Syntax int

// Reference syntaxes.
const (
	Dollar   Syntax = iota // $name
	Brackets               // [[name]] or [[name:format]]
	Braces                 // ${name}, ${name.path}, ${name:format}
)

// Ref is one variable reference in a source string.
type Ref struct {
	// Start and End are byte offsets of the whole reference in the source.
	Start, End int
	Syntax     Syntax
	Name       string
	// Format is what follows ":" ("regex", "csv", "date:iso"), "" when
	// none; Field is what follows "." in ${name.field}.
	Format, Field string
}

// Find returns the references in s, in order. It matches what Grafana's
// variableRegex matches,
//
//	/\$(\w+)|\[\[(\w+?)(?::(\w+))?\]\]|\${(\w+)(?:\.([^:^\}]+))?(?::([^\}]+))?}/g
//
// leftmost first, without overlaps (JavaScript's \w is ASCII letters,
// digits and "_"), by hand: queries are scanned once per rule and a
// regular expression here cost a fifth of the query rules' time.
func Find(s string) []Ref {
	if !strings.ContainsAny(s, "$[") {
		return nil
	}
	var out []Ref
	for i := 0; i < len(s); {
		// A reference starts with '$' or '['.
		k := strings.IndexAny(s[i:], "$[")
		if k < 0 {
			break
		}
		i += k
		if r, ok := refAt(s, i); ok {
			out = append(out, r)
			i = r.End
			continue
		}
		i++
	}
	return out
}

// refAt matches a reference starting at s[i].
func refAt(s string, i int) (Ref, bool) {
	word := func(j int) int {
		for j < len(s) && isWord(s[j]) {
			j++
		}
		return j
	}
	switch {
	case s[i] == '$' && i+1 < len(s) && isWord(s[i+1]):
		end := word(i + 1)
		return Ref{Start: i, End: end, Syntax: Dollar, Name: s[i+1 : end]}, true
	case strings.HasPrefix(s[i:], "${"):
		nameEnd := word(i + 2)
		if nameEnd == i+2 {
			return Ref{}, false
		}
		r := Ref{Start: i, Syntax: Braces, Name: s[i+2 : nameEnd]}
		j := nameEnd
		if j < len(s) && s[j] == '.' {
			k := j + 1
			for k < len(s) && s[k] != ':' && s[k] != '^' && s[k] != '}' {
				k++
			}
			if k == j+1 {
				return Ref{}, false
			}
			r.Field, j = s[j+1:k], k
		}
		if j < len(s) && s[j] == ':' {
			k := strings.IndexByte(s[j+1:], '}')
			if k <= 0 {
				return Ref{}, false
			}
			r.Format, j = s[j+1:j+1+k], j+1+k
		}
		if j >= len(s) || s[j] != '}' {
			return Ref{}, false
		}
		r.End = j + 1
		return r, true
	case strings.HasPrefix(s[i:], "[["):
		nameEnd := word(i + 2)
		if nameEnd == i+2 {
			return Ref{}, false
		}
		r := Ref{Start: i, Syntax: Brackets, Name: s[i+2 : nameEnd]}
		j := nameEnd
		if j < len(s) && s[j] == ':' {
			k := word(j + 1)
			if k == j+1 {
				return Ref{}, false
			}
			r.Format, j = s[j+1:k], k
		}
		if !strings.HasPrefix(s[j:], "]]") {
			return Ref{}, false
		}
		r.End = j + 2
		return r, true
	}
	return Ref{}, false
}

// isWord reports whether c is matched by JavaScript's \w.
func isWord(c byte) bool {
	return c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
}

// Result is a string with some references replaced.
type Result struct {
	// Text is the interpolated string.
	Text  string
	spans []span
}

// span is one replacement: source [src, srcEnd) became output [out,
// outEnd).
type span struct {
	src, srcEnd, out, outEnd int
	ref                      int
}

// Replace returns s with each reference refs[i] replaced by repl(i); a
// reference for which repl reports false is left as written.
func Replace(s string, refs []Ref, repl func(i int) (string, bool)) *Result {
	if len(refs) == 0 {
		return &Result{Text: s}
	}
	var b strings.Builder
	b.Grow(len(s))
	res := &Result{}
	last := 0
	for i, r := range refs {
		v, ok := repl(i)
		if !ok {
			continue
		}
		b.WriteString(s[last:r.Start])
		out := b.Len()
		b.WriteString(v)
		res.spans = append(res.spans, span{src: r.Start, srcEnd: r.End, out: out, outEnd: b.Len(), ref: i})
		last = r.End
	}
	b.WriteString(s[last:])
	res.Text = b.String()
	return res
}

// SourceOffset maps a byte offset of Text to the source: an offset inside
// a replacement maps to the start of the reference it replaced, any other
// shifts by the replacements before it.
func (r *Result) SourceOffset(off int) int {
	delta := 0
	for _, sp := range r.spans {
		if off < sp.out {
			break
		}
		if off < sp.outEnd {
			return sp.src
		}
		delta = sp.srcEnd - sp.outEnd
	}
	return off + delta
}

// RefAt returns the index (in the refs given to Replace) of the
// replacement covering offset off of Text, or of the nearest one before
// it; -1 when none.
func (r *Result) RefAt(off int) int {
	best := -1
	for _, sp := range r.spans {
		if sp.out > off {
			break
		}
		best = sp.ref
	}
	return best
}

// RawOffset maps a byte offset of a decoded JSON string value to the byte
// offset in raw, the JSON text between its quotes it was decoded from
// (escapes such as \" and \u0024 count as one character of the value).
// An empty raw means the value had no escapes: the offsets are equal.
func RawOffset(raw string, off int) int {
	if raw == "" {
		return off
	}
	dec := 0
	for i := 0; i < len(raw); {
		if dec >= off {
			return i
		}
		if raw[i] != '\\' || i+1 >= len(raw) {
			_, n := utf8.DecodeRuneInString(raw[i:])
			i += n
			dec += n
			continue
		}
		if raw[i+1] != 'u' {
			i += 2
			dec++
			continue
		}
		r, n := decodeU(raw[i:])
		i += n
		dec += utf8.RuneLen(r)
	}
	return len(raw)
}

// decodeU decodes a \uXXXX escape (and a following low surrogate) at the
// start of s, returning the rune and the bytes consumed.
func decodeU(s string) (rune, int) {
	hex := func(s string) (rune, bool) {
		if len(s) < 6 || s[0] != '\\' || s[1] != 'u' {
			return 0, false
		}
		var v rune
		for _, c := range s[2:6] {
			switch {
			case c >= '0' && c <= '9':
				v = v<<4 | (c - '0')
			case c >= 'a' && c <= 'f':
				v = v<<4 | (c - 'a' + 10)
			case c >= 'A' && c <= 'F':
				v = v<<4 | (c - 'A' + 10)
			default:
				return 0, false
			}
		}
		return v, true
	}
	r, ok := hex(s)
	if !ok {
		return utf8.RuneError, min(2, len(s))
	}
	if r >= 0xD800 && r < 0xDC00 {
		if lo, ok := hex(s[6:]); ok && lo >= 0xDC00 && lo < 0xE000 {
			return (r-0xD800)<<10 | (lo - 0xDC00) + 0x10000, 12
		}
		return utf8.RuneError, 6
	}
	if r >= 0xDC00 && r < 0xE000 {
		return utf8.RuneError, 6
	}
	return r, 6
}

// Columns returns the number of code points in raw up to byte offset off:
// the column distance from the string's first character.
func Columns(raw string, off int) int {
	off = min(max(off, 0), len(raw))
	return utf8.RuneCountInString(raw[:off])
}
