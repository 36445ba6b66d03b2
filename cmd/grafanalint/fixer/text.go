package fixer

import (
	"bytes"
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/grafanalint/grafanalint/parsers/model"
	"github.com/grafanalint/grafanalint/rules/fix"
)

// text maps the positions a parser recorded in one file to byte offsets of
// the file's bytes, counting lines and columns exactly as that parser does:
// YAML files (provisioning, compose) with YAML's line breaks (CR LF, CR,
// LF, NEL, LS, PS) like yaml.v3, the others at "\n" only (a "\r" before it
// is a character of the line); columns in code points (an invalid byte
// counts as one), without a leading byte order mark where the parser skips
// it (UTF-8 for YAML, nginx and env files; also UTF-16's for grafana.ini,
// as go-ini skips it; dashboard JSON counts it, though its parser rejects
// such a file).
type text struct {
	src    []byte
	starts []int // byte offset of each line's first byte (after the BOM for line 1)
	yaml   bool
}

// newText indexes the lines of src, a file of kind.
func newText(kind model.Kind, src []byte) *text { return newTextInto(kind, src, nil) }

// newTextInto is newText keeping the line starts in starts when it has
// room (its content is replaced), so that a caller indexing many files one
// after another can reuse one slice.
func newTextInto(kind model.Kind, src []byte, starts []int) *text {
	t := &text{src: src, yaml: kind == model.KindDatasources || kind == model.KindProviders || kind == model.KindCompose}
	bom := 0
	switch {
	case kind == model.KindDashboard:
	case len(src) >= 3 && src[0] == 0xEF && src[1] == 0xBB && src[2] == 0xBF:
		bom = 3
	case kind == model.KindIni && len(src) >= 2 && (src[0] == 0xFE && src[1] == 0xFF || src[0] == 0xFF && src[1] == 0xFE):
		bom = 2
	}
	// One line per "\n", and one more: exact where lines end at "\n"
	// only, and a YAML file with other breaks grows the slice.
	if n := bytes.Count(src[bom:], []byte{'\n'}) + 1; cap(starts) < n {
		starts = make([]int, 0, n)
	}
	starts = append(starts[:0], bom)
	t.starts = starts
	if !t.yaml {
		// Lines end at "\n" only.
		for i := bom; i < len(src); {
			n := bytes.IndexByte(src[i:], '\n')
			if n < 0 {
				break
			}
			i += n + 1
			t.starts = append(t.starts, i)
		}
		return t
	}
	for i := bom; i < len(src); i++ {
		if n := t.breakAt(i); n > 0 {
			i += n - 1
			t.starts = append(t.starts, i+1)
		}
	}
	return t
}

// breakAt returns the length of the line break starting at offset i, 0
// when there is none.
func (t *text) breakAt(i int) int {
	s := t.src
	switch c := s[i]; {
	case c == '\n':
		return 1
	case !t.yaml:
		return 0
	case c == '\r':
		if i+1 < len(s) && s[i+1] == '\n' {
			return 2
		}
		return 1
	case c == 0xC2 && i+1 < len(s) && s[i+1] == 0x85: // NEL
		return 2
	case c == 0xE2 && i+2 < len(s) && s[i+1] == 0x80 && (s[i+2] == 0xA8 || s[i+2] == 0xA9): // LS, PS
		return 3
	}
	return 0
}

// lineEnd returns the offset where line (1-based) ends: where its line
// break starts (before a "\r\n" also in files split at "\n" only), or the
// end of the file.
func (t *text) lineEnd(line int) int {
	end := len(t.src)
	if line < len(t.starts) {
		end = t.starts[line]
		end -= t.breakLen(line)
	}
	return end
}

// breakLen is the length of the line break that ends line, counting a
// "\r" before a "\n" as part of it; 0 for the last line, which has none.
func (t *text) breakLen(line int) int {
	if line < 1 || line >= len(t.starts) {
		return 0
	}
	start, next := t.starts[line-1], t.starts[line]
	switch t.src[next-1] {
	case '\n':
		if next-2 >= start && t.src[next-2] == '\r' {
			return 2
		}
		return 1
	case '\r':
		return 1
	case 0x85: // NEL
		return 2
	}
	return 3 // LS, PS
}

// lineBreak returns the line break of lines inserted next to line: the
// one that ends it, else the one that ends the line before, else "\n".
func (t *text) lineBreak(line int) string {
	for _, l := range []int{line, line - 1} {
		if n := t.breakLen(l); n > 0 {
			end := t.starts[l]
			return string(t.src[end-n : end])
		}
	}
	return "\n"
}

// offset returns the byte offset of p: its line's start plus p.Col-1 code
// points, which may reach the line's end (a position just after its last
// character) but not beyond.
func (t *text) offset(p model.Pos) (int, error) {
	if p.Line < 1 || p.Line > len(t.starts) || p.Col < 1 {
		return 0, fmt.Errorf("position %d:%d is outside the file", p.Line, p.Col)
	}
	off, end := t.starts[p.Line-1], t.lineEnd(p.Line)
	for c := 1; c < p.Col; c++ {
		if off >= end {
			return 0, fmt.Errorf("position %d:%d is beyond the end of its line", p.Line, p.Col)
		}
		_, w := utf8.DecodeRune(t.src[off:end])
		off += w
	}
	return off, nil
}

