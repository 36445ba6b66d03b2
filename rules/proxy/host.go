package proxy

import (
	"fmt"
	"net"
	"regexp"
	"strconv"
	"strings"

	"github.com/grafanalint/grafanalint/parsers/model"
	"github.com/grafanalint/grafanalint/parsers/nginxsem"
	"github.com/grafanalint/grafanalint/rules"
	"github.com/grafanalint/grafanalint/rules/proxy/fronting"
)

// HostHeader reports a Host header that breaks Grafana's CSRF check or
// Live's origin check.
var HostHeader = &rules.Rule{
	ID:       "proxy/host-header",
	Severity: rules.Error,
	Fix: "writes `proxy_set_header Host $host;` for a location that proxies to Grafana with nginx's default `$proxy_host` " +
		"(the line is added, after the outer `proxy_set_header` lines the location would otherwise drop; an outer Host line " +
		"the location drops is written again instead when it lets every browser through) or with a fixed name " +
		"written in the location itself (the value is replaced), when that is certain: every browser of the server uses a " +
		"named origin on its scheme's default port, where `$host` is the browser's host name and passes both Grafana's CSRF " +
		"check and Live's origin check (`$host:$server_port` when every one uses a non-default port nginx listens on itself), " +
		"and nginx reaches Grafana directly (a compose service or upstream name, an IP address, loopback, a socket), not " +
		"through a name with dots, which may be a virtual host another proxy routes by `Host`. No fix when browsers use both " +
		"kinds of port or a port compose maps to another (root_url or `$request_port`: a judgement), for a server without " +
		"server_name, for a snippet of locations several servers include (each may need another Host), for a location with nested " +
		"locations (they inherit the line and may proxy elsewhere), or where no insertion point is certain.",
	Summary: "the Host header nginx sends Grafana fails Grafana's CSRF check, or Live's origin check (an error when certain, a warning when root_url is assumed)",
	Doc: rules.Doc{
		What: "For every location that proxies to Grafana, works out the `Host` header Grafana receives from a " +
			"browser on each public origin of the server (`server_name` × `listen`, with the port compose " +
			"publishes nginx on): nginx's default `$proxy_host` (the upstream's name, e.g. `grafana:3000`), " +
			"`$host`, `$http_host`, `$host:$server_port`, a literal, Debian's packaged proxy_params " +
			"(`nginx_proxy_params` in the configuration says which release). It is an error when that host name " +
			"differs from the browser's and `[security] csrf_trusted_origins` does not list it. On a location " +
			"serving the Live WebSocket, a Host whose `host:port` differs from the browser's Origin while " +
			"neither root_url nor `[live] allowed_origins` covers that origin is an error when root_url and the " +
			"browser's origin are known (the handshake is sure to get 403), a warning when root_url is Grafana's " +
			"default or the origin is assumed. A server without server_name is judged with root_url's host; a " +
			"Host that only the proxy uses (a compose service or upstream name, Docker's `host.docker.internal`) " +
			"is reported even then.",
		Why: "Grafana's CSRF middleware (grafana/grafana `pkg/middleware/csrf/csrf.go` `CSRF.check`, v12.0.0) " +
			"checks every request but HEAD, OPTIONS and TRACE that carries the login cookie and an `Origin` — " +
			"the WebSocket handshake and `POST /api/ds/query` included: the Origin's host name must equal the " +
			"`Host` header's (ports ignored) or be in `csrf_trusted_origins`, else 403 `origin not allowed`. " +
			"Live's origin check (grafana/grafana `pkg/services/live/live.go` (v12.0.0) `getCheckOriginFunc` and " +
			"`checkAllowedOrigin`) then admits an Origin whose `host[:port]` equals `Host`, or whose scheme and " +
			"host equal root_url's (and port, when the Origin has one), or that matches an `allowed_origins` " +
			"glob. `$host` is the request's host name without the port, `$http_host` the client's header as sent " +
			"(nginx.org/en/docs/http/ngx_http_core_module.html#var_host); Debian's packaged proxy_params " +
			"switched to `$host` in 2026 (Debian 12's nginx-common 1.22.1-9+deb12u6; the file calls it a security " +
			"workaround, as `$http_host` forwards an untrusted client header).",
		Bad: []rules.Example{{Path: "nginx/nginx.conf", Content: exampleHTTP(`    location / {
        proxy_http_version 1.1;
        proxy_set_header Upgrade $http_upgrade;
        proxy_set_header Connection $connection_upgrade;
        proxy_pass http://grafana:3000;
    }
`)}},
		Good: []rules.Example{{Path: "nginx/nginx.conf", Content: exampleHTTP(goodLocations)}},
		Fixed: []rules.Example{{Path: "nginx/nginx.conf", Content: exampleHTTP(`    location / {
        proxy_http_version 1.1;
        proxy_set_header Upgrade $http_upgrade;
        proxy_set_header Connection $connection_upgrade;
        proxy_set_header Host $host;
        proxy_pass http://grafana:3000;
    }
`)}},
		Fix: "Write `proxy_set_header Host $host;` in every location that proxies to Grafana (or once at server " +
			"level, if the locations set no `proxy_set_header` of their own). On a non-default public port " +
			"Live's origin check also needs the port: `proxy_set_header Host $host:$server_port;` when nginx " +
			"listens on that port itself, `$host$is_request_port$request_port` on nginx 1.30 and later when a " +
			"port mapping publishes it elsewhere, or root_url set to the public URL with its port. `$http_host` " +
			"passes both checks too, but forwards the raw client header (Debian's proxy_params and gixy's " +
			"host_spoofing check warn against it).",
	},
	Needs: needsNginx,
	Check: checkHost,
}

