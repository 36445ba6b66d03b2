package all

import (
	"context"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"gopkg.in/yaml.v3"

	"github.com/grafanalint/grafanalint/parsers/discover"
	"github.com/grafanalint/grafanalint/parsers/model"
	"github.com/grafanalint/grafanalint/rules"
)

var update = flag.Bool("update", false, "rewrite want.txt files and docs/rules pages")

// repoRoot is the repository root seen from this package.
const repoRoot = "../.."

// caseConfig is a fixture case's optional case.yaml.
type caseConfig struct {
	GrafanaVersion string   `yaml:"grafana_version"`
	Env            []string `yaml:"env"`
	// NginxProxyParams is .grafanalint.yaml's nginx_proxy_params.
	NginxProxyParams string `yaml:"nginx_proxy_params"`
	// Enable turns on rules that are off by default (at warning).
	Enable []string `yaml:"enable"`
}

// lintTree runs every rule over the tree in dir as the CLI would (the
// rules stream the dashboards) and returns the findings.
func lintTree(t *testing.T, dir string, cfg caseConfig) []rules.Finding {
	t.Helper()
	opts := discover.Options{Paths: []string{"."}, WorkDir: dir, NginxProxyParams: cfg.NginxProxyParams, Stream: true}
	for _, kv := range cfg.Env {
		k, v, _ := strings.Cut(kv, "=")
		opts.Env = append(opts.Env, model.EnvVar{Name: k, Value: v})
	}
	m, err := discover.Load(context.Background(), opts)
	if err != nil {
		t.Fatalf("load %s: %v", dir, err)
	}
	ropts := rules.Options{Levels: map[string]rules.Severity{}}
	for _, id := range cfg.Enable {
		ropts.Levels[id] = rules.Warning
	}
	if cfg.GrafanaVersion != "" {
		v, err := rules.ParseVersion(cfg.GrafanaVersion)
		if err != nil {
			t.Fatal(err)
		}
		ropts.Version = v
		// As the CLI: the stack's settings take that version's defaults.
		opts.GrafanaVersion = [2]int{v.Major, v.Minor}
		if m, err = discover.Load(context.Background(), opts); err != nil {
			t.Fatalf("load %s: %v", dir, err)
		}
	}
	return rules.Run(m, Rules(), ropts).Findings
}

// oneline formats findings of one rule as "path:line:col: severity: message [rule]".
func oneline(fs []rules.Finding, rule string) []string {
	out := []string{}
	for _, f := range fs {
		if f.Rule == rule {
			out = append(out, fmt.Sprintf("%s:%d:%d: %s: %s [%s]", f.Pos.File, f.Pos.Line, f.Pos.Col, f.Severity, f.Message, f.Rule))
		}
	}
	return out
}

func readLines(path string) []string {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil
	}
	out := []string{}
	for _, l := range strings.Split(strings.TrimRight(string(b), "\n"), "\n") {
		if l != "" {
			out = append(out, l)
		}
	}
	return out
}

// TestFixtures runs every case under testdata/rules/<category>/<name>/ and
// compares the rule's findings with want.txt. Every rule needs at least one
// fire-* case (with findings) and one silent-* case (without).
func TestFixtures(t *testing.T) {
	root := filepath.Join(repoRoot, "testdata", "rules")
	byID := map[string]*rules.Rule{}
	for _, r := range Rules() {
		byID[r.ID] = r
	}
	dirs, _ := filepath.Glob(filepath.Join(root, "*", "*"))
	for _, d := range dirs {
		rel, _ := filepath.Rel(root, d)
		if byID[filepath.ToSlash(rel)] == nil {
			t.Errorf("%s: fixtures for unknown rule %q", d, filepath.ToSlash(rel))
		}
	}
	for _, r := range Rules() {
		t.Run(r.ID, func(t *testing.T) {
			dir := filepath.Join(root, filepath.FromSlash(r.ID))
			cases, _ := os.ReadDir(dir)
			var fire, silent int
			for _, c := range cases {
				if !c.IsDir() {
					continue
				}
				name := c.Name()
				switch {
				case strings.HasPrefix(name, "fire-"):
					fire++
				case strings.HasPrefix(name, "silent-"):
					silent++
				default:
					t.Errorf("%s: case names start with \"fire-\" or \"silent-\"", filepath.Join(dir, name))
					continue
				}
				t.Run(name, func(t *testing.T) { runCase(t, r, filepath.Join(dir, name), strings.HasPrefix(name, "fire-")) })
			}
			if fire == 0 || silent == 0 {
				t.Errorf("rule %s needs at least one fire-* and one silent-* case in %s (has %d and %d)", r.ID, dir, fire, silent)
			}
		})
	}
}

