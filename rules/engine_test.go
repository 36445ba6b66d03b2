package rules

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/grafanalint/grafanalint/parsers/model"
)

// pos is a shorthand for a position in file f.
func pos(f string, line, col int) model.Pos { return model.Pos{File: f, Line: line, Col: col} }

// fixedRule reports the given findings once per stack (or once, when
// global).
func fixedRule(id string, sev Severity, global bool, needs []Part, fs ...Finding) *Rule {
	return &Rule{ID: id, Severity: sev, Global: global, Needs: needs, Check: func(c *Context) {
		for _, f := range fs {
			c.Report(f)
		}
	}}
}

type brief struct {
	Rule     string
	Severity string
	At       string
}

func briefs(fs []Finding) []brief {
	out := []brief{}
	for _, f := range fs {
		out = append(out, brief{f.Rule, f.Severity.String(), f.Pos.String()})
	}
	return out
}

func testModel() *model.Model {
	return &model.Model{
		Files: []*model.File{
			{Path: "a.yaml", Reported: true, Ignores: []model.Ignore{{Pos: pos("a.yaml", 2, 3), Rules: []string{"x/one"}, Lines: []int{2, 3}}}},
			{Path: "b.ini", Reported: true},
			{Path: "context.json", Reported: false},
		},
		Stacks: []*model.Stack{{Name: "dev", HasIni: true}, {Name: "prod", HasIni: true, HasNginx: true}},
	}
}

func TestRunOrdersSuppressesAndSkips(t *testing.T) {
	rs := []*Rule{
		fixedRule("x/one", Warning, false, nil,
			Finding{Pos: pos("b.ini", 9, 1), Message: "late"},
			Finding{Pos: pos("a.yaml", 3, 5), Message: "ignored inline"},
			Finding{Pos: pos("a.yaml", 7, 1), Message: "kept"},
			Finding{Pos: pos("context.json", 1, 1), Message: "context only"}),
		fixedRule("x/two", Error, true, nil, Finding{Pos: pos("a.yaml", 7, 1), Message: "same place, other rule"}),
		fixedRule("y/nginx", Error, false, []Part{PartNginx}, Finding{Pos: pos("b.ini", 1, 1), Message: "needs nginx"}),
		UnusedIgnore,
	}
	res := Run(testModel(), rs, Options{})
	// Sorted by file, line, column, rule; the two stacks' identical
	// findings merged; the context-only file and the inline-ignored finding
	// gone.
	want := []brief{
		{"x/one", "warning", "a.yaml:7:1"},
		{"x/two", "error", "a.yaml:7:1"},
		{"y/nginx", "error", "b.ini:1:1"},
		{"x/one", "warning", "b.ini:9:1"},
	}
	if diff := cmp.Diff(want, briefs(res.Findings)); diff != "" {
		t.Errorf("findings (-want +got):\n%s", diff)
	}
	if res.Suppressed != 1 { // merged across the two stacks first
		t.Errorf("suppressed = %d, want 1", res.Suppressed)
	}
	if diff := cmp.Diff([]Skip{{Family: "y", Reason: `no nginx config in stack "dev"`}}, res.Skipped); diff != "" {
		t.Errorf("skipped (-want +got):\n%s", diff)
	}
}

