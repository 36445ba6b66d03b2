package fixer

import (
	"bytes"
	"fmt"
	"io"
	"regexp"
	"strings"

	"github.com/grafanalint/grafanalint/parsers/model"
)

// contextLines is the number of unchanged lines around each change, as in
// `diff -u`.
const contextLines = 3

// DiffOptions configure Diff.
type DiffOptions struct {
	// Secrets are spans of the original files that hold credentials
	// (the positions of secret/plaintext findings): lines that touch them
	// are printed with the value masked.
	Secrets []Span
}

// Span is a range of one file given by positions.
type Span struct{ Start, End model.Pos }

// Diff writes the plan as a unified diff ("--- a/path", "+++ b/path", as
// `git diff` does, paths relative to the working directory), one file
// after the other in path order. No credential is printed: lines changed
// by a secret fix, lines that hold a span of opts.Secrets, lines of
// grafana.ini, YAML and env files whose key names a credential, and the
// password of a URL show "<redacted>" instead of the value. A diff with
// redacted lines is for reading, not for `git apply`.
func (p *Plan) Diff(w io.Writer, opts DiffOptions) error {
	for _, f := range p.Files {
		if err := f.diff(w, opts); err != nil {
			return err
		}
	}
	return nil
}

// line is one line of a file with its terminator.
type line struct {
	text   string // without the line break
	nl     bool   // ends with a line break
	secret bool
}

func (f *File) lines(src []byte, secret [][2]int, extra map[int]bool) []line {
	var out []line
	for off, n := 0, 1; off < len(src); n++ {
		end := bytes.IndexByte(src[off:], '\n')
		l := line{}
		next := len(src)
		if end >= 0 {
			next = off + end + 1
			l.nl = true
			l.text = string(src[off : off+end])
		} else {
			l.text = string(src[off:])
		}
		for _, s := range secret {
			// A span that starts where the line's text ends (lines
			// inserted after it begin with its line break) leaves the
			// line as it was.
			if s[0] < off+len(l.text) && off <= s[1] {
				l.secret = true
			}
		}
		l.secret = l.secret || extra[n]
		out = append(out, l)
		off = next
	}
	return out
}

func (f *File) diff(w io.Writer, opts DiffOptions) error {
	marked := map[int]bool{}
	for _, s := range opts.Secrets {
		if s.Start.File != f.Path {
			continue
		}
		end := s.End.Line
		if end < s.Start.Line {
			end = s.Start.Line
		}
		for l := s.Start.Line; l <= end; l++ {
			marked[l] = true
		}
	}
	a := f.lines(f.Old, f.secretOld, marked)
	b := f.lines(f.New, f.secretNew, nil)
	ops := diffLines(a, b)
	if len(ops) == 0 {
		return nil
	}
	var out strings.Builder
	fmt.Fprintf(&out, "--- a/%s\n+++ b/%s\n", f.Path, f.Path)
	for _, h := range hunks(ops, len(a), len(b)) {
		fmt.Fprintf(&out, "@@ -%s +%s @@\n", rangeOf(h.a0, h.a1), rangeOf(h.b0, h.b1))
		for _, o := range h.ops {
			switch o.kind {
			case ' ':
				f.printLine(&out, ' ', a[o.a], a[o.a].secret || b[o.b].secret)
			case '-':
				f.printLine(&out, '-', a[o.a], a[o.a].secret)
			case '+':
				f.printLine(&out, '+', b[o.b], b[o.b].secret)
			}
		}
	}
	_, err := io.WriteString(w, out.String())
	return err
}

func (f *File) printLine(out *strings.Builder, mark byte, l line, secret bool) {
	out.WriteByte(mark)
	out.WriteString(redactLine(f.Kind, l.text, secret))
	out.WriteByte('\n')
	if !l.nl {
		out.WriteString("\\ No newline at end of file\n")
	}
}

func rangeOf(from, to int) string {
	n := to - from
	switch n {
	case 0:
		return fmt.Sprintf("%d,0", from)
	case 1:
		return fmt.Sprintf("%d", from+1)
	}
	return fmt.Sprintf("%d,%d", from+1, n)
}

// op is one step of an edit script: ' ' keeps a[a] (= b[b]), '-' drops
// a[a], '+' adds b[b].
type op struct {
	kind byte
	a, b int
}

