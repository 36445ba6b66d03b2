package manifest

import (
	"bytes"
	"regexp"
	"slices"
	"strings"

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
	headers map[int]srcmap.Lines // content lines of each header
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
	// buf collects line starts (see below); total is the number of lines.
	var buf []int
	total := -1
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
		var raw srcmap.Lines
		// The line starts from the first non-blank content line on, which
		// the reader of the raw lines needs (a scratch list, kept for big
		// blocks only).
		if buf == nil {
			if total < 0 {
				total = bytes.Count(src, []byte{'\n'})
			}
			buf = make([]int, 0, total-line+2) // the lines left: none grows it
		}
		starts := buf[:0]
		for j < len(src) {
			e := lineEnd(src, j)
			c := src[j:e]
			if len(c) > indent && allSpaces(c[:indent+1]) {
				if first >= 0 {
					starts = append(starts, j-first)
				} else if !isSpace(c) {
					first = j
					raw = srcmap.Lines{Start: j, Line: line + lines + 1}
					starts = append(starts, 0)
				}
				size += len(c)
				lines++
				j = e + 1
				continue
			}
			if !isSpace(c) {
				break
			}
			if first >= 0 {
				starts = append(starts, j-first)
			}
			lines++
			j = e + 1
		}
		if size < bigBlock || first < 0 {
			buf = starts[:0]
			off = next
			continue
		}
		// The content ends with its last non-blank line.
		last := min(j, len(src))
		for last > raw.Start {
			if src[last-1] == '\n' {
				last--
				continue
			}
			ls := lineStart(src, last)
			if !isSpace(src[ls:last]) {
				break
			}
			last = ls
		}
		raw.End = last
		for len(starts) > 0 && starts[len(starts)-1] > last-raw.Start {
			starts = starts[:len(starts)-1]
		}
		if 2*len(starts) < cap(starts) { // more follows the block
			raw.Starts, buf = slices.Clone(starts), starts[:0]
		} else {
			raw.Starts, buf = starts, nil
		}
		if b == nil {
			out = make([]byte, 0, next-copied+256)
			b = &blanked{headers: map[int]srcmap.Lines{}}
		}
		b.headers[line] = raw
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

// lineStart returns the offset of the start of the line holding off.
func lineStart(b []byte, off int) int {
	return bytes.LastIndexByte(b[:off], '\n') + 1
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

// lazyData leaves the blanked block scalars of the data of the ConfigMaps
// and Secrets of a document undecoded: the values are read only through
// f.scalar, which gives their texts decoded on first use (srcmap.LazyBlock),
// so that a dashboard read from the raw lines is never copied.
func (f *File) lazyData(root *yaml.Node, b *blanked) {
	if b == nil {
		return
	}
	objs := []*yaml.Node{root}
	if k := Get(root, "kind"); k != nil && strings.HasSuffix(k.Value, "List") {
		if items := Get(root, "items"); items != nil && items.Kind == yaml.SequenceNode {
			objs = items.Content
		}
	}
	for _, o := range objs {
		k, api := Get(o, "kind"), Get(o, "apiVersion")
		if k == nil || api == nil || api.Value != "v1" || k.Value != "ConfigMap" && k.Value != "Secret" {
			continue
		}
		for _, field := range []string{"data", "stringData", "binaryData"} {
			m := Get(o, field)
			if m == nil || m.Kind != yaml.MappingNode {
				continue
			}
			for i := 1; i < len(m.Content); i += 2 {
				v := m.Content[i]
				if v.Kind == yaml.ScalarNode && v.Style&(yaml.LiteralStyle|yaml.FoldedStyle) != 0 && b.headers[v.Line].Line > 0 {
					f.blocks[v] = srcmap.LazyBlock(f.Src, v, b.headers[v.Line])
				}
			}
		}
	}
}

// restoreBlocks sets the value of every blanked block scalar of the tree
// from the original text, keeping the decoded texts in cache; those
// already in cache (lazyData) are left as they are.
func restoreBlocks(src *srcmap.Source, n *yaml.Node, b *blanked, cache map[*yaml.Node]*srcmap.Text) {
	if n == nil || b == nil {
		return
	}
	if n.Kind == yaml.ScalarNode && n.Style&(yaml.LiteralStyle|yaml.FoldedStyle) != 0 && b.headers[n.Line].Line > 0 {
		if cache[n] != nil {
			return
		}
		if t, ok := srcmap.DecodeBlock(src, n); ok {
			n.Value = t.String()
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
