// Package kps reads kube-prometheus-stack values
// (prometheus-community/helm-charts charts/kube-prometheus-stack) for what
// they give Grafana: the grafana subchart installed from the "grafana:"
// subtree (read by helmchart, over kube-prometheus-stack's defaults for
// it: both sidecars on, labels grafana_dashboard/grafana_datasource = "1",
// searchNamespace ALL), and the datasource ConfigMap the chart creates for
// the sidecar (templates/grafana/configmaps-datasources.yaml): the
// default Prometheus datasource (uid "prometheus" since chart 33.2.0,
// configurable since 34.3.0), the Alertmanager one (uid "alertmanager",
// since 46.8.0), additionalDataSources and deleteDatasources.
package kps

import (
	"fmt"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/grafanalint/grafanalint/parsers/k8s/helmchart"
	"github.com/grafanalint/grafanalint/parsers/k8s/install"
	"github.com/grafanalint/grafanalint/parsers/k8s/manifest"
	"github.com/grafanalint/grafanalint/parsers/k8s/srcmap"
	"github.com/grafanalint/grafanalint/parsers/k8s/subst"
	"github.com/grafanalint/grafanalint/parsers/model"
)

// Chart is the chart's name.
const Chart = "kube-prometheus-stack"

// defaults are kube-prometheus-stack's values.yaml grafana: subtree (chart
// 88.5.3) in the keys that decide what Grafana reads.
const defaults = `
enabled: true
forceDeployDatasources: false
forceDeployDashboards: false
defaultDashboardsEnabled: true
operator:
  dashboardsConfigMapRefEnabled: false
  matchLabels: {}
  folder: General
sidecar:
  dashboards:
    enabled: true
    label: grafana_dashboard
    labelValue: "1"
    searchNamespace: ALL
    provider:
      allowUiUpdates: false
  datasources:
    enabled: true
    defaultDatasourceEnabled: true
    isDefaultDatasource: true
    name: Prometheus
    uid: prometheus
    httpMethod: POST
    createPrometheusReplicasDatasources: false
    label: grafana_datasource
    labelValue: "1"
    alertmanager:
      enabled: true
      name: Alertmanager
      uid: alertmanager
      handleGrafanaManagedAlerts: false
      implementation: prometheus
deleteDatasources: []
additionalDataSources: []
prune: false
`

var defaultsNode = func() *yaml.Node {
	var doc yaml.Node
	if err := yaml.Unmarshal([]byte(defaults), &doc); err != nil {
		panic(err)
	}
	return doc.Content[0]
}()

// Options say how the values are installed.
type Options struct {
	Release, Namespace string
	Origin             install.Origin
	Name               string
	Files              []string
	Virtual            string
	// Version is the chart version or constraint ("69.x"), "" unknown.
	Version string
}

// Result is what kube-prometheus-stack values give Grafana.
type Result struct {
	// Grafana is the grafana subchart, nil when grafana.enabled is false.
	Grafana *install.Install
	// Objects are the objects the chart creates for a Grafana: the
	// datasource ConfigMap (labelled for the sidecar).
	Objects []*manifest.Object
	// OperatorDashboards is set when the chart hands its default
	// dashboards to grafana-operator (GrafanaDashboard objects whose
	// content is in the chart): the instanceSelector labels.
	OperatorDashboards map[string]string
	OperatorPos        model.Pos
}

