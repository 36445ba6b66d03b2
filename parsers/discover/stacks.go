package discover

import (
	"errors"
	"fmt"
	"io/fs"
	"path"
	"path/filepath"
	"slices"
	"sort"
	"strings"

	"github.com/grafanalint/grafanalint/parsers/compose"
	"github.com/grafanalint/grafanalint/parsers/grafanaini"
	"github.com/grafanalint/grafanalint/parsers/k8s"
	"github.com/grafanalint/grafanalint/parsers/model"
	"github.com/grafanalint/grafanalint/parsers/provisioning"
)

// Container paths of the official Grafana image (GF_PATHS_* defaults) and
// of grafana/otel-lgtm, which runs Grafana from its home directory.
const (
	defaultConfig       = "/etc/grafana/grafana.ini"
	defaultProvisioning = "/etc/grafana/provisioning"
	lgtmConfig          = "/otel-lgtm/grafana/conf/custom.ini"
	lgtmProvisioning    = "/otel-lgtm/grafana/conf/provisioning"
	grafanaHome         = "/usr/share/grafana"
)

// builder assembles one stack.
type builder struct {
	l  *loader
	st *model.Stack
	// dirs are the directories the stack owns (display paths); files
	// below them that no deeper stack owns join it.
	dirs []string
	root *walkRoot
	v    *vfs
	// cfgPath and provPath are the container paths Grafana reads its ini
	// and provisioning from.
	cfgPath, provPath string
	// heuristics: map provider paths the mounts do not cover by their tail
	// (layouts, and images built from an unknown Dockerfile).
	heuristics bool
	service    *compose.Service
	k8s        *k8s.Stack // a Kubernetes stack (k8s.go)
	ini        *entry
	env        []model.EnvVar
	envFiles   []string
	loaded     map[string]bool // files Grafana reads (ini, provisioning, dashboards)
	files      map[string]bool // every file of the stack
	unloaded   map[string]bool
	nginx      map[string]bool
	specEnv    []model.EnvVar
	// opaque are container paths whose content the tree does not tell
	// (named volumes, host paths outside the tree or skipped by the walk,
	// sources that are variables); missingMounts are bind mounts whose
	// source does not exist.
	opaque        []string
	missingMounts []*compose.Mount
	// iniFile and effEnv are what settle layers over the defaults.
	iniFile *model.IniFile
	effEnv  []model.EnvVar
}

func (l *loader) newBuilder(origin model.StackOrigin, root *walkRoot) *builder {
	b := &builder{
		l: l, root: root,
		st:       &model.Stack{Origin: origin, LoadedBy: map[*model.Dashboard]*model.Provider{}},
		cfgPath:  defaultConfig,
		provPath: defaultProvisioning,
		loaded:   map[string]bool{}, files: map[string]bool{}, unloaded: map[string]bool{}, nginx: map[string]bool{},
		v: &vfs{t: l.tree},
	}
	l.stacks = append(l.stacks, b)
	return b
}

// claimed reports whether any stack holds display path p.
func (l *loader) claimed(p string) bool { return l.claimedFiles[p] }

func (b *builder) claim(p string) {
	b.files[p] = true
	b.l.claimedFiles[p] = true
}

// composeProject is the merged compose model of one way to run a
// directory's compose files.
type composeProject struct {
	dir   string
	file  string   // the file that defines it (display path)
	files []string // every compose file merged into it
	c     *compose.Compose
}

// composeProjects groups the compose files by directory and merges them
// the way docker compose would run them.
func (l *loader) composeProjects() []*composeProject {
	byDir := map[string][]*entry{}
	for _, e := range l.sortedEntries() {
		if e.kind == model.KindCompose && e.comp != nil {
			d := path.Dir(e.disp)
			byDir[d] = append(byDir[d], e)
		}
	}
	dirs := make([]string, 0, len(byDir))
	for d := range byDir {
		dirs = append(dirs, d)
	}
	sort.Strings(dirs)
	var out []*composeProject
	for _, d := range dirs {
		var base *entry
		var overrides, others []*entry
		for _, name := range []string{"compose.yaml", "compose.yml", "docker-compose.yaml", "docker-compose.yml"} {
			for _, e := range byDir[d] {
				if path.Base(e.disp) == name && base == nil {
					base = e
				}
			}
		}
		for _, e := range byDir[d] {
			switch {
			case e == base:
			case compose.IsOverrideName(path.Base(e.disp)):
				overrides = append(overrides, e)
			default:
				others = append(others, e)
			}
		}
		if base != nil {
			p := &composeProject{dir: d, file: base.disp, files: []string{base.disp}}
			var ov []*compose.Compose
			for _, o := range overrides {
				ov = append(ov, o.comp)
				p.files = append(p.files, o.disp)
			}
			p.c = compose.Merge(base.comp, ov...)
			out = append(out, p)
		} else {
			others = append(others, overrides...)
		}
		for _, o := range others {
			p := &composeProject{dir: d, file: o.disp, files: []string{o.disp}}
			if base != nil && o.comp.IsOverlay() {
				p.files = []string{base.disp, o.disp}
				p.c = compose.Merge(base.comp, o.comp)
			} else {
				p.c = compose.Merge(o.comp)
			}
			out = append(out, p)
		}
	}
	return out
}

