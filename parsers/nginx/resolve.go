package nginx

import (
	"path/filepath"
	"sort"
	"strings"
)

// hasGlobMeta reports whether nginx treats an include path as a glob
// (ngx_conf_include: any of "*?[").
func hasGlobMeta(p string) bool { return strings.ContainsAny(p, "*?[") }

// resolveInclude finds the files an include pattern names, in the order
// nginx reads them. It returns the matches, whether the pattern is a
// glob, and the candidate paths it tried.
//
// nginx resolves a relative path against its conf prefix. A repository
// holds the config somewhere below its root instead of at /etc/nginx, so
// candidates are tried in order and the first that matches wins:
//
//   - relative "p": <prefix>/p, where the prefix is Options.Prefix or the
//     main file's directory; without an explicit Prefix also <a>/p for
//     each ancestor directory a of the main file up to Root (a vhost in
//     sites-available/ that includes "snippets/ssl.conf" finds the
//     snippets/ beside sites-available/).
//   - absolute "/etc/nginx/t": <prefix>/t (so /etc/nginx/conf.d/*.conf
//     is <dir of nginx.conf>/conf.d/*.conf), then <Root>/etc/nginx/t,
//     then <a>/t for each ancestor directory a of the main file up to
//     Root.
//   - any absolute path inside Root is used as is, and any other absolute
//     path "/x/y" is looked for at <Root>/x/y.
//
// When nothing matches and the pattern goes through a "sites-enabled"
// directory that the tree does not have, the same candidates are tried
// with "sites-available": on a server, sites-enabled holds links to
// sites-available, and repositories usually commit only the latter.
//
// Nothing outside Root is read: the host's own /etc/nginx is not part of
// the linted tree.
func (l *loader) resolveInclude(pattern string) (matches []string, isGlob bool, tried []string) {
	isGlob = hasGlobMeta(pattern)
	cands := l.candidates(pattern)
	if m := l.firstMatch(cands, isGlob); m != nil {
		return m, isGlob, cands
	}
	if alt, ok := sitesAvailable(pattern); ok && !l.anyDirExists(l.candidates(sitesEnabledDir(pattern))) {
		altCands := l.candidates(alt)
		if m := l.firstMatch(altCands, isGlob); m != nil {
			return m, isGlob, altCands
		}
	}
	return nil, isGlob, cands
}

// sitesAvailable swaps the first sites-enabled path element for
// sites-available.
func sitesAvailable(pattern string) (string, bool) {
	parts := strings.Split(pattern, "/")
	for i, p := range parts {
		if p == "sites-enabled" {
			parts[i] = "sites-available"
			return strings.Join(parts, "/"), true
		}
	}
	return "", false
}

// sitesEnabledDir is the pattern cut after its sites-enabled element.
func sitesEnabledDir(pattern string) string {
	i := strings.Index(pattern, "sites-enabled")
	return pattern[:i+len("sites-enabled")]
}

// anyDirExists reports whether any of the directories holds a file
// (git does not keep empty directories, so an empty one is as good as
// missing).
func (l *loader) anyDirExists(dirs []string) bool {
	for _, d := range dirs {
		if ms, _ := l.opts.Glob(filepath.Join(d, "*")); len(ms) > 0 {
			return true
		}
	}
	return false
}

func (l *loader) inRoot(p string) bool {
	if p == l.root {
		return true
	}
	rel, err := filepath.Rel(l.root, p)
	return err == nil && rel != ".." && !strings.HasPrefix(rel, "../")
}

// ancestors are the main file's ancestor directories up to Root,
// nearest first (the main file's own directory excluded).
func (l *loader) ancestors() []string {
	var out []string
	dir := filepath.Dir(l.mainAbs)
	for dir != l.root && l.inRoot(dir) {
		parent := filepath.Dir(dir)
		if parent == dir {
			break
		}
		dir = parent
		out = append(out, dir)
	}
	return out
}

func (l *loader) candidates(pattern string) []string {
	var out []string
	add := func(p string) {
		p = filepath.Clean(p)
		if !l.inRoot(p) {
			return
		}
		for _, o := range out {
			if o == p {
				return
			}
		}
		out = append(out, p)
	}
	if pattern == "" {
		return nil
	}
	if !strings.HasPrefix(pattern, "/") {
		add(filepath.Join(l.prefix, pattern))
		if l.opts.Prefix == "" {
			for _, a := range l.ancestors() {
				add(filepath.Join(a, pattern))
			}
		}
		return out
	}
	if l.inRoot(filepath.Clean(pattern)) {
		add(pattern)
	}
	if tail, ok := strings.CutPrefix(pattern, "/etc/nginx/"); ok && tail != "" {
		add(filepath.Join(l.prefix, tail))
		add(filepath.Join(l.root, pattern))
		for _, a := range l.ancestors() {
			add(filepath.Join(a, tail))
		}
		return out
	}
	add(filepath.Join(l.root, pattern))
	return out
}

// firstMatch returns the files of the first candidate that names any.
func (l *loader) firstMatch(cands []string, isGlob bool) []string {
	for _, c := range cands {
		if !isGlob {
			if l.exists(c) {
				return []string{c}
			}
			continue
		}
		ms, _ := l.opts.Glob(c)
		ms = visibleMatches(c, ms)
		if len(ms) > 0 {
			sort.Strings(ms)
			return ms
		}
	}
	return nil
}

// visibleMatches drops matches where a wildcard element matched a name
// starting with "." (glob(3), which nginx uses, does not match a leading
// dot with a wildcard) and matches outside the pattern's shape.
func visibleMatches(pattern string, ms []string) []string {
	pp := strings.Split(filepath.ToSlash(pattern), "/")
	out := ms[:0]
	for _, m := range ms {
		mp := strings.Split(filepath.ToSlash(m), "/")
		if len(mp) != len(pp) {
			continue
		}
		ok := true
		for i := range mp {
			if strings.HasPrefix(mp[i], ".") && !strings.HasPrefix(pp[i], ".") && hasGlobMeta(pp[i]) {
				ok = false
				break
			}
		}
		if ok {
			out = append(out, m)
		}
	}
	return out
}
