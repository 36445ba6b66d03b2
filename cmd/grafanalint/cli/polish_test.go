package cli

import (
	"bytes"
	"encoding/json"
	"errors"
	"path/filepath"
	"regexp"
	"runtime/debug"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestSubcommandHelp: every subcommand answers -h and --help with its own
// usage on stdout and exit 0.
func TestSubcommandHelp(t *testing.T) {
	for _, sub := range []string{"", "rules", "explain", "model", "baseline", "init", "version", "completion"} {
		for _, flag := range []string{"-h", "--help"} {
			args := append(strings.Fields(sub), flag)
			r := runCLI(t, t.TempDir(), "", args...)
			if r.code != ExitOK || r.stderr != "" {
				t.Errorf("grafanalint %s: exit %d, stderr %q", strings.Join(args, " "), r.code, r.stderr)
			}
			want := "grafanalint " + sub
			if sub == "" {
				want = "grafanalint [path ...]"
			}
			if !strings.Contains(r.stdout, "Usage:\n  "+want) {
				t.Errorf("grafanalint %s: help does not show %q:\n%s", strings.Join(args, " "), want, r.stdout)
			}
		}
	}
	// "explain -h" is help, not a rule id to look up.
	if r := runCLI(t, t.TempDir(), "", "explain", "-h"); strings.Contains(r.stdout+r.stderr, "unknown rule") {
		t.Errorf("explain -h looked up a rule:\n%s%s", r.stdout, r.stderr)
	}
	if r := runCLI(t, t.TempDir(), "", "help", "model"); r.code != ExitOK || !strings.Contains(r.stdout, "grafanalint model [path ...]") {
		t.Errorf("help model: exit %d:\n%s", r.code, r.stdout)
	}
}

// TestDidYouMean: misspelt flags, subcommands and rule ids are usage
// errors that name what was probably meant.
func TestDidYouMean(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"--formt", "json"}, `unknown flag "--formt" for "grafanalint": did you mean "--format"?`},
		{[]string{"--fail-levl=warning"}, `did you mean "--fail-level"?`},
		{[]string{"rules", "--fromat", "json"}, `unknown flag "--fromat" for "grafanalint rules": did you mean "--format"?`},
		{[]string{"model", "--format", "json"}, `unknown flag "--format" for "grafanalint model": it is a flag of "grafanalint"`},
		{[]string{"rulse"}, `"rulse" is neither a file nor a command: did you mean "grafanalint rules"?`},
		{[]string{"explian", "parse/syntax"}, `did you mean "grafanalint explain"?`},
		{[]string{"explain", "channel/malformd"}, `unknown rule "channel/malformd": did you mean "channel/malformed"?`},
		{[]string{"--disable", "datasource/unknown-uuid"}, `unknown rule "datasource/unknown-uuid" in --disable: did you mean "datasource/unknown-uid"?`},
		{[]string{"--enable", "proxi"}, `unknown rule "proxi" in --enable: did you mean "proxy"?`},
		{[]string{"--severity", "secrets/plaintext=off"}, `unknown rule "secrets/plaintext" in --severity: did you mean "secret/plaintext"?`},
		{[]string{"--format", "json", "--format", "sarif"}, `flag "--format" given twice`},
		{[]string{"-f", "json"}, `unknown flag "-f" for "grafanalint"`},
		{[]string{"version", "extra"}, `"grafanalint version" takes no arguments`},
		{[]string{"help", "rulse"}, `no help topic "rulse": did you mean "grafanalint help rules"?`},
	} {
		r := runCLI(t, t.TempDir(), "", tc.args...)
		if r.code != ExitUsage || !strings.HasPrefix(r.stderr, "grafanalint: ") || !strings.Contains(r.stderr, tc.want) {
			t.Errorf("grafanalint %s: exit %d, stderr %q; want exit 2 and %q", strings.Join(tc.args, " "), r.code, r.stderr, tc.want)
		}
	}
	// A path that exists is linted, whatever its name.
	dir := t.TempDir()
	writeFile(t, filepath.Join(dir, "rulse", "grafana.ini"), "[server]\nhttp_port = 3000\n")
	if r := runCLI(t, dir, "", "rulse"); r.code != ExitOK {
		t.Errorf("an existing directory named like a command: exit %d, %s", r.code, r.stderr)
	}
}

