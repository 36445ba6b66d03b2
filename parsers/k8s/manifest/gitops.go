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
	// ValuesFrom are external values sources (names only).
	ValuesFrom []string
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
		break
	}
	return r
}

// embeddedValues parses a values string (Argo CD helm.values) as YAML whose
// positions map back to the manifest.
func (f *File) embeddedValues(n *yaml.Node, o *Object) *Values {
	t := srcmap.Scalar(f.Src, n)
	src := srcmap.NewSource(f.Path+"#"+o.Kind.V+"/"+o.Name.V+"/helm.values", []byte(t.S))
	var doc yaml.Node
	if err := yaml.Unmarshal([]byte(t.S), &doc); err != nil || len(doc.Content) == 0 || doc.Content[0].Kind != yaml.MappingNode {
		if err != nil {
			p := syntaxProblem(src.Path, err)
			p.Pos = t.Pos(p.Pos)
			f.Problems = append(f.Problems, p)
		}
		return nil
	}
	return &Values{Node: doc.Content[0], Src: src, Via: t, Doc: o.Doc}
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
			if lits := Get(g, "literals"); lits != nil && lits.Kind == yaml.SequenceNode {
				for _, l := range lits.Content {
					t := srcmap.Scalar(f.Src, l)
					k, _, ok := strings.Cut(t.S, "=")
					if !ok {
						continue
					}
					s := f.Str(l)
					e := &Entry{Key: model.Str{V: k, Pos: s.Pos}}
					e.Text = t.Slice(len(k)+1, len(t.S))
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
	// PostBuild is set when spec.postBuild substitutes anything.
	PostBuild bool
}

func (f *File) fluxKustomization(o *Object) *FluxKustomization {
	spec := Get(o.Node, "spec")
	k := &FluxKustomization{Path: val(Get(spec, "path")), TargetNamespace: val(Get(spec, "targetNamespace"))}
	pb := Get(spec, "postBuild")
	k.Substitute = f.StrMap(Get(pb, "substitute"))
	if sf := Get(pb, "substituteFrom"); sf != nil && sf.Kind == yaml.SequenceNode {
		for _, e := range sf.Content {
			k.SubstituteFrom = append(k.SubstituteFrom, val(Get(e, "kind"))+"/"+val(Get(e, "name")))
		}
	}
	k.PostBuild = len(k.Substitute) > 0 || len(k.SubstituteFrom) > 0
	return k
}

// OCIRepository is a Flux OCIRepository (a chart's source).
type OCIRepository struct {
	URL    model.Str
	Semver model.Str
}
