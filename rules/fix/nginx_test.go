package fix_test

import (
	"io/fs"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/grafanalint/grafanalint/parsers/model"
	"github.com/grafanalint/grafanalint/parsers/nginx"
	"github.com/grafanalint/grafanalint/rules/fix"
)

// load parses src as an nginx main file.
func load(t *testing.T, src string) *model.NginxConfig {
	t.Helper()
	cfg, probs := nginx.Load("/t/nginx.conf", nginx.Options{
		Root: "/t",
		ReadFile: func(p string) ([]byte, error) {
			if p == "/t/nginx.conf" {
				return []byte(src), nil
			}
			return nil, fs.ErrNotExist
		},
		Glob:    func(string) ([]string, error) { return nil, nil },
		Display: func(string) string { return "nginx.conf" },
	})
	for _, p := range probs {
		if p.Kind == model.ProblemSyntax {
			t.Fatalf("%s: %s", p.Pos, p.Message)
		}
	}
	return cfg
}

// TestNginxWord: nginx's lexer (our parser follows it) reads every word
// back as the value written.
func TestNginxWord(t *testing.T) {
	values := []string{"$host", "upgrade", "", "a b", `say "hi"`, `back\slash`, "it's", "x;y", "{braces}", "#hash", "tab\there", "line\nbreak", "$host:$server_port", "${var}x", "ünïcode"}
	var b strings.Builder
	b.WriteString("http {\n")
	for _, v := range values {
		b.WriteString("    proxy_set_header X " + fix.NginxWord(v) + ";\n")
	}
	b.WriteString("}\n")
	cfg := load(t, b.String())
	var got []string
	for _, d := range cfg.Directives[0].Block {
		got = append(got, d.Args[1].V)
	}
	if diff := cmp.Diff(values, got); diff != "" {
		t.Errorf("values read back (-written +read):\n%s\n%s", diff, b.String())
	}
	if w := fix.NginxWord("$http_upgrade"); w != "$http_upgrade" {
		t.Errorf("a plain variable is written %q, want it bare", w)
	}
}

// TestInsertion finds where lines can go in a location block, and refuses
// the places that are not certain.
func TestInsertion(t *testing.T) {
	tests := []struct {
		name, block string
		// after is the index of the directive to insert after (-1: after
		// the "{" line).
		after int
		want  fix.Insertion
		ok    bool
	}{
		{"after a directive that ends its line", "location / {\n    proxy_set_header Host $host; # keep\n    proxy_pass http://g;\n}", 0,
			fix.Insertion{At: model.Pos{File: "nginx.conf", Line: 3, Col: 33}, Indent: model.Pos{File: "nginx.conf", Line: 3, Col: 5}}, true},
		{"not after a directive another follows on its line", "location / {\n    proxy_set_header Host $host; proxy_pass http://g;\n}", 0, fix.Insertion{}, false},
		{"inline after the last directive the closing brace follows", "location / {\n    proxy_set_header Host $host;\n    proxy_pass http://g; }", 1,
			fix.Insertion{Inline: true, At: model.Pos{File: "nginx.conf", Line: 4, Col: 25}}, true},
		{"inline after the only directive, the closing brace on its line", "location / {\n    proxy_set_header Host $host; }", 0,
			fix.Insertion{Inline: true, At: model.Pos{File: "nginx.conf", Line: 3, Col: 33}}, true},
		{"inline in a one-line block", "location / { proxy_pass http://g; }", 0,
			fix.Insertion{Inline: true, At: model.Pos{File: "nginx.conf", Line: 2, Col: 34}}, true},
		{"after the brace line", "location /\n{ # grafana\n    proxy_pass http://g;\n}", -1,
			fix.Insertion{At: model.Pos{File: "nginx.conf", Line: 3, Col: 1}, Indent: model.Pos{File: "nginx.conf", Line: 4, Col: 5}}, true},
		{"not after the brace line the first directive shares", "location /\n{ proxy_pass http://g;\n}", -1, fix.Insertion{}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := load(t, "http {\n"+tt.block+"\n}\n")
			loc := cfg.Directives[0].Block[0]
			own := fix.OwnDirectives(loc)
			var in fix.Insertion
			var ok bool
			if tt.after < 0 {
				in, ok = fix.InsertFirst(loc, own)
			} else {
				in, ok = fix.InsertAfter(loc, own, tt.after)
			}
			if ok != tt.ok {
				t.Fatalf("ok = %v, want %v (%+v)", ok, tt.ok, in)
			}
			if diff := cmp.Diff(tt.want, in); ok && diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}

// TestOwnDirectives leaves out what includes brought into a block.
func TestOwnDirectives(t *testing.T) {
	cfg := load(t, "http {\n    include proxy_params;\n    server { listen 80; }\n}\n")
	var names []string
	for _, d := range fix.OwnDirectives(cfg.Directives[0]) {
		names = append(names, d.Name.V)
	}
	if diff := cmp.Diff([]string{"include", "server"}, names); diff != "" {
		t.Errorf("own directives (-want +got):\n%s", diff)
	}
	if n := len(cfg.Directives[0].Block); n <= 2 {
		t.Errorf("the packaged proxy_params was not spliced in (%d directives): the test shows nothing", n)
	}
}
