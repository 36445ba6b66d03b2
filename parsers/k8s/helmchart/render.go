// Package helmchart reads values of the grafana Helm chart
// (grafana/helm-charts, now grafana-community/helm-charts, charts/grafana)
// the way the chart renders them, into an install.Install: the
// grafana.ini the chart writes from the "grafana.ini" map, the
// provisioning files of "datasources" and "dashboardProviders", the
// dashboards of "dashboards" and "dashboardsConfigMaps", the environment
// ("env", "envFromSecret(s)", "envFromConfigMaps", "adminPassword",
// "admin.existingSecret"), the k8s-sidecar containers, the Ingress and the
// image tag. Every mapping cites the chart template it follows
// (templates/_config.tpl, _pod.tpl, ingress.yaml, _helpers.tpl at chart
// 10.5.14). Helm tpl placeholders ({{ … }}) are values unknown until
// install time: they are masked so that no rule judges them.
package helmchart

import (
	"fmt"
	"path"
	"regexp"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/grafanalint/grafanalint/parsers/k8s/install"
	"github.com/grafanalint/grafanalint/parsers/k8s/manifest"
	"github.com/grafanalint/grafanalint/parsers/k8s/srcmap"
	"github.com/grafanalint/grafanalint/parsers/k8s/subst"
	"github.com/grafanalint/grafanalint/parsers/model"
)

// Options say how values are installed.
type Options struct {
	// Release is the release name ("" when unknown: a plain values file);
	// Namespace its namespace.
	Release   string
	Namespace string
	Origin    install.Origin
	// Name names the stack; Files are the display paths of the sources.
	Name  string
	Files []string
	// Virtual prefixes the display paths of the files the chart renders
	// ("grafana/values.yaml#").
	Virtual string
	// Chart is "grafana", or the umbrella chart ("kube-prometheus-stack")
	// whose grafana: subtree the values are; ChartVersion its version.
	Chart        string
	ChartVersion string
	// ChartDir is the directory of the chart the values belong to (where
	// dashboards' "file:" paths are read), "" when not in the repository.
	ChartDir string
	// Defaults are values layered over the grafana chart's defaults (an
	// umbrella chart's defaults for its grafana subchart).
	Defaults []*yaml.Node
	// Extra are keys valid besides the grafana chart's (an umbrella
	// chart's own keys of the subtree).
	Extra map[string]bool
	// Anchor is where generated text is shown (the grafana: key of an
	// umbrella chart's values); default the first values document's start.
	Anchor *yaml.Node
}

// Render reads values (later documents override earlier ones, as Helm's
// -f files do) into an Install.
func Render(opts Options, vs ...*manifest.Values) *install.Install {
	r := &renderer{opts: opts}
	defaults := append([]*yaml.Node{defaultsNode}, opts.Defaults...)
	r.w = newView(defaults, vs...)
	var top *manifest.Values
	for _, v := range vs {
		if v != nil {
			top = v
		}
	}
	if top == nil {
		return nil
	}
	r.top = top
	an := opts.Anchor
	if an == nil {
		an = top.Node
	}
	r.anchor = anchorAt{src: top.Src, off: top.Src.Offset(an.Line, an.Column)}
	r.in = &install.Install{
		Name: opts.Name, Namespace: opts.Namespace, Origin: opts.Origin, Files: opts.Files,
		Chart: opts.Chart, ChartVersion: opts.ChartVersion, Pos: r.anchorPos(),
		ConfigPath: "/etc/grafana/grafana.ini", Values: top,
	}
	r.fullname()
	r.image()
	r.ini()
	r.provisioning()
	r.dashboards()
	r.env()
	r.sidecars()
	r.ingress()
	r.ignoredKeys()
	// Values written inside a string (Argo CD helm.values) map on to the
	// manifest: positions now, and the texts parsed later.
	for _, v := range vs {
		if v == nil || v.Via == nil {
			continue
		}
		v.Via.Remap(r.in, v.Src.Path)
		for _, m := range r.in.Mounts {
			if m.File != nil && m.File.Text != nil {
				m.File.Text = m.File.Text.Through(v.Src, v.Via)
			}
		}
		for _, ing := range r.in.Ingresses {
			for k, t := range ing.AnnotationText {
				ing.AnnotationText[k] = t.Through(v.Src, v.Via)
			}
		}
	}
	return r.in
}

