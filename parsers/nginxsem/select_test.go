package nginxsem

import (
	"strings"
	"testing"

	"github.com/grafanalint/grafanalint/parsers/model"
)

const selectConf = `
server {
    listen 80;
    location = /exact { }
    location /exact/ { }
    location / { }
    location /api/ {
        location ~ \.json$ { }
        location /api/v2/ { }
    }
    location ^~ /static/ {
        location ~ \.gz$ { }
    }
    location ~ \.(png|jpg)$ { }
    location ~* \.CSS$ { }
    location ~ ^/api/ { }
    location /grafana/ { proxy_pass http://grafana:3000; }
    location @fallback { }
    location /docs { }
    location ~ ^/docs/(?<page>[a-z]+)$ { }
    location ~ ^/look(?=ahead) { }
    location ~ ^/tail$ { }
    location ~ ^/(rep)\1$ { }
}
`

func TestSelect(t *testing.T) {
	cfg := load(t, selectConf)
	s := srv(t, cfg, 0)
	tests := []struct {
		uri      string
		chain    string
		reasons  string // reasons of the steps, comma-separated
		redirect string
		uneval   int
	}{
		{"/exact", "= /exact", "exact", "", 0},
		{"/exact?x=1", "= /exact", "exact", "", 0},
		{"/exact/", "/exact/", "longest-prefix", "", 0},
		{"/exact/more", "/exact/", "longest-prefix", "", 0}, // the lookahead regex cannot match: its relaxed form does not
		{"/looking", "/", "longest-prefix", "", 0},          // ^/look matches, the lookahead fails there: no match
		{"/lookahead", "~ ^/look(?=ahead)", "regex", "", 0}, // the lookahead holds: a match
		{"/repx", "/", "longest-prefix", "", 1},             // a back-reference: unknown
		{"/other", "/", "longest-prefix", "", 0},            // not even the relaxed back-reference matches
		{"/static/x.png", "^~ /static/", "prefix-no-regex", "", 0},
		{"/static/x.gz", "^~ /static/ > ~ \\.gz$", "prefix-no-regex,regex", "", 0},
		{"/images/x.png", "~ \\.(png|jpg)$", "regex", "", 0},
		{"/x/style.css", "~* \\.CSS$", "regex", "", 0},
		{"/x/STYLE.Css", "~* \\.CSS$", "regex", "", 0},
		{"/api/data.json", "/api/ > ~ \\.json$", "longest-prefix,regex", "", 0},
		{"/api/v2/x", "~ ^/api/", "regex", "", 0},
		{"/api/x", "~ ^/api/", "regex", "", 0},
		{"/API/x", "/", "longest-prefix", "", 0},
		{"/grafana", "/grafana/", "auto-redirect", "/grafana/", 0},
		{"/grafana/api/live/ws", "/grafana/", "longest-prefix", "", 0},
		{"/@fallback", "/", "longest-prefix", "", 0},
		{"/docs", "/docs", "longest-prefix", "", 0},
		{"/docs/intro", "~ ^/docs/(?<page>[a-z]+)$", "regex", "", 0},
		{"/tail", "~ ^/tail$", "regex", "", 0},
		{"/a/../exact", "= /exact", "exact", "", 0},
		{"//exact", "= /exact", "exact", "", 0},
		{"/%65xact", "= /exact", "exact", "", 0},
		{"http://example.com/exact?y", "= /exact", "exact", "", 0},
	}
	for _, tt := range tests {
		t.Run(tt.uri, func(t *testing.T) {
			m, err := Select(s, tt.uri)
			if err != nil {
				t.Fatal(err)
			}
			if got := chainSpec(m.Chain); got != tt.chain {
				t.Errorf("chain = %q, want %q (why: %s)", got, tt.chain, m.Why())
			}
			var reasons []string
			for _, st := range m.Steps {
				reasons = append(reasons, string(st.Reason))
			}
			if got := strings.Join(reasons, ","); got != tt.reasons {
				t.Errorf("reasons = %q, want %q", got, tt.reasons)
			}
			gotRedirect := ""
			if m.Redirect != nil {
				gotRedirect = m.Redirect.Path.V
			}
			if gotRedirect != tt.redirect {
				t.Errorf("redirect = %q, want %q", gotRedirect, tt.redirect)
			}
			if len(m.Unevaluated) != tt.uneval {
				t.Errorf("unevaluated = %v, want %d", m.Unevaluated, tt.uneval)
			}
			if m.Certain() != (tt.uneval == 0) {
				t.Errorf("Certain() = %v", m.Certain())
			}
		})
	}
}

