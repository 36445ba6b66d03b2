// Package kubernetes holds the rules for failures only the Kubernetes layer
// brings: a dashboard ConfigMap the sidecar never copies, a values key the
// grafana chart ignores, a literal secret the chart refuses to render, a
// grafana-operator config value the API server rejects, dashboard
// variables Flux's post-build substitution replaces, and dashboards the
// chart downloads where no provider reads them. Every other rule family
// applies to Kubernetes stacks as to any other: the Kubernetes sources
// render to the same grafana.ini, provisioning files, dashboards and
// proxy.
package kubernetes

import (
	"github.com/grafanalint/grafanalint/rules"
)

// Rules returns the kubernetes rules in catalogue order.
func Rules() []*rules.Rule {
	return []*rules.Rule{SidecarLabel, IgnoredValue, LeakedSecret, OperatorConfigType, FluxSubstitution, DownloadNotLoaded}
}

// reportNotes reports a stack's notes of one kind.
func reportNotes(c *rules.Context, kind string) {
	k := c.Stack.Kubernetes
	if k == nil {
		return
	}
	for _, n := range k.Notes {
		if n.Kind != kind {
			continue
		}
		f := rules.Finding{Pos: n.Pos, End: n.End, Message: n.Message, Entity: "kubernetes:" + n.Key, Key: n.Key}
		for _, r := range n.Related {
			f.Related = append(f.Related, rules.Related{Pos: r.Pos, Message: r.Message})
		}
		c.Report(f)
	}
}

// SidecarLabel reports ConfigMaps of dashboards or datasources that no
// sidecar copies.
var SidecarLabel = &rules.Rule{
	ID:       "kubernetes/sidecar-label",
	Severity: rules.Warning,
	Summary:  "a ConfigMap holds dashboards or datasources, but the Grafana sidecar's label selector or namespace leaves it out",
	Doc: rules.Doc{
		What: "Reports a ConfigMap or Secret whose keys are dashboard JSON (or datasource provisioning) that no Grafana of the repository reads, " +
			"while a Grafana deployed by the grafana chart (or kube-prometheus-stack) runs the k8s-sidecar for that kind: the object lacks the " +
			"sidecar's label, has another label value, or sits in a namespace the sidecar does not watch. The finding points at the object's " +
			"name, or at the label whose value differs.",
		Why: "The grafana chart's sidecar containers (`templates/_pod.tpl`, `sc-dashboard` and `sc-datasources`) run kiwigrid/k8s-sidecar with " +
			"`LABEL` = `sidecar.dashboards.label` (default `grafana_dashboard`), `LABEL_VALUE` = `sidecar.dashboards.labelValue` (any value when " +
			"empty; kube-prometheus-stack sets `\"1\"`) and `NAMESPACE` = `searchNamespace` (the pod's own namespace when unset; " +
			"kube-prometheus-stack sets `ALL` for dashboards only). The sidecar copies the keys of matching ConfigMaps and Secrets into " +
			"the folder Grafana's sidecar provider reads; anything else is never seen, and nothing says so.",
		Bad: []rules.Example{
			{Path: "grafana/values.yaml", Content: "sidecar:\n  dashboards:\n    enabled: true\n    label: grafana_dashboard\n    labelValue: \"1\"\n"},
			{Path: "grafana/dashboards.yaml", Content: exampleDashboardCM("true")},
		},
		Good: []rules.Example{
			{Path: "grafana/values.yaml", Content: "sidecar:\n  dashboards:\n    enabled: true\n    label: grafana_dashboard\n    labelValue: \"1\"\n"},
			{Path: "grafana/dashboards.yaml", Content: exampleDashboardCM("\"1\"")},
		},
		Fix: "Label the ConfigMap with the sidecar's label and value (`grafana_dashboard: \"1\"`), or set the chart's " +
			"`sidecar.dashboards.labelValue` to the value the objects carry; for another namespace, list it in `sidecar.dashboards.searchNamespace`.",
	},
	Check: func(c *rules.Context) { reportNotes(c, "sidecar-label") },
}

func exampleDashboardCM(value string) string {
	return "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: team-dashboards\n  labels:\n    grafana_dashboard: " + value +
		"\ndata:\n  team.json: |\n    {\"uid\": \"team\", \"title\": \"Team\", \"schemaVersion\": 39, \"panels\": []}\n"
}

