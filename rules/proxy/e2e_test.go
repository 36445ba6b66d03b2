package proxy_test

// This file checks the proxy rules against the real thing: for each
// fixture case whose nginx config fronts Grafana, it starts Debian's nginx
// with that config (listen ports, hosts and TLS rewritten for a loopback
// test, everything that decides the verdict kept), points the Grafana
// upstream at an in-process server that answers the Live WebSocket
// handshake the way Grafana does, connects to the Live path through nginx
// as a logged-in browser on the server's public origin would, and compares
// the outcome with what the rules' findings predict for that case.

import (
	"bufio"
	"context"
	"crypto/rand"
	"crypto/sha1"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"gopkg.in/yaml.v3"

	"github.com/grafanalint/grafanalint/parsers/discover"
	"github.com/grafanalint/grafanalint/parsers/model"
	"github.com/grafanalint/grafanalint/parsers/nginxsem"
	"github.com/grafanalint/grafanalint/rules"
	"github.com/grafanalint/grafanalint/rules/proxy"
	"github.com/grafanalint/grafanalint/rules/proxy/fronting"
	"github.com/grafanalint/grafanalint/rules/proxy/realnginx"
	"github.com/grafanalint/grafanalint/rules/server"
)

// e2eHints is a case's optional e2e.yaml.
type e2eHints struct {
	// Skip names why the case cannot run end to end.
	Skip string `yaml:"skip"`
	// Status overrides the predicted outcome (a status code; 0 for "nginx
	// does not start").
	Status *int `yaml:"status"`
}

// caseConfig is a fixture case's optional case.yaml (as the fixture
// harness reads it).
type caseConfig struct {
	GrafanaVersion string   `yaml:"grafana_version"`
	Env            []string `yaml:"env"`
	// NginxProxyParams is .grafanalint.yaml's nginx_proxy_params.
	NginxProxyParams string `yaml:"nginx_proxy_params"`
}

// nginxBinary finds nginx, or skips (fails under CI=true).
func nginxBinary(t *testing.T) string {
	t.Helper()
	p, err := realnginx.Binary()
	if err == nil {
		return p
	}
	if os.Getenv("CI") == "true" {
		t.Fatal(err)
	}
	t.Skip(err)
	return ""
}

func TestLiveThroughRealNginx(t *testing.T) {
	bin := nginxBinary(t)
	root := filepath.Join("..", "..", "testdata", "rules")
	var dirs []string
	for _, pat := range []string{"proxy/*/*", "server/*/*", "live/worker-connections/*"} {
		m, _ := filepath.Glob(filepath.Join(root, pat))
		dirs = append(dirs, m...)
	}
	if len(dirs) == 0 {
		t.Fatal("no fixture cases found")
	}
	ran := 0
	var mu sync.Mutex
	t.Run("cases", func(t *testing.T) {
		for _, dir := range dirs {
			rel, _ := filepath.Rel(root, dir)
			t.Run(filepath.ToSlash(rel), func(t *testing.T) {
				t.Parallel()
				if runCase(t, bin, dir) {
					mu.Lock()
					ran++
					mu.Unlock()
				}
			})
		}
	})
	if ran < 10 {
		t.Errorf("only %d fixture cases ran against nginx; expected most proxy fixtures to front Grafana", ran)
	}
}

// outcome is what happened to one Live handshake.
type outcome struct {
	// status is the HTTP status the client got (0: no response, e.g. 444
	// or nginx not running).
	status int
	// grafana and other say which backend saw the request.
	grafana, other bool
	// noStart is set when nginx refused the configuration.
	noStart bool
	detail  string
}

// prediction is what the findings say will happen.
type prediction struct {
	noStart bool
	// notGrafana: the request must not reach Grafana (blocked, routed
	// elsewhere); status is then only required not to be 101.
	notGrafana bool
	status     int
	why        string
}

// loaded is a fixture case loaded as the fixture harness loads it, with
// the proxy and server rules' findings.
type loaded struct {
	dir      string
	hints    e2eHints
	version  rules.Version
	model    *model.Model
	findings []rules.Finding
}

