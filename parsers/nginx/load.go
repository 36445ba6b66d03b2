package nginx

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/grafanalint/grafanalint/parsers/model"
	"github.com/grafanalint/grafanalint/parsers/safefile"
)

// Options tell Load where the tree is and how to read it.
type Options struct {
	// Root is the tree root on disk (absolute). Includes are only read
	// inside it; absolute include paths are mapped into it (see
	// resolveInclude). Empty means the main file's directory.
	Root string
	// Prefix is the directory relative include paths resolve against
	// (nginx's conf prefix, --nginx-prefix on the command line): absolute,
	// or relative to Root. Empty means the main file's directory, which is
	// what nginx uses for "nginx -c <file>".
	Prefix string
	// Display turns an absolute path into the path shown to users, used in
	// every Pos.File and in NginxConfig.Path and Files. The default is the
	// path relative to Root, with "/".
	Display func(abs string) string
	// ReadFile reads a file; the default reads it with safefile (regular
	// files only, at most MaxFileSize bytes, never through a symbolic link
	// that leaves Root).
	ReadFile func(abs string) ([]byte, error)
	// Glob expands an include glob into the regular files it matches (any
	// order); the default is filepath.Glob on disk without directories.
	// Callers that replace ReadFile with an in-memory tree replace it too.
	Glob func(pattern string) ([]string, error)
	// MaxFileSize is the largest file read, in bytes; 0 means
	// safefile.DefaultMax.
	MaxFileSize int64
	// ProxyParams says which Debian/Ubuntu proxy_params is assumed when an
	// include of it matches no file in the tree: ProxyParamsCurrent (the
	// default, "") or ProxyParamsLegacy.
	ProxyParams string
}

// Debian's packaged /etc/nginx/proxy_params, by release.
const (
	// ProxyParamsCurrent is the file nginx-common ships since the 2026
	// security updates (Debian 12 bookworm 1.22.1-9+deb12u6 and later):
	// "Host $host".
	ProxyParamsCurrent = "current"
	// ProxyParamsLegacy is the file of earlier packages: "Host $http_host".
	ProxyParamsLegacy = "legacy"
)

// The directives of one tree after include expansion are bounded, as
// the expansion of YAML aliases is (parsers/yamlbound): a chain of files
// that each include the next one twice, or globs that match each other,
// expand a few lines to billions of directives. The bound is
// baseDirectives plus perWrittenDirective for each directive (or include)
// as written in the files read: any reasonable reuse of snippets fits
// (a snippet included by every one of ten thousand vhosts), the work and
// memory stay proportional to the input, and a large tree is read whole.
const (
	baseDirectives      = 100_000
	perWrittenDirective = 20
)

