package server

import (
	"testing"

	"github.com/grafanalint/grafanalint/parsers/model"
	"github.com/grafanalint/grafanalint/parsers/nginxsem"
	"github.com/grafanalint/grafanalint/rules/proxy/fronting"
)

func TestCompatible(t *testing.T) {
	g := func(root string) *fronting.Grafana {
		return fronting.ReadGrafana(&model.Settings{Sections: map[string]map[string]*model.Setting{
			"server": {"root_url": {Value: root, Source: model.Source{Kind: model.SourceFile}}},
		}})
	}
	o := func(scheme string, port int) nginxsem.Origin {
		return nginxsem.Origin{Scheme: scheme, Host: "g.example.com", Port: port}
	}
	tests := []struct {
		name string
		o    nginxsem.Origin
		g    *fronting.Grafana
		want bool
	}{
		{"same", o("https", 443), g("https://g.example.com/"), true},
		{"default port written", o("https", 443), g("https://g.example.com:443/"), true},
		{"TLS ends in front of nginx on 80", o("http", 80), g("https://g.example.com/"), true},
		{"http where nginx serves https", o("https", 443), g("http://g.example.com/"), false},
		{"Grafana's own port", o("https", 443), g("https://g.example.com:3000/"), false},
		{"another port than nginx publishes", o("https", 443), g("https://g.example.com:8443/"), false},
		{"https root_url, nginx http on 8080", o("http", 8080), g("https://g.example.com/"), false},
	}
	for _, tt := range tests {
		if got := compatible(tt.o, tt.g); got != tt.want {
			t.Errorf("%s: compatible = %v, want %v", tt.name, got, tt.want)
		}
	}
}

func TestRootURLPos(t *testing.T) {
	written := &model.IniKey{Value: model.Str{V: "https://x/", Pos: model.Pos{File: "grafana.ini", Line: 2, Col: 12}, End: model.Pos{File: "grafana.ini", Line: 2, Col: 22}}}
	envPos := model.Pos{File: "docker-compose.yml", Line: 7, Col: 9}
	tests := []struct {
		name string
		st   *model.Setting
		env  []model.EnvVar
		want model.Pos
	}{
		{"file", &model.Setting{Value: "https://x/", Source: model.Source{Kind: model.SourceFile}, Written: written}, nil, written.Value.Pos},
		{"env", &model.Setting{Value: "https://x/", Source: model.Source{Kind: model.SourceEnv, Env: "GF_SERVER_ROOT_URL"}}, []model.EnvVar{{Name: "GF_SERVER_ROOT_URL", Pos: envPos}}, envPos},
		{"command line", &model.Setting{Value: "https://x/", Source: model.Source{Kind: model.SourceEnv, Env: "GF_SERVER_ROOT_URL"}}, []model.EnvVar{{Name: "GF_SERVER_ROOT_URL"}}, model.Pos{}},
	}
	for _, tt := range tests {
		s := &model.Settings{Sections: map[string]map[string]*model.Setting{"server": {"root_url": tt.st}}, Env: tt.env}
		a := &fronting.Analysis{Stack: &model.Stack{Settings: s}, Grafana: fronting.ReadGrafana(s)}
		if got, _ := rootURLPos(a); got != tt.want {
			t.Errorf("%s: rootURLPos = %v, want %v", tt.name, got, tt.want)
		}
	}
}

func TestHostMatches(t *testing.T) {
	named := func(h string) publicOrigin { return publicOrigin{Origin: nginxsem.Origin{Host: h}} }
	tests := []struct {
		o    publicOrigin
		host string
		want bool
	}{
		{named("g.example.com"), "g.example.com", true},
		{named("g.example.com"), "example.com", false},
		{named("*.example.com"), "g.example.com", true},
		{named("*.example.com"), "example.com", false},
		{named(".example.com"), "example.com", true},
		{named(".example.com"), "g.example.com", true},
		{named("www.example.*"), "www.example.org", true},
		{publicOrigin{anyHost: true}, "anything.example", true},
	}
	for _, tt := range tests {
		if got := hostMatches(tt.o, tt.host); got != tt.want {
			t.Errorf("hostMatches(%q, %q) = %v, want %v", tt.o.Host, tt.host, got, tt.want)
		}
	}
}
