package discover

import (
	"path"
	"slices"
	"sort"
	"strings"

	"github.com/grafanalint/grafanalint/parsers/k8s"
	"github.com/grafanalint/grafanalint/parsers/k8s/subst"
	"github.com/grafanalint/grafanalint/parsers/model"
	"github.com/grafanalint/grafanalint/parsers/suppress"
)

// Kubernetes sources (package k8s) join discovery in three places:
//   - classifyK8s, from classifyYAML: a YAML file that holds Grafana's
//     Kubernetes objects or Helm values is parsed on its own (in the
//     parsing pool) into k8s.File, of kind KindKubernetes or
//     KindHelmValues;
//   - kubernetesStacks, before leftover files are assigned: k8s.Assemble
//     resolves the files against each other and each Grafana becomes a
//     stack of origin "kubernetes";
//   - kubernetesFinish, after every stack is finished: what only the
//     Kubernetes layer knows (datasources from outside the repository,
//     why the proxy part is missing) is set on the stacks, and the
//     problems and inline ignores of embedded files go to the files they
//     are written in.

// isTemplateYAML reports whether a name is a YAML template (values.yaml.tpl
// rendered by Terraform's templatefile).
func isTemplateYAML(name string) bool {
	l := strings.ToLower(name)
	return strings.HasSuffix(l, ".yaml.tpl") || strings.HasSuffix(l, ".yml.tpl")
}

// classifyK8s parses e as a Kubernetes file when it holds anything of
// Grafana's. Terraform template directives (%{ … }) are masked first,
// keeping every position.
func (l *loader) classifyK8s(e *entry, src []byte) bool {
	if !k8s.Candidate(src) && !k8s.IsValuesName(e.disp) {
		return false
	}
	if isTemplateYAML(e.disp) {
		src = []byte(subst.MaskTerraform(string(src)))
	}
	f := k8s.ParseFile(e.disp, src)
	if !f.Relevant && !f.Support && !f.Overlay && !f.Referable {
		return false
	}
	e.k8s = f
	kind := model.KindKubernetes
	if len(f.File.Objects) == 0 && (len(f.Values) > 0 || k8s.IsValuesName(e.disp)) {
		kind = model.KindHelmValues
	}
	// As setKind, but inline ignores are looked for only when the text
	// mentions grafanalint (ignores inside embedded files come from
	// k8s.Report).
	e.kind = kind
	mf := &model.File{Path: e.disp, Abs: e.abs, Kind: kind, Reported: e.reported, Problems: append([]model.Problem{}, f.Problems...)}
	mf.Source = l.sourceOf(e)
	if f.Directive { // no directive without it, and none inside a block scalar
		igs, iprobs := suppress.Scan(e.disp, src, kind)
		mf.Ignores = igs
		mf.Problems = append(mf.Problems, iprobs...)
	}
	e.file = mf
	return true
}

// k8sDisk serves the assembly's questions about repository files.
type k8sDisk struct{ l *loader }

func (d k8sDisk) Dashboard(p string) (*model.Dashboard, bool) {
	e := d.l.entries[p]
	if e == nil {
		return nil, false
	}
	if e.kind != model.KindDashboard && !d.l.force(e, model.KindDashboard) {
		return nil, true
	}
	d.l.parseDeferred(e)
	return e.dash, true
}

func (d k8sDisk) Bytes(p string) []byte {
	if e := d.l.entries[p]; e != nil {
		if e.src == nil && !e.bad {
			e.src = d.l.readSource(e)
		}
		return e.src
	}
	return nil
}

// Find returns the display paths of the repository files whose path ends
// with rel, component by component (a path relative to the root of the
// Git repository, where the linted tree may be a part of it or hold it).
func (d k8sDisk) Find(rel string) []string {
	rel = strings.TrimPrefix(path.Clean("/"+rel), "/")
	var out []string
	for disp := range d.l.entries {
		if disp == rel || strings.HasSuffix(disp, "/"+rel) {
			out = append(out, disp)
		}
	}
	sort.Strings(out)
	return out
}

