//go:build !unix

package safefile

import "os"

// openNoFollow opens a resolved path for reading; the checks before and
// after the open (Read) reject what is not a regular file.
func openNoFollow(path string) (*os.File, error) { return os.Open(path) }
