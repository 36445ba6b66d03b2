package discover

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"sync"

	"github.com/grafanalint/grafanalint/parsers/compose"
	"github.com/grafanalint/grafanalint/parsers/dashboard"
	"github.com/grafanalint/grafanalint/parsers/k8s"
	"github.com/grafanalint/grafanalint/parsers/model"
	"github.com/grafanalint/grafanalint/parsers/safefile"
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
	// deferred is true for a dashboard told by its first bytes and not
	// parsed yet: dash is an empty Dashboard that parseDeferred fills in
	// (narrow.go).
	deferred bool

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
	// stdinSrc keeps what was read from standard input, which cannot be
	// read again (for excerpts and for parsing it as another kind).
	stdinSrc []byte
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
	compose    *composeState
	// within are the real paths of the walk roots: files found in the
	// tree are read only when their real path is inside one of them.
	within []string
	// fileLinks and dirLinks are symbolic links met while walking whose
	// target is inside the tree (absolute link path → absolute target,
	// expressed below the walk root rather than as a real path).
	fileLinks map[string]string
	dirLinks  map[string]dirLink
	k8sFiles  []*k8s.File
	k8sStacks []*k8s.Stack
	// narrow is true when only explicit files are linted: the stacks
	// that hold none of them are dropped, and their dashboards are not
	// parsed (narrow.go).
	narrow bool
	// stream leaves dashboards to the rules engine (stream.go).
	stream bool
	// realDirs caches the real path of directories (narrow.go).
	realDirs map[string]string
	// claimedFiles are the display paths some stack holds.
	claimedFiles map[string]bool
	// composeForced counts compose files read again as another kind.
	composeForced int
	// intern shares equal strings among the dashboards of the run.
	intern *dashboard.Interner
	// gitDirs are the display paths of the directories holding .git (a
	// directory, or the file of a worktree or submodule).
	gitDirs map[string]bool
}

