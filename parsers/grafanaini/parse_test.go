package grafanaini

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/grafanalint/grafanalint/parsers/model"
)

func pos(line, col int) model.Pos { return model.Pos{File: "t.ini", Line: line, Col: col} }

// onlyKey parses src and returns its only key.
func onlyKey(t *testing.T, src string) *model.IniKey {
	t.Helper()
	f, probs := Parse("t.ini", []byte(src))
	if len(probs) != 0 {
		t.Fatalf("problems: %v", probs)
	}
	checkPositions(t, []byte(src), f)
	var keys []*model.IniKey
	for _, s := range f.Sections {
		keys = append(keys, s.Keys...)
	}
	if len(keys) != 1 {
		t.Fatalf("want 1 key, got %d", len(keys))
	}
	return keys[0]
}

func TestParseValues(t *testing.T) {
	type want struct {
		value   string
		pos     model.Pos
		end     model.Pos
		quote   string
		comment string
		cpos    model.Pos
	}
	tests := []struct {
		name, src string
		want      want
	}{
		{"plain", "k = v\n", want{value: "v", pos: pos(1, 5), end: pos(1, 6)}},
		{"no spaces, colon", "k:v", want{value: "v", pos: pos(1, 3), end: pos(1, 4)}},
		{"trailing blanks", "k =  a b \t \n", want{value: "a b", pos: pos(1, 6), end: pos(1, 9)}},
		{"double quotes stripped", `k = "a b"`, want{value: "a b", pos: pos(1, 6), end: pos(1, 9), quote: `"`}},
		{"single quotes stripped", `k = 'a'`, want{value: "a", pos: pos(1, 6), end: pos(1, 7), quote: `'`}},
		{"hash inside double quotes cuts", `k = "Grafana #ops"`,
			want{value: `"Grafana`, pos: pos(1, 5), end: pos(1, 13), comment: `#ops"`, cpos: pos(1, 14)}},
		{"semicolon cuts", "k = a;b", want{value: "a", pos: pos(1, 5), end: pos(1, 6), comment: ";b", cpos: pos(1, 6)}},
		{"comment only", "k = # nothing", want{value: "", pos: pos(1, 5), end: pos(1, 5), comment: "# nothing", cpos: pos(1, 5)}},
		{"quotes kept when inner quote", `k = "a"b"`, want{value: `"a"b"`, pos: pos(1, 5), end: pos(1, 10)}},
		{"triple quotes keep comment chars", `k = """#pa;ss"""`, want{value: "#pa;ss", pos: pos(1, 8), end: pos(1, 14), quote: `"""`}},
		{"backticks keep comment chars", "k = `a#b`", want{value: "a#b", pos: pos(1, 6), end: pos(1, 9), quote: "`"}},
		{"triple quotes to last quote", `k = """a""" x """b"""`, want{value: `a""" x """b`, pos: pos(1, 8), end: pos(1, 19), quote: `"""`}},
		{"text after closing quote ignored", "k = `v` # c", want{value: "v", pos: pos(1, 6), end: pos(1, 7), quote: "`"}},
		{"tab is one column", "\tk\t=\tv\n", want{value: "v", pos: pos(1, 6), end: pos(1, 7)}},
		{"code points not bytes", "k = é日 # x", want{value: "é日", pos: pos(1, 5), end: pos(1, 7), comment: "# x", cpos: pos(1, 8)}},
		{"CRLF", "k = v\r\n", want{value: "v", pos: pos(1, 5), end: pos(1, 6)}},
		{"UTF-8 BOM not a column", "\uFEFFk = v\n", want{value: "v", pos: pos(1, 5), end: pos(1, 6)}},
		{"empty", "k =\n", want{value: "", pos: pos(1, 4), end: pos(1, 4)}},
		{"empty with blanks", "k =   \r\n", want{value: "", pos: pos(1, 7), end: pos(1, 7)}},
		{"multi-line triple quotes", "k = \"\"\"one\ntwo # kept\n  three\"\"\" after\n",
			want{value: "one\ntwo # kept\n  three", pos: pos(1, 8), end: pos(3, 8), quote: `"""`}},
		{"multi-line backtick", "k = `a\nb`", want{value: "a\nb", pos: pos(1, 6), end: pos(2, 2), quote: "`"}},
		{"quote line ending in backslash continues", "k = `a\nb` x \\\nc`\n",
			want{value: "a\nb` x \\\nc", pos: pos(1, 6), end: pos(3, 2), quote: "`"}},
		{"three quotes alone are a plain value", `k = """`, want{value: `"""`, pos: pos(1, 5), end: pos(1, 8)}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			k := onlyKey(t, tt.src)
			got := want{value: k.Value.V, pos: k.Value.Pos, end: k.Value.End, quote: k.Quote, comment: k.Comment.V, cpos: k.Comment.Pos}
			if d := cmp.Diff(tt.want, got, cmp.AllowUnexported(want{})); d != "" {
				t.Errorf("(-want +got):\n%s", d)
			}
			if d := disagreement([]byte(tt.src)); d != "" {
				t.Errorf("ini.v1: %s", d)
			}
		})
	}
}

