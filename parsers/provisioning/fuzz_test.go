package provisioning

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/grafanalint/grafanalint/parsers/model"
)

// seed adds the fixtures and, when present, the corpus YAML files.
func seed(f *testing.F) {
	files, _ := filepath.Glob("testdata/*.yaml")
	for _, p := range files {
		if src, err := os.ReadFile(p); err == nil {
			f.Add(src)
		}
	}
	dir := filepath.Join("..", "..", "..", "shared", "corpus", "real")
	if _, err := os.Stat(dir); err == nil {
		for _, rel := range corpusYAML(f, dir) {
			if src, err := os.ReadFile(filepath.Join(dir, rel)); err == nil {
				f.Add(src)
			}
		}
	}
	f.Add([]byte("a: &a [*a]\ndatasources:\n- <<: *a\n"))
	f.Add([]byte("apiVersion: 1\ndatasources:\n- name: \"\\u00e9\"\n  uid: !!binary aGk=\n"))
}

// checkPositions fails when a problem or issue has no valid position, or
// one outside the text.
func checkPositions(t *testing.T, src []byte, probs ...[]model.Problem) {
	t.Helper()
	s := newSource("f.yaml", src)
	for _, ps := range probs {
		for _, p := range ps {
			if !p.Pos.IsValid() || p.Pos.Col < 1 || p.Pos.Line > len(s.lines) {
				t.Fatalf("bad position %v for %q", p.Pos, p.Message)
			}
		}
	}
}

func FuzzParseDatasources(f *testing.F) {
	seed(f)
	f.Fuzz(func(t *testing.T, src []byte) {
		start := time.Now()
		file, probs := ParseDatasources("f.yaml", src)
		if d := time.Since(start); d > 10*time.Second {
			t.Fatalf("slow: %v", d)
		}
		if file == nil {
			t.Fatal("nil file")
		}
		checkPositions(t, src, probs, file.Issues)
		for _, d := range file.Datasources {
			if !d.Pos.IsValid() || d.UID.V == "" {
				t.Fatalf("bad datasource %+v", d)
			}
		}
		Sniff(src)
	})
}

func FuzzParseProviders(f *testing.F) {
	seed(f)
	f.Fuzz(func(t *testing.T, src []byte) {
		start := time.Now()
		file, probs := ParseProviders("f.yaml", src)
		if d := time.Since(start); d > 10*time.Second {
			t.Fatalf("slow: %v", d)
		}
		if file == nil {
			t.Fatal("nil file")
		}
		checkPositions(t, src, probs, file.Issues)
		Parse("f.yaml", src)
	})
}
