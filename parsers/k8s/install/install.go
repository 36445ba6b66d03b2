package install

import (
	"github.com/grafanalint/grafanalint/parsers/k8s/manifest"
	"github.com/grafanalint/grafanalint/parsers/k8s/srcmap"
	"github.com/grafanalint/grafanalint/parsers/model"
)

// Origin says what declares an Install.
type Origin string

// Origins of an Install.
const (
	OriginValues      Origin = "helm-values"      // a values file of the grafana chart
	OriginHelmRelease Origin = "flux-helmrelease" // a Flux HelmRelease's values
	OriginArgoCD      Origin = "argocd-application"
	OriginManifest    Origin = "manifest" // a Deployment/StatefulSet running Grafana
	OriginOperator    Origin = "grafana-operator"
)

// Install is one Grafana a Kubernetes source deploys.
type Install struct {
	// Name names the stack: the release, "namespace/object" or the values
	// file.
	Name string
	// Namespace is where Grafana runs ("" when not written).
	Namespace string
	Origin    Origin
	// Pos is where it is declared; Files the display paths of its
	// sources.
	Pos   model.Pos
	Files []string
	// Chart is "grafana" or "kube-prometheus-stack" for Helm sources,
	// ChartVersion the version constraint when written.
	Chart        string
	ChartVersion string
	// Image is the Grafana image reference; Version its tag (the Grafana
	// version), unset when it is the chart's or operator's default.
	Image   model.Str
	Version model.Str

	// ConfigPath and ProvisioningPath are where Grafana reads grafana.ini
	// and provisioning (GF_PATHS_CONFIG, GF_PATHS_PROVISIONING).
	ConfigPath       string
	ProvisioningPath string
	// Mounts are what the container sees, in the order the pod lists
	// them (a later mount over the same path wins).
	Mounts []*Mount
	// Env are the container's variables (GF_* among them); EnvFrom the
	// ConfigMaps and Secrets it imports whole.
	Env     []EnvVar
	EnvFrom []manifest.EnvFrom
	// Sidecars copy labelled ConfigMaps and Secrets into a folder at run
	// time (the grafana chart's k8s-sidecar containers).
	Sidecars []*Sidecar
	// Services are names under which Grafana is reached in the cluster
	// (the chart's fullname, the Services selecting the pod);
	// PodLabels the labels of its pods.
	Services  []string
	PodLabels map[string]string
	// ServicePorts are the Service ports that reach Grafana.
	ServicePorts []string
	// Ingresses route to Grafana (the chart's ingress values); Ingresses
	// in manifests are attached during assembly.
	Ingresses []*Ingress
	// Operator is set for a grafana-operator Grafana: datasources and
	// dashboards come from custom resources that select it.
	Operator *Operator
	// Downloads are dashboards fetched at install time (the chart's
	// gnetId/url dashboards): their content is unknown.
	Downloads []*Download
	// DashboardConfigMaps are ConfigMaps mounted as provider folders by
	// name (the chart's dashboardsConfigMaps), resolved during assembly.
	DashboardConfigMaps []*ConfigMapRef
	// Skipped lists what could not be read and why (shown in the model).
	Skipped []string
	// Problems are findings of the source itself (a broken values
	// document, a non-string operator config value).
	Problems []model.Problem
	// Values is the values document the Install was rendered from (for
	// the chart's ignored-keys check), when any.
	Values *manifest.Values
	// Object is the object declaring it (HelmRelease, Application,
	// Grafana, workload), nil for a values file: its namespace may come
	// from a kustomization or a Flux Kustomization.
	Object *manifest.Object
	// Notes are facts about the source the rules report on (kube-
	// prometheus-stack's default datasource, leaked secrets, …).
	Notes []Note
	// Written say what spans of the source are for Grafana (a value the
	// chart turns into an environment variable), for messages.
	Written []model.KubeSource
}

// EnvVar is a variable of the Grafana container. A value read from a
// Secret or ConfigMap key (FromKind, FromName, FromKey) is unknown until
// the assembly step finds that key in the repository: Value then holds
// "${<source>}", which Grafana's setting parser treats as a value known
// only at start-up.
type EnvVar struct {
	model.EnvVar
	FromKind, FromName, FromKey string
}

// Mount is something the container sees at a path.
type Mount struct {
	// Target is the container path (mountPath).
	Target string
	Pos    model.Pos
	// File is a single file at Target (a subPath mount, a rendered
	// file); Dir are files in the directory Target.
	File *File
	Dir  []*File
	// Volume is an unresolved ConfigMap/Secret volume of a manifest with
	// its subPath; the assembly step fills File or Dir from it.
	Volume  *manifest.Volume
	SubPath string
	// Namespace is where the volume's ConfigMap or Secret lives.
	Namespace string
	// Sidecar is set for the folder a sidecar fills.
	Sidecar *Sidecar
	// Opaque is set for a volume whose content is not in the repository
	// (emptyDir, a persistent volume, an unresolved ConfigMap): it hides
	// what the image has at Target.
	Opaque string
}

// Sidecar is a k8s-sidecar container that copies the keys of ConfigMaps
// (and Secrets) with a label into a folder.
type Sidecar struct {
	// Kind is "dashboards" or "datasources".
	Kind string
	// Label and LabelValue select the objects (LabelValue "" accepts
	// any value).
	Label      string
	LabelValue string
	// Folder is the container path the keys are written to.
	Folder string
	// Namespaces are the namespaces watched ("ALL" for every one); empty
	// means Grafana's own.
	Namespaces []string
	// Resource is "configmap", "secret" or "both".
	Resource string
	// FolderAnnotation is the annotation that puts an object's keys in a
	// subfolder.
	FolderAnnotation string
	Pos              model.Pos
}

// Ingress is an ingress in front of Grafana.
type Ingress struct {
	Object *manifest.Object
	// Ingress is the routing; Annotations those of the object (the
	// chart's ingress.annotations), AnnotationText their text mapped to
	// where it is written (for snippets).
	Ingress        *manifest.Ingress
	Annotations    map[string]model.Str
	AnnotationText map[string]*srcmap.Text
	// Pos is where it is declared.
	Pos model.Pos
	// Name identifies it in messages ("Ingress \"grafana\"").
	Name string
}

// Operator is what a grafana-operator Grafana needs matched.
type Operator struct {
	// Labels are the Grafana object's labels, matched by instanceSelector.
	Labels map[string]string
	Object *manifest.Object
}

// Download is a dashboard whose content is fetched at install time.
type Download struct {
	Provider string
	Name     string
	// Target is the container path it is written to.
	Target string
	// Source is the gnetId or url.
	Source model.Str
	Pos    model.Pos
}

// ConfigMapRef names a ConfigMap mounted as a folder.
type ConfigMapRef struct {
	Name   model.Str
	Target string
	Pos    model.Pos
}

// Note is a fact a Kubernetes rule judges.
type Note struct {
	// Kind names the fact: "kps-default-datasource", "leaked-secret",
	// "ignored-key", "operator-config-type", …
	Kind string
	Pos  model.Pos
	End  model.Pos
	// Key identifies it for baselines; Message says what was found.
	Key     string
	Message string
	Related []Related
	// Value is the value concerned, when any (never a secret).
	Value string
}

// Related is a second place of a Note.
type Related struct {
	Pos     model.Pos
	Message string
}
