package k8s

import (
	"path"
	"sort"
	"strings"

	"github.com/grafanalint/grafanalint/parsers/k8s/manifest"
	"github.com/grafanalint/grafanalint/parsers/k8s/srcmap"
	"github.com/grafanalint/grafanalint/parsers/k8s/subst"
	"github.com/grafanalint/grafanalint/parsers/model"
)

// Flux's kustomize-controller substitutes the variables of a
// Kustomization's spec.postBuild in every object it applies (fluxcd/pkg
// kustomize/kustomize_varsub.go SubstituteVariables, with drone/envsubst):
// ${VAR} takes the value of VAR — from spec.postBuild.substituteFrom
// ConfigMaps and Secrets in order, then spec.postBuild.substitute, which
// wins — or an empty string when no source defines it; ${VAR:=default}
// and ${VAR:-default} take the default when VAR is unset or empty,
// ${VAR=default} and ${VAR-default} when it is unset; $${VAR} is the
// literal ${VAR}. Objects labelled or annotated
// kustomize.toolkit.fluxcd.io/substitute: disabled are left as they are.
//
// Where the Kustomization that applies a file is in the repository, its
// files are read as substituted: a variable whose value is known takes
// it; one a substituteFrom source outside the repository may define stays
// a placeholder, a value known only at deploy time. Dashboards are left
// as written: the kubernetes/flux-substitution rule reports what the
// substitution does to them (their ${…} are Grafana's own variables).

// fluxVars are the variables a Kustomization substitutes.
type fluxVars struct {
	known map[string]string
	// open is set when a substituteFrom source is not in the repository:
	// a variable no known source defines may be defined there.
	open bool
}

// fluxSubstitute reads again, substituted, each file a Flux
// Kustomization of the repository substitutes variables in.
func (a *assembler) fluxSubstitute() {
	var ks []*fluxRef
	for _, f := range a.files {
		for _, o := range f.File.Objects {
			if o.Flux != nil && o.Flux.PostBuild {
				ks = append(ks, &fluxRef{obj: o, dir: strings.TrimPrefix(path.Clean(o.Flux.Path), "./")})
			}
		}
	}
	if len(ks) == 0 {
		return
	}
	vars := map[*fluxRef]*fluxVars{}
	for i, f := range a.files {
		if len(f.File.Objects) == 0 || f.Src.Derived() {
			continue
		}
		var fr *fluxRef
		for _, k := range ks {
			if covers(k.dir, path.Dir(f.Path)) {
				fr = k
			}
		}
		if fr == nil {
			continue
		}
		if vars[fr] == nil {
			vars[fr] = a.fluxVarsOf(fr)
		}
		t, changed := substituteFile(f, vars[fr])
		if !changed {
			continue
		}
		data := []byte(t.String())
		nf := parseFile(f.Path, data, manifest.ParseVia(f.Path, data, t))
		nf.Problems = nil // the file's own problems are the written text's
		a.files[i] = nf
	}
}

// fluxVarsOf collects the variables of a Kustomization.
func (a *assembler) fluxVarsOf(fr *fluxRef) *fluxVars {
	v := &fluxVars{known: map[string]string{}}
	k := fr.obj.Flux
	for _, ref := range k.SubstituteRefs {
		o := a.rawObject(ref.Kind, ref.Name, k.Namespace, fr.obj.Src.Path)
		if o == nil {
			if !ref.Optional {
				v.open = true
			}
			continue
		}
		for _, e := range o {
			if e.text == nil {
				v.open = true // a file kustomize reads (envs) or a value not decoded
				continue
			}
			v.known[e.key] = strings.TrimSuffix(e.text.String(), "\n")
		}
	}
	for name, val := range k.Substitute {
		v.known[name] = val.V
	}
	return v
}

// rawEntry is a key of a ConfigMap or Secret found before the index is
// built.
type rawEntry struct {
	key  string
	text *srcmap.Text
}

