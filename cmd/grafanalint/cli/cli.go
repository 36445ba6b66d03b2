// Package cli is grafanalint's command line: flags, subcommands, output
// formats and exit codes. It takes its streams and environment as
// parameters so tests run it in-process.
package cli

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/grafanalint/grafanalint/cmd/grafanalint/baseline"
	"github.com/grafanalint/grafanalint/cmd/grafanalint/config"
	"github.com/grafanalint/grafanalint/cmd/grafanalint/report"
	"github.com/grafanalint/grafanalint/parsers/discover"
	"github.com/grafanalint/grafanalint/parsers/factcache"
	"github.com/grafanalint/grafanalint/parsers/model"
	"github.com/grafanalint/grafanalint/parsers/safefile"
	"github.com/grafanalint/grafanalint/parsers/secrets"
	"github.com/grafanalint/grafanalint/rules"
	"github.com/grafanalint/grafanalint/rules/all"
)

// Exit codes, frozen by the CLI contract.
const (
	ExitOK       = 0 // nothing at or above --fail-level
	ExitFindings = 1 // findings at or above --fail-level
	ExitUsage    = 2 // usage or configuration error
	ExitInput    = 3 // an input path could not be read
)

// Command is one invocation of grafanalint.
type Command struct {
	Stdin  io.Reader
	Stdout io.Writer
	Stderr io.Writer
	// Getenv reads the environment (NO_COLOR, CI …); nil means none.
	Getenv func(string) string
	// WorkDir is the working directory; "" means the process's.
	WorkDir string

	// code is the exit code the subcommand that ran decided.
	code int
}

// usageError is a mistake in how grafanalint was called (exit 2).
type usageError struct{ msg string }

func (e *usageError) Error() string { return e.msg }

func usagef(format string, args ...any) error { return &usageError{fmt.Sprintf(format, args...)} }

// Main runs grafanalint with the given arguments (without the program
// name) and returns the exit code.
func (c *Command) Main(args []string) int {
	if c.Getenv == nil {
		c.Getenv = func(string) string { return "" }
	}
	if c.Stdin == nil {
		c.Stdin = strings.NewReader("")
	}
	c.code = ExitOK
	root := c.newRoot()
	root.SetArgs(args)
	err := root.Execute()
	code := c.code
	if err != nil {
		var list config.ErrorList
		if errors.As(err, &list) {
			for _, e := range list {
				fmt.Fprintf(c.Stderr, "grafanalint: %v\n", e)
			}
		} else {
			fmt.Fprintf(c.Stderr, "grafanalint: %v\n", err)
		}
		if code == ExitOK {
			// Errors of the command line itself (an unknown subcommand,
			// arguments a subcommand does not take) are usage errors.
			code = ExitUsage
		}
	}
	return code
}

// lintMode is what the lint path does after loading.
type lintMode int

const (
	modeLint     lintMode = iota // check and report
	modeModel                    // print the model
	modeBaseline                 // record the findings in a baseline
)

