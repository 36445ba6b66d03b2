package integration

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// The GitHub Action's logic lives in scripts under .github/action, which
// these tests run with bash as the runner would (inputs in the
// environment, outputs through $GITHUB_OUTPUT), against a fake release
// server and the real grafanalint.

type actionMeta struct {
	Inputs  map[string]struct{ Default string } `yaml:"inputs"`
	Outputs map[string]struct{ Value string }   `yaml:"outputs"`
	Runs    struct {
		Using string `yaml:"using"`
		Steps []struct {
			ID   string            `yaml:"id"`
			Uses string            `yaml:"uses"`
			If   string            `yaml:"if"`
			Run  string            `yaml:"run"`
			Env  map[string]string `yaml:"env"`
			With map[string]string `yaml:"with"`
		} `yaml:"steps"`
	} `yaml:"runs"`
}

// TestActionMetadata checks action.yml against the scripts and the
// contract README documents.
func TestActionMetadata(t *testing.T) {
	var a actionMeta
	readYAML(t, filepath.Join(repoRoot, "action.yml"), &a)
	for _, in := range []string{"paths", "args", "version", "sarif-file", "upload-sarif", "sarif-category", "go-version"} {
		if _, ok := a.Inputs[in]; !ok {
			t.Errorf("action.yml has no input %q", in)
		}
	}
	for _, out := range []string{"findings", "errors", "warnings", "infos", "sarif-file", "exit-code", "version"} {
		if o, ok := a.Outputs[out]; !ok || !strings.Contains(o.Value, "steps.") {
			t.Errorf("action.yml has no output %q from a step", out)
		}
	}
	if a.Runs.Using != "composite" {
		t.Errorf("runs.using = %q, want composite", a.Runs.Using)
	}
	uses := map[string]bool{}
	for _, s := range a.Runs.Steps {
		if s.Uses != "" {
			uses[strings.Split(s.Uses, "@")[0]] = true
		}
		if script, ok := strings.CutPrefix(strings.Trim(s.Run, `"`), "$GITHUB_ACTION_PATH/"); ok {
			st, err := os.Stat(filepath.Join(repoRoot, strings.TrimSuffix(script, `"`)))
			if err != nil || st.Mode()&0o111 == 0 {
				t.Errorf("step %q runs %s, which is missing or not executable: %v", s.ID, script, err)
			}
		}
		if strings.Contains(s.Run, "${{") {
			t.Errorf("step %q puts an expression into its script (injection): pass it through env", s.ID)
		}
	}
	for _, u := range []string{"actions/cache/restore", "actions/cache/save", "github/codeql-action/upload-sarif"} {
		if !uses[u] {
			t.Errorf("action.yml does not use %s", u)
		}
	}
}

// runnerOS names this machine as RUNNER_OS and RUNNER_ARCH do.
func runnerOS() (string, string) {
	os := map[string]string{"linux": "Linux", "darwin": "macOS", "windows": "Windows"}[runtime.GOOS]
	arch := map[string]string{"amd64": "X64", "arm64": "ARM64"}[runtime.GOARCH]
	return os, arch
}

// script runs one of the action's scripts with env and returns its output,
// its $GITHUB_OUTPUT as a map, and whether it succeeded.
func script(t *testing.T, name string, env map[string]string) (string, map[string]string, bool) {
	t.Helper()
	bash := need(t, "bash")
	dir := t.TempDir()
	outFile, pathFile := filepath.Join(dir, "output"), filepath.Join(dir, "path")
	runnerOS, runnerArch := runnerOS()
	full := []string{
		"PATH=" + os.Getenv("PATH"), "HOME=" + os.Getenv("HOME"),
		"GITHUB_OUTPUT=" + outFile, "GITHUB_PATH=" + pathFile,
		"RUNNER_OS=" + runnerOS, "RUNNER_ARCH=" + runnerArch, "RUNNER_TEMP=" + dir,
	}
	for k, v := range env {
		full = append(full, k+"="+v)
	}
	// The runner runs bash steps as "bash --noprofile --norc -eo pipefail {0}".
	out, err := run(t, full, repoRoot, bash, "--noprofile", "--norc", "-eo", "pipefail", filepath.Join(repoRoot, ".github/action", name))
	outputs := map[string]string{}
	b, _ := os.ReadFile(outFile)
	for _, line := range strings.Split(strings.TrimSpace(string(b)), "\n") {
		if k, v, ok := strings.Cut(line, "="); ok {
			outputs[k] = v
		}
	}
	if p, err := os.ReadFile(pathFile); err == nil {
		outputs["GITHUB_PATH"] = strings.TrimSpace(string(p))
	}
	return out, outputs, err == nil
}

