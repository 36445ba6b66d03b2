package logql

import (
	"fmt"
	"regexp"
	"regexp/syntax"
	"strconv"
	"strings"
	"unicode/utf8"
)

// Error is why a query does not parse: Loki's message and the byte offset
// of the token (or construct) it is about.
type Error struct {
	Offset int
	Msg    string
}

func (e *Error) Error() string { return e.Msg }

// exprKind is what an expression evaluates to.
type exprKind int

const (
	kindLog    exprKind = iota // a log selector with an optional pipeline
	kindSample                 // a metric expression
	kindLiteral
	kindVector
	kindVariants
)

// expr is what validation needs of an expression.
type expr struct {
	kind exprKind
	pos  int
	// selectors are the stream selectors it reads, for the
	// at-least-one-matcher rule.
	selectors []selector
}

type selector struct {
	pos      int
	matchers []matcher
}

type matcher struct {
	name, op, value string
	// emptyRE: the regex of a =~ or !~ matcher matches "" (checkRegex).
	emptyRE bool
}

// matchesEmpty reports whether the matcher selects a stream without the
// label (Loki's util.SplitFiltersAndMatchers treats such matchers as
// filters).
func (m matcher) matchesEmpty() bool {
	switch m.op {
	case "=":
		return m.value == ""
	case "!=":
		return m.value != ""
	case "=~", "!~":
		return m.emptyRE == (m.op == "=~")
	}
	return false
}

// Parse checks a LogQL expression (ParseExpr: the grammar, the
// constructors' checks and validateExpr).
func Parse(input string) *Error {
	p := &parser{lex: &lexer{src: input}}
	return p.run(func() *Error {
		e := p.expr(0)
		if p.tok.kind != tEOF {
			p.unexpected("")
		}
		return validate(e)
	})
}

// ParseSelector checks a stream selector ({app="x"}), as Loki's label
// and series APIs read their query parameter.
func ParseSelector(input string) *Error {
	p := &parser{lex: &lexer{src: input}}
	return p.run(func() *Error {
		s := p.selector()
		if p.tok.kind != tEOF {
			p.unexpected("")
		}
		return validate(expr{kind: kindLog, pos: s.pos, selectors: []selector{s}})
	})
}

// validate is Loki's validateExpr: every selector needs a matcher that
// does not match the empty value.
func validate(e expr) *Error {
	if e.kind == kindLiteral || e.kind == kindVector {
		return nil
	}
	for _, s := range e.selectors {
		ok := false
		for _, m := range s.matchers {
			if !m.matchesEmpty() {
				ok = true
				break
			}
		}
		if !ok {
			return &Error{Offset: s.pos, Msg: `queries require at least one regexp or equality matcher that does not have an empty-compatible value. For instance, app=~".*" does not meet this requirement, but app=~".+" will`}
		}
	}
	return nil
}

// parser is a recursive-descent reading of Loki's syntax.y.
type parser struct {
	lex *lexer
	tok token
}

// bail carries an *Error out of the descent.
type bail struct{ err *Error }

func (p *parser) run(fn func() *Error) (err *Error) {
	defer func() {
		if r := recover(); r != nil {
			b, ok := r.(bail)
			if !ok {
				panic(r)
			}
			err = b.err
		}
	}()
	p.advance()
	return fn()
}

func (p *parser) fail(off int, format string, args ...any) {
	panic(bail{&Error{Offset: off, Msg: fmt.Sprintf(format, args...)}})
}

func (p *parser) advance() {
	p.tok = p.lex.next()
	if p.tok.kind == tError {
		p.fail(p.tok.pos, "%s", p.tok.err)
	}
}

// describe names a token as goyacc's messages do.
func describe(t token) string {
	switch t.kind {
	case tEOF:
		return "$end"
	case tIdent:
		return "IDENTIFIER"
	case tString:
		return "STRING"
	case tNumber:
		return "NUMBER"
	case tDuration:
		return "DURATION"
	case tBytes:
		return "BYTES"
	case tRange:
		return "RANGE"
	case tFlag:
		return "FUNCTION_FLAG"
	}
	return strconv.Quote(t.text)
}

