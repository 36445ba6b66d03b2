package baseline

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/grafanalint/grafanalint/parsers/model"
	"github.com/grafanalint/grafanalint/rules"
)

func same(s string) string { return s }

func finding(rule, file string, line int, entity, key, msg string) rules.Finding {
	return rules.Finding{Rule: rule, Severity: rules.Error, Pos: model.Pos{File: file, Line: line, Col: 3}, Entity: entity, Key: key, Message: msg}
}

func TestRoundTripIsStableAndSorted(t *testing.T) {
	fs := []rules.Finding{
		finding("b/x", "z.json", 9, "dashboard:z", "k1", "m"),
		finding("a/x", "a.json", 4, "", "", "no key: <message> identifies it"),
		finding("b/x", "z.json", 2, "dashboard:z", "k1", "m"),
		finding("a/x", "a.json", 1, "dashboard:a", "k2", "m2"),
	}
	b := New(fs, same)
	out := string(b.Marshal())
	if !strings.Contains(out, `<message>`) {
		t.Errorf("messages are HTML-escaped:\n%s", out)
	}
	path := filepath.Join(t.TempDir(), "b.json")
	if err := b.Write(path); err != nil {
		t.Fatal(err)
	}
	back, err := Read(path)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(out, string(back.Marshal())); diff != "" {
		t.Errorf("read and written again differs:\n%s", diff)
	}
	// Order of the findings does not change the bytes.
	rev := []rules.Finding{fs[3], fs[2], fs[1], fs[0]}
	if diff := cmp.Diff(out, string(New(rev, same).Marshal())); diff != "" {
		t.Errorf("baseline depends on finding order:\n%s", diff)
	}
	want := []Entry{
		{Rule: "a/x", File: "a.json", Message: "no key: <message> identifies it"},
		{Rule: "a/x", File: "a.json", Entity: "dashboard:a", Key: "k2", Message: "m2"},
		{Rule: "b/x", File: "z.json", Entity: "dashboard:z", Key: "k1", Message: "m", Count: 2},
	}
	if diff := cmp.Diff(want, b.Findings); diff != "" {
		t.Errorf("entries (-want +got):\n%s", diff)
	}
}

func TestApply(t *testing.T) {
	base := New([]rules.Finding{
		finding("r/a", "d.json", 10, "dashboard:d", "k", "old wording"),
		finding("r/b", "d.json", 20, "dashboard:d", "", "message is the key"),
		finding("r/c", "d.json", 30, "dashboard:d", "x", "twice"),
		finding("r/c", "d.json", 31, "dashboard:d", "x", "twice"),
		finding("r/d", "gone.json", 1, "", "", "fixed"),
		finding("r/e", "other.json", 1, "", "", "not linted this time"),
	}, same)
	now := []rules.Finding{
		finding("r/a", "d.json", 55, "dashboard:d", "k", "new wording"), // moved, reworded: same key
		finding("r/b", "d.json", 77, "dashboard:d", "", "message is the key"),
		finding("r/b", "d.json", 78, "dashboard:d", "", "a new message"), // new
		finding("r/c", "d.json", 90, "dashboard:d", "x", "twice"),        // one of two fixed
		finding("r/a", "e.json", 10, "dashboard:d", "k", "old wording"),  // other file: new
	}
	res := base.Apply(now, same, func(e Entry) bool { return e.File != "other.json" })
	var kept []string
	for _, f := range res.Kept {
		kept = append(kept, f.Pos.String()+" "+f.Message)
	}
	if diff := cmp.Diff([]string{"d.json:78:3 a new message", "e.json:10:3 old wording"}, kept); diff != "" {
		t.Errorf("kept (-want +got):\n%s", diff)
	}
	if res.Hidden != 3 {
		t.Errorf("hidden %d, want 3", res.Hidden)
	}
	wantStale := []Entry{
		{Rule: "r/c", File: "d.json", Entity: "dashboard:d", Key: "x", Message: "twice"},
		{Rule: "r/d", File: "gone.json", Message: "fixed"},
	}
	if diff := cmp.Diff(wantStale, res.Stale); diff != "" {
		t.Errorf("stale (-want +got):\n%s", diff)
	}
	pruned := base.Prune(res.Stale)
	var left []string
	for _, e := range pruned.Findings {
		left = append(left, e.Rule+"×"+string(rune('0'+e.count())))
	}
	if diff := cmp.Diff([]string{"r/a×1", "r/b×1", "r/c×1", "r/e×1"}, left); diff != "" {
		t.Errorf("pruned (-want +got):\n%s", diff)
	}
	// After pruning nothing the run sees is stale.
	if res := pruned.Apply(now, same, func(e Entry) bool { return e.File != "other.json" }); len(res.Stale) != 0 {
		t.Errorf("stale after prune: %v", res.Stale)
	}
}

func TestReadRejects(t *testing.T) {
	dir := t.TempDir()
	for name, content := range map[string]string{
		"not json":      "nope",
		"other version": `{"version": 2, "findings": []}`,
		"unknown field": `{"version": 1, "findings": [], "extra": 1}`,
		"no rule":       `{"version": 1, "findings": [{"file": "a"}]}`,
	} {
		p := filepath.Join(dir, "b.json")
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
		if _, err := Read(p); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
}
