package dashboard

import (
	"bytes"
	"sort"
	"unicode/utf8"

	"github.com/grafanalint/grafanalint/parsers/model"
)

// lineIndex maps byte offsets of one file to 1-based line and code-point
// column positions. Lookups mostly arrive in increasing order (one pass over
// the file), so the last answer is cached and the column is counted from it:
// a minified dashboard on a single line costs one pass, not one per value.
type lineIndex struct {
	src    []byte
	file   string
	starts []int // byte offset of each line's first byte
	base   int   // lines before src in file (an embedded text)

	// cache of the last lookup
	line    int // 0-based index into starts
	off     int
	col     int
	lineEnd int // offset of the next line's start (or len(src)+1)
}

func newLineIndex(file string, src []byte) *lineIndex {
	n := bytes.Count(src, []byte{'\n'})
	starts := make([]int, 1, n+1)
	for i := 0; ; {
		j := bytes.IndexByte(src[i:], '\n')
		if j < 0 {
			break
		}
		i += j + 1
		starts = append(starts, i)
	}
	return indexOf(file, src, starts)
}

// indexOf returns the index of src whose line starts are starts.
func indexOf(file string, src []byte, starts []int) *lineIndex {
	li := &lineIndex{src: src, file: file, starts: starts}
	li.setLine(0)
	return li
}

func (li *lineIndex) setLine(line int) {
	li.line = line
	li.off = li.starts[line]
	li.col = 1
	if line+1 < len(li.starts) {
		li.lineEnd = li.starts[line+1]
	} else {
		li.lineEnd = len(li.src) + 1
	}
}

// pos returns the position of the byte at off (off may equal len(src): the
// position just after the last character).
func (li *lineIndex) pos(off int) model.Pos {
	if off < 0 {
		off = 0
	}
	if off > len(li.src) {
		off = len(li.src)
	}
	if off < li.starts[li.line] || off >= li.lineEnd {
		// sort.Search finds the first line starting after off.
		li.setLine(sort.Search(len(li.starts), func(i int) bool { return li.starts[i] > off }) - 1)
	}
	if off < li.off {
		li.off, li.col = li.starts[li.line], 1
	}
	li.col += utf8.RuneCount(li.src[li.off:off])
	li.off = off
	return model.Pos{File: li.file, Line: li.base + li.line + 1, Col: li.col}
}