// TestUsageErrorsFromIssues covers command-line values that were
// accepted or misreported before: each is exit 2 with a clear message.
func TestUsageErrorsFromIssues(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, filepath.Join(dir, "grafana.ini"), "[server]\nhttp_port = 3000\n")
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"--grafana-version", "7.5"}, `unsupported Grafana version "7.5": grafanalint checks Grafana 8.0 to 14.x`},
		{[]string{"--grafana-version", "99"}, `unsupported Grafana version "99"`},
		{[]string{"--grafana-version", "11.2foo"}, `invalid Grafana version "11.2foo"`},
		{[]string{"--grafana-version", "latest"}, `invalid Grafana version "latest"`},
		{[]string{"--max-file-size", "18014398509481985K"}, `invalid --max-file-size "18014398509481985K": too large: the largest size accepted is 1TiB`},
		{[]string{"--max-file-size", "99999999999999999999"}, `too large`},
		{[]string{"--max-file-size", "2TiB"}, `too large`},
		{[]string{"--config", ""}, `--config needs a file name`},
		{[]string{"--config="}, `--config needs a file name`},
		{[]string{"--baseline="}, `--baseline needs a file name`},
		{[]string{"-q", "-v"}, `--quiet and --verbose contradict each other`},
	} {
		r := runCLI(t, dir, "", tc.args...)
		if r.code != ExitUsage || !strings.Contains(r.stderr, tc.want) {
			t.Errorf("grafanalint %q: exit %d, stderr %q; want exit 2 and %q", tc.args, r.code, r.stderr, tc.want)
		}
	}
	for _, v := range []string{"8.0", "11.2", "11.2.3", "v12", "12.0.0-beta1", "11.2.3+security-01", "13"} {
		if r := runCLI(t, dir, "", "--grafana-version", v); r.code != ExitOK {
			t.Errorf("--grafana-version %s: exit %d, %s", v, r.code, r.stderr)
		}
	}
	if r := runCLI(t, dir, "", "--max-file-size", "1TiB"); r.code != ExitOK {
		t.Errorf("--max-file-size 1TiB: exit %d, %s", r.code, r.stderr)
	}
	writeFile(t, filepath.Join(dir, ".grafanalint.yaml"), "max_file_size: 18014398509481985K\n")
	if r := runCLI(t, dir, ""); r.code != ExitUsage || !strings.Contains(r.stderr, ".grafanalint.yaml:1:16: invalid max_file_size") {
		t.Errorf("config max_file_size overflow: exit %d, %s", r.code, r.stderr)
	}
}

// failingWriter fails every write, as a closed pipe or a full disk does.
type failingWriter struct{}

func (failingWriter) Write([]byte) (int, error) { return 0, errors.New("no space left on device") }

// TestOutputFailure: a report that cannot be written is exit 2 (README:
// exit 3 is only for input that cannot be read), with the reason.
func TestOutputFailure(t *testing.T) {
	r := runCLI(t, repoRoot, "", "--format", "oneline", "--output", "sarif="+filepath.Join(t.TempDir(), "no", "such", "dir", "x.sarif"), "testdata/demo")
	if r.code != ExitUsage || !strings.Contains(r.stderr, "cannot write the sarif report") {
		t.Errorf("--output into a missing directory: exit %d, stderr %q", r.code, r.stderr)
	}
	for _, args := range [][]string{{"testdata/demo"}, {"model", "testdata/demo"}, {"rules"}, {"explain", "parse/syntax"}, {"version"}} {
		var errb bytes.Buffer
		cmd := &Command{Stdout: failingWriter{}, Stderr: &errb, WorkDir: repoRoot}
		code := cmd.Main(args)
		if code != ExitUsage || !strings.Contains(errb.String(), "cannot write the report to standard output: no space left on device") {
			t.Errorf("grafanalint %s with a failing stdout: exit %d, stderr %q", strings.Join(args, " "), code, errb.String())
		}
	}
}

