package query

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestShapeOf: the remembered shape of a text, and the shared one of a
// text without references, are what finding its references and slots
// gives, the first time and the next.
func TestShapeOf(t *testing.T) {
	ResetVerdicts()
	texts := []string{
		`rate(foo{job=~"$job"}[$__rate_interval])`,
		`sum by ([[label]]) (x{a="${v:regex}"})`,
		`up[5m]`, `up`, ``, `{app="x"} |= "$"`, `$`, `[[`, `[[x]]`, `x[[y]]`,
	}
	for _, l := range []lang{promQL, logQL} {
		for range 2 {
			for _, s := range texts {
				want := newShape(s, l)
				got := shapeOf(s, l)
				if diff := cmp.Diff(want.refs, got.refs); diff != "" {
					t.Errorf("refs of %q (-want +got):\n%s", s, diff)
				}
				if diff := cmp.Diff(want.slots, got.slots); diff != "" {
					t.Errorf("slots of %q (-want +got):\n%s", s, diff)
				}
			}
		}
	}
	ResetVerdicts()
}
