package proxy

import (
	"fmt"

	"github.com/grafanalint/grafanalint/parsers/model"
	"github.com/grafanalint/grafanalint/rules"
)

// The configuration an Ingress controller generates is checked like any
// nginx in front of Grafana, but its user edits the Ingress: findings
// whose position is an annotation, a path or a host of an Ingress
// (rules.Context.Kube) say what to change there, not in a file of nginx
// directives the user does not have.

// kubeReadTimeout says it for a timeout an Ingress sets: the
// proxy-read-timeout annotation (seconds; ingress-nginx's default, 60, is
// the proxy-read-timeout of its ConfigMap: docs/user-guide/nginx-
// configuration/annotations.md, "Custom timeouts"), or a line of a snippet.
func kubeReadTimeout(ks *model.KubeSource, value, live string) string {
	const why = "when Grafana sends nothing for that long, shorter than Grafana Live's ping interval (about 25s), so idle Live connections drop and reconnect"
	if ks.Kind == model.KubeAnnotation && ks.Name == "nginx.ingress.kubernetes.io/proxy-read-timeout" {
		return fmt.Sprintf("annotation %s: %q %s makes ingress-nginx close the Live WebSocket %s after %s without data from Grafana, shorter than Grafana Live's ping interval (about 25s), so idle Live connections drop and reconnect; remove the annotation (ingress-nginx's default is 60 seconds) or set it to at least \"30\"",
			ks.Name, ks.Value, ks.Where(), live, value)
	}
	where := "the " + ks.Name + " annotation"
	if ks.Kind != model.KubeAnnotation {
		where = fmt.Sprintf("the location ingress-nginx generates for path %q", ks.Name)
	}
	return fmt.Sprintf("proxy_read_timeout %s in %s %s applies to the Live WebSocket %s: nginx closes the connection %s; remove it (ingress-nginx's default, its proxy-read-timeout, is 60s) or raise it to at least 30s",
		value, where, ks.Where(), live, why)
}

// kubeDuplicateHeader says it for a header a snippet annotation sets again:
// the template of ingress-nginx already sets Host, Upgrade, Connection,
// X-Real-IP, X-Forwarded-For, X-Forwarded-Proto and the other
// X-Forwarded-* headers in every location it generates (rootfs/etc/nginx/
// template/nginx.tmpl), and a configuration-snippet is inserted in that
// location.
func kubeDuplicateHeader(later, first *model.KubeSource, name, firstText, why string, firstPos model.Pos) (string, []rules.Related) {
	switch {
	case first != nil && first.Kind == model.KubeIngressPath:
		return fmt.Sprintf("proxy_set_header %s in the %s annotation %s repeats a header ingress-nginx already sets in the location it generates for path %q: nginx sends both %s headers to Grafana%s; remove it from the snippet",
				name, later.Name, later.Where(), first.Name, name, why),
			[]rules.Related{{Pos: firstPos, Message: fmt.Sprintf("ingress-nginx writes %s in the location of this path", firstText)}}
	case first != nil && first.Kind == model.KubeAnnotation && first.Name != later.Name:
		return fmt.Sprintf("proxy_set_header %s in the %s annotation %s repeats the one of the %s annotation: nginx sends both %s headers to Grafana%s; keep one",
				name, later.Name, later.Where(), first.Name, name, why),
			[]rules.Related{{Pos: firstPos, Message: fmt.Sprintf("%s is set first here", name)}}
	}
	return fmt.Sprintf("proxy_set_header %s is set twice in the %s annotation %s: nginx sends both %s headers to Grafana%s; keep one",
			name, later.Name, later.Where(), name, why),
		[]rules.Related{{Pos: firstPos, Message: fmt.Sprintf("%s is set first here", name)}}
}

const (
	annRewrite = "nginx.ingress.kubernetes.io/rewrite-target"
	// regexHint is how ingress-nginx strips a sub-path
	// (docs/examples/rewrite: path /something(/|$)(.*) with
	// rewrite-target /$2).
	regexHint = "path \"%s(/|$)(.*)\" with annotation nginx.ingress.kubernetes.io/rewrite-target: /$2"
)

