package proxy_test

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"

	"github.com/grafanalint/grafanalint/parsers/discover"
	"github.com/grafanalint/grafanalint/parsers/nginx/genvhosts"
	"github.com/grafanalint/grafanalint/rules"
	"github.com/grafanalint/grafanalint/rules/live"
	"github.com/grafanalint/grafanalint/rules/proxy"
	"github.com/grafanalint/grafanalint/rules/server"
)

// TestVhostWorkGrowsLinearly: loading and checking nginx configurations
// costs work in proportion to the number of vhosts. Work is counted in
// heap allocations, which do not depend on the machine's load (times are
// measured by the benchmarks only): eight times the vhosts may cost at
// most twelve times the allocations. Work quadratic in vhosts that
// allocates (state rebuilt per vhost for every other vhost, as the
// inheritance computed per location once was) shows as about sixty-four
// times; a loop that allocates nothing is BenchmarkVhostsLint's to show.
func TestVhostWorkGrowsLinearly(t *testing.T) {
	if testing.Short() {
		t.Skip("generates 1,000 vhosts")
	}
	ours := append(append(proxy.Rules(), server.Rules()...), live.Rules()...)
	for _, layout := range []genvhosts.Layout{genvhosts.SitesEnabled, genvhosts.Fragments} {
		t.Run(string(layout), func(t *testing.T) {
			allocs := map[int]float64{}
			for _, n := range []int{100, 800} {
				dir := filepath.Join(t.TempDir(), fmt.Sprint(n))
				if _, err := genvhosts.Generate(dir, genvhosts.Options{Vhosts: n, Layout: layout}); err != nil {
					t.Fatal(err)
				}
				allocs[n] = testing.AllocsPerRun(1, func() {
					m, err := discover.Load(context.Background(), discover.Options{Paths: []string{dir}, WorkDir: dir})
					if err != nil {
						t.Fatal(err)
					}
					rules.Run(m, ours, rules.Options{})
				})
			}
			if ratio := allocs[800] / allocs[100]; ratio > 12 {
				t.Errorf("800 vhosts cost %.0f allocations, %.1f times the %.0f of 100 vhosts: want at most 12 times (linear)", allocs[800], ratio, allocs[100])
			} else {
				t.Logf("800 vhosts: %.1f times the allocations of 100", ratio)
			}
		})
	}
}