// assemble builds the stacks from the parsed files.
func (l *loader) assemble() {
	l.interpolateCompose()
	projects := l.composeProjects()
	used := map[*compose.Service]bool{}
	// (a) config stacks
	for _, spec := range l.opts.Stacks {
		l.configStack(spec, projects, used)
	}
	// (b) compose stacks
	for _, p := range projects {
		for _, s := range p.c.Services {
			if !s.IsGrafana() || used[s] {
				continue
			}
			if p.file != p.files[0] && s.File == p.files[0] {
				continue // an overlay that leaves Grafana as the base has it
			}
			used[s] = true
			b := l.newBuilder(model.OriginCompose, l.rootOfDisp(p.dir))
			b.st.Name = p.dir
			b.dirs = []string{p.dir}
			b.fromService(p, s, projects)
			b.load()
		}
	}
	// Roots a compose stack reads from in part: the rest of them is
	// not loaded.
	roots := l.layoutRoots()
	readers := l.loadedIndex()
	var untouched []string
	for _, r := range roots {
		reader, touched := readers.at(r)
		if reader != nil {
			for _, f := range l.provFilesIn(r) {
				if !l.claimed(f.disp) {
					reader.unload(f, fmt.Sprintf("not mounted into the Grafana container of service %q (%s)", reader.service.Name.V, reader.st.ComposeFile))
				}
			}
		}
		if !touched {
			untouched = append(untouched, r)
		}
	}
	// (c) layout stacks
	anchors := l.anchorIndex(untouched)
	for _, r := range untouched {
		b := l.newBuilder(model.OriginLayout, l.rootOfDisp(r))
		b.st.ProvisioningDir = r
		b.v.ms = []vmount{{target: b.provPath, host: r, bind: true}}
		b.heuristics = true
		b.dirs = []string{l.layoutDir(r, anchors)}
		b.st.Name = b.dirs[0]
	}
	// Env files: compose kinds and env kinds are settled before assembly
	// (parseAll forces the env files compose names).
	named := l.composeEnvFiles()
	var envs []*entry
	for _, e := range l.sortedEntries() {
		if e.kind == model.KindEnv {
			envs = append(envs, e)
		}
	}
	gen := l.composeForced
	for _, b := range l.stacks {
		if b.st.Origin == model.OriginLayout {
			if gen != l.composeForced { // a compose file was read as another kind
				named, gen = l.composeEnvFiles(), l.composeForced
			}
			b.layoutEnv(named, envs)
			b.load()
		}
	}
	l.kubernetesStacks() // k8s.go
	l.assignLeftovers()
	for _, b := range l.stacks {
		b.finish()
	}
	l.kubernetesFinish() // k8s.go
	l.nameStacks()
	l.decideNarrow()
	for _, b := range l.stacks {
		if !l.narrow || l.holdsReported(b.st) {
			b.settle() // the others are dropped (narrow.go)
		}
	}
}

// loadedIndex tells, for a directory, which stacks load files below it
// (assemble's question for each provisioning root, answered without a
// scan of every stack's files per root).
type loadedIndex struct {
	stacks []*builder
	// reader is the first compose stack (its index in stacks) loading a
	// plain file (see plainPath) at or below a plain directory; touched
	// says whether any stack does.
	reader  map[string]int
	touched map[string]bool
	// others are the loaded files that are not plain paths, by stack.
	others []loadedFile
}

type loadedFile struct {
	stack int
	file  string
}

func (l *loader) loadedIndex() *loadedIndex {
	ix := &loadedIndex{stacks: l.stacks, reader: map[string]int{}, touched: map[string]bool{}}
	for i, b := range l.stacks {
		for f := range b.loaded {
			if !plainPath(f) {
				ix.others = append(ix.others, loadedFile{i, f})
				continue
			}
			for _, d := range plainAncestors(f) {
				ix.touched[d] = true
				if _, ok := ix.reader[d]; !ok && b.st.Origin == model.OriginCompose {
					ix.reader[d] = i
				}
			}
		}
	}
	return ix
}

// at returns the first compose stack (in stack order) loading a file
// under display path r, and whether any stack loads one.
func (ix *loadedIndex) at(r string) (*builder, bool) {
	first, touched := len(ix.stacks), false
	consider := func(i int, f string) {
		if under(f, r) {
			touched = true
			if ix.stacks[i].st.Origin == model.OriginCompose && i < first {
				first = i
			}
		}
	}
	if plainPath(r) {
		touched = ix.touched[r]
		if i, ok := ix.reader[r]; ok {
			first = i
		}
		for _, o := range ix.others {
			consider(o.stack, o.file)
		}
	} else {
		for i, b := range ix.stacks {
			for f := range b.loaded {
				consider(i, f)
			}
		}
	}
	if first < len(ix.stacks) {
		return ix.stacks[first], touched
	}
	return nil, touched
}

// plainPath reports whether display path p is a clean relative path below
// the working directory ("a/b", not ".", "..", "../a" or "/a"): for such a
// directory d, under(p, d) holds exactly when d is p or one of the
// directories plainAncestors lists.
func plainPath(p string) bool {
	return p != "" && p != "." && !path.IsAbs(p) && p != ".." && !strings.HasPrefix(p, "../") && path.Clean(p) == p
}

// plainAncestors returns p and the directories above it, up to and not
// including ".", when p is a plain path (see plainPath); nil otherwise.
func plainAncestors(p string) []string {
	if !plainPath(p) {
		return nil
	}
	var out []string
	for d := p; d != "." && d != "/" && d != ""; d = path.Dir(d) {
		out = append(out, d)
	}
	return out
}

// rootOfDisp returns the walk root holding display path p.
func (l *loader) rootOfDisp(p string) *walkRoot {
	return l.rootOf(l.abs(p))
}

// layoutRoots finds provisioning roots on disk: directories named
// provisioning with datasources/ or dashboards/, and parents of a
// datasources/ holding datasource YAML or of a dashboards/ holding
// provider YAML.
func (l *loader) layoutRoots() []string {
	set := map[string]bool{}
	for d := range l.tree.dirs {
		if path.Base(d) == "provisioning" {
			if _, ok := l.tree.children[d]["datasources"]; ok {
				set[d] = true
			}
			if _, ok := l.tree.children[d]["dashboards"]; ok {
				set[d] = true
			}
		}
	}
	for _, e := range l.entries {
		dir := path.Dir(e.disp)
		switch {
		case e.kind == model.KindDatasources && path.Base(dir) == "datasources",
			e.kind == model.KindProviders && path.Base(dir) == "dashboards":
			set[path.Dir(dir)] = true
		}
	}
	out := make([]string, 0, len(set))
	for d := range set {
		out = append(out, d)
	}
	sort.Strings(out)
	return out
}

