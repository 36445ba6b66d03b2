// Command perfcheck measures grafanalint against the floor (perf/floor) the
// way issue 10 states its goals: it builds both, runs them alternately
// (floor, grafanalint, floor, grafanalint, …) so that both see the same
// machine load, and reports for each the median, min and max wall time, CPU
// time and peak RSS, and the ratio grafanalint/floor of each pair (median,
// min, max). Only the ratios mean much on a shared machine.
//
//	go run ./perf/cmd/perfcheck [flags] -- [grafanalint flags] path...
//
// The floor walks grafanalint's path arguments unless -floor says
// otherwise. With -baseline the pairs compare grafanalint with grafanalint
// on other arguments instead (an explicit file against its own stack). See
// docs/performance.md for the workloads.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"time"
)

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

func run(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("perfcheck", flag.ContinueOnError)
	fs.SetOutput(stderr)
	runs := fs.Int("runs", 5, "pairs of runs")
	warmup := fs.Int("warmup", 1, "unmeasured pairs first (page cache)")
	dir := fs.String("C", "", "run both programs in this folder")
	bin := fs.String("grafanalint", "", "grafanalint binary to measure (default: go build ./cmd/grafanalint)")
	floorPaths := fs.String("floor", "", "comma-separated folders or files the floor walks (default: grafanalint's path arguments)")
	baseline := fs.String("baseline", "", "compare with grafanalint run with these space-separated arguments instead of the floor")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: perfcheck [flags] -- [grafanalint flags] path...")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return 2
	}
	lintArgs := fs.Args()
	if len(lintArgs) == 0 || *runs < 1 {
		fs.Usage()
		return 2
	}
	tmp, err := os.MkdirTemp("", "perfcheck")
	if err != nil {
		fmt.Fprintf(stderr, "perfcheck: %v\n", err)
		return 1
	}
	defer os.RemoveAll(tmp)
	lint, err := build(*bin, "./cmd/grafanalint", filepath.Join(tmp, "grafanalint"))
	if err != nil {
		fmt.Fprintf(stderr, "perfcheck: %v\n", err)
		return 1
	}
	base := program{name: "floor", args: pathArgs(*dir, lintArgs)}
	if *floorPaths != "" {
		base.args = strings.Split(*floorPaths, ",")
	}
	if *baseline != "" {
		base = program{name: "baseline", path: lint, args: strings.Fields(*baseline)}
	} else if base.path, err = build("", "./perf/cmd/floor", filepath.Join(tmp, "floor")); err != nil {
		fmt.Fprintf(stderr, "perfcheck: %v\n", err)
		return 1
	}
	measured := program{name: "grafanalint", path: lint, args: lintArgs}
	fmt.Fprintf(stdout, "%s: %s %s\n%s: grafanalint %s\nload before: %s\n", base.name, filepath.Base(base.path),
		strings.Join(base.args, " "), measured.name, strings.Join(lintArgs, " "), loadavg())
	var bs, ms []sample
	for i := 0; i < *warmup+*runs; i++ {
		b, err := base.run(*dir)
		if err != nil {
			fmt.Fprintf(stderr, "perfcheck: %v\n", err)
			return 1
		}
		m, err := measured.run(*dir)
		if err != nil {
			fmt.Fprintf(stderr, "perfcheck: %v\n", err)
			return 1
		}
		if i >= *warmup {
			bs, ms = append(bs, b), append(ms, m)
		}
	}
	fmt.Fprintf(stdout, "load after: %s\n", loadavg())
	report(stdout, base.name, bs, measured.name, ms)
	return 0
}

// build returns bin when set, or builds pkg of the module in the working
// directory to out.
func build(bin, pkg, out string) (string, error) {
	if bin != "" {
		return bin, nil
	}
	cmd := exec.Command("go", "build", "-o", out, pkg)
	cmd.Stderr = os.Stderr
	if err := cmd.Run(); err != nil {
		return "", fmt.Errorf("go build %s: %w (run perfcheck from the module's root)", pkg, err)
	}
	return out, nil
}

