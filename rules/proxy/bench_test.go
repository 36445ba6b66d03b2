package proxy_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
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
// with -short (CI's benchmark smoke run) a tiny tree.
var vhostSizes = []int{1000, 2000, 4000, 8000, 10000}

func benchSizes() []int {
	if testing.Short() {
		return []int{50}
	}
	return vhostSizes
}

// vhostLayouts are the layouts the vhost benchmarks run on: one
// nginx.conf including sites-enabled/*, and conf.d files without
// nginx.conf (one configuration per vhost).
var vhostLayouts = []genvhosts.Layout{genvhosts.SitesEnabled, genvhosts.Fragments}

// vhostTree generates a tree of n vhosts (genvhosts) for one benchmark.
func vhostTree(b *testing.B, layout genvhosts.Layout, n int) (string, genvhosts.Stats) {
	b.Helper()
	dst := filepath.Join(b.TempDir(), "tree")
	st, err := genvhosts.Generate(dst, genvhosts.Options{Vhosts: n, Layout: layout})
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
// one stack with n vhosts, in each layout.
func BenchmarkVhostsLint(b *testing.B) {
	for _, layout := range vhostLayouts {
		for _, n := range benchSizes() {
			b.Run(fmt.Sprintf("layout=%s/vhosts=%d", layout, n), func(b *testing.B) {
				benchLint(b, layout, n)
			})
		}
	}
}

func benchLint(b *testing.B, layout genvhosts.Layout, n int) {
	dir, st := vhostTree(b, layout, n)
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
}

// BenchmarkVhostsRules runs the rules that analyse nginx (proxy, server,
// live) on the loaded model of the same trees: nginx semantics alone.
func BenchmarkVhostsRules(b *testing.B) {
	ours := append(append(proxy.Rules(), server.Rules()...), live.Rules()...)
	for _, layout := range vhostLayouts {
		for _, n := range benchSizes() {
			b.Run(fmt.Sprintf("layout=%s/vhosts=%d", layout, n), func(b *testing.B) {
				dir, _ := vhostTree(b, layout, n)
				m := loadTree(b, dir)
				b.ReportAllocs()
				for b.Loop() {
					rules.Run(m, ours, rules.Options{})
				}
				perVhost(b, n)
			})
		}
	}
}

// pathological are single configurations built to stress one dimension
// of the nginx analysis, each written for n (the size of that dimension).
var pathological = []struct {
	name  string
	sizes []int
	files func(n int) map[string]string
}{
	// One server with n locations: exact, prefix, regex, and locations
	// proxying to Grafana on distinct sub-paths (without root_url each is
	// followed for the Live path it would carry).
	{"locations", []int{1000, 2000, 4000, 8000}, func(n int) map[string]string {
		var b strings.Builder
		b.WriteString("events {}\nhttp {\n  map $http_upgrade $connection_upgrade { default upgrade; '' close; }\n  server {\n    listen 80;\n    server_name many.example.com;\n")
		for i := 0; i < n; i++ {
			switch i % 4 {
			case 0:
				fmt.Fprintf(&b, "    location = /page-%d { return 301 /p/%d; }\n", i, i)
			case 1:
				fmt.Fprintf(&b, "    location /app-%d/ { proxy_pass http://10.0.0.1:8080; }\n", i)
			case 2:
				fmt.Fprintf(&b, "    location /team-%d/ {\n      proxy_http_version 1.1;\n      proxy_set_header Upgrade $http_upgrade;\n      proxy_set_header Connection $connection_upgrade;\n      proxy_set_header Host $host;\n      proxy_pass http://grafana:3000;\n    }\n", i)
			case 3:
				fmt.Fprintf(&b, "    location ~ ^/re-%d/(.*)$ { proxy_pass http://10.0.0.2:8080/$1; }\n", i)
			}
		}
		b.WriteString("  }\n}\n")
		return map[string]string{"nginx/nginx.conf": b.String()}
	}},
	// Locations nested n deep (nginx.Load refuses more than 200), each
	// proxying to Grafana.
	{"nesting", []int{50, 100, 200}, func(n int) map[string]string {
		var b strings.Builder
		b.WriteString("events {}\nhttp {\n  server {\n    listen 80;\n    server_name deep.example.com;\n    proxy_set_header Host $host;\n")
		path := ""
		for i := 0; i < n-3; i++ {
			path += fmt.Sprintf("/d%d", i)
			fmt.Fprintf(&b, "location %s/ { proxy_set_header X-Depth %d; proxy_pass http://grafana:3000;\n", path, i)
		}
		b.WriteString(strings.Repeat("}\n", n-3))
		b.WriteString("  }\n}\n")
		return map[string]string{"nginx/nginx.conf": b.String()}
	}},
	// A map of n entries that 100 Grafana servers' Host and upstream go
	// through.
	{"map-entries", []int{1000, 2000, 4000, 8000}, func(n int) map[string]string {
		var b strings.Builder
		b.WriteString("events {}\nhttp {\n  map $host $grafana_backend {\n    default grafana:3000;\n")
		for i := 0; i < n; i++ {
			if i%2 == 0 {
				fmt.Fprintf(&b, "    h%d.example.com grafana-%d:3000;\n", i, i)
			} else {
				fmt.Fprintf(&b, "    ~^r%d\\. grafana-%d:3000;\n", i, i)
			}
		}
		b.WriteString("  }\n  map $http_upgrade $connection_upgrade {\n    default upgrade;\n    '' close;\n")
		for i := 0; i < n; i++ {
			fmt.Fprintf(&b, "    proto-%d close;\n", i)
		}
		b.WriteString("  }\n")
		for i := 0; i < 100; i++ {
			fmt.Fprintf(&b, "  server {\n    listen 80;\n    server_name h%d.example.com;\n    location / {\n      proxy_http_version 1.1;\n      proxy_set_header Upgrade $http_upgrade;\n      proxy_set_header Connection $connection_upgrade;\n      proxy_set_header Host $host;\n      proxy_pass http://$grafana_backend;\n    }\n  }\n", 2*i)
		}
		b.WriteString("}\n")
		return map[string]string{"nginx/nginx.conf": b.String()}
	}},
	// n Grafana servers included from sites-enabled/, no map for the
	// Connection header: half leave it out, half use $connection_upgrade
	// undefined; each finding's fix adds the map to the http block.
	{"missing-map", []int{1000, 2000, 4000, 8000}, func(n int) map[string]string {
		files := map[string]string{"nginx/nginx.conf": "events {}\nhttp {\n    include /etc/nginx/sites-enabled/*;\n}\n"}
		for i := 0; i < n; i++ {
			conn := ""
			if i%2 == 1 {
				conn = "        proxy_set_header Connection $connection_upgrade;\n"
			}
			files[fmt.Sprintf("nginx/sites-enabled/g%05d", i)] = fmt.Sprintf("server {\n    listen 80;\n    server_name g%05d.example.com;\n    location / {\n        proxy_http_version 1.1;\n        proxy_set_header Upgrade $http_upgrade;\n%s        proxy_set_header Host $host;\n        proxy_pass http://grafana:3000;\n    }\n}\n", i, conn)
		}
		return files
	}},
	// A chain of n files, each including the next, the last holding the
	// Grafana server.
	{"include-chain", []int{250, 500, 1000, 2000}, func(n int) map[string]string {
		files := map[string]string{"nginx/nginx.conf": "events {}\nhttp {\n  include chain/c0.conf;\n}\n"}
		for i := 0; i < n; i++ {
			files[fmt.Sprintf("nginx/chain/c%d.conf", i)] = fmt.Sprintf("# link %d\ninclude chain/c%d.conf;\n", i, i+1)
		}
		files[fmt.Sprintf("nginx/chain/c%d.conf", n)] = "server {\n  listen 80;\n  server_name chain.example.com;\n  location / { proxy_set_header Host $host; proxy_pass http://grafana:3000; }\n}\n"
		return files
	}},
}

// BenchmarkPathological runs the nginx rules (proxy, server, live) on
// each pathological configuration, loaded once; the time per unit of the
// stressed dimension should stay flat as n grows.
func BenchmarkPathological(b *testing.B) {
	ours := append(append(proxy.Rules(), server.Rules()...), live.Rules()...)
	for _, p := range pathological {
		sizes := p.sizes
		if testing.Short() {
			sizes = []int{min(sizes[0], 100)}
		}
		for _, n := range sizes {
			b.Run(fmt.Sprintf("%s/n=%d", p.name, n), func(b *testing.B) {
				dir := b.TempDir()
				for rel, content := range p.files(n) {
					path := filepath.Join(dir, filepath.FromSlash(rel))
					if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
						b.Fatal(err)
					}
					if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
						b.Fatal(err)
					}
				}
				m := loadTree(b, dir)
				b.ReportAllocs()
				for b.Loop() {
					rules.Run(m, ours, rules.Options{})
				}
				b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(n), "ns/n")
			})
		}
	}
}
