package proxy

import (
	"testing"

	"github.com/grafanalint/grafanalint/parsers/model"
	"github.com/grafanalint/grafanalint/rules"
	"github.com/grafanalint/grafanalint/rules/proxy/fronting"
)

func TestParseNginxTime(t *testing.T) {
	tests := []struct {
		in   string
		ms   int64
		okay bool
	}{
		{"60", 60_000, true},
		{"60s", 60_000, true},
		{"500ms", 500, true},
		{"1m30s", 90_000, true},
		{"1m 30s", 90_000, true},
		{"1h", 3_600_000, true},
		{"2d", 172_800_000, true},
		{"", 0, false},
		{"s", 0, false},
		{"10x", 0, false},
		{"-5s", 0, false},
	}
	for _, tt := range tests {
		ms, ok := parseNginxTime(tt.in)
		if ms != tt.ms || ok != tt.okay {
			t.Errorf("parseNginxTime(%q) = %d, %v; want %d, %v", tt.in, ms, ok, tt.ms, tt.okay)
		}
	}
}

func TestHasToken(t *testing.T) {
	tests := []struct {
		list, tok string
		want      bool
	}{
		{"upgrade", "upgrade", true},
		{"Upgrade", "upgrade", true},
		{"keep-alive, Upgrade", "upgrade", true},
		{"keep-alive,upgrade", "upgrade", true},
		{"keep-alive upgrade", "upgrade", false}, // not a token list: gorilla finds nothing
		{"close", "upgrade", false},
		{"", "upgrade", false},
		{"websocket", "websocket", true},
		{"upgraded", "upgrade", false},
	}
	for _, tt := range tests {
		if got := hasToken(tt.list, tt.tok); got != tt.want {
			t.Errorf("hasToken(%q, %q) = %v, want %v", tt.list, tt.tok, got, tt.want)
		}
	}
}

func TestVarRefs(t *testing.T) {
	got := varRefs("$scheme://${host}:$server_port$request_uri $ x$1")
	want := []string{"scheme", "host", "server_port", "request_uri", "1"}
	if len(got) != len(want) {
		t.Fatalf("varRefs = %+v, want names %v", got, want)
	}
	for i, r := range got {
		if r.name != want[i] {
			t.Errorf("ref %d = %q, want %q", i, r.name, want[i])
		}
	}
	if got[1].start != 10 || got[1].end != 17 {
		t.Errorf("${host} spans %d..%d, want 10..17", got[1].start, got[1].end)
	}
}

func mapOf(src string, entries ...string) *model.Map {
	m := &model.Map{Source: model.Str{V: src}, Variable: model.Str{V: "$x"}}
	for i := 0; i+1 < len(entries); i += 2 {
		m.Entries = append(m.Entries, model.MapEntry{Key: model.Str{V: entries[i]}, Value: model.Str{V: entries[i+1]}})
	}
	return m
}

func TestMapLookup(t *testing.T) {
	m := mapOf("$http_upgrade", "default", "upgrade", "", "close", "~*^WEB", "regex", "h2c", "h2")
	tests := []struct{ src, want string }{
		{"websocket", "regex"},
		{"", "close"},
		{"H2C", "h2"}, // string keys ignore case
		{"other", "upgrade"},
	}
	for _, tt := range tests {
		got, ok := mapLookup(m, tt.src)
		if !ok || got != tt.want {
			t.Errorf("mapLookup(%q) = %q, %v; want %q", tt.src, got, ok, tt.want)
		}
	}
	if v, ok := mapLookup(mapOf("$a", "x", "y"), "z"); !ok || v != "" {
		t.Errorf("no default: got %q, %v; want \"\", true", v, ok)
	}
	if _, ok := mapLookup(mapOf("$a", "~(?<=x)y", "z"), "xy"); ok {
		t.Error("a lookbehind Go cannot compile must make the lookup unknown")
	}
}

func TestEvaluator(t *testing.T) {
	cfg := &model.NginxConfig{Maps: []*model.Map{
		{Source: model.Str{V: "$http_upgrade"}, Variable: model.Str{V: "$connection_upgrade"}, Entries: []model.MapEntry{
			{Key: model.Str{V: "default"}, Value: model.Str{V: "upgrade"}}, {Key: model.Str{V: ""}, Value: model.Str{V: "close"}},
		}},
		{Source: model.Str{V: "$connection_upgrade"}, Variable: model.Str{V: "$chained"}, Entries: []model.MapEntry{
			{Key: model.Str{V: "upgrade"}, Value: model.Str{V: "$http_connection"}},
		}},
	}}
	e := &evaluator{cfgs: []*model.NginxConfig{cfg}, request: wsRequest}
	tests := []struct {
		in   string
		want string
		ok   bool
	}{
		{"$connection_upgrade", "upgrade", true},
		{"keep-alive, ${connection_upgrade}", "keep-alive, upgrade", true},
		{"$chained", "Upgrade", true},
		{"$http_upgrade", "websocket", true},
		{"$unknown", "", false},
		{"literal", "literal", true},
	}
	for _, tt := range tests {
		vals, ok := e.eval(tt.in, 0)
		if ok != tt.ok || (ok && (len(vals) != 1 || vals[0] != tt.want)) {
			t.Errorf("eval(%q) = %q, %v; want %q, %v", tt.in, vals, ok, tt.want, tt.ok)
		}
	}
}