// IgnoredValue reports top-level values the grafana chart never reads.
var IgnoredValue = &rules.Rule{
	ID:       "kubernetes/ignored-value",
	Severity: rules.Warning,
	Summary:  "a top-level value of grafana chart values that the chart never reads (a misspelt key does nothing)",
	Doc: rules.Doc{
		What: "Reports a top-level key of grafana chart values (a values file, a HelmRelease's `spec.values`, an Argo CD Application's Helm " +
			"values, the `grafana:` subtree of kube-prometheus-stack) that the chart does not read, and suggests the nearest key it does read: " +
			"`datasource:` for `datasources:`, `grafana-ini:` for `grafana.ini:`, `dashboardProvider:` for `dashboardProviders:`.",
		Why: "Helm accepts any key in values; a template reads only the ones it names (`.Values.<key>`). The known keys are those of the chart's " +
			"`values.yaml` and every `.Values.<key>` its templates use (grafana/helm-charts `charts/grafana` 10.5.14 and " +
			"grafana-community/helm-charts 12.11.1), plus the keys kube-prometheus-stack reads from its `grafana:` subtree. A misspelt " +
			"key leaves the setting at its default, silently.",
		Bad:  []rules.Example{{Path: "values.yaml", Content: "grafana.ini:\n  server:\n    root_url: https://grafana.example.com/\ndatasource:\n  datasources.yaml:\n    apiVersion: 1\n    datasources:\n      - name: Prometheus\n        type: prometheus\n        url: http://prometheus:9090\n"}},
		Good: []rules.Example{{Path: "values.yaml", Content: "grafana.ini:\n  server:\n    root_url: https://grafana.example.com/\ndatasources:\n  datasources.yaml:\n    apiVersion: 1\n    datasources:\n      - name: Prometheus\n        type: prometheus\n        url: http://prometheus:9090\n"}},
		Fix:  "Rename the key to the one the chart reads, or delete it.",
	},
	Check: func(c *rules.Context) { reportNotes(c, "ignored-key") },
}

// LeakedSecret reports sensitive grafana.ini keys written literally in
// values.
var LeakedSecret = &rules.Rule{
	ID:       "kubernetes/leaked-secret",
	Severity: rules.Error,
	Summary:  "a sensitive grafana.ini key is written literally in grafana chart values: the chart refuses to render",
	Doc: rules.Doc{
		What: "Reports a key of the values' `grafana.ini` map that the grafana chart treats as sensitive (`database.password`, `smtp.password`, " +
			"`security.secret_key`, `security.admin_password`, the `client_secret` of the `auth.*` sections, …) when its value is literal text " +
			"rather than a `$__env{…}`, `$__file{…}`, `$__vault{…}` or `${…}` expansion and `assertNoLeakedSecrets` is not false.",
		Why: "Since chart 7.0.19 the grafana chart's `_helpers.tpl` (`grafana.assertNoLeakedSecrets`, called by `templates/_config.tpl`) fails " +
			"the render with `Sensitive key '<section>.<key>' should not be defined explicitly in values`: `helm install`, `helm upgrade`, " +
			"Flux and Argo CD stop at that release. The value would otherwise land in a ConfigMap, readable by anyone who can read the namespace.",
		Bad:  []rules.Example{{Path: "values.yaml", Content: "grafana.ini:\n  security:\n    admin_password: hunter2\n"}},
		Good: []rules.Example{{Path: "values.yaml", Content: "grafana.ini:\n  security:\n    admin_password: $__file{/etc/secrets/admin_password}\nextraSecretMounts:\n  - name: admin\n    secretName: grafana-admin\n    mountPath: /etc/secrets\n    readOnly: true\n"}},
		Fix: "Read the value from a mounted Secret (`$__file{…}` with `extraSecretMounts`) or an environment variable (`$__env{…}` with " +
			"`envFromSecret`); for the admin password use `admin.existingSecret`.",
	},
	Check: func(c *rules.Context) { reportNotes(c, "leaked-secret") },
}