// pathArgs returns the arguments of a grafanalint command line that name
// existing files or folders (relative to dir): the paths it lints. Flags'
// values (json, error) are not paths that exist.
func pathArgs(dir string, args []string) []string {
	var paths []string
	for _, a := range args {
		if strings.HasPrefix(a, "-") {
			continue
		}
		p := a
		if !filepath.IsAbs(p) {
			p = filepath.Join(dir, p)
		}
		if _, err := os.Stat(p); err == nil {
			paths = append(paths, a)
		}
	}
	return paths
}

// program is a command to time.
type program struct {
	name, path string
	args       []string
}

// sample is one timed run.
type sample struct {
	wall, cpu time.Duration
	rssKiB    int64
}

func (p program) run(dir string) (sample, error) {
	cmd := exec.CommandContext(context.Background(), p.path, p.args...)
	cmd.Dir = dir
	var errb strings.Builder
	cmd.Stderr = &errb // stdout: /dev/null
	start := time.Now()
	err := cmd.Run()
	wall := time.Since(start)
	var exit *exec.ExitError
	if err != nil && (!errors.As(err, &exit) || exit.ExitCode() != 1) {
		// grafanalint exits 1 when it has findings; anything else is a
		// failed run.
		return sample{}, fmt.Errorf("%s: %w\n%s", p.name, err, errb.String())
	}
	s := sample{wall: wall}
	s.cpu, s.rssKiB = usage(cmd.ProcessState)
	return s, nil
}

// stats are the median, min and max of some figures.
type stats struct{ med, lo, hi float64 }

func summarize(xs []float64) stats {
	s := slices.Clone(xs)
	slices.Sort(s)
	n := len(s)
	if n == 0 {
		return stats{}
	}
	med := s[n/2]
	if n%2 == 0 {
		med = (s[n/2-1] + s[n/2]) / 2
	}
	return stats{med, s[0], s[n-1]}
}

func field(ss []sample, f func(sample) float64) stats {
	xs := make([]float64, len(ss))
	for i, s := range ss {
		xs[i] = f(s)
	}
	return summarize(xs)
}

func ratios(a, b []sample, f func(sample) float64) stats {
	xs := make([]float64, len(a))
	for i := range a {
		xs[i] = f(b[i]) / f(a[i])
	}
	return summarize(xs)
}

func report(w io.Writer, baseName string, base []sample, name string, ms []sample) {
	wall := func(s sample) float64 { return s.wall.Seconds() }
	cpu := func(s sample) float64 { return s.cpu.Seconds() }
	rss := func(s sample) float64 { return float64(s.rssKiB) / 1024 }
	row := func(label string, a, b, c string) {
		fmt.Fprintf(w, "%-12s %-24s %-24s %s\n", label, a, b, c)
	}
	fmt.Fprintf(w, "%d pairs, alternating; median (min–max)\n", len(ms))
	row("", "wall s", "cpu s", "peak RSS MiB")
	for _, p := range []struct {
		name string
		ss   []sample
	}{{baseName, base}, {name, ms}} {
		wa, c, r := field(p.ss, wall), field(p.ss, cpu), field(p.ss, rss)
		row(p.name, fmt.Sprintf("%.3f (%.3f–%.3f)", wa.med, wa.lo, wa.hi),
			fmt.Sprintf("%.3f (%.3f–%.3f)", c.med, c.lo, c.hi), fmt.Sprintf("%.1f (%.1f–%.1f)", r.med, r.lo, r.hi))
	}
	wr, cr, rr := ratios(base, ms, wall), ratios(base, ms, cpu), ratios(base, ms, rss)
	row("ratio", fmt.Sprintf("%.2f× (%.2f–%.2f)", wr.med, wr.lo, wr.hi),
		fmt.Sprintf("%.2f× (%.2f–%.2f)", cr.med, cr.lo, cr.hi), fmt.Sprintf("%.2f× (%.2f–%.2f)", rr.med, rr.lo, rr.hi))
}

// loadavg is the first three fields of /proc/loadavg, or "?".
func loadavg() string {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "?"
	}
	f := strings.Fields(string(b))
	if len(f) < 3 {
		return "?"
	}
	return strings.Join(f[:3], " ")
}
