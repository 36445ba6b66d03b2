package srcmap

import (
	"encoding/hex"
	"sort"
	"strings"
	"unicode/utf8"

	"gopkg.in/yaml.v3"
)

// Scalar returns the value of a YAML scalar node of src with the source
// position of each byte: literal block scalars ("|") map line for line and
// column for column; folded, quoted and plain scalars map each character
// to the character it was decoded from (an escape sequence as a whole,
// a folded line break to the break). When the encoding cannot be followed
// (a construct this decoder does not reproduce), every byte maps to the
// value's first character — for a quoted value, the one after the quote.
func Scalar(src *Source, n *yaml.Node) *Text {
	start := src.Offset(n.Line, n.Column)
	var (
		t  *Text
		ok bool
	)
	switch {
	case n.Style&(yaml.LiteralStyle|yaml.FoldedStyle) != 0:
		t, ok = blockScalar(src, start, n)
	case n.Style&yaml.DoubleQuotedStyle != 0:
		t, ok = quoted(src, start, '"', n.Value)
		start++
	case n.Style&yaml.SingleQuotedStyle != 0:
		t, ok = quoted(src, start, '\'', n.Value)
		start++
	default:
		t, ok = plain(src, start, n.Value)
	}
	if ok && t.s == n.Value {
		return t
	}
	return Point(n.Value, src, start, start)
}

// block is the layout of a block scalar: its content lines are source
// line indexes first to first+count-1, the last non-blank one at
// first+lastContent (-1: none), indented by indent.
type block struct {
	folded                    bool
	chomp                     byte
	first, count, lastContent int
	indent                    int
	empty                     bool // the header ends the file
}

// rawBlock returns where b's content lines are written (nil when none is
// non-blank).
func (b block) rawBlock(src *Source) *rawBlock {
	if b.empty || b.lastContent < 0 || src.via != nil {
		return nil
	}
	lines := src.all()
	start := lines[b.first]
	end := src.LineEnd(lines[b.first+b.lastContent])
	return &rawBlock{src: src, start: start, end: end, line: b.first + 1}
}

// scanBlock finds the content lines of the literal or folded block scalar
// whose indicator is at off.
func scanBlock(src *Source, off int, n *yaml.Node) (block, bool) {
	lines := src.all()
	d := src.data
	if off >= len(d) || (d[off] != '|' && d[off] != '>') {
		return block{}, false
	}
	b := block{folded: d[off] == '>'}
	explicit := 0
	i := off + 1
	for i < len(d) && (d[i] == '+' || d[i] == '-' || (d[i] >= '1' && d[i] <= '9')) {
		if d[i] == '+' || d[i] == '-' {
			b.chomp = d[i]
		} else {
			explicit = int(d[i] - '0')
		}
		i++
	}
	// The rest of the header line: blanks and a comment.
	i = src.LineEnd(i)
	if i >= len(d) {
		b.empty = true
		return b, true
	}
	i++ // first content line
	parent := 0
	if explicit > 0 {
		ls := lineStart(d, off)
		for ls+parent < len(d) && d[ls+parent] == ' ' {
			parent++
		}
		if n.Column-1 == parent { // "- |2" style: the node itself sets the parent
			parent = 0
		}
	}
	// Content lines run until a non-blank line indented less than the
	// content.
	indent := -1
	if explicit > 0 {
		indent = parent + explicit
	}
	firstLine := sort.SearchInts(lines, i)
	count, lastContent := 0, -1
	for li := firstLine; li < len(lines); li++ {
		p, e := src.lineAt(li)
		if p >= len(d) {
			break
		}
		if indent > 0 && e-p > indent && spaces(d[p:p+indent]) {
			// Indented at least as the content: only whether it is
			// blank matters (a line ending in a non-blank is not).
			if c := d[e-1]; c != ' ' && c != '\t' && c != '\r' || !isBlank(d[p+indent:e]) {
				lastContent = count
			}
			count++
			continue
		}
		sp := 0
		for p+sp < e && d[p+sp] == ' ' {
			sp++
		}
		if sp != e-p && !isBlank(d[p+sp:e]) {
			if indent < 0 {
				indent = sp
			}
			if sp < indent || indent == 0 {
				break
			}
			lastContent = count
		}
		count++
	}
	b.first, b.count, b.lastContent, b.indent = firstLine, count, lastContent, max(indent, 0)
	return b, true
}

