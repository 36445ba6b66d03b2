package nginxsem

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/grafanalint/grafanalint/parsers/model"
)

// Unevaluated is a regular expression nginx (PCRE) accepts but Go's regexp
// cannot evaluate, so the answer that depends on it is unknown.
type Unevaluated struct {
	// Pattern is the regex as written (its position is the pattern's).
	Pattern model.Str
	// Directive is the location, rewrite, if or server_name holding it.
	Directive *model.Directive
	// Reason says which PCRE feature is missing, e.g. "lookahead (?=".
	Reason string
}

// String formats the note for messages.
func (u Unevaluated) String() string {
	return fmt.Sprintf("regex %q at %s cannot be evaluated (%s); the result that depends on it is unknown",
		u.Pattern.V, u.Pattern.Pos, u.Reason)
}

// Captures holds what a regex match captured: $0..$9 and named captures.
type Captures struct {
	// Numbered[i] is $i; Numbered[0] is the whole match.
	Numbered []string
	// Named maps each (?<name>…) group to its value.
	Named map[string]string
}

// Get returns capture $name (a digit or a group name) and whether it exists.
func (c *Captures) Get(name string) (string, bool) {
	if c == nil {
		return "", false
	}
	if len(name) == 1 && name[0] >= '0' && name[0] <= '9' {
		i := int(name[0] - '0')
		if i < len(c.Numbered) {
			return c.Numbered[i], true
		}
		return "", true // nginx substitutes an empty string
	}
	v, ok := c.Named[name]
	return v, ok
}

// regexCache holds compiled patterns (key: flag + pattern → regexResult),
// at most maxCachedRex of them.
var (
	regexCache   sync.Map
	regexCached  atomic.Int64
	maxCachedRex = int64(4096)
)

type regexResult struct {
	re  *regexp.Regexp
	err error
}

// compileNginxRegex compiles an nginx (PCRE) regex with Go's regexp.
// caseless is the ~* modifier. The error names the PCRE feature Go lacks.
func compileNginxRegex(pattern string, caseless bool) (*regexp.Regexp, error) {
	key := "s" + pattern
	if caseless {
		key = "i" + pattern
	}
	if v, ok := regexCache.Load(key); ok {
		r := v.(regexResult)
		return r.re, r.err
	}
	src := pattern
	if caseless {
		src = "(?i)" + src
	}
	re, err := regexp.Compile(src)
	if err != nil {
		err = fmt.Errorf("%s", pcreFeature(pattern, err))
		re = nil
	}
	if regexCached.Load() < maxCachedRex {
		if _, loaded := regexCache.LoadOrStore(key, regexResult{re, err}); !loaded {
			regexCached.Add(1)
		}
	}
	return re, err
}

