package integration

import (
	"bytes"
	"context"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"
)

// repoRoot is the repository root seen from this package.
var repoRoot, _ = filepath.Abs("../../..")

// need returns the path of a program the test drives; without it the
// test skips, except under CI=true, where it fails.
func need(t *testing.T, name string) string {
	t.Helper()
	p, err := exec.LookPath(name)
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("%s is not on PATH (CI installs it: see .ci/run)", name)
		}
		t.Skipf("%s is not on PATH", name)
	}
	return p
}

// run runs a command in dir and returns its combined output.
func run(t *testing.T, env []string, dir string, name string, args ...string) (string, error) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 4*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, name, args...)
	cmd.Dir = dir
	cmd.Env = env
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	err := cmd.Run()
	return out.String(), err
}

func mustRun(t *testing.T, env []string, dir string, name string, args ...string) string {
	t.Helper()
	out, err := run(t, env, dir, name, args...)
	if err != nil {
		t.Fatalf("%s %s: %v\n%s", name, strings.Join(args, " "), err, out)
	}
	return out
}

func write(t *testing.T, path, content string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

// snapshot copies this checkout's files (tracked and untracked, not
// ignored) into a new git repository with one commit, and returns its
// path and commit. pre-commit clones hook repositories at a commit, so
// the hooks run exactly the code of the working tree, committed or not.
func snapshot(t *testing.T, env []string, gitPath, dir string) (string, string) {
	t.Helper()
	dst := filepath.Join(dir, "grafanalint")
	var files []string
	if out, err := run(t, env, repoRoot, gitPath, "ls-files", "-z", "--cached", "--others", "--exclude-standard"); err == nil {
		for _, f := range strings.Split(out, "\x00") {
			if f != "" {
				files = append(files, f)
			}
		}
	} else {
		// Not a git checkout: take everything but .git.
		err := filepath.WalkDir(repoRoot, func(p string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			if d.IsDir() && d.Name() == ".git" {
				return filepath.SkipDir
			}
			if !d.IsDir() {
				rel, _ := filepath.Rel(repoRoot, p)
				files = append(files, rel)
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	for _, f := range files {
		b, err := os.ReadFile(filepath.Join(repoRoot, f))
		if err != nil {
			continue // deleted in the working tree but still in the index
		}
		write(t, filepath.Join(dst, f), string(b))
	}
	mustRun(t, env, dst, gitPath, "init", "-q")
	mustRun(t, env, dst, gitPath, "add", "-A")
	mustRun(t, env, dst, gitPath, "commit", "-q", "-m", "snapshot")
	rev := strings.TrimSpace(mustRun(t, env, dst, gitPath, "rev-parse", "HEAD"))
	return dst, rev
}

// The small Grafana project the hook checks.
const (
	datasources = `apiVersion: 1
datasources:
  - name: Prometheus
    uid: prom
    type: prometheus
    url: http://prometheus:9090
`
	provider = `apiVersion: 1
providers:
  - name: default
    type: file
    options:
      path: /var/lib/grafana/boards
`
	dashboardFmt = `{
  "uid": %q,
  "title": %q,
  "schemaVersion": 39,
  "panels": [
    {"id": 1, "type": "timeseries", "datasource": {"type": "prometheus", "uid": %q}}
  ]
}
`
)

// preCommitSetup is what the pre-commit tests share: the real programs, an
// environment that keeps git and pre-commit away from the user's own
// configuration, a snapshot of this checkout as the hook repository, and a
// grafanalint built from it on PATH for the "-system" hooks.
type preCommitSetup struct {
	preCommit, git string
	// env runs "language: golang" hooks (pre-commit builds grafanalint);
	// envSystem has the built grafanalint first on PATH.
	env, envSystem []string
	hooks, rev     string
}

// The setup is made once per test binary and shared: building grafanalint
// and pre-commit's golang environment is most of the time these tests take.
var (
	setupOnce   sync.Once
	shared      *preCommitSetup
	sharedDir   string
	setupFailed bool
)

// TestMain removes the shared setup after the tests.
func TestMain(m *testing.M) {
	code := m.Run()
	if sharedDir != "" {
		_ = os.RemoveAll(sharedDir)
	}
	os.Exit(code)
}

func setupPreCommit(t *testing.T) *preCommitSetup {
	t.Helper()
	if testing.Short() {
		t.Skip("drives pre-commit and builds grafanalint")
	}
	// need runs in every test, so that each skips (or fails in CI) by
	// itself when a program is missing.
	need(t, "pre-commit")
	need(t, "git")
	need(t, "go")
	setupOnce.Do(func() {
		setupFailed = true
		shared = newPreCommitSetup(t)
		setupFailed = false
	})
	if setupFailed {
		t.Fatal("the shared pre-commit setup failed (see the first test)")
	}
	return shared
}

func newPreCommitSetup(t *testing.T) *preCommitSetup {
	t.Helper()
	tmp, err := os.MkdirTemp("", "grafanalint-precommit-")
	if err != nil {
		t.Fatal(err)
	}
	sharedDir = tmp
	preCommit := need(t, "pre-commit")
	gitPath := need(t, "git")
	goPath := need(t, "go")
	gomodcache := strings.TrimSpace(mustRun(t, os.Environ(), repoRoot, goPath, "env", "GOMODCACHE"))
	env := append(os.Environ(),
		"PRE_COMMIT_HOME="+filepath.Join(tmp, "pre-commit-cache"),
		"GOMODCACHE="+gomodcache, // reuse downloaded modules; pre-commit sets its own GOPATH
		"GOTOOLCHAIN=local",
		"GIT_AUTHOR_NAME=grafanalint test", "GIT_AUTHOR_EMAIL=test@example.invalid",
		"GIT_COMMITTER_NAME=grafanalint test", "GIT_COMMITTER_EMAIL=test@example.invalid",
		"GIT_CONFIG_NOSYSTEM=1", "GIT_CONFIG_GLOBAL="+filepath.Join(tmp, "gitconfig"),
		"NO_COLOR=1", "PRE_COMMIT_COLOR=never",
	)
	write(t, filepath.Join(tmp, "gitconfig"), "[init]\n\tdefaultBranch = main\n[commit]\n\tgpgsign = false\n")
	hooks, rev := snapshot(t, env, gitPath, tmp)

	// The -system hooks need grafanalint on PATH: build it from this
	// checkout.
	bin := filepath.Join(tmp, "bin")
	mustRun(t, env, repoRoot, goPath, "build", "-o", filepath.Join(bin, "grafanalint"), "./cmd/grafanalint")
	envSystem := make([]string, 0, len(env))
	for _, e := range env {
		if strings.HasPrefix(e, "PATH=") {
			e = "PATH=" + bin + string(os.PathListSeparator) + strings.TrimPrefix(e, "PATH=")
		}
		envSystem = append(envSystem, e)
	}
	return &preCommitSetup{preCommit: preCommit, git: gitPath, env: env, envSystem: envSystem, hooks: hooks, rev: rev}
}

// project makes a git repository with the files given, committed, and the
// hook installed with the given args ("" for the hook's own).
func (s *preCommitSetup) project(t *testing.T, env []string, hook, args string, files map[string]string) string {
	t.Helper()
	proj := filepath.Join(t.TempDir(), "project")
	for name, content := range files {
		write(t, filepath.Join(proj, name), content)
	}
	cfg := fmt.Sprintf("repos:\n  - repo: %s\n    rev: %s\n    hooks:\n      - id: %s\n", s.hooks, s.rev, hook)
	if args != "" {
		cfg += "        args: " + args + "\n"
	}
	write(t, filepath.Join(proj, ".pre-commit-config.yaml"), cfg)
	mustRun(t, env, proj, s.git, "init", "-q")
	mustRun(t, env, proj, s.git, "add", "-A")
	mustRun(t, env, proj, s.git, "commit", "-q", "-m", "initial")
	mustRun(t, env, proj, s.preCommit, "install")
	return proj
}

// commit stages path with content and commits; it returns pre-commit's
// output and whether the commit was made.
func (s *preCommitSetup) commit(t *testing.T, env []string, proj, path, content string) (string, bool) {
	t.Helper()
	write(t, filepath.Join(proj, path), content)
	mustRun(t, env, proj, s.git, "add", path)
	out, err := run(t, env, proj, s.git, "commit", "-m", "change "+path)
	return out, err == nil
}

// TestPreCommit drives the real pre-commit with the hooks this repository
// ships: a commit adding a dashboard that references a datasource UID no
// provisioning file defines is refused (the rule needs the datasources,
// which are not in the commit: the hook loads the whole project), a
// finding in a file outside the commit is not shown, and the fixed
// dashboard commits.
func TestPreCommit(t *testing.T) {
	s := setupPreCommit(t)
	hooks, rev, gitPath, preCommit, env, envSystem := s.hooks, s.rev, s.git, s.preCommit, s.env, s.envSystem

	for _, tc := range []struct {
		hook string
		env  []string
	}{
		{"grafanalint", env},              // language: golang, built by pre-commit from the snapshot
		{"grafanalint-system", envSystem}, // language: system
	} {
		t.Run(tc.hook, func(t *testing.T) {
			start := time.Now()
			proj := filepath.Join(t.TempDir(), "project")
			write(t, filepath.Join(proj, "grafana/provisioning/datasources/ds.yaml"), datasources)
			write(t, filepath.Join(proj, "grafana/provisioning/dashboards/default.yaml"), provider)
			// Committed before the hook exists: a broken dashboard the
			// commits below do not touch.
			write(t, filepath.Join(proj, "grafana/boards/legacy.json"), fmt.Sprintf(dashboardFmt, "legacy", "Legacy", "gone"))
			write(t, filepath.Join(proj, ".pre-commit-config.yaml"), fmt.Sprintf("repos:\n  - repo: %s\n    rev: %s\n    hooks:\n      - id: %s\n", hooks, rev, tc.hook))
			mustRun(t, tc.env, proj, gitPath, "init", "-q")
			mustRun(t, tc.env, proj, gitPath, "add", "-A")
			mustRun(t, tc.env, proj, gitPath, "commit", "-q", "-m", "initial")
			mustRun(t, tc.env, proj, preCommit, "install")

			bad := filepath.Join(proj, "grafana/boards/service.json")
			write(t, bad, fmt.Sprintf(dashboardFmt, "service", "Service", "prometheus-main"))
			mustRun(t, tc.env, proj, gitPath, "add", "grafana/boards/service.json")
			out, err := run(t, tc.env, proj, gitPath, "commit", "-m", "add service dashboard")
			if err == nil {
				t.Fatalf("the commit of a broken dashboard passed:\n%s", out)
			}
			want := regexp.MustCompile(`(?m)^grafana/boards/service\.json:6:82: error: the panel datasource names datasource UID "prometheus-main".* \[datasource/unknown-uid\]$`)
			if !want.MatchString(out) {
				t.Errorf("pre-commit output lacks the finding %s:\n%s", want, out)
			}
			t.Logf("refused commit:\n%s", out)
			if strings.Contains(out, "legacy.json") {
				t.Errorf("the hook reported a file outside the commit:\n%s", out)
			}
			if strings.Contains(mustRun(t, tc.env, proj, gitPath, "log", "--oneline"), "add service dashboard") {
				t.Errorf("the refused commit was made")
			}

			write(t, bad, fmt.Sprintf(dashboardFmt, "service", "Service", "prom"))
			mustRun(t, tc.env, proj, gitPath, "add", "grafana/boards/service.json")
			out, err = run(t, tc.env, proj, gitPath, "commit", "-m", "add service dashboard")
			if err != nil {
				t.Fatalf("the fixed dashboard did not commit: %v\n%s", err, out)
			}
			if !strings.Contains(out, "grafanalint") || !strings.Contains(out, "Passed") {
				t.Errorf("pre-commit did not report the hook as passed:\n%s", out)
			}
			t.Logf("%s: %s", tc.hook, time.Since(start).Round(time.Second))
		})
	}
}

// TestPreCommitWorkflow drives the real pre-commit through a team's day:
// a commit that only changes a datasource's uid fails with the dashboards
// it breaks (they are not in the commit); a plaintext password is a
// warning that shows without failing, and fails with --fail-level
// warning; the whole-repository hook fails for breakage the commit did
// not touch.
func TestPreCommitWorkflow(t *testing.T) {
	s := setupPreCommit(t)
	files := map[string]string{
		"grafana/provisioning/datasources/ds.yaml":     datasources,
		"grafana/provisioning/dashboards/default.yaml": provider,
		"grafana/boards/service.json":                  fmt.Sprintf(dashboardFmt, "service", "Service", "prom"),
		"grafana/grafana.ini":                          "[server]\nhttp_port = 3000\n",
	}
	withLegacy := map[string]string{"grafana/boards/legacy.json": fmt.Sprintf(dashboardFmt, "legacy", "Legacy", "gone")}
	for k, v := range files {
		withLegacy[k] = v
	}
	const plaintext = "[server]\nhttp_port = 3000\n[security]\nadmin_password = Sup3rS3cretPw\n"
	finding := func(file, sev, rule string) *regexp.Regexp {
		return regexp.MustCompile(`(?m)^` + regexp.QuoteMeta(file) + `:\d+:\d+: ` + sev + `: .*\[` + regexp.QuoteMeta(rule) + `\]$`)
	}

	t.Run("datasource uid changed", func(t *testing.T) {
		proj := s.project(t, s.envSystem, "grafanalint-system", "", files)
		out, ok := s.commit(t, s.envSystem, proj, "grafana/provisioning/datasources/ds.yaml", strings.Replace(datasources, "uid: prom", "uid: prometheus", 1))
		if ok {
			t.Fatalf("a commit that breaks a dashboard passed:\n%s", out)
		}
		if want := finding("grafana/boards/service.json", "error", "datasource/unknown-uid"); !want.MatchString(out) {
			t.Errorf("pre-commit output lacks the broken dashboard %s:\n%s", want, out)
		}
		t.Logf("refused commit:\n%s", out)
	})

	t.Run("warnings show and pass", func(t *testing.T) {
		proj := s.project(t, s.envSystem, "grafanalint-system", "", files)
		out, ok := s.commit(t, s.envSystem, proj, "grafana/grafana.ini", plaintext)
		if !ok {
			t.Fatalf("a warning failed the commit:\n%s", out)
		}
		if want := finding("grafana/grafana.ini", "warning", "secret/plaintext"); !want.MatchString(out) || !strings.Contains(out, "Passed") {
			t.Errorf("the passing hook does not show the warning %s:\n%s", want, out)
		}
		if strings.Contains(out, "Sup3rS3cretPw") {
			t.Errorf("the hook printed the password:\n%s", out)
		}
		t.Logf("passing commit with a warning:\n%s", out)
		// --quiet: a clean commit prints no summary.
		out, ok = s.commit(t, s.envSystem, proj, "grafana/grafana.ini", "[server]\nhttp_port = 3001\n")
		if !ok || strings.Contains(out, "0 errors") || strings.Contains(out, "skipped") {
			t.Errorf("a clean commit: committed %v, output:\n%s", ok, out)
		}
	})

	t.Run("fail-level warning", func(t *testing.T) {
		proj := s.project(t, s.envSystem, "grafanalint-system", "[--fail-level, warning]", files)
		out, ok := s.commit(t, s.envSystem, proj, "grafana/grafana.ini", plaintext)
		if ok || !finding("grafana/grafana.ini", "warning", "secret/plaintext").MatchString(out) {
			t.Errorf("--fail-level warning: committed %v, output:\n%s", ok, out)
		}
		// The project's args replace the hook's --quiet: the summary shows.
		if !strings.Contains(out, "0 errors, 1 warning, 0 infos") {
			t.Errorf("args did not replace the hook's --quiet:\n%s", out)
		}
	})

	t.Run("whole repository", func(t *testing.T) {
		// language: golang, built by pre-commit from the snapshot.
		proj := s.project(t, s.env, "grafanalint-all", "", withLegacy)
		out, ok := s.commit(t, s.env, proj, "grafana/provisioning/dashboards/default.yaml", "# reviewed\n"+provider)
		if ok {
			t.Fatalf("the whole-repository hook passed a repository with a broken dashboard:\n%s", out)
		}
		if want := finding("grafana/boards/legacy.json", "error", "datasource/unknown-uid"); !want.MatchString(out) {
			t.Errorf("the whole-repository hook does not report legacy.json %s:\n%s", want, out)
		}
		// Files the hook does not look at do not run it.
		mustRun(t, s.env, proj, s.git, "reset", "-q", "--hard")
		out, ok = s.commit(t, s.env, proj, "README.md", "# project\n")
		if !ok || !strings.Contains(out, "(no files to check)Skipped") {
			t.Errorf("a README commit: committed %v, output:\n%s", ok, out)
		}
	})
}