// provFilesIn returns the provisioning files of root r: in its
// datasources/ and dashboards/ directories, at any depth.
func (l *loader) provFilesIn(r string) []*entry {
	var out []*entry
	for _, e := range l.sortedEntries() {
		if e.kind != model.KindDatasources && e.kind != model.KindProviders {
			continue
		}
		if under(e.disp, path.Join(r, "datasources")) || under(e.disp, path.Join(r, "dashboards")) {
			out = append(out, e)
		}
	}
	return out
}

// anchorIndex counts, for each directory, the layout roots and the
// directories of the other stacks (config and compose) at or below it:
// the anchors layoutDir stops at.
type anchorIndex struct {
	roots, others []string
	// rootsUnder and othersUnder count them by plain directory (see
	// plainPath); rootsDot and othersDot count those under ".".
	rootsUnder, othersUnder map[string]int
	rootsDot, othersDot     int
}

func (l *loader) anchorIndex(roots []string) *anchorIndex {
	ix := &anchorIndex{roots: roots, rootsUnder: map[string]int{}, othersUnder: map[string]int{}}
	for _, b := range l.stacks {
		if b.st.Origin != model.OriginLayout {
			ix.others = append(ix.others, b.dirs...)
		}
	}
	count := func(list []string, by map[string]int, dot *int) {
		for _, a := range list {
			for _, d := range plainAncestors(a) {
				by[d]++
			}
			if under(a, ".") {
				*dot++
			}
		}
	}
	count(ix.roots, ix.rootsUnder, &ix.rootsDot)
	count(ix.others, ix.othersUnder, &ix.othersDot)
	return ix
}

// anchored reports whether directory d, above root r, holds an anchor
// other than r and the roots below r.
func (ix *anchorIndex) anchored(d, r string) bool {
	if plainPath(r) {
		switch {
		case plainPath(d):
			return ix.rootsUnder[d]-ix.rootsUnder[r]+ix.othersUnder[d] > 0
		case d == ".":
			return ix.rootsDot-ix.rootsUnder[r]+ix.othersDot > 0
		}
	}
	for _, o := range ix.roots {
		if o != r && !under(o, r) && under(o, d) {
			return true
		}
	}
	return slices.ContainsFunc(ix.others, func(a string) bool { return under(a, d) })
}

// layoutDir is the highest directory above root r (up to its walk root)
// that holds no other stack's anchor.
func (l *loader) layoutDir(r string, anchors *anchorIndex) string {
	top := l.rootOfDisp(r).disp
	best := r
	for d := path.Dir(r); under(d, top) || d == top; d = path.Dir(d) {
		if anchors.anchored(d, r) {
			break
		}
		best = d
		if d == top || d == "." || d == path.Dir(d) {
			break
		}
	}
	return best
}

// fromService sets the builder up from a compose Grafana service.
func (b *builder) fromService(p *composeProject, s *compose.Service, projects []*composeProject) {
	l := b.l
	b.service = s
	b.st.ComposeFile = p.file
	b.st.ComposeService = s.Name.V
	b.st.GrafanaHosts = s.Hosts()
	for _, port := range s.Ports {
		b.st.GrafanaPorts = append(b.st.GrafanaPorts, port.Raw.V)
	}
	for _, o := range p.c.Services {
		if o == s {
			continue
		}
		other := model.Service{Name: o.Name.V, Image: o.Image.V, Hosts: o.Hosts()}
		for _, port := range o.Ports {
			other.Ports = append(other.Ports, port.Raw.V)
		}
		b.st.OtherServices = append(b.st.OtherServices, other)
	}
	for _, f := range p.files {
		b.claim(f)
	}
	if imageIsLGTM(s) {
		b.cfgPath, b.provPath = lgtmConfig, lgtmProvisioning
	}
	b.st.GrafanaVersion = imageVersion(s)
	b.env = append(b.env, b.serviceEnv(p, s, true)...)
	for _, o := range p.c.Services {
		if o != s {
			b.serviceEnv(p, o, false)
		}
	}
	if v, ok := staticEnv(b.env, "GF_PATHS_CONFIG"); ok {
		b.cfgPath = path.Clean(v)
	}
	if v, ok := staticEnv(b.env, "GF_PATHS_PROVISIONING"); ok {
		b.provPath = path.Clean(v)
	}
	// Files baked in by the Dockerfile, then bind mounts over them.
	haveDockerfile := false
	if s.Build != nil && s.Build.Dockerfile != "" {
		abs := l.abs(s.Build.Dockerfile)
		src, err := l.readTreeFile(abs)
		switch {
		case err == nil:
			haveDockerfile = true
			for _, c := range compose.ParseDockerfile(s.Build.Dockerfile, s.Build.Dir, src) {
				b.addCopy(c)
			}
		case !errors.Is(err, fs.ErrNotExist):
			// A Dockerfile that exists but cannot be read (a FIFO, a
			// device, a link out of the tree, binary) is an input
			// problem: what it copies into the image is unknown.
			l.addExtra(abs, readError(err))
		}
	}
	b.heuristics = s.Build != nil && !haveDockerfile
	for _, m := range s.Volumes {
		if path.IsAbs(m.Target.V) {
			b.opaque = append(b.opaque, m.Target.V)
		}
	}
	for _, m := range s.Mounts {
		host := m.Host
		if host == "" {
			if path.IsAbs(m.Target.V) {
				b.opaque = append(b.opaque, m.Target.V)
			}
			continue
		}
		if !m.Absolute {
			// "../grafana/x" and "x" can name the same folder when the
			// compose file sits above the working directory: use the one
			// form the tree uses.
			host = l.display(l.abs(host))
		}
		target := m.Target.V
		if m.Absolute {
			mirrored := path.Join(l.rootOfDisp(p.dir).disp, strings.TrimPrefix(host, "/"))
			if !l.tree.files[mirrored] && !l.tree.dirs[mirrored] {
				if path.IsAbs(target) {
					b.opaque = append(b.opaque, target) // on the deployment host
				}
				continue
			}
			host = mirrored
		}
		if !path.IsAbs(target) {
			continue
		}
		if !l.tree.files[host] && !l.tree.dirs[host] {
			if l.missingOnDisk(host) {
				b.missingMounts = append(b.missingMounts, m)
			} else {
				b.opaque = append(b.opaque, target) // skipped by the walk, or outside it
			}
		}
		b.v.ms = append(b.v.ms, vmount{target: target, host: host, bind: true, pos: m.Source.Pos})
	}
	// nginx services of the same directory front this Grafana.
	for _, q := range projects {
		if q.dir != p.dir {
			continue
		}
		for _, ns := range q.c.Services {
			if !ns.IsNginx() {
				continue
			}
			for _, m := range ns.Mounts {
				if m.Host == "" || m.Absolute {
					continue
				}
				for _, e := range l.sortedEntries() {
					if e.kind == model.KindNginx && e.main && under(e.disp, m.Host) {
						b.nginx[e.disp] = true
					}
				}
			}
		}
	}
}

