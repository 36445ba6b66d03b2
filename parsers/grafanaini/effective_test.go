package grafanaini

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/grafanalint/grafanalint/parsers/model"
)

func effective(t *testing.T, src string, env ...model.EnvVar) *model.Settings {
	t.Helper()
	var file *model.IniFile
	if src != "" {
		var probs []model.Problem
		file, probs = Parse("t.ini", []byte(src))
		if len(probs) != 0 {
			t.Fatal(probs)
		}
	}
	return Effective(file, env)
}

func TestEffectiveDefaultsOnly(t *testing.T) {
	st := effective(t, "")
	if st.File != nil {
		t.Error("File set without a file")
	}
	s := st.Get("server", "root_url")
	if s == nil || s.Value != "http://localhost:3000/" || s.Source.Kind != model.SourceDefault || s.Dynamic {
		t.Fatalf("root_url = %+v", s)
	}
	if got := st.Value("live", "max_connections"); got != "100" {
		t.Errorf("live.max_connections = %q", got)
	}
	if s := st.Get("", "instance_name"); s == nil || !s.Dynamic || s.Value != "${HOSTNAME}" {
		t.Errorf("instance_name = %+v", s)
	}
	if st.Get("server", "datasource_uid") != nil {
		t.Error("folklore key exists")
	}
}

func TestEffectiveFileLayer(t *testing.T) {
	st := effective(t, `
[server]
protocol = https
domain = grafana.example.org
enforce_domain =
http_port = 1
http_port = 3443
[live]
max_connections =
[custom]
new_key = x
empty_new =
`)
	// root_url's default refers to keys the file changed.
	if got := st.Value("server", "root_url"); got != "https://grafana.example.org:3443/" {
		t.Errorf("root_url = %q", got)
	}
	// An empty value does not blank the default.
	if s := st.Get("server", "enforce_domain"); s.Value != "false" || s.Source.Kind != model.SourceDefault || s.Written != nil {
		t.Errorf("enforce_domain = %+v", s)
	}
	if s := st.Get("live", "max_connections"); s.Value != "100" || s.Source.Kind != model.SourceDefault {
		t.Errorf("max_connections = %+v", s)
	}
	// The last of repeated keys wins, positioned at that key.
	s := st.Get("server", "http_port")
	want := &model.Setting{
		Section: "server", Key: "http_port", Value: "3443",
		Source:     model.Source{Kind: model.SourceFile, Pos: pos(7, 1)},
		Overridden: []model.Source{{Kind: model.SourceDefault}},
	}
	if d := cmp.Diff(want, s, cmp.FilterPath(func(p cmp.Path) bool { return p.Last().String() == ".Written" }, cmp.Ignore())); d != "" {
		t.Errorf("http_port (-want +got):\n%s", d)
	}
	if s.Written == nil || s.Written.Value.Pos != pos(7, 13) {
		t.Errorf("Written = %+v", s.Written)
	}
	// Keys unknown to defaults.ini are settings too; empty ones are not.
	if s := st.Get("custom", "new_key"); s == nil || s.Source.Kind != model.SourceFile || len(s.Overridden) != 0 {
		t.Errorf("custom.new_key = %+v", s)
	}
	if st.Get("custom", "empty_new") != nil {
		t.Error("an empty unknown key became a setting")
	}
}

func TestEffectiveEnvLayer(t *testing.T) {
	env := []model.EnvVar{
		{Name: "GF_SERVER_HTTP_PORT", Value: "8080", Pos: model.Pos{File: ".env", Line: 1, Col: 1}, ValuePos: model.Pos{File: ".env", Line: 1, Col: 21}},
		{Name: "GF_SERVER_DOMAIN", Value: ""},                 // empty: ignored
		{Name: "GF_SERVER_NOT_A_KEY", Value: "1"},             // no such key: ignored
		{Name: "GF_CUSTOM_SECTION_MY_KEY", Value: "from-env"}, // [custom-section] my.key from the file
		{Name: "GF_LIVE_MAX_CONNECTIONS", Value: "1"},
		{Name: "GF_LIVE_MAX_CONNECTIONS", Value: "0"}, // the last definition wins
		{Name: "GF_DEFAULT_APP_MODE", Value: "development"},
		{Name: "gf_server_protocol", Value: "h2"}, // names are case-sensitive
		{Name: "HOME", Value: "/root"},
	}
	st := effective(t, "[custom-section]\nmy.key = file\n[server]\nhttp_port = 3001\n", env...)

	s := st.Get("server", "http_port")
	if s.Value != "8080" || s.Source != (model.Source{Kind: model.SourceEnv, Env: "GF_SERVER_HTTP_PORT", Pos: env[0].ValuePos}) {
		t.Errorf("http_port = %+v", s)
	}
	if d := cmp.Diff([]model.Source{{Kind: model.SourceDefault}, {Kind: model.SourceFile, Pos: pos(4, 1)}}, s.Overridden); d != "" {
		t.Errorf("overridden (-want +got):\n%s", d)
	}
	if got := st.Value("server", "root_url"); got != "http://localhost:8080/" {
		t.Errorf("root_url = %q (references resolve after the environment)", got)
	}
	if got := st.Value("server", "domain"); got != "localhost" {
		t.Errorf("domain = %q", got)
	}
	if got := st.Value("custom-section", "my.key"); got != "from-env" {
		t.Errorf("custom-section my.key = %q", got)
	}
	if got := st.Value("live", "max_connections"); got != "0" {
		t.Errorf("max_connections = %q", got)
	}
	if got := st.Value("", "app_mode"); got != "development" {
		t.Errorf("app_mode = %q", got)
	}
	if got := st.Value("server", "protocol"); got != "http" {
		t.Errorf("protocol = %q", got)
	}
	matched := map[string]string{}
	for _, e := range st.Env {
		matched[e.Name+"="+e.Value] = e.Matched
	}
	want := map[string]string{
		"GF_SERVER_HTTP_PORT=8080":          "server.http_port",
		"GF_SERVER_DOMAIN=":                 "",
		"GF_SERVER_NOT_A_KEY=1":             "",
		"GF_CUSTOM_SECTION_MY_KEY=from-env": "custom-section.my.key",
		"GF_LIVE_MAX_CONNECTIONS=1":         "",
		"GF_LIVE_MAX_CONNECTIONS=0":         "live.max_connections",
		"GF_DEFAULT_APP_MODE=development":   "app_mode",
	}
	if d := cmp.Diff(want, matched); d != "" {
		t.Errorf("Settings.Env (-want +got):\n%s", d)
	}
	if env[0].Matched != "" {
		t.Error("Effective modified the caller's slice")
	}
	// A key that exists only through the environment is never created.
	if st.Get("server", "not_a_key") != nil {
		t.Error("env created a key")
	}
}

