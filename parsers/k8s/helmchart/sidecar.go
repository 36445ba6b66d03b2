package helmchart

import (
	"path"
	"sort"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/grafanalint/grafanalint/parsers/k8s/install"
	"github.com/grafanalint/grafanalint/parsers/k8s/manifest"
	"github.com/grafanalint/grafanalint/parsers/k8s/srcmap"
	"github.com/grafanalint/grafanalint/parsers/k8s/subst"
	"github.com/grafanalint/grafanalint/parsers/model"
)

// sidecars renders the k8s-sidecar containers (_pod.tpl "sc-dashboard",
// "sc-datasources"): each watches ConfigMaps and Secrets labelled
// LABEL (sidecar.<kind>.label, grafana_dashboard / grafana_datasource)
// with LABEL_VALUE (labelValue, any value when empty) in NAMESPACE
// (searchNamespace; the pod's own when unset) and writes their keys into
// FOLDER: sidecar.dashboards.folder (default /tmp/dashboards, plus
// defaultFolderName), an emptyDir the chart mounts there, read through
// the provider file the chart adds as
// <provisioning>/dashboards/sc-dashboardproviders.yaml
// (configmap-dashboard-provider.yaml, when SCProvider); for datasources
// the emptyDir mounted at /etc/grafana/provisioning/datasources.
func (r *renderer) sidecars() {
	sc := r.w.get("sidecar")
	if d := sc.get("dashboards"); d.get("enabled").truthy() {
		folder := d.get("folder").str()
		if folder == "" {
			folder = "/tmp/dashboards"
		}
		if dn := d.get("defaultFolderName").str(); dn != "" {
			folder += "/" + dn
		}
		s := r.sidecar("dashboards", d, folder)
		r.in.Sidecars = append(r.in.Sidecars, s)
		r.in.Mounts = append(r.in.Mounts, &install.Mount{Target: path.Clean(d.get("folder").str()), Sidecar: s, Pos: s.Pos})
		if d.get("SCProvider").truthy() {
			p := d.get("provider")
			var b strings.Builder
			b.WriteString("apiVersion: 1\nproviders:\n")
			b.WriteString("  - name: '" + p.get("name").str() + "'\n")
			b.WriteString("    orgId: " + orDefault(p.get("orgid").str(), "1") + "\n")
			if !p.get("foldersFromFilesStructure").truthy() {
				b.WriteString("    folder: '" + p.get("folder").str() + "'\n")
				b.WriteString("    folderUid: '" + p.get("folderUid").str() + "'\n")
			}
			b.WriteString("    type: " + orDefault(p.get("type").str(), "file") + "\n")
			b.WriteString("    disableDeletion: " + boolStr(p.get("disableDelete").truthy()) + "\n")
			b.WriteString("    allowUiUpdates: " + boolStr(p.get("allowUiUpdates").truthy()) + "\n")
			b.WriteString("    updateIntervalSeconds: " + orDefault(p.get("updateIntervalSeconds").str(), "30") + "\n")
			b.WriteString("    options:\n")
			b.WriteString("      foldersFromFilesStructure: " + boolStr(p.get("foldersFromFilesStructure").truthy()) + "\n")
			b.WriteString("      path: " + folder + "\n")
			at := r.anchor
			if n, v := d.top(); v != nil && v.Via == nil {
				at = anchorAt{src: v.Src, off: v.Src.Offset(n.Line, n.Column)}
			}
			f := &install.File{Name: "sc-dashboardproviders.yaml", Virtual: r.opts.Virtual + "sidecar/sc-dashboardproviders.yaml",
				Text: at.point(b.String()), Owner: "the chart's sidecar provider (sidecar.dashboards.provider)", Pos: s.Pos}
			r.in.Mounts = append(r.in.Mounts, &install.Mount{Target: path.Join(r.in.ProvisioningPath, "dashboards", "sc-dashboardproviders.yaml"), File: f, Pos: s.Pos})
		}
	}
	if d := sc.get("datasources"); d.get("enabled").truthy() {
		s := r.sidecar("datasources", d, "/etc/grafana/provisioning/datasources")
		r.in.Sidecars = append(r.in.Sidecars, s)
		r.in.Mounts = append(r.in.Mounts, &install.Mount{Target: s.Folder, Sidecar: s, Pos: s.Pos})
	}
}

