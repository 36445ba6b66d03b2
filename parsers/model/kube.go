package model

// Kinds of Kubernetes files.
const (
	// KindKubernetes is a YAML file of Kubernetes objects (manifests,
	// kustomizations, Flux and Argo CD objects, grafana-operator
	// resources); files Grafana reads may be embedded in it.
	KindKubernetes Kind = "kubernetes"
	// KindHelmValues is a Helm values file of the grafana chart (or of a
	// chart with a grafana subchart, such as kube-prometheus-stack).
	KindHelmValues Kind = "helm-values"
)

// Kube is what a Kubernetes source adds to a stack: where it comes from,
// what feeds Grafana at run time and what is in front of it. Files the
// stack loads from manifests and values have display paths of the form
// "<file>#<object or values path>/<key>"; positions point into <file>.
type Kube struct {
	// Origin is "helm-values", "flux-helmrelease", "argocd-application",
	// "manifest" or "grafana-operator".
	Origin string `json:"origin"`
	// Chart and ChartVersion name the Helm chart ("grafana",
	// "kube-prometheus-stack") and its version constraint.
	Chart        string `json:"chart,omitempty"`
	ChartVersion string `json:"chartVersion,omitempty"`
	Namespace    string `json:"namespace,omitempty"`
	// Image is the Grafana image; Version its tag when written.
	Image   Str `json:"image,omitzero"`
	Version Str `json:"version,omitzero"`
	// Sources are the files the stack is declared in.
	Sources []string `json:"sources"`
	// Sidecars copy labelled ConfigMaps and Secrets into Grafana's
	// folders at run time.
	Sidecars []KubeSidecar `json:"sidecars,omitempty"`
	// Ingresses route to Grafana.
	Ingresses []KubeIngress `json:"ingresses,omitempty"`
	// Downloads are dashboards fetched at install time (content unknown).
	Downloads []KubeDownload `json:"downloads,omitempty"`
	// Operator lists the grafana-operator resources applied to this
	// Grafana.
	Operator []string `json:"operator,omitempty"`
	// Notes are facts of the Kubernetes layer the kubernetes rules judge.
	Notes []KubeNote `json:"notes,omitempty"`
	// Skipped says what could not be read, and why.
	Skipped []string `json:"skipped,omitempty"`
}

// KubeSidecar is a k8s-sidecar container.
type KubeSidecar struct {
	// Kind is "dashboards" or "datasources".
	Kind  string `json:"kind"`
	Label string `json:"label"`
	// LabelValue is the value required ("" accepts any).
	LabelValue string   `json:"labelValue,omitempty"`
	Folder     string   `json:"folder"`
	Namespaces []string `json:"namespaces,omitempty"`
	// Objects are the ConfigMaps and Secrets it copies
	// ("ConfigMap/namespace/name").
	Objects []string `json:"objects,omitempty"`
	Pos     Pos      `json:"pos,omitzero"`
}

// KubeIngress is an Ingress (or HTTPRoute) routing to Grafana.
type KubeIngress struct {
	Name string `json:"name"`
	// Controller is the controller that serves it ("ingress-nginx",
	// "traefik", "gateway-api", … or "" when it cannot be told).
	Controller string   `json:"controller,omitempty"`
	Hosts      []string `json:"hosts,omitempty"`
	TLS        bool     `json:"tls,omitempty"`
	// Analysed is set when its routing was rendered as the nginx
	// configuration the controller generates (ingress-nginx); Skipped
	// says why not otherwise.
	Analysed bool   `json:"analysed,omitempty"`
	Skipped  string `json:"skipped,omitempty"`
	Pos      Pos    `json:"pos,omitzero"`
}

// KubeDownload is a dashboard downloaded at install time.
type KubeDownload struct {
	Provider string `json:"provider"`
	Name     string `json:"name"`
	Source   Str    `json:"source"`
	Target   string `json:"target"`
	// Loaded is set when a provider's path covers Target.
	Loaded bool `json:"loaded"`
}

// KubeNote is a fact of the Kubernetes layer a rule reports on.
type KubeNote struct {
	// Kind names the fact: "leaked-secret", "ignored-key",
	// "sidecar-label", "operator-config-type", "flux-substitution", …
	Kind    string        `json:"kind"`
	Pos     Pos           `json:"pos"`
	End     Pos           `json:"end,omitzero"`
	Key     string        `json:"key,omitempty"`
	Message string        `json:"message"`
	Related []KubeRelated `json:"related,omitempty"`
}

// KubeRelated is a second place of a note.
type KubeRelated struct {
	Pos     Pos    `json:"pos"`
	Message string `json:"message"`
}
