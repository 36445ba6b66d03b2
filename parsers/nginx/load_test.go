package nginx

import (
	"encoding/json"
	"flag"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/google/go-cmp/cmp"

	"github.com/grafanalint/grafanalint/parsers/model"
)

var update = flag.Bool("update", false, "rewrite the golden files")

// goldenCase loads main (relative to testdata) with Root set to
// testdata/root.
type goldenCase struct {
	name, root, main string
	opts             Options
}

var goldenCases = []goldenCase{
	{name: "basic", root: "basic", main: "nginx.conf"},
	{name: "etcmap", root: "etcmap", main: "nginx/nginx.conf"},
	{name: "etcmap-fragment", root: "etcmap", main: "nginx/sites-available/grafana"},
	{name: "etcmap-prefix", root: "etcmap", main: "nginx/sites-available/grafana", opts: Options{Prefix: "nginx/sites-available"}},
	{name: "rootetc", root: "rootetc", main: "deploy/nginx.conf"},
	{name: "cycle", root: "cycle", main: "nginx.conf"},
	{name: "cycle-self", root: "cycle", main: "self.conf"},
	{name: "missing", root: "missing", main: "nginx.conf"},
	{name: "packaged", root: "packaged", main: "nginx.conf"},
	{name: "packaged-present", root: "packaged/present", main: "nginx.conf"},
	{name: "lua-site", root: "lua", main: "site.conf"},
	{name: "lua-simple", root: "lua", main: "simple.conf"},
	{name: "template-envsubst", root: "template", main: "site.conf.template"},
	{name: "template-jinja", root: "template", main: "jinja.conf"},
	{name: "oneline", root: "oneline", main: "grafana.conf"},
	{name: "words", root: "oneline", main: "words.conf"},
	{name: "fragment-vhost", root: "fragment", main: "conf.d/vhost.conf"},
	{name: "fragment-locations", root: "fragment", main: "locations.conf"},
	{name: "fragment-bare", root: "fragment", main: "bare.conf"},
}

func init() {
	entries, err := os.ReadDir("testdata/syntax")
	if err != nil {
		return
	}
	for _, e := range entries {
		goldenCases = append(goldenCases, goldenCase{
			name: "syntax-" + strings.TrimSuffix(e.Name(), ".conf"), root: "syntax", main: e.Name(),
		})
	}
}

func testdataAbs(t testing.TB, rel string) string {
	t.Helper()
	abs, err := filepath.Abs(filepath.Join("testdata", rel))
	if err != nil {
		t.Fatal(err)
	}
	return abs
}

// readers lists which parser's tree is used for each file of cfg.
func readers(t *testing.T, root string, cfg *model.NginxConfig) string {
	var b strings.Builder
	for _, f := range cfg.Files {
		src, err := os.ReadFile(filepath.Join(root, filepath.FromSlash(f)))
		if err != nil {
			t.Fatal(err)
		}
		fmt.Fprintf(&b, "  %s: %s\n", f, parseFile(string(src)).reader)
	}
	return b.String()
}

