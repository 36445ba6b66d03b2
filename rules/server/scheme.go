package server

import (
	"fmt"
	"strings"

	"github.com/grafanalint/grafanalint/parsers/model"
	"github.com/grafanalint/grafanalint/rules"
	"github.com/grafanalint/grafanalint/rules/proxy/fronting"
)

// A root_url whose host is only known at deploy time (a Terraform or Helm
// template's ${hostname}) cannot be compared by host or port, but its
// scheme may still be written: "http://monitoring.${hostname}/grafana"
// says http whatever the host becomes. When every origin that serves
// Grafana is https, no host can make it right.

// writtenScheme returns root_url's scheme when it is written ("http" or
// "https", no placeholder in it) while its host is not known.
func writtenScheme(rootURL string) (scheme, authority string, ok bool) {
	scheme, rest, found := strings.Cut(strings.TrimSpace(rootURL), "://")
	if !found {
		return "", "", false
	}
	scheme = strings.ToLower(scheme)
	if scheme != "http" && scheme != "https" {
		return "", "", false
	}
	authority = rest
	if i := strings.IndexAny(rest, "/?#"); i >= 0 {
		authority = rest[:i]
	}
	if authority == "" {
		return "", "", false
	}
	return scheme, authority, true
}

// checkSchemeOnly reports an http root_url whose host is a placeholder
// when every origin in front of Grafana is https.
func checkSchemeOnly(c *rules.Context, a *fronting.Analysis) {
	g := a.Grafana
	scheme, authority, ok := writtenScheme(g.RootURL)
	if !ok || scheme != "http" {
		return
	}
	var served []string
	var related []rules.Related
	who, origin := "nginx", "the public origins nginx serves Grafana on"
	var first model.Pos
	if len(a.Servers) > 0 {
		origins := publicOrigins(a)
		if len(origins) == 0 {
			return
		}
		if ks := c.Kube(origins[0].HostPos); ks != nil {
			who, origin = ks.Controller, "the public origins of "+ks.Object
		}
		seen := map[string]bool{}
		for _, o := range origins {
			if o.Scheme != "https" {
				return // a host of root_url's may well be served over http
			}
			if !seen[o.String()] {
				seen[o.String()] = true
				served = append(served, o.String())
				related = append(related, rules.Related{Pos: o.HostPos, Message: who + " serves Grafana on " + o.String() + " here"})
			}
		}
		first = origins[0].HostPos
	} else {
		hosts, all := ingressTLSHosts(c.Stack)
		if !all || len(hosts) == 0 {
			return
		}
		for _, h := range hosts {
			served = append(served, "https://"+h.Name)
			related = append(related, rules.Related{Pos: h.Pos, Message: "the Ingress's tls section names this host: it is served over https"})
		}
		first = hosts[0].Pos
		who, origin = hosts[0].Controller, "the public origins of "+hosts[0].Object
		if who == "" {
			who = "its controller"
		}
	}
	want := "https://" + authority + "/"
	if g.SubPathKnown {
		want = "https://" + authority + g.SubPath + "/"
	}
	f := rules.Finding{Entity: "ini:server.root_url", Key: g.RootURL, Related: related}
	f.Pos, f.End = rootURLPos(a)
	if !f.Pos.IsValid() {
		f.Pos = first
	}
	f.Message = fmt.Sprintf("root_url %q does not match %s (%s): it says http where %s serves Grafana only over https, whatever its host becomes at deploy time; Grafana builds absolute links (alert notifications, OAuth redirects) from root_url and Live's origin check falls back to it; set root_url = %s",
		g.RootURL, origin, strings.Join(served, ", "), who, want)
	c.Report(f)
}

// ingressTLSHosts lists the hosts of the Ingresses in front of Grafana that
// its proxy checks do not render, placeholders included; all is set when
// the tls section of each one's Ingress names it.
func ingressTLSHosts(s *model.Stack) (hosts []*model.KubeSource, all bool) {
	k := s.Kubernetes
	if k == nil {
		return nil, false
	}
	rendered, tls := ingressIndex(k)
	all = true
	for i := range k.Written {
		w := &k.Written[i]
		if w.Kind != model.KubeIngressHost || w.Name == "" || rendered[objectName(w)] {
			continue
		}
		if !tls[w.Object+"\x00"+strings.ToLower(w.Name)] && !tls[w.Object+"\x00"+wildcardOf(w.Name)] {
			all = false
		}
		hosts = append(hosts, w)
	}
	return hosts, all
}
