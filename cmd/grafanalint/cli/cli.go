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
	"runtime/debug"
	"slices"
	"sort"
	"strings"

	"github.com/grafanalint/grafanalint/cmd/grafanalint/baseline"
	"github.com/grafanalint/grafanalint/cmd/grafanalint/config"
	"github.com/grafanalint/grafanalint/cmd/grafanalint/report"
	"github.com/grafanalint/grafanalint/parsers/discover"
	"github.com/grafanalint/grafanalint/parsers/model"
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

// Version is set at build time with -ldflags "-X …/cli.Version=v1.2.3";
// otherwise it comes from the module build info.
var Version = ""

// Command is one invocation of grafanalint.
type Command struct {
	Stdin  io.Reader
	Stdout io.Writer
	Stderr io.Writer
	// Getenv reads the environment (NO_COLOR, CI …); nil means none.
	Getenv func(string) string
	// WorkDir is the working directory; "" means the process's.
	WorkDir string
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
	code, err := c.run(args)
	if err != nil {
		var list config.ErrorList
		if errors.As(err, &list) {
			for _, e := range list {
				fmt.Fprintf(c.Stderr, "grafanalint: %v\n", e)
			}
		} else {
			fmt.Fprintf(c.Stderr, "grafanalint: %v\n", err)
		}
		var ue *usageError
		if errors.As(err, &ue) && code == 0 {
			code = ExitUsage
		}
	}
	return code
}

func (c *Command) run(args []string) (int, error) {
	if len(args) > 0 {
		switch args[0] {
		case "version":
			fmt.Fprintf(c.Stdout, "grafanalint %s\n", toolVersion())
			return ExitOK, nil
		case "rules":
			return c.rulesCmd(args[1:])
		case "explain":
			return c.explainCmd(args[1:])
		case "model":
			return c.lint(args[1:], modeModel)
		case "baseline":
			return c.lint(args[1:], modeBaseline)
		case "init":
			return c.initCmd(args[1:])
		case "help":
			c.usage(c.Stdout)
			return ExitOK, nil
		}
	}
	return c.lint(args, modeLint)
}

func toolVersion() string {
	if Version != "" {
		return Version
	}
	if bi, ok := debug.ReadBuildInfo(); ok && bi.Main.Version != "" && bi.Main.Version != "(devel)" {
		return bi.Main.Version
	}
	return "devel"
}

var lintFlags = []flagSpec{
	{name: "format", value: true, usage: "output format: " + strings.Join(report.Formats(), ", ") + " (default text)"},
	{name: "output", value: true, repeat: true, usage: "also write FORMAT=PATH (repeatable)"},
	{name: "color", value: true, usage: "colour text output: auto, always or never (default auto; NO_COLOR honoured)"},
	{name: "excerpt", value: true, usage: "source excerpts under text findings: auto (on a terminal), always or never"},
	{name: "fail-level", value: true, usage: "lowest severity that makes the exit code 1: error, warning or info (default error)"},
	{name: "config", value: true, usage: "configuration file (default: .grafanalint.yaml here or in the nearest directory above)"},
	{name: "no-config", usage: "ignore configuration files"},
	{name: "baseline", value: true, usage: "hide the findings recorded in this baseline file (see \"grafanalint baseline\")"},
	{name: "baseline-prune", usage: "remove the baseline's stale entries (findings that are gone) from the file"},
	{name: "enable", value: true, repeat: true, usage: "enable RULE or category at its default severity, even where the config excludes it (repeatable)"},
	{name: "disable", value: true, repeat: true, usage: "disable RULE or category (repeatable)"},
	{name: "severity", value: true, repeat: true, usage: "set RULE=LEVEL (error, warning, info, off; repeatable)"},
	{name: "grafana-version", value: true, usage: "Grafana version to check against (default " + rules.CurrentGrafana.String() + ")"},
	{name: "env", value: true, repeat: true, usage: "environment variable KEY=VALUE given to Grafana (GF_* overrides; repeatable)"},
	{name: "env-file", value: true, repeat: true, usage: "file of KEY=VALUE lines given to Grafana (repeatable)"},
	{name: "nginx-prefix", value: true, usage: "directory relative nginx includes resolve against (default: the main file's directory)"},
	{name: "max-file-size", value: true, usage: "skip files larger than this with an error (default 64MiB)"},
	{name: "stdin-filename", value: true, usage: "name of the file read from stdin with \"-\" (decides its kind)"},
	{name: "statistics", usage: "print the number of findings per rule"},
	{name: "help", usage: "show this help"},
	{name: "h", usage: "show this help"},
	{name: "version", usage: "print the version"},
}