// imageIsLGTM reports whether s runs the grafana/otel-lgtm image.
func imageIsLGTM(s *compose.Service) bool {
	return s.Image.IsSet() && compose.ImageName(s.Image.V) == "grafana/otel-lgtm"
}

// addCopy maps a Dockerfile COPY into the container view.
func (b *builder) addCopy(c compose.Copy) {
	t := b.l.tree
	for _, src := range c.Sources {
		var hosts []string
		if strings.ContainsAny(path.Base(src), "*?[") {
			for name := range t.children[path.Dir(src)] {
				if ok, _ := path.Match(path.Base(src), name); ok {
					hosts = append(hosts, path.Join(path.Dir(src), name))
				}
			}
			sort.Strings(hosts)
		} else {
			hosts = []string{src}
		}
		for _, h := range hosts {
			switch {
			case t.dirs[h]:
				b.v.ms = append(b.v.ms, vmount{target: c.Dest, host: h, pos: c.Pos})
			case t.files[h]:
				target := c.Dest
				if c.DestIsDir || len(hosts) > 1 {
					target = path.Join(c.Dest, path.Base(h))
				}
				b.v.ms = append(b.v.ms, vmount{target: target, host: h, pos: c.Pos})
			}
		}
	}
}

// staticEnv returns the last value of name in env when it holds no
// interpolation.
func staticEnv(env []model.EnvVar, name string) (string, bool) {
	val, ok := "", false
	for _, e := range env {
		if e.Name == name {
			val, ok = e.Value, e.Value != ""
		}
	}
	if !ok || compose.IsDynamic(val) || !path.IsAbs(val) {
		return "", false
	}
	return val, true
}

// load reads what Grafana reads through the builder's view.
func (b *builder) load() {
	l := b.l
	if h, isDir, ok := b.v.stat(b.cfgPath); ok && !isDir {
		if e := l.entries[h]; e != nil && l.force(e, model.KindIni) {
			b.ini = e
			b.loaded[h] = true
			b.claim(h)
		}
	}
	if h, isDir, ok := b.v.stat(b.provPath); ok && isDir && b.st.ProvisioningDir == "" {
		b.st.ProvisioningDir = h
	}
	b.provDir("datasources", model.KindDatasources)
	b.provDir("dashboards", model.KindProviders)
	b.dashboards()
	if b.service != nil {
		b.mountedElsewhere()
		b.missingPaths()
	}
}

// provDir loads <provisioning>/<sub>/*.yaml|*.yml as kind and records the
// provisioning files Grafana skips there.
func (b *builder) provDir(sub string, kind model.Kind) {
	l := b.l
	dir := path.Join(b.provPath, sub)
	shown := path.Join(b.provPath, sub) + "/"
	if b.service == nil && b.st.ProvisioningDir != "" {
		shown = path.Join(b.st.ProvisioningDir, sub) + "/"
	}
	for _, n := range b.v.list(dir) {
		if n.host == "" {
			continue
		}
		if n.isDir {
			b.v.walk(n.cpath, func(cp, host string) {
				if e := l.entries[host]; e != nil && (e.kind == model.KindDatasources || e.kind == model.KindProviders) && !b.loaded[host] {
					b.unload(e, fmt.Sprintf("in subdirectory %q of %s: Grafana reads only the files directly in it", n.name, shown))
				}
			})
			continue
		}
		e := l.entries[n.host]
		if e == nil {
			continue
		}
		// Grafana's filter is case-sensitive: strings.HasSuffix(name,
		// ".yaml") || strings.HasSuffix(name, ".yml").
		if !strings.HasSuffix(n.name, ".yaml") && !strings.HasSuffix(n.name, ".yml") {
			if e.kind == "" {
				l.sniffSkipped(e)
			}
			if e.kind == model.KindDatasources || e.kind == model.KindProviders {
				b.unload(e, skippedReason(n.name, shown))
			}
			continue
		}
		if !l.force(e, kind) {
			continue
		}
		b.loaded[e.disp] = true
		b.claim(e.disp)
		if kind == model.KindDatasources && e.ds != nil && !slices.Contains(b.st.DatasourceFiles, e.ds) {
			b.st.DatasourceFiles = append(b.st.DatasourceFiles, e.ds)
		}
		if kind == model.KindProviders && e.prov != nil && !slices.Contains(b.st.ProviderFiles, e.prov) {
			b.st.ProviderFiles = append(b.st.ProviderFiles, e.prov)
		}
	}
}

// skippedReason says why Grafana skips the file called name in the
// provisioning directory shown.
func skippedReason(name, shown string) string {
	ext := "no extension"
	if x := path.Ext(name); x != "" {
		ext = fmt.Sprintf("extension %q", x)
	}
	return fmt.Sprintf("named %q, with %s, in %s: Grafana reads only the files there whose names end in .yaml or .yml (lower case)", name, ext, shown)
}

// notProvisioning are the last extensions of files that sit in a
// provisioning directory on purpose without being read: templates another
// tool renders (ds.yaml.j2), examples to copy (ds.yaml.example) and files
// switched off (ds.yaml.disabled).
var notProvisioning = map[string]bool{}