// Load reads the nginx config whose main file is main, resolving its
// includes as nginx does, and returns the tree with positions and its
// views (http, servers, upstreams, maps), and every problem met: syntax
// errors (at the exact position, with what was expected), includes that
// match no file, include cycles, unreadable files. It never returns a
// nil config: a main file that cannot be read gives an empty tree.
//
// Includes are textual: an included file's directives are spliced into
// the block holding the include directive, right after it, with their
// own file positions and IncludedBy set; the include directive stays in
// the block. Relative include paths resolve against the prefix (the
// main file's directory unless Options.Prefix is set), not against the
// including file, as in nginx; globs expand to their sorted matches
// (hidden files are only matched by a pattern that starts with "."), and
// a glob may match nothing.
//
// An include of Debian's "proxy_params" (or "/etc/nginx/proxy_params")
// that matches no file in the tree is not reported: Debian's and Ubuntu's
// nginx-common install it, so its packaged content (four
// proxy_set_header lines: Host $host, or $http_host before the 2026
// security updates (Options.ProxyParams), X-Real-IP $remote_addr,
// X-Forwarded-For $proxy_add_x_forwarded_for, X-Forwarded-Proto $scheme)
// is spliced in as if read, with Directive.Packaged set and every
// position at the include's argument, and the config is not Partial.
// A proxy_params file in the tree wins over the assumption.
//
// The tree is a repository, not a server's /etc, so include paths are
// mapped into it; the first candidate that matches wins, and nothing
// outside Root is read:
//
//   - "p" (relative): <prefix>/p; without Options.Prefix also <a>/p for
//     each ancestor directory a of the main file up to Root, nearest
//     first (a sites-available/ vhost that includes snippets/x.conf).
//   - "/etc/nginx/t": <prefix>/t (with main at <x>/nginx.conf,
//     /etc/nginx/conf.d/*.conf is <x>/conf.d/*.conf), then
//     <Root>/etc/nginx/t, then <a>/t for each ancestor a as above.
//   - another absolute path: itself when inside Root, else <Root>/path.
//   - a pattern through sites-enabled/ that the tree lacks is read from
//     sites-available/ (servers link the former to the latter, and
//     repositories usually commit only sites-available).
//
// A main file without http, events, stream or mail blocks at its top
// level (a conf.d vhost with bare server blocks, or a snippet) is read
// as a fragment: its top level is taken as the http context, so its
// server, upstream and map blocks fill the views (Fragment is set).
// Servers are found anywhere in the tree: every server block that is not
// inside a stream, mail or upstream block, whether in http, at the top
// of a fragment or in an included file; the same goes for upstreams and
// maps. Locations hang under their server or location; those outside
// any server (a snippet of locations) go to NginxConfig.Locations. A
// server without listen gets an implicit listen on port 80.
func Load(main string, opts Options) (*model.NginxConfig, []model.Problem) {
	l := newLoader(main, opts)
	cfg := l.cfg
	t, err := l.read(l.mainAbs)
	if err != nil {
		l.problem(model.ProblemInput, model.Pos{File: cfg.Path}, model.Pos{}, err.Error())
		return cfg, l.problems
	}
	l.push(l.mainAbs)
	cfg.Directives = l.expand(t.nodes, l.mainAbs, nil, nil)
	buildViews(cfg)
	return cfg, l.problems
}

type loader struct {
	opts    Options
	mainAbs string
	root    string
	prefix  string
	cfg     *model.NginxConfig
	// trees caches each file read, by absolute path (nil: unreadable).
	trees    map[string]*fileTree
	readErrs map[string]error
	// probed holds files read to learn whether they exist, not parsed yet.
	probed map[string][]byte
	// stack holds the files being expanded, outermost first (each at most
	// once: an include of a file on it is a cycle); onStack maps each to
	// its index, so that a long chain of includes is checked for cycles
	// in constant time per include.
	stack   []string
	onStack map[string]int
	// count is the number of directives expanded so far, limit the bound
	// (see baseDirectives).
	count, limit int
	// truncated is set once the expansion limit was reached.
	truncated bool
	problems  []model.Problem
	seen      map[string]bool
	// realRoot is Root with its symbolic links resolved.
	realRoot []string
	// canon and display cache canonical and Options.Display by absolute
	// path: a snippet included by every vhost is resolved once.
	canon, display map[string]string
}

func newLoader(main string, opts Options) *loader {
	abs := main
	if !filepath.IsAbs(abs) {
		if a, err := filepath.Abs(abs); err == nil {
			abs = a
		}
	}
	abs = filepath.Clean(abs)
	l := &loader{opts: opts, mainAbs: abs, limit: baseDirectives, onStack: map[string]int{}, canon: map[string]string{}, display: map[string]string{}, trees: map[string]*fileTree{}, readErrs: map[string]error{}, probed: map[string][]byte{}, seen: map[string]bool{}}
	l.root = filepath.Dir(abs)
	if opts.Root != "" {
		l.root = filepath.Clean(opts.Root)
		if a, err := filepath.Abs(l.root); err == nil {
			l.root = a
		}
	}
	l.prefix = filepath.Dir(abs)
	if opts.Prefix != "" {
		l.prefix = opts.Prefix
		if !filepath.IsAbs(l.prefix) {
			l.prefix = filepath.Join(l.root, l.prefix)
		}
		l.prefix = filepath.Clean(l.prefix)
	}
	if l.opts.Display == nil {
		root := l.root
		l.opts.Display = func(p string) string {
			if rel, err := filepath.Rel(root, p); err == nil && !strings.HasPrefix(rel, "..") {
				return filepath.ToSlash(rel)
			}
			return filepath.ToSlash(p)
		}
	}
	l.realRoot = safefile.RealDirs(l.root)
	if l.opts.ReadFile == nil {
		ro := safefile.Options{Max: opts.MaxFileSize, Within: l.realRoot}
		l.opts.ReadFile = func(p string) ([]byte, error) { return safefile.Read(p, ro) }
	}
	if l.opts.Glob == nil {
		l.opts.Glob = globFiles
	}
	l.cfg = &model.NginxConfig{Path: l.opts.Display(abs)}
	return l
}

