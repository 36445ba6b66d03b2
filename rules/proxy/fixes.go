package proxy

import (
	"fmt"
	"net"
	"strings"

	"github.com/grafanalint/grafanalint/parsers/model"
	"github.com/grafanalint/grafanalint/parsers/nginxsem"
	"github.com/grafanalint/grafanalint/rules"
	"github.com/grafanalint/grafanalint/rules/fix"
	"github.com/grafanalint/grafanalint/rules/proxy/fronting"
)

// The fixes of the Live location rules (proxy/missing-upgrade-header,
// proxy/missing-connection-header, proxy/http-version) and of
// proxy/undefined-variable for $connection_upgrade.
//
// What they write:
//   - the missing line goes into the location nginx chooses for the Live
//     path (in the file that location is written in): after its last
//     proxy_set_header or proxy_http_version line, else right after its
//     "{" line, else after its last directive (inline in a one-line
//     block), indented like the directive it follows;
//   - a proxy_set_header added to a location that has none of its own
//     would make nginx drop every outer one it inherits until now, so the
//     fix repeats them first (an include of Debian's proxy_params, or of
//     a file that holds only proxy_set_header lines, is repeated as the
//     include): the other headers Grafana gets stay as they are;
//   - Connection gets the variable of a map from $http_upgrade that
//     yields "upgrade" when the configuration has one; else
//     $connection_upgrade with the canonical map added to the http block
//     (before its first server, or the include that brings servers in);
//     else, when there is no http block in view (a conf.d or sites file
//     that an nginx.conf elsewhere includes), the name is taken, or the
//     configuration is partial, the literal "upgrade";
//   - the three rules' fixes of one location compose: each adds its own
//     line at the same place, and the repeated outer lines are one
//     identical edit the fixer applies once.
//
// Decisions about which findings get a fix (all the lines added are
// harmless for any other request through the location: $http_upgrade is
// empty and the map yields nginx's default "close" for ordinary requests,
// HTTP/1.1 changes nothing Grafana sees, and the repeated lines keep the
// other headers):
//   - a Live path the rules assumed (no root_url, or a placeholder in it)
//     gets the fix: if browsers use another path, the lines cost nothing;
//   - a location whose proxy_pass uses variables gets the fix when the
//     rules resolved it to Grafana (otherwise they report nothing);
//   - a location whose proxy_pass sits in an "if" block gets the fix in
//     the location itself: proxy_set_header and proxy_http_version are
//     not allowed inside "if", whose configuration inherits the
//     location's;
//   - no fix when the location's text is shared (an included file) by
//     locations that would need different lines, when the edited files
//     are read by several stacks (each may need other lines at the same
//     place), in a template whose tags may make lines conditional (a
//     Jinja or Go template; an envsubst *.template is plain nginx), when
//     no insertion point is certain (a directive and the
//     block's "}" share a line with other directives), and for wrong
//     values (`Upgrade websocket`, `Connection $http_upgrade`, a map that
//     yields something else): which value was meant is a judgement.

// liveLines is the repair of one Live location: where lines go and the
// outer proxy_set_header lines to repeat first.
type liveLines struct {
	loc *model.Location
	at  fix.Insertion
	// repeat is the text of the inherited proxy_set_header lines (empty
	// when the location has its own), n how many and from which level.
	repeat string
	n      int
	level  string
	// secret is set when a repeated line carries a credential (an
	// Authorization header): the fix is then never printed.
	secret bool
}

// sharedText reports whether another location of the stack's
// configurations is written at the same place as loc: a snippet of
// locations that several servers include.
func sharedText(a *fronting.Analysis, loc *model.Location) bool {
	if loc.Directive == nil {
		return false
	}
	shared := false
	a.WrittenAt(loc.Directive.Name.Pos, func(_ *fronting.Config, other *model.Location) bool {
		shared = other != loc
		return !shared
	})
	return shared
}

