//go:build unix

package cli

import (
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

func mkfifo(t *testing.T, path string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := syscall.Mkfifo(path, 0o644); err != nil {
		t.Skipf("mkfifo: %v", err)
	}
}

func symlink(t *testing.T, target, path string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(target, path); err != nil {
		t.Fatal(err)
	}
}

// TestHostileFilesFinish: every file grafanalint opens is a regular file
// read up to the limit. A FIFO would block the open or the read forever
// and /dev/zero never ends; each must end the run at once with an input
// problem (exit 3) or a configuration error (exit 2) that says why. A
// hang here is a failure of the test binary's timeout.
func TestHostileFilesFinish(t *testing.T) {
	const ini = "[server]\nhttp_port = 3000\n"
	tests := []struct {
		name  string
		setup func(t *testing.T, dir string)
		args  []string
		code  int
		want  string
	}{
		{"device link in the tree", func(t *testing.T, dir string) { symlink(t, "/dev/zero", filepath.Join(dir, "grafana.ini")) },
			nil, ExitInput, `grafana.ini:1:1: file is a symbolic link to "/dev/zero", outside the linted tree: not followed`},
		{"device link named", func(t *testing.T, dir string) { symlink(t, "/dev/zero", filepath.Join(dir, "grafana.ini")) },
			[]string{"grafana.ini"}, ExitInput, `grafana.ini:1:1: file is a symbolic link to "/dev/zero", a character device, not a regular file: only regular files are read`},
		{"fifo in the tree", func(t *testing.T, dir string) { mkfifo(t, filepath.Join(dir, "grafana.ini")) },
			nil, ExitInput, "grafana.ini:1:1: file is a named pipe (FIFO), not a regular file: only regular files are read"},
		{"fifo named", func(t *testing.T, dir string) { mkfifo(t, filepath.Join(dir, "grafana.ini")) },
			[]string{"grafana.ini"}, ExitInput, "grafana.ini:1:1: file is a named pipe (FIFO)"},
		{"fifo provisioning file", func(t *testing.T, dir string) {
			mkfifo(t, filepath.Join(dir, "provisioning/datasources/ds.yaml"))
		}, nil, ExitInput, "provisioning/datasources/ds.yaml:1:1: file is a named pipe (FIFO)"},
		{"fifo .gitignore", func(t *testing.T, dir string) {
			writeFile(t, filepath.Join(dir, "grafana.ini"), ini)
			mkfifo(t, filepath.Join(dir, ".gitignore"))
		}, nil, ExitInput, ".gitignore:1:1: file is a named pipe (FIFO), not a regular file: only regular files are read; its patterns are not applied"},
		{"fifo --config", func(t *testing.T, dir string) { mkfifo(t, filepath.Join(dir, "cfg.yaml")) },
			[]string{"--config", "cfg.yaml"}, ExitUsage, `cannot read config file "cfg.yaml": file is a named pipe (FIFO)`},
		{"directory --config", func(t *testing.T, dir string) { writeFile(t, filepath.Join(dir, "cfg.yaml", "x"), "") },
			[]string{"--config", "cfg.yaml"}, ExitUsage, `config file "cfg.yaml" does not exist or is a directory`},
		{"fifo --baseline", func(t *testing.T, dir string) {
			writeFile(t, filepath.Join(dir, "grafana.ini"), ini)
			mkfifo(t, filepath.Join(dir, "base.json"))
		}, []string{"--baseline", "base.json"}, ExitUsage, `cannot use baseline "base.json": file is a named pipe (FIFO)`},
		{"fifo --env-file", func(t *testing.T, dir string) {
			writeFile(t, filepath.Join(dir, "grafana.ini"), ini)
			mkfifo(t, filepath.Join(dir, "prod.env"))
		}, []string{"--env-file", "prod.env", "."}, ExitInput, "prod.env:1:1: file is a named pipe (FIFO)"},
		{"fifo config env_file", func(t *testing.T, dir string) {
			writeFile(t, filepath.Join(dir, "grafana.ini"), ini)
			writeFile(t, filepath.Join(dir, ".grafanalint.yaml"), "stacks:\n  - name: s\n    paths: [.]\n    env_file: prod.env\n")
			mkfifo(t, filepath.Join(dir, "prod.env"))
		}, nil, ExitUsage, `env_file "prod.env" cannot be read`},
		{"fifo nginx include", func(t *testing.T, dir string) {
			writeFile(t, filepath.Join(dir, "nginx/nginx.conf"), "events {}\nhttp {\n  include snippets/*.conf;\n}\n")
			mkfifo(t, filepath.Join(dir, "nginx/snippets/pipe.conf"))
		}, nil, ExitInput, "nginx/snippets/pipe.conf:1:1: file is a named pipe (FIFO)"},
		{"fifo compose env_file", func(t *testing.T, dir string) {
			writeFile(t, filepath.Join(dir, "docker-compose.yml"), "services:\n  grafana:\n    image: grafana/grafana:11.5.2\n    env_file: grafana.env\n")
			mkfifo(t, filepath.Join(dir, "grafana.env"))
		}, nil, ExitInput, "grafana.env:1:1: file is a named pipe (FIFO)"},
		{"fifo Dockerfile", func(t *testing.T, dir string) {
			writeFile(t, filepath.Join(dir, "docker-compose.yml"), "services:\n  grafana:\n    build: ./grafana\n")
			writeFile(t, filepath.Join(dir, "grafana/grafana.ini"), ini)
			mkfifo(t, filepath.Join(dir, "grafana/Dockerfile"))
		}, nil, ExitInput, "grafana/Dockerfile:1:1: file is a named pipe (FIFO), not a regular file: only regular files are read"},
		{"1 GiB nginx include", func(t *testing.T, dir string) {
			writeFile(t, filepath.Join(dir, "nginx/nginx.conf"), "events {}\nhttp {\n  include huge.conf;\n}\n")
			f, err := os.Create(filepath.Join(dir, "nginx/huge.conf"))
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			if err := f.Truncate(1 << 30); err != nil { // sparse: no disk space
				t.Fatal(err)
			}
		}, nil, ExitInput, "file is 1 GiB, over the 64 MiB limit: raise it with --max-file-size"},
		{"UTF-16 grafana.ini", func(t *testing.T, dir string) {
			b := []byte{0xFF, 0xFE}
			for _, r := range ini {
				b = append(b, byte(r), 0)
			}
			if err := os.WriteFile(filepath.Join(dir, "grafana.ini"), b, 0o644); err != nil {
				t.Fatal(err)
			}
		}, nil, ExitInput, "grafana.ini:1:1: file is UTF-16 LE (with byte order mark) text, which Grafana and nginx do not read as text: save it as UTF-8"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			tt.setup(t, dir)
			r := runCLI(t, dir, "", append([]string{"--format", "oneline"}, tt.args...)...)
			if r.code != tt.code || !strings.Contains(r.stderr, tt.want) {
				t.Errorf("exit %d, want %d; stderr:\n%s\nwant it to contain %q", r.code, tt.code, r.stderr, tt.want)
			}
		})
	}
}

