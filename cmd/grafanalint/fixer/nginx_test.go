package fixer

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/grafanalint/grafanalint/parsers/model"
	"github.com/grafanalint/grafanalint/rules/proxy/fronting"
	"github.com/grafanalint/grafanalint/rules/proxy/realnginx"
)

// nginxBinary finds nginx, or skips (fails under CI=true).
func nginxBinary(t *testing.T) string {
	t.Helper()
	bin, err := realnginx.Binary()
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal(err)
		}
		t.Skip(err)
	}
	return bin
}

// packagedStandIns are the files nginx packages install that the fix
// cases include without holding them: Debian's proxy_params (1.22.1-9)
// and a mime.types.
var packagedStandIns = map[string]string{
	"proxy_params": "proxy_set_header Host $http_host;\nproxy_set_header X-Real-IP $remote_addr;\n" +
		"proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;\nproxy_set_header X-Forwarded-Proto $scheme;\n",
	"mime.types": "types {\n    text/html html;\n}\n",
}

// TestFixedNginxWithRealNginx runs nginx -t on every nginx configuration
// of the fix cases that --fix changes, as --fix leaves it, the bytes as written (the main
// file with -c, a conf.d file or snippet included from a minimal
// nginx.conf): nginx must accept each one. The undefined-variable cases
// must be refused before the fix, so the check can fail.
func TestFixedNginxWithRealNginx(t *testing.T) {
	bin := nginxBinary(t)
	cases, _ := filepath.Glob(filepath.Join(fixRoot, "*", "*", "*"))
	checked := 0
	for _, dir := range cases {
		in := readTree(t, filepath.Join(dir, "in"))
		if !hasNginx(in) || strings.HasPrefix(filepath.Base(dir), "nofix-") {
			continue
		}
		rel, _ := filepath.Rel(fixRoot, dir)
		t.Run(filepath.ToSlash(rel), func(t *testing.T) {
			fixed := map[string][]byte{}
			for p, b := range in {
				fixed[p] = b
			}
			changed := map[string]bool{}
			for p, b := range readTree(t, filepath.Join(dir, "want")) {
				fixed[p] = b
				changed[p] = true
			}
			errs := nginxT(t, bin, fixed, changed)
			if len(errs) == 0 {
				t.Skip("the fix changes no nginx file")
			}
			for conf, err := range errs {
				if err != nil {
					t.Errorf("%s: nginx refuses the fixed configuration: %v", conf, err)
				}
			}
			checked += len(errs)
			if strings.Contains(rel, "undefined-variable") {
				refused := false
				for _, err := range nginxT(t, bin, in, changed) {
					refused = refused || err != nil && strings.Contains(err.Error(), "unknown")
				}
				if !refused {
					t.Error("nginx accepts the configuration before the fix: the case shows nothing")
				}
			}
		})
	}
	if checked < 10 {
		t.Errorf("only %d fixed nginx configurations checked", checked)
	}
}

func hasNginx(tree map[string][]byte) bool {
	for p := range tree {
		if strings.HasPrefix(p, "nginx/") {
			return true
		}
	}
	return false
}

var includeArg = regexp.MustCompile(`(?m)^\s*include\s+([^\s;]+)\s*;`)

// nginxT writes tree to a directory and runs nginx -t on each nginx
// configuration the linter loads from it that reads one of the files
// changed, returning nginx's verdict per configuration (display path).
func nginxT(t *testing.T, bin string, tree map[string][]byte, changed map[string]bool) map[string]error {
	t.Helper()
	tmp := t.TempDir()
	writeTree(t, tmp, tree)
	m, _ := lint(t, tmp)
	out := map[string]error{}
	for _, cfg := range nginxConfigs(m) {
		reads := false
		for _, f := range cfg.Files {
			reads = reads || changed[f]
		}
		if !reads {
			continue
		}
		main := filepath.Join(tmp, filepath.FromSlash(cfg.Path))
		dir := filepath.Dir(main)
		conf := main
		if cfg.Fragment {
			// A conf.d file: nginx reads it inside the http block of an
			// nginx.conf elsewhere.
			conf = filepath.Join(t.TempDir(), "nginx.conf")
			if err := os.WriteFile(conf, []byte("events {}\nhttp {\n    include "+main+";\n}\n"), 0o644); err != nil {
				t.Fatal(err)
			}
		}
		for _, f := range cfg.Files {
			b := tree[f]
			for _, mm := range includeArg.FindAllStringSubmatch(string(b), -1) {
				name := mm[1]
				if content, ok := packagedStandIns[filepath.Base(name)]; ok && !filepath.IsAbs(name) {
					p := filepath.Join(filepath.Dir(conf), name)
					if _, err := os.Stat(p); os.IsNotExist(err) {
						if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
							t.Fatal(err)
						}
					}
				}
			}
		}
		out[cfg.Path] = realnginx.Check(bin, dir, conf)
	}
	return out
}

// nginxConfigs returns the nginx configurations of m's stacks, each once.
func nginxConfigs(m *model.Model) []*model.NginxConfig {
	seen := map[string]bool{}
	var out []*model.NginxConfig
	for _, st := range m.Stacks {
		for _, cfg := range st.Nginx {
			if !seen[cfg.Path] {
				seen[cfg.Path] = true
				out = append(out, cfg)
			}
		}
	}
	return out
}

// renderedCheck runs nginx -t on each configuration of m that reads one
// of the files, rendered for a loopback run (realnginx.Render: includes
// spliced, TLS and paths that need root dropped, upstreams pointed at
// loopback), so that configurations written for another machine load
// here, leaving out the directives of drop (those of modules this nginx
// lacks); it returns nginx's verdict per configuration.
func renderedCheck(t *testing.T, bin string, m *model.Model, files, drop map[string]bool) map[string]error {
	t.Helper()
	out := map[string]error{}
	for _, st := range m.Stacks {
		hints := fronting.Analyze(st).Hints
		for _, cfg := range st.Nginx {
			if _, done := out[cfg.Path]; done {
				continue
			}
			reads := false
			for _, f := range cfg.Files {
				reads = reads || files[f]
			}
			if !reads {
				continue
			}
			text := realnginx.Render(cfg, realnginx.Options{
				Host: "127.0.0.1", Port: func(p int) int { return p },
				Grafana: "127.0.0.1:3000", Other: "127.0.0.1:3001", Hints: hints, Drop: drop,
			})
			out[cfg.Path] = realnginx.CheckText(bin, t.TempDir(), text)
		}
	}
	return out
}

// unknownDirective is nginx's message for a directive of a module it
// lacks.
var unknownDirective = regexp.MustCompile(`unknown directive "([^"]+)"`)

// moduleDirectives returns the directives nginx did not know in errs:
// modules this nginx lacks (nginx-light has no vhost_traffic_status …).
func moduleDirectives(errs map[string]error) []string {
	var out []string
	for _, err := range errs {
		if err == nil {
			continue
		}
		if m := unknownDirective.FindStringSubmatch(err.Error()); m != nil {
			out = append(out, m[1])
		}
	}
	return out
}
