package fronting

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/grafanalint/grafanalint/parsers/model"
	"github.com/grafanalint/grafanalint/parsers/nginx"
)

func settings(kv ...string) *model.Settings {
	s := &model.Settings{Sections: map[string]map[string]*model.Setting{}}
	for i := 0; i+3 <= len(kv); i += 3 {
		sec, key, val := kv[i], kv[i+1], kv[i+2]
		if s.Sections[sec] == nil {
			s.Sections[sec] = map[string]*model.Setting{}
		}
		s.Sections[sec][key] = &model.Setting{Section: sec, Key: key, Value: val, Source: model.Source{Kind: model.SourceFile}}
	}
	return s
}

func TestReadGrafana(t *testing.T) {
	tests := []struct {
		name                 string
		s                    *model.Settings
		sub                  string
		subKnown, originKnow bool
		origin               string
		explicit, sfsp       bool
	}{
		{"defaults", &model.Settings{}, "", true, true, "http://localhost:3000", false, false},
		{"sub-path", settings("server", "root_url", "https://example.com/grafana/", "server", "serve_from_sub_path", "true"), "/grafana", true, true, "https://example.com", true, true},
		{"no trailing slash", settings("server", "root_url", "http://localhost:3000/grafana"), "/grafana", true, true, "http://localhost:3000", true, false},
		{"placeholder host keeps the path", settings("server", "root_url", "http://${MY_HOST:-localhost}:${PORT}/grafana/"), "/grafana", true, false, "", true, false},
		{"template placeholder", settings("server", "root_url", "http://<host IP address>:3000/grafana/"), "/grafana", true, false, "", true, false},
		{"unparsable", settings("server", "root_url", "{http://{url}/}"), "", false, false, "", true, false},
		{"no scheme", settings("server", "root_url", "grafana.example.com"), "", false, false, "", true, false},
		{"default port written", settings("server", "root_url", "https://Grafana.Example.com:443/"), "", true, true, "https://grafana.example.com", true, false},
		{"bad boolean", settings("server", "serve_from_sub_path", "maybe"), "", true, true, "http://localhost:3000", false, false},
	}
	for _, tt := range tests {
		g := ReadGrafana(tt.s)
		if g.SubPath != tt.sub || g.SubPathKnown != tt.subKnown || g.OriginKnown != tt.originKnow || g.Explicit != tt.explicit || g.ServeFromSubPath != tt.sfsp {
			t.Errorf("%s: got sub %q/%v origin known %v explicit %v sfsp %v", tt.name, g.SubPath, g.SubPathKnown, g.OriginKnown, g.Explicit, g.ServeFromSubPath)
		}
		if tt.originKnow && g.Origin() != tt.origin {
			t.Errorf("%s: origin %q, want %q", tt.name, g.Origin(), tt.origin)
		}
	}
	g := ReadGrafana(settings("live", "max_connections", "abc", "server", "http_port", "3001", "security", "csrf_trusted_origins", "a.example b.example"))
	if g.MaxConnections != 100 || g.HTTPPort != 3001 || len(g.CSRFTrusted) != 2 {
		t.Errorf("fallbacks: max %d port %d trusted %v", g.MaxConnections, g.HTTPPort, g.CSRFTrusted)
	}
}

func TestPublishedPort(t *testing.T) {
	for in, want := range map[string]int{
		"3000:3000":           3000,
		"127.0.0.1:8889:3000": 8889,
		"${GRAFANA_PUBLISH:-127.0.0.1:8889}:3000": 8889,
		"8889:3000/tcp": 8889,
		"3000":          0,
		"${PORT}:3000":  0,
	} {
		if got := publishedPort(in); got != want {
			t.Errorf("publishedPort(%q) = %d, want %d", in, got, want)
		}
	}
}

func TestHarmlessInclude(t *testing.T) {
	for in, want := range map[string]bool{
		"/etc/nginx/mime.types":                      true,
		"uwsgi_params":                               true,
		"proxy_params":                               false,
		"/etc/letsencrypt/options-ssl-nginx.conf":    true,
		"/etc/nginx/snippets/grafana-websocket.conf": false,
	} {
		if got := harmlessInclude(in); got != want {
			t.Errorf("harmlessInclude(%q) = %v, want %v", in, got, want)
		}
	}
}

// analyze loads an nginx config written to a temporary file and analyzes
// it as the only nginx config of a stack with the given settings.
func analyze(t *testing.T, conf string, s *model.Settings) *Analysis {
	t.Helper()
	dir := t.TempDir()
	p := filepath.Join(dir, "nginx.conf")
	if err := os.WriteFile(p, []byte(conf), 0o644); err != nil {
		t.Fatal(err)
	}
	cfg, _ := nginx.Load(p, nginx.Options{Root: dir})
	return Analyze(&model.Stack{Settings: s, Nginx: []*model.NginxConfig{cfg}, HasNginx: true})
}

