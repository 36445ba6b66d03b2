// Package suppress finds inline suppression comments in ini, YAML, env and
// nginx files:
//
//	# grafanalint:ignore rule[,rule] -- reason
//
// A comment that follows code on its line applies to that line. A comment
// alone on its line applies to its own line and to the next line that is
// neither blank nor a comment. The reason after "--" is optional in the
// syntax and kept as written. Rule names are ids ("proxy/host-header"),
// categories ("proxy", "proxy/*") or "*"; whether they exist is the rule
// engine's business (meta/unused-ignore).
//
// ini files also accept ";" comments. A comment marker inside a quoted
// string is not a comment (YAML and nginx quotes; in ini only """…""" and
// backtick values protect it, as go-ini does). A "#" starts a YAML or nginx
// comment only at the start of a line or after white space, and lines of a
// YAML block scalar (| or >) are content, not comments.
//
// A "grafanalint:" comment that cannot be read (no rule named, an unknown
// directive, a bad rule name) is returned as a model.ProblemSyntax problem
// at the comment, so a typo never silently suppresses nothing.
package suppress

import (
	"fmt"
	"regexp"
	"strings"
	"unicode/utf8"

	"github.com/grafanalint/grafanalint/parsers/model"
)

// Directive is the comment prefix that marks an inline ignore.
const Directive = "grafanalint:ignore"

const prefix = "grafanalint:"

var ruleName = regexp.MustCompile(`^[A-Za-z0-9_.*-]+(/[A-Za-z0-9_.*-]+)?$`)

// syntax says how comments are written in a kind of file.
type syntax struct {
	semicolon bool // ";" starts a comment too (ini)
	iniQuotes bool // only """ and ` protect comment markers (ini)
	yaml      bool // block scalars hold content lines
}

func syntaxOf(kind model.Kind) (syntax, bool) {
	switch kind {
	case model.KindIni:
		return syntax{semicolon: true, iniQuotes: true}, true
	case model.KindDatasources, model.KindProviders, model.KindCompose, model.KindKubernetes, model.KindHelmValues:
		return syntax{yaml: true}, true
	case model.KindNginx, model.KindEnv:
		return syntax{}, true
	}
	return syntax{}, false
}

// Scan returns the inline ignores written in src, a file of the given kind
// whose display path is path, and a problem for each malformed
// "grafanalint:" comment. Kinds without comments (dashboard JSON) yield
// nothing.
func Scan(path string, src []byte, kind model.Kind) ([]model.Ignore, []model.Problem) {
	syn, ok := syntaxOf(kind)
	if !ok {
		return nil, nil
	}
	lines := splitLines(string(src))
	var (
		ignores  []model.Ignore
		problems []model.Problem
		pending  []int // indexes into ignores waiting for their next code line
		block    = -1  // indentation of the key that opened a YAML block scalar, -1 outside one
	)
	for i, line := range lines {
		lineNo := i + 1
		if syn.yaml && block >= 0 {
			if strings.TrimSpace(line) == "" || indentOf(line) > block {
				continue
			}
			block = -1
		}
		code, comment, col := splitComment(line, syn)
		if syn.yaml && opensBlockScalar(code) {
			block = indentOf(line)
		}
		hasCode := strings.TrimSpace(code) != ""
		if hasCode {
			for _, k := range pending {
				ignores[k].Lines = append(ignores[k].Lines, lineNo)
			}
			pending = pending[:0]
		}
		if comment == "" {
			continue
		}
		pos := model.Pos{File: path, Line: lineNo, Col: col}
		ig, prob, found := parseComment(comment, pos)
		if !found {
			continue
		}
		if prob != nil {
			problems = append(problems, *prob)
			continue
		}
		ig.Lines = []int{lineNo}
		ignores = append(ignores, ig)
		if !hasCode {
			pending = append(pending, len(ignores)-1)
		}
	}
	return ignores, problems
}

