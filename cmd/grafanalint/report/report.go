// Package report writes the findings of a lint run in grafanalint's output
// formats: text (with source excerpts), oneline, json, sarif, github,
// checkstyle, junit and gitlab, and the --statistics table.
//
// The package only formats: it never reads files (excerpt lines come from
// Run.Files or Run.Lines), never decides which findings to show and never
// re-orders them; findings are written in the order the rule engine
// produced them.
//
// Every format hides secrets the same way, in Write: messages, related
// notes, entities and skipped reasons go through Run.Secrets.Text, and
// each excerpt line has the spans Run.Secrets.LineSpans finds masked (the
// model's secret values, URL passwords, credential header values,
// credentials named in "key = value" lines), besides the spans of
// MaskedRules findings.
//
// Choices the formats make:
//   - text: per finding the line "path:line:col: severity: message
//     [rule/id]", the source line with a ^~~~ marker under the span (tabs
//     kept, wide characters two cells, control characters escaped), the
//     related notes and a help link; then a summary line that is always
//     written, also when there are no findings ("0 errors, 0 warnings,
//     0 infos in 12 files (1 stack)"), followed by the skipped check
//     families. Findings of MaskedRules have their span masked in every
//     excerpt of that line.
//   - oneline: the first line of each text finding and nothing else.
//   - json: the versioned contract of DESIGN.md; end_line/end_column and
//     entity are left out when unknown.
//   - sarif: fingerprints and the GitLab ones hash rule, file, entity and
//     key (the message only when a rule gives no key), never positions;
//     repeats get an occurrence number.
//   - junit: one testsuite per file, one failing testcase per finding; a
//     single passing testcase when there are no findings.
package report

import (
	"bufio"
	"fmt"
	"io"
	"strings"

	"github.com/grafanalint/grafanalint/parsers/secrets"
	"github.com/grafanalint/grafanalint/rules"
)

// Run is everything a report shows about one lint run.
type Run struct {
	// Findings in engine order (file, line, column, rule).
	Findings []rules.Finding
	// Rules are the rules known to the run; their metadata (summary,
	// documentation, default severity) goes into formats that carry it.
	Rules []*rules.Rule
	// Files maps a display path to its lines (without line terminators),
	// for source excerpts.
	Files map[string][]string
	// Lines, when set, returns line n (1-based) of the file at a display
	// path for excerpts of files Files lacks (model.File.Line reads it
	// again on demand, so a run keeps no file's text). A file neither
	// gives simply gets no excerpt.
	Lines func(path string, n int) (string, bool)
	// Secrets hides credentials in everything printed (see the package
	// comment); nil still hides what its patterns recognise.
	Secrets *secrets.Set
	// Summary describes the run as a whole.
	Summary Summary
	// ToolVersion is grafanalint's version, for formats that record it.
	ToolVersion string
	// Root, when set, is the absolute directory display paths are
	// relative to; SARIF records it as the %SRCROOT% base. Optional.
	Root string
}

// Summary describes a lint run as a whole.
type Summary struct {
	// Files and Stacks are how many files and stacks were checked.
	Files, Stacks int
	// Errors, Warnings and Infos count findings by severity. Write
	// recomputes them from Run.Findings, so callers need not set them.
	Errors, Warnings, Infos int
	// Skipped lists the check families that could not run.
	Skipped []Skipped
}

// Skipped is a family of checks that did not run, and why.
type Skipped struct {
	Family string `json:"family"`
	Reason string `json:"reason"`
}

// Options tune the text format; other formats ignore them.
type Options struct {
	// Color turns on ANSI colours (see ColorFor).
	Color bool
	// NoExcerpt leaves out source excerpts, related notes and help links,
	// keeping the finding lines and the summary.
	NoExcerpt bool
	// Quiet leaves out the summary line and the skipped check families.
	Quiet bool
}

// HelpBase is the address rule documentation pages live under; a rule's
// page is HelpBase + "<category>/<name>.md".
var HelpBase = "https://github.com/grafanalint/grafanalint/blob/main/docs/rules/"

// InformationURI is grafanalint's home page, recorded in SARIF.
var InformationURI = "https://github.com/grafanalint/grafanalint"

// ToolName is the name formats record as the producing tool.
const ToolName = "grafanalint"

// MaskedRules are the rules whose findings point at a secret: in text
// excerpts the span of such a finding is replaced by asterisks, on every
// excerpt that shows its line, so the secret is never printed.
var MaskedRules = map[string]bool{"secret/plaintext": true}

// HelpURL returns the documentation page of the rule with the given ID.
func HelpURL(id string) string {
	cat, name, ok := strings.Cut(id, "/")
	if !ok {
		return HelpBase + id + ".md"
	}
	return HelpBase + cat + "/" + name + ".md"
}

type writer func(w io.Writer, run *Run, opts Options) error

var writers = map[string]writer{
	"text":       writeText,
	"oneline":    writeOneline,
	"json":       writeJSON,
	"sarif":      writeSARIF,
	"github":     writeGitHub,
	"checkstyle": writeCheckstyle,
	"junit":      writeJUnit,
	"gitlab":     writeGitLab,
}

