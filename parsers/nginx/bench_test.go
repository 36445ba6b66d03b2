package nginx

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// BenchmarkLoad loads every nginx file of the corpus, includes resolved.
func BenchmarkLoad(b *testing.B) {
	root := corpusDir(b)
	type file struct{ abs, bundle string }
	var files []file
	var size int64
	for _, c := range corpusNginx {
		abs := filepath.Join(root, filepath.FromSlash(c.path))
		fi, err := os.Stat(abs)
		if err != nil {
			b.Fatal(err)
		}
		size += fi.Size()
		files = append(files, file{abs, filepath.Join(root, strings.SplitN(c.path, "/", 2)[0])})
	}
	b.SetBytes(size)
	b.ReportAllocs()
	for b.Loop() {
		for _, f := range files {
			Load(f.abs, Options{Root: f.bundle})
		}
	}
}

// BenchmarkParseFile parses the corpus files from memory (no disk, no
// includes): the positioned parse plus gonginx's.
func BenchmarkParseFile(b *testing.B) {
	root := corpusDir(b)
	var srcs []string
	var size int64
	for _, c := range corpusNginx {
		src, err := os.ReadFile(filepath.Join(root, filepath.FromSlash(c.path)))
		if err != nil {
			b.Fatal(err)
		}
		srcs = append(srcs, string(src))
		size += int64(len(src))
	}
	b.SetBytes(size)
	b.ReportAllocs()
	for b.Loop() {
		for _, s := range srcs {
			parseFile(s)
		}
	}
}
