package srcmap

import (
	"sort"
	"strings"
	"sync"
	"unicode/utf8"

	"gopkg.in/yaml.v3"

	"github.com/grafanalint/grafanalint/parsers/model"
)

// Text is text derived from one or more sources, with where each of its
// bytes came from.
//
// A large block scalar (the dashboard of a ConfigMap) may be decoded
// lazily (LazyBlock): its text is built the first time something asks for
// it, and a reader that takes its raw lines (Raw) never builds it.
type Text struct {
	s     string // the derived text (String)
	segs  []seg
	lines []int // byte offsets of line starts in s
	// raw is where a block scalar's content lines are written, for Raw.
	raw *rawBlock
	// lazy, when set, is the block scalar to decode on first use.
	lazy *lazyBlock
}

// rawBlock is the content lines of a block scalar in its source: bytes
// [start, end) from the start of the first content line to the end of the
// last non-blank one, which is source line line.
type rawBlock struct {
	src        *Source
	start, end int
	line       int
	starts     []int // line starts from start, when known
}

// lazyBlock is a block scalar whose decoding waits for its first use.
type lazyBlock struct {
	once    sync.Once
	rawOnce sync.Once
	src     *Source
	n       *yaml.Node
	start   int // offset of the block indicator
	raw     *rawBlock
}

// Lines locates the content of a block scalar in its source: bytes
// [Start, End) run from the start of its first non-blank content line,
// source line Line (1-based), to the end of its last non-blank one.
// Starts, when known, are the offsets (from Start) of the lines' starts.
type Lines struct {
	Start, End, Line int
	Starts           []int
}

// RawLines are a block scalar's content lines as written (Text.Raw).
type RawLines struct {
	// Data are the bytes, from the start of the first content line to the
	// end of the last non-blank one, indentation included.
	Data []byte
	// Line is the 1-based source line of Data's first line, Path the
	// source's display path.
	Line int
	Path string
	// Starts are the offsets in Data of its line starts, when known.
	Starts []int
}

// LazyBlock returns the literal or folded block scalar node n of src as a
// Text decoded on first use (for a node parsed from a copy of src whose
// block content was left out: n.Value is not the value); raw is where its
// content lines are, as the scan that left them out found them (zero:
// unknown).
func LazyBlock(src *Source, n *yaml.Node, raw Lines) *Text {
	t := &Text{lazy: &lazyBlock{src: src, n: n, start: src.Offset(n.Line, n.Column)}}
	if raw.Line > 0 && raw.Start < raw.End && raw.End <= len(src.data) && src.via == nil {
		t.raw = &rawBlock{src: src, start: raw.Start, end: raw.End, line: raw.Line, starts: raw.Starts}
	}
	return t
}

// load decodes a lazy text.
func (t *Text) load() {
	lz := t.lazy
	if lz == nil {
		return
	}
	lz.once.Do(func() {
		d, ok := blockScalar(lz.src, lz.start, lz.n)
		if !ok {
			d = Point("", lz.src, lz.start, lz.start)
		}
		t.s, t.segs, t.lines = d.s, d.segs, d.lines // Raw keeps to the hint or its own scan
	})
}

// String returns the derived text.
func (t *Text) String() string {
	t.load()
	return t.s
}

// Raw returns, for a text that is a literal or folded block scalar, its
// content lines as written (indentation included); ok is false for other
// texts and for an empty block. A reader for which indentation and line
// breaks between its tokens are white space (JSON) reads them as it would
// read the text, with positions that are the source's once shifted by
// Line-1 lines.
func (t *Text) Raw() (RawLines, bool) {
	r := t.raw
	if r == nil && t.lazy != nil {
		lz := t.lazy
		lz.rawOnce.Do(func() {
			if b, ok := scanBlock(lz.src, lz.start, lz.n); ok {
				lz.raw = b.rawBlock(lz.src)
			}
		})
		r = lz.raw
	}
	if r == nil {
		return RawLines{}, false
	}
	return RawLines{Data: r.src.data[r.start:r.end], Line: r.line, Path: r.src.Path, Starts: r.starts}, true
}

