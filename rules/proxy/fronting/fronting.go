// Package fronting works out, for one stack, how nginx puts Grafana in
// front of browsers: which server blocks proxy to Grafana (and on which
// public origins), Grafana's sub-path and Live path from root_url, and the
// route nginx gives the Live WebSocket (the location it chooses, what it
// sends upstream, or the answer it gives itself). The proxy, server and
// live rules share it; the nginx semantics themselves come from
// parsers/nginxsem.
package fronting

import (
	"fmt"
	"net"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/grafanalint/grafanalint/parsers/model"
	"github.com/grafanalint/grafanalint/parsers/nginxsem"
	"github.com/grafanalint/grafanalint/rules"
)

// Analysis is the picture of one stack.
type Analysis struct {
	Stack   *model.Stack
	Grafana *Grafana
	// Hints are what identifies Grafana as a proxy target besides the
	// defaults (compose names and published ports, http_port).
	Hints nginxsem.GrafanaHints
	// Configs are the stack's nginx configurations with their semantics.
	Configs []*Config
	// Servers are the server blocks that proxy to Grafana, in the order
	// of the configs and their files.
	Servers []*Server
	// published maps nginx's listen ports to the host ports compose
	// publishes them on, when publishedKnown (see nginxPublished).
	published      map[int][]int
	publishedKnown bool
	// index, tables and derived are built on first use (index.go).
	index   *stackIndex
	tables  map[*model.Map]*MapTable
	derived map[any]any
}

// Published returns the listen-port to host-ports map of the compose
// service that runs nginx, and whether one is known.
func (a *Analysis) Published() (map[int][]int, bool) { return a.published, a.publishedKnown }

// PublishedPorts returns the ports browsers reach nginx's listen port p
// on: the host ports compose publishes it on, p itself when no compose
// service of nginx is in view.
func (a *Analysis) PublishedPorts(p int) []int {
	if !a.publishedKnown {
		return []int{p}
	}
	return a.published[p]
}

// Config is one nginx configuration of the stack.
type Config struct {
	Config *model.NginxConfig
	Sem    *nginxsem.Config
	// Servers are its servers that front Grafana.
	Servers []*Server
	// pos is its position in Analysis.Configs; byBlock and incomplete
	// are built on first use (index.go, Incomplete).
	pos        int
	byBlock    map[*model.Directive]*Server
	incomplete map[incompleteKey]bool
	depths     map[*model.Directive]int
}

// Server is a server block that proxies to Grafana.
type Server struct {
	Config *Config
	Server *model.Server
	// Proxies are its locations that proxy to Grafana, in file order.
	Proxies []nginxsem.GrafanaProxy
	// Origins are the public origins it answers on (PublicOrigins, with
	// the ports compose publishes nginx on), the nameless ones and
	// template placeholders left out.
	Origins []nginxsem.Origin
	// Placeholder is set when its server_name is a template placeholder
	// ("[your domain]", "{{ domain }}"): browsers use a name the linter
	// cannot see.
	Placeholder bool
	// Live is the route of the Live WebSocket on the path root_url gives
	// (Grafana's default when none is set); its Verdict is Unknown when
	// root_url's path is a placeholder or does not parse.
	Live *Live
	// Lives are the Live routes the rules check, Live first when it
	// reaches Grafana or is blocked on purpose. When Live does not reach
	// Grafana (root_url disagrees with nginx) or its path is unknown, each
	// location that proxies to Grafana adds the Live path it would carry
	// (its own prefix + "/api/live/ws"), with Live.Assumed saying so.
	Lives []*Live
	// proxyAt and setting are built on first use (index.go).
	proxyAt map[*model.Location]int
	setting map[string][]*model.Location
}

// Verdict says where nginx sends the Live WebSocket handshake.
type Verdict int

