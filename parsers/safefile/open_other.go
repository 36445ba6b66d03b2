//go:build !unix

package safefile

import (
	"errors"
	"io"
	"os"
)

// openNoFollow opens a resolved path for reading; the checks before and
// after the open (Read) reject what is not a regular file.
func openNoFollow(path string) (*os.File, error) { return os.Open(path) }

// readHeadRaw reads at most n+1 bytes of the regular file at path; size
// is the file's size.
func readHeadRaw(path string, n int, into []byte) ([]byte, int64, error) {
	f, err := openNoFollow(path)
	if err != nil {
		return nil, 0, err
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return nil, 0, err
	}
	if !fi.Mode().IsRegular() {
		return nil, 0, errNotRegular
	}
	buf := headBuffer(into, n)
	got, err := io.ReadFull(f, buf)
	if err != nil && !errors.Is(err, io.EOF) && !errors.Is(err, io.ErrUnexpectedEOF) {
		return nil, 0, err
	}
	return buf[:got], fi.Size(), nil
}
