package nginx

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/grafanalint/grafanalint/parsers/model"
)

// FuzzLoad loads arbitrary text as a main file (which a second file,
// inc.conf, repeats, so includes, globs and cycles are exercised) and
// checks that Load, Sniff and Includes neither panic nor hang and that
// every directive has a position.
func FuzzLoad(f *testing.F) {
	for _, dir := range []string{"testdata", filepath.Join("..", "..", "..", "shared", "corpus", "real")} {
		_ = filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
			if err != nil {
				return err // the corpus may be absent
			}
			if d.IsDir() || strings.Contains(p, "golden") || strings.HasSuffix(p, ".json") {
				return nil
			}
			if src, err := os.ReadFile(p); err == nil && (dir == "testdata" || isNginxCandidate(p, src)) {
				f.Add(src)
			}
			return nil
		})
	}
	f.Add([]byte("http { include *.conf; include inc.conf; server { location / { } } }"))
	f.Add([]byte("a { b { c { d \"e\\\"f\" 'g' ${h}i }x; } }"))
	f.Fuzz(func(t *testing.T, src []byte) {
		files := memFS{"/fuzz/nginx.conf": string(src), "/fuzz/inc.conf": string(src)}
		done := make(chan struct{})
		go func() {
			defer close(done)
			cfg, _ := Load("/fuzz/nginx.conf", Options{Root: "/fuzz", ReadFile: files.readFile, Glob: files.glob})
			var walk func(ds []*model.Directive)
			lines := strings.Split(strings.TrimPrefix(string(src), "\ufeff"), "\n")
			check := func(s model.Str, raw bool) {
				text, err := spanText(lines, s)
				if !raw {
					text = unescape(text)
				}
				if err != "" || text != s.V {
					t.Errorf("value %q at %v-%v: the text there is %q (%s)", s.V, s.Pos, s.End, text, err)
				}
			}
			walk = func(ds []*model.Directive) {
				for _, d := range ds {
					if d.Packaged != "" {
						if d.IncludedBy == nil || len(d.IncludedBy.Args) != 1 || d.Name.Pos != d.IncludedBy.Args[0].Pos {
							t.Errorf("packaged directive %q not at its include's argument: %+v", d.Name.V, d.Name.Pos)
						}
						continue
					}
					if !d.Name.Pos.IsValid() || d.End.Less(d.Name.End) {
						t.Errorf("directive %q without a valid position: %+v %+v", d.Name.V, d.Name.Pos, d.End)
					}
					check(d.Name, false)
					for _, a := range d.Args {
						check(a, false)
					}
					if d.Code.IsSet() {
						check(d.Code, true)
					}
					walk(d.Block)
				}
			}
			walk(cfg.Directives)
			Sniff("x.conf", src)
			Includes("x.conf", src)
		}()
		select {
		case <-done:
		case <-time.After(10 * time.Second):
			t.Fatalf("Load did not return within 10s on %q", src)
		}
	})
}
