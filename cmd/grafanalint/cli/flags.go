package cli

import (
	"fmt"
	"regexp"
	"sort"
	"strings"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/grafanalint/grafanalint/cmd/grafanalint/config"
)

// flagSpec describes one command-line flag.
type flagSpec struct {
	name  string
	short string // one-letter form ("q"), or ""
	value bool   // takes a value
	// repeat flags collect every value; other value flags may be given
	// once.
	repeat bool
	// metavar names the value in help ("FORMAT", "KEY=VALUE").
	metavar string
	usage   string
	// complete lists the values the shell completes for the flag.
	complete func() []string
}

// parsedFlags reads the flags of one command line by name, with the
// positional arguments in the order given. Flags and paths may be
// interleaved ("grafanalint . --format json"); "--" ends flags.
type parsedFlags struct {
	fs   *pflag.FlagSet
	args []string
}

// changed reports whether the flag was given at all, even with an empty
// value.
func (p *parsedFlags) changed(name string) bool {
	f := p.fs.Lookup(name)
	return f != nil && f.Changed
}

func (p *parsedFlags) str(name, def string) string {
	if !p.changed(name) {
		return def
	}
	return p.fs.Lookup(name).Value.String()
}

func (p *parsedFlags) all(name string) []string {
	if !p.changed(name) {
		return nil
	}
	if a, ok := p.fs.Lookup(name).Value.(*arrayValue); ok {
		return a.vals
	}
	return []string{p.fs.Lookup(name).Value.String()}
}

func (p *parsedFlags) bool(name string) bool {
	if !p.changed(name) {
		return false
	}
	v, _ := p.fs.GetBool(name)
	return v
}

// onceValue is a string flag that may be given once: a second value is
// more likely a mistake ("--format json … --format sarif") than an
// override.
type onceValue struct {
	name, metavar string
	val           string
	set           bool
}

func (o *onceValue) String() string { return o.val }

// Type is what help shows after the flag's name.
func (o *onceValue) Type() string { return o.metavar }
func (o *onceValue) Set(s string) error {
	if o.set {
		return fmt.Errorf("given twice")
	}
	o.val, o.set = s, true
	return nil
}

// arrayValue collects every value of a repeatable flag, commas and all.
type arrayValue struct {
	metavar string
	vals    []string
}

func (a *arrayValue) String() string { return strings.Join(a.vals, ",") }

// Type is what help shows after the flag's name.
func (a *arrayValue) Type() string { return a.metavar }
func (a *arrayValue) Set(s string) error {
	a.vals = append(a.vals, s)
	return nil
}

// addFlags defines specs on cmd's local flags, with their completions.
func addFlags(cmd *cobra.Command, specs []flagSpec) {
	fs := cmd.Flags()
	for _, s := range specs {
		switch {
		case !s.value:
			fs.BoolP(s.name, s.short, false, s.usage)
		case s.repeat:
			fs.VarP(&arrayValue{metavar: metavarOf(s)}, s.name, s.short, s.usage)
		default:
			fs.VarP(&onceValue{name: s.name, metavar: metavarOf(s)}, s.name, s.short, s.usage)
		}
		if s.complete != nil {
			complete := s.complete
			_ = cmd.RegisterFlagCompletionFunc(s.name, func(_ *cobra.Command, _ []string, prefix string) ([]string, cobra.ShellCompDirective) {
				return withPrefix(complete(), prefix), cobra.ShellCompDirectiveNoFileComp
			})
		} else if s.value {
			_ = cmd.RegisterFlagCompletionFunc(s.name, func(*cobra.Command, []string, string) ([]string, cobra.ShellCompDirective) {
				return nil, cobra.ShellCompDirectiveDefault // file names
			})
		}
	}
}

func metavarOf(s flagSpec) string {
	if s.metavar != "" {
		return s.metavar
	}
	return "VALUE"
}

// withPrefix keeps the completions that start with prefix.
func withPrefix(candidates []string, prefix string) []string {
	var out []string
	for _, c := range candidates {
		if strings.HasPrefix(c, prefix) {
			out = append(out, c)
		}
	}
	return out
}

// flagsOf returns the parsed flags of cmd with its positional arguments.
func flagsOf(cmd *cobra.Command, args []string) *parsedFlags {
	return &parsedFlags{fs: cmd.Flags(), args: args}
}

var (
	unknownLong  = regexp.MustCompile(`^unknown flag: --([^ =]+)`)
	unknownShort = regexp.MustCompile(`^unknown shorthand flag: '(.)' in -`)
	givenTwice   = regexp.MustCompile(`^invalid argument "(.*)" for "(?:-., )?(--[^"]+)" flag: given twice$`)
)

// flagError turns pflag's parse errors into usage errors that name the
// command and, for a misspelt flag, the flag that was probably meant.
func flagError(cmd *cobra.Command, err error) error {
	msg := err.Error()
	where := fmt.Sprintf("see %q", cmd.CommandPath()+" --help")
	if m := unknownLong.FindStringSubmatch(msg); m != nil {
		var names []string
		cmd.Flags().VisitAll(func(f *pflag.Flag) {
			if !f.Hidden {
				names = append(names, f.Name)
			}
		})
		if near := config.Nearest(m[1], names); near != "" {
			return usagef("unknown flag %q for %q: did you mean \"--%s\"?", "--"+m[1], cmd.CommandPath(), near)
		}
		if other := flagOwner(cmd.Root(), m[1]); other != nil && other != cmd {
			return usagef("unknown flag %q for %q: it is a flag of %q", "--"+m[1], cmd.CommandPath(), other.CommandPath())
		}
		return usagef("unknown flag %q for %q: %s", "--"+m[1], cmd.CommandPath(), where)
	}
	if m := givenTwice.FindStringSubmatch(msg); m != nil {
		return usagef("flag %q given twice (the second time as %q): pass it once", m[2], m[1])
	}
	if m := unknownShort.FindStringSubmatch(msg); m != nil {
		hint := where
		if cmd.Flags().Lookup(m[1]) != nil {
			hint = fmt.Sprintf("did you mean \"--%s\"? (long flags take two dashes)", m[1])
		}
		return usagef("unknown flag \"-%s\" for %q: %s", m[1], cmd.CommandPath(), hint)
	}
	return usagef("%s: %s", strings.TrimSuffix(msg, "."), where)
}

// flagOwner returns the command below root that defines a flag of that
// name, or nil.
func flagOwner(root *cobra.Command, name string) *cobra.Command {
	var found *cobra.Command
	var walk func(*cobra.Command)
	walk = func(c *cobra.Command) {
		if found != nil {
			return
		}
		if c.LocalFlags().Lookup(name) != nil {
			found = c
			return
		}
		for _, sub := range c.Commands() {
			walk(sub)
		}
	}
	walk(root)
	return found
}

// suggestRule returns " (did you mean …?)"-style advice for an unknown
// rule id or category, or the advice to list the rules.
func suggestRule(id string, known []string) string {
	if near := config.Nearest(id, known); near != "" {
		return fmt.Sprintf("did you mean %q?", near)
	}
	var contains []string
	for _, k := range known {
		if strings.Contains(k, id) && strings.Contains(k, "/") {
			contains = append(contains, k)
		}
	}
	sort.Strings(contains)
	if len(contains) > 0 && len(contains) <= 5 {
		return "did you mean " + strings.Join(quoteAll(contains), ", ") + "?"
	}
	return "list rules with \"grafanalint rules\""
}

func quoteAll(ss []string) []string {
	out := make([]string, len(ss))
	for i, s := range ss {
		out[i] = fmt.Sprintf("%q", s)
	}
	return out
}
