package nginxsem

import (
	"strings"
	"testing"
)

const passConf = `http {
upstream grafana { server grafana:3000; }
server {
    set $srvvar http://grafana:3000;
    location /api/live { proxy_pass http://g:3000/; }
    location /grafana/ { proxy_pass http://g:3000/; }
    location / { proxy_pass http://g:3000; }
    location /sub/ { proxy_pass http://g/x/; }
    location /restore/ { rewrite ^/(.*) /$1 break; proxy_pass http://g:3000/; }
    location /strip/ { rewrite ^/strip/(.*) /$1 break; proxy_pass http://g:3000; }
    location /dyn/ { proxy_pass http://$backend; }
    location /set/ { set $g http://grafana:3000; proxy_pass $g; }
    location /setsrv/ { proxy_pass $srvvar; }
    location ~ ^/re/(.*)$ { proxy_pass http://g:3000/$1; }
    location ~ ^/reuri/ { proxy_pass http://g:3000/x; }
    location @named { proxy_pass http://g:3000/x; }
    location /ifuri/ { if ($http_x) { proxy_pass http://g/x; } proxy_pass http://g; }
    location = /api/live/ws { return 404; }
    location /redir/ { return 301 https://$host$request_uri; }
    location /perm/ { rewrite ^ https://x.example$request_uri permanent; }
    location /ups/ { proxy_pass http://grafana:3000; }
    location /upsok/ { proxy_pass http://grafana/; }
    location /args/ { rewrite ^/args/a$ /b?x=1 break; proxy_pass http://g; }
    location /space { proxy_pass http://g/x/; }
    location /tf/ { try_files $uri @named; }
    location /static/ { root /srv; }
    location /sock/ { proxy_pass http://unix:/run/g.sock:/grafana/; }
    location /bad/ { proxy_pass ftp://g; }
    location /lookre/ { rewrite ^/lookre/(a)\1 /y break; proxy_pass http://g; }
    location /unkrw/ { rewrite ^/unkrw/(.*)$ /$http_x/$1 break; proxy_pass http://g; }
    location /last/ { rewrite ^/last/(.*)$ /grafana/$1 last; }
    location /grpc/ { grpc_pass grpc://g:9000; }
    location /ret1/ { return https://x.example$uri$is_args$args; }
    location /ret2/ { return teapot; }
    location /argx/ { rewrite ^ /v/$arg_id$query_string$document_uri break; proxy_pass http://g; }
}
}`

