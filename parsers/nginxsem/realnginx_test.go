package nginxsem

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"
)

// This file checks the package against a real nginx when one is on PATH:
// the same configuration text is loaded through parsers/nginx for our
// answers and served by nginx, whose behaviour is observed through a Go
// backend that records what nginx sends it.

// backend records the requests nginx proxies to it.
type backend struct {
	mu   sync.Mutex
	last map[string]*http.Request // by X-Probe header
	addr string
}

func startBackend(t *testing.T) *backend {
	t.Helper()
	b := &backend{last: map[string]*http.Request{}}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	b.addr = ln.Addr().String()
	srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b.mu.Lock()
		b.last[r.Header.Get("X-Probe")] = r
		b.mu.Unlock()
		w.Header().Set("X-Backend-URI", r.RequestURI)
		fmt.Fprint(w, "backend")
	})}
	go func() {
		// Close (at cleanup) makes Serve return http.ErrServerClosed.
		if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			t.Log("backend:", err)
		}
	}()
	t.Cleanup(func() { srv.Close() })
	return b
}

func (b *backend) request(probe string) *http.Request {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.last[probe]
}

// loopbackHost returns a random address in 127.0.0.0/8 other than
// 127.0.0.1.
func loopbackHost() string {
	return fmt.Sprintf("127.%d.%d.%d", 1+rand.IntN(254), 1+rand.IntN(254), 1+rand.IntN(254))
}

// realNginx starts nginx with an http block holding body (BACKEND is
// replaced by the backend address, LISTEN by nginx's) and returns
// nginx's address and the text it serves.
func realNginx(t *testing.T, body string, be *backend) (string, string) {
	t.Helper()
	bin, err := exec.LookPath("nginx")
	if err != nil || testing.Short() {
		t.Skip("no nginx on PATH (or -short)")
	}
	// An address of its own in 127.0.0.0/8: the port picked here cannot be
	// taken meanwhile by backends of parallel tests on 127.0.0.1.
	ln, err := net.Listen("tcp", loopbackHost()+":0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	dir := t.TempDir()
	text := strings.NewReplacer("BACKEND", be.addr, "LISTEN", addr).Replace(body)
	conf := fmt.Sprintf(`
pid %[1]s/nginx.pid;
error_log %[1]s/error.log;
events { worker_connections 64; }
http {
    access_log off;
    client_body_temp_path %[1]s/body;
    proxy_temp_path %[1]s/proxy;
    fastcgi_temp_path %[1]s/fastcgi;
    uwsgi_temp_path %[1]s/uwsgi;
    scgi_temp_path %[1]s/scgi;
%[2]s
}
`, dir, text)
	path := filepath.Join(dir, "nginx.conf")
	if err := os.WriteFile(path, []byte(conf), 0o644); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(bin, "-p", dir, "-c", path, "-g", "daemon off; master_process off;")
	var stderr strings.Builder
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := cmd.Process.Kill(); err != nil {
			t.Log("kill nginx:", err)
		}
		_ = cmd.Wait() // reports the kill above
	})
	for i := 0; ; i++ {
		c, err := net.Dial("tcp", addr)
		if err == nil {
			c.Close()
			break
		}
		if i > 100 {
			log, _ := os.ReadFile(filepath.Join(dir, "error.log"))
			t.Fatalf("nginx did not start: %s %s", stderr.String(), log)
		}
		time.Sleep(20 * time.Millisecond)
	}
	return addr, text
}

// get sends "GET target" with the given headers as raw HTTP/1.1 (so the
// request target reaches nginx exactly as written). The body has been read
// into the X-Test-Body header and closed; closing it again is harmless.
func get(t *testing.T, addr, target string, headers ...string) *http.Response {
	t.Helper()
	c, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	var b strings.Builder
	fmt.Fprintf(&b, "GET %s HTTP/1.1\r\nHost: public.example\r\nConnection: close\r\n", target)
	for i := 0; i+1 < len(headers); i += 2 {
		fmt.Fprintf(&b, "%s: %s\r\n", headers[i], headers[i+1])
	}
	b.WriteString("\r\n")
	if _, err := io.WriteString(c, b.String()); err != nil {
		t.Fatal(err)
	}
	resp, err := http.ReadResponse(bufio.NewReader(c), nil)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	resp.Header.Set("X-Test-Body", string(body))
	return resp
}

