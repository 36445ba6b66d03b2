package model

import "strings"

// Model is everything the linter read: the files and the stacks they form.
type Model struct {
	Files  []*File  `json:"files"`
	Stacks []*Stack `json:"stacks"`
	// Errors are input paths that could not be read at all (exit code 3).
	Errors []string `json:"errors,omitempty"`
}

// File returns the file with the given display path, or nil. A path
// naming a file embedded in another ("manifest.yaml#ConfigMap/x/key", see
// Kubernetes stacks) returns the file it is written in.
func (m *Model) File(path string) *File {
	for _, f := range m.Files {
		if f.Path == path {
			return f
		}
	}
	if i := strings.Index(path, "#"); i > 0 {
		return m.File(path[:i])
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

	// Origin says how the stack was found: from the config file, a compose
	// service, the layout on disk, or the fallback for files no other stack
	// claimed.
	Origin StackOrigin `json:"origin"`
	// ComposeFile and ComposeService name the compose service the stack
	// was assembled from ("" when none).
	ComposeFile    string `json:"composeFile,omitempty"`
	ComposeService string `json:"composeService,omitempty"`
	// GrafanaHosts are the host names the Grafana service answers to on
	// its compose network (service name, container_name, hostname, network
	// aliases), for rules that decide whether nginx proxies to Grafana.
	GrafanaHosts []string `json:"grafanaHosts,omitempty"`
	// GrafanaPorts are the Grafana service's published ports as written
	// ("3000:3000", "127.0.0.1:8889:3000").
	GrafanaPorts []string `json:"grafanaPorts,omitempty"`
	// OtherServices are the other services of the Grafana service's
	// compose project (not Grafana), so that rules can tell another
	// application on a host or port from Grafana.
	OtherServices []Service `json:"otherServices,omitempty"`
	// GrafanaVersion is the Grafana version of the stack and where it was
	// learnt: from the tag of the compose service's image when discovery
	// assembles the stack; the rules engine puts the version it checks
	// with (an explicit --grafana-version or grafana_version wins) before
	// `grafanalint model` prints it. Nil when the deployment does not tell.
	GrafanaVersion *GrafanaVersion `json:"grafanaVersion,omitempty"`
	// MissingPaths are places Grafana reads that the deployment leaves
	// empty (a bind mount whose source is not in the tree, a provider path
	// nothing provides) or that stop compose (a required env_file that
	// does not exist).
	MissingPaths []MissingPath `json:"missingPaths,omitempty"`
	// EnvFiles are the env files whose variables were given to Grafana,
	// in the order they were applied.
	EnvFiles []string `json:"envFiles,omitempty"`
	// UnloadedFiles are provisioning and ini files in the stack's tree that
	// Grafana will not read (a subdirectory of datasources/, another
	// extension, mounted where Grafana does not look, not mounted at all).
	UnloadedFiles []UnloadedFile `json:"unloadedFiles,omitempty"`
	// LoadedBy maps each dashboard of Dashboards to the provider that loads
	// it (the first one, when several do).
	LoadedBy map[*Dashboard]*Provider `json:"-"`
	// Files lists the display paths of every file that belongs to the
	// stack, sorted.
	Files []string `json:"files,omitempty"`
	// Kubernetes describes a stack a Kubernetes source deploys (nil for
	// other stacks).
	Kubernetes *Kube `json:"kubernetes,omitempty"`
	// PartNotes say why a part is missing or incomplete, by part name
	// ("nginx config": "the ingress controller traefik is not analysed");
	// the run summary shows them with the checks skipped.
	PartNotes map[string]string `json:"partNotes,omitempty"`
}

// StackOrigin says where a stack came from.
type StackOrigin string

// Stack origins, in the order discovery applies them.
const (
	OriginConfig   StackOrigin = "config"
	OriginCompose  StackOrigin = "compose"
	OriginLayout   StackOrigin = "layout"
	OriginFallback StackOrigin = "fallback"
	// OriginKubernetes: a Grafana a Kubernetes source deploys (Helm
	// values, a Flux HelmRelease or Argo CD Application, manifests, a
	// grafana-operator Grafana); Stack.Kubernetes says which.
	OriginKubernetes StackOrigin = "kubernetes"
)

// UnloadedFile is a file of a stack that Grafana does not read, with why.
type UnloadedFile struct {
	Path string `json:"path"`
	Kind Kind   `json:"kind"`
	// Reason says why Grafana does not read it and how to fix that, as a
	// sentence fragment ("in a subdirectory of …").
	Reason string `json:"reason"`
	// Pos is where the file is written when it is embedded in another
	// (a ConfigMap key, a values entry); unset for a file of its own.
	Pos Pos `json:"pos,omitzero"`
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

// Service is a compose service that is not Grafana: the names it answers
// to on its networks and its ports.
type Service struct {
	Name  string `json:"name"`
	Image string `json:"image,omitempty"`
	// Hosts are its service name, container_name, hostname and network
	// aliases.
	Hosts []string `json:"hosts,omitempty"`
	// Ports are its "ports:" entries as written ("3001:3000").
	Ports []string `json:"ports,omitempty"`
}

// GrafanaVersion is a Grafana version and where it was learnt.
type GrafanaVersion struct {
	// Version is "major.minor[.patch]"; "" when the source names none
	// (an image without tag or tagged latest, a tag that is a variable):
	// the current release is assumed then.
	Version string `json:"version,omitempty"`
	// From says where the version comes from, for people: "image
	// grafana/grafana:11.2.0", "--grafana-version", …
	From string `json:"from"`
	// Pos is where it is written (the image value), if in a file.
	Pos Pos `json:"pos,omitzero"`
}

// MissingPath kinds.
const (
	// MissingMount: a bind mount whose source does not exist, onto a path
	// Grafana reads.
	MissingMount = "mount"
	// MissingProviderPath: a dashboard provider's path that no mount, copy
	// or image content provides.
	MissingProviderPath = "provider-path"
	// MissingEnvFile: a required env_file that does not exist.
	MissingEnvFile = "env-file"
)

// MissingPath is a place of a deployment that provides nothing.
type MissingPath struct {
	Kind string `json:"kind"`
	// Pos and End span the value to report: the mount source in the
	// compose file, the provider's path, the env_file entry.
	Pos Pos `json:"pos"`
	End Pos `json:"end,omitzero"`
	// Host is the host path that does not exist (display path); "" for a
	// provider path.
	Host string `json:"host,omitempty"`
	// Container is the path inside the container ("" for an env file).
	Container string `json:"container,omitempty"`
	// Service is the compose service.
	Service string `json:"service,omitempty"`
	// Reason says what is lost, as a sentence ("Grafana reads its
	// configuration from there: …").
	Reason string `json:"reason"`
}