// lint loads the paths and prints the model, checks it, or records its
// findings in a baseline.
func (c *Command) lint(fl *parsedFlags, mode lintMode) (int, error) {
	wd, err := c.workDir()
	if err != nil {
		return ExitInput, err
	}
	var baselineOut string
	if mode == modeBaseline {
		baselineOut, fl.args = absIn(wd, fl.args[0]), fl.args[1:]
	}
	fx, err := fixingFrom(fl, mode)
	if err != nil {
		return ExitUsage, err
	}
	format := fl.str("format", "text")
	if mode == modeLint && !validFormat(format) {
		return ExitUsage, usagef("unknown format %q: use one of %s", format, strings.Join(report.Formats(), ", "))
	}
	ropts, err := c.reportOptions(fl)
	if err != nil {
		return ExitUsage, err
	}
	if fl.bool("quiet") && fl.bool("verbose") {
		return ExitUsage, usagef("--quiet and --verbose contradict each other: pass one")
	}
	cfg, err := c.loadConfig(fl, wd)
	if err != nil {
		return ExitUsage, err
	}
	opts, err := c.ruleOptions(fl, cfg)
	if err != nil {
		return ExitUsage, err
	}
	failLevel := rules.Error
	if cfg != nil && cfg.FailLevel != rules.Off {
		failLevel = cfg.FailLevel
	}
	if fl.changed("fail-level") {
		s := fl.str("fail-level", "")
		failLevel, err = rules.ParseSeverity(s)
		if err != nil || failLevel == rules.Off {
			return ExitUsage, usagef("invalid --fail-level %q: use \"error\", \"warning\" or \"info\"", s)
		}
	}
	outputs, err := parseOutputs(fl.all("output"))
	if err != nil {
		return ExitUsage, err
	}
	baselinePath := ""
	if cfg != nil {
		baselinePath = cfg.Baseline
	}
	if fl.changed("baseline") {
		b := fl.str("baseline", "")
		if b == "" {
			return ExitUsage, usagef("--baseline needs a file name")
		}
		baselinePath = absIn(wd, b)
	}
	if fl.bool("baseline-prune") && baselinePath == "" {
		return ExitUsage, usagef("--baseline-prune needs a baseline: pass --baseline FILE or set baseline: in the config")
	}
	var base *baseline.File
	if mode == modeLint && baselinePath != "" {
		if base, err = baseline.Read(baselinePath); err != nil {
			return ExitUsage, usagef("cannot use baseline %q: %v", displayIn(wd, baselinePath), err)
		}
	}
	dopts, err := c.discoverOptions(fl, wd, cfg)
	if err != nil {
		return ExitUsage, err
	}
	// Effective settings take the chosen version's defaults.ini.
	dopts.GrafanaVersion = [2]int{opts.Version.Major, opts.Version.Minor}
	// The rules stream dashboards (rules.Rule.PerDashboard); `model`
	// prints them whole.
	dopts.Stream = mode != modeModel
	// Runs on explicit files keep the facts of their stack's other
	// dashboards between runs (pre-commit lints every commit).
	dopts.FactCache = factcache.Open(factcache.Dir(c.Getenv))
	tm := newTiming(fl.bool("timing") || fl.bool("verbose"))
	defer func() {
		if fl.bool("verbose") && len(tm.phases) > 0 {
			c.verbosef("%s", tm.summary())
		}
		if fl.bool("timing") {
			tm.write(c.Stderr)
		}
	}()
	began := time.Now()
	m, err := discover.Load(context.Background(), dopts)
	if err != nil {
		return ExitInput, err
	}
	tm.add("load", began)
	// dashboard-linter's .lint files beside the dashboards keep working.
	lintExcl, lintLevels, err := config.LintFileExclusions(m)
	if err != nil {
		return ExitUsage, err
	}
	for _, l := range lintLevels {
		if _, set := opts.Levels[l.Rule]; !set {
			opts.Levels[l.Rule] = l.Severity
		}
	}
	// check runs the rules as the report sees them: config and .lint
	// exclusions and findings in the config file (the baseline comes
	// after, so -v can tell what each hid).
	check := func(m *model.Model, phase string) *rules.Result {
		began := time.Now()
		var rt ruleTimer
		opts.Timed = nil
		if tm != nil {
			opts.Timed = rt.timed
		}
		defer func() { tm.add(phase, began, rt.parts(time.Since(began))...) }()
		opts.Exclusions = nil
		if cfg != nil {
			opts.Exclusions = exemptEnabled(cfg.Exclusions(wd, coversConfig(m, dopts, cfg)), fl.all("enable"))
		}
		opts.Exclusions = append(opts.Exclusions, exemptEnabled(lintExcl, fl.all("enable"))...)
		res := redactResult(m, rules.Run(m, all.Rules(), opts))
		if cfg != nil {
			res.Findings = configFindings(res.Findings, m, dopts, cfg)
		}
		return res
	}
	if fx != nil {
		// Fix what the report would show, then lint the fixed files
		// again: what is left decides the report and the exit code. The
		// baseline's stale entries are reported once, by the run that
		// reports.
		res := check(m, "rules (before fixing)")
		if base != nil {
			q := *c
			q.Stderr = io.Discard
			if err := q.applyBaseline(base, baselinePath, wd, m, dopts, opts, res, false, true); err != nil {
				return ExitUsage, err
			}
		}
		began := time.Now()
		written, err := c.fix(fx, m, res)
		if err != nil {
			return ExitInput, err
		}
		tm.add("fix", began)
		if fx.diff {
			return exitCode(res, failLevel, c.reportInputErrors(m)), nil
		}
		if written {
			began := time.Now()
			if m, err = discover.Load(context.Background(), dopts); err != nil {
				return ExitInput, err
			}
			tm.add("load (after fixing)", began)
		}
	}
	inputFailed := c.reportInputErrors(m)
	if len(m.Files) == 0 && len(m.Errors) == 0 {
		fmt.Fprintf(c.Stderr, "grafanalint: warning: no Grafana files found in %s: nothing was linted (grafana.ini, provisioning YAML, dashboard JSON, compose and nginx files are recognised)\n", strings.Join(dopts.Paths, ", "))
	}
	verbose := fl.bool("verbose")
	if verbose {
		c.describeModel(m)
		// As --grafana-version refuses a Grafana older than the rules
		// know, say so when a deployment names one: the run goes on,
		// checking it as the oldest known (grafanalint model says so too).
		for _, s := range m.Stacks {
			if note := rules.OlderThanSupported(s, opts); note != "" {
				fmt.Fprintf(c.Stderr, "grafanalint: stack %q: %s\n", s.Name, note)
			}
		}
	}
	if mode == modeModel {
		rules.ResolveVersions(m, opts)
		if err := writeModel(c.Stdout, m); err != nil {
			return ExitUsage, outputError("standard output", err)
		}
		if inputFailed {
			return ExitInput, nil
		}
		return ExitOK, nil
	}
	res := check(m, "rules")
	if !inputFailed {
		// A streamed dashboard is read again while the rules run: one
		// that became unreadable since loading is an input problem too.
		inputFailed = c.reportInputErrors(m)
	}
	if verbose {
		c.describeSkipped(res, opts)
	}
	if mode == modeBaseline {
		return c.writeBaseline(baselineOut, wd, res.Findings, inputFailed, fl.bool("quiet"))
	}
	hiddenByInline := res.Suppressed
	if base != nil {
		began := time.Now()
		if err := c.applyBaseline(base, baselinePath, wd, m, dopts, opts, res, fl.bool("baseline-prune"), fl.bool("quiet")); err != nil {
			return ExitUsage, err
		}
		tm.add("baseline", began)
	}
	if verbose {
		c.describeResult(res, hiddenByInline, failLevel)
	}
	began = time.Now()
	run := c.reportRun(m, res)
	tm.add("report setup (secrets, excerpts)", began)
	began = time.Now()
	if describeFixes(m, res.Findings, format, outputs) {
		tm.add("fix descriptions", began)
	}
	if cfg != nil {
		if _, ok := run.Files[cfg.Display]; !ok {
			if src, err := safefile.Read(cfg.Path, safefile.Options{}); err == nil {
				run.Files[cfg.Display] = strings.Split(strings.TrimSuffix(strings.ReplaceAll(string(src), "\r\n", "\n"), "\n"), "\n")
			}
		}
	}
	began = time.Now()
	if err := report.Write(c.Stdout, format, run, ropts); err != nil {
		return ExitUsage, outputError("standard output", err)
	}
	tm.add("output "+format, began)
	for _, o := range outputs {
		began := time.Now()
		if err := writeOutput(o, run); err != nil {
			return ExitUsage, err
		}
		tm.add("output "+o.format+" to "+o.path, began)
	}
	if fl.bool("statistics") {
		began := time.Now()
		if err := report.Statistics(c.Stderr, run); err != nil {
			return ExitUsage, outputError("standard error", err)
		}
		tm.add("statistics", began)
	}
	return exitCode(res, failLevel, inputFailed), nil
}