// TestRealNginxSelect compares Select with the location nginx uses: every
// location answers with its own spec.
func TestRealNginxSelect(t *testing.T) {
	be := startBackend(t)
	locs := []string{
		"= /exact", "/exact/", "/", "~ \\.(png|jpg)$", "~* \\.CSS$", "~ ^/api/",
		"^~ /static/", "/docs", "~ ^/docs/(?<page>[a-z]+)$", "~ ^/look(?=ahead)", "~ ^/neg/(?!skip)", "~ (?<=/v1)/users$", "~ /$",
	}
	// Each location answers with its line number (a label without "$").
	var b strings.Builder
	b.WriteString("server {\n    listen LISTEN;\n")
	for _, l := range locs {
		fmt.Fprintf(&b, "    location %s { return 200 LINE; }\n", l)
	}
	b.WriteString(`    location /api/ {
        location ~ \.json$ { return 200 LINE; }
        location /api/v2/ { return 200 LINE; }
        return 200 LINE;
    }
    location /grafana/ { proxy_pass http://BACKEND; }
    location /nest/ {
        location ~ \.txt$ { return 200 LINE; }
        location /nest/deep/ {
            location ~ \.txt$ { return 200 LINE; }
            return 200 LINE;
        }
        return 200 LINE;
    }
}
`)
	// A return answers with the line of its location (+1: "http {" comes
	// first below).
	lines := strings.Split(b.String(), "\n")
	var open []int
	for i, l := range lines {
		trimmed := strings.TrimSpace(l)
		switch {
		case strings.HasPrefix(trimmed, "location") && strings.HasSuffix(trimmed, "}"):
			lines[i] = strings.ReplaceAll(l, "LINE", fmt.Sprint(i+2))
		case strings.HasPrefix(trimmed, "location"):
			open = append(open, i+2)
		case trimmed == "}":
			if len(open) > 0 {
				open = open[:len(open)-1]
			}
		case strings.Contains(l, "LINE"):
			lines[i] = strings.ReplaceAll(l, "LINE", fmt.Sprint(open[len(open)-1]))
		}
	}
	b.Reset()
	b.WriteString(strings.Join(lines, "\n"))
	addr, text := realNginx(t, b.String(), be)
	cfg := load(t, "http {\n"+text+"\n}")
	s := srv(t, cfg, 0)
	for _, uri := range []string{
		"/exact", "/exact/", "/exact/more", "/exact/x.png", "/static/x.png", "/x/a.css",
		"/x/A.CsS", "/api/data.json", "/api/v2/x", "/api/v2/", "/api/", "/api/x",
		"/API/x", "/docs", "/docs/", "/docs/intro", "/docs/Intro", "/lookahead",
		"/nest/a.txt", "/nest/deep/a.txt", "/nest/deep/", "/nest/deep/x", "/nest/",
		"/other/", "/a//exact", "/%65xact", "/neg/x", "/neg/skip", "/v1/users", "/v2/users",
		"/looking",
	} {
		m, err := Select(s, uri)
		if err != nil {
			t.Fatal(err)
		}
		resp := get(t, addr, uri)
		resp.Body.Close()
		got := resp.Header.Get("X-Test-Body")
		want := "-"
		if l := m.Location(); l != nil {
			want = fmt.Sprint(l.Pos.Line)
		}
		if !m.Certain() {
			// nginx's choice must be ours or one of the regexes we could
			// not evaluate.
			ok := got == want
			for _, u := range m.Unevaluated {
				ok = ok || got == fmt.Sprint(u.Directive.Pos().Line)
			}
			if !ok {
				t.Errorf("%s: nginx chose %q, Select says %q or one of %v", uri, got, want, m.Unevaluated)
			}
			continue
		}
		if got != want {
			t.Errorf("%s: nginx chose %q, Select says %q (%s)", uri, got, want, m.Why())
		}
	}
	// Auto-redirect to the proxied location with the slash.
	resp := get(t, addr, "/grafana?x=1")
	defer resp.Body.Close()
	m, _ := Select(s, "/grafana?x=1")
	if resp.StatusCode != http.StatusMovedPermanently || m.Redirect == nil {
		t.Errorf("/grafana: nginx %d, Select redirect %v", resp.StatusCode, m.Redirect)
	}
	r, err := Follow(s, "/grafana?x=1")
	if err != nil {
		t.Fatal(err)
	}
	if loc := resp.Header.Get("Location"); r.Return == nil || !strings.HasSuffix(loc, r.Return.URL) {
		t.Errorf("/grafana: nginx redirects to %q, Follow says %+v", loc, r.Return)
	}
}

