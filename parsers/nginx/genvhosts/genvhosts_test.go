package genvhosts

import (
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/grafanalint/grafanalint/parsers/nginx"
)

// TestGenerate writes each layout and loads it as nginx would read it:
// every vhost's servers, no problem (missing includes, syntax errors).
func TestGenerate(t *testing.T) {
	const n = 40
	for _, layout := range []Layout{SitesEnabled, ConfD, Fragments} {
		t.Run(string(layout), func(t *testing.T) {
			dst := filepath.Join(t.TempDir(), "tree")
			st, err := Generate(dst, Options{Vhosts: n, Layout: layout})
			if err != nil {
				t.Fatal(err)
			}
			if st.Vhosts != n || st.Grafana != 16 || st.Files != n+7 {
				t.Errorf("stats %+v, want %d vhosts, 16 fronting Grafana, %d files", st, n, n+7)
			}
			var mains []string
			switch layout {
			case Fragments:
				if _, err := os.Stat(filepath.Join(dst, "nginx", "nginx.conf")); err == nil {
					t.Error("the fragments layout has an nginx.conf")
				}
				for i := 0; i < n; i++ {
					mains = append(mains, filepath.Join(dst, "nginx", "conf.d", fmt.Sprintf("site-%05d.conf", i)))
				}
			default:
				mains = []string{filepath.Join(dst, "nginx", "nginx.conf")}
			}
			servers := 0
			for _, main := range mains {
				cfg, problems := nginx.Load(main, nginx.Options{Root: dst})
				for _, p := range problems {
					t.Errorf("%s: %s", p.Pos, p.Message)
				}
				servers += len(cfg.Servers)
			}
			// Grafana vhosts have two servers (the port 80 one redirects).
			if want := n + 16; servers != want {
				t.Errorf("%d servers, want %d", servers, want)
			}
			if layout == SitesEnabled {
				link := filepath.Join(dst, "nginx", "sites-enabled", "site-00007")
				if target, err := os.Readlink(link); err != nil || target != filepath.Join("..", "sites-available", "site-00007") {
					t.Errorf("sites-enabled link: %q, %v", target, err)
				}
			}
		})
	}
	if _, err := Generate(filepath.Join(t.TempDir(), "x"), Options{Vhosts: 1, Layout: "nope"}); err == nil {
		t.Error("an unknown layout must be an error")
	}
}
