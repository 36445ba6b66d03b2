package rules

import (
	"fmt"
	"path"
	"strings"
)

// DocPath returns the documentation page of a rule relative to the
// repository root: docs/rules/<category>/<name>.md.
func DocPath(id string) string {
	cat, name, _ := strings.Cut(id, "/")
	return path.Join("docs", "rules", cat, name+".md")
}

// Markdown renders a rule's documentation page. `grafanalint explain`
// prints it, and docs/rules/ holds exactly its output for every rule.
func Markdown(r *Rule) string {
	var b strings.Builder
	fmt.Fprintf(&b, "# %s\n\n", r.ID)
	fmt.Fprintf(&b, "Default severity: **%s**. %s.\n\n", r.Severity, upperFirst(r.Summary))
	if len(r.Needs) > 0 {
		var needs []string
		for _, n := range r.Needs {
			needs = append(needs, string(n))
		}
		fmt.Fprintf(&b, "Needs: %s in the stack (skipped, not guessed, without).\n\n", strings.Join(needs, ", "))
	}
	section(&b, "What it reports", r.Doc.What)
	section(&b, "Why", r.Doc.Why)
	examples(&b, "Fires on", r.Doc.Bad)
	examples(&b, "Stays silent on", r.Doc.Good)
	section(&b, "How to fix", r.Doc.Fix)
	autoFix(&b, r)
	fmt.Fprintf(&b, "## Suppressing\n\nInline, in ini, YAML and nginx files, on the line or the line above:\n\n```\n# grafanalint:ignore %s -- reason\n```\n\nor in `.grafanalint.yaml`:\n\n```yaml\nexclude:\n  - rules: [%s]\n    paths: [\"path/glob/**\"]\n    reason: why this is fine here\n```\n", r.ID, r.ID)
	return b.String()
}

// autoFix documents the fix `--fix` applies, with the Bad example as it
// fixes it.
func autoFix(b *strings.Builder, r *Rule) {
	if r.Fix == "" {
		return
	}
	fmt.Fprintf(b, "## Automatic fix\n\n`grafanalint --fix` %s `grafanalint --diff` shows the change without making it.\n\n", strings.TrimSpace(r.Fix))
	if len(r.Doc.Fixed) > 0 {
		examples(b, "", r.Doc.Fixed)
	}
}

func section(b *strings.Builder, title, text string) {
	if strings.TrimSpace(text) == "" {
		return
	}
	fmt.Fprintf(b, "## %s\n\n%s\n\n", title, strings.TrimSpace(text))
}

func examples(b *strings.Builder, title string, ex []Example) {
	if len(ex) == 0 {
		return
	}
	if title != "" {
		fmt.Fprintf(b, "## %s\n\n", title)
	} else {
		b.WriteString("After the fix:\n\n")
	}
	for _, e := range ex {
		fmt.Fprintf(b, "`%s`:\n\n```%s\n%s\n```\n\n", e.Path, fence(e.Path), strings.TrimRight(e.Content, "\n"))
	}
}

// fence picks the code-fence language for an example file.
func fence(p string) string {
	switch ext := path.Ext(p); ext {
	case ".yaml", ".yml":
		return "yaml"
	case ".json":
		return "json"
	case ".ini":
		return "ini"
	case ".conf":
		return "nginx"
	}
	return ""
}

func upperFirst(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}
