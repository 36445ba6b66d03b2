// Package fronting works out, for one stack, how nginx puts Grafana in
// front of browsers: which server blocks proxy to Grafana (and on which
// public origins), Grafana's sub-path and Live path from root_url, and the
// route nginx gives the Live WebSocket (the location it chooses, what it
// sends upstream, or the answer it gives itself). The proxy, server and
// live rules share it; the nginx semantics themselves come from
// parsers/nginxsem.
package fronting

import (
	"net"
	"regexp"
	"strconv"
	"strings"

	"github.com/grafanalint/grafanalint/parsers/model"
	"github.com/grafanalint/grafanalint/parsers/nginxsem"
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
}

// Config is one nginx configuration of the stack.
type Config struct {
	Config *model.NginxConfig
	Sem    *nginxsem.Config
	// Servers are its servers that front Grafana.
	Servers []*Server
}

// Server is a server block that proxies to Grafana.
type Server struct {
	Config *Config
	Server *model.Server
	// Proxies are its locations that proxy to Grafana, in file order.
	Proxies []nginxsem.GrafanaProxy
	// Origins are the public origins it answers on (PublicOrigins), the
	// nameless ones left out.
	Origins []nginxsem.Origin
	// Live is the route of the Live WebSocket through it.
	Live *Live
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
	// Path is the request path ("<sub-path>/api/live/ws").
	Path    string
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

// Analyze builds the picture of stack s.
func Analyze(s *model.Stack) *Analysis {
	a := &Analysis{Stack: s, Grafana: ReadGrafana(s.Settings)}
	a.Hints = hints(s, a.Grafana)
	for _, cfg := range s.Nginx {
		c := &Config{Config: cfg, Sem: nginxsem.New(cfg)}
		a.Configs = append(a.Configs, c)
		for _, srv := range cfg.Servers {
			ps := c.Sem.GrafanaProxies(srv, a.Hints)
			if len(ps) == 0 {
				continue
			}
			fs := &Server{Config: c, Server: srv, Proxies: ps}
			for _, o := range nginxsem.PublicOrigins(srv) {
				if o.Host != "" && !placeholder(o.Host) {
					fs.Origins = append(fs.Origins, o)
				}
			}
			fs.Live = a.live(fs)
			c.Servers = append(c.Servers, fs)
			a.Servers = append(a.Servers, fs)
		}
	}
	return a
}

// hints gathers what identifies Grafana besides a name containing
// "grafana" and port 3000: the compose service's names, its published host
// ports reached through the host's loopback or Docker's host gateway, and
// a non-default http_port.
func hints(s *model.Stack, g *Grafana) nginxsem.GrafanaHints {
	h := nginxsem.GrafanaHints{Hosts: append([]string{}, s.GrafanaHosts...)}
	for _, raw := range s.GrafanaPorts {
		p := publishedPort(raw)
		if p <= 0 {
			continue
		}
		for _, host := range []string{"localhost", "127.0.0.1", "::1", "host.docker.internal", "172.17.0.1"} {
			h.Hosts = append(h.Hosts, net.JoinHostPort(host, strconv.Itoa(p)))
		}
	}
	if g.HTTPPort != nginxsem.GrafanaPort {
		h.Ports = append(h.Ports, g.HTTPPort)
	}
	return h
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

func (a *Analysis) live(fs *Server) *Live {
	l := &Live{}
	if !a.Grafana.SubPathKnown {
		return l
	}
	l.Path = a.Grafana.LivePath()
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
	}
	if d := denied(l.Location); d != nil && livePathRE.MatchString(l.Location.Path.V) {
		l.Verdict, l.Deny = Blocked, d
		return l
	}
	for i := range fs.Proxies {
		if fs.Proxies[i].Location == l.Location {
			l.Proxy = &fs.Proxies[i]
		}
	}
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
		for i, d := range l.Block.Block {
			if d.Name.V != "include" || len(d.Args) == 0 {
				continue
			}
			if i+1 < len(l.Block.Block) && includedBy(l.Block.Block[i+1], d) {
				continue
			}
			name := d.Args[0].V
			if harmlessInclude(name) || (l.Kind == nginxsem.LevelHTTP && strings.ContainsAny(name, "*?[")) {
				continue
			}
			return true
		}
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

// includedBy reports whether d comes from the file include inc read.
func includedBy(d, inc *model.Directive) bool {
	for p := d.IncludedBy; p != nil; p = p.IncludedBy {
		if p == inc {
			return true
		}
	}
	return false
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