func TestAnalyzeVerdicts(t *testing.T) {
	wrap := func(server string) string {
		return "events {}\nhttp {\n  server {\n    listen 80;\n    server_name g.example.com;\n" + server + "  }\n}\n"
	}
	tests := []struct {
		name     string
		conf     string
		s        *model.Settings
		fronting int
		verdict  Verdict
		upstream string
		incompl  bool
	}{
		{"reaches", wrap("    location / { proxy_pass http://grafana:3000; }\n"), &model.Settings{}, 1, Reaches, "/api/live/ws", false},
		{"uri part", wrap("    location /api/live { proxy_pass http://grafana:3000/; }\n"), &model.Settings{}, 1, Reaches, "//ws", false},
		{"blocked", wrap("    location = /api/live/ws { return 404; }\n    location / { proxy_pass http://grafana:3000; }\n"), &model.Settings{}, 1, Blocked, "", false},
		{"denied", wrap("    location /api/live/ { deny all; proxy_pass http://grafana:3000; }\n    location / { proxy_pass http://grafana:3000; }\n"), &model.Settings{}, 1, Blocked, "", false},
		{"https redirect", wrap("    location = /api/health { proxy_pass http://grafana:3000; }\n    location / { return 301 https://$host$request_uri; }\n"), &model.Settings{}, 1, Redirected, "", false},
		{"static", wrap("    location / { root /srv; }\n    location /grafana/ { proxy_pass http://grafana:3000/; }\n"), &model.Settings{}, 1, Elsewhere, "", false},
		{"another app", wrap("    location / { proxy_pass http://app:8000; }\n    location /grafana/ { proxy_pass http://grafana:3000/; }\n"), &model.Settings{}, 1, Elsewhere, "", false},
		{"sub-path", wrap("    location /grafana/ { proxy_pass http://grafana:3000/; }\n"), settings("server", "root_url", "https://g.example.com/grafana/"), 1, Reaches, "/api/live/ws", false},
		{"unknown sub-path", wrap("    location / { proxy_pass http://grafana:3000; }\n"), settings("server", "root_url", "{x}"), 1, Unknown, "", false},
		{"not grafana", wrap("    location / { proxy_pass http://app:8000; }\n"), &model.Settings{}, 0, Unknown, "", false},
		{"include not found", wrap("    location / { include snippets/ws.conf; proxy_pass http://grafana:3000; }\n"), &model.Settings{}, 1, Reaches, "/api/live/ws", true},
		{"proxy_params assumed", wrap("    location / { include proxy_params; proxy_pass http://grafana:3000; }\n"), &model.Settings{}, 1, Reaches, "/api/live/ws", false},
		{"/etc/nginx/proxy_params assumed", wrap("    location / { include /etc/nginx/proxy_params; proxy_pass http://grafana:3000; }\n"), &model.Settings{}, 1, Reaches, "/api/live/ws", false},
		{"mime.types not found", "events {}\nhttp {\n  include mime.types;\n  server {\n    location / { proxy_pass http://grafana:3000; }\n  }\n}\n", &model.Settings{}, 1, Reaches, "/api/live/ws", false},
	}
	for _, tt := range tests {
		a := analyze(t, tt.conf, tt.s)
		if len(a.Servers) != tt.fronting {
			t.Errorf("%s: %d fronting servers, want %d", tt.name, len(a.Servers), tt.fronting)
			continue
		}
		if tt.fronting == 0 {
			continue
		}
		s := a.Servers[0]
		if s.Live.Verdict != tt.verdict || s.Live.Upstream != tt.upstream {
			t.Errorf("%s: verdict %d upstream %q, want %d %q", tt.name, s.Live.Verdict, s.Live.Upstream, tt.verdict, tt.upstream)
		}
		if got := s.Config.Incomplete(s.Live.Location, s.Server); got != tt.incompl {
			t.Errorf("%s: Incomplete = %v, want %v", tt.name, got, tt.incompl)
		}
	}
}

func TestHints(t *testing.T) {
	a := analyze(t, "events {}\nhttp {\n  server {\n    location / { proxy_pass http://host.docker.internal:8000; }\n  }\n}\n", &model.Settings{})
	if len(a.Servers) != 0 {
		t.Fatal("port 8000 is not Grafana without a hint")
	}
	st := a.Stack
	st.GrafanaPorts = []string{"8000:3000"}
	if b := Analyze(st); len(b.Servers) != 1 {
		t.Errorf("a published port reached through the host gateway is Grafana: %d servers", len(b.Servers))
	}
	st.GrafanaPorts = nil
	st.Settings = settings("server", "http_port", "8000")
	if b := Analyze(st); len(b.Servers) != 1 {
		t.Errorf("http_port 8000 is Grafana: %d servers", len(b.Servers))
	}
}