func loadCase(t *testing.T, dir string) *loaded {
	t.Helper()
	lc := &loaded{dir: dir}
	if b, err := os.ReadFile(filepath.Join(dir, "e2e.yaml")); err == nil {
		if err := yaml.Unmarshal(b, &lc.hints); err != nil {
			t.Fatalf("e2e.yaml: %v", err)
		}
	}
	if lc.hints.Skip != "" {
		t.Skip(lc.hints.Skip)
	}
	var cc caseConfig
	if b, err := os.ReadFile(filepath.Join(dir, "case.yaml")); err == nil {
		if err := yaml.Unmarshal(b, &cc); err != nil {
			t.Fatalf("case.yaml: %v", err)
		}
	}
	opts := discover.Options{Paths: []string{"."}, WorkDir: dir, NginxProxyParams: cc.NginxProxyParams}
	for _, kv := range cc.Env {
		k, v, _ := strings.Cut(kv, "=")
		opts.Env = append(opts.Env, model.EnvVar{Name: k, Value: v})
	}
	m, err := discover.Load(context.Background(), opts)
	if err != nil {
		t.Fatal(err)
	}
	lc.model = m
	lc.version = rules.CurrentGrafana
	if cc.GrafanaVersion != "" {
		if lc.version, err = rules.ParseVersion(cc.GrafanaVersion); err != nil {
			t.Fatal(err)
		}
	}
	all := append(proxy.Rules(), server.Rules()...)
	lc.findings = rules.Run(m, all, rules.Options{Version: lc.version}).Findings
	return lc
}

// handshakeResult is the prediction and the outcome of one Live route.
type handshakeResult struct {
	live *fronting.Live
	pred prediction
	got  outcome
}

// runCase runs the Live routes of the first server of dir that fronts
// Grafana on a known Live path through nginx and checks that the outcome
// is what the findings predict; ok is false when no server does.
func runCase(t *testing.T, bin, dir string) bool {
	lc := loadCase(t, dir)
	res, ok := runLives(t, bin, lc)
	for _, r := range res {
		if !agrees(r.pred, r.got) {
			t.Errorf("%s: for %s the rules predict %s, real nginx + Grafana model gave %s\nfindings:\n%s", dir, r.live.Path, r.pred, r.got, findingLines(lc.findings))
		}
	}
	return ok
}

func findingLines(fs []rules.Finding) string {
	var lines []string
	for _, f := range fs {
		lines = append(lines, fmt.Sprintf("  %s:%d:%d %s [%s] key=%s", f.Pos.File, f.Pos.Line, f.Pos.Col, f.Severity, f.Rule, f.Key))
	}
	return strings.Join(lines, "\n")
}

// runLives sends the Live handshakes of lc through nginx; ok is false
// (and the test skipped) when no server fronts Grafana on a known Live
// path.
func runLives(t *testing.T, bin string, lc *loaded) ([]handshakeResult, bool) {
	var st *model.Stack
	var a *fronting.Analysis
	var fs *fronting.Server
	var lives []*fronting.Live
	for _, s := range lc.model.Stacks {
		sa := fronting.Analyze(s)
		for _, srv := range sa.Servers {
			if fs != nil {
				break
			}
			// The Live route root_url gives, then each one assumed from a
			// location that proxies to Grafana.
			var ls []*fronting.Live
			if srv.Live != nil && srv.Live.Verdict != fronting.Unknown {
				ls = append(ls, srv.Live)
			}
			for _, l := range srv.Lives {
				if l != srv.Live {
					ls = append(ls, l)
				}
			}
			if len(ls) > 0 {
				st, a, fs, lives = s, sa, srv, ls
			}
		}
	}
	if fs == nil {
		t.Skip("no server of this case fronts Grafana on a known Live path")
		return nil, false
	}
	var out []handshakeResult
	for _, live := range lives {
		pred := predict(lc.findings, fs, live)
		if lc.hints.Status != nil {
			pred = prediction{status: *lc.hints.Status, noStart: *lc.hints.Status == 0, why: "e2e.yaml"}
		}
		got := run(t, bin, st, a, fs, live, lc.version)
		t.Logf("%s: predicted %s; got %s", live.Path, pred, got)
		out = append(out, handshakeResult{live, pred, got})
	}
	return out, true
}

