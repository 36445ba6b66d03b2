// Package benchtree writes two synthetic repositories that deploy the
// same Grafanas, for benchmarks that compare the cost of linting a
// Kubernetes repository with that of a docker-compose one: each stack has
// a grafana.ini, two datasources, a dashboard provider, the seed
// dashboards and a proxy. The compose tree holds them as files mounted by
// a compose service (and an nginx config); the Kubernetes tree as grafana
// chart values (with an ingress-nginx Ingress) and one ConfigMap per
// dashboard, labelled for the chart's sidecar.
package benchtree

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

// Kind selects the repository layout.
type Kind int

// Layouts.
const (
	Compose Kind = iota
	Kubernetes
)

// Generate writes stacks stacks of the given kind under dst from the
// *.json dashboards of seedDir.
func Generate(dst, seedDir string, stacks int, kind Kind) (Stats, error) {
	seeds, err := filepath.Glob(filepath.Join(seedDir, "*.json"))
	if err != nil || len(seeds) == 0 {
		return Stats{}, fmt.Errorf("no seed dashboards in %q", seedDir)
	}
	sort.Strings(seeds)
	var st Stats
	write := func(rel, data string) error {
		p := filepath.Join(dst, filepath.FromSlash(rel))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			return err
		}
		st.Files++
		st.Bytes += int64(len(data))
		return os.WriteFile(p, []byte(data), 0o644)
	}
	for i := range stacks {
		root := fmt.Sprintf("site-%03d", i)
		host := fmt.Sprintf("site%03d.example.com", i)
		var files map[string]string
		if kind == Compose {
			files = composeFiles(host)
		} else {
			files = k8sFiles(host, i)
		}
		for rel, c := range files {
			if err := write(root+"/"+rel, c); err != nil {
				return st, err
			}
		}
		for j, s := range seeds {
			data, err := os.ReadFile(s)
			if err != nil {
				return st, err
			}
			var d map[string]any
			if err := json.Unmarshal(data, &d); err != nil {
				return st, fmt.Errorf("seed %q: %w", s, err)
			}
			d["uid"] = fmt.Sprintf("gen-%03d-%02d", i, j)
			out, err := json.MarshalIndent(d, "", "  ")
			if err != nil {
				return st, err
			}
			name := strings.TrimSuffix(filepath.Base(s), ".json")
			if kind == Compose {
				err = write(fmt.Sprintf("%s/grafana/dashboards/%s.json", root, name), string(out))
			} else {
				err = write(fmt.Sprintf("%s/dashboards/%s.yaml", root, name), configMap(name, string(out)))
			}
			if err != nil {
				return st, err
			}
		}
		st.Stacks++
	}
	return st, nil
}

const datasources = `apiVersion: 1
datasources:
  - name: Prometheus
    type: prometheus
    uid: prometheus
    url: http://prometheus:9090
    isDefault: true
  - name: Loki
    type: loki
    uid: loki
    url: http://loki:3100
`

func composeFiles(host string) map[string]string {
	return map[string]string{
		"docker-compose.yml": "services:\n  grafana:\n    image: grafana/grafana:12.0.0\n    volumes:\n      - ./grafana/grafana.ini:/etc/grafana/grafana.ini\n" +
			"      - ./grafana/provisioning:/etc/grafana/provisioning\n      - ./grafana/dashboards:/var/lib/grafana/dashboards\n  nginx:\n    image: nginx:1.27\n" +
			"    volumes:\n      - ./nginx/nginx.conf:/etc/nginx/nginx.conf\n",
		"grafana/grafana.ini":                               fmt.Sprintf("[server]\ndomain = %s\nroot_url = https://%s/grafana/\nserve_from_sub_path = true\n\n[live]\nmax_connections = 200\n", host, host),
		"grafana/provisioning/datasources/datasources.yaml": datasources,
		"grafana/provisioning/dashboards/provider.yaml":     "apiVersion: 1\nproviders:\n  - name: generated\n    options:\n      path: /var/lib/grafana/dashboards\n",
		"nginx/nginx.conf": fmt.Sprintf("events { worker_connections 1024; }\nhttp {\n  map $http_upgrade $connection_upgrade { default upgrade; '' close; }\n  server {\n    listen 443 ssl;\n    server_name %s;\n"+
			"    location /grafana/ {\n      proxy_http_version 1.1;\n      proxy_set_header Host $http_host;\n      proxy_set_header Upgrade $http_upgrade;\n      proxy_set_header Connection $connection_upgrade;\n      proxy_pass http://grafana:3000;\n    }\n  }\n}\n", host),
	}
}

func k8sFiles(host string, i int) map[string]string {
	values := fmt.Sprintf(`image:
  tag: 12.0.0
grafana.ini:
  server:
    root_url: https://%s/grafana/
    serve_from_sub_path: true
  live:
    max_connections: 200
datasources:
  datasources.yaml:
%s
sidecar:
  dashboards:
    enabled: true
    label: grafana_dashboard
    labelValue: "1"
ingress:
  enabled: true
  ingressClassName: nginx
  path: /grafana
  hosts:
    - %s
  tls:
    - secretName: grafana-tls
      hosts:
        - %s
`, host, indent(datasources, 4), host, host)
	return map[string]string{
		"values.yaml":        values,
		"kustomization.yaml": fmt.Sprintf("apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nnamespace: site-%03d\n", i),
		"namespace.yaml":     fmt.Sprintf("apiVersion: v1\nkind: Namespace\nmetadata:\n  name: site-%03d\n", i),
		"README.md":          "generated\n",
	}
}

func configMap(name, dashboard string) string {
	return "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: " + name + "\n  labels:\n    grafana_dashboard: \"1\"\ndata:\n  " + name + ".json: |\n" + indent(dashboard, 4) + "\n"
}

func indent(s string, n int) string {
	pad := strings.Repeat(" ", n)
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	for i, l := range lines {
		if l != "" {
			lines[i] = pad + l
		}
	}
	return strings.Join(lines, "\n")
}