func TestGlobRE(t *testing.T) {
	tests := []struct {
		glob, s string
		want    bool
	}{
		{"https://*.example.com", "https://grafana.example.com", true},
		{"https://*.example.com", "http://grafana.example.com", false},
		{"*", "http://x", true},
		{"http{s,}://grafana.example.com", "http://grafana.example.com", true},
		{"https://grafana?.example.com", "https://grafana1.example.com", true},
		{"https://[ab].example.com", "https://c.example.com", false},
	}
	for _, tt := range tests {
		re, err := globRE(tt.glob)
		if err != nil {
			t.Fatalf("globRE(%q): %v", tt.glob, err)
		}
		if got := re.MatchString(tt.s); got != tt.want {
			t.Errorf("glob %q on %q = %v, want %v", tt.glob, tt.s, got, tt.want)
		}
	}
}

func TestProxyHostAndHostName(t *testing.T) {
	for in, want := range map[string]string{
		"http://grafana:3000/":      "grafana:3000",
		"http://grafana:80":         "grafana",
		"https://grafana:443/x":     "grafana",
		"http://grafana_upstream":   "grafana_upstream",
		"http://[::1]:3000":         "[::1]:3000",
		"http://unix:/run/g.sock:/": "localhost",
	} {
		if got, _ := proxyHost(in); got != want {
			t.Errorf("proxyHost(%q) = %q, want %q", in, got, want)
		}
	}
	for in, want := range map[string]string{"a.example:8443": "a.example", "a.example": "a.example", "[::1]:3000": "::1", "": ""} {
		if got := hostName(in); got != want {
			t.Errorf("hostName(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestRouteInGrafana(t *testing.T) {
	sub := func(sfsp bool) *fronting.Grafana {
		return &fronting.Grafana{SubPath: "/grafana", SubPathKnown: true, ServeFromSubPath: sfsp}
	}
	v12 := rules.Version{Major: 12, Minor: 4}
	v9 := rules.Version{Major: 9, Minor: 5}
	tests := []struct {
		name           string
		g              *fronting.Grafana
		path           string
		v              rules.Version
		served, stripd bool
	}{
		{"root", &fronting.Grafana{SubPathKnown: true}, "/api/live/ws", v12, true, false},
		{"double slash", &fronting.Grafana{SubPathKnown: true}, "//ws", v12, false, false},
		{"sub-path kept, sfsp", sub(true), "/grafana/api/live/ws", v12, true, false},
		{"sub-path kept, no sfsp", sub(false), "/grafana/api/live/ws", v12, false, false},
		{"sub-path stripped, no sfsp", sub(false), "/api/live/ws", v12, true, false},
		{"sub-path stripped, sfsp: API exempt from the redirect", sub(true), "/api/live/ws", v12, true, true},
		{"sub-path stripped, sfsp, before Grafana 10", sub(true), "/api/live/ws", v9, true, false},
		{"trailing slash", sub(true), "/grafana/api/live/ws/", v12, false, false},
	}
	for _, tt := range tests {
		r := routeInGrafana(tt.g, tt.path, tt.v)
		if r.served != tt.served || r.stripped != tt.stripd {
			t.Errorf("%s: routeInGrafana(%q) = %+v, want served %v stripped %v", tt.name, tt.path, r, tt.served, tt.stripd)
		}
	}
}

func TestHostPortAndWithoutURI(t *testing.T) {
	tests := []struct{ in, host, port string }{
		{"http://grafana:3000/x", "grafana", "3000"},
		{"http://grafana", "grafana", ""},
		{"https://[::1]:3000", "::1", "3000"},
	}
	for _, tt := range tests {
		h, p, ok := hostPort(tt.in)
		if !ok || h != tt.host || p != tt.port {
			t.Errorf("hostPort(%q) = %q, %q, %v", tt.in, h, p, ok)
		}
	}
	if _, _, ok := hostPort("http://unix:/s.sock"); ok {
		t.Error("a unix socket has no host")
	}
	if got := withoutURI("http://grafana:3000/api/?x"); got != "http://grafana:3000" {
		t.Errorf("withoutURI = %q", got)
	}
}

func TestEnvsubstPlaceholder(t *testing.T) {
	at := func(v string, width int) model.Str {
		return model.Str{V: v, Pos: model.Pos{Line: 1, Col: 10}, End: model.Pos{Line: 1, Col: 10 + width}}
	}
	tests := []struct {
		s    model.Str
		want bool
	}{
		{at("DOMAIN_NAME", len("${DOMAIN_NAME}")), true},
		{at("DOMAIN_NAME", len("$DOMAIN_NAME")), false},
		{at("connection_upgrade", len("${connection_upgrade}")), false},
		{at("_1", len("${_1}")), false},
	}
	for _, tt := range tests {
		if got := envsubstPlaceholder(tt.s); got != tt.want {
			t.Errorf("envsubstPlaceholder(%+v) = %v, want %v", tt.s, got, tt.want)
		}
	}
}

func TestEditDistance(t *testing.T) {
	if d := editDistance("connection_upgrdae", "connection_upgrade"); d != 2 {
		t.Errorf("transposition = %d, want 2", d)
	}
	if d := editDistance("abc", "abc"); d != 0 {
		t.Errorf("same = %d", d)
	}
}
