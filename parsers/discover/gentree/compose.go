package gentree

// composeFiles are the files of GenerateStack's project other than its
// dashboards: a compose project with Grafana behind nginx on a sub-path,
// Live proxied as a WebSocket, and the two datasources the seed dashboards
// are rewritten against.
var composeFiles = []struct{ rel, content string }{
	{"docker-compose.yaml", `services:
  grafana:
    image: grafana/grafana:12.2.0
    volumes:
      - ./grafana/grafana.ini:/etc/grafana/grafana.ini:ro
      - ./grafana/provisioning:/etc/grafana/provisioning:ro
      - ./grafana/dashboards:/var/lib/grafana/dashboards:ro
  prometheus:
    image: prom/prometheus:v3.5.0
  loki:
    image: grafana/loki:3.5.0
  nginx:
    image: nginx:1.27
    ports:
      - "443:443"
    volumes:
      - ./nginx/nginx.conf:/etc/nginx/nginx.conf:ro
`},
	{"grafana/grafana.ini", `[server]
domain = grafana.example.com
root_url = https://grafana.example.com/grafana/
serve_from_sub_path = true

[live]
max_connections = 500
allowed_origins = https://grafana.example.com
`},
	{"grafana/provisioning/datasources/datasources.yaml", `apiVersion: 1
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
`},
	{"grafana/provisioning/dashboards/provider.yaml", `apiVersion: 1
providers:
  - name: generated
    options:
      path: /var/lib/grafana/dashboards
      foldersFromFilesStructure: true
`},
	{"nginx/nginx.conf", `events { worker_connections 1024; }
http {
  map $http_upgrade $connection_upgrade { default upgrade; '' close; }
  server {
    listen 443 ssl;
    server_name grafana.example.com;
    location /grafana/ {
      proxy_set_header Host $http_host;
      proxy_pass http://grafana:3000;
    }
    location /grafana/api/live/ {
      proxy_http_version 1.1;
      proxy_set_header Host $http_host;
      proxy_set_header Upgrade $http_upgrade;
      proxy_set_header Connection $connection_upgrade;
      proxy_pass http://grafana:3000;
    }
  }
}
`},
}