func (p *parser) unexpected(expecting string) {
	msg := "syntax error: unexpected " + describe(p.tok)
	if expecting != "" {
		msg += ", expecting " + expecting
	}
	p.fail(p.tok.pos, "%s", msg)
}

func (p *parser) is(kw string) bool { return p.tok.kind == tKeyword && p.tok.text == kw }

func (p *parser) isFunc(kw string) bool { return p.is(kw) && p.tok.function }

func (p *parser) expect(kw string) token {
	if !p.is(kw) {
		p.unexpected(strconv.Quote(kw))
	}
	t := p.tok
	p.advance()
	return t
}

func (p *parser) expectKind(k kind, name string) token {
	if p.tok.kind != k {
		p.unexpected(name)
	}
	t := p.tok
	p.advance()
	return t
}

// binary operator precedences, lowest first (syntax.y %left/%right).
var precedence = map[string]int{
	"or": 1, "and": 2, "unless": 2,
	"==": 3, "!=": 3, "<": 3, "<=": 3, ">": 3, ">=": 3,
	"+": 4, "-": 4, "*": 5, "/": 5, "%": 5, "^": 6,
}

// expr reads an expression whose binary operators bind tighter than min.
func (p *parser) expr(min int) expr {
	lhs := p.unary()
	for {
		if p.tok.kind != tKeyword {
			return lhs
		}
		op := p.tok.text
		prec, ok := precedence[op]
		if !ok || prec <= min {
			return lhs
		}
		p.advance()
		p.binOpModifier()
		next := prec
		if op == "^" {
			next = prec - 1 // right associative
		}
		rhs := p.expr(next)
		lhs = binOp(p, op, lhs, rhs)
	}
}

// binOp is mustNewBinOpExpr's checks.
func binOp(p *parser, op string, lhs, rhs expr) expr {
	if lhs.kind == kindLog {
		p.fail(lhs.pos, "unexpected type for left leg of binary operation (%s): *syntax.PipelineExpr", op)
	}
	if rhs.kind == kindLog {
		p.fail(rhs.pos, "unexpected type for right leg of binary operation (%s): *syntax.PipelineExpr", op)
	}
	if op == "or" || op == "and" || op == "unless" {
		if lhs.kind == kindLiteral {
			p.fail(lhs.pos, "unexpected literal for left leg of logical/set binary operation (%s)", op)
		}
		if rhs.kind == kindLiteral {
			p.fail(rhs.pos, "unexpected literal for right leg of logical/set binary operation (%s)", op)
		}
	}
	k := kindSample
	if lhs.kind == kindLiteral && rhs.kind == kindLiteral {
		k = kindLiteral
	}
	return expr{kind: k, pos: lhs.pos, selectors: append(lhs.selectors, rhs.selectors...)}
}

// binOpModifier reads [bool] [on|ignoring (labels)] [group_left|group_right [(labels)]].
func (p *parser) binOpModifier() {
	if p.is("bool") {
		p.advance()
	}
	if p.is("on") || p.is("ignoring") {
		p.advance()
		p.labelList(true)
		if p.is("group_left") || p.is("group_right") {
			p.advance()
			if p.is("(") {
				p.labelList(true)
			}
		}
	}
}

// labelList reads ( [IDENTIFIER {, IDENTIFIER}] ).
func (p *parser) labelList(emptyOK bool) {
	p.expect("(")
	if p.is(")") {
		if !emptyOK {
			p.unexpected("IDENTIFIER")
		}
		p.advance()
		return
	}
	for {
		p.expectKind(tIdent, "IDENTIFIER")
		if p.is(",") {
			p.advance()
			continue
		}
		p.expect(")")
		return
	}
}

// grouping reads by|without ( labels ) and reports whether labels were
// given.
func (p *parser) grouping() (present, labels bool) {
	if !p.is("by") && !p.is("without") {
		return false, false
	}
	p.advance()
	p.expect("(")
	if p.is(")") {
		p.advance()
		return true, false
	}
	for {
		p.expectKind(tIdent, "IDENTIFIER")
		if p.is(",") {
			p.advance()
			continue
		}
		p.expect(")")
		return true, true
	}
}

