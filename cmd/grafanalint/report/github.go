package report

import (
	"io"
	"strconv"
	"strings"

	"github.com/grafanalint/grafanalint/rules"
)

// githubCommand maps a severity to a workflow command.
func githubCommand(s rules.Severity) string {
	switch s {
	case rules.Error:
		return "error"
	case rules.Warning:
		return "warning"
	}
	return "notice"
}

// githubData escapes a workflow command's message the way the Actions
// toolkit does: %, CR and LF.
var githubData = strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A")

// githubText escapes the control characters of s as the text format does,
// but for line breaks, which a workflow command's message keeps (as %0A).
func githubText(s string) string {
	lines := strings.Split(s, "\n")
	for i, l := range lines {
		cr := strings.HasSuffix(l, "\r")
		lines[i] = sanitize(strings.TrimSuffix(l, "\r"))
		if cr {
			lines[i] += "\r"
		}
	}
	return strings.Join(lines, "\n")
}

// githubProperty escapes a workflow command's property value: as the
// message, plus ":" and ",".
var githubProperty = strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A", ":", "%3A", ",", "%2C")

// writeGitHub writes one GitHub Actions workflow command per finding
// (::error, ::warning, or ::notice for info), with the span when it is
// known and the related notes and help link as further lines of the
// message. File names and messages have their control characters escaped
// as in the text format (an ESC or BEL in a file name would reach the log
// raw), then the workflow command escapes.
func writeGitHub(w io.Writer, run *Run, _ Options) error {
	for _, f := range run.Findings {
		var props []string
		add := func(k, v string) { props = append(props, k+"="+githubProperty.Replace(v)) }
		if f.Pos.File != "" {
			add("file", sanitize(f.Pos.File))
		}
		if f.Pos.Line > 0 {
			add("line", strconv.Itoa(f.Pos.Line))
			// GitHub accepts columns only on single-line annotations.
			sameLine := !hasEnd(f) || f.End.Line == f.Pos.Line
			if f.Pos.Col > 0 && sameLine {
				add("col", strconv.Itoa(f.Pos.Col))
			}
			if hasEnd(f) {
				add("endLine", strconv.Itoa(f.End.Line))
				if sameLine && f.Pos.Col > 0 && f.End.Col > 0 {
					add("endColumn", strconv.Itoa(f.End.Col))
				}
			}
		}
		add("title", f.Rule)

		msg := githubText(f.Message)
		for _, rel := range f.Related {
			pos := rel.Pos
			pos.File = relatedFile(f, rel)
			if pos.IsValid() {
				msg += "\n" + posString(pos) + ": note: " + githubText(rel.Message)
			} else {
				msg += "\nnote: " + githubText(rel.Message)
			}
		}
		if f.Rule != "" {
			msg += "\nhelp: " + HelpURL(f.Rule)
		}
		if _, err := io.WriteString(w, "::"+githubCommand(f.Severity)+" "+strings.Join(props, ",")+"::"+githubData.Replace(msg)+"\n"); err != nil {
			return err
		}
	}
	return nil
}
