package fixer

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/grafanalint/grafanalint/parsers/model"
	"github.com/grafanalint/grafanalint/rules/fix"
)

// TestDescribe resolves the fixes of every fix case for reports and checks
// that each finding's Changes, applied by their byte ranges to the files
// as they were, give what --fix gives for that finding alone, that their
// line and column positions name the same bytes, and that secret fixes
// and fixes that do not apply get none.
func TestDescribe(t *testing.T) {
	cases, _ := filepath.Glob(filepath.Join(fixRoot, "*", "*", "*"))
	described := 0
	for _, dir := range cases {
		rel, _ := filepath.Rel(fixRoot, dir)
		t.Run(filepath.ToSlash(rel), func(t *testing.T) {
			tmp := t.TempDir()
			writeTree(t, tmp, readTree(t, filepath.Join(dir, "in")))
			m, findings := lint(t, tmp)
			Describe(m, findings, Options{})
			for i, f := range findings {
				if f.Fix == nil {
					continue
				}
				alone := New(m, findings[i:i+1], Options{})
				switch {
				case f.Fix.Secret:
					if f.Fix.Changes != nil {
						t.Errorf("%s %s: a secret fix has changes for reports", f.Pos, f.Rule)
					}
					continue
				case len(alone.Applied) == 0:
					if f.Fix.Changes != nil {
						t.Errorf("%s %s: a fix that does not apply has changes for reports", f.Pos, f.Rule)
					}
					continue
				}
				described++
				got := map[string][]byte{}
				byFile := map[string][]fix.Change{}
				for _, c := range f.Fix.Changes {
					byFile[c.File] = append(byFile[c.File], c)
				}
				for file, cs := range byFile {
					src, err := os.ReadFile(filepath.Join(tmp, filepath.FromSlash(file)))
					if err != nil {
						t.Fatal(err)
					}
					tx := newText(m.File(file).Kind, src)
					var b strings.Builder
					last := 0
					for _, c := range cs {
						for _, p := range []struct {
							pos model.Pos
							off int
						}{{c.Start, c.Offset}, {c.End, c.Offset + c.Length}} {
							if off, err := tx.offset(p.pos); err != nil || off != p.off {
								t.Errorf("%s: %s: position %d:%d is byte %d (%v), the change says %d", f.Rule, file, p.pos.Line, p.pos.Col, off, err, p.off)
							}
						}
						b.Write(src[last:c.Offset])
						b.WriteString(c.Text)
						last = c.Offset + c.Length
					}
					b.Write(src[last:])
					got[file] = []byte(b.String())
				}
				want := map[string][]byte{}
				for _, pf := range alone.Files {
					want[pf.Path] = pf.New
				}
				if diff := cmp.Diff(toStrings(want), toStrings(got)); diff != "" {
					t.Errorf("%s %s: the changes do not give what --fix gives (-fix +changes):\n%s", f.Pos, f.Rule, diff)
				}
			}
		})
	}
	if described < 20 {
		t.Errorf("only %d fixes described", described)
	}
}

func toStrings(m map[string][]byte) map[string]string {
	out := map[string]string{}
	for k, v := range m {
		out[k] = string(v)
	}
	return out
}

// TestRepeatedCredentialNotPrinted: a fix that repeats an inherited
// Authorization header in a location writes it to the file, but neither
// --diff nor the reports print it.
func TestRepeatedCredentialNotPrinted(t *testing.T) {
	const credential = "Z3JhZmFuYTpzM2NyM3Q="
	tmp := t.TempDir()
	writeTree(t, tmp, readTree(t, filepath.Join(fixRoot, "proxy", "missing-upgrade-header", "repeat-credential", "in")))
	m, findings := lint(t, tmp)
	p := New(m, findings, Options{})
	if len(p.Files) != 1 || !strings.Contains(string(p.Files[0].New), credential) {
		t.Fatal("the fix does not repeat the Authorization line: the test shows nothing")
	}
	var b strings.Builder
	if err := p.Diff(&b, DiffOptions{}); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(b.String(), credential) {
		t.Errorf("--diff prints the credential:\n%s", b.String())
	}
	if !strings.Contains(b.String(), "\n             proxy_http_version 1.1;\n+") {
		t.Errorf("--diff hides the line the lines are inserted after:\n%s", b.String())
	}
	Describe(m, findings, Options{})
	for _, f := range findings {
		if f.Fix != nil && f.Fix.Changes != nil && strings.Contains(f.Fix.Changes[0].Text+f.Fix.Message, credential) {
			t.Errorf("%s: the report's fix holds the credential", f.Rule)
		}
	}
}

// TestReadInto: reading into memory that is too small, larger and holding
// another file's bytes, or just large enough gives the file's bytes as
// os.ReadFile does, and its error for a file that is not there.
func TestReadInto(t *testing.T) {
	dir := t.TempDir()
	buf := &fileBuf{}
	for _, n := range []int{0, 1, 511, 512, 513, 70000, 3, 70000, 69999, 70001, 0} {
		p := filepath.Join(dir, "f")
		want := []byte(strings.Repeat("x", n/2) + strings.Repeat("y", n-n/2))
		if err := os.WriteFile(p, want, 0o600); err != nil {
			t.Fatal(err)
		}
		got, err := readInto(p, buf)
		if err != nil || string(got) != string(want) {
			t.Fatalf("%d bytes: read %d bytes (%v)", n, len(got), err)
		}
		buf.src = got
	}
	missing := filepath.Join(dir, "missing")
	_, want := os.ReadFile(missing)
	if _, err := readInto(missing, buf); err == nil || err.Error() != want.Error() {
		t.Errorf("a missing file: %v, want %v", err, want)
	}
}