// lineAt returns where line index li starts and ends (its "\n" excluded).
func (s *Source) lineAt(li int) (start, end int) {
	lines := s.all()
	start = lines[li]
	end = len(s.data)
	if li+1 < len(lines) {
		end = lines[li+1] - 1
	}
	return start, end
}

// blockScalar decodes a literal or folded block scalar whose indicator is
// at off.
func blockScalar(src *Source, off int, n *yaml.Node) (*Text, bool) {
	bl, ok := scanBlock(src, off, n)
	if !ok {
		return nil, false
	}
	if bl.empty {
		return &Text{}, true
	}
	var t *Text
	if !bl.folded {
		t = literalBlock(src, bl.first, bl.count, bl.lastContent, bl.indent, bl.chomp)
	} else {
		t = foldedBlock(src, bl)
	}
	t.raw = bl.rawBlock(src)
	return t, true
}

// foldedBlock decodes the folded block scalar bl.
func foldedBlock(src *Source, bl block) *Text {
	d := src.data
	type line struct {
		off, end int // content after the indentation; end excludes "\n"
		blank    bool
		indent   int
		nl       int // offset of the "\n" (or len(d))
	}
	firstLine, count, indent, chomp := bl.first, bl.count, bl.indent, bl.chomp
	lineAt := src.lineAt
	lines := make([]line, 0, count)
	for li := firstLine; li < firstLine+count; li++ {
		p, e := lineAt(li)
		sp := 0
		for p+sp < e && d[p+sp] == ' ' {
			sp++
		}
		blank := sp == e-p || isBlank(d[p+sp:e])
		ln := line{off: p + min(sp, indent), end: e, blank: blank, indent: sp, nl: e}
		if blank {
			ln.off = min(p+indent, e)
		}
		lines = append(lines, ln)
	}
	// Trailing blank lines belong to chomping, not to the content.
	last := len(lines) - 1
	for last >= 0 && lines[last].blank {
		last--
	}
	var b Builder
	if last < 0 {
		if chomp == '+' {
			for _, l := range lines {
				b.Linear("\n", src, l.nl)
			}
		}
		return b.Text()
	}
	brk := func(l line) { // the line break after line l
		if l.nl < len(d) {
			b.Linear("\n", src, l.nl)
		} else {
			b.Point("\n", src, l.nl, l.nl)
		}
	}
	{
		// Folding (YAML 1.2 §8.1.3): a line break between two lines
		// that are not more indented becomes a space, or disappears when
		// blank lines follow (each blank line then gives a "\n"); breaks
		// around more-indented lines are kept.
		more := func(l line) bool { return !l.blank && l.off < l.end && (d[l.off] == ' ' || d[l.off] == '\t') }
		for k := 0; k <= last; k++ {
			l := lines[k]
			if l.blank {
				brk(l)
				continue
			}
			if l.off < l.end {
				b.LinearBytes(d[l.off:l.end], src, l.off)
			}
			if k == last {
				break
			}
			// Find the next non-blank line.
			nx := k + 1
			for nx <= last && lines[nx].blank {
				nx++
			}
			switch {
			case more(l) || more(lines[nx]):
				brk(l)
			case nx == k+1:
				if l.nl < len(d) {
					b.Linear(" ", src, l.nl)
				} else {
					b.Point(" ", src, l.nl, l.nl)
				}
			}
		}
	}
	// Chomping: clip keeps one final break, keep all, strip none.
	switch chomp {
	case '-':
	case '+':
		brk(lines[last])
		for _, l := range lines[last+1:] {
			brk(l)
		}
	default:
		brk(lines[last])
	}
	return b.Text()
}

