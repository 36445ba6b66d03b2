package rules

import (
	"fmt"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/grafanalint/grafanalint/parsers/model"
)

type sharedKey struct{}

// TestSharedPerStack: a value rules share is built once per stack and
// run, every rule checking that stack gets the same one, and another stack
// or another run gets its own.
func TestSharedPerStack(t *testing.T) {
	m := &model.Model{Stacks: []*model.Stack{{Name: "a"}, {Name: "b"}}}
	// Stacks are checked concurrently: mu guards what the rules record.
	var mu sync.Mutex
	builds := 0
	seen := map[string][]*string{}
	check := func(c *Context) {
		v := Shared(c, sharedKey{}, func() *string {
			mu.Lock()
			defer mu.Unlock()
			builds++
			s := c.Stack.Name
			return &s
		})
		mu.Lock()
		defer mu.Unlock()
		seen[c.Stack.Name] = append(seen[c.Stack.Name], v)
	}
	r1 := &Rule{ID: "test/one", Severity: Info, Check: check}
	r2 := &Rule{ID: "test/two", Severity: Info, Check: check}
	Run(m, []*Rule{r1, r2}, Options{})
	if builds != 2 {
		t.Errorf("built %d times for 2 stacks, want 2", builds)
	}
	for name, vs := range seen {
		if len(vs) != 2 || vs[0] != vs[1] || *vs[0] != name {
			t.Errorf("stack %s: rules got %v, want one shared value", name, vs)
		}
	}
	if seen["a"][0] == seen["b"][0] {
		t.Error("two stacks share one value")
	}
	Run(m, []*Rule{r1}, Options{})
	if builds != 4 {
		t.Errorf("a second run built %d values in all, want 4", builds)
	}
}

// TestContextIndexes: File and StacksReading answer as model.Model.File
// and a scan of every stack do.
func TestContextIndexes(t *testing.T) {
	var files []*model.File
	for i := range 5 {
		files = append(files, &model.File{Path: fmt.Sprintf("f%d.json", i)})
	}
	files = append(files, &model.File{Path: "f1.json"}) // a duplicate: the first wins
	m := &model.Model{Files: files, Stacks: []*model.Stack{
		{Name: "a", Files: []string{"f0.json", "f1.json", "f1.json"}},
		{Name: "b", Files: []string{"f1.json", "f2.json"}},
	}}
	c := NewContext(m, m.Stacks[0], CurrentGrafana, &Rule{ID: "test/x"}, &[]Finding{})
	for _, p := range []string{"f0.json", "f1.json", "f4.json", "f1.json#panel-2", "nope.json", "nope#x", "#x", ""} {
		if got, want := c.File(p), m.File(p); got != want {
			t.Errorf("File(%q) = %v, want %v", p, got, want)
		}
	}
	got := map[string]int{}
	for _, p := range []string{"f0.json", "f1.json", "f2.json", "f3.json"} {
		got[p] = c.StacksReading(p)
	}
	want := map[string]int{"f0.json": 1, "f1.json": 2, "f2.json": 1, "f3.json": 0}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("StacksReading (-want +got):\n%s", diff)
	}
	empty := NewContext(nil, nil, CurrentGrafana, &Rule{ID: "test/x"}, &[]Finding{})
	if empty.File("a") != nil || empty.StacksReading("a") != 0 {
		t.Error("a context without model found a file")
	}
}
