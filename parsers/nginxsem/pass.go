package nginxsem

import (
	"errors"
	"fmt"
	"net"
	"strconv"
	"strings"

	"github.com/grafanalint/grafanalint/parsers/model"
)

// ProxyURL is a proxy_pass argument taken apart the way nginx does
// (ngx_parse_url with a URI part).
type ProxyURL struct {
	// Scheme is "http" or "https".
	Scheme string
	// Host is the host name, address or upstream name ("localhost" for a
	// UNIX socket).
	Host string
	// Port is the explicit port, or the scheme's default when PortSet is
	// false.
	Port    int
	PortSet bool
	// Unix is the socket path of "http://unix:/path:/uri".
	Unix string
	// URIPart is the URI written after the host ("/", "/grafana/", …).
	URIPart    string
	HasURIPart bool
}

// HostPort returns "host:port" as nginx's $proxy_host shows it (the port
// only when it differs from the scheme's default).
func (u ProxyURL) HostPort() string {
	def := 80
	if u.Scheme == "https" {
		def = 443
	}
	if !u.PortSet || u.Port == def {
		return u.Host
	}
	return net.JoinHostPort(u.Host, strconv.Itoa(u.Port))
}

// ParseProxyURL parses a proxy_pass URL without variables as nginx does:
// http:// or https://, a host (an upstream name, a name or an address,
// IPv6 in brackets) or unix:/socket, an optional port and URI part.
func ParseProxyURL(s string) (ProxyURL, error) {
	var u ProxyURL
	lower := strings.ToLower(s)
	switch {
	case strings.HasPrefix(lower, "http://"):
		u.Scheme, u.Port = "http", 80
		s = s[7:]
	case strings.HasPrefix(lower, "https://"):
		u.Scheme, u.Port = "https", 443
		s = s[8:]
	default:
		return u, fmt.Errorf("invalid URL prefix in %q: proxy_pass needs http:// or https://", s)
	}
	if rest, ok := strings.CutPrefix(s, "unix:"); ok {
		u.Host = "localhost"
		if i := strings.Index(rest, ":"); i >= 0 {
			u.Unix = rest[:i]
			u.URIPart = rest[i+1:]
			u.HasURIPart = u.URIPart != ""
		} else {
			u.Unix = rest
		}
		if u.Unix == "" {
			return u, fmt.Errorf("no path in the unix domain socket of %q", s)
		}
		return u, nil
	}
	hostport := s
	if i := strings.IndexAny(s, "/?"); i >= 0 {
		hostport = s[:i]
		u.URIPart = s[i:]
		if strings.HasPrefix(u.URIPart, "?") {
			u.URIPart = "/" + u.URIPart
		}
		u.HasURIPart = true
	}
	if hostport == "" {
		return u, fmt.Errorf("no host in proxy_pass %q", s)
	}
	host, port := hostport, ""
	if strings.HasPrefix(hostport, "[") {
		end := strings.Index(hostport, "]")
		if end < 0 {
			return u, fmt.Errorf("invalid IPv6 address in %q", hostport)
		}
		host = hostport[1:end]
		if rest := hostport[end+1:]; rest != "" {
			if !strings.HasPrefix(rest, ":") {
				return u, fmt.Errorf("invalid host in %q", hostport)
			}
			port = rest[1:]
		}
	} else if i := strings.LastIndex(hostport, ":"); i >= 0 {
		host, port = hostport[:i], hostport[i+1:]
	}
	if port != "" || strings.HasSuffix(hostport, ":") {
		n, err := strconv.Atoi(port)
		if err != nil || n < 1 || n > 65535 {
			return u, fmt.Errorf("invalid port %q in %q", port, hostport)
		}
		u.Port, u.PortSet = n, true
	}
	if host == "" {
		return u, fmt.Errorf("no host in proxy_pass %q", s)
	}
	u.Host = host
	return u, nil
}

