package nginxsem

import (
	"fmt"
	"net"
	"slices"
	"strconv"
	"strings"

	"github.com/grafanalint/grafanalint/parsers/model"
)

// GrafanaPort is Grafana's default http_port.
const GrafanaPort = 3000

// GrafanaHints tell which proxy targets are Grafana besides the defaults
// (a host or upstream named like "grafana", port 3000).
type GrafanaHints struct {
	// Hosts are names or addresses that are Grafana: compose service
	// names, the host of root_url, "host:port" pairs.
	Hosts []string
	// Ports are ports Grafana listens on (grafana.ini http_port).
	Ports []int
	// Others are names and "host:port" pairs of other applications
	// (the other services of Grafana's compose project): a target that
	// is one of them is not Grafana, whatever its port or name.
	Others []string
	// HostPorts are the ports Grafana is published on on its host
	// (compose "ports:"), when HostPortsKnown: a target on the host's
	// loopback or Docker's host gateway is Grafana only on one of them.
	HostPorts      []int
	HostPortsKnown bool
}

// GrafanaProxy is a location that proxies to Grafana, with the evidence.
type GrafanaProxy struct {
	Location *model.Location
	// Directive is the proxy_pass (possibly inside an "if" block).
	Directive *model.Directive
	// Target is the URL that identified Grafana (variables substituted).
	Target string
	// Upstream is the upstream block the target names, if any.
	Upstream *model.Upstream
	// Reason says why, e.g. `upstream "grafana_service" is named like
	// Grafana`; Pos is the value it rests on (proxy_pass argument, set
	// value or upstream server).
	Reason string
	Pos    model.Pos
}

// FrontsGrafana reports whether srv proxies to Grafana and returns the
// first location (in file order, nested ones after their parent) that
// does. A target is Grafana when its host or upstream name contains
// "grafana", equals a hint host, or its port (or an upstream server's) is
// 3000 or a hint port. Variables in proxy_pass are resolved through
// literal "set" values in the location or server and through map values.
func FrontsGrafana(cfg *model.NginxConfig, srv *model.Server, hints GrafanaHints) (*model.Location, bool) {
	ps := New(cfg).GrafanaProxies(srv, hints)
	if len(ps) == 0 {
		return nil, false
	}
	return ps[0].Location, true
}

// GrafanaProxies returns every location of srv that proxies to Grafana,
// in file order, with the evidence.
func (c *Config) GrafanaProxies(srv *model.Server, hints GrafanaHints) []GrafanaProxy {
	if srv == nil {
		return nil
	}
	var out []GrafanaProxy
	var visit func(locs []*model.Location)
	visit = func(locs []*model.Location) {
		for _, l := range locs {
			if g, ok := c.grafanaProxy(l, hints); ok {
				out = append(out, g)
			}
			visit(l.Nested)
		}
	}
	var top []*model.Location
	for _, l := range srv.Locations {
		if l.Parent == nil {
			top = append(top, l)
		}
	}
	visit(top)
	return out
}

func (c *Config) grafanaProxy(loc *model.Location, hints GrafanaHints) (GrafanaProxy, bool) {
	var passes []*model.Directive
	for _, d := range children(loc.Directive) {
		switch d.Name.V {
		case "proxy_pass":
			passes = append(passes, d)
		case "if", "limit_except":
			for _, cd := range d.Block {
				if cd.Name.V == "proxy_pass" {
					passes = append(passes, cd)
				}
			}
		}
	}
	for _, d := range passes {
		if len(d.Args) == 0 {
			continue
		}
		for _, cand := range c.candidates(loc, PassArg(d)) {
			u, err := ParseProxyURL(cand.url)
			if err != nil {
				continue
			}
			g := GrafanaProxy{Location: loc, Directive: d, Target: cand.url, Pos: cand.pos}
			if u.Unix == "" {
				g.Upstream = c.upstream(u.Host, loc.Server)
			}
			if reason, pos, ok := grafanaEvidence(u, g.Upstream, hints); ok {
				g.Reason = reason
				if pos.IsValid() {
					g.Pos = pos
				}
				return g, true
			}
		}
	}
	return GrafanaProxy{}, false
}

type candidate struct {
	url string
	pos model.Pos // where the deciding value is written
}

// candidates returns the URLs a proxy_pass argument may evaluate to, with
// variables replaced by literal values from set (location, its "if"
// blocks, the server) or map entries. Unresolvable variables yield no
// candidate. At most 32 are returned.
func (c *Config) candidates(loc *model.Location, raw model.Str) []candidate {
	refs := scanRefs(raw.V)
	if len(refs) == 0 {
		return []candidate{{url: raw.V, pos: raw.Pos}}
	}
	out := []candidate{{pos: raw.Pos}}
	last := 0
	for _, r := range refs {
		vals := c.values(loc, r.name)
		if len(vals) == 0 {
			return nil
		}
		var next []candidate
		for _, o := range out {
			for _, v := range vals {
				if len(next) >= 32 {
					break
				}
				pos := o.pos
				if pos == raw.Pos {
					pos = v.pos
				}
				next = append(next, candidate{url: o.url + raw.V[last:r.start] + v.url, pos: pos})
			}
		}
		out = next
		last = r.end
	}
	for i := range out {
		out[i].url += raw.V[last:]
	}
	return out
}

