package dashboard

import (
	"bytes"
	"math/rand/v2"
	"testing"
	"unicode/utf8"
)

// TestLineIndex asks for the positions of every code point start of a few
// texts, in file order, backwards and at random, and compares each with
// one counted from the start of the file.
func TestLineIndex(t *testing.T) {
	texts := []string{
		"",
		"{}",
		"\n\n\n",
		"{\n  \"a\": \"é€😀\",\r\n\t\"b\": [1,\n2]\n}\n",
		"{\"minified\": \"" + string(bytes.Repeat([]byte("ab\u00e9"), 200)) + "\"}",
		"x\xff\xfe\ny\xc3",
	}
	rng := rand.New(rand.NewPCG(1, 2))
	for _, text := range texts {
		src := []byte(text)
		var offs []int
		for i := range len(src) + 1 {
			if i == len(src) || utf8.RuneStart(src[i]) {
				offs = append(offs, i)
			}
		}
		orders := map[string][]int{"forward": offs, "backward": make([]int, len(offs)), "random": make([]int, 3*len(offs))}
		for i, o := range offs {
			orders["backward"][len(offs)-1-i] = o
		}
		for i := range orders["random"] {
			orders["random"][i] = offs[rng.IntN(len(offs))]
		}
		for name, order := range orders {
			li := newLineIndex("f", src)
			li.base = 2
			for _, off := range order {
				got := li.pos(off)
				line := 3 + bytes.Count(src[:off], newline)
				col := 1 + utf8.RuneCount(src[bytes.LastIndexByte(src[:off], '\n')+1:off])
				if got.File != "f" || got.Line != line || got.Col != col {
					t.Fatalf("%q %s: offset %d at %d:%d, want %d:%d", text, name, off, got.Line, got.Col, line, col)
				}
			}
		}
	}
}

// TestRuneCount compares runeCount with utf8.RuneCount on ASCII runs of
// every length around the word size, followed by multi-byte and invalid
// sequences at every alignment.
func TestRuneCount(t *testing.T) {
	for pre := range 20 {
		for _, tail := range []string{"", "é", "€x", "😀abcdefgh", "\xff", "\xe2\x82", "abc\xc3"} {
			b := []byte(string(bytes.Repeat([]byte("a"), pre)) + tail + "0123456789")
			if got, want := runeCount(b), utf8.RuneCount(b); got != want {
				t.Errorf("runeCount(%q) = %d, want %d", b, got, want)
			}
		}
	}
}

// TestLineIndexInString checks the positions of the first character and
// closing quote of every string value of a file against pos, in file
// order as the parser asks for them.
func TestLineIndexInString(t *testing.T) {
	src := []byte("{\"a\": \"x\",\n  \"é€\": [\"😀 y\", \"\"],\r\n\"b\": \"\xff\xfe z\", \"c\": \"long long long long\"}")
	li, ref := newLineIndex("f", src), newLineIndex("f", src)
	n := 0
	for i := 0; i < len(src); i++ {
		if src[i] != '"' {
			continue
		}
		j := i + 1 + bytes.IndexByte(src[i+1:], '"')
		gotStart, gotEnd := li.inString(i+1, j)
		if want := ref.pos(i + 1); gotStart != want {
			t.Errorf("string at %d: start %v, want %v", i, gotStart, want)
		}
		if want := ref.pos(j); gotEnd != want {
			t.Errorf("string at %d: end %v, want %v", i, gotEnd, want)
		}
		i, n = j, n+1
	}
	if n != 9 {
		t.Fatalf("%d strings, want 9", n)
	}
}
