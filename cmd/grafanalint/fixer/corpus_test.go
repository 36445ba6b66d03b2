package fixer

import (
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/grafanalint/grafanalint/parsers/corpustest"
	"github.com/grafanalint/grafanalint/rules/fix"
)

// TestCorpusFix runs --fix on a copy of every bundle of the real corpus
// (in a temporary directory, never in the repository) and checks, with a
// line diff of each file computed independently of the plan, that every
// file is either unchanged or changed only on the lines the applied fixes
// edit (a replaced line for each replaced one, plus the lines they
// insert); that every changed file still parses and the lint of the fixed
// copy has no finding the original did not have and none of the fixed
// ones; and that fixing again changes nothing. With -v it logs the figures:
// files changed and edits per rule.
func TestCorpusFix(t *testing.T) {
	root := corpustest.Dir(t, "real")
	bundles, err := os.ReadDir(root)
	if err != nil {
		t.Fatal(err)
	}
	perRule, editsPerRule := map[string]int{}, map[string]int{}
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
		})
	}
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
