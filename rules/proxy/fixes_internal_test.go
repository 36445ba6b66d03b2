package proxy

import (
	"io/fs"
	"path"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/grafanalint/grafanalint/parsers/model"
	"github.com/grafanalint/grafanalint/parsers/nginx"
	"github.com/grafanalint/grafanalint/parsers/nginxsem"
)

// loadFiles loads /t/nginx.conf from files (paths under /t).
func loadFiles(t *testing.T, files map[string]string) *model.NginxConfig {
	t.Helper()
	cfg, probs := nginx.Load("/t/nginx.conf", nginx.Options{
		Root: "/t",
		ReadFile: func(p string) ([]byte, error) {
			if s, ok := files[p]; ok {
				return []byte(s), nil
			}
			return nil, fs.ErrNotExist
		},
		Glob: func(pat string) ([]string, error) {
			var out []string
			for p := range files {
				if ok, _ := path.Match(pat, p); ok {
					out = append(out, p)
				}
			}
			return out, nil
		},
		Display: func(abs string) string { return abs },
	})
	for _, p := range probs {
		if p.Kind == model.ProblemSyntax {
			t.Fatalf("%s: %s", p.Pos, p.Message)
		}
	}
	return cfg
}

// TestRepeated: the lines a location repeats when it sets its first
// proxy_set_header are what it inherits, written back so nginx reads the
// same values; an include that brings only headers (or Debian's packaged
// proxy_params) is repeated as the include.
func TestRepeated(t *testing.T) {
	tests := []struct {
		name   string
		server string
		extra  map[string]string
		want   string
	}{
		{"own lines: nothing to repeat", "proxy_set_header A 1;\nlocation / { proxy_set_header B 2; proxy_pass http://g:3000; }", nil, ""},
		{"nothing inherited", "location / { proxy_pass http://g:3000; }", nil, ""},
		{"server lines, values quoted as nginx needs", "proxy_set_header Host $host;\nproxy_set_header X-Note \"a b;c\";\nproxy_set_header Accept-Encoding \"\";\nlocation / { proxy_pass http://g:3000; }", nil,
			"proxy_set_header Host $host;\nproxy_set_header X-Note \"a b;c\";\nproxy_set_header Accept-Encoding \"\";"},
		{"packaged proxy_params as the include", "include proxy_params;\nlocation / { proxy_pass http://g:3000; }", nil, "include proxy_params;"},
		{"a file of headers only as the include", "include snippets/headers.conf;\nlocation / { proxy_pass http://g:3000; }",
			map[string]string{"/t/snippets/headers.conf": "proxy_set_header Host $host;\nproxy_set_header X-Real-IP $remote_addr;\n"}, "include snippets/headers.conf;"},
		{"a file with other directives: its header lines", "include snippets/proxy.conf;\nlocation / { proxy_pass http://g:3000; }",
			map[string]string{"/t/snippets/proxy.conf": "proxy_set_header Host $host;\nproxy_read_timeout 90s;\n"}, "proxy_set_header Host $host;"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			files := map[string]string{"/t/nginx.conf": "events {}\nhttp {\nserver {\nlisten 80;\n" + tt.server + "\n}\n}\n"}
			for k, v := range tt.extra {
				files[k] = v
			}
			cfg := loadFiles(t, files)
			loc := cfg.Servers[0].Locations[0]
			got, _, _, ok := repeated(nginxsem.New(cfg), loc)
			if !ok {
				t.Fatal("not repeatable")
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}

func TestCredentialHeader(t *testing.T) {
	for name, want := range map[string]bool{
		"Authorization": true, "Proxy-Authorization": true, "Cookie": true, "X-Api-Key": true, "X-Auth-Token": true,
		"Host": false, "X-Forwarded-For": false, "Upgrade": false, "Connection": false,
	} {
		if got := credentialHeader(name); got != want {
			t.Errorf("credentialHeader(%q) = %v, want %v", name, got, want)
		}
	}
}

func TestDirectTarget(t *testing.T) {
	for target, want := range map[string]bool{
		"http://grafana:3000": true, "http://127.0.0.1:3000": true, "http://[::1]:3000": true, "http://localhost:3000/": true,
		"http://unix:/run/grafana.sock": true, "http://grafana.internal.example.net:3000": false, "https://grafana.example.com": false,
	} {
		if got := directTarget(&nginxsem.GrafanaProxy{Target: target}); got != want {
			t.Errorf("directTarget(%q) = %v, want %v", target, got, want)
		}
	}
}