func (r *renderer) sidecar(kind string, d view, folder string) *install.Sidecar {
	s := &install.Sidecar{Kind: kind, Label: subst.MaskHelm(d.get("label").str()), LabelValue: subst.MaskHelm(d.get("labelValue").str()),
		Folder: path.Clean(folder), Resource: orDefault(d.get("resource").str(), "both"), FolderAnnotation: d.get("folderAnnotation").str(),
		Pos: d.get("enabled").pos(r.anchorPos())}
	if ns := d.get("searchNamespace"); ns.set() {
		n, _ := ns.top()
		switch {
		case n.Kind == yaml.SequenceNode:
			for _, c := range n.Content {
				s.Namespaces = append(s.Namespaces, c.Value)
			}
		case n.Kind == yaml.ScalarNode && n.Value != "":
			s.Namespaces = strings.Split(n.Value, ",")
		}
	}
	return s
}

func orDefault(s, d string) string {
	if s == "" {
		return d
	}
	return s
}

func boolStr(b bool) string {
	if b {
		return "true"
	}
	return "false"
}

// ingress renders templates/ingress.yaml: one rule per ingress.hosts
// entry (tpl'd) with extraPaths first, then ingress.path (pathType) to the
// Service <fullname> on service.port; tls and annotations as written
// (tpl'd); without hosts, one host-less rule. route.main renders a Gateway
// API HTTPRoute (templates/route.yaml).
func (r *renderer) ingress() {
	ing := r.w.get("ingress")
	if ing.get("enabled").truthy() {
		in := &manifest.Ingress{}
		class := ing.get("ingressClassName").strOf(r.anchorPos())
		in.Class = class
		annotations := map[string]model.Str{}
		texts := map[string]*srcmap.Text{}
		an := ing.get("annotations")
		for _, k := range an.keys() {
			v := an.get(k).strOf(r.anchorPos())
			v.V = subst.MaskHelm(v.V)
			annotations[k] = v
			if t := an.get(k).text(r.anchor); t != nil {
				texts[k] = t.WithString(subst.MaskHelm(t.String()))
			}
		}
		if !in.Class.IsSet() {
			in.Class = annotations["kubernetes.io/ingress.class"]
		}
		backend := manifest.Backend{Service: model.Str{V: r.fullName, Pos: r.anchorPos()}, Port: model.Str{V: r.in.ServicePorts[0], Pos: r.anchorPos()}}
		path := ing.get("path").strOf(r.anchorPos())
		var paths []manifest.IngressPath
		if n, v := ing.get("extraPaths").top(); n != nil && n.Kind == yaml.SequenceNode && v != nil {
			for _, p := range n.Content {
				b := manifest.Backend{Service: manifest.ScalarStr(v.Src, v.Via, manifest.Path(p, "backend", "service", "name")), Port: manifest.ScalarStr(v.Src, v.Via, manifest.Path(p, "backend", "service", "port", "number"))}
				if !b.Service.IsSet() {
					b.Service = manifest.ScalarStr(v.Src, v.Via, manifest.Path(p, "backend", "serviceName"))
				}
				paths = append(paths, manifest.IngressPath{Path: manifest.ScalarStr(v.Src, v.Via, manifest.Get(p, "path")), Backend: b, Pos: v.Pos(p)})
			}
		}
		paths = append(paths, manifest.IngressPath{Path: path, PathType: ing.get("pathType").str(), Backend: backend, Pos: path.Pos})
		if n, v := ing.get("hosts").top(); n != nil && n.Kind == yaml.SequenceNode && len(n.Content) > 0 {
			for _, h := range n.Content {
				host := model.Str{V: h.Value, Pos: r.anchorPos()}
				if v != nil {
					host = manifest.ScalarStr(v.Src, v.Via, h)
				}
				host.V = subst.MaskHelm(host.V)
				in.Rules = append(in.Rules, manifest.IngressRule{Host: host, Paths: paths})
			}
		} else {
			in.Rules = append(in.Rules, manifest.IngressRule{Paths: paths})
		}
		if n, v := ing.get("tls").top(); n != nil && n.Kind == yaml.SequenceNode && v != nil {
			for _, t := range n.Content {
				e := manifest.IngressTLS{Pos: v.Pos(t), SecretName: manifest.ScalarStr(v.Src, v.Via, manifest.Get(t, "secretName"))}
				if hs := manifest.Get(t, "hosts"); hs != nil && hs.Kind == yaml.SequenceNode {
					for _, h := range hs.Content {
						hv := manifest.ScalarStr(v.Src, v.Via, h)
						hv.V = subst.MaskHelm(hv.V)
						e.Hosts = append(e.Hosts, hv)
					}
				}
				in.TLS = append(in.TLS, e)
			}
		}
		r.in.Ingresses = append(r.in.Ingresses, &install.Ingress{Ingress: in, Annotations: annotations, AnnotationText: texts, Pos: ing.get("enabled").pos(r.anchorPos()), Name: "values ingress"})
	}
	route := r.w.path("route", "main")
	if route.get("enabled").truthy() {
		in := &manifest.Ingress{HTTPRoute: true}
		if n, v := route.get("hostnames").top(); n != nil && n.Kind == yaml.SequenceNode && v != nil {
			for _, h := range n.Content {
				in.Rules = append(in.Rules, manifest.IngressRule{Host: manifest.ScalarStr(v.Src, v.Via, h)})
			}
		}
		r.in.Ingresses = append(r.in.Ingresses, &install.Ingress{Ingress: in, Pos: route.get("enabled").pos(r.anchorPos()), Name: "values route.main (HTTPRoute)"})
	}
}