func (p prediction) String() string {
	switch {
	case p.noStart:
		return "nginx refusing to start (" + p.why + ")"
	case p.notGrafana:
		return "the handshake not reaching Grafana (" + p.why + ")"
	}
	return fmt.Sprintf("status %d (%s)", p.status, p.why)
}

func (o outcome) String() string {
	if o.noStart {
		return "nginx refusing to start: " + o.detail
	}
	return fmt.Sprintf("status %d (grafana backend reached: %v, other backend: %v) %s", o.status, o.grafana, o.other, o.detail)
}

func agrees(p prediction, o outcome) bool {
	switch {
	case p.noStart || o.noStart:
		return p.noStart == o.noStart
	case p.notGrafana:
		return !o.grafana && o.status != 101
	}
	return o.status == p.status
}

// predict derives the expected outcome from the findings of one server,
// in the order Grafana's server applies its checks: Go's HTTP server (two
// Host headers), the CSRF middleware, the sub-path redirect and router,
// then the WebSocket handshake (Connection, Upgrade, origin).
func predict(fs []rules.Finding, s *fronting.Server, live *fronting.Live) prediction {
	livePath := ""
	if live.Location != nil {
		livePath = live.Location.Path.V
	}
	has := func(rule string, sev rules.Severity, keyPrefix string) bool {
		for _, f := range fs {
			if f.Rule == rule && f.Severity == sev && strings.HasPrefix(f.Key, keyPrefix) && (f.Entity == s.Entity() || f.Entity == "nginx:_" || !strings.HasPrefix(f.Entity, "nginx:")) {
				return true
			}
		}
		return false
	}
	switch {
	case has("proxy/undefined-variable", rules.Error, ""):
		return prediction{noStart: true, why: "proxy/undefined-variable"}
	case has("proxy/upstream-port", rules.Error, ""):
		return prediction{noStart: true, why: "proxy/upstream-port"}
	case has("proxy/missing-upgrade-header", rules.Info, "blocked:"):
		return prediction{notGrafana: true, why: "Live blocked on purpose"}
	case live.Primary && has("proxy/subpath-mismatch", rules.Error, "not-routed:"):
		return prediction{notGrafana: true, why: "no location routes the Live path to Grafana"}
	}
	if live.Verdict != fronting.Reaches {
		return prediction{notGrafana: true, why: "the route does not reach Grafana"}
	}
	if has("proxy/duplicate-header", rules.Warning, "header:host") && len(s.Config.Sem.Header(live.Location, "Host").Set) > 1 {
		return prediction{status: 400, why: "two Host headers"}
	}
	if has("proxy/host-header", rules.Error, "csrf:"+livePath) {
		return prediction{status: 403, why: "CSRF check (proxy/host-header error)"}
	}
	if has("proxy/subpath-mismatch", rules.Error, "sub-path-kept:") || has("proxy/live-path-rewritten", rules.Error, "") {
		return prediction{status: 404, why: "path Grafana does not serve"}
	}
	if has("proxy/missing-connection-header", rules.Error, "missing:"+live.Path) || has("proxy/missing-upgrade-header", rules.Error, "missing:"+live.Path) ||
		has("proxy/missing-connection-header", rules.Error, "value:") || has("proxy/missing-upgrade-header", rules.Error, "value:") {
		return prediction{status: 400, why: "handshake headers"}
	}
	if has("proxy/host-header", rules.Warning, "origin:"+livePath) || has("proxy/host-header", rules.Error, "origin:"+livePath) {
		return prediction{status: 403, why: "Live origin check (proxy/host-header origin finding)"}
	}
	return prediction{status: 101, why: "no finding breaks the handshake"}
}

// target is where the test connects: the public origin of the server and
// the Live path, as a browser would.
type target struct {
	scheme, host string
	// port is the public port (what the browser uses), listen the port
	// nginx listens on (they differ when compose publishes nginx on
	// another port).
	port, listen int
	path         string
}

