package nginx

import (
	"fmt"
	"strings"
	"unicode/utf8"
)

// lc is a line and column (1-based, columns in code points) inside one
// file; the file name is added when the model is built.
type lc struct{ line, col int }

// word is one token of a directive (its name or an argument), as nginx's
// ngx_conf_read_token cuts it.
type word struct {
	// raw is the source text, with the quotes of a quoted word.
	raw string
	// val is the value nginx uses: quotes removed and the escapes \" \'
	// \\ \t \r \n replaced (nginx applies them to every word).
	val string
	// pos is the first character of the value (inside the quotes), end
	// the position just after its last character.
	pos, end lc
	// rawPos is where raw starts (the opening quote of a quoted word).
	rawPos lc
}

// stmt is what the lexer returns: the words of one directive and what
// ended it.
type stmt struct {
	words []word
	// term is ';', '{', '}' or 0 at the end of the file.
	term byte
	// termPos is the terminator's position (the end of file for term 0),
	// termEnd the position just after it.
	termPos, termEnd lc
}

// perr is a syntax error at a position.
type perr struct {
	pos, end lc
	msg      string
}

// lexer cuts nginx config text into directives the way nginx 1.22+
// does (src/core/ngx_conf_file.c, ngx_conf_read_token), keeping each
// word's position:
//
//   - words are separated by spaces, tabs, CR and LF; ";" ends a simple
//     directive and "{" opens a block, both also ending the word before
//     them; "}" closes a block only where a word may start (inside a word
//     it is an ordinary character, and "${" keeps "{" inside the word);
//   - "#" starts a comment only where a word may start;
//   - a word starting with ' or " runs to the matching unescaped quote and
//     must be followed by a space, ";", "{" or ")";
//   - a backslash makes the next character ordinary.
//
// Two additions that nginx itself does not have, so that templates of
// nginx configs can be read (they never change the reading of a file
// nginx accepts, because "{{" is always an error there): "{{ ... }}" is
// read as part of a word, and "{% ... %}" and "{# ... #}" tags are
// skipped like comments. Lua blocks (*_by_lua_block) are read by
// luaBlock, as lua-nginx-module does.
type lexer struct {
	src       string
	i         int // byte offset of the next character
	line, col int // position of src[i]
	// template is set once a template placeholder was seen.
	template bool
}

func newLexer(src string) *lexer {
	l := &lexer{src: src, line: 1, col: 1}
	// A UTF-8 byte order mark is not counted as a column (editors do not
	// show it); the caller reports it.
	if strings.HasPrefix(src, "\ufeff") {
		l.i = len("\ufeff")
	}
	return l
}

func (l *lexer) pos() lc { return lc{l.line, l.col} }

// peekByte returns the byte at offset k from the next character, or 0.
func (l *lexer) peekByte(k int) byte {
	if l.i+k < len(l.src) {
		return l.src[l.i+k]
	}
	return 0
}

// advance consumes one character (a whole code point) and returns its
// first byte (ASCII characters are all that matter to the grammar).
func (l *lexer) advance() byte {
	c := l.src[l.i]
	if c < utf8.RuneSelf {
		l.i++
	} else {
		_, n := utf8.DecodeRuneInString(l.src[l.i:])
		l.i += n
	}
	if c == '\n' {
		l.line++
		l.col = 1
	} else {
		l.col++
	}
	return c
}

func isSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\r' || c == '\n' }

// tmplOpen reports whether a template tag starts at the next character
// and returns its closing delimiter.
func (l *lexer) tmplOpen() (string, bool) {
	if l.peekByte(0) != '{' {
		return "", false
	}
	switch l.peekByte(1) {
	case '{':
		return "}}", true
	case '%':
		return "%}", true
	case '#':
		return "#}", true
	}
	return "", false
}

