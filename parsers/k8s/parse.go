// Package k8s reads Kubernetes deployments of Grafana — grafana Helm chart
// values (values files, Flux HelmReleases, Argo CD Applications),
// kube-prometheus-stack, raw manifests and kustomize output, grafana-
// operator resources, Ingresses — into the same parts the rest of
// grafanalint checks: the grafana.ini Grafana reads, its provisioning
// files, its dashboards, its environment and the proxy in front of it,
// every value positioned in the file the user wrote.
//
// It works in two steps. ParseFile reads one file, independently of the
// others, into plain data (objects, the Grafanas a chart or operator
// resource declares, the embedded files each ConfigMap or Secret key
// holds, parsed as the kind their content shows). Assemble then resolves
// what the files reference across each other — the ConfigMaps a workload
// mounts, the labelled objects a sidecar copies, the resources an
// operator instance selects, the Ingress routing to a Service — and reads
// each Grafana's files the way Grafana does.
package k8s

import (
	"bytes"
	"path"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/grafanalint/grafanalint/parsers/k8s/helmchart"
	"github.com/grafanalint/grafanalint/parsers/k8s/install"
	"github.com/grafanalint/grafanalint/parsers/k8s/kps"
	"github.com/grafanalint/grafanalint/parsers/k8s/manifest"
	"github.com/grafanalint/grafanalint/parsers/k8s/operator"
	"github.com/grafanalint/grafanalint/parsers/k8s/subst"
	"github.com/grafanalint/grafanalint/parsers/model"
)

// File is what one YAML file holds for Grafana on Kubernetes.
type File struct {
	*manifest.File
	// Installs are the Grafanas the file declares (chart values, a Flux
	// HelmRelease or Argo CD Application, a grafana-operator Grafana).
	Installs []*install.Install
	// Workloads are the workloads of the file that run Grafana.
	Workloads []*manifest.Object
	// Virtual are objects charts of the file create (kube-prometheus-
	// stack's datasource ConfigMap, extraObjects).
	Virtual []*manifest.Object
	// Entries are the embedded files of the ConfigMaps and Secrets (and
	// kustomize literals), by entry.
	Entries map[*manifest.Entry]*install.File
	// Operator resources.
	Datasources []*operator.Datasource
	Dashboards  []*operator.Dashboard
	Folders     []*operator.Folder
	// Handoffs are kube-prometheus-stack releases that hand their default
	// dashboards to grafana-operator.
	Handoffs []Handoff
	// Relevant is set when the file holds anything of Grafana's; Support
	// when it holds only what decides how other files deploy (a
	// kustomization's namespace, a Flux Kustomization's target namespace
	// or post-build substitution).
	Relevant bool
	Support  bool
	// Referable is set when the file holds ConfigMaps or Secrets (or
	// kustomize generators of them) none of whose keys is a file Grafana
	// reads — GF_* variables, an admin password: they are Grafana's only
	// when a Grafana reads them through envFrom, valueFrom or a volume,
	// which Assemble decides (a Stack's Files then name the file).
	Referable bool
	// Overlay is set for a values file that configures nothing of
	// Grafana's by itself but may be merged over a Grafana values file of
	// its directory (values-prod.yaml setting only ingress hosts).
	Overlay bool

	// consumed is set when a release reads the file's values (Flux
	// valuesFrom, Argo CD valueFiles): it is no installation of its own.
	consumed bool
}

// Handoff is kube-prometheus-stack handing its default dashboards to
// grafana-operator instances with the given labels.
type Handoff struct {
	Labels    map[string]string
	Namespace string
	Pos       model.Pos
	// Owner is the release object whose chart does it (nil for a values
	// file).
	Owner *manifest.Object
}

// Objects returns the file's objects and the virtual ones.
func (f *File) Objects() []*manifest.Object {
	return append(append([]*manifest.Object{}, f.File.Objects...), f.Virtual...)
}

