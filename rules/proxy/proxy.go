// Package proxy holds the rules about nginx in front of Grafana: whether
// the Live WebSocket gets through (headers, HTTP version, the path Grafana
// receives, the sub-path, timeouts), whether the Host header lets Grafana's
// CSRF and origin checks pass, and nginx errors that stop the proxy from
// starting (undefined variables, a port on an upstream name), plus
// live/worker-connections, which weighs nginx's worker_connections against
// [live] max_connections.
//
// A server block counts when it proxies to Grafana (fronting.Analyze);
// others get no findings. The Live path is root_url's sub-path plus
// "/api/live/ws", and the checks look at the location nginx chooses for it,
// with includes resolved and inheritance applied.
//
// Decisions:
//   - A stack without grafana.ini is checked with Grafana's defaults plus
//     its environment (GF_SERVER_ROOT_URL from compose counts): root_url
//     http://localhost:3000/, no sub-path. proxy/subpath-mismatch's "no
//     location routes the Live path to Grafana" needs more than that: a
//     root_url that is set, or Grafana's configuration in view (a compose
//     service or a grafana.ini); for a lone nginx file the sub-path is
//     configured where the linter cannot see.
//   - When root_url's path is unreadable (a template placeholder, a value
//     that does not parse) or its Live path does not reach Grafana through
//     a server (root_url disagrees with nginx, or there is no root_url and
//     Grafana sits under a sub-path location), each location that proxies
//     to Grafana is checked for the Live path it would carry: its prefix +
//     "/api/live/ws" (fronting.Server.Lives). Messages say so
//     (fronting.Live.Assumed), and proxy/live-path-rewritten then accepts
//     either path Grafana could be set up to serve.
//   - Which proxy target is Grafana comes from the deployment first: the
//     compose service's names and published ports, http_port, upstream
//     blocks; another service of the compose project is never Grafana,
//     whatever its port (fronting.hints, nginxsem.GrafanaHints).
//   - Live blocked on purpose (a location written for the Live path that
//     answers 4xx, e.g. `location = /api/live/ws { return 404; }` or `deny
//     all`) is reported by proxy/missing-upgrade-header with severity info
//     and the message "Live is blocked on purpose…", and the other Live
//     checks skip that server.
//   - A missing directive is not reported when an include that applies to
//     the location matched no file and may hold proxy settings (anything but
//     mime.types, *_params other than proxy_params, TLS options, and
//     http-level globs of other sites): parse/include-not-found says the
//     analysis is partial. Debian's proxy_params ("include proxy_params;"
//     or "/etc/nginx/proxy_params") missing from the tree is not such an
//     include: the nginx parser splices in its packaged content
//     (Directive.Packaged, positioned at the include; "Host $host" unless
//     nginx_proxy_params says the legacy release), so the locations are
//     judged, and messages citing those lines say they come from Debian's
//     packaged file.
//   - Suggested fixes never repeat what the file already says, and never
//     recommend Host $http_host (the raw client header).
//   - Routes nginx decides with a regex Go cannot evaluate, or through a
//     variable only known at run time, are skipped, not guessed.
package proxy

import (
	"fmt"
	"strings"

	"github.com/grafanalint/grafanalint/parsers/model"
	"github.com/grafanalint/grafanalint/rules"
	"github.com/grafanalint/grafanalint/rules/proxy/fronting"
)

// Rules returns live/worker-connections, then the proxy rules in
// catalogue order (the live rule comes first so that the registry keeps
// each category together: rules/live's own rules precede this package).
func Rules() []*rules.Rule {
	return []*rules.Rule{
		WorkerConnections,
		MissingUpgradeHeader, MissingConnectionHeader, HTTPVersion,
		LivePathRewritten, SubpathMismatch, HostHeader, UndefinedVariable,
		DuplicateHeader, ReadTimeout, UpstreamPort,
	}
}

var needsNginx = []rules.Part{rules.PartNginx}

// liveServers calls fn for each Live route that reaches Grafana through a
// server of the stack (Server.Lives), once per location that serves one.
func liveServers(a *fronting.Analysis, fn func(s *fronting.Server, l *fronting.Live)) {
	for _, s := range a.Servers {
		seen := map[*model.Location]bool{}
		for _, l := range s.Reaching() {
			if seen[l.Location] {
				continue
			}
			seen[l.Location] = true
			fn(s, l)
		}
	}
}

// locName formats a location for the start of a message.
func locName(loc *model.Location) string { return fronting.Describe(loc) }

// related builds a related location.
func related(pos model.Pos, format string, args ...any) rules.Related {
	return rules.Related{Pos: pos, Message: fmt.Sprintf(format, args...)}
}

// lineRef formats where p is, relative to the file of the finding: "line
// 12" in the same file, "f.conf:12" in another.
func lineRef(p, at model.Pos) string {
	if p.File == at.File {
		return fmt.Sprintf("line %d", p.Line)
	}
	return fmt.Sprintf("%s:%d", p.File, p.Line)
}

// directiveText formats a directive as written, shortened:
// `proxy_set_header Upgrade $http_upgrade`.
func directiveText(d *model.Directive) string {
	parts := []string{d.Name.V}
	for _, a := range d.Args {
		v := a.V
		if v == "" || strings.ContainsAny(v, " \t;{}") {
			v = `"` + v + `"`
		}
		parts = append(parts, v)
	}
	s := strings.Join(parts, " ")
	if len(s) > 80 {
		s = s[:77] + "..."
	}
	return s + packagedNote(d)
}

// packagedNote says where a directive the parser assumed from a packaged
// file comes from (it is positioned at the include line): " (from
// Debian's /etc/nginx/proxy_params, included here)"; "" for a directive
// written in the tree.
func packagedNote(d *model.Directive) string {
	if d == nil || d.Packaged == "" {
		return ""
	}
	return fmt.Sprintf(" (from Debian's packaged %s, included here)", d.Packaged)
}

// argPos returns the position and end of d's i-th argument (the directive
// name when it has none).
func argPos(d *model.Directive, i int) (model.Pos, model.Pos) {
	if i < len(d.Args) {
		return d.Args[i].Pos, d.Args[i].End
	}
	return d.Name.Pos, d.Name.End
}

// anchor is where a finding about the Live location of l goes.
func anchor(s *fronting.Server, l *fronting.Live) model.Pos {
	p, _ := fronting.Anchor(l.Location, s.Server)
	return p
}
