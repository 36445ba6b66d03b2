package k8s

import (
	"fmt"
	"path"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/grafanalint/grafanalint/parsers/k8s/install"
	"github.com/grafanalint/grafanalint/parsers/k8s/manifest"
	"github.com/grafanalint/grafanalint/parsers/k8s/srcmap"
)

// releaseValues reads the values a release takes from elsewhere in the
// repository and renders its chart again with them, in the order its tool
// merges them:
//   - Flux HelmRelease spec.valuesFrom: each ConfigMap or Secret key
//     (valuesKey, default values.yaml; at targetPath when set) in order,
//     then spec.values (fluxcd.io/flux/components/helm/helmreleases,
//     "Values references"); a reference not in the repository is unknown
//     (noted), an optional one that is missing is left out as Flux does;
//   - Argo CD helm.valueFiles, in order, then helm.values or valuesObject
//     (argo-cd.readthedocs.io, "Helm": values files, and "Multiple
//     Sources of an Application": "$<ref>/<path>" is a file of the source
//     with that ref, read here when the repository holds it; a file of a
//     chart kept in the repository is relative to the chart's path).
//
// A values file read this way belongs to the release: it is no
// installation of its own.
func (a *assembler) releaseValues() {
	for _, f := range a.files {
		for _, o := range f.File.Objects {
			r := o.Release
			if r == nil || len(r.Refs) == 0 && len(r.ValueFiles) == 0 {
				continue
			}
			var layers []*manifest.Values
			var skipped, files []string
			for _, ref := range r.Refs {
				v, file, why := a.valuesRef(f, o, ref)
				if v != nil {
					layers = append(layers, v)
					files = append(files, file)
				} else if why != "" {
					skipped = append(skipped, why)
				}
			}
			for _, vf := range r.ValueFiles {
				v, file, why := a.valueFile(f, o, vf.V)
				if v != nil {
					layers = append(layers, v)
					files = append(files, file)
				} else if why != "" {
					skipped = append(skipped, why)
				}
			}
			if r.Values != nil {
				layers = append(layers, r.Values)
			}
			a.rerender(f, o, layers, skipped, files)
		}
	}
}

// valuesRef reads a Flux valuesFrom reference: the values, the display
// path of the file they are in, or why they are not read ("" when they
// are left out).
func (a *assembler) valuesRef(f *File, o *manifest.Object, ref manifest.ValuesRef) (*manifest.Values, string, string) {
	ns := o.Namespace.V
	if ns == "" {
		ns = a.namespace(f, o)
	}
	obj := a.find(ref.Kind, ref.Name, ns, f.Path)
	if obj == nil {
		if ref.Optional {
			return nil, "", ""
		}
		return nil, "", fmt.Sprintf("values from %s/%s (spec.valuesFrom) are not in the repository: the linted values may be overridden at deploy time", ref.Kind, ref.Name)
	}
	for _, e := range obj.entries {
		if e.Name != ref.ValuesKey {
			continue
		}
		display := obj.file + "#" + obj.kind + "/" + obj.name + "/" + e.Name
		var v *manifest.Values
		switch {
		case e.Text != nil && ref.TargetPath != "":
			v = scalarValues(display, e.Text)
		case e.Text != nil:
			vv, prob := manifest.TextValues(display, e.Text)
			if prob != nil {
				f.Problems = append(f.Problems, *prob)
			}
			v = vv
		case e.Disk != "":
			if a.disk.Bytes(e.Disk) == nil {
				return nil, "", fmt.Sprintf("values from %s (spec.valuesFrom) are read from %s, which is not in the repository: the linted values may be overridden at deploy time", describe(obj), e.Disk)
			}
			v = a.diskValues(e.Disk)
			display = e.Disk
		}
		if v == nil {
			return nil, "", fmt.Sprintf("values from %s (spec.valuesFrom) hold no values mapping, so they are not read", describe(obj))
		}
		a.consume(display)
		return manifest.Wrap(v, ref.TargetPath), obj.file, ""
	}
	if ref.Optional {
		return nil, "", ""
	}
	return nil, "", fmt.Sprintf("%s has no key %q (spec.valuesFrom valuesKey): Flux fails the release until it does", describe(obj), ref.ValuesKey)
}