// diffLines returns the edit script from a to b (Myers' O(ND) algorithm),
// or nil when they are equal.
func diffLines(a, b []line) []op {
	eq := func(i, j int) bool { return a[i].text == b[j].text && a[i].nl == b[j].nl }
	n, m := len(a), len(b)
	maxD := n + m
	v := make([]int, 2*maxD+2)
	var trace [][]int
	off := maxD + 1
	found := false
	for d := 0; d <= maxD && !found; d++ {
		trace = append(trace, append([]int(nil), v...))
		for k := -d; k <= d; k += 2 {
			var x int
			if k == -d || k != d && v[off+k-1] < v[off+k+1] {
				x = v[off+k+1]
			} else {
				x = v[off+k-1] + 1
			}
			y := x - k
			for x < n && y < m && eq(x, y) {
				x++
				y++
			}
			v[off+k] = x
			if x >= n && y >= m {
				found = true
				break
			}
		}
	}
	// Walk back through the trace: trace[d] is v as it was before step d.
	var rev []op
	x, y := n, m
	for d := len(trace) - 1; d >= 0; d-- {
		vd := trace[d]
		k := x - y
		var pk int
		if k == -d || k != d && vd[off+k-1] < vd[off+k+1] {
			pk = k + 1
		} else {
			pk = k - 1
		}
		px := vd[off+pk]
		py := px - pk
		for x > px && y > py {
			x--
			y--
			rev = append(rev, op{' ', x, y})
		}
		if d == 0 {
			break
		}
		if x == px {
			y--
			rev = append(rev, op{'+', x, y})
		} else {
			x--
			rev = append(rev, op{'-', x, y})
		}
	}
	ops := make([]op, len(rev))
	changed := false
	for i := range rev {
		ops[i] = rev[len(rev)-1-i]
		if ops[i].kind != ' ' {
			changed = true
		}
	}
	if !changed {
		return nil
	}
	return ops
}

// hunk is a run of ops with its line ranges in a and b ([a0, a1), 0-based).
type hunk struct {
	a0, a1, b0, b1 int
	ops            []op
}

// hunks groups the script into hunks with context lines around changes.
func hunks(ops []op, na, nb int) []hunk {
	var out []hunk
	for i := 0; i < len(ops); {
		if ops[i].kind == ' ' {
			i++
			continue
		}
		start := max(i-contextLines, 0)
		end := i
		for end < len(ops) {
			if ops[end].kind != ' ' {
				end++
				continue
			}
			// A run of unchanged lines: the hunk goes on when another
			// change follows within twice the context.
			j := end
			for j < len(ops) && ops[j].kind == ' ' {
				j++
			}
			if j < len(ops) && j-end <= 2*contextLines {
				end = j
				continue
			}
			end = min(end+contextLines, len(ops))
			break
		}
		h := hunk{ops: ops[start:end]}
		h.a0, h.b0 = position(ops, start, na, nb)
		h.a1, h.b1 = h.a0, h.b0
		for _, o := range h.ops {
			if o.kind != '+' {
				h.a1++
			}
			if o.kind != '-' {
				h.b1++
			}
		}
		out = append(out, h)
		i = end
	}
	return out
}

// position returns the 0-based lines of a and b where ops[i] starts.
func position(ops []op, i, na, nb int) (int, int) {
	if i < len(ops) {
		return ops[i].a, ops[i].b
	}
	return na, nb
}

// secretLine finds "key = value" / "key: value" lines of ini, YAML and env
// files.
var secretLine = regexp.MustCompile(`^(\s*(?:-\s+)?(?:export\s+)?["']?([A-Za-z0-9_.\-]+)["']?\s*[=:]\s*)(\S.*)$`)

// urlPassword finds the password of a URL's user information.
var urlPassword = regexp.MustCompile(`(://[^:/@\s]*:)([^@/\s]+)(@)`)

// redactLine hides credentials in a printed line: all of its value when
// secret is set (a line a secret fix or a secret finding touches), the
// value of a key that names a credential in ini, YAML and env files, and a
// URL's password anywhere. References ($__file{…}, ${VAR}) are no secret.
func redactLine(kind model.Kind, s string, secret bool) string {
	s = urlPassword.ReplaceAllString(s, "${1}"+model.Redacted+"${3}")
	m := secretLine.FindStringSubmatch(s)
	if secret {
		if m != nil {
			return m[1] + model.Redacted
		}
		trimmed := strings.TrimLeft(s, " \t")
		return s[:len(s)-len(trimmed)] + model.Redacted
	}
	switch kind {
	case model.KindIni, model.KindEnv, model.KindDatasources, model.KindProviders, model.KindCompose:
	default:
		return s
	}
	if m == nil || !model.IsSecretKey(m[2]) {
		return s
	}
	v := strings.Trim(m[3], `"' `)
	if strings.HasPrefix(v, "$") && (strings.HasPrefix(v, "$__") || strings.HasPrefix(v, "${")) {
		return s
	}
	return m[1] + model.Redacted
}