func (tg target) hostHeader() string {
	if (tg.scheme == "http" && tg.port == 80) || (tg.scheme == "https" && tg.port == 443) {
		return tg.host
	}
	return net.JoinHostPort(tg.host, strconv.Itoa(tg.port))
}

func (tg target) origin() string { return tg.scheme + "://" + tg.hostHeader() }

// grafanaSettings are the settings the backend acts on, read from the
// stack's effective settings independently of the rules' own reading.
type grafanaSettings struct {
	appURL           *url.URL
	subPath          string
	serveFromSubPath bool
	allowedOrigins   []string
	csrfTrusted      []string
	csrfHeaders      []string
	version          rules.Version
}

func readSettings(t *testing.T, s *model.Settings, v rules.Version, live *fronting.Live) grafanaSettings {
	g := grafanaSettings{version: v}
	root := s.Value("server", "root_url")
	if !strings.HasSuffix(root, "/") {
		root += "/"
	}
	u, err := url.Parse(root)
	switch {
	case !live.Primary:
		// The rules assumed Grafana is set up for the sub-path nginx
		// serves it under: root_url with that path, and
		// serve_from_sub_path true when nginx passes the sub-path on.
		u = &url.URL{Scheme: "http", Host: "localhost", Path: live.SubPath + "/"}
		g.appURL = u
		g.subPath = live.SubPath
		g.serveFromSubPath = live.SubPath != "" && strings.HasPrefix(live.Upstream, live.SubPath+"/")
	case err != nil && live.Assumed != "":
		// root_url's host is a template placeholder: the sub-path the
		// rules used is what the deployed root_url will have, and the
		// host the address that fills the placeholder here and in
		// proxy_pass (the backends listen on 127.0.0.1).
		g.appURL = &url.URL{Scheme: "http", Host: "127.0.0.1", Path: live.SubPath + "/"}
		g.subPath = live.SubPath
		g.serveFromSubPath = readBool(s.Value("server", "serve_from_sub_path"))
	case err != nil:
		t.Skipf("root_url %q does not parse: Grafana would not start", root)
	default:
		g.appURL = u
		g.subPath = strings.TrimSuffix(u.Path, "/")
		g.serveFromSubPath = readBool(s.Value("server", "serve_from_sub_path"))
	}
	for _, o := range strings.Split(s.Value("live", "allowed_origins"), ",") {
		if o = strings.TrimSpace(o); o != "" {
			g.allowedOrigins = append(g.allowedOrigins, o)
		}
	}
	g.csrfTrusted = strings.Fields(s.Value("security", "csrf_trusted_origins"))
	g.csrfHeaders = strings.Fields(s.Value("security", "csrf_additional_headers"))
	return g
}

// readBool reads a boolean as go-ini does.
func readBool(v string) bool {
	switch v {
	case "1", "t", "T", "true", "TRUE", "True", "y", "Y", "yes", "YES", "Yes", "on", "ON", "On":
		return true
	}
	return false
}