// Verdicts.
const (
	// Unknown: the route could not be followed (a regex Go cannot
	// evaluate, a variable only known at run time, an unknown sub-path).
	Unknown Verdict = iota
	// Reaches: a location proxies the Live path to Grafana.
	Reaches
	// Blocked: a location written for the Live path answers 4xx itself
	// (return, deny): Live is blocked on purpose.
	Blocked
	// Redirected: the server redirects the Live path to another scheme or
	// host (an http-to-https server); it does not serve Grafana there.
	Redirected
	// Elsewhere: the Live path goes somewhere that is not Grafana (static
	// files, another application, a redirect or answer of nginx's own).
	Elsewhere
)

// Live is the route of the Live WebSocket handshake through a server.
type Live struct {
	// Path is the request path ("<sub-path>/api/live/ws"); SubPath the
	// sub-path it was built from.
	Path    string
	SubPath string
	// Primary is set for the path root_url (or its default) gives;
	// otherwise the path is assumed from a location that proxies to
	// Grafana.
	Primary bool
	// Assumed says, for messages, what was assumed to choose Path ("" when
	// root_url says it): e.g. `assuming browsers open Grafana under
	// "/grafana/", where nginx proxies it, as the stack sets no root_url`.
	Assumed string
	Verdict Verdict
	Route   *nginxsem.Route
	// Location is the location that finally handles the request (nil when
	// none does).
	Location *model.Location
	// Proxy is the Grafana proxy of Location when Verdict is Reaches.
	Proxy *nginxsem.GrafanaProxy
	// Upstream is the path Grafana receives (without the query) when
	// nginx's mapping is known; UpstreamKnown says so.
	Upstream      string
	UpstreamKnown bool
	// Return is nginx's own answer (Blocked, Redirected, some Elsewhere);
	// Deny is the deny directive when access rules block the path.
	Return *nginxsem.Return
	Deny   *model.Directive
}

// What formats the Live path for messages, with the assumption made to
// choose it: `the Live path "/grafana/api/live/ws" (assuming …)`.
func (l *Live) What() string { return "the Live path " + l.Quoted() }

// Quoted formats the Live path quoted, with the assumption made to choose
// it: `"/grafana/api/live/ws" (assuming …)`.
func (l *Live) Quoted() string {
	if l.Assumed == "" {
		return fmt.Sprintf("%q", l.Path)
	}
	return fmt.Sprintf("%q (%s)", l.Path, l.Assumed)
}

// Reaching returns the Live routes of s that reach Grafana.
func (s *Server) Reaching() []*Live {
	var out []*Live
	for _, l := range s.Lives {
		if l.Verdict == Reaches {
			out = append(out, l)
		}
	}
	return out
}

// analysisKey keys a stack's analysis among the values rules share.
type analysisKey struct{}

// Of returns the analysis of the stack c checks, built once and shared by
// every rule that checks the stack in this run. Rules must not modify it.
func Of(c *rules.Context) *Analysis {
	return rules.Shared(c, analysisKey{}, func() *Analysis { return Analyze(c.Stack) })
}

// Analyze builds the picture of stack s.
func Analyze(s *model.Stack) *Analysis {
	a := &Analysis{Stack: s, Grafana: ReadGrafana(s.Settings)}
	a.Hints = hints(s, a.Grafana)
	a.published, a.publishedKnown = nginxPublished(s)
	for _, cfg := range s.Nginx {
		c := &Config{Config: cfg, Sem: nginxsem.New(cfg), pos: len(a.Configs)}
		a.Configs = append(a.Configs, c)
		for _, srv := range cfg.Servers {
			ps := c.Sem.GrafanaProxies(srv, a.Hints)
			if len(ps) == 0 {
				continue
			}
			fs := &Server{Config: c, Server: srv, Proxies: ps}
			for _, o := range nginxsem.PublicOrigins(srv) {
				if o.Placeholder || placeholder(o.Host) {
					fs.Placeholder = true
					continue
				}
				if o.Host == "" {
					continue
				}
				for _, p := range a.PublishedPorts(o.ListenPort) {
					po := o
					po.Port = p
					fs.Origins = append(fs.Origins, po)
				}
			}
			a.lives(fs)
			c.Servers = append(c.Servers, fs)
			a.Servers = append(a.Servers, fs)
		}
	}
	return a
}