func init() {
	for _, e := range strings.Fields(".j2 .jinja .jinja2 .tpl .tmpl .template .gotmpl .erb .mustache .hbs .example .sample .dist .disabled") {
		notProvisioning[e] = true
	}
}

// sniffSkipped reads e, a file of no kind in a provisioning directory
// under a name Grafana skips there (ds.yaml.bak, datasources.json), and
// gives it the provisioning kind its content has, so that it is reported
// as not loaded. Files that are no provisioning YAML (a README), that do
// not parse, or that are templates, examples or switched off stay without
// a kind.
func (l *loader) sniffSkipped(e *entry) {
	if e.kind != "" || e.bad || e.file != nil || notProvisioning[strings.ToLower(path.Ext(e.disp))] {
		return
	}
	src := e.src
	if src == nil {
		if src = l.readSource(e); src == nil {
			return
		}
	}
	kind, ds, prov, probs := provisioning.Parse(e.disp, src)
	if kind == "" || slices.ContainsFunc(probs, func(p model.Problem) bool { return p.Kind == model.ProblemSyntax }) {
		return
	}
	e.src, e.ds, e.prov = src, ds, prov
	l.setKind(e, kind, probs)
}

// dashboards loads what each provider's options.path names.
func (b *builder) dashboards() {
	l := b.l
	for _, pf := range b.st.ProviderFiles {
		for _, p := range pf.Providers {
			if p.PathDynamic || p.Path.V == "" {
				continue
			}
			for _, h := range b.providerFiles(p.Path.V) {
				e := l.entries[h]
				if e == nil {
					continue
				}
				if strings.EqualFold(path.Ext(h), ".json") && e.kind != model.KindDashboard {
					l.force(e, model.KindDashboard)
				}
				if e.dash == nil {
					continue
				}
				b.loaded[h] = true
				b.claim(h)
				if _, ok := b.st.LoadedBy[e.dash]; !ok {
					b.st.LoadedBy[e.dash] = p
					b.st.Dashboards = append(b.st.Dashboards, e.dash)
				}
			}
		}
	}
}

// providerFiles maps a provider path to the host files Grafana loads
// from it.
func (b *builder) providerFiles(p string) []string {
	cp := p
	if !path.IsAbs(cp) {
		cp = path.Join(grafanaHome, cp)
	}
	cp = path.Clean(cp)
	if h, isDir, ok := b.v.stat(cp); ok {
		if !isDir {
			return []string{h}
		}
		var out []string
		b.v.walk(cp, func(c, host string) {
			if strings.EqualFold(path.Ext(c), ".json") {
				out = append(out, host)
			}
		})
		return out
	}
	if !b.heuristics || b.covered(cp) {
		return nil
	}
	return b.guess(p)
}

// covered reports whether a bind mount decides what is at container path
// p (so heuristics must not second-guess it).
func (b *builder) covered(p string) bool {
	for _, m := range b.v.ms {
		if m.bind && covers(m.target, p) {
			return true
		}
	}
	return false
}

// guess maps a provider path the view does not cover to the tree: a
// relative path against the stack's directory, else the longest tail of
// the path that names a file or directory in the stack's tree, nearest to
// the provisioning root first.
func (b *builder) guess(p string) []string {
	t := b.l.tree
	base := b.st.ProvisioningDir
	if base == "" && len(b.dirs) > 0 {
		base = b.dirs[0]
	}
	scope := b.dirs
	if len(scope) == 0 {
		scope = []string{b.root.disp}
	}
	inScope := func(x string) bool {
		return slices.ContainsFunc(scope, func(d string) bool { return under(x, d) })
	}
	var pick string
	if !path.IsAbs(p) {
		for _, d := range scope {
			if c := path.Join(d, p); t.files[c] || t.dirs[c] {
				pick = c
				break
			}
		}
	}
	if pick == "" {
		parts := strings.Split(strings.Trim(path.Clean(p), "/"), "/")
		for k := len(parts); k >= 1 && pick == ""; k-- {
			tail := strings.Join(parts[len(parts)-k:], "/")
			if tail == "" || tail == "." {
				continue
			}
			var cands []string
			// Compare tails of absolute paths: display paths are relative
			// to the working directory, and the answer must not depend on
			// where grafanalint runs (".../grafana/dashboards" must match
			// whether the display path is "grafana/dashboards" or
			// "dashboards").
			match := func(x string) {
				ax := filepath.ToSlash(filepath.Join(b.l.opts.WorkDir, filepath.FromSlash(x)))
				if path.IsAbs(x) {
					ax = x
				}
				if (ax == "/"+tail || strings.HasSuffix(ax, "/"+tail)) && inScope(x) {
					cands = append(cands, x)
				}
			}
			for x := range t.files {
				match(x)
			}
			for x := range t.dirs {
				match(x)
			}
			sort.Slice(cands, func(i, j int) bool {
				di, dj := distance(cands[i], base), distance(cands[j], base)
				if di != dj {
					return di < dj
				}
				return cands[i] < cands[j]
			})
			if len(cands) > 0 {
				pick = cands[0]
			}
		}
	}
	switch {
	case pick == "":
		return nil
	case t.files[pick]:
		return []string{pick}
	}
	var out []string
	for x := range t.files {
		if under(x, pick) && strings.EqualFold(path.Ext(x), ".json") {
			out = append(out, x)
		}
	}
	sort.Strings(out)
	return out
}

