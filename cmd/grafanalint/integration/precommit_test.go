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
func snapshot(t *testing.T, env []string, gitPath string) (string, string) {
	t.Helper()
	dst := filepath.Join(t.TempDir(), "grafanalint")
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

// TestPreCommit drives the real pre-commit with the hooks this repository
// ships: a commit adding a dashboard that references a datasource UID no
// provisioning file defines is refused (the rule needs the datasources,
// which are not in the commit: the hook loads the whole project), a
// finding in a file outside the commit is not shown, and the fixed
// dashboard commits.
func TestPreCommit(t *testing.T) {
	if testing.Short() {
		t.Skip("drives pre-commit and builds grafanalint")
	}
	preCommit := need(t, "pre-commit")
	gitPath := need(t, "git")
	goPath := need(t, "go")
	tmp := t.TempDir()
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
	hooks, rev := snapshot(t, env, gitPath)

	// grafanalint-system needs grafanalint on PATH: build it from this
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
