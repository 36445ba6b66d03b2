package proxy

import (
	"fmt"
	"strings"

	"github.com/grafanalint/grafanalint/parsers/model"
	"github.com/grafanalint/grafanalint/parsers/nginxsem"
	"github.com/grafanalint/grafanalint/rules"
	"github.com/grafanalint/grafanalint/rules/proxy/fronting"
)

// MissingUpgradeHeader reports a Live location that does not pass the
// client's Upgrade header, and (as info) Live blocked on purpose.
var MissingUpgradeHeader = &rules.Rule{
	ID:       "proxy/missing-upgrade-header",
	Severity: rules.Error,
	Fix:      "adds `proxy_set_header Upgrade $http_upgrade;` " + fixWhere + ". " + fixRepeat + " " + fixWhich,
	Summary:  "the location serving Grafana Live's WebSocket does not send Upgrade $http_upgrade (info when Live is blocked on purpose)",
	Doc: rules.Doc{
		What: "Reports the nginx location that serves Grafana Live's WebSocket (`<root_url sub-path>/api/live/ws`, " +
			"chosen as nginx chooses it, `try_files … @name` included) when it does not send `Upgrade: " +
			"websocket` to Grafana: no `proxy_set_header Upgrade $http_upgrade;`, a server- or http-level one " +
			"that the location does not inherit because it sets other `proxy_set_header` lines (the finding " +
			"points at both places), or a value that is not the client's. When a location written for the Live " +
			"path answers 4xx itself (`location = /api/live/ws { return 404; }`, `deny all`), Live is blocked on " +
			"purpose: that is reported as info, not as a missing header. Without a readable root_url (no " +
			"grafana.ini, Grafana's default, a template placeholder such as `<host IP address>` or `{{ .Values.x " +
			"}}`), or when nginx does not route root_url's Live path to Grafana, every location that proxies to " +
			"Grafana is checked for the Live path it would carry (its own prefix + `/api/live/ws`), and the " +
			"message says which assumption was made.",
		Why: "`Upgrade` is a hop-by-hop header: nginx never forwards it unless `proxy_set_header` sets it " +
			"(nginx.org/en/docs/http/websocket.html), and `proxy_set_header` lines are inherited from an outer " +
			"level only when the location has none of its own " +
			"(nginx.org/en/docs/http/ngx_http_proxy_module.html#proxy_set_header). The browser opens the " +
			"WebSocket at its own origin plus root_url's sub-path plus `/api/live/ws` (grafana/grafana " +
			"`public/app/features/live/index.ts` `initGrafanaLive` and `centrifuge/service.ts` " +
			"`CentrifugeService` (v12.0.0)). Grafana's handshake (centrifugal/centrifuge " +
			"`internal/websocket/server.go` `Upgrader.Upgrade`, the gorilla/websocket fork Grafana's Live server " +
			"runs on) answers 400 `'websocket' token not found in 'Upgrade' header` without it, and streaming " +
			"panels never update.",
		Bad: []rules.Example{{Path: "nginx/nginx.conf", Content: exampleHTTP(`    location / {
        proxy_set_header Host $host;
        proxy_pass http://grafana:3000;
    }
`)}},
		Good: []rules.Example{{Path: "nginx/nginx.conf", Content: exampleHTTP(goodLocations)}},
		Fixed: []rules.Example{{Path: "nginx/nginx.conf", Content: exampleHTTP(`    location / {
        proxy_set_header Host $host;
        proxy_set_header Upgrade $http_upgrade;
        proxy_pass http://grafana:3000;
    }
`)}},
		Fix: "In the location that serves `/api/live/ws` (or a dedicated `location /api/live/`), write " +
			"`proxy_http_version 1.1; proxy_set_header Upgrade $http_upgrade; proxy_set_header Connection " +
			"$connection_upgrade;` with `map $http_upgrade $connection_upgrade { default upgrade; '' close; }` " +
			"in the http block. A location that sets any `proxy_set_header` must repeat the server-level ones it " +
			"needs. To block Live on purpose, also set `[live] max_connections = 0` so browsers stop trying.",
	},
	Needs: needsNginx,
	Check: checkUpgrade,
}