func TestLevels(t *testing.T) {
	m := testModel()
	r := fixedRule("x/one", Warning, true, nil, Finding{Pos: pos("b.ini", 1, 1)}, Finding{Pos: pos("b.ini", 2, 1), Severity: Info})
	for _, tc := range []struct {
		name   string
		levels map[string]Severity
		want   []string
	}{
		{"defaults keep per-finding severities", nil, []string{"warning", "info"}},
		{"rule level overrides all", map[string]Severity{"x/one": Error}, []string{"error", "error"}},
		{"category level", map[string]Severity{"x": Info}, []string{"info", "info"}},
		{"rule beats category", map[string]Severity{"x": Info, "x/one": Error}, []string{"error", "error"}},
		{"off", map[string]Severity{"x/one": Off}, []string{}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := []string{}
			for _, f := range Run(m, []*Rule{r}, Options{Levels: tc.levels}).Findings {
				got = append(got, f.Severity.String())
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}

func TestExclusionsAndUnusedIgnores(t *testing.T) {
	m := testModel()
	rs := []*Rule{
		fixedRule("x/one", Warning, true, nil,
			Finding{Pos: pos("b.ini", 1, 1), Entity: "ini:server.root_url"},
			Finding{Pos: pos("b.ini", 2, 1), Entity: "ini:live.max_connections"}),
		UnusedIgnore,
	}
	cfg := pos(".grafanalint.yaml", 4, 5)
	used := &Exclusion{Rules: []string{"x"}, Entities: []string{"ini:server.*"}, Reason: "r", Pos: cfg}
	stale := &Exclusion{Rules: []string{"x/one"}, Paths: []string{"dashboards/**/*.json"}, Reason: "r", Pos: pos(".grafanalint.yaml", 8, 5)}
	res := Run(m, rs, Options{Exclusions: []*Exclusion{used, stale}})
	want := []brief{
		{"meta/unused-ignore", "warning", ".grafanalint.yaml:8:5"},
		// The inline ignore in a.yaml suppressed nothing this time.
		{"meta/unused-ignore", "warning", "a.yaml:2:3"},
		{"x/one", "warning", "b.ini:2:1"},
	}
	if diff := cmp.Diff(want, briefs(res.Findings)); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
	// With the rule named by the ignore switched off, the ignore is not
	// reported: it may match when the rule is on again.
	res = Run(m, rs, Options{Levels: map[string]Severity{"x/one": Off}})
	if len(res.Findings) != 0 {
		t.Errorf("ignores of disabled rules reported: %v", briefs(res.Findings))
	}
}

func TestMatchGlob(t *testing.T) {
	for _, tc := range []struct {
		glob, name string
		want       bool
	}{
		{"*.json", "a.json", true},
		{"*.json", "d/a.json", false},
		{"dashboards/**/*.json", "dashboards/a.json", true},
		{"dashboards/**/*.json", "dashboards/x/y/a.json", true},
		{"dashboards/**", "dashboards/x/y/a.json", true},
		{"**/grafana.ini", "grafana.ini", true},
		{"**/grafana.ini", "prod/conf/grafana.ini", true},
		{"dashboards/**/*.json", "other/a.json", false},
		{"ini:server.*", "ini:server.root_url", true},
		{"[", "[", false},
	} {
		if got := MatchGlob(tc.glob, tc.name); got != tc.want {
			t.Errorf("MatchGlob(%q, %q) = %v, want %v", tc.glob, tc.name, got, tc.want)
		}
	}
}

func TestParseVersionAndSeverity(t *testing.T) {
	for in, want := range map[string]Version{"12": {12, 0}, "11.2": {11, 2}, "10.4.3": {10, 4}} {
		got, err := ParseVersion(in)
		if err != nil || got != want {
			t.Errorf("ParseVersion(%q) = %v, %v; want %v", in, got, err, want)
		}
	}
	for _, bad := range []string{"", "twelve", "0", "-1"} {
		if _, err := ParseVersion(bad); err == nil {
			t.Errorf("ParseVersion(%q) accepted", bad)
		}
	}
	if !(Version{12, 0}).AtLeast(11, 2) || (Version{11, 1}).AtLeast(11, 2) {
		t.Error("AtLeast is wrong")
	}
	for _, s := range []string{"off", "info", "warning", "error"} {
		sev, err := ParseSeverity(s)
		if err != nil || sev.String() != s {
			t.Errorf("ParseSeverity(%q) = %v, %v", s, sev, err)
		}
	}
	if _, err := ParseSeverity("fatal"); err == nil {
		t.Error("ParseSeverity accepted \"fatal\"")
	}
}
