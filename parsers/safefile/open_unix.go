//go:build unix

package safefile

import (
	"os"
	"syscall"
)

// openNoFollow opens a resolved path for reading without following a
// symbolic link in its last element and without blocking on a FIFO that
// replaced the file since it was checked (Read rejects it after the
// open); O_NOCTTY keeps a terminal device from becoming the controlling
// terminal.
func openNoFollow(path string) (*os.File, error) {
	return os.OpenFile(path, os.O_RDONLY|syscall.O_NONBLOCK|syscall.O_NOFOLLOW|syscall.O_NOCTTY, 0)
}

// readHeadRaw reads at most n+1 bytes of the regular file at path without
// following a symbolic link in its last element, with plain system calls
// (no *os.File: reading the first bytes of thousands of files is most of
// what it costs). size is the file's size.
func readHeadRaw(path string, n int, into []byte) (buf []byte, size int64, err error) {
	fd, err := syscall.Open(path, syscall.O_RDONLY|syscall.O_NONBLOCK|syscall.O_NOFOLLOW|syscall.O_NOCTTY|syscall.O_CLOEXEC, 0)
	if err != nil {
		return nil, 0, &os.PathError{Op: "open", Path: path, Err: err}
	}
	defer syscall.Close(fd)
	var st syscall.Stat_t
	if err := syscall.Fstat(fd, &st); err != nil {
		return nil, 0, &os.PathError{Op: "stat", Path: path, Err: err}
	}
	if st.Mode&syscall.S_IFMT != syscall.S_IFREG {
		return nil, 0, errNotRegular
	}
	buf = headBuffer(into, n)
	got := 0
	for got < len(buf) {
		k, err := syscall.Read(fd, buf[got:])
		if err == syscall.EINTR {
			continue
		}
		if err != nil {
			return nil, 0, &os.PathError{Op: "read", Path: path, Err: err}
		}
		if k == 0 {
			break
		}
		got += k
	}
	return buf[:got], st.Size, nil
}
