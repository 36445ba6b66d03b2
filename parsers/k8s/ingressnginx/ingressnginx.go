// Package ingressnginx renders an Ingress served by ingress-nginx
// (kubernetes/ingress-nginx at dbb11b92d: rootfs/etc/nginx/template/nginx.tmpl,
// the rewrite of internal/ingress/controller/template/template.go
// buildProxyPass, the defaults of internal/ingress/controller/config/config.go:
// ProxyReadTimeout 60, SSLRedirect true, ProxyHTTPVersion "1.1") as the
// nginx configuration the controller generates for it, so that the
// proxy rules check it like any nginx in front of Grafana: one server per
// host (listening on 443 with ssl when the host is in tls — port 80 then
// only redirects, ssl-redirect being on by default), one location per
// path, with the headers the template always sets (Host
// $best_http_host, which is the client's Host header; Upgrade
// $http_upgrade and Connection $connection_upgrade from the template's map
// — WebSocket upgrades pass by default), proxy_http_version 1.1,
// proxy_read_timeout from nginx.ingress.kubernetes.io/proxy-read-timeout
// (60 s by default), the rewrite rewrite-target adds (the path becoming a
// case-insensitive regex, as use-regex makes it), and the
// configuration-snippet and server-snippet annotations inserted verbatim.
// Each generated line points at the Ingress value it comes from; snippet
// lines point at themselves.
//
// Other controllers are recognised by class or annotations and reported
// as not analysed.
package ingressnginx

import (
	"fmt"
	"sort"
	"strings"

	"github.com/grafanalint/grafanalint/parsers/k8s/install"
	"github.com/grafanalint/grafanalint/parsers/k8s/srcmap"
	"github.com/grafanalint/grafanalint/parsers/model"
)

// Controller tells which controller serves an ingress, "" when it cannot
// be told (no class, no controller-specific annotation: the cluster's
// default class decides).
func Controller(in *install.Ingress) string {
	if in.Ingress.HTTPRoute {
		return "gateway-api"
	}
	class := strings.ToLower(in.Ingress.Class.V)
	prefixes := map[string]string{
		"nginx.ingress.kubernetes.io/": "ingress-nginx", "nginx.org/": "nginx-inc", "traefik.ingress.kubernetes.io/": "traefik",
		"traefik.": "traefik", "alb.ingress.kubernetes.io/": "aws-load-balancer-controller", "haproxy.org/": "haproxy",
		"haproxy.router.openshift.io/": "openshift-router", "konghq.com/": "kong", "projectcontour.io/": "contour",
		"appgw.ingress.kubernetes.io/": "azure-application-gateway", "ingress.gcp.kubernetes.io/": "gce",
		"kubernetes.io/ingress.global-static-ip-name": "gce", "getambassador.io/": "emissary",
	}
	byAnnotation := ""
	keys := make([]string, 0, len(in.Annotations))
	for k := range in.Annotations {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		for p, c := range prefixes {
			if strings.HasPrefix(k, p) && byAnnotation == "" {
				byAnnotation = c
			}
		}
	}
	switch {
	case class == "nginx" || class == "ingress-nginx" || strings.HasPrefix(class, "nginx-") && byAnnotation != "nginx-inc":
		return "ingress-nginx"
	case class != "" && strings.Contains(class, "traefik"):
		return "traefik"
	case class == "alb":
		return "aws-load-balancer-controller"
	case class == "gce" || class == "gce-internal":
		return "gce"
	case class == "istio":
		return "istio"
	case class == "haproxy":
		return "haproxy"
	case class == "kong":
		return "kong"
	case class == "contour":
		return "contour"
	case class != "":
		if byAnnotation != "" {
			return byAnnotation
		}
		return class
	}
	return byAnnotation
}

const (
	annRewrite   = "nginx.ingress.kubernetes.io/rewrite-target"
	annRegex     = "nginx.ingress.kubernetes.io/use-regex"
	annTimeout   = "nginx.ingress.kubernetes.io/proxy-read-timeout"
	annSnippet   = "nginx.ingress.kubernetes.io/configuration-snippet"
	annSrvSnip   = "nginx.ingress.kubernetes.io/server-snippet"
	annRedirect  = "nginx.ingress.kubernetes.io/ssl-redirect"
	annForceSSL  = "nginx.ingress.kubernetes.io/force-ssl-redirect"
	annUpstreamV = "nginx.ingress.kubernetes.io/upstream-vhost"
)

// Sources resolves a display path to its indexed source.
type Sources func(path string) *srcmap.Source

