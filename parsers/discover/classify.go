package discover

import (
	"context"
	"path"
	"regexp"
	"runtime"
	"sort"
	"strings"
	"sync"

	"github.com/grafanalint/grafanalint/parsers/compose"
	"github.com/grafanalint/grafanalint/parsers/dashboard"
	"github.com/grafanalint/grafanalint/parsers/grafanaini"
	"github.com/grafanalint/grafanalint/parsers/k8s"
	"github.com/grafanalint/grafanalint/parsers/model"
	"github.com/grafanalint/grafanalint/parsers/nginx"
	"github.com/grafanalint/grafanalint/parsers/provisioning"
	"github.com/grafanalint/grafanalint/parsers/safefile"
	"github.com/grafanalint/grafanalint/parsers/suppress"
)

// cand is the set of kinds a file name allows.
type cand uint8

const (
	cIni cand = 1 << iota
	cYAML
	cJSON
	cNginx
	cEnv
)

var nginxDirs = map[string]bool{"sites-available": true, "sites-enabled": true, "conf.d": true, "nginx": true, "snippets": true, "http.d": true, "vhosts.d": true, "includes": true, "templates": true}

// candidates returns the kinds a file may be, by its name and its
// directory's name, and whether the name alone marks it as a file
// grafanalint reads (so that an unreadable one is reported, not skipped).
func candidates(name, dir string) (c cand, known bool) {
	lower := strings.ToLower(name)
	ext := path.Ext(lower)
	switch {
	case ext == ".ini":
		return cIni, true
	case ext == ".yaml" || ext == ".yml":
		return cYAML, true
	case isTemplateYAML(lower): // k8s.go
		return cYAML, false
	case ext == ".json":
		return cJSON, true
	case lower == ".env" || ext == ".env":
		return cEnv, true
	case ext == ".conf" || lower == "nginx.conf":
		return cNginx, true
	case strings.Contains(lower, ".conf.") || ext == ".template" || ext == ".nginx" || ext == ".vhost":
		return cNginx, false
	case nginxDirs[dir] && !strings.HasPrefix(lower, "."):
		c = cNginx
		if ext == "" {
			c |= cJSON | cEnv
		}
		return c, false
	case ext == "" && !strings.HasPrefix(lower, "."):
		return cJSON | cEnv | cNginx, false
	case ext != "" && strings.Count(lower, ".") == 1 && !strings.HasPrefix(lower, ".") && !commonExt[ext]:
		// "config.monitoring", "grafana.madhukarreddy.com": extensions no
		// other tool owns may hold env or nginx files.
		return cEnv | cNginx, false
	}
	return 0, false
}

// commonExt are extensions of files that are never Grafana, env or nginx
// configs; they are not even read.
var commonExt = map[string]bool{}

func init() {
	for _, e := range strings.Fields(".go .py .js .ts .tsx .jsx .mjs .cjs .java .kt .rb .rs .c .h .cc .cpp .hpp .cs .php .sh .bash .zsh .ps1 .bat .md .rst .txt .adoc .html .htm .css .scss .less .svg .png .jpg .jpeg .gif .ico .webp .pdf .zip .gz .tgz .tar .xz .bz2 .7z .jar .war .so .dylib .dll .exe .bin .o .a .class .pyc .lock .sum .mod .toml .xml .csv .tsv .sql .db .sqlite .log .pem .crt .key .csr .p12 .pfx .der .woff .woff2 .ttf .otf .eot .mp3 .mp4 .wav .webm .ogg .mov .avi .ipynb .tf .tfvars .hcl .proto .graphql .vue .svelte .dart .swift .m .mm .scala .clj .ex .exs .erl .hs .lua .pl .pm .r .jl .gradle .properties .cfg .service .socket .timer .j2 .tpl .jsonnet .libsonnet .cue .rego .dockerfile .gitignore .dockerignore .editorconfig .license .pub .asc .gpg .crl") {
		commonExt[e] = true
	}
}

// nameKind guesses a kind from a name alone, for files that could not be
// read.
func nameKind(disp string) model.Kind {
	name := strings.ToLower(path.Base(disp))
	switch ext := path.Ext(name); {
	case ext == ".ini":
		return model.KindIni
	case ext == ".json":
		return model.KindDashboard
	case ext == ".conf" || name == "nginx.conf":
		return model.KindNginx
	case name == ".env" || ext == ".env":
		return model.KindEnv
	}
	return ""
}

