package k8s_test

import (
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/grafanalint/grafanalint/parsers/corpustest"
	"github.com/grafanalint/grafanalint/parsers/k8s"
)

// BenchmarkParseFile parses every YAML file of the Kubernetes corpus
// (manifests, Helm values, kustomizations, HelmReleases) from memory.
func BenchmarkParseFile(b *testing.B) {
	dir := corpustest.Dir(b, "k8s")
	type file struct {
		path string
		src  []byte
	}
	var files []file
	var size int64
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || (!strings.HasSuffix(p, ".yaml") && !strings.HasSuffix(p, ".yml")) {
			return err
		}
		src, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		files = append(files, file{p, src})
		size += int64(len(src))
		return nil
	})
	if err != nil || len(files) == 0 {
		b.Fatalf("reading the corpus: %v, %d files", err, len(files))
	}
	b.SetBytes(size)
	b.ReportAllocs()
	relevant := 0
	for b.Loop() {
		relevant = 0
		for _, f := range files {
			if k8s.ParseFile(f.path, f.src).Relevant {
				relevant++
			}
		}
	}
	if relevant == 0 {
		b.Fatal("no file of the corpus configures Grafana")
	}
	b.ReportMetric(float64(len(files)), "files")
}