var rangeOps = map[string]bool{
	"count_over_time": true, "rate": true, "rate_counter": true, "bytes_over_time": true,
	"bytes_rate": true, "avg_over_time": true, "sum_over_time": true, "min_over_time": true,
	"max_over_time": true, "stdvar_over_time": true, "stddev_over_time": true,
	"quantile_over_time": true, "first_over_time": true, "last_over_time": true,
	"absent_over_time": true,
}

var vectorOps = map[string]bool{
	"sum": true, "avg": true, "count": true, "max": true, "min": true, "stddev": true,
	"stdvar": true, "bottomk": true, "topk": true, "sort": true, "sort_desc": true,
	"approx_topk": true,
}

// unary reads an operand.
func (p *parser) unary() expr {
	t := p.tok
	switch {
	case p.is("("):
		p.advance()
		e := p.expr(0)
		p.expect(")")
		e.pos = t.pos
		return e
	case p.is("{"):
		s := p.selector()
		p.pipeline(false)
		return expr{kind: kindLog, pos: t.pos, selectors: []selector{s}}
	case t.kind == tNumber:
		p.advance()
		p.literal(t)
		return expr{kind: kindLiteral, pos: t.pos}
	case p.is("+") || p.is("-"):
		p.advance()
		n := p.expectKind(tNumber, "NUMBER")
		p.literal(n)
		return expr{kind: kindLiteral, pos: t.pos}
	case t.kind == tKeyword && t.function && rangeOps[t.text]:
		return p.rangeAggregation()
	case t.kind == tKeyword && t.function && vectorOps[t.text]:
		return p.vectorAggregation()
	case p.isFunc("label_replace"):
		p.advance()
		p.expect("(")
		e := p.expr(0)
		if e.kind == kindLog {
			p.fail(e.pos, "syntax error: unexpected \",\"")
		}
		p.expect(",")
		p.expectKind(tString, "STRING")
		p.expect(",")
		p.expectKind(tString, "STRING")
		p.expect(",")
		p.expectKind(tString, "STRING")
		p.expect(",")
		re := p.expectKind(tString, "STRING")
		p.expect(")")
		if _, err := regexp.Compile("^(?:" + re.text + ")$"); err != nil {
			p.fail(re.pos, "invalid regex in label_replace: %s", err)
		}
		return expr{kind: kindSample, pos: t.pos, selectors: e.selectors}
	case p.isFunc("vector"):
		p.advance()
		p.expect("(")
		n := p.expectKind(tNumber, "NUMBER")
		p.literal(n)
		p.expect(")")
		return expr{kind: kindVector, pos: t.pos}
	case p.is("variants"):
		p.advance()
		p.expect("(")
		var sels []selector
		for {
			e := p.expr(0)
			if e.kind == kindLog {
				p.fail(e.pos, "syntax error: unexpected \"|\"")
			}
			sels = append(sels, e.selectors...)
			if p.is(",") {
				p.advance()
				continue
			}
			break
		}
		p.expect(")")
		p.expect("of")
		p.expect("(")
		r := p.logRange()
		p.expect(")")
		return expr{kind: kindVariants, pos: t.pos, selectors: append(sels, r)}
	}
	p.unexpected("")
	return expr{}
}

// literal is mustNewLiteralExpr: the number must parse as a float.
func (p *parser) literal(t token) {
	if _, err := strconv.ParseFloat(strings.ReplaceAll(t.text, "_", ""), 64); err != nil {
		if _, ierr := strconv.ParseInt(t.text, 0, 64); ierr != nil {
			p.fail(t.pos, "unable to parse float: %s", err)
		}
	}
}