// parseAll reads and parses every candidate file on a bounded pool of
// goroutines.
func (l *loader) parseAll(ctx context.Context) error {
	var todo []*entry
	for disp, e := range l.entries {
		if disp != e.disp {
			continue // a link to e
		}
		if e.cands != 0 && !e.bad {
			todo = append(todo, e)
		} else if e.cands == 0 && e.explicit && !e.bad {
			todo = append(todo, e) // read it to report input problems; kinds are tried by content
		}
	}
	sort.Slice(todo, func(i, j int) bool { return todo[i].disp < todo[j].disp })
	l.pool(ctx, len(todo), func(i int) { l.classify(todo[i]) })
	if err := ctx.Err(); err != nil {
		return err
	}
	// Files named by --env-file or a compose env_file are env files
	// whatever they hold.
	for _, p := range l.opts.EnvFiles {
		if e := l.entries[l.display(l.abs(p))]; e != nil {
			l.force(e, model.KindEnv)
		}
	}
	for _, e := range l.sortedEntries() {
		if e.kind != model.KindCompose || e.comp == nil {
			continue
		}
		for _, s := range e.comp.Services {
			for _, ef := range s.EnvFiles {
				if t := l.entries[ef.Resolved]; t != nil {
					l.force(t, model.KindEnv)
				}
			}
		}
	}
	return nil
}

// pool runs fn(0..n-1) on at most Options.Concurrency goroutines.
func (l *loader) pool(ctx context.Context, n int, fn func(i int)) {
	var wg sync.WaitGroup
	next := make(chan int)
	workers := min(l.opts.Concurrency, n)
	for range workers {
		wg.Go(func() {
			for i := range next {
				fn(i)
			}
		})
	}
	for i := 0; i < n && ctx.Err() == nil; i++ {
		next <- i
	}
	close(next)
	wg.Wait()
}

// classify reads e, finds its kind and parses it.
func (l *loader) classify(e *entry) {
	var src []byte
	if (l.narrow || l.stream) && e.cands == cJSON && !e.explicit && !e.stdin {
		// Only explicit files are linted, or dashboards are streamed: a
		// dashboard is told by its first bytes, and parsed only if its
		// stack is kept (narrow.go), or by the rules engine (stream.go).
		hb := headBuffers.Get().(*[]byte)
		head, complete, err := l.readHead(e, *hb)
		if err == nil && safefile.TextProblem(head) == "" {
			if dashboard.Sniff(head) {
				l.deferDashboard(e)
				headBuffers.Put(hb)
				return
			}
			if complete {
				src = head // kept: the buffer is not reused
				hb = nil
			}
		}
		if hb != nil {
			headBuffers.Put(hb)
		}
		if src == nil {
			if src = l.readSource(e); src == nil {
				return
			}
			if dashboard.Sniff(src) {
				l.deferDashboard(e)
				return
			}
		}
	} else {
		src = l.readSource(e)
	}
	if src == nil {
		return
	}
	e.src = src
	c := e.cands
	if c == 0 {
		c = cIni | cYAML | cJSON | cNginx | cEnv
	}
	switch {
	case c&cIni != 0 && (c == cIni && isGrafanaIni(path.Base(e.disp), src) || c != cIni && iniSections.Match(src) && isGrafanaIni("", src)):
		l.parseAs(e, model.KindIni)
	case c&cYAML != 0 && l.classifyYAML(e, src):
	case c&cJSON != 0 && dashboard.Sniff(src):
		l.parseAs(e, model.KindDashboard)
	case c&cEnv != 0 && isEnvFile(src, c == cEnv):
		l.parseAs(e, model.KindEnv)
	case c&cNginx != 0 && nginx.Sniff(e.disp, src):
		l.setKind(e, model.KindNginx, nil)
	default:
		e.src = nil
	}
	l.dropSource(e)
	if len(src) >= bigFile && e.src == nil {
		// The garbage collector lets the heap grow to twice what was
		// live at its last cycle, and that cycle ran while this file's
		// bytes (and its parser's indexes) were live: collect them now,
		// so that the peak stays near the input's size rather than
		// twice the parse's.
		runtime.GC()
	}
}

// bigFile is the size from which a file's parse is followed by a garbage
// collection (see classify).
const bigFile = 8 << 20

// dropSource forgets e's bytes once it is parsed, so that a run does not
// hold every file it read: only nginx files keep them until their trees
// are loaded (includes are served from them), and compose and env files
// until compose interpolation has parsed them again with their project's
// variables. Whatever needs the text again reads it through
// model.File.Source.
func (l *loader) dropSource(e *entry) {
	switch e.kind {
	case model.KindNginx, model.KindCompose, model.KindEnv:
	default:
		e.src = nil
	}
}