// indent returns the indentation new lines aligned with the text at p
// get: the blanks of p's line before p, any other character replaced by a
// space.
func (t *text) indent(p model.Pos) (string, error) {
	if !p.IsValid() {
		return "", nil
	}
	off, err := t.offset(p)
	if err != nil {
		return "", err
	}
	var b []byte
	for _, r := range string(t.src[t.starts[p.Line-1]:off]) {
		if r == ' ' || r == '\t' {
			b = append(b, byte(r))
		} else {
			b = append(b, ' ')
		}
	}
	return string(b), nil
}

// indentation is what the lines an edit brings start with: outer for
// ordinary lines, inner for the lines Edit.Nested marks with a tab.
type indentation struct {
	outer, inner string
	nested       bool
}

// indents returns the indentation of e's new lines.
func (t *text) indents(e fix.Edit) (indentation, error) {
	outer, err := t.indent(e.Indent)
	if err != nil {
		return indentation{}, err
	}
	ind := indentation{outer: outer, inner: outer + outer, nested: e.Nested}
	if e.Nested && e.Nest.IsValid() {
		if ind.inner, err = t.indent(e.Nest); err != nil {
			return indentation{}, err
		}
	}
	return ind, nil
}

// of returns line l indented: a nested line (a leading tab, when the edit
// marks them) with the inner indentation and without its tab, another
// with the outer one.
func (ind indentation) of(l string) string {
	if ind.nested && strings.HasPrefix(l, "\t") {
		return ind.inner + l[1:]
	}
	return ind.outer + l
}

// span is an edit resolved to bytes: src[start:end] becomes text.
type span struct {
	start, end int
	text       string
}

// resolve converts e into a byte span of t, checking that the replaced
// text is e.Old and encoding e.New as the file needs.
func (t *text) resolve(e fix.Edit) (span, error) {
	switch e.Op {
	case fix.Replace:
		start, err := t.offset(e.Start)
		if err != nil {
			return span{}, err
		}
		end, err := t.offset(e.End)
		if err != nil {
			return span{}, err
		}
		if end < start {
			return span{}, fmt.Errorf("the range %d:%d-%d:%d is reversed", e.Start.Line, e.Start.Col, e.End.Line, e.End.Col)
		}
		if got := string(t.src[start:end]); got != e.Old {
			return span{}, fmt.Errorf("the text at %d:%d is %q, not %q as the rule read it (escapes, or the file changed)", e.Start.Line, e.Start.Col, short(got), short(e.Old))
		}
		var before byte
		if start > 0 {
			before = t.src[start-1]
		}
		s, ok := fix.Encode(e.Encoding, e.New, before)
		if !ok {
			return span{}, fmt.Errorf("%q cannot be written at %d:%d", short(e.New), e.Start.Line, e.Start.Col)
		}
		if strings.Contains(s, "\n") {
			// Line breaks the replacement brings (a block that replaces a
			// "}"): the file's, each followed by the indentation.
			ind, err := t.indents(e)
			if err != nil {
				return span{}, err
			}
			lines := splitLines(s)
			var b strings.Builder
			b.WriteString(lines[0])
			for _, l := range lines[1:] {
				b.WriteString(t.lineBreak(e.Start.Line))
				b.WriteString(ind.of(l))
			}
			s = b.String()
		}
		return span{start, end, s}, nil
	case fix.InsertLinesAfter, fix.InsertLinesBefore:
		if e.Start.Line < 1 || e.Start.Line > len(t.starts) {
			return span{}, fmt.Errorf("line %d is outside the file", e.Start.Line)
		}
		ind, err := t.indents(e)
		if err != nil {
			return span{}, err
		}
		br := t.lineBreak(e.Start.Line)
		var b []byte
		for _, l := range splitLines(e.New) {
			if e.Op == fix.InsertLinesAfter {
				b = append(b, br...)
			}
			if l != "" {
				b = append(b, ind.of(l)...)
			}
			if e.Op == fix.InsertLinesBefore {
				b = append(b, br...)
			}
		}
		at := t.starts[e.Start.Line-1]
		if e.Op == fix.InsertLinesAfter {
			at = t.lineEnd(e.Start.Line)
		}
		return span{at, at, string(b)}, nil
	}
	return span{}, fmt.Errorf("unknown edit operation %d", e.Op)
}

func splitLines(s string) []string {
	var out []string
	for {
		i := indexByte(s, '\n')
		if i < 0 {
			return append(out, s)
		}
		out = append(out, s[:i])
		s = s[i+1:]
	}
}

func indexByte(s string, c byte) int {
	for i := 0; i < len(s); i++ {
		if s[i] == c {
			return i
		}
	}
	return -1
}

// short abbreviates a text for a message.
func short(s string) string {
	if utf8.RuneCountInString(s) <= 60 {
		return s
	}
	r := []rune(s)
	return string(r[:57]) + "…"
}