// globFiles is filepath.Glob keeping regular files (and links to them).
func globFiles(pattern string) ([]string, error) {
	ms, err := filepath.Glob(pattern)
	out := ms[:0]
	for _, m := range ms {
		if fi, err := os.Stat(m); err == nil && !fi.IsDir() {
			out = append(out, m)
		}
	}
	return out, err
}

func (l *loader) problem(kind model.ProblemKind, pos, end model.Pos, msg string) {
	key := string(kind) + "\x00" + pos.String() + "\x00" + msg
	if l.seen[key] {
		return
	}
	l.seen[key] = true
	l.problems = append(l.problems, model.Problem{Kind: kind, Message: msg, Pos: pos, End: end})
	l.cfg.Partial = true
}

func (l *loader) mpos(file string, p lc) model.Pos {
	return model.Pos{File: file, Line: p.line, Col: p.col}
}

// read reads and parses a file once; a syntax error is reported the
// first time.
func (l *loader) read(abs string) (*fileTree, error) {
	if t, ok := l.trees[abs]; ok {
		return t, l.readErrs[abs]
	}
	data, probed := l.probed[abs]
	var err error
	if probed {
		delete(l.probed, abs)
	} else {
		data, err = l.opts.ReadFile(abs)
	}
	if err == nil && l.opts.MaxFileSize > 0 && int64(len(data)) > l.opts.MaxFileSize {
		err = &safefile.Error{Reason: safefile.TooLarge, Size: int64(len(data)), Limit: l.opts.MaxFileSize}
	}
	if err == nil {
		if msg := safefile.TextProblem(data); msg != "" {
			err = errors.New(msg)
		}
	}
	if err != nil {
		err = fmt.Errorf("cannot read %q: %s", l.opts.Display(abs), cleanErr(err))
		l.trees[abs], l.readErrs[abs] = nil, err
		return nil, err
	}
	file := l.opts.Display(abs)
	l.cfg.Files = append(l.cfg.Files, file)
	t := parseFile(string(data))
	l.trees[abs] = t
	l.limit += perWrittenDirective * countNodes(t.nodes)
	if bytes.HasPrefix(data, []byte("\ufeff")) {
		l.problem(model.ProblemSyntax, model.Pos{File: file, Line: 1, Col: 1}, model.Pos{File: file, Line: 1, Col: 1},
			"the file starts with a UTF-8 byte order mark, which nginx reads as part of the first directive name; save it without BOM")
	}
	if t.err != nil {
		l.problem(model.ProblemSyntax, l.mpos(file, t.err.pos), l.mpos(file, t.err.end), t.err.msg)
	}
	if t.template {
		l.cfg.Template = true
	}
	if strings.HasSuffix(abs, ".template") {
		l.cfg.Template = true
	}
	return t, nil
}

// canonical returns the path a file of the tree is loaded and reported
// under: a symbolic link inside Root is replaced by its target (Debian's
// sites-enabled/x → ../sites-available/x is loaded once, at the file
// users edit). A link out of Root, or a path that does not resolve on
// disk (an in-memory ReadFile), is kept: reading it reports why.
func (l *loader) canonical(abs string) string {
	if c, ok := l.canon[abs]; ok {
		return c
	}
	c := l.resolveLink(abs)
	l.canon[abs] = c
	return c
}

