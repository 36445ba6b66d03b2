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