func TestUpstream(t *testing.T) {
	cfg := load(t, passConf)
	s := srv(t, cfg, 0)
	c := New(cfg)
	tests := []struct {
		loc, uri string
		want     string // UpstreamURI, "?" when unknown
		extra    string // "return 404", "dynamic backend@11:40", "problem …", "note …", "relocate"
	}{
		{"/api/live", "/api/live/ws", "//ws", ""},
		{"/api/live", "/api/live/ws?x=1", "//ws?x=1", ""},
		{"/grafana/", "/grafana/api/live/ws", "/api/live/ws", ""},
		{"/grafana/", "/grafana/d/abc?orgId=1", "/d/abc?orgId=1", ""},
		{"/", "/api/live/ws?x=1", "/api/live/ws?x=1", ""},
		{"/", "/api//live/./ws", "/api//live/./ws", ""},
		{"/sub/", "/sub//a/../b", "/x/b", ""},
		{"/restore/", "/restore/api/live/ws", "/restore/api/live/ws", `note the URI part "/" of proxy_pass is ignored`},
		{"/strip/", "/strip/api/live/ws?x=1", "/api/live/ws?x=1", ""},
		{"/dyn/", "/dyn/a", "?", "dynamic backend@11:40"},
		{"/set/", "/set/api/live/ws?x", "/set/api/live/ws?x", ""},
		{"/setsrv/", "/setsrv/a", "/setsrv/a", ""},
		{"~ ^/re/(.*)$", "/re/api/live/ws?a=1", "/api/live/ws", ""},
		{"~ ^/reuri/", "/reuri/a", "?", "problem has a URI part in a regex location"},
		{"@named", "/anything", "?", "problem has a URI part in a named location"},
		{"/ifuri/", "/ifuri/a", "/ifuri/a", `problem has a URI part inside "if"`},
		{"= /api/live/ws", "/api/live/ws", "?", "return 404"},
		{"/redir/", "/redir/a", "?", "return 301 https://$host$request_uri"},
		{"/perm/", "/perm/a?q=1", "?", "return 301 https://x.example/perm/a?q=1"},
		{"/ups/", "/ups/a", "/ups/a", `problem upstream "grafana" may not have port 3000`},
		{"/upsok/", "/upsok/a", "/a", ""},
		{"/args/", "/args/a?y=2", "/b?x=1&y=2", ""},
		{"/space", "/space/a%20b", "/x//a%20b", ""},
		{"/tf/", "/tf/a", "?", "note try_files finds no file"},
		{"/static/", "/static/a", "?", "handler static"},
		{"/sock/", "/sock/a", "/grafana/a", ""},
		{"/bad/", "/bad/a", "?", "problem invalid URL prefix"},
		{"/lookre/", "/lookre/aa", "?", "unevaluated"},
		{"/lookre/", "/lookre/b", "/lookre/b", ""},
		{"/unkrw/", "/unkrw/a", "?", "unknown uses $http_x"},
		{"/last/", "/last/a", "?", "relocate"},
		{"/grpc/", "/grpc/a", "?", "handler grpc"},
		{"/ret1/", "/ret1/a?b=1", "?", "return 302 https://x.example/ret1/a?b=1"},
		{"/ret2/", "/ret2/a", "?", `problem invalid return code "teapot"`},
		{"/argx/", "/argx/?id=7", "/v/7id=7/argx/?id=7", ""},
	}
	for _, tt := range tests {
		t.Run(tt.loc+" "+tt.uri, func(t *testing.T) {
			p, err := c.Upstream(loc(t, s, tt.loc), tt.uri)
			if err != nil {
				t.Fatal(err)
			}
			got := "?"
			if p.Known {
				got = p.UpstreamURI
			}
			if got != tt.want {
				t.Errorf("upstream URI = %q, want %q (unknown: %s)", got, tt.want, p.Unknown)
			}
			kind, text, _ := strings.Cut(tt.extra, " ")
			var ok bool
			switch kind {
			case "":
				ok = len(p.Problems) == 0 && len(p.Notes) == 0 && p.Return == nil && !p.Dynamic
			case "return":
				ok = p.Return != nil && strings.HasPrefix(text, itoa(p.Return.Code)) &&
					(p.Return.URL == strings.TrimPrefix(text, itoa(p.Return.Code)+" ") || p.Return.Text.V == strings.TrimPrefix(text, itoa(p.Return.Code)+" ") || text == itoa(p.Return.Code))
			case "dynamic":
				ok = p.Dynamic && p.DynamicVar.V+"@"+pos(p.DynamicVar.Pos) == text
			case "problem":
				ok = len(p.Problems) > 0 && strings.Contains(p.Problems[0].Message, text)
			case "note":
				ok = len(p.Notes) > 0 && strings.Contains(p.Notes[0].Message, text)
			case "handler":
				ok = p.Handler == text
			case "unevaluated":
				ok = len(p.Unevaluated) == 1 && p.Unknown != ""
			case "unknown":
				ok = strings.Contains(p.Unknown, text)
			case "relocate":
				ok = p.Relocate && p.URI == "/grafana/a"
			}
			if !ok {
				t.Errorf("want %s; got return=%+v dynamic=%v var=%v problems=%v notes=%v handler=%q unknown=%q",
					tt.extra, p.Return, p.Dynamic, p.DynamicVar, p.Problems, p.Notes, p.Handler, p.Unknown)
			}
		})
	}
}

func TestUpstreamTarget(t *testing.T) {
	cfg := load(t, passConf)
	s := srv(t, cfg, 0)
	c := New(cfg)
	p, err := c.Upstream(loc(t, s, "/upsok/"), "/upsok/a")
	if err != nil {
		t.Fatal(err)
	}
	tg := p.Target
	if tg.Upstream == nil || tg.Upstream.Name.V != "grafana" || tg.Parsed.PortSet || tg.Parsed.HostPort() != "grafana" {
		t.Errorf("target = %+v", tg)
	}
	p, _ = c.Upstream(loc(t, s, "/set/"), "/set/a")
	if p.Target.URL != "http://grafana:3000" || len(p.Target.SetBy) != 1 || pos(p.Target.SetBy[0].Pos()) != "12:22" {
		t.Errorf("set target = %+v", p.Target)
	}
	if p.Target.Upstream != nil {
		t.Error("grafana:3000 is not the upstream block (it has a port)")
	}
	p, _ = c.Upstream(loc(t, s, "/sock/"), "/sock/a")
	if p.Target.Parsed.Unix != "/run/g.sock" || p.Target.Parsed.Host != "localhost" {
		t.Errorf("unix target = %+v", p.Target.Parsed)
	}
	// The package-level Upstream finds the upstream block through the
	// http block around the server.
	p, _ = Upstream(loc(t, s, "/ups/"), "/ups/a")
	if p.Target.Upstream == nil || len(p.Problems) != 1 {
		t.Errorf("package-level: upstream %v problems %v", p.Target.Upstream, p.Problems)
	}
}

