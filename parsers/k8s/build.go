package k8s

import (
	"fmt"
	"path"
	"sort"
	"strings"

	"github.com/grafanalint/grafanalint/parsers/k8s/install"
	"github.com/grafanalint/grafanalint/parsers/k8s/manifest"
	"github.com/grafanalint/grafanalint/parsers/model"
)

// cfile is a file of the container's filesystem.
type cfile struct {
	path string
	f    *install.File
	// from names where it comes from, for messages ("ConfigMap
	// \"grafana\"", "the dashboards sidecar").
	from string
	obj  *objRef
}

// view is what the Grafana container sees: files by container path, and
// directories whose content is not in the repository.
type view struct {
	files  map[string]*cfile
	opaque map[string]string // directory → why its content is unknown
}

func (v *view) put(p string, f *install.File, from string, obj *objRef) {
	v.files[path.Clean(p)] = &cfile{path: path.Clean(p), f: f, from: from, obj: obj}
}

// list returns the files directly in dir (recursive: at any depth), by
// path.
func (v *view) list(dir string, recursive bool) []*cfile {
	dir = path.Clean(dir)
	prefix := strings.TrimSuffix(dir, "/") + "/"
	var out []*cfile
	for p, f := range v.files {
		if path.Dir(p) == dir || recursive && strings.HasPrefix(p, prefix) {
			out = append(out, f)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].path < out[j].path })
	return out
}

// opaqueIn returns why files below (or at) dir may exist that are not in
// the repository, "" when every file there is known.
func (v *view) opaqueIn(dir string) string {
	dir = path.Clean(dir)
	for d, why := range v.opaque {
		if d == dir || strings.HasPrefix(dir, d+"/") {
			return why
		}
	}
	return ""
}

// build resolves an Install's references and reads its files as Grafana
// does.
func (a *assembler) build(in *install.Install) *Stack {
	s := &Stack{Install: in, Name: in.Name, LoadedBy: map[*model.Dashboard]*model.Provider{}, PartNotes: map[string]string{}}
	if len(in.Files) > 0 {
		s.Root = path.Dir(in.Files[0])
		for _, f := range in.Files {
			s.addFile(f)
		}
	}
	s.Kube = &model.Kube{Origin: string(in.Origin), Chart: in.Chart, ChartVersion: in.ChartVersion, Namespace: in.Namespace,
		Image: in.Image, Version: in.Version, Sources: in.Files, Skipped: in.Skipped,
		Written: append([]model.KubeSource{}, in.Written...), Files: map[string]string{}}
	for _, n := range in.Notes {
		s.Kube.Notes = append(s.Kube.Notes, note(n))
	}
	v := &view{files: map[string]*cfile{}, opaque: map[string]string{}}
	for _, m := range in.Mounts {
		a.mount(s, v, m)
	}
	for _, c := range in.DashboardConfigMaps {
		if ref := a.find("ConfigMap", c.Name.V, in.Namespace, in.Files[0]); ref != nil {
			a.use(s, ref)
			for _, e := range ref.entries {
				v.put(path.Join(c.Target, e.Name), e, describe(ref), ref)
			}
		} else {
			why := fmt.Sprintf("ConfigMap %q (dashboardsConfigMaps) is not in the repository", c.Name.V)
			v.opaque[c.Target] = why
			s.Kube.Skipped = append(s.Kube.Skipped, c.Target+": "+why)
		}
	}
	a.env(s, in)
	a.read(s, v)
	a.ingresses(s)
	for _, cf := range v.files {
		s.describe(cf.f)
	}
	return s
}

// describe names a file the stack reads from a manifest or values as the
// user knows it, for messages: `key "a.json" of ConfigMap "team-a"`,
// "values datasources.ds.yaml".
func (s *Stack) describe(f *install.File) {
	if f == nil || f.Virtual == "" || f.Disk != "" || f.Owner == "" {
		return
	}
	if strings.HasPrefix(f.Owner, "values ") {
		s.Kube.Files[f.Virtual] = f.Owner
		return
	}
	s.Kube.Files[f.Virtual] = fmt.Sprintf("key %q of %s", f.Name, f.Owner)
}