// exitCode is the exit code of a lint: 3 when an input could not be read,
// 1 with findings at or above failLevel, else 0.
func exitCode(res *rules.Result, failLevel rules.Severity, inputFailed bool) int {
	if inputFailed {
		return ExitInput
	}
	for _, f := range res.Findings {
		if f.Severity >= failLevel {
			return ExitFindings
		}
	}
	return ExitOK
}

// reportOptions reads the flags that tune the text format.
func (c *Command) reportOptions(fl *parsedFlags) (report.Options, error) {
	color := fl.str("color", "auto")
	if color != "auto" && color != "always" && color != "never" {
		return report.Options{}, usagef("invalid --color %q: use \"auto\", \"always\" or \"never\"", color)
	}
	ropts := report.Options{Color: report.ColorFor(c.Stdout, color, c.Getenv), Quiet: fl.bool("quiet")}
	switch fl.str("excerpt", "auto") {
	case "auto":
		ropts.NoExcerpt = !report.IsTerminal(c.Stdout)
	case "never":
		ropts.NoExcerpt = true
	case "always":
	default:
		return ropts, usagef("invalid --excerpt %q: use \"auto\", \"always\" or \"never\"", fl.str("excerpt", ""))
	}
	return ropts, nil
}

// outputError describes a report that could not be written. It is exit
// code 2, like other errors in how the run was set up: exit code 3 is
// kept for input that could not be read, so that CI can tell "the
// report is missing" from "a file of the project is unreadable".
func outputError(what string, err error) error {
	return fmt.Errorf("cannot write the report to %s: %w", what, err)
}

