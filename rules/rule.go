// Package rules is grafanalint's rule engine: the rule registry, severities,
// configuration, suppression and the deterministic ordering of findings. The
// rules themselves live in one subpackage per category.
package rules

import (
	"fmt"

	"github.com/grafanalint/grafanalint/parsers/model"
	"github.com/grafanalint/grafanalint/rules/fix"
)

// Severity is how serious a finding is.
type Severity int

// Severities, lowest first. Off disables a rule.
const (
	Off Severity = iota
	Info
	Warning
	Error
)

// String returns "off", "info", "warning" or "error".
func (s Severity) String() string {
	switch s {
	case Info:
		return "info"
	case Warning:
		return "warning"
	case Error:
		return "error"
	}
	return "off"
}

// ParseSeverity reads a severity name.
func ParseSeverity(s string) (Severity, error) {
	switch s {
	case "off":
		return Off, nil
	case "info":
		return Info, nil
	case "warning":
		return Warning, nil
	case "error":
		return Error, nil
	}
	return Off, fmt.Errorf("unknown severity %q: use \"error\", \"warning\", \"info\" or \"off\"", s)
}

// MarshalText implements encoding.TextMarshaler.
func (s Severity) MarshalText() ([]byte, error) { return []byte(s.String()), nil }

// Finding is one problem the linter reports.
type Finding struct {
	Rule     string   `json:"rule"`
	Severity Severity `json:"severity"`
	Message  string   `json:"message"`
	// Pos is where the offending value starts; End, when known, just after
	// it.
	Pos model.Pos `json:"pos"`
	End model.Pos `json:"end,omitzero"`
	// Related are other places that explain the finding.
	Related []Related `json:"related,omitempty"`
	// Entity names what the finding is about, independent of its position:
	// "dashboard:<uid>", "datasource:<uid>", "ini:<section>.<key>",
	// "nginx:<server_name>", … Used by config exclusions and baselines.
	Entity string `json:"entity,omitempty"`
	// Key distinguishes findings of one rule on one entity for baselines
	// (e.g. the offending value); it must not contain secrets.
	Key string `json:"-"`
	// Fix is the certain repair of this finding, nil when there is none
	// (the rule offers no fix, or here the right change is a judgement).
	// `grafanalint --fix` applies it.
	Fix *fix.Fix `json:"-"`
	// Involves names other entities the finding depends on, in the form
	// of Entity ("datasource:<uid>" for a dashboard reference). A run on
	// explicit files (pre-commit) reports a finding when one of them is
	// defined in those files, as it does for related locations.
	Involves []string `json:"-"`
	// Labels say where inside the entity the finding sits, in the terms
	// exclusions written for other tools match on (dashboard-linter's
	// .lint files: "dashboard" and "panel" titles, "targetIdx"). Never
	// printed.
	Labels map[string]string `json:"-"`
}

// Related is a second place that explains a finding.
type Related struct {
	Pos     model.Pos `json:"pos"`
	Message string    `json:"message"`
}

// Rule is one check: its identity, default severity, documentation and the
// check itself, declared together.
type Rule struct {
	// ID is "category/name"; stable once released.
	ID       string
	Severity Severity
	// Fix, when not empty, says that the rule offers a fix `--fix`
	// applies and what it changes, as a sentence (Markdown): its findings
	// carry a Finding.Fix wherever the change is certain. Doc.Fixed shows
	// the fix on Doc.Bad.
	Fix string
	// Summary is one line for `grafanalint rules`.
	Summary string
	// Doc is the documentation page's content.
	Doc Doc
	// Needs lists the stack parts the check cannot run without; when a
	// stack lacks one the check is skipped for it and the summary says so.
	Needs []Part
	// Stands, for a part of Needs, says when a stack that lacks it can be
	// checked all the same (an Ingress naming Grafana's public host stands
	// for the nginx in front of it).
	Stands map[Part]func(*model.Stack) bool
	// Global rules run once over the whole model with a nil Context.Stack
	// (parse/syntax, per-file checks); others run once per stack.
	Global bool
	// PerDashboard says that the check reads the stack's dashboards one at
	// a time: what it reports about a dashboard depends on that dashboard
	// and on the stack's other parts, never on its other dashboards. The
	// engine then streams the stack's dashboards through it, each in a
	// view of the stack that holds that one dashboard, and checks it once
	// more on a view holding no dashboard, for what it checks outside
	// dashboards (a datasource's links); a finding reported from several
	// views is reported once. A count over all the dashboards is gathered
	// across views (Gathered, InDashboardView). Other rules see every
	// dashboard of the stack, but a streamed one holds only the facts
	// model.Dashboard.Strip keeps.
	PerDashboard bool
	// Gathers, when set on a PerDashboard rule, reports whether on stack
	// s its views sum up what they find (Gathered) for the stack's own
	// check to report: its views then see every dashboard, even in a run
	// on explicit files where the other PerDashboard rules skip the
	// dashboards whose findings the run drops.
	Gathers func(s *model.Stack) bool
	// Check inspects one stack (or the model) and reports through the
	// context. The engine checks several stacks, and the views of several
	// dashboards, at the same time: Check must not write state that other
	// calls read (what rules share goes through Shared and Gathered).
	Check func(c *Context)
}

// Category returns the part of the ID before "/".
func (r *Rule) Category() string {
	for i := 0; i < len(r.ID); i++ {
		if r.ID[i] == '/' {
			return r.ID[:i]
		}
	}
	return r.ID
}

// Name returns the part of the ID after "/".
func (r *Rule) Name() string { return r.ID[len(r.Category())+1:] }

// Doc is a rule's documentation; docs/rules/<category>/<name>.md is
// generated from it.
type Doc struct {
	// What the rule reports (a paragraph).
	What string
	// Why it matters: how Grafana or nginx behaves (a paragraph, with the
	// source of the fact).
	Why string
	// Bad and Good are example files that fire and stay silent; tests run
	// them.
	Bad, Good []Example
	// Fix says how to fix it.
	Fix string
	// Fixed, for a rule with a Fix, is what `grafanalint --fix` makes of
	// Bad: the files it changes, with their new content (tests apply the
	// fix to Bad and compare).
	Fixed []Example
}

// Example is one file of a documentation example.
type Example struct {
	// Path is the file name inside the example tree, which decides how it
	// is read ("provisioning/datasources/ds.yaml", "grafana.ini", …).
	Path    string
	Content string
}

// Part is a part of a stack a check may need.
type Part string

// Stack parts.
const (
	PartIni         Part = "grafana.ini"
	PartDatasources Part = "datasource provisioning"
	PartProviders   Part = "dashboard provisioning"
	PartNginx       Part = "nginx config"
)