func TestSelectDetails(t *testing.T) {
	cfg := load(t, selectConf)
	s := srv(t, cfg, 0)

	m, err := Select(s, "/docs/intro?page=2")
	if err != nil {
		t.Fatal(err)
	}
	if m.URI != "/docs/intro" || m.Args != "page=2" {
		t.Errorf("URI, Args = %q, %q", m.URI, m.Args)
	}
	if v, _ := m.Captures.Get("page"); v != "intro" {
		t.Errorf("capture page = %q, want intro", v)
	}
	if v, _ := m.Captures.Get("1"); v != "intro" {
		t.Errorf("capture $1 = %q, want intro", v)
	}
	if l := m.Location(); l == nil || l.Pos.Line != 20 {
		t.Errorf("location = %v, want the regex at line 20", l)
	}

	m, _ = Select(s, "/api/v2/x")
	if want := `location "~ ^/api/" at nginx.conf:16:5 is the first matching regex; it wins over prefix "/api/" at nginx.conf:7:5`; m.Why() != want {
		t.Errorf("Why() = %q\nwant %q", m.Why(), want)
	}
	if m.Steps[0].Prefix == nil || m.Steps[0].Prefix.Path.V != "/api/" {
		t.Errorf("step prefix = %v", m.Steps[0].Prefix)
	}

	m, _ = Select(s, "/repx")
	u := m.Unevaluated[0]
	if u.Pattern.V != `^/(rep)\1$` || pos(u.Pattern.Pos) != "23:16" {
		t.Errorf("unevaluated pattern %q at %s", u.Pattern.V, pos(u.Pattern.Pos))
	}
	if !strings.Contains(u.Reason, `back-reference \1`) {
		t.Errorf("reason = %q, want it to name the lookahead", u.Reason)
	}
	if !strings.Contains(u.String(), "cannot be evaluated") {
		t.Errorf("String() = %q", u.String())
	}
}

func TestSelectErrors(t *testing.T) {
	cfg := load(t, selectConf)
	s := srv(t, cfg, 0)
	for _, uri := range []string{"", "api", "/a/../../x", "/%zz", "/%00"} {
		if _, err := Select(s, uri); err == nil {
			t.Errorf("Select(%q): want an error", uri)
		}
	}
	if _, err := Select(nil, "/"); err == nil {
		t.Error("Select(nil): want an error")
	}
}

func TestSelectNoLocation(t *testing.T) {
	cfg := load(t, "server { location /a/ { } location = /b { } }")
	m, err := Select(srv(t, cfg, 0), "/c")
	if err != nil {
		t.Fatal(err)
	}
	if m.Location() != nil || len(m.Chain) != 0 {
		t.Errorf("chain = %s, want none", chainSpec(m.Chain))
	}
	if !strings.Contains(m.Why(), "no location matches") {
		t.Errorf("Why() = %q", m.Why())
	}
}

func TestSelectMergeSlashesOff(t *testing.T) {
	cfg := load(t, `server { merge_slashes off; location = /a//b { } location / { } }`)
	m, err := Select(srv(t, cfg, 0), "/a//b")
	if err != nil {
		t.Fatal(err)
	}
	if got := chainSpec(m.Chain); got != "= /a//b" {
		t.Errorf("chain = %q, want \"= /a//b\"", got)
	}
}

// TestSelectHandBuilt checks selection on a tree built without the parser
// (no http block, no positions).
func TestSelectHandBuilt(t *testing.T) {
	s := buildServer(
		buildLoc("", "/", nil),
		buildLoc("", "/api/live", nil, buildLoc("=", "/api/live/ws", nil)),
		buildLoc("~*", "^/API/", nil),
	)
	for uri, want := range map[string]string{
		"/api/live/ws":  "/api/live > = /api/live/ws",
		"/api/live/wss": "~* ^/API/",
		"/other":        "/",
	} {
		m, err := Select(s, uri)
		if err != nil {
			t.Fatal(err)
		}
		if got := chainSpec(m.Chain); got != want {
			t.Errorf("Select(%q) = %q, want %q", uri, got, want)
		}
	}
}

func TestNormalizeURI(t *testing.T) {
	tests := []struct{ in, path, args string }{
		{"/", "/", ""},
		{"/a//b///c", "/a/b/c", ""},
		{"/a/./b/../c?x=1&y", "/a/c", "x=1&y"},
		{"/a/b/..", "/a/", ""},
		{"/a/%2e%2e/b", "/b", ""},
		{"/a%2Fb", "/a/b", ""},
		{"/sp%20ace", "/sp ace", ""},
		{"HTTPS://h:1/x?q", "/x", "q"},
		{"http://h?q", "/", "q"},
	}
	for _, tt := range tests {
		p, a, err := NormalizeURI(tt.in, true)
		if err != nil || p != tt.path || a != tt.args {
			t.Errorf("NormalizeURI(%q) = %q, %q, %v; want %q, %q", tt.in, p, a, err, tt.path, tt.args)
		}
	}
	if p, _, _ := NormalizeURI("/a//b", false); p != "/a//b" {
		t.Errorf("without merging: %q", p)
	}
}

// buildServer and buildLoc build a model tree by hand, the way the parser
// would, without positions.
func buildServer(locs ...*model.Location) *model.Server {
	sd := &model.Directive{Name: model.Str{V: "server"}, Block: []*model.Directive{}}
	s := &model.Server{Directive: sd}
	for _, l := range locs {
		attach(l, sd, nil, s)
		s.Locations = append(s.Locations, l)
	}
	return s
}