// MissingConnectionHeader reports a Live location whose Connection header
// does not carry "upgrade".
var MissingConnectionHeader = &rules.Rule{
	ID:       "proxy/missing-connection-header",
	Severity: rules.Error,
	Fix: "adds `proxy_set_header Connection $connection_upgrade;` " + fixWhere + ", and `map $http_upgrade $connection_upgrade " +
		"{ default upgrade; '' close; }` to the http block (before its first `server` block, or the `include` that brings the servers in) when no map from " +
		"`$http_upgrade` to `upgrade` exists; an existing one's variable is used instead. With no http block in view (a " +
		"conf.d or sites file an nginx.conf elsewhere includes), a `$connection_upgrade` defined otherwise, or a " +
		"configuration with unread includes, it writes `proxy_set_header Connection \"upgrade\";`. " + fixRepeat + " " + fixWhich,
	Summary: "the location serving Grafana Live's WebSocket does not send Connection: upgrade",
	Doc: rules.Doc{
		What: "Reports the nginx location that serves Grafana Live's WebSocket when the `Connection` header it " +
			"sends Grafana for a WebSocket request carries no `upgrade` token: no `proxy_set_header Connection` " +
			"(nginx then sends `Connection: close`), one dropped by inheritance, `Connection $http_upgrade` " +
			"(which is `websocket`), or a map that yields something else for a WebSocket request. `Connection " +
			"\"upgrade\"` and a variable mapped from `$http_upgrade` to `upgrade` are both fine. Without a " +
			"readable root_url (no grafana.ini, Grafana's default, a template placeholder such as `<host IP " +
			"address>` or `{{ .Values.x }}`), or when nginx does not route root_url's Live path to Grafana, " +
			"every location that proxies to Grafana is checked for the Live path it would carry (its own prefix " +
			"+ `/api/live/ws`), and the message says which assumption was made.",
		Why: "nginx replaces the client's hop-by-hop `Connection` header with `close` unless `proxy_set_header " +
			"Connection` sets it (nginx.org/en/docs/http/websocket.html; " +
			"nginx.org/en/docs/http/ngx_http_proxy_module.html#proxy_set_header). Grafana's handshake " +
			"(centrifugal/centrifuge `internal/websocket/server.go` `Upgrader.Upgrade`, the gorilla/websocket " +
			"fork Grafana's Live server runs on) first looks for the `upgrade` token in `Connection` and answers " +
			"400 `'upgrade' token not found in 'Connection' header` without it.",
		Bad: []rules.Example{{Path: "nginx/nginx.conf", Content: exampleHTTP(`    location / {
        proxy_http_version 1.1;
        proxy_set_header Host $host;
        proxy_set_header Upgrade $http_upgrade;
        proxy_pass http://grafana:3000;
    }
`)}},
		Good: []rules.Example{{Path: "nginx/nginx.conf", Content: exampleHTTP(goodLocations)}},
		Fixed: []rules.Example{{Path: "nginx/nginx.conf", Content: exampleHTTP(`    location / {
        proxy_http_version 1.1;
        proxy_set_header Host $host;
        proxy_set_header Upgrade $http_upgrade;
        proxy_set_header Connection $connection_upgrade;
        proxy_pass http://grafana:3000;
    }
`)}},
		Fix: "Write `proxy_set_header Connection $connection_upgrade;` with `map $http_upgrade $connection_upgrade " +
			"{ default upgrade; '' close; }` in the http block (or `proxy_set_header Connection \"upgrade\";` in a " +
			"location used only for the WebSocket).",
	},
	Needs: needsNginx,
	Check: checkConnection,
}

