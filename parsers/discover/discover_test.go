package discover

import (
	"context"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/grafanalint/grafanalint/parsers/model"
)

var update = flag.Bool("update", false, "rewrite golden files")

func golden(t *testing.T, name string, got any) {
	t.Helper()
	b, err := json.MarshalIndent(got, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	b = append(b, '\n')
	file := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(file, b, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(file)
	if err != nil {
		t.Fatalf("%v (run with -update to create it)", err)
	}
	if diff := cmp.Diff(string(want), string(b)); diff != "" {
		t.Errorf("%s mismatch (-want +got):\n%s", file, diff)
	}
}

func load(t *testing.T, opts Options) *model.Model {
	t.Helper()
	m, err := Load(context.Background(), opts)
	if err != nil {
		t.Fatal(err)
	}
	checkInvariants(t, m)
	return m
}

// checkInvariants asserts what must hold for any model: every file of a
// known kind is in a stack, settings are never nil, stack files exist.
func checkInvariants(t *testing.T, m *model.Model) {
	t.Helper()
	for path, stacks := range membership(m) {
		if len(stacks) == 0 {
			t.Errorf("file %s is in no stack", path)
		}
	}
	for _, st := range m.Stacks {
		if st.Settings == nil {
			t.Errorf("stack %q has nil settings", st.Name)
		}
		if st.HasIni != (st.Settings != nil && st.Settings.File != nil) || st.HasDatasources != (len(st.DatasourceFiles) > 0) ||
			st.HasProviders != (len(st.ProviderFiles) > 0) || st.HasNginx != (len(st.Nginx) > 0) {
			t.Errorf("stack %q: Has* flags disagree with its parts", st.Name)
		}
		for _, d := range st.Dashboards {
			if st.LoadedBy[d] == nil {
				t.Errorf("stack %q: dashboard %s has no provider", st.Name, d.File)
			}
		}
	}
}

func TestGoldenTrees(t *testing.T) {
	for _, tree := range []string{"compose", "layout", "devprod"} {
		t.Run(tree, func(t *testing.T) {
			dir, _ := filepath.Abs(filepath.Join("testdata", tree))
			m := load(t, Options{WorkDir: dir})
			golden(t, tree+".golden.json", summarize(m, ""))
		})
	}
}

// TestWorkDirAbove loads a tree from its parent directory: display paths
// carry the prefix and the stacks are the same.
func TestWorkDirAbove(t *testing.T) {
	wd, _ := filepath.Abs("testdata")
	m := load(t, Options{WorkDir: wd, Paths: []string{"compose"}})
	got := summarize(m, "compose")
	dir, _ := filepath.Abs("testdata/compose")
	want := summarize(load(t, Options{WorkDir: dir}), "")
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("(-from inside +from above):\n%s", diff)
	}
	if m.File("compose/grafana/grafana.ini") == nil {
		t.Errorf("display paths are not relative to the working directory: %v", m.Files[0].Path)
	}
}

func TestExplicitFilesLoadTheProject(t *testing.T) {
	wd, _ := filepath.Abs("testdata")
	m := load(t, Options{WorkDir: wd, Paths: []string{"compose/grafana/grafana.ini", "compose/dashboards/main.json"}})
	var reported []string
	for _, f := range m.Files {
		if f.Reported {
			reported = append(reported, f.Path)
		}
	}
	if diff := cmp.Diff([]string{"compose/dashboards/main.json", "compose/grafana/grafana.ini"}, reported); diff != "" {
		t.Errorf("reported files (-want +got):\n%s", diff)
	}
	if len(m.Stacks) != 1 || len(m.Stacks[0].DatasourceFiles) != 1 || len(m.Stacks[0].Nginx) != 1 {
		t.Errorf("the project was not loaded as context: %+v", summarize(m, "compose").Stacks)
	}
	if m.File("layout/grafana/grafana.ini") != nil {
		t.Error("files outside the project root (.grafanalint.yaml) were loaded")
	}
}

func TestStdin(t *testing.T) {
	wd, _ := filepath.Abs("testdata")
	src := "server {\n    listen 8080;\n    location / { proxy_pass http://grafana:3000; } # grafanalint:ignore proxy\n}\n"
	m := load(t, Options{WorkDir: wd, Paths: []string{"-"}, Stdin: strings.NewReader(src), StdinFilename: "compose/nginx/conf.d/grafana.conf"})
	f := m.File("compose/nginx/conf.d/grafana.conf")
	line2, _ := f.Line(2)
	if f == nil || !f.Reported || f.Kind != model.KindNginx || f.LineCount() != 4 || !strings.Contains(line2, "8080") || len(f.Ignores) != 1 {
		t.Fatalf("stdin file = %+v", f)
	}
	for _, g := range m.Files {
		if g.Reported && g != f {
			t.Errorf("%s reported, want only the stdin file", g.Path)
		}
	}
	if _, err := Load(context.Background(), Options{WorkDir: wd, Paths: []string{"-"}, Stdin: strings.NewReader("")}); err == nil {
		t.Error("stdin without a file name: want an error")
	}
	// A name outside any existing directory still works.
	m = load(t, Options{WorkDir: t.TempDir(), Paths: []string{"-"}, Stdin: strings.NewReader(src), StdinFilename: "nowhere/x.conf"})
	if f := m.File("nowhere/x.conf"); f == nil || f.Kind != model.KindNginx || len(m.Stacks) != 1 || len(m.Stacks[0].Nginx) != 1 {
		t.Errorf("stdin without a directory: files %v", summarize(m, ""))
	}
}

func TestMissingPath(t *testing.T) {
	wd, _ := filepath.Abs("testdata")
	m := load(t, Options{WorkDir: wd, Paths: []string{"nope", "layout"}})
	if diff := cmp.Diff([]string{"nope: no such file or directory"}, m.Errors); diff != "" {
		t.Errorf("errors (-want +got):\n%s", diff)
	}
	if len(m.Stacks) == 0 {
		t.Error("the existing path was not loaded")
	}
}

func write(t *testing.T, dir, name, content string) {
	t.Helper()
	p := filepath.Join(dir, filepath.FromSlash(name))
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

// TestEdgeTree builds a tree with files that cannot be read, symlink
// loops and .gitignore files (made at run time: git would not keep them).
func TestEdgeTree(t *testing.T) {
	dir := t.TempDir()
	dash := `{"uid": "d", "title": "D", "schemaVersion": 39, "panels": []}` + "\n"
	write(t, dir, ".gitignore", "# test ignores\nignored/\n*.tmp.json\n!keep.tmp.json\n/build\n")
	for _, f := range []string{"ignored/dash.json", "x.tmp.json", "keep.tmp.json", "build/dash.json", "sub/build/dash.json", "node_modules/pkg/dash.json", "vendor/x/dash.json", "sub/a.json", "sub/sub-keep.json", ".git/dash.json"} {
		write(t, dir, f, dash)
	}
	write(t, dir, "sub/.gitignore", "*.json\n!sub-keep.json\n")
	write(t, dir, "broken.json", "{\"uid\": \"broken\", \"panels\": [\n")
	write(t, dir, "notes.txt", "just notes\n")
	write(t, dir, "binary.json", "{\"panels\": []}\x00\x01\x02")
	write(t, dir, "program", "\x7fELF\x00\x00binary")
	write(t, dir, "big.ini", "[server]\n"+strings.Repeat("; padding\n", 400))
	write(t, dir, "big-unknown", strings.Repeat("x", 5000))
	if err := os.Symlink(".", filepath.Join(dir, "sub", "loop")); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink("missing.yaml", filepath.Join(dir, "gone.yaml")); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink("keep.tmp.json", filepath.Join(dir, "link.json")); err != nil {
		t.Fatal(err)
	}
	unreadable := ""
	paths := []string{"."}
	if os.Geteuid() != 0 {
		write(t, dir, "secret.yaml", "datasources: []\n")
		if err := os.Chmod(filepath.Join(dir, "secret.yaml"), 0); err != nil {
			t.Fatal(err)
		}
		unreadable = "cannot read file: permission denied"
	} else if _, err := os.Stat("/proc/self/mem"); err == nil {
		// Root reads any file despite its mode; /proc/self/mem fails to
		// read at offset 0 instead. It is outside the tree, so it is read
		// only when named on the command line.
		if err := os.Symlink("/proc/self/mem", filepath.Join(dir, "secret.yaml")); err != nil {
			t.Fatal(err)
		}
		unreadable = "cannot read file: input/output error"
		paths = append(paths, "secret.yaml")
	} else {
		t.Log("running as root without /proc: the unreadable-file case is skipped")
	}
	m := load(t, Options{WorkDir: dir, MaxFileSize: 2048, Paths: paths})
	s := summarize(m, "")
	if unreadable != "" {
		f := m.File("secret.yaml")
		if f == nil || len(f.Problems) != 1 || !strings.HasPrefix(f.Problems[0].Message, unreadable) || f.Problems[0].Kind != model.ProblemInput {
			t.Errorf("secret.yaml = %+v, want one input problem %q", f, unreadable)
		}
		// Keep the golden independent of how the file was made unreadable.
		for i := range s.Files {
			if s.Files[i].Path == "secret.yaml" {
				s.Files = append(s.Files[:i], s.Files[i+1:]...)
				break
			}
		}
	}
	golden(t, "edge.golden.json", s)
}

func TestGitignore(t *testing.T) {
	tests := []struct {
		pattern string
		path    string
		dir     bool
		want    bool
	}{
		{"*.json", "a.json", false, true},
		{"*.json", "x/y/a.json", false, true},
		{"*.json", "a.jsonx", false, false},
		{"/build", "build", true, true},
		{"/build", "x/build", true, false},
		{"build/", "x/build", true, true},
		{"build/", "x/build", false, false},
		{"docs/*.md", "docs/a.md", false, true},
		{"docs/*.md", "docs/x/a.md", false, false},
		{"docs/*.md", "y/docs/a.md", false, false},
		{"**/cache", "a/b/cache", true, true},
		{"**/cache", "cache", true, true},
		{"logs/**", "logs/a/b.txt", false, true},
		{"a/**/b", "a/b", false, true},
		{"a/**/b", "a/x/y/b", false, true},
		{"a/**/b", "a/x/y/c", false, false},
		{"?.ini", "a.ini", false, true},
		{"?.ini", "ab.ini", false, false},
		{"[abc].ini", "b.ini", false, true},
		{"[!abc].ini", "b.ini", false, false},
		{`\#file`, "#file", false, true},
		{"# comment", "# comment", false, false},
		{"trailing   ", "trailing", false, true},
	}
	for _, tt := range tests {
		f := parseGitignore("", tt.pattern+"\n")
		if got := (ignoreStack{f}).ignored(tt.path, tt.dir); got != tt.want {
			t.Errorf("pattern %q, path %q (dir %v): ignored = %v, want %v", tt.pattern, tt.path, tt.dir, got, tt.want)
		}
	}
	// Negation, order and nested files.
	root := parseGitignore("", "*.json\n!keep.json\n")
	nested := parseGitignore("sub", "keep.json\n!/only-here.json\n")
	s := ignoreStack{root, nested}
	for path, want := range map[string]bool{
		"a.json": true, "keep.json": false, "sub/keep.json": true, "sub/only-here.json": false,
		"sub/x/only-here.json": true, "other/keep.json": false,
	} {
		if got := s.ignored(path, false); got != want {
			t.Errorf("nested: %s ignored = %v, want %v", path, got, want)
		}
	}
}

func TestCandidates(t *testing.T) {
	tests := []struct {
		name, dir string
		want      cand
		known     bool
	}{
		{"grafana.ini", "grafana", cIni, true},
		{"ds.yaml", "datasources", cYAML, true},
		{"d.json", "x", cJSON, true},
		{"nginx.conf", "nginx", cNginx, true},
		{"grafana.conf.template", "templates", cNginx, false},
		{"grafana.conf.https", "conf.d", cNginx, false},
		{".env", "x", cEnv, true},
		{"prod.env", "x", cEnv, true},
		{"grafana", "sites-available", cNginx | cJSON | cEnv, false},
		{"System Metrics - Single", "template", cJSON | cEnv | cNginx, false},
		{"config.monitoring", "grafana", cEnv | cNginx, false},
		{"main.go", "x", 0, false},
		{"logo.png", "x", 0, false},
		{".gitignore", "x", 0, false},
	}
	for _, tt := range tests {
		c, known := candidates(tt.name, tt.dir)
		if c != tt.want || known != tt.known {
			t.Errorf("candidates(%q, %q) = %b, %v; want %b, %v", tt.name, tt.dir, c, known, tt.want, tt.known)
		}
	}
}

func TestIsGrafanaIni(t *testing.T) {
	tests := []struct {
		name, src string
		want      bool
	}{
		{"grafana.ini", "", true},
		{"custom.ini", "[x]\n", true},
		{"app.ini", "[live]\nmax_connections = 0\n", true},
		{"app.ini", "[server]\n[database]\n", true},
		{"app.ini", "[server]\nport = 1\n", false},
		{"php.ini", "[PHP]\nengine = On\n", false},
		{"tox.ini", "[tox]\n[testenv]\n", false},
	}
	for _, tt := range tests {
		if got := isGrafanaIni(tt.name, []byte(tt.src)); got != tt.want {
			t.Errorf("isGrafanaIni(%q, %q) = %v, want %v", tt.name, tt.src, got, tt.want)
		}
	}
}

func TestIsEnvFile(t *testing.T) {
	tests := []struct {
		src    string
		byName bool
		want   bool
	}{
		{"GF_A=1\n# c\n\nexport B=2\n", false, true},
		{"A=1\n", false, false},
		{"GF_A=1\nnot a line\n", false, false},
		{"GF_A=1\nnot a line\n", true, true},
		{"server {\n}\n", false, false},
	}
	for _, tt := range tests {
		if got := isEnvFile([]byte(tt.src), tt.byName); got != tt.want {
			t.Errorf("isEnvFile(%q, %v) = %v, want %v", tt.src, tt.byName, got, tt.want)
		}
	}
}

// FuzzLoad writes one file of fuzzed content under a name of each kind
// next to the compose fixture's files and loads the tree: nothing may
// panic and the invariants hold.
func FuzzLoad(f *testing.F) {
	names := []string{"docker-compose.yml", "grafana/grafana.ini", "grafana/provisioning/datasources/x.yaml", "grafana/provisioning/dashboards/p.yaml", "dashboards/x.json", "nginx/conf.d/x.conf", "grafana/grafana.env", "grafana/Dockerfile", "grafana/provisioning/datasources/x.yaml.bak"}
	seed := 0
	_ = filepath.WalkDir("testdata/compose", func(p string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			if b, err := os.ReadFile(p); err == nil {
				f.Add(b, seed)
				seed++
			}
		}
		return nil
	})
	f.Add([]byte("services:\n  g:\n    image: grafana/grafana\n    volumes: ['/:/etc/grafana', './:/']\n    build: .\n"), 0)
	f.Add([]byte("FROM grafana/grafana\nCOPY . /\nCOPY * /etc/grafana/provisioning/\n"), 7)
	f.Add([]byte("apiVersion: 1\ndatasources:\n  - name: a\n    type: t\n"), 8)
	f.Fuzz(func(t *testing.T, src []byte, which int) {
		if which < 0 {
			which = -which
		}
		dir := t.TempDir()
		_ = filepath.WalkDir("testdata/compose", func(p string, d os.DirEntry, err error) error {
			if err == nil && !d.IsDir() {
				rel, _ := filepath.Rel("testdata/compose", p)
				b, _ := os.ReadFile(p)
				write(t, dir, filepath.ToSlash(rel), string(b))
			}
			return nil
		})
		write(t, dir, names[which%len(names)], string(src))
		m, err := Load(context.Background(), Options{WorkDir: dir})
		if err != nil {
			t.Fatal(err)
		}
		checkInvariants(t, m)
	})
}

func TestCommandLineEnv(t *testing.T) {
	dir := t.TempDir()
	write(t, dir, "cli.env", "GF_SERVER_ROOT_URL=https://cli.example.org/\nOTHER=1\n")
	wd, _ := filepath.Abs("testdata/layout")
	m := load(t, Options{
		WorkDir:  wd,
		EnvFiles: []string{filepath.Join(dir, "cli.env"), "missing.env"},
		Env:      []model.EnvVar{{Name: "GF_LIVE_MAX_CONNECTIONS", Value: "0"}, {Name: "GF_SERVER_ROOT_URL", Value: "https://flag.example.org/"}},
	})
	if diff := cmp.Diff([]string{"missing.env: no such file or directory"}, m.Errors); diff != "" {
		t.Errorf("errors (-want +got):\n%s", diff)
	}
	st := m.Stacks[0]
	if got := st.Settings.Value("server", "root_url"); got != "https://flag.example.org/" {
		t.Errorf("root_url = %q: --env must win over --env-file and the ini", got)
	}
	if got := st.Settings.Value("live", "max_connections"); got != "0" {
		t.Errorf("max_connections = %q, want 0 from --env", got)
	}
	var names []string
	for _, e := range st.Settings.Env {
		names = append(names, e.Name)
	}
	if diff := cmp.Diff([]string{"GF_LIVE_ALLOWED_ORIGINS", "GF_LIVE_MAX_CONNECTIONS", "GF_SERVER_ROOT_URL"}, names); diff != "" {
		t.Errorf("stack env (-want +got):\n%s", diff)
	}
}

func TestConfigStacks(t *testing.T) {
	wd, _ := filepath.Abs("testdata")
	m := load(t, Options{WorkDir: wd, Paths: []string{"devprod", "compose"}, Stacks: []StackSpec{
		{Name: "production", Paths: []string{"devprod/prod"}, Env: []model.EnvVar{{Name: "GF_SERVER_DOMAIN", Value: "cfg.example.org"}}},
		{Name: "web", Paths: []string{"compose"}, ComposeService: "compose/docker-compose.yml:grafana"},
	}})
	got := map[string]stackSummary{}
	for _, s := range summarize(m, "").Stacks {
		got[s.Name] = s
	}
	prod, web := got["production"], got["web"]
	if prod.Origin != "config" || prod.Ini != "devprod/prod/grafana/grafana.ini" || len(prod.Datasources) != 1 || len(prod.Nginx) != 1 {
		t.Errorf("production = %+v", prod)
	}
	if web.Origin != "config" || web.Service != "compose/docker-compose.yml:grafana" || len(web.Dashboards) != 2 || len(web.Unloaded) != 2 {
		t.Errorf("web = %+v", web)
	}
	if _, ok := got["devprod/dev"]; !ok || len(got) != 3 {
		t.Errorf("stacks = %v, want production, web and devprod/dev", got)
	}
	for _, st := range m.Stacks {
		if st.Name == "production" && st.Settings.Value("server", "domain") != "cfg.example.org" {
			t.Errorf("production domain = %q, want the config's env", st.Settings.Value("server", "domain"))
		}
	}
}

// TestSkippedExtensions checks the files of a provisioning directory that
// Grafana skips for their name: provisioning content under another
// extension is recorded as not loaded, other files (a README, templates,
// examples, text that does not parse) are left alone.
func TestSkippedExtensions(t *testing.T) {
	dir := t.TempDir()
	ds := "apiVersion: 1\ndatasources:\n  - name: P\n    type: prometheus\n    url: http://p:9090\n"
	prov := "apiVersion: 1\nproviders:\n  - name: default\n    options:\n      path: /var/lib/grafana/dashboards\n"
	write(t, dir, "docker-compose.yml", "services:\n  grafana:\n    image: grafana/grafana:12.0.0\n    volumes:\n      - ./grafana/provisioning:/etc/grafana/provisioning\n")
	write(t, dir, "grafana/provisioning/datasources/ds.yaml", ds)
	write(t, dir, "grafana/provisioning/datasources/ds.yaml.bak", ds)
	write(t, dir, "grafana/provisioning/datasources/DS2.YAML", ds)
	write(t, dir, "grafana/provisioning/datasources/extra.json", `{"apiVersion": 1, "datasources": [{"name": "L", "type": "loki"}]}`)
	write(t, dir, "grafana/provisioning/datasources/README.md", "# Datasources\n\nCopy this:\n\n```yaml\ndatasources:\n  - name: X\n```\n")
	write(t, dir, "grafana/provisioning/datasources/ds.yaml.example", ds)
	write(t, dir, "grafana/provisioning/datasources/ds.yaml.j2", ds)
	write(t, dir, "grafana/provisioning/datasources/broken.yaml.orig", "datasources:\n  - name: [\n")
	write(t, dir, "grafana/provisioning/dashboards/provider.yml.orig", prov)
	write(t, dir, "grafana/provisioning/dashboards/notes.txt", "providers are in provider.yml\n")
	m := load(t, Options{WorkDir: dir})
	if len(m.Stacks) != 1 {
		t.Fatalf("got %d stacks, want 1", len(m.Stacks))
	}
	st := m.Stacks[0]
	if len(st.DatasourceFiles) != 1 || st.DatasourceFiles[0].Path != "grafana/provisioning/datasources/ds.yaml" {
		t.Errorf("datasource files = %v, want only ds.yaml", st.DatasourceFiles)
	}
	reason := func(name, ext, sub string) string {
		return `named "` + name + `", with extension "` + ext + `", in /etc/grafana/provisioning/` + sub + `/: Grafana reads only the files there whose names end in .yaml or .yml (lower case)`
	}
	want := []model.UnloadedFile{
		{Path: "grafana/provisioning/dashboards/provider.yml.orig", Kind: model.KindProviders, Reason: reason("provider.yml.orig", ".orig", "dashboards")},
		{Path: "grafana/provisioning/datasources/DS2.YAML", Kind: model.KindDatasources, Reason: reason("DS2.YAML", ".YAML", "datasources")},
		{Path: "grafana/provisioning/datasources/ds.yaml.bak", Kind: model.KindDatasources, Reason: reason("ds.yaml.bak", ".bak", "datasources")},
		{Path: "grafana/provisioning/datasources/extra.json", Kind: model.KindDatasources, Reason: reason("extra.json", ".json", "datasources")},
	}
	if diff := cmp.Diff(want, st.UnloadedFiles); diff != "" {
		t.Errorf("unloaded files (-want +got):\n%s", diff)
	}
	for _, name := range []string{"README.md", "ds.yaml.example", "ds.yaml.j2", "broken.yaml.orig"} {
		if f := m.File("grafana/provisioning/datasources/" + name); f != nil && f.Kind != "" {
			t.Errorf("%s was read as %s", name, f.Kind)
		}
	}
}