func note(n install.Note) model.KubeNote {
	k := model.KubeNote{Kind: n.Kind, Pos: n.Pos, End: n.End, Key: n.Key, Message: n.Message}
	for _, r := range n.Related {
		k.Related = append(k.Related, model.KubeRelated{Pos: r.Pos, Message: r.Message})
	}
	return k
}

func (a *assembler) use(s *Stack, ref *objRef) {
	for _, u := range ref.usedBy {
		if u == s {
			return
		}
	}
	ref.usedBy = append(ref.usedBy, s)
	s.addFile(ref.file)
}

// mount adds what a mount shows the container.
func (a *assembler) mount(s *Stack, v *view, m *install.Mount) {
	in := s.Install
	switch {
	case m.File != nil:
		v.put(m.Target, m.File, m.File.Owner, nil)
	case m.Dir != nil:
		for _, f := range m.Dir {
			v.put(path.Join(m.Target, f.Name), f, f.Owner, nil)
		}
	case m.Sidecar != nil:
		a.sidecar(s, v, m.Sidecar)
	case m.Volume != nil:
		vols := []*manifest.Volume{m.Volume}
		if m.Volume.Kind == "projected" {
			vols = m.Volume.Projected
		}
		for _, vol := range vols {
			kind := "ConfigMap"
			if vol.Kind == "secret" {
				kind = "Secret"
			}
			ref := a.find(kind, vol.Source.V, m.Namespace, in.Files[0])
			if ref == nil {
				why := fmt.Sprintf("%s %q is not in the repository", kind, vol.Source.V)
				s.Kube.Skipped = append(s.Kube.Skipped, fmt.Sprintf("%s: mounted from %s; what Grafana reads there is unknown", m.Target, why))
				if m.SubPath == "" {
					v.opaque[m.Target] = why
				} else {
					v.opaque[path.Dir(m.Target)+"/"+path.Base(m.Target)] = why
				}
				continue
			}
			a.use(s, ref)
			// items project chosen keys to chosen paths; without items
			// every key is a file named after it.
			files := map[string]*install.File{}
			if len(vol.Items) > 0 {
				for _, it := range vol.Items {
					for _, e := range ref.entries {
						if e.Name == it.Key.V {
							files[it.Path.V] = e
						}
					}
				}
			} else {
				for _, e := range ref.entries {
					files[e.Name] = e
				}
			}
			if m.SubPath != "" {
				if f := files[m.SubPath]; f != nil {
					v.put(m.Target, f, describe(ref), ref)
				} else {
					s.Kube.Skipped = append(s.Kube.Skipped, fmt.Sprintf("%s: subPath %q is not a key of %s", m.Target, m.SubPath, describe(ref)))
				}
				continue
			}
			for name, f := range files {
				v.put(path.Join(m.Target, name), f, describe(ref), ref)
			}
		}
	case m.Opaque != "":
		v.opaque[m.Target] = m.Opaque
	}
}

// sidecar copies the keys of the objects a k8s-sidecar selects into its
// folder (a subfolder when the object has the folder annotation; the
// sidecar's default annotation is k8s-sidecar-target-directory).
func (a *assembler) sidecar(s *Stack, v *view, sc *install.Sidecar) {
	ks := model.KubeSidecar{Kind: sc.Kind, Label: sc.Label, LabelValue: sc.LabelValue, Folder: sc.Folder, Namespaces: sc.Namespaces, Pos: sc.Pos}
	for _, o := range a.selectedBy(s, sc) {
		a.use(s, o)
		ks.Objects = append(ks.Objects, o.id())
		dir := sc.Folder
		ann := sc.FolderAnnotation
		if ann == "" {
			ann = "k8s-sidecar-target-directory"
		}
		if sub := o.annotations[ann]; sub != "" {
			if path.IsAbs(sub) {
				dir = sub
			} else {
				dir = path.Join(dir, sub)
			}
		}
		for _, e := range o.entries {
			v.put(path.Join(dir, e.Name), e, "the "+sc.Kind+" sidecar (from "+describe(o)+")", o)
		}
	}
	s.Kube.Sidecars = append(s.Kube.Sidecars, ks)
}