// HTTPVersion reports a Live location proxied with HTTP/1.0.
var HTTPVersion = &rules.Rule{
	ID:       "proxy/http-version",
	Severity: rules.Warning,
	Fix: "writes `1.1` over another version set in the Live location itself, or adds `proxy_http_version 1.1;` " + fixWhere +
		" (an outer value stays for the other locations). " + fixWhich,
	Summary: "the location serving Grafana Live's WebSocket is not proxied with proxy_http_version 1.1",
	Doc: rules.Doc{
		What: "Reports the nginx location that serves Grafana Live's WebSocket when its effective " +
			"`proxy_http_version` (after inheritance) is not 1.1; nginx's default is 1.0. An inherited value is " +
			"reported where it is written. Without a readable root_url (no grafana.ini, Grafana's default, a " +
			"template placeholder such as `<host IP address>` or `{{ .Values.x }}`), or when nginx does not " +
			"route root_url's Live path to Grafana, every location that proxies to Grafana is checked for the " +
			"Live path it would carry (its own prefix + `/api/live/ws`), and the message says which assumption " +
			"was made.",
		Why: "The WebSocket opening handshake is an HTTP/1.1 request (RFC 6455 section 4.1), and nginx proxies " +
			"with HTTP/1.0 unless `proxy_http_version 1.1` says otherwise " +
			"(nginx.org/en/docs/http/ngx_http_proxy_module.html#proxy_http_version; " +
			"nginx.org/en/docs/http/websocket.html). nginx still forwards the `Upgrade` and `Connection` headers " +
			"it is told to, and Grafana's handshake (centrifugal/centrifuge `internal/websocket/server.go` " +
			"`Upgrader.Upgrade`, the gorilla/websocket fork Grafana's Live server runs on) checks headers, not " +
			"the version, so the upgrade works against Grafana itself (the end-to-end test with a real nginx " +
			"shows it), but other hops may refuse an HTTP/1.0 upgrade: a warning, where the missing headers are " +
			"errors.",
		Bad: []rules.Example{{Path: "nginx/nginx.conf", Content: exampleHTTP(`    location / {
        proxy_set_header Host $host;
        proxy_set_header Upgrade $http_upgrade;
        proxy_set_header Connection $connection_upgrade;
        proxy_pass http://grafana:3000;
    }
`)}},
		Good: []rules.Example{{Path: "nginx/nginx.conf", Content: exampleHTTP(goodLocations)}},
		Fixed: []rules.Example{{Path: "nginx/nginx.conf", Content: exampleHTTP(`    location / {
        proxy_set_header Host $host;
        proxy_set_header Upgrade $http_upgrade;
        proxy_set_header Connection $connection_upgrade;
        proxy_http_version 1.1;
        proxy_pass http://grafana:3000;
    }
`)}},
		Fix: "Add `proxy_http_version 1.1;` to the location (or to the server, which locations inherit).",
	},
	Needs: needsNginx,
	Check: checkHTTPVersion,
}

// ReadTimeout reports a Live location whose proxy_read_timeout is below
// 30 s.
var ReadTimeout = &rules.Rule{
	ID:       "proxy/read-timeout",
	Severity: rules.Warning,
	Summary:  "proxy_read_timeout of the Live location is below 30s: idle Live connections are cut",
	Doc: rules.Doc{
		What: "Reports the effective `proxy_read_timeout` of the location that serves Grafana Live's WebSocket " +
			"when it is below 30 seconds, at the directive that sets it (which may be at server or http level).",
		Why: "nginx closes a proxied connection when the upstream sends nothing for `proxy_read_timeout` (default " +
			"60s; nginx.org/en/docs/http/ngx_http_proxy_module.html#proxy_read_timeout). Grafana Live's server " +
			"pings connected clients every 25 seconds by default (centrifugal/centrifuge `config.go` " +
			"`defaultPingInterval`, used when no `PingPongConfig` is set, as in grafana/grafana " +
			"`pkg/services/live/live.go` (v12.0.0)), so the default is safe but a shorter timeout closes idle " +
			"Live connections, which then reconnect over and over.",
		Bad: []rules.Example{{Path: "nginx/nginx.conf", Content: exampleHTTP(`    proxy_read_timeout 10s;

` + goodLocations)}},
		Good: []rules.Example{{Path: "nginx/nginx.conf", Content: exampleHTTP(`    proxy_read_timeout 90s;

` + goodLocations)}},
		Fix: "Remove the directive (60s default) or raise it to at least 30s for the Live location, e.g. " +
			"`proxy_read_timeout 3600s;` in `location /api/live/`.",
	},
	Needs: needsNginx,
	Check: checkReadTimeout,
}