// TestRealNginxUpstreamURI compares Follow's UpstreamURI with the request
// target the backend receives.
func TestRealNginxUpstreamURI(t *testing.T) {
	be := startBackend(t)
	body := `
upstream up { server BACKEND; }
server {
    listen LISTEN;
    set $be http://BACKEND;
    location /api/live { proxy_pass http://BACKEND/; }
    location /grafana/ { proxy_pass http://BACKEND/; }
    location /sub/ { proxy_pass http://BACKEND/mounted/; }
    location /plain/ { proxy_pass http://BACKEND; }
    location /rb/ { rewrite ^/(.*) /$1 break; proxy_pass http://BACKEND/; }
    location /strip/ { rewrite ^/strip/(.*)$ /$1 break; proxy_pass http://BACKEND; }
    location /args/ { rewrite ^/args/(.*)$ /x/$1?added=1 break; proxy_pass http://BACKEND; }
    location /argsq/ { rewrite ^/argsq/(.*)$ /x/$1? break; proxy_pass http://BACKEND; }
    location /var/ { proxy_pass $be; }
    location /varuri/ { proxy_pass $be/fixed; }
    location ~ ^/re/(.*)$ { proxy_pass http://BACKEND/r/$1; }
    location /old/ { rewrite ^/old/(.*)$ /new/$1 last; }
    location /new/ { proxy_pass http://BACKEND/n/; }
    location /chain/ { rewrite ^/chain/(.*)$ /plain/$1; }
    location /ups/ { proxy_pass http://up/u/; }
    location = /exactp { proxy_pass http://BACKEND/e; }
    location /esc/ { proxy_pass http://BACKEND/e/; }
    location /int/ { internal; proxy_pass http://BACKEND; }
    location /toint/ { rewrite ^/toint/(.*)$ /int/$1 last; }
    location /tf/ { try_files $uri $uri/ @named; }
    location @named { proxy_pass http://BACKEND; }
    location /tfuri/ { try_files $uri $uri.html /plain/fallback?x=1; }
    location /tf404/ { try_files $uri =404; }
    location /tfmissing/ { try_files $uri @nowhere; }
    location /tfrw/ { try_files $uri @rw; }
    location @rw { rewrite ^/tfrw/(.*)$ /$1 break; proxy_pass http://BACKEND; }
}
`
	addr, text := realNginx(t, body, be)
	cfg := load(t, "http {\n"+text+"\n}")
	c := New(cfg)
	s := srv(t, cfg, 0)
	for i, uri := range []string{
		"/api/live/ws", "/api/live/ws?a=1", "/api/live", "/grafana/api/live/ws",
		"/grafana/d/x?orgId=1&y=2", "/sub/a/b", "/plain/a//b?q", "/plain/a%20b",
		"/rb/api/live/ws", "/strip/api/live/ws?x=1", "/args/p?orig=2", "/argsq/p?orig=2",
		"/var/a/b?q=1", "/var/a//b", "/varuri/a?q", "/re/a/b?z=1", "/old/a?k", "/chain/c?k=v",
		"/ups/x", "/exactp?x", "/esc/a%20b", "/esc/a%3Fb", "/grafana/./x/../y", "/toint/z",
		"/int/x", "/tf/api/live/ws?x=1", "/tf/a%20b", "/tfuri/a?q", "/tf404/a", "/tfmissing/a",
		"/tfrw/api/live/ws",
	} {
		probe := fmt.Sprint(i)
		r, err := c.Follow(s, uri)
		if err != nil {
			t.Fatal(err)
		}
		resp := get(t, addr, uri, "X-Probe", probe)
		resp.Body.Close()
		req := be.request(probe)
		if r.Return != nil {
			if resp.StatusCode != r.Return.Code {
				t.Errorf("%s: nginx answered %d, Follow says %d", uri, resp.StatusCode, r.Return.Code)
			}
			continue
		}
		if r.Pass == nil || !r.Pass.Known {
			t.Errorf("%s: Follow did not find the upstream URI: %+v", uri, r)
			continue
		}
		if req == nil {
			t.Errorf("%s: the backend got nothing (nginx answered %d); Follow says %q", uri, resp.StatusCode, r.Pass.UpstreamURI)
			continue
		}
		if req.RequestURI != r.Pass.UpstreamURI {
			t.Errorf("%s: backend got %q, Follow says %q (location %s)", uri, req.RequestURI, r.Pass.UpstreamURI, locSpec(r.Location()))
		}
	}
}