func (l *loader) resolveLink(abs string) string {
	real, err := filepath.EvalSymlinks(abs)
	if err != nil {
		return abs
	}
	if !filepath.IsAbs(real) {
		return abs
	}
	for _, r := range l.realRoot {
		if safefile.Inside(real, r) {
			if rel, err := filepath.Rel(r, real); err == nil {
				return filepath.Join(l.root, rel)
			}
		}
	}
	return abs
}

// exists reports whether an include candidate names a file. Existence is
// decided by reading it (the content is kept for read), so that an
// in-memory ReadFile needs no Stat. A file that exists but cannot be
// read counts as existing: read reports why.
func (l *loader) exists(abs string) bool {
	if _, ok := l.trees[abs]; ok {
		return true
	}
	if _, ok := l.probed[abs]; ok {
		return true
	}
	data, err := l.opts.ReadFile(abs)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) || isDirErr(abs, err) {
			return false
		}
		l.trees[abs], l.readErrs[abs] = nil, fmt.Errorf("cannot read %q: %s", l.opts.Display(abs), cleanErr(err))
		return true
	}
	l.probed[abs] = data
	return true
}

// isDirErr reports whether reading failed because the path is a
// directory.
func isDirErr(abs string, err error) bool {
	if strings.Contains(err.Error(), "is a directory") {
		return true
	}
	fi, serr := os.Stat(abs)
	return serr == nil && fi.IsDir()
}

// cleanErr drops the path os errors repeat.
func cleanErr(err error) string {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err.Error()
	}
	return err.Error()
}

func (l *loader) str(file string, w word) model.Str {
	return model.Str{V: w.val, Pos: l.mpos(file, w.pos), End: l.mpos(file, w.end)}
}

// expand builds the model directives of nodes (from file abs), splicing
// includes. parent is the enclosing block directive, inc the include
// that brought this file in.
func (l *loader) expand(nodes []*node, abs string, parent, inc *model.Directive) []*model.Directive {
	return l.expandInto(make([]*model.Directive, 0, len(nodes)), nodes, abs, parent, inc)
}

// expandInto is expand appending to out: the directives of an included
// file go straight into the block that holds the include, so a chain of
// includes is not copied once per link.
func (l *loader) expandInto(out []*model.Directive, nodes []*node, abs string, parent, inc *model.Directive) []*model.Directive {
	file, ok := l.display[abs]
	if !ok {
		file = l.opts.Display(abs)
		l.display[abs] = file
	}
	for _, n := range nodes {
		if l.count >= l.limit {
			l.tooLarge(l.mpos(file, n.name.pos), model.Pos{})
			return out
		}
		l.count++
		d := &model.Directive{Name: l.str(file, n.name), Parent: parent, IncludedBy: inc, End: l.mpos(file, n.end)}
		if len(n.args) > 0 {
			d.Args = make([]model.Str, len(n.args))
			for i, a := range n.args {
				d.Args[i] = l.str(file, a)
			}
		}
		out = append(out, d)
		switch {
		case n.code != nil:
			d.Open = l.mpos(file, n.open)
			d.Code = l.str(file, *n.code)
			d.Block = []*model.Directive{}
		case n.isBlock:
			d.Open = l.mpos(file, n.open)
			d.Block = l.expand(n.block, abs, d, inc)
		case n.name.val == "include" && len(n.args) == 1:
			out = l.include(out, d, n.args[0], file, parent)
		}
	}
	return out
}

