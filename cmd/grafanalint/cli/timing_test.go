package cli

import (
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// TestTiming: --timing prints to stderr, after everything else, a table
// of the run's phases (loading, the rules with a line per rule, fix
// descriptions, each report written) and leaves the report alone; -v ends
// with the phases on one line; without either nothing is timed. Only
// the sections are checked, never the times.
func TestTiming(t *testing.T) {
	sarif := filepath.Join(t.TempDir(), "out.sarif")
	plain := runCLI(t, repoRoot, "", "--format", "json", "testdata/demo")
	timed := runCLI(t, repoRoot, "", "--format", "json", "--timing", "--output", "sarif="+sarif, "testdata/demo")
	if timed.stdout != plain.stdout || timed.code != plain.code {
		t.Errorf("--timing changed the report or the exit code (%d, want %d)", timed.code, plain.code)
	}
	if strings.Contains(plain.stderr, "timing") {
		t.Errorf("timing printed without --timing:\n%s", plain.stderr)
	}
	at := strings.Index(timed.stderr, "grafanalint: timing")
	if at < 0 {
		t.Fatalf("--timing printed no table:\n%s", timed.stderr)
	}
	table := timed.stderr[at:]
	row := func(indent, name string) *regexp.Regexp {
		return regexp.MustCompile(`(?m)^` + indent + regexp.QuoteMeta(name) + ` +\d+\.\d{3}s +\d+\.\d%$`)
	}
	for _, want := range []*regexp.Regexp{
		regexp.MustCompile(`^grafanalint: timing \(wall clock, \d+\.\d{3}s in all\):\n`),
		row("  ", "load"),
		row("  ", "rules"),
		row("    ", "datasource/unknown-uid"),
		row("    ", "proxy/missing-upgrade-header"),
		row("  ", "fix descriptions"),
		row("  ", "output json"),
		row("  ", "output sarif to "+sarif),
	} {
		if !want.MatchString(table) {
			t.Errorf("--timing lacks %s:\n%s", want, table)
		}
	}
	// The phases come in the order they ran.
	order := []string{"\n  load ", "\n  rules ", "\n  fix descriptions ", "\n  output json ", "\n  output sarif "}
	for i := 1; i < len(order); i++ {
		if strings.Index(table, order[i-1]) > strings.Index(table, order[i]) {
			t.Errorf("%q comes after %q:\n%s", order[i-1], order[i], table)
		}
	}
	text := runCLI(t, repoRoot, "", "--timing", "testdata/demo")
	if strings.Contains(text.stderr, "fix descriptions") || !strings.Contains(text.stderr, "\n  output text ") {
		t.Errorf("a text report describes no fixes and is output as text:\n%s", text.stderr)
	}
	verbose := runCLI(t, repoRoot, "", "-v", "testdata/demo")
	if !regexp.MustCompile(`(?m)^grafanalint: took \d+\.\d{3}s: load \d+\.\d{3}s, rules \d+\.\d{3}s, .*output text \d+\.\d{3}s$`).MatchString(verbose.stderr) {
		t.Errorf("-v does not end with the phases:\n%s", verbose.stderr)
	}
	if strings.Contains(verbose.stderr, "grafanalint: timing") {
		t.Errorf("-v prints the --timing table:\n%s", verbose.stderr)
	}
	fixed := runCLI(t, repoRoot, "", "--diff", "--timing", "testdata/demo")
	if !row("  ", "fix").MatchString(fixed.stderr) || !row("  ", "rules (before fixing)").MatchString(fixed.stderr) {
		t.Errorf("--diff --timing lacks the fix phases:\n%s", fixed.stderr)
	}
}

// TestRuleTimerSums: a rule reported once per stack gets the sum, rules
// come slowest first, and what the engine spent around them is the rest.
func TestRuleTimerSums(t *testing.T) {
	var rt ruleTimer
	rt.timed("a/x", time.Second)
	rt.timed("b/y", 3*time.Second)
	rt.timed("a/x", time.Second)
	want := []phase{{name: "b/y", took: 3 * time.Second}, {name: "a/x", took: 2 * time.Second}, {name: "(engine: scope, suppression)", took: time.Second}}
	if diff := cmp.Diff(want, rt.parts(6*time.Second), cmp.AllowUnexported(phase{})); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}