// Candidate reports, from its text alone, whether a YAML file may hold
// something of Grafana's on Kubernetes, so that other YAML is not parsed.
func Candidate(src []byte) bool {
	for _, w := range candidateWords {
		if bytes.Contains(src, w) {
			return true
		}
	}
	return false
}

var candidateWords = [][]byte{
	[]byte("grafana"), []byte("Grafana"), []byte("GRAFANA"), []byte("GF_"), []byte("schemaVersion"),
	[]byte("kind: Ingress"), []byte("kind: HTTPRoute"), []byte("configMapGenerator"), []byte("postBuild"),
	[]byte("targetNamespace"), []byte("sidecar:"), []byte("datasources:"), []byte("dashboardProviders"),
	[]byte("kind: Kustomization"), []byte("adminPassword"), []byte("existingSecret"), []byte("envFromSecret"),
	[]byte("dashboards:"),
}

// IsManifest reports, from its text alone, whether a YAML file holds
// Kubernetes objects: a top-level "kind:" key, which neither provisioning
// nor compose files have.
func IsManifest(src []byte) bool {
	for len(src) > 0 {
		if bytes.HasPrefix(src, []byte("kind:")) {
			return true
		}
		i := bytes.IndexByte(src, '\n')
		if i < 0 {
			break
		}
		src = src[i+1:]
	}
	return false
}

// ParseFile reads one YAML file. Positions carry path.
func ParseFile(path string, src []byte) *File {
	return parseFile(path, src, manifest.Parse(path, src))
}

func parseFile(path string, src []byte, mf *manifest.File) *File {
	f := &File{File: mf, Entries: map[*manifest.Entry]*install.File{}}
	for _, o := range f.File.Objects {
		f.object(o)
	}
	for _, v := range f.Values {
		f.values(v)
	}
	for _, o := range f.Virtual {
		if f.entries(o) {
			f.Relevant = true
		}
	}
	if len(f.Installs) > 0 || len(f.Workloads) > 0 || len(f.Datasources) > 0 || len(f.Dashboards) > 0 || len(f.Handoffs) > 0 {
		f.Relevant = true
	}
	if !f.Relevant && len(f.Problems) > 0 && (IsValuesName(path) || bytes.Contains(src, []byte("kind: HelmRelease"))) && Candidate(src) {
		// A broken values file or HelmRelease cannot tell whether it
		// configures Grafana, but it mentions Grafana's keys: Helm or
		// Flux refuses it, and so must the linter.
		f.Relevant = true
	}
	if !f.Relevant && len(f.File.Objects) == 0 && len(f.Values) > 0 && IsValuesName(path) {
		// Maybe an overlay of another values file (values-prod.yaml over
		// values.yaml): Assemble merges it when its base is Grafana's.
		f.Overlay = true
	}
	return f
}

// IsValuesName reports whether a file name is that of Helm values:
// values.yaml, values-<env>.yaml, values.<env>.yaml, <name>-values.yaml.
func IsValuesName(p string) bool {
	b := strings.ToLower(path.Base(p))
	ext := path.Ext(b)
	if ext != ".yaml" && ext != ".yml" {
		return false
	}
	b = strings.TrimSuffix(b, ext)
	return b == "values" || strings.HasPrefix(b, "values-") || strings.HasPrefix(b, "values.") || strings.HasSuffix(b, "-values") || strings.HasSuffix(b, "_values")
}