// ignoredKeys notes top-level values the chart never reads (a typo such
// as "datasource:" or "grafana-ini:"): Helm accepts any key, so the
// setting silently does nothing.
func (r *renderer) ignoredKeys() {
	v := r.top
	n := v.Node
	for i := 0; i+1 < len(n.Content); i += 2 {
		k := n.Content[i]
		if knownKeys[k.Value] || r.opts.Extra[k.Value] {
			continue
		}
		s := manifest.ScalarStr(v.Src, v.Via, k)
		msg := "the grafana chart reads no value \"" + k.Value + "\": Helm accepts any key, so this setting does nothing"
		if near := nearest(k.Value, r.opts.Extra); near != "" {
			msg += "; did you mean \"" + near + "\"?"
		}
		r.in.Notes = append(r.in.Notes, install.Note{Kind: "ignored-key", Pos: s.Pos, End: s.End, Key: k.Value, Message: msg, Value: k.Value})
	}
}

// nearest returns the known key closest to k (edit distance ≤ 2, or the
// same letters ignoring case, "-" and "_"), "" when none.
func nearest(k string, extra map[string]bool) string {
	norm := func(s string) string {
		return strings.ToLower(strings.NewReplacer("-", "", "_", "", ".", "").Replace(s))
	}
	best, bestD := "", 3
	try := func(c string) {
		if norm(c) == norm(k) {
			if bestD > 0 {
				best, bestD = c, 0
			}
			return
		}
		if d := distance(strings.ToLower(k), strings.ToLower(c)); d < bestD {
			best, bestD = c, d
		}
	}
	var cands []string
	for c := range knownKeys {
		cands = append(cands, c)
	}
	for c := range extra {
		cands = append(cands, c)
	}
	sort.Strings(cands)
	for _, c := range cands {
		try(c)
	}
	return best
}

func distance(a, b string) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			c := 1
			if a[i-1] == b[j-1] {
				c = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+c)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}