func (l *loader) classifyYAML(e *entry, src []byte) bool {
	if compose.IsComposeName(path.Base(e.disp)) {
		l.parseAs(e, model.KindCompose)
		return true
	}
	if k8s.IsManifest(src) { // k8s.go: objects are neither provisioning nor compose
		return l.classifyK8s(e, src)
	}
	kind, ds, prov, probs := provisioning.Parse(e.disp, src)
	switch kind {
	case model.KindDatasources:
		e.ds = ds
		l.setKind(e, kind, probs)
		return true
	case model.KindProviders:
		e.prov = prov
		l.setKind(e, kind, probs)
		return true
	}
	if compose.Sniff(src) {
		l.parseAs(e, model.KindCompose)
		return true
	}
	return l.classifyK8s(e, src) // k8s.go
}

// parseAs parses e (whose src is read) as kind.
func (l *loader) parseAs(e *entry, kind model.Kind) {
	var probs []model.Problem
	e.ini, e.ds, e.prov, e.dash, e.comp, e.env = nil, nil, nil, nil, nil, nil
	e.deferred = false
	switch kind {
	case model.KindIni:
		e.ini, probs = grafanaini.Parse(e.disp, e.src)
	case model.KindDatasources:
		e.ds, probs = provisioning.ParseDatasources(e.disp, e.src)
	case model.KindProviders:
		e.prov, probs = provisioning.ParseProviders(e.disp, e.src)
	case model.KindDashboard:
		e.dash, probs = dashboard.ParseInterned(e.disp, e.src, l.intern)
	case model.KindCompose:
		e.comp, probs = compose.Parse(e.disp, e.src)
	case model.KindEnv:
		e.env, probs = grafanaini.ParseEnvFile(e.disp, e.src)
	}
	l.setKind(e, kind, probs)
}

// setKind records e's kind and builds its model.File.
func (l *loader) setKind(e *entry, kind model.Kind, probs []model.Problem) {
	e.kind = kind
	f := &model.File{Path: e.disp, Abs: e.abs, Kind: kind, Reported: e.reported, Problems: probs, Source: l.sourceOf(e)}
	if kind != model.KindDashboard {
		igs, iprobs := suppress.Scan(e.disp, e.src, kind)
		f.Ignores = igs
		f.Problems = append(f.Problems, iprobs...)
	}
	e.file = f
}

// force makes e a file of kind, parsing it again if it was read as
// something else (a file Grafana reads because of where it is mounted).
// It reports whether e now has that kind.
func (l *loader) force(e *entry, kind model.Kind) bool {
	if e.kind == kind {
		return true
	}
	if e.bad {
		return false
	}
	if e.kind == model.KindCompose {
		l.composeForced++
	}
	if e.src == nil {
		src := l.readSource(e)
		if src == nil {
			return false
		}
		e.src = src
	}
	if kind == model.KindNginx {
		e.dash, e.deferred = nil, false
		l.setKind(e, kind, nil)
		return true
	}
	l.parseAs(e, kind)
	l.dropSource(e)
	return true
}

var (
	iniSections = regexp.MustCompile(`(?m)^[ \t]*\[([^\]\r\n]+)\]`)
	envLine     = regexp.MustCompile(`^[ \t]*(?:export[ \t]+)?([A-Za-z_][A-Za-z0-9_.-]*)[ \t]*=`)
)

// strongSections are sections only Grafana's ini has; generalSections are
// Grafana's too but other programs use the names.
var (
	strongSections  = map[string]bool{}
	generalSections = map[string]bool{}
)

func init() {
	for _, s := range strings.Fields("live auth.anonymous auth.proxy auth.generic_oauth auth.github auth.gitlab auth.google auth.grafana_com auth.azuread auth.okta auth.jwt auth.ldap auth.basic grafana_net grafana_com unified_alerting feature_toggles panels dataproxy snapshots dashboards external_image_storage rendering public_dashboards remote_cache analytics date_formats expressions geomap query_history annotations unified_storage plugin.grafana-image-renderer") {
		strongSections[s] = true
	}
	for _, s := range strings.Fields("paths server database security users auth smtp emails log log.console log.file quota alerting explore metrics tracing tracing.opentelemetry plugins navigation help profile short_links caching secrets") {
		generalSections[s] = true
	}
}

// isGrafanaIni reports whether an ini file is Grafana's: named
// grafana.ini, custom.ini or defaults.ini, or holding one of the sections
// only Grafana has, or two of its general ones.
func isGrafanaIni(name string, src []byte) bool {
	switch strings.ToLower(name) {
	case "grafana.ini", "custom.ini", "defaults.ini", "sample.ini":
		return true
	}
	if strings.Contains(strings.ToLower(name), "grafana") {
		return true
	}
	general := 0
	for _, m := range iniSections.FindAllSubmatch(src, -1) {
		s := strings.TrimSpace(string(m[1]))
		if strongSections[s] || strings.HasPrefix(s, "auth.") || strings.HasPrefix(s, "plugin.") {
			return true
		}
		if generalSections[s] {
			general++
		}
	}
	return general >= 2
}

