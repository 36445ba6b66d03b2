package all

import (
	"context"
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/grafanalint/grafanalint/parsers/corpustest"
	"github.com/grafanalint/grafanalint/parsers/discover"
	"github.com/grafanalint/grafanalint/parsers/model"
	"github.com/grafanalint/grafanalint/rules"
)

// perDashboardRules returns the rules the engine streams dashboards
// through, and copies of them that check whole stacks.
func perDashboardRules(t *testing.T) (streamed, whole []*rules.Rule) {
	t.Helper()
	for _, r := range Rules() {
		if !r.PerDashboard {
			continue
		}
		w := *r
		w.PerDashboard = false
		streamed, whole = append(streamed, r), append(whole, &w)
	}
	if len(streamed) == 0 {
		t.Fatal("no rule is PerDashboard")
	}
	return streamed, whole
}

// findingLines returns the findings of running rs on m as JSON lines.
func findingLines(t *testing.T, m *model.Model, rs []*rules.Rule) []string {
	t.Helper()
	var out []string
	for _, f := range rules.Run(m, rs, rules.Options{}).Findings {
		b, err := json.Marshal(f)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, string(b))
	}
	return out
}

// checkPerDashboard loads the tree at dir whole and checks that every
// PerDashboard rule reports through the views of single dashboards what it
// reports on whole stacks: a rule marked PerDashboard that reads another
// dashboard, or sums over them without Gathered, fails here.
func checkPerDashboard(t *testing.T, dir string, streamed, whole []*rules.Rule) {
	t.Helper()
	m, err := discover.Load(context.Background(), discover.Options{WorkDir: dir})
	if err != nil {
		t.Fatalf("load %s: %v", dir, err)
	}
	got := findingLines(t, m, streamed)
	want := findingLines(t, m, whole)
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("%s: findings of PerDashboard rules through dashboard views differ from those on whole stacks (-whole +views):\n%s", dir, diff)
	}
}

// TestPerDashboardAsWholeStacks compares, on every fixture case and on
// both corpora, the PerDashboard rules checked one dashboard at a time
// with the same rules checked on whole stacks.
func TestPerDashboardAsWholeStacks(t *testing.T) {
	streamed, whole := perDashboardRules(t)
	cases, err := filepath.Glob(filepath.Join(repoRoot, "testdata", "rules", "*", "*", "*"))
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, dir := range cases {
		if base := filepath.Base(dir); !strings.HasPrefix(base, "fire-") && !strings.HasPrefix(base, "silent-") {
			continue
		}
		n++
		checkPerDashboard(t, dir, streamed, whole)
	}
	if n < 100 {
		t.Fatalf("only %d fixture cases found", n)
	}
	checkPerDashboard(t, filepath.Join(repoRoot, "testdata", "demo"), streamed, whole)
	for _, sub := range []string{"real", "k8s"} {
		dir, err := filepath.Abs(corpustest.Dir(t, sub))
		if err != nil {
			t.Fatal(err)
		}
		checkPerDashboard(t, dir, streamed, whole)
	}
}
