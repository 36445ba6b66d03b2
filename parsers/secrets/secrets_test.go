package secrets

import (
	"fmt"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/grafanalint/grafanalint/parsers/model"
)

func TestIsReference(t *testing.T) {
	for v, want := range map[string]bool{
		"${ADMIN_PW}": true, "$ADMIN_PW": true, "$__env{PW}": true, "$__file{/run/secrets/pw}": true, " ${X} ": true,
		"${X:?must be set}":    true,
		"${ADMIN_PW:-hunter4}": false, "${ADMIN_PW-hunter4}": false, "${X:+alt}": false,
		"pre${X}": false, "hunter2": false, "": false,
	} {
		if got := IsReference(v); got != want {
			t.Errorf("IsReference(%q) = %v, want %v", v, got, want)
		}
	}
	if diff := cmp.Diff([]string{"pre", "hunter4", "post"}, literalParts("pre${ADMIN_PW:-hunter4}post")); diff != "" {
		t.Errorf("literalParts (-want +got):\n%s", diff)
	}
}

func TestText(t *testing.T) {
	s := &Set{}
	s.Add("s3cr3t-Value")
	s.Add("quo\"ted-pw")
	s.Add("admin") // Grafana's published default: not searched for
	s.Add("abc")   // too short to search for
	tests := map[string]string{
		`proxy_pass "http://user:hunter2@grafana:3000/" sends`:                                               `proxy_pass "http://user:<redacted>@grafana:3000/" sends`,
		"root_url https://u:p%40ss@example.com/grafana/ is":                                                  "root_url https://u:<redacted>@example.com/grafana/ is",
		`proxy_pass "http://u:pa\"ss@h/"`:                                                                    `proxy_pass "http://u:<redacted>@h/"`,
		`proxy_set_header Authorization "Basic dXNlcjpwYXNz" here`:                                           `proxy_set_header Authorization "Basic <redacted>" here`,
		`proxy_set_header Authorization $http_authorization;`:                                                `proxy_set_header Authorization $http_authorization;`,
		`header Authorization: Bearer eyJhbGciOi and more`:                                                   `header Authorization: Bearer <redacted> and more`,
		`Cookie: session=abcdef; the Cookie header`:                                                          `Cookie: <redacted>; the Cookie header`,
		`connstr addr=127.0.0.1:6379,pool_size=100,password=r3dis,db=0`:                                      `connstr addr=127.0.0.1:6379,pool_size=100,password=<redacted>,db=0`,
		`dsn grafana:my5ql-pw@tcp(db:3306)/grafana`:                                                          `dsn grafana:<redacted>@tcp(db:3306)/grafana`,
		`value "s3cr3t-Value" is`:                                                                            `value "<redacted>" is`,
		`value "quo\"ted-pw" is`:                                                                             `value "<redacted>" is`,
		`path/s3cr3t-Value/x and s3cr3t-Values`:                                                              `path/s3cr3t-Value/x and s3cr3t-Values`,
		`Grafana's default admin password; "abc"`:                                                            `Grafana's default admin password; "abc"`,
		"user api-key service-account":                                                                       "user api-key service-account",
		`proxy_set_header Authorization is set twice (first: proxy_set_header Authorization "Basic abcdef")`: `proxy_set_header Authorization is set twice (first: proxy_set_header Authorization "Basic <redacted>")`,
		`proxy_set_header X-Api-Key k3y-value; here`:                                                         `proxy_set_header X-Api-Key <redacted>; here`,
		`Authorization: the header`:                                                                          `Authorization: the header`,
	}
	for in, want := range tests {
		got := s.Text(in)
		if got != want {
			t.Errorf("Text(%q)\n got %q\nwant %q", in, got, want)
		}
		if again := s.Text(got); again != got {
			t.Errorf("Text is not idempotent on %q: %q", got, again)
		}
	}
	if got := (*Set)(nil).Text("http://a:b@c"); got != "http://a:<redacted>@c" {
		t.Errorf("nil Set: %q", got)
	}
}

