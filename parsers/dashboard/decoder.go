package dashboard

import (
	"bytes"
	"io"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/go-json-experiment/json/jsontext"
	"github.com/grafanalint/grafanalint/parsers/model"
)

// reader wraps a jsontext.Decoder over the whole file with a sticky error,
// so the walkers read like a grammar: every method is a no-op (returning
// zero values) once an error happened, and loops end on it.
type reader struct {
	dec   *jsontext.Decoder
	src   []byte
	lines *lineIndex
	err   error
	// in shares the text of equal strings (nil: none).
	in *Interner
	// path mirrors the decoder's stack of open objects and arrays, so
	// that JSON pointers are built from it (the decoder's StackPointer
	// allocates several times per pointer). buf holds the last pointer
	// built; the segments of the first built frames of path are still
	// current in it (the next pointer rebuilds only what changed).
	path  []frame
	buf   []byte
	built int
	// kbuf and vbuf are scratch for unquoting member names and values
	// with escapes.
	kbuf, vbuf []byte
	// exact skips values token by token, as the decoder's SkipValue
	// does, so that the walk of a broken file stops at the error it
	// always stopped at; else a skipped value is read whole (ReadValue),
	// which is several times faster (see parse).
	exact bool
}

// frame is one open object or array of reader.path: for an object, the
// span in src of the current member's quoted name (end 0 before the
// first); for an array, the current element's index (-1 before the first).
type frame struct {
	array              bool
	idx                int
	nameStart, nameEnd int
	// end is the length of buf up to this frame's segment, when built.
	end int
}

// decoderOptions mirror what Grafana's encoding/json accepts: duplicate
// member names (the last one wins) and invalid UTF-8 (replaced).
var decoderOptions = []jsontext.Options{
	jsontext.AllowDuplicateNames(true),
	jsontext.AllowInvalidUTF8(true),
}

func newReader(src []byte, lines *lineIndex) *reader {
	// A bytes.Buffer lets the decoder parse src in place, without a copy.
	return &reader{
		dec:   jsontext.NewDecoder(bytes.NewBuffer(src), decoderOptions...),
		src:   src,
		lines: lines,
	}
}

func (r *reader) fail(err error) {
	if r.err == nil {
		if err == nil {
			err = io.ErrUnexpectedEOF
		}
		r.err = err
	}
}

// peek returns the kind of the next token, 0 after an error or at the end.
func (r *reader) peek() jsontext.Kind {
	if r.err != nil {
		return 0
	}
	k := r.dec.PeekKind()
	if k == 0 {
		_, err := r.dec.ReadToken() // surfaces the error PeekKind swallowed
		r.fail(err)
	}
	return k
}

// skip consumes the next value whatever it is.
func (r *reader) skip() {
	if r.err != nil {
		return
	}
	if r.exact {
		if err := r.dec.SkipValue(); err != nil {
			r.fail(err)
		}
		return
	}
	if _, err := r.dec.ReadValue(); err != nil {
		r.fail(err)
	}
}

// begin consumes an opening '{' or '[' and returns its offset. When the next
// value is of another kind it is skipped and ok is false.
func (r *reader) begin(kind jsontext.Kind) (off int, ok bool) {
	k := r.peek()
	if k != kind {
		if k != 0 {
			r.skip()
		}
		return 0, false
	}
	if _, err := r.dec.ReadToken(); err != nil {
		r.fail(err)
		return 0, false
	}
	r.path = append(r.path, frame{array: kind == '[', idx: -1})
	return int(r.dec.InputOffset()) - 1, true
}

// field reads an object and calls fn to read the value of every member
// named name; other members are skipped, and so is a value that is not an
// object.
func (r *reader) field(name string, fn func()) {
	if _, ok := r.begin('{'); !ok {
		return
	}
	for key, ok := r.key(); ok; key, ok = r.key() {
		if string(key) != name {
			r.skip()
			continue
		}
		fn()
	}
}

// each reads an array and calls fn to read each element; a value that is
// not an array is skipped.
func (r *reader) each(fn func()) {
	if _, ok := r.begin('['); !ok {
		return
	}
	for r.elem() {
		fn()
	}
}

// key reads the next member name of the current object; ok is false at the
// closing '}' (which it consumes) or after an error. The returned bytes are
// valid until the next read.
func (r *reader) key() (name []byte, ok bool) {
	switch r.peek() {
	case '"':
	case '}':
		if _, err := r.dec.ReadToken(); err != nil {
			r.fail(err)
			return nil, false
		}
		r.pop()
		return nil, false
	case 0:
		return nil, false
	default:
		// Not a name where the object needs one ({"a": 1] ends an object
		// with a bracket): the decoder reports the syntax error, as
		// Grafana's JSON reader does.
		if _, err := r.dec.ReadToken(); err != nil {
			r.fail(err)
		}
		return nil, false
	}
	raw, err := r.dec.ReadValue()
	if err != nil {
		r.fail(err)
		return nil, false
	}
	if n := len(r.path); n > 0 {
		f := &r.path[n-1]
		f.nameEnd = int(r.dec.InputOffset())
		f.nameStart = f.nameEnd - len(raw)
		r.built = min(r.built, n-1)
	}
	if bytes.IndexByte(raw, '\\') < 0 {
		return raw[1 : len(raw)-1], true
	}
	r.kbuf, _ = jsontext.AppendUnquote(r.kbuf[:0], raw)
	return r.kbuf, true
}

// elem reports whether the current array has another element; it consumes
// the closing ']'.
func (r *reader) elem() bool {
	switch r.peek() {
	case 0:
		return false
	case ']':
		if _, err := r.dec.ReadToken(); err != nil {
			r.fail(err)
			return false
		}
		r.pop()
		return false
	}
	if n := len(r.path); n > 0 {
		r.path[n-1].idx++
		r.built = min(r.built, n-1)
	}
	return true
}