func TestPortMapping(t *testing.T) {
	tests := []struct {
		in              string
		host, container int
		ok              bool
	}{
		{"8080:80", 8080, 80, true},
		{"127.0.0.1:8443:443/tcp", 8443, 443, true},
		{"${HTTP_PORT:-8080}:80", 8080, 80, true},
		{"80", 0, 0, false},
		{"8000-8010:80-90", 0, 0, false},
		{"${PORT}:80", 0, 0, false},
	}
	for _, tt := range tests {
		h, c, ok := portMapping(tt.in)
		if h != tt.host || c != tt.container || ok != tt.ok {
			t.Errorf("portMapping(%q) = %d, %d, %v; want %d, %d, %v", tt.in, h, c, ok, tt.host, tt.container, tt.ok)
		}
	}
}

func TestNginxPublished(t *testing.T) {
	st := &model.Stack{OtherServices: []model.Service{
		{Name: "app", Image: "node:20", Ports: []string{"3000:3000"}},
		{Name: "proxy", Image: "nginxinc/nginx-unprivileged:1.27", Ports: []string{"443:8443", "80:8080"}},
	}}
	m, ok := nginxPublished(st)
	if !ok || len(m[8443]) != 1 || m[8443][0] != 443 || m[8080][0] != 80 {
		t.Errorf("nginxPublished = %v, %v", m, ok)
	}
	st.OtherServices = append(st.OtherServices, model.Service{Name: "nginx", Image: "nginx", Ports: []string{"8443:443"}})
	if _, ok := nginxPublished(st); ok {
		t.Error("two nginx services that disagree: the mapping is not known")
	}
	if _, ok := nginxPublished(&model.Stack{OtherServices: []model.Service{{Name: "nginx", Image: "nginx"}}}); ok {
		t.Error("an nginx service without ports (network_mode: host) gives no mapping")
	}
}

func TestLocationSubPath(t *testing.T) {
	loc := func(mod, p string) *model.Location {
		return &model.Location{Modifier: mod, Path: model.Str{V: p}}
	}
	tests := []struct {
		l   *model.Location
		sub string
		ok  bool
	}{
		{loc("", "/"), "", true},
		{loc("", "/grafana/"), "/grafana", true},
		{loc("", "/grafana"), "/grafana", true},
		{loc("^~", "/monitoring/grafana/api/live/"), "/monitoring/grafana", true},
		{loc("", "/grafana/public/"), "/grafana", true},
		{loc("", "/public/"), "", true},
		{loc("", "/api/"), "", true},
		{loc("=", "/grafana/api/live/ws"), "/grafana", true},
		{loc("=", "/grafana/"), "", false},
		{loc("~", "^/grafana/"), "", false},
		{loc("@", "@grafana"), "", false},
		{loc("", "/${PREFIX}/"), "", false},
	}
	for _, tt := range tests {
		sub, ok := LocationSubPath(tt.l)
		if sub != tt.sub || ok != tt.ok {
			t.Errorf("LocationSubPath(%s %q) = %q, %v; want %q, %v", tt.l.Modifier, tt.l.Path.V, sub, ok, tt.sub, tt.ok)
		}
	}
}

// TestIncludedBy checks includedBy against a walk of the whole chain, on
// a chain of includes 5,000 deep with a sibling at every level.
func TestIncludedBy(t *testing.T) {
	var incs, siblings []*model.Directive
	var parent *model.Directive
	for i := 0; i < 5000; i++ {
		inc := &model.Directive{Name: model.Str{V: "include"}, IncludedBy: parent}
		incs = append(incs, inc)
		siblings = append(siblings, &model.Directive{Name: model.Str{V: "gzip"}, IncludedBy: parent})
		parent = inc
	}
	walked := func(d, inc *model.Directive) bool {
		for p := d.IncludedBy; p != nil; p = p.IncludedBy {
			if p == inc {
				return true
			}
		}
		return false
	}
	c := &Config{}
	for _, i := range []int{0, 1, 2, 999, 4998, 4999} {
		for _, j := range []int{0, 1, 2, 1000, 4998, 4999} {
			for _, d := range []*model.Directive{incs[j], siblings[j]} {
				if got, want := c.includedBy(d, incs[i]), walked(d, incs[i]); got != want {
					t.Errorf("includedBy(level %d, include %d) = %v, want %v", j, i, got, want)
				}
			}
		}
	}
}