// TestQuietVerbose: -q prints findings only; -v adds what was discovered
// and skipped on stderr, leaving stdout (the report) as it was.
func TestQuietVerbose(t *testing.T) {
	dir := project(t, map[string]string{
		"dev/provisioning/datasources/ds.yaml":   dsYAML,
		"prod/provisioning/datasources/ds.yaml":  dsYAML,
		"stage/provisioning/datasources/ds.yaml": dsYAML,
		"prod/grafana.ini":                       "[security]\nadmin_password = hunter2hunter2\n",
	})
	plain := runCLI(t, dir, "", "--format", "text")
	if !strings.Contains(plain.stdout, "1 warning") {
		t.Fatalf("want one warning:\n%s", plain.stdout)
	}
	// Text groups the skipped checks per family, naming the stacks once.
	want := `skipped proxy checks: no nginx config in stacks "dev", "prod" and "stage"`
	if !strings.Contains(plain.stdout, want+"\n") || strings.Count(plain.stdout, "skipped proxy") != 1 {
		t.Errorf("text does not group skipped proxy checks as %q:\n%s", want, plain.stdout)
	}
	if !strings.Contains(plain.stdout, `skipped ini checks: no grafana.ini in stacks "dev" and "stage"`) {
		t.Errorf("text does not group skipped ini checks:\n%s", plain.stdout)
	}
	quiet := runCLI(t, dir, "", "-q")
	if quiet.code != ExitOK || !regexp.MustCompile(`^prod/grafana.ini:2:18: warning: .*\[secret/plaintext\]\n$`).MatchString(quiet.stdout) || quiet.stderr != "" {
		t.Errorf("-q: exit %d, stdout %q, stderr %q: want the finding line only", quiet.code, quiet.stdout, quiet.stderr)
	}
	js := runCLI(t, dir, "", "--format", "json")
	jsv := runCLI(t, dir, "", "--format", "json", "--verbose")
	if diff := cmp.Diff(js.stdout, jsv.stdout); diff != "" {
		t.Errorf("-v changed the JSON report:\n%s", diff)
	}
	for _, want := range []string{
		"grafanalint: discovered 4 files: 1 grafana-ini, 3 datasource-provisioning\n",
		`grafanalint: stack "prod": layout on disk under prod; grafana.ini, 1 datasource file`,
		`grafanalint: stack "dev": layout on disk under dev; no grafana.ini (defaults)`,
		`grafanalint: skipped proxy checks (proxy/`,
		`: no nginx config in stacks "dev", "prod" and "stage"`,
		"grafanalint: 1 finding (0 errors, 1 warning, 0 infos); 0 hidden by inline ignores and config exclusions, 0 by the baseline; --fail-level error\n",
	} {
		if !strings.Contains(jsv.stderr, want) {
			t.Errorf("-v stderr lacks %q:\n%s", want, jsv.stderr)
		}
	}
	// The JSON contract keeps one skipped entry per family, reason and
	// stack.
	var out struct {
		Summary struct {
			Skipped []struct{ Family, Reason string } `json:"skipped"`
		} `json:"summary"`
	}
	if err := json.Unmarshal([]byte(js.stdout), &out); err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, s := range out.Summary.Skipped {
		if s.Family == "proxy" {
			n++
		}
	}
	if n != 3 {
		t.Errorf("JSON has %d skipped proxy entries, want 3 (one per stack): %+v", n, out.Summary.Skipped)
	}
}

// TestStatisticsOnStderr: README says --statistics prints to stderr; the
// report on stdout stays what it is without it.
func TestStatisticsOnStderr(t *testing.T) {
	with := runCLI(t, repoRoot, "", "--format", "json", "--statistics", "testdata/demo")
	without := runCLI(t, repoRoot, "", "--format", "json", "testdata/demo")
	if with.stdout != without.stdout {
		t.Errorf("--statistics changed stdout")
	}
	if !regexp.MustCompile(`(?m)^ *\d+  datasource/unknown-uid  `).MatchString(with.stderr) {
		t.Errorf("--statistics wrote no table to stderr:\n%s", with.stderr)
	}
}

