package compose

import (
	"fmt"
	"strings"
	"unicode/utf8"
)

// Vars holds the variables compose interpolates a project's files with,
// as far as the repository tells them: the project's .env file. The shell
// that runs compose is not known; it is taken to set nothing, so that
//
//   - ${VAR:-default} and ${VAR-default} give the default when VAR is not
//     defined here (the value the file's author wrote for that case);
//   - ${VAR}, $VAR, ${VAR:?err}, ${VAR?err}, ${VAR:+alt} and ${VAR+alt}
//     stay unknown when VAR is not defined here: the author expects the
//     shell to decide, and nothing is guessed.
//
// A variable may be defined with an unknown value (a .env line "NAME"
// alone takes it from the shell; "A=${B}" with B unknown); any value built
// from it is unknown too. The zero Vars and a nil *Vars define nothing.
type Vars struct {
	vars map[string]envValue
	// next is consulted for names this Vars does not define.
	next *Vars
}

type envValue struct {
	v     string
	known bool
}

// NewVars returns an empty Vars that falls back to next (which may be nil)
// for the names it does not define.
func NewVars(next *Vars) *Vars { return &Vars{next: next} }

// Set defines name with a known value.
func (e *Vars) Set(name, value string) {
	if e.vars == nil {
		e.vars = map[string]envValue{}
	}
	e.vars[name] = envValue{v: value, known: true}
}

// SetUnknown defines name with a value the repository does not tell.
func (e *Vars) SetUnknown(name string) {
	if e.vars == nil {
		e.vars = map[string]envValue{}
	}
	e.vars[name] = envValue{}
}

// Lookup returns name's value; known is false when the value is unknown,
// found is false when no Vars in the chain defines name.
func (e *Vars) Lookup(name string) (value string, known, found bool) {
	for x := e; x != nil; x = x.next {
		if v, ok := x.vars[name]; ok {
			return v.v, v.known, true
		}
	}
	return "", false, false
}

// Limits of interpolation: how deep defaults may nest and how long a
// result may grow (a .env whose every line doubles the previous one would
// otherwise need exponential memory).
const (
	maxInterpDepth = 64
	// MaxValueLen is the longest interpolated value; longer ones stay
	// unknown and are reported.
	MaxValueLen = 64 << 10
)

// Value is the result of interpolating a string.
type Value struct {
	// V is the string compose passes on. Parts whose value is unknown are
	// kept as written in braces ("$TAG" becomes "${TAG}"), so that V still
	// shows what is unknown and IsDynamic(V) holds.
	V string
	// Known is true when V is the exact value.
	Known bool
	// Err describes a template compose refuses ("invalid interpolation
	// …", "… expands beyond …"); V and Known describe the rest.
	Err string
}

// Interpolate substitutes compose variables in s the way compose-go's
// template package does (compose specification, "Interpolation"):
// $$ is a literal $; $NAME and ${NAME} (NAME = [_a-zA-Z][_a-zA-Z0-9]*) are
// the variable; ${NAME:-d}, ${NAME-d}, ${NAME:?e}, ${NAME?e}, ${NAME:+a},
// ${NAME+a} as in the shell, the operator being the first one after the
// name and d, e and a interpolated in turn (so defaults nest); a "$"
// followed by anything else is kept. A "${" that starts no valid
// expression makes the template invalid (compose stops with "Invalid
// template"). What env does not tell is unknown, never guessed.
func Interpolate(s string, env *Vars) Value {
	if !strings.Contains(s, "$") {
		return Value{V: s, Known: true}
	}
	in := &interp{env: env}
	v := in.run(s, 0)
	return Value{V: v, Known: !in.unknown, Err: in.err}
}

type interp struct {
	env     *Vars
	unknown bool
	err     string
}

func (in *interp) fail(msg string) {
	in.unknown = true
	if in.err == "" {
		in.err = msg
	}
}

func isNameStart(c byte) bool {
	return c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z'
}

func isNameChar(c byte) bool { return isNameStart(c) || c >= '0' && c <= '9' }

