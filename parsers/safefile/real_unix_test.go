//go:build unix

package safefile

import (
	"os"
	"path/filepath"
	"syscall"
	"testing"
)

// ReadReal and ReadHeadReal read a regular file at a real path with Read's
// checks, and refuse what Read would have to resolve or reject: a symbolic
// link (even to a file inside the tree), a FIFO, a file outside Within, a
// file over the limit.
func TestReadRealChecks(t *testing.T) {
	dir := t.TempDir()
	if real, err := filepath.EvalSymlinks(dir); err == nil {
		dir = real
	}
	file := filepath.Join(dir, "a.json")
	if err := os.WriteFile(file, []byte(`{"panels": []}`), 0o644); err != nil {
		t.Fatal(err)
	}
	link := filepath.Join(dir, "link.json")
	if err := os.Symlink(file, link); err != nil {
		t.Fatal(err)
	}
	fifo := filepath.Join(dir, "fifo.json")
	if err := syscall.Mkfifo(fifo, 0o644); err != nil {
		t.Skipf("mkfifo: %v", err)
	}
	in := Options{Within: []string{dir}}
	if src, err := ReadReal(file, in); err != nil || string(src) != `{"panels": []}` {
		t.Errorf("ReadReal(file) = %q, %v", src, err)
	}
	if head, complete, err := ReadHeadReal(file, in, 4); err != nil || string(head) != `{"pa` || complete {
		t.Errorf("ReadHeadReal(file, 4) = %q, %v, %v", head, complete, err)
	}
	if head, complete, err := ReadHeadReal(file, in, 100); err != nil || string(head) != `{"panels": []}` || !complete {
		t.Errorf("ReadHeadReal(file, 100) = %q, %v, %v", head, complete, err)
	}
	for name, p := range map[string]string{"link": link, "fifo": fifo} {
		if _, err := ReadReal(p, in); err == nil {
			t.Errorf("ReadReal(%s) read it", name)
		}
		if _, _, err := ReadHeadReal(p, in, 4); err == nil {
			t.Errorf("ReadHeadReal(%s) read it", name)
		}
	}
	if _, err := ReadReal(file, Options{Within: []string{filepath.Join(dir, "sub")}}); err == nil {
		t.Error("ReadReal read a file outside Within")
	}
	if _, _, err := ReadHeadReal(file, Options{Max: 3}, 2); err == nil {
		t.Error("ReadHeadReal read a file over the limit")
	}
	if _, err := ReadReal(file, Options{Max: 3}); err == nil {
		t.Error("ReadReal read a file over the limit")
	}
}