// values returns the literal values variable name may hold in loc.
func (c *Config) values(loc *model.Location, name string) []candidate {
	key := strings.ToLower(name)
	var out []candidate
	addSets := func(ds []*model.Directive) {
		for _, d := range ds {
			if d.Name.V == "if" {
				for _, cd := range d.Block {
					if cd.Name.V == "set" && len(cd.Args) > 1 && normalizeVarName(cd.Args[0].V) == key && !strings.Contains(cd.Args[1].V, "$") {
						out = append(out, candidate{url: cd.Args[1].V, pos: cd.Args[1].Pos})
					}
				}
			}
			if d.Name.V == "set" && len(d.Args) > 1 && normalizeVarName(d.Args[0].V) == key && !strings.Contains(d.Args[1].V, "$") {
				out = append(out, candidate{url: d.Args[1].V, pos: d.Args[1].Pos})
			}
		}
	}
	addSets(c.rewriteDirectives(loc.Directive))
	if len(out) == 0 && loc.Server != nil {
		addSets(c.rewriteDirectives(loc.Server.Directive))
	}
	if len(out) > 0 {
		return out
	}
	return c.mapValues(key)
}

// mapValues returns the literal values of the map blocks that define
// variable key, computed once per variable (a map of thousands of entries
// is read once, not once per location that proxies through it). The
// result must not be modified.
func (c *Config) mapValues(key string) []candidate {
	if out, ok := c.mapCands[key]; ok {
		return out
	}
	var out []candidate
	for _, defs := range c.Variables().Definitions()[key] {
		if defs.Kind != DefMap {
			continue
		}
		for _, e := range defs.Directive.Block {
			for _, a := range e.Args {
				if !strings.Contains(a.V, "$") {
					out = append(out, candidate{url: a.V, pos: a.Pos})
				}
			}
		}
	}
	if c.mapCands == nil {
		c.mapCands = map[string][]candidate{}
	}
	c.mapCands[key] = out
	return out
}

// grafanaEvidence decides whether a parsed target is Grafana.
func grafanaEvidence(u ProxyURL, up *model.Upstream, hints GrafanaHints) (string, model.Pos, bool) {
	if up != nil {
		if strings.Contains(strings.ToLower(up.Name.V), "grafana") {
			return fmt.Sprintf("upstream %q is named like Grafana", up.Name.V), up.Name.Pos, true
		}
		if hostIsHint(up.Name.V, 0, hints.Hosts) {
			return fmt.Sprintf("upstream %q is a configured Grafana name", up.Name.V), up.Name.Pos, true
		}
		for _, s := range up.Servers {
			host, port := splitHostPort(s.V)
			if reason, ok := hostPortEvidence(host, port, hints); ok {
				return fmt.Sprintf("upstream %q has server %q: %s", up.Name.V, s.V, reason), s.Pos, true
			}
		}
		return "", model.Pos{}, false
	}
	port := 0
	if u.PortSet {
		port = u.Port
	}
	if reason, ok := hostPortEvidence(u.Host, port, hints); ok {
		return reason, model.Pos{}, true
	}
	return "", model.Pos{}, false
}

func hostPortEvidence(host string, port int, hints GrafanaHints) (string, bool) {
	switch {
	case hostIsHint(host, port, hints.Hosts):
		return fmt.Sprintf("host %q is a configured Grafana address", host), true
	case hostIsHint(host, port, hints.Others):
		return "", false // compose says it is another application
	case strings.Contains(strings.ToLower(host), "grafana"):
		return fmt.Sprintf("host %q is named like Grafana", host), true
	case hints.HostPortsKnown && port != 0 && LoopbackOrHostGateway(host) && !slices.Contains(hints.HostPorts, port):
		return "", false // Grafana is not published on that port of the host
	case port == GrafanaPort:
		return fmt.Sprintf("port %d is Grafana's default", port), true
	}
	for _, p := range hints.Ports {
		if port != 0 && port == p {
			return fmt.Sprintf("port %d is the configured Grafana port", port), true
		}
	}
	return "", false
}

// IsGrafana reports whether a proxy target "host[:port]" is Grafana by
// the same evidence GrafanaProxies uses (upstream blocks aside).
func IsGrafana(hostport string, hints GrafanaHints) bool {
	host, port := splitHostPort(hostport)
	_, ok := hostPortEvidence(host, port, hints)
	return ok
}

// LoopbackOrHostGateway reports whether host names the machine nginx
// runs on or, from a container, Docker's host: where published ports
// are reached.
func LoopbackOrHostGateway(host string) bool {
	switch strings.ToLower(strings.Trim(host, "[]")) {
	case "localhost", "127.0.0.1", "::1", "host.docker.internal", "gateway.docker.internal", "172.17.0.1", "0.0.0.0":
		return true
	}
	return strings.HasPrefix(host, "127.")
}