type renderer struct {
	opts     Options
	w        view
	top      *manifest.Values
	anchor   anchorAt
	in       *install.Install
	fullName string
	provPath string
}

func (r *renderer) anchorPos() model.Pos {
	p := r.anchor.pos()
	if r.top.Via != nil {
		return r.top.Via.At(r.anchor.off)
	}
	return p
}

// fullname follows _helpers.tpl "grafana.fullname": fullnameOverride, else
// the release name when it contains the chart name, else
// "<release>-<chart name>".
func (r *renderer) fullname() {
	name := "grafana"
	if n := r.w.get("nameOverride").str(); n != "" {
		name = n
	}
	rel := r.opts.Release
	switch {
	case r.w.get("fullnameOverride").str() != "":
		r.fullName = r.w.get("fullnameOverride").str()
	case rel == "":
		r.fullName = name
	case strings.Contains(rel, name):
		r.fullName = rel
	default:
		r.fullName = rel + "-" + name
	}
	r.fullName = strings.TrimSuffix(trunc(r.fullName, 63), "-")
	r.in.Services = []string{r.fullName}
	port := r.w.path("service", "port").str()
	if port == "" {
		port = "80"
	}
	r.in.ServicePorts = []string{port}
}

func trunc(s string, n int) string {
	if len(s) > n {
		return s[:n]
	}
	return s
}

// image reads image.tag: _pod.tpl uses `.Values.image.tag | default
// .Chart.AppVersion`, so an empty tag is the chart's app version.
func (r *renderer) image() {
	img := r.w.get("image")
	tag := img.get("tag").strOf(r.anchorPos())
	if tag.V != "" {
		r.in.Version = tag
	}
	repo := img.get("repository").str()
	r.in.Image = model.Str{V: repo, Pos: img.get("repository").pos(r.anchorPos())}
	if tag.V != "" {
		r.in.Image.V += ":" + tag.V
	}
}

// format prints a non-string value as Go's text/template does: Helm reads
// values through JSON, so numbers are float64 and print with %v (1000000
// becomes 1e+06, helm/helm#12195).
func format(n *yaml.Node) string {
	switch n.Tag {
	case "!!int", "!!float":
		f, err := strconv.ParseFloat(strings.ReplaceAll(n.Value, "_", ""), 64)
		if err == nil {
			return fmt.Sprint(f)
		}
	case "!!bool":
		if b, ok := manifest.Bool(n); ok {
			return strconv.FormatBool(b)
		}
	case "!!null":
		return ""
	}
	return n.Value
}

