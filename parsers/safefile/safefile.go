// Package safefile is grafanalint's one way to read a file it was given or
// found. Every reader of user input goes through it: files of the linted
// tree, nginx includes, .gitignore files, Dockerfiles, env files, the
// configuration file, the baseline and standard input.
//
// What it promises:
//   - Only regular files are read. A directory, a named pipe (FIFO), a
//     device or a socket is rejected after a stat, before it is opened, so
//     "ln -s /dev/zero grafana.ini" and "mkfifo grafana.ini" fail at once
//     with a clear message instead of reading forever or blocking. The file
//     is opened without blocking and checked again after opening, so a file
//     swapped for a FIFO in between is rejected too.
//   - Never more than the limit is read, whatever stat says: the content is
//     read through a LimitReader of limit+1 bytes, and a file that yields
//     more is rejected with its size.
//   - With Options.Within set (files found in a tree rather than named on
//     the command line), a file whose real path, after every symbolic link
//     on the way, lies outside those directories is not read: the error
//     says where the link leads.
package safefile

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// DefaultMax is the limit used when Options.Max is 0 (64 MiB, the default of
// --max-file-size).
const DefaultMax = 64 << 20

// Options say how a file may be read.
type Options struct {
	// Max is the largest number of bytes read; 0 means DefaultMax.
	Max int64
	// Within, when not empty, lists directories (absolute; symbolic links
	// in them are resolved) that the file's real path must be inside.
	// Empty means anywhere: files named on the command line.
	Within []string
}

func (o Options) max() int64 {
	if o.Max <= 0 {
		return DefaultMax
	}
	return o.Max
}

// Reason says why a file was not read.
type Reason int

// Reasons a file is not read.
const (
	// Unreadable: the operating system refused (missing, permission, I/O).
	Unreadable Reason = iota
	// NotRegular: a directory, FIFO, device, socket or other non-regular
	// file.
	NotRegular
	// TooLarge: more bytes than the limit.
	TooLarge
	// OutsideTree: a symbolic link leads out of the directories allowed.
	OutsideTree
	// LinkLoop: symbolic links that lead to each other, or a broken link.
	LinkLoop
)

// Error is why a file was not read. Its message does not repeat the path
// (callers name the file themselves); errors.Is(err, fs.ErrNotExist) and
// fs.ErrPermission work through Unwrap.
type Error struct {
	Path   string
	Reason Reason
	// What describes a non-regular file ("a named pipe (FIFO)").
	What string
	// Target is where a symbolic link leads (OutsideTree, NotRegular
	// through a link); Direct is set when the file itself is that link
	// (not one of its directories).
	Target string
	Direct bool
	// Size is the file's size when known (TooLarge); AtLeast is set when
	// only a lower bound is known (a file that grew, standard input).
	Size    int64
	AtLeast bool
	// Limit is the limit that was exceeded (TooLarge).
	Limit int64
	Err   error
}

// Error describes the problem without the path.
func (e *Error) Error() string {
	switch e.Reason {
	case NotRegular:
		if e.Target != "" {
			return fmt.Sprintf("file is a symbolic link to %q, %s, not a regular file: only regular files are read", e.Target, e.What)
		}
		return fmt.Sprintf("file is %s, not a regular file: only regular files are read", e.What)
	case TooLarge:
		size := HumanSize(e.Size)
		if e.AtLeast {
			size = "more than " + HumanSize(e.Limit)
		}
		return fmt.Sprintf("file is %s, over the %s limit", size, HumanSize(e.Limit))
	case OutsideTree:
		how := "is a symbolic link"
		if !e.Direct {
			how = "is reached through a symbolic link"
		}
		return fmt.Sprintf("file %s to %q, outside the linted tree: not followed (name the target on the command line to lint it)", how, e.Target)
	case LinkLoop:
		return "file is a broken symbolic link or part of a loop of symbolic links: not read"
	}
	return errText(e.Err)
}

// Unwrap returns the operating system's error, if any.
func (e *Error) Unwrap() error { return e.Err }

// errText is an OS error without the path it repeats.
func errText(err error) string {
	var pe *fs.PathError
	switch {
	case err == nil:
		return "cannot be read"
	case errors.Is(err, fs.ErrNotExist):
		return "no such file or directory"
	case errors.Is(err, fs.ErrPermission):
		return "permission denied"
	case errors.As(err, &pe):
		return pe.Err.Error()
	}
	return err.Error()
}

// HumanSize formats a byte count as people read it ("64 MiB", "1.5 KiB",
// "12 bytes").
func HumanSize(n int64) string {
	switch {
	case n >= 1<<30 && n%(1<<30) == 0:
		return fmt.Sprintf("%d GiB", n>>30)
	case n >= 1<<30:
		return fmt.Sprintf("%.1f GiB", float64(n)/(1<<30))
	case n >= 1<<20 && n%(1<<20) == 0:
		return fmt.Sprintf("%d MiB", n>>20)
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20))
	case n >= 1<<10 && n%(1<<10) == 0:
		return fmt.Sprintf("%d KiB", n>>10)
	case n >= 1<<10:
		return fmt.Sprintf("%.1f KiB", float64(n)/(1<<10))
	case n == 1:
		return "1 byte"
	}
	return fmt.Sprintf("%d bytes", n)
}