// OperatorConfigType reports non-string values in a Grafana resource's
// spec.config.
var OperatorConfigType = &rules.Rule{
	ID:       "kubernetes/operator-config-type",
	Severity: rules.Error,
	Summary:  "a grafana-operator Grafana's spec.config value is not a string: the API server rejects the resource",
	Doc: rules.Doc{
		What: "Reports a value of a `Grafana` resource's (grafana.integreatly.org/v1beta1) `spec.config` that YAML reads as a boolean, a number or " +
			"null instead of a string (`enabled: true` rather than `enabled: \"true\"`), and a section that is not a map.",
		Why: "grafana-operator types `spec.config` as `map[string]map[string]string` (`api/v1beta1/grafana_types.go`); the CRD's schema " +
			"requires strings, so `kubectl apply`, Flux and Argo CD get the error `spec.config.<section>.<key>: Invalid value: \"boolean\": ... " +
			"must be of type string` and the Grafana is not created or updated.",
		Bad:  []rules.Example{{Path: "grafana.yaml", Content: "apiVersion: grafana.integreatly.org/v1beta1\nkind: Grafana\nmetadata:\n  name: grafana\nspec:\n  config:\n    auth.anonymous:\n      enabled: true\n"}},
		Good: []rules.Example{{Path: "grafana.yaml", Content: "apiVersion: grafana.integreatly.org/v1beta1\nkind: Grafana\nmetadata:\n  name: grafana\nspec:\n  config:\n    auth.anonymous:\n      enabled: \"true\"\n"}},
		Fix:  "Quote the value.",
	},
	Check: func(c *rules.Context) { reportNotes(c, "operator-config-type") },
}

// FluxSubstitution reports dashboard variables Flux replaces.
var FluxSubstitution = &rules.Rule{
	ID:       "kubernetes/flux-substitution",
	Severity: rules.Error,
	Summary:  "Flux post-build substitution replaces a ${…} dashboard variable before Grafana sees the dashboard",
	Doc: rules.Doc{
		What: "Reports each `${…}` in a dashboard held by a ConfigMap (written, or generated by a kustomize `configMapGenerator`) that a Flux " +
			"Kustomization with `spec.postBuild` (`substitute` or `substituteFrom`) applies, unless the ConfigMap is labelled or annotated " +
			"`kustomize.toolkit.fluxcd.io/substitute: disabled`. The finding points at the reference in the dashboard. Everything " +
			"else such a Kustomization applies (HelmRelease values, grafana.ini and datasource ConfigMaps) is linted as substituted, with " +
			"the values of `substitute` and of the `substituteFrom` ConfigMaps and Secrets the repository holds (a variable another " +
			"source may define stays unknown); dashboards are linted as written, and this rule says what the substitution does to them.",
		Why: "kustomize-controller runs drone/envsubst over every object it applies (fluxcd/pkg `kustomize/kustomize_varsub.go`, " +
			"`SubstituteVariables`): each `${name}` becomes the variable's value, or an empty string when it is not defined. " +
			"Dashboard variables (`${DS_PROMETHEUS}`, `${datasource}`, `${__rate_interval}`) are then gone: panels reference the datasource " +
			"`\"\"` and queries lose their intervals. Forms such as `${var:format}` make the whole Kustomization fail with `bad substitution`. " +
			"Only `${…}` is substituted; a bare `$var` is left alone, and `$${…}` escapes.",
		Bad: []rules.Example{
			{Path: "flux/monitoring.yaml", Content: exampleFlux},
			{Path: "monitoring/values.yaml", Content: exampleSidecarValues},
			{Path: "monitoring/kustomization.yaml", Content: "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nconfigMapGenerator:\n  - name: dashboards\n    files:\n      - dashboards/node.json\n    options:\n      labels:\n        grafana_dashboard: \"1\"\n"},
			{Path: "monitoring/dashboards/node.json", Content: exampleFluxDashboard},
		},
		Good: []rules.Example{
			{Path: "flux/monitoring.yaml", Content: exampleFlux},
			{Path: "monitoring/values.yaml", Content: exampleSidecarValues},
			{Path: "monitoring/kustomization.yaml", Content: "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nconfigMapGenerator:\n  - name: dashboards\n    files:\n      - dashboards/node.json\n    options:\n      labels:\n        grafana_dashboard: \"1\"\n        kustomize.toolkit.fluxcd.io/substitute: disabled\n"},
			{Path: "monitoring/dashboards/node.json", Content: exampleFluxDashboard},
		},
		Fix: "Label or annotate the ConfigMap (or the generator's `options`) with `kustomize.toolkit.fluxcd.io/substitute: disabled`, or write " +
			"`$${…}` for each variable Grafana must see.",
	},
	Check: func(c *rules.Context) { reportNotes(c, "flux-substitution") },
}

