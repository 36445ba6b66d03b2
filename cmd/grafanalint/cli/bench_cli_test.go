package cli_test

import (
	"fmt"
	"io"
	"path/filepath"
	"testing"

	"github.com/grafanalint/grafanalint/cmd/grafanalint/cli"
	"github.com/grafanalint/grafanalint/parsers/corpustest"
	"github.com/grafanalint/grafanalint/parsers/discover/gentree"
	"github.com/grafanalint/grafanalint/rules/query"
)

// BenchmarkCLI is a whole grafanalint run as a user starts it (discovery,
// parsing, every rule, the report) in-process on generated trees: stacks
// of the 32 perf-seed dashboards, and one compose stack of many
// dashboards, in each format whose cost matters. perf/cmd/perfcheck
// measures the same as a process, against the floor.
func BenchmarkCLI(b *testing.B) {
	seed := corpustest.Dir(b, "perf-seed")
	stacks, perStack, dashboards := 8, 0, 256 // perStack 0: every seed
	if testing.Short() {
		stacks, perStack, dashboards = 2, 2, 4
	}
	trees := []struct {
		name string
		gen  func(dst string) error
	}{
		{fmt.Sprintf("stacks=%d", stacks), func(dst string) error {
			_, err := gentree.GenerateWith(dst, seed, gentree.Options{Stacks: stacks, Dashboards: perStack})
			return err
		}},
		{fmt.Sprintf("dashboards=%d", dashboards), func(dst string) error {
			_, err := gentree.GenerateStack(dst, seed, dashboards)
			return err
		}},
	}
	for _, tree := range trees {
		dst := filepath.Join(b.TempDir(), "tree")
		if err := tree.gen(dst); err != nil {
			b.Fatal(err)
		}
		for _, format := range []string{"json", "text", "sarif"} {
			b.Run(tree.name+"/format="+format, func(b *testing.B) {
				b.ReportAllocs()
				for b.Loop() {
					query.ResetVerdicts() // each run as one process
					cmd := &cli.Command{Stdout: io.Discard, Stderr: io.Discard, WorkDir: dst, Getenv: func(string) string { return "" }}
					if code := cmd.Main([]string{"--format", format, "."}); code != cli.ExitOK && code != cli.ExitFindings {
						b.Fatalf("exit %d", code)
					}
				}
			})
		}
	}
}
