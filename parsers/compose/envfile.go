package compose

import (
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/grafanalint/grafanalint/parsers/model"
)

// EnvVar is one variable an env file defines.
type EnvVar struct {
	Name string
	// Value is the value compose reads (interpolated; unknown parts kept
	// in braces, see Value.V).
	Value string
	// Known is false when the value depends on something the repository
	// does not tell (the shell running compose).
	Known bool
	// Pos is the name's position, ValuePos the value's first character
	// (inside quotes); zero for a variable taken from the shell.
	Pos, ValuePos model.Pos
}

// ModelVar converts v to the model's form.
func (v EnvVar) ModelVar() model.EnvVar {
	return model.EnvVar{Name: v.Name, Value: v.Value, Pos: v.Pos, ValuePos: v.ValuePos}
}

// EnvFormatRaw is the env_file format "raw": KEY=VALUE lines taken as
// they are, without quotes, escapes or interpolation.
const EnvFormatRaw = "raw"

// ParseEnvFile reads an env file — the project's ".env" or a service's
// "env_file:" — the way compose-go's dotenv parser does (compose
// specification, services "env_file", "Env_file format"):
//
//   - blank lines and lines starting with "#" are skipped; "export "
//     before a name is dropped;
//   - a name is letters, digits, "_", ".", "-", "[" and "]" and ends at
//     "=" or ":"; a name alone on its line takes its value from the shell
//     (unknown here, unless lookup knows it);
//   - an unquoted value runs to the end of the line, is cut at " #" and
//     right-trimmed, and is interpolated;
//   - a value in '…' is literal; a value in "…" has \n, \r, \t, \\, \",
//     \$ … escapes expanded and is interpolated; both may span lines, and
//     a backslash before the closing quote escapes it;
//   - interpolation looks a name up in lookup first, then among the
//     variables defined before it (in this file, and in prior, the
//     variables of the env files read before it);
//   - format "raw" (registered by the docker compose CLI) takes each
//     KEY=VALUE line as it is.
//
// A malformed line yields a syntax problem and ends the parse: compose
// refuses the whole file. Values that would grow beyond MaxValueLen stay
// unknown and are reported.
func ParseEnvFile(p string, src []byte, format string, lookup, prior *Vars) ([]EnvVar, []model.Problem) {
	ep := &envParser{path: p, src: string(src), lookup: lookup, defined: NewVars(prior)}
	ep.chain = Chain(lookup, ep.defined)
	if strings.HasPrefix(ep.src, "\uFEFF") {
		ep.bom = len("\uFEFF")
	}
	if format == EnvFormatRaw {
		ep.raw()
	} else {
		ep.parse()
	}
	return ep.vars, ep.problems
}

type envParser struct {
	path     string
	src      string
	bom      int
	lines    []int
	lookup   *Vars
	defined  *Vars
	chain    *Vars // lookup's variables, then defined's
	vars     []EnvVar
	problems []model.Problem
}

// pos converts a byte offset to a position.
func (p *envParser) pos(off int) model.Pos {
	if p.lines == nil {
		p.lines = []int{}
		for i := 0; i < len(p.src); i++ {
			if p.src[i] == '\n' {
				p.lines = append(p.lines, i+1)
			}
		}
	}
	n, _ := slices.BinarySearch(p.lines, off+1)
	ls := p.bom
	if n > 0 {
		ls = p.lines[n-1]
	}
	if off < ls {
		off = ls
	}
	return model.Pos{File: p.path, Line: 1 + n, Col: 1 + utf8.RuneCountInString(p.src[ls:off])}
}

func (p *envParser) problem(start, end int, msg string) {
	pr := model.Problem{Kind: model.ProblemSyntax, Pos: p.pos(start), Message: msg}
	if end > start {
		pr.End = p.pos(end)
	}
	p.problems = append(p.problems, pr)
}

// isSpace is compose-go's: blanks, but not line breaks.
func isSpace(r rune) bool {
	switch r {
	case '\t', '\v', '\f', '\r', ' ', 0x85, 0xA0:
		return true
	}
	return false
}

var exportPrefix = regexp.MustCompile(`^export\s+`)

func (p *envParser) parse() {
	off := p.bom
	for {
		// Statement start: skip white space and comment lines.
		for {
			rest := p.src[off:]
			t := strings.TrimLeftFunc(rest, unicode.IsSpace)
			off += len(rest) - len(t)
			if t == "" {
				return
			}
			if t[0] != '#' {
				break
			}
			k := strings.IndexByte(t, '\n')
			if k < 0 {
				return
			}
			off += k
		}
		if m := exportPrefix.FindString(p.src[off:]); m != "" {
			rest := strings.TrimLeftFunc(p.src[off+len("export"):], isSpace)
			off = len(p.src) - len(rest)
		}
		nameStart := off
		sep, ok := p.name(off)
		if !ok {
			return
		}
		off = sep + 1
		nameText := strings.TrimRightFunc(p.src[nameStart:min(sep, len(p.src))], unicode.IsSpace)
		if sep >= len(p.src) {
			// A name without "=" at the end of the text: compose-go reads
			// it as the value of an unnamed variable, which is dropped.
			return
		}
		if strings.Contains(nameText, " ") {
			p.problem(nameStart, nameStart+len(nameText), fmt.Sprintf("variable name %q contains a space: expected NAME=value; docker compose refuses this file", nameText))
			return
		}
		if p.src[sep] == '\n' {
			// NAME alone: the value comes from the shell.
			v := EnvVar{Name: nameText, Pos: p.pos(nameStart)}
			if val, known, found := p.lookup.Lookup(nameText); found {
				v.Value, v.Known = val, known
				p.define(v)
			}
			continue
		}
		rest := strings.TrimLeftFunc(p.src[off:], isSpace)
		off = len(p.src) - len(rest)
		v := EnvVar{Name: nameText, Pos: p.pos(nameStart)}
		end, ok := p.value(off, &v)
		if !ok {
			return
		}
		off = end
		if nameText != "" {
			p.define(v)
		}
	}
}