func (f *File) object(o *manifest.Object) {
	switch {
	case operator.Is(o):
		switch o.Kind.V {
		case "Grafana":
			f.Installs = append(f.Installs, operator.ReadGrafana(o))
		case "GrafanaDatasource":
			f.Datasources = append(f.Datasources, operator.ReadDatasource(o))
		case "GrafanaDashboard":
			f.Dashboards = append(f.Dashboards, operator.ReadDashboard(o))
		case "GrafanaFolder":
			f.Folders = append(f.Folders, operator.ReadFolder(o))
		}
		f.Relevant = true
	case o.Data != nil:
		if f.entries(o) {
			f.Relevant = true
		} else {
			f.Referable = true
		}
	case o.Pod != nil:
		if runsGrafana(o.Pod) {
			f.Workloads = append(f.Workloads, o)
		}
	case o.Ingress != nil:
		for _, r := range o.Ingress.Rules {
			for _, p := range r.Paths {
				if strings.Contains(p.Backend.Service.V, "grafana") {
					f.Relevant = true
				}
			}
		}
	case o.Service != nil:
		if strings.Contains(o.Name.V, "grafana") {
			f.Relevant = true
		}
	case o.Release != nil:
		f.release(o)
	case o.Flux != nil:
		if o.Flux.PostBuild || o.Flux.TargetNamespace != "" {
			f.Support = true
		}
	case o.Kustomization != nil:
		if o.Kustomization.Namespace != "" {
			f.Support = true
		}
		for _, g := range o.Kustomization.Generators {
			f.Referable = true
			for _, e := range g.Entries {
				if e.Text != nil {
					f.entry(o, g.Name.V, e)
				}
				if strings.HasSuffix(e.FromFile, ".json") || hasSidecarLabel(g.Labels) {
					f.Relevant = true
				}
			}
		}
	}
}

// hasSidecarLabel reports whether labels include one of the sidecars'
// default labels.
func hasSidecarLabel(l map[string]model.Str) bool {
	_, d := l["grafana_dashboard"]
	_, s := l["grafana_datasource"]
	return d || s
}

// entries builds the embedded files of a ConfigMap or Secret, parsing
// those whose content is Grafana's; it reports whether any is.
func (f *File) entries(o *manifest.Object) bool {
	any := hasSidecarLabel(o.Labels)
	for _, e := range o.Data {
		if ef := f.entry(o, o.Name.V, e); ef != nil && ef.Sniff() != "" {
			any = true
		}
		if e.Problem != nil && grafanaKey(e.Key.V) {
			any = true // a broken value of what looks like Grafana's file
		}
	}
	return any
}

func (f *File) entry(o *manifest.Object, name string, e *manifest.Entry) *install.File {
	prefix := o.Virtual
	if prefix == "" {
		prefix = f.Path + "#" + o.Kind.V + "/" + name + "/"
	}
	ef := &install.File{Name: e.Key.V, Virtual: prefix + e.Key.V, Text: e.Text, Disk: e.FromFile, Pos: e.Key.Pos, Problem: e.Problem,
		Owner: o.Kind.V + " \"" + name + "\""}
	if o.Generated != "" {
		ef.Owner = o.Generated
	}
	if k := ef.Sniff(); k != "" {
		ef.As(k) // parse now, in this file's goroutine
	}
	f.Entries[e] = ef
	return ef
}

// grafanaKey reports whether a ConfigMap or Secret key names a file
// Grafana reads.
func grafanaKey(k string) bool {
	l := strings.ToLower(k)
	return l == "grafana.ini" || strings.HasSuffix(l, ".json") || strings.Contains(l, "datasource") || strings.Contains(l, "dashboard")
}

// runsGrafana reports whether a pod runs the Grafana server image.
func runsGrafana(p *manifest.PodSpec) bool {
	for _, c := range p.Containers {
		if !c.Init && IsGrafanaImage(c.Image.V) {
			return true
		}
	}
	return false
}

// IsGrafanaImage reports whether an image reference is Grafana's server:
// grafana/grafana, grafana/grafana-oss, grafana/grafana-enterprise (any
// registry, tag or digest), not the image renderer or other Grafana Labs
// images.
func IsGrafanaImage(img string) bool {
	img = subst.MaskHelm(img)
	if i := strings.Index(img, "@"); i >= 0 {
		img = img[:i]
	}
	if i := strings.LastIndex(img, ":"); i > strings.LastIndex(img, "/") {
		img = img[:i]
	}
	base := img
	if i := strings.LastIndex(img, "/"); i >= 0 {
		base = img[i+1:]
		owner := img[:i]
		if j := strings.LastIndex(owner, "/"); j >= 0 {
			owner = owner[j+1:]
		}
		if owner != "grafana" && owner != "library" && owner != "bitnami" && !strings.Contains(owner, "grafana") {
			return base == "grafana"
		}
	}
	switch base {
	case "grafana", "grafana-oss", "grafana-enterprise":
		return true
	}
	return false
}