// browser is a browser on one public origin of a server.
type browser struct {
	origin nginxsem.Origin
	// host is the Host header it sends (host[:port]), originText its
	// Origin header.
	host, originText string
	// assumed is true when the origin is root_url's, the server having no
	// name of its own.
	assumed bool
}

func browsers(a *fronting.Analysis, s *fronting.Server) []browser {
	var out []browser
	for _, o := range s.Origins {
		if strings.ContainsAny(o.Host, "*~") || strings.HasPrefix(o.Host, ".") {
			continue
		}
		out = append(out, newBrowser(o, false))
	}
	if len(s.Origins) > 0 {
		return out
	}
	g := a.Grafana
	if !g.Explicit || !g.OriginKnown {
		return nil
	}
	// A nameless server (or one whose name is a template placeholder):
	// browsers presumably use root_url's host, on the ports the server
	// is published on; on root_url's own when it is one of them.
	var all, same []browser
	for _, o := range nginxsem.PublicOrigins(s.Server) {
		for _, p := range a.PublishedPorts(o.ListenPort) {
			bo := nginxsem.Origin{Scheme: o.Scheme, Host: g.Host, Port: p, ListenPort: o.ListenPort}
			b := newBrowser(bo, true)
			all = append(all, b)
			if bo.Scheme == g.Scheme && bo.Port == g.Port {
				same = append(same, b)
			}
		}
	}
	if len(same) > 0 {
		return same
	}
	return all
}

func newBrowser(o nginxsem.Origin, assumed bool) browser {
	host := strings.ToLower(o.Host)
	if !o.DefaultPort() {
		host = net.JoinHostPort(host, strconv.Itoa(o.Port))
	}
	o.Host = strings.ToLower(o.Host)
	return browser{origin: o, host: host, originText: o.String(), assumed: assumed}
}

// hostVars are the variables nginx fills for a browser's request.
func hostVars(b browser, s *fronting.Server, gp *nginxsem.GrafanaProxy) map[string]string {
	vars := map[string]string{
		"host":      b.origin.Host,
		"http_host": b.host,
		"scheme":    b.origin.Scheme,
	}
	if b.origin.ListenPort > 0 {
		vars["server_port"] = strconv.Itoa(b.origin.ListenPort)
	}
	for _, n := range s.Server.ServerNames {
		vars["server_name"] = n.V
		break
	}
	if gp != nil {
		if ph, ok := proxyHost(gp.Target); ok {
			vars["proxy_host"] = ph
		}
	}
	return vars
}

// proxyHost is nginx's $proxy_host for a proxy_pass URL: the upstream name
// or host, with the port when it is not the scheme's default.
func proxyHost(target string) (string, bool) {
	u, err := nginxsem.ParseProxyURL(target)
	if err != nil {
		return "", false
	}
	return u.HostPort(), true
}

// hostName is the host part of a Host header value, as Grafana's
// util.SplitHostPortDefault reads it.
func hostName(h string) string {
	if host, _, err := net.SplitHostPort(h); err == nil {
		return strings.Trim(host, "[]")
	}
	return strings.Trim(h, "[]")
}

