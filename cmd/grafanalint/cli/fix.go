package cli

import (
	"fmt"
	"slices"
	"sort"
	"strings"

	"github.com/grafanalint/grafanalint/cmd/grafanalint/fixer"
	"github.com/grafanalint/grafanalint/cmd/grafanalint/report"
	"github.com/grafanalint/grafanalint/parsers/model"
	"github.com/grafanalint/grafanalint/rules"
	"github.com/grafanalint/grafanalint/rules/all"
)

// fixFlags are the flags of fixing, taken by the lint command beside
// the other flags of the root command.
var fixFlags = []flagSpec{
	{name: "fix", usage: "apply the fixes of findings whose fix is certain, then lint again and report what is left"},
	{name: "diff", usage: "print the fixes --fix would apply as a unified diff instead of writing them (exit code as without fixing)"},
	{name: "fix-only", value: true, repeat: true, usage: "limit --fix and --diff to RULE or category (repeatable, or comma-separated)"},
}

// fixing is what --fix, --diff and --fix-only ask for.
type fixing struct {
	diff bool // print the changes instead of writing them
	only []string
}

// fixingFrom reads the fix flags; nil when neither --fix nor --diff is
// given. Fixing needs files to write: it refuses stdin ("-") and the
// model and baseline commands.
func fixingFrom(fl *parsedFlags, mode lintMode) (*fixing, error) {
	var only []string
	for _, v := range fl.all("fix-only") {
		for _, id := range strings.Split(v, ",") {
			if id = strings.TrimSpace(id); id != "" {
				only = append(only, id)
			}
		}
	}
	write, diff := fl.bool("fix"), fl.bool("diff")
	switch {
	case !write && !diff:
		if len(only) > 0 {
			return nil, usagef("--fix-only limits --fix or --diff: add one of them")
		}
		return nil, nil
	case write && diff:
		return nil, usagef("--fix and --diff exclude each other: --diff prints what --fix would write")
	case mode != modeLint:
		return nil, usagef("--fix and --diff apply to linting only, not to this command")
	case diff && (len(fl.all("format")) > 0 || len(fl.all("output")) > 0):
		return nil, usagef("--diff prints a unified diff instead of findings: drop --format and --output")
	}
	for _, p := range fl.args {
		if p == "-" {
			return nil, usagef("--fix and --diff cannot edit stdin (\"-\"): name the file instead")
		}
	}
	for _, id := range only {
		if err := fixableRule(id); err != nil {
			return nil, err
		}
	}
	return &fixing{diff: diff, only: only}, nil
}

// fixableRule checks a --fix-only pattern: a rule with a fix, or a
// category that has one.
func fixableRule(id string) error {
	known, fixable := false, false
	for _, r := range all.Rules() {
		if r.ID == id || r.Category() == id {
			known = true
			fixable = fixable || r.Fix != ""
		}
	}
	switch {
	case !known:
		return usagef("unknown rule %q in --fix-only: list rules with \"grafanalint rules\"", id)
	case !fixable:
		return usagef("%q has no automatic fix: \"grafanalint rules\" marks the rules that have one", id)
	}
	return nil
}

// fix plans the fixes of the findings in res, then writes them or, with
// --diff, prints them on stdout. It reports on stderr each fix it made
// (where, which rule, what) and each it skipped and why, then a summary, and returns whether files were written
// (the caller then lints again and reports what is left).
func (c *Command) fix(fx *fixing, m *model.Model, res *rules.Result) (written bool, err error) {
	plan := fixer.New(m, res.Findings, fixer.Options{Only: fx.only})
	for _, s := range plan.Skipped {
		fmt.Fprintf(c.Stderr, "grafanalint: %s\n", s.Describe())
	}
	if fx.diff {
		var secrets []fixer.Span
		for _, f := range res.Findings {
			if report.MaskedRules[f.Rule] {
				secrets = append(secrets, fixer.Span{Start: f.Pos, End: f.End})
			}
		}
		if err := plan.Diff(c.Stdout, fixer.DiffOptions{Secrets: secrets}); err != nil {
			return false, err
		}
		fmt.Fprintf(c.Stderr, "grafanalint: %s: %s\n", fixSummary(plan, "would fix"), "nothing was written")
		return false, nil
	}
	if len(plan.Files) == 0 {
		fmt.Fprintf(c.Stderr, "grafanalint: %s\n", fixSummary(plan, "fixed"))
		return false, nil
	}
	if err := plan.Write(); err != nil {
		return true, err
	}
	for _, f := range plan.Applied {
		fmt.Fprintf(c.Stderr, "grafanalint: %s: %s: fixed: %s\n", f.Pos, f.Rule, f.Fix.Message)
	}
	fmt.Fprintf(c.Stderr, "grafanalint: %s\n", fixSummary(plan, "fixed"))
	return true, nil
}

// describeFixes resolves the fixes of the findings for the formats that
// carry them (json, sarif), when one of them is written, and reports
// whether it did.
func describeFixes(m *model.Model, findings []rules.Finding, format string, outputs []output) bool {
	carries := format == "json" || format == "sarif"
	for _, o := range outputs {
		carries = carries || o.format == "json" || o.format == "sarif"
	}
	if carries {
		fixer.Describe(m, findings, fixer.Options{})
	}
	return carries
}

// fixSummary says how many findings the plan fixes, per rule, in which
// files: "fixed 3 findings (datasource/name-as-uid 2, ini/inline-comment
// 1) in 2 files".
func fixSummary(p *fixer.Plan, verb string) string {
	if len(p.Applied) == 0 {
		return "no finding with a certain fix to apply"
	}
	per := map[string]int{}
	for _, f := range p.Applied {
		per[f.Rule]++
	}
	ids := make([]string, 0, len(per))
	for id := range per {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	parts := make([]string, len(ids))
	for i, id := range ids {
		parts[i] = fmt.Sprintf("%s %d", id, per[id])
	}
	files := make([]string, len(p.Files))
	for i, f := range p.Files {
		files[i] = f.Path
	}
	slices.Sort(files)
	return fmt.Sprintf("%s %s (%s) in %s: %s", verb, plural(len(p.Applied), "finding"), strings.Join(parts, ", "), plural(len(p.Files), "file"), strings.Join(files, ", "))
}