// selectedBy returns the objects a sidecar of s copies: the label (and
// value), the resource kinds and the namespaces it watches. When an
// object's namespace or Grafana's is not written, the object goes to the
// sidecars of the Grafanas declared nearest to it in the repository.
func (a *assembler) selectedBy(s *Stack, sc *install.Sidecar) []*objRef {
	var out []*objRef
	for _, o := range a.objs {
		if !sidecarMatches(sc, o) {
			continue
		}
		if in := a.reserved[o.obj]; in != nil && in != s.Install {
			continue
		}
		if !a.watches(s, sc, o) {
			continue
		}
		out = append(out, o)
	}
	return out
}

func sidecarMatches(sc *install.Sidecar, o *objRef) bool {
	switch sc.Resource {
	case "configmap":
		if o.kind != "ConfigMap" {
			return false
		}
	case "secret":
		if o.kind != "Secret" {
			return false
		}
	}
	val, ok := o.labels[sc.Label]
	if !ok || sc.Label == "" {
		return false
	}
	return sc.LabelValue == "" || val == sc.LabelValue
}

// watches reports whether a sidecar of s watches object o's namespace,
// and whether, among the Grafanas whose sidecars could take o, s is one
// declared nearest to o.
func (a *assembler) watches(s *Stack, sc *install.Sidecar, o *objRef) bool {
	ns, all := s.Install.Namespace, false
	listed := false
	for _, n := range sc.Namespaces {
		if n == "ALL" {
			all = true
		}
		if n == o.namespace {
			listed = true
		}
	}
	switch {
	case all || listed:
	case len(sc.Namespaces) > 0 && o.namespace != "":
		return false
	case ns != "" && o.namespace != "" && ns != o.namespace:
		return false
	}
	// Nearest Grafana with a matching sidecar wins ties of unknown
	// namespaces.
	dir := path.Dir(o.file)
	mine := commonPrefix(dir, path.Dir(s.Install.Files[0]))
	for _, other := range a.withSidecars() {
		if other == s.Install {
			continue
		}
		for _, osc := range other.Sidecars {
			if osc.Kind == sc.Kind && sidecarMatches(osc, o) && commonPrefix(dir, path.Dir(other.Files[0])) > mine {
				if o.namespace == "" || other.Namespace == "" || other.Namespace == o.namespace {
					return false
				}
			}
		}
	}
	return true
}

// withSidecars returns the Installs of the files that have sidecars.
func (a *assembler) withSidecars() []*install.Install {
	if a.sidecarInstalls == nil {
		a.sidecarInstalls = []*install.Install{}
		for _, f := range a.files {
			for _, in := range f.Installs {
				if len(in.Sidecars) > 0 {
					a.sidecarInstalls = append(a.sidecarInstalls, in)
				}
			}
		}
	}
	return a.sidecarInstalls
}

// env resolves variables read from Secret and ConfigMap keys, and envFrom,
// when those objects are in the repository.
func (a *assembler) env(s *Stack, in *install.Install) {
	file := ""
	if len(in.Files) > 0 {
		file = in.Files[0]
	}
	for _, e := range in.Env {
		ev := e.EnvVar
		if e.FromName != "" {
			if ref := a.find(e.FromKind, e.FromName, in.Namespace, file); ref != nil {
				for _, ent := range ref.entries {
					if ent.Name == e.FromKey && ent.Text != nil {
						ev.Value = strings.TrimSuffix(ent.Text.String(), "\n")
						ev.ValuePos = ent.Text.At(0)
						a.use(s, ref)
					}
				}
			}
		}
		s.Env = append(s.Env, ev)
	}
	for _, ef := range in.EnvFrom {
		ref := a.find(ef.Kind, ef.Name.V, in.Namespace, file)
		if ref == nil {
			continue
		}
		a.use(s, ref)
		for _, ent := range ref.entries {
			if ent.Text == nil {
				continue
			}
			s.Env = append(s.Env, model.EnvVar{Name: ef.Prefix + ent.Name, Value: strings.TrimSuffix(ent.Text.String(), "\n"), Pos: ent.Pos, ValuePos: ent.Text.At(0)})
		}
	}
}

