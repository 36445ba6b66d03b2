package dashboard

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"
	"unsafe"
)

// TestParseInternedSameModel parses every test dashboard with and without
// an Interner: the models are equal, and a second file with the same
// content shares the text of its strings with the first.
func TestParseInternedSameModel(t *testing.T) {
	files, err := filepath.Glob(filepath.Join("testdata", "*.json"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no test dashboards: %v", err)
	}
	in := NewInterner()
	for _, f := range files {
		src, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		plain, pp := Parse(f, src)
		a, ap := ParseInterned(f, src, in)
		want, _ := json.Marshal(struct{ D, P any }{plain, pp})
		got, _ := json.Marshal(struct{ D, P any }{a, ap})
		if string(got) != string(want) {
			t.Errorf("%s: interned model differs from Parse's", f)
		}
		b, _ := ParseInterned(f, append([]byte(nil), src...), in)
		for i := range min(len(a.Refs), len(b.Refs)) {
			x, y := a.Refs[i], b.Refs[i]
			if x.Pointer != "" && unsafe.StringData(x.Pointer) != unsafe.StringData(y.Pointer) {
				t.Errorf("%s: reference pointer %q not shared between equal files", f, x.Pointer)
			}
			if x.UID.V != "" && unsafe.StringData(x.UID.V) != unsafe.StringData(y.UID.V) {
				t.Errorf("%s: reference uid %q not shared between equal files", f, x.UID.V)
			}
		}
	}
}
