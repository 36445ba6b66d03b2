package safefile

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func reason(t *testing.T, err error) Reason {
	t.Helper()
	var e *Error
	if !errors.As(err, &e) {
		t.Fatalf("error %v (%T) is not a *safefile.Error", err, err)
	}
	return e.Reason
}

func write(t *testing.T, path, content string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

func TestReadRegular(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "grafana.ini")
	write(t, p, "[server]\n")
	got, err := Read(p, Options{Within: []string{dir}})
	if err != nil || string(got) != "[server]\n" {
		t.Fatalf("Read = %q, %v", got, err)
	}
}

func TestLimit(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "big.json")
	write(t, p, strings.Repeat("x", 2048))
	_, err := Read(p, Options{Max: 1024})
	if reason(t, err) != TooLarge || err.Error() != "file is 2 KiB, over the 1 KiB limit" {
		t.Errorf("error = %v", err)
	}
	if got, err := Read(p, Options{Max: 2048}); err != nil || len(got) != 2048 {
		t.Errorf("file at the limit: %d bytes, %v", len(got), err)
	}
}

// Stat is not trusted: files of /proc say they have 0 bytes and hold
// more; the read stops at the limit.
func TestLimitDoesNotTrustStat(t *testing.T) {
	const p = "/proc/self/status"
	fi, err := os.Stat(p)
	if err != nil || fi.Size() != 0 {
		t.Skip("no /proc file with a zero size here")
	}
	_, err = Read(p, Options{Max: 16})
	if reason(t, err) != TooLarge || err.Error() != "file is more than 16 bytes, over the 16 bytes limit" {
		t.Errorf("error = %v", err)
	}
}

func TestSymlinkPolicy(t *testing.T) {
	outside := t.TempDir()
	write(t, filepath.Join(outside, "passwd"), "root:x:0:0\n")
	tree := t.TempDir()
	write(t, filepath.Join(tree, "sites-available", "grafana"), "server {}\n")
	links := map[string]string{
		"sites-enabled/grafana":   "../sites-available/grafana",
		"provisioning/ds.yaml":    filepath.Join(outside, "passwd"),
		"dir/ds.yaml":             "",
		"loop.ini":                "loop.ini",
		"broken.ini":              "nowhere.ini",
		"through-dir/passwd.yaml": "",
	}
	for name, target := range links {
		if target == "" {
			continue
		}
		p := filepath.Join(tree, name)
		_ = os.MkdirAll(filepath.Dir(p), 0o755)
		if err := os.Symlink(target, p); err != nil {
			t.Fatal(err)
		}
	}
	// A directory link out of the tree: the file below it is outside.
	if err := os.Symlink(outside, filepath.Join(tree, "through")); err != nil {
		t.Fatal(err)
	}
	in := Options{Within: RealDirs(tree)}
	if got, err := Read(filepath.Join(tree, "sites-enabled", "grafana"), in); err != nil || string(got) != "server {}\n" {
		t.Errorf("link inside the tree: %q, %v", got, err)
	}
	for _, name := range []string{"provisioning/ds.yaml", "through/passwd"} {
		got, err := Read(filepath.Join(tree, name), in)
		if got != nil || reason(t, err) != OutsideTree || !strings.Contains(err.Error(), "outside the linted tree") {
			t.Errorf("%s: %q, %v; want OutsideTree", name, got, err)
		}
	}
	for _, name := range []string{"loop.ini", "broken.ini"} {
		if _, err := Read(filepath.Join(tree, name), in); reason(t, err) != LinkLoop {
			t.Errorf("%s: %v, want LinkLoop", name, err)
		}
	}
	// Named on the command line (no Within), the target is read.
	if got, err := Read(filepath.Join(tree, "provisioning/ds.yaml"), Options{}); err != nil || !strings.HasPrefix(string(got), "root:") {
		t.Errorf("explicit file: %q, %v", got, err)
	}
	if _, err := Read(filepath.Join(tree, "missing.ini"), in); !errors.Is(err, fs.ErrNotExist) || err.Error() != "no such file or directory" {
		t.Errorf("missing file: %v", err)
	}
}

