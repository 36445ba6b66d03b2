package nginxsem

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/grafanalint/grafanalint/parsers/model"
)

// FuzzSelect selects locations for arbitrary URIs: no panic, and a chain
// whose links are nested in one another and never a named location.
func FuzzSelect(f *testing.F) {
	for _, s := range []string{"/", "/exact", "/api/v2/x", "/grafana", "/%2e%2e/", "/a//b/../c?x", "/docs/intro", "/looking", "/repx"} {
		f.Add(s)
	}
	cfg := load(f, selectConf)
	s := cfg.Servers[0]
	f.Fuzz(func(t *testing.T, uri string) {
		m, err := Select(s, uri)
		if err != nil {
			return
		}
		if !strings.HasPrefix(m.URI, "/") {
			t.Fatalf("URI %q", m.URI)
		}
		for i, l := range m.Chain {
			if isNamed(l) {
				t.Fatalf("named location chosen for %q", uri)
			}
			if i > 0 && l.Parent != m.Chain[i-1] {
				t.Fatalf("chain %s is not nested", chainSpec(m.Chain))
			}
		}
		_ = m.Why()
	})
}

// FuzzUpstream builds a location by hand from fuzzed pieces (path,
// proxy_pass argument, rewrite regex and replacement) and maps a fuzzed
// URI through it: no panic, and a known upstream URI never holds a
// variable reference that was supposed to be resolved.
func FuzzUpstream(f *testing.F) {
	f.Add("/api/live", "http://g:3000/", "", "", "/api/live/ws")
	f.Add("/", "http://g:3000", "^/(.*)", "/$1", "/api/live/ws?x=1")
	f.Add("/grafana/", "$target", "^/grafana/(.*)$", "/$1 break", "/grafana/a")
	f.Add("~ ^/re/(.*)$", "http://g/$1", "", "", "/re/x")
	f.Add("/x", "http://unix:/s:/u", "(?=a)", "/b?c", "/x%20y")
	f.Add("= /e", "https://[::1]:8443/e", "^", "http://x", "/e")
	f.Fuzz(func(t *testing.T, path, pass, re, repl, uri string) {
		mod := ""
		if m, p, ok := strings.Cut(path, " "); ok {
			mod, path = m, p
		}
		var ds []*model.Directive
		if re != "" {
			args := []string{re}
			args = append(args, strings.Fields(repl)...)
			if len(args) == 1 {
				args = append(args, "/")
			}
			ds = append(ds, buildDirective("rewrite", args...))
		}
		ds = append(ds, buildDirective("set", "$target", "http://grafana:3000"))
		ds = append(ds, buildDirective("proxy_pass", pass))
		l := buildLoc(mod, path, ds)
		s := buildServer(l)
		p, err := Upstream(l, uri)
		if err == nil && p.Known && strings.Contains(pass, "$target") && strings.Contains(p.Target.URL, "$target") {
			t.Fatalf("unresolved variable in %q", p.Target.URL)
		}
		if r, err := Follow(s, uri); err == nil && r.Pass != nil && r.Pass.Known && r.Pass.Handler != "proxy" {
			t.Fatalf("known upstream URI without proxy_pass")
		}
	})
}

// FuzzNormalizeURI checks NormalizeURI's output shape.
func FuzzNormalizeURI(f *testing.F) {
	for _, s := range []string{"/", "/a/./b/../c", "//x//y", "/%41%2F?q", "http://h/p", "/..", "/a/.."} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		p, _, err := NormalizeURI(raw, true)
		if err != nil {
			return
		}
		if !strings.HasPrefix(p, "/") || strings.Contains(p, "//") {
			t.Fatalf("NormalizeURI(%q) = %q", raw, p)
		}
		for _, seg := range strings.Split(p, "/") {
			if seg == "." || seg == ".." {
				t.Fatalf("NormalizeURI(%q) = %q keeps a dot segment", raw, p)
			}
		}
	})
}