// hints gathers what identifies Grafana besides a name containing
// "grafana" and port 3000: the compose service's names, its published host
// ports reached through the host's loopback or Docker's host gateway, and
// a non-default http_port; and what compose says is another application:
// the names of the project's other services and the host ports they
// publish.
func hints(s *model.Stack, g *Grafana) nginxsem.GrafanaHints {
	h := nginxsem.GrafanaHints{Hosts: append([]string{}, s.GrafanaHosts...)}
	for _, raw := range s.GrafanaPorts {
		h.HostPortsKnown = true
		p := publishedPort(raw)
		if p <= 0 {
			continue
		}
		h.HostPorts = append(h.HostPorts, p)
		h.Hosts = append(h.Hosts, loopbackHostPorts(p)...)
	}
	for _, o := range s.OtherServices {
		h.Others = append(h.Others, o.Hosts...)
		for _, raw := range o.Ports {
			if p := publishedPort(raw); p > 0 && !slices.Contains(h.HostPorts, p) {
				h.Others = append(h.Others, loopbackHostPorts(p)...)
			}
		}
	}
	if g.HTTPPort != nginxsem.GrafanaPort {
		h.Ports = append(h.Ports, g.HTTPPort)
	}
	return h
}

// loopbackHostPorts are the "host:port" names under which a port
// published on the host is reached from nginx: the host's loopback, or
// Docker's host gateway from a container.
func loopbackHostPorts(p int) []string {
	var out []string
	for _, host := range []string{"localhost", "127.0.0.1", "::1", "host.docker.internal", "172.17.0.1"} {
		out = append(out, net.JoinHostPort(host, strconv.Itoa(p)))
	}
	return out
}

// nginxPublished maps the ports nginx listens on to the host ports compose
// publishes them on, when the Grafana project runs nginx as a service of
// its own (an image or a service name with "nginx" or "openresty") with
// "ports:"; ok is false when no such service says so (nginx on the host,
// in another project, or several candidates that disagree), and then the
// listen ports are taken as the public ones.
func nginxPublished(s *model.Stack) (map[int][]int, bool) {
	var found map[int][]int
	for _, o := range s.OtherServices {
		img := strings.ToLower(o.Image)
		name := strings.ToLower(o.Name)
		byImage := strings.Contains(img, "nginx") || strings.Contains(img, "openresty")
		byName := img == "" && (strings.Contains(name, "nginx") || strings.Contains(name, "openresty"))
		if !byImage && !byName {
			continue
		}
		if len(o.Ports) == 0 {
			return nil, false // network_mode: host, or reached through another proxy
		}
		m := map[int][]int{}
		for _, raw := range o.Ports {
			host, container, ok := portMapping(raw)
			if !ok {
				return nil, false
			}
			m[container] = append(m[container], host)
		}
		if found != nil && fmt.Sprint(found) != fmt.Sprint(m) {
			return nil, false
		}
		found = m
	}
	return found, found != nil
}

// portMapping reads a compose short-syntax port entry that publishes one
// port: "8080:80", "127.0.0.1:8443:443/tcp", "${HTTP_PORT:-8080}:80"; ok
// is false for ranges, a container port alone (a random host port) and
// values only known at deploy time.
func portMapping(raw string) (host, container int, ok bool) {
	raw, _, _ = strings.Cut(raw, "/")
	i := strings.LastIndex(raw, ":")
	if i < 0 {
		return 0, 0, false
	}
	c, err := strconv.Atoi(raw[i+1:])
	if err != nil || c <= 0 || c > 65535 {
		return 0, 0, false
	}
	h := publishedPort(raw)
	if h <= 0 {
		return 0, 0, false
	}
	return h, c, true
}

// publishedPort returns the host port of a compose port mapping
// ("3000:3000", "127.0.0.1:8889:3000", "${X:-127.0.0.1:8889}:3000",
// "8889:3000/tcp"), 0 when it has none or it is not a number.
func publishedPort(raw string) int {
	raw, _, _ = strings.Cut(raw, "/")
	i := strings.LastIndex(raw, ":")
	if i < 0 {
		return 0
	}
	host := strings.TrimSuffix(raw[:i], "}")
	if j := strings.LastIndexAny(host, ":-"); j >= 0 {
		host = host[j+1:]
	}
	n, err := strconv.Atoi(host)
	if err != nil || n <= 0 || n > 65535 {
		return 0
	}
	return n
}

