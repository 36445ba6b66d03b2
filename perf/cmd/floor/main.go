// Command floor runs the performance floor (perf/floor) over folders: it
// streams every *.json file under them with two goroutines, records the
// position of every uid, datasource and channel value, and prints how many
// it found. perf/cmd/perfcheck times it against grafanalint:
//
//	go run ./perf/cmd/floor /tmp/tree
package main

import (
	"flag"
	"fmt"
	"os"

	"github.com/grafanalint/grafanalint/perf/floor"
)

func main() {
	workers := flag.Int("workers", 2, "goroutines reading dashboards")
	flag.Parse()
	if flag.NArg() == 0 {
		fmt.Fprintln(os.Stderr, "usage: floor [-workers N] folder...")
		os.Exit(2)
	}
	paths, err := floor.Find(flag.Args())
	if err != nil {
		fmt.Fprintf(os.Stderr, "floor: %v\n", err)
		os.Exit(1)
	}
	var counts [3]int
	bad := 0
	for _, f := range floor.Walk(paths, *workers) {
		if f.Err != nil {
			bad++
		}
		for _, r := range f.Refs {
			counts[r.Kind]++
		}
	}
	fmt.Printf("%d files (%d unreadable), %d uid, %d datasource, %d channel values\n",
		len(paths), bad, counts[floor.UID], counts[floor.Datasource], counts[floor.Channel])
}
