// Package genvhosts writes synthetic nginx trees with many vhost files, for
// benchmarks of nginx loading and analysis: one nginx.conf whose http block
// includes a directory of vhosts (Debian's sites-enabled/* with symbolic
// links to sites-available/, or conf.d/*.conf), shared snippets, and a
// Grafana stack (grafana.ini, datasource provisioning) beside it.
//
// The vhosts are written the way real ones are and vary with their index:
// Grafana behind a sub-path with its Live location and an upstream block,
// other applications behind upstreams with maps, regex and named
// locations, PHP sites, static sites with redirect maps and server-level
// if, and API gateways with nested locations. Some Grafana vhosts carry
// the mistakes the proxy rules report (a missing Connection header, a
// short proxy_read_timeout, a misspelt variable, a repeated header, a port
// on an upstream name), so that findings are produced at every size.
package genvhosts

import (
	"fmt"
	"os"
	"path/filepath"
)

// Layout says how nginx.conf reaches the vhost files.
type Layout string

// Layouts.
const (
	// SitesEnabled is Debian's: "include /etc/nginx/sites-enabled/*;",
	// each sites-enabled/<name> a symbolic link to ../sites-available/<name>.
	SitesEnabled Layout = "sites-enabled"
	// ConfD is the nginx image's: "include /etc/nginx/conf.d/*.conf;".
	ConfD Layout = "conf.d"
	// Fragments is conf.d/*.conf without nginx.conf (the image's own
	// includes them): every vhost is a configuration of its own, a
	// fragment, and the http-level settings (the Connection map) sit in
	// conf.d/00-http.conf.
	Fragments Layout = "fragments"
)

// Options say what to generate.
type Options struct {
	// Vhosts is the number of vhost files.
	Vhosts int
	// Layout is SitesEnabled (the default, "") or ConfD.
	Layout Layout
}

// Stats describe a generated tree.
type Stats struct {
	// Vhosts is the number of vhost files, Grafana how many of them proxy
	// to Grafana.
	Vhosts, Grafana int
	// Files counts the files written (links not included), Bytes their
	// size.
	Files int
	Bytes int64
}

// Generate writes a tree with opts.Vhosts vhost files under dst, which
// must not exist or be empty: grafana/grafana.ini, grafana/provisioning/
// datasources/datasources.yaml, nginx/nginx.conf (conf.d/00-http.conf
// for Fragments), nginx/snippets/*.conf, nginx/conf.d/gzip.conf and the
// vhosts.
func Generate(dst string, opts Options) (Stats, error) {
	if opts.Vhosts < 0 {
		return Stats{}, fmt.Errorf("vhosts must not be negative, got %d", opts.Vhosts)
	}
	layout := opts.Layout
	if layout == "" {
		layout = SitesEnabled
	}
	if layout != SitesEnabled && layout != ConfD && layout != Fragments {
		return Stats{}, fmt.Errorf("unknown layout %q: use %q, %q or %q", layout, SitesEnabled, ConfD, Fragments)
	}
	if ents, err := os.ReadDir(dst); err == nil && len(ents) > 0 {
		return Stats{}, fmt.Errorf("%q is not empty", dst)
	}
	st := Stats{Vhosts: opts.Vhosts}
	made := map[string]bool{}
	write := func(rel, content string) error {
		p := filepath.Join(dst, filepath.FromSlash(rel))
		if dir := filepath.Dir(p); !made[dir] {
			if err := os.MkdirAll(dir, 0o755); err != nil {
				return err
			}
			made[dir] = true
		}
		st.Files++
		st.Bytes += int64(len(content))
		return os.WriteFile(p, []byte(content), 0o644)
	}
	include := "include /etc/nginx/sites-enabled/*;"
	if layout == ConfD {
		include = "# vhosts are in conf.d"
	}
	main := struct{ rel, content string }{"nginx/nginx.conf", fmt.Sprintf(nginxConf, include)}
	if layout == Fragments {
		main = struct{ rel, content string }{"nginx/conf.d/00-http.conf", httpConf}
	}
	fixed := []struct{ rel, content string }{
		{"grafana/grafana.ini", grafanaIni},
		{"grafana/provisioning/datasources/datasources.yaml", datasources},
		main,
		{"nginx/conf.d/gzip.conf", gzipConf},
		{"nginx/snippets/ssl.conf", sslConf},
		{"nginx/snippets/proxy-headers.conf", proxyHeaders},
		{"nginx/snippets/websocket.conf", websocketConf},
	}
	for _, f := range fixed {
		if err := write(f.rel, f.content); err != nil {
			return st, err
		}
	}
	for i := 0; i < opts.Vhosts; i++ {
		content, grafana := Vhost(i)
		if grafana {
			st.Grafana++
		}
		name := fmt.Sprintf("site-%05d", i)
		if layout != SitesEnabled {
			if err := write("nginx/conf.d/"+name+".conf", content); err != nil {
				return st, err
			}
			continue
		}
		if err := write("nginx/sites-available/"+name, content); err != nil {
			return st, err
		}
		link := filepath.Join(dst, "nginx", "sites-enabled", name)
		if dir := filepath.Dir(link); !made[dir] {
			if err := os.MkdirAll(dir, 0o755); err != nil {
				return st, err
			}
			made[dir] = true
		}
		if err := os.Symlink(filepath.Join("..", "sites-available", name), link); err != nil {
			return st, err
		}
	}
	return st, nil
}

