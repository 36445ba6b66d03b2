package ini

import (
	"fmt"
	"unicode/utf8"
)

// globError returns the error github.com/gobwas/glob v0.2.3 Compile
// returns for pattern p, or "" when p compiles. Grafana compiles each
// [live] allowed_origins entry with it (setting.GetAllowedOriginGlobs) and
// refuses to start on an error ("error parsing origin pattern: …").
//
// Only gobwas/glob's lexer and its character-class parser can fail, so this
// reproduces their checks (verified against the library on millions of
// random patterns):
//   - "[" opens a class that must end with "]". A class that runs to the
//     end of the pattern is "unexpected end of input"; after "lo-hi"
//     anything but "]" is "expected close range character"; an empty class
//     ("[]", "[!]") is "could not parse range"; a range whose hi is below
//     its lo is "hi character 'a' should be greater than lo 'z'". The lexer
//     reads a whole class before the parser looks at it, so a lexer error
//     wins over a range error of the same class.
//   - A rune that does not decode (invalid UTF-8, or U+FFFD itself) is
//     "could not read rune" ("unexpected end of input" inside a class).
//   - "\" makes the next rune literal; "{", "}" and "," never fail (an
//     unclosed "{" is accepted).
//   - NUL is the lexer's end marker: read where a token starts it ends the
//     pattern (the rest is never looked at); read inside literal text it
//     ends that text and lexing goes on.
func globError(p string) string {
	g := &globLexer{src: p}
	for {
		r, ok := g.read()
		if !ok {
			if g.bad {
				return "could not read rune"
			}
			return ""
		}
		switch {
		case r == 0:
			return "" // the end marker: the pattern ends here
		case r == '{':
			g.terms++
		case r == '}' && g.terms > 0:
			g.terms--
		case r == ',' && g.terms > 0, r == '?':
		case r == '*':
			if n, ok := g.read(); ok && n != '*' {
				g.unread()
			}
		case r == '[':
			if msg := g.class(); msg != "" {
				return msg
			}
		default:
			g.unread()
			breakers := "?*[{"
			if g.terms > 0 {
				breakers = "?*[{},"
			}
			g.text(breakers)
		}
	}
}

// globLexer walks a pattern rune by rune as gobwas/glob's lexer does.
type globLexer struct {
	src   string
	pos   int
	last  int // width of the last rune read, for unread
	terms int // depth of open "{"
	// bad is set once a rune that does not decode was read; reading stops
	// there.
	bad bool
	// pending is an error recorded by peek.
	pending string
}

// read returns the next rune; ok is false at the end of the pattern and at
// a rune that does not decode (which sets bad).
func (g *globLexer) read() (rune, bool) {
	if g.bad || g.pos >= len(g.src) {
		g.last = 0
		return 0, false
	}
	r, w := utf8.DecodeRuneInString(g.src[g.pos:])
	if r == utf8.RuneError {
		g.bad, g.last = true, 0
		return 0, false
	}
	g.pos += w
	g.last = w
	return r, true
}

func (g *globLexer) unread() { g.pos -= g.last; g.last = 0 }

// peek returns the next rune without consuming it (0 at the end). Like
// gobwas/glob's lexer, peeking at a rune that does not decode records an
// error that stands unless a later one replaces it.
func (g *globLexer) peek() rune {
	if g.pos >= len(g.src) {
		return 0
	}
	r, _ := utf8.DecodeRuneInString(g.src[g.pos:])
	if r == utf8.RuneError {
		g.pending = "could not read rune"
		return 0
	}
	return r
}

// text consumes literal text up to an unescaped breaker (left unread), the
// end, or a NUL (consumed). It returns how many runes the text holds.
func (g *globLexer) text(breakers string) int {
	n, escaped := 0, false
	for {
		r, ok := g.read()
		if !ok || r == 0 {
			return n
		}
		if !escaped {
			if r == '\\' {
				escaped = true
				continue
			}
			if containsRune(breakers, r) {
				g.unread()
				return n
			}
		}
		escaped = false
		n++
	}
}

func containsRune(s string, r rune) bool {
	for _, c := range s {
		if c == r {
			return true
		}
	}
	return false
}

// class checks the character class whose "[" was just read and consumes
// it up to its "]".
func (g *globLexer) class() string {
	var (
		lo, hi          rune
		wantHi, wantEnd bool
		seenNot         bool
		chars           int
	)
	for {
		r, ok := g.read()
		if !ok || r == 0 {
			return "unexpected end of input"
		}
		switch {
		case wantEnd:
			if r != ']' {
				return "expected close range character"
			}
			if g.pending != "" {
				// The lexer's error reaches the parser first.
				return g.pending
			}
			if wantHi {
				// "lo-hi]": the parser checks the order.
				if hi < lo {
					return fmt.Sprintf("hi character '%s' should be greater than lo '%s'", string(hi), string(lo))
				}
				return ""
			}
			if chars == 0 {
				return "could not parse range"
			}
			return ""
		case wantHi:
			hi, wantEnd = r, true
		case !seenNot && r == '!':
			seenNot = true
		case g.peek() == '-':
			lo = r
			g.read()
			wantHi = true
		default:
			g.unread()
			chars = g.text("]")
			wantEnd = true
		}
	}
}