// ini renders "grafana.ini" as templates/_config.tpl does: keys that are
// not maps first (without a section), then each map as a [section], both
// in sorted key order (Go templates range over maps sorted); a string goes
// through tpl, a list is printed as JSON, null as "key =", anything else
// with %v. It is mounted at /etc/grafana/grafana.ini (subPath grafana.ini,
// _pod.tpl).
func (r *renderer) ini() {
	gi := r.w.get("grafana.ini")
	var b srcmap.Builder
	line := func(section, key string, kv view) {
		kn, kvs := kv.keyNode(key)
		if n, v := kv.get(key).top(); v == nil && n != nil && (key != "domain" && n.Value == "" || key == "domain" && r.domainDefault().String() == "''") {
			// A chart default that renders empty ("domain = ''" without
			// an ingress): Grafana ignores empty values, so the line
			// changes nothing; it is not shown as written by the user.
			return
		}
		r.keyText(&b, key, kn, kvs)
		val := kv.get(key)
		n, v := val.top()
		switch {
		case n == nil || n.Tag == "!!null":
			r.anchorText(&b, " =", kn, kvs)
		case n.Kind == yaml.ScalarNode && n.Tag == "!!str" || n.Kind == yaml.ScalarNode && n.Tag == "":
			r.anchorText(&b, " = ", kn, kvs)
			var t *srcmap.Text
			if key == "domain" && v == nil {
				t = r.domainDefault()
			} else {
				t = val.text(r.anchor)
			}
			b.Append(t.WithString(subst.MaskHelm(t.String())))
		case n.Kind == yaml.ScalarNode:
			r.anchorText(&b, " = ", kn, kvs)
			r.pointAt(&b, format(n), n, v)
			if v != nil && format(n) != n.Value {
				// Helm prints what it read as JSON: 1000000 becomes 1e+06.
				name := "grafana.ini." + key
				if section != "" {
					name = "grafana.ini." + section + "." + key
				}
				st := manifest.ScalarStr(v.Src, v.Via, n)
				r.in.Written = append(r.in.Written, model.KubeSource{Pos: st.Pos, End: st.End, Kind: model.KubeValue, Name: r.keyPath(name),
					Object: r.valuesName(), Value: n.Value, Rendered: format(n)})
			}
		case n.Kind == yaml.SequenceNode:
			r.anchorText(&b, " = ", kn, kvs)
			r.pointAt(&b, toJSON(n), n, v)
		default:
			r.anchorText(&b, " = ", kn, kvs)
			r.pointAt(&b, "map[]", n, v)
		}
		r.anchorText(&b, "\n", kn, kvs)
	}
	keys := gi.keys()
	for _, k := range keys {
		if !gi.get(k).isMap() {
			line("", k, gi)
		}
	}
	for _, k := range keys {
		sec := gi.get(k)
		if !sec.isMap() {
			continue
		}
		kn, kvs := gi.keyNode(k)
		r.anchorText(&b, "[", kn, kvs)
		r.keyText(&b, k, kn, kvs)
		r.anchorText(&b, "]\n", kn, kvs)
		for _, sk := range sec.keys() {
			line(k, sk, sec)
		}
	}
	f := &install.File{Name: "grafana.ini", Virtual: r.opts.Virtual + "grafana.ini", Text: b.Text(), Owner: "values grafana.ini", Pos: gi.pos(r.anchorPos())}
	r.in.Mounts = append(r.in.Mounts, &install.Mount{Target: r.in.ConfigPath, File: f, Pos: f.Pos})
	r.provPath = gi.path("paths", "provisioning").str()
	if r.provPath == "" {
		r.provPath = "/etc/grafana/provisioning"
	}
	r.in.ProvisioningPath = path.Clean(subst.MaskHelm(r.provPath))
	r.leakedSecrets(gi)
}

// keyText writes a key as written (a key node of a values document) or
// generated at the anchor.
func (r *renderer) keyText(b *srcmap.Builder, key string, kn *yaml.Node, v *manifest.Values) {
	if kn == nil || v == nil {
		b.Append(r.anchor.point(key))
		return
	}
	b.Append(srcmap.Scalar(v.Src, kn))
}

// anchorText writes template text shown at a key (or the anchor).
func (r *renderer) anchorText(b *srcmap.Builder, s string, kn *yaml.Node, v *manifest.Values) {
	if kn == nil || v == nil {
		b.Append(r.anchor.point(s))
		return
	}
	off := v.Src.Offset(kn.Line, kn.Column)
	b.Point(s, v.Src, off, off)
}

// pointAt writes generated text standing for value node n of v.
func (r *renderer) pointAt(b *srcmap.Builder, s string, n *yaml.Node, v *manifest.Values) {
	if v == nil {
		b.Append(r.anchor.point(s))
		return
	}
	b.Append(srcmap.Scalar(v.Src, n).Replace(s))
}

