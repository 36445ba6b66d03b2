package channel

import (
	"strconv"
	"unicode/utf16"
	"unicode/utf8"

	"github.com/grafanalint/grafanalint/parsers/model"
)

// files finds loaded files by display path: the model, or a rule's
// context (which indexes them once per run).
type files interface {
	File(path string) *model.File
}

// strPos returns the position of byte offset off of s.V. Columns count
// code points; when the value is a JSON string written with escapes
// ("\u0020", "\/"), the raw text of the file is read so that the column
// still lands on the character as written.
func strPos(m files, s model.Str, off int) model.Pos {
	off = min(max(off, 0), len(s.V))
	if cols, ok := rawColumns(m, s); ok {
		p := s.Pos
		p.Col = cols[off]
		return p
	}
	p := s.Pos
	for _, r := range s.V[:off] {
		if r == '\n' {
			p.Line++
			p.Col = 1
			continue
		}
		p.Col++
	}
	return p
}

// rawColumns maps every byte offset of s.V (0..len) to the column of the
// raw JSON text it was decoded from. It reports false when s does not sit
// in a JSON string of a loaded file, or the raw text needs no mapping.
func rawColumns(m files, s model.Str) ([]int, bool) {
	if m == nil || !s.Pos.IsValid() || s.Pos.Col < 2 {
		return nil, false
	}
	text, ok := m.File(s.Pos.File).Line(s.Pos.Line)
	if !ok {
		return nil, false
	}
	line := []rune(text)
	start := s.Pos.Col - 1
	if start > len(line) || line[start-1] != '"' {
		return nil, false
	}
	var dec []byte
	cols := make([]int, 0, len(s.V)+1)
	escaped := false
	i := start
	for ; i < len(line) && line[i] != '"'; i++ {
		col := i + 1
		r := line[i]
		if r == '\\' && i+1 < len(line) {
			escaped = true
			var out []byte
			switch c := line[i+1]; c {
			case 'u':
				r1, n := hex4(line, i+2)
				if n == 0 {
					return nil, false
				}
				i += 5
				if utf16.IsSurrogate(r1) {
					if r2, n2 := hex4(line, i+3); n2 > 0 && i+2 < len(line) && line[i+1] == '\\' && line[i+2] == 'u' {
						r1 = utf16.DecodeRune(r1, r2)
						i += 6
					} else {
						r1 = utf8.RuneError
					}
				}
				out = utf8.AppendRune(nil, r1)
			case 'b':
				out, i = []byte{'\b'}, i+1
			case 'f':
				out, i = []byte{'\f'}, i+1
			case 'n':
				out, i = []byte{'\n'}, i+1
			case 'r':
				out, i = []byte{'\r'}, i+1
			case 't':
				out, i = []byte{'\t'}, i+1
			default:
				out, i = utf8.AppendRune(nil, c), i+1
			}
			for range out {
				cols = append(cols, col)
			}
			dec = append(dec, out...)
			continue
		}
		b := utf8.AppendRune(nil, r)
		for range b {
			cols = append(cols, col)
		}
		dec = append(dec, b...)
	}
	if !escaped || i >= len(line) || string(dec) != s.V {
		return nil, false
	}
	return append(cols, i+1), true
}

func hex4(line []rune, at int) (rune, int) {
	if at+4 > len(line) {
		return 0, 0
	}
	v, err := strconv.ParseUint(string(line[at:at+4]), 16, 32)
	if err != nil {
		return 0, 0
	}
	return rune(v), 4
}
