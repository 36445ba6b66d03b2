package all

import (
	"fmt"
	"strings"

	"github.com/grafanalint/grafanalint/rules"
)

// Index renders docs/rules/README.md: every rule with its severity and
// summary, grouped by category.
func Index(rs []*rules.Rule) string {
	var b strings.Builder
	b.WriteString("# grafanalint rules\n\nGenerated from the rules' metadata (`go test ./rules/all -run TestDocsPages -update`); `grafanalint explain RULE` prints the same pages.\n")
	cat := ""
	for _, r := range rs {
		if r.Category() != cat {
			cat = r.Category()
			fmt.Fprintf(&b, "\n## %s\n\n| rule | severity | summary |\n|---|---|---|\n", cat)
		}
		fmt.Fprintf(&b, "| [`%s`](%s/%s.md) | %s | %s |\n", r.ID, cat, r.Name(), r.Severity, r.Summary)
	}
	return b.String()
}
