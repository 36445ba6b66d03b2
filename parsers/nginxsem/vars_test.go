package nginxsem

import (
	"strings"
	"testing"

	"github.com/grafanalint/grafanalint/parsers/model"
)

const varsConf = `http {
    map $http_upgrade $connection_upgrade { default upgrade; '' close; }
    geo $remote_addr $geo_var { default 0; 10.0.0.0/8 $x_not_a_use; }
    split_clients "${remote_addr}AAA" $variant { 50% a; * b; }
    log_format main '$remote_addr $missing_in_log';
    server {
        server_name ~^(?<sub>.+)\.example\.com$ _;
        location ~ ^/(?P<seg>[a-z]+)/(?'other'x)$ { return 200 "$seg$other$1"; }
        location / {
            set $target "http://up:3000";
            proxy_set_header Connection $connection_upgrade;
            proxy_set_header X-Sub ${sub}x;
            proxy_set_header X-Esc "a\"b$host";
            rewrite ^/(.*)$ /$1 break;
            if ($request_uri ~ ^/x$) { return 403; }
            proxy_pass $target;
            return 200 "line1
  $undefined_var é$host";
        }
    }
}
`

// refs formats variable references as "name@line:col-line:col".
func refs(vs []model.Str) string {
	var parts []string
	for _, v := range vs {
		parts = append(parts, v.V+"@"+pos(v.Pos)+"-"+pos(v.End))
	}
	return strings.Join(parts, " ")
}

// directiveAt finds the directive called name starting on line.
func directiveAt(t *testing.T, cfg *model.NginxConfig, name string, line int) *model.Directive {
	t.Helper()
	var found *model.Directive
	walk(cfg.Directives, func(d *model.Directive) {
		if d.Name.V == name && d.Pos().Line == line && found == nil {
			found = d
		}
	})
	if found == nil {
		t.Fatalf("no %s on line %d", name, line)
	}
	return found
}

func TestUsedVariables(t *testing.T) {
	cfg := load(t, varsConf)
	tests := []struct {
		name string
		line int
		want string
	}{
		{"map", 2, "http_upgrade@2:9-2:22"},
		{"geo", 3, "remote_addr@3:9-3:21"},
		{"split_clients", 4, "remote_addr@4:20-4:34"},
		{"log_format", 5, "remote_addr@5:22-5:34 missing_in_log@5:35-5:50"},
		{"server_name", 7, ""},
		{"location", 8, ""},
		{"return", 8, "seg@8:65-8:69 other@8:69-8:75 1@8:75-8:77"},
		{"set", 10, ""},
		{"proxy_set_header", 11, "connection_upgrade@11:41-11:60"},
		{"proxy_set_header", 12, "sub@12:36-12:42"},
		{"proxy_set_header", 13, "host@13:41-13:46"},
		{"rewrite", 14, "1@14:30-14:32"},
		{"if", 15, "request_uri@15:17-15:29"},
		{"proxy_pass", 16, "target@16:24-16:31"},
		{"return", 17, "undefined_var@18:3-18:17 host@18:19-18:24"},
	}
	for _, tt := range tests {
		d := directiveAt(t, cfg, tt.name, tt.line)
		if got := refs(UsedVariables(d)); got != tt.want {
			t.Errorf("%s line %d: %q, want %q", tt.name, tt.line, got, tt.want)
		}
	}
	// Entries of geo and split_clients are not scripts; map values are.
	for _, d := range directiveAt(t, cfg, "geo", 3).Block {
		if len(UsedVariables(d)) != 0 {
			t.Errorf("geo entry %s: %v", d.Name.V, UsedVariables(d))
		}
	}
	if UsedVariables(nil) != nil {
		t.Error("UsedVariables(nil)")
	}
}

