package fixer

import (
	"bytes"
	"encoding/binary"
	"math/bits"
	"sync"
)

// A quick check that a fixed dashboard still parses, without parsing it:
// describing the fixes of a report verifies each fix on its own, and
// dashboard.Parse over a whole large dashboard for every one of its
// findings cost most of a json or sarif run.
//
// jsonScan is a recogniser of a strict subset of what dashboard.Parse
// accepts without a syntax or input problem: optional white space, one
// JSON object (RFC 8259, strings as jsontext reads them with
// AllowInvalidUTF8: any byte from 0x20 but '"' and '\', the escapes
// \" \\ \/ \b \f \n \r \t \uXXXX), nested at most maxScanDepth deep, and
// optional white space, nothing else (no byte order mark). Whatever it
// accepts, dashboard.Parse accepts; what it rejects is verified with
// dashboard.Parse itself, so the verdict is always the parser's
// (FuzzScanAcceptsOnlyWhatParses holds it to that).
//
// Its state after any prefix is small and comparable (scanState), which
// makes the check of an edit local: the original file's states are kept
// every scanEvery bytes (scanIndex); the fixed file is scanned from the
// last of them before the first edit, through each edit, until it is back
// in step with the original: its state after the edit equals the
// original's after the bytes the edit replaced (read from the same state),
// or a kept state further on. Back in step after the last edit, both read
// the same bytes in the same state, and the original was accepted, so the
// fixed file is too.

// maxScanDepth is how deeply objects and arrays may nest for jsonScan;
// jsontext allows 10000.
const maxScanDepth = 1000

// scanEvery is the distance between the original's kept states.
const scanEvery = 1024

// step is what the scanner expects next.
type step uint8

const (
	stTop        step = iota // before the top-level object
	stValue                  // a value (after ':' or an array's ',')
	stValueOrEnd             // a value or ']' (after '[')
	stKeyOrEnd               // a member name or '}' (after '{')
	stKey                    // a member name (after an object's ',')
	stColon                  // ':' after a member name
	stAfter                  // ',' or the closer after a value
	stEnd                    // after the top-level object: white space only
	stString                 // inside a string
	stEscape                 // after '\' in a string
	stHex1                   // the hex digits of \uXXXX
	stHex2
	stHex3
	stHex4
	stMinus    // after '-'
	stZero     // after a leading 0
	stInt      // in the digits of an integer part
	stDot      // after '.'
	stFrac     // in the digits of a fraction
	stExp      // after 'e' or 'E'
	stExpSign  // after the exponent's sign
	stExpDigit // in the exponent's digits
	stLiteral  // inside true, false or null
	stError
)

// Stack entries: an object before a member's value (its name next), an
// object after the name (its value next), an array.
const (
	inKey   = 'k'
	inValue = 'v'
	inArray = '['
)

// literals are the rests of the literals after their first byte, each
// ended by a 0.
const literals = "rue\x00alse\x00ull\x00"

// Where each literal's rest starts in literals.
const (
	litTrue  = 0
	litFalse = 4
	litNull  = 9
)

// scanState is the scanner's whole state.
type scanState struct {
	step step
	// lit is where the rest of the literal being read starts in literals
	// (stLiteral).
	lit uint8
	// key says whether the string being read is a member name.
	key   bool
	stack []byte
}

// equal reports whether s and o are the same state.
func (s *scanState) equal(o *scanState) bool {
	return s.step == o.step && s.lit == o.lit && s.key == o.key && bytes.Equal(s.stack, o.stack)
}

// keptState is a scanState kept in a scanIndex, its stack in the index's
// stacks.
type keptState struct {
	step  step
	lit   uint8
	key   bool
	depth int
	at    int // where the stack starts in the index's stacks
}

