package channel

import (
	"fmt"
	"unicode/utf8"

	"github.com/grafanalint/grafanalint/rules"
)

// MaxLen is the longest channel ID Grafana's server accepts, in bytes (Go
// len, not characters).
const MaxLen = 160

// Part is one of the three parts of a channel ID.
type Part int

// The parts of "scope/namespace/path".
const (
	Scope Part = iota
	Namespace
	Path
)

// String returns "scope", "namespace" or "path".
func (p Part) String() string {
	switch p {
	case Scope:
		return "scope"
	case Namespace:
		return "namespace"
	}
	return "path"
}

// Channel is a channel ID split into its parts, as the SDK's
// live.ParseChannel returns it.
type Channel struct {
	Scope, Namespace, Path string
}

// String joins the parts with "/".
func (c Channel) String() string { return c.Scope + "/" + c.Namespace + "/" + c.Path }

// ErrorKind says why a channel ID is invalid.
type ErrorKind int

// Reasons a channel ID is invalid.
const (
	// ErrEmpty: the ID is the empty string.
	ErrEmpty ErrorKind = iota + 1
	// ErrTooLong: the ID is longer than MaxLen bytes; Offset is the start
	// of the character that crosses the limit.
	ErrTooLong
	// ErrMissingPart: the ID has fewer than two "/", so Part (the
	// namespace or the path) does not exist; Offset is len(ID).
	ErrMissingPart
	// ErrEmptyPart: Part is present but empty; Offset is where it would
	// start (the "/" that follows it, or len(ID) for the path).
	ErrEmptyPart
	// ErrBadChar: the character at Offset is not allowed in Part.
	ErrBadChar
)

// ParseError is why Grafana's server rejects a channel ID with "invalid
// channel ID". It describes the first problem met reading the ID from left
// to right (the length limit counts as met at byte MaxLen).
type ParseError struct {
	Kind ErrorKind
	// Offset is the byte offset in the ID of the offending character, or
	// of the place the missing or empty part should be.
	Offset int
	// Part is the part the problem is in.
	Part Part
	// Char is the offending character for ErrBadChar (utf8.RuneError for
	// a byte that is not valid UTF-8).
	Char rune
	// Size is the byte length of the offending character (1 for a byte
	// that is not valid UTF-8); 0 for other kinds.
	Size int
	// Len is the ID's length in bytes.
	Len int
}

// Error describes the problem in lower case, without the ID itself.
func (e *ParseError) Error() string {
	switch e.Kind {
	case ErrEmpty:
		return "the channel is empty"
	case ErrTooLong:
		return fmt.Sprintf("it is %d bytes long, over the limit of %d", e.Len, MaxLen)
	case ErrMissingPart:
		return fmt.Sprintf("it has no %s: a channel ID is scope/namespace/path", e.Part)
	case ErrEmptyPart:
		return fmt.Sprintf("its %s is empty", e.Part)
	case ErrBadChar:
		return fmt.Sprintf("%s is not allowed in the %s", CharName(e.Char), e.Part)
	}
	return "invalid channel ID"
}

// CharName names a character for messages: `a space`, `":"`,
// `non-ASCII character "é" (U+00E9)`.
func CharName(r rune) string {
	switch {
	case r == ' ':
		return "a space"
	case r == utf8.RuneError:
		return "a byte that is not valid UTF-8"
	case r < 0x20 || r == 0x7F:
		return fmt.Sprintf("control character U+%04X", r)
	case r >= 0x80:
		return fmt.Sprintf("non-ASCII character %q (U+%04X)", string(r), r)
	}
	return fmt.Sprintf("%q", string(r))
}

// Syntax is the channel ID grammar of one Grafana version.
type Syntax struct {
	// DotInScope allows "." in the scope and namespace, as the SDK does
	// from v0.275.0 (Grafana 12.0) on.
	DotInScope bool
}

// Current is the grammar of Grafana 12.0 and later.
var Current = Syntax{DotInScope: true}

