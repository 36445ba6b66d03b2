package grafanaini

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/grafanalint/grafanalint/parsers/model"
)

// Parse reads a grafana.ini (or custom.ini) the way Grafana does — with
// gopkg.in/ini.v1 and default load options (pkg/setting/setting.go calls
// ini.Load(path)) — and returns every section and key as written, each
// with its position.
//
// The lexing follows go-ini v1.67 exactly:
//   - lines end at "\n" only; a UTF-8 (or UTF-16) byte order mark is skipped;
//   - a line whose first non-blank character is "#" or ";" is a comment;
//   - "[name]" runs to the LAST "]" of the line and is not trimmed;
//     "[DEFAULT]" continues the unnamed top section;
//   - a key ends at the first "=" or ":"; it may be quoted with `"`, `"""`
//     or "`"; a key "-" becomes "#1", "#2", … per section;
//   - a value starting with `"""` or "`" runs to the last such quote (over
//     several lines if needed) and keeps "#" and ";";
//   - otherwise a value ending in "\" is joined with the following lines
//     (trimmed) until one does not end in "\" or a blank line; no comment
//     is cut and no quote stripped from such a value;
//   - otherwise the first "#" or ";" starts an inline comment — even inside
//     ordinary quotes — and one pair of surrounding `"` or `'` quotes is
//     then stripped when the value contains no other quote of that kind;
//   - names are case-sensitive; a repeated key keeps its last value; a
//     repeated section header continues the section.
//
// The returned file lists sections and keys in file order as written
// (repeated headers and keys included; the unnamed top section is listed
// first when it has keys). When go-ini would reject the file, Parse returns
// what was read before the offending line and a ProblemSyntax there;
// Grafana refuses to start with such a file.
func Parse(path string, src []byte) (*model.IniFile, []model.Problem) {
	p := &iniParser{path: path, src: string(src)}
	p.file = &model.IniFile{Path: path, Sections: []*model.IniSection{}}
	p.off = bomLen(src)
	if err := p.parse(); err != nil {
		return p.file, []model.Problem{*err}
	}
	return p.file, nil
}

// bomLen returns the length of the byte order mark go-ini skips (UTF-16 BE
// or LE, or UTF-8).
func bomLen(src []byte) int {
	switch {
	case len(src) >= 2 && (src[0] == 0xFE && src[1] == 0xFF || src[0] == 0xFF && src[1] == 0xFE):
		return 2
	case len(src) >= 3 && src[0] == 0xEF && src[1] == 0xBB && src[2] == 0xBF:
		return 3
	}
	return 0
}

type iniParser struct {
	path string
	src  string
	file *model.IniFile

	off       int  // next byte to read
	eof       bool // the last line read had no "\n" (go-ini's isEOF)
	line      int  // number of the line last read
	lineStart int  // offset of its first byte

	cur   *model.IniSection // current section; nil: the unnamed one, not yet listed
	count int               // go-ini's auto-increment counter for "-" keys
}

// readLine reads up to and including the next "\n", like go-ini's
// readUntil('\n'), and returns its offsets.
func (p *iniParser) readLine() (start, end int) {
	start = p.off
	if i := strings.IndexByte(p.src[start:], '\n'); i >= 0 {
		end = start + i + 1
	} else {
		end = len(p.src)
		p.eof = true
	}
	p.off = end
	if start < len(p.src) || p.line == 0 {
		p.line++
		p.lineStart = start
	}
	return start, end
}

// at returns the position of byte offset off on the line starting at
// lineStart.
func (p *iniParser) at(line, lineStart, off int) model.Pos {
	return model.Pos{File: p.path, Line: line, Col: 1 + utf8.RuneCountInString(p.src[lineStart:off])}
}

// here is at() on the line last read.
func (p *iniParser) here(off int) model.Pos { return p.at(p.line, p.lineStart, off) }

func (p *iniParser) section() *model.IniSection {
	if p.cur == nil {
		p.cur = &model.IniSection{Keys: []*model.IniKey{}}
		p.file.Sections = append(p.file.Sections, p.cur)
	}
	return p.cur
}

func (p *iniParser) parse() *model.Problem {
	p.count = 1
	for !p.eof {
		ls, le := p.readLine()
		t := strings.TrimLeftFunc(p.src[ls:le], unicode.IsSpace)
		if t == "" {
			continue
		}
		b := le - len(t) // offset of the first non-blank byte
		switch t[0] {
		case '#', ';':
			continue
		case '[':
			if err := p.header(t, b); err != nil {
				return err
			}
			continue
		}
		if err := p.key(t, b); err != nil {
			return err
		}
	}
	return nil
}

