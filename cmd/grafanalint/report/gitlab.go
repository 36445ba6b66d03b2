package report

import (
	"io"

	"github.com/grafanalint/grafanalint/rules"
)

// gitlabIssue is one entry of a GitLab Code Quality report (a subset of
// the Code Climate issue format).
type gitlabIssue struct {
	Type        string         `json:"type"`
	Description string         `json:"description"`
	CheckName   string         `json:"check_name"`
	Fingerprint string         `json:"fingerprint"`
	Severity    string         `json:"severity"`
	Location    gitlabLocation `json:"location"`
	// Content carries the help link; GitLab shows it with the issue.
	Content *gitlabContent `json:"content,omitempty"`
}

type gitlabContent struct {
	Body string `json:"body"`
}

type gitlabLocation struct {
	Path  string      `json:"path"`
	Lines gitlabLines `json:"lines"`
}

type gitlabLines struct {
	Begin int `json:"begin"`
	End   int `json:"end"`
}

// gitlabSeverity maps a severity to Code Quality's scale.
func gitlabSeverity(s rules.Severity) string {
	switch s {
	case rules.Error:
		return "major"
	case rules.Warning:
		return "minor"
	}
	return "info"
}

// writeGitLab writes a GitLab Code Quality report: a JSON array with one
// issue per finding. Fingerprints hash rule, path, entity and key (not the
// line; see identity), so an issue keeps its identity when lines move.
func writeGitLab(w io.Writer, run *Run, _ Options) error {
	fps := fingerprints(run.Findings)
	issues := streamed{n: len(run.Findings), mark: newMark(), elem: func(i int) any {
		f := run.Findings[i]
		is := gitlabIssue{
			Type:        "issue",
			Description: f.Message,
			CheckName:   f.Rule,
			Fingerprint: fps[i].unique(),
			Severity:    gitlabSeverity(f.Severity),
			Location:    gitlabLocation{Path: f.Pos.File, Lines: gitlabLines{Begin: max(f.Pos.Line, 1)}},
		}
		is.Location.Lines.End = is.Location.Lines.Begin
		if hasEnd(f) {
			is.Location.Lines.End = f.End.Line
		}
		if f.Rule != "" {
			is.Content = &gitlabContent{Body: "See " + HelpURL(f.Rule)}
		}
		return is
	}}
	return encodeStream(w, issues, issues)
}