// rangeAggregation reads rangeOp ( [NUMBER ,] logRangeExpr ) [grouping]
// and applies newRangeAggregationExpr's checks.
func (p *parser) rangeAggregation() expr {
	op := p.tok
	p.advance()
	p.expect("(")
	var param *token
	if p.tok.kind == tNumber {
		n := p.tok
		param = &n
		p.advance()
		p.expect(",")
	}
	unwrap := false
	r := p.logRangeWith(&unwrap)
	p.expect(")")
	grouped, _ := p.grouping()
	name := op.text
	switch {
	case param != nil && name != "quantile_over_time":
		p.fail(param.pos, "parameter %s not supported for operation %s", param.text, name)
	case param == nil && name == "quantile_over_time":
		p.fail(op.pos, "parameter required for operation %s", name)
	}
	if grouped {
		switch name {
		case "avg_over_time", "stddev_over_time", "stdvar_over_time", "quantile_over_time",
			"max_over_time", "min_over_time", "first_over_time", "last_over_time":
		default:
			p.fail(op.pos, "grouping not allowed for %s aggregation", name)
		}
	}
	if unwrap {
		switch name {
		case "avg_over_time", "sum_over_time", "max_over_time", "min_over_time", "stddev_over_time",
			"stdvar_over_time", "quantile_over_time", "rate", "rate_counter", "absent_over_time",
			"first_over_time", "last_over_time":
		default:
			p.fail(op.pos, "invalid aggregation %s with unwrap", name)
		}
	} else {
		switch name {
		case "bytes_over_time", "bytes_rate", "count_over_time", "rate", "absent_over_time":
		default:
			p.fail(op.pos, "invalid aggregation %s without unwrap", name)
		}
	}
	return expr{kind: kindSample, pos: op.pos, selectors: []selector{r}}
}

// vectorAggregation reads vectorOp [grouping] ( [NUMBER ,] metricExpr )
// [grouping] and applies mustNewVectorAggregationExpr's checks.
func (p *parser) vectorAggregation() expr {
	op := p.tok
	p.advance()
	grouped, labels := p.grouping()
	p.expect("(")
	var param *token
	if p.tok.kind == tNumber {
		// NUMBER , metricExpr — or a metric expression starting with a
		// number literal.
		save, saveTok := p.lex.off, p.tok
		n := p.tok
		p.advance()
		if p.is(",") {
			param = &n
			p.advance()
		} else {
			p.lex.off, p.tok = save, saveTok
		}
	}
	e := p.expr(0)
	if e.kind == kindLog {
		p.fail(e.pos, "syntax error: unexpected %s", describe(p.tok))
	}
	p.expect(")")
	if !grouped {
		grouped, labels = p.grouping()
	}
	name := op.text
	switch name {
	case "bottomk", "topk", "approx_topk":
		if param == nil {
			p.fail(op.pos, "parameter required for operation %s", name)
		}
		k, err := strconv.Atoi(param.text)
		if err != nil {
			p.fail(param.pos, "invalid parameter %s(%s,", name, param.text)
		}
		if k <= 0 {
			p.fail(param.pos, "invalid parameter (must be greater than 0) %s(%s", name, param.text)
		}
		if name == "approx_topk" && grouped {
			p.fail(op.pos, "grouping not allowed for %s aggregation", name)
		}
	default:
		if param != nil {
			p.fail(param.pos, "unsupported parameter for operation %s(%s,", name, param.text)
		}
	}
	if (name == "sort" || name == "sort_desc") && labels {
		p.fail(op.pos, "sort and sort_desc doesn't allow grouping by ")
	}
	return expr{kind: kindSample, pos: op.pos, selectors: e.selectors}
}

// logRange reads a logRangeExpr and returns its selector.
func (p *parser) logRange() selector {
	var unwrap bool
	return p.logRangeWith(&unwrap)
}