// rawObject returns the keys of the ConfigMap or Secret kind/name (of
// namespace ns when both are known) written or generated nearest to file;
// nil when the repository has none.
func (a *assembler) rawObject(kind, name, ns, file string) []rawEntry {
	var best []rawEntry
	score := -1
	consider := func(p, objNS string, entries []rawEntry) {
		if objNS != "" && ns != "" && objNS != ns {
			return
		}
		if s := commonPrefix(path.Dir(p), path.Dir(file)); s > score {
			best, score = entries, s
		}
	}
	for _, f := range a.files {
		for _, o := range f.File.Objects {
			switch {
			case o.Kind.V == kind && o.Name.V == name && o.Data != nil:
				var es []rawEntry
				for _, e := range o.Data {
					es = append(es, rawEntry{key: e.Key.V, text: e.Text})
				}
				consider(f.Path, o.Namespace.V, es)
			case o.Kustomization != nil:
				for _, g := range o.Kustomization.Generators {
					if g.Kind != kind || g.Name.V != name {
						continue
					}
					var es []rawEntry
					for _, e := range g.Entries {
						es = append(es, rawEntry{key: e.Key.V, text: e.Text})
					}
					if g.Envs {
						es = append(es, rawEntry{})
					}
					consider(f.Path, g.Namespace, es)
				}
			}
		}
	}
	if score < 0 {
		return nil
	}
	if best == nil {
		best = []rawEntry{}
	}
	return best
}

// substituteFile returns the text of f as Flux applies it, mapped to f.
func substituteFile(f *File, vars *fluxVars) (*srcmap.Text, bool) {
	src := f.Src
	data := src.Data()
	// The objects' spans, each from the start of its first line to the
	// next one's; disabled ones and dashboards are left as written.
	type span struct{ start, end int }
	var objs []*manifest.Object
	objs = append(objs, f.File.Objects...)
	sort.SliceStable(objs, func(i, j int) bool { return objs[i].Node.Line < objs[j].Node.Line })
	var keep []span
	for i, o := range objs {
		start := src.Offset(o.Node.Line, 1)
		end := len(data)
		if i+1 < len(objs) {
			end = src.Offset(objs[i+1].Node.Line, 1)
		}
		if o.Labels[substituteKey].V == "disabled" || o.Annotations[substituteKey].V == "disabled" {
			keep = append(keep, span{start, end})
			continue
		}
		for _, e := range o.Data {
			if ef := f.Entries[e]; ef != nil && ef.Text != nil && ef.Sniff() == model.KindDashboard {
				s, en := ef.Text.Span()
				keep = append(keep, span{src.Offset(s.Line, s.Col), src.Offset(en.Line, en.Col)})
			}
		}
	}
	kept := func(off int) bool {
		for _, k := range keep {
			if off >= k.start && off < k.end {
				return true
			}
		}
		return false
	}
	s := string(data)
	var b srcmap.Builder
	at, changed := 0, false
	emit := func(upTo int) {
		if upTo > at {
			b.LinearBytes(data[at:upTo], src, at)
			at = upTo
		}
	}
	escape := func(e int) {
		if !kept(e) && e >= at {
			emit(e)
			b.Point("${", src, e, e+3)
			at, changed = e+3, true
		}
	}
	escapes := escapesIn(s)
	ei := 0
	for _, r := range subst.EnvRefs(s, false) {
		for ; ei < len(escapes) && escapes[ei] < r.Start; ei++ {
			escape(escapes[ei])
		}
		if r.Start < at || kept(r.Start) {
			continue
		}
		val, ok := vars.value(s, r)
		if !ok {
			continue
		}
		emit(r.Start)
		b.Point(val, src, r.Start, r.End)
		at, changed = r.End, true
	}
	for ; ei < len(escapes); ei++ {
		escape(escapes[ei])
	}
	emit(len(data))
	return b.Text(), changed
}

// escapesIn returns the offsets of "$${" escapes.
func escapesIn(s string) []int {
	var out []int
	for i := 0; ; {
		j := strings.Index(s[i:], "$${")
		if j < 0 {
			return out
		}
		out = append(out, i+j)
		i += j + 3
	}
}

// value returns what Flux writes for reference r of s; ok is false when
// it is not known (a function form, or a variable a source outside the
// repository may define).
func (v *fluxVars) value(s string, r subst.Ref) (string, bool) {
	if !r.Braced {
		return "", false
	}
	val, set := v.known[r.Name]
	if r.HasDefault {
		op := s[r.Start+2+len(r.Name):]
		colon := strings.HasPrefix(op, ":")
		switch {
		case set && (val != "" || !colon):
			return val, true
		case !set && v.open:
			return "", false
		}
		return r.Default, true
	}
	if r.End-r.Start != len(r.Name)+3 {
		return "", false // ${VAR:offset}, ${VAR/a/b}, …: not followed
	}
	switch {
	case set:
		return val, true
	case v.open:
		return "", false
	}
	return "", true
}
