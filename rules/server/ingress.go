package server

import (
	"fmt"
	"strings"

	"github.com/grafanalint/grafanalint/parsers/model"
	"github.com/grafanalint/grafanalint/parsers/nginxsem"
	"github.com/grafanalint/grafanalint/rules"
	"github.com/grafanalint/grafanalint/rules/proxy/fronting"
)

// An Ingress served by a controller grafanalint does not render (Traefik,
// an AWS load balancer, a Gateway API HTTPRoute, …) still names Grafana's
// public host names, and those of its tls section are served over https
// on port 443: the Ingress API defines tls hosts as those its TLS
// certificate covers, terminated by the controller
// (kubernetes.io/docs/concepts/services-networking/ingress/#tls). Which
// scheme a host outside tls is served with depends on what is in front of
// the controller, so only its name is compared.

// ingressHost is a public host name of an Ingress routing to Grafana.
type ingressHost struct {
	src *model.KubeSource
	tls bool
}

// ingressHosts reports whether a stack's Ingresses name Grafana's public
// hosts, or serve it only over https on hosts known at deploy time (the
// check then runs without an nginx configuration).
func ingressHosts(s *model.Stack) bool {
	if len(hostsOf(s)) > 0 {
		return true
	}
	hosts, all := ingressTLSHosts(s)
	return all && len(hosts) > 0
}

// hostsOf lists the hosts of a stack's Ingresses that its proxy checks do
// not render, tls hosts marked.
func hostsOf(s *model.Stack) []ingressHost {
	k := s.Kubernetes
	if k == nil {
		return nil
	}
	rendered, tls := ingressIndex(k)
	var out []ingressHost
	for i := range k.Written {
		w := &k.Written[i]
		if w.Kind != model.KubeIngressHost || w.Name == "" || strings.Contains(w.Name, "${") || rendered[objectName(w)] {
			continue
		}
		out = append(out, ingressHost{src: w, tls: tls[w.Object+"\x00"+strings.ToLower(w.Name)] || tls[w.Object+"\x00"+wildcardOf(w.Name)]})
	}
	return out
}

// ingressIndex returns the Ingresses the proxy checks render (by name)
// and the tls hosts of each Ingress source (object, NUL, lower-case host).
func ingressIndex(k *model.Kube) (rendered, tls map[string]bool) {
	rendered = map[string]bool{}
	for _, in := range k.Ingresses {
		if in.Analysed {
			rendered[in.Name] = true
		}
	}
	tls = map[string]bool{}
	for i := range k.Written {
		if w := &k.Written[i]; w.Kind == model.KubeIngressTLSHost {
			tls[w.Object+"\x00"+strings.ToLower(w.Name)] = true
		}
	}
	return rendered, tls
}

// objectName is the name model.KubeIngress gives the source's Ingress.
func objectName(w *model.KubeSource) string {
	switch w.Object {
	case "the grafana chart's ingress values":
		return "values ingress"
	case "the grafana chart's route values":
		return "values route.main (HTTPRoute)"
	}
	return w.Object
}

// wildcardOf is the wildcard tls host that covers host ("*.example.com"
// for "grafana.example.com").
func wildcardOf(host string) string {
	if i := strings.IndexByte(host, '.'); i > 0 {
		return "*" + strings.ToLower(host[i:])
	}
	return ""
}

// checkIngressOrigin compares root_url with the hosts of the Ingresses in
// front of Grafana.
func checkIngressOrigin(c *rules.Context, a *fronting.Analysis) {
	g := a.Grafana
	hosts := hostsOf(c.Stack)
	if len(hosts) == 0 {
		return
	}
	var same []ingressHost
	for _, h := range hosts {
		if hostMatches(publicOrigin{Origin: nginxsem.Origin{Host: strings.ToLower(h.src.Name)}}, g.Host) {
			same = append(same, h)
		}
	}
	f := rules.Finding{Entity: "ini:server.root_url", Key: g.RootURL}
	f.Pos, f.End = rootURLPos(a)
	if !f.Pos.IsValid() {
		f.Pos = hosts[0].src.Pos
	}
	var list []string
	seen := map[string]bool{}
	for _, h := range hosts {
		if o := h.origin(); !seen[o] {
			seen[o] = true
			list = append(list, o)
		}
	}
	h := hosts[0]
	if len(same) > 0 {
		h = same[0]
	}
	ctrl := h.src.Controller
	if ctrl == "" {
		ctrl = "its controller"
	}
	var why string
	switch {
	case len(same) == 0:
		why = fmt.Sprintf("its host %q is not one the Ingress routes to Grafana", g.Host)
	case h.tls && g.Scheme != "https":
		why = fmt.Sprintf("it says %s where %s serves %q over https (the Ingress's tls section names it)", g.Scheme, ctrl, h.src.Name)
	case h.tls && g.Port != 443:
		why = fmt.Sprintf("its port %d is not 443, where %s serves %q over https", g.Port, ctrl, h.src.Name)
	case g.Port == g.HTTPPort && g.Port != 80 && g.Port != 443:
		why = fmt.Sprintf("its port %d is Grafana's own http_port, behind %s", g.Port, ctrl)
	default:
		return
	}
	for _, o := range hosts {
		if len(same) == 0 || o.src == h.src {
			f.Related = append(f.Related, rules.Related{Pos: o.src.Pos, Message: fmt.Sprintf("the Ingress serves Grafana on %s here", o.origin())})
		}
	}
	scheme, host := g.Scheme, g.Host
	if h.tls {
		scheme = "https"
	}
	if len(same) == 0 {
		host = h.src.Name
		if strings.HasPrefix(host, "*") {
			host = "<public host name>"
		}
	}
	f.Message = fmt.Sprintf("root_url %q does not match the public origin of %s (%s): %s; Grafana builds absolute links (alert notifications, OAuth redirects) from root_url and Live's origin check falls back to it; set root_url = %s",
		g.RootURL, h.src.Object, strings.Join(list, ", "), why, scheme+"://"+host+g.SubPath+"/")
	c.Report(f)
}

// origin shows the host as an origin when its scheme is known.
func (h ingressHost) origin() string {
	if h.tls {
		return "https://" + h.src.Name
	}
	return h.src.Name
}
