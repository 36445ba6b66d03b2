package rules

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/grafanalint/grafanalint/parsers/model"
)

// TestStackVersion: each stack is checked with the version its image
// names unless the run was given one; the global rules get the run's.
func TestStackVersion(t *testing.T) {
	m := &model.Model{Stacks: []*model.Stack{
		{Name: "image", GrafanaVersion: &model.GrafanaVersion{Version: "10.4.2", From: "image grafana/grafana:10.4.2"}},
		{Name: "latest", GrafanaVersion: &model.GrafanaVersion{From: "image grafana/grafana: latest, the current release"}},
		{Name: "none"},
	}}
	seen := func(opts Options) []string {
		var got []string
		r := &Rule{ID: "test/version", Severity: Info, Check: func(c *Context) {
			got = append(got, c.Stack.Name+" "+c.Version.String())
		}}
		g := &Rule{ID: "test/global", Severity: Info, Global: true, Check: func(c *Context) {
			got = append(got, "global "+c.Version.String())
		}}
		Run(m, []*Rule{r, g}, opts)
		return got
	}
	cur := CurrentGrafana.String()
	if diff := cmp.Diff([]string{"image 10.4", "latest " + cur, "none " + cur, "global " + cur}, seen(Options{})); diff != "" {
		t.Errorf("default (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{"image 11.1", "latest 11.1", "none 11.1", "global 11.1"}, seen(Options{Version: Version{11, 1}, VersionFrom: "--grafana-version"})); diff != "" {
		t.Errorf("explicit (-want +got):\n%s", diff)
	}

	ResolveVersions(m, Options{})
	var got []string
	for _, s := range m.Stacks {
		got = append(got, s.Name+" "+s.GrafanaVersion.Version+": "+s.GrafanaVersion.From)
	}
	want := []string{
		"image 10.4.2: image grafana/grafana:10.4.2",
		"latest " + cur + ": the current release " + cur + " (image grafana/grafana: latest, the current release)",
		"none " + cur + ": the current release " + cur + ": nothing names another",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("ResolveVersions (-want +got):\n%s", diff)
	}
	m.Stacks[0].GrafanaVersion = &model.GrafanaVersion{Version: "10.4.2", From: "image grafana/grafana:10.4.2"}
	ResolveVersions(m, Options{Version: Version{12, 0}, VersionFrom: "--grafana-version"})
	if g := m.Stacks[0].GrafanaVersion; g.Version != "12.0" || g.From != "--grafana-version (the deployment names 10.4.2: image grafana/grafana:10.4.2)" {
		t.Errorf("explicit wins: %+v", g)
	}
}
