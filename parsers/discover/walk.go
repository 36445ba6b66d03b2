package discover

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"sync"

	"github.com/grafanalint/grafanalint/parsers/compose"
	"github.com/grafanalint/grafanalint/parsers/k8s"
	"github.com/grafanalint/grafanalint/parsers/model"
)

// walkRoot is a directory that was walked: a directory argument, or the
// project of an explicit file.
type walkRoot struct {
	abs, disp string
}

// entry is one file met while walking, with what was parsed from it.
type entry struct {
	abs, disp string
	root      *walkRoot
	reported  bool
	explicit  bool
	stdin     bool
	cands     cand
	known     bool // the name has a recognised extension: report input problems
	src       []byte
	kind      model.Kind
	file      *model.File
	bad       bool // input problem: not parsed

	ini   *model.IniFile
	ds    *model.DatasourceFile
	prov  *model.ProviderFile
	dash  *model.Dashboard
	comp  *compose.Compose
	env   []model.EnvVar
	nginx *model.NginxConfig
	k8s   *k8s.File // a Kubernetes file (k8s.go)
	main  bool      // an nginx main config
	// nginxProbs are the problems of the tree loaded from this file as a
	// main config (in any of its files).
	nginxProbs []model.Problem
}

// loader holds the state of one Load.
type loader struct {
	opts       Options
	mu         sync.Mutex
	entries    map[string]*entry // by display path
	byAbs      map[string]*entry
	roots      []*walkRoot
	reportDirs []string // absolute directory arguments
	visited    map[string]bool
	errors     []string
	extra      []*model.File // problem-only files (symlink loops, unreadable directories)
	tree       *tree
	stacks     []*builder
	sorted     []*entry // entries by display path, cached by sortedEntries
	k8sFiles   []*k8s.File
	k8sStacks  []*k8s.Stack
}

func newLoader(opts Options) *loader {
	return &loader{
		opts:    opts,
		entries: map[string]*entry{},
		byAbs:   map[string]*entry{},
		visited: map[string]bool{},
		tree:    newTree(opts.WorkDir),
	}
}

// display turns an absolute path into a display path.
func (l *loader) display(abs string) string {
	rel, err := filepath.Rel(l.opts.WorkDir, abs)
	if err != nil {
		return filepath.ToSlash(abs)
	}
	return filepath.ToSlash(rel)
}

func (l *loader) abs(p string) string {
	if filepath.IsAbs(p) {
		return filepath.Clean(p)
	}
	return filepath.Join(l.opts.WorkDir, filepath.FromSlash(p))
}

// projectRoot is the nearest ancestor of dir holding .git or
// .grafanalint.yaml, else dir.
func projectRoot(dir string) string {
	for d := dir; ; {
		for _, marker := range []string{".git", ".grafanalint.yaml", ".grafanalint.yml"} {
			if _, err := os.Lstat(filepath.Join(d, marker)); err == nil {
				return d
			}
		}
		parent := filepath.Dir(d)
		if parent == d {
			return dir
		}
		d = parent
	}
}

