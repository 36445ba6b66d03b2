// Command gencorpus writes a large synthetic Grafana deployment tree for
// benchmarks and profiling:
//
//	go run ./cmd/gencorpus -seed ../shared/corpus/perf-seed -stacks 100 -out /tmp/tree
//	go run ./cmd/grafanalint --statistics /tmp/tree
package main

import (
	"flag"
	"fmt"
	"os"

	"github.com/grafanalint/grafanalint/parsers/discover/gentree"
)

func main() {
	seed := flag.String("seed", "../shared/corpus/perf-seed", "folder of seed dashboard JSON files")
	stacks := flag.Int("stacks", 50, "number of stacks to generate")
	out := flag.String("out", "", "output folder (must not exist)")
	flag.Parse()
	if *out == "" {
		fmt.Fprintln(os.Stderr, "gencorpus: -out is required")
		os.Exit(2)
	}
	if _, err := os.Stat(*out); err == nil {
		fmt.Fprintf(os.Stderr, "gencorpus: %q exists: choose a new folder\n", *out)
		os.Exit(2)
	}
	st, err := gentree.Generate(*out, *seed, *stacks)
	if err != nil {
		fmt.Fprintf(os.Stderr, "gencorpus: %v\n", err)
		os.Exit(1)
	}
	fmt.Printf("wrote %d stacks, %d files, %.1f MiB to %s\n", st.Stacks, st.Files, float64(st.Bytes)/(1<<20), *out)
}
