package helmchart

import (
	"gopkg.in/yaml.v3"
)

// chartDefaults are the values of the grafana chart's values.yaml that
// decide what Grafana reads: grafana/helm-charts charts/grafana/values.yaml
// (chart 10.5.14, the last in that repository, identical in these keys to
// grafana-community/helm-charts 12.11.1). The server.domain default is the
// chart's template, evaluated by Render (first ingress host since chart
// 6.32.13); grafana_net.url was a default until chart 10.5.10.
const chartDefaults = `
grafana.ini:
  paths:
    data: /var/lib/grafana/
    logs: /var/log/grafana
    plugins: /var/lib/grafana/plugins
    provisioning: /etc/grafana/provisioning
  analytics:
    check_for_updates: true
  log:
    mode: console
  server:
    domain: ""
  unified_storage:
    index_path: /var/lib/grafana-search/bleve
adminUser: admin
admin:
  existingSecret: ""
  userKey: admin-user
  passwordKey: admin-password
image:
  registry: docker.io
  repository: grafana/grafana
  tag: ""
service:
  port: 80
  targetPort: 3000
ingress:
  enabled: false
  path: /
  pathType: Prefix
  hosts:
    - chart-example.local
route:
  main:
    enabled: false
createConfigmap: true
assertNoLeakedSecrets: true
sidecar:
  dashboards:
    enabled: false
    SCProvider: true
    label: grafana_dashboard
    labelValue: ""
    folder: /tmp/dashboards
    resource: both
    provider:
      name: sidecarProvider
      orgid: 1
      folder: ''
      folderUid: ''
      type: file
      disableDelete: false
      allowUiUpdates: false
      foldersFromFilesStructure: false
  datasources:
    enabled: false
    label: grafana_datasource
    labelValue: ""
    resource: both
`

// knownKeys are the top-level values the grafana chart reads: its
// values.yaml keys (documented commented-out ones included) and every
// .Values.<key> its templates use, in grafana/helm-charts chart 10.5.14 and
// grafana-community/helm-charts chart 12.11.1. "enabled" is the condition
// umbrella charts put on a grafana subchart.
var knownKeys = map[string]bool{}

func init() {
	for _, k := range []string{
		"admin", "adminPassword", "adminUser", "affinity", "alerting", "annotations", "args", "assertNoLeakedSecrets",
		"automountServiceAccountToken", "autoscaling", "command", "configMapAnnotations", "containerSecurityContext",
		"createConfigmap", "dashboardProviders", "dashboards", "dashboardsConfigMaps", "datasources", "defaultCurlOptions",
		"deploymentStrategy", "dnsConfig", "dnsPolicy", "downloadDashboards", "downloadDashboardsImage",
		"enableKubeBackwardCompatibility", "enableServiceLinks", "env", "envFromConfigMaps", "envFromSecret",
		"envFromSecrets", "envRenderSecret", "envValueFrom", "extraConfigmapMounts", "extraContainerVolumes",
		"extraContainers", "extraEmptyDirMounts", "extraExposePorts", "extraInitContainers", "extraLabels", "extraObjects",
		"extraSecretMounts", "extraVolumeMounts", "extraVolumes", "fullnameOverride", "global", "gossipPortName",
		"grafana.ini", "headlessService", "hostAliases", "hostUsers", "image", "imageRenderer", "ingress", "initChownData",
		"labels", "ldap", "lifecycleHooks", "listenerSet", "livenessProbe", "nameOverride", "namespaceOverride",
		"networkPolicy", "nodeSelector", "notifiers", "persistence", "plugins", "podAnnotations", "podDisruptionBudget",
		"podLabels", "podPortName", "priorityClassName", "progressDeadlineSeconds", "rbac", "readinessProbe", "replicas",
		"resources", "revisionHistoryLimit", "route", "schedulerName", "securityContext", "service", "serviceAccount",
		"serviceMonitor", "shadowBundledPlugins", "shareProcessNamespace", "sidecar", "smtp", "startupProbe",
		"testFramework", "tolerations", "topologySpreadConstraints", "useStatefulSet", "verticalPodAutoscaler",
		"enabled",
	} {
		knownKeys[k] = true
	}
}

var defaultsNode = func() *yaml.Node {
	var doc yaml.Node
	if err := yaml.Unmarshal([]byte(chartDefaults), &doc); err != nil {
		panic(err)
	}
	return doc.Content[0]
}()
