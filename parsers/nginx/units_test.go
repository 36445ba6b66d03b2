package nginx

import (
	"fmt"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/grafanalint/grafanalint/parsers/model"
)

func TestParseListen(t *testing.T) {
	cases := []struct {
		args string
		want string // address port flags
	}{
		{"80", `"" 80`},
		{"[::]:443 ssl http2", `"[::]" 443 ssl http2`},
		{"127.0.0.1:8080", `"127.0.0.1" 8080`},
		{"unix:/run/nginx.sock", `"unix:/run/nginx.sock" 0`},
		{"*:80 default_server", `"*" 80 default`},
		{"localhost", `"localhost" 80`},
		{"[::1]", `"[::1]" 80`},
		{"443 quic reuseport", `"" 443`},
		{"8443 ssl default", `"" 8443 ssl default`},
		{"${NGINX_PORT}", `"${NGINX_PORT}" 0`},
		{"localhost:${PORT}", `"localhost" 0`},
		{"{{ port }}", `"{{ port }}" 0`},
	}
	for _, c := range cases {
		d := &model.Directive{Name: model.Str{V: "listen"}}
		for _, a := range strings.Fields(c.args) {
			d.Args = append(d.Args, model.Str{V: a, Pos: model.Pos{File: "f", Line: 1, Col: 8}})
		}
		if c.args == "{{ port }}" {
			d.Args = []model.Str{{V: c.args}}
		}
		l := parseListen(d)
		got := fmt.Sprintf("%q %d", l.Address, l.Port)
		if l.SSL {
			got += " ssl"
		}
		if l.HTTP2 {
			got += " http2"
		}
		if l.DefaultServer {
			got += " default"
		}
		if got != c.want {
			t.Errorf("listen %s: got %s, want %s", c.args, got, c.want)
		}
		if l.Directive != d || l.Pos != d.Args[0].Pos {
			t.Errorf("listen %s: position or directive not kept", c.args)
		}
	}
}

func TestSplitModifier(t *testing.T) {
	cases := map[string]string{
		"/":        `"" "/" 10`,
		"=/exact":  `"=" "/exact" 11`,
		"^~/img/":  `"^~" "/img/" 12`,
		"~*\\.png": `"~*" "\\.png" 12`,
		"~^/api":   `"~" "^/api" 11`,
		"@named":   `"@" "@named" 10`,
	}
	for in, want := range cases {
		mod, p := splitModifier(model.Str{V: in, Pos: model.Pos{Line: 1, Col: 10}})
		if got := fmt.Sprintf("%q %q %d", mod, p.V, p.Pos.Col); got != want {
			t.Errorf("%s: got %s, want %s", in, got, want)
		}
	}
}

func TestSniff(t *testing.T) {
	cases := []struct {
		name, path, src string
		want            bool
	}{
		{"vhost", "conf.d/site.conf", "server {\n listen 80;\n location / { proxy_pass http://g:3000; }\n}\n", true},
		{"main", "nginx.conf", "worker_processes 1;\nevents { worker_connections 64; }\n", true},
		{"one directive snippet", "zones.conf", "limit_req_zone $binary_remote_addr zone=z:10m rate=1r/s;\n", true},
		{"extension-less vhost", "sites-available/grafana", "server { server_name g.example.com; }", true},
		{"template", "default.conf.template", "server { listen ${PORT}; }", true},
		{"jinja template", "site.conf", "server {\n server_name {{ host }};\n}\n", true},
		{"syntax error after a good start", "x.conf", "server {\n listen 80;\n location / {\n", true},
		{"lua", "x.conf", "init_by_lua_block { local t = {} }\nserver { listen 80; }", true},
		{"mime types", "mime.types", "types {\n text/html html;\n image/png png;\n}\n", true},
		{"grafana.ini", "grafana.ini", "[server]\nhttp_port = 3000\n", false},
		{"ini named conf", "grafana.conf", "[server]\n;http_port = 3000\nroot_url = %(protocol)s://%(domain)s/\n[security]\nadmin_user = admin\n", false},
		{"yaml", "x.conf", "server:\n  listen: 80\n  locations:\n    - /\n", false},
		{"json", "x.conf", `{"server": {"listen": 80}}`, false},
		{"caddyfile", "Caddyfile", ":80 {\n reverse_proxy grafana:3000\n}\n", false},
		{"caddy as conf", "x.conf", ":80 {\n reverse_proxy grafana:3000\n}\n", false},
		{"redis-like", "redis.conf", "bind 127.0.0.1\nport 6379\n", false},
		{"supervisord", "supervisord.conf", "[program:nginx]\ncommand=nginx -g 'daemon off;'\n", false},
		{"comment only", "default.conf", "# nothing here\n", false},
		{"empty", "x.conf", "", false},
		{"binary", "x.conf", "server {\x00}", false},
		{"unknown directives", "x.conf", "foo bar;\nbaz qux;\nlisten 80;\n", false},
	}
	for _, c := range cases {
		if got := Sniff(c.path, []byte(c.src)); got != c.want {
			t.Errorf("%s: Sniff = %v, want %v", c.name, got, c.want)
		}
	}
}