// TestOversizedStdin: standard input is read up to the limit; the message
// says it is over the limit rather than the size of what was read.
func TestOversizedStdin(t *testing.T) {
	r := runCLI(t, t.TempDir(), "[server]\n"+strings.Repeat("; pad\n", 1000), "--max-file-size", "1KiB", "--stdin-filename", "grafana.ini", "-")
	want := "grafanalint: grafana.ini:1:1: standard input: file is more than 1 KiB, over the 1 KiB limit: raise it with --max-file-size"
	if r.code != ExitInput || !strings.Contains(r.stderr, want) {
		t.Errorf("exit %d, stderr %q; want exit 3 and %q", r.code, r.stderr, want)
	}
}

// TestSymlinksStayInTree: a link out of the tree is reported and not
// followed — "ln -s / rootfs" does not walk the filesystem, and a link to a
// file outside named like a provisioning file is not read or printed —
// unless the file is named on the command line. Links inside the tree keep
// working, and a vhost reached through sites-enabled/ is loaded and
// reported once, at the sites-available/ file users edit.
func TestSymlinksStayInTree(t *testing.T) {
	outside := t.TempDir()
	writeFile(t, filepath.Join(outside, "passwd"), "apiVersion: 1\ndatasources:\n  - name: OutsideContent\n    type: prometheus\n    access: sideways\n")
	dir := t.TempDir()
	symlink(t, "/", filepath.Join(dir, "rootfs"))
	symlink(t, filepath.Join(outside, "passwd"), filepath.Join(dir, "grafana/provisioning/datasources/ds.yaml"))
	writeFile(t, filepath.Join(dir, "nginx/nginx.conf"), "events {}\nhttp {\n  include sites-enabled/*;\n}\n")
	writeFile(t, filepath.Join(dir, "nginx/sites-available/grafana"), "server {\n  listen 80;\n  location / {\n    proxy_pass http://grafana:3000;\n  }\n}\n")
	symlink(t, "../sites-available/grafana", filepath.Join(dir, "nginx/sites-enabled/grafana"))

	r := runCLI(t, dir, "", "--format", "json")
	for _, want := range []string{
		`grafanalint: rootfs:1:1: directory is a symbolic link to "/", outside the linted tree: not followed (name the target on the command line to lint it)`,
		`grafanalint: grafana/provisioning/datasources/ds.yaml:1:1: file is a symbolic link to "` + filepath.ToSlash(filepath.Join(outside, "passwd")) + `", outside the linted tree: not followed`,
	} {
		if !strings.Contains(r.stderr, want) {
			t.Errorf("stderr lacks %q:\n%s", want, r.stderr)
		}
	}
	if r.code != ExitInput {
		t.Errorf("exit %d, want 3", r.code)
	}
	if strings.Contains(r.stdout, "OutsideContent") || strings.Contains(r.stdout, "sideways") {
		t.Errorf("the file outside the tree was read:\n%s", r.stdout)
	}
	if strings.Contains(r.stdout, `"file": "rootfs/`) || strings.Count(r.stdout, `"rule": "proxy/missing-upgrade-header"`) != 1 {
		t.Errorf("want one Upgrade finding and nothing below rootfs/:\n%s", r.stdout)
	}
	if !strings.Contains(r.stdout, `"file": "nginx/sites-available/grafana"`) || strings.Contains(r.stdout, "sites-enabled/grafana") {
		t.Errorf("the vhost is not reported once at sites-available/grafana:\n%s", r.stdout)
	}
	m := runCLI(t, dir, "", "model")
	if strings.Contains(m.stdout, "OutsideContent") || strings.Contains(m.stdout, "sites-enabled/grafana\"") {
		t.Errorf("model shows the outside file or the vhost twice")
	}

	// Named on the command line, the target is read.
	r = runCLI(t, dir, "", "--format", "oneline", "grafana/provisioning/datasources/ds.yaml")
	if !strings.Contains(r.stdout, "sideways") || strings.Contains(r.stderr, "outside the linted tree: not followed (name the target") && strings.Contains(r.stderr, "ds.yaml") {
		t.Errorf("a link named on the command line is not read: stdout %q stderr %q", r.stdout, r.stderr)
	}
}

