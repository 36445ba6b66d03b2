// Package fix holds the repairs rules attach to findings whose fix is
// certain: byte-range edits of the text the parsers read, addressed by the
// positions they recorded, that `grafanalint --fix` applies and `--diff`
// prints.
//
// A rule builds a Fix where it reports the finding, from values it already
// has (model.Str positions, the entry a key belongs to); it never reads a
// file. The edits name positions, not byte offsets: the command that
// applies them converts each position with the file's own bytes (its line
// breaks, byte order mark and multi-byte characters, as the parser of that
// kind of file counts them), checks that the text there is still Old, and
// leaves every byte outside the edited ranges as it was. New lines take the
// line break of the line they are inserted at and the indentation of the
// text at Edit.Indent, so a fix never reformats the file around it.
//
// A Fix is all or nothing: when one of its edits cannot be applied (the
// file does not parse, the text moved, it overlaps another fix) none is.
// Edits may touch several files (a dashboard reference and the provisioning
// entry whose uid it pins). Identical edits of several fixes are applied
// once, so two findings that need the same uid pinned share the edit.
package fix

import (
	"strings"

	"github.com/grafanalint/grafanalint/parsers/model"
)

// Fix is the certain repair of one finding.
type Fix struct {
	// Message says what the fix does, as a sentence fragment that follows
	// "fix: " ("replace \"Prometheus\" with its UID \"prometheus\"").
	Message string
	// Edits are applied together or not at all.
	Edits []Edit
	// Secret marks a fix whose edited text is a credential (an ini
	// password that an inline comment cut): --diff never prints it, and
	// reports never carry its Changes.
	Secret bool
	// Changes are the edits resolved against the files' bytes, for the
	// reports that carry fixes (json, sarif): filled in by the command
	// (cmd/grafanalint/fixer.Describe) when the fix applies on its own,
	// nil otherwise. Rules leave them nil.
	Changes []Change
}

// Change is one replacement of a file's text: the bytes from Start up to
// End (End exclusive; Start == End inserts) become Text, which is written
// as the file will hold it (its line breaks, the indentation of its
// neighbours, encoded for the value it sits in). Positions count lines and
// code points as the file's parser does; Offset and Length are the same
// range in bytes from the start of the file.
type Change struct {
	File           string
	Start, End     model.Pos
	Offset, Length int
	Text           string
}

// Op is what an Edit does.
type Op int

// Edit operations.
const (
	// Replace replaces the text from Start up to (not including) End with
	// New; Start == End inserts New at Start.
	Replace Op = iota
	// InsertLinesAfter adds New as lines of their own after the line of
	// Start (Start.Col and End are ignored): each line of New is preceded
	// by the line break and followed by nothing, so a last line without a
	// line break keeps having none.
	InsertLinesAfter
	// InsertLinesBefore adds New as lines of their own before the line of
	// Start, each followed by the line break.
	InsertLinesBefore
)

// Encoding says how New is written into the file.
type Encoding int

// Encodings of Edit.New.
const (
	// Raw writes New as it is.
	Raw Encoding = iota
	// JSONString escapes New for the inside of a JSON string (the quotes
	// around the replaced range stay).
	JSONString
	// YAMLScalar writes New in the style of the YAML scalar it replaces:
	// escaped for a double-quoted scalar, with doubled single quotes for a
	// single-quoted one, and as a plain scalar when it reads back as the
	// same string (otherwise double-quoted).
	YAMLScalar
)

// Edit is one change to one file. Start.File names the file (a display
// path, as in model.Pos).
type Edit struct {
	Op         Op
	Start, End model.Pos
	// Old is the exact text the replaced range holds; the edit is refused
	// when the file says something else there (the value was written with
	// escapes, or the file changed since it was read). Unused by inserts.
	Old string
	// New is the replacement or the inserted text. "\n" in it stands for
	// the file's line break (the one of Start's line), which is written
	// instead; in inserted lines it separates the lines.
	New      string
	Encoding Encoding
	// Indent is the position of the text new lines align with: each
	// inserted line, and each line a replacement's "\n" starts, gets the
	// whitespace of Indent's line before Indent.Col, any other character
	// there (a YAML "- ") replaced by a space. The zero Pos means no
	// indentation.
	Indent model.Pos
	// Nested says that lines of New beginning with a tab are one level
	// deeper than the others (the body of a block the edit adds): the tab
	// is dropped and they get the indentation of Nest (as Indent's is
	// taken), or, when Nest is the zero Pos, Indent's indentation twice.
	Nested bool
	Nest   model.Pos
}

// File returns the display path of the file the edit changes.
func (e Edit) File() string { return e.Start.File }

// ReplaceStr returns the edit that replaces the value s (from s.Pos to
// s.End, which must be known) with v, encoded as enc. ok is false when s
// has no known extent.
func ReplaceStr(s model.Str, v string, enc Encoding) (Edit, bool) {
	if !s.Pos.IsValid() || !s.End.IsValid() || s.Pos.File == "" || s.End.File != s.Pos.File {
		return Edit{}, false
	}
	return Edit{Op: Replace, Start: s.Pos, End: s.End, Old: s.V, New: v, Encoding: enc}, true
}

// LineAfter returns the edit that inserts text (one or more lines
// separated by "\n") after the line of at, indented like the text at
// indent.
func LineAfter(at model.Pos, text string, indent model.Pos) Edit {
	return Edit{Op: InsertLinesAfter, Start: at, End: at, New: text, Indent: indent}
}

// LineBefore returns the edit that inserts text before the line of at,
// indented like the text at indent.
func LineBefore(at model.Pos, text string, indent model.Pos) Edit {
	return Edit{Op: InsertLinesBefore, Start: at, End: at, New: text, Indent: indent}
}

// Files returns the display paths of the files f edits, in the order of
// its edits, without repeats.
func (f *Fix) Files() []string {
	var out []string
	for _, e := range f.Edits {
		if p := e.File(); !contains(out, p) {
			out = append(out, p)
		}
	}
	return out
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// PlainYAML reports whether v can be written as a plain YAML scalar that
// yaml.v3 reads back as the string v in block and flow context alike:
// letters, digits and "_-./" starting with a letter or "_", and no word
// YAML 1.1 or 1.2 reads as a boolean or null.
func PlainYAML(v string) bool {
	if v == "" {
		return false
	}
	for i, r := range v {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r == '_':
		case i > 0 && (r >= '0' && r <= '9' || r == '-' || r == '.' || r == '/'):
		default:
			return false
		}
	}
	switch strings.ToLower(v) {
	case "true", "false", "yes", "no", "on", "off", "y", "n", "null", "nan", "inf":
		return false
	}
	return true
}