func TestLineSpans(t *testing.T) {
	s := &Set{}
	s.Add("tok-12345")
	s.markRange(model.Pos{File: "f", Line: 3, Col: 5}, model.Pos{File: "f", Line: 3, Col: 10})
	tests := []struct {
		n          int
		text, want string
	}{
		{1, `admin_password = hunter2 # rest`, `admin_password = ********`},
		{1, `      - GF_SECURITY_ADMIN_PASSWORD=hunter2`, `      - GF_SECURITY_ADMIN_PASSWORD=********`},
		{1, `    httpHeaderValue1: "Bearer x"`, `    httpHeaderValue1: ********`},
		{1, `  "password": "hunter2",`, `  "password": ********`},
		{1, `admin_password = $__file{/run/secrets/pw}`, `admin_password = $__file{/run/secrets/pw}`},
		{1, `password_hint = the usual one`, `password_hint = the usual one`},
		{1, `  proxy_pass http://user:pw@grafana:3000/;`, `  proxy_pass http://user:********@grafana:3000/;`},
		{1, `  proxy_set_header Authorization "Basic dXNlcjpw";`, `  proxy_set_header Authorization "Basic ********";`},
		{1, `  url: x?token=tok-12345&a=b`, `  url: x?token=********&a=b`},
		{1, `  other tok-12345 here`, `  other ******** here`},
		{3, `key xabcd rest`, `key ******** rest`},
		{1, `admin_password = 秘密の値`, `admin_password = ********`},
		{1, `# 日本 http://u:秘密@h/ x`, `# 日本 http://u:********@h/ x`},
	}
	for _, tt := range tests {
		got, _ := Mask(tt.text, s.LineSpans("f", tt.n, tt.text), "********")
		if got != tt.want {
			t.Errorf("line %q\n got %q\nwant %q", tt.text, got, tt.want)
		}
	}
}

func TestMaskMapsIndexes(t *testing.T) {
	out, at := Mask("ab secret cd", []Span{{3, 9}}, "***")
	if out != "ab *** cd" {
		t.Fatalf("Mask = %q", out)
	}
	for in, want := range map[int]int{0: 0, 3: 3, 5: 3, 9: 6, 11: 8} {
		if got := at(in); got != want {
			t.Errorf("index %d maps to %d, want %d", in, got, want)
		}
	}
}

