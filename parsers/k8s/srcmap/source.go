// Package srcmap maps text that a deployment tool derives from a file back
// to the file: a YAML scalar decoded from a Kubernetes manifest (literal,
// folded, quoted or plain), a base64 value of a Secret, the grafana.ini the
// grafana Helm chart renders from a values map. The existing parsers read
// the derived text as a byte source of its own; Text.Remap then rewrites
// every position they produced so that findings point at the line and
// column the user wrote, not at a line of the derived text.
package srcmap

import (
	"bytes"
	"sort"
	"unicode/utf8"

	"github.com/grafanalint/grafanalint/parsers/model"
)

// Source is a file's bytes with a line index.
type Source struct {
	// Path is the display path positions carry.
	Path  string
	data  []byte
	lines []int // byte offset of each line start
}

// NewSource indexes data, the content of the file shown as path.
func NewSource(path string, data []byte) *Source {
	s := &Source{Path: path, data: data}
	s.lines = make([]int, 1, bytes.Count(data, []byte{'\n'})+1)
	for off := 0; ; {
		i := bytes.IndexByte(data[off:], '\n')
		if i < 0 {
			break
		}
		off += i + 1
		s.lines = append(s.lines, off)
	}
	return s
}

// Data returns the file's bytes.
func (s *Source) Data() []byte { return s.data }

// Offset returns the byte offset of a 1-based line and column (columns
// count code points, as yaml.v3 and model.Pos do); out-of-range values are
// clamped into the file.
func (s *Source) Offset(line, col int) int {
	if line < 1 {
		return 0
	}
	if line > len(s.lines) {
		return len(s.data)
	}
	off := s.lines[line-1]
	for c := 1; c < col && off < len(s.data) && s.data[off] != '\n'; c++ {
		_, w := utf8.DecodeRune(s.data[off:])
		off += w
	}
	return off
}

// Pos returns the position of byte offset off.
func (s *Source) Pos(off int) model.Pos {
	off = min(max(off, 0), len(s.data))
	i := sort.Search(len(s.lines), func(i int) bool { return s.lines[i] > off }) - 1
	i = max(i, 0)
	return model.Pos{File: s.Path, Line: i + 1, Col: 1 + utf8.RuneCount(s.data[s.lines[i]:off])}
}

// LineEnd returns the offset of the end of the line holding off (its "\n"
// or the end of the file).
func (s *Source) LineEnd(off int) int {
	if off >= len(s.data) {
		return len(s.data)
	}
	if i := bytes.IndexByte(s.data[off:], '\n'); i >= 0 {
		return off + i
	}
	return len(s.data)
}
