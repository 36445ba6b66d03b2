package report

import (
	"fmt"
	"io"
	"sort"
	"strings"
)

// Statistics writes how many findings each rule produced, one rule a line:
// the count (right-aligned), the rule ID and its summary, most frequent
// first and rules with equal counts by ID. With no findings it writes
// nothing.
func Statistics(w io.Writer, run *Run) error {
	counts := map[string]int{}
	for _, f := range run.Findings {
		counts[f.Rule]++
	}
	ids := make([]string, 0, len(counts))
	idWidth, numWidth := 0, 0
	for id, n := range counts {
		ids = append(ids, id)
		idWidth = max(idWidth, len(id))
		numWidth = max(numWidth, len(fmt.Sprint(n)))
	}
	sort.Slice(ids, func(i, j int) bool {
		if counts[ids[i]] != counts[ids[j]] {
			return counts[ids[i]] > counts[ids[j]]
		}
		return ids[i] < ids[j]
	})
	byID := run.ruleByID()
	var bw strings.Builder
	for _, id := range ids {
		line := fmt.Sprintf("%*d  %-*s", numWidth, counts[id], idWidth, id)
		if r := byID[id]; r != nil && r.Summary != "" {
			line += "  " + sanitize(r.Summary)
		}
		bw.WriteString(strings.TrimRight(line, " ") + "\n")
	}
	_, err := io.WriteString(w, bw.String())
	return err
}
