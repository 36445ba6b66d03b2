package cli

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"strings"

	"github.com/spf13/cobra"

	"github.com/grafanalint/grafanalint/cmd/grafanalint/config"
	"github.com/grafanalint/grafanalint/cmd/grafanalint/report"
	"github.com/grafanalint/grafanalint/rules"
	"github.com/grafanalint/grafanalint/rules/all"
)

// The command line is built with cobra (and pflag): every subcommand gets
// its own -h/--help, the shell completion scripts (bash, zsh, fish,
// powershell) come with it, and flags behave as Go CLI users know them
// (--flag=value, --flag value, -q, interleaved with paths, "--").

var (
	formatFlag  = flagSpec{name: "format", value: true, metavar: "FORMAT", usage: "output format: " + strings.Join(report.Formats(), ", ") + " (default text)", complete: report.Formats}
	outputFlags = []flagSpec{
		formatFlag,
		{name: "output", value: true, metavar: "FORMAT=PATH", repeat: true, usage: "also write FORMAT=PATH (repeatable), e.g. --output sarif=grafanalint.sarif"},
		{name: "color", value: true, metavar: "WHEN", usage: "colour text output: auto, always or never (default auto; NO_COLOR honoured)", complete: func() []string { return []string{"auto", "always", "never"} }},
		{name: "excerpt", value: true, metavar: "WHEN", usage: "source excerpts under text findings: auto (on a terminal), always or never", complete: func() []string { return []string{"auto", "always", "never"} }},
		{name: "fail-level", value: true, metavar: "LEVEL", usage: "lowest severity that makes the exit code 1: error, warning or info (default error)", complete: func() []string { return []string{"error", "warning", "info"} }},
		{name: "statistics", usage: "print the number of findings per rule to stderr"},
		{name: "baseline", value: true, metavar: "FILE", usage: "hide the findings recorded in this baseline file (see \"grafanalint baseline\")"},
		{name: "baseline-prune", usage: "remove the baseline's stale entries (findings that are gone) from the file"},
	}
	ruleFlags = []flagSpec{
		{name: "enable", value: true, metavar: "RULE", repeat: true, usage: "enable RULE or category at its default severity, even where the config excludes it (repeatable)", complete: ruleNames},
		{name: "disable", value: true, metavar: "RULE", repeat: true, usage: "disable RULE or category (repeatable)", complete: ruleNames},
		{name: "severity", value: true, metavar: "RULE=LEVEL", repeat: true, usage: "set RULE=LEVEL (error, warning, info, off; repeatable)", complete: severityPairs},
		grafanaVersionFlag,
	}
	// grafanaVersionFlag is a rule flag that `model` takes too: the model
	// shows each stack's version and where it came from.
	grafanaVersionFlag = flagSpec{name: "grafana-version", value: true, metavar: "VERSION", usage: "Grafana version to check against, " + config.SupportedGrafana() + " (default " + rules.CurrentGrafana.String() + ")"}
	loadFlags          = []flagSpec{
		{name: "config", value: true, metavar: "FILE", usage: "configuration file (default: .grafanalint.yaml here or in the nearest directory above)"},
		{name: "no-config", usage: "ignore configuration files"},
		{name: "env", value: true, metavar: "KEY=VALUE", repeat: true, usage: "environment variable KEY=VALUE given to Grafana (GF_* overrides; repeatable)"},
		{name: "env-file", value: true, metavar: "FILE", repeat: true, usage: "file of KEY=VALUE lines given to Grafana (repeatable)"},
		{name: "nginx-prefix", value: true, metavar: "DIR", usage: "directory relative nginx includes resolve against (default: the main file's directory)"},
		{name: "max-file-size", value: true, metavar: "SIZE", usage: "skip files larger than this with an error, e.g. 64MiB, 500KB (default 64MiB)"},
		{name: "stdin-filename", value: true, metavar: "NAME", usage: "name of the file read from stdin with \"-\" (decides its kind)"},
	}
	verbosityFlags = []flagSpec{
		{name: "quiet", short: "q", usage: "print findings and errors only: no summary, skipped checks or notes"},
		{name: "verbose", short: "v", usage: "also print to stderr what was discovered, the stacks, which checks were skipped and why, and how long each phase took"},
		{name: "timing", usage: "print to stderr where the time went: loading, each rule, fix descriptions, each report written"},
	}
)