// kubernetesStacks builds the stacks of the Kubernetes files.
func (l *loader) kubernetesStacks() {
	var files []*k8s.File
	for _, e := range l.sortedEntries() {
		if e.k8s != nil {
			files = append(files, e.k8s)
		}
	}
	if len(files) == 0 {
		return
	}
	stacks := k8s.Assemble(files, k8sDisk{l})
	l.k8sFiles, l.k8sStacks = files, stacks
	// Files that only decide how others deploy (namespaces, Flux
	// substitution) belong to the stack declared nearest to them; with no
	// Kubernetes stack they are not Grafana's.
	used := map[string]bool{}
	for _, ks := range stacks {
		for _, f := range ks.Files {
			used[f] = true
		}
	}
	for _, e := range l.sortedEntries() {
		if e.k8s == nil || used[e.disp] || e.k8s.Relevant {
			continue
		}
		if e.k8s.Overlay || e.k8s.Referable && !e.k8s.Support {
			// A values file no Grafana values were merged with, or
			// ConfigMaps and Secrets no Grafana reads (an application's
			// own, or GF_* variables nothing references): not Grafana's.
			e.k8s, e.kind, e.file = nil, "", nil
			continue
		}
		var best *k8s.Stack
		score := -1
		for _, ks := range stacks {
			if c := sharedDirs(path.Dir(e.disp), ks.Root); c > score && l.rootOfDisp(ks.Root) == e.root {
				best, score = ks, c
			}
		}
		if best == nil {
			e.k8s, e.kind, e.file = nil, "", nil
			continue
		}
		best.Files = append(best.Files, e.disp)
	}
	for _, ks := range stacks {
		root := l.rootOfDisp(ks.Root)
		b := l.newBuilder(model.OriginKubernetes, root)
		b.k8s = ks
		st := b.st
		st.Name = ks.Name
		b.dirs = []string{ks.Root}
		st.ProvisioningDir = ks.ProvisioningDir
		st.DatasourceFiles = ks.DatasourceFiles
		st.ProviderFiles = ks.ProviderFiles
		st.Dashboards = ks.Dashboards
		st.LoadedBy = ks.LoadedBy
		st.LooseDashboards = ks.Loose
		st.UnloadedFiles = ks.Unloaded
		st.Nginx = ks.Nginx
		st.GrafanaHosts = ks.GrafanaHosts
		st.Kubernetes = ks.Kube
		b.env = ks.Env
		if ks.Ini != nil {
			b.ini = &entry{disp: ks.Ini.Path, ini: ks.Ini, kind: model.KindIni}
		}
		for _, f := range ks.Files {
			if e := l.entries[f]; e != nil {
				b.claim(f)
				b.loaded[f] = true
			}
		}
		for _, f := range ks.DiskDashboards {
			b.claim(f)
			b.loaded[f] = true
		}
	}
}

// sharedDirs returns the number of leading directories a and b share.
func sharedDirs(a, b string) int {
	as, bs := strings.Split(a, "/"), strings.Split(b, "/")
	n := 0
	for n < len(as) && n < len(bs) && as[n] == bs[n] {
		n++
	}
	return n
}

// kubernetesFinish completes the Kubernetes stacks after finish, and
// hands embedded files' problems and ignores to their files.
func (l *loader) kubernetesFinish() {
	for _, b := range l.stacks {
		ks := b.k8s
		if ks == nil {
			continue
		}
		st := b.st
		if ks.Ini == nil {
			st.HasIni = false
		}
		if ks.NoDatasources {
			st.HasDatasources = false
		}
		if ks.Install.Operator != nil && len(st.Dashboards) > 0 {
			// grafana-operator loads GrafanaDashboards through the API:
			// they are loaded dashboards without a provider file.
			st.HasProviders = true
		}
		if len(ks.PartNotes) > 0 {
			st.PartNotes = ks.PartNotes
		}
		st.Root = ks.Root
		sort.SliceStable(st.UnloadedFiles, func(i, j int) bool { return st.UnloadedFiles[i].Path < st.UnloadedFiles[j].Path })
	}
	if len(l.k8sFiles) == 0 {
		return
	}
	probs, igs := k8s.Report(l.k8sFiles, l.k8sStacks)
	for p, ps := range probs {
		if e := l.entries[p]; e != nil && e.file != nil {
			for _, pr := range ps {
				if !slices.Contains(e.file.Problems, pr) {
					e.file.Problems = append(e.file.Problems, pr)
				}
			}
			sort.SliceStable(e.file.Problems, func(i, j int) bool { return e.file.Problems[i].Pos.Less(e.file.Problems[j].Pos) })
		}
	}
	for p, is := range igs {
		if e := l.entries[p]; e != nil && e.file != nil {
			e.file.Ignores = mergeIgnores(e.file.Ignores, is)
		}
	}
}

// mergeIgnores adds the ignores of embedded files to those the file's own
// scan found (a YAML scan skips block scalars, so none is found twice).
func mergeIgnores(have, add []model.Ignore) []model.Ignore {
	for _, a := range add {
		dup := false
		for _, h := range have {
			if h.Pos == a.Pos {
				dup = true
			}
		}
		if !dup {
			have = append(have, a)
		}
	}
	sort.SliceStable(have, func(i, j int) bool { return have[i].Pos.Less(have[j].Pos) })
	return have
}