func runCase(t *testing.T, r *rules.Rule, dir string, fire bool) {
	var cfg caseConfig
	if b, err := os.ReadFile(filepath.Join(dir, "case.yaml")); err == nil {
		if err := yaml.Unmarshal(b, &cfg); err != nil {
			t.Fatalf("case.yaml: %v", err)
		}
	}
	if r.Severity == rules.Off {
		cfg.Enable = append(cfg.Enable, r.ID)
	}
	got := oneline(lintTree(t, dir, cfg), r.ID)
	wantFile := filepath.Join(dir, "want.txt")
	if *update {
		content := ""
		if len(got) > 0 {
			content = strings.Join(got, "\n") + "\n"
		}
		if err := os.WriteFile(wantFile, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	if fire && len(got) == 0 {
		t.Errorf("%s: expected %s to fire, it did not", dir, r.ID)
	}
	if !fire && len(got) > 0 {
		t.Errorf("%s: expected %s to stay silent, got:\n%s", dir, r.ID, strings.Join(got, "\n"))
	}
	if diff := cmp.Diff(readLines(wantFile), got); diff != "" {
		t.Errorf("%s: findings differ from want.txt (-want +got):\n%s", dir, diff)
	}
}

// TestDocExamples runs each rule's documented examples: Bad must fire the
// rule, Good must not.
func TestDocExamples(t *testing.T) {
	for _, r := range Rules() {
		t.Run(r.ID, func(t *testing.T) {
			if len(r.Doc.Bad) == 0 || len(r.Doc.Good) == 0 {
				t.Fatalf("rule %s needs Bad and Good examples in its Doc", r.ID)
			}
			for _, ex := range []struct {
				files []rules.Example
				fire  bool
			}{{r.Doc.Bad, true}, {r.Doc.Good, false}} {
				dir := t.TempDir()
				for _, f := range ex.files {
					p := filepath.Join(dir, filepath.FromSlash(f.Path))
					if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
						t.Fatal(err)
					}
					if err := os.WriteFile(p, []byte(f.Content), 0o644); err != nil {
						t.Fatal(err)
					}
				}
				var cfg caseConfig
				if r.Severity == rules.Off {
					cfg.Enable = []string{r.ID}
				}
				got := oneline(lintTree(t, dir, cfg), r.ID)
				if ex.fire && len(got) == 0 {
					t.Errorf("Bad example does not fire %s", r.ID)
				}
				if !ex.fire && len(got) > 0 {
					t.Errorf("Good example fires %s:\n%s", r.ID, strings.Join(got, "\n"))
				}
			}
		})
	}
}

// TestDocsPages checks that docs/rules/<category>/<name>.md is exactly the
// page generated from each rule's metadata, that no page exists for an
// unknown rule, and that docs/rules/README.md indexes them all.
func TestDocsPages(t *testing.T) {
	want := map[string]string{}
	for _, r := range Rules() {
		want[filepath.FromSlash(rules.DocPath(r.ID))] = rules.Markdown(r)
	}
	want[filepath.Join("docs", "rules", "README.md")] = Index(Rules())
	if *update {
		_ = os.RemoveAll(filepath.Join(repoRoot, "docs", "rules"))
		for p, content := range want {
			full := filepath.Join(repoRoot, p)
			if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(full, []byte(content), 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}
	var have []string
	_ = filepath.Walk(filepath.Join(repoRoot, "docs", "rules"), func(p string, info os.FileInfo, err error) error {
		if err == nil && !info.IsDir() {
			rel, _ := filepath.Rel(repoRoot, p)
			have = append(have, rel)
		}
		return nil
	})
	sort.Strings(have)
	for _, p := range have {
		if _, ok := want[p]; !ok {
			t.Errorf("%s documents no registered rule: delete it or register the rule", p)
		}
	}
	for p, content := range want {
		b, err := os.ReadFile(filepath.Join(repoRoot, p))
		if err != nil {
			t.Errorf("missing page %s: run \"go test ./rules/all -run TestDocsPages -update\"", p)
			continue
		}
		if diff := cmp.Diff(content, string(b)); diff != "" {
			t.Errorf("%s is stale: run \"go test ./rules/all -run TestDocsPages -update\" (-want +got):\n%s", p, diff)
		}
	}
}
