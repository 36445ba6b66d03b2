package nginxsem

import (
	"strings"
	"testing"
)

// liveRoute follows the Grafana Live path through server i.
func liveRoute(t *testing.T, c *Config, s int, uri string) *Route {
	t.Helper()
	r, err := c.Follow(c.cfg.Servers[s], uri)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func TestCorpusSkewnart(t *testing.T) {
	cfg := loadCorpus(t, "Skewnart__grafana-raspberry/nginx/conf.d/grafana.conf")
	c := New(cfg)
	if len(cfg.Servers) != 2 {
		t.Fatalf("servers = %d", len(cfg.Servers))
	}
	// Port 80 only redirects; it does not front Grafana.
	if _, ok := FrontsGrafana(cfg, cfg.Servers[0], GrafanaHints{}); ok {
		t.Error("the redirecting server fronts Grafana")
	}
	r := liveRoute(t, c, 0, "/api/live/ws")
	if r.Return == nil || r.Return.Code != 301 {
		t.Errorf("port 80: %+v", r.Return)
	}
	l, ok := FrontsGrafana(cfg, cfg.Servers[1], GrafanaHints{})
	if !ok || l.Path.V != "/" {
		t.Fatalf("FrontsGrafana = %v, %v", l, ok)
	}
	ps := c.GrafanaProxies(cfg.Servers[1], GrafanaHints{})
	if len(ps) != 2 || ps[0].Upstream == nil || ps[0].Reason != `upstream "grafana" is named like Grafana` {
		t.Errorf("proxies = %+v", ps)
	}
	r = liveRoute(t, c, 1, "/api/live/ws")
	if got := locSpec(r.Location()); got != "/api/live/" {
		t.Errorf("live location = %s", got)
	}
	if r.Pass.UpstreamURI != "/api/live/ws" || r.Pass.Target.Upstream == nil {
		t.Errorf("upstream URI = %q", r.Pass.UpstreamURI)
	}
	for name, want := range map[string]string{"Upgrade": "$http_upgrade", "Connection": "$connection_upgrade", "Host": "$host"} {
		if h := Header(r.Location(), name); !h.IsSet() || h.Value.V != want || h.Level.Kind != LevelLocation {
			t.Errorf("%s = %+v", name, h.Value)
		}
	}
	if v := Effective(r.Location(), "proxy_http_version"); v.Last() == nil || v.Last().Args[0].V != "1.1" {
		t.Error("proxy_http_version 1.1 not effective")
	}
	if u := Undefined(cfg); len(u) != 0 {
		t.Errorf("undefined = %+v", u)
	}
	o := PublicOrigins(cfg.Servers[1])
	if len(o) != 1 || o[0].String() != "https://subdomain" {
		t.Errorf("origins = %+v", o)
	}
}

func TestCorpusKomelT(t *testing.T) {
	// rewrite … break restores the path that proxy_pass's URI part would
	// have mangled.
	cfg := loadCorpus(t, "KomelT__boilerplates/grafana/nginx.conf")
	c := New(cfg)
	l, ok := FrontsGrafana(cfg, cfg.Servers[0], GrafanaHints{})
	if !ok || l.Path.V != "/" {
		t.Fatalf("FrontsGrafana = %v, %v", l, ok)
	}
	r := liveRoute(t, c, 0, "/api/live/ws")
	p := r.Pass
	if locSpec(r.Location()) != "/api/live" || p.UpstreamURI != "/api/live/ws" || len(p.Rewrites) != 1 {
		t.Errorf("live: location %s, upstream %q, rewrites %v", locSpec(r.Location()), p.UpstreamURI, p.Rewrites)
	}
	if len(p.Notes) != 1 || !strings.Contains(p.Notes[0].Message, "ignored") || pos(p.Notes[0].Pos) != "24:16" {
		t.Errorf("notes = %v", p.Notes)
	}
	// The root location's URI part maps / to / unchanged.
	r = liveRoute(t, c, 0, "/d/abc?orgId=1")
	if r.Pass.UpstreamURI != "/d/abc?orgId=1" {
		t.Errorf("root: %q", r.Pass.UpstreamURI)
	}
	if h := Header(loc(t, cfg.Servers[0], "/api/live"), "host"); h.Value.V != "$http_host" {
		t.Errorf("Host = %+v", h.Value)
	}
}

func TestCorpusEmanuelsouzaa(t *testing.T) {
	// location /api/live + proxy_pass http://grafana:3000/ sends //ws.
	cfg := loadCorpus(t, "emanuelsouzaa__grafana-iot/nginx/nginx.conf")
	c := New(cfg)
	r := liveRoute(t, c, 1, "/api/live/ws")
	if r.Pass == nil || r.Pass.UpstreamURI != "//ws" || locSpec(r.Location()) != "/api/live" {
		t.Fatalf("live route = %+v", r.Pass)
	}
	if pos(r.Pass.Target.Raw.Pos) != "39:20" || r.Pass.Target.Parsed.URIPart != "/" {
		t.Errorf("target at %s: %+v", pos(r.Pass.Target.Raw.Pos), r.Pass.Target.Parsed)
	}
	if _, ok := FrontsGrafana(cfg, cfg.Servers[1], GrafanaHints{}); !ok {
		t.Error("server 1 fronts Grafana")
	}
	if h := Header(r.Location(), "Connection"); h.Value.V != "upgrade" {
		t.Errorf("Connection = %q", h.Value.V)
	}
	r = liveRoute(t, c, 0, "/api/live/ws")
	if r.Return == nil || r.Return.Code != 301 || locSpec(r.Location()) != "/" {
		t.Errorf("port 80: %+v", r.Return)
	}
}

func TestCorpusTazSzk(t *testing.T) {
	// proxy_pass through variables set in the location.
	cfg := loadCorpus(t, "taz-szk__iotpf-proto/nginx/nginx.conf")
	c := New(cfg)
	if len(cfg.Servers) != 2 {
		t.Fatalf("servers = %d (conf.d not included?)", len(cfg.Servers))
	}
	l, ok := FrontsGrafana(cfg, cfg.Servers[1], GrafanaHints{})
	if !ok || l.Path.V != "/grafana/" {
		t.Fatalf("FrontsGrafana = %v, %v", l, ok)
	}
	ps := c.GrafanaProxies(cfg.Servers[1], GrafanaHints{})
	if len(ps) != 1 || ps[0].Target != "http://172.30.0.10:3000" || !strings.HasSuffix(ps[0].Pos.File, "api.conf") {
		t.Errorf("proxies = %+v", ps)
	}
	r := liveRoute(t, c, 1, "/grafana/api/live/ws")
	if r.Pass == nil || !r.Pass.Known || r.Pass.UpstreamURI != "/grafana/api/live/ws" || len(r.Pass.Target.SetBy) != 1 {
		t.Errorf("grafana live = %+v", r.Pass)
	}
	// /api/ strips its prefix with rewrite … break into $core_api.
	r = liveRoute(t, c, 1, "/api/devices?x=1")
	if r.Pass.UpstreamURI != "/devices?x=1" || r.Pass.Target.URL != "http://core-api:8000" {
		t.Errorf("api = %q via %q", r.Pass.UpstreamURI, r.Pass.Target.URL)
	}
	// The auth_request target is internal: a client gets 404, the
	// subrequest reaches core-api as /auth/verify-jwt.
	r = liveRoute(t, c, 1, "/internal/verify-jwt")
	if r.Return == nil || r.Return.Code != 404 || r.Return.Directive.Name.V != "internal" {
		t.Errorf("client request to an internal location: %+v", r.Return)
	}
	p, err := c.Upstream(loc(t, cfg.Servers[1], "= /internal/verify-jwt"), "/internal/verify-jwt")
	if err != nil || p.UpstreamURI != "/auth/verify-jwt" {
		t.Errorf("verify-jwt = %+v, %v", p, err)
	}
	if u := Undefined(cfg); len(u) != 0 {
		t.Errorf("undefined = %+v", u)
	}
	if o := PublicOrigins(cfg.Servers[1]); len(o) != 1 || o[0].Host != "" || o[0].Scheme != "https" {
		t.Errorf("origins = %+v", o)
	}
}

func TestCorpusFamilyCart(t *testing.T) {
	// upstream grafana_service points at Prometheus, but is named Grafana.
	cfg := loadCorpus(t, "jenicek001__FamilyCart/nginx/nginx.conf")
	var grafana []int
	for i, s := range cfg.Servers {
		if _, ok := FrontsGrafana(cfg, s, GrafanaHints{}); ok {
			grafana = append(grafana, i)
		}
	}
	if len(grafana) != 1 {
		t.Fatalf("servers fronting Grafana: %v", grafana)
	}
	s := cfg.Servers[grafana[0]]
	r, err := New(cfg).Follow(s, "/api/live/ws")
	if err != nil {
		t.Fatal(err)
	}
	if r.Pass.Target.Upstream == nil || r.Pass.Target.Upstream.Servers[0].V != "uat-prometheus:9090" {
		t.Errorf("upstream = %+v", r.Pass.Target.Upstream)
	}
	d := Duplicates(r.Location().Directive, "proxy_set_header")
	if len(d) != 1 || d[0].Name != "Connection" || d[0].Later.Args[1].V != "Keep-Alive" {
		t.Errorf("duplicates = %+v", d)
	}
	o := PublicOrigins(s)
	if len(o) != 1 || o[0].String() != "https://grafana.connectedhome.cz" {
		t.Errorf("origins = %+v", o)
	}
}

func TestCorpusTensies(t *testing.T) {
	cfg := loadCorpus(t, "radiantnode__tensies/ops/nginx.conf")
	if _, ok := FrontsGrafana(cfg, cfg.Servers[0], GrafanaHints{}); ok {
		t.Error("tensies does not front Grafana")
	}
	if _, ok := FrontsGrafana(cfg, cfg.Servers[0], GrafanaHints{Hosts: []string{"web"}}); !ok {
		t.Error("with web as the Grafana host it does")
	}
	// Server-level headers reach /ws (no header at location level).
	m, _ := Select(cfg.Servers[0], "/ws")
	if h := Header(m.Location(), "upgrade"); !h.IsSet() || h.Level.Kind != LevelServer {
		t.Errorf("Upgrade = %+v", h)
	}
	// /static/ sets add_header, not proxy_set_header: headers still inherited.
	m, _ = Select(cfg.Servers[0], "/static/app.js")
	if h := Header(m.Location(), "Host"); !h.IsSet() {
		t.Error("Host not inherited into /static/")
	}
}

// TestCorpusAll runs every entry point on every nginx file of the corpus:
// nothing may panic, and every Live route must be explainable.
func TestCorpusAll(t *testing.T) {
	dir := corpusDir(t)
	files := corpusNginxFiles(t, dir)
	if len(files) < 20 {
		t.Fatalf("only %d nginx files in the corpus", len(files))
	}
	for _, f := range files {
		cfg := loadCorpusQuiet(dir, f)
		c := New(cfg)
		Undefined(cfg)
		for _, s := range cfg.Servers {
			FrontsGrafana(cfg, s, GrafanaHints{})
			PublicOrigins(s)
			for _, uri := range []string{"/", "/api/live/ws", "/grafana/api/live/ws", "/api/ds/query?x=1"} {
				r, err := c.Follow(s, uri)
				if err != nil {
					t.Errorf("%s: %v", f, err)
					continue
				}
				if l := r.Location(); l != nil {
					Header(l, "Upgrade")
					Effective(l, "proxy_http_version")
					if m := r.Match(); m != nil && m.Why() == "" {
						t.Errorf("%s %s: no explanation", f, uri)
					}
				}
			}
		}
	}
}