// livePathRE matches a location path written for Grafana Live.
var livePathRE = regexp.MustCompile(`/api/live`)

// lives works out the Live routes of fs (see Server.Lives).
func (a *Analysis) lives(fs *Server) {
	g := a.Grafana
	fs.Live = &Live{Primary: true}
	seen := map[string]bool{}
	if g.SubPathKnown {
		fs.Live = a.follow(fs, g.SubPath)
		fs.Live.Primary = true
		fs.Live.Assumed = a.primaryAssumption()
		seen[fs.Live.Path] = true
		switch fs.Live.Verdict {
		case Reaches, Blocked:
			fs.Lives = append(fs.Lives, fs.Live)
			return
		case Redirected, Unknown:
			return
		}
	}
	why := a.disagreement(fs.Live)
	for _, gp := range fs.Proxies {
		sub, ok := LocationSubPath(gp.Location)
		if !ok || seen[sub+"/api/live/ws"] {
			continue
		}
		seen[sub+"/api/live/ws"] = true
		l := a.follow(fs, sub)
		if l.Verdict != Reaches {
			continue
		}
		l.Assumed = fmt.Sprintf("assuming browsers open Grafana under %q, where nginx proxies it, as %s", sub+"/", why)
		fs.Lives = append(fs.Lives, l)
	}
}

// primaryAssumption says what root_url leaves open about the Live path
// it gives, "" when nothing: a root_url whose host is a template
// placeholder while its sub-path is readable.
func (a *Analysis) primaryAssumption() string {
	g := a.Grafana
	if g.Explicit && !g.OriginKnown && g.SubPath != "" {
		return fmt.Sprintf("root_url %q has a placeholder in its host; its sub-path %q is used", g.RootURL, g.SubPath)
	}
	return ""
}

// rootURLAbsence says why root_url is Grafana's default.
func (a *Analysis) rootURLAbsence() string {
	if !a.Stack.HasIni {
		return "the stack has no grafana.ini and sets no GF_SERVER_ROOT_URL"
	}
	return "grafana.ini sets no root_url"
}

// disagreement says why the Live path root_url gives is not the one
// checked: root_url is missing or unreadable, or nginx does not route it
// to Grafana.
func (a *Analysis) disagreement(primary *Live) string {
	g := a.Grafana
	switch {
	case !g.SubPathKnown:
		return fmt.Sprintf("root_url %q has no readable path", g.RootURL)
	case !g.Explicit:
		return a.rootURLAbsence()
	case g.SubPath == "":
		return fmt.Sprintf("root_url %q has no sub-path and nginx does not route %q to Grafana", g.RootURL, primary.Path)
	}
	return fmt.Sprintf("nginx does not route root_url's Live path %q to Grafana", primary.Path)
}

// grafanaRoutes are the first path segments of Grafana's own routes
// (pkg/api/api.go): a location named after one of them serves Grafana at
// the root, it does not set a sub-path.
var grafanaRoutes = map[string]bool{
	"api": true, "apis": true, "public": true, "avatar": true, "login": true, "logout": true,
	"signup": true, "invite": true, "user": true, "profile": true, "d": true, "d-solo": true,
	"dashboard": true, "dashboards": true, "playlists": true, "explore": true, "alerting": true,
	"admin": true, "org": true, "datasources": true, "connections": true, "plugins": true,
	"render": true, "metrics": true, "healthz": true, "robots.txt": true, "swagger": true,
	"goto": true, "a": true, "live": true, "library-panels": true,
}

