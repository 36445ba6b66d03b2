package rules

import (
	"fmt"
	"path"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/grafanalint/grafanalint/parsers/model"
)

// Options configure one run of the engine.
type Options struct {
	// Version is the Grafana version verdicts target when the user chose
	// one (--grafana-version, grafana_version in the config); zero when
	// not: each stack is then checked with the version its deployment
	// names (the tag of its Grafana image), else CurrentGrafana.
	Version Version
	// VersionFrom says where an explicit Version comes from, for `model`
	// output ("--grafana-version", "grafana_version in .grafanalint.yaml").
	VersionFrom string
	// Levels overrides rules' severities by rule id or category ("proxy");
	// Off disables. The CLI merges config levels and flags into it.
	Levels map[string]Severity
	// Exclusions hide findings by rule, path and entity.
	Exclusions []*Exclusion
	// Timed, when set, is called with the time a rule's checks took
	// (--timing): once or more per rule that ran (per stack, say), a
	// rule's time being the sum; it may be called from several
	// goroutines.
	Timed func(rule string, took time.Duration)
}

// Exclusion hides the findings of some rules in some places; each carries a
// reason. An exclusion with no Paths and no Entities applies everywhere.
type Exclusion struct {
	// Rules are rule ids or categories; empty means every rule.
	Rules []string
	// Paths are globs over display paths ("dashboards/**/*.json").
	Paths []string
	// Entities are globs over finding entities ("dashboard:abc*",
	// "ini:server.root_url").
	Entities []string
	Reason   string
	// Labels, when set, narrow the exclusion to findings whose label of
	// each name, where the finding has one, equals the value (the matching
	// of dashboard-linter's .lint entries).
	Labels map[string]string
	// Pos is where the exclusion is written in the config file, for
	// meta/unused-ignore.
	Pos model.Pos
}

// Skip records a family of checks that did not run for a stack.
type Skip struct {
	Family string `json:"family"`
	Reason string `json:"reason"`
}

// Result is the outcome of a run.
type Result struct {
	Findings []Finding
	Skipped  []Skip
	// Suppressed counts findings hidden by inline ignores and exclusions.
	Suppressed int
}

// UnusedIgnore is the engine's own rule: suppressions that matched nothing.
var UnusedIgnore = &Rule{
	ID:       "meta/unused-ignore",
	Severity: Warning,
	Summary:  "an inline ignore or a config exclusion matched no finding",
	Doc: Doc{
		What: "Reports a `# grafanalint:ignore` comment, or an `exclude` entry of `.grafanalint.yaml`, that suppressed no finding in this run.",
		Why:  "A suppression outlives the problem it silenced: once the file is fixed or the rule id is misspelt, the comment only hides the next real finding on that line. Removing stale suppressions keeps every remaining one meaningful.",
		Bad:  []Example{{Path: "grafana.ini", Content: "[server]\n# grafanalint:ignore ini/unknown-key -- legacy key kept for old images\nhttp_port = 3000\n"}},
		Good: []Example{{Path: "grafana.ini", Content: "[server]\n# grafanalint:ignore ini/unknown-key -- read by our wrapper script\nhttp_prot = 3000\n"}},
		Fix:  "Delete the comment or exclusion, or correct the rule id it names.",
	},
}