// isEnvFile reports whether src is KEY=VALUE lines (comments and blank
// lines aside) that set at least one GF_* variable. byName relaxes the
// shape check for files named *.env: other lines are tolerated.
func isEnvFile(src []byte, byName bool) bool {
	gf := false
	for line := range strings.Lines(string(src)) {
		t := strings.TrimSpace(line)
		if t == "" || strings.HasPrefix(t, "#") {
			continue
		}
		m := envLine.FindStringSubmatch(t)
		if m == nil {
			if byName {
				continue
			}
			return false
		}
		if strings.HasPrefix(m[1], "GF_") {
			gf = true
		}
	}
	return gf
}

// loadNginx loads every nginx file as a main config, then keeps as mains
// only those no other config includes.
func (l *loader) loadNginx(ctx context.Context) {
	var todo []*entry
	for _, e := range l.sortedEntries() {
		if e.kind == model.KindNginx {
			todo = append(todo, e)
		}
	}
	l.pool(ctx, len(todo), func(i int) {
		e := todo[i]
		cfg, probs := nginx.Load(e.abs, nginx.Options{
			Root:        e.root.abs,
			Prefix:      l.opts.NginxPrefix,
			ProxyParams: l.opts.NginxProxyParams,
			Display:     l.display,
			ReadFile:    l.readForNginx,
			MaxFileSize: l.opts.MaxFileSize,
		})
		for i := range probs {
			if probs[i].Pos.File == "" {
				probs[i].Pos.File = e.disp
			}
		}
		e.nginx, e.nginxProbs = cfg, probs
	})
	includedBy := map[string]int{}
	for _, e := range todo {
		if e.nginx == nil {
			continue
		}
		for _, f := range e.nginx.Files {
			if f != e.disp {
				includedBy[f]++
			}
		}
	}
	covered := map[string]bool{}
	var mains []*entry
	for _, e := range todo {
		if includedBy[e.disp] == 0 && e.nginx != nil {
			mains = append(mains, e)
		}
	}
	for _, e := range mains {
		e.main = true
		for _, f := range e.nginx.Files {
			covered[f] = true
		}
	}
	// Files included only from a cycle with no outside includer: keep the
	// first of each cycle as a main.
	for _, e := range todo {
		if !covered[e.disp] && e.nginx != nil {
			e.main = true
			mains = append(mains, e)
			for _, f := range e.nginx.Files {
				covered[f] = true
			}
		}
	}
	// Problems of the trees that stay go to the file they are in; files
	// read only through includes become nginx files too.
	seen := map[string]map[model.Problem]bool{}
	for _, e := range mains {
		for _, f := range e.nginx.Files {
			if l.entries[f] == nil {
				l.addIncluded(f)
			}
		}
		for _, p := range e.nginxProbs {
			t := l.entries[p.Pos.File]
			if t == nil || t.file == nil {
				t = e
			}
			if seen[t.disp] == nil {
				seen[t.disp] = map[model.Problem]bool{}
			}
			if !seen[t.disp][p] {
				seen[t.disp][p] = true
				t.file.Problems = append(t.file.Problems, p)
			}
		}
	}
}

// readForNginx serves nginx includes from what was already read, and
// reads others as every file of the tree is read (regular files inside
// the tree, within the limit: an include of a 1 GB file is refused
// before it is read).
func (l *loader) readForNginx(abs string) ([]byte, error) {
	l.mu.Lock()
	e := l.byAbs[abs]
	l.mu.Unlock()
	if e != nil && e.src != nil {
		return e.src, nil
	}
	opts := safefile.Options{Max: l.opts.MaxFileSize, Within: l.within}
	if e != nil {
		opts = l.readOptions(e)
	}
	return safefile.Read(abs, opts)
}

// addIncluded adds a file read only through an nginx include.
func (l *loader) addIncluded(disp string) {
	abs := l.abs(disp)
	e := &entry{abs: abs, disp: disp, root: l.rootOf(abs), known: true}
	for _, d := range l.reportDirs {
		if within(abs, d) {
			e.reported = true
		}
	}
	l.entries[disp] = e
	l.byAbs[abs] = e
	l.sorted = nil
	src := l.readSource(e)
	if src == nil {
		if e.file == nil {
			e.file = problemFile(disp, model.KindNginx, "cannot read file")
		}
		return
	}
	e.src = src
	l.setKind(e, model.KindNginx, nil)
}

func (l *loader) sortedEntries() []*entry {
	if l.sorted != nil {
		return l.sorted
	}
	out := make([]*entry, 0, len(l.entries))
	for disp, e := range l.entries {
		if disp == e.disp { // not a link to e
			out = append(out, e)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].disp < out[j].disp })
	l.sorted = out
	return out
}
