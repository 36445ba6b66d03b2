package nginxsem

import (
	"strings"
	"testing"
)

func TestFrontsGrafana(t *testing.T) {
	cfg := load(t, `http {
upstream grafana_service { server prometheus:9090; }
upstream app { server web:8000; }
upstream gf { server 10.0.0.5:3000; }
map $host $target { default http://grafana-live:3000; other.example http://other:80; }
server { location / { proxy_pass http://grafana_service; } }
server { location / { proxy_pass http://app; } }
server { location / { proxy_pass http://gf; } }
server { location /a/ { proxy_pass http://127.0.0.1:3000/; } }
server { set $g http://grafana:3000; location /x/ { } location /y/ { location /y/z/ { proxy_pass $g; } } }
server { location / { proxy_pass $target; } }
server { location / { proxy_pass $http_x_backend; } }
server { location / { if ($x) { proxy_pass http://Grafana.internal; } } }
server { location / { proxy_pass http://10.1.1.1:8080; } }
}`)
	tests := []struct {
		srv    int
		hints  GrafanaHints
		loc    string
		reason string
	}{
		{0, GrafanaHints{}, "/", `upstream "grafana_service" is named like Grafana`},
		{1, GrafanaHints{}, "", ""},
		{1, GrafanaHints{Hosts: []string{"web"}}, "/", `upstream "app" has server "web:8000": host "web" is a configured Grafana address`},
		{1, GrafanaHints{Ports: []int{8000}}, "/", `upstream "app" has server "web:8000": port 8000 is the configured Grafana port`},
		{1, GrafanaHints{Hosts: []string{"app"}}, "/", `upstream "app" is a configured Grafana name`},
		{2, GrafanaHints{}, "/", `upstream "gf" has server "10.0.0.5:3000": port 3000 is Grafana's default`},
		{3, GrafanaHints{}, "/a/", `port 3000 is Grafana's default`},
		{4, GrafanaHints{}, "/y/z/", `host "grafana" is named like Grafana`},
		{5, GrafanaHints{}, "/", `host "grafana-live" is named like Grafana`},
		{6, GrafanaHints{}, "", ""},
		{7, GrafanaHints{}, "/", `host "Grafana.internal" is named like Grafana`},
		{8, GrafanaHints{}, "", ""},
		{8, GrafanaHints{Hosts: []string{"10.1.1.1:8080"}}, "/", `host "10.1.1.1" is a configured Grafana address`},
	}
	for _, tt := range tests {
		s := srv(t, cfg, tt.srv)
		l, ok := FrontsGrafana(cfg, s, tt.hints)
		if ok != (tt.loc != "") || (ok && locSpec(l) != tt.loc) {
			t.Errorf("server %d %+v: FrontsGrafana = %s, %v; want %q", tt.srv, tt.hints, locSpec(l), ok, tt.loc)
			continue
		}
		if !ok {
			continue
		}
		ps := New(cfg).GrafanaProxies(s, tt.hints)
		if ps[0].Reason != tt.reason {
			t.Errorf("server %d: reason %q, want %q", tt.srv, ps[0].Reason, tt.reason)
		}
		if !ps[0].Pos.IsValid() {
			t.Errorf("server %d: evidence without position", tt.srv)
		}
	}
	// The evidence of a variable target points at the set value.
	ps := New(cfg).GrafanaProxies(srv(t, cfg, 4), GrafanaHints{})
	if pos(ps[0].Pos) != "10:17" || ps[0].Target != "http://grafana:3000" {
		t.Errorf("set evidence at %s: %+v", pos(ps[0].Pos), ps[0])
	}
	if _, ok := FrontsGrafana(cfg, nil, GrafanaHints{}); ok {
		t.Error("nil server")
	}
}

func TestPublicOrigins(t *testing.T) {
	cfg := load(t, `http {
server { listen 443 ssl; listen [::]:443 ssl; listen 8443 ssl; server_name grafana.example.com *.example.org ~^re$ _; }
server { server_name localhost ""; }
server { listen 80; listen unix:/run/x.sock; server_name _; }
server { listen 127.0.0.1:3001; server_name g.example.com; }
}`)
	tests := []struct {
		srv  int
		want string
	}{
		{0, "https://grafana.example.com@2:76/2:17 https://grafana.example.com:8443@2:76/2:54 https://*.example.org@2:96/2:17 https://*.example.org:8443@2:96/2:54"},
		{1, "http://localhost@3:22/3:1"},
		{2, "http://@-/4:17"},
		{3, "http://g.example.com:3001@5:45/5:17"},
	}
	for _, tt := range tests {
		var got []string
		for _, o := range PublicOrigins(srv(t, cfg, tt.srv)) {
			got = append(got, o.String()+"@"+pos(o.HostPos)+"/"+pos(o.ListenPos))
		}
		if strings.Join(got, " ") != tt.want {
			t.Errorf("server %d: %q\nwant       %q", tt.srv, strings.Join(got, " "), tt.want)
		}
	}
	o := Origin{Scheme: "https", Host: "h", Port: 443}
	if !o.DefaultPort() || o.String() != "https://h" {
		t.Errorf("origin %v", o)
	}
	if PublicOrigins(nil) != nil {
		t.Error("nil server")
	}
}

func TestPlaceholderName(t *testing.T) {
	for in, want := range map[string]bool{
		"grafana.example.com": false, "[::1]": false, "[2001:db8::1]": false,
		"[your": true, "domain]": true, "[your-domain]": true, "<host>": true,
		"{{ domain }}": true, "${DOMAIN}": true, "{% if x %}": true, "_": false,
	} {
		if got := PlaceholderName(in); got != want {
			t.Errorf("PlaceholderName(%q) = %v, want %v", in, got, want)
		}
	}
}

func TestIsGrafanaOthers(t *testing.T) {
	h := GrafanaHints{
		Hosts:          []string{"grafana", "localhost:3001"},
		Others:         []string{"app", "grafana-image-renderer", "localhost:3000"},
		HostPorts:      []int{3001},
		HostPortsKnown: true,
	}
	for in, want := range map[string]bool{
		"grafana:3000":                true,
		"localhost:3001":              true,
		"localhost:3000":              false, // another service publishes it
		"127.0.0.1:3000":              false, // Grafana is published on 3001 only
		"app:3000":                    false, // compose says app is not Grafana
		"grafana-image-renderer:8081": false,
		"192.0.2.10:3000":             true, // an address compose does not know: port 3000
	} {
		if got := IsGrafana(in, h); got != want {
			t.Errorf("IsGrafana(%q) = %v, want %v", in, got, want)
		}
	}
}
