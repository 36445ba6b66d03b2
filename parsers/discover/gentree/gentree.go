// Package gentree builds large synthetic Grafana deployment trees from a
// folder of real dashboards, for benchmarks: each generated stack has a
// grafana.ini, datasource and dashboard provisioning, the seed dashboards
// (rewritten to reference the stack's datasources, with a fresh uid) and an
// nginx config in front of it. GenerateStack writes instead one docker
// compose project with any number of dashboards.
//
// The output is a function of the seed files and the options alone: the
// same call writes the same bytes, so findings on a generated tree can be
// pinned (cmd/grafanalint/pinned).
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

// Options say what GenerateWith writes.
type Options struct {
	// Stacks is the number of stacks, in folders site-000, site-001, …
	Stacks int
	// Dashboards is the number of dashboards in each stack; 0 means one
	// of each seed dashboard. With Dashboards > 0 the stacks take the
	// seeds in turn (stack i's dashboard k is seed (i×Dashboards+k) mod
	// the number of seeds), so 3,000 one-dashboard stacks still vary.
	Dashboards int
}

// Generate writes stacks stacks under dst using the *.json dashboards in
// seedDir (each stack gets every seed dashboard). dst must not exist or be
// empty.
func Generate(dst, seedDir string, stacks int) (Stats, error) {
	return GenerateWith(dst, seedDir, Options{Stacks: stacks})
}

// GenerateWith writes opts.Stacks stacks under dst using the *.json
// dashboards in seedDir. dst must not exist or be empty.
func GenerateWith(dst, seedDir string, opts Options) (Stats, error) {
	if opts.Stacks < 0 || opts.Dashboards < 0 {
		return Stats{}, fmt.Errorf("stacks (%d) and dashboards (%d) must not be negative", opts.Stacks, opts.Dashboards)
	}
	seeds, err := readSeeds(seedDir)
	if err != nil {
		return Stats{}, err
	}
	w := &writer{dst: dst}
	for i := 0; i < opts.Stacks; i++ {
		root := fmt.Sprintf("site-%03d", i)
		for rel, content := range stackFiles(i) {
			if err := w.write(root+"/"+rel, []byte(content)); err != nil {
				return w.st, err
			}
		}
		n := opts.Dashboards
		if n == 0 {
			n = len(seeds)
		}
		for k := 0; k < n; k++ {
			s, name, copyNo := seeds[k%len(seeds)], "", 0
			if opts.Dashboards == 0 {
				name = s.name
			} else {
				s = seeds[(i*opts.Dashboards+k)%len(seeds)]
				name, copyNo = fmt.Sprintf("%04d-%s", k, s.name), k/len(seeds)
			}
			uid := fmt.Sprintf("gen-%03d-%02d", i, k)
			out, err := rewrite(s.data, uid, copyNo)
			if err != nil {
				return w.st, fmt.Errorf("seed %q: %w", s.path, err)
			}
			if err := w.write(fmt.Sprintf("%s/grafana/provisioning/dashboards/%s.json", root, name), out); err != nil {
				return w.st, err
			}
		}
		w.st.Stacks++
	}
	return w.st, nil
}

// GenerateStack writes under dst one docker compose project loading n
// dashboards: docker-compose.yaml (Grafana, Prometheus, Loki, nginx),
// grafana/grafana.ini, datasource and dashboard provisioning, the
// dashboards under grafana/dashboards/team-NNN/ (50 a folder, provisioned
// with foldersFromFilesStructure) and nginx/nginx.conf serving Grafana on a
// sub-path with its Live WebSocket, so that every rule family has
// something to check. Dashboard k is seed k mod the number of seeds with
// the uid "stack-<k>" and, from the second round of seeds on, a title
// with its round appended. dst must not exist or be empty.
func GenerateStack(dst, seedDir string, n int) (Stats, error) {
	if n < 0 {
		return Stats{}, fmt.Errorf("dashboards must not be negative, got %d", n)
	}
	seeds, err := readSeeds(seedDir)
	if err != nil {
		return Stats{}, err
	}
	w := &writer{dst: dst}
	for _, f := range composeFiles {
		if err := w.write(f.rel, []byte(f.content)); err != nil {
			return w.st, err
		}
	}
	for k := 0; k < n; k++ {
		s := seeds[k%len(seeds)]
		out, err := rewrite(s.data, fmt.Sprintf("stack-%05d", k), k/len(seeds))
		if err != nil {
			return w.st, fmt.Errorf("seed %q: %w", s.path, err)
		}
		rel := fmt.Sprintf("grafana/dashboards/team-%03d/%05d-%s.json", k/50, k, s.name)
		if err := w.write(rel, out); err != nil {
			return w.st, err
		}
	}
	w.st.Stacks = 1
	return w.st, nil
}