// Descriptions of the Live location fixes, shared by the rule pages.
const (
	fixWhere = "in the location nginx chooses for the Live path, in the file that location is written in: after its last " +
		"`proxy_set_header` or `proxy_http_version` line (else after its `{` line, or inline in a one-line block), " +
		"indented like its neighbours"
	fixRepeat = "A location without `proxy_set_header` lines of its own inherits the outer ones, which nginx drops once it " +
		"sets one: the fix repeats them in the location first (an include of Debian's `proxy_params`, or of a file " +
		"holding only `proxy_set_header` lines, as that include), so the other headers Grafana gets stay as they were; " +
		"when several of the three Live rules fire on one location, their lines are added once each."
	fixWhich = "Live paths the rules assumed (no root_url) and locations that proxy through variables or from an `if` " +
		"block get the fix too: the lines change nothing for other requests through the location. No fix where the " +
		"location's text is shared (an included snippet) by locations that need different lines, where the edited file " +
		"is read by several stacks, where it is a template whose tags (`{% if %}`) may make lines conditional (an envsubst " +
		"`*.template` is plain nginx and gets the fix), or where no insertion point is certain."
)

// headerVerdict is what a header's effective value does for a WebSocket
// handshake.
type headerVerdict int

const (
	headerUnknown headerVerdict = iota
	headerGood
	headerBad
	headerMissing
)

// liveHeader is the evaluation of one request header at the Live location.
type liveHeader struct {
	h       *nginxsem.HeaderValue
	verdict headerVerdict
	// bad is the last directive whose value fails (headerBad), values
	// what it evaluates to, maps the map blocks it went through.
	bad    *model.Directive
	values []string
	maps   []*model.Map
}

// evalHeader evaluates header name at the Live location of l: good when
// some directive that sets it yields a value holding token.
func evalHeader(a *fronting.Analysis, s *fronting.Server, l *fronting.Live, name, token string) *liveHeader {
	h := s.Config.Sem.Header(l.Location, name)
	lh := &liveHeader{h: h}
	if !h.IsSet() {
		if len(h.Conditional) > 0 {
			return lh // set only inside "if": depends on the request
		}
		if s.Config.Incomplete(l.Location, s.Server) {
			return lh // an include the linter could not read may set it
		}
		lh.verdict = headerMissing
		return lh
	}
	unknown := false
	for _, d := range h.Set {
		if len(d.Args) < 2 {
			unknown = true
			continue
		}
		e := newEvaluator(a, s.Config, wsRequest)
		vals, ok := e.eval(d.Args[1].V, 0)
		if !ok {
			unknown = true
			continue
		}
		good := len(vals) > 0
		for _, v := range vals {
			if !hasToken(v, token) {
				good = false
			}
		}
		if good {
			lh.verdict = headerGood
			return lh
		}
		lh.bad, lh.values, lh.maps = d, vals, e.via
	}
	if unknown || len(h.Conditional) > 0 {
		return lh
	}
	lh.verdict = headerBad
	return lh
}

// missingRelated explains a header the Live location does not send: the
// outer lines inheritance dropped, and a location of the server that sets
// it but does not serve the Live path.
func missingRelated(s *fronting.Server, l *fronting.Live, lh *liveHeader, name string) (string, []rules.Related) {
	var rel []rules.Related
	why := ""
	if len(lh.h.Dropped) > 0 {
		d := lh.h.Dropped[0]
		why = fmt.Sprintf("; the %s-level %s is not inherited because %s sets its own proxy_set_header lines",
			d.Level.Kind, directiveText(d.Directive), d.BecauseLevel)
		for _, dr := range lh.h.Dropped {
			rel = append(rel, related(dr.Directive.Pos(), "%s here is not inherited by %s, which sets its own proxy_set_header lines (the first: %s)", directiveText(dr.Directive), dr.BecauseLevel, directiveText(dr.Because)))
		}
		if d.Because.Packaged != "" {
			rel = append(rel, related(d.Because.Pos(), "Debian's packaged %s, included here, sets proxy_set_header lines, which makes %s drop every outer proxy_set_header", d.Because.Packaged, d.BecauseLevel))
		} else {
			rel = append(rel, related(d.Because.Pos(), "this proxy_set_header makes %s drop every outer proxy_set_header", d.BecauseLevel))
		}
		return why, rel
	}
	for _, p := range locationsSetting(s, name) {
		if p == l.Location {
			continue
		}
		h := s.Config.Sem.Header(p, name)
		if h.IsSet() {
			d := h.Set[len(h.Set)-1]
			why = fmt.Sprintf("; %s sets it, but nginx serves the Live path with %s", locName(p), locName(l.Location))
			rel = append(rel, related(d.Pos(), "%s is set here, in %s, which does not serve %q", directiveText(d), locName(p), l.Path))
			break
		}
	}
	return why, rel
}

