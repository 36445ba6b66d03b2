package manifest

import (
	"path"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/grafanalint/grafanalint/parsers/k8s/srcmap"
	"github.com/grafanalint/grafanalint/parsers/model"
)

// Release is a Helm release declared by a Flux HelmRelease or an Argo CD
// Application: the chart and the values it is installed with.
type Release struct {
	// Chart is the chart name (spec.chart.spec.chart, the name of the
	// chartRef, spec.source.chart), Version its version constraint.
	Chart   model.Str
	Version model.Str
	// ChartRef names a Flux OCIRepository or HelmChart holding the chart.
	ChartRef string
	// Name is the release name (spec.releaseName, else the object's
	// name); Namespace the target namespace.
	Name      string
	Namespace string
	// Values are the inline values (HelmRelease spec.values, Argo CD
	// helm.valuesObject or the helm.values string); nil when none.
	Values *Values
	// ValuesFrom are external values sources ("Kind/name"), Refs the same
	// with how to read them.
	ValuesFrom []string
	Refs       []ValuesRef
	// ValueFiles are an Argo CD source's helm.valueFiles, as written
	// ("$values/grafana/values.yaml", "values-prod.yaml"); Sources maps
	// each ref of spec.sources to its repository path ("" for the root),
	// ChartPath is the path of a chart kept in a Git source.
	ValueFiles []model.Str
	Sources    map[string]GitSource
	ChartPath  string
}

// ValuesRef is a Flux HelmRelease spec.valuesFrom entry: the values are
// the key ValuesKey (default "values.yaml") of a ConfigMap or Secret,
// merged at TargetPath when set.
type ValuesRef struct {
	Kind, Name, ValuesKey, TargetPath string
	Optional                          bool
	Pos                               model.Pos
}

// GitSource is an Argo CD source referenced by "$<ref>/…" value files.
type GitSource struct {
	RepoURL, Path string
}

// helmRelease reads a Flux HelmRelease.
func (f *File) helmRelease(o *Object) *Release {
	spec := Get(o.Node, "spec")
	r := &Release{Name: o.Name.V, Namespace: o.Namespace.V}
	if rn := Get(spec, "releaseName"); rn != nil {
		r.Name = rn.Value
	}
	if ns := Get(spec, "targetNamespace"); ns != nil {
		r.Namespace = ns.Value
	}
	cs := Path(spec, "chart", "spec")
	r.Chart, r.Version = f.Str(Get(cs, "chart")), f.Str(Get(cs, "version"))
	if ref := Get(spec, "chartRef"); ref != nil {
		r.ChartRef = val(Get(ref, "name"))
		if !r.Chart.IsSet() {
			r.Chart = f.Str(Get(ref, "name"))
		}
	}
	if v := Get(spec, "values"); v != nil && v.Kind == yaml.MappingNode {
		r.Values = &Values{Node: v, Src: f.Src, Doc: o.Doc}
	}
	if vf := Get(spec, "valuesFrom"); vf != nil && vf.Kind == yaml.SequenceNode {
		for _, e := range vf.Content {
			r.ValuesFrom = append(r.ValuesFrom, val(Get(e, "kind"))+"/"+val(Get(e, "name")))
			ref := ValuesRef{Kind: val(Get(e, "kind")), Name: val(Get(e, "name")), ValuesKey: val(Get(e, "valuesKey")), TargetPath: val(Get(e, "targetPath")), Pos: f.Pos(e)}
			if ref.ValuesKey == "" {
				ref.ValuesKey = "values.yaml"
			}
			ref.Optional, _ = Bool(Get(e, "optional"))
			r.Refs = append(r.Refs, ref)
		}
	}
	return r
}