// pcreFeature names the PCRE construct that Go's regexp rejects.
func pcreFeature(p string, err error) string {
	features := []struct{ token, name string }{
		{"(?<=", "lookbehind (?<="},
		{"(?<!", "negative lookbehind (?<!"},
		{"(?=", "lookahead (?="},
		{"(?!", "negative lookahead (?!"},
		{"(?>", "atomic group (?>"},
		{"(?|", "branch reset (?|"},
		{"(?(", "conditional (?("},
		{"(?R", "recursion (?R)"},
		{"(?'", "named group (?'name')"},
		{"*+", "possessive quantifier *+"},
		{"++", "possessive quantifier ++"},
		{"?+", "possessive quantifier ?+"},
		{"}+", "possessive quantifier {n}+"},
		{`\k`, `named back-reference \k`},
		{`\K`, `match reset \K`},
		{`\Z`, `end anchor \Z`},
		{`\G`, `anchor \G`},
		{`\R`, `newline class \R`},
		{`\h`, `horizontal space \h`},
	}
	for _, f := range features {
		if strings.Contains(p, f.token) {
			return "Go's regexp lacks PCRE's " + f.name
		}
	}
	for i := 0; i+1 < len(p); i++ {
		if p[i] == '\\' {
			if c := p[i+1]; c >= '1' && c <= '9' {
				return `Go's regexp lacks PCRE's back-reference \` + string(c)
			}
			i++
		}
	}
	msg := err.Error()
	msg = strings.TrimPrefix(msg, "error parsing regexp: ")
	return "Go's regexp rejects it: " + msg
}

// matchRegex runs re on s and returns the captures, nil when it does not
// match.
func matchRegex(re *regexp.Regexp, s string) *Captures {
	m := re.FindStringSubmatchIndex(s)
	if m == nil {
		return nil
	}
	c := &Captures{}
	for i := 0; i+1 < len(m); i += 2 {
		v := ""
		if m[i] >= 0 {
			v = s[m[i]:m[i+1]]
		}
		c.Numbered = append(c.Numbered, v)
	}
	for i, name := range re.SubexpNames() {
		if name == "" {
			continue
		}
		if c.Named == nil {
			c.Named = map[string]string{}
		}
		c.Named[name] = c.Numbered[i]
	}
	return c
}

// relaxPCRE rewrites a PCRE pattern into a Go pattern that matches at least
// every string the original matches: lookarounds and \K, \G are dropped,
// atomic groups and branch resets become plain groups, possessive
// quantifiers greedy ones, back-references match anything. When the
// relaxed pattern does not match, the original cannot match either. ok is
// false for constructs it cannot relax (conditionals, recursion).
func relaxPCRE(p string) (string, bool) {
	r, ok := rewritePCRE(p, false)
	return r.pattern, ok
}

// lookaround is a PCRE lookaround replaced by a position marker.
type lookaround struct {
	behind, negative bool
	content          string
	// fixed: the pattern is anchored with ^ and only literal characters
	// come before the lookaround, so every path reaches it at the same
	// position.
	fixed bool
}

// rewritten is a PCRE pattern rewritten for Go's regexp.
type rewritten struct {
	pattern string
	// looks are the lookarounds whose positions the markers
	// (?P<_laN>) record, when marking.
	looks []lookaround
	// exact is false when the rewrite matches more than the original
	// (possessive quantifiers, atomic groups, back-references).
	exact bool
	// topAlt is set when the pattern has a top-level alternation (paths
	// that may avoid a lookaround).
	topAlt bool
}

// markerPrefix names the position markers of lookarounds.
const markerPrefix = "_nginxsem_la"

// rewritePCRE does relaxPCRE's work; with mark, each lookaround becomes a
// marker group recording its position (and an empty group for each
// capturing group inside it, keeping the numbering of later groups).
func rewritePCRE(p string, mark bool) (rewritten, bool) {
	var b strings.Builder
	r := rewritten{exact: true}
	afterQuant := false
	// fixed: only "^" and literal characters so far; depth: group nesting.
	fixed := strings.HasPrefix(p, "^")
	depth := 0
	for i := 0; i < len(p); i++ {
		c := p[i]
		isLook := c == '(' && (strings.HasPrefix(p[i:], "(?=") || strings.HasPrefix(p[i:], "(?!") ||
			strings.HasPrefix(p[i:], "(?<=") || strings.HasPrefix(p[i:], "(?<!"))
		switch {
		case i == 0 && c == '^', isLook:
		case c == '\\' && i+1 < len(p) && !isAlnum(p[i+1]):
			if i+2 < len(p) && strings.IndexByte("*+?{", p[i+2]) >= 0 {
				fixed = false
			}
		case strings.IndexByte(".[](){}*+?|^$\\", c) >= 0:
			fixed = false
		default:
			if i+1 < len(p) && strings.IndexByte("*+?{", p[i+1]) >= 0 {
				fixed = false
			}
		}
		switch c {
		case '(':
			depth++
		case ')':
			depth--
		case '|':
			if depth == 0 {
				r.topAlt = true
			}
		}
		switch {
		case c == '\\' && i+1 < len(p):
			n := p[i+1]
			switch {
			case n >= '1' && n <= '9':
				b.WriteString(`(?s:.*)`)
				r.exact = false
				i++
				for i+1 < len(p) && p[i+1] >= '0' && p[i+1] <= '9' {
					i++
				}
			case n == 'k' || n == 'g':
				end := strings.IndexAny(p[i+2:], ">}'")
				if end < 0 {
					return r, false
				}
				b.WriteString(`(?s:.*)`)
				r.exact = false
				i += 2 + end
			case n == 'K':
				i++
			case n == 'G':
				b.WriteString(`\A`)
				i++
			case n == 'Z':
				b.WriteString(`\n?\z`)
				i++
			default:
				b.WriteString(p[i : i+2])
				i++
			}
			afterQuant = false
			continue
		case c == '[':
			j := classEnd(p, i)
			if j < 0 {
				return r, false
			}
			b.WriteString(p[i : j+1])
			i = j
			afterQuant = false
			continue
		case c == '(' && strings.HasPrefix(p[i:], "(?"):
			rest := p[i+2:]
			switch {
			case strings.HasPrefix(rest, "="), strings.HasPrefix(rest, "!"),
				strings.HasPrefix(rest, "<="), strings.HasPrefix(rest, "<!"):
				j := groupEnd(p, i)
				if j < 0 {
					return r, false
				}
				if mark {
					la := lookaround{behind: rest[0] == '<', fixed: fixed}
					head := 3
					if la.behind {
						head = 4
					}
					la.negative = p[i+head-1] == '!'
					la.content = p[i+head : j]
					fmt.Fprintf(&b, "(?P<%s%d>)", markerPrefix, len(r.looks))
					b.WriteString(strings.Repeat("()", countGroups(la.content)))
					r.looks = append(r.looks, la)
				}
				i = j
				depth--
				continue
			case strings.HasPrefix(rest, ">"), strings.HasPrefix(rest, "|"):
				b.WriteString("(?:")
				r.exact = false
				i += 2
				continue
			case strings.HasPrefix(rest, "'"):
				end := strings.IndexByte(rest[1:], '\'')
				if end < 0 {
					return r, false
				}
				b.WriteString("(?P<" + rest[1:1+end] + ">")
				i += 2 + end + 1
				continue
			case strings.HasPrefix(rest, "("), strings.HasPrefix(rest, "R"),
				len(rest) > 0 && rest[0] >= '0' && rest[0] <= '9':
				return r, false
			}
		case c == '+' && afterQuant:
			afterQuant = false
			r.exact = false
			continue // possessive → greedy
		}
		b.WriteByte(c)
		afterQuant = c == '*' || c == '+' || c == '?' || c == '}'
		if c == '?' && i > 0 && (p[i-1] == '*' || p[i-1] == '+' || p[i-1] == '?' || p[i-1] == '}') {
			afterQuant = false // lazy marker
		}
	}
	r.pattern = b.String()
	return r, true
}

func isAlnum(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
}

// countGroups counts the capturing groups of a pattern.
func countGroups(p string) int {
	n := 0
	for i := 0; i < len(p); i++ {
		switch p[i] {
		case '\\':
			i++
		case '[':
			if j := classEnd(p, i); j > 0 {
				i = j
			}
		case '(':
			if !strings.HasPrefix(p[i:], "(?") || strings.HasPrefix(p[i:], "(?P<") ||
				strings.HasPrefix(p[i:], "(?'") ||
				(strings.HasPrefix(p[i:], "(?<") && !strings.HasPrefix(p[i:], "(?<=") && !strings.HasPrefix(p[i:], "(?<!")) {
				n++
			}
		}
	}
	return n
}

// verdict is the outcome of evaluating a PCRE pattern Go cannot compile.
type verdict int

const (
	verdictUnknown verdict = iota
	verdictMatch
	verdictNoMatch
)

// evalPCRE decides whether a pattern Go's regexp rejects matches s. It
// rewrites the pattern (rewritePCRE): when the rewrite does not match, the
// original does not either; when it matches exactly and every lookaround
// holds at its recorded position, the original matches the same way (a
// backtracking engine explores paths in the same priority order as Go's
// leftmost-first match). Anything else is unknown.
func evalPCRE(pattern string, caseless bool, s string) (verdict, *Captures) {
	r, ok := rewritePCRE(pattern, true)
	if !ok {
		return verdictUnknown, nil
	}
	re, err := compileNginxRegex(r.pattern, caseless)
	if err != nil {
		return verdictUnknown, nil
	}
	m := re.FindStringSubmatchIndex(s)
	if m == nil {
		return verdictNoMatch, nil
	}
	if !r.exact {
		return verdictUnknown, nil
	}
	names := re.SubexpNames()
	for i, name := range names {
		k, isMarker := strings.CutPrefix(name, markerPrefix)
		if !isMarker {
			continue
		}
		n, _ := strconv.Atoi(k)
		la := r.looks[n]
		at := m[2*i]
		var probe string
		var target string
		if la.behind {
			probe, target = "(?:"+la.content+`)\z`, s[:at]
		} else {
			probe, target = `\A(?:`+la.content+")", s[at:]
		}
		cre, err := compileNginxRegex(probe, caseless)
		if err != nil {
			return verdictUnknown, nil
		}
		if cre.MatchString(target) == la.negative {
			if la.fixed && !r.topAlt {
				return verdictNoMatch, nil // every path meets it there
			}
			return verdictUnknown, nil // the preferred path fails; others may not
		}
	}
	c := &Captures{}
	for i, name := range names {
		if strings.HasPrefix(name, markerPrefix) {
			continue
		}
		v := ""
		if m[2*i] >= 0 {
			v = s[m[2*i]:m[2*i+1]]
		}
		c.Numbered = append(c.Numbered, v)
		if name != "" {
			if c.Named == nil {
				c.Named = map[string]string{}
			}
			c.Named[name] = v
		}
	}
	return verdictMatch, c
}

// classEnd returns the index of the "]" closing the class opened at i.
func classEnd(p string, i int) int {
	j := i + 1
	if j < len(p) && p[j] == '^' {
		j++
	}
	if j < len(p) && p[j] == ']' {
		j++
	}
	for ; j < len(p); j++ {
		switch p[j] {
		case '\\':
			j++
		case '[':
			if strings.HasPrefix(p[j:], "[:") {
				if k := strings.Index(p[j+2:], ":]"); k >= 0 {
					j += k + 3
				}
			}
		case ']':
			return j
		}
	}
	return -1
}

// groupEnd returns the index of the ")" closing the group opened at i.
func groupEnd(p string, i int) int {
	depth := 0
	for j := i; j < len(p); j++ {
		switch p[j] {
		case '\\':
			j++
		case '[':
			k := classEnd(p, j)
			if k < 0 {
				return -1
			}
			j = k
		case '(':
			depth++
		case ')':
			depth--
			if depth == 0 {
				return j
			}
		}
	}
	return -1
}

// regexMatch matches an nginx regex against s: with Go's regexp when it
// accepts the pattern, else through evalPCRE. err is Go's compile error
// (the reason when the verdict is unknown).
func regexMatch(pattern string, caseless bool, s string) (verdict, *Captures, error) {
	re, err := compileNginxRegex(pattern, caseless)
	if err == nil {
		if c := matchRegex(re, s); c != nil {
			return verdictMatch, c, nil
		}
		return verdictNoMatch, nil, nil
	}
	v, c := evalPCRE(pattern, caseless, s)
	return v, c, err
}