// locationsSetting returns the server's locations that write a
// proxy_set_header for name themselves, in file order.
func locationsSetting(s *fronting.Server, name string) []*model.Location {
	return s.LocationsSetting(name)
}

func argText(d *model.Directive, i int) string {
	if d == nil || i >= len(d.Args) {
		return ""
	}
	return d.Args[i].V
}

func checkUpgrade(c *rules.Context) {
	a := fronting.Of(c)
	for _, s := range a.Servers {
		if s.Live != nil && s.Live.Verdict == fronting.Blocked {
			reportBlocked(c, a, s)
		}
	}
	liveServers(a, func(s *fronting.Server, l *fronting.Live) {
		lh := evalHeader(a, s, l, "Upgrade", "websocket")
		loc := l.Location
		switch lh.verdict {
		case headerMissing:
			why, rel := missingRelated(s, l, lh, "Upgrade")
			pos, end := fronting.Anchor(loc, s.Server)
			c.Report(rules.Finding{Pos: pos, End: end, Related: rel, Entity: s.Entity(), Key: "missing:" + l.Path, Fix: upgradeFix(c, a, s, l),
				Message: fmt.Sprintf("%s sends no Upgrade header to Grafana for %s%s: Upgrade is hop-by-hop and nginx drops it unless proxy_set_header sets it, so Grafana answers 400 to the WebSocket handshake; add proxy_set_header Upgrade $http_upgrade; to this location",
					locName(loc), l.What(), why)})
		case headerBad:
			pos, end := argPos(lh.bad, 1)
			var rel []rules.Related
			for _, m := range lh.maps {
				rel = append(rel, related(m.Directive.Pos(), "map %s defines %s", m.Source.V, m.Variable.V))
			}
			if lh.h.Level.Location != loc {
				rel = append(rel, related(anchor(s, l), "the Live path %q is served by %s, which inherits this line", l.Path, locName(loc)))
			}
			c.Report(rules.Finding{Pos: pos, End: end, Related: rel, Entity: s.Entity(), Key: "value:" + lh.bad.Args[1].V,
				Message: fmt.Sprintf("%s sends Upgrade %q to Grafana for %s, %s: Grafana's WebSocket handshake needs \"websocket\" and answers 400; write proxy_set_header Upgrade $http_upgrade;",
					locName(loc), lh.bad.Args[1].V, l.What(), shown(lh.values))})
		}
	})
}

// shown describes evaluated values for messages.
func shown(vals []string) string {
	if len(vals) == 1 {
		if vals[0] == "" {
			return "empty for a WebSocket request, so nginx does not send it"
		}
		return fmt.Sprintf("%q for a WebSocket request", vals[0])
	}
	q := make([]string, len(vals))
	for i, v := range vals {
		q[i] = fmt.Sprintf("%q", v)
	}
	return "one of " + strings.Join(q, ", ") + " for a WebSocket request"
}

// reportBlocked reports Live blocked on purpose, as info.
func reportBlocked(c *rules.Context, a *fronting.Analysis, s *fronting.Server) {
	l := s.Live
	f := rules.Finding{Severity: rules.Info, Entity: s.Entity(), Key: "blocked:" + l.Path}
	code := 403
	switch {
	case l.Deny != nil:
		f.Pos, f.End = argPos(l.Deny, 0)
	case l.Return != nil:
		code = l.Return.Code
		if l.Return.Directive != nil {
			f.Pos, f.End = argPos(l.Return.Directive, 0)
		}
	}
	if !f.Pos.IsValid() {
		f.Pos, f.End = fronting.Anchor(l.Location, s.Server)
	}
	tail := "if that is intended, also set [live] max_connections = 0 so browsers stop trying"
	if a.Grafana.MaxConnections == 0 {
		tail = "Grafana Live is switched off as well ([live] max_connections = 0)"
	}
	f.Message = fmt.Sprintf("Live is blocked on purpose: nginx answers %d to the Live path %q in %s, so browsers cannot open Grafana Live's WebSocket and streaming panels and dashboard change notices stay still; %s",
		code, l.Path, locName(l.Location), tail)
	c.Report(f)
}