// parseComment reads one comment (its text after the marker). found is
// false when the comment is not a grafanalint directive.
func parseComment(text string, pos model.Pos) (model.Ignore, *model.Problem, bool) {
	body := strings.TrimSpace(text)
	if !strings.HasPrefix(body, prefix) {
		return model.Ignore{}, nil, false
	}
	bad := func(format string, args ...any) (model.Ignore, *model.Problem, bool) {
		return model.Ignore{}, &model.Problem{Kind: model.ProblemSyntax, Pos: pos, Message: fmt.Sprintf(format, args...)}, true
	}
	rest, ok := strings.CutPrefix(body, Directive)
	if !ok || (rest != "" && rest[0] != ' ' && rest[0] != '\t') {
		word, _, _ := strings.Cut(body, " ")
		return bad("unknown directive %q: write \"# %s rule[,rule] -- reason\"", word, Directive)
	}
	rulesPart, reason, _ := strings.Cut(rest, "--")
	reason = strings.TrimSpace(reason)
	var names []string
	for _, f := range strings.FieldsFunc(rulesPart, func(r rune) bool { return r == ',' || r == ' ' || r == '\t' }) {
		if !ruleName.MatchString(f) {
			return bad("malformed rule name %q in %s comment: use a rule id such as \"proxy/host-header\", a category or \"*\"", f, Directive)
		}
		names = append(names, f)
	}
	if len(names) == 0 {
		return bad("%s comment names no rule: write \"# %s rule[,rule] -- reason\"", Directive, Directive)
	}
	return model.Ignore{Pos: pos, Rules: names, Reason: reason}, nil, true
}

// splitComment splits line into code and the text of its comment (after
// the marker), with the 1-based code-point column of the marker.
func splitComment(line string, syn syntax) (code, comment string, col int) {
	var quote byte // ', " or ` (ini: ` or the triple quote, stored as 'T')
	prevSpace := true
	for i := 0; i < len(line); i++ {
		c := line[i]
		if quote != 0 {
			switch {
			case quote == 'T':
				if strings.HasPrefix(line[i:], `"""`) {
					quote = 0
					i += 2
				}
			case c == '\\' && quote == '"' && !syn.iniQuotes:
				i++
			case c == '\'' && quote == '\'' && syn.yaml && i+1 < len(line) && line[i+1] == '\'':
				i++ // YAML's '' escape inside a single-quoted scalar
			case c == quote:
				quote = 0
			}
			prevSpace = false
			continue
		}
		switch {
		case syn.iniQuotes && strings.HasPrefix(line[i:], `"""`):
			quote = 'T'
			i += 2
		case syn.iniQuotes && c == '`':
			quote = c
		case !syn.iniQuotes && (c == '"' || c == '\'') && prevSpace:
			quote = c
		case c == '#' && (prevSpace || syn.iniQuotes):
			return line[:i], line[i+1:], utf8.RuneCountInString(line[:i]) + 1
		case c == ';' && syn.semicolon:
			return line[:i], line[i+1:], utf8.RuneCountInString(line[:i]) + 1
		}
		// A quote opens a string only at the start of a token: after white
		// space or a YAML/nginx delimiter.
		prevSpace = c == ' ' || c == '\t' || c == ':' || c == '-' || c == '[' || c == '{' || c == ',' || c == ';' || c == '}' || c == '='
	}
	return line, "", 0
}

// opensBlockScalar reports whether a YAML line (comment removed) ends with
// a block scalar indicator: "key: |", "- >-", "key: |2+".
func opensBlockScalar(code string) bool {
	s := strings.TrimRight(code, " \t")
	i := strings.LastIndexAny(s, "|>")
	if i < 0 {
		return false
	}
	for _, c := range s[i+1:] {
		if c != '-' && c != '+' && (c < '1' || c > '9') {
			return false
		}
	}
	before := strings.TrimRight(s[:i], " \t")
	return before == "" || strings.HasSuffix(before, ":") || strings.HasSuffix(before, "-") ||
		strings.HasSuffix(before, "!!str") || strings.HasSuffix(before, "!!binary")
}

func indentOf(line string) int {
	return len(line) - len(strings.TrimLeft(line, " "))
}

func splitLines(s string) []string {
	s = strings.TrimPrefix(s, "\ufeff")
	lines := strings.Split(s, "\n")
	for i, l := range lines {
		lines[i] = strings.TrimSuffix(l, "\r")
	}
	if n := len(lines); n > 0 && lines[n-1] == "" {
		lines = lines[:n-1]
	}
	return lines
}
