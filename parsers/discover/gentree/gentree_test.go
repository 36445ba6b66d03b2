package gentree

import (
	"os"
	"path/filepath"
	"testing"
)

func TestGenerate(t *testing.T) {
	seed := t.TempDir()
	if err := os.WriteFile(filepath.Join(seed, "a.json"), []byte(`{"title": "a", "uid": "seed", "panels": []}`), 0o644); err != nil {
		t.Fatal(err)
	}
	dst := filepath.Join(t.TempDir(), "tree")
	st, err := Generate(dst, seed, 3)
	if err != nil {
		t.Fatal(err)
	}
	if st.Stacks != 3 || st.Files != 3*5 {
		t.Errorf("got %+v, want 3 stacks of 5 files", st)
	}
	b, err := os.ReadFile(filepath.Join(dst, "site-002/grafana/provisioning/dashboards/a.json"))
	if err != nil {
		t.Fatal(err)
	}
	if want := "{\n  \"panels\": [],\n  \"title\": \"a\",\n  \"uid\": \"gen-002-00\"\n}"; string(b) != want {
		t.Errorf("rewritten dashboard = %q, want %q", b, want)
	}
	if _, err := Generate(filepath.Join(t.TempDir(), "x"), t.TempDir(), 1); err == nil {
		t.Error("an empty seed folder must be an error")
	}
}

func TestGenerateWithDashboardsPerStack(t *testing.T) {
	seed := t.TempDir()
	for _, n := range []string{"a", "b"} {
		if err := os.WriteFile(filepath.Join(seed, n+".json"), []byte(`{"title": "`+n+`", "uid": "seed"}`), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	dst := filepath.Join(t.TempDir(), "tree")
	st, err := GenerateWith(dst, seed, Options{Stacks: 3, Dashboards: 1})
	if err != nil {
		t.Fatal(err)
	}
	if st.Stacks != 3 || st.Files != 3*5 {
		t.Errorf("got %+v, want 3 stacks of 5 files", st)
	}
	// The stacks take the seeds in turn: stack 2's only dashboard is seed a.
	b, err := os.ReadFile(filepath.Join(dst, "site-002/grafana/provisioning/dashboards/0000-a.json"))
	if err != nil {
		t.Fatal(err)
	}
	if want := "{\n  \"title\": \"a\",\n  \"uid\": \"gen-002-00\"\n}"; string(b) != want {
		t.Errorf("dashboard = %q, want %q", b, want)
	}
	if _, err := GenerateWith(filepath.Join(t.TempDir(), "x"), seed, Options{Stacks: 1, Dashboards: -1}); err == nil {
		t.Error("a negative number of dashboards must be an error")
	}
}

func TestGenerateStack(t *testing.T) {
	seed := t.TempDir()
	for _, n := range []string{"a", "b"} {
		if err := os.WriteFile(filepath.Join(seed, n+".json"), []byte(`{"title": "`+n+`", "uid": "seed"}`), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	dst := filepath.Join(t.TempDir(), "stack")
	st, err := GenerateStack(dst, seed, 53)
	if err != nil {
		t.Fatal(err)
	}
	if st.Stacks != 1 || st.Files != len(composeFiles)+53 {
		t.Errorf("got %+v, want 1 stack of %d files", st, len(composeFiles)+53)
	}
	for _, f := range composeFiles {
		if _, err := os.Stat(filepath.Join(dst, f.rel)); err != nil {
			t.Error(err)
		}
	}
	// Dashboard 52 is the 27th copy of seed a, in the second folder.
	b, err := os.ReadFile(filepath.Join(dst, "grafana/dashboards/team-001/00052-a.json"))
	if err != nil {
		t.Fatal(err)
	}
	if want := "{\n  \"title\": \"a (copy 26)\",\n  \"uid\": \"stack-00052\"\n}"; string(b) != want {
		t.Errorf("dashboard = %q, want %q", b, want)
	}
	// The same call writes the same bytes.
	again := filepath.Join(t.TempDir(), "again")
	if _, err := GenerateStack(again, seed, 53); err != nil {
		t.Fatal(err)
	}
	b2, err := os.ReadFile(filepath.Join(again, "grafana/dashboards/team-001/00052-a.json"))
	if err != nil || string(b2) != string(b) {
		t.Errorf("a second run wrote %q (%v), want %q", b2, err, b)
	}
}