func TestLoadGolden(t *testing.T) {
	for _, c := range goldenCases {
		t.Run(c.name, func(t *testing.T) {
			root := testdataAbs(t, c.root)
			opts := c.opts
			opts.Root = root
			cfg, problems := Load(filepath.Join(root, c.main), opts)
			checkTree(t, root, cfg)
			got := dump(cfg, problems) + "readers:\n" + readers(t, root, cfg)
			golden := filepath.Join("testdata", "golden", c.name+".golden")
			if *update {
				if err := os.MkdirAll(filepath.Dir(golden), 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(golden, []byte(got), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("%v (run with -update to create it)", err)
			}
			if diff := cmp.Diff(strings.Split(string(want), "\n"), strings.Split(got, "\n")); diff != "" {
				t.Errorf("dump differs from %s (-want +got):\n%s", golden, diff)
			}
		})
	}
}

// checkPackaged checks a directive assumed from a packaged file: written
// nowhere, every value is at the argument of the include that brought it
// in, which sits in the same block.
func checkPackaged(t *testing.T, d, parent *model.Directive) {
	t.Helper()
	inc := d.IncludedBy
	if inc == nil || inc.Name.V != "include" || len(inc.Args) != 1 || d.Parent != parent || inc.Parent != parent || len(d.Block) != 0 {
		t.Errorf("packaged directive %q at %s: bad links", d.Name.V, d.Pos())
		return
	}
	want := inc.Args[0]
	for _, s := range append([]model.Str{d.Name}, d.Args...) {
		if s.Pos != want.Pos || s.End != want.End {
			t.Errorf("packaged value %q at %v-%v, want the include's argument %v-%v", s.V, s.Pos, s.End, want.Pos, want.End)
		}
	}
	if d.End != want.End {
		t.Errorf("packaged directive %q ends at %v, want %v", d.Name.V, d.End, want.End)
	}
}

// checkTree checks invariants every loaded tree must hold: each value's
// position spans exactly its text in the file (nginx's escapes applied),
// ends follow starts, Parent and IncludedBy are consistent.
func checkTree(t *testing.T, root string, cfg *model.NginxConfig) {
	t.Helper()
	lines := map[string][]string{}
	text := func(file string) []string {
		if l, ok := lines[file]; ok {
			return l
		}
		src, err := os.ReadFile(filepath.Join(root, filepath.FromSlash(file)))
		if err != nil {
			t.Fatalf("reading %s: %v", file, err)
		}
		l := strings.Split(strings.TrimPrefix(string(src), "\ufeff"), "\n")
		lines[file] = l
		return l
	}
	span := func(s model.Str) string {
		got, err := spanText(text(s.Pos.File), s)
		if err != "" {
			t.Errorf("%s-%d:%d: %s", s.Pos, s.End.Line, s.End.Col, err)
		}
		return got
	}
	checkStr := func(what string, s model.Str, raw bool) {
		if !s.Pos.IsValid() || s.Pos.File == "" || s.End.File != s.Pos.File {
			t.Errorf("%s %q: bad position %+v-%+v", what, s.V, s.Pos, s.End)
			return
		}
		if s.End.Less(s.Pos) {
			t.Errorf("%s %q: end %v before start %v", what, s.V, s.End, s.Pos)
		}
		got := span(s)
		if !raw {
			got = unescape(got)
		}
		if got != s.V {
			t.Errorf("%s at %s: the text there is %q, the value %q", what, s.Pos, got, s.V)
		}
	}
	var walk func(ds []*model.Directive, parent *model.Directive)
	walk = func(ds []*model.Directive, parent *model.Directive) {
		for _, d := range ds {
			if d.Packaged != "" {
				checkPackaged(t, d, parent)
				continue
			}
			checkStr("name", d.Name, false)
			last := d.Name
			for _, a := range d.Args {
				checkStr("argument", a, false)
				if a.Pos.Less(last.End) {
					t.Errorf("argument %q at %s starts before the previous value ends", a.V, a.Pos)
				}
				last = a
			}
			if d.Code.IsSet() {
				checkStr("lua code", d.Code, true)
				last = d.Code
			}
			if d.End.File != d.Name.Pos.File || d.End.Less(last.End) {
				t.Errorf("directive %q at %s: end %v before its last value", d.Name.V, d.Pos(), d.End)
			}
			if d.Parent != parent {
				t.Errorf("directive %q at %s: wrong Parent", d.Name.V, d.Pos())
			}
			if d.IncludedBy == nil && d.Name.Pos.File != cfg.Path {
				t.Errorf("directive %q at %s: from another file than the main one but IncludedBy is nil", d.Name.V, d.Pos())
			}
			if d.IncludedBy != nil && d.IncludedBy.Name.V != "include" {
				t.Errorf("directive %q at %s: IncludedBy is %q", d.Name.V, d.Pos(), d.IncludedBy.Name.V)
			}
			walk(d.Block, d)
		}
	}
	walk(cfg.Directives, nil)
	for _, s := range cfg.Servers {
		if s.Directive == nil || s.Directive.Name.V != "server" || s.Pos != s.Directive.Pos() {
			t.Errorf("server at %s: bad directive", s.Pos)
		}
		if len(s.Listen) == 0 {
			t.Errorf("server at %s: no listen", s.Pos)
		}
		var walkLoc func(ls []*model.Location, parent *model.Location)
		walkLoc = func(ls []*model.Location, parent *model.Location) {
			for _, l := range ls {
				if l.Server != s || l.Parent != parent || l.Directive == nil || l.Directive.Name.V != "location" {
					t.Errorf("location at %s: bad links", l.Pos)
				}
				walkLoc(l.Nested, l)
			}
		}
		walkLoc(s.Locations, nil)
	}
}

// TestPositionsInIncludedFile spot-checks exact positions of directives
// spliced in from included files.
func TestPositionsInIncludedFile(t *testing.T) {
	root := testdataAbs(t, "basic")
	cfg, _ := Load(filepath.Join(root, "nginx.conf"), Options{Root: root})
	var found []string
	var walk func([]*model.Directive)
	walk = func(ds []*model.Directive) {
		for _, d := range ds {
			if d.Name.V == "proxy_set_header" && len(d.Args) == 2 && d.Args[0].V == "Connection" {
				found = append(found, fmt.Sprintf("%s %s %s parent=%s via=%s", d.Name.Pos, d.Args[0].Pos, d.Args[1].Pos, d.Parent.Pos(), d.IncludedBy.Pos()))
			}
			walk(d.Block)
		}
	}
	walk(cfg.Directives)
	want := []string{
		// Included in "location /" of the main server (nginx.conf:32:13)...
		"snippets/proxy.conf:3:1 snippets/proxy.conf:3:18 snippets/proxy.conf:3:29 parent=nginx.conf:31:9 via=nginx.conf:32:13",
		// ...and in the server of conf.d/b.conf, through include conf.d/*.conf.
		"snippets/proxy.conf:3:1 snippets/proxy.conf:3:18 snippets/proxy.conf:3:29 parent=conf.d/b.conf:2:1 via=conf.d/b.conf:4:2",
	}
	sort.Strings(found)
	sort.Strings(want)
	if diff := cmp.Diff(want, found); diff != "" {
		t.Errorf("positions (-want +got):\n%s", diff)
	}
}

// memFS is an in-memory tree for Options.ReadFile and Options.Glob.
type memFS map[string]string

func (m memFS) readFile(p string) ([]byte, error) {
	if s, ok := m[p]; ok {
		if s == "<unreadable>" {
			return nil, &fs.PathError{Op: "open", Path: p, Err: fs.ErrPermission}
		}
		return []byte(s), nil
	}
	return nil, &fs.PathError{Op: "open", Path: p, Err: fs.ErrNotExist}
}

func (m memFS) glob(pattern string) ([]string, error) {
	var out []string
	for p := range m {
		if ok, _ := path.Match(pattern, p); ok {
			out = append(out, p)
		}
	}
	return out, nil
}

func TestLoadInMemory(t *testing.T) {
	files := memFS{
		"/repo/deploy/nginx.conf": `http {
    include /repo/shared/abs.conf;
    include /etc/nginx/conf.d/*.conf;
    include locked.conf;
    include big.conf;
    include bin.conf;
}
`,
		"/repo/shared/abs.conf":          "server_tokens off;\n",
		"/repo/deploy/conf.d/z.conf":     "server { listen 81; }\n",
		"/repo/deploy/conf.d/a.conf":     "server { listen 82; }\n",
		"/repo/deploy/conf.d/.x.conf":    "server { listen 83; }\n",
		"/repo/deploy/locked.conf":       "<unreadable>",
		"/repo/deploy/big.conf":          strings.Repeat("#", 200) + "\n",
		"/repo/deploy/bin.conf":          "a\x00b;\n",
		"/outside/etc/nginx/conf.d/x":    "server { listen 84; }\n",
		"/repo/deploy/conf.d/sub/y.conf": "server { listen 85; }\n",
	}
	cfg, problems := Load("/repo/deploy/nginx.conf", Options{
		Root:        "/repo",
		ReadFile:    files.readFile,
		Glob:        files.glob,
		Display:     func(abs string) string { return "display:" + abs },
		MaxFileSize: 180,
	})
	var ports []int
	for _, s := range cfg.Servers {
		ports = append(ports, s.Listen[0].Port)
	}
	if diff := cmp.Diff([]int{82, 81}, ports); diff != "" {
		t.Errorf("servers from conf.d/*.conf in glob order, hidden files skipped (-want +got):\n%s", diff)
	}
	wantFiles := []string{"display:/repo/deploy/nginx.conf", "display:/repo/shared/abs.conf", "display:/repo/deploy/conf.d/a.conf", "display:/repo/deploy/conf.d/z.conf"}
	if diff := cmp.Diff(wantFiles, cfg.Files); diff != "" {
		t.Errorf("files (-want +got):\n%s", diff)
	}
	var got []string
	for _, p := range problems {
		got = append(got, fmt.Sprintf("%s %s %s", p.Pos, p.Kind, p.Message))
	}
	want := []string{
		`display:/repo/deploy/nginx.conf:4:13 input cannot read "display:/repo/deploy/locked.conf": permission denied`,
		`display:/repo/deploy/nginx.conf:5:13 input cannot read "display:/repo/deploy/big.conf": file is 201 bytes, over the 180 bytes limit`,
		`display:/repo/deploy/nginx.conf:6:13 input cannot read "display:/repo/deploy/bin.conf": file is binary (a NUL byte at offset 1), not text: exclude it in .gitignore or the config`,
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("problems (-want +got):\n%s", diff)
	}
	if !cfg.Partial {
		t.Error("Partial should be set")
	}
}

func TestLoadUnreadableMain(t *testing.T) {
	cfg, problems := Load(filepath.Join(t.TempDir(), "nope.conf"), Options{})
	if cfg == nil || len(cfg.Directives) != 0 || !cfg.Partial {
		t.Fatalf("want an empty partial config, got %+v", cfg)
	}
	if len(problems) != 1 || problems[0].Kind != model.ProblemInput || problems[0].Pos.File != "nope.conf" ||
		!strings.Contains(problems[0].Message, "no such file") {
		t.Errorf("problems: %+v", problems)
	}
}

func TestLoadDefaultReader(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "nginx.conf"), []byte("http { include big.conf; include sub/*; }\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "big.conf"), []byte(strings.Repeat("# x\n", 100)), 0o644); err != nil {
		t.Fatal(err)
	}
	// A directory matched by a glob is skipped.
	if err := os.MkdirAll(filepath.Join(dir, "sub", "dir"), 0o755); err != nil {
		t.Fatal(err)
	}
	_, problems := Load(filepath.Join(dir, "nginx.conf"), Options{Root: dir, MaxFileSize: 50})
	if len(problems) != 1 || !strings.Contains(problems[0].Message, "file is 400 bytes, over the 50 bytes limit") || problems[0].Pos.String() != "nginx.conf:1:16" {
		t.Errorf("problems: %+v", problems)
	}
}

func TestIncludes(t *testing.T) {
	src := []byte("http {\n include mime.types;\n server { include \"snippets/a b.conf\"; }\n}\ninclude /etc/nginx/conf.d/*.conf;\n")
	want := []string{"mime.types", "snippets/a b.conf", "/etc/nginx/conf.d/*.conf"}
	if diff := cmp.Diff(want, Includes("x.conf", src)); diff != "" {
		t.Errorf("Includes (-want +got):\n%s", diff)
	}
	if got := Includes("x.conf", []byte("include a.conf;\n}\ninclude b.conf;")); !cmp.Equal(got, []string{"a.conf"}) {
		t.Errorf("Includes stops at a syntax error: got %q", got)
	}
}

func TestNotFoundHint(t *testing.T) {
	msg := notFoundMessage("proxy_params", []string{"/r/proxy_params"}, func(s string) string { return strings.TrimPrefix(s, "/r/") })
	want := `include "proxy_params" matches no file (looked for proxy_params); it is usually provided by Debian's nginx package on the server, so what it sets is unknown here`
	if msg != want {
		t.Errorf("got %q", msg)
	}
}

// TestJSON checks that the model of a loaded tree serialises (the links
// back to parents are not followed) and keeps positions.
func TestJSON(t *testing.T) {
	root := testdataAbs(t, "basic")
	cfg, _ := Load(filepath.Join(root, "nginx.conf"), Options{Root: root})
	data, err := json.Marshal(cfg)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{`"path":"nginx.conf"`, `{"value":"proxy_http_version","pos":{"file":"snippets/proxy.conf","line":1,"column":1},"end":{"file":"snippets/proxy.conf","line":1,"column":19}}`, `"defaultServer":true`, `"implicit":true`} {
		if !strings.Contains(string(data), want) {
			t.Errorf("JSON lacks %s", want)
		}
	}
}

func TestRelativeRoot(t *testing.T) {
	cfg, problems := Load(filepath.Join("testdata", "basic", "nginx.conf"), Options{Root: filepath.Join("testdata", "basic")})
	if len(problems) != 0 || len(cfg.Files) != 5 || cfg.Path != "nginx.conf" {
		t.Errorf("files %v, problems %v", cfg.Files, problems)
	}
}

// spanText returns the text of lines (a file split at "\n") from s.Pos
// to s.End, or why it cannot.
func spanText(lines []string, s model.Str) (string, string) {
	var b strings.Builder
	for line := s.Pos.Line; line <= s.End.Line; line++ {
		if line < 1 || line-1 >= len(lines) {
			return "", "line out of the file"
		}
		// Byte offsets of each column (code points; an invalid byte counts
		// as one, as in the lexer), to slice the bytes themselves.
		l := lines[line-1]
		cols := []int{}
		for i := 0; i < len(l); {
			cols = append(cols, i)
			_, n := utf8.DecodeRuneInString(l[i:])
			i += n
		}
		cols = append(cols, len(l))
		from, to := 0, len(cols)-1
		if line == s.Pos.Line {
			from = s.Pos.Col - 1
		}
		if line == s.End.Line {
			to = s.End.Col - 1
		}
		if from < 0 || to >= len(cols) || from > to {
			return "", "columns out of range"
		}
		b.WriteString(l[cols[from]:cols[to]])
		if line != s.End.Line {
			b.WriteString("\n")
		}
	}
	return b.String(), ""
}

// TestPackagedProxyParams checks that Debian's proxy_params, absent from
// the tree, is assumed with its packaged content: no problem, not
// partial, the four lines positioned at the include's argument.
func TestPackagedProxyParams(t *testing.T) {
	for _, variant := range []string{"", ProxyParamsCurrent, ProxyParamsLegacy} {
		host := "$host"
		if variant == ProxyParamsLegacy {
			host = "$http_host"
		}
		want := []string{
			"proxy_set_header Host " + host,
			"proxy_set_header X-Real-IP $remote_addr",
			"proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for",
			"proxy_set_header X-Forwarded-Proto $scheme",
		}
		testPackagedProxyParams(t, variant, want)
	}
}

func testPackagedProxyParams(t *testing.T, variant string, want []string) {
	for _, tt := range []struct {
		include  string
		packaged bool
	}{
		{"proxy_params", true},
		{"/etc/nginx/proxy_params", true},
		{"./proxy_params", true},
		{"snippets/proxy_params", false},
		{"proxy_param?", false},
		{"/opt/nginx/proxy_params", false},
	} {
		src := "server {\n  location / {\n    include " + tt.include + ";\n    proxy_pass http://grafana:3000;\n  }\n}\n"
		files := memFS{"/r/site.conf": src}
		cfg, problems := Load("/r/site.conf", Options{Root: "/r", ReadFile: files.readFile, Glob: files.glob, ProxyParams: variant})
		loc := cfg.Servers[0].Locations[0].Directive
		inc := loc.Block[0]
		var got []string
		for _, d := range loc.Block[1:] {
			if d.Packaged == "" {
				continue
			}
			parts := []string{d.Name.V}
			for _, a := range d.Args {
				parts = append(parts, a.V)
				if a.Pos != inc.Args[0].Pos || a.End != inc.Args[0].End {
					t.Errorf("%s: %q at %v-%v, want the include's argument", tt.include, a.V, a.Pos, a.End)
				}
			}
			got = append(got, strings.Join(parts, " "))
			if d.IncludedBy != inc || d.Parent != loc || d.Packaged != "/etc/nginx/proxy_params" {
				t.Errorf("%s: packaged %q has bad links or Packaged %q", tt.include, d.Name.V, d.Packaged)
			}
		}
		if !tt.packaged {
			if len(got) != 0 {
				t.Errorf("%s: assumed %v", tt.include, got)
			}
			continue
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("%s: packaged lines (-want +got):\n%s", tt.include, diff)
		}
		if len(problems) != 0 || cfg.Partial {
			t.Errorf("%s: problems %v, partial %v; want none", tt.include, problems, cfg.Partial)
		}
	}
}

// TestInstalledProxyParams checks the modelled proxy_params against the
// file Debian's nginx-common installed on this machine: its directives
// must be those of one of the two variants (CI installs nginx-light, which
// brings nginx-common).
func TestInstalledProxyParams(t *testing.T) {
	const path = "/etc/nginx/proxy_params"
	if _, err := os.Stat(path); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("%s missing: CI installs nginx-light (nginx-common)", path)
		}
		t.Skipf("%s missing: nginx-common is not installed", path)
	}
	cfg, problems := Load(path, Options{Root: "/etc/nginx"})
	if len(problems) != 0 {
		t.Fatalf("reading %s: %v", path, problems)
	}
	var got [][]string
	for _, d := range cfg.Directives {
		words := []string{d.Name.V}
		for _, a := range d.Args {
			words = append(words, a.V)
		}
		got = append(got, words)
	}
	current := cmp.Diff(debianProxyParams.directives, got)
	legacy := cmp.Diff(debianProxyParamsLegacy.directives, got)
	switch {
	case current == "":
		t.Logf("%s is the current variant (Host $host)", path)
	case legacy == "":
		t.Logf("%s is the legacy variant (Host $http_host)", path)
	default:
		t.Errorf("%s matches neither modelled variant (-current +installed):\n%s", path, current)
	}
}