// seg maps the derived bytes [at, at+n) to a source: byte at+i comes from
// off+i, or from off for every i when point is set (escapes, base64,
// generated text), the value then spanning [off, end).
type seg struct {
	at, n    int
	src      *Source
	off, end int
	point    bool
	// lines, for the content of a literal block scalar, are the offsets
	// (relative to at) where its decoded lines start: decoded line k is
	// source line line+k without its first indent bytes. One such piece
	// maps a whole block, however many lines it has.
	lines  []int
	line   int
	indent int
}

// srcOff returns the source offset of decoded offset off, which s holds
// (or ends at).
func (s *seg) srcOff(off int) int {
	if s.point {
		return s.off
	}
	rel := off - s.at
	if s.lines == nil {
		return s.off + min(rel, s.n)
	}
	lines := s.src.all()
	k := sort.Search(len(s.lines), func(i int) bool { return s.lines[i] > rel }) - 1
	k = max(k, 0)
	li := s.line - 1 + k
	if li >= len(lines) {
		return len(s.src.data)
	}
	ls := lines[li]
	return min(ls+s.indent+(rel-s.lines[k]), s.src.LineEnd(ls))
}

// expand returns the pieces of a block piece, one per line.
func (s seg) expand(text string) []seg {
	if s.lines == nil {
		return []seg{s}
	}
	out := make([]seg, 0, len(s.lines))
	for k, st := range s.lines {
		en := s.n
		if k+1 < len(s.lines) {
			en = s.lines[k+1]
		}
		if en <= st {
			continue
		}
		o := s.srcOff(s.at + st)
		out = append(out, seg{at: s.at + st, n: en - st, src: s.src, off: o, end: o + en - st})
	}
	_ = text
	return out
}

// Builder assembles a Text piece by piece.
type Builder struct {
	b    strings.Builder
	segs []seg
}

// Linear appends s, whose bytes are those of src at off, off+1, …
func (b *Builder) Linear(s string, src *Source, off int) {
	if s == "" {
		return
	}
	at := b.b.Len()
	b.b.WriteString(s)
	if n := len(b.segs); n > 0 {
		p := &b.segs[n-1]
		if !p.point && p.src == src && p.at+p.n == at && p.off+p.n == off {
			p.n += len(s)
			return
		}
	}
	b.segs = append(b.segs, seg{at: at, n: len(s), src: src, off: off, end: off + len(s)})
}

// LinearBytes is Linear for a byte slice of the source (no copy into a
// string first).
func (b *Builder) LinearBytes(s []byte, src *Source, off int) {
	if len(s) == 0 {
		return
	}
	at := b.b.Len()
	b.b.Write(s)
	if n := len(b.segs); n > 0 {
		p := &b.segs[n-1]
		if !p.point && p.src == src && p.at+p.n == at && p.off+p.n == off {
			p.n += len(s)
			return
		}
	}
	b.segs = append(b.segs, seg{at: at, n: len(s), src: src, off: off, end: off + len(s)})
}

// Point appends s, every byte of which stands for the source span
// [off, end) as a whole: an escape sequence, a base64 value, text a tool
// generates around a value.
func (b *Builder) Point(s string, src *Source, off, end int) {
	if s == "" {
		return
	}
	at := b.b.Len()
	b.b.WriteString(s)
	if n := len(b.segs); n > 0 {
		p := &b.segs[n-1]
		if p.point && p.src == src && p.off == off && p.end == end && p.at+p.n == at {
			p.n += len(s)
			return
		}
	}
	b.segs = append(b.segs, seg{at: at, n: len(s), src: src, off: off, end: max(end, off), point: true})
}

// Append appends t, keeping its mapping.
func (b *Builder) Append(t *Text) {
	t.load()
	at := b.b.Len()
	b.b.WriteString(t.s)
	for _, s := range t.segs {
		s.at += at
		b.segs = append(b.segs, s)
	}
}

