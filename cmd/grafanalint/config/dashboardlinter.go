package config

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/grafanalint/grafanalint/parsers/model"
	"github.com/grafanalint/grafanalint/rules"
	"github.com/grafanalint/grafanalint/rules/query"
)

// Presets are the rule sets `preset:` turns on. "dashboard-linter" is the
// equivalent of every grafana/dashboard-linter rule: the query rules at
// their default severity and the convention rules (off by default) at
// warning.
var Presets = map[string]func() []RuleLevel{
	"dashboard-linter": dashboardLinterPreset,
}

func dashboardLinterPreset() []RuleLevel {
	ids := map[string]bool{"query/missing-source-panel": true}
	for _, id := range query.DashboardLinterPreset {
		ids[id] = true
	}
	var out []RuleLevel
	for _, r := range query.Rules() {
		if !ids[r.ID] {
			continue
		}
		sev := r.Severity
		if sev == rules.Off {
			sev = rules.Warning
		}
		out = append(out, RuleLevel{Rule: r.ID, Severity: sev})
	}
	return out
}

// preset applies `preset: NAME`: its levels come before the file's own
// rules, which override them.
func (p *parser) preset(v *yaml.Node) {
	name, ok := p.text("preset", v)
	if !ok {
		return
	}
	levels, ok := Presets[name]
	if !ok {
		var names []string
		for n := range Presets {
			names = append(names, n)
		}
		sort.Strings(names)
		p.errorf(v, "unknown preset %q: use %s", name, strings.Join(names, ", "))
		return
	}
	p.cfg.Preset = name
	pre := levels()
	for i := range pre {
		pre[i].Pos = p.pos(v)
	}
	p.cfg.Rules = append(pre, p.cfg.Rules...)
}

// LintFileName is dashboard-linter's per-directory configuration.
const LintFileName = ".lint"

// lintFile is dashboard-linter's .lint: per rule name, an exclusion or a
// downgrade to warning for every finding or for the listed ones.
type lintFile struct {
	Exclusions map[string]*lintRule `yaml:"exclusions"`
	Warnings   map[string]*lintRule `yaml:"warnings"`
}

type lintRule struct {
	Reason  string      `yaml:"reason"`
	Entries []lintEntry `yaml:"entries"`
}

// lintEntry matches findings by dashboard title, panel title and target
// index. dashboard-linter documents the key as targetIdx; its loader
// (yaml.v3 without yaml tags) reads it as targetidx: both are accepted.
type lintEntry struct {
	Reason    string `yaml:"reason"`
	Dashboard string `yaml:"dashboard"`
	Panel     string `yaml:"panel"`
	Alert     string `yaml:"alert"`
	TargetIdx string `yaml:"targetIdx"`
	TargetIdy string `yaml:"targetidx"`
}

// dashboardLinterAliases are rule names of other dashboard-linter
// versions that one grafanalint rule or more cover.
var dashboardLinterAliases = map[string][]string{
	"target-job-instance-rule": {"convention/job-matcher", "convention/instance-matcher"},
	"panel-job-instance-rule":  {"convention/job-matcher", "convention/instance-matcher"},
	"uneditable-dashboard-rule": {
		"convention/editable",
	},
}

// LintFileExclusions reads the .lint file of every directory that holds a
// dashboard of m, as dashboard-linter reads the one beside the dashboard
// it lints, and returns its exclusions in the engine's form (limited to
// the dashboards of that directory) and the rule levels its rule-wide
// warnings set. Entry-specific warnings cannot be expressed as rule levels
// and are an error, as are rule names grafanalint has no equivalent for.
func LintFileExclusions(m *model.Model) ([]*rules.Exclusion, []RuleLevel, error) {
	dirs := map[string]string{} // abs dir → display dir
	for _, f := range m.Files {
		if f.Kind == model.KindDashboard && f.Abs != "" {
			dirs[filepath.Dir(f.Abs)] = path.Dir(f.Path)
		}
	}
	abs := make([]string, 0, len(dirs))
	for d := range dirs {
		abs = append(abs, d)
	}
	sort.Strings(abs)
	var (
		excl   []*rules.Exclusion
		levels []RuleLevel
		errs   ErrorList
	)
	for _, d := range abs {
		file := filepath.Join(d, LintFileName)
		src, err := os.ReadFile(file)
		if errors.Is(err, fs.ErrNotExist) {
			continue
		}
		display := path.Join(dirs[d], LintFileName)
		if err != nil {
			return nil, nil, fmt.Errorf("cannot read %q: %w", display, err)
		}
		e, l, ferrs := parseLintFile(display, dirs[d], src)
		excl, levels, errs = append(excl, e...), append(levels, l...), append(errs, ferrs...)
	}
	if len(errs) > 0 {
		return nil, nil, errs
	}
	return excl, levels, nil
}