// liveRepair works out where lines go in the Live location of l; ok is
// false when no fix is certain there.
func liveRepair(c *rules.Context, a *fronting.Analysis, s *fronting.Server, l *fronting.Live) (*liveLines, bool) {
	return locationRepair(c, a, s, l.Location)
}

// locationRepair works out where lines go in a location of s; ok is false
// when no fix is certain there.
func locationRepair(c *rules.Context, a *fronting.Analysis, s *fronting.Server, loc *model.Location) (*liveLines, bool) {
	if loc == nil || loc.Directive == nil {
		return nil, false
	}
	if !editable(c, s.Config.Config, loc.Directive.Name.Pos.File) {
		return nil, false
	}
	at, ok := locationInsertion(loc.Directive)
	if !ok {
		return nil, false
	}
	r := &liveLines{loc: loc, at: at}
	r.repeat, r.n, r.level, ok = repeated(s.Config.Sem, loc)
	if !ok {
		return nil, false
	}
	for _, d := range s.Config.Sem.Effective(loc, "proxy_set_header").Directives {
		if r.repeat != "" && len(d.Args) > 0 && credentialHeader(d.Args[0].V) {
			r.secret = true
		}
	}
	// The same text may be included by other servers (a snippet of
	// locations): every location written there must need the same lines.
	// A snippet included by servers of other configurations may need
	// another Connection value there: no fix.
	same := true
	a.WrittenAt(loc.Directive.Name.Pos, func(fc *fronting.Config, other *model.Location) bool {
		if other == loc {
			return true
		}
		if fc != s.Config {
			same = false
			return false
		}
		rep, _, _, ok := repeated(fc.Sem, other)
		same = ok && rep == r.repeat
		return same
	})
	if !same {
		return nil, false
	}
	return r, true
}

// editable reports whether a fix may edit file, an nginx file of cfg:
// one stack reads it (another may need other lines), and it is not a
// template whose tags ({% if %} …) may make lines conditional; an
// envsubst template (*.template, the nginx image's) is plain nginx with
// ${VAR} placeholders.
func editable(c *rules.Context, cfg *model.NginxConfig, file string) bool {
	if c.StacksReading(file) > 1 {
		return false
	}
	return !cfg.Template || strings.HasSuffix(file, ".template")
}

// locationInsertion is where lines go in a location block: after its last
// proxy_set_header or proxy_http_version line, else after its "{" line,
// else after (or inline behind) its last directive.
func locationInsertion(block *model.Directive) (fix.Insertion, bool) {
	own := fix.OwnDirectives(block)
	for i := len(own) - 1; i >= 0; i-- {
		if n := own[i].Name.V; n == "proxy_set_header" || n == "proxy_http_version" {
			if in, ok := fix.InsertAfter(block, own, i); ok {
				return in, true
			}
			break
		}
	}
	if in, ok := fix.InsertFirst(block, own); ok {
		return in, true
	}
	if len(own) > 0 {
		return fix.InsertAfter(block, own, len(own)-1)
	}
	return fix.Insertion{}, false
}

// repeated returns the proxy_set_header lines loc inherits and would drop
// once it sets one of its own ("" when it has its own already, or
// inherits none), how many, and the level they come from; ok is false
// when they cannot be written back with certainty.
func repeated(sem *nginxsem.Config, loc *model.Location) (text string, n int, level string, ok bool) {
	v := sem.Effective(loc, "proxy_set_header")
	if !v.Set() || v.Levels[0].Block == loc.Directive {
		return "", 0, "", true
	}
	outer := v.Levels[0]
	var lines []string
	done := map[*model.Directive]bool{}
	for _, d := range v.Directives {
		if len(d.Args) < 2 {
			return "", 0, "", false
		}
		inc := topInclude(d, outer.Block)
		switch {
		case inc == nil:
			lines = append(lines, fix.NginxDirective(d.Name.V, argValues(d)...))
		case done[inc]:
		case d.Packaged != "" || onlyHeaders(outer.Block, inc):
			done[inc] = true
			lines = append(lines, fix.NginxDirective("include", inc.Args[0].V))
		default:
			lines = append(lines, fix.NginxDirective(d.Name.V, argValues(d)...))
		}
	}
	from := outer.String()
	if outer.Kind != nginxsem.LevelLocation {
		from = "the " + from + " block"
	}
	return strings.Join(lines, "\n"), len(v.Directives), from, true
}

