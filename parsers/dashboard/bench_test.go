package dashboard

import (
	"bytes"
	"encoding/json"
	"os"
	"testing"

	"github.com/grafanalint/grafanalint/perf/floor"
)

// perfSeed loads the perf-seed dashboards and their total size, and turns
// the tests' pointer check off for the benchmark.
func perfSeed(b *testing.B) ([][]byte, int64) {
	b.Helper()
	check := checkPointer
	checkPointer = nil
	b.Cleanup(func() { checkPointer = check })
	var (
		srcs  [][]byte
		total int64
	)
	for _, f := range jsonFiles(b, corpusDir(b, "perf-seed")) {
		src, err := os.ReadFile(f)
		if err != nil {
			b.Fatal(err)
		}
		srcs = append(srcs, src)
		total += int64(len(src))
	}
	return srcs, total
}

// BenchmarkParse measures the streaming parser over the perf seed (MB/s is
// input throughput).
func BenchmarkParse(b *testing.B) {
	srcs, total := perfSeed(b)
	b.SetBytes(total)
	b.ReportAllocs()
	for b.Loop() {
		for _, src := range srcs {
			if _, probs := Parse("x.json", src); len(probs) > 0 {
				b.Fatal(probs)
			}
		}
	}
}

// BenchmarkFloor is perf/floor's walk (issue 10's floor: one jsontext pass
// recording uid, datasource and channel values) over the perf seed, so that
// Parse's cost is read as a ratio to it in one run.
func BenchmarkFloor(b *testing.B) {
	srcs, total := perfSeed(b)
	b.SetBytes(total)
	b.ReportAllocs()
	for b.Loop() {
		for _, src := range srcs {
			if _, err := floor.Scan(bytes.NewReader(src)); err != nil {
				b.Fatal(err)
			}
		}
	}
}

// BenchmarkMapDecode is the baseline the streaming design is measured
// against: encoding/json into maps, then a walk for the references (and no
// positions at all).
func BenchmarkMapDecode(b *testing.B) {
	srcs, total := perfSeed(b)
	b.SetBytes(total)
	b.ReportAllocs()
	for b.Loop() {
		for _, src := range srcs {
			var d map[string]any
			if err := json.Unmarshal(src, &d); err != nil {
				b.Fatal(err)
			}
			countMapRefs(d)
		}
	}
}

// BenchmarkSniff measures the top-level key check.
func BenchmarkSniff(b *testing.B) {
	srcs, total := perfSeed(b)
	b.SetBytes(total)
	for b.Loop() {
		for _, src := range srcs {
			if !Sniff(src) {
				b.Fatal("not sniffed")
			}
		}
	}
}