// Render builds the nginx configuration ingress-nginx generates for the
// paths of in that route to one of services (all paths when services is
// empty). virtual is the display path the model gives it.
func Render(in *install.Ingress, services []string, srcs Sources, virtual string) (*install.Parsed, string) {
	g := &gen{srcs: srcs, anchor: in.Pos}
	g.text("http {\n", in.Pos)
	g.text("map $http_upgrade $connection_upgrade {\n  default upgrade;\n  '' close;\n}\n", in.Pos)
	g.text("map $http_host $best_http_host {\n  default $http_host;\n  '' $host;\n}\n", in.Pos)
	tlsHosts := map[string]model.Pos{}
	for _, t := range in.Ingress.TLS {
		for _, h := range t.Hosts {
			tlsHosts[h.V] = h.Pos
		}
		if len(t.Hosts) == 0 {
			tlsHosts[""] = t.Pos
		}
	}
	regex := truthy(in.Annotations[annRegex].V) || in.Annotations[annRewrite].V != ""
	rendered := 0
	for _, r := range in.Ingress.Rules {
		var paths []int
		for i, p := range r.Paths {
			if len(services) == 0 || contains(services, p.Backend.Service.V) {
				paths = append(paths, i)
			}
		}
		if len(paths) == 0 {
			continue
		}
		rendered++
		hostPos := r.Host.Pos
		if !hostPos.IsValid() {
			hostPos = in.Pos
		}
		g.text("server {\n", hostPos)
		name := r.Host.V
		if name == "" {
			name = "_"
		}
		g.text("  server_name ", hostPos)
		g.span(quote(name), r.Host)
		g.text(";\n", hostPos)
		tp, tls := tlsHosts[r.Host.V]
		if !tls && r.Host.V == "" {
			tp, tls = tlsHosts[""]
		}
		redirect := in.Annotations[annRedirect].V != "false"
		switch {
		case tls && redirect:
			g.text("  listen 443 ssl;\n", tp)
		case tls:
			g.text("  listen 80;\n", hostPos)
			g.text("  listen 443 ssl;\n", tp)
		default:
			g.text("  listen 80;\n", hostPos)
		}
		if t := in.AnnotationText[annSrvSnip]; t != nil {
			g.b.Append(t)
			g.text("\n", hostPos)
		}
		for _, i := range paths {
			p := r.Paths[i]
			g.location(in, p.Path, p.PathType, regex, p.Backend.Service, p.Backend.Port)
		}
		g.text("}\n", hostPos)
	}
	g.text("}\n", in.Pos)
	if rendered == 0 {
		return nil, "none of its paths routes to Grafana's Service"
	}
	return install.Parse(model.KindNginx, virtual, g.b.Text()), ""
}

type gen struct {
	b      srcmap.Builder
	srcs   Sources
	anchor model.Pos
}

// text appends generated text shown at p.
func (g *gen) text(s string, p model.Pos) { g.span(s, model.Str{Pos: p}) }

// span appends generated text standing for the value v (its span).
func (g *gen) span(s string, v model.Str) {
	p, e := v.Pos, v.End
	if !p.IsValid() {
		p, e = g.anchor, model.Pos{}
	}
	src := g.srcs(p.File)
	if src == nil {
		src = g.srcs(g.anchor.File)
		p, e = g.anchor, model.Pos{}
	}
	if src == nil {
		return
	}
	off := src.Offset(p.Line, p.Col)
	end := off
	if e.IsValid() && e.File == p.File {
		end = src.Offset(e.Line, e.Col)
	}
	g.b.Point(s, src, off, end)
}

func (g *gen) location(in *install.Ingress, p model.Str, pathType string, regex bool, svc, port model.Str) {
	path := p.V
	if path == "" {
		path = "/"
	}
	pos := p.Pos
	if !pos.IsValid() {
		pos = g.anchor
	}
	switch {
	case regex:
		g.text("  location ~* ", pos)
		g.span(quote("^"+path), p)
	case pathType == "Exact":
		g.text("  location = ", pos)
		g.span(quote(path), p)
	default:
		g.text("  location ", pos)
		g.span(quote(path), p)
	}
	g.text(" {\n", pos)
	// The template writes upstream-vhost instead of $best_http_host
	// ("By default use vhost as Host to upstream, but allow overrides").
	if uv := in.Annotations[annUpstreamV]; uv.V != "" {
		g.text("    proxy_set_header Host ", uv.Pos)
		g.span(quote(uv.V), uv)
		g.text(";\n", uv.Pos)
	} else {
		g.text("    proxy_set_header Host $best_http_host;\n", pos)
	}
	g.text("    proxy_set_header Upgrade $http_upgrade;\n", pos)
	g.text("    proxy_set_header Connection $connection_upgrade;\n", pos)
	g.text("    proxy_set_header X-Real-IP $remote_addr;\n", pos)
	g.text("    proxy_set_header X-Forwarded-For $remote_addr;\n", pos)
	g.text("    proxy_set_header X-Forwarded-Proto $scheme;\n", pos)
	g.text("    proxy_http_version 1.1;\n", pos)
	if t := in.Annotations[annTimeout]; t.V != "" {
		g.text("    proxy_read_timeout ", t.Pos)
		g.span(seconds(t.V), t)
		g.text(";\n", t.Pos)
	} else {
		g.text("    proxy_read_timeout 60s;\n", pos)
	}
	if t := in.AnnotationText[annSnippet]; t != nil {
		g.b.Append(t)
		g.text("\n", pos)
	}
	if rt := in.Annotations[annRewrite]; rt.V != "" {
		g.text("    rewrite "+quote("(?i)"+path)+" ", rt.Pos)
		g.span(quote(rt.V), rt)
		g.text(" break;\n", rt.Pos)
	}
	target := svc.V
	if port.V != "" {
		target += ":" + port.V
	}
	sp := svc.Pos
	if !sp.IsValid() {
		sp = pos
	}
	g.text("    proxy_pass http://"+target+";\n", sp)
	g.text("  }\n", pos)
}

// seconds writes an ingress-nginx timeout (a number of seconds) as nginx
// time.
func seconds(v string) string {
	v = strings.TrimSpace(v)
	if v != "" && strings.Trim(v, "0123456789") == "" {
		return v + "s"
	}
	return v
}

func quote(s string) string {
	if s != "" && !strings.ContainsAny(s, " \t;{}\"'$\\#") {
		return s
	}
	return "\"" + strings.NewReplacer("\\", "\\\\", "\"", "\\\"").Replace(s) + "\""
}

func truthy(s string) bool { return s == "true" }

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// SkipReason says why the proxy checks do not run for an ingress served by
// controller c.
func SkipReason(c string) string {
	if c == "" {
		return "its ingress class is not set (the cluster's default class serves it), so the proxy checks were skipped"
	}
	return fmt.Sprintf("ingress controller %q is not analysed, so the proxy checks (WebSocket headers, sub-path, read timeout, root_url against the public origin) were skipped", c)
}
