package nginx

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/grafanalint/grafanalint/parsers/model"
)

// syntaxCases are the fixtures of testdata/syntax: the one problem each
// must give, and what the real nginx says about the file (checked when
// nginx is installed).
var syntaxCases = []struct {
	file string
	pos  string // line:col of the problem
	msg  string // the message starts with it
	// nginx is the real nginx's verdict: the line it reports is ours,
	// except where noted.
	nginx string
}{
	// nginx reads the BOM as part of the first name: unknown directive.
	{"bom.conf", "1:1", "the file starts with a UTF-8 byte order mark", "env:1"},
	{"brace-in-map.conf", "2:13", `unexpected "{" in a "map" block`, "syntax:2"},
	{"eof-in-block.conf", "6:1", `unexpected end of file, expecting "}" to close the "server" block opened at line 1`, "syntax:6"},
	{"eof-in-directive.conf", "4:25", `unexpected end of file, expecting ";" or "}"`, "syntax:4"},
	{"include-args.conf", "2:5", `invalid number of arguments in "include" directive`, "syntax:2"},
	{"lone-semicolon.conf", "2:15", `unexpected ";"`, "syntax:2"},
	{"lua-eof.conf", "3:30", `unexpected end of file, expecting "}" to close this Lua block`, "syntax:3"},
	{"missing-semicolon.conf", "3:16", `directive "listen" is not terminated by ";" (is a ";" missing after "80" on line 2?)`, "syntax:3"},
	{"no-opening.conf", "3:16", `directive "location" has no opening "{"`, "syntax:3"},
	{"quote-then-word.conf", "2:23", `unexpected "b" after a quoted string`, "syntax:2"},
	{"stray-brace.conf", "4:1", `unexpected "}"`, "syntax:4"},
	// nginx: directive "server_name" is not terminated by ";".
	{"template-eof.conf", "2:17", `unexpected end of file, expecting "}}" to close this template placeholder`, "syntax:2"},
	// nginx reports the end of the file (line 5); we point at the quote
	// that is never closed.
	{"unterminated-quote.conf", "3:16", `unexpected end of file, expecting "\"" to close this quoted string`, "syntax:5"},
	{"upstream-server-block.conf", "2:27", `directive "server" is not terminated by ";"`, "syntax:2"},
}

func TestSyntaxErrors(t *testing.T) {
	root := testdataAbs(t, "syntax")
	entries, err := os.ReadDir(root)
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) != len(syntaxCases) {
		t.Errorf("testdata/syntax has %d files, the table %d", len(entries), len(syntaxCases))
	}
	for _, c := range syntaxCases {
		t.Run(c.file, func(t *testing.T) {
			cfg, problems := Load(filepath.Join(root, c.file), Options{Root: root})
			if len(problems) != 1 {
				t.Fatalf("want one problem, got %+v", problems)
			}
			p := problems[0]
			if p.Kind != model.ProblemSyntax || p.Pos.String() != c.file+":"+c.pos || !strings.HasPrefix(p.Message, c.msg) {
				t.Errorf("got %s %s %q\nwant %s:%s syntax %q...", p.Pos, p.Kind, p.Message, c.file, c.pos, c.msg)
			}
			if !cfg.Partial {
				t.Error("a syntax error must make the tree partial")
			}
		})
	}
}

func TestSyntaxErrorsWithNginx(t *testing.T) {
	bin := nginxBinary(t)
	root := testdataAbs(t, "syntax")
	for _, c := range syntaxCases {
		t.Run(c.file, func(t *testing.T) {
			if strings.HasPrefix(c.file, "lua") && !luaModuleAvailable() {
				t.Skip("nginx has no Lua module (apt-get install -y libnginx-mod-http-lua)")
			}
			src, err := os.ReadFile(filepath.Join(root, c.file))
			if err != nil {
				t.Fatal(err)
			}
			if v := runNginx(t, bin, src); v.String() != c.nginx {
				t.Errorf("nginx says %s (%s), the table %s", v, v.msg, c.nginx)
			}
		})
	}
}

// TestFixturesWithNginx checks that nginx accepts every fixture that is
// meant to be valid (all but the syntax errors and the Jinja template).
func TestFixturesWithNginx(t *testing.T) {
	bin := nginxBinary(t)
	root := testdataAbs(t, "")
	err := filepath.WalkDir(root, func(p string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(root, p)
		if d.IsDir() {
			if rel == "syntax" || rel == "golden" || rel == "fuzz" {
				return filepath.SkipDir
			}
			return nil
		}
		if rel == filepath.Join("template", "jinja.conf") || strings.HasPrefix(filepath.Base(rel), ".") {
			return nil
		}
		t.Run(rel, func(t *testing.T) {
			if strings.HasPrefix(rel, "lua") && !luaModuleAvailable() {
				t.Skip("nginx has no Lua module")
			}
			src, err := os.ReadFile(p)
			if err != nil {
				t.Fatal(err)
			}
			if strings.HasSuffix(rel, ".template") {
				// What the nginx image's envsubst would write.
				src = []byte(os.Expand(string(src), func(v string) string {
					return map[string]string{"NGINX_PORT": "8080", "SERVER_NAME": "example.com", "GRAFANA_HOST": "127.0.0.1"}[v]
				}))
			}
			if v := runNginx(t, bin, src); v.kind != "ok" {
				t.Errorf("nginx rejects it: %s %s", v, v.msg)
			}
		})
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}
