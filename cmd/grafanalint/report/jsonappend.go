package report

import (
	"strconv"
	"unicode/utf8"

	"github.com/grafanalint/grafanalint/rules"
)

// The json format's findings, written without reflection: a fleet's run
// reports tens of thousands, and encoding/json's reflection, then the
// layout of its compact output, cost a tenth of such a run. The bytes are
// exactly those of jsonFinding encoded by encodeJSON (no HTML escaping,
// two-space indentation), which TestAppendJSONFindingAsEncoded and
// FuzzAppendJSONString hold the writer to.

// jsonWriter appends an indented JSON document to buf.
type jsonWriter struct {
	buf []byte
	// prefix starts every line; depth counts the indentations after it.
	prefix string
	depth  int
	// first says that the object or array just opened has no member yet.
	first bool
}

// newline starts a line at the current depth.
func (w *jsonWriter) newline() {
	w.buf = append(w.buf, '\n')
	w.buf = append(w.buf, w.prefix...)
	for range w.depth {
		w.buf = append(w.buf, ' ', ' ')
	}
}

// open starts an object or array (c is '{' or '[').
func (w *jsonWriter) open(c byte) {
	w.buf = append(w.buf, c)
	w.depth++
	w.first = true
}

// close ends an object or array (c is '}' or ']'); an empty one stays
// "{}" or "[]".
func (w *jsonWriter) close(c byte) {
	w.depth--
	if !w.first {
		w.newline()
	}
	w.first = false
	w.buf = append(w.buf, c)
}

// next starts an element or member after the one before.
func (w *jsonWriter) next() {
	if !w.first {
		w.buf = append(w.buf, ',')
	}
	w.first = false
	w.newline()
}

// name starts a member.
func (w *jsonWriter) name(n string) {
	w.next()
	w.buf = appendJSONString(w.buf, n)
	w.buf = append(w.buf, ':', ' ')
}

func (w *jsonWriter) str(n, v string) {
	w.name(n)
	w.buf = appendJSONString(w.buf, v)
}

func (w *jsonWriter) int(n string, v int) {
	w.name(n)
	w.buf = strconv.AppendInt(w.buf, int64(v), 10)
}

// appendJSONFinding appends f as the json format writes it (jsonFinding),
// its first line unindented and the others starting with prefix.
func appendJSONFinding(dst []byte, f *rules.Finding, prefix string) []byte {
	w := jsonWriter{buf: dst, prefix: prefix}
	w.open('{')
	w.str("rule", f.Rule)
	w.str("severity", f.Severity.String())
	w.str("message", f.Message)
	w.str("file", f.Pos.File)
	w.int("line", f.Pos.Line)
	w.int("column", f.Pos.Col)
	if hasEnd(*f) {
		if f.End.Line != 0 {
			w.int("end_line", f.End.Line)
		}
		if f.End.Col != 0 {
			w.int("end_column", f.End.Col)
		}
	}
	w.name("related")
	w.open('[')
	for _, rel := range f.Related {
		w.next()
		w.open('{')
		w.str("file", relatedFile(*f, rel))
		w.int("line", rel.Pos.Line)
		w.int("column", rel.Pos.Col)
		w.str("message", rel.Message)
		w.close('}')
	}
	w.close(']')
	if f.Entity != "" {
		w.str("entity", f.Entity)
	}
	if cs := changesOf(*f); len(cs) > 0 {
		w.name("fix")
		w.open('{')
		w.str("message", f.Fix.Message)
		w.name("edits")
		w.open('[')
		for _, c := range cs {
			w.next()
			w.open('{')
			w.str("file", c.File)
			w.int("line", c.Start.Line)
			w.int("column", c.Start.Col)
			w.int("end_line", c.End.Line)
			w.int("end_column", c.End.Col)
			w.int("offset", c.Offset)
			w.int("length", c.Length)
			w.str("text", c.Text)
			w.close('}')
		}
		w.close(']')
		w.close('}')
	}
	w.close('}')
	return w.buf
}

// jsonSafe marks the ASCII bytes a JSON string holds as they are: all but
// control characters, '"' and '\\' (encoding/json's safeSet; <, > and &
// are not escaped, as encodeJSON does not).
var jsonSafe = func() (t [utf8.RuneSelf]bool) {
	for b := 0x20; b < utf8.RuneSelf; b++ {
		t[b] = b != '"' && b != '\\'
	}
	return t
}()

// appendJSONString appends s quoted as encoding/json quotes it without
// HTML escaping: '"' and '\\' escaped, control characters as \b \f \n \r
// \t or \u00xx, invalid UTF-8 as \ufffd, U+2028 and U+2029 as \u2028 and
// \u2029.
func appendJSONString(dst []byte, s string) []byte {
	const hex = "0123456789abcdef"
	dst = append(dst, '"')
	start := 0
	for i := 0; i < len(s); {
		b := s[i]
		if b < utf8.RuneSelf {
			if jsonSafe[b] {
				i++
				continue
			}
			dst = append(dst, s[start:i]...)
			switch b {
			case '\\', '"':
				dst = append(dst, '\\', b)
			case '\b':
				dst = append(dst, '\\', 'b')
			case '\f':
				dst = append(dst, '\\', 'f')
			case '\n':
				dst = append(dst, '\\', 'n')
			case '\r':
				dst = append(dst, '\\', 'r')
			case '\t':
				dst = append(dst, '\\', 't')
			default:
				dst = append(dst, '\\', 'u', '0', '0', hex[b>>4], hex[b&0xF])
			}
			i++
			start = i
			continue
		}
		c, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case c == utf8.RuneError && size == 1:
			dst = append(dst, s[start:i]...)
			dst = append(dst, `\ufffd`...)
		case c == '\u2028' || c == '\u2029':
			dst = append(dst, s[start:i]...)
			dst = append(dst, '\\', 'u', '2', '0', '2', hex[c&0xF])
		default:
			i += size
			continue
		}
		i += size
		start = i
	}
	dst = append(dst, s[start:]...)
	return append(dst, '"')
}