// valueFile reads an Argo CD value file that is in the repository.
func (a *assembler) valueFile(f *File, o *manifest.Object, name string) (*manifest.Values, string, string) {
	r := o.Release
	rel := ""
	switch {
	case strings.HasPrefix(name, "$"):
		ref, p, _ := strings.Cut(strings.TrimPrefix(name, "$"), "/")
		if _, ok := r.Sources[ref]; !ok {
			return nil, "", fmt.Sprintf("value file %s names no source with ref %q: Argo CD fails to render the Application", name, ref)
		}
		rel = p
	case r.ChartPath != "" && !strings.Contains(name, "://"):
		rel = path.Join(r.ChartPath, name)
	default:
		return nil, "", fmt.Sprintf("value file %s is read from the chart's repository, which is not linted: the linted values may be overridden at deploy time", name)
	}
	found := a.disk.Find(rel)
	if len(found) == 0 {
		return nil, "", fmt.Sprintf("value file %s is not in the repository: the linted values may be overridden at deploy time", name)
	}
	p := nearestPath(found, f.Path)
	v := a.diskValues(p)
	if v == nil {
		return nil, "", fmt.Sprintf("value file %s (%s) holds no values", name, p)
	}
	a.consume(p)
	return v, p, ""
}

// nearestPath returns the path of paths nearest to file.
func nearestPath(paths []string, file string) string {
	best, score := paths[0], -1
	for _, p := range paths {
		if s := commonPrefix(path.Dir(p), path.Dir(file)); s > score {
			best, score = p, s
		}
	}
	return best
}

// diskValues returns the first values document of a repository file: as
// parsed among the Kubernetes files, else read now.
func (a *assembler) diskValues(p string) *manifest.Values {
	for _, f := range a.files {
		if f.Path == p {
			if len(f.Values) > 0 {
				return f.Values[0]
			}
			return nil
		}
	}
	b := a.disk.Bytes(p)
	if b == nil {
		return nil
	}
	mf := manifest.Parse(p, b)
	if len(mf.Values) == 0 {
		return nil
	}
	return mf.Values[0]
}

// scalarValues is text t as one value (a valuesFrom targetPath).
func scalarValues(display string, t *srcmap.Text) *manifest.Values {
	n := &yaml.Node{Kind: yaml.ScalarNode, Value: strings.TrimSpace(t.String()), Line: 1, Column: 1}
	return &manifest.Values{Node: n, Src: srcmap.NewSource(display, []byte(t.String())), Via: t}
}

// consume records that a values file belongs to a release: an
// installation it makes on its own is dropped.
func (a *assembler) consume(p string) {
	for _, f := range a.files {
		if f.Path == p {
			f.consumed = true
		}
	}
}

// rerender renders a release again with its values layers, replacing what
// its file had from it: its Installs, the objects its chart creates (in
// the index too) and the dashboards handed to grafana-operator.
func (a *assembler) rerender(f *File, o *manifest.Object, layers []*manifest.Values, skipped, files []string) {
	out := &File{File: f.File, Entries: f.Entries}
	out.renderRelease(o, layers, skipped)
	for _, vo := range out.Virtual {
		out.entries(vo)
	}
	installs := make([]*install.Install, 0, len(f.Installs)+len(out.Installs))
	for _, in := range f.Installs {
		if in.Object != o {
			installs = append(installs, in)
		}
	}
	for _, in := range out.Installs {
		for _, p := range files {
			if !contains(in.Files, p) {
				in.Files = append(in.Files, p)
			}
		}
	}
	installs = append(installs, out.Installs...)
	f.Installs = installs
	virtual := make([]*manifest.Object, 0, len(f.Virtual)+len(out.Virtual))
	for _, vo := range f.Virtual {
		if vo.Owner != o {
			virtual = append(virtual, vo)
		}
	}
	virtual = append(virtual, out.Virtual...)
	f.Virtual = virtual
	handoffs := make([]Handoff, 0, len(f.Handoffs)+len(out.Handoffs))
	for _, h := range f.Handoffs {
		if h.Owner != o {
			handoffs = append(handoffs, h)
		}
	}
	handoffs = append(handoffs, out.Handoffs...)
	f.Handoffs = handoffs
	// The index: the objects the chart created before go.
	var kept []*objRef
	for _, ref := range a.objs {
		if ref.obj == nil || ref.obj.Owner != o {
			kept = append(kept, ref)
		}
	}
	a.objs = kept
	for k, refs := range a.byName {
		var keep []*objRef
		for _, ref := range refs {
			if ref.obj == nil || ref.obj.Owner != o {
				keep = append(keep, ref)
			}
		}
		a.byName[k] = keep
	}
	for _, vo := range out.Virtual {
		a.addObject(f, vo)
	}
}