// workDir returns the working directory, absolute.
func (c *Command) workDir() (string, error) {
	if c.WorkDir == "" {
		return os.Getwd()
	}
	return filepath.Abs(c.WorkDir)
}

// absIn resolves a path given on the command line against wd.
func absIn(wd, p string) string {
	if filepath.IsAbs(p) {
		return filepath.Clean(p)
	}
	return filepath.Join(wd, p)
}

// displayIn names an absolute path as output does: relative to wd, with
// "/".
func displayIn(wd, abs string) string {
	rel, err := filepath.Rel(wd, abs)
	if err != nil {
		return filepath.ToSlash(abs)
	}
	return filepath.ToSlash(rel)
}

func validFormat(f string) bool {
	for _, known := range report.Formats() {
		if f == known {
			return true
		}
	}
	return false
}

type output struct{ format, path string }

func parseOutputs(specs []string) ([]output, error) {
	var out []output
	for _, s := range specs {
		f, p, ok := strings.Cut(s, "=")
		if !ok || p == "" || !validFormat(f) {
			return nil, usagef("invalid --output %q: use FORMAT=PATH with FORMAT one of %s", s, strings.Join(report.Formats(), ", "))
		}
		out = append(out, output{f, p})
	}
	return out, nil
}

func writeOutput(o output, run *report.Run) error {
	f, err := os.Create(o.path)
	if err != nil {
		return fmt.Errorf("cannot write the %s report: %w", o.format, err)
	}
	if err := report.Write(f, o.format, run, report.Options{}); err != nil {
		f.Close()
		return outputError(fmt.Sprintf("%q", o.path), err)
	}
	if err := f.Close(); err != nil {
		return outputError(fmt.Sprintf("%q", o.path), err)
	}
	return nil
}

