package discover

import (
	"path"
	"path/filepath"
	"sort"
	"strings"

	"github.com/grafanalint/grafanalint/parsers/model"
)

// tree indexes the walked files by display path.
type tree struct {
	wd       string // the absolute working directory display paths are relative to
	files    map[string]bool
	dirs     map[string]bool
	children map[string]map[string]bool // dir → child name → is a directory
	// aliases maps symbolic links inside the tree to their targets
	// (display paths); see alias.
	aliases map[string]string
}

func newTree(wd string) *tree {
	return &tree{wd: wd, files: map[string]bool{}, dirs: map[string]bool{}, children: map[string]map[string]bool{}}
}

// join joins display paths and returns the one form the tree uses for the
// result: "../team" joined with "x" from inside folder "team" is "x", not
// "../team/x".
func (t *tree) join(a string, elem ...string) string {
	p := path.Join(append([]string{a}, elem...)...)
	if !strings.HasPrefix(p, "..") || t.wd == "" {
		return p
	}
	rel, err := filepath.Rel(t.wd, filepath.Join(t.wd, filepath.FromSlash(p)))
	if err != nil {
		return p
	}
	return filepath.ToSlash(rel)
}

// below returns the part of display path p below display folder dir
// (which under(p, dir) reports p is in).
func (t *tree) below(p, dir string) string {
	if strings.HasPrefix(p, "..") || strings.HasPrefix(dir, "..") {
		if rel, err := filepath.Rel(filepath.Join(t.wd, filepath.FromSlash(dir)), filepath.Join(t.wd, filepath.FromSlash(p))); err == nil {
			return filepath.ToSlash(rel)
		}
	}
	return strings.TrimPrefix(p, dir+"/")
}

// add registers a file and its directories up to root (display paths).
func (t *tree) add(p, root string) {
	t.files[p] = true
	child, isDir := p, false
	for i := 0; i < 256; i++ {
		dir, name := t.parent(child)
		if dir == child {
			break
		}
		if t.children[dir] == nil {
			t.children[dir] = map[string]bool{}
		}
		t.children[dir][name] = isDir
		if t.dirs[dir] {
			break
		}
		t.dirs[dir] = true
		if dir == root || dir == "/" || (dir == "." && !strings.HasPrefix(root, "..")) {
			break
		}
		child, isDir = dir, true
	}
}

// parent returns the folder holding display path c and c's name in it;
// above the working directory ("." is in "..", as folder <name of wd>).
func (t *tree) parent(c string) (dir, name string) {
	if c == "." || c == ".." || strings.HasSuffix(c, "/..") {
		if t.wd == "" {
			return c, ""
		}
		return t.join(c, ".."), filepath.Base(filepath.Join(t.wd, filepath.FromSlash(c)))
	}
	return path.Dir(c), path.Base(c)
}

// under reports whether display path p is dir or below it.
func under(p, dir string) bool {
	if strings.HasPrefix(dir, "..") || strings.HasPrefix(p, "..") {
		// Display paths are relative to one working directory; compare
		// them below a common virtual root so that "dashboards/x" is
		// under ".." and "../a" is not under "b".
		const vroot = "/_/_/_/_/_/_/_/_/_/_/_/_/_/_/_/_/_/_/_/_/_/_/_/_/_/_/_/_/_/_/_/_"
		p, dir = path.Join(vroot, p), path.Join(vroot, dir)
	}
	switch {
	case dir == ".":
		return !strings.HasPrefix(p, "../") && p != ".." && !path.IsAbs(p)
	case p == dir:
		return true
	}
	return strings.HasPrefix(p, dir+"/")
}

// depth counts the elements of a display path ("." is 0).
func depth(p string) int {
	if p == "." || p == "" {
		return 0
	}
	return strings.Count(p, "/") + 1
}

// distance counts the steps between two display paths.
func distance(a, b string) int {
	as, bs := strings.Split(a, "/"), strings.Split(b, "/")
	i := 0
	for i < len(as) && i < len(bs) && as[i] == bs[i] {
		i++
	}
	return len(as) + len(bs) - 2*i
}

// vmount maps a container path to a host path of the tree: a bind mount
// (shadows whatever the image has below its target) or a Dockerfile copy
// (adds to it).
type vmount struct {
	target string // absolute container path
	host   string // display path
	bind   bool
	pos    model.Pos
}

// vfs is the container's view of the tree through a service's mounts.
type vfs struct {
	ms []vmount // in declaration order: copies first, then binds
	t  *tree
}

func covers(target, p string) bool {
	return target == "/" || p == target || strings.HasPrefix(p, target+"/")
}

func rest(target, p string) string {
	if target == "/" {
		return strings.TrimPrefix(p, "/")
	}
	return strings.TrimPrefix(strings.TrimPrefix(p, target), "/")
}