// topInclude returns the include directive written in block that brought
// d in (through nested includes), nil when d is written in block itself.
func topInclude(d, block *model.Directive) *model.Directive {
	for inc := d.IncludedBy; inc != nil; inc = inc.IncludedBy {
		if inc.Parent == block {
			if len(inc.Args) != 1 {
				return nil
			}
			return inc
		}
	}
	return nil
}

// onlyHeaders reports whether every directive the include inc brought
// into block is a proxy_set_header: the include can then be repeated in a
// location as it is.
func onlyHeaders(block, inc *model.Directive) bool {
	n := 0
	for _, d := range block.Block {
		if d == inc || !includedBy(d, inc) {
			continue
		}
		if d.Name.V != "proxy_set_header" || d.Block != nil {
			return false
		}
		n++
	}
	return n > 0
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

func argValues(d *model.Directive) []string {
	out := make([]string, len(d.Args))
	for i, a := range d.Args {
		out[i] = a.V
	}
	return out
}

// addLine returns the fix that adds line to the Live location, after the
// inherited lines it must repeat when repeat is set (a proxy_set_header).
func (r *liveLines) addLine(line string, header bool, extra ...fix.Edit) *fix.Fix {
	var edits []fix.Edit
	msg := fmt.Sprintf("add %s to %s", line, locName(r.loc))
	if header && r.repeat != "" {
		edits = append(edits, r.at.Lines(r.repeat))
		msg += fmt.Sprintf(", repeating first the %d proxy_set_header %s it inherited from %s (nginx drops them once the location sets one)", r.n, plural(r.n, "line"), r.level)
	}
	edits = append(edits, r.at.Lines(line))
	edits = append(edits, extra...)
	return &fix.Fix{Message: msg, Edits: edits, Secret: header && r.secret}
}

// credentialHeader reports whether a request header usually carries a
// credential, whose value --diff and reports must not print.
func credentialHeader(name string) bool {
	n := strings.ToLower(name)
	for _, w := range []string{"auth", "cookie", "token", "secret", "password", "api-key", "apikey", "x-api"} {
		if strings.Contains(n, w) {
			return true
		}
	}
	return false
}

func plural(n int, word string) string {
	if n == 1 {
		return word
	}
	return word + "s"
}

// hostFixFor writes Host $host (or $host:$server_port) in a location that
// sends Grafana nginx's default $proxy_host, or a fixed name written in
// the location itself, when that is certain (see HostHeader.Fix): every
// browser on a named origin on its scheme's default port (or every one on
// a non-default port nginx listens on itself), Grafana reached directly,
// no nested location that would inherit the line.
func hostFixFor(c *rules.Context, a *fronting.Analysis, s *fronting.Server, hc hostCheck, bs []browser) *fix.Fix {
	if len(bs) == 0 || hc.gp == nil || !directTarget(hc.gp) || len(hc.loc.Nested) > 0 || sharedText(a, hc.loc) {
		// Another server including the same text (a snippet of
		// locations) may need another Host: other ports.
		return nil
	}
	// $host is the browser's host name; on a public port nginx listens
	// on itself, $host:$server_port is the browser's host:port. Browsers
	// on both kinds of port would each need the other.
	value := ""
	for _, b := range bs {
		v := "$host"
		if !b.origin.DefaultPort() {
			if b.origin.ListenPort != b.origin.Port {
				return nil
			}
			v = "$host:$server_port"
		}
		if b.assumed || value != "" && v != value {
			return nil
		}
		value = v
	}
	switch {
	case hc.d == nil:
		if len(hc.h.Conditional) > 0 {
			return nil
		}
		r, ok := locationRepair(c, a, s, hc.loc)
		if !ok {
			return nil
		}
		if n := len(hc.h.Dropped); n > 0 {
			// The outer Host line the location drops says what the
			// configuration means to send: written again, when it lets
			// every browser through.
			d := hc.h.Dropped[n-1].Directive
			if d.Packaged == "" && len(d.Args) == 2 && hostPasses(a, s, hc, bs, d.Args[1].V) {
				value = d.Args[1].V
			}
		}
		return r.addLine(fix.NginxDirective("proxy_set_header", "Host", value), true)
	case hc.h.Level.Location == hc.loc && len(hc.h.Set) == 1 && len(hc.d.Args) == 2 && hc.d.Packaged == "":
		if !editable(c, s.Config.Config, hc.d.Name.Pos.File) {
			return nil
		}
		if hc.d.Args[1].V == value {
			return nil
		}
		e, ok := fix.ReplaceStr(hc.d.Args[1], value, fix.Raw)
		if !ok {
			return nil
		}
		return &fix.Fix{Message: fmt.Sprintf("write proxy_set_header Host %s; in %s", value, locName(hc.loc)), Edits: []fix.Edit{e}}
	}
	return nil
}

// hostPasses reports whether a Host value lets every browser through
// Grafana's CSRF check and, on a Live location, its origin check.
func hostPasses(a *fronting.Analysis, s *fronting.Server, hc hostCheck, bs []browser, value string) bool {
	g := a.Grafana
	for _, b := range bs {
		vals, ok := newEvaluator(a, s.Config, hostVars(b, s, hc.gp)).eval(value, 0)
		if !ok || len(vals) != 1 || !csrfPasses(g, b, vals[0], nil) {
			return false
		}
		if pass, ok := originPasses(g, b, vals[0]); !ok || !pass {
			return false
		}
	}
	return true
}

// directTarget reports whether a Grafana proxy reaches Grafana itself: an
// upstream block or a host that is an IP address, a name without dots (a
// compose service, localhost) or a UNIX socket; not a name with dots,
// which may be a virtual host another proxy routes by Host.
func directTarget(gp *nginxsem.GrafanaProxy) bool {
	hosts := []string{}
	if gp.Upstream != nil {
		for _, srv := range gp.Upstream.Servers {
			h, _, err := net.SplitHostPort(srv.V)
			if err != nil {
				h = srv.V
			}
			hosts = append(hosts, h)
		}
	} else {
		u, err := nginxsem.ParseProxyURL(gp.Target)
		if err != nil {
			return false
		}
		if u.Unix != "" {
			return true
		}
		hosts = append(hosts, u.Host)
	}
	for _, h := range hosts {
		h = strings.Trim(h, "[]")
		if net.ParseIP(h) == nil && !strings.HasPrefix(h, "unix:") && strings.Contains(h, ".") {
			return false
		}
	}
	return len(hosts) > 0
}

// upgradeFix adds the Upgrade header to the Live location.
func upgradeFix(c *rules.Context, a *fronting.Analysis, s *fronting.Server, l *fronting.Live) *fix.Fix {
	r, ok := liveRepair(c, a, s, l)
	if !ok {
		return nil
	}
	return r.addLine("proxy_set_header Upgrade $http_upgrade;", true)
}

// versionFix makes the Live location proxy with HTTP/1.1: the value
// replaced when the location writes another itself, else a line added.
func versionFix(c *rules.Context, a *fronting.Analysis, s *fronting.Server, l *fronting.Live, v *nginxsem.Value) *fix.Fix {
	if lvl, ok := v.Level(); ok && lvl.Location == l.Location {
		d := v.Last()
		if len(v.Directives) != 1 || len(d.Args) != 1 || d.Packaged != "" || !editable(c, s.Config.Config, d.Name.Pos.File) {
			return nil
		}
		e, ok := fix.ReplaceStr(d.Args[0], "1.1", fix.Raw)
		if !ok {
			return nil
		}
		return &fix.Fix{Message: fmt.Sprintf("write proxy_http_version 1.1 in %s", locName(l.Location)), Edits: []fix.Edit{e}}
	}
	r, ok := liveRepair(c, a, s, l)
	if !ok {
		return nil
	}
	return r.addLine("proxy_http_version 1.1;", false)
}

// connectionFix adds the Connection header to the Live location, with the
// map it needs.
func connectionFix(c *rules.Context, a *fronting.Analysis, s *fronting.Server, l *fronting.Live) *fix.Fix {
	r, ok := liveRepair(c, a, s, l)
	if !ok {
		return nil
	}
	value, mapEdit, mapFile := connectionValue(c, a, s)
	var extra []fix.Edit
	if mapEdit != nil {
		extra = append(extra, *mapEdit)
	}
	line := fix.NginxDirective("proxy_set_header", "Connection", value)
	if value == "upgrade" {
		line = `proxy_set_header Connection "upgrade";` // as nginx's WebSocket page writes it
	}
	f := r.addLine(line, true, extra...)
	if mapEdit != nil {
		f.Message += fmt.Sprintf(", and map $http_upgrade $connection_upgrade to the http block of %s", mapFile)
	}
	return f
}

// connectionValue chooses the Connection value for a Live location of s:
// the variable of an existing map from $http_upgrade that yields
// "upgrade"; else $connection_upgrade with the edit adding its map to the
// http block (and the file that edit changes); else the literal "upgrade".
func connectionValue(c *rules.Context, a *fronting.Analysis, s *fronting.Server) (string, *fix.Edit, string) {
	if m := connectionMap(a, s); m != nil {
		return m.Variable.V, nil, ""
	}
	cfg := s.Config.Config
	if cfg.Fragment || cfg.Partial || nameTaken(a, "connection_upgrade") {
		return "upgrade", nil, ""
	}
	http := enclosingHTTP(s.Server.Directive)
	e, ok := mapEdit(c, a, cfg, http, "$connection_upgrade")
	if !ok {
		return "upgrade", nil, ""
	}
	return "$connection_upgrade", &e, http.Name.Pos.File
}

// nameTaken reports whether a configuration of the stack defines the
// variable (a map from another source, a set, a geo …).
func nameTaken(a *fronting.Analysis, name string) bool {
	return a.DefinedAnywhere(name)
}

// enclosingHTTP returns the http block around d, nil when there is none.
func enclosingHTTP(d *model.Directive) *model.Directive {
	for p := d; p != nil; p = p.Parent {
		if p.Name.V == "http" && p.Block != nil {
			return p
		}
	}
	return nil
}

// connectionMapText is the canonical map of nginx's WebSocket proxying
// page (nginx.org/en/docs/http/websocket.html), for the variable name; a
// tab marks the lines of its body, and the empty last line leaves a blank
// line before what follows.
func connectionMapText(variable string) string {
	return "map $http_upgrade " + variable + " {\n\tdefault upgrade;\n\t''      close;\n}\n"
}

// mapEditKey and mapEditAnswer remember mapEditIn per analysis.
type mapEditKey struct {
	cfg      *model.NginxConfig
	http     *model.Directive
	variable string
}

type mapEditAnswer struct {
	e  fix.Edit
	ok bool
}

// mapEdit is mapEditIn worked out once per http block and variable: it
// reads the whole http block, which holds every server of a tree of
// vhosts, and each finding without the map asks for it.
func mapEdit(c *rules.Context, a *fronting.Analysis, cfg *model.NginxConfig, http *model.Directive, variable string) (fix.Edit, bool) {
	ans := a.Derived(mapEditKey{cfg, http, variable}, func() any {
		e, ok := mapEditIn(c, cfg, http, variable)
		return mapEditAnswer{e, ok}
	}).(mapEditAnswer)
	return ans.e, ans.ok
}

// mapEditIn returns the edit that adds the map defining variable to the
// http block: before its first server block, or include that brings
// servers in, written in its file; else after its last directive; ok is false when neither place is
// certain or the file is read by several stacks.
func mapEditIn(c *rules.Context, cfg *model.NginxConfig, http *model.Directive, variable string) (fix.Edit, bool) {
	if http == nil || !editable(c, cfg, http.Name.Pos.File) {
		return fix.Edit{}, false
	}
	own := fix.OwnDirectives(http)
	nest := nestedIn(own)
	if !nest.IsValid() && http.Name.Pos.Col != 1 {
		return fix.Edit{}, false
	}
	for i, d := range own {
		serverBlock := d.Name.V == "server" && d.Block != nil
		serversInclude := d.Name.V == "include" && bringsServer(http, d)
		if !serverBlock && !serversInclude {
			continue
		}
		in, ok := fix.InsertBefore(http, own, i)
		if !ok {
			break
		}
		in.Nest = nest
		return in.Lines(connectionMapText(variable)), true
	}
	if len(own) > 0 {
		if in, ok := fix.InsertAfter(http, own, len(own)-1); ok && !in.Inline {
			in.Nest = nest
			return in.Lines("\n" + strings.TrimSuffix(connectionMapText(variable), "\n")), true
		}
	}
	return fix.Edit{}, false
}

// bringsServer reports whether the include inc in block brought a server
// block in.
func bringsServer(block, inc *model.Directive) bool {
	for _, d := range block.Block {
		if d.Name.V == "server" && d.Block != nil && includedBy(d, inc) {
			return true
		}
	}
	return false
}

// nestedIn returns the position of a directive one level below the
// directives own (written in their file, first on its line), the zero Pos
// when there is none: the indentation the body of a new block takes.
func nestedIn(own []*model.Directive) model.Pos {
	for _, b := range own {
		if b.Block == nil || b.Name.V == "map" || b.Name.V == "types" {
			continue
		}
		inner := fix.OwnDirectives(b)
		for i, d := range inner {
			if fix.StartsLine(b, inner, i) {
				return d.Name.Pos
			}
		}
	}
	return model.Pos{}
}

// undefinedFix defines $connection_upgrade for a use nginx would reject:
// the canonical map in the http block, or, in a file without an http
// block in view, the literal "upgrade" for a Connection header.
func undefinedFix(c *rules.Context, a *fronting.Analysis, fc *fronting.Config, u nginxsem.Use) *fix.Fix {
	if !strings.EqualFold(u.Var.V, "connection_upgrade") || fc.Config.Partial {
		return nil
	}
	if !fc.Config.Fragment {
		http := enclosingHTTP(u.Directive)
		e, ok := mapEdit(c, a, fc.Config, http, "$"+u.Var.V)
		if !ok {
			return nil
		}
		return &fix.Fix{Message: fmt.Sprintf("add map $http_upgrade $%s { default upgrade; '' close; } to the http block of %s", u.Var.V, http.Name.Pos.File), Edits: []fix.Edit{e}}
	}
	d := u.Directive
	if d.Name.V != "proxy_set_header" || len(d.Args) != 2 || !strings.EqualFold(d.Args[0].V, "Connection") ||
		d.Args[1].V != "$"+u.Var.V || d.Packaged != "" || !editable(c, fc.Config, d.Name.Pos.File) {
		return nil
	}
	e, ok := fix.ReplaceStr(d.Args[1], "upgrade", fix.Raw)
	if !ok {
		return nil
	}
	return &fix.Fix{Message: fmt.Sprintf("write proxy_set_header Connection upgrade instead of $%s: the file has no http block in view to define the map in", u.Var.V), Edits: []fix.Edit{e}}
}
