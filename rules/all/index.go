package all

import (
	"fmt"
	"strings"

	"github.com/grafanalint/grafanalint/rules"
)

// Index renders docs/rules/README.md: every rule with its severity,
// whether `--fix` fixes it, and its summary, grouped by category.
func Index(rs []*rules.Rule) string {
	var b strings.Builder
	b.WriteString("# grafanalint rules\n\nGenerated from the rules' metadata (`go test ./rules/all -run TestDocsPages -update`); `grafanalint explain RULE` prints the same pages. Rules marked *fix* have an automatic fix: `grafanalint --fix` applies it where it is certain, `--diff` shows it.\n")
	cat := ""
	for _, r := range rs {
		if r.Category() != cat {
			cat = r.Category()
			fmt.Fprintf(&b, "\n## %s\n\n| rule | severity | fix | summary |\n|---|---|---|---|\n", cat)
		}
		fixable := ""
		if r.Fix != "" {
			fixable = "fix"
		}
		fmt.Fprintf(&b, "| [`%s`](%s/%s.md) | %s | %s | %s |\n", r.ID, cat, r.Name(), r.Severity, fixable, r.Summary)
	}
	return b.String()
}