// Legacy is the grammar of Grafana before 12.0 (SDK v0.101.0–v0.274.x):
// no "." in the scope and namespace.
var Legacy = Syntax{}

// SyntaxFor returns the grammar Grafana version v applies.
func SyntaxFor(v rules.Version) Syntax {
	if v.AtLeast(12, 0) {
		return Current
	}
	return Legacy
}

// Parse checks id with the current grammar; see Syntax.Parse.
func Parse(id string) (Channel, *ParseError) { return Current.Parse(id) }

// ScopeByte reports whether b may appear in a scope or namespace:
// the regexp class [A-z0-9_\-] ("\." too with DotInScope), where A-z is the
// byte range 0x41–0x7A including [ \ ] ^ _ and the backtick.
func (s Syntax) ScopeByte(b byte) bool {
	return (b >= 'A' && b <= 'z') || (b >= '0' && b <= '9') || b == '_' || b == '-' || (b == '.' && s.DotInScope)
}

// PathByte reports whether b may appear in the path: [A-z0-9_\-/=.].
func (s Syntax) PathByte(b byte) bool {
	return (b >= 'A' && b <= 'z') || (b >= '0' && b <= '9') || b == '_' || b == '-' || b == '/' || b == '=' || b == '.'
}

// Parse reproduces live.ParseChannel followed by Channel.IsValid of
// github.com/grafana/grafana-plugin-sdk-go: the ID must be non-empty, at
// most MaxLen bytes, split at its first two "/" into three non-empty parts,
// each made of allowed bytes only. Nothing is trimmed, folded or decoded.
// On success it returns the parts and nil; otherwise the parts found so far
// and the first problem.
func (s Syntax) Parse(id string) (Channel, *ParseError) {
	if id == "" {
		return Channel{}, &ParseError{Kind: ErrEmpty}
	}
	var ch Channel
	part := Scope
	start := 0 // start of the current part
	fail := func(e *ParseError) (Channel, *ParseError) {
		e.Len = len(id)
		if len(id) > MaxLen && e.Offset >= MaxLen {
			e = &ParseError{Kind: ErrTooLong, Offset: runeStart(id, MaxLen), Part: partAt(id, MaxLen), Len: len(id)}
		}
		return ch, e
	}
	for i := 0; i < len(id); i++ {
		b := id[i]
		if part < Path {
			if b == '/' {
				if i == start {
					return fail(&ParseError{Kind: ErrEmptyPart, Offset: i, Part: part})
				}
				if part == Scope {
					ch.Scope = id[start:i]
				} else {
					ch.Namespace = id[start:i]
				}
				part++
				start = i + 1
				continue
			}
			if !s.ScopeByte(b) {
				return fail(badChar(id, i, part))
			}
			continue
		}
		if !s.PathByte(b) {
			return fail(badChar(id, i, part))
		}
	}
	switch {
	case part < Path:
		return fail(&ParseError{Kind: ErrMissingPart, Offset: len(id), Part: part + 1})
	case start == len(id):
		return fail(&ParseError{Kind: ErrEmptyPart, Offset: len(id), Part: Path})
	}
	ch.Path = id[start:]
	if len(id) > MaxLen {
		return fail(&ParseError{Offset: len(id)})
	}
	return ch, nil
}

func badChar(id string, i int, p Part) *ParseError {
	r, size := utf8.DecodeRuneInString(id[i:])
	return &ParseError{Kind: ErrBadChar, Offset: i, Part: p, Char: r, Size: size}
}

// runeStart moves a byte offset back to the start of the character it is
// in.
func runeStart(s string, off int) int {
	last := 0
	for i := range s {
		if i > off {
			break
		}
		last = i
	}
	return last
}

// partAt returns the part byte offset off falls in, splitting at the first
// two "/".
func partAt(s string, off int) Part {
	p := Scope
	for i := 0; i < off && i < len(s) && p < Path; i++ {
		if s[i] == '/' {
			p++
		}
	}
	return p
}
