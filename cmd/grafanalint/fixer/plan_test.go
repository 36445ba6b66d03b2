package fixer

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/grafanalint/grafanalint/parsers/model"
	"github.com/grafanalint/grafanalint/rules"
	"github.com/grafanalint/grafanalint/rules/fix"
)

// tree writes files into a temporary directory and returns a model that
// knows them (as the given kinds, all reported).
func tree(t *testing.T, files map[string]string, kinds map[string]model.Kind) (string, *model.Model) {
	t.Helper()
	dir := t.TempDir()
	m := &model.Model{}
	for rel, content := range files {
		p := filepath.Join(dir, rel)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o640); err != nil {
			t.Fatal(err)
		}
		m.Files = append(m.Files, &model.File{Path: rel, Abs: p, Kind: kinds[rel], Reported: true})
	}
	return dir, m
}

func pos(file string, line, col int) model.Pos { return model.Pos{File: file, Line: line, Col: col} }

func replace(file string, line, col int, old, new string) fix.Edit {
	return fix.Edit{Start: pos(file, line, col), End: pos(file, line, col+len([]rune(old))), Old: old, New: new}
}

func finding(rule string, at model.Pos, edits ...fix.Edit) rules.Finding {
	return rules.Finding{Rule: rule, Pos: at, Fix: &fix.Fix{Message: "test", Edits: edits}}
}

const iniSrc = "[server]\nroot_url = https://a/#/b\ndomain = a\n"

// TestComposeAndOverlap: fixes of one file compose; one that overlaps a
// fix taken before it is skipped and says so; identical edits of two fixes
// are made once; insertions at one place keep their order; a fix whose
// other edit cannot be made is not made at all.
func TestComposeAndOverlap(t *testing.T) {
	_, m := tree(t, map[string]string{"grafana.ini": iniSrc, "other.ini": "[a]\nb = c\n"},
		map[string]model.Kind{"grafana.ini": model.KindIni, "other.ini": model.KindIni})
	f := "grafana.ini"
	fs := []rules.Finding{
		finding("t/one", pos(f, 2, 12), replace(f, 2, 12, "https://a/#/b", "`https://a/#/b`")),
		finding("t/overlap", pos(f, 2, 21), replace(f, 2, 21, "/#", "X")),
		finding("t/two", pos(f, 3, 10), replace(f, 3, 10, "a", "b")),
		finding("t/same", pos(f, 3, 10), replace(f, 3, 10, "a", "b")),
		finding("t/insert1", pos(f, 3, 1), fix.LineAfter(pos(f, 3, 1), "x = 1", pos(f, 3, 1))),
		finding("t/insert2", pos(f, 3, 1), fix.LineAfter(pos(f, 3, 1), "y = 2", pos(f, 3, 1))),
		finding("t/half", pos(f, 1, 2), replace(f, 1, 2, "server", "srv"), replace("other.ini", 2, 5, "d", "x")),
		finding("t/none", pos(f, 1, 1)),
	}
	fs[len(fs)-1].Fix = nil
	p := New(m, fs, Options{})
	if len(p.Files) != 1 {
		t.Fatalf("%d files change, want 1", len(p.Files))
	}
	want := "[server]\nroot_url = `https://a/#/b`\ndomain = b\nx = 1\ny = 2\n"
	if diff := cmp.Diff(want, string(p.Files[0].New)); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
	var applied []string
	for _, a := range p.Applied {
		applied = append(applied, a.Rule)
	}
	if diff := cmp.Diff([]string{"t/one", "t/two", "t/same", "t/insert1", "t/insert2"}, applied); diff != "" {
		t.Errorf("applied (-want +got):\n%s", diff)
	}
	var skipped []string
	for _, s := range p.Skipped {
		skipped = append(skipped, s.Describe())
	}
	wantSkipped := []string{
		"grafana.ini:2:21: t/overlap: fix not applied: it overlaps the fix of t/one at grafana.ini:2:12",
		`grafana.ini:1:2: t/half: fix not applied: other.ini: the text at 2:5 is "c", not "d" as the rule read it (escapes, or the file changed)`,
	}
	if diff := cmp.Diff(wantSkipped, skipped); diff != "" {
		t.Errorf("skipped (-want +got):\n%s", diff)
	}
	if p.Files[0].Edits != 4 {
		t.Errorf("%d edits, want 4 (the identical one made once)", p.Files[0].Edits)
	}
	// Only selects rules and categories.
	if p := New(m, fs, Options{Only: []string{"t/two"}}); len(p.Applied) != 1 || p.Applied[0].Rule != "t/two" {
		t.Errorf("Only t/two applied %v", p.Applied)
	}
	if p := New(m, fs, Options{Only: []string{"x"}}); len(p.Applied) != 0 {
		t.Errorf("Only x applied %v", p.Applied)
	}
}

