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
	// Written say what the spans of its Kubernetes files are, for
	// messages (Source); Files name the files it reads from manifests and
	// values (by display path) as the user knows them: `key "a.json" of
	// ConfigMap "team-a"`.
	Written []KubeSource      `json:"-"`
	Files   map[string]string `json:"-"`
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

// Kinds of KubeSource.
const (
	// KubeAnnotation is the value of an Ingress annotation (Name).
	KubeAnnotation = "annotation"
	// KubeIngressPath is an Ingress path: the location the controller
	// generates for it, with the lines its template writes there.
	KubeIngressPath = "ingress-path"
	// KubeIngressHost is a host of an Ingress rule (or HTTPRoute
	// hostname); KubeIngressTLSHost a host of its tls section.
	KubeIngressHost    = "ingress-host"
	KubeIngressTLSHost = "ingress-tls-host"
	// KubeValue is a Helm value (Name is its key path) the chart turns
	// into something Grafana reads (Env: the variable it sets).
	KubeValue = "value"
	// KubeOperatorDashboard is the model of a GrafanaDashboard.
	KubeOperatorDashboard = "operator-dashboard"
	// KubeChartDatasource is a datasource a chart provisions by itself
	// (kube-prometheus-stack's default Prometheus); Name is the value
	// that controls it.
	KubeChartDatasource = "chart-datasource"
)

// KubeSource says what a span of a Kubernetes file is in the terms of the
// object the user edits there — an Ingress annotation or path, a Helm
// value, a GrafanaDashboard's model — so that a finding the rules make on
// what the deploying tool renders from it (an nginx location, a
// grafana.ini line, an environment variable) can speak of that object.
type KubeSource struct {
	Pos  Pos    `json:"pos"`
	End  Pos    `json:"end,omitzero"`
	Kind string `json:"kind"`
	// Name is the annotation, the values key path ("adminPassword",
	// "grafana.ini.live.max_connections") or the spec field.
	Name string `json:"name,omitempty"`
	// Object names what holds it: `Ingress "grafana"`, "the ingress of
	// the grafana chart's values", `GrafanaDashboard "node"`.
	Object string `json:"object,omitempty"`
	// Controller is the ingress controller, for ingress kinds.
	Controller string `json:"controller,omitempty"`
	// Value is the value as written (empty for secrets).
	Value string `json:"value,omitempty"`
	// Env is the variable a chart value becomes in Grafana's container.
	Env string `json:"env,omitempty"`
	// Rendered is the text the deploying tool writes for Value when it
	// differs (Helm prints the number 1000000 as "1e+06").
	Rendered string `json:"rendered,omitempty"`
	// Inputs, for a GrafanaDashboard, are the input names its
	// spec.datasources maps.
	Inputs []string `json:"inputs,omitempty"`
}

// Source returns what is written at p, the innermost source whose span
// holds p (a source without End holds its start only); nil when p is in
// none, or k is nil.
func (k *Kube) Source(p Pos) *KubeSource {
	if k == nil || !p.IsValid() {
		return nil
	}
	var best *KubeSource
	for i := range k.Written {
		s := &k.Written[i]
		if s.Pos.File != p.File {
			continue
		}
		in := s.Pos == p
		if !in && s.End.IsValid() {
			in = !p.Less(s.Pos) && p.Less(s.End)
		}
		if in && (best == nil || best.Pos.Less(s.Pos)) {
			best = s
		}
	}
	return best
}

// Where places the source for messages: `of Ingress "grafana"`, "in the
// grafana chart's ingress values".
func (s *KubeSource) Where() string {
	if len(s.Object) > 4 && s.Object[:4] == "the " {
		return "in " + s.Object
	}
	return "of " + s.Object
}