// fakeRelease serves a grafanalint release as GitHub does: /latest
// redirects to /tag/<version>, /download/<version>/<file> serves the
// archive and checksums.txt.
type fakeRelease struct {
	*httptest.Server
	requests atomic.Int32
}

func newFakeRelease(t *testing.T, version, archive string, content []byte, checksums string) *fakeRelease {
	t.Helper()
	f := &fakeRelease{}
	f.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		f.requests.Add(1)
		switch r.URL.Path {
		case "/releases/latest":
			http.Redirect(w, r, "/releases/tag/"+version, http.StatusFound)
		case "/releases/tag/" + version:
			fmt.Fprint(w, "release page")
		case "/releases/download/" + version + "/" + archive:
			_, _ = w.Write(content)
		case "/releases/download/" + version + "/checksums.txt":
			fmt.Fprint(w, checksums)
		default:
			http.NotFound(w, r)
		}
	}))
	t.Cleanup(f.Close)
	return f
}

// releaseArchive packs the grafanalint binary at bin as a release archive
// (tar.gz, as .goreleaser.yaml makes them for linux and darwin).
func releaseArchive(t *testing.T, bin string) []byte {
	t.Helper()
	exe, err := os.ReadFile(bin)
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	gz := gzip.NewWriter(&buf)
	tw := tar.NewWriter(gz)
	for name, body := range map[string][]byte{"README.md": []byte("# grafanalint\n"), "grafanalint": exe} {
		if err := tw.WriteHeader(&tar.Header{Name: name, Mode: 0o755, Size: int64(len(body))}); err != nil {
			t.Fatal(err)
		}
		if _, err := tw.Write(body); err != nil {
			t.Fatal(err)
		}
	}
	if err := tw.Close(); err != nil {
		t.Fatal(err)
	}
	if err := gz.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func buildGrafanalint(t *testing.T) string {
	t.Helper()
	goPath := need(t, "go")
	bin := filepath.Join(t.TempDir(), "bin", "grafanalint")
	mustRun(t, os.Environ(), repoRoot, goPath, "build", "-o", bin, "./cmd/grafanalint")
	return bin
}

// TestActionInstall: the action resolves the version (its own tag,
// "latest" through the releases page's redirect, a bare number), downloads
// the release archive, verifies it against checksums.txt, installs and
// caches it, and refuses a download whose checksum does not match.
func TestActionInstall(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("the release archive for Windows is a zip; tested on Linux and macOS")
	}
	need(t, "curl")
	const version = "v0.9.0"
	archive := fmt.Sprintf("grafanalint_0.9.0_%s_%s.tar.gz", runtime.GOOS, runtime.GOARCH)
	content := releaseArchive(t, buildGrafanalint(t))
	sum := sha256.Sum256(content)
	checksums := hex.EncodeToString(sum[:]) + "  " + archive + "\n" + strings.Repeat("0", 64) + "  grafanalint_0.9.0_windows_amd64.zip\n"
	rel := newFakeRelease(t, version, archive, content, checksums)
	releases := rel.URL + "/releases"
	cache := t.TempDir()

	for _, tc := range []struct{ input, ref, want, method string }{
		{"", "v0.9.0", version, "release"},       // uses: grafanalint/grafanalint@v0.9.0
		{"", "main", version, "release"},         // a branch of the action: the latest release
		{"latest", "v0.1.0", version, "release"}, // the input wins
		{"0.9.0", "", version, "release"},
		{"3f2c1ab", "", "3f2c1ab", "go"}, // a commit: built with Go
	} {
		out, o, ok := script(t, "resolve.sh", map[string]string{"INPUT_VERSION": tc.input, "GITHUB_ACTION_REF": tc.ref, "GRAFANALINT_RELEASES": releases, "RUNNER_TOOL_CACHE": cache})
		if !ok || o["version"] != tc.want || o["method"] != tc.method {
			t.Errorf("resolve version=%q ref=%q: %v, outputs %v\n%s", tc.input, tc.ref, ok, o, out)
		}
	}
	for _, bad := range []string{"$(touch pwned)", "v1 --help"} {
		if out, _, ok := script(t, "resolve.sh", map[string]string{"INPUT_VERSION": bad, "GRAFANALINT_RELEASES": releases}); ok || !strings.Contains(out, "::error title=grafanalint::invalid version input") {
			t.Errorf("resolve accepted version %q:\n%s", bad, out)
		}
	}

	_, o, _ := script(t, "resolve.sh", map[string]string{"INPUT_VERSION": "", "GITHUB_ACTION_REF": "v0.9.0", "GRAFANALINT_RELEASES": releases, "RUNNER_TOOL_CACHE": cache})
	if o["archive"] != archive {
		t.Fatalf("archive %q, want %q", o["archive"], archive)
	}
	installEnv := map[string]string{"VERSION": o["version"], "METHOD": o["method"], "ARCHIVE": o["archive"], "DIR": o["dir"], "GRAFANALINT_RELEASES": releases}

	// A tampered archive is refused and nothing is installed.
	bad := newFakeRelease(t, version, archive, append(content, 0), checksums)
	badEnv := map[string]string{}
	for k, v := range installEnv {
		badEnv[k] = v
	}
	badEnv["GRAFANALINT_RELEASES"] = bad.URL + "/releases"
	if out, _, ok := script(t, "install.sh", badEnv); ok || !strings.Contains(out, "::error title=grafanalint::checksum mismatch for "+archive) {
		t.Errorf("a tampered archive was installed:\n%s", out)
	}
	if _, err := os.Stat(filepath.Join(o["dir"], "grafanalint")); err == nil {
		t.Fatal("the tampered binary is in place")
	}

	out, o2, ok := script(t, "install.sh", installEnv)
	if !ok || o2["GITHUB_PATH"] != o["dir"] || !strings.Contains(out, "grafanalint ") {
		t.Fatalf("install: %v, PATH %q\n%s", ok, o2["GITHUB_PATH"], out)
	}
	before := rel.requests.Load()
	out, _, ok = script(t, "install.sh", installEnv)
	if !ok || !strings.Contains(out, "is cached in") || rel.requests.Load() != before {
		t.Errorf("a cached binary was downloaded again (%d requests):\n%s", rel.requests.Load()-before, out)
	}
}