// Run checks the model with the given rules and returns sorted,
// de-duplicated findings with suppressions applied.
func Run(m *model.Model, all []*Rule, opts Options) *Result {
	global := opts.Version
	if global == (Version{}) {
		global = CurrentGrafana
	}
	res := &Result{}
	var raw []Finding
	skipped := map[Skip]bool{}
	ran := map[string]bool{}
	sc := newScope(m)
	// keep drops the findings a run on explicit files does not report,
	// before suppression, so ignores that hide only unreported findings
	// are not counted as used.
	keep := func(out []Finding, s *model.Stack) []Finding {
		kept := out[:0]
		for _, f := range out {
			if sc.reports(f, s) {
				kept = append(kept, f)
			}
		}
		return kept
	}
	// Each stack is checked by every rule in turn, so that what its rules
	// share (Shared) lives only while the stack is checked; each rule's
	// findings are still collected in stack order, rule after rule. The
	// stack's dashboards are first streamed through the rules that read
	// one dashboard at a time (stream.go).
	var act []*active
	for _, r := range all {
		level := levelOf(r, opts.Levels)
		if level == Off || r.Check == nil {
			continue
		}
		ran[r.ID] = true
		act = append(act, &active{r: r, level: level})
	}
	rn := newRun(m)
	// The stacks' checks share one pool of goroutines (pool.go); their
	// findings are merged in stack order.
	results := make([]stackResult, len(m.Stacks))
	prepare := func(i int) stackJob {
		s := m.Stacks[i]
		res := &results[i]
		v, _ := StackVersion(s, opts)
		var runs []*active
		var idx []int // index in act of each of runs
		for k, a := range act {
			r := a.r
			if r.Global {
				continue
			}
			if missing := missingPart(s, r.Needs); missing != "" && (r.Stands[missing] == nil || !r.Stands[missing](s)) {
				reason := fmt.Sprintf("no %s in stack %q", missing, s.Name)
				if note := s.PartNotes[string(missing)]; note != "" {
					reason += ": " + note
				}
				res.skipped = append(res.skipped, Skip{Family: r.Category(), Reason: reason})
				continue
			}
			runs = append(runs, a)
			idx = append(idx, k)
		}
		res.out = make([][]Finding, len(act))
		sr := &stackRun{rn: rn, s: s, v: v, opts: opts, stackMemo: &memo{}, sc: sc}
		todo, check, byDashboard := sr.streamJob(runs)
		return stackJob{
			n:    len(todo),
			each: func(k int) { check(todo[k]) },
			finish: func() {
				// The dashboards' findings, rule by rule, each rule's in
				// one slice of its size.
				counts := make([]int, len(runs))
				for _, found := range byDashboard {
					for _, rf := range found {
						counts[rf.rule]++
					}
				}
				outs := make([][]Finding, len(runs))
				for j, n := range counts {
					if n > 0 {
						outs[j] = make([]Finding, 0, n)
					}
				}
				for i, found := range byDashboard {
					for _, rf := range found {
						outs[rf.rule] = append(outs[rf.rule], rf.f)
					}
					byDashboard[i] = nil
				}
				for j, a := range runs {
					sr.check(a.r, &outs[j])
					res.out[idx[j]] = keep(outs[j], s)
				}
				sc.done(s)
			},
		}
	}
	checkStacks(m.Stacks, prepare)
	// The findings are gathered rule by rule, each rule's in stack order
	// and then its run-wide ones, into one slice of their size: a fleet's
	// run holds tens of thousands, and each copy costs their size.
	total := 0
	for i := range results {
		for _, out := range results[i].out {
			total += len(out)
		}
		for _, sk := range results[i].skipped {
			skipped[sk] = true
		}
	}
	raw = make([]Finding, 0, total)
	for k, a := range act {
		from := len(raw)
		for i := range results {
			if k < len(results[i].out) {
				raw = append(raw, results[i].out[k]...)
				results[i].out[k] = nil
			}
		}
		if a.r.Global {
			began := time.Now()
			var out []Finding
			a.r.Check(rn.context(nil, global, a.r, &memo{}, &out))
			if opts.Timed != nil {
				opts.Timed(a.r.ID, time.Since(began))
			}
			raw = append(raw, keep(out, nil)...)
		}
		if _, overridden := override(a.r, opts.Levels); overridden {
			for i := from; i < len(raw); i++ {
				raw[i].Severity = a.level
			}
		}
	}
	clear(results)
	sup := &suppressor{
		files:      map[string]*model.File{},
		exclusions: opts.Exclusions,
		usedIgnore: map[*model.Ignore]map[string]bool{},
		usedExcl:   map[*Exclusion]bool{},
	}
	for _, f := range m.Files {
		sup.files[f.Path] = f
	}
	// The findings are sorted and filtered in place: a fleet's run holds
	// tens of thousands of them, and each copy would cost their size.
	raw = sortInPlace(raw)
	kept := raw[:0]
	for _, f := range raw {
		if sup.suppressed(f) {
			res.Suppressed++
			continue
		}
		kept = append(kept, f)
	}
	clear(raw[len(kept):])
	if level := levelOf(UnusedIgnore, opts.Levels); level != Off && slices.Contains(all, UnusedIgnore) {
		kept = append(kept, sup.unused(m, all, ran, level)...)
	}
	res.Findings = sortInPlace(kept)
	for s := range skipped {
		res.Skipped = append(res.Skipped, s)
	}
	sort.Slice(res.Skipped, func(i, j int) bool {
		a, b := res.Skipped[i], res.Skipped[j]
		if a.Family != b.Family {
			return a.Family < b.Family
		}
		return a.Reason < b.Reason
	})
	return res
}

