package nginxsem

import (
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/grafanalint/grafanalint/parsers/corpustest"
	"github.com/grafanalint/grafanalint/parsers/model"
)

// describeWith describes every server of cfg through c alone: its Grafana
// proxies, the route of each golden URI and of each location's own path
// (and that path with "x" added or its last "/" removed), the headers and
// inherited values of the location chosen, at server level too.
func describeWith(c *Config, cfg *model.NginxConfig) string {
	var b strings.Builder
	for i, s := range cfg.Servers {
		fmt.Fprintf(&b, "server %d at %s\n", i, pos(s.Pos))
		for _, g := range c.GrafanaProxies(s, GrafanaHints{}) {
			fmt.Fprintf(&b, "  grafana %s: %s at %s\n", describeLocation(g.Location), g.Reason, pos(g.Pos))
		}
		uris := append(append([]string{}, goldenURIs...), "/re/x", "/CI/x", "/ci/x", "/x/api/live/ws", "/grafana/api/x", "/var/x", "/dyn/x", "/deep/a/b/c/x")
		var visit func([]*model.Location)
		visit = func(ls []*model.Location) {
			for _, l := range ls {
				if p := l.Path.V; strings.HasPrefix(p, "/") && !isRegex(l) {
					uris = append(uris, p, p+"x", strings.TrimSuffix(p, "/"))
				}
				visit(l.Nested)
			}
		}
		visit(s.Locations)
		for _, uri := range uris {
			r, err := c.Follow(s, uri)
			if err != nil {
				fmt.Fprintf(&b, "  %s: error %v\n", uri, err)
				continue
			}
			describeRoute(&b, uri, r)
			l := r.Location()
			for _, name := range []string{"Upgrade", "Connection", "Host", "X-Forwarded-For"} {
				h := c.Header(l, name)
				fmt.Fprintf(&b, "    %s: set %v dropped %v conditional %v default %s\n", name, dirs(h.Set), len(h.Dropped), dirs(h.Conditional), h.Default)
				for _, d := range h.Dropped {
					fmt.Fprintf(&b, "      dropped: %s\n", d)
				}
			}
			for _, name := range []string{"proxy_http_version", "proxy_read_timeout", "add_header", "allow", "rewrite", "merge_slashes"} {
				v := c.Effective(l, name)
				fmt.Fprintf(&b, "    %s: %v levels %d overridden %v dropped %d conditional %v\n", name, dirs(v.Directives), len(v.Levels), dirs(v.Overridden), len(v.Dropped), dirs(v.Conditional))
			}
		}
		for _, name := range []string{"proxy_set_header", "proxy_read_timeout", "merge_slashes"} {
			v := c.EffectiveServer(s, name)
			fmt.Fprintf(&b, "  server %s: %v overridden %v\n", name, dirs(v.Directives), dirs(v.Overridden))
		}
	}
	return b.String()
}

func dirs(ds []*model.Directive) []string {
	out := make([]string, len(ds))
	for i, d := range ds {
		out[i] = describeDirective(d) + "@" + pos(d.Pos())
	}
	return out
}

// indexedAndScanned describes cfg once with every block and level of
// locations indexed, once with everything scanned.
func indexedAndScanned(t *testing.T, cfg *model.NginxConfig) (indexed, scanned string) {
	t.Helper()
	defer func(n int) { smallBlock = n }(smallBlock)
	smallBlock = 0
	indexed = describeWith(New(cfg), cfg)
	smallBlock = 1 << 30
	scanned = describeWith(New(cfg), cfg)
	return indexed, scanned
}

// TestIndexAgreesWithScan checks that the indexes of large blocks and
// levels (index.go) give the answers a scan gives, on the testdata
// configs, the corpus and a config made to exercise every kind of
// location search and inheritance.
func TestIndexAgreesWithScan(t *testing.T) {
	cfgs := map[string]*model.NginxConfig{"synthetic": load(t, indexConf)}
	files, _ := filepath.Glob(filepath.Join("testdata", "*.conf"))
	for _, f := range files {
		cfgs[f] = loadFile(t, "testdata", filepath.Base(f))
	}
	if dir, ok := corpustest.Path("real"); ok {
		for _, rel := range corpusNginxFiles(t, dir) {
			if cfg := loadCorpusQuiet(dir, rel); cfg != nil {
				cfgs[rel] = cfg
			}
		}
	}
	for name, cfg := range cfgs {
		indexed, scanned := indexedAndScanned(t, cfg)
		if diff := cmp.Diff(scanned, indexed); diff != "" {
			t.Errorf("%s: indexed lookups differ from scans (-scan +index):\n%s", name, diff)
		}
	}
	if len(cfgs) < 5 {
		t.Errorf("only %d configs compared", len(cfgs))
	}
}

// indexConf has exact, prefix, ^~, regex, named and nested locations, one
// path written twice, auto-redirecting locations and inheritance through
// every kind of directive group.
const indexConf = `events {}
http {
    proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
    add_header X-Frame-Options DENY;
    allow 10.0.0.0/8;
    proxy_read_timeout 90s;
    map $http_upgrade $connection_upgrade { default upgrade; '' close; }
    upstream grafana { server grafana:3000; }
    server {
        listen 80;
        server_name a.example.com;
        proxy_set_header Host $host;
        add_header_inherit merge;
        deny all;
        location = / { return 302 /grafana/; }
        location = /exact { proxy_pass http://grafana; }
        location = /exact/ { proxy_pass http://grafana; }
        location /grafana/ {
            proxy_set_header Host $http_host;
            proxy_pass http://grafana;
            location /grafana/api/live/ {
                proxy_http_version 1.1;
                proxy_set_header Upgrade $http_upgrade;
                proxy_set_header Connection $connection_upgrade;
                proxy_pass http://grafana;
            }
            location ~ ^/grafana/public/ { add_header Cache-Control public; proxy_pass http://grafana; }
        }
        location /grafana/ { return 404; }
        location ^~ /static/ { root /srv; }
        location /api/ { proxy_pass http://grafana:3000; }
        location /api { return 418; }
        location /redir/ { proxy_pass http://grafana; }
        location ~* \.(png|css)$ { expires 7d; }
        location ~ ^/api/live/(?<rest>.*)$ {
            if ($http_upgrade) { proxy_set_header Upgrade $http_upgrade; add_header X-Live 1; }
            proxy_pass http://grafana;
        }
        location @fallback { proxy_pass http://grafana; }
        location /try/ { try_files $uri @fallback; }
        location "" { return 200; }
        location /a/ { location /a/b/ { location /a/b/c/ { add_header_inherit off; add_header X-C 1; proxy_read_timeout 5s; } } }
        location /merge/ { merge_slashes off; }
        location ~ ^/re/(.*)$ { proxy_pass http://grafana:3000/$1; }
        location ~* ^/CI/ { return 403; }
        location ~ /api/live/ws$ { return 410; }
        location ~ ^/grafana/api/(?=live) { return 410; }
        location ~ ^/re/x { return 409; }
        location ~ ^/deep/(?<d>[a-z])/ { location ~ ^/deep/a/b/ { location ~ /c/ { proxy_pass http://grafana; } } }
        set $backend grafana:3000;
        if ($http_x) { set $backend other:3000; }
        location /var/ { proxy_pass http://$backend; }
        location /dyn/ { proxy_pass http://$dyn; }
    }
    map $host $dyn { default grafana:3000; a.example.com other:80; }
    server {
        listen 81;
        merge_slashes off;
        rewrite ^/old/(.*)$ /grafana/$1 last;
        location / { proxy_pass http://grafana; }
    }
}
`
