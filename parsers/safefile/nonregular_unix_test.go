//go:build unix

package safefile

import (
	"net"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

// A device or a FIFO must be rejected before it is read (a FIFO would
// block forever, /dev/zero never ends), named or reached through a link.
func TestRejectsNonRegular(t *testing.T) {
	dir := t.TempDir()
	fifo := filepath.Join(dir, "grafana.ini")
	if err := syscall.Mkfifo(fifo, 0o644); err != nil {
		t.Skipf("mkfifo: %v", err)
	}
	zero := filepath.Join(dir, "zero.ini")
	if err := os.Symlink("/dev/zero", zero); err != nil {
		t.Fatal(err)
	}
	sock := filepath.Join(dir, "s.ini")
	if l, err := net.Listen("unix", sock); err == nil {
		defer l.Close()
	} else {
		sock = ""
	}
	cases := map[string]string{fifo: "a named pipe (FIFO)", zero: "a character device", dir: "a directory"}
	if sock != "" {
		cases[sock] = "a socket"
	}
	for p, what := range cases {
		_, err := Read(p, Options{})
		if reason(t, err) != NotRegular || !strings.Contains(err.Error(), what) {
			t.Errorf("Read(%s) error = %v, want NotRegular naming %q", filepath.Base(p), err, what)
		}
	}
	if _, err := Read(zero, Options{}); !strings.Contains(err.Error(), `symbolic link to "/dev/zero"`) {
		t.Errorf("error %q does not say where the link leads", err)
	}
}