func TestConflict(t *testing.T) {
	tests := []struct {
		a, b span
		want bool
	}{
		{span{0, 5, "x"}, span{5, 7, "y"}, false},  // adjacent
		{span{0, 5, "x"}, span{4, 7, "y"}, true},   // overlapping
		{span{0, 5, "x"}, span{0, 5, "x"}, false},  // identical
		{span{0, 5, "x"}, span{0, 5, "y"}, true},   // same range, other text
		{span{3, 3, "x"}, span{0, 5, "y"}, true},   // insertion inside a replacement
		{span{5, 5, "x"}, span{0, 5, "y"}, false},  // insertion at its end
		{span{0, 0, "x"}, span{0, 5, "y"}, false},  // insertion at its start
		{span{2, 2, "x"}, span{2, 2, "y"}, false},  // two insertions at one place
		{span{0, 9, "x"}, span{2, 3, "y"}, true},   // containment
		{span{2, 3, "x"}, span{0, 9, "y"}, true},   // containment, other order
		{span{0, 5, "x"}, span{6, 6, "y"}, false},  // apart
		{span{0, 5, "x"}, span{-1, 0, "y"}, false}, // before
	}
	for _, tt := range tests {
		if got := conflict(tt.a, tt.b); got != tt.want {
			t.Errorf("conflict(%v, %v) = %v, want %v", tt.a, tt.b, got, tt.want)
		}
	}
}

// TestWhereNotToEdit: files that are not reported, do not parse or would
// no longer parse are never edited, and the fixes that need them are
// skipped whole.
func TestWhereNotToEdit(t *testing.T) {
	files := map[string]string{
		"a.ini":   "[a]\nk = v\n",
		"b.ini":   "[b]\nk = v\n",
		"c.ini":   "[c]\nk = v\n",
		"d.yaml":  "apiVersion: 1\ndatasources: []\n",
		"e.other": "x",
	}
	kinds := map[string]model.Kind{"a.ini": model.KindIni, "b.ini": model.KindIni, "c.ini": model.KindIni, "d.yaml": model.KindDatasources, "e.other": "other"}
	_, m := tree(t, files, kinds)
	m.File("b.ini").Reported = false
	m.File("c.ini").Problems = []model.Problem{{Kind: model.ProblemSyntax, Message: "bad"}}
	fs := []rules.Finding{
		finding("t/unreported", pos("a.ini", 2, 5), replace("a.ini", 2, 5, "v", "w"), replace("b.ini", 2, 5, "v", "w")),
		finding("t/broken", pos("c.ini", 2, 5), replace("c.ini", 2, 5, "v", "w")),
		finding("t/breaks", pos("d.yaml", 2, 14), replace("d.yaml", 2, 14, "[]", "[")),
		finding("t/unknown-kind", pos("e.other", 1, 1), replace("e.other", 1, 1, "x", "y")),
		finding("t/missing", pos("zz", 1, 1), replace("zz", 1, 1, "x", "y")),
		finding("t/fine", pos("a.ini", 1, 2), replace("a.ini", 1, 2, "a", "A")),
	}
	p := New(m, fs, Options{})
	var got []string
	for _, s := range p.Skipped {
		got = append(got, s.Describe())
	}
	want := []string{
		"a.ini:2:5: t/unreported: fix not applied: it edits b.ini, which is not among the files given: lint it too to fix this",
		"c.ini:2:5: t/broken: fix not applied: c.ini does not parse, so its positions cannot be trusted",
		"d.yaml:2:14: t/breaks: fix not applied: d.yaml would no longer parse: " + brokenYAML(t),
		"e.other:1:1: t/unknown-kind: fix not applied: grafanalint cannot check a fixed other file (e.other)",
		"zz:1:1: t/missing: fix not applied: the file was not loaded",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("skipped (-want +got):\n%s", diff)
	}
	if len(p.Files) != 1 || p.Files[0].Path != "a.ini" || string(p.Files[0].New) != "[A]\nk = v\n" {
		t.Errorf("files: %+v", p.Files)
	}
}