// PassArg returns the URL argument of a proxy_pass (or other *_pass)
// directive. A template placeholder with spaces ("http://<host IP
// address>:3000/grafana/") splits into several words that nginx would
// reject; they are joined back into the one URL the template means, so
// the target's port and URI part can be read.
func PassArg(d *model.Directive) model.Str {
	if len(d.Args) == 0 {
		return model.Str{}
	}
	a := d.Args[0]
	if len(d.Args) == 1 {
		return a
	}
	words := make([]string, len(d.Args))
	for i, w := range d.Args {
		words[i] = w.V
	}
	joined := strings.Join(words, " ")
	open, end := strings.Index(joined, "<"), strings.Index(joined, ">")
	if open < 0 || end < open || open >= len(a.V) {
		return a
	}
	a.V = joined
	a.End = d.Args[len(d.Args)-1].End
	return a
}

// Target is where a proxy_pass sends requests.
type Target struct {
	// Directive is the proxy_pass; Raw its argument as written.
	Directive *model.Directive
	Raw       model.Str
	// Variables are the variables in Raw, with positions.
	Variables []model.Str
	// URL is Raw with its variables substituted, when all are known
	// (equal to Raw.V without variables).
	URL   string
	Known bool
	// Parsed is URL taken apart (valid when Known and Err is nil).
	Parsed ProxyURL
	Err    error
	// Upstream is the upstream block Parsed.Host names, when one exists.
	Upstream *model.Upstream
	// SetBy are the "set" directives whose literal values were
	// substituted.
	SetBy []*model.Directive
}

// Pass is what one location does with a request: the rewrites that
// matched, a return, or the handler and, for proxy_pass, the URI sent
// upstream.
type Pass struct {
	Location *model.Location
	// RequestURI is the request target as given (path and query).
	RequestURI string
	// URI is $uri at the content phase (after rewrites), Args the query.
	URI  string
	Args string
	// Rewrites are the rewrite directives that matched, in order.
	Rewrites []Rewrite
	// Return is set when a return or redirecting rewrite answers.
	Return *Return
	// Relocate is set when a rewrite without break changed the URI, or
	// try_files fell back to a URI: nginx searches the locations again
	// for URI (Follow does that).
	Relocate bool
	// TryFiles is the location's try_files when it decided the request:
	// no file it lists exists (see Config.Upstream), so nginx went on with
	// its last parameter: the named location Named, a new location search
	// (Relocate), or the status in Return.
	TryFiles *model.Directive
	// Named is the named location ("@grafana") try_files handed the
	// request to; Follow continues there.
	Named string
	// Handler is the content handler: "proxy", "grpc", "fastcgi",
	// "uwsgi", "scgi", "memcached", "js", "perl", "stub_status",
	// "empty_gif", or "static" (files from root/alias).
	Handler string
	// HandlerDirective is the directive that installs Handler.
	HandlerDirective *model.Directive
	// Target is the proxy_pass target (nil unless Handler is "proxy").
	Target *Target
	// UpstreamURI is the request target nginx sends upstream (path and
	// query); valid when Known.
	UpstreamURI string
	Known       bool
	// Dynamic is true when proxy_pass uses variables whose values are not
	// known statically, so UpstreamURI is unknown; DynamicVar names the
	// first such variable.
	Dynamic    bool
	DynamicVar model.Str
	// Unknown explains why UpstreamURI is not known (dynamic variables, an
	// unevaluable regex, nginx rejecting the configuration).
	Unknown    string
	UnknownPos model.Pos
	// Notes are things that may change the answer: unevaluated "if"
	// blocks, try_files that may serve a file first, an ignored URI part.
	Notes []Note
	// Problems are configuration errors nginx reports at start.
	Problems []Note
	// Unevaluated lists regexes Go cannot evaluate.
	Unevaluated []Unevaluated
}