// Vhost returns the text of vhost i and whether it proxies to Grafana.
func Vhost(i int) (string, bool) {
	a, b := (i/250)%250+1, i%250+1 // addresses 10.a.b.x of its backends
	switch i % 10 {
	case 0, 1, 2, 3:
		return grafanaVhost(i, a, b), true
	case 4, 5:
		return fmt.Sprintf(appVhost, i, i, a, b, a, b, i, i, i, i, i, i, i, i, i, i, i, i), false
	case 6, 7:
		return fmt.Sprintf(phpVhost, i, i, i, i), false
	case 8:
		return fmt.Sprintf(staticVhost, i, i, i, i, i, i, i), false
	}
	return fmt.Sprintf(apiVhost, i, i, a, b, i, i, i, i, i, i), false
}

// grafanaVhost is a Grafana vhost; one in eight of each mistake.
func grafanaVhost(i, a, b int) string {
	const host = "        proxy_set_header Host $host;\n"
	serverExtra, pageExtra, live, pass := "", "", "        include snippets/websocket.conf;\n"+host, fmt.Sprintf("http://grafana_%05d", i)
	switch (i / 10) % 8 {
	case 1: // Live without Connection and proxy_http_version
		live = "        proxy_set_header Upgrade $http_upgrade;\n" + host
	case 2: // a short read timeout, inherited by the Live location
		serverExtra = "    proxy_read_timeout 15s;\n"
		live = "        proxy_http_version 1.1;\n        proxy_set_header Upgrade $http_upgrade;\n        proxy_set_header Connection $connection_upgrade;\n" + host
	case 3: // a misspelt variable (nginx refuses to start)
		//nolint:misspell // the misspelt variable is the mistake this vhost carries
		live = "        proxy_http_version 1.1;\n        proxy_set_header Upgrade $http_upgrade;\n        proxy_set_header Connection $conection_upgrade;\n" + host
	case 4: // Host set twice in one block
		pageExtra = host
	case 5: // a port on an upstream name (nginx refuses to start)
		pass += ":3000"
	case 6: // the upstream's name as Host (Grafana's CSRF check fails)
		live = "        include snippets/websocket.conf;\n        proxy_set_header Host $proxy_host;\n"
	}
	return fmt.Sprintf(grafanaTmpl, i, i, i, a, b, a, b, i, i, serverExtra, i, i, i, pageExtra, pass, live, pass, i)
}

const grafanaIni = `[server]
domain = g00000.example.com
root_url = https://%(domain)s/grafana/
serve_from_sub_path = true

[live]
max_connections = 1000
allowed_origins = https://*.example.com
`

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

const nginxConf = `user www-data;
worker_processes auto;
pid /run/nginx.pid;

events {
    worker_connections 4096;
}

http {
    include mime.types;
    default_type application/octet-stream;
    sendfile on;
    tcp_nopush on;
    keepalive_timeout 65;
    server_tokens off;
    client_max_body_size 20m;

    log_format main '$remote_addr - $remote_user [$time_local] "$request" '
                    '$status $body_bytes_sent "$http_referer" "$http_user_agent"';
    access_log /var/log/nginx/access.log main;

    limit_req_zone $binary_remote_addr zone=api:10m rate=10r/s;

    map $http_upgrade $connection_upgrade {
        default upgrade;
        ''      close;
    }

    proxy_set_header X-Request-ID $request_id;

    include /etc/nginx/conf.d/*.conf;
    %s
}
`

// httpConf is the http-level part of nginxConf, for Fragments.
const httpConf = `log_format main '$remote_addr - $remote_user [$time_local] "$request" '
                '$status $body_bytes_sent "$http_referer" "$http_user_agent"';

limit_req_zone $binary_remote_addr zone=api:10m rate=10r/s;

map $http_upgrade $connection_upgrade {
    default upgrade;
    ''      close;
}
`

const gzipConf = `gzip on;
gzip_vary on;
gzip_proxied any;
gzip_types text/plain text/css application/json application/javascript image/svg+xml;
`

const sslConf = `ssl_protocols TLSv1.2 TLSv1.3;
ssl_prefer_server_ciphers off;
ssl_session_cache shared:SSL:10m;
ssl_session_timeout 1d;
`