// TestLoadHostileIncludes: what an include names is read like every other
// file: a huge file is refused by its size before it is read, a FIFO or a
// device is refused before it is opened, a link out of the tree is not
// followed, and a vhost reached through a sites-enabled/ link is loaded
// once, at the sites-available/ file users edit.
func TestLoadHostileIncludes(t *testing.T) {
	dir := t.TempDir()
	outside := t.TempDir()
	write := func(p, content string) {
		t.Helper()
		full := filepath.Join(dir, p)
		if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(full, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("nginx.conf", "http {\n include huge.conf;\n include zero.conf;\n include outside.conf;\n include sites-enabled/*;\n}\n")
	write("sites-available/grafana", "server { listen 80; location / { proxy_pass http://grafana:3000; } }\n")
	// A 1 GiB file that takes no disk space: reading it whole would take
	// a gigabyte of memory.
	f, err := os.Create(filepath.Join(dir, "huge.conf"))
	if err != nil {
		t.Fatal(err)
	}
	if err := f.Truncate(1 << 30); err != nil {
		t.Fatal(err)
	}
	f.Close()
	if err := os.WriteFile(filepath.Join(outside, "secret.conf"), []byte("server { listen 9999; }\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	links := map[string]string{
		"zero.conf":               "/dev/zero",
		"outside.conf":            filepath.Join(outside, "secret.conf"),
		"sites-enabled/grafana":   "../sites-available/grafana",
		"sites-enabled/.disabled": "../sites-available/grafana",
	}
	for name, target := range links {
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.Symlink(target, p); err != nil {
			t.Fatal(err)
		}
	}
	cfg, problems := Load(filepath.Join(dir, "nginx.conf"), Options{Root: dir})
	var got []string
	for _, p := range problems {
		got = append(got, fmt.Sprintf("%s %s", p.Pos, p.Message))
	}
	want := []string{
		`nginx.conf:2:10 cannot read "huge.conf": file is 1 GiB, over the 64 MiB limit`,
		`nginx.conf:3:10 cannot read "zero.conf": file is a symbolic link to "/dev/zero", outside the linted tree: not followed (name the target on the command line to lint it)`,
		`nginx.conf:4:10 cannot read "outside.conf": file is a symbolic link to "` + filepath.ToSlash(filepath.Join(outside, "secret.conf")) + `", outside the linted tree: not followed (name the target on the command line to lint it)`,
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("problems (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{"nginx.conf", "sites-available/grafana"}, cfg.Files); diff != "" {
		t.Errorf("files: the vhost is loaded at its target (-want +got):\n%s", diff)
	}
	if len(cfg.Servers) != 1 || cfg.Servers[0].Listen[0].Port != 80 {
		t.Errorf("servers: want only the vhost's, got %d", len(cfg.Servers))
	}
}

// TestBlockOpen checks that every block records the position of its "{",
// wherever it is written (on the directive's line, on a line of its own,
// after a comment), and simple directives none.
func TestBlockOpen(t *testing.T) {
	files := memFS{"/r/nginx.conf": "http {\n    server\n    # a comment\n    { listen 80;\n        location / { return 200; }\n    }\n}\n"}
	cfg, problems := Load("/r/nginx.conf", Options{Root: "/r", ReadFile: files.readFile, Glob: files.glob, Display: func(abs string) string { return abs }})
	if len(problems) > 0 {
		t.Fatalf("problems: %v", problems)
	}
	var got []string
	var walk func(ds []*model.Directive)
	walk = func(ds []*model.Directive) {
		for _, d := range ds {
			got = append(got, fmt.Sprintf("%s %d:%d", d.Name.V, d.Open.Line, d.Open.Col))
			walk(d.Block)
		}
	}
	walk(cfg.Directives)
	want := []string{"http 1:6", "server 4:5", "listen 0:0", "location 5:20", "return 0:0"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("opening braces (-want +got):\n%s", diff)
	}
}