// release reads a Flux HelmRelease or an Argo CD Application with its
// inline values.
func (f *File) release(o *manifest.Object) {
	var layers []*manifest.Values
	if o.Release.Values != nil {
		layers = append(layers, o.Release.Values)
	}
	f.renderRelease(o, layers, valuesFrom(o))
}

// renderRelease renders a release's chart with values layers (merged in
// order, later ones winning, as Helm merges its -f files); skipped says
// what values could not be read.
func (f *File) renderRelease(o *manifest.Object, layers []*manifest.Values, skipped []string) {
	r := o.Release
	chart := path.Base(r.Chart.V)
	name := r.Name
	if r.Namespace != "" {
		name = r.Namespace + "/" + r.Name
	}
	origin := install.OriginHelmRelease
	if o.Kind.V == "Application" {
		origin = install.OriginArgoCD
	}
	virtual := f.Path + "#" + o.Kind.V + "/" + o.Name.V + "/"
	if len(layers) > 0 {
		// Lists replace: the extraObjects of the last values setting them.
		for i := len(layers) - 1; i >= 0; i-- {
			if manifest.Get(layers[i].Node, "extraObjects") != nil {
				f.extraObjects(layers[i], virtual, o)
				break
			}
		}
	}
	if len(layers) == 0 {
		layers = []*manifest.Values{{Node: &yaml.Node{Kind: yaml.MappingNode, Line: o.Node.Line, Column: o.Node.Column}, Src: f.Src}}
	}
	switch {
	case chart == "grafana" || strings.HasSuffix(chart, "/grafana"):
		in := helmchart.Render(helmchart.Options{Release: r.Name, Namespace: r.Namespace, Origin: origin, Name: name,
			Files: []string{f.Path}, Virtual: virtual, Chart: "grafana", ChartVersion: r.Version.V}, layers...)
		in.Pos, in.Object = o.Kind.Pos, o
		in.Skipped = append(in.Skipped, skipped...)
		f.Installs = append(f.Installs, in)
		f.Relevant = true
	case strings.Contains(chart, kps.Chart) || strings.Contains(r.ChartRef, kps.Chart):
		f.kps(o, kps.Options{Release: r.Name, Namespace: r.Namespace, Origin: origin, Name: name, Files: []string{f.Path}, Virtual: virtual, Version: r.Version.V}, skipped, layers...)
	default:
		var subs []*manifest.Values
		var gk *yaml.Node
		for _, l := range layers {
			if sub := grafanaSubtree(l); sub != nil {
				subs = append(subs, sub)
				gk, _ = manifest.GetKey(l.Node, "grafana")
			}
		}
		if len(subs) == 0 {
			return
		}
		if en := lastSet(subs, "enabled"); en != nil && !manifest.Truthy(en) {
			return
		}
		in := helmchart.Render(helmchart.Options{Release: r.Name, Namespace: r.Namespace, Origin: origin, Name: name,
			Files: []string{f.Path}, Virtual: virtual + "grafana/", Chart: chart, ChartVersion: r.Version.V, Anchor: gk}, subs...)
		in.Object = o
		in.Skipped = append(in.Skipped, skipped...)
		f.Installs = append(f.Installs, in)
		f.Relevant = true
	}
}

// lastSet returns the value of key in the last values that set it.
func lastSet(vs []*manifest.Values, key string) *yaml.Node {
	for i := len(vs) - 1; i >= 0; i-- {
		if n := manifest.Get(vs[i].Node, key); n != nil {
			return n
		}
	}
	return nil
}

