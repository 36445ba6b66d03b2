package yamlbound

import (
	"fmt"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"
)

// bomb returns a document whose mapping at level i merges width copies of
// level i-1, depth levels deep, and uses the last level once.
func bomb(width, depth int, merge bool) string {
	var b strings.Builder
	b.WriteString("x0: &a0 {k: v}\n")
	for i := 1; i <= depth; i++ {
		refs := strings.TrimSuffix(strings.Repeat(fmt.Sprintf("*a%d, ", i-1), width), ", ")
		if merge {
			fmt.Fprintf(&b, "x%d: &a%d {<<: [%s]}\n", i, i, refs)
		} else {
			fmt.Fprintf(&b, "x%d: &a%d [%s]\n", i, i, refs)
		}
	}
	fmt.Fprintf(&b, "top: *a%d\n", depth)
	return b.String()
}

// TestExcessiveAgreesWithYAML compares Excessive with yaml.v3's own
// decoder on documents small enough for it to decode: exactly for aliases,
// and never claiming excess yaml.v3 would accept for merge keys (whose
// skipped values are counted as a lower bound).
func TestExcessiveAgreesWithYAML(t *testing.T) {
	type doc struct {
		src   string
		exact bool
	}
	docs := []doc{
		{"a: 1\n", true},
		{"x: &x {a: 1, b: 2}\ny: *x\nz: {<<: *x, c: 3}\n", true},
	}
	for w := 2; w <= 9; w++ {
		for d := 1; d <= 6; d++ {
			docs = append(docs, doc{bomb(w, d, true), false}, doc{bomb(w, d, false), true})
		}
	}
	refusedMerges, caught := 0, 0
	for _, dc := range docs {
		var root yaml.Node
		if err := yaml.Unmarshal([]byte(dc.src), &root); err != nil {
			t.Fatalf("%q: %v", dc.src, err)
		}
		var v map[string]any
		err := yaml.Unmarshal([]byte(dc.src), &v)
		refused := err != nil && strings.Contains(err.Error(), Message)
		got := Excessive(&root)
		if got && !refused || dc.exact && got != refused {
			t.Errorf("Excessive = %v, yaml.v3 refused = %v (%v) for:\n%s", got, refused, err, dc.src)
		}
		if !dc.exact && refused {
			refusedMerges++
			if got {
				caught++
			}
		}
	}
	t.Logf("merge documents yaml.v3 refuses: %d, of which Excessive sees %d", refusedMerges, caught)
	if caught*2 < refusedMerges {
		t.Errorf("Excessive caught %d of the %d merge documents yaml.v3 refuses", caught, refusedMerges)
	}
}

// TestExcessiveBomb: the 9-wide, 12-deep merge bomb (hours for a reader
// that expands it) is recognised without expanding it.
func TestExcessiveBomb(t *testing.T) {
	src := bomb(9, 12, true)
	if len(src) > 800 {
		t.Fatalf("bomb is %d bytes", len(src))
	}
	var root yaml.Node
	if err := yaml.Unmarshal([]byte(src), &root); err != nil {
		t.Fatal(err)
	}
	if !Excessive(&root) {
		t.Error("the merge bomb is not excessive")
	}
}

func TestBudget(t *testing.T) {
	var root yaml.Node
	_ = yaml.Unmarshal([]byte("a: [1, 2, 3]\n"), &root)
	b := New(&root)
	n := 0
	for b.Tick() {
		n++
	}
	if want := 100000 + 20*CountNodes(&root); n != want || !b.Exhausted() || b.Tick() {
		t.Errorf("ticks = %d, want %d; exhausted = %v", n, want, b.Exhausted())
	}
}