func isBlank(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\r' }

func isHex(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F'
}

// eightSpaces is eight ' ' bytes read as one little-endian word.
const eightSpaces = 0x2020202020202020

// plainRun returns how many bytes at the start of b are plain string
// characters: none is '"', '\\' or a control character (< 0x20).
func plainRun(b []byte) int {
	const (
		ones  = 0x0101010101010101
		highs = 0x8080808080808080
		quote = '"' * ones
		slash = '\\' * ones
		space = 0x20 * ones
	)
	n := 0
	for ; n+8 <= len(b); n += 8 {
		x := binary.LittleEndian.Uint64(b[n:])
		// A byte of x is flagged when it is below 0x20, or equal to '"'
		// or '\\' (its xor is zero); bytes of 0x80 and above never are.
		t := ((x - space) | (x ^ quote - ones) | (x ^ slash - ones)) &^ x & highs
		if t != 0 {
			// The lowest flagged byte is the first that ends the run: no
			// byte below it borrowed from it.
			return n + bits.TrailingZeros64(t)>>3
		}
	}
	for n < len(b) {
		if c := b[n]; c == '"' || c == '\\' || c < 0x20 {
			break
		}
		n++
	}
	return n
}

// feed scans b; it returns false once the input is rejected.
func (s *scanState) feed(b []byte) bool {
	for i := 0; i < len(b); i++ {
		c := b[i]
		switch s.step {
		case stString:
			// The common case: a run of plain characters, skipped eight
			// bytes at a time while none of them ends it.
			i += plainRun(b[i:])
			if i == len(b) {
				return true
			}
			c = b[i]
			switch c {
			case '"':
				if s.key {
					s.step, s.key = stColon, false
				} else {
					s.step = stAfter
				}
			case '\\':
				s.step = stEscape
			default:
				s.step = stError
			}
		case stEscape:
			switch c {
			case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
				s.step = stString
			case 'u':
				s.step = stHex1
			default:
				s.step = stError
			}
		case stHex1, stHex2, stHex3, stHex4:
			switch {
			case !isHex(c):
				s.step = stError
			case s.step == stHex4:
				s.step = stString
			default:
				s.step++
			}
		case stLiteral:
			if c != literals[s.lit] {
				s.step = stError
				break
			}
			s.lit++
			if literals[s.lit] == 0 {
				s.step = stAfter
			}
		case stMinus:
			switch {
			case c == '0':
				s.step = stZero
			case '1' <= c && c <= '9':
				s.step = stInt
			default:
				s.step = stError
			}
		case stZero, stInt, stFrac, stExpDigit:
			switch {
			case '0' <= c && c <= '9' && s.step != stZero:
			case c == '.' && (s.step == stZero || s.step == stInt):
				s.step = stDot
			case (c == 'e' || c == 'E') && s.step != stExpDigit:
				s.step = stExp
			default:
				// The number ended: c is read after it.
				s.step = stAfter
				i--
			}
		case stDot:
			if '0' <= c && c <= '9' {
				s.step = stFrac
			} else {
				s.step = stError
			}
		case stExp:
			switch {
			case c == '+' || c == '-':
				s.step = stExpSign
			case '0' <= c && c <= '9':
				s.step = stExpDigit
			default:
				s.step = stError
			}
		case stExpSign:
			if '0' <= c && c <= '9' {
				s.step = stExpDigit
			} else {
				s.step = stError
			}
		default:
			// Between tokens: indentation runs are common (eight spaces
			// at a time where they follow).
			for isBlank(c) {
				i++
				for i+8 <= len(b) {
					x := binary.LittleEndian.Uint64(b[i:]) ^ eightSpaces
					if x != 0 {
						i += bits.TrailingZeros64(x) >> 3 // the spaces before the first other byte
						break
					}
					i += 8
				}
				if i == len(b) {
					return true
				}
				c = b[i]
			}
			// The commonest tokens, read here as structural reads them.
			switch {
			case c == '"' && (s.step == stKey || s.step == stKeyOrEnd):
				s.step, s.key = stString, true
			case c == '"' && s.step == stValue:
				s.step, s.key = stString, false
			case c == ':' && s.step == stColon:
				s.stack[len(s.stack)-1] = inValue
				s.step = stValue
			default:
				s.structural(c)
			}
		}
		if s.step == stError {
			return false
		}
	}
	return true
}

// structural reads c, not white space, between tokens.
func (s *scanState) structural(c byte) {
	top := byte(0)
	if n := len(s.stack); n > 0 {
		top = s.stack[n-1]
	}
	switch s.step {
	case stTop:
		if c == '{' {
			s.open(inKey, stKeyOrEnd)
			return
		}
	case stValueOrEnd:
		if c == ']' {
			s.close()
			return
		}
		s.value(c)
		return
	case stValue:
		s.value(c)
		return
	case stKeyOrEnd, stKey:
		if c == '"' {
			s.step, s.key = stString, true
			return
		}
		if c == '}' && s.step == stKeyOrEnd {
			s.close()
			return
		}
	case stColon:
		if c == ':' {
			s.stack[len(s.stack)-1] = inValue
			s.step = stValue
			return
		}
	case stAfter:
		switch {
		case c == ',' && top == inValue:
			s.stack[len(s.stack)-1] = inKey
			s.step = stKey
			return
		case c == ',' && top == inArray:
			s.step = stValue
			return
		case c == '}' && top == inValue, c == ']' && top == inArray:
			s.close()
			return
		}
	}
	s.step = stError
}

// value reads the first byte of a value.
func (s *scanState) value(c byte) {
	s.key = false
	switch {
	case c == '{':
		s.open(inKey, stKeyOrEnd)
	case c == '[':
		s.open(inArray, stValueOrEnd)
	case c == '"':
		s.step = stString
	case c == '-':
		s.step = stMinus
	case c == '0':
		s.step = stZero
	case '1' <= c && c <= '9':
		s.step = stInt
	case c == 't':
		s.step, s.lit = stLiteral, litTrue
	case c == 'f':
		s.step, s.lit = stLiteral, litFalse
	case c == 'n':
		s.step, s.lit = stLiteral, litNull
	default:
		s.step = stError
	}
}

// open enters an object or array (kind), expecting next.
func (s *scanState) open(kind byte, next step) {
	if len(s.stack) == maxScanDepth {
		s.step = stError
		return
	}
	s.stack = append(s.stack, kind)
	s.step = next
}

// close leaves the innermost object or array.
func (s *scanState) close() {
	s.stack = s.stack[:len(s.stack)-1]
	if len(s.stack) == 0 {
		s.step = stEnd
	} else {
		s.step = stAfter
	}
}

// accepted reports whether the input ended where it may: after the
// top-level object (and white space). A number cannot end the input, as
// the top level is an object.
func (s *scanState) accepted() bool { return s.step == stEnd }

// scanAccepts reports whether jsonScan accepts src.
func scanAccepts(src []byte) bool {
	var s scanState
	return s.feed(src) && s.accepted()
}

// scanIndex is the original file's scanner states every scanEvery bytes;
// nil when jsonScan does not accept the file.
type scanIndex struct {
	states []keptState // states[i] is the state after src[:i*scanEvery]
	stacks []byte      // the states' stacks, one after the other
}

func newScanIndex(src []byte) *scanIndex {
	x := &scanIndex{states: make([]keptState, 0, len(src)/scanEvery+1)}
	var s scanState
	for off := 0; ; off += scanEvery {
		x.keep(&s)
		if off >= len(src) {
			break
		}
		if !s.feed(src[off:min(off+scanEvery, len(src))]) {
			return nil
		}
	}
	if !s.accepted() {
		return nil
	}
	return x
}

// keep appends s to the kept states.
func (x *scanIndex) keep(s *scanState) {
	x.states = append(x.states, keptState{step: s.step, lit: s.lit, key: s.key, depth: len(s.stack), at: len(x.stacks)})
	x.stacks = append(x.stacks, s.stack...)
}

// restore sets s to kept state i, in s's own memory.
func (x *scanIndex) restore(s *scanState, i int) {
	k := &x.states[i]
	s.step, s.lit, s.key = k.step, k.lit, k.key
	s.stack = append(s.stack[:0], x.stacks[k.at:k.at+k.depth]...)
}

// equal reports whether s is kept state i.
func (x *scanIndex) equal(s *scanState, i int) bool {
	k := &x.states[i]
	return s.step == k.step && s.lit == k.lit && s.key == k.key && bytes.Equal(s.stack, x.stacks[k.at:k.at+k.depth])
}

// scratch holds pairs of scanners for accepts, for their stacks' memory.
var scratch = sync.Pool{New: func() any { return new([2]scanState) }}

// accepts reports whether jsonScan accepts src with spans applied (sorted
// and not overlapping, as File.spans), scanning only around them.
func (x *scanIndex) accepts(src []byte, spans []taken) bool {
	if len(spans) == 0 {
		return true
	}
	pair := scratch.Get().(*[2]scanState)
	defer scratch.Put(pair)
	// s reads the fixed text; where it is in step with the original
	// (synced), o reads the original's bytes an edit replaces.
	s, o := &pair[0], &pair[1]
	k := spans[0].start / scanEvery
	x.restore(s, k)
	pos := k * scanEvery
	synced := true
	for i, sp := range spans {
		if !s.feed(src[pos:sp.start]) {
			return false
		}
		if synced {
			o.step, o.lit, o.key = s.step, s.lit, s.key
			o.stack = append(o.stack[:0], s.stack...)
			o.feed(src[sp.start:sp.end]) // never refused: the original is accepted
		}
		if !s.feed([]byte(sp.text)) {
			return false
		}
		pos = sp.end
		next := len(src)
		if i+1 < len(spans) {
			next = spans[i+1].start
		}
		if synced && s.equal(o) {
			// Back in step with the original right after the edit (a
			// string's characters for others, the commonest edit).
			if i+1 == len(spans) {
				return true
			}
			if k := next / scanEvery; k*scanEvery > pos {
				x.restore(s, k)
				pos = k * scanEvery
			}
			continue
		}
		synced = false
		// Read on to the kept states up to the next edit: at the first
		// one equal to the scanner's, the fixed text is back in step with
		// the original.
		for c := (pos + scanEvery - 1) / scanEvery; c*scanEvery <= next && c < len(x.states); c++ {
			if !s.feed(src[pos : c*scanEvery]) {
				return false
			}
			pos = c * scanEvery
			if !x.equal(s, c) {
				continue
			}
			if i+1 == len(spans) {
				return true
			}
			k := next / scanEvery
			x.restore(s, k)
			pos = k * scanEvery
			synced = true
			break
		}
	}
	return s.feed(src[pos:]) && s.accepted()
}
