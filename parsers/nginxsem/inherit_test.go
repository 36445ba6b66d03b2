package nginxsem

import (
	"strings"
	"testing"

	"github.com/grafanalint/grafanalint/parsers/model"
)

const inheritConf = `http {
    proxy_set_header X-Http-Level yes;
    proxy_http_version 1.0;
    add_header X-Frame-Options DENY;
    server {
        proxy_set_header Upgrade $http_upgrade;
        proxy_set_header Connection "upgrade";
        proxy_http_version 1.1;
        proxy_read_timeout 120s;
        location / { proxy_pass http://g; }
        location /api/live/ {
            proxy_set_header Host $host;
            proxy_pass http://g;
        }
        location /outer/ {
            proxy_set_header X-Outer 1;
            proxy_read_timeout 30s;
            location /outer/inner/ { proxy_pass http://g; }
        }
        location /merge/ { add_header_inherit merge; add_header X-Loc 1; }
        location /off/ { add_header_inherit off; }
        location /dup/ { proxy_set_header Host a; proxy_set_header X-A 1; proxy_set_header host b; proxy_set_header HOST c; }
        location /cond/ {
            if ($http_x) { proxy_set_header Upgrade websocket; }
            proxy_pass http://g;
        }
        location /acl/ { deny all; }
    }
    allow 10.0.0.0/8;
}
`

// directives formats directives as "name arg0 arg1@line:col; …".
func directives(ds []*model.Directive) string {
	var parts []string
	for _, d := range ds {
		s := d.Name.V
		for _, a := range d.Args {
			s += " " + a.V
		}
		parts = append(parts, s+"@"+pos(d.Pos()))
	}
	return strings.Join(parts, "; ")
}

func TestEffective(t *testing.T) {
	cfg := load(t, inheritConf)
	s := srv(t, cfg, 0)
	tests := []struct {
		loc, name  string
		want       string // effective directives
		dropped    string // dropped directives
		overridden string
		inherited  bool
	}{
		{"/", "proxy_set_header", "proxy_set_header Upgrade $http_upgrade@6:9; proxy_set_header Connection upgrade@7:9", "proxy_set_header X-Http-Level yes@2:5", "", true},
		{"/api/live/", "proxy_set_header", "proxy_set_header Host $host@12:13",
			"proxy_set_header Upgrade $http_upgrade@6:9; proxy_set_header Connection upgrade@7:9; proxy_set_header X-Http-Level yes@2:5", "", false},
		{"/api/live/", "proxy_http_version", "proxy_http_version 1.1@8:9", "", "proxy_http_version 1.0@3:5", true},
		{"/outer/inner/", "proxy_read_timeout", "proxy_read_timeout 30s@17:13", "", "proxy_read_timeout 120s@9:9", true},
		{"/outer/inner/", "proxy_set_header", "proxy_set_header X-Outer 1@16:13",
			"proxy_set_header Upgrade $http_upgrade@6:9; proxy_set_header Connection upgrade@7:9; proxy_set_header X-Http-Level yes@2:5", "", true},
		{"/outer/inner/", "proxy_pass", "proxy_pass http://g@18:38", "", "", false},
		{"/outer/", "proxy_pass", "", "", "", false},
		{"/", "add_header", "add_header X-Frame-Options DENY@4:5", "", "", true},
		{"/merge/", "add_header", "add_header X-Loc 1@20:54; add_header X-Frame-Options DENY@4:5", "", "", true},
		{"/off/", "add_header", "", "add_header X-Frame-Options DENY@4:5", "", false},
		{"/acl/", "allow", "deny all@27:26", "allow 10.0.0.0/8@29:5", "", false},
		{"/", "proxy_buffering", "", "", "", false},
	}
	for _, tt := range tests {
		t.Run(tt.loc+" "+tt.name, func(t *testing.T) {
			l := loc(t, s, tt.loc)
			v := Effective(l, tt.name)
			if got := directives(v.Directives); got != tt.want {
				t.Errorf("effective = %q\nwant        %q", got, tt.want)
			}
			var dropped []*model.Directive
			for _, d := range v.Dropped {
				dropped = append(dropped, d.Directive)
			}
			if got := directives(dropped); got != tt.dropped {
				t.Errorf("dropped = %q\nwant      %q", got, tt.dropped)
			}
			if got := directives(v.Overridden); got != tt.overridden {
				t.Errorf("overridden = %q, want %q", got, tt.overridden)
			}
			if got := v.Inherited(Levels(l)[0]); got != tt.inherited {
				t.Errorf("Inherited = %v, want %v", got, tt.inherited)
			}
		})
	}
}