// stubGrafanalint puts a grafanalint on PATH that records its arguments,
// one per line, in the returned file.
func stubGrafanalint(t *testing.T) (pathDir, argsFile string) {
	t.Helper()
	dir := t.TempDir()
	argsFile = filepath.Join(dir, "args")
	write(t, filepath.Join(dir, "grafanalint"), "#!/usr/bin/env bash\nprintf '%s\\n' \"$@\" > "+argsFile+"\nexit 0\n")
	if err := os.Chmod(filepath.Join(dir, "grafanalint"), 0o755); err != nil {
		t.Fatal(err)
	}
	return dir, argsFile
}

// TestActionArgs: multi-line args and paths reach grafanalint word for
// word — quotes, several per line, spaces inside quotes — and nothing in
// them is run; a --format of the user's replaces the action's.
func TestActionArgs(t *testing.T) {
	pathDir, argsFile := stubGrafanalint(t)
	pwned := filepath.Join(t.TempDir(), "pwned")
	env := func(args, paths string) map[string]string {
		return map[string]string{"PATH": pathDir + string(os.PathListSeparator) + os.Getenv("PATH"), "INPUT_ARGS": args, "INPUT_PATHS": paths, "GRAFANALINT_MATCHER": "/m.json"}
	}
	recorded := func() []string {
		b, err := os.ReadFile(argsFile)
		if err != nil {
			t.Fatal(err)
		}
		return strings.Split(strings.TrimSuffix(string(b), "\n"), "\n")
	}
	args := "--fail-level warning\n" +
		"--env 'GF_SERVER_ROOT_URL=https://grafana.example.com/a b/'   --severity \"secret/plaintext=error\"\n" +
		"\n" +
		"--env GF_X=$(touch " + pwned + ") --env 'GF_Y=`touch " + pwned + "`;x'\n"
	out, o, ok := script(t, "run.sh", env(args, "deploy/grafana\n'dir with space' other"))
	if !ok {
		t.Fatalf("run.sh failed:\n%s", out)
	}
	got := recorded()
	if len(got) < 4 || got[0] != "--format" || got[1] != "oneline" || got[2] != "--output" || !strings.HasPrefix(got[3], "json=") {
		t.Fatalf("action flags: %q", got)
	}
	want := []string{"--fail-level", "warning", "--env", "GF_SERVER_ROOT_URL=https://grafana.example.com/a b/", "--severity", "secret/plaintext=error",
		"--env", "GF_X=$(touch", pwned + ")", "--env", "GF_Y=`touch " + pwned + "`;x", "deploy/grafana", "dir with space", "other"}
	if diff := cmp.Diff(want, got[4:]); diff != "" {
		t.Errorf("arguments (-want +got):\n%s", diff)
	}
	if _, err := os.Stat(pwned); err == nil {
		t.Errorf("text in args was run")
	}
	if !strings.Contains(out, "::add-matcher::/m.json") || o["exit-code"] != "0" {
		t.Errorf("matcher or exit code: %v\n%s", o, out)
	}

	// The user's --format replaces the action's; github output needs no
	// matcher.
	for _, user := range []string{"--format github", "--format=github"} {
		out, _, _ = script(t, "run.sh", env(user, ""))
		got = recorded()
		if strings.Contains(strings.Join(got, " "), "oneline") || strings.Contains(out, "::add-matcher::") || got[len(got)-1] != "." {
			t.Errorf("%s: arguments %q, output:\n%s", user, got, out)
		}
	}
	out, _, _ = script(t, "run.sh", env("--format text", ""))
	if !strings.Contains(out, "::add-matcher::") {
		t.Errorf("--format text: the matcher reads text and was not added:\n%s", out)
	}
	if out, _, ok := script(t, "run.sh", env("--env 'GF_X=unclosed", "")); ok || !strings.Contains(out, "::error title=grafanalint::cannot read the args input") {
		t.Errorf("unbalanced quotes were accepted:\n%s", out)
	}
}