// read reads the container's files as Grafana does (pkg/setting and
// pkg/services/provisioning): grafana.ini at GF_PATHS_CONFIG, datasource
// and dashboard provisioning files directly in <provisioning>/datasources
// and <provisioning>/dashboards whose names end in .yaml or .yml (lexical
// order), and every *.json below each provider's path.
func (a *assembler) read(s *Stack, v *view) {
	in := s.Install
	cfg := in.ConfigPath
	if val, ok := staticEnv(s.Env, "GF_PATHS_CONFIG"); ok {
		cfg = val
	}
	if cf := v.files[path.Clean(cfg)]; cf != nil {
		if p := use(cf, model.KindIni); p != nil {
			s.Ini = p.Ini
		}
	}
	prov := in.ProvisioningPath
	if s.Ini != nil {
		for _, sec := range s.Ini.Sections {
			if sec.Name.V != "paths" {
				continue
			}
			for _, k := range sec.Keys {
				if k.Name.V == "provisioning" && path.IsAbs(k.Value.V) && !strings.Contains(k.Value.V, "$") {
					prov = path.Clean(k.Value.V)
				}
			}
		}
	}
	if val, ok := staticEnv(s.Env, "GF_PATHS_PROVISIONING"); ok {
		prov = val
	}
	s.ProvisioningDir = prov
	shown := func(sub string) string { return path.Join(prov, sub) + "/" }
	// Datasources.
	dsDir := path.Join(prov, "datasources")
	for _, cf := range v.list(dsDir, true) {
		if path.Dir(cf.path) != dsDir {
			if cf.f.Sniff() == model.KindDatasources {
				s.unload(cf, fmt.Sprintf("at %s, in a subdirectory of %s: Grafana reads only the files directly in it", cf.path, shown("datasources")))
			}
			continue
		}
		name := path.Base(cf.path)
		if !strings.HasSuffix(name, ".yaml") && !strings.HasSuffix(name, ".yml") {
			if cf.f.Sniff() == model.KindDatasources {
				s.unload(cf, fmt.Sprintf("at %s: Grafana reads only the files in %s whose names end in .yaml or .yml (lower case)", cf.path, shown("datasources")))
			}
			continue
		}
		if cf.f.Text == nil {
			if cf.f.Disk != "" || cf.f.Unknown != "" {
				s.NoDatasources = true
				s.PartNotes["datasource provisioning"] = fmt.Sprintf("%s is not in the repository", cf.path)
			}
			continue
		}
		if p := use(cf, model.KindDatasources); p != nil && p.DS != nil {
			s.DatasourceFiles = append(s.DatasourceFiles, p.DS)
		}
	}
	if why := v.opaqueIn(dsDir); why != "" && why != emptyDirWhy(v, dsDir) {
		s.NoDatasources = true
		s.PartNotes["datasource provisioning"] = fmt.Sprintf("%s comes from a source that is not in the repository: %s", shown("datasources"), why)
	}
	// Dashboard providers.
	dbDir := path.Join(prov, "dashboards")
	for _, cf := range v.list(dbDir, false) {
		name := path.Base(cf.path)
		if !strings.HasSuffix(name, ".yaml") && !strings.HasSuffix(name, ".yml") {
			if cf.f.Sniff() == model.KindProviders {
				s.unload(cf, fmt.Sprintf("at %s: Grafana reads only the files in %s whose names end in .yaml or .yml (lower case)", cf.path, shown("dashboards")))
			}
			continue
		}
		if p := use(cf, model.KindProviders); p != nil && p.Prov != nil {
			s.ProviderFiles = append(s.ProviderFiles, p.Prov)
		}
	}
	// Dashboards below each provider's path.
	loaded := map[*install.File]bool{}
	for _, pf := range s.ProviderFiles {
		for _, p := range pf.Providers {
			if p.PathDynamic || p.Path.V == "" || !path.IsAbs(p.Path.V) {
				continue
			}
			pp := path.Clean(p.Path.V)
			var files []*cfile
			if cf := v.files[pp]; cf != nil {
				files = []*cfile{cf}
			} else {
				files = v.list(pp, true)
			}
			for _, cf := range files {
				if !strings.EqualFold(path.Ext(cf.path), ".json") || loaded[cf.f] {
					continue
				}
				loaded[cf.f] = true
				d := a.dashboard(s, cf)
				if d != nil {
					s.Dashboards = append(s.Dashboards, d)
					s.LoadedBy[d] = p
				}
			}
			for i := range in.Downloads {
				dl := in.Downloads[i]
				if dl.Target == pp || strings.HasPrefix(dl.Target, pp+"/") {
					dl.Provider = p.Name.V
				}
			}
		}
	}
	for _, dl := range in.Downloads {
		kd := model.KubeDownload{Provider: dl.Provider, Name: dl.Name, Source: dl.Source, Target: dl.Target}
		for _, pf := range s.ProviderFiles {
			for _, p := range pf.Providers {
				pp := path.Clean(p.Path.V)
				if path.IsAbs(pp) && (dl.Target == pp || strings.HasPrefix(dl.Target, pp+"/")) {
					kd.Loaded = true
				}
			}
		}
		s.Kube.Downloads = append(s.Kube.Downloads, kd)
	}
	if len(s.Dashboards) == 0 && len(s.Kube.Downloads) > 0 {
		s.PartNotes["dashboard provisioning"] = fmt.Sprintf("its %d dashboards are downloaded at deploy time, so their content is unknown", len(s.Kube.Downloads))
	}
	// Dashboard files in the container that no provider loads.
	for _, cf := range v.list("/", true) {
		if loaded[cf.f] || !strings.EqualFold(path.Ext(cf.path), ".json") || cf.f.Sniff() != model.KindDashboard {
			continue
		}
		if d := a.dashboard(s, cf); d != nil {
			s.Loose = append(s.Loose, d)
			s.unload(cf, fmt.Sprintf("at %s, where no dashboard provider of this Grafana looks (%s)", cf.path, providerPaths(s)))
		}
	}
}