// Len is the length of the text built so far.
func (b *Builder) Len() int { return b.b.Len() }

// Text returns the text built.
func (b *Builder) Text() *Text {
	t := &Text{s: b.b.String(), segs: b.segs}
	t.index()
	return t
}

// Point returns s as a Text every byte of which maps to the source span
// [off, end): a base64-encoded value, a value whose encoding could not be
// followed byte by byte.
func Point(s string, src *Source, off, end int) *Text {
	var b Builder
	b.Point(s, src, off, end)
	if s == "" {
		b.segs = []seg{{src: src, off: off, end: max(end, off), point: true}}
	}
	return b.Text()
}

// Verbatim returns the bytes of src at [off, end) as a Text.
func Verbatim(src *Source, off, end int) *Text {
	var b Builder
	b.Linear(string(src.data[off:end]), src, off)
	if off == end {
		b.segs = []seg{{src: src, off: off, end: off, point: true}}
	}
	return b.Text()
}

func (t *Text) index() {
	t.lines = []int{0}
	for i := 0; i < len(t.s); i++ {
		if t.s[i] == '\n' {
			t.lines = append(t.lines, i+1)
		}
	}
}

// Offset returns the byte offset in S of a 1-based line and column
// (code points), clamped into S.
func (t *Text) Offset(line, col int) int {
	t.load()
	if line < 1 {
		return 0
	}
	if line > len(t.lines) {
		return len(t.s)
	}
	off := t.lines[line-1]
	for c := 1; c < col && off < len(t.s) && t.s[off] != '\n'; c++ {
		_, w := utf8.DecodeRuneInString(t.s[off:])
		off += w
	}
	return off
}

// At returns the source position byte off of S comes from.
func (t *Text) At(off int) model.Pos {
	t.load()
	s, ok := t.segAt(off)
	if !ok {
		return model.Pos{}
	}
	return s.src.Pos(s.srcOff(off))
}

// AtEnd returns the source position just after byte off-1 of S: where a
// span of S that ends at off ends in the source.
func (t *Text) AtEnd(off int) model.Pos {
	t.load()
	if off <= 0 || len(t.segs) == 0 {
		return t.At(off)
	}
	off = min(off, len(t.s))
	s, _ := t.segAt(off - 1)
	if s.point {
		return s.src.Pos(s.end)
	}
	o := s.srcOff(off - 1)
	_, w := utf8.DecodeRune(s.src.data[min(o, len(s.src.data)):])
	return s.src.Pos(o + max(w, 1))
}

func (t *Text) segAt(off int) (seg, bool) {
	if len(t.segs) == 0 {
		return seg{}, false
	}
	off = min(max(off, 0), len(t.s))
	i := sort.Search(len(t.segs), func(i int) bool { return t.segs[i].at > off }) - 1
	return t.segs[max(i, 0)], true
}

// Pos maps a position in S (as a parser of S reports it) to the source.
// An invalid position (a whole-file problem) maps to where S starts.
func (t *Text) Pos(p model.Pos) model.Pos {
	t.load()
	if !p.IsValid() {
		return t.At(0)
	}
	if q, ok := t.blockPos(p); ok {
		return q
	}
	return t.At(t.Offset(p.Line, p.Col))
}

// blockPos maps a position of a text that is one literal block scalar
// without counting: line k of the text is line first+k-1 of the source,
// shifted right by the block's indentation (spaces, one column each).
func (t *Text) blockPos(p model.Pos) (model.Pos, bool) {
	if len(t.segs) != 1 || t.segs[0].lines == nil || t.segs[0].at != 0 || p.Line > len(t.segs[0].lines) {
		return model.Pos{}, false
	}
	s := t.segs[0]
	if s.src.via != nil {
		return model.Pos{}, false
	}
	lines := s.src.all()
	li := s.line - 1 + p.Line - 1
	if li >= len(lines) {
		return model.Pos{}, false
	}
	// Blank lines may be shorter than the indentation: count then.
	ls := lines[li]
	if le := s.src.LineEnd(ls); le-ls < s.indent {
		return model.Pos{}, false
	}
	return model.Pos{File: s.src.Path, Line: li + 1, Col: p.Col + s.indent}, true
}

