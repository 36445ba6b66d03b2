package query

import (
	"slices"
	"strings"
	"sync/atomic"

	"github.com/grafanalint/grafanalint/parsers/interpolate"
	"github.com/grafanalint/grafanalint/parsers/model"
)

// lang is the query language a text is expanded for.
type lang int

const (
	promQL lang = iota
	logQL
)

// slot is the syntactic place a reference sits in, read from the text
// around it; it decides what the reference is replaced by.
type slot int

const (
	slotExpr     slot = iota // an operand: metric name, number, sub-expression
	slotString               // inside a quoted string
	slotDuration             // inside [...] or after offset
	slotLabel                // a label name (grouping, before a matcher operator)
	slotMatchers             // a matcher-list position inside {...}
	slotWord                 // glued to an identifier (node_$x, ${p}_total)
)

// durationMacros are Grafana's built-in variables that hold a duration
// (Prometheus: grafana/grafana pkg/promlib/models/query.go
// interpolateVariables; Loki: pkg/tsdb/loki interpolateVariables, which
// also has $__auto; interval variables' auto value $__auto_interval_<name>).
var durationMacros = map[string]bool{
	"__interval": true, "__rate_interval": true, "__range": true, "__auto": true,
}

// numberMacros hold a number (milliseconds, seconds, timestamps).
var numberMacros = map[string]bool{
	"__interval_ms": true, "__rate_interval_ms": true, "__range_s": true, "__range_ms": true,
	"__from": true, "__to": true,
}

// rateIntervalValue stands for $__rate_interval: a duration no query
// writes by hand, so rules can tell it from a fixed range.
const rateIntervalValue = "4242s"

// expansion is one way of replacing the references of a text.
type expansion struct {
	src   string
	refs  []interpolate.Ref
	slots []slot
	// cands[i] are the values reference i may take (candidates), nil for
	// the reference as written; choice[i] indexes them.
	cands  [][]string
	choice []int
	d      *model.Dashboard
	lang   lang
	// specific: a constant or interval variable of d chose the
	// candidates of a reference (see checkDep).
	specific bool
	// Room for the slices of a text with few references.
	slotsBuf  [4]slot
	choiceBuf [4]int
	candsBuf  [4][]string
}

// newExpansion finds the references of s and their slots.
func newExpansion(s string, d *model.Dashboard, l lang) *expansion {
	e := &expansion{src: s, d: d, lang: l}
	sh := shapeInto(s, l, e.slotsBuf[:0])
	e.refs, e.slots = sh.refs, sh.slots
	n := len(e.refs)
	if n == 0 {
		return e
	}
	if n <= len(e.choiceBuf) {
		e.choice, e.cands = e.choiceBuf[:n], e.candsBuf[:n]
	} else {
		e.choice, e.cands = make([]int, n), make([][]string, n)
	}
	for i := range n {
		e.cands[i] = e.candidates(i)
	}
	return e
}

// shape is what a text's expansions have in common whatever the
// dashboard: its references and the slot of each.
type shape struct {
	refs  []interpolate.Ref
	slots []slot
}

// noRefs is the shape of a text without references.
var noRefs = shape{slots: []slot{}}

// shapeOf returns the shape of s in language l.
func shapeOf(s string, l lang) shape { return shapeInto(s, l, nil) }

// shapeInto returns the shape of s in language l, its slots in dst when
// they fit.
func shapeInto(s string, l lang, dst []slot) shape {
	if !strings.Contains(s, "$") && !strings.Contains(s, "[[") {
		return noRefs // every reference starts with "$" or "[["
	}
	refs := interpolate.Find(s)
	return shape{refs: refs, slots: slotsOf(s, refs, l, dst)}
}

func newShape(s string, l lang) shape {
	refs := interpolate.Find(s)
	return shape{refs: refs, slots: slotsOf(s, refs, l, nil)}
}