// logRangeWith reads a logRangeExpr, reporting whether it unwraps.
func (p *parser) logRangeWith(unwrap *bool) selector {
	if p.is("(") {
		p.advance()
		if p.is("(") {
			s := p.logRangeWith(unwrap)
			p.expect(")")
			return s
		}
		s := p.selector()
		if !p.is(")") && !p.startsStage() && p.tok.kind != tRange {
			p.unexpected("")
		}
		if p.tok.kind == tRange {
			// ( selector RANGE … ) — a whole log range in parentheses.
			p.advance()
			p.afterRange(unwrap)
			p.expect(")")
			return s
		}
		*unwrap = p.pipeline(true) || *unwrap
		p.expect(")")
		p.expectKind(tRange, "RANGE")
		p.offset()
		return s
	}
	s := p.selector()
	if p.tok.kind == tRange {
		p.advance()
		p.afterRange(unwrap)
		return s
	}
	*unwrap = p.pipeline(true)
	p.expectKind(tRange, "RANGE")
	p.offset()
	return s
}

// afterRange reads what may follow "selector RANGE": [offset] [pipeline]
// [unwrap].
func (p *parser) afterRange(unwrap *bool) {
	p.offset()
	*unwrap = p.pipeline(true) || *unwrap
}

func (p *parser) offset() {
	if p.is("offset") {
		p.advance()
		p.expectKind(tDuration, "DURATION")
	}
}

// startsStage reports whether the token starts a pipeline stage.
func (p *parser) startsStage() bool {
	if p.tok.kind != tKeyword {
		return false
	}
	switch p.tok.text {
	case "|", "|=", "|~", "|>", "!=", "!~", "!>":
		return true
	}
	return false
}

// selector reads { matchers }.
func (p *parser) selector() selector {
	open := p.expect("{")
	s := selector{pos: open.pos}
	if p.is("}") {
		p.advance()
		return s
	}
	for {
		s.matchers = append(s.matchers, p.matcher())
		if p.is(",") {
			p.advance()
			continue
		}
		if p.is("}") {
			p.advance()
			return s
		}
		p.unexpected(`"}" or ","`)
	}
}

// matcher reads IDENTIFIER (=|!=|=~|!~) STRING and compiles regexes as
// labels.NewMatcher does.
func (p *parser) matcher() matcher {
	name := p.expectKind(tIdent, "IDENTIFIER")
	if p.tok.kind != tKeyword || !isMatchOp(p.tok.text) {
		p.unexpected(`"=", "!=", "=~" or "!~"`)
	}
	op := p.tok.text
	p.advance()
	v := p.expectKind(tString, "STRING")
	return matcher{name: name.text, op: op, value: v.text, emptyRE: p.checkRegex(op, v)}
}

func isMatchOp(op string) bool { return op == "=" || op == "!=" || op == "=~" || op == "!~" }

// checkRegex compiles the value of a regex matcher or line filter
// (^(?s:value)$, as labels.NewMatcher and regexp.Compile read it) and
// reports whether the regex matches the empty string.
func (p *parser) checkRegex(op string, v token) (matchesEmpty bool) {
	if op != "=~" && op != "!~" && op != "|~" {
		return false
	}
	if empty, ok := simpleRegexEmpty(v.text); ok {
		return empty
	}
	re, err := syntax.Parse("^(?s:"+v.text+")$", syntax.Perl)
	if err != nil {
		p.fail(v.pos, "%s", err)
	}
	return nullable(re)
}

// simpleRegexEmpty answers for a regex of literal characters, ".", "^",
// "$" and "|" (valid UTF-8, no group, class, escape or repetition), which
// always parses: whether one of its alternatives is made of "^" and "$"
// only, the one way it matches the empty string. ok is false for other
// regexes.
func simpleRegexEmpty(v string) (empty, ok bool) {
	if strings.ContainsAny(v, `\()[]{}*+?`) || !utf8.ValidString(v) {
		return false, false
	}
	for alt := range strings.SplitSeq(v, "|") {
		if strings.Trim(alt, "^$") == "" {
			return true, true
		}
	}
	return false, true
}

