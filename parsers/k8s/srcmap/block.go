package srcmap

import (
	"strings"

	"gopkg.in/yaml.v3"
)

// Block returns the text of a YAML node of src as a document of its own:
// the lines from the node's first character to the end of its last value,
// with the node's indentation removed, comments kept. It is what a tool
// that re-serializes the subtree (Helm's toYaml) produces, up to
// formatting, with every character mapped to where it is written.
func Block(src *Source, n *yaml.Node) *Text {
	lines := src.all()
	d := src.data
	start := src.Offset(n.Line, n.Column)
	indent := n.Column - 1
	endLine := lastLine(src, n)
	// Closing brackets, comments and blank lines indented inside the node
	// after its last value still belong to it.
	for l := endLine; l < len(lines); l++ {
		ls := lines[l]
		le := src.LineEnd(ls)
		t := string(d[ls:le])
		trimmed := strings.TrimSpace(t)
		lead := len(t) - len(strings.TrimLeft(t, " "))
		if trimmed == "" {
			continue
		}
		if lead >= indent && (trimmed[0] == '}' || trimmed[0] == ']') {
			endLine = l + 1
			continue
		}
		break
	}
	var b Builder
	first := true
	for line := n.Line; line <= endLine && line <= len(lines); line++ {
		ls := lines[line-1]
		le := src.LineEnd(ls)
		from := ls
		if first {
			from = start
			first = false
		} else {
			k := 0
			for from < le && d[from] == ' ' && k < indent {
				from++
				k++
			}
		}
		if from < le {
			b.Linear(string(d[from:le]), src, from)
		}
		if le < len(d) {
			b.Linear("\n", src, le)
		} else {
			b.Point("\n", src, le, le)
		}
	}
	return b.Text()
}

// lastLine returns the last line a node's text occupies.
func lastLine(src *Source, n *yaml.Node) int {
	switch n.Kind {
	case yaml.ScalarNode:
		t := Scalar(src, n)
		_, end := t.Span()
		l := end.Line
		if n.Style&(yaml.LiteralStyle|yaml.FoldedStyle) != 0 && end.Col == 1 && l > n.Line {
			l-- // the final break ends on the next line's start
		}
		return max(l, n.Line)
	case yaml.MappingNode, yaml.SequenceNode, yaml.DocumentNode:
		if len(n.Content) == 0 {
			return n.Line
		}
		return max(lastLine(src, n.Content[len(n.Content)-1]), n.Line)
	case yaml.AliasNode:
		return n.Line
	}
	return n.Line
}

// WithString returns a copy of t whose text is s, a text of the same
// length (placeholders masked in place); t itself when the lengths differ.
func (t *Text) WithString(s string) *Text {
	t.load()
	if len(s) != len(t.s) || s == t.s {
		return t
	}
	c := &Text{s: s, segs: t.segs}
	c.index()
	return c
}