// deps returns the variables the candidates of e's references would
// depend on in another dashboard (every reference but Grafana's macros),
// once each.
func (e *expansion) deps() []checkDep {
	var out []checkDep
	for i, r := range e.refs {
		if strings.HasPrefix(r.Name, "__") {
			continue
		}
		notRange := e.slots[i] != slotDuration
		j := slices.IndexFunc(out, func(d checkDep) bool { return d.name == r.Name })
		if j < 0 {
			out = append(out, checkDep{name: strings.Clone(r.Name), notRange: notRange})
		} else if notRange {
			out[j].notRange = true
		}
	}
	return out
}

// variable returns the dashboard variable a reference names, or nil.
func (e *expansion) variable(r interpolate.Ref) *model.Variable {
	if e.d == nil {
		return nil
	}
	for _, v := range e.d.Variables {
		if v.Name.V == r.Name {
			return v
		}
	}
	return nil
}

// candidates returns the values reference i may be replaced by, the most
// likely first. Built-in macros and constant and interval variables have
// one value; other variables get a value that fits their slot, or, as an
// operand, each kind of operand in turn.
//
// Only a constant variable (its value) and an interval variable (a
// duration) make the candidates depend on the dashboard: a variable's
// format and multi-value flags do not change how "x" is written. e
// records when they did (specific).
func (e *expansion) candidates(i int) []string {
	r := e.refs[i]
	name := r.Name
	switch {
	case name == "__rate_interval":
		return candRateInterval
	case durationMacros[name] || strings.HasPrefix(name, "__auto_interval"):
		return candDuration
	case numberMacros[name]:
		if strings.HasPrefix(r.Format, "date") && r.Format != "date:ms" && r.Format != "date:seconds" {
			return []string{format(r, "2024-01-01T00:00:00.000Z", nil)}
		}
		return candNumber
	case strings.HasPrefix(name, "__"):
		return one(format(r, "x", nil))
	}
	v := e.variable(r)
	if v != nil {
		switch v.Type {
		case "constant":
			if c, ok := constantValue(v); ok {
				e.specific = true
				return []string{format(r, c, v)}
			}
		case "interval":
			if e.slots[i] != slotDuration {
				e.specific = true
			}
			return candDuration
		}
	}
	switch e.slots[i] {
	case slotString:
		if f := format(r, "x", v); f != "x" && strings.ContainsAny(f, `"'`) {
			return []string{f}
		}
		// Inside a string any value parses; the reference is kept as
		// written so that rules read matcher values as the user wrote them.
		return nil
	case slotLabel, slotWord:
		return one(format(r, "x", v))
	case slotDuration:
		return candDuration
	case slotMatchers:
		return candMatchers
	}
	if r.Format != "" {
		return one(format(r, "x", v))
	}
	if e.lang == logQL {
		return candLogOperand
	}
	return candOperand
}

// Candidate lists shared by every expansion (never modified).
var (
	candRateInterval = []string{rateIntervalValue}
	candDuration     = []string{"1m"}
	candNumber       = []string{"60000"}
	candMatchers     = []string{`x="x"`}
	candX            = []string{"x"}
	candOperand      = []string{"x", "1"}
	candLogOperand   = []string{"x", "1", `|= "x"`}
)

// one returns the candidate list of a single value, shared when it is "x".
func one(v string) []string {
	if v == "x" {
		return candX
	}
	return []string{v}
}