// skipTemplate consumes a template tag up to and including its closing
// delimiter.
func (l *lexer) skipTemplate(closing string) *perr {
	start := l.pos()
	l.template = true
	l.advance()
	l.advance()
	for l.i < len(l.src) {
		if strings.HasPrefix(l.src[l.i:], closing) {
			l.advance()
			l.advance()
			return nil
		}
		l.advance()
	}
	return &perr{pos: start, end: lc{start.line, start.col + 2},
		msg: fmt.Sprintf("unexpected end of file, expecting %q to close this template placeholder", closing)}
}

// next reads one directive: its words and the character that ended it.
func (l *lexer) next() (stmt, *perr) {
	var (
		st        stmt
		lastSpace = true
		needSpace bool
		escaped   bool
		sQuoted   bool
		dQuoted   bool
		variable  bool
		comment   bool
		start     int // byte offset of the current word's value
		startPos  lc
		rawStart  int
		rawPos    lc
	)
	for {
		if l.i >= len(l.src) {
			p := l.pos()
			if sQuoted || dQuoted {
				q := `"`
				if sQuoted {
					q = `'`
				}
				return st, &perr{pos: rawPos, end: lc{rawPos.line, rawPos.col + 1},
					msg: fmt.Sprintf("unexpected end of file, expecting %q to close this quoted string", q)}
			}
			if len(st.words) > 0 || !lastSpace {
				return st, &perr{pos: p, end: p, msg: `unexpected end of file, expecting ";" or "}"`}
			}
			st.termPos, st.termEnd = p, p
			return st, nil
		}
		if !comment && !escaped && !sQuoted && !dQuoted && !needSpace {
			if closing, ok := l.tmplOpen(); ok {
				if lastSpace {
					if closing == "}}" {
						// A placeholder starts a word.
						start, startPos, rawStart, rawPos = l.i, l.pos(), l.i, l.pos()
						lastSpace = false
						variable = false
					}
				} else {
					variable = false
				}
				if err := l.skipTemplate(closing); err != nil {
					return st, err
				}
				continue
			}
		}
		p := l.pos()
		before := l.i
		c := l.advance()
		if c == '\n' {
			comment = false
		}
		if comment {
			continue
		}
		if escaped {
			escaped = false
			continue
		}
		if needSpace {
			if isSpace(c) {
				lastSpace, needSpace = true, false
				continue
			}
			if c == ';' || c == '{' {
				st.term, st.termPos, st.termEnd = c, p, l.pos()
				return st, nil
			}
			if c != ')' {
				return st, &perr{pos: p, end: l.pos(), msg: fmt.Sprintf("unexpected %q after a quoted string, expecting a space, \";\" or \"{\"", l.src[before:l.i])}
			}
			lastSpace, needSpace = true, false
		}
		if lastSpace {
			start, startPos, rawStart, rawPos = before, p, before, p
			if isSpace(c) {
				continue
			}
			switch c {
			case ';', '{':
				if len(st.words) == 0 {
					return st, &perr{pos: p, end: l.pos(), msg: fmt.Sprintf("unexpected %q, expecting a directive name", string(c))}
				}
				st.term, st.termPos, st.termEnd = c, p, l.pos()
				return st, nil
			case '}':
				if len(st.words) != 0 {
					return st, &perr{pos: p, end: l.pos(), msg: `unexpected "}", expecting ";" to end the directive`}
				}
				st.term, st.termPos, st.termEnd = c, p, l.pos()
				return st, nil
			case '#':
				comment = true
				continue
			case '\\':
				escaped = true
				lastSpace = false
				continue
			case '"':
				start, startPos = l.i, l.pos()
				dQuoted = true
				lastSpace = false
				continue
			case '\'':
				start, startPos = l.i, l.pos()
				sQuoted = true
				lastSpace = false
				continue
			case '$':
				variable = true
				lastSpace = false
				continue
			default:
				lastSpace = false
				continue
			}
		}
		if c == '{' && variable {
			continue
		}
		variable = false
		if c == '\\' {
			escaped = true
			continue
		}
		if c == '$' {
			variable = true
			continue
		}
		found := false
		switch {
		case dQuoted:
			if c == '"' {
				dQuoted, needSpace, found = false, true, true
			}
		case sQuoted:
			if c == '\'' {
				sQuoted, needSpace, found = false, true, true
			}
		case isSpace(c) || c == ';' || c == '{':
			lastSpace, found = true, true
		}
		if !found {
			continue
		}
		rawEnd := before
		if needSpace {
			rawEnd = l.i // include the closing quote
		}
		st.words = append(st.words, word{
			raw:    l.src[rawStart:rawEnd],
			val:    unescape(l.src[start:before]),
			pos:    startPos,
			end:    p,
			rawPos: rawPos,
		})
		if c == ';' || c == '{' {
			st.term, st.termPos, st.termEnd = c, p, l.pos()
			return st, nil
		}
	}
}