// FuzzUsedVariables checks reference positions: each inside the value, in
// order, with a valid name.
func FuzzUsedVariables(f *testing.F) {
	for _, s := range []string{"$host", "${a}b$1", "a\"b$c", "x\n  $y é$z", "$", "${"} {
		f.Add(s, true)
	}
	addCorpusSeeds(f, func(text string) { f.Add(text, false) })
	f.Fuzz(func(t *testing.T, v string, withEnd bool) {
		a := model.Str{V: v, Pos: model.Pos{Line: 1, Col: 1}}
		if withEnd {
			a.End = advance(a.Pos, v, false)
		}
		d := &model.Directive{Name: model.Str{V: "return"}, Args: []model.Str{a}}
		prev := model.Pos{}
		for _, r := range UsedVariables(d) {
			if !isVarName(r.V) || r.Pos.Less(prev) || !r.Pos.Less(r.End) {
				t.Fatalf("reference %+v in %q", r, v)
			}
			prev = r.Pos
		}
	})
}

// FuzzRegex checks the PCRE handling: no panic; for patterns Go accepts,
// rewriting keeps the meaning; a definite verdict never contradicts Go's
// own answer.
func FuzzRegex(f *testing.F) {
	for _, p := range []string{`^/api/`, `^/look(?=ahead)`, `(?<!x)y`, `a++`, `(a)\1`, `[(?=]`, `(?'n'x)`, `\.(png|jpg)$`, `(?(1)a)`} {
		f.Add(p, "/api/x.png")
	}
	addCorpusSeeds(f, func(text string) {
		for _, m := range regexp.MustCompile(`location\s+~\*?\s+(\S+)`).FindAllStringSubmatch(text, -1) {
			f.Add(m[1], "/api/live/ws")
		}
	})
	f.Fuzz(func(t *testing.T, p, s string) {
		if !utf8.ValidString(p) {
			return
		}
		v, _, _ := regexMatch(p, false, s)
		re, err := regexp.Compile(p)
		if err != nil {
			return
		}
		if v != verdictMatch && v != verdictNoMatch {
			t.Fatalf("Go accepts %q but the verdict is unknown", p)
		}
		if (v == verdictMatch) != re.MatchString(s) {
			t.Fatalf("%q on %q: verdict %d, Go says %v", p, s, v, re.MatchString(s))
		}
		if r, ok := relaxPCRE(p); ok {
			rre, err := regexp.Compile(r)
			if err != nil {
				t.Fatalf("relaxPCRE(%q) = %q does not compile: %v", p, r, err)
			}
			if re.MatchString(s) && !rre.MatchString(s) {
				t.Fatalf("relaxPCRE(%q) = %q matches less", p, r)
			}
		}
	})
}

// addCorpusSeeds calls add with the text of our testdata configs and, when
// present, the corpus's nginx files.
func addCorpusSeeds(f *testing.F, add func(string)) {
	files, _ := filepath.Glob(filepath.Join("testdata", "*.conf"))
	dir := filepath.Join("..", "..", "..", "shared", "corpus", "real")
	if _, err := os.Stat(dir); err == nil {
		for _, rel := range corpusNginxFiles(f, dir) {
			files = append(files, filepath.Join(dir, rel))
		}
	}
	for _, p := range files {
		if b, err := os.ReadFile(p); err == nil {
			add(string(b))
		}
	}
}

// BenchmarkSelect selects locations in a server with 300 prefix locations
// (some nested) and 40 regex locations.
func BenchmarkSelect(b *testing.B) {
	var sb strings.Builder
	sb.WriteString("server {\n")
	for i := 0; i < 300; i++ {
		sb.WriteString("    location /app" + itoa(i) + "/ { location /app" + itoa(i) + "/api/ { } }\n")
	}
	for i := 0; i < 40; i++ {
		sb.WriteString("    location ~ ^/re" + itoa(i) + "/(.*)\\.(js|css)$ { }\n")
	}
	sb.WriteString("    location / { }\n}\n")
	cfg := load(b, sb.String())
	s := cfg.Servers[0]
	uris := []string{"/app150/api/live/ws", "/re39/x.css", "/nothing/here", "/app7/x"}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := Select(s, uris[i%len(uris)]); err != nil {
			b.Fatal(err)
		}
	}
}
