package rules

import (
	"fmt"
	"testing"

	"github.com/grafanalint/grafanalint/parsers/model"
)

// engineOrder returns n findings as the engine gathers them before
// sorting: rule by rule, each rule's in dashboard order.
func engineOrder(n int) []Finding {
	ruleIDs := []string{"dashboard/unresolved-input", "datasource/unknown-name", "query/promql-syntax"}
	out := make([]Finding, 0, n)
	for k, id := range ruleIDs {
		for i := range n / len(ruleIDs) {
			file := fmt.Sprintf("grafana/dashboards/team-%03d/%05d.json", i/1000, i/7)
			out = append(out, Finding{Rule: id, Message: fmt.Sprint("m", k), Pos: model.Pos{File: file, Line: 10 + i%7*30 + k, Col: 5}})
		}
	}
	return out
}

// BenchmarkSortFindings sorts a fleet's findings as Run does.
func BenchmarkSortFindings(b *testing.B) {
	n := 70000
	if testing.Short() {
		n = 7000
	}
	src := engineOrder(n)
	fs := make([]Finding, len(src))
	b.ReportAllocs()
	for b.Loop() {
		copy(fs, src)
		sortInPlace(fs)
	}
}