// nullable reports whether re matches the empty string: the assertions
// hold there but a word boundary, and nothing that reads a character
// matches.
func nullable(re *syntax.Regexp) bool {
	switch re.Op {
	case syntax.OpEmptyMatch, syntax.OpBeginLine, syntax.OpEndLine, syntax.OpBeginText, syntax.OpEndText,
		syntax.OpNoWordBoundary, syntax.OpStar, syntax.OpQuest:
		return true
	case syntax.OpLiteral:
		return len(re.Rune) == 0
	case syntax.OpCapture, syntax.OpPlus:
		return nullable(re.Sub[0])
	case syntax.OpRepeat:
		return re.Min == 0 || nullable(re.Sub[0])
	case syntax.OpConcat:
		for _, sub := range re.Sub {
			if !nullable(sub) {
				return false
			}
		}
		return true
	case syntax.OpAlternate:
		for _, sub := range re.Sub {
			if nullable(sub) {
				return true
			}
		}
		return false
	}
	// OpNoMatch, character classes, any character, a word boundary.
	return false
}

// pipeline reads stages while one starts; inRange allows an unwrap stage
// and reports whether one was read.
func (p *parser) pipeline(inRange bool) (unwrap bool) {
	for {
		switch {
		case p.is("|"):
			p.advance()
			if p.is("unwrap") {
				if !inRange {
					p.unexpected("")
				}
				p.unwrapStage()
				return true
			}
			p.stage()
		case p.startsStage():
			p.lineFilter()
		default:
			return false
		}
	}
}

// unwrapStage reads unwrap IDENTIFIER | unwrap convOp ( IDENTIFIER ),
// then | labelFilter post-filters.
func (p *parser) unwrapStage() {
	p.advance()
	if p.tok.kind == tKeyword && p.tok.function && (p.tok.text == "bytes" || p.tok.text == "duration" || p.tok.text == "duration_seconds") {
		p.advance()
		p.expect("(")
		p.expectKind(tIdent, "IDENTIFIER")
		p.expect(")")
	} else {
		p.expectKind(tIdent, "IDENTIFIER")
	}
	for p.is("|") {
		p.advance()
		p.labelFilter()
	}
}

// lineFilter reads filter (STRING | ip(STRING)) {or orFilter}.
func (p *parser) lineFilter() {
	op := p.tok.text
	p.advance()
	if p.isFunc("ip") {
		p.advance()
		p.expect("(")
		p.expectKind(tString, "STRING")
		p.expect(")")
	} else {
		v := p.expectKind(tString, "STRING")
		p.checkRegex(op, v)
	}
	for p.is("or") {
		p.advance()
		if p.isFunc("ip") {
			p.advance()
			p.expect("(")
			p.expectKind(tString, "STRING")
			p.expect(")")
			continue
		}
		v := p.expectKind(tString, "STRING")
		p.checkRegex(op, v)
	}
}

// stage reads what follows "|" (not unwrap).
func (p *parser) stage() {
	t := p.tok
	switch {
	case p.is("logfmt"):
		p.advance()
		for p.tok.kind == tFlag {
			p.advance()
		}
		if p.tok.kind == tIdent {
			p.extractionList()
		}
	case p.is("json"):
		p.advance()
		if p.tok.kind == tIdent {
			p.extractionList()
		}
	case p.is("regexp"):
		p.advance()
		v := p.expectKind(tString, "STRING")
		p.regexpParser(v)
	case p.is("unpack"), p.is("decolorize"):
		p.advance()
	case p.is("pattern"):
		p.advance()
		v := p.expectKind(tString, "STRING")
		p.patternParser(v)
	case p.is("line_format"):
		p.advance()
		p.expectKind(tString, "STRING")
	case p.is("label_format"):
		p.advance()
		for {
			p.expectKind(tIdent, "IDENTIFIER")
			p.expect("=")
			if p.tok.kind != tIdent && p.tok.kind != tString {
				p.unexpected("IDENTIFIER or STRING")
			}
			p.advance()
			if !p.is(",") {
				break
			}
			p.advance()
		}
	case p.is("drop"), p.is("keep"):
		p.advance()
		for {
			name := p.expectKind(tIdent, "IDENTIFIER")
			if p.tok.kind == tKeyword && isMatchOp(p.tok.text) {
				op := p.tok.text
				p.advance()
				v := p.expectKind(tString, "STRING")
				p.checkRegex(op, v)
			}
			_ = name
			if !p.is(",") {
				break
			}
			p.advance()
		}
	case t.kind == tIdent || p.is("("):
		p.labelFilter()
	default:
		p.unexpected("")
	}
}