func ruleNames() []string {
	seen := map[string]bool{}
	var out []string
	for _, r := range all.Rules() {
		for _, n := range []string{r.Category(), r.ID} {
			if !seen[n] {
				seen[n] = true
				out = append(out, n)
			}
		}
	}
	return out
}

func severityPairs() []string {
	var out []string
	for _, r := range all.Rules() {
		for _, l := range []string{"error", "warning", "info", "off"} {
			out = append(out, r.ID+"="+l)
		}
	}
	return out
}

func join(groups ...[]flagSpec) []flagSpec {
	var out []flagSpec
	for _, g := range groups {
		out = append(out, g...)
	}
	return out
}

const rootLong = `grafanalint lints Grafana deployments: grafana.ini, datasource and dashboard
provisioning, dashboard JSON, compose files and the nginx configs in front of
Grafana, checked together as one stack.

Paths default to "."; "-" reads standard input (--stdin-filename names it).
Given explicit files (as pre-commit passes them), the rest of the project is
loaded for context and findings are reported when they sit in those files or
their cause does (a related location, or the datasource they name).

Exit codes:
  0  nothing at or above --fail-level
  1  findings at or above --fail-level
  2  usage, configuration or output error (bad flag or config, a report or
     baseline file that cannot be written)
  3  an input path could not be read`

// newRoot builds the command tree of one invocation.
func (c *Command) newRoot() *cobra.Command {
	root := &cobra.Command{
		Use:               "grafanalint [path ...]",
		Short:             "Lint Grafana deployments as one stack",
		Long:              rootLong,
		Args:              cobra.ArbitraryArgs,
		SilenceErrors:     true,
		SilenceUsage:      true,
		ValidArgsFunction: completeFiles,
		RunE: func(cmd *cobra.Command, args []string) error {
			fl := flagsOf(cmd, args)
			if fl.bool("version") {
				return c.done(c.versionCmd())
			}
			if err := c.misspeltCommand(cmd, args); err != nil {
				return err
			}
			return c.done(c.lint(fl, modeLint))
		},
	}
	root.SetFlagErrorFunc(flagError)
	addFlags(root, join(outputFlags, ruleFlags, fixFlags, loadFlags, verbosityFlags))
	root.Flags().Bool("version", false, "print the version")
	root.Flags().SortFlags = false

	model := &cobra.Command{
		Use:               "model [path ...]",
		Short:             "Print the loaded model as JSON: what grafanalint believes Grafana and nginx will see",
		Long:              "Print the loaded model as JSON: the stacks, effective grafana.ini settings with where each\nvalue came from, datasources, dashboard references and Live channels, nginx servers and\nlocations. Secret values are redacted.",
		Args:              cobra.ArbitraryArgs,
		ValidArgsFunction: completeFiles,
		RunE: func(cmd *cobra.Command, args []string) error {
			return c.done(c.lint(flagsOf(cmd, args), modeModel))
		},
	}
	addFlags(model, join([]flagSpec{grafanaVersionFlag}, loadFlags, verbosityFlags))

	base := &cobra.Command{
		Use:   "baseline FILE [path ...]",
		Short: "Record the current findings in FILE, to hide them with --baseline",
		Long: "Record the current findings in FILE (JSON, sorted, meant to be committed). Later runs with\n" +
			"--baseline FILE (or baseline: in the config) show only new findings. A finding is recognised\n" +
			"by its rule, file, entity and key — what it is about — never by line or column.",
		Args: func(_ *cobra.Command, args []string) error {
			if len(args) == 0 || args[0] == "-" {
				return usagef("usage: grafanalint baseline FILE [path ...]: name the baseline file to write")
			}
			return nil
		},
		ValidArgsFunction: completeFiles,
		RunE: func(cmd *cobra.Command, args []string) error {
			return c.done(c.lint(flagsOf(cmd, args), modeBaseline))
		},
	}
	addFlags(base, join(ruleFlags, loadFlags, verbosityFlags))

	rulesCmd := &cobra.Command{
		Use:   "rules",
		Short: "List the rules: id, default severity and summary",
		Args:  noArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			return c.done(c.rulesCmd(flagsOf(cmd, args)))
		},
	}
	addFlags(rulesCmd, []flagSpec{{name: "format", value: true, metavar: "FORMAT", usage: "text or json (default text)", complete: func() []string { return []string{"text", "json"} }}})

	explain := &cobra.Command{
		Use:   "explain RULE",
		Short: "Print a rule's documentation (the page under docs/rules/)",
		Args: func(_ *cobra.Command, args []string) error {
			if len(args) != 1 {
				return usagef("usage: grafanalint explain RULE (list rules with \"grafanalint rules\")")
			}
			return nil
		},
		ValidArgsFunction: func(_ *cobra.Command, args []string, prefix string) ([]string, cobra.ShellCompDirective) {
			if len(args) > 0 {
				return nil, cobra.ShellCompDirectiveNoFileComp
			}
			var ids []string
			for _, r := range all.Rules() {
				if strings.HasPrefix(r.ID, prefix) {
					ids = append(ids, r.ID+"\t"+r.Summary)
				}
			}
			return ids, cobra.ShellCompDirectiveNoFileComp
		},
		RunE: func(_ *cobra.Command, args []string) error {
			return c.done(c.explainCmd(args[0]))
		},
	}

	initCmd := &cobra.Command{
		Use:   "init",
		Short: "Write a commented default " + config.FileName + " in the working directory",
		Args:  noArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			return c.done(c.initCmd(flagsOf(cmd, args)))
		},
	}
	addFlags(initCmd, []flagSpec{{name: "force", usage: "replace an existing " + config.FileName}})

	version := &cobra.Command{
		Use:   "version",
		Short: "Print the version, commit and build date",
		Args:  noArgs,
		RunE: func(*cobra.Command, []string) error {
			return c.done(c.versionCmd())
		},
	}
	for _, sub := range []*cobra.Command{model, base, rulesCmd, explain, initCmd, version} {
		sub.Flags().SortFlags = false
		sub.SilenceErrors, sub.SilenceUsage = true, true
		root.AddCommand(sub)
	}
	root.SetHelpCommand(&cobra.Command{
		Use:   "help [command]",
		Short: "Help about any command",
		RunE: func(cmd *cobra.Command, args []string) error {
			target, _, err := cmd.Root().Find(args)
			if len(args) > 0 && (err != nil || target == cmd.Root()) {
				var names []string
				for _, sub := range cmd.Root().Commands() {
					names = append(names, sub.Name())
				}
				hint := "see \"grafanalint --help\""
				if near := config.Nearest(args[0], names); near != "" {
					hint = fmt.Sprintf("did you mean \"grafanalint help %s\"?", near)
				}
				return c.done(ExitUsage, usagef("no help topic %q: %s", args[0], hint))
			}
			return target.Help()
		},
		ValidArgsFunction: func(cmd *cobra.Command, args []string, prefix string) ([]string, cobra.ShellCompDirective) {
			var names []string
			if len(args) == 0 {
				for _, sub := range cmd.Root().Commands() {
					if !sub.Hidden && strings.HasPrefix(sub.Name(), prefix) {
						names = append(names, sub.Name()+"\t"+sub.Short)
					}
				}
			}
			return names, cobra.ShellCompDirectiveNoFileComp
		},
	})
	root.SetIn(c.Stdin)
	root.SetOut(c.Stdout)
	root.SetErr(c.Stderr)
	return root
}