// End maps the end of a span in S (the position just after its last
// character) to the source.
func (t *Text) End(p model.Pos) model.Pos {
	t.load()
	if !p.IsValid() {
		return model.Pos{}
	}
	if p.Col > 1 {
		if q, ok := t.blockPos(p); ok {
			return q
		}
	}
	return t.AtEnd(t.Offset(p.Line, p.Col))
}

// Span returns where S starts and ends in the source of its first piece.
func (t *Text) Span() (start, end model.Pos) {
	t.load()
	if len(t.segs) == 0 {
		return model.Pos{}, model.Pos{}
	}
	f, l := t.segs[0], t.segs[len(t.segs)-1]
	start = f.src.Pos(f.srcOff(f.at))
	if l.point {
		return start, l.src.Pos(l.end)
	}
	return start, l.src.Pos(l.srcOff(l.at + l.n))
}

// Exact reports whether every byte of S maps to a byte of its own in the
// source (no escapes, no encoding, no generated text).
func (t *Text) Exact() bool {
	t.load()
	for _, s := range t.segs {
		if s.point && s.n > 0 {
			return false
		}
	}
	return true
}

// Slice returns the part [from, to) of t with its mapping.
func (t *Text) Slice(from, to int) *Text {
	t.load()
	from, to = max(from, 0), min(to, len(t.s))
	var b Builder
	for _, bs := range t.segs {
		if bs.at+bs.n <= from || bs.at >= to {
			continue
		}
		for _, s := range bs.expand(t.s) {
			lo, hi := max(s.at, from), min(s.at+s.n, to)
			if lo >= hi {
				continue
			}
			part := t.s[lo:hi]
			if s.point {
				b.Point(part, s.src, s.off, s.end)
			} else {
				b.Linear(part, s.src, s.off+(lo-s.at))
			}
		}
	}
	return b.Text()
}

// Replace returns s standing for the whole of t: every byte maps to where
// t starts, a span's end to where t ends (a substituted placeholder).
func (t *Text) Replace(s string) *Text {
	t.load()
	if len(t.segs) == 0 {
		return &Text{s: s, lines: []int{0}}
	}
	f, l := t.segs[0], t.segs[len(t.segs)-1]
	start := f.srcOff(f.at)
	end := l.end
	if !l.point {
		end = l.srcOff(l.at + l.n)
	}
	if f.src != l.src {
		end = start
	}
	var b Builder
	b.Point(s, f.src, start, end)
	if s == "" {
		b.segs = []seg{{src: f.src, off: start, end: end, point: true}}
	}
	return b.Text()
}

// Through maps t, whose pieces are in src (a text decoded from via, such
// as the YAML inside an Argo CD helm.values string), on through via to
// the file via is written in. Pieces in other sources are kept.
func (t *Text) Through(src *Source, via *Text) *Text {
	t.load()
	var b Builder
	var segs []seg
	for _, s := range t.segs {
		segs = append(segs, s.expand(t.s)...)
	}
	for _, s := range segs {
		if s.src != src {
			b.segs = append(b.segs, seg{at: b.Len(), n: s.n, src: s.src, off: s.off, end: s.end, point: s.point})
			b.b.WriteString(t.s[s.at : s.at+s.n])
			continue
		}
		part := t.s[s.at : s.at+s.n]
		if s.point {
			b.Append(via.Slice(s.off, max(s.end, s.off+1)).Replace(part))
			continue
		}
		mapped := via.Slice(s.off, s.off+s.n)
		if len(mapped.s) == len(part) {
			b.Append(mapped.WithString(part))
		} else {
			b.Append(mapped.Replace(part))
		}
	}
	if len(t.segs) == 0 {
		return t
	}
	return b.Text()
}
