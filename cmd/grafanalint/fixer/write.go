package fixer

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
)

// Write replaces each changed file with its new content, atomically: the
// content goes to a temporary file in the target's own directory, which
// takes the target's permission bits and is renamed over it, so a reader
// sees the old file or the new one, never a part. A symlinked file is
// written where the link points (File.Target). A file whose content
// changed on disk since it was read is left alone and reported. Files are
// written in path order; the first error stops the writing, and the error
// names the files already written.
func (p *Plan) Write() error {
	var done []string
	for _, f := range p.Files {
		if err := writeFile(f); err != nil {
			if len(done) > 0 {
				return fmt.Errorf("cannot write %s: %w (already fixed: %v)", f.Path, err, done)
			}
			return fmt.Errorf("cannot write %s: %w", f.Path, err)
		}
		done = append(done, f.Path)
	}
	return nil
}

func writeFile(f *File) error {
	info, err := os.Stat(f.Target)
	if err != nil {
		return err
	}
	if !info.Mode().IsRegular() {
		return errors.New("it is not a regular file")
	}
	cur, err := os.ReadFile(f.Target)
	if err != nil {
		return err
	}
	if !bytes.Equal(cur, f.Old) {
		return errors.New("it changed on disk since it was read; run grafanalint --fix again")
	}
	tmp, err := os.CreateTemp(filepath.Dir(f.Target), "."+filepath.Base(f.Target)+".grafanalint-*")
	if err != nil {
		return err
	}
	name := tmp.Name()
	ok := false
	defer func() {
		if !ok {
			_ = os.Remove(name)
		}
	}()
	if _, err := tmp.Write(f.New); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	mode := info.Mode() & (fs.ModePerm | fs.ModeSetuid | fs.ModeSetgid | fs.ModeSticky)
	if err := os.Chmod(name, mode); err != nil {
		return err
	}
	if err := os.Rename(name, f.Target); err != nil {
		return err
	}
	ok = true
	return nil
}