// literalBlock decodes the count lines of a literal block scalar from
// source line index first on, content indented by indent, the last
// non-blank one at lastContent (-1: none), as one piece of text.
func literalBlock(src *Source, first, count, lastContent, indent int, chomp byte) *Text {
	srcLines := src.all()
	d := src.data
	keep := lastContent + 1 // lines up to the last content line
	if chomp == '+' {
		keep = count
	}
	size := 0
	if keep > 0 {
		size = srcLines[first+keep-1] - srcLines[first] + 256
		if first+keep < len(srcLines) {
			size = srcLines[first+keep] - srcLines[first]
		}
	}
	var sb strings.Builder
	sb.Grow(size + 1)
	starts := make([]int, 0, keep+1)
	for k := 0; k < keep; k++ {
		li := first + k
		p := srcLines[li]
		e := len(d)
		if li+1 < len(srcLines) {
			e = srcLines[li+1] - 1
		}
		if e > p && d[e-1] == '\r' {
			e--
		}
		starts = append(starts, sb.Len())
		if from := p + indent; from < e {
			sb.Write(d[from:e])
		}
		// Every line keeps its break but the last content line's, which
		// chomping decides: clip keeps one, strip none, keep all.
		if k < lastContent || chomp != '-' && (k == lastContent || chomp == '+') {
			sb.WriteByte('\n')
		}
	}
	text := sb.String()
	lines := starts
	if len(text) > 0 && text[len(text)-1] == '\n' {
		lines = append(lines, len(text))
	}
	if len(lines) == 0 {
		lines = []int{0}
	}
	segs := []seg{{at: 0, n: len(text), src: src, lines: starts, line: first + 1, indent: indent}}
	if len(text) == 0 {
		segs[0] = seg{src: src, off: srcLines[min(first, len(srcLines)-1)], point: true}
		segs[0].end = segs[0].off
	}
	return &Text{s: text, segs: segs, lines: lines}
}

func spaces(b []byte) bool {
	for _, c := range b {
		if c != ' ' {
			return false
		}
	}
	return true
}

func isBlank(b []byte) bool {
	for _, c := range b {
		if c != ' ' && c != '\t' && c != '\r' {
			return false
		}
	}
	return true
}

func lineStart(d []byte, off int) int {
	for off > 0 && d[off-1] != '\n' {
		off--
	}
	return off
}

// quoted decodes a single- or double-quoted scalar whose opening quote is
// at off.
func quoted(src *Source, off int, q byte, want string) (*Text, bool) {
	d := src.data
	if off >= len(d) || d[off] != q {
		return nil, false
	}
	var b Builder
	i := off + 1
	for i < len(d) {
		c := d[i]
		switch {
		case c == q && q == '\'' && i+1 < len(d) && d[i+1] == '\'':
			b.Point("'", src, i, i+2)
			i += 2
		case c == q:
			return b.Text(), true
		case c == '\\' && q == '"':
			if i+1 >= len(d) {
				return nil, false
			}
			if d[i+1] == '\n' || d[i+1] == '\r' {
				// Escaped line break: joined without a space.
				i = skipBreakAndIndent(d, i+1)
				continue
			}
			s, n, ok := unescape(d[i:])
			if !ok {
				return nil, false
			}
			b.Point(s, src, i, i+n)
			i += n
		case c == '\n' || c == '\r':
			// Line folding: trailing blanks of this line are dropped,
			// then one break is a space and k blank lines are k breaks.
			trimTrailing(&b, d, i)
			j := skipBreak(d, i)
			blanks := 0
			for {
				k := j
				for k < len(d) && (d[k] == ' ' || d[k] == '\t') {
					k++
				}
				if k < len(d) && (d[k] == '\n' || d[k] == '\r') {
					blanks++
					b.Linear("\n", src, k)
					j = skipBreak(d, k)
					continue
				}
				j = k
				break
			}
			if blanks == 0 {
				b.Linear(" ", src, i)
			}
			i = j
		default:
			_, w := utf8.DecodeRune(d[i:])
			b.Linear(string(d[i:i+w]), src, i)
			i += w
		}
		if b.Len() > len(want)+8 {
			return nil, false
		}
	}
	return nil, false
}

// trimTrailing drops blanks written just before the line break at brk.
func trimTrailing(b *Builder, d []byte, brk int) {
	n := 0
	for k := brk - 1; k >= 0 && (d[k] == ' ' || d[k] == '\t'); k-- {
		n++
	}
	if n == 0 {
		return
	}
	s := b.b.String()
	if len(s) < n {
		return
	}
	tail := s[len(s)-n:]
	if strings.Trim(tail, " \t") != "" {
		return
	}
	b.truncate(len(s) - n)
}