func TestScanRefs(t *testing.T) {
	tests := map[string]string{
		"$a$b":       "a b",
		"${a}b$c_1":  "a c_1",
		"$12":        "1",
		"$ $ ${} ${": "",
		"${a b}":     "",
		"x$":         "",
		"$0":         "0",
		"é$host":     "host",
	}
	for in, want := range tests {
		var names []string
		for _, r := range scanRefs(in) {
			names = append(names, r.name)
		}
		if got := strings.Join(names, " "); got != want {
			t.Errorf("scanRefs(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestDefined(t *testing.T) {
	cfg := load(t, varsConf)
	tests := []struct {
		name    string
		where   string
		builtin bool
	}{
		{"$connection_upgrade", "2:23", false},
		{"geo_var", "3:22", false},
		{"variant", "4:39", false},
		{"${target}", "10:17", false},
		{"sub", "7:26", false},
		{"seg", "8:26", false},
		{"other", "8:41", false},
		{"$TARGET", "10:17", false},
		{"host", "", true},
		{"http_upgrade", "", true},
		{"proxy_add_x_forwarded_for", "", true},
		{"upstream_http_x_user", "", true},
		{"1", "", true},
		{"0", "", false},
		{"missing_in_log", "", false},
	}
	for _, tt := range tests {
		where, builtin := Defined(cfg, tt.name)
		var ps []string
		for _, p := range where {
			ps = append(ps, pos(p))
		}
		if got := strings.Join(ps, " "); got != tt.where || builtin != tt.builtin {
			t.Errorf("Defined(%q) = %q, %v; want %q, %v", tt.name, got, builtin, tt.where, tt.builtin)
		}
	}
	vars := NewVariables(cfg)
	defs, _ := vars.Lookup("connection_upgrade")
	if len(defs) != 1 || defs[0].Kind != DefMap || defs[0].Directive.Name.V != "map" {
		t.Errorf("map definition = %+v", defs)
	}
	defs, _ = vars.Lookup("target")
	if len(defs) != 1 || defs[0].Value == nil || defs[0].Value.V != "http://up:3000" {
		t.Errorf("set definition = %+v", defs)
	}
}

func TestUndefined(t *testing.T) {
	cfg := load(t, varsConf)
	var got []string
	for _, u := range Undefined(cfg) {
		got = append(got, u.Var.V+"@"+pos(u.Var.Pos)+" in "+u.Directive.Name.V)
	}
	want := "missing_in_log@5:35 in log_format, undefined_var@18:3 in return"
	if strings.Join(got, ", ") != want {
		t.Errorf("Undefined = %q, want %q", strings.Join(got, ", "), want)
	}
	// Without the map, $connection_upgrade is undefined.
	cfg = load(t, `server { location / { proxy_set_header Connection $connection_upgrade; } }`)
	u := Undefined(cfg)
	if len(u) != 1 || u[0].Var.V != "connection_upgrade" || pos(u[0].Var.Pos) != "1:51" {
		t.Errorf("Undefined = %+v", u)
	}
	if Uses(nil) != nil || len(Undefined(nil)) != 0 {
		t.Error("nil config")
	}
}

func TestPosInEscapes(t *testing.T) {
	// The value a"b$c written as "a\"b$c" starting at column 10.
	a := model.Str{V: `a"b$c`, Pos: model.Pos{Line: 1, Col: 10}, End: model.Pos{Line: 1, Col: 16}}
	if got := pos(posIn(a, 3)); got != "1:14" {
		t.Errorf("escaped: $ at %s, want 1:14", got)
	}
	// The same value without escapes in the source (no End known).
	a.End = model.Pos{}
	if got := pos(posIn(a, 3)); got != "1:13" {
		t.Errorf("literal: $ at %s, want 1:13", got)
	}
	// A value spanning lines.
	b := model.Str{V: "x\n  $y", Pos: model.Pos{Line: 3, Col: 5}}
	if got := pos(posIn(b, 4)); got != "4:3" {
		t.Errorf("multi-line: $ at %s, want 4:3", got)
	}
}

func TestDefinedModules(t *testing.T) {
	cfg := load(t, `http {
    geoip2 /etc/GeoLite2-Country.mmdb { $geoip2_cc default=US country iso_code; }
    perl_set $perl_v 'sub { return "$x"; }';
    js_set $js_v main.f;
    server {
        location / {
            set_by_lua_block $lua_v { return ngx.var.uri .. "$" }
            auth_request_set $au $upstream_http_x_user;
            return 200 "$geoip2_cc$perl_v$js_v$lua_v$au";
        }
    }
}`)
	for _, name := range []string{"geoip2_cc", "perl_v", "js_v", "lua_v", "au"} {
		if where, _ := Defined(cfg, name); len(where) != 1 {
			t.Errorf("Defined(%q) = %v", name, where)
		}
	}
	if u := Undefined(cfg); len(u) != 0 {
		t.Errorf("Undefined = %+v", u)
	}
}