// mountedElsewhere records ini and provisioning files the service mounts
// somewhere Grafana does not read them.
func (b *builder) mountedElsewhere() {
	l := b.l
	for _, m := range b.v.ms {
		for _, e := range l.sortedEntries() {
			if !under(e.disp, m.host) || b.loaded[e.disp] || b.unloaded[e.disp] {
				continue
			}
			if e.kind == "" && strings.EqualFold(path.Ext(e.disp), ".ini") {
				l.force(e, model.KindIni) // Grafana-bound, whatever its sections
			}
			switch e.kind {
			case model.KindIni:
				where := b.v.containerPaths(e.disp)
				if len(where) == 0 {
					continue
				}
				b.unload(e, fmt.Sprintf("mounted at %q, but Grafana reads its configuration from %q: mount it there or set GF_PATHS_CONFIG", where[0], b.cfgPath))
			case model.KindDatasources, model.KindProviders:
				where := b.v.containerPaths(e.disp)
				if len(where) == 0 {
					continue
				}
				sub := "datasources"
				if e.kind == model.KindProviders {
					sub = "dashboards"
				}
				b.unload(e, fmt.Sprintf("mounted at %q, but Grafana reads %s provisioning only from %s/", where[0], strings.TrimSuffix(sub, "s"), path.Join(b.provPath, sub)))
			}
		}
	}
}

// unload records e as a file of the stack that Grafana does not read.
func (b *builder) unload(e *entry, reason string) {
	if b.unloaded[e.disp] || b.loaded[e.disp] {
		return
	}
	b.unloaded[e.disp] = true
	b.claim(e.disp)
	b.st.UnloadedFiles = append(b.st.UnloadedFiles, model.UnloadedFile{Path: e.disp, Kind: e.kind, Reason: reason})
}

// layoutEnv gives a layout stack the env files of its directory that no
// compose service names.
func (b *builder) layoutEnv(named map[string]bool, envs []*entry) {
	l := b.l
	for _, e := range envs {
		if e.kind == model.KindEnv && !named[e.disp] && b.owns(e.disp) && !l.claimed(e.disp) {
			b.env = append(b.env, e.env...)
			b.envFiles = append(b.envFiles, e.disp)
			b.claim(e.disp)
		}
	}
}

func (l *loader) composeEnvFiles() map[string]bool {
	out := map[string]bool{}
	for _, e := range l.entries {
		if e.kind == model.KindCompose && e.comp != nil {
			for _, s := range e.comp.Services {
				for _, ef := range s.EnvFiles {
					out[l.treeForm(ef.Resolved)] = true
				}
			}
		}
	}
	return out
}

// owns reports whether display path p is below one of the stack's
// directories.
func (b *builder) owns(p string) bool {
	return slices.ContainsFunc(b.dirs, func(d string) bool { return under(p, d) })
}

// ownerIndex answers deepestOwner for many paths: the stacks' directories
// by path, so that a path's owner is found among its own ancestors.
type ownerIndex struct {
	stacks []*builder
	// first is the first stack (its index) owning a plain directory (see
	// plainPath); others are the directories that are not plain.
	first  map[string]int
	others []loadedFile
}

func (l *loader) ownerIndex() *ownerIndex {
	ix := &ownerIndex{stacks: slices.Clone(l.stacks), first: map[string]int{}}
	for i, b := range ix.stacks {
		for _, d := range b.dirs {
			if !plainPath(d) {
				ix.others = append(ix.others, loadedFile{i, d})
			} else if _, ok := ix.first[d]; !ok {
				ix.first[d] = i
			}
		}
	}
	return ix
}

// deepestOwner returns the stack whose directory holding p is deepest (the
// first such stack when several own it), among the stacks indexed.
func (ix *ownerIndex) deepestOwner(p string) *builder {
	best, bestDepth := len(ix.stacks), -1
	pick := func(i int, d string) {
		if dd := depth(d); dd > bestDepth || dd == bestDepth && i < best {
			best, bestDepth = i, dd
		}
	}
	for _, o := range ix.others {
		if under(p, o.file) {
			pick(o.stack, o.file)
		}
	}
	if plainPath(p) {
		for _, d := range plainAncestors(p) {
			if i, ok := ix.first[d]; ok {
				pick(i, d)
				break // the deepest plain directory holding p
			}
		}
	} else {
		for d, i := range ix.first {
			if under(p, d) {
				pick(i, d)
			}
		}
	}
	if best < len(ix.stacks) {
		return ix.stacks[best]
	}
	return nil
}

// repoOf is the display path of the repository e belongs to: the nearest
// directory above it (below its walk root) holding .git, else the walk
// root.
func (l *loader) repoOf(e *entry) string {
	for d := path.Dir(e.disp); d != e.root.disp; {
		if l.gitDirs[d] {
			return d
		}
		up := path.Dir(d)
		if up == d {
			break
		}
		d = up
	}
	return e.root.disp
}

