package fixer

import (
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/grafanalint/grafanalint/parsers/corpustest"
	"github.com/grafanalint/grafanalint/parsers/model"
	"github.com/grafanalint/grafanalint/rules/fix"
	"github.com/grafanalint/grafanalint/rules/proxy/realnginx"
)

// TestCorpusFix runs --fix on a copy of every bundle of the real corpus
// (in a temporary directory, never in the repository) and checks, with a
// line diff of each file computed independently of the plan, that every
// file is either unchanged or changed only on the lines the applied fixes
// edit (a replaced line for each replaced one, plus the lines they
// insert); that every changed file still parses and the lint of the fixed
// copy has no finding the original did not have and none of the fixed
// ones; that fixing again changes nothing; and that nginx (-t, on each
// configuration that reads a fixed nginx file, rendered for a loopback
// run) accepts every fixed configuration whose original it accepts. With
// -v it logs the figures: files changed, edits per rule, configurations
// nginx checked.
func TestCorpusFix(t *testing.T) {
	root := corpustest.Dir(t, "real")
	bundles, err := os.ReadDir(root)
	if err != nil {
		t.Fatal(err)
	}
	perRule, editsPerRule := map[string]int{}, map[string]int{}
	bin, err := realnginx.Binary()
	if err != nil && os.Getenv("CI") == "true" {
		t.Fatal(err)
	}
	var mu sync.Mutex
	nginxChecked := 0
	var changedFiles []string
	for _, b := range bundles {
		if !b.IsDir() {
			continue
		}
		t.Run(b.Name(), func(t *testing.T) {
			orig := readTree(t, filepath.Join(root, b.Name()))
			tmp := t.TempDir()
			writeTree(t, tmp, orig)
			m, before := lint(t, tmp)
			p := New(m, before, Options{})
			if err := p.Write(); err != nil {
				t.Fatal(err)
			}
			edits := map[string][]fix.Edit{}
			for _, f := range p.Applied {
				perRule[f.Rule]++
				for _, e := range f.Fix.Edits {
					if !slices.Contains(edits[e.File()], e) {
						edits[e.File()] = append(edits[e.File()], e)
						editsPerRule[f.Rule]++
					}
				}
			}
			got := readTree(t, tmp)
			for rel, old := range orig {
				now := got[rel]
				if string(now) == string(old) {
					if len(edits[rel]) > 0 {
						t.Errorf("%s: fixes applied but the file is unchanged", rel)
					}
					continue
				}
				changedFiles = append(changedFiles, b.Name()+"/"+rel)
				checkOnlyIntended(t, rel, old, now, edits[rel])
			}
			if len(got) != len(orig) {
				t.Errorf("the fix left %d files for %d", len(got), len(orig))
			}
			m2, after := lint(t, tmp)
			checkNoNew(t, before, after)
			left := identities(after)
			for _, f := range p.Applied {
				if left[identity{f.Rule, f.Pos.File, f.Entity, f.Key}] > 0 {
					t.Errorf("fixed finding still there: %s %s", f.Pos, f.Rule)
				}
			}
			if p2 := New(m2, after, Options{}); len(p2.Files) > 0 {
				t.Errorf("fixing again changes %s", p2.Files[0].Path)
			}
			nginxFiles := map[string]bool{}
			for _, f := range p.Files {
				if f.Kind == model.KindNginx {
					nginxFiles[f.Path] = true
				}
			}
			if len(nginxFiles) == 0 {
				return
			}
			if bin == "" {
				t.Logf("nginx is not installed: the fixed nginx files are not run through nginx -t")
				return
			}
			// Each configuration that reads a fixed file, rendered for a
			// loopback run: nginx must accept the fixed one whenever it
			// accepts the original, and refuse it for no new reason.
			drop := map[string]bool{}
			was := renderedCheck(t, bin, m, nginxFiles, drop)
			for range 10 {
				more := moduleDirectives(was)
				if len(more) == 0 {
					break
				}
				for _, d := range more {
					drop[d] = true
				}
				was = renderedCheck(t, bin, m, nginxFiles, drop)
			}
			now := renderedCheck(t, bin, m2, nginxFiles, drop)
			for cfg, err := range now {
				mu.Lock()
				nginxChecked++
				mu.Unlock()
				switch before := was[cfg]; {
				case err == nil:
				case before == nil:
					t.Errorf("%s: nginx accepts the original but refuses the fixed configuration: %v", cfg, err)
				case withoutPlace(err) != withoutPlace(before):
					t.Errorf("%s: nginx refuses the fixed configuration for a new reason: %v (the original: %v)", cfg, err, before)
				default:
					t.Logf("%s: nginx refuses the rendered configuration before and after the fix: %v", cfg, err)
				}
			}
		})
	}
	t.Logf("corpus: %d nginx configurations that read a fixed file checked with nginx -t", nginxChecked)
	sort.Strings(changedFiles)
	var rulesLine []string
	for id, n := range perRule {
		rulesLine = append(rulesLine, id+" "+strconv.Itoa(n)+" findings, "+strconv.Itoa(editsPerRule[id])+" edits")
	}
	sort.Strings(rulesLine)
	t.Logf("corpus: %d files changed: %s", len(changedFiles), strings.Join(changedFiles, ", "))
	t.Logf("corpus: per rule: %s", strings.Join(rulesLine, "; "))
}

// checkOnlyIntended diffs old and now by lines and checks that the lines
// removed are lines the edits replace, and that the lines added are as
// many as those plus the lines the edits insert.
func checkOnlyIntended(t *testing.T, rel string, old, now []byte, edits []fix.Edit) {
	t.Helper()
	f := &File{Kind: ""}
	a, b := f.lines(old, nil, nil), f.lines(now, nil, nil)
	touched := map[int]bool{}
	inserted := 0
	for _, e := range edits {
		switch e.Op {
		case fix.Replace:
			if strings.Contains(e.New, "\n") {
				t.Errorf("%s: a replacement adds a line break; this check does not handle it", rel)
			}
			for l := e.Start.Line; l <= e.End.Line; l++ {
				touched[l] = true
			}
		default:
			inserted += len(splitLines(e.New))
		}
	}
	removed, added := 0, 0
	for _, o := range diffLines(a, b) {
		switch o.kind {
		case '-':
			removed++
			if !touched[o.a+1] {
				t.Errorf("%s: line %d changed, but no fix edits it: %q", rel, o.a+1, a[o.a].text)
			}
		case '+':
			added++
		}
	}
	if added != removed+inserted {
		t.Errorf("%s: %d lines added for %d replaced and %d inserted", rel, added, removed, inserted)
	}
}

// emergRE picks nginx's message out of its output, without the process
// id, the time and the place (a fix that adds lines moves the place).
var emergRE = regexp.MustCompile(`\[emerg\] \d+#\d+: (.*?)(?: in \S+:\d+)?\n`)

// withoutPlace is nginx's message without the file and line, the time and
// the process.
func withoutPlace(err error) string {
	if m := emergRE.FindStringSubmatch(err.Error() + "\n"); m != nil {
		return m[1]
	}
	return err.Error()
}