// Upstream returns what loc does with requestURI: the rewrites that match,
// a return, or the handler and, for proxy_pass, the URI sent upstream.
// It assumes loc was chosen for requestURI (use Select, or Follow which
// also runs the server-level rewrites and follows "rewrite … last").
// Server-level "set" values are known. Upstream blocks are found in the
// http block around the server; use New(cfg).Upstream for servers read
// from a conf.d snippet.
//
// proxy_pass rules (ngx_http_proxy_create_request):
//   - with a URI part ("http://g:3000/"): the part of the URI matched by
//     the location prefix is replaced by it (location /api/live +
//     proxy_pass http://g:3000/ sends /api/live/ws as //ws);
//   - without one: the request URI is passed as the client sent it;
//   - after "rewrite … break": the rewritten URI is passed and the URI
//     part is ignored;
//   - with variables: the evaluated URL's URI part is sent as is (without
//     the query), or the request URI when it has none; when a variable's
//     value is not known, the result is Dynamic;
//   - a URI part in a regex or named location, or inside "if", is a
//     configuration error (Problems).
func Upstream(loc *model.Location, requestURI string) (*Pass, error) {
	return (*Config)(nil).Upstream(loc, requestURI)
}

// Upstream is the package-level Upstream with upstream blocks looked up
// in the whole configuration.
func (c *Config) Upstream(loc *model.Location, requestURI string) (*Pass, error) {
	if loc == nil {
		return nil, errors.New("upstream: no location")
	}
	st, err := newRequest(requestURI, c.mergeSlashes(loc.Server))
	if err != nil {
		return nil, err
	}
	// Server-level set values (the server rewrite phase runs first).
	if loc.Server != nil {
		for _, d := range c.named(loc.Server.Directive, "set") {
			if len(d.Args) >= 2 {
				v, unk := evalValue(d.Args[1], st)
				st.vars[normalizeVarName(d.Args[0].V)] = varValue{v: v, known: unk == nil, from: d}
			}
		}
	}
	if err := locationMatches(loc, st); err != nil {
		return nil, err
	}
	return c.process(loc, st, requestURI), nil
}

// locationMatches checks that loc can serve st.uri and sets the captures
// of its regex (or of the nearest enclosing regex location).
func locationMatches(loc *model.Location, st *request) error {
	if isNamed(loc) {
		return nil
	}
	for l := loc; l != nil; l = l.Parent {
		if isRegex(l) {
			v, c, _ := regexMatch(l.Path.V, l.Modifier == "~*", st.uri)
			switch v {
			case verdictUnknown:
				return nil // unknown: the caller chose it
			case verdictMatch:
				st.captures = c
				return nil
			}
			if l == loc {
				return fmt.Errorf("location %s at %s does not match URI %q", describeLocation(loc), loc.Pos, st.uri)
			}
			return nil
		}
	}
	switch loc.Modifier {
	case "=":
		if loc.Path.V != st.uri {
			return fmt.Errorf("location %s at %s does not match URI %q", describeLocation(loc), loc.Pos, st.uri)
		}
	case "", "^~":
		if !strings.HasPrefix(st.uri, loc.Path.V) {
			return fmt.Errorf("location %s at %s does not match URI %q", describeLocation(loc), loc.Pos, st.uri)
		}
	}
	return nil
}

func (c *Config) mergeSlashes(srv *model.Server) bool {
	if srv == nil {
		return true
	}
	v := c.EffectiveServer(srv, "merge_slashes")
	return !v.Set() || !strings.EqualFold(argV(v.Last(), 0), "off")
}

// process runs loc's rewrite phase and content handler for st.
func (c *Config) process(loc *model.Location, st *request, requestURI string) *Pass {
	p := &Pass{Location: loc, RequestURI: requestURI}
	res := runRewritePhase(c.rewriteDirectives(loc.Directive), st, false)
	p.Rewrites = res.rewrites
	p.Notes = append(p.Notes, res.notes...)
	p.Problems = append(p.Problems, res.problems...)
	p.Unevaluated = append(p.Unevaluated, res.unevaluated...)
	p.URI, p.Args = st.uri, st.args
	if res.ret != nil {
		p.Return = res.ret
		return p
	}
	if res.unknown != "" {
		p.Unknown, p.UnknownPos = res.unknown, res.unknownPos
		c.findHandler(loc, p)
		return p
	}
	if res.uriChanged {
		p.Relocate = true
		return p
	}
	if d := tryFiles(loc); d != nil && c.tryFiles(d, st, p) {
		return p
	}
	c.findHandler(loc, p)
	if p.Handler != "proxy" {
		return p
	}
	c.mapProxy(loc, st, p)
	return p
}

