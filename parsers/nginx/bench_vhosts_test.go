package nginx

import (
	"fmt"
	"path/filepath"
	"testing"

	"github.com/grafanalint/grafanalint/parsers/nginx/genvhosts"
)

// vhostSizes are the numbers of vhost files BenchmarkLoadVhosts runs on;
// with -short (CI's benchmark smoke run) 50.
var vhostSizes = []int{1000, 2000, 4000, 8000, 10000}

// BenchmarkLoadVhosts loads an nginx.conf whose http block includes n
// vhost files through a glob (Debian's sites-enabled/* of links to
// sites-available/, and conf.d/*.conf), each with a few locations,
// snippet includes, maps and upstreams.
func BenchmarkLoadVhosts(b *testing.B) {
	sizes := vhostSizes
	if testing.Short() {
		sizes = []int{50}
	}
	for _, layout := range []genvhosts.Layout{genvhosts.SitesEnabled, genvhosts.ConfD} {
		for _, n := range sizes {
			b.Run(fmt.Sprintf("layout=%s/vhosts=%d", layout, n), func(b *testing.B) {
				dst := filepath.Join(b.TempDir(), "tree")
				st, err := genvhosts.Generate(dst, genvhosts.Options{Vhosts: n, Layout: layout})
				if err != nil {
					b.Fatal(err)
				}
				main := filepath.Join(dst, "nginx", "nginx.conf")
				b.SetBytes(st.Bytes)
				b.ReportAllocs()
				for b.Loop() {
					cfg, probs := Load(main, Options{Root: dst})
					if len(probs) > 0 || len(cfg.Servers) < n {
						b.Fatalf("%d servers, problems %v", len(cfg.Servers), probs)
					}
				}
				b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(n), "ns/vhost")
			})
		}
	}
}