// argoApplication reads an Argo CD Application's Helm source (spec.source
// or the first of spec.sources with helm settings or a chart).
func (f *File) argoApplication(o *Object) *Release {
	spec := Get(o.Node, "spec")
	r := &Release{Name: o.Name.V, Namespace: val(Path(spec, "destination", "namespace"))}
	sources := []*yaml.Node{Get(spec, "source")}
	if ss := Get(spec, "sources"); ss != nil && ss.Kind == yaml.SequenceNode {
		sources = append(sources, ss.Content...)
	}
	for _, s := range sources {
		if s == nil {
			continue
		}
		helm := Get(s, "helm")
		if helm == nil && Get(s, "chart") == nil {
			continue
		}
		r.Chart, r.Version = f.Str(Get(s, "chart")), f.Str(Get(s, "targetRevision"))
		if !r.Chart.IsSet() {
			if p := Get(s, "path"); p != nil {
				r.Chart = model.Str{V: path.Base(p.Value), Pos: f.Pos(p)}
			}
		}
		if rn := Get(helm, "releaseName"); rn != nil {
			r.Name = rn.Value
		}
		if vo := Get(helm, "valuesObject"); vo != nil && vo.Kind == yaml.MappingNode {
			r.Values = &Values{Node: vo, Src: f.Src, Doc: o.Doc}
		} else if vs := Get(helm, "values"); vs != nil && vs.Kind == yaml.ScalarNode {
			r.Values = f.embeddedValues(vs, o)
		}
		if vfs := Get(helm, "valueFiles"); vfs != nil && vfs.Kind == yaml.SequenceNode {
			for _, v := range vfs.Content {
				r.ValueFiles = append(r.ValueFiles, f.Str(v))
			}
		}
		if Get(s, "chart") == nil {
			r.ChartPath = val(Get(s, "path"))
		}
		break
	}
	for _, s := range sources[1:] {
		if ref := val(Get(s, "ref")); ref != "" {
			if r.Sources == nil {
				r.Sources = map[string]GitSource{}
			}
			r.Sources[ref] = GitSource{RepoURL: val(Get(s, "repoURL")), Path: val(Get(s, "path"))}
		}
	}
	return r
}

// embeddedValues parses a values string (Argo CD helm.values) as YAML whose
// positions map back to the manifest.
func (f *File) embeddedValues(n *yaml.Node, o *Object) *Values {
	v, p := TextValues(f.Path+"#"+o.Kind.V+"/"+o.Name.V+"/helm.values", srcmap.Scalar(f.Src, n))
	if p != nil {
		f.Problems = append(f.Problems, *p)
	}
	if v != nil {
		v.Doc = o.Doc
	}
	return v
}

// TextValues parses t, a values file kept as text (Argo CD helm.values, a
// ConfigMap key a Flux valuesFrom reads), as a values document whose
// positions map through t to where it is written; display names it. It is
// nil when the text holds no mapping, with a problem when it is not YAML.
func TextValues(display string, t *srcmap.Text) (*Values, *model.Problem) {
	src := srcmap.NewSource(display, []byte(t.String()))
	var doc yaml.Node
	if err := yaml.Unmarshal([]byte(t.String()), &doc); err != nil || len(doc.Content) == 0 || doc.Content[0].Kind != yaml.MappingNode {
		if err != nil {
			p := syntaxProblem(src.Path, err)
			p.Pos = t.Pos(p.Pos)
			return nil, &p
		}
		return nil, nil
	}
	return &Values{Node: doc.Content[0], Src: src, Via: t}, nil
}

// Wrap returns values v placed at a dotted path of keys
// ("grafana.ingress"; "grafana\\.ini.server" for a key with a dot, as
// Helm's --set reads it, which Flux's valuesFrom targetPath follows).
func Wrap(v *Values, dotted string) *Values {
	if dotted == "" {
		return v
	}
	var keys []string
	var cur strings.Builder
	for i := 0; i < len(dotted); i++ {
		switch c := dotted[i]; {
		case c == '\\' && i+1 < len(dotted):
			i++
			cur.WriteByte(dotted[i])
		case c == '.':
			keys = append(keys, cur.String())
			cur.Reset()
		default:
			cur.WriteByte(c)
		}
	}
	keys = append(keys, cur.String())
	n := v.Node
	for i := len(keys) - 1; i >= 0; i-- {
		k := &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: keys[i], Line: v.Node.Line, Column: v.Node.Column}
		n = &yaml.Node{Kind: yaml.MappingNode, Content: []*yaml.Node{k, n}, Line: v.Node.Line, Column: v.Node.Column}
	}
	return &Values{Node: n, Src: v.Src, Via: v.Via, Doc: v.Doc}
}

// Kustomization is a kustomize kustomization.yaml: its namespace, resources
// and generators.
type Kustomization struct {
	Namespace  string
	Resources  []string
	Generators []*Generator
}

// Generator is a configMapGenerator or secretGenerator entry.
type Generator struct {
	Kind      string // "ConfigMap" or "Secret"
	Name      model.Str
	Namespace string
	Labels    map[string]model.Str
	// Annotations are the entry's options.annotations merged over
	// generatorOptions.annotations.
	Annotations map[string]model.Str
	// Entries are the keys: files (content in FromFile) and literals.
	Entries []*Entry
	// Envs is set when keys also come from env files (envs:), which are
	// not read.
	Envs bool
}