// TestReaders pins where gonginx is the parser of record and where it
// reads text differently from nginx, so the positioned tree is used.
func TestReaders(t *testing.T) {
	cases := []struct {
		src, want string
	}{
		{"http { server { listen 80; } gzip on; server { listen 81; } }", "gonginx"},
		{"upstream u { server a:1 weight=2 backup; keepalive 2; server b:2 max_fails=1 fail_timeout=2s; }", "gonginx"},
		{"location / { content_by_lua_block { ngx.say('x') } }", "gonginx"},
		{"add_header X a}b;", "own"},
		{"add_header X a\\ b;", "own"},
		{"add_header X `a b`;", "own"},
		{"set_by_lua_block $r { return 1 }", "gonginx"},
		{"set_by_lua_block $r { return  1 }", "own"},
		{"content_by_lua_block { local s = '}' }", "own"},
		{"upstream u v { server a:1; }", "own"},
		{"server { server_name {{ host }}; }", "own"},
		{"server { listen 80; ", "own"},
	}
	for _, c := range cases {
		got := parseFile(c.src).reader
		if r, _, _ := strings.Cut(got, ":"); r != c.want {
			t.Errorf("%q: reader %q, want %s", c.src, got, c.want)
		}
	}
}

// TestLexerPositions checks positions where lines end in CRLF, tabs and
// multi-byte characters come before a value, and a quoted value spans
// lines.
func TestLexerPositions(t *testing.T) {
	src := "server {\r\n\tserver_name\té.example.com;\r\n  return 200 \"a\nb\";\r\n}\r\n"
	tree := parseFile(src)
	if tree.err != nil {
		t.Fatal(tree.err.msg)
	}
	var got []string
	var walk func([]*node)
	walk = func(ns []*node) {
		for _, n := range ns {
			s := fmt.Sprintf("%s@%d:%d-%d:%d", n.name.val, n.name.pos.line, n.name.pos.col, n.name.end.line, n.name.end.col)
			for _, a := range n.args {
				s += fmt.Sprintf(" %q@%d:%d-%d:%d", a.val, a.pos.line, a.pos.col, a.end.line, a.end.col)
			}
			got = append(got, s+fmt.Sprintf(" end=%d:%d", n.end.line, n.end.col))
			walk(n.block)
		}
	}
	walk(tree.nodes)
	want := []string{
		"server@1:1-1:7 end=5:2",
		`server_name@2:2-2:13 "é.example.com"@2:14-2:27 end=2:28`,
		`return@3:3-3:9 "200"@3:10-3:13 "a\nb"@3:15-4:2 end=4:4`,
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("positions (-want +got):\n%s", diff)
	}
}

func TestUnescape(t *testing.T) {
	cases := map[string]string{
		`plain`:       "plain",
		`a\"b`:        `a"b`,
		`it\'s`:       "it's",
		`back\\slash`: `back\slash`,
		`\t\r\n`:      "\t\r\n",
		`\.png$`:      `\.png$`,
		`a\ b`:        `a\ b`,
	}
	for in, want := range cases {
		if got := unescape(in); got != want {
			t.Errorf("unescape(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestExpansionLimit loads a chain of files that each include the next
// one twice (2^30 inclusions): Load must stop at the limit, quickly.
func TestExpansionLimit(t *testing.T) {
	files := memFS{}
	for i := 0; i < 30; i++ {
		files[fmt.Sprintf("/r/f%d.conf", i)] = fmt.Sprintf("include f%d.conf;\ninclude f%d.conf;\n", i+1, i+1)
	}
	files["/r/f30.conf"] = "gzip on;\n"
	cfg, problems := Load("/r/f0.conf", Options{Root: "/r", ReadFile: files.readFile, Glob: files.glob})
	if len(problems) != 1 || problems[0].Kind != model.ProblemInput || !strings.Contains(problems[0].Message, "after include expansion") {
		t.Fatalf("problems: %+v", problems)
	}
	if !cfg.Partial {
		t.Error("Partial should be set")
	}
}