// TestCollect: the secrets of every part of a model are found, with the
// places the model knows them at.
func TestCollect(t *testing.T) {
	pos := func(l, c int) model.Pos { return model.Pos{File: "g.ini", Line: l, Col: c} }
	ini := &model.IniFile{Sections: []*model.IniSection{{Keys: []*model.IniKey{
		{Section: "security", Name: model.Str{V: "admin_password"}, Raw: model.Str{V: "${ADMIN_PW:-hunter4-default}", Pos: pos(2, 18), End: pos(2, 46)}, Value: model.Str{V: "${ADMIN_PW:-hunter4-default}", Pos: pos(2, 18), End: pos(2, 46)}},
		{Section: "database", Name: model.Str{V: "url"}, Raw: model.Str{V: "postgres://g:db-pass-1@db/g"}, Value: model.Str{V: "postgres://g:db-pass-1@db/g"}},
		{Section: "remote_cache", Name: model.Str{V: "connstr"}, Value: model.Str{V: "addr=r:6379,password=redis-pass-2"}},
		{Section: "security", Name: model.Str{V: "secret_key"}, Value: model.Str{V: "$__file{/k}"}, Raw: model.Str{V: "$__file{/k}", Pos: pos(3, 14)}},
	}}}}
	m := &model.Model{Stacks: []*model.Stack{{
		Settings: &model.Settings{
			File: ini,
			Sections: map[string]map[string]*model.Setting{
				"server":   {"root_url": {Value: "https://u:root-pass-3@g.example.com/", Source: model.Source{Kind: model.SourceFile}}},
				"security": {"admin_password": {Value: "admin", Source: model.Source{Kind: model.SourceDefault}}},
			},
			Env: []model.EnvVar{
				{Name: "GF_DATABASE_URL", Value: "mysql://g:env-pass-4@db/g"},
				{Name: "GF_SMTP_PASSWORD", Value: "smtp-pass-5", Matched: "smtp.password", ValuePos: model.Pos{File: "c.yml", Line: 7, Col: 25}},
			},
		},
		DatasourceFiles: []*model.DatasourceFile{{Datasources: []*model.Datasource{{
			URL: model.Str{V: "http://ds:ds-url-pass-6@prom:9090"},
			Fields: []model.Field{
				{Path: "secureJsonData.httpHeaderValue1", Value: model.Str{V: "Bearer header-pass-7", Pos: model.Pos{File: "ds.yaml", Line: 9, Col: 27}, End: model.Pos{File: "ds.yaml", Line: 9, Col: 47}}},
				{Path: "basicAuthPassword", Value: model.Str{V: "basic-pass-8"}},
				{Path: "jsonData.httpMethod", Value: model.Str{V: "POST"}},
			},
		}}}},
		Nginx: []*model.NginxConfig{{Directives: []*model.Directive{{Name: model.Str{V: "server"}, Block: []*model.Directive{
			{Name: model.Str{V: "proxy_pass"}, Args: []model.Str{{V: "http://u:nginx-pass-9@grafana:3000"}}},
			{Name: model.Str{V: "proxy_set_header"}, Args: []model.Str{{V: "Authorization"}, {V: "Basic auth-header-10", Pos: model.Pos{File: "n.conf", Line: 4, Col: 40}}}},
			{Name: model.Str{V: "proxy_set_header"}, Args: []model.Str{{V: "Authorization"}, {V: "$http_authorization"}}},
			{Name: model.Str{V: "more_set_headers"}, Args: []model.Str{{V: "X-Api-Key: more-11"}}},
		}}}}},
	}}}
	s := Collect(m)
	for i, want := range []string{"hunter4-default", "db-pass-1", "redis-pass-2", "root-pass-3", "env-pass-4", "smtp-pass-5", "ds-url-pass-6", "header-pass-7", "basic-pass-8", "nginx-pass-9", "auth-header-10", "more-11"} {
		if !s.known[want] {
			t.Errorf("secret %d %q not collected (have %q)", i, want, s.values)
		}
	}
	for _, not := range []string{"admin", "POST", "$http_authorization", "$__file{/k}"} {
		if s.known[not] {
			t.Errorf("%q collected as a secret", not)
		}
	}
	for _, sp := range []struct {
		file string
		line int
		want Span
	}{{"g.ini", 2, Span{17, 45}}, {"c.yml", 7, Span{24, -1}}, {"ds.yaml", 9, Span{26, 46}}, {"n.conf", 4, Span{39, -1}}} {
		if got := s.spans[sp.file][sp.line]; len(got) != 1 || got[0] != sp.want {
			t.Errorf("%s:%d spans = %v, want %v", sp.file, sp.line, got, sp.want)
		}
	}
	if len(s.spans["g.ini"][3]) != 0 {
		t.Error("a reference is masked as a secret")
	}
	msg := fmt.Sprintf("values %q", strings.Join(s.values, " "))
	if red := s.Text(msg); strings.ContainsAny(strings.ReplaceAll(red, Redacted, ""), "0123456789") {
		t.Errorf("Text leaves a collected secret: %s", red)
	}
}

// TestTextForgetsWhenValuesChange: Text remembers what it made of a
// string, but a secret added afterwards is hidden in it all the same.
func TestTextForgetsWhenValuesChange(t *testing.T) {
	s := &Set{}
	msg := "datasource \"db\" connects with s3cr3t-pa55word"
	if got := s.Text(msg); got != msg {
		t.Fatalf("Text(%q) = %q before the secret is known", msg, got)
	}
	if got := s.Text(msg); got != msg {
		t.Fatalf("remembered Text(%q) = %q", msg, got)
	}
	s.Add("s3cr3t-pa55word")
	if got := s.Text(msg); strings.Contains(got, "s3cr3t-pa55word") {
		t.Errorf("Text(%q) = %q after the secret was added", msg, got)
	}
}
