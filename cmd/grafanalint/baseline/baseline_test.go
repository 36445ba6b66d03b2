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
		"newer version": `{"version": 3, "findings": []}`,
		"no version":    `{"findings": []}`,
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

// TestVersion1Baseline: a baseline written before fingerprints named
// panels by id keeps hiding its findings; its dashboard entries (keyed by
// JSON pointer) match by rule, file, entity and offending value, wherever
// the panel now is. Pruning keeps the version.
func TestVersion1Baseline(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "b.json")
	v1 := `{
  "version": 1,
  "findings": [
    {"rule": "channel/malformed", "file": "d.json", "entity": "channel:a:b", "key": "dash#/panels/3/targets/0/channel", "message": "m"},
    {"rule": "datasource/unknown-uid", "file": "d.json", "entity": "dashboard:dash", "key": "/panels/3/targets/0/datasource=prom", "message": "m", "count": 2},
    {"rule": "datasource/unknown-uid", "file": "d.json", "entity": "dashboard:dash", "key": "/panels/5/datasource=gone", "message": "m"},
    {"rule": "ini/unknown-key", "file": "grafana.ini", "entity": "ini:live.datasource_uid", "key": "key:live.datasource_uid", "message": "m"},
    {"rule": "datasource/unknown-uid", "file": "ds.yaml", "entity": "datasource:loki", "key": "jsonData.derivedFields[1].datasourceUid=tempo", "message": "m"}
  ]
}
`
	if err := os.WriteFile(p, []byte(v1), 0o644); err != nil {
		t.Fatal(err)
	}
	b, err := Read(p)
	if err != nil {
		t.Fatal(err)
	}
	now := []rules.Finding{
		finding("channel/malformed", "d.json", 80, "channel:a:b", "dash#panel:7/target:A", "m"),
		finding("datasource/unknown-uid", "d.json", 10, "dashboard:dash", "panel:4/target:A=prom", "m"),
		finding("datasource/unknown-uid", "d.json", 20, "dashboard:dash", "panel:9=prom", "m"),
		finding("datasource/unknown-uid", "d.json", 30, "dashboard:dash", "panel:2=other", "new"),
		finding("ini/unknown-key", "grafana.ini", 3, "ini:live.datasource_uid", "key:live.datasource_uid", "m"),
		finding("datasource/unknown-uid", "ds.yaml", 9, "datasource:loki", "jsonData.derivedFields[].datasourceUid=tempo", "m"),
	}
	res := b.Apply(now, same, func(Entry) bool { return true })
	if res.Hidden != 5 || len(res.Kept) != 1 || res.Kept[0].Key != "panel:2=other" {
		t.Errorf("hidden %d, kept %v: want the 5 recorded findings hidden, the new one kept", res.Hidden, res.Kept)
	}
	if len(res.Stale) != 1 || res.Stale[0].Key != "/panels/5/datasource=gone" {
		t.Errorf("stale = %v, want the fixed /panels/5 entry", res.Stale)
	}
	pruned := b.Prune(res.Stale)
	if pruned.Version != 1 || len(pruned.Findings) != 4 || !strings.Contains(string(pruned.Marshal()), `"version": 1,`) {
		t.Errorf("pruned v1 baseline:\n%s", pruned.Marshal())
	}
	if res := pruned.Apply(now, same, func(Entry) bool { return true }); res.Hidden != 5 || len(res.Stale) != 0 {
		t.Errorf("after pruning: hidden %d, stale %v", res.Hidden, res.Stale)
	}
	if New(now, same).Version != Version || Version != 2 {
		t.Errorf("new baselines are not version 2")
	}
}