// ruleOptions merges the config's version and rule levels with the
// flags; flags win.
func (c *Command) ruleOptions(fl *parsedFlags, cfg *config.Config) (rules.Options, error) {
	opts := rules.Options{Levels: map[string]rules.Severity{}}
	if cfg != nil {
		opts.Version = cfg.GrafanaVersion
		if opts.Version != (rules.Version{}) {
			opts.VersionFrom = "grafana_version in " + cfg.Display
		}
		for _, rl := range cfg.Rules {
			opts.Levels[rl.Rule] = rl.Severity
		}
	}
	if fl.changed("grafana-version") {
		ver, err := config.ParseGrafanaVersion(fl.str("grafana-version", ""))
		if err != nil {
			return opts, usagef("--grafana-version: %v", err)
		}
		opts.Version = ver
		opts.VersionFrom = "--grafana-version"
	}
	names := ruleNames()
	known := func(id string) bool {
		for _, r := range all.Rules() {
			if r.ID == id || r.Category() == id {
				return true
			}
		}
		return false
	}
	// A flag naming a category replaces what the config set for the
	// category's rules, too.
	reset := func(id string) {
		for _, r := range all.Rules() {
			if r.Category() == id {
				delete(opts.Levels, r.ID)
			}
		}
	}
	for _, id := range fl.all("enable") {
		if !known(id) {
			return opts, usagef("unknown rule %q in --enable: %s", id, suggestRule(id, names))
		}
		reset(id)
		for _, r := range all.Rules() {
			if r.ID == id || r.Category() == id {
				sev := r.Severity
				if sev == rules.Off {
					sev = rules.Warning
				}
				opts.Levels[r.ID] = sev
			}
		}
	}
	for _, id := range fl.all("disable") {
		if !known(id) {
			return opts, usagef("unknown rule %q in --disable: %s", id, suggestRule(id, names))
		}
		reset(id)
		opts.Levels[id] = rules.Off
	}
	for _, s := range fl.all("severity") {
		id, lvl, ok := strings.Cut(s, "=")
		if !ok {
			return opts, usagef("invalid --severity %q: use RULE=LEVEL with a rule from \"grafanalint rules\"", s)
		}
		if !known(id) {
			return opts, usagef("unknown rule %q in --severity: %s", id, suggestRule(id, names))
		}
		sev, err := rules.ParseSeverity(lvl)
		if err != nil {
			return opts, usagef("%v", err)
		}
		reset(id)
		opts.Levels[id] = sev
	}
	return opts, nil
}

func (c *Command) discoverOptions(fl *parsedFlags, wd string, cfg *config.Config) (discover.Options, error) {
	opts := discover.Options{
		Paths:         fl.args,
		WorkDir:       wd,
		EnvFiles:      fl.all("env-file"),
		NginxPrefix:   fl.str("nginx-prefix", ""),
		Stdin:         c.Stdin,
		StdinFilename: fl.str("stdin-filename", ""),
	}
	if cfg != nil {
		if opts.NginxPrefix == "" {
			opts.NginxPrefix = cfg.NginxPrefix
		}
		opts.MaxFileSize = cfg.MaxFileSize
		opts.NginxProxyParams = cfg.NginxProxyParams
		for _, s := range cfg.Stacks {
			opts.Stacks = append(opts.Stacks, discover.StackSpec{Name: s.Name, Paths: s.Paths, Env: s.Env, ComposeService: s.ComposeService})
		}
	}
	if len(opts.Paths) == 0 {
		opts.Paths = []string{"."}
	}
	for _, p := range opts.Paths {
		if cfg != nil && p != "-" && absIn(wd, p) == cfg.Path {
			// Findings in the config file may come from any stack: a
			// run naming it loads them all (discover keeps only the
			// stacks of the named files otherwise).
			opts.FullContext = true
		}
		if p == "-" && opts.StdinFilename == "" {
			return opts, usagef("reading stdin needs --stdin-filename NAME (the name decides how the file is read)")
		}
	}
	for _, kv := range fl.all("env") {
		k, v, ok := strings.Cut(kv, "=")
		if !ok || k == "" {
			return opts, usagef("invalid --env %q: use KEY=VALUE", kv)
		}
		opts.Env = append(opts.Env, model.EnvVar{Name: k, Value: v})
	}
	if fl.changed("max-file-size") {
		s := fl.str("max-file-size", "")
		n, err := config.ParseSize(s)
		if err != nil {
			return opts, usagef("invalid --max-file-size %q: %v", s, err)
		}
		opts.MaxFileSize = n
	}
	for i, p := range opts.EnvFiles {
		opts.EnvFiles[i] = absIn(wd, p)
	}
	return opts, nil
}

