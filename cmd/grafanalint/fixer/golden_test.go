package fixer

import (
	"context"
	"flag"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/grafanalint/grafanalint/parsers/discover"
	"github.com/grafanalint/grafanalint/parsers/model"
	"github.com/grafanalint/grafanalint/rules"
	"github.com/grafanalint/grafanalint/rules/all"
)

var update = flag.Bool("update", false, "rewrite the golden files of testdata/fix")

// fixRoot holds the fix cases: <category>/<name>/<case>/in/ is a tree to
// lint and fix, want/ the files the fix changes (as they must be after it),
// after.txt the findings left, skipped.txt the fixes not applied and why.
// Cases named nofix-* must leave the tree unchanged.
const fixRoot = "../../../testdata/fix"

// lint loads dir as the CLI does and runs every rule.
func lint(t *testing.T, dir string) (*model.Model, []rules.Finding) {
	t.Helper()
	m, err := discover.Load(context.Background(), discover.Options{Paths: []string{"."}, WorkDir: dir})
	if err != nil {
		t.Fatalf("load %s: %v", dir, err)
	}
	return m, rules.Run(m, all.Rules(), rules.Options{}).Findings
}

// readTree returns the files under dir by slash path.
func readTree(t *testing.T, dir string) map[string][]byte {
	t.Helper()
	out := map[string][]byte{}
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		out[filepath.ToSlash(rel)] = b
		return nil
	})
	if err != nil && !os.IsNotExist(err) {
		t.Fatal(err)
	}
	return out
}