func checkConnection(c *rules.Context) {
	a := fronting.Of(c)
	liveServers(a, func(s *fronting.Server, l *fronting.Live) {
		lh := evalHeader(a, s, l, "Connection", "upgrade")
		loc := l.Location
		fix := "add proxy_set_header Connection $connection_upgrade; with map $http_upgrade $connection_upgrade { default upgrade; '' close; } in the http block (or proxy_set_header Connection \"upgrade\";)"
		var rel []rules.Related
		if m := connectionMap(a, s); m != nil {
			fix = fmt.Sprintf("add proxy_set_header Connection %s; (the map for it exists)", m.Variable.V)
			rel = append(rel, related(m.Directive.Pos(), "map %s %s maps WebSocket requests to \"upgrade\"; use %s", m.Source.V, m.Variable.V, m.Variable.V))
		}
		switch lh.verdict {
		case headerMissing:
			why, rel2 := missingRelated(s, l, lh, "Connection")
			pos, end := fronting.Anchor(loc, s.Server)
			c.Report(rules.Finding{Pos: pos, End: end, Related: append(rel2, rel...), Entity: s.Entity(), Key: "missing:" + l.Path, Fix: connectionFix(c, a, s, l),
				Message: fmt.Sprintf("%s does not send Connection: upgrade to Grafana for %s%s: nginx replaces the hop-by-hop Connection header with \"close\", so Grafana answers 400 to the WebSocket handshake; %s",
					locName(loc), l.What(), why, fix)})
		case headerBad:
			pos, end := argPos(lh.bad, 1)
			var rel2 []rules.Related
			for _, m := range lh.maps {
				rel2 = append(rel2, related(m.Directive.Pos(), "map %s defines %s", m.Source.V, m.Variable.V))
			}
			if lh.h.Level.Location != loc {
				rel2 = append(rel2, related(anchor(s, l), "the Live path %q is served by %s, which inherits this line", l.Path, locName(loc)))
			}
			why := ""
			if strings.EqualFold(strings.TrimSpace(lh.bad.Args[1].V), "$http_upgrade") {
				why = " ($http_upgrade holds the Upgrade header, \"websocket\", not \"upgrade\")"
			}
			c.Report(rules.Finding{Pos: pos, End: end, Related: append(rel2, rel...), Entity: s.Entity(), Key: "value:" + lh.bad.Args[1].V,
				Message: fmt.Sprintf("%s sends Connection %q to Grafana for %s, %s%s: without the \"upgrade\" token Grafana answers 400 to the WebSocket handshake; %s",
					locName(loc), lh.bad.Args[1].V, l.What(), shown(lh.values), why, strings.Replace(fix, "add ", "write ", 1))})
		}
	})
}

// connectionMap returns a map of the stack's configs that turns
// $http_upgrade into "upgrade" for WebSocket requests, nil if none.
func connectionMap(a *fronting.Analysis, s *fronting.Server) *model.Map {
	for _, m := range a.MapsFrom(s.Config, "http_upgrade") {
		if v, ok := a.MapTable(m).Lookup("websocket"); ok && hasToken(v, "upgrade") {
			return m
		}
	}
	return nil
}

func checkHTTPVersion(c *rules.Context) {
	a := fronting.Of(c)
	liveServers(a, func(s *fronting.Server, l *fronting.Live) {
		loc := l.Location
		v := s.Config.Sem.Effective(loc, "proxy_http_version")
		if !v.Set() {
			if s.Config.Incomplete(loc, s.Server) {
				return
			}
			pos, end := fronting.Anchor(loc, s.Server)
			c.Report(rules.Finding{Pos: pos, End: end, Entity: s.Entity(), Key: "default:" + l.Path, Fix: versionFix(c, a, s, l, v),
				Message: fmt.Sprintf("%s proxies the Live WebSocket %s with nginx's default proxy_http_version 1.0: RFC 6455 requires HTTP/1.1 for the upgrade; Grafana accepts it, but other hops may refuse; add proxy_http_version 1.1;",
					locName(loc), l.Quoted())})
			return
		}
		d := v.Last()
		if argText(d, 0) == "1.1" {
			return
		}
		pos, end := argPos(d, 0)
		var rel []rules.Related
		if lvl, _ := v.Level(); lvl.Location != loc {
			rel = append(rel, related(anchor(s, l), "the Live path %q is served by %s, which inherits this value", l.Path, locName(loc)))
		}
		c.Report(rules.Finding{Pos: pos, End: end, Related: rel, Entity: s.Entity(), Key: "value:" + argText(d, 0), Fix: versionFix(c, a, s, l, v),
			Message: fmt.Sprintf("proxy_http_version %s applies to the Live WebSocket %s, served by %s: RFC 6455 requires HTTP/1.1 for the upgrade and hops may refuse another version; write proxy_http_version 1.1;",
				argText(d, 0), l.Quoted(), locName(loc))})
	})
}