// include resolves one include directive and appends the directives of
// the files it matches to out.
func (l *loader) include(out []*model.Directive, d *model.Directive, arg word, file string, parent *model.Directive) []*model.Directive {
	argPos, argEnd := l.mpos(file, arg.pos), l.mpos(file, arg.end)
	matches, isGlob, tried := l.resolveInclude(arg.val)
	if len(matches) == 0 {
		if pf := packagedFor(arg.val, l.opts.ProxyParams); pf != nil && !isGlob {
			return append(out, l.splicePackaged(pf, d, argPos, argEnd, parent)...)
		}
		if !isGlob && !proxyNeutral[filepath.Base(arg.val)] {
			l.problem(model.ProblemIncludeNotFound, argPos, argEnd, notFoundMessage(arg.val, tried, l.opts.Display))
		}
		return out
	}
	for _, m := range matches {
		if l.count >= l.limit {
			l.tooLarge(argPos, argEnd)
			return out
		}
		l.count++
		m = l.canonical(m)
		if at, ok := l.onStack[m]; ok {
			cycle := l.stack[at:]
			var chain []string
			if len(cycle) > maxChainShown {
				for _, s := range cycle[:maxChainShown/2] {
					chain = append(chain, l.opts.Display(s))
				}
				chain = append(chain, fmt.Sprintf("(%d more files)", len(cycle)-maxChainShown))
				cycle = cycle[len(cycle)-maxChainShown/2:]
			}
			for _, s := range cycle {
				chain = append(chain, l.opts.Display(s))
			}
			chain = append(chain, l.opts.Display(m))
			what := "nginx follows it until it runs out of file descriptors and refuses to start (\"Too many open files\")"
			if isGlob {
				// ngx_open_glob treats a glob that fails once descriptors
				// run out as matching nothing, so the recursion ends
				// quietly, hundreds of levels deep.
				what = "nginx reads the files again at every level until it runs out of file descriptors, where the pattern quietly matches nothing: their directives load hundreds of times (repeated server blocks are ignored with a warning, a repeated proxy_pass stops nginx, repeated proxy_set_header lines all send their header)"
			}
			l.problem(model.ProblemIncludeCycle, argPos, argEnd,
				fmt.Sprintf("include %q leads back to a file being included: %s; %s; remove the include that closes the cycle", arg.val, strings.Join(chain, " -> "), what))
			continue
		}
		t, err := l.read(m)
		if err != nil {
			l.problem(model.ProblemInput, argPos, argEnd, err.Error())
			continue
		}
		l.push(m)
		out = l.expandInto(out, t.nodes, m, parent, d)
		l.pop()
	}
	return out
}

// packagedFile is a distribution file whose content is assumed when the
// tree lacks it.
type packagedFile struct {
	// path is where the distribution installs it.
	path string
	// directives are its directives, each as name and arguments.
	directives [][]string
}

// debianProxyParams is /etc/nginx/proxy_params as Debian's nginx-common
// (and Ubuntu's) ships it since the 2026 security updates (Debian 12
// bookworm from 1.22.1-9+deb12u6, changelog "d/conf/*_params: use $host
// instead of $http_host"; the file explains why: $http_host forwards the
// Host header exactly as the client sent it, even when an absolute-form
// request target names another host).
var debianProxyParams = packagedFile{
	path: "/etc/nginx/proxy_params",
	directives: [][]string{
		{"proxy_set_header", "Host", "$host"},
		{"proxy_set_header", "X-Real-IP", "$remote_addr"},
		{"proxy_set_header", "X-Forwarded-For", "$proxy_add_x_forwarded_for"},
		{"proxy_set_header", "X-Forwarded-Proto", "$scheme"},
	},
}

// debianProxyParamsLegacy is the file as nginx-common shipped it before
// those updates: the Host is the client's own header, port included.
var debianProxyParamsLegacy = packagedFile{
	path: "/etc/nginx/proxy_params",
	directives: [][]string{
		{"proxy_set_header", "Host", "$http_host"},
		{"proxy_set_header", "X-Real-IP", "$remote_addr"},
		{"proxy_set_header", "X-Forwarded-For", "$proxy_add_x_forwarded_for"},
		{"proxy_set_header", "X-Forwarded-Proto", "$scheme"},
	},
}

// packagedFor returns the packaged file an include pattern names when
// its content is assumed: "proxy_params" (relative to Debian's prefix
// /etc/nginx) or "/etc/nginx/proxy_params", in the release variant
// (Options.ProxyParams); nil otherwise.
func packagedFor(pattern, variant string) *packagedFile {
	switch filepath.ToSlash(filepath.Clean(pattern)) {
	case "proxy_params", "/etc/nginx/proxy_params":
		if variant == ProxyParamsLegacy {
			return &debianProxyParamsLegacy
		}
		return &debianProxyParams
	}
	return nil
}