func run(t *testing.T, bin string, st *model.Stack, a *fronting.Analysis, fs *fronting.Server, live *fronting.Live, v rules.Version) outcome {
	g := readSettings(t, st.Settings, v, live)
	gb := &grafanaBackend{settings: g}
	grafana := serve(t, gb)
	other := &otherBackend{}
	otherAddr := serve(t, other)

	cfg := fs.Config.Config
	// nginx listens on an address of its own in 127.0.0.0/8, so a port
	// picked here cannot be taken meanwhile by the backends of parallel
	// tests (which listen on 127.0.0.1).
	host := loopbackHost()
	ports := map[int]int{}
	tg := pickTarget(t, fs, g, live)
	text := realnginx.Render(cfg, realnginx.Options{Host: host, Port: func(p int) int {
		if ports[p] == 0 {
			ports[p] = freePort(t, host)
		}
		return ports[p]
	}, Grafana: grafana, Other: otherAddr, Hints: a.Hints, ServerPort: tg.listen})
	dir := t.TempDir()
	conf := filepath.Join(dir, "nginx.conf")
	if err := os.WriteFile(conf, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	globals := realnginx.Globals(dir)
	if err := realnginx.Check(bin, dir, conf); err != nil {
		return outcome{noStart: true, detail: err.Error()}
	}
	if !live.Primary {
		// The assumed root_url is the public URL the browser uses.
		gb.settings.appURL = &url.URL{Scheme: tg.scheme, Host: tg.hostHeader(), Path: live.SubPath + "/"}
	}
	port := ports[tg.listen]
	if port == 0 {
		t.Fatalf("no listener for the port %d in\n%s", tg.listen, text)
	}
	cmd := exec.Command(bin, "-p", dir, "-c", conf, "-g", globals)
	var stderr strings.Builder
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
	})
	addr := net.JoinHostPort(host, strconv.Itoa(port))
	for i := 0; ; i++ {
		c, err := net.Dial("tcp", addr)
		if err == nil {
			c.Close()
			break
		}
		if i > 200 {
			log, _ := os.ReadFile(filepath.Join(dir, "error.log"))
			t.Fatalf("nginx did not start: %s %s\n%s", stderr.String(), log, text)
		}
		time.Sleep(10 * time.Millisecond)
	}
	status, detail := handshake(t, addr, tg)
	return outcome{status: status, grafana: gb.seen(), other: other.seen(), detail: detail}
}

// pickTarget chooses the public origin a browser uses: the server's first
// named origin, else root_url's host on the server's first listen port.
func pickTarget(t *testing.T, fs *fronting.Server, g grafanaSettings, live *fronting.Live) target {
	tg := target{path: live.Path}
	if len(fs.Origins) > 0 {
		o := fs.Origins[0]
		tg.scheme, tg.host, tg.port, tg.listen = o.Scheme, strings.ToLower(o.Host), o.Port, o.ListenPort
		return tg
	}
	origins := nginxsem.PublicOrigins(fs.Server)
	if len(origins) == 0 {
		t.Fatal("server without origins")
	}
	tg.scheme, tg.port, tg.listen = origins[0].Scheme, origins[0].Port, origins[0].ListenPort
	tg.host = g.appURL.Hostname()
	if tg.host == "" {
		tg.host = "localhost"
	}
	return tg
}

// handshake sends a logged-in browser's WebSocket handshake and returns
// the status (0 when the connection closes without an answer).
func handshake(t *testing.T, addr string, tg target) (int, string) {
	c, err := net.DialTimeout("tcp", addr, 2*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	_ = c.SetDeadline(time.Now().Add(5 * time.Second))
	key := make([]byte, 16)
	_, _ = rand.Read(key)
	k := base64.StdEncoding.EncodeToString(key)
	req := "GET " + tg.path + " HTTP/1.1\r\n" +
		"Host: " + tg.hostHeader() + "\r\n" +
		"Origin: " + tg.origin() + "\r\n" +
		"Upgrade: websocket\r\n" +
		"Connection: Upgrade\r\n" +
		"Sec-WebSocket-Version: 13\r\n" +
		"Sec-WebSocket-Key: " + k + "\r\n" +
		"Cookie: grafana_session=e2e\r\n\r\n"
	if _, err := io.WriteString(c, req); err != nil {
		t.Fatal(err)
	}
	resp, err := http.ReadResponse(bufio.NewReader(c), nil)
	if err != nil {
		if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
			return 0, "connection closed without an answer"
		}
		t.Fatalf("reading the handshake answer: %v", err)
	}
	defer resp.Body.Close()
	detail := fmt.Sprintf("for %s %s with Origin %s", tg.hostHeader(), tg.path, tg.origin())
	if resp.StatusCode == http.StatusSwitchingProtocols {
		if got, want := resp.Header.Get("Sec-WebSocket-Accept"), acceptKey(k); got != want {
			t.Errorf("101 with Sec-WebSocket-Accept %q, want %q", got, want)
		}
	} else {
		body, _ := io.ReadAll(io.LimitReader(resp.Body, 200))
		detail += fmt.Sprintf(": %q", strings.TrimSpace(string(body)))
	}
	return resp.StatusCode, detail
}