// seed is one seed dashboard.
type seed struct {
	path, name string // name: the base name without .json
	data       []byte
}

// readSeeds reads the *.json files of dir in name order.
func readSeeds(dir string) ([]seed, error) {
	paths, err := filepath.Glob(filepath.Join(dir, "*.json"))
	if err != nil || len(paths) == 0 {
		return nil, fmt.Errorf("no seed dashboards in %q: pass a folder of dashboard JSON files", dir)
	}
	sort.Strings(paths)
	seeds := make([]seed, 0, len(paths))
	for _, p := range paths {
		b, err := os.ReadFile(p)
		if err != nil {
			return nil, err
		}
		seeds = append(seeds, seed{path: p, name: strings.TrimSuffix(filepath.Base(p), ".json"), data: b})
	}
	return seeds, nil
}

// writer writes files under dst and counts them.
type writer struct {
	dst  string
	st   Stats
	made map[string]bool
}

func (w *writer) write(rel string, data []byte) error {
	p := filepath.Join(w.dst, filepath.FromSlash(rel))
	if dir := filepath.Dir(p); !w.made[dir] {
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return err
		}
		if w.made == nil {
			w.made = map[string]bool{}
		}
		w.made[dir] = true
	}
	w.st.Files++
	w.st.Bytes += int64(len(data))
	return os.WriteFile(p, data, 0o644)
}

// rewrite gives a seed dashboard a fresh top-level uid (unique across the
// tree, as Grafana requires) and, for copy > 0, a title with " (copy
// <copy>)" appended (unique in its folder); it keeps everything else.
func rewrite(data []byte, uid string, copyNo int) ([]byte, error) {
	var d map[string]any
	if err := json.Unmarshal(data, &d); err != nil {
		return nil, err
	}
	d["uid"] = uid
	if t, ok := d["title"].(string); ok && copyNo > 0 {
		d["title"] = fmt.Sprintf("%s (copy %d)", t, copyNo)
	}
	return json.MarshalIndent(d, "", "  ")
}

// stackFiles returns the files of generated stack i other than its
// dashboards, by path relative to the stack's folder: grafana.ini,
// datasource and dashboard provisioning, and nginx.conf.
func stackFiles(i int) map[string]string {
	return map[string]string{
		"grafana/grafana.ini":                               fmt.Sprintf("[server]\ndomain = site%03d.example.com\nroot_url = https://site%03d.example.com/grafana/\nserve_from_sub_path = true\n\n[live]\nmax_connections = 200\nallowed_origins = https://site%03d.example.com\n", i, i, i),
		"grafana/provisioning/datasources/datasources.yaml": "apiVersion: 1\ndatasources:\n  - name: Prometheus\n    type: prometheus\n    uid: prometheus\n    url: http://prometheus:9090\n    isDefault: true\n  - name: Loki\n    type: loki\n    uid: loki\n    url: http://loki:3100\n",
		"grafana/provisioning/dashboards/provider.yaml":     "apiVersion: 1\nproviders:\n  - name: generated\n    options:\n      path: /etc/grafana/provisioning/dashboards\n",
		"nginx/nginx.conf":                                  fmt.Sprintf("events { worker_connections 1024; }\nhttp {\n  map $http_upgrade $connection_upgrade { default upgrade; '' close; }\n  server {\n    listen 443 ssl;\n    server_name site%03d.example.com;\n    location /grafana/ {\n      proxy_http_version 1.1;\n      proxy_set_header Host $http_host;\n      proxy_set_header Upgrade $http_upgrade;\n      proxy_set_header Connection $connection_upgrade;\n      proxy_pass http://grafana:3000;\n    }\n  }\n}\n", i),
	}
}