// TestActionRun runs the action's lint step with the real grafanalint on
// the demo: annotations through the shipped matcher (every finding
// once, info as notice), every matcher removed, the outputs (findings
// count, SARIF path, exit code) and the step's failure.
func TestActionRun(t *testing.T) {
	bin := buildGrafanalint(t)
	sarif := filepath.Join(t.TempDir(), "grafanalint.sarif")
	matcherPath := filepath.Join(repoRoot, ".github/grafanalint-matcher.json")
	env := map[string]string{
		"PATH":                filepath.Dir(bin) + string(os.PathListSeparator) + os.Getenv("PATH"),
		"GRAFANALINT_MATCHER": matcherPath,
		"INPUT_PATHS":         "testdata/demo",
		"INPUT_ARGS":          "--no-config\n--fail-level error",
		"INPUT_SARIF_FILE":    sarif,
	}
	out, o, ok := script(t, "run.sh", env)
	if ok {
		t.Errorf("the step passed on the demo's errors:\n%s", out)
	}
	lines := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
	if lines[0] != "::add-matcher::"+matcherPath {
		t.Errorf("first line %q, want the add-matcher command for %s", lines[0], matcherPath)
	}
	var removed, owners []string
	for _, l := range lines {
		if owner, ok := strings.CutPrefix(l, "::remove-matcher owner="); ok {
			removed = append(removed, strings.TrimSuffix(owner, "::"))
		}
	}
	ms := loadGitHubMatchers(t)
	for _, m := range ms {
		owners = append(owners, m.Owner)
	}
	if diff := cmp.Diff(owners, removed); diff != "" {
		t.Errorf("removed matchers differ from the shipped ones (-shipped +removed):\n%s", diff)
	}
	want := demoFindings(t, func(s string) string {
		if s == "info" {
			return "notice"
		}
		return s
	})
	if diff := cmp.Diff(want, runGitHub(ms, out)); diff != "" {
		t.Errorf("annotations from the step's output (-want +got):\n%s", diff)
	}
	counts := map[string]int{}
	for _, is := range want {
		counts[is.Severity]++
	}
	wantOut := map[string]string{
		"findings": fmt.Sprint(len(want)), "errors": fmt.Sprint(counts["error"]), "warnings": fmt.Sprint(counts["warning"]), "infos": fmt.Sprint(counts["notice"]),
		"sarif-file": sarif, "exit-code": "1",
	}
	if diff := cmp.Diff(wantOut, o); diff != "" {
		t.Errorf("outputs (-want +got):\n%s", diff)
	}
	if b, err := os.ReadFile(sarif); err != nil || !bytes.Contains(b, []byte(`"version": "2.1.0"`)) {
		t.Errorf("no SARIF written by sarif-file: %v", err)
	}

	// upload-sarif without sarif-file writes the report to RUNNER_TEMP.
	delete(env, "INPUT_SARIF_FILE")
	env["INPUT_UPLOAD_SARIF"] = "true"
	_, o, _ = script(t, "run.sh", env)
	if !strings.HasSuffix(o["sarif-file"], "/grafanalint.sarif") {
		t.Errorf("upload-sarif without sarif-file: sarif-file output %q", o["sarif-file"])
	} else if _, err := os.Stat(o["sarif-file"]); err != nil {
		t.Errorf("the SARIF for upload was not written: %v", err)
	}

	// A usage error has no counts and keeps its exit code.
	env["INPUT_ARGS"] = "--fail-level fatal"
	_, o, _ = script(t, "run.sh", env)
	if o["exit-code"] != "2" || o["findings"] != "" {
		t.Errorf("usage error outputs: %v", o)
	}
}