// hostIsHint reports whether host, or host:port, is one of names.
func hostIsHint(host string, port int, names []string) bool {
	for _, h := range names {
		if strings.EqualFold(h, host) {
			return true
		}
		if port != 0 && strings.EqualFold(h, net.JoinHostPort(host, strconv.Itoa(port))) {
			return true
		}
	}
	return false
}

// splitHostPort splits an upstream server address ("grafana:3000",
// "[::1]:3000", "unix:/sock"); port is 0 when absent.
func splitHostPort(s string) (string, int) {
	if strings.HasPrefix(s, "unix:") {
		return s, 0
	}
	if h, p, err := net.SplitHostPort(s); err == nil {
		n, _ := strconv.Atoi(p)
		return h, n
	}
	return strings.Trim(s, "[]"), 0
}

// Origin is a public origin a server answers on.
type Origin struct {
	// Scheme is "https" for a listen with ssl (or quic), else "http".
	Scheme string
	// Host is the server_name as written (wildcards kept, e.g.
	// "*.example.com"); "" when the server has no usable name.
	Host string
	// Placeholder is set when Host is a template placeholder rather than
	// a host name ("[your domain]", "<host>", "{{ domain }}",
	// "${DOMAIN}"): the real name is filled in at deploy time.
	Placeholder bool
	// Port is the port browsers use; ListenPort the one nginx listens on.
	// PublicOrigins sets both to the listen port; a caller that knows a
	// port mapping (compose "ports:") changes Port.
	Port       int
	ListenPort int
	// HostPos is the server_name value, ListenPos the listen address (the
	// server block for the implicit "listen 80", ImplicitListen).
	HostPos        model.Pos
	ListenPos      model.Pos
	ImplicitListen bool
}

// DefaultPort reports whether Port is the scheme's default (80, 443).
func (o Origin) DefaultPort() bool {
	return o.Scheme == "http" && o.Port == 80 || o.Scheme == "https" && o.Port == 443
}

// String formats the origin as a browser sends it in Origin:
// "https://grafana.example.com" (with ":port" when not the default).
func (o Origin) String() string {
	if o.DefaultPort() {
		return o.Scheme + "://" + o.Host
	}
	return o.Scheme + "://" + net.JoinHostPort(o.Host, strconv.Itoa(o.Port))
}

// PublicOrigins returns the origins srv answers on: each server_name
// (skipping "_", "", regex names and $hostname) combined with each
// distinct listen scheme and port (ssl → https; no listen → port 80).
// A server without a usable name yields origins with an empty Host.
func PublicOrigins(srv *model.Server) []Origin {
	if srv == nil {
		return nil
	}
	type sp struct {
		scheme string
		port   int
	}
	var ports []sp
	var listenPos []model.Pos
	var implicit []bool
	seen := map[sp]bool{}
	for _, l := range srv.Listen {
		if l.Port <= 0 {
			continue
		}
		k := sp{"http", l.Port}
		if l.SSL {
			k.scheme = "https"
		}
		if seen[k] {
			continue
		}
		seen[k] = true
		ports = append(ports, k)
		listenPos = append(listenPos, l.Pos)
		implicit = append(implicit, l.Implicit)
	}
	if len(srv.Listen) == 0 {
		ports = append(ports, sp{"http", 80})
		listenPos = append(listenPos, srv.Pos)
		implicit = append(implicit, true)
	}
	var names []model.Str
	for _, n := range srv.ServerNames {
		v := n.V
		if v == "" || v == "_" || strings.HasPrefix(v, "~") || v == "$hostname" {
			continue
		}
		names = append(names, n)
	}
	if len(names) == 0 {
		names = []model.Str{{}}
	}
	var out []Origin
	for _, n := range names {
		ph := PlaceholderName(n.V)
		for i, p := range ports {
			out = append(out, Origin{Scheme: p.scheme, Host: n.V, Placeholder: ph, Port: p.port, ListenPort: p.port,
				HostPos: n.Pos, ListenPos: listenPos[i], ImplicitListen: implicit[i]})
		}
	}
	return out
}

// PlaceholderName reports whether a server_name word is a template
// placeholder rather than a host name: "{{ domain }}", "{% … %}",
// "${DOMAIN}", "<host>", or a bracketed text such as "[your domain]"
// (which nginx reads as the two words "[your" and "domain]"). A bracketed
// IPv6 address ("[::1]") is a host name.
func PlaceholderName(v string) bool {
	if strings.Contains(v, "{{") || strings.Contains(v, "}}") || strings.Contains(v, "{%") ||
		strings.Contains(v, "${") || strings.ContainsAny(v, "<>") {
		return true
	}
	if !strings.ContainsAny(v, "[]") {
		return false
	}
	if strings.HasPrefix(v, "[") && strings.HasSuffix(v, "]") {
		inner := v[1 : len(v)-1]
		return strings.Trim(inner, "0123456789abcdefABCDEF:.") != ""
	}
	return true
}