// stackResult is what the check of one stack found: per rule of the
// run's active list, its findings; and the checks it skipped.
type stackResult struct {
	out     [][]Finding
	skipped []Skip
}

// active is a rule the run checks, with its level.
type active struct {
	r     *Rule
	level Severity
}

// StackVersion returns the Grafana version rules check stack s with, and
// where it comes from: an explicit opts.Version wins; else the version the
// stack's deployment names (model.Stack.GrafanaVersion, from its image
// tag), raised to OldestGrafana when older (the from text says so); else
// CurrentGrafana.
func StackVersion(s *model.Stack, opts Options) (Version, string) {
	if opts.Version != (Version{}) {
		from := opts.VersionFrom
		if from == "" {
			from = "the version the run was given"
		}
		return opts.Version, from
	}
	v, from, named := deployedVersion(s)
	if named && !v.AtLeast(OldestGrafana.Major, OldestGrafana.Minor) {
		return OldestGrafana, from + "; " + belowOldest(v)
	}
	return v, from
}

// deployedVersion is StackVersion without a version given to the run:
// named is set when the deployment names the version.
func deployedVersion(s *model.Stack) (v Version, from string, named bool) {
	if s != nil && s.GrafanaVersion == nil && s.Kubernetes != nil && s.Kubernetes.Version.V != "" {
		// The image tag a Kubernetes source pins (image.tag of the grafana
		// chart, a Grafana resource's spec.version, a workload's image).
		if v, err := ParseVersion(strings.TrimPrefix(s.Kubernetes.Version.V, "v")); err == nil {
			return v, fmt.Sprintf("the Grafana image tag %s of the Kubernetes deployment", s.Kubernetes.Version.V), true
		}
	}
	if s != nil && s.GrafanaVersion != nil {
		if v, err := ParseVersion(s.GrafanaVersion.Version); err == nil && s.GrafanaVersion.Version != "" {
			return v, s.GrafanaVersion.From, true
		}
		return CurrentGrafana, fmt.Sprintf("the current release %s (%s)", CurrentGrafana, s.GrafanaVersion.From), false
	}
	return CurrentGrafana, fmt.Sprintf("the current release %s: nothing names another", CurrentGrafana), false
}

// belowOldest says that a deployment's Grafana v is older than the rules
// know, and what is checked instead.
func belowOldest(v Version) string {
	return fmt.Sprintf("Grafana %s is older than %s, the oldest version grafanalint has verdicts for, so the stack is checked as Grafana %s and findings that depend on the version may not hold for %s",
		v, OldestGrafana, OldestGrafana, v)
}

// OlderThanSupported returns, for a stack whose deployment names a Grafana
// older than OldestGrafana (and no version was given to the run), what
// the run says about it: where the version comes from and how the stack is
// checked; "" otherwise.
func OlderThanSupported(s *model.Stack, opts Options) string {
	if opts.Version != (Version{}) {
		return ""
	}
	v, from, named := deployedVersion(s)
	if !named || v.AtLeast(OldestGrafana.Major, OldestGrafana.Minor) {
		return ""
	}
	return from + ": " + belowOldest(v)
}

// ResolveVersions sets each stack's GrafanaVersion to the version the
// rules check it with (StackVersion), for `grafanalint model`.
func ResolveVersions(m *model.Model, opts Options) {
	for _, s := range m.Stacks {
		v, from := StackVersion(s, opts)
		gv := &model.GrafanaVersion{Version: v.String(), From: from}
		if s.GrafanaVersion != nil && opts.Version == (Version{}) {
			gv.Pos = s.GrafanaVersion.Pos
			if s.GrafanaVersion.Version != "" {
				gv.Version = s.GrafanaVersion.Version
			}
		} else if s.GrafanaVersion != nil && s.GrafanaVersion.Version != "" {
			gv.From += fmt.Sprintf(" (the deployment names %s: %s)", s.GrafanaVersion.Version, s.GrafanaVersion.From)
		}
		s.GrafanaVersion = gv
	}
}