// Render reads kube-prometheus-stack values.
func Render(v *manifest.Values, opts Options) *Result {
	res := &Result{}
	gk, g := manifest.GetKey(v.Node, "grafana")
	var sub *manifest.Values
	if g != nil && g.Kind == yaml.MappingNode {
		sub = &manifest.Values{Node: g, Src: v.Src, Via: v.Via, Doc: v.Doc}
	} else {
		// No grafana: key: the defaults alone.
		sub = &manifest.Values{Node: &yaml.Node{Kind: yaml.MappingNode, Line: v.Node.Line, Column: v.Node.Column}, Src: v.Src, Via: v.Via, Doc: v.Doc}
	}
	anchor := gk
	if anchor == nil {
		anchor = v.Node
	}
	w := newLookup(sub)
	enabled := w.truthy("enabled")
	release := opts.Release
	if release == "" {
		release = Chart
	}
	if enabled {
		res.Grafana = helmchart.Render(helmchart.Options{
			Release: release, Namespace: opts.Namespace, Origin: opts.Origin, Name: opts.Name, Files: opts.Files,
			Virtual: opts.Virtual + "grafana/", Chart: Chart, ChartVersion: opts.Version,
			Defaults: []*yaml.Node{defaultsNode}, Extra: extraKeys, Anchor: anchor,
		}, sub)
	}
	major := majorVersion(opts.Version)
	if (enabled && w.truthy("sidecar", "datasources", "enabled")) || w.truthy("forceDeployDatasources") {
		res.Objects = append(res.Objects, datasourceConfigMap(w, v, anchor, release, opts, major))
	}
	if w.truthy("operator", "dashboardsConfigMapRefEnabled") && (enabled || w.truthy("forceDeployDashboards")) && w.truthy("defaultDashboardsEnabled") {
		res.OperatorDashboards = map[string]string{}
		if ml := w.node("operator", "matchLabels"); ml != nil && ml.Kind == yaml.MappingNode {
			for i := 0; i+1 < len(ml.Content); i += 2 {
				res.OperatorDashboards[ml.Content[i].Value] = ml.Content[i+1].Value
			}
		}
		res.OperatorPos = v.Pos(anchor)
	}
	return res
}

// extraKeys are keys of the grafana: subtree kube-prometheus-stack reads.
var extraKeys = map[string]bool{
	"additionalDataSources": true, "additionalDataSourcesString": true, "defaultDashboardsEditable": true,
	"defaultDashboardsEnabled": true, "defaultDashboardsInterval": true, "defaultDashboardsTimezone": true,
	"deleteDatasources": true, "forceDeployDashboards": true, "forceDeployDatasources": true, "operator": true,
	"prune": true, "enabled": true, "namespaceOverride": true,
}

func majorVersion(v string) int {
	v = strings.TrimLeft(v, "^~>=< v")
	end := 0
	for end < len(v) && v[end] >= '0' && v[end] <= '9' {
		end++
	}
	n, err := strconv.Atoi(v[:end])
	if err != nil {
		return 0
	}
	return n
}

// lookup reads the grafana: subtree over kube-prometheus-stack's defaults.
type lookup struct {
	user *manifest.Values
}

func newLookup(v *manifest.Values) lookup { return lookup{user: v} }

// node returns the user's node at path, else the default's.
func (l lookup) node(keys ...string) *yaml.Node {
	if n := manifest.Path(l.user.Node, keys...); n != nil {
		return n
	}
	return manifest.Path(defaultsNode, keys...)
}

// userNode returns the user's node at path, nil when it is a default.
func (l lookup) userNode(keys ...string) *yaml.Node {
	return manifest.Path(l.user.Node, keys...)
}

func (l lookup) truthy(keys ...string) bool { return manifest.Truthy(l.node(keys...)) }

func (l lookup) str(keys ...string) string {
	n := l.node(keys...)
	if n == nil || n.Kind != yaml.ScalarNode {
		return ""
	}
	return n.Value
}