func (in *interp) run(s string, depth int) string {
	if depth > maxInterpDepth {
		in.fail(fmt.Sprintf("interpolation nests more than %d levels deep", maxInterpDepth))
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); {
		if b.Len() > MaxValueLen {
			in.fail(fmt.Sprintf("interpolated value grows beyond %d KiB", MaxValueLen>>10))
			return b.String()
		}
		c := s[i]
		if c != '$' || i+1 >= len(s) {
			b.WriteByte(c)
			i++
			continue
		}
		switch n := s[i+1]; {
		case n == '$':
			b.WriteByte('$')
			i += 2
		case isNameStart(n):
			j := i + 2
			for j < len(s) && isNameChar(s[j]) {
				j++
			}
			name := s[i+1 : j]
			if v, known, _ := in.env.Lookup(name); known {
				b.WriteString(v)
			} else {
				in.unknown = true
				b.WriteString("${" + name + "}")
			}
			i = j
		case n == '{':
			end, ok := braceEnd(s, i)
			if !ok {
				rest := s[i:]
				if k := strings.IndexByte(rest, '\n'); k >= 0 {
					rest = rest[:k]
				}
				in.fail(fmt.Sprintf("invalid interpolation %q: expected ${NAME}, ${NAME:-default}, ${NAME:?error} or ${NAME:+alternative}", shorten(rest)))
				b.WriteString(s[i:])
				return b.String()
			}
			b.WriteString(in.braced(s[i:end+1], depth))
			i = end + 1
		default:
			b.WriteByte('$')
			i++
		}
	}
	if b.Len() > MaxValueLen {
		in.fail(fmt.Sprintf("interpolated value grows beyond %d KiB", MaxValueLen>>10))
	}
	return b.String()
}

// braceEnd finds the "}" that closes the expression "${…" at s[i], as
// compose-go does: the expression must be a name, optionally followed by
// an operator and any text on the same line, then "}"; it ends at the
// first "}" that balances the braces opened since "${", else at the last
// "}" of the line.
func braceEnd(s string, i int) (int, bool) {
	j := i + 2
	if j >= len(s) || !isNameStart(s[j]) {
		return 0, false
	}
	for j < len(s) && isNameChar(s[j]) {
		j++
	}
	if j < len(s) && s[j] == '}' {
		return j, true
	}
	if _, ok := operatorAt(s, j); !ok {
		return 0, false
	}
	line := len(s)
	if k := strings.IndexByte(s[j:], '\n'); k >= 0 {
		line = j + k
	}
	last := strings.LastIndexByte(s[j:line], '}')
	if last < 0 {
		return 0, false
	}
	last += j
	open := 0
	for k := i; k <= last; k++ {
		switch s[k] {
		case '}':
			open--
			if open == 0 {
				return k, true
			}
		case '{':
			open++
			k++
		}
	}
	return last, true
}

var operators = []string{":-", ":?", ":+", "-", "?", "+"}

// operatorAt returns the operator that starts at s[j].
func operatorAt(s string, j int) (string, bool) {
	for _, op := range operators {
		if strings.HasPrefix(s[j:], op) {
			return op, true
		}
	}
	return "", false
}

// braced evaluates one "${…}" expression.
func (in *interp) braced(expr string, depth int) string {
	inner := expr[2 : len(expr)-1]
	j := 0
	for j < len(inner) && isNameChar(inner[j]) {
		j++
	}
	name := inner[:j]
	v, known, found := in.env.Lookup(name)
	op, _ := operatorAt(inner, j)
	arg := inner[min(j+len(op), len(inner)):]
	unknown := func() string {
		in.unknown = true
		return expr
	}
	switch op {
	case "":
		if known {
			return v
		}
		return unknown()
	case ":-", "-":
		if !found || op == ":-" && known && v == "" {
			return in.run(arg, depth+1)
		}
		if known {
			return v
		}
		return unknown()
	case ":?", "?":
		if known && (op == "?" || v != "") {
			return v
		}
		return unknown()
	default: // ":+", "+"
		if !found || !known {
			return unknown()
		}
		if op == "+" || v != "" {
			return in.run(arg, depth+1)
		}
		return v
	}
}

// shorten quotes long template text in messages.
func shorten(s string) string {
	if utf8.RuneCountInString(s) <= 60 {
		return s
	}
	r := []rune(s)
	return string(r[:57]) + "..."
}