// assignLeftovers gives every file no stack claimed to the stack owning
// its directory; failing that to the only stack of the nearest directory
// above it that holds stacks (nginx, dashboards and compose files often
// live in a sibling directory of the compose file that runs Grafana);
// failing that to the fallback stack of its repository (see Load).
func (l *loader) assignLeftovers() {
	iniRank := func(e *entry) int {
		switch strings.ToLower(path.Base(e.disp)) {
		case "grafana.ini":
			return 0
		case "custom.ini":
			return 1
		}
		return 2
	}
	only := map[*walkRoot]*builder{}
	count := map[*walkRoot]int{}
	for _, b := range l.stacks {
		count[b.root]++
		only[b.root] = b
	}
	owners := l.ownerIndex()
	// stacksAt counts, per directory, the stacks whose directories lie
	// at or below it; oneAt is such a stack (the only one when the count
	// is 1).
	stacksAt := map[string]int{}
	oneAt := map[string]*builder{}
	for _, b := range l.stacks {
		seen := map[string]bool{}
		for _, d := range b.dirs {
			for p := d; !seen[p]; p = path.Dir(p) {
				seen[p] = true
				stacksAt[p]++
				oneAt[p] = b
			}
		}
	}
	ownerOf := func(e *entry) *builder {
		if o := owners.deepestOwner(e.disp); o != nil {
			return o
		}
		// The nearest directory above e that holds stacks decides: one
		// stack there owns e (an nginx/ beside the grafana/ whose compose
		// file runs Grafana, in one project of a folder of projects);
		// several leave e to a fallback. A repository of its own (a
		// directory holding .git) with no stack is not searched above.
		for d := path.Dir(e.disp); ; {
			if n := stacksAt[d]; n > 0 {
				if n == 1 {
					return oneAt[d]
				}
				return nil
			}
			if d == e.root.disp || l.gitDirs[d] {
				break
			}
			up := path.Dir(d)
			if up == d {
				break
			}
			d = up
		}
		if count[e.root] == 1 && l.repoOf(e) == e.root.disp {
			return only[e.root]
		}
		return nil
	}
	// Files no stack owns share a fallback stack per repository: the walk
	// root, or a repository below it (a folder of clones or submodules),
	// so that unrelated projects' files are never checked together.
	fallbacks := map[string]*builder{}
	fallback := func(e *entry) *builder {
		dir := l.repoOf(e)
		if fb := fallbacks[dir]; fb != nil {
			return fb
		}
		fb := l.newBuilder(model.OriginFallback, e.root)
		fb.st.Name = dir
		fb.heuristics = true
		fallbacks[dir] = fb
		return fb
	}
	named := l.composeEnvFiles()
	var inis []*entry
	for _, e := range l.sortedEntries() {
		if e.kind == "" || l.claimed(e.disp) || l.includedOnly(e) {
			continue
		}
		owner := ownerOf(e)
		switch e.kind {
		case model.KindIni:
			inis = append(inis, e)
		case model.KindDashboard:
			if owner == nil {
				owner = fallback(e)
			}
			owner.loose(e)
		case model.KindNginx:
			if owner == nil {
				owner = fallback(e)
			}
			owner.nginx[e.disp] = true
			owner.claim(e.disp)
		case model.KindDatasources, model.KindProviders:
			if owner != nil && owner.service != nil {
				owner.unload(e, fmt.Sprintf("not mounted into the Grafana container of service %q (%s)", owner.service.Name.V, owner.st.ComposeFile))
				continue
			}
			if owner == nil || owner.st.Origin != model.OriginConfig {
				owner = fallback(e)
			}
			owner.claim(e.disp)
			owner.loaded[e.disp] = true
			if e.ds != nil {
				owner.st.DatasourceFiles = append(owner.st.DatasourceFiles, e.ds)
			}
			if e.prov != nil {
				owner.st.ProviderFiles = append(owner.st.ProviderFiles, e.prov)
			}
		case model.KindEnv:
			if owner == nil {
				owner = fallback(e)
			}
			if !named[e.disp] && owner.service == nil {
				owner.env = append(owner.env, e.env...)
				owner.envFiles = append(owner.envFiles, e.disp)
			}
			owner.claim(e.disp)
		default:
			if owner == nil {
				owner = fallback(e)
			}
			owner.claim(e.disp)
		}
	}
	// ini files: the best one to each stack without one; compose stacks do
	// not read the others; the rest get stacks of their own.
	sort.SliceStable(inis, func(i, j int) bool { return iniRank(inis[i]) < iniRank(inis[j]) })
	var own []*entry
	for _, e := range inis {
		owner := ownerOf(e)
		if owner == nil {
			owner = fallback(e)
		}
		switch {
		case owner.service != nil:
			owner.unload(e, fmt.Sprintf("not mounted into the Grafana container of service %q (%s), which reads %q", owner.service.Name.V, owner.st.ComposeFile, owner.cfgPath))
		case owner.ini == nil:
			owner.ini = e
			owner.loaded[e.disp] = true
			owner.claim(e.disp)
		default:
			own = append(own, e)
		}
	}
	for _, e := range own {
		ob := l.newBuilder(model.OriginFallback, e.root)
		ob.st.Name = e.disp
		ob.ini = e
		ob.loaded[e.disp] = true
		ob.claim(e.disp)
	}
	// Fallback and config stacks: load their providers' dashboards by
	// heuristics.
	for _, fb := range l.stacks {
		if fb.st.Origin == model.OriginFallback {
			fb.dirs = nil
		} else if fb.st.Origin != model.OriginConfig || fb.service != nil {
			continue
		}
		var loose []*model.Dashboard
		loose, fb.st.LooseDashboards = fb.st.LooseDashboards, nil
		fb.dashboards()
		for _, d := range loose {
			if _, ok := fb.st.LoadedBy[d]; !ok {
				fb.st.LooseDashboards = append(fb.st.LooseDashboards, d)
			}
		}
	}
}

// includedOnly reports whether e is an nginx file read only through
// another's include.
func (l *loader) includedOnly(e *entry) bool {
	return e.kind == model.KindNginx && !e.main
}

// loose adds a dashboard no provider of the stack loads.
func (b *builder) loose(e *entry) {
	b.claim(e.disp)
	if e.dash != nil {
		b.st.LooseDashboards = append(b.st.LooseDashboards, e.dash)
	}
}

// finish fills the stack from what the builder collected.
func (b *builder) finish() {
	l := b.l
	st := b.st
	if b.root != nil {
		st.Root = b.root.disp
	}
	if len(b.dirs) > 0 {
		st.Root = b.dirs[0]
	} else if b.ini != nil && st.Name == b.ini.disp {
		st.Root = path.Dir(b.ini.disp)
	}
	var iniFile *model.IniFile
	if b.ini != nil {
		iniFile = b.ini.ini
	}
	env := slices.Clone(b.env)
	for _, f := range l.opts.EnvFiles {
		if vars := l.cliEnv(f); vars != nil {
			env = append(env, vars...)
			b.claim(l.display(l.abs(f)))
		}
	}
	env = append(env, b.specEnv...)
	env = append(env, l.opts.Env...)
	st.EnvFiles = b.envFiles
	for p := range b.nginx {
		if e := l.entries[p]; e != nil && e.nginx != nil {
			st.Nginx = append(st.Nginx, e.nginx)
			for _, f := range e.nginx.Files {
				b.claim(f)
			}
		}
	}
	sort.Slice(st.Nginx, func(i, j int) bool { return st.Nginx[i].Path < st.Nginx[j].Path })
	sort.SliceStable(st.LooseDashboards, func(i, j int) bool { return st.LooseDashboards[i].File < st.LooseDashboards[j].File })
	sort.SliceStable(st.UnloadedFiles, func(i, j int) bool { return st.UnloadedFiles[i].Path < st.UnloadedFiles[j].Path })
	if st.Origin == model.OriginFallback {
		sort.SliceStable(st.DatasourceFiles, func(i, j int) bool { return st.DatasourceFiles[i].Path < st.DatasourceFiles[j].Path })
		sort.SliceStable(st.ProviderFiles, func(i, j int) bool { return st.ProviderFiles[i].Path < st.ProviderFiles[j].Path })
	}
	st.HasIni = b.ini != nil
	st.HasDatasources = len(st.DatasourceFiles) > 0
	st.HasProviders = len(st.ProviderFiles) > 0
	st.HasNginx = len(st.Nginx) > 0
	st.Files = make([]string, 0, len(b.files))
	for f := range b.files {
		st.Files = append(st.Files, f)
	}
	sort.Strings(st.Files)
	b.iniFile, b.effEnv = iniFile, env
}