func (f *File) kustomization(o *Object) *Kustomization {
	k := &Kustomization{Namespace: val(Get(o.Node, "namespace"))}
	if rs := Get(o.Node, "resources"); rs != nil && rs.Kind == yaml.SequenceNode {
		for _, r := range rs.Content {
			k.Resources = append(k.Resources, r.Value)
		}
	}
	gopts := Get(o.Node, "generatorOptions")
	dir := path.Dir(f.Path)
	for _, field := range []string{"configMapGenerator", "secretGenerator"} {
		gs := Get(o.Node, field)
		if gs == nil || gs.Kind != yaml.SequenceNode {
			continue
		}
		kind := "ConfigMap"
		if field == "secretGenerator" {
			kind = "Secret"
		}
		for _, g := range gs.Content {
			gen := &Generator{Kind: kind, Name: f.Str(Get(g, "name")), Namespace: k.Namespace}
			if ns := Get(g, "namespace"); ns != nil {
				gen.Namespace = ns.Value
			}
			gen.Labels = merge(f.StrMap(Get(gopts, "labels")), f.StrMap(Path(g, "options", "labels")))
			gen.Annotations = merge(f.StrMap(Get(gopts, "annotations")), f.StrMap(Path(g, "options", "annotations")))
			if files := Get(g, "files"); files != nil && files.Kind == yaml.SequenceNode {
				for _, fn := range files.Content {
					key, file := path.Base(fn.Value), fn.Value
					if k, v, ok := strings.Cut(fn.Value, "="); ok {
						key, file = k, v
					}
					s := f.Str(fn)
					gen.Entries = append(gen.Entries, &Entry{Key: model.Str{V: key, Pos: s.Pos, End: s.End}, FromFile: path.Join(dir, file)})
				}
			}
			if envs := Get(g, "envs"); envs != nil && envs.Kind == yaml.SequenceNode && len(envs.Content) > 0 {
				gen.Envs = true
			}
			if lits := Get(g, "literals"); lits != nil && lits.Kind == yaml.SequenceNode {
				for _, l := range lits.Content {
					t := srcmap.Scalar(f.Src, l)
					k, _, ok := strings.Cut(t.String(), "=")
					if !ok {
						continue
					}
					s := f.Str(l)
					e := &Entry{Key: model.Str{V: k, Pos: s.Pos}}
					e.Text = t.Slice(len(k)+1, len(t.String()))
					gen.Entries = append(gen.Entries, e)
				}
			}
			k.Generators = append(k.Generators, gen)
		}
	}
	return k
}

func merge(a, b map[string]model.Str) map[string]model.Str {
	if len(a) == 0 {
		return b
	}
	out := map[string]model.Str{}
	for k, v := range a {
		out[k] = v
	}
	for k, v := range b {
		out[k] = v
	}
	return out
}

// FluxKustomization is a Flux Kustomization: the path it applies and its
// post-build variable substitution.
type FluxKustomization struct {
	// Path is spec.path as written ("./monitoring/configs").
	Path            string
	TargetNamespace string
	// Substitute are spec.postBuild.substitute's variables;
	// SubstituteFrom names the ConfigMaps and Secrets it also reads.
	Substitute     map[string]model.Str
	SubstituteFrom []string
	// SubstituteRefs are the substituteFrom entries.
	SubstituteRefs []ValuesRef
	// PostBuild is set when spec.postBuild substitutes anything.
	PostBuild bool
	// Namespace is the Kustomization's own namespace, where its
	// substituteFrom objects are.
	Namespace string
}

func (f *File) fluxKustomization(o *Object) *FluxKustomization {
	spec := Get(o.Node, "spec")
	k := &FluxKustomization{Path: val(Get(spec, "path")), TargetNamespace: val(Get(spec, "targetNamespace"))}
	pb := Get(spec, "postBuild")
	k.Substitute = f.StrMap(Get(pb, "substitute"))
	if sf := Get(pb, "substituteFrom"); sf != nil && sf.Kind == yaml.SequenceNode {
		for _, e := range sf.Content {
			k.SubstituteFrom = append(k.SubstituteFrom, val(Get(e, "kind"))+"/"+val(Get(e, "name")))
			ref := ValuesRef{Kind: val(Get(e, "kind")), Name: val(Get(e, "name")), Pos: f.Pos(e)}
			ref.Optional, _ = Bool(Get(e, "optional"))
			k.SubstituteRefs = append(k.SubstituteRefs, ref)
		}
	}
	k.Namespace = o.Namespace.V
	k.PostBuild = len(k.Substitute) > 0 || len(k.SubstituteFrom) > 0
	return k
}

// OCIRepository is a Flux OCIRepository (a chart's source).
type OCIRepository struct {
	URL    model.Str
	Semver model.Str
}
