// Command gencorpus writes a large synthetic Grafana deployment tree for
// benchmarks and profiling (parsers/discover/gentree, parsers/nginx/genvhosts):
//
//	go run ./cmd/gencorpus -seed ../shared/corpus/perf-seed -stacks 100 -out /tmp/tree
//	go run ./cmd/grafanalint --statistics /tmp/tree
//
// -stacks N writes N stacks, each with every seed dashboard, or with
// -per-stack K dashboards (-stacks 3000 -per-stack 1: many small stacks).
//
// With -dashboards N it writes instead one docker compose project loading N
// dashboards, with provisioning, grafana.ini and nginx, so that every rule
// runs:
//
//	go run ./cmd/gencorpus -dashboards 2000 -out /tmp/d2000
//
// With -nginx-vhosts it writes instead one Grafana stack whose nginx.conf
// includes that many vhost files:
//
//	go run ./cmd/gencorpus -nginx-vhosts 4000 -nginx-layout conf.d -out /tmp/vhosts
//
// The same flags and seed always write the same bytes.
package main

import (
	"flag"
	"fmt"
	"os"

	"github.com/grafanalint/grafanalint/parsers/discover/gentree"
	"github.com/grafanalint/grafanalint/parsers/nginx/genvhosts"
)

func main() {
	os.Exit(run(os.Args[1:]))
}

func run(args []string) int {
	fs := flag.NewFlagSet("gencorpus", flag.ContinueOnError)
	seed := fs.String("seed", "../shared/corpus/perf-seed", "folder of seed dashboard JSON files")
	stacks := fs.Int("stacks", 50, "number of stacks to generate")
	perStack := fs.Int("per-stack", 0, "dashboards in each of the -stacks stacks (0: one of each seed)")
	dashboards := fs.Int("dashboards", 0, "write one compose stack with this many dashboards instead of -stacks")
	out := fs.String("out", "", "output folder (must not exist)")
	vhosts := fs.Int("nginx-vhosts", 0, "write one stack with this many nginx vhost files instead of dashboard stacks")
	layout := fs.String("nginx-layout", string(genvhosts.SitesEnabled), "how nginx.conf includes the vhosts: sites-enabled, conf.d or fragments")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if *out == "" {
		fmt.Fprintln(os.Stderr, "gencorpus: -out is required")
		return 2
	}
	if *dashboards > 0 && *vhosts > 0 {
		fmt.Fprintln(os.Stderr, "gencorpus: -dashboards and -nginx-vhosts write different trees: pass one of them")
		return 2
	}
	if _, err := os.Stat(*out); err == nil {
		fmt.Fprintf(os.Stderr, "gencorpus: %q exists: choose a new folder\n", *out)
		return 2
	}
	switch {
	case *vhosts > 0:
		st, err := genvhosts.Generate(*out, genvhosts.Options{Vhosts: *vhosts, Layout: genvhosts.Layout(*layout)})
		if err != nil {
			fmt.Fprintf(os.Stderr, "gencorpus: %v\n", err)
			return 1
		}
		fmt.Printf("wrote %d vhosts (%d fronting Grafana), %d files, %.1f MiB to %s\n", st.Vhosts, st.Grafana, st.Files, float64(st.Bytes)/(1<<20), *out)
	case *dashboards > 0:
		st, err := gentree.GenerateStack(*out, *seed, *dashboards)
		if err != nil {
			fmt.Fprintf(os.Stderr, "gencorpus: %v\n", err)
			return 1
		}
		fmt.Printf("wrote 1 stack with %d dashboards, %d files, %.1f MiB to %s\n", *dashboards, st.Files, float64(st.Bytes)/(1<<20), *out)
	default:
		st, err := gentree.GenerateWith(*out, *seed, gentree.Options{Stacks: *stacks, Dashboards: *perStack})
		if err != nil {
			fmt.Fprintf(os.Stderr, "gencorpus: %v\n", err)
			return 1
		}
		fmt.Printf("wrote %d stacks, %d files, %.1f MiB to %s\n", st.Stacks, st.Files, float64(st.Bytes)/(1<<20), *out)
	}
	return 0
}
