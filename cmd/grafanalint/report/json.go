package report

import (
	"encoding/json"
	"io"
)

// JSONVersion is the version of the json format. Fields may be added to
// the format, never renamed or removed, without changing it.
const JSONVersion = 1

// jsonReport is the json format (DESIGN.md, "The JSON format").
type jsonReport struct {
	Version  int           `json:"version"`
	Findings []jsonFinding `json:"findings"`
	Summary  jsonSummary   `json:"summary"`
}

type jsonFinding struct {
	Rule     string `json:"rule"`
	Severity string `json:"severity"`
	Message  string `json:"message"`
	File     string `json:"file"`
	Line     int    `json:"line"`
	Column   int    `json:"column"`
	// EndLine and EndColumn are left out when the span is not known.
	EndLine   int           `json:"end_line,omitempty"`
	EndColumn int           `json:"end_column,omitempty"`
	Related   []jsonRelated `json:"related"`
	// Entity names what the finding is about ("dashboard:<uid>", …); it is
	// what config exclusions match. Left out when empty.
	Entity string `json:"entity,omitempty"`
	// Fix is the certain fix --fix would apply, when there is one
	// (fixes.go). Left out otherwise.
	Fix *jsonFix `json:"fix,omitempty"`
}

type jsonRelated struct {
	File    string `json:"file"`
	Line    int    `json:"line"`
	Column  int    `json:"column"`
	Message string `json:"message"`
}

type jsonSummary struct {
	Files    int       `json:"files"`
	Stacks   int       `json:"stacks"`
	Errors   int       `json:"errors"`
	Warnings int       `json:"warnings"`
	Infos    int       `json:"infos"`
	Skipped  []Skipped `json:"skipped"`
}

// writeJSON writes the versioned json document. Lists are [] when empty,
// never null.
func writeJSON(w io.Writer, run *Run, _ Options) error {
	doc := jsonReport{
		Version:  JSONVersion,
		Findings: make([]jsonFinding, 0, len(run.Findings)),
		Summary: jsonSummary{
			Files:    run.Summary.Files,
			Stacks:   run.Summary.Stacks,
			Errors:   run.Summary.Errors,
			Warnings: run.Summary.Warnings,
			Infos:    run.Summary.Infos,
			Skipped:  append([]Skipped{}, run.Summary.Skipped...),
		},
	}
	for _, f := range run.Findings {
		jf := jsonFinding{
			Rule:     f.Rule,
			Severity: f.Severity.String(),
			Message:  f.Message,
			File:     f.Pos.File,
			Line:     f.Pos.Line,
			Column:   f.Pos.Col,
			Related:  make([]jsonRelated, 0, len(f.Related)),
			Entity:   f.Entity,
			Fix:      jsonFixOf(f),
		}
		if hasEnd(f) {
			jf.EndLine, jf.EndColumn = f.End.Line, f.End.Col
		}
		for _, rel := range f.Related {
			jf.Related = append(jf.Related, jsonRelated{
				File:    relatedFile(f, rel),
				Line:    rel.Pos.Line,
				Column:  rel.Pos.Col,
				Message: rel.Message,
			})
		}
		doc.Findings = append(doc.Findings, jf)
	}
	return encodeJSON(w, doc)
}

// encodeJSON writes v indented, without escaping <, > and &.
func encodeJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}
