package rules

import (
	"slices"
	"strings"
	"sync"
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
		// Stacks are checked concurrently: their entries are sorted (by
		// stack name, as in m); the global rule runs after them.
		var mu sync.Mutex
		var got []string
		r := &Rule{ID: "test/version", Severity: Info, Check: func(c *Context) {
			mu.Lock()
			defer mu.Unlock()
			got = append(got, c.Stack.Name+" "+c.Version.String())
		}}
		g := &Rule{ID: "test/global", Severity: Info, Global: true, Check: func(c *Context) {
			mu.Lock()
			defer mu.Unlock()
			got = append(got, "global "+c.Version.String())
		}}
		Run(m, []*Rule{r, g}, opts)
		if len(got) > 0 {
			slices.Sort(got[:len(got)-1])
		}
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

// TestStackVersionBelowOldest: a deployment naming a Grafana older than
// the rules know is checked as OldestGrafana, and the run can say so; a
// version given to the run wins silently.
func TestStackVersionBelowOldest(t *testing.T) {
	old := &model.Stack{Name: "old", GrafanaVersion: &model.GrafanaVersion{Version: "7.0.3", From: "image grafana/grafana:7.0.3"}}
	kube := &model.Stack{Name: "kube", Kubernetes: &model.Kube{Version: model.Str{V: "v7.5.1"}}}
	supported := &model.Stack{Name: "new", GrafanaVersion: &model.GrafanaVersion{Version: "8.0.0", From: "image grafana/grafana:8.0.0"}}
	for _, s := range []*model.Stack{old, kube} {
		v, from := StackVersion(s, Options{})
		if v != OldestGrafana {
			t.Errorf("%s: checked as %s, want %s", s.Name, v, OldestGrafana)
		}
		note := OlderThanSupported(s, Options{})
		if note == "" || !strings.Contains(from, "older than 8.0") || !strings.Contains(note, "checked as Grafana 8.0") {
			t.Errorf("%s: from %q, note %q: both should say the version is older than 8.0 and checked as 8.0", s.Name, from, note)
		}
	}
	if note := OlderThanSupported(kube, Options{}); !strings.Contains(note, "image tag v7.5.1") || !strings.Contains(note, "Grafana 7.5 is older") {
		t.Errorf("kube note %q should name the tag and the version", note)
	}
	if v, _ := StackVersion(supported, Options{}); v != (Version{8, 0}) || OlderThanSupported(supported, Options{}) != "" {
		t.Errorf("8.0.0: checked as %s with note %q, want 8.0 and none", v, OlderThanSupported(supported, Options{}))
	}
	explicit := Options{Version: Version{12, 0}, VersionFrom: "--grafana-version"}
	if v, _ := StackVersion(old, explicit); v != (Version{12, 0}) || OlderThanSupported(old, explicit) != "" {
		t.Errorf("explicit version: checked as %s with note %q, want 12.0 and none", v, OlderThanSupported(old, explicit))
	}
}