// TestCompletion: cobra's completion scripts, and the dynamic completions
// they call for rule ids and flag values.
func TestCompletion(t *testing.T) {
	for shell, marker := range map[string]string{"bash": "__start_grafanalint", "zsh": "#compdef grafanalint", "fish": "complete -c grafanalint", "powershell": "Register-ArgumentCompleter"} {
		r := runCLI(t, t.TempDir(), "", "completion", shell)
		if r.code != ExitOK || !strings.Contains(r.stdout, marker) {
			t.Errorf("completion %s: exit %d, no %q in the script", shell, r.code, marker)
		}
	}
	r := runCLI(t, t.TempDir(), "", "__complete", "explain", "channel/mal")
	if !strings.HasPrefix(r.stdout, "channel/malformed\t") || strings.Contains(r.stdout, "parse/") {
		t.Errorf("explain completion for channel/mal:\n%s", r.stdout)
	}
	r = runCLI(t, t.TempDir(), "", "__complete", "--fail-level", "w")
	if !strings.HasPrefix(r.stdout, "warning\n:4\n") {
		t.Errorf("--fail-level completion:\n%s", r.stdout)
	}
}

// TestVersionInfo: version, commit and date come from ldflags when a
// release build sets them, else from the Go build information.
func TestVersionInfo(t *testing.T) {
	bi := &debug.BuildInfo{GoVersion: "go1.26.8", Main: debug.Module{Path: "github.com/grafanalint/grafanalint", Version: "v0.2.0"},
		Settings: []debug.BuildSetting{{Key: "vcs.revision", Value: "0123456789abcdef0123456789abcdef01234567"}, {Key: "vcs.time", Value: "2026-03-04T05:06:07Z"}, {Key: "vcs.modified", Value: "true"}}}
	got := readBuildInfo(bi, true).String()
	want := regexp.MustCompile(`^grafanalint v0\.2\.0 \(commit 0123456789ab-dirty, built 2026-03-04T05:06:07Z, go1\.26\.8 \w+/\w+\)$`)
	if !want.MatchString(got) {
		t.Errorf("from build info: %q", got)
	}
	if got := readBuildInfo(&debug.BuildInfo{Main: debug.Module{Version: "(devel)"}}, true).String(); !strings.HasPrefix(got, "grafanalint devel (") {
		t.Errorf("a build without version: %q", got)
	}
	Version, Commit, Date = "v1.0.0", "fedcba9876543210", "2026-05-06T07:08:09Z"
	defer func() { Version, Commit, Date = "", "", "" }()
	got = readBuildInfo(bi, true).String()
	if !strings.HasPrefix(got, "grafanalint v1.0.0 (commit fedcba987654, built 2026-05-06T07:08:09Z, go1.26.8 ") {
		t.Errorf("ldflags do not win: %q", got)
	}
	if r := runCLI(t, t.TempDir(), "", "--version"); r.code != ExitOK || !strings.HasPrefix(r.stdout, "grafanalint v1.0.0 (") {
		t.Errorf("--version: exit %d, %q", r.code, r.stdout)
	}
}

// TestIncludeCycleIsAFinding: an nginx include cycle is a parse/include-cycle
// finding with a position in every format, exit 1 — not an input error on
// stderr with exit 3.
func TestIncludeCycleIsAFinding(t *testing.T) {
	dir := project(t, map[string]string{
		"nginx/nginx.conf":            "events {}\nhttp {\n  server {\n    listen 80;\n    location / {\n      include snippets/proxy.conf;\n      proxy_pass http://grafana:3000;\n    }\n  }\n}\n",
		"nginx/snippets/proxy.conf":   "proxy_set_header Host $host;\ninclude snippets/headers.conf;\n",
		"nginx/snippets/headers.conf": "proxy_set_header X-Real-IP $remote_addr;\ninclude snippets/proxy.conf;\n",
	})
	for _, format := range []string{"text", "oneline", "json", "sarif", "github", "checkstyle", "junit", "gitlab"} {
		r := runCLI(t, dir, "", "--format", format)
		if r.code != ExitFindings || r.stderr != "" {
			t.Errorf("--format %s: exit %d, stderr %q; want exit 1 and nothing on stderr", format, r.code, r.stderr)
		}
		if !strings.Contains(r.stdout, "parse/include-cycle") || !strings.Contains(r.stdout, "headers.conf") {
			t.Errorf("--format %s does not carry the include cycle:\n%s", format, r.stdout)
		}
	}
	r := runCLI(t, dir, "", "--format", "oneline")
	if !strings.HasPrefix(r.stdout, "nginx/snippets/headers.conf:2:9: error: include \"snippets/proxy.conf\" leads back to a file being included: nginx/snippets/proxy.conf -> nginx/snippets/headers.conf -> nginx/snippets/proxy.conf;") {
		t.Errorf("oneline:\n%s", r.stdout)
	}
}