const proxyHeaders = `proxy_set_header Host $host;
proxy_set_header X-Real-IP $remote_addr;
proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
proxy_set_header X-Forwarded-Proto $scheme;
`

const websocketConf = `proxy_http_version 1.1;
proxy_set_header Upgrade $http_upgrade;
proxy_set_header Connection $connection_upgrade;
proxy_read_timeout 3600s;
`

const grafanaTmpl = `# vhost %05d: Grafana for team %d
upstream grafana_%05d {
    server 10.%d.%d.10:3000;
    server 10.%d.%d.11:3000 backup;
    keepalive 16;
}

server {
    listen 80;
    server_name g%05d.example.com;
    return 301 https://$host$request_uri;
}

server {
    listen 443 ssl;
    server_name g%05d.example.com;
    include snippets/ssl.conf;
%s    ssl_certificate /etc/ssl/g%05d.crt;
    ssl_certificate_key /etc/ssl/g%05d.key;
    access_log /var/log/nginx/g%05d.access.log main;

    location = / {
        return 302 /grafana/;
    }

    location /grafana/ {
        include snippets/proxy-headers.conf;
%s        proxy_pass %s;
    }

    location /grafana/api/live/ {
%s        proxy_pass %s;
    }

    location ~* ^/grafana/public/.+\.(js|css|png|svg|woff2)$ {
        include snippets/proxy-headers.conf;
        expires 7d;
        proxy_pass http://grafana_%05d;
    }
}
`

const appVhost = `# vhost %05d: application
upstream app_%05d {
    server 10.%d.%d.20:8080;
    server 10.%d.%d.21:8080 backup;
}

map $http_accept_language $lang_%05d {
    default en;
    ~^de    de;
    ~^fr    fr;
    ~^es    es;
}

server {
    listen 443 ssl;
    server_name app%05d.example.com www.app%05d.example.com;
    include snippets/ssl.conf;
    ssl_certificate /etc/ssl/app%05d.crt;
    ssl_certificate_key /etc/ssl/app%05d.key;
    root /srv/app%05d/public;

    location / {
        include snippets/proxy-headers.conf;
        proxy_set_header Accept-Language $lang_%05d;
        proxy_pass http://app_%05d;
    }

    location /static/ {
        alias /srv/app%05d/static/;
        expires 30d;
    }

    location ~* \.(png|jpe?g|gif|ico|css|js)$ {
        expires 30d;
        add_header Cache-Control "public";
        try_files $uri @app%05d;
    }

    location @app%05d {
        proxy_pass http://app_%05d;
    }

    location = /health {
        access_log off;
        return 200 "ok\n";
    }
}
`

const phpVhost = `# vhost %05d: PHP site
server {
    listen 80;
    server_name php%05d.example.com;
    root /var/www/php%05d;
    index index.php index.html;
    access_log /var/log/nginx/php%05d.access.log main;

    location / {
        try_files $uri $uri/ /index.php?$args;
    }

    location ~ \.php$ {
        include fastcgi_params;
        fastcgi_param SCRIPT_FILENAME $document_root$fastcgi_script_name;
        fastcgi_pass unix:/run/php/php8.2-fpm.sock;
    }

    location ~ /\.ht {
        deny all;
    }
}
`

const staticVhost = `# vhost %05d: static site
map $request_uri $redirect_%05d {
    default          "";
    /old-%05d/       /new/;
    /blog/2019/      /blog/;
    /about-us        /about;
    ~^/docs/v1/(.*)$ /docs/v2/$1;
}

server {
    listen 80;
    server_name static%05d.example.com;
    root /var/www/static%05d;

    if ($redirect_%05d) {
        return 301 $redirect_%05d;
    }

    location / {
        try_files $uri $uri/ =404;
    }

    location /downloads/ {
        autoindex on;
    }
}
`

const apiVhost = `# vhost %05d: API gateway
upstream api_%05d {
    server 10.%d.%d.30:9000;
}

server {
    listen 443 ssl;
    server_name api%05d.example.com;
    include snippets/ssl.conf;
    ssl_certificate /etc/ssl/api%05d.crt;
    ssl_certificate_key /etc/ssl/api%05d.key;
    limit_req zone=api burst=20;

    location /api/ {
        include snippets/proxy-headers.conf;
        location /api/v1/ {
            proxy_pass http://api_%05d/v1/;
        }
        location ~ ^/api/v2/(?<rest>.*)$ {
            proxy_pass http://api_%05d/v2/$rest;
        }
        proxy_pass http://api_%05d;
    }

    location /metrics {
        allow 10.0.0.0/8;
        deny all;
        proxy_pass http://127.0.0.1:9100;
    }
}
`