func (p *iniParser) header(t string, b int) *model.Problem {
	lineEnd := b + len(strings.TrimRightFunc(t, unicode.IsSpace))
	closeIdx := strings.LastIndexByte(t, ']')
	if closeIdx == -1 {
		return p.problem(b, lineEnd, fmt.Sprintf("unclosed section header %s: expected \"]\"", quoteShort(p.src[b:lineEnd])))
	}
	name := t[1:closeIdx]
	if name == "" {
		return p.problem(b, b+2, `empty section name "[]": expected a name between "[" and "]"`)
	}
	p.cur = &model.IniSection{
		Name: model.Str{V: name, Pos: p.here(b + 1), End: p.here(b + closeIdx)},
		Keys: []*model.IniKey{},
	}
	p.file.Sections = append(p.file.Sections, p.cur)
	p.count = 1
	return nil
}

func (p *iniParser) key(t string, b int) *model.Problem {
	lineEnd := b + len(strings.TrimRightFunc(t, unicode.IsSpace))
	name, ns, ne, valOff, kerr := readKeyName(t)
	switch kerr {
	case keyOK:
	case keyUnclosedQuote:
		return p.problem(b, lineEnd, fmt.Sprintf("unclosed quote in key name: expected a closing %s", t[:quoteLen(t)]))
	case keyNoDelimiter:
		what := "in this line"
		if k := strings.TrimSpace(t); looksLikeKey(k) {
			what = fmt.Sprintf("after key %q", k)
		}
		return p.problem(b, lineEnd, fmt.Sprintf(`expected "=" or ":" %s: a line must be "key = value", a "[section]" header or a comment (start it with "#")`, what))
	case keyEmptyName:
		return p.problem(b, b+1, fmt.Sprintf("missing key name before %q: expected \"key = value\"", t[:1]))
	}
	if name == "" {
		return p.problem(b, b+valOff, `empty key name: expected a name inside the quotes`)
	}
	if name == "-" {
		name = "#" + strconv.Itoa(p.count)
		p.count++
	}
	k := &model.IniKey{Name: model.Str{V: name, Pos: p.here(b + ns), End: p.here(b + ne)}}
	if err := p.value(k, b+valOff); err != nil {
		return err
	}
	sec := p.section()
	k.Section = sec.Name.V
	sec.Keys = append(sec.Keys, k)
	return nil
}

// value reads the value of k starting at offset vb (just after the
// delimiter), mirroring go-ini's readValue with default options.
func (p *iniParser) value(k *model.IniKey, vb int) *model.Problem {
	in := p.src[vb:p.off]
	vl := strings.TrimLeftFunc(in, unicode.IsSpace)
	if vl == "" {
		at := p.here(vb + len(strings.TrimRight(in, "\r\n")))
		k.Raw = model.Str{Pos: at, End: at}
		k.Value = k.Raw
		return nil
	}
	vs := vb + len(in) - len(vl) // first non-blank byte of the value

	var quote string
	switch {
	case len(vl) > 3 && vl[:3] == `"""`:
		quote = `"""`
	case vl[0] == '`':
		quote = "`"
	}
	if quote != "" {
		return p.quotedValue(k, quote, vs, vl)
	}

	t := strings.TrimSpace(vl)
	ve := vs + len(t)
	k.Raw = model.Str{V: t, Pos: p.here(vs), End: p.here(ve)}
	if t[len(t)-1] == '\\' {
		p.continuation(k, vs, t[:len(t)-1], ve-1)
		return nil
	}
	if i := strings.IndexAny(t, "#;"); i > -1 {
		k.Comment = model.Str{V: t[i:], Pos: p.here(vs + i), End: p.here(ve)}
		t = strings.TrimSpace(t[:i])
	}
	if hasSurroundedQuote(t, '\'') || hasSurroundedQuote(t, '"') {
		k.Quote = t[:1]
		k.Value = model.Str{V: t[1 : len(t)-1], Pos: p.here(vs + 1), End: p.here(vs + len(t) - 1)}
		return nil
	}
	k.Value = model.Str{V: t, Pos: p.here(vs), End: p.here(vs + len(t))}
	return nil
}