const exampleFlux = "apiVersion: kustomize.toolkit.fluxcd.io/v1\nkind: Kustomization\nmetadata:\n  name: monitoring\nspec:\n  path: ./monitoring\n  postBuild:\n    substitute:\n      cluster: prod\n"

const exampleSidecarValues = "grafana.ini:\n  server:\n    root_url: https://grafana.example.com/\nsidecar:\n  dashboards:\n    enabled: true\n    labelValue: \"1\"\n"

const exampleFluxDashboard = "{\n  \"uid\": \"node\",\n  \"title\": \"Node\",\n  \"schemaVersion\": 39,\n  \"panels\": [\n    {\"id\": 1, \"type\": \"timeseries\", \"datasource\": {\"type\": \"prometheus\", \"uid\": \"${datasource}\"}}\n  ],\n  \"templating\": {\"list\": [{\"name\": \"datasource\", \"type\": \"datasource\", \"query\": \"prometheus\"}]}\n}\n"

// DownloadNotLoaded reports chart dashboards downloaded where no provider
// reads them.
var DownloadNotLoaded = &rules.Rule{
	ID:       "kubernetes/download-not-loaded",
	Severity: rules.Warning,
	Summary:  "a grafana chart dashboard (gnetId or url) is downloaded to a folder no dashboard provider reads",
	Doc: rules.Doc{
		What: "Reports a `dashboards.<provider>.<name>` entry of grafana chart values with `gnetId` or `url` whose download lands in a folder " +
			"no provider of the stack loads.",
		Why: "The chart's `download_dashboards.sh` (`templates/_config.tpl`) writes each download to the `options.path` of the provider whose " +
			"name is `<provider>` — looked up only in `dashboardProviders[\"dashboardproviders.yaml\"]` — and otherwise to " +
			"`/var/lib/grafana/dashboards/<provider>`. A provider declared under another key of `dashboardProviders`, or a provider " +
			"name that differs from the key under `dashboards`, leaves the file where Grafana never looks: the dashboard does not appear.",
		Bad:  []rules.Example{{Path: "values.yaml", Content: "dashboardProviders:\n  providers.yaml:\n    apiVersion: 1\n    providers:\n      - name: default\n        options:\n          path: /var/lib/grafana/dashboards/standard\ndashboards:\n  default:\n    node-exporter:\n      gnetId: 1860\n      revision: 37\n"}},
		Good: []rules.Example{{Path: "values.yaml", Content: "dashboardProviders:\n  dashboardproviders.yaml:\n    apiVersion: 1\n    providers:\n      - name: default\n        options:\n          path: /var/lib/grafana/dashboards/standard\ndashboards:\n  default:\n    node-exporter:\n      gnetId: 1860\n      revision: 37\n"}},
		Fix: "Declare the provider under `dashboardProviders.dashboardproviders.yaml` with the name used under `dashboards`, or point its " +
			"`options.path` at `/var/lib/grafana/dashboards/<provider>`.",
	},
	Check: func(c *rules.Context) {
		k := c.Stack.Kubernetes
		if k == nil || !c.Stack.HasProviders {
			return
		}
		for _, d := range k.Downloads {
			if d.Loaded || d.Target == "" {
				continue
			}
			c.Report(rules.Finding{Pos: d.Source.Pos, Entity: "kubernetes:dashboards." + d.Provider + "." + d.Name, Key: d.Provider + "/" + d.Name,
				Message: "dashboard \"" + d.Name + "\" (" + d.Source.V + ") is downloaded to " + d.Target + ", but no dashboard provider of this Grafana reads that folder: it never appears; " +
					"declare the provider in dashboardProviders.dashboardproviders.yaml under the name \"" + d.Provider + "\", or make a provider's options.path cover it"})
		}
	},
}
