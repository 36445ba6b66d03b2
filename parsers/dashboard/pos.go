package dashboard

import (
	"bytes"
	"encoding/binary"
	"unicode/utf8"

	"github.com/grafanalint/grafanalint/parsers/model"
)

// lineIndex maps byte offsets of one file to 1-based line and code-point
// column positions. Lookups mostly arrive in increasing order (one pass over
// the file), so it keeps the last answer and counts line breaks and code
// points forward from it: no table of line starts is built, and the file is
// scanned about once however many values are positioned (a minified
// dashboard on a single line too). A lookup before the last answer counts
// again from the start of the file (placeholders are positioned in a second
// pass).
type lineIndex struct {
	src  []byte
	file string
	base int // lines before src in file (an embedded text)

	// the last answer: the byte at off is on line (0-based) at col
	off, line, col int
}

func newLineIndex(file string, src []byte) *lineIndex {
	return &lineIndex{src: src, file: file, col: 1}
}

// pos returns the position of the byte at off (off may equal len(src): the
// position just after the last character).
func (li *lineIndex) pos(off int) model.Pos {
	off = min(max(off, 0), len(li.src))
	if off < li.off {
		li.off, li.line, li.col = 0, 0, 1
	}
	seg := li.src[li.off:off]
	if n := bytes.Count(seg, newline); n > 0 {
		li.line += n
		li.col = 1 + runeCount(seg[bytes.LastIndexByte(seg, '\n')+1:])
	} else {
		li.col += runeCount(seg)
	}
	li.off = off
	return model.Pos{File: li.file, Line: li.base + li.line + 1, Col: li.col}
}

// inString returns the positions of start and end, the first character
// and the closing quote of a string value the decoder read: a JSON string
// holds no line break, so end is on start's line.
func (li *lineIndex) inString(start, end int) (model.Pos, model.Pos) {
	p := li.pos(start)
	end = min(max(end, li.off), len(li.src))
	li.col += runeCount(li.src[li.off:end])
	li.off = end
	return p, model.Pos{File: li.file, Line: p.Line, Col: li.col}
}

var newline = []byte{'\n'}

// runeCount is utf8.RuneCount, eight bytes at a time while they are ASCII
// (each one code point).
func runeCount(b []byte) int {
	n := 0
	for len(b) >= 8 && binary.LittleEndian.Uint64(b)&0x8080808080808080 == 0 {
		b, n = b[8:], n+8
	}
	return n + utf8.RuneCount(b)
}