// LocationSubPath returns the sub-path a location that proxies to Grafana
// serves it under, as nginx's prefix shows it: "/grafana" for location
// "/grafana/", "/grafana/api/live/" or "/grafana/public/"; "" for "/",
// "/api/" or "/public/". ok is false for regex, named and exact locations
// other than an exact Live path, and for prefixes with variables or
// placeholders.
func LocationSubPath(loc *model.Location) (string, bool) {
	p := loc.Path.V
	switch loc.Modifier {
	case "", "^~":
	case "=":
		if !strings.HasSuffix(p, "/api/live/ws") {
			return "", false
		}
	default:
		return "", false
	}
	if !strings.HasPrefix(p, "/") || placeholder(p) {
		return "", false
	}
	segs := strings.Split(strings.Trim(p, "/"), "/")
	var sub []string
	for _, s := range segs {
		if s == "" || grafanaRoutes[s] {
			break
		}
		sub = append(sub, s)
	}
	if len(sub) == 0 {
		return "", true
	}
	return "/" + strings.Join(sub, "/"), true
}

// follow builds the Live route of fs for the sub-path sub.
func (a *Analysis) follow(fs *Server, sub string) *Live {
	l := &Live{SubPath: sub, Path: sub + "/api/live/ws"}
	r, err := fs.Config.Sem.Follow(fs.Server, l.Path)
	if err != nil || r == nil {
		return l
	}
	l.Route = r
	if len(r.Unevaluated) > 0 {
		return l
	}
	l.Location = r.Location()
	switch {
	case r.Return != nil && l.Location != nil && r.Return.Code >= 400 && livePathRE.MatchString(l.Location.Path.V):
		l.Verdict, l.Return = Blocked, r.Return
		return l
	case r.Return != nil && r.Return.IsRedirect() && redirectsAway(r.Return):
		l.Verdict, l.Return = Redirected, r.Return
		return l
	case r.Return != nil:
		l.Verdict, l.Return = Elsewhere, r.Return
		return l
	case r.Pass == nil:
		if r.Unknown != "" {
			return l
		}
		l.Verdict = Elsewhere
		return l
	case r.Pass.Handler == "":
		return l // try_files may serve a file: not known
	}
	if d := denied(l.Location); d != nil && livePathRE.MatchString(l.Location.Path.V) {
		l.Verdict, l.Deny = Blocked, d
		return l
	}
	l.Proxy = fs.ProxyAt(l.Location)
	if l.Proxy == nil || r.Pass.Handler != "proxy" {
		if r.Pass.Handler == "proxy" && r.Pass.Target != nil && !r.Pass.Target.Known {
			return l // a proxy_pass through variables nothing resolves
		}
		l.Verdict = Elsewhere
		return l
	}
	l.Verdict = Reaches
	if r.Pass.Known {
		l.Upstream, _, _ = strings.Cut(r.Pass.UpstreamURI, "?")
		l.UpstreamKnown = true
	}
	return l
}

// redirectsAway reports whether a redirect sends the browser to another
// scheme or host (the http-to-https or canonical-host servers), rather
// than to another path of the same site.
func redirectsAway(r *nginxsem.Return) bool {
	t := r.URL
	if t == "" && r.Text.IsSet() {
		t = r.Text.V
	}
	return strings.Contains(t, "://")
}

// denied returns a "deny all" directly in loc that no earlier "allow"
// precedes, nil otherwise.
func denied(loc *model.Location) *model.Directive {
	if loc == nil || loc.Directive == nil {
		return nil
	}
	for _, d := range loc.Directive.Block {
		if d.Name.V == "allow" {
			return nil
		}
		if d.Name.V == "deny" && len(d.Args) == 1 && d.Args[0].V == "all" {
			return d
		}
	}
	return nil
}

// Incomplete reports whether an include at one of the levels that apply
// to loc matched no file (or an empty one) and may hold proxy settings, so
// a directive the rules look for may be written where the linter cannot
// see it. Includes that by their name hold something else (mime.types,
// fastcgi_params, certbot's TLS options) do not count, nor http-level
// globs (other sites). An include followed by the directives it brought
// in is complete, including Debian's proxy_params when the parser assumed
// its packaged content (model.Directive.Packaged).
func (c *Config) Incomplete(loc *model.Location, srv *model.Server) bool {
	var levels []nginxsem.Level
	if loc != nil {
		levels = c.Sem.Levels(loc)
	} else {
		levels = c.Sem.ServerLevels(srv)
	}
	for _, l := range levels {
		if l.Block == nil {
			continue
		}
		key := incompleteKey{l.Block, l.Kind == nginxsem.LevelHTTP}
		v, ok := c.incomplete[key]
		if !ok {
			v = c.incompleteBlock(l.Block, key.http)
			if c.incomplete == nil {
				c.incomplete = map[incompleteKey]bool{}
			}
			c.incomplete[key] = v
		}
		if v {
			return true
		}
	}
	return false
}

