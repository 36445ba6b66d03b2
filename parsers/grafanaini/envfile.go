package grafanaini

import (
	"fmt"
	"regexp"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/grafanalint/grafanalint/parsers/model"
)

// ParseEnvFile reads a KEY=VALUE environment file — a Docker Compose ".env"
// or "env_file:", or a "docker run --env-file" file — the way Compose reads
// it (compose-spec/compose-go, dotenv/parser.go):
//
//   - blank lines and lines whose first non-blank character is "#" are
//     skipped; "export " before a name is ignored;
//   - a name is letters, digits, "_" and "."; it ends at "=" or ":";
//   - an unquoted value runs to the end of the line, is cut at the first
//     "#" and right-trimmed;
//   - a value in '…' is literal; a value in "…" turns \n and \r into line
//     breaks and drops the backslash of other escapes (except \$); both may
//     span lines and run to the first unescaped closing quote;
//   - a name alone on its line takes its value from the host environment,
//     which is unknown here: it is skipped.
//
// ${VAR} / $VAR interpolation is not performed (the host environment is
// unknown): such values are kept as written, so a grafana.ini setting they
// override is Dynamic. Each variable's Pos is its name, ValuePos the
// first character of its value (inside quotes). A malformed line yields a
// ProblemSyntax and ends the parse (Compose rejects the whole file).
func ParseEnvFile(path string, src []byte) ([]model.EnvVar, []model.Problem) {
	p := &envParser{path: path, src: string(src)}
	if strings.HasPrefix(p.src, "\uFEFF") {
		p.off = len("\uFEFF")
		p.bom = p.off
	}
	vars, prob := p.parse()
	if prob != nil {
		return vars, []model.Problem{*prob}
	}
	return vars, nil
}

type envParser struct {
	path  string
	src   string
	off   int
	bom   int
	lines []int // start offset of each line after the first
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
	n, _ := slices.BinarySearch(p.lines, off+1) // lines starting at or before off
	ls := p.bom
	if n > 0 {
		ls = p.lines[n-1]
	}
	return model.Pos{File: p.path, Line: 1 + n, Col: 1 + utf8.RuneCountInString(p.src[ls:off])}
}

// isEnvSpace is Compose's isSpace: blanks but not "\n".
func isEnvSpace(r rune) bool {
	switch r {
	case '\t', '\v', '\f', '\r', ' ', 0x85, 0xA0:
		return true
	}
	return false
}

func (p *envParser) skipSpace() {
	p.off = len(p.src) - len(strings.TrimLeftFunc(p.src[p.off:], isEnvSpace))
}

func (p *envParser) parse() ([]model.EnvVar, *model.Problem) {
	var vars []model.EnvVar
	for {
		// Statement start: skip blanks, line breaks and comment lines.
		rest := strings.TrimLeftFunc(p.src[p.off:], unicode.IsSpace)
		p.off = len(p.src) - len(rest)
		if rest == "" {
			return vars, nil
		}
		if rest[0] == '#' {
			if i := strings.IndexByte(rest, '\n'); i >= 0 {
				p.off += i
				continue
			}
			return vars, nil
		}
		if strings.HasPrefix(rest, "export") && len(rest) > len("export") && isEnvSpace(rune(rest[len("export")])) {
			p.off += len("export")
			p.skipSpace()
		}
		nameStart := p.off
		name, inherited, prob := p.name()
		if prob != nil {
			return vars, prob
		}
		if inherited {
			continue
		}
		p.skipSpace()
		v := model.EnvVar{Name: name, Pos: p.pos(nameStart)}
		value, valStart, prob := p.value()
		if prob != nil {
			return vars, prob
		}
		if name == "" {
			continue // Compose accepts "=value" and sets an unnamed variable
		}
		v.Value, v.ValuePos = value, p.pos(valStart)
		vars = append(vars, v)
	}
}

// name reads a variable name up to "=", ":" or a line break (the latter
// makes an inherited variable, value from the host).
func (p *envParser) name() (string, bool, *model.Problem) {
	start := p.off
	for i, r := range p.src[start:] {
		if isEnvSpace(r) {
			continue
		}
		switch r {
		case '=', ':', '\n':
			name := strings.TrimRightFunc(p.src[start:start+i], unicode.IsSpace)
			p.off = start + i + 1
			if strings.ContainsAny(name, " \t") {
				return "", false, &model.Problem{Kind: model.ProblemSyntax, Pos: p.pos(start), End: p.pos(start + len(name)),
					Message: "variable name contains a blank: expected NAME=value"}
			}
			return name, r == '\n', nil
		case '_', '.':
			continue
		}
		if unicode.IsLetter(r) || unicode.IsNumber(r) {
			continue
		}
		_, w := utf8.DecodeRuneInString(p.src[start+i:])
		return "", false, &model.Problem{Kind: model.ProblemSyntax, Pos: p.pos(start + i), End: p.pos(start + i + w),
			Message: fmt.Sprintf("unexpected character %q in variable name: expected letters, digits, \"_\" or \".\" followed by \"=\"", r)}
	}
	// A name at the end of the file without "=": inherited.
	p.off = len(p.src)
	return strings.TrimSpace(p.src[start:]), true, nil
}

var (
	envEscape   = regexp.MustCompile(`\\.`)
	envUnescape = regexp.MustCompile(`\\([^$])`)
)

// value reads a value at p.off and returns it with the offset of its first
// character.
func (p *envParser) value() (string, int, *model.Problem) {
	start := p.off
	rest := p.src[start:]
	if rest == "" || (rest[0] != '"' && rest[0] != '\'') {
		end := strings.IndexByte(rest, '\n')
		if end < 0 {
			end = len(rest)
		}
		v := rest[:end]
		if i := strings.IndexByte(v, '#'); i >= 0 {
			v = v[:i]
		}
		p.off = start + end
		return strings.TrimRightFunc(v, unicode.IsSpace), start, nil
	}
	quote := rest[0]
	for i := 1; i < len(rest); i++ {
		if rest[i] != quote || rest[i-1] == '\\' {
			continue
		}
		isQuote := func(r rune) bool { return r == rune(quote) }
		v := strings.TrimLeftFunc(strings.TrimRightFunc(rest[:i], isQuote), isQuote)
		if quote == '"' {
			v = envEscape.ReplaceAllStringFunc(v, func(m string) string {
				switch m[1:] {
				case "n":
					return "\n"
				case "r":
					return "\r"
				}
				return m
			})
			v = envUnescape.ReplaceAllString(v, "$1")
		}
		p.off = start + i + 1
		return v, start + 1, nil
	}
	end := strings.IndexByte(rest, '\n')
	if end < 0 {
		end = len(rest)
	}
	return "", start, &model.Problem{Kind: model.ProblemSyntax, Pos: p.pos(start), End: p.pos(start + end),
		Message: fmt.Sprintf("unterminated quoted value: expected a closing %c", quote)}
}