// acceptKey is RFC 6455's Sec-WebSocket-Accept for a key.
func acceptKey(k string) string {
	h := sha1.New()
	h.Write([]byte(k + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"))
	return base64.StdEncoding.EncodeToString(h.Sum(nil))
}

// loopbackHost returns a random address in 127.0.0.0/8 other than
// 127.0.0.1.
func loopbackHost() string {
	b := make([]byte, 3)
	_, _ = rand.Read(b)
	return fmt.Sprintf("127.%d.%d.%d", 1+int(b[0])%254, 1+int(b[1])%254, 1+int(b[2])%254)
}

func freePort(t *testing.T, host string) int {
	ln, err := net.Listen("tcp", net.JoinHostPort(host, "0"))
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port
}

func serve(t *testing.T, h http.Handler) string {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := &http.Server{Handler: h, ReadHeaderTimeout: 5 * time.Second}
	go func() { _ = srv.Serve(ln) }()
	t.Cleanup(func() { _ = srv.Close() })
	return ln.Addr().String()
}

// otherBackend stands for every upstream that is not Grafana.
type otherBackend struct {
	mu  sync.Mutex
	hit bool
}

func (b *otherBackend) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	b.mu.Lock()
	b.hit = true
	b.mu.Unlock()
	fmt.Fprint(w, "not grafana")
}

func (b *otherBackend) seen() bool {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.hit
}

// grafanaBackend answers as Grafana's HTTP server does for the Live
// WebSocket of a logged-in user, in Grafana's order: web.Mux strips the
// sub-path (serve_from_sub_path), the CSRF middleware
// (pkg/middleware/csrf), SubPathRedirect (Grafana 10+), the router (404),
// then centrifuge's gorilla/websocket Upgrader: Connection "upgrade" (400),
// Upgrade "websocket" (400), GET (405), version 13 (400), the origin check
// of pkg/services/live (403), the key (400), 101.
type grafanaBackend struct {
	settings grafanaSettings
	mu       sync.Mutex
	hit      bool
}

func (b *grafanaBackend) seen() bool {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.hit
}

func (b *grafanaBackend) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	b.mu.Lock()
	b.hit = true
	b.mu.Unlock()
	g := b.settings
	path := r.URL.Path
	if g.serveFromSubPath && g.subPath != "" {
		path = strings.TrimPrefix(path, g.subPath)
	}
	if err := b.csrf(r); err != nil {
		http.Error(w, err.Error(), http.StatusForbidden)
		return
	}
	if g.serveFromSubPath && g.subPath != "" && g.version.AtLeast(10, 0) &&
		!strings.HasPrefix(r.RequestURI, g.subPath) && !strings.HasPrefix(r.RequestURI, "/api") {
		http.Redirect(w, r, g.appURL.String()+strings.TrimPrefix(r.RequestURI, "/"), http.StatusMovedPermanently)
		return
	}
	if path != "/api/live/ws" {
		http.Error(w, `{"message":"Not found"}`, http.StatusNotFound)
		return
	}
	switch {
	case !tokenListContainsValue(r.Header, "Connection", "upgrade"):
		http.Error(w, "websocket: the client is not using the websocket protocol: 'upgrade' token not found in 'Connection' header", http.StatusBadRequest)
		return
	case !tokenListContainsValue(r.Header, "Upgrade", "websocket"):
		http.Error(w, "websocket: the client is not using the websocket protocol: 'websocket' token not found in 'Upgrade' header", http.StatusBadRequest)
		return
	case r.Method != http.MethodGet:
		http.Error(w, "websocket: the client is not using the websocket protocol: request method is not GET", http.StatusMethodNotAllowed)
		return
	case !tokenListContainsValue(r.Header, "Sec-Websocket-Version", "13"):
		http.Error(w, "websocket: unsupported version: 13 not found in 'Sec-Websocket-Version' header", http.StatusBadRequest)
		return
	case !b.checkOrigin(r):
		http.Error(w, "websocket: request origin not allowed by Upgrader.CheckOrigin", http.StatusForbidden)
		return
	}
	key := r.Header.Get("Sec-Websocket-Key")
	if k, err := base64.StdEncoding.DecodeString(key); err != nil || len(k) != 16 {
		http.Error(w, "websocket: not a websocket handshake: 'Sec-WebSocket-Key' header must be Base64 encoded value of 16-byte in length", http.StatusBadRequest)
		return
	}
	hj, ok := w.(http.Hijacker)
	if !ok {
		http.Error(w, "no hijacker", http.StatusInternalServerError)
		return
	}
	conn, brw, err := hj.Hijack()
	if err != nil {
		return
	}
	defer conn.Close()
	_, _ = brw.WriteString("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: " + acceptKey(key) + "\r\n\r\n")
	_ = brw.Flush()
}

