package compose

import (
	"os"
	"testing"
)

// BenchmarkParse parses every compose file of the real corpus from memory.
func BenchmarkParse(b *testing.B) {
	type file struct {
		path string
		src  []byte
	}
	var files []file
	var size int64
	for _, p := range corpusComposeFiles(b) {
		src, err := os.ReadFile(p)
		if err != nil {
			b.Fatal(err)
		}
		files = append(files, file{p, src})
		size += int64(len(src))
	}
	if len(files) == 0 {
		b.Fatal("no compose file in the corpus")
	}
	b.SetBytes(size)
	b.ReportAllocs()
	for b.Loop() {
		for _, f := range files {
			if c, _ := Parse(f.path, f.src); c == nil {
				b.Fatalf("%s: no compose file", f.path)
			}
		}
	}
}