// domainDefault evaluates the chart's server.domain default (values.yaml
// grafana.ini.server.domain): the first ingress host when the ingress is
// enabled, else the first route hostname when the route is enabled, else
// "”" (which go-ini reads as an empty value, ignored).
func (r *renderer) domainDefault() *srcmap.Text {
	ing := r.w.get("ingress")
	if ing.get("enabled").truthy() && ing.get("hosts").set() {
		if h, v := firstItem(ing.get("hosts")); h != nil {
			if v == nil {
				return r.anchor.point(h.Value)
			}
			return srcmap.Scalar(v.Src, h)
		}
	}
	route := r.w.path("route", "main")
	if route.get("enabled").truthy() {
		if h, v := firstItem(route.get("hostnames")); h != nil && v != nil {
			return srcmap.Scalar(v.Src, h)
		}
	}
	return r.anchor.point("''")
}

func firstItem(w view) (*yaml.Node, *manifest.Values) {
	n, v := w.top()
	if n == nil || n.Kind != yaml.SequenceNode || len(n.Content) == 0 || n.Content[0].Kind != yaml.ScalarNode {
		return nil, nil
	}
	return n.Content[0], v
}

func toJSON(n *yaml.Node) string {
	var parts []string
	for _, c := range n.Content {
		switch {
		case c.Kind != yaml.ScalarNode:
			parts = append(parts, "null")
		case c.Tag == "!!str":
			parts = append(parts, strconv.Quote(c.Value))
		default:
			parts = append(parts, format(c))
		}
	}
	return "[" + strings.Join(parts, ",") + "]"
}

// sensitiveKeys are the grafana.ini keys _helpers.tpl
// "grafana.assertNoLeakedSecrets" refuses as literal values (chart
// 7.0.19 and later, while assertNoLeakedSecrets is true).
var sensitiveKeys = [][2]string{
	{"database", "password"}, {"smtp", "password"}, {"security", "secret_key"}, {"security", "admin_password"},
	{"auth.basic", "password"}, {"auth.ldap", "bind_password"}, {"auth.google", "client_secret"},
	{"auth.github", "client_secret"}, {"auth.gitlab", "client_secret"}, {"auth.generic_oauth", "client_secret"},
	{"auth.okta", "client_secret"}, {"auth.azuread", "client_secret"}, {"auth.grafana_com", "client_secret"},
	{"auth.grafananet", "client_secret"}, {"azure", "user_identity_client_secret"},
	{"unified_alerting", "ha_redis_password"}, {"metrics", "basic_auth_password"},
	{"external_image_storage.s3", "secret_key"}, {"external_image_storage.webdav", "password"},
	{"external_image_storage.azure_blob", "account_key"},
}

var expansion = regexp.MustCompile(`\$(?:__(?:env|file|vault))?{[^}]+}`)

// leakedSecrets notes the sensitive keys written literally: helm fails
// with "Sensitive key '…' should not be defined explicitly in values".
func (r *renderer) leakedSecrets(gi view) {
	if !r.w.get("assertNoLeakedSecrets").truthy() {
		return
	}
	for _, sk := range sensitiveKeys {
		val := gi.path(sk[0], sk[1])
		n, v := val.top()
		if n == nil || v == nil || n.Kind != yaml.ScalarNode {
			continue
		}
		if expansion.MatchString(n.Value) {
			continue
		}
		s := manifest.ScalarStr(v.Src, v.Via, n)
		r.in.Notes = append(r.in.Notes, install.Note{
			Kind: "leaked-secret", Pos: s.Pos, End: s.End, Key: sk[0] + "." + sk[1],
			Message: fmt.Sprintf("grafana.ini %s.%s is written literally in the values: the grafana chart (7.0.19 and later) refuses to render with \"Sensitive key '%s.%s' should not be defined explicitly in values\"", sk[0], sk[1], sk[0], sk[1]),
		})
	}
}
