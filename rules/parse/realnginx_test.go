package parse

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestIncludeCycleRealNginx runs the real nginx on the rule's fixtures and
// checks what the rule says happens: a cycle of plain includes fails with
// "Too many open files"; a glob cycle loads its files again and again
// (each copy of the server block is "conflicting"); the silent fixture
// does neither.
func TestIncludeCycleRealNginx(t *testing.T) {
	nginx, err := exec.LookPath("nginx")
	if err != nil {
		if p := "/usr/sbin/nginx"; fileExists(p) {
			nginx = p
		} else if os.Getenv("CI") == "true" {
			t.Fatal("nginx is not installed (CI installs it: see .ci/run)")
		} else {
			t.Skip("nginx is not installed")
		}
	}
	fixtures, err := filepath.Glob("../../testdata/rules/parse/include-cycle/*")
	if err != nil || len(fixtures) == 0 {
		t.Fatalf("no fixtures: %v", err)
	}
	for _, dir := range fixtures {
		t.Run(filepath.Base(dir), func(t *testing.T) {
			abs, _ := filepath.Abs(dir)
			tmp := t.TempDir()
			// A low descriptor limit makes the recursion fail fast.
			cmd := exec.Command("sh", "-c", `ulimit -n 64; exec "$0" -t -e stderr -p "$1" -c "$2" -g "pid $1/nginx.pid;"`,
				nginx, tmp, filepath.Join(abs, "nginx", "nginx.conf"))
			out, _ := cmd.CombinedOutput()
			tooMany := strings.Contains(string(out), "Too many open files")
			copies := strings.Count(string(out), "conflicting server name")
			var ok bool
			switch filepath.Base(dir) {
			case "fire-snippets":
				ok = tooMany
			case "fire-glob-self":
				ok = !tooMany && copies > 20 && strings.Contains(string(out), "test is successful")
			default:
				ok = !tooMany && copies == 0
			}
			if !ok {
				t.Errorf("nginx -t says (%d conflicting server names):\n%s", copies, out)
			}
		})
	}
}

func fileExists(p string) bool {
	_, err := os.Stat(p)
	return err == nil
}