// noArgs rejects positional arguments with a usage error.
func noArgs(cmd *cobra.Command, args []string) error {
	if len(args) > 0 {
		return usagef("%q takes no arguments (got %q): see %q", cmd.CommandPath(), args[0], cmd.CommandPath()+" --help")
	}
	return nil
}

func completeFiles(*cobra.Command, []string, string) ([]string, cobra.ShellCompDirective) {
	return nil, cobra.ShellCompDirectiveDefault
}

// done records a subcommand's exit code for Main.
func (c *Command) done(code int, err error) error {
	c.code = code
	return err
}

// misspeltCommand reports a path argument that does not exist and looks
// like a misspelt subcommand ("grafanalint rulse").
func (c *Command) misspeltCommand(root *cobra.Command, args []string) error {
	wd, err := c.workDir()
	if err != nil {
		return err
	}
	var names []string
	for _, sub := range root.Commands() {
		if !sub.Hidden {
			names = append(names, sub.Name())
		}
	}
	for _, a := range args {
		if a == "-" || strings.ContainsAny(a, `/\.`) {
			continue
		}
		if _, err := os.Stat(absIn(wd, a)); !errors.Is(err, fs.ErrNotExist) {
			continue
		}
		if near := config.Nearest(a, names); near != "" {
			c.code = ExitUsage
			return usagef("%q is neither a file nor a command: did you mean \"grafanalint %s\"?", a, near)
		}
	}
	return nil
}