// settle computes the stack's effective settings (after finish).
func (b *builder) settle() {
	st := b.st
	ver := b.l.opts.GrafanaVersion
	if ver == ([2]int{}) && st.GrafanaVersion != nil {
		ver, _ = grafanaini.ParseRelease(st.GrafanaVersion.Version)
	}
	st.Settings = grafanaini.EffectiveAt(b.iniFile, gfOnly(b.effEnv), ver)
}

// cliEnv reads an --env-file (parsed once per Load).
func (l *loader) cliEnv(p string) []model.EnvVar {
	e := l.entries[l.display(l.abs(p))]
	if e != nil && e.kind == model.KindEnv {
		return e.env
	}
	return nil
}

// gfOnly keeps the GF_* variables, the last definition of each name.
func gfOnly(env []model.EnvVar) []model.EnvVar {
	last := map[string]int{}
	for i, e := range env {
		if strings.HasPrefix(e.Name, "GF_") {
			last[e.Name] = i
		}
	}
	var out []model.EnvVar
	for i, e := range env {
		if j, ok := last[e.Name]; ok && j == i {
			out = append(out, e)
		}
	}
	return out
}

// nameStacks makes stack names unique and orders the stacks.
func (l *loader) nameStacks() {
	var kept []*builder
	for _, b := range l.stacks {
		if b.st.Origin == model.OriginFallback && len(b.files) == 0 {
			continue
		}
		kept = append(kept, b)
	}
	l.stacks = kept
	count := map[string]int{}
	for _, b := range l.stacks {
		count[b.st.Name]++
	}
	for _, b := range l.stacks {
		if count[b.st.Name] < 2 || b.st.Origin == model.OriginConfig {
			continue
		}
		switch b.st.Origin {
		case model.OriginCompose:
			b.st.Name = fmt.Sprintf("%s (%s:%s)", b.st.Name, path.Base(b.st.ComposeFile), b.st.ComposeService)
		case model.OriginFallback:
			b.st.Name += " (other files)"
		case model.OriginLayout:
			b.st.Name += " (" + b.st.ProvisioningDir + ")"
		}
	}
	sort.SliceStable(l.stacks, func(i, j int) bool {
		a, c := l.stacks[i].st, l.stacks[j].st
		if a.Root != c.Root {
			return a.Root < c.Root
		}
		return a.Name < c.Name
	})
}

// model returns the loaded model.
func (l *loader) model() *model.Model {
	// Empty lists, not null, in `grafanalint model` output.
	m := &model.Model{Errors: l.errors, Files: []*model.File{}, Stacks: []*model.Stack{}}
	for _, e := range l.sortedEntries() {
		if e.file != nil {
			m.Files = append(m.Files, e.file)
		}
		e.src = nil
	}
	for _, f := range l.extra {
		for _, d := range l.reportDirs {
			if within(f.Abs, d) {
				f.Reported = true
			}
		}
		m.Files = append(m.Files, f)
	}
	sort.SliceStable(m.Files, func(i, j int) bool { return m.Files[i].Path < m.Files[j].Path })
	for _, b := range l.stacks {
		m.Stacks = append(m.Stacks, b.st)
	}
	return m
}

// configStack builds a stack the config file declares.
func (l *loader) configStack(spec StackSpec, projects []*composeProject, used map[*compose.Service]bool) {
	var dirs []string
	for _, p := range spec.Paths {
		dirs = append(dirs, l.display(l.abs(p)))
	}
	if len(dirs) == 0 {
		dirs = []string{l.display(l.opts.WorkDir)}
	}
	b := l.newBuilder(model.OriginConfig, l.rootOfDisp(dirs[0]))
	b.st.Name = spec.Name
	b.dirs = dirs
	b.specEnv = spec.Env
	if spec.ComposeService != "" {
		if p, s := l.findService(spec.ComposeService, dirs, projects); s != nil {
			used[s] = true
			b.fromService(p, s, projects)
			b.load()
			return
		}
	}
	b.heuristics = true
	for _, r := range l.layoutRoots() {
		if b.owns(r) {
			b.st.ProvisioningDir = r
			b.v.ms = []vmount{{target: b.provPath, host: r, bind: true}}
			break
		}
	}
	b.load()
}

// findService finds "service" or "file:service" among the compose
// projects, preferring those below dirs.
func (l *loader) findService(ref string, dirs []string, projects []*composeProject) (*composeProject, *compose.Service) {
	file, name := "", ref
	if i := strings.LastIndex(ref, ":"); i >= 0 {
		file, name = l.display(l.abs(ref[:i])), ref[i+1:]
	}
	for pass := 0; pass < 2; pass++ {
		for _, p := range projects {
			if file != "" && !slices.Contains(p.files, file) {
				continue
			}
			if pass == 0 && file == "" && !slices.ContainsFunc(dirs, func(d string) bool { return under(p.dir, d) }) {
				continue
			}
			if s := p.c.Service(name); s != nil {
				return p, s
			}
		}
	}
	return nil, nil
}