// TestDirectoryLinkInsideTree: a compose mount through a directory link
// inside the tree reads the target directory's files, reported at their
// own paths.
func TestDirectoryLinkInsideTree(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, filepath.Join(dir, "docker-compose.yml"), "services:\n  grafana:\n    image: grafana/grafana:11.5.2\n    volumes:\n      - ./grafana/provisioning:/etc/grafana/provisioning\n")
	writeFile(t, filepath.Join(dir, "shared/provisioning/datasources/ds.yaml"), "apiVersion: 1\ndatasources:\n  - name: P\n    type: prometheus\n    access: sideways\n")
	symlink(t, "../shared/provisioning", filepath.Join(dir, "grafana/provisioning"))
	r := runCLI(t, dir, "", "--format", "oneline")
	want := "shared/provisioning/datasources/ds.yaml:5:13: warning: "
	if !strings.Contains(r.stdout, want) || strings.Count(r.stdout, "provisioning/invalid-access") != 1 {
		t.Errorf("want the datasource read once through the mount at %q:\n%s%s", want, r.stdout, r.stderr)
	}
}

// TestGitHubEscapesFileNames: a file name with ESC and BEL bytes reaches
// no output raw.
func TestGitHubEscapesFileNames(t *testing.T) {
	dir := t.TempDir()
	name := "grafana\x1b]0;owned\x07.ini"
	writeFile(t, filepath.Join(dir, name), "[server]\nhttp_prot = 3000\n")
	for _, f := range []string{"github", "text", "oneline"} {
		r := runCLI(t, dir, "", "--format", f)
		if r.code != ExitOK && r.code != ExitFindings || !strings.Contains(r.stdout, `grafana\x1b]0;owned\x07.ini`) {
			t.Errorf("%s: exit %d, output lacks the escaped name:\n%q", f, r.code, r.stdout)
		}
		if strings.ContainsAny(r.stdout, "\x1b\x07") {
			t.Errorf("%s output holds raw control bytes: %q", f, r.stdout)
		}
	}
}

// TestLongIniKey: a 10 MB key is reported in a message of a few hundred
// bytes (and in linear time: the edit distance to known keys is not
// computed for names far longer than any).
func TestLongIniKey(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, filepath.Join(dir, "grafana.ini"), "[server]\n"+strings.Repeat("k", 10<<20)+" = 1\n")
	r := runCLI(t, dir, "", "--format", "oneline")
	if r.code != ExitOK || !strings.Contains(r.stdout, `…" (10485760 bytes)`) || len(r.stdout) > 2000 {
		t.Errorf("exit %d, %d bytes of output: %.300q", r.code, len(r.stdout), r.stdout)
	}
}
