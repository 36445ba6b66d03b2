package grafanaini

import (
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/grafanalint/grafanalint/parsers/model"
)

// lineIndex maps positions (1-based line, column in code points, the BOM
// not counted) back to byte offsets of src.
type lineIndex struct {
	src    string
	starts []int
}

func newLineIndex(src []byte) *lineIndex {
	ix := &lineIndex{src: string(src), starts: []int{bomLen(src)}}
	for i, c := range src {
		if c == '\n' {
			ix.starts = append(ix.starts, i+1)
		}
	}
	return ix
}

// offset returns the byte offset of p, or -1 when p lies outside src.
func (ix *lineIndex) offset(p model.Pos) int {
	if p.Line < 1 || p.Line > len(ix.starts) {
		return -1
	}
	off := ix.starts[p.Line-1]
	for c := 1; c < p.Col; c++ {
		if off >= len(ix.src) || ix.src[off] == '\n' {
			return -1
		}
		_, w := utf8.DecodeRuneInString(ix.src[off:])
		off += w
	}
	return off
}

// text returns the source text between two positions.
func (ix *lineIndex) text(from, to model.Pos) (string, bool) {
	a, b := ix.offset(from), ix.offset(to)
	if a < 0 || b < a {
		return "", false
	}
	return ix.src[a:b], true
}

// checkPositions verifies that every positioned string of file points at
// its own text in src: names, raw values, values (unless joined from
// continuation lines) and comments.
func checkPositions(t *testing.T, src []byte, file *model.IniFile) {
	t.Helper()
	ix := newLineIndex(src)
	want := func(what string, s model.Str) {
		t.Helper()
		got, ok := ix.text(s.Pos, s.End)
		if !ok || got != s.V {
			t.Fatalf("%s %q at %v-%v: source there is %q (ok=%v)", what, s.V, s.Pos, s.End, got, ok)
		}
	}
	for _, sec := range file.Sections {
		if sec.Name.Pos.IsValid() {
			want("section", sec.Name)
		}
		for _, k := range sec.Keys {
			if !strings.HasPrefix(k.Name.V, "#") {
				want("key", k.Name)
			}
			want("raw", k.Raw)
			if k.Comment.IsSet() {
				want("comment", k.Comment)
			}
			if !k.Continued {
				want("value", k.Value)
			} else if k.Value.Pos != k.Raw.Pos {
				t.Fatalf("continued value %q starts at %v, raw at %v", k.Value.V, k.Value.Pos, k.Raw.Pos)
			}
		}
	}
}
