package provisioning

import (
	"bytes"
	"sort"
	"strings"
	"unicode/utf8"

	"github.com/grafanalint/grafanalint/parsers/model"
	"gopkg.in/yaml.v3"
)

// source maps yaml.v3 node positions to model positions. yaml.v3 counts
// lines with YAML's line breaks (CR LF, CR, LF, NEL, LS, PS) and columns in
// code points, 1-based, not counting a leading byte order mark; source
// mirrors that so it can find the text a node points at.
type source struct {
	path  string
	src   []byte
	lines []int // byte offset of the start of each line
	bom   int   // length of a UTF-8 byte order mark at the start
}

func newSource(path string, src []byte) *source {
	s := &source{path: path, src: src, lines: []int{0}}
	if len(src) >= 3 && src[0] == 0xEF && src[1] == 0xBB && src[2] == 0xBF {
		s.bom = 3
	}
	for i := 0; i < len(src); i++ {
		switch c := src[i]; {
		case c == '\n':
			s.lines = append(s.lines, i+1)
		case c == '\r':
			if i+1 < len(src) && src[i+1] == '\n' {
				i++
			}
			s.lines = append(s.lines, i+1)
		case c == 0xC2 && i+1 < len(src) && src[i+1] == 0x85: // NEL
			i++
			s.lines = append(s.lines, i+1)
		case c == 0xE2 && i+2 < len(src) && src[i+1] == 0x80 && (src[i+2] == 0xA8 || src[i+2] == 0xA9): // LS, PS
			i += 2
			s.lines = append(s.lines, i+1)
		}
	}
	return s
}

// lineText returns line (1-based) without its line break.
func (s *source) lineText(line int) []byte {
	if line < 1 || line > len(s.lines) {
		return nil
	}
	start := s.lines[line-1]
	if line == 1 {
		start += s.bom
	}
	end := len(s.src)
	if line < len(s.lines) {
		end = s.lines[line]
	}
	b := s.src[start:end]
	for len(b) > 0 {
		switch {
		case b[len(b)-1] == '\n' || b[len(b)-1] == '\r':
			b = b[:len(b)-1]
		case len(b) >= 2 && b[len(b)-2] == 0xC2 && b[len(b)-1] == 0x85:
			b = b[:len(b)-2]
		case len(b) >= 3 && b[len(b)-3] == 0xE2 && b[len(b)-2] == 0x80 && (b[len(b)-1] == 0xA8 || b[len(b)-1] == 0xA9):
			b = b[:len(b)-3]
		default:
			return b
		}
	}
	return b
}

// offset returns the byte offset of line:col, or -1 when it is outside the
// text.
func (s *source) offset(line, col int) int {
	if line < 1 || line > len(s.lines) || col < 1 {
		return -1
	}
	off := s.lines[line-1]
	if line == 1 {
		off += s.bom
	}
	for c := 1; c < col; c++ {
		if off >= len(s.src) {
			return -1
		}
		_, w := utf8.DecodeRune(s.src[off:])
		off += w
	}
	return off
}

// pos returns the position of byte offset off.
func (s *source) pos(off int) model.Pos {
	line := sort.Search(len(s.lines), func(i int) bool { return s.lines[i] > off }) // first line starting after off
	start := s.lines[line-1]
	if line == 1 {
		start += s.bom
		if off < start {
			off = start
		}
	}
	return model.Pos{File: s.path, Line: line, Col: utf8.RuneCount(s.src[start:off]) + 1}
}

// at returns the position line:col.
func (s *source) at(line, col int) model.Pos {
	return model.Pos{File: s.path, Line: line, Col: col}
}

// nodeStart returns the byte offset where n's content starts: after any
// anchor (&a) and tag (!t) properties, which yaml.v3 includes in the
// node's position. It returns -1 when the position is outside the text.
func (s *source) nodeStart(n *yaml.Node) int {
	off := s.offset(n.Line, n.Column)
	if off < 0 {
		return -1
	}
	for off < len(s.src) && (s.src[off] == '&' || s.src[off] == '!') {
		if strings.HasPrefix(string(s.src[off:min(off+2, len(s.src))]), "!<") {
			// Verbatim tag: !<tag:yaml.org,2002:str> may hold flow indicators.
			if end := bytes.IndexByte(s.src[off:], '>'); end >= 0 {
				off += end + 1
			}
		}
		for off < len(s.src) && !isBlankOrBreak(s.src[off]) && !isFlowIndicator(s.src[off]) {
			off++
		}
		off = s.skipSpace(off)
	}
	return off
}