func brokenYAML(t *testing.T) string {
	probs, _ := check(&model.File{Path: "d.yaml", Kind: model.KindDatasources}, []byte("apiVersion: 1\ndatasources: [\n"))
	if len(probs) == 0 {
		t.Fatal("broken YAML parses")
	}
	return probs[0].Message
}

// TestWrite: files are replaced through a temporary file in their
// directory, keep their mode, are written at a symlink's target, and are
// left alone when they changed since they were read.
func TestWrite(t *testing.T) {
	dir, m := tree(t, map[string]string{"real/grafana.ini": iniSrc, "other.ini": "[a]\nb = c\n"},
		map[string]model.Kind{"real/grafana.ini": model.KindIni, "other.ini": model.KindIni})
	target := filepath.Join(dir, "real", "grafana.ini")
	if err := os.Chmod(target, 0o604); err != nil {
		t.Fatal(err)
	}
	link := filepath.Join(dir, "grafana.ini")
	if err := os.Symlink(filepath.Join("real", "grafana.ini"), link); err != nil {
		t.Fatal(err)
	}
	m.Files[0] = &model.File{Path: "grafana.ini", Abs: link, Kind: model.KindIni, Reported: true}
	if m.File("grafana.ini") == nil {
		m.Files = append(m.Files, &model.File{Path: "grafana.ini", Abs: link, Kind: model.KindIni, Reported: true})
	}
	p := New(m, []rules.Finding{finding("t/x", pos("grafana.ini", 3, 10), replace("grafana.ini", 3, 10, "a", "b"))}, Options{})
	if err := p.Write(); err != nil {
		t.Fatal(err)
	}
	if fi, err := os.Lstat(link); err != nil || fi.Mode()&os.ModeSymlink == 0 {
		t.Errorf("the symlink was replaced: %v", err)
	}
	got, _ := os.ReadFile(target)
	if want := strings.Replace(iniSrc, "domain = a", "domain = b", 1); string(got) != want {
		t.Errorf("target holds %q", got)
	}
	if fi, _ := os.Stat(target); fi.Mode().Perm() != 0o604 {
		t.Errorf("mode %v, want 0604", fi.Mode().Perm())
	}
	entries, _ := os.ReadDir(filepath.Join(dir, "real"))
	if len(entries) != 1 {
		t.Errorf("temporary files left: %v", entries)
	}
	// A file that changed on disk since it was read is not overwritten.
	p = New(m, []rules.Finding{finding("t/x", pos("grafana.ini", 3, 10), replace("grafana.ini", 3, 10, "b", "c"))}, Options{})
	if err := os.WriteFile(target, append(got, '#'), 0o604); err != nil {
		t.Fatal(err)
	}
	if err := p.Write(); err == nil || !strings.Contains(err.Error(), "changed on disk") {
		t.Errorf("write over a changed file: %v", err)
	}
	if now, _ := os.ReadFile(target); !bytes.Equal(now, append(got, '#')) {
		t.Errorf("the changed file was overwritten: %q", now)
	}
}

// TestDiff: the unified diff of a plan, with hunks, context, the missing
// final newline, and credentials masked.
func TestDiff(t *testing.T) {
	src := "[security]\nadmin_password = s3cr#t\nsecret_key = SW2YcwTIb9zpOOhoPsMm\n[server]\na = 1\nb = 2\nc = 3\nd = 4\ne = 5\nf = 6\ng = 7\nh = 8\ni = 9\nroot_url = http://u:pw@h/#/x"
	_, m := tree(t, map[string]string{"grafana.ini": src}, map[string]model.Kind{"grafana.ini": model.KindIni})
	f := "grafana.ini"
	secretFix := finding("ini/inline-comment", pos(f, 2, 18), replace(f, 2, 18, "s3cr#t", "`s3cr#t`"))
	secretFix.Fix.Secret = true
	fs := []rules.Finding{
		secretFix,
		finding("t/x", pos(f, 5, 5), replace(f, 5, 5, "1", "one")),
		finding("t/y", pos(f, 14, 12), replace(f, 14, 12, "http://u:pw@h/#/x", "`http://u:pw@h/#/x`")),
	}
	p := New(m, fs, Options{})
	var b bytes.Buffer
	if err := p.Diff(&b, DiffOptions{}); err != nil {
		t.Fatal(err)
	}
	want := `--- a/grafana.ini
+++ b/grafana.ini
@@ -1,8 +1,8 @@
 [security]
-admin_password = <redacted>
+admin_password = <redacted>
 secret_key = <redacted>
 [server]
-a = 1
+a = one
 b = 2
 c = 3
 d = 4
@@ -11,4 +11,4 @@
 g = 7
 h = 8
 i = 9
-root_url = http://u:<redacted>@h/#/x
\ No newline at end of file
+root_url = ` + "`" + `http://u:<redacted>@h/#/x` + "`" + `
\ No newline at end of file
`
	if diff := cmp.Diff(want, b.String()); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
	for _, secret := range []string{"s3cr", "SW2Y", ":pw@"} {
		if strings.Contains(b.String(), secret) {
			t.Errorf("the diff prints %q", secret)
		}
	}
}

