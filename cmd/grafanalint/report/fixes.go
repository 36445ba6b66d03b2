package report

import (
	"github.com/grafanalint/grafanalint/rules"
	"github.com/grafanalint/grafanalint/rules/fix"
)

// Fixes in reports: a finding whose fix the command resolved against the
// files (fix.Fix.Changes, see cmd/grafanalint/fixer.Describe) carries it
// in the json format as "fix" and in sarif as the result's "fixes" (SARIF
// 2.1.0 §3.55 fix, §3.56 artifactChange, §3.57 replacement). Each fix is
// described on its own against the files as they are; applying several
// is what --fix does (it skips those that overlap). A secret fix (an ini
// credential) never has Changes, so its text never reaches a report.

// changesOf returns the resolved changes of f's fix, nil when it has none.
func changesOf(f rules.Finding) []fix.Change {
	if f.Fix == nil || f.Fix.Secret {
		return nil
	}
	return f.Fix.Changes
}

// jsonFix is a finding's fix in the json format.
type jsonFix struct {
	// Message says what the fix does.
	Message string     `json:"message"`
	Edits   []jsonEdit `json:"edits"`
}

// jsonEdit replaces the text from line:column up to end_line:end_column
// (exclusive; equal positions insert) of file with text; offset and
// length give the same range in bytes.
type jsonEdit struct {
	File      string `json:"file"`
	Line      int    `json:"line"`
	Column    int    `json:"column"`
	EndLine   int    `json:"end_line"`
	EndColumn int    `json:"end_column"`
	Offset    int    `json:"offset"`
	Length    int    `json:"length"`
	Text      string `json:"text"`
}

// jsonFixOf returns the json form of f's fix, nil when it has none.
func jsonFixOf(f rules.Finding) *jsonFix {
	cs := changesOf(f)
	if len(cs) == 0 {
		return nil
	}
	out := &jsonFix{Message: f.Fix.Message, Edits: make([]jsonEdit, 0, len(cs))}
	for _, c := range cs {
		out.Edits = append(out.Edits, jsonEdit{
			File: c.File, Line: c.Start.Line, Column: c.Start.Col, EndLine: c.End.Line, EndColumn: c.End.Col,
			Offset: c.Offset, Length: c.Length, Text: c.Text,
		})
	}
	return out
}

type sarifFix struct {
	Description     *sarifMessage         `json:"description,omitempty"`
	ArtifactChanges []sarifArtifactChange `json:"artifactChanges"`
}

type sarifArtifactChange struct {
	ArtifactLocation sarifArtifactLocation `json:"artifactLocation"`
	Replacements     []sarifReplacement    `json:"replacements"`
}

type sarifReplacement struct {
	DeletedRegion   sarifDeletedRegion  `json:"deletedRegion"`
	InsertedContent *sarifArtifactBytes `json:"insertedContent,omitempty"`
}

// sarifDeletedRegion is a region in both forms SARIF knows: lines and
// columns (in code points, the run's columnKind) and bytes; an insertion
// has equal start and end and a byteLength of 0.
type sarifDeletedRegion struct {
	StartLine   int `json:"startLine"`
	StartColumn int `json:"startColumn"`
	EndLine     int `json:"endLine"`
	EndColumn   int `json:"endColumn"`
	ByteOffset  int `json:"byteOffset"`
	ByteLength  int `json:"byteLength"`
}

type sarifArtifactBytes struct {
	Text string `json:"text"`
}

// sarifFixes returns the SARIF fixes of f: one fix with an artifact
// change per file, its replacements in the order of the file.
func sarifFixes(f rules.Finding) []sarifFix {
	cs := changesOf(f)
	if len(cs) == 0 {
		return nil
	}
	fx := sarifFix{Description: &sarifMessage{Text: f.Fix.Message}}
	index := map[string]int{}
	for _, c := range cs {
		i, ok := index[c.File]
		if !ok {
			i = len(fx.ArtifactChanges)
			index[c.File] = i
			fx.ArtifactChanges = append(fx.ArtifactChanges, sarifArtifactChange{ArtifactLocation: artifact(c.File)})
		}
		r := sarifReplacement{DeletedRegion: sarifDeletedRegion{
			StartLine: c.Start.Line, StartColumn: c.Start.Col, EndLine: c.End.Line, EndColumn: c.End.Col,
			ByteOffset: c.Offset, ByteLength: c.Length,
		}}
		if c.Text != "" {
			r.InsertedContent = &sarifArtifactBytes{Text: c.Text}
		}
		fx.ArtifactChanges[i].Replacements = append(fx.ArtifactChanges[i].Replacements, r)
	}
	return []sarifFix{fx}
}
