package model

// Kind is what a file is to Grafana or nginx.
type Kind string

// File kinds recognised by discovery.
const (
	KindIni         Kind = "grafana-ini"
	KindDatasources Kind = "datasource-provisioning"
	KindProviders   Kind = "dashboard-provisioning"
	KindDashboard   Kind = "dashboard"
	KindNginx       Kind = "nginx"
	KindCompose     Kind = "compose"
	KindEnv         Kind = "env"
)

// File is one file the linter read, whatever its kind.
type File struct {
	// Path is the path shown to users: relative to the working directory,
	// with "/" separators.
	Path string `json:"path"`
	// Abs is the absolute path on disk (not printed).
	Abs  string `json:"-"`
	Kind Kind   `json:"kind"`
	// Reported is false for files loaded only as context (pre-commit passes
	// explicit files; the rest of the project is loaded but not reported).
	Reported bool      `json:"reported"`
	Problems []Problem `json:"problems,omitempty"`
	Ignores  []Ignore  `json:"ignores,omitempty"`
	// Lines holds the file's text split in lines (without line endings),
	// for source excerpts. Not serialised.
	Lines []string `json:"-"`
}
