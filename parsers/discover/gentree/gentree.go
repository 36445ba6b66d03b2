// Package gentree builds large synthetic Grafana deployment trees from a
// folder of real dashboards, for benchmarks: each generated stack has a
// grafana.ini, datasource and dashboard provisioning, the seed dashboards
// (rewritten to reference the stack's datasources, with a fresh uid) and an
// nginx config in front of it.
package gentree

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
)

// Stats describes a generated tree.
type Stats struct {
	Stacks, Files int
	Bytes         int64
}

// Generate writes stacks stacks under dst using the *.json dashboards in
// seedDir (each stack gets every seed dashboard). dst must not exist or be
// empty.
func Generate(dst, seedDir string, stacks int) (Stats, error) {
	seeds, err := filepath.Glob(filepath.Join(seedDir, "*.json"))
	if err != nil || len(seeds) == 0 {
		return Stats{}, fmt.Errorf("no seed dashboards in %q: pass a folder of dashboard JSON files", seedDir)
	}
	sort.Strings(seeds)
	var seedData [][]byte
	for _, s := range seeds {
		b, err := os.ReadFile(s)
		if err != nil {
			return Stats{}, err
		}
		seedData = append(seedData, b)
	}
	var st Stats
	write := func(rel string, data []byte) error {
		p := filepath.Join(dst, filepath.FromSlash(rel))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			return err
		}
		st.Files++
		st.Bytes += int64(len(data))
		return os.WriteFile(p, data, 0o644)
	}
	for i := 0; i < stacks; i++ {
		root := fmt.Sprintf("site-%03d", i)
		files := map[string]string{
			"grafana/grafana.ini":                               fmt.Sprintf("[server]\ndomain = site%03d.example.com\nroot_url = https://site%03d.example.com/grafana/\nserve_from_sub_path = true\n\n[live]\nmax_connections = 200\nallowed_origins = https://site%03d.example.com\n", i, i, i),
			"grafana/provisioning/datasources/datasources.yaml": "apiVersion: 1\ndatasources:\n  - name: Prometheus\n    type: prometheus\n    uid: prometheus\n    url: http://prometheus:9090\n    isDefault: true\n  - name: Loki\n    type: loki\n    uid: loki\n    url: http://loki:3100\n",
			"grafana/provisioning/dashboards/provider.yaml":     "apiVersion: 1\nproviders:\n  - name: generated\n    options:\n      path: /etc/grafana/provisioning/dashboards\n",
			"nginx/nginx.conf":                                  fmt.Sprintf("events { worker_connections 1024; }\nhttp {\n  map $http_upgrade $connection_upgrade { default upgrade; '' close; }\n  server {\n    listen 443 ssl;\n    server_name site%03d.example.com;\n    location /grafana/ {\n      proxy_http_version 1.1;\n      proxy_set_header Host $http_host;\n      proxy_set_header Upgrade $http_upgrade;\n      proxy_set_header Connection $connection_upgrade;\n      proxy_pass http://grafana:3000;\n    }\n  }\n}\n", i),
		}
		for rel, content := range files {
			if err := write(root+"/"+rel, []byte(content)); err != nil {
				return st, err
			}
		}
		for j, data := range seedData {
			name := strings.TrimSuffix(filepath.Base(seeds[j]), ".json")
			uid := fmt.Sprintf("gen-%03d-%02d", i, j)
			out, err := rewrite(data, uid)
			if err != nil {
				return st, fmt.Errorf("seed %q: %w", seeds[j], err)
			}
			if err := write(fmt.Sprintf("%s/grafana/provisioning/dashboards/%s.json", root, name), out); err != nil {
				return st, err
			}
		}
		st.Stacks++
	}
	return st, nil
}

// rewrite gives a seed dashboard a fresh top-level uid (unique across the
// tree, as Grafana requires) and keeps everything else.
func rewrite(data []byte, uid string) ([]byte, error) {
	var d map[string]any
	if err := json.Unmarshal(data, &d); err != nil {
		return nil, err
	}
	d["uid"] = uid
	return json.MarshalIndent(d, "", "  ")
}