func TestEffectiveReferences(t *testing.T) {
	st := effective(t, `
top = T
[a]
x = %(y)s-%(top)s
y = Y
self = %(self)s
missing = %(nope)s and %(y)s
[a.b]
z = %(y)s
w = %(x)s
[loop]
p = %(q)s
q = %(p)s
[live]
allowed_origins = https://%(domain)s
`)
	tests := []struct {
		section, key, value string
		unresolved          []string
	}{
		{"a", "x", "Y-T", nil},
		{"a", "self", "%(self)s", []string{"self"}},
		// go-ini stops at the first name it cannot resolve.
		{"a", "missing", "%(nope)s and %(y)s", []string{"nope"}},
		{"a.b", "z", "Y", nil},   // parent section
		{"a.b", "w", "Y-T", nil}, // the parent's key, itself expanded
		// go-ini v1.67.0/1 (Grafana's): p takes q's raw "%(p)s", which names
		// p itself, found nowhere else: the text stays, nothing overflows.
		{"loop", "p", "%(p)s", []string{"p"}},
		{"loop", "q", "%(q)s", []string{"q"}},
		// [live] has no domain; [server] is not searched.
		{"live", "allowed_origins", "https://%(domain)s", []string{"domain"}},
	}
	for _, tt := range tests {
		s := st.Get(tt.section, tt.key)
		if s == nil || s.Value != tt.value || !cmp.Equal(s.Unresolved, tt.unresolved) {
			t.Errorf("[%s] %s = %+v, want %q unresolved %q", tt.section, tt.key, s, tt.value, tt.unresolved)
		}
	}
}

func TestEffectiveChildSectionWritesParent(t *testing.T) {
	st := effective(t, "[log.console]\nmode = console\nformat = json\n")
	if s := st.Get("log", "mode"); s.Value != "console" || s.Source.Kind != model.SourceFile || s.Written.Section != "log.console" {
		t.Errorf("[log] mode = %+v", s)
	}
	if st.Get("log.console", "mode") != nil {
		t.Error("[log.console] mode created")
	}
	if got := st.Value("log.console", "format"); got != "json" {
		t.Errorf("[log.console] format = %q", got)
	}
}

func TestIsDynamic(t *testing.T) {
	tests := map[string]bool{
		"${VAR}":               true,
		"pre-${VAR}-post":      true,
		"$__env{VAR}":          true,
		"$__file{/run/secret}": true,
		"$__vault{kv:x}":       true,
		"$VAR":                 false,
		"${}":                  false,
		"$__other{x}":          false,
		"plain":                false,
		"$$":                   false,
	}
	for v, want := range tests {
		if got := IsDynamic(v); got != want {
			t.Errorf("IsDynamic(%q) = %v, want %v", v, got, want)
		}
	}
}

func TestEnvKey(t *testing.T) {
	tests := []struct{ section, key, want string }{
		{"server", "root_url", "GF_SERVER_ROOT_URL"},
		{"auth.generic_oauth", "client_secret", "GF_AUTH_GENERIC_OAUTH_CLIENT_SECRET"},
		{"plugin.grafana-image-renderer", "rendering_timezone", "GF_PLUGIN_GRAFANA_IMAGE_RENDERER_RENDERING_TIMEZONE"},
		{"grafana-apiserver", "x.y", "GF_GRAFANA_APISERVER_X_Y"},
		{"s", "a-b", "GF_S_A-B"}, // "-" is replaced in section names only
		{"", "app_mode", "GF_DEFAULT_APP_MODE"},
		{"DEFAULT", "app_mode", "GF_DEFAULT_APP_MODE"},
		{"dataproxy", "dialTimeout", "GF_DATAPROXY_DIALTIMEOUT"},
	}
	for _, tt := range tests {
		if got := EnvKey(tt.section, tt.key); got != tt.want {
			t.Errorf("EnvKey(%q, %q) = %q, want %q", tt.section, tt.key, got, tt.want)
		}
	}
}
