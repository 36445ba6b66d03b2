package cli

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

var update = flag.Bool("update", false, "rewrite golden files")

// repoRoot is the repository root seen from this package.
var repoRoot, _ = filepath.Abs("../../..")

type result struct {
	code           int
	stdout, stderr string
}

// runCLI runs grafanalint in-process in dir.
func runCLI(t *testing.T, dir, stdin string, args ...string) result {
	t.Helper()
	var out, errb bytes.Buffer
	cmd := &Command{Stdin: strings.NewReader(stdin), Stdout: &out, Stderr: &errb, WorkDir: dir,
		Getenv: func(string) string { return "" }}
	code := cmd.Main(args)
	return result{code, out.String(), errb.String()}
}

func golden(t *testing.T, name, got string) {
	t.Helper()
	p := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(p, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(p)
	if err != nil {
		t.Fatalf("%v (run with -update to create it)", err)
	}
	if diff := cmp.Diff(string(want), got); diff != "" {
		t.Errorf("%s differs (-want +got):\n%s", name, diff)
	}
}

// TestDemo is README's first command: the bundled demo stack must show
// findings and exit 1.
func TestDemo(t *testing.T) {
	for _, format := range []string{"oneline", "json"} {
		t.Run(format, func(t *testing.T) {
			r := runCLI(t, repoRoot, "", "--format", format, "testdata/demo")
			if r.code != ExitFindings {
				t.Errorf("exit code %d, want %d; stderr:\n%s", r.code, ExitFindings, r.stderr)
			}
			golden(t, "demo."+format, r.stdout)
		})
	}
}

// TestDemoCoversFamilies checks that README's demo shows a finding from
// every rule family that has rules.
func TestDemoCoversFamilies(t *testing.T) {
	r := runCLI(t, repoRoot, "", "--format", "json", "testdata/demo")
	var out struct {
		Findings []struct {
			Rule string `json:"rule"`
		} `json:"findings"`
	}
	if err := json.Unmarshal([]byte(r.stdout), &out); err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	for _, f := range out.Findings {
		cat, _, _ := strings.Cut(f.Rule, "/")
		seen[cat] = true
	}
	rr := runCLI(t, repoRoot, "", "rules", "--format", "json")
	var list []struct {
		Category string `json:"category"`
		Severity string `json:"severity"`
	}
	if err := json.Unmarshal([]byte(rr.stdout), &list); err != nil {
		t.Fatal(err)
	}
	for _, r := range list {
		if r.Severity == "off" {
			continue // families off by default (convention) need --enable
		}
		if !seen[r.Category] {
			t.Errorf("the demo shows no finding of family %q", r.Category)
			seen[r.Category] = true
		}
	}
}

func TestExitCodes(t *testing.T) {
	clean := t.TempDir()
	writeFile(t, filepath.Join(clean, "grafana.ini"), "[server]\nhttp_port = 3000\n")
	for _, tc := range []struct {
		name string
		dir  string
		args []string
		want int
	}{
		{"clean tree", clean, nil, ExitOK},
		{"findings", repoRoot, []string{"testdata/demo"}, ExitFindings},
		{"fail-level info", repoRoot, []string{"--fail-level", "info", "testdata/demo"}, ExitFindings},
		{"unknown flag", clean, []string{"--frobnicate"}, ExitUsage},
		{"bad format", clean, []string{"--format", "xml"}, ExitUsage},
		{"bad fail-level", clean, []string{"--fail-level", "fatal"}, ExitUsage},
		{"bad output", clean, []string{"--output", "json"}, ExitUsage},
		{"unknown rule", clean, []string{"--disable", "no/such-rule"}, ExitUsage},
		{"bad version", clean, []string{"--grafana-version", "twelve"}, ExitUsage},
		{"stdin without name", clean, []string{"-"}, ExitUsage},
		{"missing path", clean, []string{"does/not/exist"}, ExitInput},
		{"explain unknown", clean, []string{"explain", "nope"}, ExitUsage},
		{"version", clean, []string{"version"}, ExitOK},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := runCLI(t, tc.dir, "", tc.args...)
			if r.code != tc.want {
				t.Errorf("grafanalint %s: exit %d, want %d\nstdout:\n%s\nstderr:\n%s", strings.Join(tc.args, " "), r.code, tc.want, r.stdout, r.stderr)
			}
			if tc.want == ExitUsage && !strings.HasPrefix(r.stderr, "grafanalint: ") {
				t.Errorf("usage error without a message on stderr: %q", r.stderr)
			}
		})
	}
}