// splicePackaged returns the directives of a packaged file that an
// include matched nowhere in the tree. They are written nowhere: every
// position is the include's argument (pos, end), IncludedBy is the
// include, and Packaged names the file. The config is not partial.
func (l *loader) splicePackaged(pf *packagedFile, inc *model.Directive, pos, end model.Pos, parent *model.Directive) []*model.Directive {
	out := make([]*model.Directive, 0, len(pf.directives))
	for _, words := range pf.directives {
		if l.count >= l.limit {
			l.tooLarge(pos, end)
			return out
		}
		l.count++
		d := &model.Directive{Name: model.Str{V: words[0], Pos: pos, End: end}, Parent: parent, IncludedBy: inc, End: end, Packaged: pf.path}
		d.Args = make([]model.Str, 0, len(words)-1)
		for _, a := range words[1:] {
			d.Args = append(d.Args, model.Str{V: a, Pos: pos, End: end})
		}
		out = append(out, d)
	}
	return out
}

// maxChainShown is the number of files of an include cycle a message
// names; the middle of a longer cycle is elided, so that the messages of
// a long chain of files that each include the first stay short.
const maxChainShown = 16

func (l *loader) push(abs string) {
	l.onStack[abs] = len(l.stack)
	l.stack = append(l.stack, abs)
}

func (l *loader) pop() {
	abs := l.stack[len(l.stack)-1]
	l.stack = l.stack[:len(l.stack)-1]
	delete(l.onStack, abs)
}

// tooLarge reports, once, that the expansion limit was reached.
func (l *loader) tooLarge(pos, end model.Pos) {
	if l.truncated {
		return
	}
	l.truncated = true
	l.problem(model.ProblemInput, pos, end,
		fmt.Sprintf("more than %d directives and includes after include expansion (%d plus %d for each one written in the files read); the rest of the tree is not read", l.limit, baseDirectives, perWrittenDirective))
}

// countNodes counts the directives of a file as written, block contents
// included.
func countNodes(ns []*node) int {
	n := len(ns)
	for _, c := range ns {
		n += countNodes(c.block)
	}
	return n
}

// packaged are files that nginx packages, certbot or distributions ship
// in /etc, which repositories rarely hold.
var packaged = map[string]string{
	"mime.types": "nginx packages", "fastcgi_params": "nginx packages", "fastcgi.conf": "nginx packages",
	"proxy_params": "Debian's nginx package", "uwsgi_params": "nginx packages", "scgi_params": "nginx packages",
	"koi-utf": "nginx packages", "koi-win": "nginx packages", "win-utf": "nginx packages",
	"fastcgi-php.conf": "Debian's nginx package", "snakeoil.conf": "Debian's nginx package",
	"options-ssl-nginx.conf": "certbot",
}

// proxyNeutral are packaged files whose directives (MIME types, charset
// maps, FastCGI/uwsgi/SCGI parameters, TLS options) cannot change how a
// request is proxied to Grafana: a missing copy in the tree leaves no
// analysis partial, so it is not reported.
var proxyNeutral = map[string]bool{
	"mime.types": true, "koi-utf": true, "koi-win": true, "win-utf": true,
	"fastcgi_params": true, "fastcgi.conf": true, "fastcgi-php.conf": true,
	"uwsgi_params": true, "scgi_params": true,
	"snakeoil.conf": true, "options-ssl-nginx.conf": true,
}

func notFoundMessage(pattern string, tried []string, display func(string) string) string {
	msg := fmt.Sprintf("include %q matches no file", pattern)
	if len(tried) > 0 {
		shown := make([]string, len(tried))
		for i, t := range tried {
			shown[i] = display(t)
		}
		msg += " (looked for " + strings.Join(shown, ", ") + ")"
	}
	if who, ok := packaged[filepath.Base(pattern)]; ok {
		msg += fmt.Sprintf("; it is usually provided by %s on the server, so what it sets is unknown here", who)
	}
	return msg
}