func (l *loader) walkAll(ctx context.Context) error {
	var rootDirs []string
	for _, p := range l.opts.Paths {
		if p == "-" {
			src, err := io.ReadAll(io.LimitReader(l.opts.Stdin, l.opts.MaxFileSize+1))
			abs := l.abs(l.opts.StdinFilename)
			e := &entry{abs: abs, disp: l.display(abs), reported: true, explicit: true, stdin: true, src: src}
			if err != nil {
				e.file = l.inputProblem(e, fmt.Sprintf("cannot read standard input: %v", err))
			} else if int64(len(src)) > l.opts.MaxFileSize {
				e.file = l.inputProblem(e, tooBig(int64(len(src)), l.opts.MaxFileSize))
			}
			l.addEntry(e)
			if st, err := os.Stat(filepath.Dir(abs)); err == nil && st.IsDir() {
				rootDirs = append(rootDirs, projectRoot(filepath.Dir(abs)))
			}
			continue
		}
		abs := l.abs(p)
		st, err := os.Stat(abs)
		if err != nil {
			l.errors = append(l.errors, fmt.Sprintf("%s: %s", l.display(abs), errText(err)))
			continue
		}
		if st.IsDir() {
			rootDirs = append(rootDirs, abs)
			l.reportDirs = append(l.reportDirs, abs)
			continue
		}
		e := &entry{abs: abs, disp: l.display(abs), reported: true, explicit: true}
		l.addEntry(e)
		rootDirs = append(rootDirs, projectRoot(filepath.Dir(abs)))
	}
	for _, p := range l.opts.EnvFiles {
		abs := l.abs(p)
		if st, err := os.Stat(abs); err != nil || st.IsDir() {
			msg := "is a directory, not an env file"
			if err != nil {
				msg = errText(err)
			}
			l.errors = append(l.errors, fmt.Sprintf("%s: %s", l.display(abs), msg))
			continue
		}
		l.addEntry(&entry{abs: abs, disp: l.display(abs), reported: true, explicit: true})
	}
	// Walk outer roots first; nested ones are covered by them.
	sort.Slice(rootDirs, func(i, j int) bool {
		return len(rootDirs[i]) < len(rootDirs[j]) || len(rootDirs[i]) == len(rootDirs[j]) && rootDirs[i] < rootDirs[j]
	})
	for _, d := range rootDirs {
		if slices.ContainsFunc(l.roots, func(r *walkRoot) bool { return within(d, r.abs) }) {
			continue
		}
		r := &walkRoot{abs: d, disp: l.display(d)}
		l.roots = append(l.roots, r)
		if real, err := filepath.EvalSymlinks(d); err == nil {
			l.visited[real] = true
		}
		if err := l.walkDir(ctx, r, d, "", nil, []string{realPath(d)}); err != nil {
			return err
		}
	}
	for _, e := range l.entries {
		if e.root == nil {
			e.root = l.rootOf(e.abs)
		}
		if !e.reported {
			for _, d := range l.reportDirs {
				if within(e.abs, d) {
					e.reported = true
				}
			}
		}
		l.tree.add(e.disp, e.root.disp)
	}
	return nil
}

// rootOf returns the walk root holding abs, or a root for its directory
// (an explicit file outside every walked directory, stdin).
func (l *loader) rootOf(abs string) *walkRoot {
	for _, r := range l.roots {
		if within(abs, r.abs) {
			return r
		}
	}
	d := filepath.Dir(abs)
	r := &walkRoot{abs: d, disp: l.display(d)}
	l.roots = append(l.roots, r)
	return r
}

func realPath(p string) string {
	if r, err := filepath.EvalSymlinks(p); err == nil {
		return r
	}
	return p
}

// within reports whether p is dir or below it (absolute, OS paths).
func within(p, dir string) bool {
	if p == dir {
		return true
	}
	rel, err := filepath.Rel(dir, p)
	return err == nil && rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator)) && !filepath.IsAbs(rel)
}

var skipDirs = map[string]bool{".git": true, "node_modules": true, "vendor": true}

func (l *loader) walkDir(ctx context.Context, r *walkRoot, dir, rel string, ign ignoreStack, ancestors []string) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	items, err := os.ReadDir(dir)
	if err != nil {
		l.addExtra(dir, fmt.Sprintf("cannot read directory: %s", errText(err)))
		return nil
	}
	if b, err := os.ReadFile(filepath.Join(dir, ".gitignore")); err == nil {
		ign = ign.with(parseGitignore(rel, string(b)))
	}
	for _, it := range items {
		name := it.Name()
		full := filepath.Join(dir, name)
		relPath := joinRel(rel, name)
		isDir := it.IsDir()
		if it.Type()&fs.ModeSymlink != 0 {
			st, err := os.Stat(full)
			if err != nil {
				if c, known := candidates(name, filepath.Base(dir)); c != 0 && known && !ign.ignored(relPath, false) {
					l.addExtra(full, fmt.Sprintf("cannot read %q: broken symbolic link", name))
				}
				continue
			}
			isDir = st.IsDir()
			if isDir {
				if skipDirs[name] || ign.ignored(relPath, true) {
					continue
				}
				real := realPath(full)
				if slices.Contains(ancestors, real) {
					target, _ := os.Readlink(full)
					l.addExtra(full, fmt.Sprintf("symbolic link loop: %q points to %q, a directory that contains it; not followed", name, filepath.ToSlash(target)))
					continue
				}
				if l.visited[real] {
					continue
				}
				l.visited[real] = true
				if err := l.walkDir(ctx, r, full, relPath, ign, append(slices.Clip(ancestors), real)); err != nil {
					return err
				}
				continue
			}
		}
		if isDir {
			if skipDirs[name] || ign.ignored(relPath, true) {
				continue
			}
			real := realPath(full)
			if l.visited[real] {
				continue
			}
			l.visited[real] = true
			if err := l.walkDir(ctx, r, full, relPath, ign, append(slices.Clip(ancestors), real)); err != nil {
				return err
			}
			continue
		}
		if name == ".gitignore" || ign.ignored(relPath, false) {
			continue
		}
		disp := l.display(full)
		if e := l.entries[disp]; e != nil {
			e.root = r
			continue
		}
		l.addEntry(&entry{abs: full, disp: disp, root: r})
	}
	return nil
}

