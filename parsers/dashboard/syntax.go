package dashboard

import (
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/go-json-experiment/json/jsontext"
	"github.com/grafanalint/grafanalint/parsers/model"
)

// syntaxProblem turns a decoder error into a problem at the offending byte,
// saying what was expected.
func syntaxProblem(src []byte, lines *lineIndex, err error) model.Problem {
	var (
		off = len(src)
		ptr string
		msg string
	)
	var se *jsontext.SyntacticError
	if errors.As(err, &se) {
		off, ptr = int(se.ByteOffset), string(se.JSONPointer)
		err = se.Err
	}
	if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
		return eofProblem(src, lines)
	}
	if off < 0 || off > len(src) {
		off = len(src)
	}
	msg = describe(src, off, err.Error())
	if ptr != "" {
		msg += fmt.Sprintf(" (in %q)", ptr)
	}
	return model.Problem{Kind: model.ProblemSyntax, Message: msg, Pos: lines.pos(off)}
}

// describe rewrites a jsontext message ("invalid character ',' at start of
// value") into one that says what was expected, with hints for the usual
// hand-editing mistakes.
func describe(src []byte, off int, text string) string {
	var b byte
	if off < len(src) {
		b = src[off]
	}
	if strings.HasSuffix(text, "at start of value") {
		switch {
		case b == ',' && closesNext(src, off+1):
			return fmt.Sprintf("trailing comma before %q: JSON allows no comma after the last element; remove it", src[skipSpace(src, off+1)])
		case b == ',':
			return "unexpected ','; expected a value"
		case b == '}' || b == ']':
			return fmt.Sprintf("unexpected %q; expected a value", b)
		case b == '\'':
			return "unexpected \"'\": JSON strings and member names need double quotes"
		case b == '/' || b == '#':
			return fmt.Sprintf("unexpected %q: JSON does not allow comments", b)
		case off > 0 && src[prevNonSpace(src, off)] == '{':
			return fmt.Sprintf("unexpected %s; expected a member name in double quotes or '}'", charName(src, off))
		default:
			return fmt.Sprintf("unexpected %s; expected a value (object, array, string, number, true, false or null)", charName(src, off))
		}
	}
	if (b == '\n' || b == '\r') && strings.Contains(text, "in string") {
		return "line break inside a string; expected the closing '\"' before the end of the line (write a line break in a string as \\n)"
	}
	text = strings.TrimPrefix(text, "jsontext: ")
	text = strings.Replace(text, "invalid character ", "unexpected ", 1)
	if i := strings.Index(text, " (expecting "); i >= 0 {
		text = text[:i] + "; expected " + strings.TrimSuffix(text[i+len(" (expecting "):], ")")
	}
	if strings.Contains(text, "after object value") || strings.Contains(text, "after array element") {
		if b == '"' || b == '{' || b == '[' || b == '-' || b >= '0' && b <= '9' || b == 't' || b == 'f' || b == 'n' {
			text += " (is a comma missing?)"
		}
	}
	return text
}

// charName names the character at off for messages.
func charName(src []byte, off int) string {
	if off >= len(src) {
		return "end of file"
	}
	r := []rune(string(src[off:min(off+4, len(src))]))
	return fmt.Sprintf("%q", r[0])
}

func skipSpace(src []byte, off int) int {
	for off < len(src) && isSpace(src[off]) {
		off++
	}
	return off
}

func prevNonSpace(src []byte, off int) int {
	off--
	for off > 0 && isSpace(src[off]) {
		off--
	}
	return off
}

// closesNext reports whether the next non-space byte closes an object or
// array.
func closesNext(src []byte, off int) bool {
	off = skipSpace(src, off)
	return off < len(src) && (src[off] == '}' || src[off] == ']')
}

// eofProblem describes a file that ends too early: inside a string (reported
// at its opening quote), or with objects and arrays left open (reported at
// the end, naming the missing closers).
func eofProblem(src []byte, lines *lineIndex) model.Problem {
	var (
		stack    []byte
		inString bool
		quote    int
	)
	for i := 0; i < len(src); i++ {
		c := src[i]
		if inString {
			switch c {
			case '\\':
				i++
			case '"':
				inString = false
			}
			continue
		}
		switch c {
		case '"':
			inString, quote = true, i
		case '{':
			stack = append(stack, '}')
		case '[':
			stack = append(stack, ']')
		case '}', ']':
			if len(stack) > 0 {
				stack = stack[:len(stack)-1]
			}
		}
	}
	if inString {
		return model.Problem{Kind: model.ProblemSyntax, Message: "unterminated string: expected a closing '\"' before the end of the file", Pos: lines.pos(quote)}
	}
	p := model.Problem{Kind: model.ProblemSyntax, Pos: lines.pos(len(src))}
	if len(stack) == 0 {
		p.Message = "unexpected end of file; expected a JSON object"
		return p
	}
	closers := make([]byte, len(stack))
	for i, c := range stack {
		closers[len(stack)-1-i] = c
	}
	if len(closers) > 8 {
		p.Message = fmt.Sprintf("unexpected end of file; expected %q and %d more closing brackets", closers[:8], len(closers)-8)
		return p
	}
	p.Message = fmt.Sprintf("unexpected end of file; expected %q to close what is still open", closers)
	return p
}

// kindName names a JSON value kind for messages.
func kindName(k jsontext.Kind) string {
	switch k {
	case '[':
		return "an array"
	case '"':
		return "a string"
	case '0':
		return "a number"
	case 't', 'f':
		return "a boolean"
	case 'n':
		return "null"
	}
	return "something else"
}