// name scans a variable name from off and returns the offset of the "=",
// ":" or line break that ends it (len(src) when the text ends first).
func (p *envParser) name(off int) (sep int, ok bool) {
	for i, r := range p.src[off:] {
		if isSpace(r) {
			continue
		}
		switch r {
		case '=', ':', '\n':
			return off + i, true
		case '_', '.', '-', '[', ']':
			continue
		}
		if unicode.IsLetter(r) || unicode.IsNumber(r) {
			continue
		}
		line := p.src[off:]
		if k := strings.IndexByte(line, '\n'); k >= 0 {
			line = line[:k]
		}
		_, w := utf8.DecodeRuneInString(p.src[off+i:])
		p.problem(off+i, off+i+w, fmt.Sprintf("unexpected character %q in variable name %q: expected letters, digits, \"_\", \".\" or \"-\" followed by \"=\"; docker compose refuses this file", r, shorten(line)))
		return 0, false
	}
	return len(p.src), true
}

var escapeSeq = regexp.MustCompile(`\\(?:[abcfnrtv$"\\]|0\d{0,3})`)

// value reads the value at off into v and returns the offset after it.
func (p *envParser) value(off int, v *EnvVar) (int, bool) {
	rest := p.src[off:]
	if rest == "" || rest[0] != '"' && rest[0] != '\'' {
		val, _, _ := strings.Cut(rest, "\n")
		end := off + len(val)
		val, _, _ = strings.Cut(val, " #")
		val = strings.TrimRightFunc(val, unicode.IsSpace)
		v.ValuePos = p.pos(off)
		p.interpolate(v, val, off)
		return end, true
	}
	quote := rest[0]
	var chars []byte
	escaped := false
	for i := 1; i < len(rest); i++ {
		c := rest[i]
		if c != quote {
			if !escaped && c == '\\' {
				escaped = true
				continue
			}
			if escaped {
				escaped = false
				chars = append(chars, '\\')
			}
			chars = append(chars, c)
			continue
		}
		if escaped {
			escaped = false
			chars = append(chars, c)
			continue
		}
		v.ValuePos = p.pos(off + 1)
		if quote == '"' {
			p.interpolate(v, expandEscapes(string(chars)), off)
		} else {
			v.Value, v.Known = string(chars), true
		}
		return off + i + 1, true
	}
	line, _, _ := strings.Cut(rest, "\n")
	p.problem(off, off+len(line), fmt.Sprintf("unterminated quoted value: expected a closing %c; docker compose refuses this file", quote))
	return 0, false
}

// expandEscapes expands the shell escapes compose-go accepts in double
// quotes; "\$" becomes "$$", a literal dollar for interpolation.
func expandEscapes(s string) string {
	return escapeSeq.ReplaceAllStringFunc(s, func(m string) string {
		if m == `\$` {
			return "$$"
		}
		if strings.HasPrefix(m, `\0`) {
			m = `\` + m[2:]
		}
		r, _, _, err := strconv.UnquoteChar(m, '"')
		if err != nil {
			return m
		}
		return string(r)
	})
}

// interpolate sets v's value from raw text, looking names up in the
// caller's Vars first, then among the variables defined so far.
func (p *envParser) interpolate(v *EnvVar, raw string, off int) {
	res := Interpolate(raw, p.chain)
	v.Value, v.Known = res.V, res.Known
	if res.Err != "" {
		p.problem(off, off, fmt.Sprintf("value of %q: %s", v.Name, res.Err))
	}
}

// Chain returns variables looked up in first's chain, then in then's
// (first's links are copied; their variables are shared, so later Set
// calls on them show).
func Chain(first, then *Vars) *Vars {
	if first == nil {
		return then
	}
	head := &Vars{vars: first.vars}
	tail := head
	for x := first.next; x != nil; x = x.next {
		tail.next = &Vars{vars: x.vars}
		tail = tail.next
	}
	tail.next = then
	return head
}

func (p *envParser) define(v EnvVar) {
	p.vars = append(p.vars, v)
	if v.Known {
		p.defined.Set(v.Name, v.Value)
	} else {
		p.defined.SetUnknown(v.Name)
	}
}

// raw reads format "raw", which docker compose parses as "docker run
// --env-file" does (docker/cli pkg/kvfile): each non-blank line not
// starting with "#" is NAME=VALUE, the value taken verbatim (a line
// without "=" takes the value from the shell).
func (p *envParser) raw() {
	off := p.bom
	for off < len(p.src) {
		line, _, _ := strings.Cut(p.src[off:], "\n")
		next := off + len(line) + 1
		text := strings.TrimSuffix(line, "\r")
		trimmed := strings.TrimLeftFunc(text, unicode.IsSpace)
		lead := len(text) - len(trimmed)
		if trimmed != "" && trimmed[0] != '#' {
			name, val, ok := strings.Cut(trimmed, "=")
			name = strings.TrimSpace(name)
			v := EnvVar{Name: name, Pos: p.pos(off + lead)}
			if ok {
				v.Value, v.Known = val, true
				v.ValuePos = p.pos(off + lead + len(name) + 1)
				p.define(v)
			} else if val, known, found := p.lookup.Lookup(name); found {
				v.Value, v.Known = val, known
				p.define(v)
			}
		}
		off = next
	}
}