var handlers = map[string]string{
	"proxy_pass": "proxy", "grpc_pass": "grpc", "fastcgi_pass": "fastcgi",
	"uwsgi_pass": "uwsgi", "scgi_pass": "scgi", "memcached_pass": "memcached",
	"js_content": "js", "perl": "perl", "stub_status": "stub_status",
	"empty_gif": "empty_gif", "flv": "flv", "mp4": "mp4", "hls": "hls",
}

func (c *Config) findHandler(loc *model.Location, p *Pass) {
	p.Handler = "static"
	for _, d := range children(loc.Directive) {
		if h, ok := handlers[d.Name.V]; ok && p.HandlerDirective == nil {
			p.Handler, p.HandlerDirective = h, d
		}
	}
	if p.Handler == "proxy" {
		p.Target = c.target(p.HandlerDirective, loc.Server, nil)
	}
}

// target parses a proxy_pass directive; st (may be nil) supplies known
// variable values.
func (c *Config) target(d *model.Directive, srv *model.Server, st *request) *Target {
	t := &Target{Directive: d}
	if len(d.Args) == 0 {
		t.Err = errors.New("proxy_pass needs a URL")
		return t
	}
	t.Raw = PassArg(d)
	t.Variables = varRefs(t.Raw)
	if len(t.Variables) == 0 {
		t.URL, t.Known = t.Raw.V, true
	} else if st != nil {
		if v, unk := evalValue(t.Raw, st); unk == nil {
			t.URL, t.Known = v, true
			for _, r := range t.Variables {
				if vv, ok := st.vars[strings.ToLower(r.V)]; ok && vv.from != nil {
					t.SetBy = append(t.SetBy, vv.from)
				}
			}
		}
	}
	if t.Known {
		t.Parsed, t.Err = ParseProxyURL(t.URL)
		// A static proxy_pass names an upstream block by host (with a
		// port it is a configuration error, reported by mapProxy); an
		// evaluated one finds the block only without a port.
		if t.Err == nil && t.Parsed.Unix == "" && (len(t.Variables) == 0 || !t.Parsed.PortSet) {
			t.Upstream = c.upstream(t.Parsed.Host, srv)
		}
	}
	return t
}

// mapProxy computes the URI proxy_pass sends upstream.
func (c *Config) mapProxy(loc *model.Location, st *request, p *Pass) {
	d := p.HandlerDirective
	p.Target = c.target(d, loc.Server, st)
	t := p.Target
	args := ""
	if st.args != "" {
		args = "?" + st.args
	}
	current := func() string {
		u := st.uri
		if st.quoted || st.internal {
			u = escapeURI(u)
		}
		return u + args
	}
	if len(t.Variables) > 0 {
		if !t.Known {
			_, unk := evalValue(t.Raw, st)
			p.Dynamic = true
			p.DynamicVar = *unk
			p.Unknown = fmt.Sprintf("proxy_pass %q uses $%s, whose value is not known statically", t.Raw.V, unk.V)
			p.UnknownPos = unk.Pos
			return
		}
		if t.Err != nil {
			p.Unknown, p.UnknownPos = t.Err.Error(), t.Raw.Pos
			return
		}
		switch {
		case t.Parsed.HasURIPart:
			p.UpstreamURI = t.Parsed.URIPart // sent as is, without the query
		case st.validUnparsed:
			p.UpstreamURI = st.requestURI
		default:
			p.UpstreamURI = current()
		}
		p.Known = true
		return
	}
	if t.Err != nil {
		p.Problems = append(p.Problems, Note{Pos: t.Raw.Pos, Directive: d, Message: t.Err.Error()})
		p.Unknown, p.UnknownPos = "nginx rejects this proxy_pass: "+t.Err.Error(), t.Raw.Pos
		return
	}
	if t.Upstream != nil && t.Parsed.PortSet {
		p.Problems = append(p.Problems, Note{Pos: t.Raw.Pos, Directive: d,
			Message: fmt.Sprintf("upstream %q may not have port %d: nginx refuses to start; drop the port (the upstream block at %s lists the servers)", t.Parsed.Host, t.Parsed.Port, t.Upstream.Directive.Pos())})
	}
	if t.Parsed.HasURIPart && (isRegex(loc) || isNamed(loc)) {
		kind := "a regex location"
		if isNamed(loc) {
			kind = "a named location"
		}
		p.Problems = append(p.Problems, Note{Pos: t.Raw.Pos, Directive: d,
			Message: fmt.Sprintf("proxy_pass %q has a URI part in %s; nginx rejects it (\"proxy_pass\" cannot have URI part in location given by regular expression, or inside named location): drop the URI part or use rewrite … break", t.Raw.V, kind)})
		p.Unknown, p.UnknownPos = "nginx rejects a URI part in proxy_pass here", t.Raw.Pos
		return
	}
	switch {
	case !st.validLocation:
		if t.Parsed.HasURIPart {
			p.Notes = append(p.Notes, Note{Pos: t.Raw.Pos, Directive: d,
				Message: fmt.Sprintf("the URI part %q of proxy_pass is ignored: after rewrite … break nginx passes the rewritten URI", t.Parsed.URIPart)})
		}
		p.UpstreamURI = current()
	case t.Parsed.HasURIPart:
		rest := ""
		if len(loc.Path.V) <= len(st.uri) && strings.HasPrefix(st.uri, loc.Path.V) {
			rest = st.uri[len(loc.Path.V):]
		} else if !isNamed(loc) {
			p.Unknown, p.UnknownPos = fmt.Sprintf("URI %q does not start with the location prefix %q", st.uri, loc.Path.V), loc.Path.Pos
			return
		}
		if st.quoted || st.internal {
			rest = escapeURI(rest)
		}
		p.UpstreamURI = t.Parsed.URIPart + rest + args
	case st.validUnparsed:
		p.UpstreamURI = st.requestURI
	default:
		p.UpstreamURI = current()
	}
	p.Known = true
}