// csrfPasses models Grafana's CSRF middleware for a request with the login
// cookie and an Origin.
func csrfPasses(g *fronting.Grafana, b browser, host string, extra []string) bool {
	origin := b.origin.Host
	if hostName(host) == "" {
		return false
	}
	if hostName(host) == origin {
		return true
	}
	for _, t := range g.CSRFTrusted {
		if t == origin {
			return true
		}
	}
	for _, x := range extra {
		if hostName(x) == origin {
			return true
		}
	}
	return false
}

// originPasses models Grafana Live's WebSocket origin check
// (getCheckOriginFunc); ok is false when it cannot be decided here.
func originPasses(g *fronting.Grafana, b browser, host string) (pass, ok bool) {
	if len(g.AllowedOrigins) == 1 && g.AllowedOrigins[0] == "*" {
		return true, true
	}
	o := strings.ToLower(b.originText)
	oHost := strings.TrimPrefix(strings.TrimPrefix(o, "https://"), "http://")
	if strings.EqualFold(oHost, host) {
		return true, true
	}
	if !g.OriginKnown {
		return false, false
	}
	if b.origin.DefaultPort() {
		if b.origin.Scheme == g.Scheme && b.origin.Host == g.Host {
			return true, true
		}
	} else {
		appHost := g.Host
		if g.PortWritten {
			appHost = net.JoinHostPort(g.Host, strconv.Itoa(g.Port))
		}
		if b.origin.Scheme == g.Scheme && oHost == appHost {
			return true, true
		}
	}
	for _, pat := range g.AllowedOrigins {
		re, err := globRE(pat)
		if err != nil {
			return false, false
		}
		if re.MatchString(b.originText) {
			return true, true
		}
	}
	return false, true
}

// globRE turns a gobwas/glob pattern (as Grafana compiles allowed_origins,
// without separators) into a regular expression.
func globRE(p string) (*regexp.Regexp, error) {
	var b strings.Builder
	b.WriteString("^")
	depth := 0
	for i := 0; i < len(p); i++ {
		switch ch := p[i]; ch {
		case '*':
			b.WriteString(".*")
		case '?':
			b.WriteString(".")
		case '{':
			depth++
			b.WriteString("(?:")
		case '}':
			depth--
			b.WriteString(")")
		case ',':
			if depth > 0 {
				b.WriteString("|")
			} else {
				b.WriteString(",")
			}
		case '[':
			j := strings.IndexByte(p[i:], ']')
			if j < 0 {
				return nil, fmt.Errorf("unclosed [")
			}
			cls := p[i+1 : i+j]
			if strings.HasPrefix(cls, "!") {
				cls = "^" + cls[1:]
			}
			b.WriteString("[" + cls + "]")
			i += j
		case '\\':
			if i+1 < len(p) {
				i++
				b.WriteString(regexp.QuoteMeta(p[i : i+1]))
			}
		default:
			b.WriteString(regexp.QuoteMeta(string(ch)))
		}
	}
	b.WriteString("$")
	return regexp.Compile(b.String())
}

// hostCheck is the Host header of one Grafana location.
type hostCheck struct {
	loc *model.Location
	gp  *nginxsem.GrafanaProxy
	h   *nginxsem.HeaderValue
	// value is the Host value as written ("$proxy_host" when nginx's
	// default applies), d the directive (nil for the default).
	value string
	d     *model.Directive
}

func checkHost(c *rules.Context) {
	a := fronting.Of(c)
	g := a.Grafana
	for _, s := range a.Servers {
		bs := browsers(a, s)
		seen := map[*model.Directive]bool{}
		// The Live locations go first: a Host line they share with other
		// locations is then reported with the Live consequences.
		lives := map[*model.Location]*fronting.Live{}
		var checks []hostCheck
		for _, l := range s.Reaching() {
			if lives[l.Location] == nil {
				lives[l.Location] = l
				checks = append(checks, newHostCheck(s, l.Location, l.Proxy))
			}
		}
		for i := range s.Proxies {
			gp := &s.Proxies[i]
			if lives[gp.Location] != nil {
				continue
			}
			checks = append(checks, newHostCheck(s, gp.Location, gp))
		}
		for _, hc := range checks {
			if hc.d != nil && seen[hc.d] {
				continue
			}
			if f, ok := hostFinding(a, s, hc, bs, lives[hc.loc], g); ok {
				if hc.d != nil {
					seen[hc.d] = true
				}
				if strings.HasPrefix(f.Key, "csrf:") {
					f.Fix = hostFixFor(c, a, s, hc, bs)
				}
				if ks := c.Kube(f.Pos); ks != nil {
					f.Fix = nil // the configuration is the controller's
					if ks.Kind == model.KubeAnnotation && ks.Name == annUpstreamVhost {
						f.Message = kubeUpstreamVhost(ks)
					}
				}
				c.Report(f)
			}
		}
	}
}

