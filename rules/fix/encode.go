package fix

import (
	"fmt"
	"strings"
	"unicode/utf8"
)

// Encode writes v as enc says, for a range whose preceding byte is before
// (a quote for a quoted value, anything else otherwise). ok is false when v
// cannot be written there (a YAML block scalar, a value with a line break
// in a plain scalar).
func Encode(enc Encoding, v string, before byte) (string, bool) {
	switch enc {
	case JSONString:
		return escapeJSON(v), true
	case YAMLScalar:
		switch before {
		case '"':
			return escapeJSON(v), true
		case '\'':
			if strings.ContainsAny(v, "\r\n") {
				return "", false
			}
			return strings.ReplaceAll(v, "'", "''"), true
		case '|', '>':
			return "", false
		}
		if PlainYAML(v) {
			return v, true
		}
		return quoteYAML(v), true
	}
	return v, true
}

// escapeJSON escapes v for the inside of a JSON (or YAML double-quoted)
// string: quotes, backslashes and control characters; other characters,
// "<", ">" and "&" included, are written as they are.
func escapeJSON(v string) string {
	if !needsEscape(v) {
		return v // most values: no copy
	}
	var b strings.Builder
	for i := 0; i < len(v); {
		r, n := utf8.DecodeRuneInString(v[i:])
		switch {
		case r == '"' || r == '\\':
			b.WriteByte('\\')
			b.WriteRune(r)
		case r == '\n':
			b.WriteString(`\n`)
		case r == '\r':
			b.WriteString(`\r`)
		case r == '\t':
			b.WriteString(`\t`)
		case r < 0x20 || r == 0x7f || r == 0x2028 || r == 0x2029:
			fmt.Fprintf(&b, `\u%04x`, r)
		case r == utf8.RuneError && n == 1:
			b.WriteString(`\ufffd`)
		default:
			b.WriteString(v[i : i+n])
		}
		i += n
	}
	return b.String()
}

// needsEscape reports whether escapeJSON changes v: whether it holds a
// quote, a backslash, a control character, U+2028, U+2029 or invalid
// UTF-8.
func needsEscape(v string) bool {
	for i := 0; i < len(v); i++ {
		c := v[i]
		if c == '"' || c == '\\' || c < 0x20 || c == 0x7f {
			return true
		}
		if c >= utf8.RuneSelf {
			r, n := utf8.DecodeRuneInString(v[i:])
			if r == 0x2028 || r == 0x2029 || r == utf8.RuneError && n == 1 {
				return true
			}
			i += n - 1
		}
	}
	return false
}
