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
