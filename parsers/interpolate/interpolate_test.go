package interpolate

import (
	"regexp"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestFind(t *testing.T) {
	s := `up{job=~"$job", i="${instance:regex}", x="[[x]]", y="[[y:csv]]", z="${z.text}", t="${__from:date:seconds}"} $__rate_interval $ 5 $$`
	got := Find(s)
	want := []Ref{
		{Start: 9, End: 13, Syntax: Dollar, Name: "job"},
		{Start: 19, End: 36, Syntax: Braces, Name: "instance", Format: "regex"},
		{Start: 42, End: 47, Syntax: Brackets, Name: "x"},
		{Start: 53, End: 62, Syntax: Brackets, Name: "y", Format: "csv"},
		{Start: 68, End: 77, Syntax: Braces, Name: "z", Field: "text"},
		{Start: 83, End: 105, Syntax: Braces, Name: "__from", Format: "date:seconds"},
		{Start: 108, End: 124, Syntax: Dollar, Name: "__rate_interval"},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Find (-want +got):\n%s", diff)
	}
	for _, r := range got {
		if r.Syntax == Dollar && s[r.Start] != '$' {
			t.Errorf("ref %+v does not start at $", r)
		}
	}
}

func TestReplaceOffsets(t *testing.T) {
	s := "rate(x[$__rate_interval]) by ($label) +"
	refs := Find(s)
	res := Replace(s, refs, func(i int) (string, bool) {
		if refs[i].Name == "label" {
			return "a_much_longer_label", true
		}
		return "1m", true
	})
	if res.Text != "rate(x[1m]) by (a_much_longer_label) +" {
		t.Fatalf("Text = %q", res.Text)
	}
	for _, c := range []struct{ out, src int }{
		{0, 0},   // before any replacement
		{7, 7},   // start of the first replacement
		{8, 7},   // inside it: the reference's start
		{9, 23},  // just after it: shifted
		{20, 30}, // inside the second: its start
		{38, 39}, // the final "+"
	} {
		if got := res.SourceOffset(c.out); got != c.src {
			t.Errorf("SourceOffset(%d) = %d, want %d", c.out, got, c.src)
		}
	}
	if got := res.RefAt(30); got != 1 {
		t.Errorf("RefAt(30) = %d, want 1", got)
	}
	if got := res.RefAt(3); got != -1 {
		t.Errorf("RefAt(3) = %d, want -1", got)
	}
}

func TestRawOffset(t *testing.T) {
	// The decoded value up{job="$job"} é𝄞 written with escapes.
	raw := `up{job=\"\u0024job\"} \u00e9\ud834\udd1e`
	for _, c := range []struct{ dec, raw int }{
		{0, 0},
		{7, 7},   // the \" escape
		{8, 9},   // the \u0024 escape
		{9, 15},  // "j" after it
		{12, 18}, // the second \"
		{14, 21}, // the space
		{15, 22}, // \u00e9 (2 bytes decoded)
		{17, 28}, // the surrogate pair (4 bytes decoded)
		{21, 40}, // the end
	} {
		if got := RawOffset(raw, c.dec); got != c.raw {
			t.Errorf("RawOffset(%d) = %d, want %d", c.dec, got, c.raw)
		}
	}
	if got := RawOffset("", 5); got != 5 {
		t.Errorf("RawOffset without escapes = %d, want 5", got)
	}
	if got := Columns("aé𝄞b", len("aé𝄞")); got != 3 {
		t.Errorf("Columns = %d, want 3", got)
	}
}

// variableRegex is Grafana's variableRegex
// (public/app/features/variables/utils.ts), to check Find against.
var variableRegex = regexp.MustCompile(`\$(\w+)|\[\[(\w+?)(?::(\w+))?\]\]|\$\{(\w+)(?:\.([^:^}]+))?(?::([^}]+))?\}`)

// FuzzFindAgreesWithGrafanasRegex: Find matches exactly the spans
// Grafana's regular expression matches.
func FuzzFindAgreesWithGrafanasRegex(f *testing.F) {
	for _, s := range []string{"$a ${b} [[c]] [[d:e]] ${f.g:h}", "${a.b^c}", "$$a", "[[[a]]]", "${a:}", "${a.:b}", "[[a:]]", "${__from:date:iso}x"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		var want [][2]int
		for _, m := range variableRegex.FindAllStringIndex(s, -1) {
			want = append(want, [2]int{m[0], m[1]})
		}
		var got [][2]int
		for _, r := range Find(s) {
			got = append(got, [2]int{r.Start, r.End})
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("Find(%q) differs from Grafana's regex (-regex +Find):\n%s", s, diff)
		}
	})
}
