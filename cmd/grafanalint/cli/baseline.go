package cli

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/grafanalint/grafanalint/cmd/grafanalint/baseline"
	"github.com/grafanalint/grafanalint/parsers/discover"
	"github.com/grafanalint/grafanalint/parsers/model"
	"github.com/grafanalint/grafanalint/rules"
	"github.com/grafanalint/grafanalint/rules/all"
)

// baselineFileOf maps display paths (relative to wd) to the paths a
// baseline at path records (relative to its directory).
func baselineFileOf(path, wd string) func(string) string {
	dir := filepath.Dir(path)
	return func(display string) string {
		rel, err := filepath.Rel(dir, absIn(wd, filepath.FromSlash(display)))
		if err != nil {
			return display
		}
		return filepath.ToSlash(rel)
	}
}

// writeBaseline records findings in the baseline file at path.
func (c *Command) writeBaseline(path, wd string, findings []rules.Finding, inputFailed, quiet bool) (int, error) {
	b := baseline.New(findings, baselineFileOf(path, wd))
	if err := b.Write(path); err != nil {
		return ExitUsage, fmt.Errorf("cannot write baseline: %w", err)
	}
	if !quiet {
		fmt.Fprintf(c.Stderr, "grafanalint: recorded %s (%s) in %s\n", plural(len(findings), "finding"), plural(len(b.Findings), "entry"), displayIn(wd, path))
	}
	if inputFailed {
		return ExitInput, nil
	}
	return ExitOK, nil
}

// applyBaseline hides the findings base records, reports its stale
// entries on stderr and, with prune, removes them from the file.
func (c *Command) applyBaseline(base *baseline.File, path, wd string, m *model.Model, dopts discover.Options, opts rules.Options, res *rules.Result, prune, quiet bool) error {
	fileOf := baselineFileOf(path, wd)
	reported := map[string]bool{}
	for _, f := range m.Files {
		if f.Reported {
			reported[fileOf(f.Path)] = true
		}
	}
	dir := filepath.Dir(path)
	inScope := func(e baseline.Entry) bool {
		if r := all.Lookup(e.Rule); r != nil && levelOf(r, opts.Levels) == rules.Off {
			return false // the rule did not run
		}
		if reported[e.File] {
			return true
		}
		// A file that is gone is in scope when this run walked where it was.
		abs := filepath.Join(dir, filepath.FromSlash(e.File))
		if _, err := os.Stat(abs); !errors.Is(err, fs.ErrNotExist) {
			return false
		}
		for _, p := range dopts.Paths {
			if p == "-" {
				continue
			}
			root := absIn(wd, p)
			if st, err := os.Stat(root); err == nil && st.IsDir() && within(abs, root) {
				return true
			}
		}
		return false
	}
	if base.Version < baseline.Version && !quiet {
		fmt.Fprintf(c.Stderr, "grafanalint: %s: baseline version %d: its dashboard entries match by rule, file and offending value, wherever the panel is; write it again with \"grafanalint baseline %s\" to record version %d keys (panel id and refId)\n",
			displayIn(wd, path), base.Version, displayIn(wd, path), baseline.Version)
	}
	out := base.Apply(res.Findings, fileOf, inScope)
	res.Findings = out.Kept
	res.Suppressed += out.Hidden
	if len(out.Stale) == 0 {
		return nil
	}
	name := displayIn(wd, path)
	n := 0
	for _, e := range out.Stale {
		n += max(e.Count, 1)
		what := e.Rule
		if e.Entity != "" {
			what += " on " + e.Entity
		}
		if !quiet {
			fmt.Fprintf(c.Stderr, "grafanalint: %s: stale entry: %s: %s is no longer found: %s\n", name, e.File, what, e.Message)
		}
	}
	if quiet && !prune {
		return nil
	}
	if !prune {
		fmt.Fprintf(c.Stderr, "grafanalint: %s: %s no longer found (fixed?): drop stale entries with --baseline-prune\n", name, plural(n, "recorded finding"))
		return nil
	}
	if err := base.Prune(out.Stale).Write(path); err != nil {
		return fmt.Errorf("cannot prune baseline: %w", err)
	}
	fmt.Fprintf(c.Stderr, "grafanalint: %s: removed %s no longer found\n", name, plural(n, "recorded finding"))
	return nil
}

// levelOf is the severity a rule runs at with the given levels (as the
// engine decides it).
func levelOf(r *rules.Rule, levels map[string]rules.Severity) rules.Severity {
	if s, ok := levels[r.ID]; ok {
		return s
	}
	if s, ok := levels[r.Category()]; ok {
		return s
	}
	return r.Severity
}

func plural(n int, noun string) string {
	if n == 1 {
		return fmt.Sprintf("%d %s", n, noun)
	}
	if noun == "entry" {
		return fmt.Sprintf("%d entries", n)
	}
	return fmt.Sprintf("%d %ss", n, noun)
}
