package nginxsem

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/grafanalint/grafanalint/parsers/corpustest"

	"github.com/grafanalint/grafanalint/parsers/model"
	"github.com/grafanalint/grafanalint/parsers/nginx"
)

// load parses config text (written to nginx.conf in a temporary tree)
// through parsers/nginx and fails the test on any problem.
func load(t testing.TB, text string) *model.NginxConfig {
	t.Helper()
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "nginx.conf"), []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	cfg, problems := nginx.Load(filepath.Join(dir, "nginx.conf"), nginx.Options{Root: dir})
	for _, p := range problems {
		t.Fatalf("load: %s: %s", p.Pos, p.Message)
	}
	return cfg
}

// loadFile loads a file from disk (testdata or corpus) with root as the
// tree root.
func loadFile(t testing.TB, root, main string) *model.NginxConfig {
	t.Helper()
	root, err := filepath.Abs(root)
	if err != nil {
		t.Fatal(err)
	}
	cfg, problems := nginx.Load(filepath.Join(root, main), nginx.Options{Root: root})
	for _, p := range problems {
		if p.Kind == model.ProblemSyntax || p.Kind == model.ProblemInput {
			t.Fatalf("load %s: %s: %s", main, p.Pos, p.Message)
		}
	}
	return cfg
}

// corpusDir returns the real-world corpus folder; it skips the test when
// the folder is absent, except under CI=true where that is a failure.
func corpusDir(t testing.TB) string {
	t.Helper()
	return corpustest.Dir(t, "real")
}

// srv returns the i-th server of cfg.
func srv(t testing.TB, cfg *model.NginxConfig, i int) *model.Server {
	t.Helper()
	if i >= len(cfg.Servers) {
		t.Fatalf("config has %d servers, want server %d", len(cfg.Servers), i)
	}
	return cfg.Servers[i]
}

// loc finds the location written as spec ("= /x", "~ ^/a", "/b", "@n") in
// srv, nested ones included.
func loc(t testing.TB, s *model.Server, spec string) *model.Location {
	t.Helper()
	var found *model.Location
	var visit func([]*model.Location)
	visit = func(ls []*model.Location) {
		for _, l := range ls {
			if locSpec(l) == spec && found == nil {
				found = l
			}
			visit(l.Nested)
		}
	}
	visit(s.Locations)
	if found == nil {
		t.Fatalf("no location %q", spec)
	}
	return found
}

// locSpec formats a location as "modifier path" (just the path without a
// modifier or for named ones).
func locSpec(l *model.Location) string {
	if l == nil {
		return "<none>"
	}
	if l.Modifier == "" || l.Modifier == "@" {
		return l.Path.V
	}
	return l.Modifier + " " + l.Path.V
}

// chainSpec formats a match chain as "outer > inner".
func chainSpec(ls []*model.Location) string {
	if len(ls) == 0 {
		return "<none>"
	}
	parts := make([]string, len(ls))
	for i, l := range ls {
		parts[i] = locSpec(l)
	}
	return strings.Join(parts, " > ")
}

// pos formats a position as "line:col".
func pos(p model.Pos) string {
	if !p.IsValid() {
		return "-"
	}
	return itoa(p.Line) + ":" + itoa(p.Col)
}

func itoa(n int) string {
	if n < 0 {
		return "-" + itoa(-n)
	}
	if n < 10 {
		return string(rune('0' + n))
	}
	return itoa(n/10) + string(rune('0'+n%10))
}

// loadCorpus loads corpus file "owner__repo/path/to/nginx.conf" with the
// repository as the tree root.
func loadCorpus(t testing.TB, rel string) *model.NginxConfig {
	t.Helper()
	dir := corpusDir(t)
	repo, main, _ := strings.Cut(rel, "/")
	return loadFile(t, filepath.Join(dir, repo), main)
}

// corpusNginxFiles lists the corpus files that look like nginx configs,
// as "owner__repo/path".
func corpusNginxFiles(t testing.TB, dir string) []string {
	t.Helper()
	var out []string
	err := filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err != nil {
			// Unreadable entries are skipped, not fatal.
			t.Logf("corpus: skipping %s: %v", p, err)
			return nil
		}
		if d.IsDir() {
			return nil
		}
		rel, _ := filepath.Rel(dir, p)
		rel = filepath.ToSlash(rel)
		b, err := os.ReadFile(p)
		if err != nil {
			t.Logf("corpus: skipping %s: %v", p, err)
			return nil
		}
		text := string(b)
		if strings.Contains(rel, "nginx") || strings.HasSuffix(rel, ".conf") {
			if strings.Contains(text, "server {") || strings.Contains(text, "location ") || strings.Contains(text, "upstream ") {
				out = append(out, rel)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// loadCorpusQuiet loads a corpus file ignoring problems.
func loadCorpusQuiet(dir, rel string) *model.NginxConfig {
	repo, main, _ := strings.Cut(rel, "/")
	root, _ := filepath.Abs(filepath.Join(dir, repo))
	cfg, _ := nginx.Load(filepath.Join(root, main), nginx.Options{Root: root})
	return cfg
}