// Route is the whole journey of a request URI through a server: the
// server-level rewrites, each location search, the location's rewrites and
// handler.
type Route struct {
	Server     *model.Server
	RequestURI string
	// ServerRewrites are the server-level rewrites that matched.
	ServerRewrites []Rewrite
	// Return is set when nginx answers itself: a server-level return or
	// redirect, an auto-redirect 301, a location's return, or 404 for a
	// client request to an "internal" location.
	Return *Return
	// Matches are the location searches, in order (more than one after
	// "rewrite … last" or a rewrite without flag).
	Matches []*Match
	// Pass is what the final location does (nil when the server answered
	// or no location matches). After try_files handed the request to a
	// named location, Pass is the named location's.
	Pass *Pass
	// TriedFiles are the passes whose try_files handed the request to a
	// named location, in order (empty when none did).
	TriedFiles []*Pass
	// Notes, Problems and Unevaluated gather those of every step.
	Notes       []Note
	Problems    []Note
	Unevaluated []Unevaluated
	// Unknown explains why the route could not be followed to the end.
	Unknown string
}

// Match returns the last location search, nil when none ran.
func (r *Route) Match() *Match {
	if r == nil || len(r.Matches) == 0 {
		return nil
	}
	return r.Matches[len(r.Matches)-1]
}

// Location returns the location that finally handles the request.
func (r *Route) Location() *model.Location {
	if r.Pass != nil {
		return r.Pass.Location
	}
	return r.Match().Location()
}

// maxURIChanges is NGX_HTTP_MAX_URI_CHANGES: nginx answers 500 on the
// 11th location search ("rewrite or internal redirection cycle").
const maxURIChanges = 10

// Follow follows requestURI through srv as nginx does: server-level
// rewrite directives, location search (Select), the location's rewrite
// directives (searching again after a URI change without break, at most
// ten times), then the content handler (see Upstream for proxy_pass).
func Follow(srv *model.Server, requestURI string) (*Route, error) {
	return (*Config)(nil).Follow(srv, requestURI)
}