func TestDroppedMessage(t *testing.T) {
	cfg := load(t, inheritConf)
	s := srv(t, cfg, 0)
	h := Header(loc(t, s, "/api/live/"), "upgrade")
	if h.IsSet() {
		t.Fatalf("Upgrade is set: %v", directives(h.Set))
	}
	if h.Default != DefaultRemoved {
		t.Errorf("default = %q, want removed", h.Default)
	}
	if len(h.Dropped) != 1 {
		t.Fatalf("dropped = %v", h.Dropped)
	}
	want := `the server-level proxy_set_header Upgrade at nginx.conf:6:9 is not inherited because location "/api/live/" sets proxy_set_header Host at nginx.conf:12:13`
	if got := h.Dropped[0].String(); got != want {
		t.Errorf("message = %q\nwant      %q", got, want)
	}
	// For the http-level header, the server's first header is the cause.
	v := Effective(loc(t, s, "/api/live/"), "proxy_set_header")
	last := v.Dropped[len(v.Dropped)-1]
	if last.Level.Kind != LevelHTTP || last.BecauseLevel.Kind != LevelServer || pos(last.Because.Pos()) != "6:9" {
		t.Errorf("http-level drop = %s", last)
	}
	// add_header_inherit off is itself the cause.
	v = Effective(loc(t, s, "/off/"), "add_header")
	if v.Dropped[0].Because.Name.V != "add_header_inherit" {
		t.Errorf("cause = %s", v.Dropped[0])
	}
}

func TestHeader(t *testing.T) {
	cfg := load(t, inheritConf)
	s := srv(t, cfg, 0)
	tests := []struct {
		loc, name  string
		set        string // value@pos of the last setting directive
		level      LevelKind
		defKind    DefaultKind
		defValue   string
		conditions int
	}{
		{"/", "Upgrade", "$http_upgrade@6:34", LevelServer, DefaultRemoved, "", 0},
		{"/", "connection", "upgrade@7:38", LevelServer, DefaultSet, "close", 0},
		{"/", "Host", "", "", DefaultSet, "$proxy_host", 0},
		{"/api/live/", "HOST", "$host@12:35", LevelLocation, DefaultSet, "$proxy_host", 0},
		{"/api/live/", "X-Other", "", "", DefaultClient, "", 0},
		{"/dup/", "Host", "c@22:122", LevelLocation, DefaultSet, "$proxy_host", 0},
		{"/cond/", "Upgrade", "$http_upgrade@6:34", LevelServer, DefaultRemoved, "", 1},
	}
	for _, tt := range tests {
		t.Run(tt.loc+" "+tt.name, func(t *testing.T) {
			h := Header(loc(t, s, tt.loc), tt.name)
			got := ""
			if h.IsSet() {
				got = h.Value.V + "@" + pos(h.Value.Pos)
			}
			if got != tt.set {
				t.Errorf("value = %q, want %q", got, tt.set)
			}
			if h.Level.Kind != tt.level {
				t.Errorf("level = %q, want %q", h.Level.Kind, tt.level)
			}
			if h.Default != tt.defKind || h.DefaultValue != tt.defValue {
				t.Errorf("default = %q %q, want %q %q", h.Default, h.DefaultValue, tt.defKind, tt.defValue)
			}
			if len(h.Conditional) != tt.conditions {
				t.Errorf("conditional = %v", directives(h.Conditional))
			}
		})
	}
	if h := Header(loc(t, s, "/dup/"), "host"); len(h.Set) != 3 {
		t.Errorf("duplicates: Set = %v", directives(h.Set))
	}
	if h := HeaderIn(loc(t, s, "/merge/"), "add_header", "x-frame-options"); !h.IsSet() || h.Level.Kind != LevelHTTP {
		t.Errorf("add_header merge: %+v", h)
	}
}