func writeTree(t *testing.T, dir string, files map[string][]byte) {
	t.Helper()
	for rel, b := range files {
		p := filepath.Join(dir, filepath.FromSlash(rel))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

func oneline(fs []rules.Finding) string {
	var b strings.Builder
	for _, f := range fs {
		fmt.Fprintf(&b, "%s: %s: %s [%s]\n", f.Pos, f.Severity, f.Message, f.Rule)
	}
	return b.String()
}

// identity is what a finding is about, whatever its position: the same
// finding before and after a fix that moved it.
type identity struct{ rule, file, entity, key string }

func identities(fs []rules.Finding) map[identity]int {
	out := map[identity]int{}
	for _, f := range fs {
		out[identity{f.Rule, f.Pos.File, f.Entity, f.Key}]++
	}
	return out
}

// checkNoNew fails when after holds a finding that before did not.
func checkNoNew(t *testing.T, before, after []rules.Finding) {
	t.Helper()
	was := identities(before)
	for id, n := range identities(after) {
		if n > was[id] {
			t.Errorf("the fix introduced a finding: %+v", id)
		}
	}
}

func golden(t *testing.T, path, got string) {
	t.Helper()
	if *update {
		if got == "" {
			_ = os.Remove(path)
			return
		}
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil && !os.IsNotExist(err) {
		t.Fatal(err)
	}
	if diff := cmp.Diff(string(want), got); diff != "" {
		t.Errorf("%s differs (-want +got):\n%s", path, diff)
	}
}

// TestGolden lints each case, fixes it, compares the exact bytes of every
// file with the golden tree, lints again (the fixed findings are gone, no
// new one appeared, after.txt lists what is left) and fixes again (nothing
// changes).
func TestGolden(t *testing.T) {
	cases, _ := filepath.Glob(filepath.Join(fixRoot, "*", "*", "*"))
	if len(cases) == 0 {
		t.Fatal("no fix cases")
	}
	covered := map[string]bool{}
	for _, dir := range cases {
		rel, _ := filepath.Rel(fixRoot, dir)
		parts := strings.Split(filepath.ToSlash(rel), "/")
		id, name := parts[0]+"/"+parts[1], parts[2]
		r := all.Lookup(id)
		if r == nil || r.Fix == "" {
			t.Errorf("%s: fix cases for %q, which is no rule with a fix", dir, id)
			continue
		}
		nofix := strings.HasPrefix(name, "nofix-")
		if !nofix {
			covered[id] = true
		}
		t.Run(id+"/"+name, func(t *testing.T) { runGolden(t, dir, id, nofix) })
	}
	for _, r := range all.Rules() {
		if r.Fix != "" && !covered[r.ID] {
			t.Errorf("rule %s has a fix but no case in %s", r.ID, filepath.Join(fixRoot, filepath.FromSlash(r.ID)))
		}
	}
}

func runGolden(t *testing.T, dir, id string, nofix bool) {
	in := readTree(t, filepath.Join(dir, "in"))
	tmp := t.TempDir()
	writeTree(t, tmp, in)
	m, before := lint(t, tmp)
	var fires, fixable int
	for _, f := range before {
		if f.Rule == id {
			fires++
			if f.Fix != nil {
				fixable++
			}
		}
		if f.Fix != nil && all.Lookup(f.Rule).Fix == "" {
			t.Errorf("%s carries a fix but its rule declares none", f.Rule)
		}
	}
	if fires == 0 {
		t.Fatalf("%s does not fire on the case", id)
	}
	if !nofix && fixable == 0 {
		t.Fatalf("no finding of %s has a fix", id)
	}
	p := New(m, before, Options{})
	if err := p.Write(); err != nil {
		t.Fatal(err)
	}
	got := readTree(t, tmp)
	wantDir := filepath.Join(dir, "want")
	if *update {
		_ = os.RemoveAll(wantDir)
		changed := map[string][]byte{}
		for rel, b := range got {
			if string(in[rel]) != string(b) {
				changed[rel] = b
			}
		}
		writeTree(t, wantDir, changed)
	}
	want := readTree(t, wantDir)
	if nofix && len(want) > 0 {
		t.Errorf("a nofix case must not change files, want/ has %d", len(want))
	}
	for rel := range in {
		if _, ok := got[rel]; !ok {
			t.Errorf("%s disappeared", rel)
		}
	}
	for rel, b := range got {
		exp, ok := want[rel]
		if !ok {
			exp, ok = in[rel]
		}
		if !ok {
			t.Errorf("the fix left a new file %s", rel)
			continue
		}
		if diff := cmp.Diff(string(exp), string(b)); diff != "" {
			t.Errorf("%s differs (-want +got):\n%s", rel, diff)
		}
	}
	var skipped strings.Builder
	for _, s := range p.Skipped {
		skipped.WriteString(s.Describe() + "\n")
	}
	golden(t, filepath.Join(dir, "skipped.txt"), skipped.String())

	m2, after := lint(t, tmp)
	checkNoNew(t, before, after)
	left := identities(after)
	for _, f := range p.Applied {
		if left[identity{f.Rule, f.Pos.File, f.Entity, f.Key}] > 0 {
			t.Errorf("the fixed finding is still there: %s: %s", f.Pos, f.Rule)
		}
	}
	for _, f := range after {
		if f.Rule == "parse/syntax" {
			t.Errorf("the fixed file does not parse: %s: %s", f.Pos, f.Message)
		}
	}
	golden(t, filepath.Join(dir, "after.txt"), oneline(after))

	p2 := New(m2, after, Options{})
	if len(p2.Files) > 0 {
		t.Errorf("a second --fix changes %s again", p2.Files[0].Path)
	}
}

// TestDocFixed applies the fix of every rule that has one to its
// documented Bad example: the files Doc.Fixed lists must come out exactly
// so, the others unchanged, and the rule must be silent afterwards in the
// files it fixed (a Bad example may show a case without a fix beside
// one).
// Rules without a fix document none.
func TestDocFixed(t *testing.T) {
	for _, r := range all.Rules() {
		if r.Fix == "" {
			if len(r.Doc.Fixed) > 0 {
				t.Errorf("%s documents a fixed example but has no fix", r.ID)
			}
			continue
		}
		t.Run(r.ID, func(t *testing.T) {
			if len(r.Doc.Fixed) == 0 {
				t.Fatalf("%s has a fix but no Doc.Fixed example", r.ID)
			}
			in := map[string][]byte{}
			for _, e := range r.Doc.Bad {
				in[e.Path] = []byte(e.Content)
			}
			tmp := t.TempDir()
			writeTree(t, tmp, in)
			m, before := lint(t, tmp)
			if err := New(m, before, Options{Only: []string{r.ID}}).Write(); err != nil {
				t.Fatal(err)
			}
			got := readTree(t, tmp)
			want := map[string][]byte{}
			for _, e := range r.Doc.Fixed {
				want[e.Path] = []byte(e.Content)
			}
			for rel, b := range got {
				exp, ok := want[rel]
				if !ok {
					exp = in[rel]
				}
				if diff := cmp.Diff(string(exp), string(b)); diff != "" {
					t.Errorf("%s differs (-want +got):\n%s", rel, diff)
				}
			}
			_, after := lint(t, tmp)
			for _, f := range after {
				if f.Rule == r.ID && want[f.Pos.File] != nil {
					t.Errorf("%s still fires in a fixed file: %s: %s", r.ID, f.Pos, f.Message)
				}
			}
			checkNoNew(t, before, after)
		})
	}
}