// describe names a file mode that is not a regular file.
func describe(m fs.FileMode) string {
	switch {
	case m.IsDir():
		return "a directory"
	case m&fs.ModeNamedPipe != 0:
		return "a named pipe (FIFO)"
	case m&fs.ModeSocket != 0:
		return "a socket"
	case m&fs.ModeCharDevice != 0:
		return "a character device"
	case m&fs.ModeDevice != 0:
		return "a block device"
	case m&fs.ModeSymlink != 0:
		return "a symbolic link"
	}
	return "not a regular file"
}

// resolve returns the real path of path and its stat, applying the
// symbolic link policy and the type and size checks.
func resolve(path string, o Options) (string, fs.FileInfo, error) {
	fail := func(r Reason, err error) (string, fs.FileInfo, error) {
		return "", nil, &Error{Path: path, Reason: r, Err: err}
	}
	real, err := filepath.EvalSymlinks(path)
	if err != nil {
		if isLinkProblem(path, err) {
			return fail(LinkLoop, err)
		}
		return fail(Unreadable, err)
	}
	if !filepath.IsAbs(real) {
		if a, err := filepath.Abs(real); err == nil {
			real = a
		}
	}
	linked := real != cleanAbs(path)
	if len(o.Within) > 0 && !insideAny(real, o.Within) {
		target, direct := linkTarget(path, real)
		return "", nil, &Error{Path: path, Reason: OutsideTree, Target: target, Direct: direct}
	}
	fi, err := os.Stat(real)
	if err != nil {
		return fail(Unreadable, err)
	}
	if !fi.Mode().IsRegular() {
		e := &Error{Path: path, Reason: NotRegular, What: describe(fi.Mode())}
		if linked {
			e.Target, e.Direct = linkTarget(path, real)
		}
		return "", nil, e
	}
	if max := o.max(); fi.Size() > max {
		return "", nil, &Error{Path: path, Reason: TooLarge, Size: fi.Size(), Limit: max}
	}
	return real, fi, nil
}

// linkTarget is what a symbolic link at path says it points to (direct),
// or the real path when path itself is not the link (a link among its
// directories).
func linkTarget(path, real string) (target string, direct bool) {
	if t, err := os.Readlink(path); err == nil {
		return filepath.ToSlash(t), true
	}
	return filepath.ToSlash(real), false
}

func cleanAbs(p string) string {
	if a, err := filepath.Abs(p); err == nil {
		return a
	}
	return filepath.Clean(p)
}

// isLinkProblem reports whether resolving path failed on a symbolic link
// (a loop, or a link to nothing) rather than on path itself.
func isLinkProblem(path string, err error) bool {
	if strings.Contains(err.Error(), "too many links") {
		return true
	}
	if errors.Is(err, fs.ErrNotExist) {
		if fi, lerr := os.Lstat(path); lerr == nil && fi.Mode()&fs.ModeSymlink != 0 {
			return true
		}
	}
	return false
}

// Inside reports whether path p is dir or below it (both absolute and
// clean).
func Inside(p, dir string) bool {
	if p == dir {
		return true
	}
	rel, err := filepath.Rel(dir, p)
	return err == nil && rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator)) && !filepath.IsAbs(rel)
}

func insideAny(p string, dirs []string) bool {
	for _, d := range dirs {
		if Inside(p, d) {
			return true
		}
	}
	return false
}

// RealDirs returns dirs with their symbolic links resolved, for
// Options.Within (a directory that cannot be resolved is kept as given).
func RealDirs(dirs ...string) []string {
	out := make([]string, 0, len(dirs))
	for _, d := range dirs {
		r := cleanAbs(d)
		if e, err := filepath.EvalSymlinks(r); err == nil {
			r = cleanAbs(e)
		}
		out = append(out, r)
	}
	return out
}

// Read returns the content of the regular file at path, under the rules of
// the package comment. The error is an *Error.
func Read(path string, o Options) ([]byte, error) {
	real, fi, err := resolve(path, o)
	if err != nil {
		return nil, err
	}
	f, err := openNoFollow(real)
	if err != nil {
		return nil, &Error{Path: path, Reason: Unreadable, Err: err}
	}
	defer f.Close()
	ofi, err := f.Stat()
	if err != nil {
		return nil, &Error{Path: path, Reason: Unreadable, Err: err}
	}
	if !ofi.Mode().IsRegular() || !os.SameFile(fi, ofi) {
		return nil, &Error{Path: path, Reason: NotRegular, What: describe(ofi.Mode())}
	}
	return readLimited(path, f, ofi.Size(), o.max())
}