func newHostCheck(s *fronting.Server, loc *model.Location, gp *nginxsem.GrafanaProxy) hostCheck {
	h := s.Config.Sem.Header(loc, "Host")
	hc := hostCheck{loc: loc, gp: gp, h: h, value: "$proxy_host"}
	if h.IsSet() {
		hc.d = h.Set[len(h.Set)-1]
		hc.value = argText(hc.d, 1)
	} else if len(h.Conditional) > 0 {
		hc.value = ""
	}
	return hc
}

// hostFinding decides one location's Host header for each browser.
func hostFinding(a *fronting.Analysis, s *fronting.Server, hc hostCheck, bs []browser, live *fronting.Live, g *fronting.Grafana) (rules.Finding, bool) {
	if hc.value == "" && hc.d == nil {
		return rules.Finding{}, false // set only inside "if"
	}
	if hc.d == nil && s.Config.Incomplete(hc.loc, s.Server) {
		return rules.Finding{}, false // an include the linter could not read may set it
	}
	if len(bs) == 0 {
		return unnamedHost(a, s, hc)
	}
	for _, b := range bs {
		vars := hostVars(b, s, hc.gp)
		e := newEvaluator(a, s.Config, vars)
		vals, ok := e.eval(hc.value, 0)
		if !ok || len(vals) != 1 {
			continue
		}
		host := vals[0]
		var extra []string
		for _, name := range g.CSRFHeaders {
			xh := s.Config.Sem.Header(hc.loc, name)
			if !xh.IsSet() {
				continue
			}
			if xv, ok := newEvaluator(a, s.Config, vars).eval(xh.Value.V, 0); ok && len(xv) == 1 {
				extra = append(extra, xv[0])
			}
		}
		if !csrfPasses(g, b, host, extra) {
			return csrfFinding(a, s, hc, b, host), true
		}
		if live == nil {
			continue
		}
		if pass, ok := originPasses(g, b, host); ok && !pass {
			return originFinding(a, s, hc, live, b, host), true
		}
	}
	return rules.Finding{}, false
}

// hostPos is where a Host finding goes: the value, or the location when
// nginx's default applies.
func hostPos(s *fronting.Server, hc hostCheck) (model.Pos, model.Pos) {
	if hc.d != nil {
		return argPos(hc.d, 1)
	}
	return fronting.Anchor(hc.loc, s.Server)
}

func hostSource(hc hostCheck) string {
	if hc.d != nil {
		return "proxy_set_header Host " + hc.value + packagedNote(hc.d)
	}
	if len(hc.h.Dropped) > 0 {
		d := hc.h.Dropped[0]
		return fmt.Sprintf("nginx's default $proxy_host: the %s-level %s is not inherited because %s sets its own proxy_set_header lines",
			d.Level.Kind, directiveText(d.Directive), d.BecauseLevel)
	}
	return "nginx's default $proxy_host, as no proxy_set_header Host applies"
}

func hostRelated(s *fronting.Server, hc hostCheck) []rules.Related {
	var rel []rules.Related
	if hc.d == nil && hc.gp != nil {
		rel = append(rel, related(hc.gp.Directive.Pos(), "$proxy_host comes from this proxy_pass"))
	}
	for _, dr := range hc.h.Dropped {
		rel = append(rel, related(dr.Directive.Pos(), "%s here is not inherited by %s, which sets its own proxy_set_header lines (the first: %s)", directiveText(dr.Directive), dr.BecauseLevel, directiveText(dr.Because)))
	}
	if hc.d != nil {
		if lvl := hc.h.Level; lvl.Location != hc.loc {
			p, _ := fronting.Anchor(hc.loc, s.Server)
			rel = append(rel, related(p, "%s proxies to Grafana and inherits this Host", locName(hc.loc)))
		}
	}
	return rel
}