// TestDiffMasksSecretFindings: lines a secret finding points at are
// masked even where no key names a credential.
func TestDiffMasksSecretFindings(t *testing.T) {
	src := "apiVersion: 1\ndatasources:\n  - name: A\n    type: x\n    access: server\n    jsonData:\n      sigV4Thing: hunter2\n"
	_, m := tree(t, map[string]string{"ds.yaml": src}, map[string]model.Kind{"ds.yaml": model.KindDatasources})
	p := New(m, []rules.Finding{finding("t/a", pos("ds.yaml", 5, 13), replace("ds.yaml", 5, 13, "server", "proxy"))}, Options{})
	var b bytes.Buffer
	if err := p.Diff(&b, DiffOptions{Secrets: []Span{{Start: pos("ds.yaml", 7, 19), End: pos("ds.yaml", 7, 26)}}}); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(b.String(), "hunter2") || !strings.Contains(b.String(), "sigV4Thing: <redacted>") {
		t.Errorf("secret finding's line not masked:\n%s", b.String())
	}
}

// TestOneFileTwoPaths: a file linted under two paths (a symlink and its
// target) is edited once, its identical edits made once.
func TestOneFileTwoPaths(t *testing.T) {
	dir, m := tree(t, map[string]string{"conf/grafana.ini": iniSrc}, map[string]model.Kind{"conf/grafana.ini": model.KindIni})
	link := filepath.Join(dir, "grafana.ini")
	if err := os.Symlink(filepath.Join("conf", "grafana.ini"), link); err != nil {
		t.Fatal(err)
	}
	m.Files = append(m.Files, &model.File{Path: "grafana.ini", Abs: link, Kind: model.KindIni, Reported: true})
	fs := []rules.Finding{
		finding("t/x", pos("conf/grafana.ini", 3, 10), replace("conf/grafana.ini", 3, 10, "a", "b")),
		finding("t/x", pos("grafana.ini", 3, 10), replace("grafana.ini", 3, 10, "a", "b")),
	}
	p := New(m, fs, Options{})
	if len(p.Files) != 1 || p.Files[0].Edits != 1 || len(p.Applied) != 2 {
		t.Fatalf("files %d, applied %d, skipped %v", len(p.Files), len(p.Applied), p.Skipped)
	}
	if err := p.Write(); err != nil {
		t.Fatal(err)
	}
	if got, _ := os.ReadFile(filepath.Join(dir, "conf", "grafana.ini")); !strings.Contains(string(got), "domain = b\n") {
		t.Errorf("got %q", got)
	}
}

// TestOneFindingTwoFixes: when stacks that share a file need different
// fixes for one finding (a dashboard two stacks load, each with its own
// datasource), neither fix is certain and neither is applied.
func TestOneFindingTwoFixes(t *testing.T) {
	_, m := tree(t, map[string]string{"grafana.ini": iniSrc}, map[string]model.Kind{"grafana.ini": model.KindIni})
	at := pos("grafana.ini", 3, 10)
	fs := []rules.Finding{
		finding("t/x", at, replace("grafana.ini", 3, 10, "a", "b")),
		finding("t/x", at, replace("grafana.ini", 3, 10, "a", "c")),
		finding("t/y", pos("grafana.ini", 1, 2), replace("grafana.ini", 1, 2, "server", "srv")),
	}
	p := New(m, fs, Options{})
	if len(p.Applied) != 1 || p.Applied[0].Rule != "t/y" || len(p.Skipped) != 2 {
		t.Fatalf("applied %v, skipped %v", p.Applied, p.Skipped)
	}
	for _, s := range p.Skipped {
		if !strings.Contains(s.Reason, "need different fixes") {
			t.Errorf("reason: %s", s.Reason)
		}
	}
}
