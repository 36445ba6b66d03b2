package rules

import (
	"fmt"
	"strings"
	"sync"

	"github.com/grafanalint/grafanalint/parsers/dashboard"
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
	// run holds the indexes of the model every context of a run shares;
	// memo the values rules of one stack share (Shared).
	run  *run
	memo *memo
	// stackMemo holds what the views of the stack's dashboards gather
	// (Gathered); inView is true in the view of one dashboard.
	stackMemo *memo
	inView    bool
}

// NewContext returns a context that appends findings of rule r to out. The
// engine builds contexts; tests of single rules may use it directly.
func NewContext(m *model.Model, s *model.Stack, v Version, r *Rule, out *[]Finding) *Context {
	return newRun(m).context(s, v, r, &memo{}, out)
}

// run is what the contexts of one run share: indexes of the model built
// once, on first use, so that a check of one stack never scans every file
// or every stack of the model.
type run struct {
	m *model.Model

	filesOnce sync.Once
	files     map[string]*model.File

	readersOnce sync.Once
	readers     map[string]int

	// texts shares equal strings among the run's findings: a fleet's
	// copies of one dashboard get the same messages (10,000 generated
	// dashboards give 71,000 findings in 18 messages), and the run holds
	// every finding until they are sorted and written.
	texts *dashboard.Interner
}

func newRun(m *model.Model) *run { return &run{m: m, texts: dashboard.NewInterner()} }

func (r *run) context(s *model.Stack, v Version, rule *Rule, mm *memo, out *[]Finding) *Context {
	return &Context{Model: r.m, Stack: s, Version: v, rule: rule, out: out, run: r, memo: mm, stackMemo: mm}
}

// InDashboardView reports whether c.Stack is the view of one dashboard of
// the stack (see Rule.PerDashboard). A rule whose findings sum up its
// dashboards (a count of references) gathers what each view finds with
// Gathered and reports when it is not in such a view: on the view with no
// dashboard the engine checks after all others, or on the whole stack
// when a rule is checked with NewContext.
func (c *Context) InDashboardView() bool { return c.inView }

// Gathered returns the value build returns for key, built once for the
// stack c checks and shared by every view of its dashboards and by the
// stack's own check (see InDashboardView): views of several dashboards
// use it at once, so the value must guard what it gathers (a mutex) and
// not depend on the order of the views. key is as for Shared.
func Gathered[T any](c *Context, key any, build func() T) T {
	return shared(c.stackMemo, key, build)
}

// memo holds the values the rules checking one stack share.
type memo struct {
	mu   sync.Mutex
	vals map[any]any
}

// Shared returns the value build returns for key, built once for the
// stack c checks and shared by every rule that checks it in this run (for
// a context of NewContext: once per context; for the view of one
// dashboard, once per view, shared by the rules that check that view).
// Rules share what they derive from the stack alone — the stack's
// datasource resolution, its proxy analysis — and must not modify it. key
// is a value of a type the calling package owns (an empty struct type), so
// packages cannot collide. The rules of one stack, or of one view, run one
// after another, so a shared value that fills caches as it is read need
// not be safe for concurrent use.
func Shared[T any](c *Context, key any, build func() T) T {
	return shared(c.memo, key, build)
}

func shared[T any](m *memo, key any, build func() T) T {
	m.mu.Lock()
	v, ok := m.vals[key]
	m.mu.Unlock()
	if ok {
		return v.(T)
	}
	built := build()
	m.mu.Lock()
	defer m.mu.Unlock()
	if v, ok := m.vals[key]; ok {
		return v.(T)
	}
	if m.vals == nil {
		m.vals = map[any]any{}
	}
	m.vals[key] = built
	return built
}

// File returns the loaded file with display path path, as
// model.Model.File does, from an index built once per run.
func (c *Context) File(path string) *model.File {
	r := c.run
	r.filesOnce.Do(func() {
		if r.m == nil {
			return
		}
		r.files = make(map[string]*model.File, len(r.m.Files))
		for _, f := range r.m.Files {
			if _, dup := r.files[f.Path]; !dup {
				r.files[f.Path] = f
			}
		}
	})
	if f := r.files[path]; f != nil {
		return f
	}
	if i := strings.Index(path, "#"); i > 0 {
		return c.File(path[:i])
	}
	return nil
}

// StacksReading counts the stacks of the model that read the file path
// (model.Stack.Files), from an index built once per run. A fix whose right
// value depends on the stack (the UID a name or placeholder stands for) is
// certain only for a file one stack reads: another stack that reads it too
// may resolve the same text to something else.
func (c *Context) StacksReading(path string) int {
	r := c.run
	r.readersOnce.Do(func() {
		r.readers = map[string]int{}
		if r.m == nil {
			return
		}
		for _, st := range r.m.Stacks {
			for i, p := range st.Files {
				if i > 0 && st.Files[i-1] == p {
					continue
				}
				r.readers[p]++
			}
		}
	})
	return r.readers[path]
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
	t := c.run.texts
	f.Message = t.String(ShortenQuoted(f.Message))
	f.Entity, f.Key = t.String(shortKey(f.Entity)), t.String(shortKey(f.Key))
	for i := range f.Related {
		f.Related[i].Message = t.String(ShortenQuoted(f.Related[i].Message))
	}
	if f.Fix != nil {
		f.Fix.Message = t.String(f.Fix.Message)
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