// extractionList reads IDENTIFIER [= STRING] {, …}.
func (p *parser) extractionList() {
	for {
		p.expectKind(tIdent, "IDENTIFIER")
		if p.is("=") {
			p.advance()
			p.expectKind(tString, "STRING")
		}
		if !p.is(",") {
			return
		}
		p.advance()
	}
}

// labelFilter reads label filters joined by and, or, "," or nothing.
func (p *parser) labelFilter() {
	p.labelFilterTerm()
	for {
		switch {
		case p.is("and") || p.is("or") || p.is(","):
			p.advance()
			p.labelFilterTerm()
		case p.tok.kind == tIdent || p.is("("):
			p.labelFilterTerm()
		default:
			return
		}
	}
}

// labelFilterTerm reads ( labelFilter ) or IDENTIFIER op value.
func (p *parser) labelFilterTerm() {
	if p.is("(") {
		p.advance()
		p.labelFilter()
		p.expect(")")
		return
	}
	p.expectKind(tIdent, "IDENTIFIER")
	if p.tok.kind != tKeyword {
		p.unexpected("")
	}
	op := p.tok.text
	switch op {
	case "=", "!=", "=~", "!~", ">", ">=", "<", "<=", "==":
	default:
		p.unexpected("")
	}
	p.advance()
	switch {
	case (op == "=" || op == "!=") && p.isFunc("ip"):
		p.advance()
		p.expect("(")
		p.expectKind(tString, "STRING")
		p.expect(")")
	case (op == "=" || op == "!=" || op == "=~" || op == "!~") && p.tok.kind == tString:
		v := p.tok
		p.advance()
		p.checkRegex(op, v)
	case op == "=~" || op == "!~":
		p.unexpected("STRING")
	case p.tok.kind == tDuration || p.tok.kind == tBytes:
		p.advance()
	case p.tok.kind == tNumber:
		n := p.tok
		p.advance()
		p.literal(n)
	case p.is("+") || p.is("-"):
		p.advance()
		n := p.expectKind(tNumber, "NUMBER")
		p.literal(n)
	default:
		p.unexpected("")
	}
}

// regexpParser is log.NewRegexpParser's check: a valid regex with at
// least one named capture group.
func (p *parser) regexpParser(v token) {
	re, err := regexp.Compile(v.text)
	if err != nil {
		p.fail(v.pos, "invalid regexp parser: %s", err)
	}
	for _, n := range re.SubexpNames() {
		if n != "" {
			return
		}
	}
	p.fail(v.pos, "invalid regexp parser: at least one named capture must be supplied")
}

// patternParser is Loki's pattern.New check: captures are <name> or <_>,
// at least one named, none consecutive, no name twice.
func (p *parser) patternParser(v token) {
	s := v.text
	seen := map[string]bool{}
	named := 0
	lastCapture := false
	for len(s) > 0 {
		if s[0] == '<' {
			if end := strings.IndexByte(s, '>'); end > 1 && isPatternName(s[1:end]) {
				name := s[1:end]
				if lastCapture {
					p.fail(v.pos, "invalid pattern parser: consecutive capture: %s", name)
				}
				if name != "_" {
					if seen[name] {
						p.fail(v.pos, "invalid pattern parser: duplicate capture: %s", name)
					}
					seen[name] = true
					named++
				}
				lastCapture = true
				s = s[end+1:]
				continue
			}
		}
		lastCapture = false
		s = s[1:]
	}
	if named == 0 {
		p.fail(v.pos, "invalid pattern parser: at least one capture is required")
	}
}

func isPatternName(s string) bool {
	for i, c := range s {
		if c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || i > 0 && c >= '0' && c <= '9' {
			continue
		}
		return false
	}
	return s != ""
}