func attach(l *model.Location, parent *model.Directive, pl *model.Location, s *model.Server) {
	l.Parent, l.Server = pl, s
	l.Directive.Parent = parent
	parent.Block = append(parent.Block, l.Directive)
	for _, n := range l.Nested {
		attach(n, l.Directive, l, s)
	}
}

func buildLoc(mod, path string, ds []*model.Directive, nested ...*model.Location) *model.Location {
	var args []model.Str
	if mod != "" && mod != "@" {
		args = append(args, model.Str{V: mod})
	}
	args = append(args, model.Str{V: path})
	d := &model.Directive{Name: model.Str{V: "location"}, Args: args, Block: []*model.Directive{}}
	for _, c := range ds {
		c.Parent = d
		d.Block = append(d.Block, c)
	}
	return &model.Location{Directive: d, Modifier: mod, Path: model.Str{V: path}, Nested: nested}
}

func buildDirective(name string, args ...string) *model.Directive {
	d := &model.Directive{Name: model.Str{V: name}}
	for _, a := range args {
		d.Args = append(d.Args, model.Str{V: a})
	}
	return d
}

func TestRelaxPCRE(t *testing.T) {
	tests := []struct {
		in, out string
		ok      bool
	}{
		{`^/look(?=ahead)`, `^/look`, true},
		{`^/(?!api)x`, `^/x`, true},
		{`(?<=a)b(?<!c)`, `b`, true},
		{`a++b*+c?+d{2}+e+?`, `a+b*c?d{2}e+?`, true},
		{`(?>ab)(?|x|y)`, `(?:ab)(?:x|y)`, true},
		{`(a)\1\k<n>\g{1}`, `(a)(?s:.*)(?s:.*)(?s:.*)`, true},
		{`x\Ky\G\Z`, `xy\A\n?\z`, true},
		{`(?'name'x)`, `(?P<name>x)`, true},
		{`[(?=]x[]a]`, `[(?=]x[]a]`, true},
		{`(?(1)a|b)`, ``, false},
		{`(?R)`, ``, false},
		{`[abc`, ``, false},
		{`(?=abc`, ``, false},
	}
	for _, tt := range tests {
		got, ok := relaxPCRE(tt.in)
		if ok != tt.ok || (ok && got != tt.out) {
			t.Errorf("relaxPCRE(%q) = %q, %v; want %q, %v", tt.in, got, ok, tt.out, tt.ok)
		}
	}
}

func TestEvalPCRE(t *testing.T) {
	tests := []struct {
		pattern  string
		caseless bool
		s        string
		want     verdict
		caps     string // numbered captures from $1, "|"-separated
	}{
		{`^/look(?=ahead)`, false, "/api", verdictNoMatch, ""},
		{`^/look(?=ahead)`, false, "/lookahead", verdictMatch, ""},
		{`^/look(?=ahead)`, false, "/looking", verdictNoMatch, ""},
		{`^/(?!monitoring)api/`, false, "/api/live/ws", verdictMatch, ""},
		{`^/(?!monitoring)api/`, false, "/monitoring/api/", verdictNoMatch, ""},
		{`^/(?!(api|static)/)(.*)$`, false, "/grafana/x", verdictMatch, "|grafana/x"},
		{`^/(?!(api|static)/)(.*)$`, false, "/api/x", verdictNoMatch, ""},
		{`^/x(?!(api|static)/)|^/(.*)$`, false, "/xapi/", verdictUnknown, ""},
		{`^/a+(?!b)`, false, "/aab", verdictUnknown, ""},
		{`^/a\.b(?!c)`, false, "/a.bc", verdictNoMatch, ""},
		{`^/a\.b(?!c)`, false, "/a.bd", verdictMatch, ""},
		{`(?<=/v1)/(\w+)`, false, "/v1/users", verdictUnknown, ""},
		{`(?<=/v1)/(\w+)`, false, "/v2", verdictUnknown, ""},
		{`^/v1(?<=/v1)/(\w+)`, false, "/v1/users", verdictMatch, "users"},
		{`(?<!/v1)/users$`, true, "/V2/USERS", verdictMatch, ""},
		{`^/a++b`, false, "/aab", verdictUnknown, ""},
		{`^/a++b`, false, "/x", verdictNoMatch, ""},
		{`(?(1)a|b)`, false, "/x", verdictUnknown, ""},
		{`^/(?'id'\d+)(?=/)`, false, "/42/x", verdictMatch, "42"},
	}
	for _, tt := range tests {
		v, c, _ := regexMatch(tt.pattern, tt.caseless, tt.s)
		if v != tt.want {
			t.Errorf("%q on %q: verdict %d, want %d", tt.pattern, tt.s, v, tt.want)
			continue
		}
		if v == verdictMatch && tt.caps != "" {
			if got := strings.Join(c.Numbered[1:], "|"); got != tt.caps {
				t.Errorf("%q on %q: captures %q, want %q", tt.pattern, tt.s, got, tt.caps)
			}
		}
	}
	if _, c, _ := regexMatch(`^/(?'id'\d+)(?=/)`, false, "/42/x"); c.Named["id"] != "42" {
		t.Errorf("named capture = %v", c.Named)
	}
}