func TestParseContinuation(t *testing.T) {
	src := "[database]\nurl = mysql://u:p@h/ \\\n    grafana?tls=true \\\n\tx # not a comment\nnext = 1\n"
	f, probs := Parse("t.ini", []byte(src))
	if len(probs) != 0 {
		t.Fatal(probs)
	}
	checkPositions(t, []byte(src), f)
	keys := f.Sections[0].Keys
	if len(keys) != 2 {
		t.Fatalf("want 2 keys, got %d", len(keys))
	}
	k := keys[0]
	if !k.Continued || k.Value.V != "mysql://u:p@h/ grafana?tls=true x # not a comment" {
		t.Errorf("value %q continued=%v", k.Value.V, k.Continued)
	}
	if k.Value.Pos != pos(2, 7) || k.Value.End != pos(4, 19) || k.Raw.End != pos(4, 19) {
		t.Errorf("value %v-%v raw end %v", k.Value.Pos, k.Value.End, k.Raw.End)
	}
	if k.Comment.IsSet() {
		t.Errorf("comment %q cut from a continued value", k.Comment.V)
	}
	// The key after the joined lines is positioned on its own line.
	if keys[1].Name.Pos != pos(5, 1) || keys[1].Value.Pos != pos(5, 8) {
		t.Errorf("next key at %v, value at %v", keys[1].Name.Pos, keys[1].Value.Pos)
	}
	// A blank line ends a continuation even after a trailing backslash.
	k = onlyKey(t, "k = a\\\n\n")
	if k.Value.V != "a" || k.Value.End != pos(1, 6) {
		t.Errorf("value %q end %v", k.Value.V, k.Value.End)
	}
	if d := disagreement([]byte(src)); d != "" {
		t.Error(d)
	}
}

func TestParseSectionsAndKeys(t *testing.T) {
	src := "a = 1\n[DEFAULT]\nb = 2\n  [ spaced ] # c\n[x] y ] z\n\"q k\" = 3\n- = first\n- = second\n[server]\nx = 1\nx = 2\n[server]\n`raw` = 4\n"
	f, probs := Parse("t.ini", []byte(src))
	if len(probs) != 0 {
		t.Fatal(probs)
	}
	checkPositions(t, []byte(src), f)
	type kv struct{ section, key, value string }
	var got []kv
	var names []string
	for _, s := range f.Sections {
		names = append(names, s.Name.V)
		for _, k := range s.Keys {
			got = append(got, kv{k.Section, k.Name.V, k.Value.V})
		}
	}
	wantNames := []string{"", "DEFAULT", " spaced ", "x] y ", "server", "server"}
	if d := cmp.Diff(wantNames, names); d != "" {
		t.Errorf("sections (-want +got):\n%s", d)
	}
	want := []kv{
		{"", "a", "1"}, {"DEFAULT", "b", "2"},
		{"x] y ", "q k", "3"}, {"x] y ", "#1", "first"}, {"x] y ", "#2", "second"},
		{"server", "x", "1"}, {"server", "x", "2"}, {"server", "raw", "4"},
	}
	if d := cmp.Diff(want, got, cmp.AllowUnexported(kv{})); d != "" {
		t.Errorf("keys (-want +got):\n%s", d)
	}
	if p := f.Sections[2].Name.Pos; p != pos(4, 4) {
		t.Errorf("section name at %v", p)
	}
	if p := f.Sections[3].Keys[0].Name; p.Pos != pos(6, 2) || p.End != pos(6, 5) {
		t.Errorf("quoted key at %v-%v", p.Pos, p.End)
	}
	if d := disagreement([]byte(src)); d != "" {
		t.Error(d)
	}
}

