package provisioning

import (
	"bytes"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/grafanalint/grafanalint/parsers/model"
	"gopkg.in/yaml.v3"
)

// parseYAML reads the first YAML document of src into a node tree, as
// yaml.Unmarshal does for Grafana. It returns nil and a syntax problem when
// the text does not parse, and nil, nil for an empty document.
func parseYAML(s *source) (root *yaml.Node, prob *model.Problem) {
	var doc yaml.Node
	if err := unmarshal(s.src, &doc); err != nil {
		p := syntaxProblem(s, err)
		return nil, &p
	}
	if doc.Kind != yaml.DocumentNode || len(doc.Content) == 0 {
		return nil, nil
	}
	return doc.Content[0], nil
}

// unmarshal is yaml.Unmarshal with any panic of the library turned into an
// error, so that no input can crash the linter.
func unmarshal(src []byte, doc *yaml.Node) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("yaml: internal error: %v", r)
		}
	}()
	return yaml.Unmarshal(src, doc)
}

var lineRE = regexp.MustCompile(`^line (\d+): `)

// parserMessages are the problems libyaml's parser (as opposed to its
// scanner) reports. yaml.v3 prints their line 0-based, and the line is
// that of the construct being parsed, not of the offending token.
var parserMessages = map[string]bool{
	"did not find expected ',' or ']'":       true,
	"did not find expected ',' or '}'":       true,
	"did not find expected '-' indicator":    true,
	"did not find expected <document start>": true,
	"did not find expected <stream-start>":   true,
	"did not find expected key":              true,
	"did not find expected node content":     true,
	"found duplicate %TAG directive":         true,
	"found duplicate %YAML directive":        true,
	"found incompatible YAML document":       true,
	"found undefined tag handle":             true,
}

// maxRefine bounds the work spent locating a parser error precisely.
const (
	maxRefineLines = 50
	maxRefineBytes = 128 << 10
)

// syntaxProblem turns a yaml.v3 error into a problem at the best position
// that can be recovered. yaml.v3 reports only a line, and for parser errors
// that line is 0-based and points at the enclosing construct; the offending
// line is then found by parsing growing prefixes of the text.
func syntaxProblem(s *source, err error) model.Problem {
	msg := strings.TrimPrefix(err.Error(), "yaml: ")
	line := 0
	if m := lineRE.FindStringSubmatch(msg); m != nil {
		line, _ = strconv.Atoi(m[1])
		msg = msg[len(m[0]):]
	}
	p := model.Problem{Kind: model.ProblemSyntax, Message: "invalid YAML: " + msg}
	switch {
	case parserMessages[msg]:
		line = s.refine(line+1, msg)
	case strings.HasPrefix(msg, "unknown anchor '"):
		name := strings.TrimSuffix(strings.TrimPrefix(msg, "unknown anchor '"), "' referenced")
		if off := findAlias(s.src, name); off >= 0 {
			p.Pos = s.pos(off)
			p.End = s.pos(off + 1 + len(name))
			p.Message = fmt.Sprintf("invalid YAML: alias *%s refers to no anchor &%s defined before it", name, name)
			return p
		}
	case line == 0:
		if off := badCharacter(s.src[s.bom:]); off >= 0 {
			p.Pos = s.pos(s.bom + off)
			return p
		}
	}
	if line < 1 || line > len(s.lines) {
		line = 1
	}
	// An error at the end of the text (an unclosed construct) is shown on
	// the last line that has text.
	for line > 1 && len(bytes.TrimSpace(s.lineText(line))) == 0 {
		line--
	}
	p.Pos = s.at(line, firstNonSpace(s.lineText(line)))
	return p
}

// refine returns the first line from line on at which the text, cut after
// that line, fails with the same message: the line of the offending token.
func (s *source) refine(line int, msg string) int {
	if len(s.src) > maxRefineBytes || line < 1 {
		return line
	}
	for l := line; l <= len(s.lines) && l < line+maxRefineLines; l++ {
		end := len(s.src)
		if l < len(s.lines) {
			end = s.lines[l]
		}
		var doc yaml.Node
		err := unmarshal(s.src[:end], &doc)
		if err == nil {
			continue
		}
		m := strings.TrimPrefix(err.Error(), "yaml: ")
		m = lineRE.ReplaceAllString(m, "")
		if m == msg {
			return l
		}
	}
	return line
}

// firstNonSpace returns the 1-based column of the first character of text
// that is not a space (1 for a blank line).
func firstNonSpace(text []byte) int {
	t := bytes.TrimLeft(text, " ")
	if len(t) == 0 {
		return 1
	}
	return utf8.RuneCount(text[:len(text)-len(t)]) + 1
}

// findAlias returns the offset of the first "*name" alias in src, or -1.
func findAlias(src []byte, name string) int {
	needle := []byte("*" + name)
	for from := 0; ; {
		i := bytes.Index(src[from:], needle)
		if i < 0 {
			return -1
		}
		i += from
		end := i + len(needle)
		if end == len(src) || isBlankOrBreak(src[end]) || isFlowIndicator(src[end]) {
			return i
		}
		from = i + 1
	}
}

// badCharacter returns the offset of the first byte libyaml's reader
// rejects (invalid UTF-8 or a control character YAML does not allow), or
// -1.
func badCharacter(src []byte) int {
	for i := 0; i < len(src); {
		r, w := utf8.DecodeRune(src[i:])
		if r == utf8.RuneError && w == 1 {
			return i
		}
		if !yamlPrintable(r) {
			return i
		}
		i += w
	}
	return -1
}

// yamlPrintable reports whether YAML allows r in a stream.
func yamlPrintable(r rune) bool {
	switch {
	case r == 0x9 || r == 0xA || r == 0xD || r == 0x85:
		return true
	case r >= 0x20 && r <= 0x7E:
		return true
	case r >= 0xA0 && r <= 0xD7FF, r >= 0xE000 && r <= 0xFFFD, r >= 0x10000 && r <= 0x10FFFF:
		return true
	}
	return false
}

// YAMLSyntaxProblem turns the error yaml.v3 returned for src (any YAML
// file, such as a compose file) into a problem at the best position that
// can be recovered, as for provisioning files. Its message starts with
// "invalid YAML: ".
func YAMLSyntaxProblem(path string, src []byte, err error) model.Problem {
	return syntaxProblem(newSource(path, src), err)
}
