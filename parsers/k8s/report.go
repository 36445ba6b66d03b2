package k8s

import (
	"github.com/grafanalint/grafanalint/parsers/k8s/install"
	"github.com/grafanalint/grafanalint/parsers/model"
)

// Report returns, by display path, the problems and inline ignores of the
// files the given files embed (ConfigMap keys, rendered values, operator
// resources, generated ingress configurations), positioned in the files
// they are written in. Call it after Assemble: what a Grafana reads is
// reported as the kind it reads it as.
func Report(files []*File, stacks []*Stack) (map[string][]model.Problem, map[string][]model.Ignore) {
	probs := map[string][]model.Problem{}
	igs := map[string][]model.Ignore{}
	seenP := map[model.Problem]bool{}
	seenI := map[model.Pos]bool{}
	addP := func(ps ...model.Problem) {
		for _, p := range ps {
			if !seenP[p] {
				seenP[p] = true
				probs[p.Pos.File] = append(probs[p.Pos.File], p)
			}
		}
	}
	addI := func(is ...model.Ignore) {
		for _, i := range is {
			if !seenI[i.Pos] {
				seenI[i.Pos] = true
				igs[i.Pos.File] = append(igs[i.Pos.File], i)
			}
		}
	}
	file := func(f *install.File) {
		if f == nil {
			return
		}
		if f.Problem != nil {
			addP(*f.Problem)
		}
		if p := f.Report(); p != nil {
			addP(p.Problems...)
			addI(p.Ignores...)
		}
	}
	for _, f := range files {
		addP(f.Problems...)
		for _, o := range f.Objects() {
			for _, e := range o.Data {
				file(f.Entries[e])
				if e.Problem != nil {
					addP(*e.Problem)
				}
			}
		}
		for _, ef := range f.Entries {
			file(ef)
		}
		for _, in := range f.Installs {
			addP(in.Problems...)
			for _, m := range in.Mounts {
				file(m.File)
				for _, d := range m.Dir {
					file(d)
				}
			}
		}
		for _, d := range f.Datasources {
			addP(d.Problems...)
			addI(d.Ignores...)
		}
		for _, d := range f.Dashboards {
			file(d.File)
		}
	}
	for _, s := range stacks {
		for _, p := range s.ingressProblems {
			addP(p.Problems...)
			addI(p.Ignores...)
		}
	}
	return probs, igs
}
