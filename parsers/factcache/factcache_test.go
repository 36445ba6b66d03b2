package factcache

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/grafanalint/grafanalint/parsers/dashboard"
)

func TestDir(t *testing.T) {
	env := func(kv map[string]string) func(string) string { return func(k string) string { return kv[k] } }
	for _, c := range []struct {
		env  map[string]string
		want string
	}{
		{map[string]string{"GRAFANALINT_CACHE_DIR": "/c", "HOME": "/h"}, "/c"},
		{map[string]string{"GRAFANALINT_CACHE_DIR": "off", "HOME": "/h"}, ""},
		{map[string]string{"XDG_CACHE_HOME": "/x", "HOME": "/h"}, "/x/grafanalint"},
		{map[string]string{"XDG_CACHE_HOME": "relative", "HOME": "/h"}, "/h/.cache/grafanalint"},
		{map[string]string{"HOME": "/h"}, "/h/.cache/grafanalint"},
		{map[string]string{}, ""},
	} {
		if got := Dir(env(c.env)); got != filepath.FromSlash(c.want) {
			t.Errorf("Dir(%v) = %q, want %q", c.env, got, c.want)
		}
	}
	if Open("") != nil {
		t.Error("Open(\"\") is a cache")
	}
}

const dash = `{"uid": "abc", "title": "Live", "schemaVersion": 39, "editable": false,
  "panels": [{"id": 1, "type": "live", "options": {"channel": {"scope": "stream", "namespace": "telegraf", "path": "cpu"}}},
    {"id": 2, "type": "timeseries", "datasource": {"type": "prometheus", "uid": "prom"},
     "targets": [{"refId": "A", "expr": "up"}]}]}`

// TestRoundTrip: what Get returns is the facts of the parse Put stored,
// with its problems; another content, path or executable misses.
func TestRoundTrip(t *testing.T) {
	c := Open(t.TempDir())
	src := []byte(dash)
	d, probs := dashboard.Parse("a.json", src)
	if _, _, ok := c.Get("a.json", src); ok {
		t.Fatal("hit in an empty cache")
	}
	c.Put("a.json", src, d, probs)
	got, gotProbs, ok := c.Get("a.json", src)
	if !ok {
		t.Fatal("miss after Put")
	}
	if diff := cmp.Diff(d.Facts(), got); diff != "" {
		t.Errorf("facts (-want +got):\n%s", diff)
	}
	if len(gotProbs) != len(probs) {
		t.Errorf("problems = %v, want %v", gotProbs, probs)
	}
	if _, _, ok := c.Get("b.json", src); ok {
		t.Error("hit for another path")
	}
	if _, _, ok := c.Get("a.json", append([]byte(dash), ' ')); ok {
		t.Error("hit for another content")
	}
	other := &Cache{dir: c.dir, salt: []byte("another build")}
	if _, _, ok := other.Get("a.json", src); ok {
		t.Error("hit for another executable")
	}
}

// TestProblemsKept: the problems of a file that does not parse are
// stored with its facts.
func TestProblemsKept(t *testing.T) {
	c := Open(t.TempDir())
	src := []byte(`{"uid": "x", "panels": [}`)
	d, probs := dashboard.Parse("bad.json", src)
	if len(probs) == 0 {
		t.Fatal("no problem to keep")
	}
	c.Put("bad.json", src, d, probs)
	_, got, ok := c.Get("bad.json", src)
	if !ok {
		t.Fatal("miss")
	}
	if diff := cmp.Diff(probs, got); diff != "" {
		t.Errorf("problems (-want +got):\n%s", diff)
	}
}

// TestBrokenEntries: an entry that is truncated, not JSON or written for
// another path is a miss; a cache that cannot be written is no error.
func TestBrokenEntries(t *testing.T) {
	c := Open(t.TempDir())
	src := []byte(dash)
	d, probs := dashboard.Parse("a.json", src)
	c.Put("a.json", src, d, probs)
	name := c.file("a.json", src)
	good, err := os.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	for _, broken := range [][]byte{good[:len(good)/2], []byte("not json"), []byte(`{"path": "b.json", "facts": {"file": "b.json"}}`), nil} {
		if err := os.WriteFile(name, broken, 0o644); err != nil {
			t.Fatal(err)
		}
		if _, _, ok := c.Get("a.json", src); ok {
			t.Errorf("hit for entry %q", broken)
		}
	}
	ro := filepath.Join(t.TempDir(), "file")
	if err := os.WriteFile(ro, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	blocked := Open(ro) // its directory is a file: nothing can be written
	blocked.Put("a.json", src, d, probs)
	if _, _, ok := blocked.Get("a.json", src); ok {
		t.Error("hit in a cache that cannot be written")
	}
}

// TestTrim: opening the cache removes the entries no run used for
// maxAge, keeps the others and those a hit marked used, and trims at
// most once a day.
func TestTrim(t *testing.T) {
	dir := t.TempDir()
	c := Open(dir)
	src := []byte(dash)
	for _, p := range []string{"old.json", "used.json", "new.json"} {
		d, probs := dashboard.Parse(p, src)
		c.Put(p, src, d, probs)
	}
	now := time.Now()
	old := now.Add(-maxAge - time.Hour)
	for _, p := range []string{"old.json", "used.json"} {
		if err := os.Chtimes(c.file(p, src), old, old); err != nil {
			t.Fatal(err)
		}
	}
	if _, _, ok := c.Get("used.json", src); !ok { // a hit marks it used
		t.Fatal("miss")
	}
	// The last trim was now: trimming within a day does nothing.
	marker := filepath.Join(c.dir, trimmedName)
	if err := os.WriteFile(marker, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Chtimes(marker, now, now); err != nil {
		t.Fatal(err)
	}
	c.trim(now.Add(time.Hour))
	if _, err := os.Stat(c.file("old.json", src)); err != nil {
		t.Fatalf("trimmed within a day of the last trim: %v", err)
	}
	c.trim(now.Add(trimEvery + time.Hour))
	if _, err := os.Stat(c.file("old.json", src)); !os.IsNotExist(err) {
		t.Errorf("an entry unused for %v was kept (%v)", maxAge, err)
	}
	for _, p := range []string{"used.json", "new.json"} {
		if _, _, ok := c.Get(p, src); !ok {
			t.Errorf("%s was trimmed", p)
		}
	}
}