// incompleteBlock reports whether an include directly in block matched
// no file and may hold proxy settings (see Incomplete); http is set for
// the http level, where globs include other sites.
func (c *Config) incompleteBlock(block *model.Directive, http bool) bool {
	for i, d := range block.Block {
		if d.Name.V != "include" || len(d.Args) == 0 {
			continue
		}
		if i+1 < len(block.Block) && c.includedBy(block.Block[i+1], d) {
			continue
		}
		name := d.Args[0].V
		if harmlessInclude(name) || (http && strings.ContainsAny(name, "*?[")) {
			continue
		}
		return true
	}
	return false
}

// harmlessInclude reports whether an include's file name says it holds no
// proxy settings.
func harmlessInclude(p string) bool {
	base := strings.ToLower(p[strings.LastIndex(p, "/")+1:])
	switch {
	case base == "proxy_params":
		return false
	case base == "mime.types", strings.HasSuffix(base, "_params"), base == "fastcgi.conf",
		strings.HasPrefix(base, "koi-"), base == "win-utf",
		strings.Contains(base, "ssl"), strings.Contains(base, "letsencrypt"),
		strings.Contains(base, "certbot"), strings.Contains(base, "dhparam"):
		return true
	}
	return false
}

// includedBy reports whether d comes from the file include inc read (or
// from a file included from there, at any depth). Only the links of d's
// IncludedBy chain deeper than inc can be inc, so the walk stops there:
// a directive that does not come from inc costs nothing however deep the
// chain of includes above it.
func (c *Config) includedBy(d, inc *model.Directive) bool {
	p := d.IncludedBy
	for dp, ip := c.includeDepth(p), c.includeDepth(inc); p != nil && dp > ip; dp-- {
		p = p.IncludedBy
	}
	return p == inc
}

// includeDepth is the length of d's IncludedBy chain plus one (0 for
// nil), remembered for every include on the way.
func (c *Config) includeDepth(d *model.Directive) int {
	if d == nil {
		return 0
	}
	if n, ok := c.depths[d]; ok {
		return n
	}
	if c.depths == nil {
		c.depths = map[*model.Directive]int{}
	}
	// Walk up to the first known link (iteratively: chains of includes
	// may be thousands long), then number the links on the way back.
	var path []*model.Directive
	n := 0
	for p := d; p != nil; p = p.IncludedBy {
		if k, ok := c.depths[p]; ok {
			n = k
			break
		}
		path = append(path, p)
	}
	for i := len(path) - 1; i >= 0; i-- {
		n++
		c.depths[path[i]] = n
	}
	return c.depths[d]
}

// Entity names a server block for findings: "nginx:<first server_name>",
// "nginx:_" when it has none.
func (s *Server) Entity() string {
	for _, n := range s.Server.ServerNames {
		if n.V != "" {
			return "nginx:" + n.V
		}
	}
	return "nginx:_"
}

// Describe formats a location for messages: `location "/api/live/"`, or
// "the server block" for nil.
func Describe(loc *model.Location) string {
	if loc == nil {
		return "the server block"
	}
	return nginxsem.Level{Kind: nginxsem.LevelLocation, Location: loc}.String()
}

// Anchor is where a finding about a location goes: its path (the value
// itself), or the server block when there is no location.
func Anchor(loc *model.Location, srv *model.Server) (model.Pos, model.Pos) {
	if loc != nil && loc.Path.IsSet() {
		return loc.Path.Pos, loc.Path.End
	}
	if loc != nil {
		return loc.Pos, model.Pos{}
	}
	if srv != nil {
		return srv.Pos, model.Pos{}
	}
	return model.Pos{}, model.Pos{}
}