func TestFailLevelWarning(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, filepath.Join(dir, "provisioning/datasources/ds.yaml"), "apiVersion: 1\ndatasources:\n  - name: P\n    type: prometheus\n    access: browser\n    url: http://p:9090\n")
	r := runCLI(t, dir, "", "--format", "oneline")
	if r.code != ExitOK || !strings.Contains(r.stdout, "warning:") || strings.Contains(r.stdout, "error:") {
		t.Fatalf("want only warnings and exit 0 at the default fail level, got exit %d:\n%s", r.code, r.stdout)
	}
	if r := runCLI(t, dir, "", "--fail-level", "warning"); r.code != ExitFindings {
		t.Errorf("--fail-level warning: exit %d, want 1", r.code)
	}
}

func TestNothingFound(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, filepath.Join(dir, "README.md"), "# not Grafana\n")
	r := runCLI(t, dir, "")
	if r.code != ExitOK || !strings.Contains(r.stderr, "no Grafana files found") {
		t.Errorf("exit %d, stderr %q: want exit 0 and a warning that nothing was linted", r.code, r.stderr)
	}
}

func TestStdin(t *testing.T) {
	dash := "{\"uid\": \"x\", \"schemaVersion\": 39, \"panels\": [ {\"type\": \"stat\" \"title\": \"a\"} ]}\n"
	r := runCLI(t, t.TempDir(), dash, "--format", "oneline", "--stdin-filename", "dashboards/x.json", "-")
	if r.code != ExitFindings {
		t.Fatalf("exit %d, want 1; stderr %s", r.code, r.stderr)
	}
	if !strings.HasPrefix(r.stdout, "dashboards/x.json:1:") || !strings.Contains(r.stdout, "[parse/syntax]") {
		t.Errorf("stdin finding not reported under its --stdin-filename: %q", r.stdout)
	}
}

func TestOutputFiles(t *testing.T) {
	out := filepath.Join(t.TempDir(), "out.sarif")
	r := runCLI(t, repoRoot, "", "--format", "oneline", "--output", "sarif="+out, "testdata/demo")
	if r.code != ExitFindings {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	b, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	var sarif struct {
		Version string `json:"version"`
		Runs    []struct {
			Results []json.RawMessage `json:"results"`
		} `json:"runs"`
	}
	if err := json.Unmarshal(b, &sarif); err != nil {
		t.Fatal(err)
	}
	lines := strings.Count(r.stdout, "\n")
	if sarif.Version != "2.1.0" || len(sarif.Runs) != 1 || len(sarif.Runs[0].Results) != lines {
		t.Errorf("sarif has %d results for %d printed findings", len(sarif.Runs[0].Results), lines)
	}
}

func TestModelRedactsSecrets(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, filepath.Join(dir, "grafana.ini"), "[security]\nadmin_password = Tr0ub4dor&3\nsecret_key = abc#TailOfTheKey\n[database]\npassword = \"correct horse\"\n")
	writeFile(t, filepath.Join(dir, "provisioning/datasources/ds.yaml"), "apiVersion: 1\ndatasources:\n  - name: P\n    type: prometheus\n    url: http://admin:s3cretpw@p:9090\n    secureJsonData:\n      basicAuthPassword: hunter2hunter2\n")
	writeFile(t, filepath.Join(dir, "nginx/nginx.conf"), "events {}\nhttp {\n  server {\n    listen 80;\n    location / {\n      proxy_set_header Authorization \"Basic QWxhZGRpbjpvcGVuc2VzYW1l\";\n      proxy_pass http://grafana:3000;\n    }\n  }\n}\n")
	for _, args := range [][]string{{"model"}, {"--format", "json"}, {"--format", "text", "--excerpt", "always"}, {"--format", "sarif"}} {
		r := runCLI(t, dir, "", args...)
		for _, secret := range []string{"Tr0ub4dor", "correct horse", "s3cretpw", "hunter2hunter2", "TailOfTheKey", "QWxhZGRpbjpvcGVuc2VzYW1l"} {
			if strings.Contains(r.stdout, secret) || strings.Contains(r.stderr, secret) {
				t.Errorf("grafanalint %s printed the secret %q", strings.Join(args, " "), secret)
			}
		}
	}
}

func TestRulesAndExplain(t *testing.T) {
	r := runCLI(t, repoRoot, "", "rules")
	if r.code != 0 || !strings.Contains(r.stdout, "parse/syntax") {
		t.Fatalf("rules: %d %q", r.code, r.stdout)
	}
	e := runCLI(t, repoRoot, "", "explain", "parse/syntax")
	page, err := os.ReadFile(filepath.Join(repoRoot, "docs/rules/parse/syntax.md"))
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(string(page), e.stdout); diff != "" {
		t.Errorf("explain differs from docs page (-page +explain):\n%s", diff)
	}
}

func writeFile(t *testing.T, path, content string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}