// pop closes the innermost frame of path.
func (r *reader) pop() {
	if n := len(r.path); n > 0 {
		r.path = r.path[:n-1]
		r.built = min(r.built, n-1)
	}
}

// skipRest consumes the rest of the current object or array.
func (r *reader) skipRest(kind jsontext.Kind) {
	if kind == '{' {
		for _, ok := r.key(); ok; _, ok = r.key() {
			r.skip()
		}
		return
	}
	for r.elem() {
		r.skip()
	}
}

// value reads the next scalar and returns its raw bytes and byte span.
func (r *reader) value() (raw []byte, start, end int) {
	if r.err != nil {
		return nil, 0, 0
	}
	raw, err := r.dec.ReadValue()
	if err != nil {
		r.fail(err)
		return nil, 0, 0
	}
	end = int(r.dec.InputOffset())
	return raw, end - len(raw), end
}

// str reads a string value with its position (first character inside the
// quotes; End at the closing quote). Any other value is skipped.
func (r *reader) str() (model.Str, bool) {
	if r.peek() != '"' {
		r.skip()
		return model.Str{}, false
	}
	raw, start, end := r.value()
	if raw == nil {
		return model.Str{}, false
	}
	pos, endPos := r.lines.inString(start+1, end-1)
	return model.Str{V: r.unquote(raw), Pos: pos, End: endPos}, true
}

// text reads a string value without its position.
func (r *reader) text() string {
	if r.peek() != '"' {
		r.skip()
		return ""
	}
	raw, _, _ := r.value()
	if raw == nil {
		return ""
	}
	return r.unquote(raw)
}

// number reads a number as an int (truncating fractions). A string holding
// a number counts too, as the browser's comparisons coerce it
// ("schemaVersion": "39"). Other values are skipped.
func (r *reader) number() (int, bool) {
	var raw []byte
	switch r.peek() {
	case '0':
		raw, _, _ = r.value()
	case '"':
		raw, _, _ = r.value()
		if raw != nil {
			raw = []byte(strings.TrimSpace(unquote(raw)))
		}
	default:
		r.skip()
		return 0, false
	}
	if n, err := strconv.Atoi(string(raw)); err == nil {
		return n, true
	}
	f, err := strconv.ParseFloat(string(raw), 64)
	if err != nil || f > 1e9 || f < -1e9 {
		return 0, false
	}
	return int(f), true
}

// pointer is the JSON pointer of the value read last, or of the object or
// array just opened: what the decoder's StackPointer says, built from path.
func (r *reader) pointer() string {
	b := r.buf[:0]
	if r.built > 0 {
		b = r.buf[:r.path[r.built-1].end]
	}
	for i := r.built; i < len(r.path); i++ {
		f := &r.path[i]
		switch {
		case f.array && f.idx >= 0:
			b = strconv.AppendInt(append(b, '/'), int64(f.idx), 10)
		case !f.array && f.nameEnd > 0:
			b = r.appendPointerName(append(b, '/'), r.src[f.nameStart:f.nameEnd])
		}
		f.end = len(b)
	}
	r.buf, r.built = b, len(r.path)
	s := r.in.bytes(b)
	if checkPointer != nil {
		checkPointer(r, s)
	}
	return s
}

// checkPointer, when set (by the tests), is called with every pointer
// built, to compare it with the decoder's.
var checkPointer func(r *reader, ptr string)

// appendPointerName appends the member name quoted (as written in the
// file) escaped for a JSON pointer (RFC 6901: "~" as "~0", "/" as "~1"),
// as jsontext does: unquoted, invalid UTF-8 replaced.
func (r *reader) appendPointerName(b, quoted []byte) []byte {
	name := quoted[1 : len(quoted)-1]
	plain := true
	for _, c := range name {
		if c < ' ' || c >= utf8.RuneSelf || c == '\\' || c == '~' || c == '/' {
			plain = false
			break
		}
	}
	if plain {
		return append(b, name...)
	}
	r.vbuf, _ = jsontext.AppendUnquote(r.vbuf[:0], quoted)
	for _, c := range string(r.vbuf) {
		switch c {
		case '~':
			b = append(b, "~0"...)
		case '/':
			b = append(b, "~1"...)
		default:
			b = utf8.AppendRune(b, c)
		}
	}
	return b
}

// unquote is the value of the JSON string raw (with its quotes), interned.
func (r *reader) unquote(raw []byte) string {
	if bytes.IndexByte(raw, '\\') < 0 {
		return r.in.bytes(raw[1 : len(raw)-1])
	}
	r.vbuf, _ = jsontext.AppendUnquote(r.vbuf[:0], raw)
	return r.in.bytes(r.vbuf)
}

func unquote(raw []byte) string {
	if bytes.IndexByte(raw, '\\') < 0 {
		return string(raw[1 : len(raw)-1])
	}
	out, _ := jsontext.AppendUnquote(nil, raw)
	return string(out)
}

// truthy reads any value and reports whether JavaScript's `if (value)`
// takes it as true: true, a non-empty string, a non-zero number, an object
// or an array. false and null are not.
func (r *reader) truthy() bool {
	switch r.peek() {
	case 't', '{', '[':
		r.skip()
		return true
	case '"':
		raw, _, _ := r.value()
		return len(raw) > 2
	case '0':
		raw, _, _ := r.value()
		f, err := strconv.ParseFloat(string(raw), 64)
		return err == nil && f != 0
	}
	r.skip()
	return false
}