// kubeStrips says it for an Ingress whose rewrite strips the sub-path of
// a Grafana that serves it (serve_from_sub_path = true): ingress-nginx
// turns rewrite-target into "rewrite (?i)<path> <target> break;".
func kubeStrips(ks, path *model.KubeSource, sub, page, upstream, rootURL string) string {
	how := fmt.Sprintf("annotation %s: %q %s", ks.Name, ks.Value, ks.Where())
	fix := "remove the rewrite-target annotation (and the regex captures of the path) so that ingress-nginx passes the sub-path on"
	if ks.Kind != model.KubeAnnotation || ks.Name != annRewrite {
		how = fmt.Sprintf("%s %s", describeSource(ks), ks.Where())
		fix = "pass the sub-path on"
	}
	if path != nil && path.Kind == model.KubeIngressPath && ks.Kind == model.KubeAnnotation {
		how += fmt.Sprintf(" (path %q)", path.Name)
	}
	return fmt.Sprintf("%s strips the sub-path %q: ingress-nginx sends the page %q to Grafana as %q, and with serve_from_sub_path = true Grafana (10 and later) redirects every page request without the sub-path back to root_url %q, an endless redirect loop (API paths, Live included, are exempt from the redirect and still answer); %s, or set serve_from_sub_path to false in Grafana's [server] settings",
		how, sub, page, upstream, rootURL, fix)
}

// kubeKept says it for an Ingress that passes the sub-path on to a
// Grafana serving from "/".
func kubeKept(ks *model.KubeSource, sub, path, upstream string) string {
	sent := fmt.Sprintf("%q reaches Grafana as %q", path, upstream)
	if path == upstream {
		sent = fmt.Sprintf("%q reaches Grafana as is", path)
	}
	return fmt.Sprintf("%s %s passes the sub-path %q on (%s), but serve_from_sub_path is false, so Grafana serves from \"/\" and answers 404 to the Live WebSocket and every page; set serve_from_sub_path to true in Grafana's [server] settings, or have ingress-nginx strip the sub-path: "+regexHint,
		describeSource(ks), ks.Where(), sub, sent, sub)
}

// kubeLiveRewritten says it for an Ingress rewrite that sends the Live
// path upstream as a path Grafana does not serve.
func kubeLiveRewritten(ks *model.KubeSource, what, upstream, served, want string) string {
	return fmt.Sprintf("%s %s makes ingress-nginx send %s to Grafana as %q: %s and answers 404; change the rewrite so that it yields %q (a sub-path is stripped with the path regex \"<sub-path>(/|$)(.*)\" and rewrite-target /$2)",
		describeSource(ks), ks.Where(), what, upstream, served, want)
}

// kubeNotRouted says it for Ingress paths that do not route the Live path
// to Grafana.
func kubeNotRouted(ks *model.KubeSource, live string, unmatched bool, sub, subPath string) string {
	what := "a path of it routes it elsewhere"
	if unmatched {
		what = "none of its paths matches it, so ingress-nginx's default backend answers 404"
	}
	fix := fmt.Sprintf("add a path for %q routing to Grafana's Service", live)
	if subPath != "" {
		fix = fmt.Sprintf("route %q to Grafana (path %q)", subPath, subPath)
	}
	return fmt.Sprintf("%s does not route the Live path %q to Grafana: %s, while root_url %s, so the Live WebSocket never reaches Grafana; %s, or set root_url to the URL the Ingress serves Grafana under",
		ks.Object, live, what, sub, fix)
}

// describeSource names what a source is: `annotation X: "v"`, `path
// "/grafana"`, `host "a.example.com"`.
func describeSource(ks *model.KubeSource) string {
	switch ks.Kind {
	case model.KubeAnnotation:
		if len(ks.Value) > 40 || ks.Value == "" {
			return "annotation " + ks.Name
		}
		return fmt.Sprintf("annotation %s: %q", ks.Name, ks.Value)
	case model.KubeIngressPath:
		return fmt.Sprintf("path %q", ks.Name)
	case model.KubeIngressHost, model.KubeIngressTLSHost:
		return fmt.Sprintf("host %q", ks.Name)
	}
	return ks.Name
}

const annUpstreamVhost = "nginx.ingress.kubernetes.io/upstream-vhost"

// kubeUpstreamVhost says it for the upstream-vhost annotation, which
// ingress-nginx's template writes as the Host it sends instead of
// $best_http_host, the browser's (rootfs/etc/nginx/template/nginx.tmpl,
// "By default use vhost as Host to upstream, but allow overrides").
func kubeUpstreamVhost(ks *model.KubeSource) string {
	return fmt.Sprintf("annotation %s: %q %s makes ingress-nginx send Grafana the Host %q instead of the browser's: Grafana's CSRF check compares the Host's name with the browser's Origin, so logged-in users get \"origin not allowed\" on queries and Live gets 403; remove the annotation (ingress-nginx then passes the browser's Host on) or list the public host name in [security] csrf_trusted_origins",
		ks.Name, ks.Value, ks.Where(), ks.Value)
}