// layers returns the mounts through which p is seen, the one that wins
// first: the deepest bind mount covering p, else every copy covering it
// (deepest, then latest, first).
func (v *vfs) layers(p string) []vmount {
	var bind *vmount
	for i := range v.ms {
		m := &v.ms[i]
		if m.bind && covers(m.target, p) && (bind == nil || len(m.target) >= len(bind.target)) {
			bind = m
		}
	}
	if bind != nil {
		return []vmount{*bind}
	}
	var out []vmount
	for i := len(v.ms) - 1; i >= 0; i-- {
		if m := v.ms[i]; !m.bind && covers(m.target, p) {
			out = append(out, m)
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return len(out[i].target) > len(out[j].target) })
	return out
}

// visible reports whether mount m is seen in the container (a copy below a
// bind mount's target is hidden by it).
func (v *vfs) visible(m vmount) bool {
	if m.bind {
		return true
	}
	for _, b := range v.ms {
		if b.bind && covers(b.target, m.target) {
			return false
		}
	}
	return true
}

// stat finds container path p: the host path behind it and whether it is
// a directory. ok is false when the tree has nothing there.
func (v *vfs) stat(p string) (host string, isDir, ok bool) {
	for _, m := range v.layers(p) {
		h := v.t.canon(v.t.join(m.host, rest(m.target, p)))
		if v.t.files[h] {
			return h, false, true
		}
		if v.t.dirs[h] {
			return h, true, true
		}
	}
	for _, m := range v.ms {
		if m.target != p && covers(p, m.target) && v.visible(m) {
			return "", true, true // a directory made to hold a deeper mount
		}
	}
	return "", false, false
}

// vnode is one entry of a container directory.
type vnode struct {
	name, cpath, host string
	isDir             bool
}

// list returns the entries of container directory dir, sorted by name.
func (v *vfs) list(dir string) []vnode {
	nodes := map[string]vnode{}
	for _, m := range v.layers(dir) {
		hd := v.t.canon(v.t.join(m.host, rest(m.target, dir)))
		for name, isDir := range v.t.children[hd] {
			if _, ok := nodes[name]; !ok {
				nodes[name] = vnode{name: name, cpath: path.Join(dir, name), host: v.t.canon(v.t.join(hd, name)), isDir: isDir}
			}
		}
	}
	for _, m := range v.ms {
		if m.target == dir || !covers(dir, m.target) || !v.visible(m) {
			continue
		}
		name, _, _ := strings.Cut(rest(dir, m.target), "/")
		cp := path.Join(dir, name)
		if h, isDir, ok := v.stat(cp); ok {
			nodes[name] = vnode{name: name, cpath: cp, host: h, isDir: isDir}
		}
	}
	out := make([]vnode, 0, len(nodes))
	for _, n := range nodes {
		out = append(out, n)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].name < out[j].name })
	return out
}

// walk calls fn for every file below container directory dir, in lexical
// order.
func (v *vfs) walk(dir string, fn func(cpath, host string)) {
	v.walkDepth(dir, fn, 0)
}

func (v *vfs) walkDepth(dir string, fn func(cpath, host string), d int) {
	if d > 64 {
		return
	}
	for _, n := range v.list(dir) {
		if n.isDir {
			v.walkDepth(n.cpath, fn, d+1)
		} else if n.host != "" {
			fn(n.cpath, n.host)
		}
	}
}

// containerPaths returns where host path h (a file) appears in the
// container, one path per mount that shows it.
func (v *vfs) containerPaths(h string) []string {
	var out []string
	for _, m := range v.ms {
		host := v.t.canon(m.host)
		if !under(h, host) {
			continue
		}
		cp := m.target
		if h != host {
			cp = path.Join(m.target, v.t.below(h, host))
		}
		if got, _, ok := v.stat(cp); ok && got == h {
			out = append(out, cp)
		}
	}
	return out
}

// alias records that display path link is a symbolic link to target, a
// file or directory of the tree reached under its own path: link is listed
// in its directory, and lookups through it (canon) land on target.
func (t *tree) alias(link, target string, isDir bool, root string) {
	if t.aliases == nil {
		t.aliases = map[string]string{}
	}
	t.aliases[link] = target
	had := t.files[link]
	t.add(link, root)
	if !had {
		delete(t.files, link)
	}
	dir, name := t.parent(link)
	t.children[dir][name] = isDir
}

// canon returns display path p with the symbolic links of the tree
// resolved: the path the tree holds the file or directory under.
func (t *tree) canon(p string) string {
	if len(t.aliases) == 0 {
		return p
	}
	for range 40 {
		if a, ok := t.aliases[p]; ok {
			p = a
			continue
		}
		changed := false
		for i := len(p) - 1; i > 0; i-- {
			if p[i] != '/' {
				continue
			}
			if a, ok := t.aliases[p[:i]]; ok {
				p, changed = a+p[i:], true
				break
			}
		}
		if !changed {
			return p
		}
	}
	return p
}