func (f *File) kps(o *manifest.Object, opts kps.Options, skipped []string, vs ...*manifest.Values) {
	res := kps.Render(opts, vs...)
	if res.Grafana != nil {
		res.Grafana.Object = o
		res.Grafana.Skipped = append(res.Grafana.Skipped, skipped...)
		f.Installs = append(f.Installs, res.Grafana)
	}
	for _, vo := range res.Objects {
		vo.Owner = o
	}
	f.Virtual = append(f.Virtual, res.Objects...)
	if res.OperatorDashboards != nil {
		f.Handoffs = append(f.Handoffs, Handoff{Labels: res.OperatorDashboards, Namespace: opts.Namespace, Pos: res.OperatorPos, Owner: o})
	}
	f.Relevant = true
}

// valuesFrom says which values of a release come from objects of the
// cluster (Flux valuesFrom): they are not read.
func valuesFrom(o *manifest.Object) []string {
	if o == nil || o.Release == nil {
		return nil
	}
	var out []string
	for _, ref := range o.Release.ValuesFrom {
		out = append(out, "values from "+ref+" (spec.valuesFrom) are not read: the linted values may be overridden at deploy time")
	}
	return out
}

// extraObjects reads the extraObjects of a release's values (the grafana,
// loki and many other charts render each with tpl (toYaml .)): objects
// such as a datasource ConfigMap for the Grafana sidecar.
func (f *File) extraObjects(v *manifest.Values, virtual string, owner *manifest.Object) {
	eo := manifest.Get(v.Node, "extraObjects")
	if eo == nil || eo.Kind != yaml.SequenceNode {
		return
	}
	for _, it := range eo.Content {
		if it.Kind != yaml.MappingNode {
			continue
		}
		objs := manifest.ParseNode(v.Src, it, v.Doc)
		for _, o := range objs {
			o.Virtual = virtual + "extraObjects/" + o.Kind.V + "/" + o.Name.V + "/"
			o.Owner = owner
			o.Generated = o.Kind.V + " \"" + o.Name.V + "\" of the release's extraObjects"
			// tpl: placeholders are unknown.
			for _, e := range o.Data {
				if e.Text != nil {
					e.Text = e.Text.WithString(subst.MaskHelm(e.Text.String()))
				}
			}
			f.Virtual = append(f.Virtual, o)
		}
	}
}

// grafanaSubtree returns the grafana: subtree of an umbrella chart's
// values when it configures Grafana.
func grafanaSubtree(v *manifest.Values) *manifest.Values {
	g := manifest.Get(v.Node, "grafana")
	if g == nil || g.Kind != yaml.MappingNode || !grafanaValues(g) {
		return nil
	}
	return &manifest.Values{Node: g, Src: v.Src, Via: v.Via, Doc: v.Doc}
}

// grafanaValues reports whether a values mapping configures the grafana
// chart: a key only that chart has (grafana.ini, dashboardProviders,
// dashboardsConfigMaps, datasources keyed by file name) or two weaker
// signs (GF_* variables in env, the k8s-sidecar's dashboards or
// datasources, a dashboards map, adminPassword, envFromSecret…), so that
// another chart's values are not read as Grafana's.
func grafanaValues(n *yaml.Node) bool { return grafanaScore(n) >= 2 }

// grafanaScore counts the signs that a values mapping is the grafana
// chart's (see grafanaValues).
func grafanaScore(n *yaml.Node) int {
	score := 0
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i].Value, n.Content[i+1]
		switch k {
		case "grafana.ini", "dashboardProviders", "dashboardsConfigMaps":
			score += 2
		case "datasources":
			if v.Kind == yaml.MappingNode {
				score++
				for j := 0; j < len(v.Content); j += 2 {
					if name := v.Content[j].Value; strings.HasSuffix(name, ".yaml") || strings.HasSuffix(name, ".yml") {
						score++
						break
					}
				}
			}
		case "dashboards":
			if v.Kind == yaml.MappingNode {
				score++
			}
		case "env":
			if v.Kind == yaml.MappingNode {
				gf := 0
				for j := 0; j < len(v.Content); j += 2 {
					if strings.HasPrefix(v.Content[j].Value, "GF_") {
						gf++
					}
				}
				score += min(gf, 2)
			}
		case "sidecar":
			if manifest.Get(v, "dashboards") != nil || manifest.Get(v, "datasources") != nil {
				score++
			}
		case "adminPassword", "envFromSecret", "envRenderSecret", "envFromSecrets", "envValueFrom":
			score++
		}
	}
	return score
}