func TestParseProblems(t *testing.T) {
	tests := []struct {
		name, src string
		want      model.Problem
		keys      int // keys read before the problem
	}{
		{"unclosed section", "a = 1\n  [server\nb = 2\n", model.Problem{
			Message: `unclosed section header "[server": expected "]"`, Pos: pos(2, 3), End: pos(2, 10)}, 1},
		{"empty section", "[]\n", model.Problem{
			Message: `empty section name "[]": expected a name between "[" and "]"`, Pos: pos(1, 1), End: pos(1, 3)}, 0},
		{"no delimiter, key-like", "[s]\nenable_gzip\n", model.Problem{
			Message: `expected "=" or ":" after key "enable_gzip": a line must be "key = value", a "[section]" header or a comment (start it with "#")`,
			Pos:     pos(2, 1), End: pos(2, 12)}, 0},
		{"no delimiter, not quoted back", "p4ss w0rd!\n", model.Problem{
			Message: `expected "=" or ":" in this line: a line must be "key = value", a "[section]" header or a comment (start it with "#")`,
			Pos:     pos(1, 1), End: pos(1, 11)}, 0},
		{"empty key name", "  = value\n", model.Problem{
			Message: `missing key name before "=": expected "key = value"`, Pos: pos(1, 3), End: pos(1, 4)}, 0},
		{"unclosed key quote", "\"key = v\n", model.Problem{
			Message: `unclosed quote in key name: expected a closing "`, Pos: pos(1, 1), End: pos(1, 9)}, 0},
		{"empty quoted key", "\"\" = v\n", model.Problem{
			Message: `empty key name: expected a name inside the quotes`, Pos: pos(1, 1), End: pos(1, 5)}, 0},
		{"unclosed triple quotes", "ok = 1\n[database]\npassword = \"\"\"s3cret\nmore\n", model.Problem{
			Message: `unclosed """ in the value of key "password": expected a closing """ before the end of the file`,
			Pos:     pos(3, 12), End: pos(3, 15)}, 1},
		{"unclosed backtick at EOF", "k = `abc", model.Problem{
			Message: "unclosed ` in the value of key \"k\": expected a closing ` before the end of the file",
			Pos:     pos(1, 5), End: pos(1, 6)}, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f, probs := Parse("t.ini", []byte(tt.src))
			tt.want.Kind = model.ProblemSyntax
			if d := cmp.Diff([]model.Problem{tt.want}, probs); d != "" {
				t.Errorf("(-want +got):\n%s", d)
			}
			n := 0
			for _, s := range f.Sections {
				n += len(s.Keys)
			}
			if n != tt.keys {
				t.Errorf("%d keys kept, want %d", n, tt.keys)
			}
			if d := disagreement([]byte(tt.src)); d != "" {
				t.Errorf("ini.v1: %s", d)
			}
		})
	}
}

// TestParseCorpusPositions spot-checks positions in real files.
func TestParseCorpusPositions(t *testing.T) {
	dir := corpusDir(t)
	type check struct {
		section, key string
		value        string
		line, col    int // where the value starts
		quote        string
	}
	files := []struct {
		path   string
		checks []check
	}{
		{"chenkianwee__yun2infinity/grafana/defaults.ini", []check{
			{"", "instance_name", "${HOSTNAME}", 10, 17, ""},
			{"server", "min_tls_version", "", 44, 20, `"`},
			{"server", "root_url", "%(protocol)s://%(domain)s:%(http_port)s/grafana", 60, 12, ""},
			{"grpc_server", "network", "tcp", 112, 12, `"`},
			{"security", "content_security_policy_template", "script-src 'self' 'unsafe-eval'", 448, 39, `"""`},
		}},
		{"CentipedeRTK__centipede/grafana/grafana.ini", []check{
			{"users", "default_theme", "light", 323, 17, ""},
			{"auth.anonymous", "enabled", "true", 383, 11, ""},
			{"auth.anonymous", "org_name", "Main Org.", 386, 12, ""},
			{"auth.basic", "enabled", "false", 501, 11, ""},
		}},
	}
	for _, f := range files {
		path := filepath.Join(dir, filepath.FromSlash(f.path))
		src, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		file, probs := Parse(f.path, src)
		if len(probs) != 0 {
			t.Fatalf("%s: %v", f.path, probs)
		}
		for _, c := range f.checks {
			k := findKey(file, c.section, c.key)
			if k == nil {
				t.Errorf("%s: [%s] %s not found", f.path, c.section, c.key)
				continue
			}
			want := model.Pos{File: f.path, Line: c.line, Col: c.col}
			if k.Value.Pos != want || k.Quote != c.quote || len(k.Value.V) < len(c.value) || k.Value.V[:len(c.value)] != c.value {
				t.Errorf("%s: [%s] %s = %q at %v quote %q; want %q… at %v quote %q",
					f.path, c.section, c.key, k.Value.V, k.Value.Pos, k.Quote, c.value, want, c.quote)
			}
		}
		// Section headers: the name starts just after "[".
		if f.path == "CentipedeRTK__centipede/grafana/grafana.ini" {
			for _, s := range file.Sections {
				if s.Name.V == "auth.anonymous" && s.Name.Pos != (model.Pos{File: f.path, Line: 381, Col: 2}) {
					t.Errorf("[auth.anonymous] at %v", s.Name.Pos)
				}
			}
		}
	}
}

func findKey(f *model.IniFile, section, key string) *model.IniKey {
	var found *model.IniKey
	for _, s := range f.Sections {
		for _, k := range s.Keys {
			if canonSection(k.Section) == section && k.Name.V == key {
				found = k
			}
		}
	}
	return found
}