func TestReadFrom(t *testing.T) {
	if got, err := ReadFrom(strings.NewReader("abc"), "stdin", Options{Max: 3}); err != nil || string(got) != "abc" {
		t.Errorf("ReadFrom = %q, %v", got, err)
	}
	// A stream over the limit: only a lower bound is known.
	_, err := ReadFrom(strings.NewReader(strings.Repeat("x", 5000)), "stdin", Options{Max: 1024})
	if reason(t, err) != TooLarge || err.Error() != "file is more than 1 KiB, over the 1 KiB limit" {
		t.Errorf("stream error = %v", err)
	}
	// A regular file on standard input: its size is known.
	p := filepath.Join(t.TempDir(), "in")
	write(t, p, strings.Repeat("x", 3<<10))
	f, err := os.Open(p)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	_, err = ReadFrom(f, "stdin", Options{Max: 1024})
	if reason(t, err) != TooLarge || err.Error() != "file is 3 KiB, over the 1 KiB limit" {
		t.Errorf("file error = %v", err)
	}
}

func TestEncoding(t *testing.T) {
	utf16le := func(s string, bom bool) []byte {
		var b []byte
		if bom {
			b = append(b, 0xFF, 0xFE)
		}
		for _, r := range s {
			b = append(b, byte(r), 0)
		}
		return b
	}
	utf16be := func(s string) []byte {
		var b []byte
		for _, r := range s {
			b = append(b, 0, byte(r))
		}
		return b
	}
	text := "[server]\nroot_url = https://grafana.example.com/\n"
	cases := []struct {
		src  []byte
		want string
	}{
		{[]byte(text), ""},
		{append([]byte("\ufeff"), text...), ""},
		{utf16le(text, true), "file is UTF-16 LE (with byte order mark) text, which Grafana and nginx do not read as text: save it as UTF-8"},
		{utf16le(text, false), "file is UTF-16 LE text, which Grafana and nginx do not read as text: save it as UTF-8"},
		{utf16be(text), "file is UTF-16 BE text, which Grafana and nginx do not read as text: save it as UTF-8"},
		{[]byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"), "file is binary (a NUL byte at offset 8), not text: exclude it in .gitignore or the config"},
	}
	for _, c := range cases {
		if got := TextProblem(c.src); got != c.want {
			t.Errorf("TextProblem(%q) = %q, want %q", c.src[:min(len(c.src), 12)], got, c.want)
		}
	}
}

// TestReadRealInto: a buffer with room is reused and holds exactly the
// file; one without room is replaced; the limits hold as for ReadReal.
func TestReadRealInto(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "a.json")
	if err := os.WriteFile(p, []byte(`{"uid": "a"}`), 0o644); err != nil {
		t.Fatal(err)
	}
	big := make([]byte, 5, 1024)
	copy(big, "stale")
	got, err := ReadRealInto(p, Options{}, big)
	if err != nil || string(got) != `{"uid": "a"}` {
		t.Fatalf("ReadRealInto = %q, %v", got, err)
	}
	if &got[:1][0] != &big[:1][0] {
		t.Error("a buffer with room was not reused")
	}
	small := make([]byte, 0, 2)
	if got, err := ReadRealInto(p, Options{}, small); err != nil || string(got) != `{"uid": "a"}` {
		t.Errorf("ReadRealInto into a small buffer = %q, %v", got, err)
	}
	if _, err := ReadRealInto(p, Options{Max: 4}, big); err == nil {
		t.Error("the size limit was not applied")
	}
}

func TestReadHeadRealInto(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "a.json")
	if err := os.WriteFile(p, []byte(`{"uid": "abcdef"}`), 0o644); err != nil {
		t.Fatal(err)
	}
	big := make([]byte, 0, 64)
	head, complete, err := ReadHeadRealInto(p, Options{}, 6, big)
	if err != nil || string(head) != `{"uid"` || complete {
		t.Fatalf("ReadHeadRealInto(6) = %q, %v, %v; want the first 6 bytes, not complete", head, complete, err)
	}
	if &head[:1][0] != &big[:1][0] {
		t.Error("a buffer with room was not reused")
	}
	head, complete, err = ReadHeadRealInto(p, Options{}, 100, big)
	if err != nil || string(head) != `{"uid": "abcdef"}` || !complete {
		t.Errorf("ReadHeadRealInto(100) = %q, %v, %v; want the whole file, complete", head, complete, err)
	}
	// A buffer without room for n+1 bytes is not written to.
	small := make([]byte, 0, 6)
	head, _, err = ReadHeadRealInto(p, Options{}, 6, small)
	if err != nil || string(head) != `{"uid"` || string(small[:6]) != "\x00\x00\x00\x00\x00\x00" {
		t.Errorf("ReadHeadRealInto into a small buffer = %q, %v; buffer %q", head, err, small[:6])
	}
	if _, _, err := ReadHeadRealInto(p, Options{Max: 4}, 6, big); err == nil {
		t.Error("the size limit was not applied")
	}
}