// csrf is Grafana's CSRF check for a request with the login cookie.
func (b *grafanaBackend) csrf(r *http.Request) error {
	if _, err := r.Cookie("grafana_session"); errors.Is(err, http.ErrNoCookie) {
		return nil
	}
	if r.Method == http.MethodHead || r.Method == http.MethodOptions || r.Method == http.MethodTrace {
		return nil
	}
	host := splitHost(r.Host)
	o := r.Header.Get("Origin")
	if o == "" {
		return nil
	}
	ou, err := url.Parse(o)
	if err != nil {
		return err
	}
	origin := ou.Hostname()
	trusted := false
	for _, h := range b.settings.csrfHeaders {
		if splitHost(r.Header.Get(h)) == origin {
			trusted = true
		}
	}
	for _, t := range b.settings.csrfTrusted {
		if t == origin {
			trusted = true
		}
	}
	if host == "" || (!trusted && origin != host) {
		return errors.New("origin not allowed")
	}
	return nil
}

// splitHost is util.SplitHostPortDefault's host, ignoring the port.
func splitHost(h string) string {
	if h == "" {
		return ""
	}
	if host, _, err := net.SplitHostPort(h); err == nil {
		return host
	}
	return strings.Trim(h, "[]")
}

// checkOrigin is getCheckOriginFunc of pkg/services/live/live.go.
func (b *grafanaBackend) checkOrigin(r *http.Request) bool {
	g := b.settings
	origin := r.Header.Get("Origin")
	if origin == "" {
		return true
	}
	if len(g.allowedOrigins) == 1 && g.allowedOrigins[0] == "*" {
		return true
	}
	ou, err := url.Parse(strings.ToLower(origin))
	if err != nil {
		return false
	}
	if strings.EqualFold(ou.Host, r.Host) {
		return true
	}
	if ou.Port() == "" {
		if strings.EqualFold(ou.Scheme, g.appURL.Scheme) && strings.EqualFold(ou.Host, g.appURL.Hostname()) {
			return true
		}
	} else if strings.EqualFold(ou.Scheme, g.appURL.Scheme) && strings.EqualFold(ou.Host, g.appURL.Host) {
		return true
	}
	for _, p := range g.allowedOrigins {
		if globMatch(p, origin) {
			return true
		}
	}
	return false
}

// globMatch matches the subset of gobwas/glob the fixtures use: "*" and
// "?" without separators.
func globMatch(pattern, s string) bool {
	re := "^" + strings.NewReplacer(`\*`, ".*", `\?`, ".").Replace(regexp.QuoteMeta(pattern)) + "$"
	ok, _ := regexp.MatchString(re, s)
	return ok
}

// tokenListContainsValue is gorilla/websocket's: each header value is a
// comma-separated token list; a malformed list matches nothing.
func tokenListContainsValue(h http.Header, name, value string) bool {
	for _, v := range h[http.CanonicalHeaderKey(name)] {
		for _, tok := range strings.Split(v, ",") {
			tok = strings.TrimSpace(tok)
			if tok == "" || strings.ContainsAny(tok, " \t") {
				break
			}
			if strings.EqualFold(tok, value) {
				return true
			}
		}
	}
	return false
}