func TestUpstreamErrors(t *testing.T) {
	cfg := load(t, passConf)
	s := srv(t, cfg, 0)
	if _, err := Upstream(nil, "/"); err == nil {
		t.Error("nil location: want an error")
	}
	if _, err := Upstream(loc(t, s, "/grafana/"), "/other"); err == nil {
		t.Error("URI outside the location: want an error")
	}
	if _, err := Upstream(loc(t, s, "~ ^/re/(.*)$"), "/x"); err == nil {
		t.Error("URI not matching the regex: want an error")
	}
	if _, err := Upstream(loc(t, s, "/grafana/"), "grafana"); err == nil {
		t.Error("relative URI: want an error")
	}
}

func TestParseProxyURL(t *testing.T) {
	tests := []struct {
		in, host   string
		port       int
		portSet    bool
		uri        string
		hasURI, ok bool
	}{
		{"http://grafana:3000", "grafana", 3000, true, "", false, true},
		{"HTTPS://g", "g", 443, false, "", false, true},
		{"http://g/", "g", 80, false, "/", true, true},
		{"http://[::1]:3000/x?y", "::1", 3000, true, "/x?y", true, true},
		{"http://g?x", "g", 80, false, "/?x", true, true},
		{"http://g:0", "", 0, false, "", false, false},
		{"http://g:x", "", 0, false, "", false, false},
		{"http://:80", "", 0, false, "", false, false},
		{"http://", "", 0, false, "", false, false},
		{"grafana:3000", "", 0, false, "", false, false},
		{"http://[::1", "", 0, false, "", false, false},
		{"http://unix:", "", 0, false, "", false, false},
	}
	for _, tt := range tests {
		u, err := ParseProxyURL(tt.in)
		if (err == nil) != tt.ok {
			t.Errorf("ParseProxyURL(%q) error = %v", tt.in, err)
			continue
		}
		if !tt.ok {
			continue
		}
		if u.Host != tt.host || u.Port != tt.port || u.PortSet != tt.portSet || u.URIPart != tt.uri || u.HasURIPart != tt.hasURI {
			t.Errorf("ParseProxyURL(%q) = %+v", tt.in, u)
		}
	}
}

func TestFollow(t *testing.T) {
	cfg := load(t, `http {
server {
    listen 80;
    return 301 https://$host$request_uri;
}
server {
    listen 443 ssl;
    rewrite ^/old-grafana/(.*)$ /grafana/$1 last;
    location /grafana/ { proxy_pass http://grafana:3000/; }
    location /a/ { rewrite ^/a/(.*)$ /b/$1; }
    location /b/ { rewrite ^/b/(.*)$ /a/$1; }
    location /c/ { rewrite ^/c/(.*)$ /grafana/$1 last; }
}
server {
    rewrite ^ /grafana/ break;
    location /grafana/ { proxy_pass http://grafana:3000/x/; }
}
}`)
	r, err := Follow(srv(t, cfg, 0), "/api/live/ws")
	if err != nil {
		t.Fatal(err)
	}
	if r.Return == nil || r.Return.Code != 301 || pos(r.Return.Directive.Pos()) != "4:5" || len(r.Matches) != 0 {
		t.Errorf("server return: %+v", r)
	}

	r, _ = Follow(srv(t, cfg, 1), "/old-grafana/api/live/ws")
	if r.Pass == nil || r.Pass.UpstreamURI != "/api/live/ws" || len(r.ServerRewrites) != 1 || locSpec(r.Location()) != "/grafana/" {
		t.Errorf("server rewrite last: %+v", r)
	}

	r, _ = Follow(srv(t, cfg, 1), "/c/api/live/ws")
	if r.Pass == nil || r.Pass.UpstreamURI != "/api/live/ws" || len(r.Matches) != 2 || locSpec(r.Match().Location()) != "/grafana/" {
		t.Errorf("location rewrite last: %+v", r)
	}

	r, _ = Follow(srv(t, cfg, 1), "/a/x")
	if r.Return == nil || r.Return.Code != 500 || len(r.Matches) != maxURIChanges+1 || len(r.Problems) != 1 {
		t.Errorf("rewrite cycle: return %+v, %d matches, problems %v", r.Return, len(r.Matches), r.Problems)
	}

	r, _ = Follow(srv(t, cfg, 1), "/grafana")
	if r.Return == nil || r.Return.Code != 301 || r.Return.URL != "/grafana/" {
		t.Errorf("auto redirect: %+v", r.Return)
	}

	r, _ = Follow(srv(t, cfg, 1), "/nothing")
	if r.Pass != nil || r.Location() != nil || len(r.Notes) != 1 {
		t.Errorf("no location: %+v", r)
	}

	// A server-level rewrite … break clears the location's claim on the
	// URI: the proxy_pass URI part is ignored.
	r, _ = Follow(srv(t, cfg, 2), "/api/live/ws")
	if r.Pass == nil || r.Pass.UpstreamURI != "/grafana/" {
		t.Errorf("server rewrite break: %+v", r.Pass)
	}
	if _, err := Follow(nil, "/"); err == nil {
		t.Error("nil server: want an error")
	}
}