// format applies a variable format to a single value the way Grafana's
// formatRegistry does (public/app/features/templating/formatRegistry.ts);
// without a format, Prometheus and Loki escape backslashes and quotes of a
// single-value variable and regex-escape a multi-value one.
func format(r interpolate.Ref, val string, v *model.Variable) string {
	f, _, _ := strings.Cut(r.Format, ":")
	switch f {
	case "doublequote":
		return `"` + strings.ReplaceAll(val, `"`, `\"`) + `"`
	case "singlequote":
		return `'` + strings.ReplaceAll(val, `'`, `\'`) + `'`
	case "sqlstring":
		return `'` + strings.ReplaceAll(val, `'`, `''`) + `'`
	case "json":
		return `"` + strings.ReplaceAll(strings.ReplaceAll(val, `\`, `\\`), `"`, `\"`) + `"`
	case "queryparam":
		return "var-" + r.Name + "=" + val
	case "regex":
		return regexEscape(val)
	case "":
		if v != nil && (v.Multi || v.IncludeAll) {
			return regexEscape(val)
		}
		return strings.ReplaceAll(strings.ReplaceAll(val, `\`, `\\`), `'`, `\\'`)
	}
	return val
}

// regexEscape is kbn.regexEscape: a backslash before each regex
// metacharacter.
func regexEscape(s string) string {
	var b strings.Builder
	for _, c := range s {
		if strings.ContainsRune(`[\^$.|?*+(){}`+"]", c) {
			b.WriteByte('\\')
		}
		b.WriteRune(c)
	}
	return b.String()
}

// expand returns the text with the current choice of values.
func (e *expansion) expand(s string) *interpolate.Result {
	return interpolate.Replace(s, e.refs, func(i int) (string, bool) {
		c := e.cands[i]
		if c == nil {
			return s[e.refs[i].Start:e.refs[i].End], true
		}
		return c[min(e.choice[i], len(c)-1)], true
	})
}

// retry moves to the next value of the reference an error at out offsets
// [errStart, errEnd) of res most likely comes from: the last reference
// with untried values that starts before errEnd. It reports false when no
// reference has values left.
func (e *expansion) retry(res *interpolate.Result, errEnd int) bool {
	last := res.RefAt(max(errEnd, 0))
	for i := last; i >= 0; i-- {
		if e.choice[i]+1 < len(e.cands[i]) { // nil: one value
			e.choice[i]++
			for j := i + 1; j < len(e.choice); j++ {
				e.choice[j] = 0
			}
			return true
		}
	}
	for i := last + 1; i < len(e.refs); i++ {
		if e.choice[i]+1 < len(e.cands[i]) { // nil: one value
			e.choice[i]++
			return true
		}
	}
	return false
}

// parseError is a parser's complaint about an interpolated text: byte
// offsets into it and the message.
type parseError struct {
	start, end int
	msg        string
}

// maxAttempts bounds the values tried for the references of one query.
const maxAttempts = 16

// parsed is an expansion that parsed: the parser's result and the
// offset map of the text it read.
type parsed struct {
	ast any
	res *interpolate.Result
}

// parseFunc parses an interpolated text.
type parseFunc func(string) (any, *parseError)

// parses counts the texts handed to a query parser (a check answered by
// the memo counts as one), so tests can show that nothing is parsed when
// no query rule runs. It counts only when countParses is set (by the
// package's tests): one counter shared by every worker would have their
// cores pass its cache line back and forth on every query.
var (
	parses      atomic.Int64
	countParses bool
)

// counted counts one parse in parses, when counting.
func counted() {
	if countParses {
		parses.Add(1)
	}
}

// check expands s, parses it with parse, and retries other values for
// references while it fails. It returns what parsed, or else the first
// attempt's error with its offset mapped to s.
func check(s string, d *model.Dashboard, l lang, parse parseFunc) (ok *parsed, err *parseError, srcOff int) {
	return newExpansion(s, d, l).run(s, parse)
}

// run parses the expansions of s (e's text) with parse, as check does.
func (e *expansion) run(s string, parse parseFunc) (ok *parsed, err *parseError, srcOff int) {
	var first *parseError
	var firstRes *interpolate.Result
	for range maxAttempts {
		res := e.expand(s)
		counted()
		ast, perr := parse(res.Text)
		if perr == nil {
			return &parsed{ast: ast, res: res}, nil, 0
		}
		if first == nil {
			first, firstRes = perr, res
		}
		if len(e.refs) == 0 || !e.retry(res, perr.end) {
			break
		}
	}
	return nil, first, firstRes.SourceOffset(first.start)
}

// slotsOf reads the slot of each reference from the text around it:
// quotes (", ' and ` strings, with backslash escapes except in backticks),
// [...] ranges, {...} selectors, the parentheses after by, without, on,
// ignoring, group_left and group_right, and the word before and after.
//
// The slots are stored in dst when it has room.
func slotsOf(s string, refs []interpolate.Ref, l lang, dst []slot) []slot {
	var out []slot
	if len(refs) > 0 && cap(dst) >= len(refs) {
		out = dst[:len(refs)]
		clear(out)
	} else {
		out = make([]slot, len(refs))
	}
	if len(refs) == 0 {
		return out
	}
	var stackBuf [8]frame
	stack := stackBuf[:0]
	ri := 0
	var quote byte
	prevWord := ""
	for i := 0; i < len(s) && ri < len(refs); {
		if i == refs[ri].Start {
			var top frame
			if len(stack) > 0 {
				top = stack[len(stack)-1]
			}
			out[ri] = slotAt(s, refs[ri], quote, top, prevWord, l)
			i = refs[ri].End
			ri++
			continue
		}
		c := s[i]
		if quote != 0 {
			switch {
			case c == '\\' && quote != '`':
				i += 2
				continue
			case c == quote:
				quote = 0
			}
			i++
			continue
		}
		switch c {
		case '"', '\'', '`':
			quote = c
		case '#':
			if j := strings.IndexByte(s[i:], '\n'); j >= 0 {
				i += j
				continue
			}
			i = len(s)
			continue
		case '(':
			stack = append(stack, frame{open: '(', labels: isGroupingWord(prevWord)})
		case '[':
			stack = append(stack, frame{open: '['})
		case '{':
			stack = append(stack, frame{open: '{'})
		case ')', ']', '}':
			if len(stack) > 0 {
				stack = stack[:len(stack)-1]
			}
		}
		if isWordByte(c) {
			j := i
			for j < len(s) && isWordByte(s[j]) && (ri >= len(refs) || j != refs[ri].Start) {
				j++
			}
			prevWord = strings.ToLower(s[i:j])
			i = j
			continue
		}
		if c != ' ' && c != '\t' && c != '\n' && c != '\r' {
			prevWord = ""
		}
		i++
	}
	return out
}

// frame is an open bracket: its character and, for "(", whether it holds
// grouping labels (by, without, on, ignoring, group_left, group_right).
type frame struct {
	open   byte
	labels bool
}

// slotAt decides the slot of reference r.
func slotAt(s string, r interpolate.Ref, quote byte, c frame, prevWord string, l lang) slot {
	if quote != 0 {
		return slotString
	}
	if (r.Start > 0 && isIdentByte(s[r.Start-1])) || (r.End < len(s) && isIdentByte(s[r.End])) {
		return slotWord
	}
	if prevWord == "offset" {
		return slotDuration
	}
	switch c.open {
	case '[':
		return slotDuration
	case '(':
		if c.labels {
			return slotLabel
		}
	case '{':
		next := strings.TrimLeft(s[r.End:], " \t\r\n")
		if strings.HasPrefix(next, "=") || strings.HasPrefix(next, "!") {
			return slotLabel
		}
		prev := strings.TrimRight(s[:r.Start], " \t\r\n")
		if strings.HasSuffix(prev, "{") || strings.HasSuffix(prev, ",") {
			return slotMatchers
		}
	}
	if l == logQL {
		// A label of a pipeline label filter or format: "| $label > 10".
		next := strings.TrimLeft(s[r.End:], " \t\r\n")
		for _, op := range []string{"==", "!=", ">=", "<=", "=~", "!~", "=", ">", "<"} {
			if strings.HasPrefix(next, op) {
				return slotLabel
			}
		}
	}
	return slotExpr
}

func isGroupingWord(w string) bool {
	switch w {
	case "by", "without", "on", "ignoring", "group_left", "group_right":
		return true
	}
	return false
}

func isWordByte(c byte) bool {
	return c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
}

// isIdentByte reports whether c continues a metric or label name.
func isIdentByte(c byte) bool { return isWordByte(c) }