var formats = []string{"text", "oneline", "json", "sarif", "github", "checkstyle", "junit", "gitlab"}

// Formats returns the names of the output formats, default first.
func Formats() []string { return append([]string(nil), formats...) }

// Write writes run to w in the named format.
func Write(w io.Writer, format string, run *Run, opts Options) error {
	fn, ok := writers[format]
	if !ok {
		return fmt.Errorf("unknown format %q: use one of %s", format, quoteList(formats))
	}
	if run == nil {
		run = &Run{}
	}
	r := *run
	r.Findings = redactFindings(run.Secrets, run.Findings)
	r.Summary = tally(run.Summary, run.Findings)
	r.Summary.Skipped = make([]Skipped, len(run.Summary.Skipped))
	for i, s := range run.Summary.Skipped {
		r.Summary.Skipped[i] = Skipped{Family: s.Family, Reason: run.Secrets.Text(s.Reason)}
	}
	bw := bufio.NewWriterSize(w, 64<<10)
	if err := fn(bw, &r, opts); err != nil {
		return err
	}
	return bw.Flush()
}

// redactFindings returns fs with the secrets of their messages, related
// notes, entities and keys hidden; findings that hold none are shared, not
// copied.
func redactFindings(s *secrets.Set, fs []rules.Finding) []rules.Finding {
	var out []rules.Finding
	for i, f := range fs {
		g := RedactFinding(s, f)
		if out == nil && !sameFinding(f, g) {
			out = make([]rules.Finding, len(fs))
			copy(out, fs[:i])
		}
		if out != nil {
			out[i] = g
		}
	}
	if out == nil {
		return fs
	}
	return out
}

// RedactFinding returns f with the secrets of its message, related notes,
// entity and key replaced (secrets.Set.Text); f's Related slice is copied
// when a note changes.
func RedactFinding(s *secrets.Set, f rules.Finding) rules.Finding {
	f.Message = s.Text(f.Message)
	f.Entity = s.Text(f.Entity)
	f.Key = s.Text(f.Key)
	copied := false
	for i := range f.Related {
		if m := s.Text(f.Related[i].Message); m != f.Related[i].Message {
			if !copied {
				f.Related = append([]rules.Related(nil), f.Related...)
				copied = true
			}
			f.Related[i].Message = m
		}
	}
	return f
}

func sameFinding(a, b rules.Finding) bool {
	if a.Message != b.Message || a.Entity != b.Entity || a.Key != b.Key || len(a.Related) != len(b.Related) {
		return false
	}
	for i := range a.Related {
		if a.Related[i].Message != b.Related[i].Message {
			return false
		}
	}
	return true
}

// tally returns s with its severity counts computed from fs.
func tally(s Summary, fs []rules.Finding) Summary {
	s.Errors, s.Warnings, s.Infos = 0, 0, 0
	for _, f := range fs {
		switch f.Severity {
		case rules.Error:
			s.Errors++
		case rules.Warning:
			s.Warnings++
		case rules.Info:
			s.Infos++
		}
	}
	return s
}

func quoteList(names []string) string {
	q := make([]string, len(names))
	for i, n := range names {
		q[i] = fmt.Sprintf("%q", n)
	}
	return strings.Join(q, ", ")
}

// ruleByID indexes run.Rules.
func (r *Run) ruleByID() map[string]*rules.Rule {
	m := make(map[string]*rules.Rule, len(r.Rules))
	for _, rl := range r.Rules {
		if rl != nil {
			m[rl.ID] = rl
		}
	}
	return m
}

// relatedFile returns the file of a related location, defaulting to the
// finding's own file when the rule left it empty.
func relatedFile(f rules.Finding, rel rules.Related) string {
	if rel.Pos.File == "" {
		return f.Pos.File
	}
	return rel.Pos.File
}

// hasEnd reports whether f has a usable end position: on or after Pos.
func hasEnd(f rules.Finding) bool {
	if !f.End.IsValid() || !f.Pos.IsValid() {
		return false
	}
	if f.End.File != "" && f.End.File != f.Pos.File {
		return false
	}
	return f.End.Line > f.Pos.Line || (f.End.Line == f.Pos.Line && f.End.Col >= f.Pos.Col)
}

// plural formats n with a noun, adding "s" unless n is 1.
func plural(n int, noun string) string {
	if n == 1 {
		return fmt.Sprintf("%d %s", n, noun)
	}
	return fmt.Sprintf("%d %ss", n, noun)
}

// summaryLine is the closing line of the text format.
func summaryLine(s Summary) string {
	return fmt.Sprintf("%s, %s, %s in %s (%s)",
		plural(s.Errors, "error"), plural(s.Warnings, "warning"), plural(s.Infos, "info"),
		plural(s.Files, "file"), plural(s.Stacks, "stack"))
}

// skippedLine describes one skipped family.
func skippedLine(s Skipped) string {
	return fmt.Sprintf("skipped %s checks: %s", s.Family, s.Reason)
}
