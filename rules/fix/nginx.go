package fix

import (
	"strings"

	"github.com/grafanalint/grafanalint/parsers/model"
)

// NginxWord writes v as one word of an nginx directive that nginx reads
// back as v (ngx_conf_read_token): bare when it holds nothing nginx's
// lexer treats specially, else double-quoted with nginx's escapes (\" \\
// \t \r \n).
func NginxWord(v string) string {
	bare := v != ""
	for i := 0; i < len(v) && bare; i++ {
		switch c := v[i]; {
		case c <= ' ', c == 0x7f, c == ';', c == '{', c == '}', c == '"', c == '\'', c == '#', c == '\\':
			bare = false
		}
	}
	if bare {
		return v
	}
	var b strings.Builder
	b.WriteByte('"')
	for i := 0; i < len(v); i++ {
		switch c := v[i]; c {
		case '"', '\\':
			b.WriteByte('\\')
			b.WriteByte(c)
		case '\t':
			b.WriteString(`\t`)
		case '\r':
			b.WriteString(`\r`)
		case '\n':
			b.WriteString(`\n`)
		default:
			b.WriteByte(c)
		}
	}
	b.WriteByte('"')
	return b.String()
}

// NginxDirective formats a simple directive from its name and arguments,
// each written with NginxWord: `proxy_set_header Host $host;`.
func NginxDirective(name string, args ...string) string {
	words := []string{name}
	for _, a := range args {
		words = append(words, NginxWord(a))
	}
	return strings.Join(words, " ") + ";"
}

// Insertion is a place where directives can be added to an nginx block
// with certainty: after a line that ends where a directive of the block
// ends, or inline after the block's last directive when the block's
// closing "}" follows it on the same line.
type Insertion struct {
	// Inline is set when the new directives go on the line of the
	// block's last directive (a one-line block).
	Inline bool
	// At is the position after which the new directives go: a line
	// (lines are inserted after it), or, Inline, the end of the last
	// directive.
	At model.Pos
	// Indent is the directive new lines align with; Nest, when set, a
	// directive one level deeper in the same file (for added blocks).
	Indent, Nest model.Pos
	// Before, when set, means the lines go before the line of At instead
	// (used to put a block before the first server of an http block).
	Before bool
}

// Lines returns the edit that writes text at the insertion: directives
// one per line (separated by "\n"; a line starting with a tab is one
// level deeper, the body of a block), or, Inline, on the same line, each
// preceded by a space.
func (in Insertion) Lines(text string) Edit {
	if in.Inline {
		parts := strings.Split(text, "\n")
		for i, p := range parts {
			parts[i] = strings.TrimLeft(p, "\t")
		}
		return Edit{Op: Replace, Start: in.At, End: in.At, New: " " + strings.Join(parts, " ")}
	}
	e := Edit{Op: InsertLinesAfter, Start: in.At, End: in.At, New: text, Indent: in.Indent, Nested: true, Nest: in.Nest}
	if in.Before {
		e.Op = InsertLinesBefore
	}
	return e
}

// OwnDirectives returns the directives written directly in block, in the
// file the block is written in: without those an include inside it
// brought from other files, and without those the parser assumed from a
// packaged file (model.Directive.Packaged). The include directives
// themselves are kept.
func OwnDirectives(block *model.Directive) []*model.Directive {
	if block == nil {
		return nil
	}
	var out []*model.Directive
	for _, d := range block.Block {
		if d.IncludedBy == block.IncludedBy && d.Packaged == "" && d.Name.Pos.File == block.Name.Pos.File {
			out = append(out, d)
		}
	}
	return out
}

// EndsLine reports whether nothing but blanks and a comment follows own[i]
// on its line inside block: the next directive of own starts on a later
// line, and so does the block's closing "}".
func EndsLine(block *model.Directive, own []*model.Directive, i int) bool {
	d := own[i]
	if !d.End.IsValid() || !block.End.IsValid() || d.End.Line >= block.End.Line {
		return false
	}
	return i+1 >= len(own) || own[i+1].Name.Pos.Line > d.End.Line
}

// StartsLine reports whether own[i] is the first word of its line inside
// block: the directive before it in own ends on an earlier line, or it is
// the first and the block's "{" is on an earlier line.
func StartsLine(block *model.Directive, own []*model.Directive, i int) bool {
	d := own[i]
	if i > 0 {
		return own[i-1].End.IsValid() && own[i-1].End.Line < d.Name.Pos.Line
	}
	return block.Open.IsValid() && block.Open.Line < d.Name.Pos.Line
}

// InsertAfter returns the insertion after own[i], indented like it, when
// the directive ends its line; or inline when it is the last directive and
// the block's "}" follows it on its line.
func InsertAfter(block *model.Directive, own []*model.Directive, i int) (Insertion, bool) {
	d := own[i]
	switch {
	case EndsLine(block, own, i):
		return Insertion{At: d.End, Indent: d.Name.Pos}, true
	case i == len(own)-1 && d.End.IsValid() && block.End.IsValid() && d.End.Line == block.End.Line:
		return Insertion{Inline: true, At: d.End}, true
	}
	return Insertion{}, false
}

// InsertFirst returns the insertion right after the block's "{" line,
// indented like its first directive, when that directive starts a later
// line.
func InsertFirst(block *model.Directive, own []*model.Directive) (Insertion, bool) {
	if len(own) == 0 || !StartsLine(block, own, 0) {
		return Insertion{}, false
	}
	return Insertion{At: block.Open, Indent: own[0].Name.Pos}, true
}

// InsertBefore returns the insertion of lines before own[i], indented like
// it, when it starts its line.
func InsertBefore(block *model.Directive, own []*model.Directive, i int) (Insertion, bool) {
	if !StartsLine(block, own, i) {
		return Insertion{}, false
	}
	return Insertion{At: own[i].Name.Pos, Indent: own[i].Name.Pos, Before: true}, true
}