func (c *Command) usage(w io.Writer) {
	fmt.Fprint(w, `usage: grafanalint [flags] [path ...]     lint paths (default "."); "-" reads stdin
       grafanalint rules [--format json]    list rules
       grafanalint explain RULE             print a rule's documentation
       grafanalint model [path ...]         print the loaded model as JSON
       grafanalint baseline FILE [path ...] record the current findings in FILE (see --baseline)
       grafanalint init [--force]           write a commented default .grafanalint.yaml
       grafanalint version

flags:
`)
	for _, f := range slices.Concat(lintFlags, fixFlags) {
		if f.name == "h" {
			continue
		}
		arg := ""
		if f.value {
			arg = " VALUE"
		}
		fmt.Fprintf(w, "  --%-22s %s\n", f.name+arg, f.usage)
	}
	fmt.Fprint(w, `
exit codes: 0 no findings at or above --fail-level, 1 findings, 2 usage or configuration error,
            3 an input path could not be read
`)
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
func (c *Command) lint(argv []string, mode lintMode) (int, error) {
	fl, err := parseFlags(slices.Concat(lintFlags, fixFlags), argv)
	if err != nil {
		return ExitUsage, usagef("%v", err)
	}
	if fl.bool("help") || fl.bool("h") {
		c.usage(c.Stdout)
		return ExitOK, nil
	}
	if fl.bool("version") {
		fmt.Fprintf(c.Stdout, "grafanalint %s\n", toolVersion())
		return ExitOK, nil
	}
	wd, err := c.workDir()
	if err != nil {
		return ExitInput, err
	}
	var baselineOut string
	if mode == modeBaseline {
		if len(fl.args) == 0 || fl.args[0] == "-" {
			return ExitUsage, usagef("usage: grafanalint baseline FILE [path ...]: name the baseline file to write")
		}
		baselineOut, fl.args = absIn(wd, fl.args[0]), fl.args[1:]
	}
	fx, err := fixingFrom(fl, mode)
	if err != nil {
		return ExitUsage, err
	}
	format := fl.str("format", "text")
	if m := fl.str("color", "auto"); m != "auto" && m != "always" && m != "never" {
		return ExitUsage, usagef("invalid --color %q: use \"auto\", \"always\" or \"never\"", m)
	}
	if mode == modeLint && !validFormat(format) {
		return ExitUsage, usagef("unknown format %q: use one of %s", format, strings.Join(report.Formats(), ", "))
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
	if s := fl.str("fail-level", ""); s != "" {
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
	if b := fl.str("baseline", ""); b != "" {
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
	m, err := discover.Load(context.Background(), dopts)
	if err != nil {
		return ExitInput, err
	}
	// check runs the rules as the report sees them: config exclusions,
	// findings in the config file, the baseline (quiet: its stale entries
	// are reported once, by the run that reports).
	check := func(m *model.Model, quiet bool) (*rules.Result, error) {
		if cfg != nil {
			opts.Exclusions = exemptEnabled(cfg.Exclusions(wd, coversConfig(m, dopts, cfg)), fl.all("enable"))
		}
		res := rules.Run(m, all.Rules(), opts)
		if cfg != nil {
			res.Findings = configFindings(res.Findings, m, dopts, cfg)
		}
		if base == nil {
			return res, nil
		}
		if quiet {
			q := *c
			q.Stderr = io.Discard
			return res, q.applyBaseline(base, baselinePath, wd, m, dopts, opts, res, false)
		}
		return res, c.applyBaseline(base, baselinePath, wd, m, dopts, opts, res, fl.bool("baseline-prune"))
	}
	if fx != nil {
		// Fix what the report would show, then lint the fixed files
		// again: what is left decides the report and the exit code.
		res, err := check(m, !fx.diff)
		if err != nil {
			return ExitInput, err
		}
		written, err := c.fix(fx, m, res)
		if err != nil {
			return ExitInput, err
		}
		if fx.diff {
			return exitCode(res, failLevel, c.reportInputErrors(m)), nil
		}
		if written {
			if m, err = discover.Load(context.Background(), dopts); err != nil {
				return ExitInput, err
			}
		}
	}
	inputFailed := c.reportInputErrors(m)
	if len(m.Files) == 0 && len(m.Errors) == 0 {
		fmt.Fprintf(c.Stderr, "grafanalint: warning: no Grafana files found in %s: nothing was linted (grafana.ini, provisioning YAML, dashboard JSON, compose and nginx files are recognised)\n", strings.Join(dopts.Paths, ", "))
	}
	if mode == modeModel {
		rules.ResolveVersions(m, opts)
		enc := json.NewEncoder(c.Stdout)
		enc.SetIndent("", "  ")
		if err := enc.Encode(Redact(m)); err != nil {
			return ExitInput, err
		}
		if inputFailed {
			return ExitInput, nil
		}
		return ExitOK, nil
	}
	res, err := check(m, false)
	if err != nil {
		return ExitInput, err
	}
	if mode == modeBaseline {
		return c.writeBaseline(baselineOut, wd, res.Findings, inputFailed)
	}
	run := c.reportRun(m, res)
	describeFixes(m, res.Findings, format, outputs)
	if cfg != nil {
		if _, ok := run.Files[cfg.Display]; !ok {
			if src, err := os.ReadFile(cfg.Path); err == nil {
				run.Files[cfg.Display] = strings.Split(strings.TrimSuffix(strings.ReplaceAll(string(src), "\r\n", "\n"), "\n"), "\n")
			}
		}
	}
	ropts := report.Options{Color: report.ColorFor(c.Stdout, fl.str("color", "auto"), c.Getenv)}
	switch fl.str("excerpt", "auto") {
	case "auto":
		ropts.NoExcerpt = !report.IsTerminal(c.Stdout)
	case "never":
		ropts.NoExcerpt = true
	case "always":
	default:
		return ExitUsage, usagef("invalid --excerpt %q: use \"auto\", \"always\" or \"never\"", fl.str("excerpt", ""))
	}
	if err := report.Write(c.Stdout, format, run, ropts); err != nil {
		return ExitInput, err
	}
	for _, o := range outputs {
		if err := writeOutput(o, run); err != nil {
			return ExitInput, err
		}
	}
	if fl.bool("statistics") {
		if err := report.Statistics(c.Stderr, run); err != nil {
			return ExitInput, err
		}
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
		return fmt.Errorf("cannot write %q: %w", o.path, err)
	}
	if err := report.Write(f, o.format, run, report.Options{}); err != nil {
		f.Close()
		return err
	}
	return f.Close()
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
	if v := fl.str("grafana-version", ""); v != "" {
		ver, err := rules.ParseVersion(v)
		if err != nil {
			return opts, usagef("%v", err)
		}
		opts.Version = ver
		opts.VersionFrom = "--grafana-version"
	}
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
			return opts, usagef("unknown rule %q in --enable: list rules with \"grafanalint rules\"", id)
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
			return opts, usagef("unknown rule %q in --disable: list rules with \"grafanalint rules\"", id)
		}
		reset(id)
		opts.Levels[id] = rules.Off
	}
	for _, s := range fl.all("severity") {
		id, lvl, ok := strings.Cut(s, "=")
		if !ok || !known(id) {
			return opts, usagef("invalid --severity %q: use RULE=LEVEL with a rule from \"grafanalint rules\"", s)
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
	if s := fl.str("max-file-size", ""); s != "" {
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
// could not be used at all (binary, too large, unreadable, include cycles)
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
	for _, f := range m.Files {
		run.Files[f.Path] = f.Lines
	}
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

func (c *Command) rulesCmd(argv []string) (int, error) {
	fl, err := parseFlags([]flagSpec{{name: "format", value: true}}, argv)
	if err != nil {
		return ExitUsage, usagef("%v", err)
	}
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
		return ExitOK, enc.Encode(list)
	case "text":
		for _, r := range rs {
			fixable := ""
			if r.Fix != "" {
				fixable = "fix"
			}
			fmt.Fprintf(c.Stdout, "%-36s %-8s %-3s %s\n", r.ID, r.Severity, fixable, r.Summary)
		}
		return ExitOK, nil
	}
	return ExitUsage, usagef("unknown format %q for \"rules\": use text or json", fl.str("format", ""))
}

func (c *Command) explainCmd(argv []string) (int, error) {
	if len(argv) != 1 {
		return ExitUsage, usagef("usage: grafanalint explain RULE (list rules with \"grafanalint rules\")")
	}
	r := all.Lookup(argv[0])
	if r == nil {
		var near []string
		for _, x := range all.Rules() {
			if strings.Contains(x.ID, argv[0]) {
				near = append(near, x.ID)
			}
		}
		sort.Strings(near)
		hint := "list rules with \"grafanalint rules\""
		if len(near) > 0 {
			hint = "did you mean " + strings.Join(near, ", ") + "?"
		}
		return ExitUsage, usagef("unknown rule %q: %s", argv[0], hint)
	}
	_, err := io.WriteString(c.Stdout, rules.Markdown(r))
	return ExitOK, err
}