// minReadTimeoutMS is the shortest proxy_read_timeout that outlives Grafana
// Live's ping interval with a margin.
const minReadTimeoutMS = 30_000

func checkReadTimeout(c *rules.Context) {
	a := fronting.Of(c)
	liveServers(a, func(s *fronting.Server, l *fronting.Live) {
		loc := l.Location
		v := s.Config.Sem.Effective(loc, "proxy_read_timeout")
		if !v.Set() {
			return
		}
		d := v.Last()
		ms, ok := parseNginxTime(argText(d, 0))
		if !ok || ms >= minReadTimeoutMS {
			return
		}
		pos, end := argPos(d, 0)
		var rel []rules.Related
		if lvl, _ := v.Level(); lvl.Location != loc {
			rel = append(rel, related(anchor(s, l), "the Live path %q is served by %s, which inherits this timeout", l.Path, locName(loc)))
		}
		msg := fmt.Sprintf("proxy_read_timeout %s applies to the Live WebSocket %s, served by %s: nginx closes the connection when Grafana sends nothing for that long, shorter than Grafana Live's ping interval (about 25s), so idle Live connections drop and reconnect; remove it (default 60s) or raise it to at least 30s",
			argText(d, 0), l.Quoted(), locName(loc))
		if ks := c.Kube(pos); ks != nil {
			msg = kubeReadTimeout(ks, argText(d, 0), l.Quoted())
		}
		c.Report(rules.Finding{Pos: pos, End: end, Related: rel, Entity: s.Entity(), Key: "value:" + argText(d, 0), Message: msg})
	})
}

// parseNginxTime reads an nginx time value ("30", "30s", "1m30s",
// "500ms", "1h") as ngx_parse_time does, in milliseconds.
func parseNginxTime(s string) (int64, bool) {
	if s == "" {
		return 0, false
	}
	units := map[string]int64{"ms": 1, "s": 1000, "m": 60_000, "h": 3_600_000, "d": 86_400_000, "w": 604_800_000, "M": 2_592_000_000, "y": 31_536_000_000}
	var total int64
	for s != "" {
		i := 0
		for i < len(s) && s[i] >= '0' && s[i] <= '9' {
			i++
		}
		if i == 0 {
			return 0, false
		}
		var n int64
		for _, ch := range s[:i] {
			n = n*10 + int64(ch-'0')
			if n > 1<<40 {
				return 0, false
			}
		}
		s = s[i:]
		j := 0
		for j < len(s) && (s[j] < '0' || s[j] > '9') && s[j] != ' ' {
			j++
		}
		unit := s[:j]
		s = strings.TrimLeft(s[j:], " ")
		if unit == "" {
			unit = "s"
		}
		m, ok := units[unit]
		if !ok {
			return 0, false
		}
		total += n * m
	}
	return total, true
}

// goodLocations is a location block set that gets Live through.
const goodLocations = `    location / {
        proxy_set_header Host $host;
        proxy_pass http://grafana:3000;
    }

    location /api/live/ {
        proxy_http_version 1.1;
        proxy_set_header Upgrade $http_upgrade;
        proxy_set_header Connection $connection_upgrade;
        proxy_set_header Host $host;
        proxy_pass http://grafana:3000;
    }
`

// exampleHTTP wraps server-level text in the http block of a documentation
// example, with the canonical map.
func exampleHTTP(server string) string {
	return `events {}

http {
    map $http_upgrade $connection_upgrade {
        default upgrade;
        ''      close;
    }

    server {
        listen 80;
        server_name grafana.example.com;

` + indent(server) + `    }
}
`
}

// indent shifts each non-empty line of s right by four spaces.
func indent(s string) string {
	lines := strings.Split(s, "\n")
	for i, l := range lines {
		if l != "" {
			lines[i] = "    " + l
		}
	}
	return strings.Join(lines, "\n")
}
