package grafanaini

import (
	"os"
	"testing"

	"github.com/grafanalint/grafanalint/parsers/model"
)

// BenchmarkParse parses every ini file of the corpus once per iteration.
func BenchmarkParse(b *testing.B) {
	var srcs [][]byte
	size := 0
	for _, p := range corpusIniFiles(b) {
		src, err := os.ReadFile(p)
		if err != nil {
			b.Fatal(err)
		}
		srcs = append(srcs, src)
		size += len(src)
	}
	b.SetBytes(int64(size))
	b.ReportAllocs()
	for b.Loop() {
		for _, src := range srcs {
			if _, probs := Parse("f.ini", src); len(probs) != 0 {
				b.Fatal(probs)
			}
		}
	}
}

// BenchmarkEffective layers every corpus ini file over the defaults.
func BenchmarkEffective(b *testing.B) {
	var files []*model.IniFile
	for _, p := range corpusIniFiles(b) {
		src, err := os.ReadFile(p)
		if err != nil {
			b.Fatal(err)
		}
		f, _ := Parse("f.ini", src)
		files = append(files, f)
	}
	b.ReportAllocs()
	for b.Loop() {
		for _, f := range files {
			Effective(f, nil)
		}
	}
}
