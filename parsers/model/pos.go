// Package model holds grafanalint's single model of a Grafana deployment:
// every file the linter read, the stacks they form, and each value with the
// exact position it was written at. Parsers fill it; rules only read it.
package model

import "fmt"

// Pos is a position in a file. Line and Col are 1-based; Col counts Unicode
// code points, not bytes. The zero Pos means "no position".
type Pos struct {
	File string `json:"file,omitempty"`
	Line int    `json:"line,omitempty"`
	Col  int    `json:"column,omitempty"`
}

// IsValid reports whether p names a line.
func (p Pos) IsValid() bool { return p.Line > 0 }

// String formats p as "file:line:col".
func (p Pos) String() string { return fmt.Sprintf("%s:%d:%d", p.File, p.Line, p.Col) }

// Less orders positions by file, line and column.
func (p Pos) Less(q Pos) bool {
	if p.File != q.File {
		return p.File < q.File
	}
	if p.Line != q.Line {
		return p.Line < q.Line
	}
	return p.Col < q.Col
}

// Str is a string value together with where it was written. Pos is the first
// character of the value itself (inside the quotes for a quoted value); End,
// when known, is the position just after its last character.
type Str struct {
	V   string `json:"value"`
	Pos Pos    `json:"pos"`
	End Pos    `json:"end,omitzero"`
}

// IsSet reports whether the value was present in the file.
func (s Str) IsSet() bool { return s.Pos.IsValid() }

// Problem is something a parser could not read: a syntax error, an include
// that matches nothing, an unreadable or oversized file. Rules turn problems
// into findings (Kind "syntax" becomes parse/syntax, and so on).
type Problem struct {
	Kind    ProblemKind `json:"kind"`
	Message string      `json:"message"`
	Pos     Pos         `json:"pos"`
	End     Pos         `json:"end,omitzero"`
}

// ProblemKind classifies a Problem.
type ProblemKind string

// Problem kinds.
const (
	// ProblemSyntax: the file is of a recognised kind but does not parse.
	ProblemSyntax ProblemKind = "syntax"
	// ProblemIncludeNotFound: an nginx include matched no file.
	ProblemIncludeNotFound ProblemKind = "include-not-found"
	// ProblemIncludeCycle: an nginx include leads back to a file that is
	// already being included; the cycle is cut at the include.
	ProblemIncludeCycle ProblemKind = "include-cycle"
	// ProblemInput: the file could not be read at all (permissions, size,
	// binary content, symlink loop).
	ProblemInput ProblemKind = "input"
)

// Ignore is an inline suppression comment:
// "# grafanalint:ignore rule[,rule] -- reason". It applies to findings on
// its own line and, when the comment stands alone, on the next
// non-comment line.
type Ignore struct {
	Pos    Pos      `json:"pos"`
	Rules  []string `json:"rules"`
	Reason string   `json:"reason,omitempty"`
	// Lines are the lines (in Pos.File) whose findings it suppresses.
	Lines []int `json:"lines"`
}