// TestRealNginxHeaders compares Header with what the backend receives.
func TestRealNginxHeaders(t *testing.T) {
	be := startBackend(t)
	body := `
proxy_set_header X-Http http-level;
server {
    listen LISTEN;
    proxy_set_header Upgrade server-upgrade;
    proxy_set_header Connection server-connection;
    location /inherit/ { proxy_pass http://BACKEND; }
    location /own/ { proxy_set_header Host own-host; proxy_pass http://BACKEND; }
    location /outer/ {
        proxy_set_header X-Outer outer;
        location /outer/inner/ { proxy_pass http://BACKEND; }
        proxy_pass http://BACKEND;
    }
    location /dup/ { proxy_set_header X-Dup one; proxy_set_header x-dup two; proxy_pass http://BACKEND; }
}
server {
    listen LISTEN2;
    location / { proxy_pass http://BACKEND; }
}
`
	ln, err := net.Listen("tcp", loopbackHost()+":0")
	if err != nil {
		t.Fatal(err)
	}
	addr2 := ln.Addr().String()
	ln.Close()
	body = strings.ReplaceAll(body, "LISTEN2", addr2)
	addr, text := realNginx(t, body, be)
	cfg := load(t, "http {\n"+text+"\n}")
	headers := []string{"Host", "Upgrade", "Connection", "X-Http", "X-Outer", "X-Dup"}
	for i, tc := range []struct {
		addr string
		srv  int
		uri  string
	}{
		{addr, 0, "/inherit/"}, {addr, 0, "/own/"}, {addr, 0, "/outer/"},
		{addr, 0, "/outer/inner/"}, {addr, 0, "/dup/"}, {addr2, 1, "/"},
	} {
		probe := fmt.Sprint("h", i)
		m, err := Select(srv(t, cfg, tc.srv), tc.uri)
		if err != nil {
			t.Fatal(err)
		}
		get(t, tc.addr, tc.uri, "X-Probe", probe, "Upgrade", "client-upgrade", "X-Outer", "client-outer").Body.Close()
		req := be.request(probe)
		if req == nil {
			t.Fatalf("%s: backend got nothing", tc.uri)
		}
		for _, name := range headers {
			h := Header(m.Location(), name)
			var want []string
			for _, d := range h.Set {
				want = append(want, d.Args[1].V)
			}
			if len(h.Set) == 0 {
				switch h.Default {
				case DefaultSet:
					want = []string{expandDefault(h.DefaultValue, be.addr)}
				case DefaultClient:
					if name == "X-Outer" {
						want = []string{"client-outer"}
					}
				}
			}
			got := req.Header.Values(name)
			if name == "Host" {
				got = []string{req.Host}
			}
			if strings.Join(got, "|") != strings.Join(want, "|") {
				t.Errorf("%s %s: backend got %q, Header says %q (dropped %v)", tc.uri, name, got, want, h.Dropped)
			}
		}
	}
}

func expandDefault(v, backend string) string {
	switch v {
	case "$proxy_host":
		return backend
	case "close":
		return "close"
	}
	return v
}

// TestRealNginxUnknownVariable compares Undefined with "nginx -t".
func TestRealNginxUnknownVariable(t *testing.T) {
	bin, err := exec.LookPath("nginx")
	if err != nil || testing.Short() {
		t.Skip("no nginx on PATH (or -short)")
	}
	for _, tc := range []struct {
		body      string
		undefined string
	}{
		{`server { location / { proxy_set_header Connection $connection_upgrade; proxy_pass http://127.0.0.1:1; } }`, "connection_upgrade"},
		{`map $http_upgrade $connection_upgrade { default upgrade; '' close; }
server { location / { proxy_set_header Connection $connection_upgrade; proxy_pass http://127.0.0.1:1; } }`, ""},
		{`server { location ~ ^/(?<tail>.*)$ { return 200 $tail$http_x_y$arg_q$1; } }`, ""},
		{`server { location / { set $a 1; } location /b { return 200 "${a}$b"; } }`, "b"},
		{`server { location / { return 200 $host$proxy_add_x_forwarded_for$request_uri; } }`, ""},
		{`server { location / { rewrite ^/(?<p>x)$ /$p; return 200 $sent_http_x$upstream_http_y$cookie_z; } }`, ""},
		{`server { location / { auth_request_set $au $upstream_http_x; return 200 $au$nope; } }`, "nope"},
	} {
		dir := t.TempDir()
		conf := fmt.Sprintf("pid %[1]s/nginx.pid; error_log %[1]s/error.log; events {} http { %[2]s }", dir, tc.body)
		path := filepath.Join(dir, "nginx.conf")
		if err := os.WriteFile(path, []byte(conf), 0o644); err != nil {
			t.Fatal(err)
		}
		out, _ := exec.Command(bin, "-t", "-p", dir, "-c", path).CombinedOutput()
		nginxSays := ""
		if m := unknownVar.FindSubmatch(out); m != nil {
			nginxSays = string(m[1])
		} else if !strings.Contains(string(out), "test is successful") {
			t.Errorf("nginx -t failed for another reason: %s", out)
			continue
		}
		cfg := load(t, "http { "+tc.body+" }")
		var ours []string
		for _, u := range Undefined(cfg) {
			ours = append(ours, u.Var.V)
		}
		first := ""
		if len(ours) > 0 {
			first = ours[0]
		}
		if first != nginxSays || nginxSays != tc.undefined {
			t.Errorf("%s\nnginx: unknown %q; Undefined: %q; want %q", tc.body, nginxSays, ours, tc.undefined)
		}
	}
}

var unknownVar = regexp.MustCompile(`unknown "([^"]+)" variable`)
