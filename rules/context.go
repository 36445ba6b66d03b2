package rules

import (
	"fmt"

	"github.com/grafanalint/grafanalint/parsers/model"
)

// Version is a Grafana version a verdict depends on.
type Version struct {
	Major, Minor int
}

// CurrentGrafana is the Grafana version checks target by default: the
// newest minor release (v13.2.0, released 2026-08-18; see the release list
// at https://github.com/grafana/grafana/releases).
var CurrentGrafana = Version{Major: 13, Minor: 2}

// OldestGrafana is the oldest Grafana version verdicts are made for:
// Grafana Live, the provisioning format and the datasource references the
// rules model all exist from 8.0 on (--grafana-version refuses older
// ones; a deployment naming one is checked as OldestGrafana, see
// StackVersion).
var OldestGrafana = Version{Major: 8, Minor: 0}

// AtLeast reports whether v is major.minor or newer.
func (v Version) AtLeast(major, minor int) bool {
	return v.Major > major || (v.Major == major && v.Minor >= minor)
}

// String formats v as "major.minor".
func (v Version) String() string { return fmt.Sprintf("%d.%d", v.Major, v.Minor) }

// ParseVersion reads "12", "11.2" or "11.2.3".
func ParseVersion(s string) (Version, error) {
	var v Version
	var patch int
	n, _ := fmt.Sscanf(s, "%d.%d.%d", &v.Major, &v.Minor, &patch)
	if n == 0 || v.Major <= 0 {
		return Version{}, fmt.Errorf("invalid Grafana version %q: use a form such as \"12\" or \"11.2\"", s)
	}
	return v, nil
}

// Context is what a check sees: the whole model, the stack it checks (nil
// for rules with no stack, such as parse/syntax), the Grafana version of
// that stack (StackVersion: the one the user chose, else the one its
// deployment names, else CurrentGrafana), and a way to report.
type Context struct {
	Model   *model.Model
	Stack   *model.Stack
	Version Version
	rule    *Rule
	out     *[]Finding
}

// NewContext returns a context that appends findings of rule r to out. The
// engine builds contexts; tests of single rules may use it directly.
func NewContext(m *model.Model, s *model.Stack, v Version, r *Rule, out *[]Finding) *Context {
	return &Context{Model: m, Stack: s, Version: v, rule: r, out: out}
}

// Rule returns the rule being checked.
func (c *Context) Rule() *Rule { return c.rule }

// Report records a finding of the current rule. Rule and Severity are
// filled in when empty (the rule's default severity).
func (c *Context) Report(f Finding) {
	if f.Rule == "" {
		f.Rule = c.rule.ID
	}
	if f.Severity == Off {
		f.Severity = c.rule.Severity
	}
	f.Message = ShortenQuoted(f.Message)
	f.Entity, f.Key = shortKey(f.Entity), shortKey(f.Key)
	for i := range f.Related {
		f.Related[i].Message = ShortenQuoted(f.Related[i].Message)
	}
	*c.out = append(*c.out, f)
}

// Reportf records a finding at pos with a formatted message.
func (c *Context) Reportf(pos model.Pos, format string, args ...any) {
	c.Report(Finding{Pos: pos, Message: fmt.Sprintf(format, args...)})
}

// Kube returns what is written at p in the Kubernetes sources of the
// stack — an Ingress annotation or path, a Helm value, a
// GrafanaDashboard's model — so that a finding on what a deploying tool
// renders from it can speak of what the user edits; nil when p is in none
// (always for stacks of other origins, whose messages stay as they are).
func (c *Context) Kube(p model.Pos) *model.KubeSource {
	if c.Stack == nil {
		return nil
	}
	return c.Stack.Kubernetes.Source(p)
}

// KubeFile names a file the stack reads from a Kubernetes manifest or Helm
// values as the user knows it (`key "a.json" of ConfigMap "team-a"`), ""
// when path is no such file.
func (c *Context) KubeFile(path string) string {
	if c.Stack == nil || c.Stack.Kubernetes == nil {
		return ""
	}
	return c.Stack.Kubernetes.Files[path]
}