// Follow is the package-level Follow with upstream blocks looked up in the
// whole configuration.
func (c *Config) Follow(srv *model.Server, requestURI string) (*Route, error) {
	if srv == nil {
		return nil, errors.New("route: no server")
	}
	st, err := newRequest(requestURI, c.mergeSlashes(srv))
	if err != nil {
		return nil, err
	}
	r := &Route{Server: srv, RequestURI: requestURI}
	res := runRewritePhase(c.rewriteDirectives(srv.Directive), st, true)
	r.ServerRewrites = res.rewrites
	r.Notes = append(r.Notes, res.notes...)
	r.Problems = append(r.Problems, res.problems...)
	r.Unevaluated = append(r.Unevaluated, res.unevaluated...)
	if res.ret != nil {
		r.Return = res.ret
		return r, nil
	}
	if res.unknown != "" {
		r.Unknown = res.unknown
		return r, nil
	}
	for i := 0; ; i++ {
		if i > maxURIChanges {
			r.Problems = append(r.Problems, Note{Message: fmt.Sprintf("rewrite or internal redirection cycle while processing %q: nginx answers 500", st.uri)})
			r.Return = &Return{Code: 500}
			return r, nil
		}
		m := c.selectPath(srv, st.uri, st.args)
		r.Matches = append(r.Matches, m)
		r.Unevaluated = append(r.Unevaluated, m.Unevaluated...)
		if m.Redirect != nil {
			// ngx_http_core_find_config_phase: Location is the
			// location's name, plus the query.
			u := m.Redirect.Path.V
			if st.args != "" {
				u += "?" + st.args
			}
			r.Return = &Return{Code: 301, URL: u}
			return r, nil
		}
		loc := m.Location()
		if loc == nil {
			r.Notes = append(r.Notes, Note{Pos: srv.Pos, Message: fmt.Sprintf("no location matches %q; the server's own settings serve it", st.uri)})
			return r, nil
		}
		if d := internalDirective(loc); d != nil && !st.internal {
			r.Notes = append(r.Notes, Note{Pos: d.Pos(), Directive: d,
				Message: fmt.Sprintf("location %s is internal: nginx answers 404 to a client request for %q", describeLocation(loc), st.uri)})
			r.Return = &Return{Directive: d, Code: 404}
			return r, nil
		}
		if m.Captures != nil {
			st.captures = m.Captures
		}
		p := c.process(loc, st, requestURI)
		r.Notes = append(r.Notes, p.Notes...)
		r.Problems = append(r.Problems, p.Problems...)
		r.Unevaluated = append(r.Unevaluated, p.Unevaluated...)
		if p.Relocate {
			continue
		}
		for hops := 0; p.Named != "" && p.Return == nil && p.Unknown == ""; hops++ {
			// ngx_http_named_location: the URI stays, the named
			// location's rewrite phase and handler run.
			named := c.namedLocation(srv, p.Named)
			if named == nil || hops > maxURIChanges {
				msg := fmt.Sprintf("named location %q does not exist in this server: nginx answers 500", p.Named)
				if named != nil {
					msg = "rewrite or internal redirection cycle through named locations: nginx answers 500"
				}
				r.Problems = append(r.Problems, Note{Pos: p.TryFiles.Pos(), Directive: p.TryFiles, Message: msg})
				r.Pass = p
				r.Return = &Return{Directive: p.TryFiles, Code: 500}
				return r, nil
			}
			r.TriedFiles = append(r.TriedFiles, p)
			p = c.process(named, st, requestURI)
			r.Notes = append(r.Notes, p.Notes...)
			r.Problems = append(r.Problems, p.Problems...)
			r.Unevaluated = append(r.Unevaluated, p.Unevaluated...)
		}
		if p.Relocate {
			continue
		}
		r.Pass = p
		if p.Return != nil {
			r.Return = p.Return
		}
		if p.Unknown != "" && !p.Known {
			r.Unknown = p.Unknown
		}
		return r, nil
	}
}

// internalDirective returns loc's "internal" directive, nil if none.
func internalDirective(loc *model.Location) *model.Directive {
	for _, d := range children(loc.Directive) {
		if d.Name.V == "internal" {
			return d
		}
	}
	return nil
}

// tryFiles returns loc's own try_files directive (it is not inherited
// from the server level), nil when it has none.
func tryFiles(loc *model.Location) *model.Directive {
	var out *model.Directive
	for _, d := range children(loc.Directive) {
		if d.Name.V == "try_files" && len(d.Args) >= 2 {
			out = d
		}
	}
	return out
}