func TestDuplicates(t *testing.T) {
	cfg := load(t, inheritConf)
	s := srv(t, cfg, 0)
	d := Duplicates(loc(t, s, "/dup/").Directive, "proxy_set_header")
	if len(d) != 2 {
		t.Fatalf("duplicates = %v", d)
	}
	for i, want := range []string{"host", "HOST"} {
		if d[i].Name != want || pos(d[i].First.Pos()) != "22:26" {
			t.Errorf("duplicate %d = %s first at %s", i, d[i].Name, pos(d[i].First.Pos()))
		}
	}
	if len(Duplicates(s.Directive, "proxy_set_header")) != 0 {
		t.Error("server block has no duplicates")
	}
}

func TestInheritanceOf(t *testing.T) {
	for name, want := range map[string]Inheritance{
		"proxy_set_header": InheritArray, "proxy_hide_header": InheritArray,
		"proxy_pass_header": InheritArray, "add_header": InheritArray, "deny": InheritArray,
		"proxy_http_version": InheritScalar, "proxy_read_timeout": InheritScalar,
		"proxy_buffering": InheritScalar, "proxy_pass": InheritNone, "rewrite": InheritNone,
		"return": InheritNone, "set": InheritNone,
	} {
		if got := InheritanceOf(name); got != want {
			t.Errorf("InheritanceOf(%q) = %s, want %s", name, got, want)
		}
	}
}

// TestEffectiveFragment checks a server read from a conf.d snippet (no
// http level) and the server-level view.
func TestEffectiveFragment(t *testing.T) {
	cfg := load(t, `server { proxy_read_timeout 5s; location / { } }`)
	s := srv(t, cfg, 0)
	if got := len(ServerLevels(s)); got != 1 {
		t.Errorf("levels = %d, want 1 (no http block)", got)
	}
	v := Effective(loc(t, s, "/"), "proxy_read_timeout")
	if !v.Set() || v.Last().Args[0].V != "5s" || v.Levels[0].Kind != LevelServer {
		t.Errorf("effective = %s", directives(v.Directives))
	}
	if got := EffectiveServer(s, "proxy_read_timeout").Last(); got == nil || got.Args[0].V != "5s" {
		t.Errorf("server effective = %v", got)
	}
	if Levels(loc(t, s, "/"))[0].String() != `location "/"` {
		t.Errorf("level string = %q", Levels(loc(t, s, "/"))[0].String())
	}
}

// TestEffectiveFragmentTop checks that Config sees a conf.d fragment's top
// level as the http level, as nginx does when nginx.conf includes it.
func TestEffectiveFragmentTop(t *testing.T) {
	cfg := load(t, `proxy_set_header Upgrade $http_upgrade;
proxy_read_timeout 90s;
server {
    location / { proxy_set_header Host $host; }
    location /live/ { }
}`)
	if !cfg.Fragment {
		t.Fatal("not read as a fragment")
	}
	s := srv(t, cfg, 0)
	c := New(cfg)
	h := c.Header(loc(t, s, "/"), "Upgrade")
	if h.IsSet() || len(h.Dropped) != 1 || h.Dropped[0].Level.Kind != LevelHTTP || pos(h.Dropped[0].Directive.Pos()) != "1:1" {
		t.Errorf("dropped = %v", h.Dropped)
	}
	if h := c.Header(loc(t, s, "/live/"), "upgrade"); !h.IsSet() || h.Level.Kind != LevelHTTP {
		t.Errorf("inherited = %+v", h)
	}
	if v := c.EffectiveServer(s, "proxy_read_timeout"); v.Last() == nil || v.Last().Args[0].V != "90s" {
		t.Errorf("server-level timeout = %v", v.Last())
	}
	// The package-level functions cannot see the top level.
	if h := Header(loc(t, s, "/live/"), "upgrade"); h.IsSet() {
		t.Error("package-level Header saw the fragment top level")
	}
}
