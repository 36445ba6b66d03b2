package config

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/grafanalint/grafanalint/rules"
	"github.com/grafanalint/grafanalint/rules/all"
)

// TestPreset: the dashboard-linter preset turns on one grafanalint rule
// for each of dashboard-linter's 17 (and the -- Dashboard -- source check
// its target rules include), conventions at warning; the file's own rule
// levels, written before or after it, override it.
func TestPreset(t *testing.T) {
	src := "rules:\n  convention/editable: off\npreset: dashboard-linter\n"
	c, err := Parse(filepath.Join(t.TempDir(), FileName), FileName, []byte(src), all.Rules())
	if err != nil {
		t.Fatal(err)
	}
	levels := map[string]rules.Severity{}
	for _, l := range c.Rules {
		levels[l.Rule] = l.Severity
	}
	want := map[string]rules.Severity{
		"query/promql-syntax": rules.Error, "query/logql-syntax": rules.Error, "query/variable-syntax": rules.Error,
		"query/panel-no-targets": rules.Warning, "query/missing-source-panel": rules.Error,
		"convention/datasource-variable": rules.Warning, "convention/job-variable": rules.Warning,
		"convention/instance-variable": rules.Warning, "convention/variable-refresh": rules.Warning,
		"convention/panel-datasource": rules.Warning, "convention/panel-title-description": rules.Warning,
		"convention/panel-units": rules.Warning, "convention/rate-interval": rules.Warning,
		"convention/job-matcher": rules.Warning, "convention/instance-matcher": rules.Warning,
		"convention/counter-aggregation": rules.Warning, "convention/logql-auto": rules.Warning,
		"convention/editable": rules.Off,
	}
	if diff := cmp.Diff(want, levels); diff != "" {
		t.Errorf("levels (-want +got):\n%s", diff)
	}
	if c.Preset != "dashboard-linter" {
		t.Errorf("Preset = %q", c.Preset)
	}
	_, err = Parse(filepath.Join(t.TempDir(), FileName), FileName, []byte("preset: dashboard-lint\n"), all.Rules())
	if err == nil || !strings.Contains(err.Error(), `.grafanalint.yaml:1:9: unknown preset "dashboard-lint": use dashboard-linter`) {
		t.Errorf("unknown preset: %v", err)
	}
}

// TestParseLintFile: exclusions become engine exclusions limited to the
// .lint file's directory, entries become labels, rule-wide warnings become
// levels.
func TestParseLintFile(t *testing.T) {
	src := `exclusions:
  target-instance-rule:
    reason: Totals are intended to be across all instances
    entries:
    - panel: Requests Per Second
      targetIdx: 2
    - dashboard: Apollo Server
  uneditable-dashboard:
warnings:
  panel-units-rule:
`
	excl, levels, errs := parseLintFile("dash/.lint", "dash", []byte(src))
	if len(errs) > 0 {
		t.Fatal(errs)
	}
	var got []string
	for _, e := range excl {
		got = append(got, strings.Join(e.Rules, ",")+" "+strings.Join(e.Paths, ",")+" "+labelString(e.Labels)+" "+e.Reason)
	}
	want := []string{
		"convention/instance-matcher dash/* panel=Requests Per Second targetIdx=2 Totals are intended to be across all instances",
		"convention/instance-matcher dash/* dashboard=Apollo Server Totals are intended to be across all instances",
		"convention/editable dash/*  dashboard-linter exclusion in dash/.lint",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("exclusions (-want +got):\n%s", diff)
	}
	if len(levels) != 1 || levels[0].Rule != "convention/panel-units" || levels[0].Severity != rules.Warning {
		t.Errorf("levels = %+v", levels)
	}
}

func labelString(l map[string]string) string {
	var parts []string
	for _, k := range []string{"dashboard", "panel", "targetIdx"} {
		if v, ok := l[k]; ok {
			parts = append(parts, k+"="+v)
		}
	}
	return strings.Join(parts, " ")
}
