package proxy_test

import (
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/grafanalint/grafanalint/cmd/grafanalint/fixer"
)

// liveFixRules are the rules whose fixes repair the Live WebSocket route
// (proxy/host-header: the Host Grafana's checks compare).
var liveFixRules = []string{"proxy/missing-upgrade-header", "proxy/missing-connection-header", "proxy/http-version", "proxy/undefined-variable", "proxy/host-header"}

// TestLiveFixedThroughRealNginx applies the fixes of the Live rules to a
// copy of every fixture case that has one (and of the fix cases of
// testdata/fix/proxy), then runs the fixed
// configuration through the real nginx as TestLiveThroughRealNginx does:
// nginx must start, the findings the fixes addressed must be gone, the
// outcome must be what the remaining findings predict, and the handshake
// must get 101 unless a remaining finding (a Host header Grafana refuses,
// a path it does not serve) predicts otherwise.
func TestLiveFixedThroughRealNginx(t *testing.T) {
	bin := nginxBinary(t)
	root := filepath.Join("..", "..", "testdata", "rules")
	var dirs []string
	for _, pat := range []string{"proxy/*/*", "server/*/*", "live/worker-connections/*"} {
		m, _ := filepath.Glob(filepath.Join(root, pat))
		dirs = append(dirs, m...)
	}
	// The fix cases of these rules (testdata/fix), whose goldens show the
	// exact bytes.
	golden, _ := filepath.Glob(filepath.Join(root, "..", "fix", "proxy", "*", "*", "in"))
	for _, d := range golden {
		if !strings.HasPrefix(filepath.Base(filepath.Dir(d)), "nofix-") {
			dirs = append(dirs, d)
		}
	}
	var mu sync.Mutex
	fixed, upgraded := 0, 0
	t.Run("cases", func(t *testing.T) {
		for _, dir := range dirs {
			rel, _ := filepath.Rel(root, dir)
			t.Run(filepath.ToSlash(rel), func(t *testing.T) {
				t.Parallel()
				n101, ok := runFixedCase(t, bin, dir)
				if ok {
					mu.Lock()
					fixed++
					upgraded += n101
					mu.Unlock()
				}
			})
		}
	})
	t.Logf("%d fixture cases fixed, %d Live handshakes get 101 after the fix", fixed, upgraded)
	if fixed < 10 || upgraded < fixed/2 {
		t.Errorf("%d fixture cases fixed, %d handshakes upgraded: expected most fixable proxy fixtures to upgrade after the fix", fixed, upgraded)
	}
}

// runFixedCase fixes a copy of dir and runs it; ok is false when no Live
// fix applies to the case.
func runFixedCase(t *testing.T, bin, dir string) (upgraded int, ok bool) {
	tmp := t.TempDir()
	copyTree(t, dir, tmp)
	before := loadCase(t, tmp)
	p := fixer.New(before.model, before.findings, fixer.Options{Only: liveFixRules})
	if len(p.Applied) == 0 {
		t.Skip("no Live fix applies")
	}
	if err := p.Write(); err != nil {
		t.Fatal(err)
	}
	after := loadCase(t, tmp)
	for _, f := range after.findings {
		for _, a := range p.Applied {
			if f.Rule == a.Rule && f.Entity == a.Entity && f.Key == a.Key {
				t.Errorf("the fixed finding is still there: %s %s: %s", f.Pos, f.Rule, f.Message)
			}
		}
	}
	res, _ := runLives(t, bin, after)
	for _, r := range res {
		switch {
		case r.got.noStart:
			t.Errorf("nginx refuses the fixed configuration: %s\nfindings:\n%s", r.got.detail, findingLines(after.findings))
		case !agrees(r.pred, r.got):
			t.Errorf("for %s the remaining findings predict %s, real nginx gave %s\nfindings:\n%s", r.live.Path, r.pred, r.got, findingLines(after.findings))
		case r.got.status == 101:
			upgraded++
		case r.pred.status == 400:
			t.Errorf("for %s the handshake still gets 400 after the fix: %s", r.live.Path, r.got)
		default:
			t.Logf("%s: %s: %s remains after the fix (%s)", dir, r.live.Path, r.got, r.pred.why)
		}
	}
	return upgraded, true
}

// copyTree copies the files under src to dst.
func copyTree(t *testing.T, src, dst string) {
	t.Helper()
	err := filepath.WalkDir(src, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, p)
		if d.IsDir() {
			return os.MkdirAll(filepath.Join(dst, rel), 0o755)
		}
		if strings.HasSuffix(p, "want.txt") {
			return nil
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		return os.WriteFile(filepath.Join(dst, rel), b, 0o644)
	})
	if err != nil {
		t.Fatal(err)
	}
}