// kpsMarkers are top-level keys only kube-prometheus-stack values have.
var kpsMarkers = []string{"prometheusOperator", "kubeStateMetrics", "kube-state-metrics", "defaultRules", "kubeApiServer", "kubeEtcd", "kubeProxy", "nodeExporter", "prometheus-node-exporter", "kubelet"}

// values reads a values document.
func (f *File) values(v *manifest.Values) {
	if kind := valuesKindOf(f.Path, v); kind != valuesNone {
		name := f.Path
		if d := path.Dir(f.Path); d != "." {
			name = d + " (" + path.Base(f.Path) + ")"
		}
		f.renderValues(kind, name, []string{f.Path}, f.Path+"#", valuesChartDir(f.Path), []*manifest.Values{v})
	}
}

// valuesKind is the chart a values document is for.
type valuesKind int

const (
	valuesNone valuesKind = iota
	valuesGrafana
	valuesKPS
	valuesUmbrella // a grafana: subtree of another chart's values
)

// valuesKindOf tells which chart values are for.
func valuesKindOf(p string, v *manifest.Values) valuesKind {
	kpsLike := false
	for _, k := range kpsMarkers {
		if manifest.Get(v.Node, k) != nil {
			kpsLike = true
		}
	}
	if kpsLike && (manifest.Get(v.Node, "grafana") != nil || manifest.Get(v.Node, "prometheus") != nil) {
		return valuesKPS
	}
	// A file named for Grafana ("grafana/values.yaml",
	// "grafana-values.yaml") needs one sign only.
	named := strings.Contains(strings.ToLower(p), "grafana")
	if grafanaValues(v.Node) || named && grafanaScore(v.Node) >= 1 {
		return valuesGrafana
	}
	if sub := grafanaSubtree(v); sub != nil {
		if en := manifest.Get(sub.Node, "enabled"); en != nil && !manifest.Truthy(en) {
			return valuesNone
		}
		return valuesUmbrella
	}
	return valuesNone
}

// renderValues renders values files of one chart (later ones override
// earlier ones) as an installation named after them.
func (f *File) renderValues(kind valuesKind, display string, files []string, virtual, chartDir string, vs []*manifest.Values) {
	switch kind {
	case valuesKPS:
		f.kps(nil, kps.Options{Origin: install.OriginValues, Name: display, Files: files, Virtual: virtual}, nil, vs...)
	case valuesGrafana:
		in := helmchart.Render(helmchart.Options{Origin: install.OriginValues, Name: display, Files: files, Virtual: virtual, Chart: "grafana", ChartDir: chartDir}, vs...)
		f.Installs = append(f.Installs, in)
		f.Relevant = true
	case valuesUmbrella:
		var subs []*manifest.Values
		var gk *yaml.Node
		for _, v := range vs {
			if sub := grafanaSubtree(v); sub != nil {
				subs = append(subs, sub)
				gk, _ = manifest.GetKey(v.Node, "grafana")
			}
		}
		in := helmchart.Render(helmchart.Options{Origin: install.OriginValues, Name: display, Files: files, Virtual: virtual + "grafana/", Chart: "grafana", Anchor: gk}, subs...)
		f.Installs = append(f.Installs, in)
		f.Relevant = true
	}
}

// valuesChartDir is the chart directory of a values file: the directory
// of a chart's own values.yaml (the assembly step confirms the
// Chart.yaml).
func valuesChartDir(p string) string {
	if chartDir(p) {
		return path.Dir(p)
	}
	return ""
}

// chartDir reports whether a values file sits in a chart's directory
// (values.yaml next to Chart.yaml is the chart's own; the check is done by
// name: the assembly step confirms the Chart.yaml).
func chartDir(p string) bool { return path.Base(p) == "values.yaml" }