func newLoader(opts Options) *loader {
	return &loader{
		opts:      opts,
		entries:   map[string]*entry{},
		byAbs:     map[string]*entry{},
		visited:   map[string]bool{},
		tree:      newTree(opts.WorkDir),
		fileLinks: map[string]string{},
		dirLinks:  map[string]dirLink{},
		realDirs:  map[string]string{},
		gitDirs:   map[string]bool{},

		claimedFiles: map[string]bool{},
		intern:       dashboard.NewInterner(),
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

// projectRoot is the directory whose tree is loaded as context for a file
// named on the command line (pre-commit passes single files; cross-file
// rules need the stack around them). In order:
//
//  1. the nearest ancestor of dir holding .git or .grafanalint.yaml (the
//     repository, or the project the config file describes);
//  2. else the nearest holding a compose file or a Helm chart
//     (Chart.yaml): the deployment's own root;
//  3. else the nearest holding a Grafana provisioning directory
//     (provisioning/ with datasources/ or dashboards/ in it) or a
//     grafana.ini;
//  4. else dir itself.
//
// Steps 2 and 3 stop below the user's home directory, the temporary
// directory and the filesystem root, so that a stray compose file there
// does not pull in everything below it.
func projectRoot(dir string) string {
	home, _ := os.UserHomeDir()
	shared := map[string]bool{home: true, filepath.Clean(os.TempDir()): true}
	nearest := map[int]string{}
	shapes := true
	for d := dir; ; {
		for _, marker := range []string{".git", ".grafanalint.yaml", ".grafanalint.yml"} {
			if exists(filepath.Join(d, marker)) {
				return d
			}
		}
		if d != dir && (shared[d] || filepath.Dir(d) == d) {
			shapes = false
		}
		if shapes {
			if tier := shapeOf(d); tier > 0 && nearest[tier] == "" {
				nearest[tier] = d
			}
		}
		parent := filepath.Dir(d)
		if parent == d {
			break
		}
		d = parent
	}
	for _, tier := range []int{tierDeployment, tierGrafana} {
		if d := nearest[tier]; d != "" {
			return d
		}
	}
	return dir
}

// Shapes of a deployment's root, weakest first.
const (
	tierGrafana    = 1 // holds a provisioning directory or a grafana.ini
	tierDeployment = 2 // holds a compose file or a Helm chart
)

// composeNames are the file names docker compose looks for.
var composeNames = []string{"compose.yaml", "compose.yml", "docker-compose.yaml", "docker-compose.yml"}

// shapeOf tells whether directory d looks like the root of a Grafana
// deployment, and how strongly.
func shapeOf(d string) int {
	for _, n := range append(composeNames, "Chart.yaml") {
		if exists(filepath.Join(d, n)) {
			return tierDeployment
		}
	}
	if exists(filepath.Join(d, "grafana.ini")) {
		return tierGrafana
	}
	for _, sub := range []string{"datasources", "dashboards"} {
		if exists(filepath.Join(d, "provisioning", sub)) {
			return tierGrafana
		}
	}
	return 0
}

func exists(p string) bool {
	_, err := os.Lstat(p)
	return err == nil
}

func (l *loader) walkAll(ctx context.Context) error {
	var rootDirs []string
	for _, p := range l.opts.Paths {
		if p == "-" {
			src, err := safefile.ReadFrom(l.opts.Stdin, "standard input", safefile.Options{Max: l.opts.MaxFileSize})
			abs := l.abs(l.opts.StdinFilename)
			e := &entry{abs: abs, disp: l.display(abs), reported: true, explicit: true, stdin: true, stdinSrc: src}
			switch {
			case err != nil:
				e.file = l.inputProblem(e, "standard input: "+readError(err))
			case safefile.TextProblem(src) != "":
				e.file = l.inputProblem(e, "standard input: "+safefile.TextProblem(src))
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
		l.roots = append(l.roots, &walkRoot{abs: d, disp: l.display(d)})
		l.within = append(l.within, safefile.RealDirs(d)...)
	}
	for _, r := range l.roots {
		if real, err := filepath.EvalSymlinks(r.abs); err == nil {
			l.visited[real] = true
		}
		if err := l.walkDir(ctx, r, r.abs, "", nil, []string{realPath(r.abs)}); err != nil {
			return err
		}
	}
	if err := l.resolveLinks(ctx); err != nil {
		return err
	}
	for disp, e := range l.entries {
		if disp != e.disp {
			continue // a link to e
		}
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

// dirLink is a symbolic link to a directory inside the tree, met while
// walking: it is walked after the tree, and only when the walk did not
// reach its target under its own path.
type dirLink struct {
	root      *walkRoot
	full, rel string
	target    string // the target below its walk root
	real      string
	ign       ignoreStack
	ancestors []string
}

func (l *loader) walkDir(ctx context.Context, r *walkRoot, dir, rel string, ign ignoreStack, ancestors []string) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	l.mu.Lock()
	l.realDirs[dir] = ancestors[len(ancestors)-1]
	l.mu.Unlock()
	items, err := os.ReadDir(dir)
	if err != nil {
		l.addExtra(dir, fmt.Sprintf("cannot read directory: %s", errText(err)))
		return nil
	}
	gi := filepath.Join(dir, ".gitignore")
	if b, err := l.readGitignore(gi); err == nil {
		ign = ign.with(parseGitignore(rel, string(b)))
	} else if !errors.Is(err, fs.ErrNotExist) {
		l.addExtra(gi, readError(err)+"; its patterns are not applied")
	}
	for _, it := range items {
		name := it.Name()
		full := filepath.Join(dir, name)
		relPath := joinRel(rel, name)
		isDir := it.IsDir()
		if name == ".git" {
			l.gitDirs[l.display(dir)] = true
		}
		if e := l.entries[l.display(full)]; e != nil && e.explicit {
			e.root = r // named on the command line: read as named
			continue
		}
		if it.Type()&fs.ModeSymlink != 0 {
			st, err := os.Stat(full)
			if err != nil {
				if c, known := candidates(name, filepath.Base(dir)); c != 0 && known && !ign.ignored(relPath, false) {
					l.addExtra(full, fmt.Sprintf("cannot read %q: broken symbolic link", name))
				}
				continue
			}
			isDir = st.IsDir()
			if skipDirs[name] && isDir || ign.ignored(relPath, isDir) {
				continue
			}
			real := realPath(full)
			target, inTree := l.treePath(real)
			if !inTree {
				// Out of the tree: "ln -s / rootfs" must not walk the
				// filesystem, and a link to /etc/passwd named like a
				// provisioning file must not be read.
				if c, _ := candidates(name, filepath.Base(dir)); isDir || c != 0 {
					link, _ := os.Readlink(full)
					what := "file"
					if isDir {
						what = "directory"
					}
					l.addExtra(full, fmt.Sprintf("%s is a symbolic link to %q, outside the linted tree: not followed (name the target on the command line to lint it)", what, filepath.ToSlash(link)))
				}
				continue
			}
			if isDir {
				if slices.Contains(ancestors, real) {
					link, _ := os.Readlink(full)
					l.addExtra(full, fmt.Sprintf("symbolic link loop: %q points to %q, a directory that contains it; not followed", name, filepath.ToSlash(link)))
					continue
				}
				l.dirLinks[full] = dirLink{root: r, full: full, rel: relPath, target: target, real: real, ign: ign, ancestors: ancestors}
				continue
			}
			if target != full {
				l.fileLinks[full] = target
				continue
			}
		}
		if isDir {
			if skipDirs[name] || ign.ignored(relPath, true) {
				continue
			}
			// A directory (not a link) in a directory whose real path
			// is known: its own real path follows.
			real := filepath.Join(ancestors[len(ancestors)-1], name)
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

// readGitignore reads a .gitignore of the tree; most directories have
// none, which the real path of the directory tells without resolving the
// file's path again.
func (l *loader) readGitignore(gi string) ([]byte, error) {
	o := safefile.Options{Max: l.opts.MaxFileSize, Within: l.within}
	if real, ok := l.realDir(filepath.Dir(gi)); ok {
		src, err := safefile.ReadReal(filepath.Join(real, filepath.Base(gi)), o)
		if err == nil || errors.Is(err, fs.ErrNotExist) {
			return src, err
		}
	}
	return safefile.Read(gi, o)
}

// treePath returns where real path p is in the tree as walked (below the
// walk root's path as given, not its real path), and whether p is inside
// the tree at all.
func (l *loader) treePath(p string) (string, bool) {
	for i, w := range l.within {
		if safefile.Inside(p, w) {
			rel, err := filepath.Rel(w, p)
			if err != nil {
				break
			}
			return filepath.Join(l.roots[i].abs, rel), true
		}
	}
	return "", false
}

// resolveLinks settles the symbolic links met inside the tree, once every
// file and directory reached under its own path is known. A link whose
// target the walk reached is an alias: the target is loaded once and
// reported at its own path (the file users edit, as with Debian's
// sites-enabled/x → ../sites-available/x), and lookups through the link's
// path find it. A link whose target the walk skipped (ignored, or only
// reachable through links) is read through the link's path.
func (l *loader) resolveLinks(ctx context.Context) error {
	for len(l.dirLinks) > 0 {
		links := l.dirLinks
		l.dirLinks = map[string]dirLink{}
		for _, full := range sortedKeys(links) {
			dl := links[full]
			if l.visited[dl.real] {
				l.tree.alias(l.display(full), l.display(dl.target), true, dl.root.disp)
				continue
			}
			l.visited[dl.real] = true
			if err := l.walkDir(ctx, dl.root, full, dl.rel, dl.ign, append(slices.Clip(dl.ancestors), dl.real)); err != nil {
				return err
			}
		}
	}
	for _, full := range sortedKeys(l.fileLinks) {
		target := l.fileLinks[full]
		disp := l.display(full)
		t := l.byAbs[target]
		if t == nil || l.entries[disp] != nil {
			if l.entries[disp] == nil {
				l.addEntry(&entry{abs: full, disp: disp, root: l.rootOf(full)})
			}
			continue
		}
		l.aliasEntry(disp, full, t)
		l.tree.alias(disp, t.disp, false, t.root.disp)
	}
	// A file named on the command line through a link to a file the walk
	// met is that file.
	for disp, e := range l.entries {
		if disp != e.disp || !e.explicit || e.stdin {
			continue
		}
		target, ok := l.treePath(realPath(e.abs))
		if t := l.byAbs[target]; ok && target != e.abs && t != nil && t != e {
			t.explicit, t.reported = true, true
			l.aliasEntry(disp, e.abs, t)
		}
	}
	return nil
}

// aliasEntry makes display path disp (absolute abs), a link, find entry t.
// The link's name counts for t's kind: a grafana.ini link to
// conf/prod.cfg is read as an ini file.
func (l *loader) aliasEntry(disp, abs string, t *entry) {
	c, known := candidates(path.Base(disp), path.Base(path.Dir(disp)))
	t.cands |= c
	t.known = t.known || known
	l.entries[disp] = t
	l.byAbs[abs] = t
	l.sorted = nil
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
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
	l.sorted = nil
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

// readError is the message of an input problem for a file safefile did
// not read.
func readError(err error) string {
	var se *safefile.Error
	if errors.As(err, &se) {
		switch se.Reason {
		case safefile.TooLarge:
			return se.Error() + ": raise it with --max-file-size"
		case safefile.Unreadable:
			return "cannot read file: " + se.Error()
		}
		return se.Error()
	}
	return "cannot read file: " + errText(err)
}

func problemFile(disp string, kind model.Kind, msg string) *model.File {
	return &model.File{Path: disp, Kind: kind, Problems: []model.Problem{{Kind: model.ProblemInput, Message: msg, Pos: model.Pos{File: disp, Line: 1, Col: 1}}}}
}

// inputProblem marks e as unreadable with msg.
func (l *loader) inputProblem(e *entry, msg string) *model.File {
	e.bad = true
	e.src, e.stdinSrc = nil, nil
	f := problemFile(e.disp, nameKind(e.disp), msg)
	f.Abs = e.abs
	f.Reported = e.reported
	return f
}

// readOptions are how e may be read: within the limit, and only inside
// the tree unless it was named on the command line.
func (l *loader) readOptions(e *entry) safefile.Options {
	o := safefile.Options{Max: l.opts.MaxFileSize}
	if !e.explicit {
		o.Within = l.within
	}
	return o
}

// readSource reads e (size-checked, regular files only, text only). It
// returns nil and sets e.file for a file with an input problem that should
// be reported, and nil without a file for one to skip silently.
func (l *loader) readSource(e *entry) []byte {
	if e.stdin {
		if e.bad {
			return nil
		}
		return e.stdinSrc
	}
	src, err := l.readFile(e.abs, l.readOptions(e))
	if err != nil {
		if e.known {
			e.file = l.inputProblem(e, readError(err))
		}
		return nil
	}
	if msg := safefile.TextProblem(src); msg != "" {
		if e.known {
			e.file = l.inputProblem(e, msg)
		}
		return nil
	}
	return src
}

// sourceOf returns how e's text is read again after parsing (for excerpts
// and rules that need a line's raw text): standard input from what was
// kept, a file through the same checks as the first read.
func (l *loader) sourceOf(e *entry) func() ([]byte, error) {
	if e.stdin {
		src := e.stdinSrc
		return func() ([]byte, error) { return src, nil }
	}
	abs, opts := e.abs, l.readOptions(e)
	return func() ([]byte, error) { return safefile.Read(abs, opts) }
}

// readTreeFile reads a file of the tree that is not an entry (a
// Dockerfile): inside the tree, within the limit, text only.
func (l *loader) readTreeFile(abs string) ([]byte, error) {
	src, err := safefile.Read(abs, safefile.Options{Max: l.opts.MaxFileSize, Within: l.within})
	if err != nil {
		return nil, err
	}
	if msg := safefile.TextProblem(src); msg != "" {
		return nil, errors.New(msg)
	}
	return src, nil
}
