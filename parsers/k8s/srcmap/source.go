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
	"slices"
	"sort"
	"sync"
	"unicode/utf8"

	"github.com/grafanalint/grafanalint/parsers/model"
)

// Source is a file's bytes with a line index, built as far as lookups
// need it: a manifest whose dashboard is read from its raw lines has only
// its first lines indexed.
type Source struct {
	// Path is the display path positions carry.
	Path string
	data []byte

	mu      sync.Mutex
	lines   []int // byte offset of each line start known so far
	scanned int   // every line start up to this offset is in lines

	// via, when set, maps offsets of data (text a tool derived from the
	// file, such as Flux's post-build substitution of it) to the file.
	via *Text
}

// NewSource returns data, the content of the file shown as path, for
// lookups.
func NewSource(path string, data []byte) *Source {
	return &Source{Path: path, data: data, lines: []int{0}}
}

// NewSourceVia returns data, text derived from a file (via's text), whose
// positions are those via maps them to in the file.
func NewSourceVia(path string, data []byte, via *Text) *Source {
	return &Source{Path: path, data: data, lines: []int{0}, via: via}
}

// Derived reports whether the source is text derived from a file: its
// line numbers are not the file's.
func (s *Source) Derived() bool { return s.via != nil }

// upTo indexes the line starts up to the first one after offset off, and
// at least line lines (or every one), and returns the index.
func (s *Source) upTo(off, line int) []int {
	s.mu.Lock()
	defer s.mu.Unlock()
	for s.scanned < len(s.data) && (s.scanned <= off || len(s.lines) < line) {
		i := bytes.IndexByte(s.data[s.scanned:], '\n')
		if i < 0 {
			s.scanned = len(s.data)
			break
		}
		s.scanned += i + 1
		s.lines = append(s.lines, s.scanned)
	}
	return s.lines
}

// all returns the index of every line start.
func (s *Source) all() []int {
	s.mu.Lock()
	complete := s.scanned >= len(s.data)
	if !complete && len(s.lines) < 64 {
		s.lines = slices.Grow(s.lines, bytes.Count(s.data[s.scanned:], []byte{'\n'}))
	}
	s.mu.Unlock()
	if complete {
		return s.lines
	}
	return s.upTo(len(s.data), 0)
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
	lines := s.upTo(-1, line)
	if line > len(lines) {
		return len(s.data)
	}
	off := lines[line-1]
	for c := 1; c < col && off < len(s.data) && s.data[off] != '\n'; c++ {
		_, w := utf8.DecodeRune(s.data[off:])
		off += w
	}
	return off
}

// Pos returns the position of byte offset off.
func (s *Source) Pos(off int) model.Pos {
	off = min(max(off, 0), len(s.data))
	if s.via != nil {
		return s.via.At(off)
	}
	lines := s.upTo(off, 0)
	i := sort.Search(len(lines), func(i int) bool { return lines[i] > off }) - 1
	i = max(i, 0)
	return model.Pos{File: s.Path, Line: i + 1, Col: 1 + utf8.RuneCount(s.data[lines[i]:off])}
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
