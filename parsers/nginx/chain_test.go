package nginx

import (
	"fmt"
	"strings"
	"testing"

	"github.com/grafanalint/grafanalint/parsers/model"
)

// chainFS is a chain of n files, each including the next; with back set,
// each also includes the first, closing a cycle at every link.
func chainFS(n int, back bool) memFS {
	files := memFS{"/r/nginx.conf": "events {}\nhttp {\n  include c0.conf;\n}\n"}
	for i := 0; i < n; i++ {
		text := fmt.Sprintf("# link %d\ninclude c%d.conf;\n", i, i+1)
		if back {
			text += "include c0.conf;\n"
		}
		files[fmt.Sprintf("/r/c%d.conf", i)] = text
	}
	files[fmt.Sprintf("/r/c%d.conf", n)] = "server {\n  listen 80;\n  location / { proxy_pass http://grafana:3000; }\n}\n"
	return files
}

// TestLongIncludeChain reads a chain of 3,000 files whose every link also
// includes the first file: each cycle is reported once, its message names
// at most maxChainShown files of the cycle (the middle elided), and the
// server at the end of the chain is read.
func TestLongIncludeChain(t *testing.T) {
	const n = 3000
	files := chainFS(n, true)
	cfg, problems := Load("/r/nginx.conf", Options{Root: "/r", ReadFile: files.readFile, Glob: files.glob})
	if len(cfg.Servers) != 1 || len(cfg.Files) != n+2 {
		t.Fatalf("%d servers, %d files; want 1, %d", len(cfg.Servers), len(cfg.Files), n+2)
	}
	if len(problems) != n {
		t.Fatalf("%d problems, want a cycle for each of the %d links", len(problems), n)
	}
	for _, p := range problems {
		if p.Kind != model.ProblemIncludeCycle {
			t.Fatalf("problem %+v, want an include cycle", p)
		}
		if shown := strings.Count(p.Message, " -> "); shown > maxChainShown+1 {
			t.Fatalf("a cycle message names %d files: %.300s…", shown+1, p.Message)
		}
	}
	want := fmt.Sprintf("c0.conf -> c1.conf -> c2.conf -> c3.conf -> c4.conf -> c5.conf -> c6.conf -> c7.conf -> (%d more files) -> c%d.conf", n-maxChainShown, n-8)
	found := false
	for _, p := range problems {
		found = found || strings.Contains(p.Message, want)
	}
	if !found {
		t.Errorf("no message for the longest cycle contains %q", want)
	}
}

// BenchmarkLoadIncludeChain loads a chain of n files, each including the
// next: the time per file should not grow with n.
func BenchmarkLoadIncludeChain(b *testing.B) {
	sizes := []int{1000, 2000, 4000, 8000}
	if testing.Short() {
		sizes = []int{100}
	}
	for _, n := range sizes {
		b.Run(fmt.Sprintf("files=%d", n), func(b *testing.B) {
			files := chainFS(n, false)
			b.ReportAllocs()
			for b.Loop() {
				cfg, problems := Load("/r/nginx.conf", Options{Root: "/r", ReadFile: files.readFile, Glob: files.glob})
				if len(problems) > 0 || len(cfg.Servers) != 1 {
					b.Fatalf("problems %v", problems)
				}
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(n), "ns/file")
		})
	}
}