// unescape applies nginx's escapes to a word: \" \' \\ stand for the
// character, \t \r \n for tab, CR and LF; any other backslash is kept.
func unescape(s string) string {
	if !strings.Contains(s, `\`) {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == '\\' && i+1 < len(s) {
			switch s[i+1] {
			case '"', '\'', '\\':
				i++
			case 't':
				b.WriteByte('\t')
				i++
				continue
			case 'r':
				b.WriteByte('\r')
				i++
				continue
			case 'n':
				b.WriteByte('\n')
				i++
				continue
			}
		}
		b.WriteByte(s[i])
	}
	return b.String()
}

// luaBlock reads the body of a *_by_lua_block after its "{", the way
// lua-nginx-module's block lexer does (ngx_http_lua_conf_read_lua_token):
// braces are counted outside Lua strings ('...', "...", [[...]],
// [==[...]==]) and comments (-- to the end of the line, --[[...]]). It
// returns the body; the closing "}" is consumed.
func (l *lexer) luaBlock(open lc) (word, *perr) {
	start, startPos := l.i, l.pos()
	level := 1
	for l.i < len(l.src) {
		c := l.src[l.i]
		switch {
		case c == '{':
			level++
			l.advance()
		case c == '}':
			level--
			if level == 0 {
				body := word{raw: l.src[start:l.i], val: l.src[start:l.i], pos: startPos, end: l.pos(), rawPos: startPos}
				l.advance()
				return body, nil
			}
			l.advance()
		case c == '"' || c == '\'':
			l.advance()
			for l.i < len(l.src) {
				d := l.advance()
				if d == '\\' && l.i < len(l.src) {
					l.advance()
					continue
				}
				if d == c {
					break
				}
			}
		case c == '-' && l.peekByte(1) == '-':
			l.advance()
			l.advance()
			if n, ok := l.longBracket(); ok {
				l.skipLongBracket(n)
				continue
			}
			for l.i < len(l.src) && l.src[l.i] != '\n' {
				l.advance()
			}
		case c == '[':
			if n, ok := l.longBracket(); ok {
				l.skipLongBracket(n)
				continue
			}
			l.advance()
		default:
			l.advance()
		}
	}
	return word{}, &perr{pos: open, end: lc{open.line, open.col + 1},
		msg: `unexpected end of file, expecting "}" to close this Lua block`}
}

// longBracket reports whether a Lua long bracket "[", "="*n, "[" starts
// at the next character, and its level n.
func (l *lexer) longBracket() (int, bool) {
	if l.peekByte(0) != '[' {
		return 0, false
	}
	n := 1
	for l.peekByte(n) == '=' {
		n++
	}
	if l.peekByte(n) != '[' {
		return 0, false
	}
	return n - 1, true
}

// skipLongBracket consumes a long bracket of level n and its contents up
// to the matching "]", "="*n, "]" (or the end of the file).
func (l *lexer) skipLongBracket(n int) {
	for k := 0; k < n+2; k++ {
		l.advance()
	}
	closing := "]" + strings.Repeat("=", n) + "]"
	for l.i < len(l.src) {
		if strings.HasPrefix(l.src[l.i:], closing) {
			for k := 0; k < len(closing); k++ {
				l.advance()
			}
			return
		}
		l.advance()
	}
}
