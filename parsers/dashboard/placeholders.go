package dashboard

import (
	"bytes"

	"github.com/grafanalint/grafanalint/parsers/model"
)

// scanPlaceholders finds every export placeholder "${DS_X}" / "${VAR_X}" in
// the string values of src, which must be valid JSON.
//
// It scans the raw bytes: "$" never occurs outside strings in valid JSON and
// never inside an escape sequence, so a raw match is a match in a string and
// its byte offset is its exact position, whatever escapes come before it in
// the same string. A name ends at "}"; it may hold any character other than
// quotes, backslashes, braces and "$" ("Export for sharing externally"
// builds it from the datasource name, replacing only the first space). Member
// names are skipped: they are no values.
func scanPlaceholders(src []byte, lines *lineIndex) []model.Str {
	var out []model.Str
	// The end of the string the last match was in, and whether that string
	// is a member name: a long string with many placeholders is scanned to
	// its end once, not once per placeholder.
	strEnd, isKey := -1, false
	for i := 0; ; {
		j := bytes.Index(src[i:], []byte("${"))
		if j < 0 {
			return out
		}
		start := i + j
		i = start + 2
		name := src[i:]
		var prefix int
		switch {
		case bytes.HasPrefix(name, []byte("DS_")):
			prefix = 3
		case bytes.HasPrefix(name, []byte("VAR_")):
			prefix = 4
		default:
			continue
		}
		n := prefix
		for n < len(name) && !isNameStop(name[n]) {
			n++
		}
		if n == prefix || n == len(name) || name[n] != '}' {
			continue // empty or unterminated name
		}
		if start > strEnd {
			strEnd, isKey = stringEnd(src, i+n+1)
		}
		if isKey {
			continue
		}
		end := i + n + 1
		out = append(out, model.Str{V: string(name[:n]), Pos: lines.pos(start), End: lines.pos(end)})
		i = end
	}
}

func isNameStop(b byte) bool {
	return b == '}' || b == '"' || b == '\\' || b == '{' || b == '$' || b < 0x20
}

// stringEnd returns the offset of the closing quote of the string that
// contains offset off (inside its quotes, outside escapes) and whether that
// string is an object member name (its closing quote is followed by ':').
func stringEnd(src []byte, off int) (end int, isKey bool) {
	for off < len(src) {
		switch src[off] {
		case '\\':
			off += 2
			continue
		case '"':
			end = off
			off++
			for off < len(src) && isSpace(src[off]) {
				off++
			}
			return end, off < len(src) && src[off] == ':'
		}
		off++
	}
	return len(src), false
}