// emptyDirWhy returns the opaque reason of an emptyDir a sidecar fills at
// dir (its content is the sidecar's, which the view lists).
func emptyDirWhy(v *view, dir string) string {
	why := v.opaque[path.Clean(dir)]
	if strings.HasPrefix(why, "emptyDir") {
		return why
	}
	return ""
}

func providerPaths(s *Stack) string {
	var ps []string
	for _, pf := range s.ProviderFiles {
		for _, p := range pf.Providers {
			ps = append(ps, p.Path.V)
		}
	}
	if len(ps) == 0 {
		return "it has no dashboard provider"
	}
	return "providers read " + strings.Join(ps, ", ")
}

// dashboard returns the dashboard of a container file: embedded JSON, or a
// repository file a generator or the chart's "file:" reads.
func (a *assembler) dashboard(s *Stack, cf *cfile) *model.Dashboard {
	f := cf.f
	if f.Disk != "" {
		d, ok := a.disk.Dashboard(f.Disk)
		if !ok {
			s.Kube.Skipped = append(s.Kube.Skipped, fmt.Sprintf("%s: %s reads %s, which is not in the repository", cf.path, f.Owner, f.Disk))
			return nil
		}
		if d != nil {
			s.DiskDashboards = append(s.DiskDashboards, f.Disk)
			s.addFile(f.Disk)
		}
		return d
	}
	p := use(cf, model.KindDashboard)
	if p == nil {
		return nil
	}
	return p.Dash
}

// use reads a container file as kind, marking its object used.
func use(cf *cfile, kind model.Kind) *install.Parsed {
	cf.f.Used = kind
	return cf.f.As(kind)
}

func (s *Stack) unload(cf *cfile, reason string) {
	kind := cf.f.Sniff()
	p := cf.f.Virtual
	if cf.f.Disk != "" {
		p = cf.f.Disk
	}
	for _, u := range s.Unloaded {
		if u.Path == p {
			return
		}
	}
	u := model.UnloadedFile{Path: p, Kind: kind, Reason: cf.from + ", " + reason}
	if cf.f.Disk == "" {
		u.Pos = cf.f.Pos
	}
	s.Unloaded = append(s.Unloaded, u)
}

// staticEnv returns the last value of a variable when it is an absolute
// path without placeholders.
func staticEnv(env []model.EnvVar, name string) (string, bool) {
	val, ok := "", false
	for _, e := range env {
		if e.Name == name {
			val, ok = e.Value, e.Value != ""
		}
	}
	if !ok || strings.Contains(val, "$") || !path.IsAbs(val) {
		return "", false
	}
	return path.Clean(val), true
}
