package model

// Model is everything the linter read: the files and the stacks they form.
type Model struct {
	Files  []*File  `json:"files"`
	Stacks []*Stack `json:"stacks"`
	// Errors are input paths that could not be read at all (exit code 3).
	Errors []string `json:"errors,omitempty"`
}

// File returns the file with the given display path, or nil.
func (m *Model) File(path string) *File {
	for _, f := range m.Files {
		if f.Path == path {
			return f
		}
	}
	return nil
}

// Stack is what one Grafana installation reads.
type Stack struct {
	// Name identifies the stack in messages ("." or the directory that
	// holds it, or the name the config gives).
	Name string `json:"name"`
	// Root is the directory the stack was assembled from (display path).
	Root string `json:"root"`
	// Settings are the effective grafana.ini settings (defaults only when
	// the stack has no ini file: HasIni reports that).
	Settings *Settings `json:"settings"`
	// ProvisioningDir is the provisioning root ("…/provisioning"), "" when
	// the stack has none.
	ProvisioningDir string `json:"provisioningDir,omitempty"`
	// DatasourceFiles are read in Grafana's order (lexical by file name).
	DatasourceFiles []*DatasourceFile `json:"datasourceFiles,omitempty"`
	ProviderFiles   []*ProviderFile   `json:"providerFiles,omitempty"`
	// Dashboards are the dashboards the stack's providers load.
	Dashboards []*Dashboard `json:"dashboards,omitempty"`
	// LooseDashboards are dashboard files in the stack's tree that no
	// provider loads (import copies, exports).
	LooseDashboards []*Dashboard   `json:"looseDashboards,omitempty"`
	Nginx           []*NginxConfig `json:"nginx,omitempty"`
	// Has says which parts the stack contains, so rules that need a
	// missing part are skipped rather than guessed.
	HasIni         bool `json:"hasIni"`
	HasDatasources bool `json:"hasDatasources"`
	HasProviders   bool `json:"hasProviders"`
	HasNginx       bool `json:"hasNginx"`
}

// Datasources returns every datasource of the stack in load order.
func (s *Stack) Datasources() []*Datasource {
	var out []*Datasource
	for _, f := range s.DatasourceFiles {
		out = append(out, f.Datasources...)
	}
	return out
}

// AllDashboards returns provisioned then loose dashboards.
func (s *Stack) AllDashboards() []*Dashboard {
	out := append([]*Dashboard{}, s.Dashboards...)
	return append(out, s.LooseDashboards...)
}
