package discover

import (
	"fmt"
	"path"
	"slices"
	"sort"
	"strings"

	"github.com/grafanalint/grafanalint/parsers/model"
)

// stackSummary is the compact view of a stack that tests compare.
type stackSummary struct {
	Name            string   `json:"name"`
	Origin          string   `json:"origin"`
	Root            string   `json:"root"`
	Service         string   `json:"service,omitempty"`
	Ini             string   `json:"ini,omitempty"`
	Provisioning    string   `json:"provisioning,omitempty"`
	Datasources     []string `json:"datasources,omitempty"`
	Providers       []string `json:"providers,omitempty"`
	Dashboards      []string `json:"dashboards,omitempty"`
	LooseDashboards []string `json:"looseDashboards,omitempty"`
	Nginx           []string `json:"nginx,omitempty"`
	Unloaded        []string `json:"unloaded,omitempty"`
	Env             []string `json:"env,omitempty"`
	EnvFiles        []string `json:"envFiles,omitempty"`
}

type fileSummary struct {
	Path     string   `json:"path"`
	Kind     string   `json:"kind"`
	Reported bool     `json:"reported"`
	Problems []string `json:"problems,omitempty"`
	Ignores  int      `json:"ignores,omitempty"`
}

type modelSummary struct {
	Stacks []stackSummary `json:"stacks"`
	Files  []fileSummary  `json:"files"`
	Errors []string       `json:"errors,omitempty"`
}

// summarize reduces m to what tests compare; paths are made relative to
// base.
func summarize(m *model.Model, base string) modelSummary {
	rel := func(p string) string {
		if p == "" {
			return ""
		}
		if base == "" || base == "." {
			return p
		}
		if p == base {
			return "."
		}
		return strings.TrimPrefix(p, base+"/")
	}
	var out modelSummary
	for _, st := range m.Stacks {
		s := stackSummary{Name: rel(st.Name), Origin: string(st.Origin), Root: rel(st.Root), Provisioning: rel(st.ProvisioningDir)}
		if st.ComposeService != "" {
			s.Service = rel(st.ComposeFile) + ":" + st.ComposeService
		}
		if st.Settings != nil && st.Settings.File != nil {
			s.Ini = rel(st.Settings.File.Path)
		}
		for _, f := range st.DatasourceFiles {
			s.Datasources = append(s.Datasources, rel(f.Path))
		}
		for _, f := range st.ProviderFiles {
			s.Providers = append(s.Providers, rel(f.Path))
		}
		for _, d := range st.Dashboards {
			p := st.LoadedBy[d]
			by := "?"
			if p != nil {
				by = p.Name.V
			}
			s.Dashboards = append(s.Dashboards, rel(d.File)+" <- "+by)
		}
		for _, d := range st.LooseDashboards {
			s.LooseDashboards = append(s.LooseDashboards, rel(d.File))
		}
		for _, n := range st.Nginx {
			s.Nginx = append(s.Nginx, rel(n.Path))
		}
		for _, u := range st.UnloadedFiles {
			s.Unloaded = append(s.Unloaded, rel(u.Path)+": "+u.Reason)
		}
		if st.Settings != nil {
			for _, e := range st.Settings.Env {
				s.Env = append(s.Env, e.Name)
			}
		}
		for _, f := range st.EnvFiles {
			s.EnvFiles = append(s.EnvFiles, rel(f))
		}
		out.Stacks = append(out.Stacks, s)
	}
	for _, f := range m.Files {
		fs := fileSummary{Path: rel(f.Path), Kind: string(f.Kind), Reported: f.Reported, Ignores: len(f.Ignores)}
		for _, p := range f.Problems {
			fs.Problems = append(fs.Problems, fmt.Sprintf("%s %d:%d %s", p.Kind, p.Pos.Line, p.Pos.Col, p.Message))
		}
		out.Files = append(out.Files, fs)
	}
	out.Errors = m.Errors
	return out
}

// membership counts, for each file of a known kind, the stacks it belongs
// to (any part: ini, provisioning, dashboards, nginx trees, unloaded,
// env and compose files). Files that could not be read are left out.
func membership(m *model.Model) map[string][]string {
	out := map[string][]string{}
	for _, f := range m.Files {
		if f.Kind != "" && !slices.ContainsFunc(f.Problems, func(p model.Problem) bool { return p.Kind == model.ProblemInput }) {
			out[f.Path] = nil
		}
	}
	for _, st := range m.Stacks {
		for _, f := range st.Files {
			if _, ok := out[f]; ok {
				out[f] = append(out[f], st.Name)
			}
		}
	}
	for k := range out {
		sort.Strings(out[k])
	}
	return out
}

var _ = path.Base