// skipSpace skips blanks, line breaks and comments from off.
func (s *source) skipSpace(off int) int {
	for off < len(s.src) {
		switch s.src[off] {
		case ' ', '\t', '\r', '\n':
			off++
		case '#':
			for off < len(s.src) && s.src[off] != '\n' && s.src[off] != '\r' {
				off++
			}
		default:
			return off
		}
	}
	return off
}

func isBlankOrBreak(c byte) bool { return c == ' ' || c == '\t' || c == '\r' || c == '\n' }

// isFlowIndicator reports whether c ends an anchor or tag property in flow
// context. Tags may contain ',' '[' ']' '{' '}' only when percent-encoded,
// so they end a tag as well.
func isFlowIndicator(c byte) bool {
	return c == ',' || c == '[' || c == ']' || c == '{' || c == '}'
}

// nodePos returns the position of a collection node: its first key or item
// for block collections, its bracket for flow ones.
func (s *source) nodePos(n *yaml.Node) model.Pos {
	if off := s.nodeStart(n); off >= 0 && off <= len(s.src) {
		return s.pos(off)
	}
	return s.at(n.Line, n.Column)
}

// str returns the scalar n as a model.Str: Pos is its first character
// (inside quotes; the first content character of a block scalar), End just
// after its last character when that is known.
func (s *source) str(n *yaml.Node) model.Str {
	out := model.Str{V: n.Value, Pos: s.at(n.Line, n.Column)}
	off := s.nodeStart(n)
	if off < 0 || off > len(s.src) {
		return out
	}
	out.Pos = s.pos(off)
	switch {
	case n.Style&yaml.DoubleQuotedStyle != 0 || n.Style&yaml.SingleQuotedStyle != 0:
		q := byte('"')
		if n.Style&yaml.SingleQuotedStyle != 0 {
			q = '\''
		}
		if off >= len(s.src) || s.src[off] != q {
			return out
		}
		out.Pos = s.pos(off + 1)
		if end := closingQuote(s.src, off); end >= 0 {
			out.End = s.pos(end)
		}
	case n.Style&yaml.LiteralStyle != 0 || n.Style&yaml.FoldedStyle != 0:
		if p, ok := s.blockStart(n, out.Pos.Line); ok {
			out.Pos = p
		}
	default:
		// Plain scalar: the end is known when it is written on one line
		// exactly as its value.
		if n.Value != "" && off+len(n.Value) <= len(s.src) && string(s.src[off:off+len(n.Value)]) == n.Value &&
			!strings.ContainsAny(n.Value, "\r\n") {
			out.End = s.pos(off + len(n.Value))
		}
	}
	return out
}

// closingQuote returns the byte offset of the quote closing the quoted
// scalar that opens at off, or -1.
func closingQuote(src []byte, off int) int {
	q := src[off]
	for i := off + 1; i < len(src); i++ {
		switch src[i] {
		case '\\':
			if q == '"' {
				i++
			}
		case q:
			if q == '\'' && i+1 < len(src) && src[i+1] == '\'' {
				i++
				continue
			}
			return i
		}
	}
	return -1
}

// blockStart returns the position of the first content character of a
// literal or folded block scalar whose indicator is on line: the first
// non-blank line after it, at the column where the value's first line
// starts when that can be matched, else at its first non-space character.
func (s *source) blockStart(n *yaml.Node, line int) (model.Pos, bool) {
	first := strings.TrimLeft(n.Value, "\n")
	if i := strings.IndexByte(first, '\n'); i >= 0 {
		first = first[:i]
	}
	for l := line + 1; l <= len(s.lines); l++ {
		text := s.lineText(l)
		trimmed := strings.TrimLeft(string(text), " ")
		if trimmed == "" || strings.TrimSpace(trimmed) == "" {
			continue
		}
		if first != "" && strings.HasSuffix(string(text), first) {
			return s.at(l, utf8.RuneCount(text)-utf8.RuneCountInString(first)+1), true
		}
		return s.at(l, utf8.RuneCount(text)-utf8.RuneCountInString(trimmed)+1), true
	}
	return model.Pos{}, false
}