// ReadFrom reads r (standard input) up to the limit o.Max. When r is an
// *os.File on a regular file the error gives its exact size; otherwise an
// oversized stream is "more than" the limit, as the rest is never read.
func ReadFrom(r io.Reader, name string, o Options) ([]byte, error) {
	size := int64(-1)
	if f, ok := r.(*os.File); ok {
		if fi, err := f.Stat(); err == nil && fi.Mode().IsRegular() {
			size = fi.Size()
			if pos, err := f.Seek(0, io.SeekCurrent); err == nil {
				size -= pos
			}
		}
	}
	return readLimited(name, r, size, o.max())
}

// readLimited reads at most max+1 bytes of r; hint is the expected size
// (-1 when unknown).
func readLimited(path string, r io.Reader, hint, max int64) ([]byte, error) {
	return readInto(path, r, hint, max, nil)
}

// readInto is readLimited reading into buf when it holds the expected
// size.
func readInto(path string, r io.Reader, hint, max int64, buf []byte) ([]byte, error) {
	if hint > max {
		return nil, &Error{Path: path, Reason: TooLarge, Size: hint, Limit: max}
	}
	capacity := int64(512)
	if hint >= 0 {
		capacity = hint + 1
	}
	if want := min(capacity, max+1); int64(cap(buf)) >= want {
		buf = buf[:0]
	} else {
		buf = make([]byte, 0, want)
	}
	lr := io.LimitReader(r, max+1)
	for {
		if len(buf) == cap(buf) {
			buf = append(buf, 0)[:len(buf)]
		}
		n, err := lr.Read(buf[len(buf):cap(buf)])
		buf = buf[:len(buf)+n]
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, &Error{Path: path, Reason: Unreadable, Err: err}
		}
	}
	if int64(len(buf)) > max {
		e := &Error{Path: path, Reason: TooLarge, Size: hint, Limit: max}
		if hint <= max {
			e.AtLeast = true
		}
		return nil, e
	}
	return buf, nil
}

// ReadHead is Read for the first n bytes of the file: the same symbolic
// link policy and type and size checks, then at most n bytes. complete is
// true when head is the whole file.
func ReadHead(path string, o Options, n int) (head []byte, complete bool, err error) {
	real, _, err := resolve(path, o)
	if err != nil {
		return nil, false, err
	}
	return ReadHeadReal(real, o, n)
}

// ReadReal is Read for a path whose directory is known to be a real path
// (see ReadHeadReal): the file itself must not be a symbolic link, and
// must be inside o.Within. A caller that gets an error may call Read for
// the error Read gives (a symbolic link, for instance, is refused here and
// followed by Read).
func ReadReal(real string, o Options) ([]byte, error) {
	return ReadRealInto(real, o, nil)
}

// ReadRealInto is ReadReal reading into buf when it has room (its content
// is replaced), so that a caller reading many files one after another can
// reuse one buffer.
func ReadRealInto(real string, o Options, buf []byte) ([]byte, error) {
	if len(o.Within) > 0 && !insideAny(real, o.Within) {
		return nil, &Error{Path: real, Reason: OutsideTree, Target: filepath.ToSlash(real)}
	}
	f, err := openNoFollow(real)
	if err != nil {
		return nil, &Error{Path: real, Reason: Unreadable, Err: err}
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return nil, &Error{Path: real, Reason: Unreadable, Err: err}
	}
	if !fi.Mode().IsRegular() {
		return nil, &Error{Path: real, Reason: NotRegular, What: describe(fi.Mode())}
	}
	return readInto(real, f, fi.Size(), o.max(), buf)
}

// headBuffer returns into's first n+1 bytes when it has room for them,
// else a new buffer of n+1 bytes.
func headBuffer(into []byte, n int) []byte {
	if cap(into) > n {
		return into[:n+1]
	}
	return make([]byte, n+1)
}

// errNotRegular is readHeadRaw's error for a file that is not regular.
var errNotRegular = errors.New("not a regular file")

// ReadHeadReal is ReadHead for a path whose directory is known to be a
// real path (no symbolic link in it; filepath.EvalSymlinks of the
// directory, cached by the caller): the file itself must not be a
// symbolic link, and must be inside o.Within.
func ReadHeadReal(real string, o Options, n int) (head []byte, complete bool, err error) {
	return ReadHeadRealInto(real, o, n, nil)
}

// ReadHeadRealInto is ReadHeadReal reading into buf when it has room for
// n+1 bytes, so that a caller sniffing many files can reuse one buffer
// (head is then a slice of buf).
func ReadHeadRealInto(real string, o Options, n int, buf []byte) (head []byte, complete bool, err error) {
	if len(o.Within) > 0 && !insideAny(real, o.Within) {
		return nil, false, &Error{Path: real, Reason: OutsideTree, Target: filepath.ToSlash(real)}
	}
	buf, size, err := readHeadRaw(real, n, buf)
	switch {
	case errors.Is(err, errNotRegular):
		return nil, false, &Error{Path: real, Reason: NotRegular, What: "not a regular file"}
	case err != nil:
		return nil, false, &Error{Path: real, Reason: Unreadable, Err: err}
	case size > o.max():
		return nil, false, &Error{Path: real, Reason: TooLarge, Size: size, Limit: o.max()}
	case len(buf) > n:
		return buf[:n], false, nil
	}
	return buf, true, nil
}
