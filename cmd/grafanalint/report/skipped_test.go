package report

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestSkippedLines(t *testing.T) {
	var skips []Skipped
	for _, s := range []string{"a", "b", "c", "d", "e"} {
		skips = append(skips, Skipped{Family: "proxy", Reason: `no nginx config in stack "` + s + `"`})
	}
	skips = append(skips,
		Skipped{Family: "provisioning", Reason: `no datasource provisioning in stack "a"`},
		Skipped{Family: "provisioning", Reason: `no dashboard provisioning in stack "a"`},
		Skipped{Family: "provisioning", Reason: `no dashboard provisioning in stack "b"`},
		Skipped{Family: "live", Reason: "Live is off"},
	)
	got := SkippedLines(skips, 3)
	want := []string{
		`skipped proxy checks: no nginx config in 5 stacks ("a", "b", "c" and 2 more; -v lists them)`,
		`skipped provisioning checks: no datasource provisioning in stack "a"; no dashboard provisioning in stacks "a" and "b"`,
		`skipped live checks: Live is off`,
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
	all := SkippedLines(skips[:5], 0)
	if diff := cmp.Diff([]string{`skipped proxy checks: no nginx config in stacks "a", "b", "c", "d" and "e"`}, all); diff != "" {
		t.Errorf("unlimited (-want +got):\n%s", diff)
	}
}