// tryFiles runs the try_files phase (ngx_http_try_files_handler) for st:
// it reports whether try_files decided the request (p then says how).
//
// The files a request could match are not in the repository, so the
// linter assumes none exists when every parameter but the last names the
// request's own path ($uri, $uri/, $uri.html, …) and that path is not a
// directory (it does not end in "/"): Grafana's paths (/api/live/ws,
// /login) are not files under an nginx root. A URI that is itself the
// fallback of an earlier try_files names a file that exists (nginx
// requires the last parameter to), so it is served from disk. nginx then goes on with the
// last parameter: a named location ("@name"), a status ("=404"), or an
// internal redirect to a URI (whose query replaces the request's). When a
// parameter is a fixed path (a maintenance page) that may exist, or the
// request path ends in "/", the outcome is not known: Unknown says so.
func (c *Config) tryFiles(d *model.Directive, st *request, p *Pass) bool {
	last := d.Args[len(d.Args)-1]
	if st.fallback {
		// The URI is an earlier try_files' fallback: the file it names
		// exists (the SPA's /index.html), and $uri finds it.
		p.Notes = append(p.Notes, Note{Pos: d.Pos(), Directive: d,
			Message: fmt.Sprintf("try_files serves %q, the fallback of an earlier try_files, as a file (assumed to exist)", st.uri)})
		return false
	}
	for _, a := range d.Args[:len(d.Args)-1] {
		if !strings.Contains(strings.ToLower(a.V), "$uri") || strings.HasSuffix(st.uri, "/") {
			p.Unknown, p.UnknownPos = fmt.Sprintf("try_files may serve %q from disk before its last parameter %q", a.V, last.V), a.Pos
			p.Notes = append(p.Notes, Note{Pos: a.Pos, Directive: d, Message: p.Unknown})
			return true
		}
	}
	p.TryFiles = d
	p.Notes = append(p.Notes, Note{Pos: d.Pos(), Directive: d,
		Message: fmt.Sprintf("try_files finds no file for %q (assumed: nothing under the root is named like it) and goes on with %q", st.uri, last.V)})
	switch {
	case strings.HasPrefix(last.V, "@"):
		p.Named = last.V
	case strings.HasPrefix(last.V, "="):
		code, err := strconv.Atoi(last.V[1:])
		if err != nil {
			p.Problems = append(p.Problems, Note{Pos: last.Pos, Directive: d, Message: fmt.Sprintf("invalid code %q in try_files", last.V)})
			p.Unknown, p.UnknownPos = "try_files has an invalid code", last.Pos
			return true
		}
		p.Return = &Return{Directive: d, Code: code}
	default:
		v, unk := evalValue(last, st)
		if unk != nil {
			p.Unknown, p.UnknownPos = fmt.Sprintf("try_files falls back to %q, which uses $%s, whose value is not known statically", last.V, unk.V), unk.Pos
			return true
		}
		uri, args, _ := strings.Cut(v, "?")
		st.uri, st.args = uri, args
		st.internal = true
		st.validUnparsed = false
		st.fallback = true
		p.URI, p.Args = st.uri, st.args
		p.Relocate = true
	}
	return true
}

// namedLocation returns the named location of srv called name ("@x"),
// the first when several are.
func (c *Config) namedLocation(srv *model.Server, name string) *model.Location {
	if srv == nil {
		return nil
	}
	top := c.topLocations(srv)
	if c == nil || len(top) <= smallBlock {
		for _, l := range top {
			if isNamed(l) && l.Path.V == name {
				return l
			}
		}
		return nil
	}
	byName, ok := c.namedLocs[srv]
	if !ok {
		byName = map[string]*model.Location{}
		for _, l := range top {
			if _, dup := byName[l.Path.V]; !dup && isNamed(l) {
				byName[l.Path.V] = l
			}
		}
		if c.namedLocs == nil {
			c.namedLocs = map[*model.Server]map[string]*model.Location{}
		}
		c.namedLocs[srv] = byName
	}
	return byName[name]
}
