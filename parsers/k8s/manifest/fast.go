package manifest

import (
	"bytes"
	"regexp"

	"gopkg.in/yaml.v3"

	"github.com/grafanalint/grafanalint/parsers/k8s/srcmap"
)

// Large block scalars (a dashboard of a ConfigMap is often hundreds of
// kilobytes) are slow for yaml.v3, which scans them character by
// character into growing buffers. Before parsing, the content lines of
// each large literal or folded block scalar are blanked (its first line
// keeps one character, the others are emptied, so every line and column
// stays where it is); after parsing, each such node's value is decoded
// from the original text by srcmap, which follows YAML's block scalar rules
// exactly.

// bigBlock is the content size above which a block scalar is decoded by
// srcmap.
const bigBlock = 2048

var blockHeader = regexp.MustCompile(`^( *)(?:- +)*(?:[^#\s][^#]*?:\s+|- *)?[|>][-+1-9]{0,2}\s*(?:#.*)?$`)

// blanked holds the lines whose block scalar content was left out, by
// the 1-based line of the header, and where lines were removed.
type blanked struct {
	headers map[int]bool
	shifts  []shift
}

// shift says that after line at of the scanned text, removed lines of the
// source were left out.
type shift struct{ at, removed int }

// blankBlocks returns src without the content of its large block scalars
// (each keeps the start of its first content line, so that YAML still
// sees a block scalar there), and where they were; nil when there is
// none.
func blankBlocks(src []byte) ([]byte, *blanked) {
	if bytes.IndexByte(src, '|') < 0 && bytes.IndexByte(src, '>') < 0 {
		return src, nil
	}
	var out []byte
	var b *blanked
	copied := 0  // src[:copied] is in out
	line := 0    // source line of the current line
	removed := 0 // lines left out so far
	for off := 0; off < len(src); {
		end := lineEnd(src, off)
		line++
		t := bytes.TrimRight(src[off:end], "\r")
		next := end + 1
		if !headerLike(t) || !blockHeader.Match(t) {
			off = next
			continue
		}
		indent := leadingSpaces(t)
		// The content: lines blank or indented more than the header
		// (only the first indent+1 bytes of a line need a look).
		j, size, lines := next, 0, 0
		first := -1 // offset of the first non-blank content line
		for j < len(src) {
			e := lineEnd(src, j)
			c := src[j:e]
			if len(c) > indent && allSpaces(c[:indent+1]) {
				if first < 0 && !isSpace(c) {
					first = j
				}
				size += len(c)
				lines++
				j = e + 1
				continue
			}
			if !isSpace(c) {
				break
			}
			lines++
			j = e + 1
		}
		if size < bigBlock || first < 0 {
			off = next
			continue
		}
		if b == nil {
			out = make([]byte, 0, len(src)/4)
			b = &blanked{headers: map[int]bool{}}
		}
		b.headers[line] = true
		out = append(out, src[copied:min(next, len(src))]...)
		c := src[first:lineEnd(src, first)]
		out = append(out, c[:leadingSpaces(c)+1]...)
		out = append(out, '\n')
		// The scanned text now has the header on line line-removed and one
		// content line after it; the other lines-1 are left out.
		removed += lines - 1
		b.shifts = append(b.shifts, shift{at: line - (removed - (lines - 1)) + 1, removed: removed})
		copied = min(j, len(src))
		line += lines
		off = j
	}
	if b == nil {
		return src, nil
	}
	out = append(out, src[copied:]...)
	return out, b
}

// fixLines puts back the source line numbers of the nodes of a tree
// parsed from the scanned text.
func (b *blanked) fixLines(n *yaml.Node) {
	if b == nil || n == nil {
		return
	}
	n.Line += b.removedBefore(n.Line)
	for _, c := range n.Content {
		b.fixLines(c)
	}
}

// removedBefore returns how many source lines were left out before scanned
// line l.
func (b *blanked) removedBefore(l int) int {
	r := 0
	for _, s := range b.shifts {
		if l > s.at {
			r = s.removed
		}
	}
	return r
}

func lineEnd(b []byte, off int) int {
	if i := bytes.IndexByte(b[off:], '\n'); i >= 0 {
		return off + i
	}
	return len(b)
}

func leadingSpaces(b []byte) int {
	n := 0
	for n < len(b) && b[n] == ' ' {
		n++
	}
	return n
}

func allSpaces(b []byte) bool {
	for _, c := range b {
		if c != ' ' {
			return false
		}
	}
	return true
}

func isSpace(b []byte) bool {
	for _, c := range b {
		if c != ' ' && c != '\t' && c != '\r' {
			return false
		}
	}
	return true
}

// headerLike is a cheap test before the header expression: the line, its
// comment aside, ends in a block indicator ("|", ">", "|-", ">+2", …).
func headerLike(t []byte) bool {
	t = bytes.TrimRight(stripComment(t), " \t")
	for k := 0; k < 3 && len(t) > 0; k++ {
		c := t[len(t)-1]
		if c == '|' || c == '>' {
			return true
		}
		if c != '-' && c != '+' && (c < '1' || c > '9') {
			return false
		}
		t = t[:len(t)-1]
	}
	return false
}

func stripComment(b []byte) []byte {
	if i := bytes.Index(b, []byte(" #")); i >= 0 {
		return b[:i]
	}
	return b
}

// restoreBlocks sets the value of every blanked block scalar of the tree
// from the original text, keeping the decoded texts in cache.
func restoreBlocks(src *srcmap.Source, n *yaml.Node, b *blanked, cache map[*yaml.Node]*srcmap.Text) {
	if n == nil || b == nil {
		return
	}
	if n.Kind == yaml.ScalarNode && n.Style&(yaml.LiteralStyle|yaml.FoldedStyle) != 0 && b.headers[n.Line] {
		if t, ok := srcmap.DecodeBlock(src, n); ok {
			n.Value = t.S
			if cache != nil {
				cache[n] = t
			}
		}
		return
	}
	for _, c := range n.Content {
		restoreBlocks(src, c, b, cache)
	}
}

// scalar is srcmap.Scalar, using the texts decoded while restoring
// blanked blocks.
func (f *File) scalar(n *yaml.Node) *srcmap.Text {
	if t := f.blocks[n]; t != nil {
		return t
	}
	return srcmap.Scalar(f.Src, n)
}