// reportInputErrors prints paths that could not be read and files that
// could not be used at all (binary, too large, unreadable)
// to stderr, and reports whether there were any.
func (c *Command) reportInputErrors(m *model.Model) bool {
	failed := false
	for _, e := range m.Errors {
		fmt.Fprintf(c.Stderr, "grafanalint: %s\n", e)
		failed = true
	}
	for _, f := range m.Files {
		for _, p := range f.Problems {
			if p.Kind == model.ProblemInput && f.Reported {
				fmt.Fprintf(c.Stderr, "grafanalint: %s: %s\n", posOrPath(p.Pos, f.Path), p.Message)
				failed = true
			}
		}
	}
	return failed
}

func posOrPath(p model.Pos, path string) string {
	if p.IsValid() {
		return p.String()
	}
	return path
}

func (c *Command) reportRun(m *model.Model, res *rules.Result) *report.Run {
	run := &report.Run{Findings: res.Findings, Rules: all.Rules(), Files: map[string][]string{}, ToolVersion: toolVersion()}
	run.Lines, run.Secrets = excerptLines(m), secrets.Collect(m)
	run.Summary.Files = len(m.Files)
	run.Summary.Stacks = len(m.Stacks)
	for _, f := range res.Findings {
		switch f.Severity {
		case rules.Error:
			run.Summary.Errors++
		case rules.Warning:
			run.Summary.Warnings++
		case rules.Info:
			run.Summary.Infos++
		}
	}
	for _, s := range res.Skipped {
		run.Summary.Skipped = append(run.Summary.Skipped, report.Skipped{Family: s.Family, Reason: s.Reason})
	}
	return run
}

func (c *Command) rulesCmd(fl *parsedFlags) (int, error) {
	rs := all.Rules()
	switch fl.str("format", "text") {
	case "json":
		type entry struct {
			ID       string `json:"id"`
			Category string `json:"category"`
			Severity string `json:"severity"`
			Summary  string `json:"summary"`
			Help     string `json:"help"`
			// Fix says whether --fix can fix its findings.
			Fix bool `json:"fix"`
		}
		list := []entry{}
		for _, r := range rs {
			list = append(list, entry{r.ID, r.Category(), r.Severity.String(), r.Summary, report.HelpURL(r.ID), r.Fix != ""})
		}
		enc := json.NewEncoder(c.Stdout)
		enc.SetIndent("", "  ")
		if err := enc.Encode(list); err != nil {
			return ExitUsage, outputError("standard output", err)
		}
		return ExitOK, nil
	case "text":
		var b strings.Builder
		for _, r := range rs {
			fixable := ""
			if r.Fix != "" {
				fixable = "fix"
			}
			fmt.Fprintf(&b, "%-36s %-8s %-3s %s\n", r.ID, r.Severity, fixable, r.Summary)
		}
		if _, err := io.WriteString(c.Stdout, b.String()); err != nil {
			return ExitUsage, outputError("standard output", err)
		}
		return ExitOK, nil
	}
	return ExitUsage, usagef("unknown format %q for \"rules\": use text or json", fl.str("format", ""))
}

func (c *Command) explainCmd(id string) (int, error) {
	r := all.Lookup(id)
	if r == nil {
		var ids []string
		for _, x := range all.Rules() {
			ids = append(ids, x.ID)
		}
		return ExitUsage, usagef("unknown rule %q: %s", id, suggestRule(id, ids))
	}
	if _, err := io.WriteString(c.Stdout, rules.Markdown(r)); err != nil {
		return ExitUsage, outputError("standard output", err)
	}
	return ExitOK, nil
}