// addExtra records a path that is no file of a kind but could not be
// read (a broken link, a link loop, an unreadable directory).
func (l *loader) addExtra(abs, msg string) {
	f := problemFile(l.display(abs), "", msg)
	f.Abs = abs
	l.extra = append(l.extra, f)
}

func (l *loader) addEntry(e *entry) {
	if old := l.entries[e.disp]; old != nil {
		return
	}
	e.cands, e.known = candidates(path.Base(e.disp), path.Base(path.Dir(e.disp)))
	if e.explicit {
		e.known = true
	}
	l.entries[e.disp] = e
	l.byAbs[e.abs] = e
}

func errText(err error) string {
	var pe *fs.PathError
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return "no such file or directory"
	case errors.Is(err, fs.ErrPermission):
		return "permission denied"
	case errors.As(err, &pe):
		return pe.Err.Error()
	}
	return err.Error()
}

func tooBig(size, limit int64) string {
	return fmt.Sprintf("file is %s, over the %s limit: raise it with --max-file-size", humanSize(size), humanSize(limit))
}

func humanSize(n int64) string {
	switch {
	case n >= 1<<20 && n%(1<<20) == 0:
		return fmt.Sprintf("%d MiB", n>>20)
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20))
	case n >= 1<<10 && n%(1<<10) == 0:
		return fmt.Sprintf("%d KiB", n>>10)
	case n >= 1<<10:
		return fmt.Sprintf("%.1f KiB", float64(n)/(1<<10))
	}
	return fmt.Sprintf("%d bytes", n)
}

func problemFile(disp string, kind model.Kind, msg string) *model.File {
	return &model.File{Path: disp, Kind: kind, Problems: []model.Problem{{Kind: model.ProblemInput, Message: msg, Pos: model.Pos{File: disp, Line: 1, Col: 1}}}}
}

// inputProblem marks e as unreadable with msg.
func (l *loader) inputProblem(e *entry, msg string) *model.File {
	e.bad = true
	e.src = nil
	f := problemFile(e.disp, nameKind(e.disp), msg)
	f.Abs = e.abs
	f.Reported = e.reported
	return f
}

// readSource reads e (size-checked). It returns nil and sets e.file for a
// file with an input problem that should be reported, and nil without a
// file for one to skip silently.
func (l *loader) readSource(e *entry) []byte {
	if e.stdin {
		if e.bad {
			return nil
		}
		return e.src
	}
	st, err := os.Stat(e.abs)
	if err != nil {
		if e.known {
			e.file = l.inputProblem(e, "cannot read file: "+errText(err))
		}
		return nil
	}
	if st.Size() > l.opts.MaxFileSize {
		if e.known {
			e.file = l.inputProblem(e, tooBig(st.Size(), l.opts.MaxFileSize))
		}
		return nil
	}
	src, err := os.ReadFile(e.abs)
	if err != nil {
		if e.known {
			e.file = l.inputProblem(e, "cannot read file: "+errText(err))
		}
		return nil
	}
	if isBinary(src) {
		if e.known {
			e.file = l.inputProblem(e, "file is binary (a NUL byte in its first 8 KiB), not text: exclude it in .gitignore or the config")
		}
		return nil
	}
	return src
}

func readFile(abs string) ([]byte, error) { return os.ReadFile(abs) }

func isBinary(src []byte) bool {
	head := src
	if len(head) > 8<<10 {
		head = head[:8<<10]
	}
	return bytes.IndexByte(head, 0) >= 0
}