func csrfFinding(a *fronting.Analysis, s *fronting.Server, hc hostCheck, b browser, host string) rules.Finding {
	pos, end := hostPos(s, hc)
	assumed := ""
	if b.assumed {
		assumed = " (root_url's host; the server has no server_name)"
		if s.Placeholder {
			assumed = " (root_url's host; the server_name is a template placeholder)"
		}
	}
	return rules.Finding{Pos: pos, End: end, Related: hostRelated(s, hc), Entity: s.Entity(), Key: "csrf:" + hc.loc.Path.V,
		Message: fmt.Sprintf("%s sends Grafana the Host %q (%s) while browsers use %q%s: Grafana's CSRF check compares the Host's name with the browser's Origin, so logged-in users get \"origin not allowed\" on queries and Live gets 403; %s (or list %q in [security] csrf_trusted_origins)",
			locName(hc.loc), host, hostSource(hc), b.originText, assumed, hostFix(a, hc, b), b.origin.Host)}
}

// hostFix is the Host line that lets a browser on b's origin through both
// of Grafana's checks: $host (the browser's host name, normalised by
// nginx; not $http_host, which forwards the raw client header), plus what
// Live's origin check needs on a non-default public port: the port in the
// Host when nginx listens on the public port itself ($host:$server_port),
// else root_url with that port.
func hostFix(a *fronting.Analysis, hc hostCheck, b browser) string {
	where := "in " + locName(hc.loc)
	if hc.d == nil && len(hc.h.Dropped) > 0 {
		where = "to " + locName(hc.loc) + " (the outer line is not inherited there)"
	}
	switch {
	case b.origin.DefaultPort():
		return "write proxy_set_header Host $host; " + where
	case b.origin.ListenPort == b.origin.Port:
		// The port in the Host passes Live's origin check too.
		return fmt.Sprintf("write proxy_set_header Host $host:$server_port; %s (nginx listens on the public port %d itself, and Live's origin check compares the port)", where, b.origin.Port)
	}
	return "write proxy_set_header Host $host; " + where + "; Live's origin check then also needs the port " + strconv.Itoa(b.origin.Port) + ": " + portFix(a, hc, b)
}

// portFix says how Live's origin check can admit a browser on a
// non-default public port when the Host carries no port, choosing what
// fits this configuration and never the line already written: the port
// in the Host ($host:$server_port when nginx listens on the public port
// itself; $host$is_request_port$request_port, nginx 1.30 and later, when
// a port mapping publishes it on another), or root_url with the port.
func portFix(a *fronting.Analysis, hc hostCheck, b browser) string {
	g := a.Grafana
	var opts []string
	want := b.originText + g.SubPath + "/"
	switch {
	case b.origin.ListenPort == b.origin.Port && hc.value != "$host:$server_port":
		opts = append(opts, fmt.Sprintf("write proxy_set_header Host $host:$server_port; in %s (nginx listens on port %d itself)", locName(hc.loc), b.origin.Port))
	case b.origin.ListenPort != b.origin.Port && hc.value != "$host$is_request_port$request_port":
		opts = append(opts, fmt.Sprintf("on nginx 1.30 or later write proxy_set_header Host $host$is_request_port$request_port; in %s ($server_port is %d, not the published %d)", locName(hc.loc), b.origin.ListenPort, b.origin.Port))
	}
	if !g.Explicit || g.RootURL != want {
		opts = append(opts, fmt.Sprintf("set root_url = %s", want))
	}
	if len(opts) == 0 {
		return fmt.Sprintf("list %s in [live] allowed_origins", b.originText)
	}
	return strings.Join(opts, ", or ")
}