// parseLintFile converts one .lint file; dir is the display directory of
// the dashboards it applies to.
func parseLintFile(display, dir string, src []byte) ([]*rules.Exclusion, []RuleLevel, ErrorList) {
	var doc yaml.Node
	var lf lintFile
	var errs ErrorList
	errAt := func(line int, format string, args ...any) {
		errs = append(errs, &Error{Pos: model.Pos{File: display, Line: max(line, 1), Col: 1}, Msg: fmt.Sprintf(format, args...)})
	}
	if err := yaml.Unmarshal(src, &doc); err != nil {
		errAt(1, "invalid dashboard-linter .lint file: %v", err)
		return nil, nil, errs
	}
	if err := doc.Decode(&lf); err != nil {
		errAt(1, "invalid dashboard-linter .lint file: %v", err)
		return nil, nil, errs
	}
	lines := ruleLines(&doc)
	glob := "*"
	if dir != "." && dir != "" {
		glob = dir + "/*"
	}
	var excl []*rules.Exclusion
	for _, name := range sortedKeys(lf.Exclusions) {
		ids, ok := grafanalintRules(name)
		if !ok {
			errAt(lines["exclusions/"+name], "dashboard-linter rule %q in exclusions has no grafanalint equivalent: remove it or map it to a grafanalint rule in .grafanalint.yaml", name)
			continue
		}
		r := lf.Exclusions[name]
		reason := "dashboard-linter exclusion in " + display
		if r != nil && r.Reason != "" {
			reason = r.Reason
		}
		pos := model.Pos{File: display, Line: max(lines["exclusions/"+name], 1), Col: 1}
		if r == nil || len(r.Entries) == 0 {
			excl = append(excl, &rules.Exclusion{Rules: ids, Paths: []string{glob}, Reason: reason, Pos: pos})
			continue
		}
		for _, e := range r.Entries {
			labels := map[string]string{}
			if e.Dashboard != "" {
				labels["dashboard"] = e.Dashboard
			}
			if e.Panel != "" {
				labels["panel"] = e.Panel
			}
			if idx := firstNonEmpty(e.TargetIdx, e.TargetIdy); idx != "" {
				labels["targetIdx"] = idx
			}
			why := reason
			if e.Reason != "" {
				why = e.Reason
			}
			excl = append(excl, &rules.Exclusion{Rules: ids, Paths: []string{glob}, Labels: labels, Reason: why, Pos: pos})
		}
	}
	var levels []RuleLevel
	for _, name := range sortedKeys(lf.Warnings) {
		ids, ok := grafanalintRules(name)
		line := lines["warnings/"+name]
		if !ok {
			errAt(line, "dashboard-linter rule %q in warnings has no grafanalint equivalent", name)
			continue
		}
		if r := lf.Warnings[name]; r != nil && len(r.Entries) > 0 {
			errAt(line, "warnings for single dashboards, panels or targets (%s) cannot be expressed in grafanalint: set the rule's level in .grafanalint.yaml, or turn the entries into exclusions", name)
			continue
		}
		for _, id := range ids {
			levels = append(levels, RuleLevel{Rule: id, Severity: rules.Warning, Pos: model.Pos{File: display, Line: max(line, 1), Col: 1}})
		}
	}
	return excl, levels, errs
}

// grafanalintRules maps a dashboard-linter rule name to grafanalint rules.
func grafanalintRules(name string) ([]string, bool) {
	if id, ok := query.DashboardLinterPreset[name]; ok {
		ids := []string{id}
		if name == "target-promql-rule" || name == "target-logql-rule" {
			// dashboard-linter reports a missing -- Dashboard -- source
			// panel under these rules.
			ids = append(ids, "query/missing-source-panel")
		}
		return ids, true
	}
	ids, ok := dashboardLinterAliases[name]
	return ids, ok
}

// ruleLines finds the line of each rule name under exclusions and warnings.
func ruleLines(doc *yaml.Node) map[string]int {
	out := map[string]int{}
	if len(doc.Content) == 0 || doc.Content[0].Kind != yaml.MappingNode {
		return out
	}
	root := doc.Content[0]
	for i := 0; i+1 < len(root.Content); i += 2 {
		sec, v := root.Content[i].Value, root.Content[i+1]
		if v.Kind != yaml.MappingNode {
			continue
		}
		for j := 0; j+1 < len(v.Content); j += 2 {
			out[sec+"/"+v.Content[j].Value] = v.Content[j].Line
		}
	}
	return out
}

func sortedKeys(m map[string]*lintRule) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

func firstNonEmpty(a, b string) string {
	if a != "" {
		return a
	}
	return b
}