func override(r *Rule, levels map[string]Severity) (Severity, bool) {
	if s, ok := levels[r.ID]; ok {
		return s, true
	}
	if s, ok := levels[r.Category()]; ok {
		return s, true
	}
	return Off, false
}

func levelOf(r *Rule, levels map[string]Severity) Severity {
	if s, ok := override(r, levels); ok {
		return s
	}
	return r.Severity
}

func missingPart(s *model.Stack, needs []Part) Part {
	for _, p := range needs {
		var has bool
		switch p {
		case PartIni:
			has = s.HasIni
		case PartDatasources:
			has = s.HasDatasources
		case PartProviders:
			has = s.HasProviders
		case PartNginx:
			has = s.HasNginx
		}
		if !has {
			return p
		}
	}
	return ""
}

// ruleMatches reports whether pattern (a rule id, a category, or "*")
// names rule id.
func ruleMatches(pattern, id string) bool {
	if pattern == "*" || pattern == "all" || pattern == id {
		return true
	}
	cat, _, _ := strings.Cut(id, "/")
	return pattern == cat || pattern == cat+"/*"
}

// suppressor applies inline ignores and config exclusions and remembers
// which of them matched, for meta/unused-ignore.
type suppressor struct {
	files      map[string]*model.File
	exclusions []*Exclusion
	// usedIgnore holds, per ignore comment, the rule names that matched.
	usedIgnore map[*model.Ignore]map[string]bool
	usedExcl   map[*Exclusion]bool
}

func (s *suppressor) suppressed(f Finding) bool {
	hit := false
	if file := s.files[f.Pos.File]; file != nil {
		for i := range file.Ignores {
			ig := &file.Ignores[i]
			if !slices.Contains(ig.Lines, f.Pos.Line) {
				continue
			}
			for _, r := range ig.Rules {
				if ruleMatches(r, f.Rule) {
					if s.usedIgnore[ig] == nil {
						s.usedIgnore[ig] = map[string]bool{}
					}
					s.usedIgnore[ig][r] = true
					hit = true
				}
			}
		}
	}
	for _, e := range s.exclusions {
		if e.matches(f) {
			s.usedExcl[e] = true
			hit = true
		}
	}
	return hit
}

func (e *Exclusion) matches(f Finding) bool {
	if len(e.Rules) > 0 && !slices.ContainsFunc(e.Rules, func(p string) bool { return ruleMatches(p, f.Rule) }) {
		return false
	}
	if len(e.Paths) > 0 && !slices.ContainsFunc(e.Paths, func(g string) bool { return MatchGlob(g, f.Pos.File) }) {
		return false
	}
	if len(e.Entities) > 0 && !slices.ContainsFunc(e.Entities, func(g string) bool { return MatchGlob(g, f.Entity) }) {
		return false
	}
	for k, v := range e.Labels {
		if got, ok := f.Labels[k]; ok && got != v {
			return false
		}
	}
	return true
}

// MatchGlob matches a "/"-separated name against a glob where "*" matches
// within one path segment and "**" across segments.
func MatchGlob(glob, name string) bool {
	if !strings.Contains(glob, "**") {
		ok, err := path.Match(glob, name)
		return err == nil && ok
	}
	gs := strings.Split(glob, "/")
	ns := strings.Split(name, "/")
	return matchSegments(gs, ns)
}

func matchSegments(gs, ns []string) bool {
	for len(gs) > 0 {
		if gs[0] == "**" {
			for i := 0; i <= len(ns); i++ {
				if matchSegments(gs[1:], ns[i:]) {
					return true
				}
			}
			return false
		}
		if len(ns) == 0 {
			return false
		}
		if ok, err := path.Match(gs[0], ns[0]); err != nil || !ok {
			return false
		}
		gs, ns = gs[1:], ns[1:]
	}
	return len(ns) == 0
}