// datasourceConfigMap renders templates/grafana/configmaps-datasources.yaml:
// the ConfigMap <fullname>-grafana-datasource, labelled
// sidecar.datasources.label = labelValue, whose datasource.yaml the
// datasource sidecar copies into Grafana's provisioning.
func datasourceConfigMap(w lookup, v *manifest.Values, anchor *yaml.Node, release string, opts Options, major int) *manifest.Object {
	src := v.Src
	at := func(keys ...string) (int, int) {
		n := w.userNode(keys...)
		if n == nil {
			n = anchor
		}
		off := src.Offset(n.Line, n.Column)
		return off, off
	}
	var b srcmap.Builder
	gen := func(s string, keys ...string) {
		off, end := at(keys...)
		b.Point(s, src, off, end)
	}
	value := func(def string, keys ...string) {
		n := w.userNode(keys...)
		if n == nil || n.Kind != yaml.ScalarNode {
			gen(def)
			return
		}
		t := srcmap.Scalar(src, n)
		b.Append(t.WithString(subst.MaskHelm(t.S)))
	}
	gen("apiVersion: 1\n")
	if dd := w.userNode("deleteDatasources"); dd != nil && dd.Kind == yaml.SequenceNode && len(dd.Content) > 0 {
		gen("deleteDatasources:\n", "deleteDatasources")
		t := srcmap.Block(src, dd)
		b.Append(t.WithString(subst.MaskHelm(t.S)))
	}
	if w.truthy("prune") {
		gen("prune: true\n", "prune")
	}
	gen("datasources:\n")
	fullname := release
	if !strings.Contains(release, Chart) {
		fullname = trunc(release+"-"+Chart, 26)
	}
	ns := opts.Namespace
	if w.truthy("sidecar", "datasources", "defaultDatasourceEnabled") {
		gen("- name: \"", "sidecar", "datasources", "name")
		value("Prometheus", "sidecar", "datasources", "name")
		gen("\"\n  type: prometheus\n", "sidecar", "datasources", "name")
		if major == 0 || major >= 33 {
			gen("  uid: ", "sidecar", "datasources", "uid")
			value("prometheus", "sidecar", "datasources", "uid")
			gen("\n", "sidecar", "datasources", "uid")
		}
		gen("  url: ", "sidecar", "datasources", "url")
		value(fmt.Sprintf("http://%s-prometheus.%s:9090/", fullname, ns), "sidecar", "datasources", "url")
		gen("\n  access: proxy\n  isDefault: ", "sidecar", "datasources", "isDefaultDatasource")
		value("true", "sidecar", "datasources", "isDefaultDatasource")
		gen("\n  jsonData:\n    httpMethod: POST\n    timeInterval: 30s\n", "sidecar", "datasources")
	}
	if w.truthy("sidecar", "datasources", "alertmanager", "enabled") && (major == 0 || major >= 46) {
		gen("- name: \"", "sidecar", "datasources", "alertmanager", "name")
		value("Alertmanager", "sidecar", "datasources", "alertmanager", "name")
		gen("\"\n  type: alertmanager\n  uid: ", "sidecar", "datasources", "alertmanager", "uid")
		value("alertmanager", "sidecar", "datasources", "alertmanager", "uid")
		gen(fmt.Sprintf("\n  url: http://%s-alertmanager.%s:9093/\n  access: proxy\n  jsonData:\n    handleGrafanaManagedAlerts: false\n    implementation: prometheus\n", fullname, ns), "sidecar", "datasources", "alertmanager")
	}
	if ad := w.userNode("additionalDataSources"); ad != nil && ad.Kind == yaml.SequenceNode && len(ad.Content) > 0 {
		t := srcmap.Block(src, ad)
		b.Append(t.WithString(subst.MaskHelm(t.S)))
	}
	if as := w.userNode("additionalDataSourcesString"); as != nil && as.Kind == yaml.ScalarNode && as.Value != "" {
		t := srcmap.Scalar(src, as)
		b.Append(t.WithString(subst.MaskHelm(t.S)))
	}
	text := b.Text()
	label := w.str("sidecar", "datasources", "label")
	labelValue := w.str("sidecar", "datasources", "labelValue")
	if labelValue == "" {
		labelValue = "1"
	}
	name := fullname + "-grafana-datasource"
	pos := v.Pos(anchor)
	o := &manifest.Object{
		APIVersion: "v1", Kind: model.Str{V: "ConfigMap", Pos: pos}, Name: model.Str{V: name, Pos: pos}, Namespace: model.Str{V: ns},
		Labels: map[string]model.Str{label: {V: labelValue, Pos: pos}}, Src: src,
		Data: []*manifest.Entry{{Key: model.Str{V: "datasource.yaml", Pos: pos}, Text: text}},
	}
	o.Virtual = opts.Virtual + "ConfigMap/" + name + "/"
	o.Generated = "kube-prometheus-stack's datasource ConfigMap"
	return o
}

func trunc(s string, n int) string {
	s = strings.TrimSuffix(s, "-")
	if len(s) > n {
		s = strings.TrimSuffix(s[:n], "-")
	}
	return s
}