func (b *Builder) truncate(n int) {
	s := b.b.String()[:n]
	b.b.Reset()
	b.b.WriteString(s)
	for len(b.segs) > 0 {
		p := &b.segs[len(b.segs)-1]
		if p.at >= n {
			b.segs = b.segs[:len(b.segs)-1]
			continue
		}
		if p.at+p.n > n {
			p.n = n - p.at
			if !p.point {
				p.end = p.off + p.n
			}
		}
		break
	}
}

func skipBreak(d []byte, i int) int {
	if i < len(d) && d[i] == '\r' {
		i++
	}
	if i < len(d) && d[i] == '\n' {
		i++
	}
	return i
}

func skipBreakAndIndent(d []byte, i int) int {
	i = skipBreak(d, i)
	for i < len(d) && (d[i] == ' ' || d[i] == '\t') {
		i++
	}
	return i
}

// unescape decodes the double-quoted escape at the start of d ("\x…"),
// returning the text, the escape's length and whether it is valid.
func unescape(d []byte) (string, int, bool) {
	if len(d) < 2 {
		return "", 0, false
	}
	simple := map[byte]string{'0': "\x00", 'a': "\a", 'b': "\b", 't': "\t", '\t': "\t", 'n': "\n", 'v': "\v", 'f': "\f", 'r': "\r", 'e': "\x1b", ' ': " ", '"': "\"", '/': "/", '\\': "\\", 'N': "\u0085", '_': "\u00a0", 'L': "\u2028", 'P': "\u2029"}
	if s, ok := simple[d[1]]; ok {
		return s, 2, true
	}
	width := map[byte]int{'x': 2, 'u': 4, 'U': 8}[d[1]]
	if width == 0 || len(d) < 2+width {
		return "", 0, false
	}
	h := string(d[2 : 2+width])
	if len(h)%2 == 1 {
		h = "0" + h
	}
	raw, err := hex.DecodeString(h)
	if err != nil {
		return "", 0, false
	}
	var r rune
	for _, x := range raw {
		r = r<<8 | rune(x)
	}
	return string(r), 2 + width, true
}

// plain decodes a plain scalar starting at off, folding continuation lines
// until the decoded text is want.
func plain(src *Source, off int, want string) (*Text, bool) {
	d := src.data
	if strings.HasPrefix(string(d[off:min(len(d), off+len(want))]), want) {
		return Verbatim(src, off, off+len(want)), true
	}
	var b Builder
	i := off
	for {
		e := src.LineEnd(i)
		seg := d[i:e]
		// A comment starts at " #".
		if k := strings.Index(string(seg), " #"); k >= 0 {
			seg = seg[:k]
		}
		if k := strings.Index(string(seg), "\t#"); k >= 0 {
			seg = seg[:k]
		}
		s := strings.TrimRight(string(seg), " \t\r")
		if b.Len() > 0 || i != off {
			lead := len(s) - len(strings.TrimLeft(s, " \t"))
			i += lead
			s = s[lead:]
		}
		b.Linear(s, src, i)
		got := b.b.String()
		if got == want {
			return b.Text(), true
		}
		if !strings.HasPrefix(want, got) || e >= len(d) {
			return nil, false
		}
		// Fold into the next non-blank line.
		j := e + 1
		blanks := 0
		for {
			k := j
			for k < len(d) && (d[k] == ' ' || d[k] == '\t') {
				k++
			}
			if k < len(d) && d[k] == '\n' {
				blanks++
				b.Linear("\n", src, k)
				j = k + 1
				continue
			}
			break
		}
		if blanks == 0 {
			b.Linear(" ", src, e)
		}
		if j >= len(d) {
			return nil, false
		}
		i = j
	}
}

// DecodeBlock decodes the literal or folded block scalar node n of src
// from the text (for a node parsed from a copy of src whose block content
// was left out); ok is false when the text does not hold one.
func DecodeBlock(src *Source, n *yaml.Node) (*Text, bool) {
	return blockScalar(src, src.Offset(n.Line, n.Column), n)
}
