package proxy_test

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"

	"github.com/grafanalint/grafanalint/parsers/discover"
	"github.com/grafanalint/grafanalint/parsers/model"
	"github.com/grafanalint/grafanalint/parsers/nginx/genvhosts"
	"github.com/grafanalint/grafanalint/rules"
	"github.com/grafanalint/grafanalint/rules/all"
	"github.com/grafanalint/grafanalint/rules/live"
	"github.com/grafanalint/grafanalint/rules/proxy"
	"github.com/grafanalint/grafanalint/rules/server"
)

// vhostSizes are the numbers of vhost files the nginx benchmarks run on;
// with -short only the first.
var vhostSizes = []int{1000, 2000, 4000, 8000, 10000}

func benchSizes() []int {
	if testing.Short() {
		return vhostSizes[:1]
	}
	return vhostSizes
}

// vhostTree generates a tree of n vhosts (genvhosts) for one benchmark.
func vhostTree(b *testing.B, n int) (string, genvhosts.Stats) {
	b.Helper()
	dst := filepath.Join(b.TempDir(), "tree")
	st, err := genvhosts.Generate(dst, genvhosts.Options{Vhosts: n})
	if err != nil {
		b.Fatal(err)
	}
	return dst, st
}

func loadTree(b *testing.B, dir string) *model.Model {
	b.Helper()
	m, err := discover.Load(context.Background(), discover.Options{Paths: []string{dir}, WorkDir: dir})
	if err != nil {
		b.Fatal(err)
	}
	if len(m.Stacks) != 1 {
		b.Fatalf("%d stacks, want 1", len(m.Stacks))
	}
	return m
}

// perVhost reports the time per vhost of one iteration.
func perVhost(b *testing.B, n int) {
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(n), "ns/vhost")
}

// BenchmarkVhostsLint is a whole lint (discovery, parsing, every rule) of
// one stack whose nginx.conf includes sites-enabled/* with n vhosts.
func BenchmarkVhostsLint(b *testing.B) {
	for _, n := range benchSizes() {
		b.Run(fmt.Sprintf("vhosts=%d", n), func(b *testing.B) {
			dir, st := vhostTree(b, n)
			b.SetBytes(st.Bytes)
			b.ReportAllocs()
			var findings int
			for b.Loop() {
				m := loadTree(b, dir)
				findings = len(rules.Run(m, all.Rules(), rules.Options{}).Findings)
			}
			if findings == 0 {
				b.Fatal("no findings: the generated mistakes were not seen")
			}
			perVhost(b, n)
		})
	}
}

// BenchmarkVhostsRules runs the rules that analyse nginx (proxy, server,
// live) on the loaded model of the same tree: nginx semantics alone.
func BenchmarkVhostsRules(b *testing.B) {
	ours := append(append(proxy.Rules(), server.Rules()...), live.Rules()...)
	for _, n := range benchSizes() {
		b.Run(fmt.Sprintf("vhosts=%d", n), func(b *testing.B) {
			dir, _ := vhostTree(b, n)
			m := loadTree(b, dir)
			b.ReportAllocs()
			for b.Loop() {
				rules.Run(m, ours, rules.Options{})
			}
			perVhost(b, n)
		})
	}
}
