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

// Render reads kube-prometheus-stack values; later documents override
// earlier ones, as Helm's repeated -f files (or Flux's valuesFrom) do.
func Render(opts Options, vs ...*manifest.Values) *Result {
	res := &Result{}
	var layers []*manifest.Values
	var anchor *yaml.Node
	var top *manifest.Values
	for _, v := range vs {
		if v == nil || v.Node == nil {
			continue
		}
		top = v
		gk, g := manifest.GetKey(v.Node, "grafana")
		if g != nil && g.Kind == yaml.MappingNode {
			layers = append(layers, &manifest.Values{Node: g, Src: v.Src, Via: v.Via, Doc: v.Doc})
			anchor = gk
		}
	}
	if top == nil {
		return res
	}
	av := top // the values the anchor is in
	if anchor == nil {
		// No grafana: key: the defaults alone, shown at the document.
		anchor = top.Node
		layers = []*manifest.Values{{Node: &yaml.Node{Kind: yaml.MappingNode, Line: top.Node.Line, Column: top.Node.Column}, Src: top.Src, Via: top.Via, Doc: top.Doc}}
	} else {
		for _, l := range layers {
			if k, _ := manifest.GetKey(nodeOf(vs, l), "grafana"); k == anchor {
				av = valuesOf(vs, l)
			}
		}
	}
	w := newLookup(layers)
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
		}, layers...)
	}
	major := majorVersion(opts.Version)
	if (enabled && w.truthy("sidecar", "datasources", "enabled")) || w.truthy("forceDeployDatasources") {
		res.Objects = append(res.Objects, datasourceConfigMap(w, av, anchor, release, opts, major))
		if res.Grafana != nil && w.truthy("sidecar", "datasources", "defaultDatasourceEnabled") && w.truthy("sidecar", "datasources", "isDefaultDatasource") {
			// Where the default Prometheus datasource's isDefault is shown.
			pos := av.Pos(anchor)
			if n, v := w.userNode("sidecar", "datasources", "isDefaultDatasource"); n != nil {
				pos = v.Pos(n)
			}
			res.Grafana.Written = append(res.Grafana.Written, model.KubeSource{Pos: pos, Kind: model.KubeChartDatasource,
				Name: "grafana.sidecar.datasources.isDefaultDatasource", Object: Chart, Value: w.str("sidecar", "datasources", "name")})
		}
	}
	if w.truthy("operator", "dashboardsConfigMapRefEnabled") && (enabled || w.truthy("forceDeployDashboards")) && w.truthy("defaultDashboardsEnabled") {
		res.OperatorDashboards = map[string]string{}
		if ml := w.node("operator", "matchLabels"); ml != nil && ml.Kind == yaml.MappingNode {
			for i := 0; i+1 < len(ml.Content); i += 2 {
				res.OperatorDashboards[ml.Content[i].Value] = ml.Content[i+1].Value
			}
		}
		res.OperatorPos = av.Pos(anchor)
	}
	return res
}

// nodeOf and valuesOf find the values document a grafana: subtree layer
// comes from.
func nodeOf(vs []*manifest.Values, l *manifest.Values) *yaml.Node {
	if v := valuesOf(vs, l); v != nil {
		return v.Node
	}
	return nil
}

func valuesOf(vs []*manifest.Values, l *manifest.Values) *manifest.Values {
	for _, v := range vs {
		if v != nil && v.Node != nil && manifest.Get(v.Node, "grafana") == l.Node {
			return v
		}
	}
	return nil
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

// lookup reads the grafana: subtree of layered values over
// kube-prometheus-stack's defaults.
type lookup struct {
	layers []*manifest.Values
}

func newLookup(layers []*manifest.Values) lookup { return lookup{layers: layers} }

// node returns the user's node at path (of the last layer that sets it),
// else the default's.
func (l lookup) node(keys ...string) *yaml.Node {
	if n, _ := l.userNode(keys...); n != nil {
		return n
	}
	return manifest.Path(defaultsNode, keys...)
}

// userNode returns the user's node at path and its values, nil when it is
// a default. A null deletes the key (Helm's coalescing).
func (l lookup) userNode(keys ...string) (*yaml.Node, *manifest.Values) {
	for i := len(l.layers) - 1; i >= 0; i-- {
		if n := manifest.Path(l.layers[i].Node, keys...); n != nil {
			if n.Tag == "!!null" {
				return nil, nil
			}
			return n, l.layers[i]
		}
	}
	return nil, nil
}

func (l lookup) truthy(keys ...string) bool {
	return manifest.Truthy(l.node(keys...))
}

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
	var b srcmap.Builder
	// gen writes template text shown at the value of keys when the user
	// wrote it, else at the anchor.
	gen := func(s string, keys ...string) {
		n, nv := w.userNode(keys...)
		if len(keys) == 0 || n == nil {
			n, nv = anchor, v
		}
		off := nv.Src.Offset(n.Line, n.Column)
		b.Point(s, nv.Src, off, off)
	}
	value := func(def string, keys ...string) {
		n, nv := w.userNode(keys...)
		if n == nil || n.Kind != yaml.ScalarNode {
			gen(def, keys...) // a default shows at the anchor
			return
		}
		t := srcmap.Scalar(nv.Src, n)
		b.Append(t.WithString(subst.MaskHelm(t.String())))
	}
	gen("apiVersion: 1\n")
	if dd, dv := w.userNode("deleteDatasources"); dd != nil && dd.Kind == yaml.SequenceNode && len(dd.Content) > 0 {
		gen("deleteDatasources:\n", "deleteDatasources")
		t := srcmap.Block(dv.Src, dd)
		b.Append(t.WithString(subst.MaskHelm(t.String())))
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
	if ad, av := w.userNode("additionalDataSources"); ad != nil && ad.Kind == yaml.SequenceNode && len(ad.Content) > 0 {
		t := srcmap.Block(av.Src, ad)
		b.Append(t.WithString(subst.MaskHelm(t.String())))
	}
	if as, av := w.userNode("additionalDataSourcesString"); as != nil && as.Kind == yaml.ScalarNode && as.Value != "" {
		t := srcmap.Scalar(av.Src, as)
		b.Append(t.WithString(subst.MaskHelm(t.String())))
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