func originFinding(a *fronting.Analysis, s *fronting.Server, hc hostCheck, live *fronting.Live, b browser, host string) rules.Finding {
	pos, end := hostPos(s, hc)
	g := a.Grafana
	f := rules.Finding{Pos: pos, End: end, Severity: rules.Warning, Related: hostRelated(s, hc), Entity: s.Entity(), Key: "origin:" + hc.loc.Path.V}
	if p := settingPos(a.Stack.Settings, g.Setting); p.IsValid() {
		f.Related = append(f.Related, related(p, "root_url %q does not cover %q", g.RootURL, b.originText))
	}
	why := ""
	if !b.origin.DefaultPort() && hostName(host) == b.origin.Host {
		why = fmt.Sprintf(" (the browser's Origin carries the port %d, the Host does not)", b.origin.Port)
		if _, hp, err := net.SplitHostPort(host); err == nil {
			why = fmt.Sprintf(" (the Host carries the port %s, the browser's Origin %d)", hp, b.origin.Port)
		}
	}
	// The handshake is sure to fail when root_url and the browser's
	// origin are both known: an error. Otherwise root_url may be set where
	// the linter cannot see, or browsers may use another origin.
	sure := g.Explicit && g.OriginKnown && live.Primary && live.Assumed == "" && !b.assumed
	rootURL := fmt.Sprintf("root_url (%q)", g.RootURL)
	if sure {
		f.Severity = rules.Error
	} else if !g.Explicit {
		rootURL = fmt.Sprintf("root_url (Grafana's default %q, assumed: %s)", g.RootURL, rootURLAbsence(a))
	}
	var fixes string
	switch {
	case hostName(host) == b.origin.Host:
		// Only the port is missing.
		fixes = portFix(a, hc, b)
	case b.origin.DefaultPort():
		fixes = fmt.Sprintf("write proxy_set_header Host $host; in %s, or set root_url = %s", locName(hc.loc), b.originText+g.SubPath+"/")
	default:
		fixes = portFix(a, hc, b)
		if b.origin.ListenPort != b.origin.Port {
			fixes = fmt.Sprintf("write proxy_set_header Host $host; in %s and %s", locName(hc.loc), fixes)
		}
	}
	f.Message = fmt.Sprintf("%s sends Grafana the Host %q (%s) for the Live WebSocket %s: Grafana Live compares the browser's Origin %q with it%s and, as neither %s nor [live] allowed_origins covers that origin, answers 403 to the handshake; %s",
		locName(hc.loc), host, hostSource(hc), live.Quoted(), b.originText, why, rootURL, fixes)
	return f
}

// rootURLAbsence says why root_url is Grafana's default.
func rootURLAbsence(a *fronting.Analysis) string {
	if !a.Stack.HasIni {
		return "the stack has no grafana.ini and sets no GF_SERVER_ROOT_URL"
	}
	return "grafana.ini sets no root_url"
}

// unnamedHost decides a server without a usable server_name: only a Host
// no browser would type (a compose service or upstream name) is reported.
func unnamedHost(a *fronting.Analysis, s *fronting.Server, hc hostCheck) (rules.Finding, bool) {
	vars := map[string]string{}
	if hc.gp != nil {
		if ph, ok := proxyHost(hc.gp.Target); ok {
			vars["proxy_host"] = ph
		}
	}
	vals, ok := newEvaluator(a, s.Config, vars).eval(hc.value, 0)
	if !ok || len(vals) != 1 {
		return rules.Finding{}, false
	}
	host := vals[0]
	name := strings.ToLower(hostName(host))
	internal := false
	for _, h := range a.Stack.GrafanaHosts {
		if strings.EqualFold(h, name) {
			internal = true
		}
	}
	if hc.gp != nil && hc.gp.Upstream != nil && strings.EqualFold(hc.gp.Upstream.Name.V, name) {
		internal = true
	}
	if !strings.Contains(name, ".") && strings.Contains(name, "grafana") {
		internal = true
	}
	switch name {
	case "host.docker.internal", "gateway.docker.internal":
		// Docker's names for the host, seen from a container.
		internal = true
	}
	if !internal {
		return rules.Finding{}, false
	}
	pos, end := hostPos(s, hc)
	return rules.Finding{Pos: pos, End: end, Related: hostRelated(s, hc), Entity: s.Entity(), Key: "csrf:" + hc.loc.Path.V,
		Message: fmt.Sprintf("%s sends Grafana the Host %q (%s), a name only the proxy uses, never the browser's: Grafana's CSRF check compares the Host's name with the browser's Origin, so logged-in users get \"origin not allowed\" on queries and Live gets 403; write proxy_set_header Host $host; in %s (with root_url set to the public URL, whose port Live's origin check compares)",
			locName(hc.loc), host, hostSource(hc), locName(hc.loc))}, true
}

// LiveHost returns the Host header nginx sends Grafana with the Live
// WebSocket handshake of a browser on origin o through s (at the location
// of its first Live route that reaches Grafana); ok is false when no Live
// route of s reaches Grafana or the value is not known statically.
func LiveHost(a *fronting.Analysis, s *fronting.Server, o nginxsem.Origin) (string, bool) {
	ls := s.Reaching()
	if len(ls) == 0 {
		return "", false
	}
	hc := newHostCheck(s, ls[0].Location, ls[0].Proxy)
	if hc.d == nil && (len(hc.h.Conditional) > 0 || s.Config.Incomplete(hc.loc, s.Server)) {
		return "", false
	}
	vals, ok := newEvaluator(a, s.Config, hostVars(newBrowser(o, false), s, hc.gp)).eval(hc.value, 0)
	if !ok || len(vals) != 1 {
		return "", false
	}
	return vals[0], true
}
