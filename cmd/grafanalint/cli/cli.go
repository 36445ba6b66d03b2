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
	"sort"
	"strings"

	"github.com/grafanalint/grafanalint/cmd/grafanalint/report"
	"github.com/grafanalint/grafanalint/parsers/discover"
	"github.com/grafanalint/grafanalint/parsers/grafanaini"
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
		fmt.Fprintf(c.Stderr, "grafanalint: %v\n", err)
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
			return c.lint(args[1:], true)
		case "help":
			c.usage(c.Stdout)
			return ExitOK, nil
		}
	}
	return c.lint(args, false)
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
	{name: "enable", value: true, repeat: true, usage: "enable RULE or category at its default severity (repeatable)"},
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
	fmt.Fprint(w, `usage: grafanalint [flags] [path ...]   lint paths (default "."); "-" reads stdin
       grafanalint rules [--format json]  list rules
       grafanalint explain RULE           print a rule's documentation
       grafanalint model [path ...]       print the loaded model as JSON
       grafanalint version

flags:
`)
	for _, f := range lintFlags {
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

// lint loads the paths and either prints the model or checks it.
func (c *Command) lint(argv []string, modelOnly bool) (int, error) {
	fl, err := parseFlags(lintFlags, argv)
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
	format := fl.str("format", "text")
	if m := fl.str("color", "auto"); m != "auto" && m != "always" && m != "never" {
		return ExitUsage, usagef("invalid --color %q: use \"auto\", \"always\" or \"never\"", m)
	}
	if !modelOnly && !validFormat(format) {
		return ExitUsage, usagef("unknown format %q: use one of %s", format, strings.Join(report.Formats(), ", "))
	}
	opts, err := c.ruleOptions(fl)
	if err != nil {
		return ExitUsage, err
	}
	failLevel, err := rules.ParseSeverity(fl.str("fail-level", "error"))
	if err != nil || failLevel == rules.Off {
		return ExitUsage, usagef("invalid --fail-level %q: use \"error\", \"warning\" or \"info\"", fl.str("fail-level", ""))
	}
	outputs, err := parseOutputs(fl.all("output"))
	if err != nil {
		return ExitUsage, err
	}
	dopts, err := c.discoverOptions(fl)
	if err != nil {
		return ExitUsage, err
	}
	m, err := discover.Load(context.Background(), dopts)
	if err != nil {
		return ExitInput, err
	}
	inputFailed := c.reportInputErrors(m)
	if modelOnly {
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
	res := rules.Run(m, all.Rules(), opts)
	run := c.reportRun(m, res)
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
	if inputFailed {
		return ExitInput, nil
	}
	for _, f := range res.Findings {
		if f.Severity >= failLevel {
			return ExitFindings, nil
		}
	}
	return ExitOK, nil
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

func (c *Command) ruleOptions(fl *parsedFlags) (rules.Options, error) {
	opts := rules.Options{Levels: map[string]rules.Severity{}}
	if v := fl.str("grafana-version", ""); v != "" {
		ver, err := rules.ParseVersion(v)
		if err != nil {
			return opts, usagef("%v", err)
		}
		opts.Version = ver
	}
	known := func(id string) bool {
		for _, r := range all.Rules() {
			if r.ID == id || r.Category() == id {
				return true
			}
		}
		return false
	}
	for _, id := range fl.all("enable") {
		if !known(id) {
			return opts, usagef("unknown rule %q in --enable: list rules with \"grafanalint rules\"", id)
		}
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
		opts.Levels[id] = sev
	}
	return opts, nil
}

func (c *Command) discoverOptions(fl *parsedFlags) (discover.Options, error) {
	wd := c.WorkDir
	if wd == "" {
		var err error
		if wd, err = os.Getwd(); err != nil {
			return discover.Options{}, err
		}
	}
	opts := discover.Options{
		Paths:         fl.args,
		WorkDir:       wd,
		EnvFiles:      fl.all("env-file"),
		NginxPrefix:   fl.str("nginx-prefix", ""),
		Stdin:         c.Stdin,
		StdinFilename: fl.str("stdin-filename", ""),
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
		n, err := parseSize(s)
		if err != nil {
			return opts, usagef("invalid --max-file-size %q: %v", s, err)
		}
		opts.MaxFileSize = n
	}
	for i, p := range opts.EnvFiles {
		if !filepath.IsAbs(p) {
			opts.EnvFiles[i] = filepath.Join(wd, p)
		}
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
		}
		list := []entry{}
		for _, r := range rs {
			list = append(list, entry{r.ID, r.Category(), r.Severity.String(), r.Summary, report.HelpURL(r.ID)})
		}
		enc := json.NewEncoder(c.Stdout)
		enc.SetIndent("", "  ")
		return ExitOK, enc.Encode(list)
	case "text":
		for _, r := range rs {
			fmt.Fprintf(c.Stdout, "%-36s %-8s %s\n", r.ID, r.Severity, r.Summary)
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

var _ = grafanaini.Parse