// quotedValue reads a `"""` or "`" value, over several lines when the
// closing quote is not on the first (go-ini's readMultilines).
func (p *iniParser) quotedValue(k *model.IniKey, quote string, vs int, vl string) *model.Problem {
	q := len(quote)
	k.Quote = quote
	if i := strings.LastIndex(vl[q:], quote); i >= 0 {
		k.Value = model.Str{V: vl[q : q+i], Pos: p.here(vs + q), End: p.here(vs + q + i)}
		raw := strings.TrimRightFunc(vl, unicode.IsSpace)
		k.Raw = model.Str{V: raw, Pos: p.here(vs), End: p.here(vs + len(raw))}
		return nil
	}
	line, lineStart := p.line, p.lineStart
	start := p.here(vs)
	valStart := p.here(vs + q)
	for {
		ls, le := p.readLine()
		next := p.src[ls:le]
		if i := strings.LastIndex(next, quote); i > -1 {
			rest := strings.TrimRight(next[i+q:], "\r\n")
			if strings.HasSuffix(strings.TrimSpace(rest), `\`) {
				continue
			}
			rawEnd := ls + len(strings.TrimRightFunc(next, unicode.IsSpace))
			k.Value = model.Str{V: p.src[vs+q : ls+i], Pos: valStart, End: p.here(ls + i)}
			k.Raw = model.Str{V: p.src[vs:rawEnd], Pos: start, End: p.here(rawEnd)}
			return nil
		}
		if p.eof {
			return &model.Problem{
				Kind:    model.ProblemSyntax,
				Message: fmt.Sprintf("unclosed %s in the value of key %q: expected a closing %s before the end of the file", quote, k.Name.V, quote),
				Pos:     start,
				End:     p.at(line, lineStart, vs+q),
			}
		}
	}
}

// continuation joins the lines following a value that ends in "\" (go-ini's
// readContinuationLines): each is trimmed and appended until one does not
// end in "\"; a blank line ends the value and is consumed.
func (p *iniParser) continuation(k *model.IniKey, vs int, first string, valEnd int) {
	endLine, endLineStart := p.line, p.lineStart
	rawEnd := vs + len(k.Raw.V)
	var val strings.Builder
	val.WriteString(first)
	for {
		ls, le := p.readLine()
		line := p.src[ls:le]
		nt := strings.TrimSpace(line)
		if nt == "" {
			break
		}
		ns := le - len(strings.TrimLeftFunc(line, unicode.IsSpace))
		endLine, endLineStart = p.line, p.lineStart
		rawEnd = ns + len(nt)
		valEnd = rawEnd
		if nt[len(nt)-1] != '\\' {
			val.WriteString(nt)
			break
		}
		val.WriteString(nt[:len(nt)-1])
		valEnd--
	}
	k.Continued = true
	k.Raw = model.Str{V: p.src[vs:rawEnd], Pos: k.Raw.Pos, End: p.at(endLine, endLineStart, rawEnd)}
	k.Value = model.Str{V: val.String(), Pos: k.Raw.Pos, End: p.at(endLine, endLineStart, valEnd)}
}

func (p *iniParser) problem(from, to int, msg string) *model.Problem {
	return &model.Problem{Kind: model.ProblemSyntax, Message: msg, Pos: p.here(from), End: p.here(to)}
}

type keyErr int

const (
	keyOK keyErr = iota
	keyUnclosedQuote
	keyNoDelimiter
	keyEmptyName
)

// readKeyName mirrors go-ini's readKeyName with the default delimiters
// "=:": it returns the trimmed name, its byte span in line and the offset
// just past the delimiter.
func readKeyName(line string) (name string, ns, ne, valOff int, err keyErr) {
	var keyQuote string
	switch line[0] {
	case '"':
		if len(line) > 6 && line[0:3] == `"""` {
			keyQuote = `"""`
		} else {
			keyQuote = `"`
		}
	case '`':
		keyQuote = "`"
	}
	if keyQuote != "" {
		startIdx := len(keyQuote)
		pos := strings.Index(line[startIdx:], keyQuote)
		if pos == -1 {
			return "", 0, 0, 0, keyUnclosedQuote
		}
		pos += startIdx
		i := strings.IndexAny(line[pos+startIdx:], "=:")
		if i < 0 {
			return "", 0, 0, 0, keyNoDelimiter
		}
		raw := line[startIdx:pos]
		name = strings.TrimSpace(raw)
		ns = startIdx + len(raw) - len(strings.TrimLeftFunc(raw, unicode.IsSpace))
		return name, ns, ns + len(name), pos + i + startIdx + 1, keyOK
	}
	endIdx := strings.IndexAny(line, "=:")
	if endIdx < 0 {
		return "", 0, 0, 0, keyNoDelimiter
	}
	if endIdx == 0 {
		return "", 0, 0, 0, keyEmptyName
	}
	name = strings.TrimSpace(line[:endIdx])
	return name, 0, len(name), endIdx + 1, keyOK
}

// quoteLen is the length of the quote opening a quoted key.
func quoteLen(t string) int {
	if len(t) > 6 && t[:3] == `"""` {
		return 3
	}
	return 1
}

// hasSurroundedQuote reports whether in is wrapped in quote and contains no
// other such quote (go-ini's hasSurroundedQuote).
func hasSurroundedQuote(in string, quote byte) bool {
	return len(in) >= 2 && in[0] == quote && in[len(in)-1] == quote &&
		strings.IndexByte(in[1:], quote) == len(in)-2
}

var keyLike = regexp.MustCompile(`^[A-Za-z0-9_.\-]{1,64}$`)

// looksLikeKey reports whether s can be quoted in a message without risk of
// showing a secret: a short identifier.
func looksLikeKey(s string) bool { return keyLike.MatchString(s) }

// quoteShort quotes s for a message, shortened to 60 characters.
func quoteShort(s string) string {
	if utf8.RuneCountInString(s) > 60 {
		r := []rune(s)
		s = string(r[:60]) + "…"
	}
	return strconv.Quote(s)
}
