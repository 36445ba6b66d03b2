package floor

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

const doc = `{"uid": "d1", "title": "uid",
 "panels": [{"datasource": {"type": "prometheus", "uid": "p"}, "targets": [{"channel": "stream/a"}]},
            {"datasource": "Loki", "values": ["uid", "channel"]}]}`

func TestScan(t *testing.T) {
	refs, err := Scan(strings.NewReader(doc))
	if err != nil {
		t.Fatal(err)
	}
	// "uid" as a value or an array element is no name: not recorded.
	want := []Ref{
		{UID, int64(strings.Index(doc, `"uid"`) + 5), "d1"},
		{Datasource, int64(strings.Index(doc, `"datasource"`) + 12), ""},
		{UID, int64(strings.Index(doc, `"uid": "p"`) + 5), "p"},
		{Channel, int64(strings.Index(doc, `"channel"`) + 9), "stream/a"},
		{Datasource, int64(strings.LastIndex(doc, `"datasource"`) + 12), "Loki"},
	}
	if diff := cmp.Diff(want, refs); diff != "" {
		t.Errorf("refs (-want +got):\n%s", diff)
	}
	refs, err = Scan(strings.NewReader(`{"uid": "a\"b\u00e9"}`))
	if err != nil || len(refs) != 1 || refs[0].Value != "a\"bé" {
		t.Errorf("escaped uid: %+v, %v", refs, err)
	}
	if _, err := Scan(strings.NewReader(`{"uid": `)); err == nil {
		t.Error("a truncated document must be an error")
	}
}

func TestFindAndWalk(t *testing.T) {
	dir := t.TempDir()
	for name, content := range map[string]string{
		"a.json":          doc,
		"sub/b.json":      `{"uid": "b"}`,
		"sub/c.yaml":      `uid: c`,
		".git/d.json":     `{"uid": "hidden"}`,
		"sub/broken.json": `{"uid": `,
	} {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	paths, err := Find([]string{dir})
	if err != nil {
		t.Fatal(err)
	}
	var rel []string
	for _, p := range paths {
		r, _ := filepath.Rel(dir, p)
		rel = append(rel, filepath.ToSlash(r))
	}
	if diff := cmp.Diff([]string{"a.json", "sub/b.json", "sub/broken.json"}, rel); diff != "" {
		t.Errorf("found (-want +got):\n%s", diff)
	}
	files := Walk(paths, 2)
	if len(files) != 3 || len(files[0].Refs) != 5 || files[1].Refs[0].Value != "b" || files[2].Err == nil {
		t.Errorf("walk = %+v, want a.json's 5 refs, b's uid and broken.json's error", files)
	}
}
