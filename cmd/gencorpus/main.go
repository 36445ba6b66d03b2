// Command gencorpus writes a large synthetic Grafana deployment tree for
// benchmarks and profiling:
//
//	go run ./cmd/gencorpus -seed ../shared/corpus/perf-seed -stacks 100 -out /tmp/tree
//	go run ./cmd/grafanalint --statistics /tmp/tree
//
// With -nginx-vhosts it writes instead one Grafana stack whose nginx.conf
// includes that many vhost files (parsers/nginx/genvhosts):
//
//	go run ./cmd/gencorpus -nginx-vhosts 4000 -nginx-layout conf.d -out /tmp/vhosts
package main

import (
	"flag"
	"fmt"
	"os"

	"github.com/grafanalint/grafanalint/parsers/discover/gentree"
	"github.com/grafanalint/grafanalint/parsers/nginx/genvhosts"
)

func main() {
	seed := flag.String("seed", "../shared/corpus/perf-seed", "folder of seed dashboard JSON files")
	stacks := flag.Int("stacks", 50, "number of stacks to generate")
	out := flag.String("out", "", "output folder (must not exist)")
	vhosts := flag.Int("nginx-vhosts", 0, "write one stack with this many nginx vhost files instead of dashboard stacks")
	layout := flag.String("nginx-layout", string(genvhosts.SitesEnabled), "how nginx.conf includes the vhosts: sites-enabled or conf.d")
	flag.Parse()
	if *out == "" {
		fmt.Fprintln(os.Stderr, "gencorpus: -out is required")
		os.Exit(2)
	}
	if _, err := os.Stat(*out); err == nil {
		fmt.Fprintf(os.Stderr, "gencorpus: %q exists: choose a new folder\n", *out)
		os.Exit(2)
	}
	if *vhosts > 0 {
		st, err := genvhosts.Generate(*out, genvhosts.Options{Vhosts: *vhosts, Layout: genvhosts.Layout(*layout)})
		if err != nil {
			fmt.Fprintf(os.Stderr, "gencorpus: %v\n", err)
			os.Exit(1)
		}
		fmt.Printf("wrote %d vhosts (%d fronting Grafana), %d files, %.1f MiB to %s\n", st.Vhosts, st.Grafana, st.Files, float64(st.Bytes)/(1<<20), *out)
		return
	}
	st, err := gentree.Generate(*out, *seed, *stacks)
	if err != nil {
		fmt.Fprintf(os.Stderr, "gencorpus: %v\n", err)
		os.Exit(1)
	}
	fmt.Printf("wrote %d stacks, %d files, %.1f MiB to %s\n", st.Stacks, st.Files, float64(st.Bytes)/(1<<20), *out)
}
