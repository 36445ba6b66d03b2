package proxy

import (
	"fmt"
	"strings"

	"github.com/grafanalint/grafanalint/parsers/model"
	"github.com/grafanalint/grafanalint/parsers/nginxsem"
	"github.com/grafanalint/grafanalint/rules"
	"github.com/grafanalint/grafanalint/rules/proxy/fronting"
)

// LivePathRewritten reports a Live path nginx sends upstream as a path
// Grafana does not serve.
var LivePathRewritten = &rules.Rule{
	ID:       "proxy/live-path-rewritten",
	Severity: rules.Error,
	Summary:  "proxy_pass with a URI part or a rewrite sends the Live path to Grafana as a path it does not serve (e.g. //ws)",
	Doc: rules.Doc{
		What: "Follows the Live path (`<root_url sub-path>/api/live/ws`) through nginx as nginx does (server " +
			"and location rewrites, the location search, `proxy_pass` URI replacement) and reports the " +
			"`proxy_pass` (or the rewrite) when the path Grafana receives is not one it serves, e.g. " +
			"`location /api/live { proxy_pass http://grafana:3000/; }`, which sends `//ws`. A `rewrite … break` " +
			"that restores the path is fine: nginx then ignores the `proxy_pass` URI part.",
		Why: "With a URI part, `proxy_pass` replaces the part of the request path the location prefix matched by " +
			"that URI; after `rewrite … break` the rewritten path is sent and the URI part is ignored (nginx.org, " +
			"ngx_http_proxy_module; GRAFANA.md §7). Grafana serves the WebSocket only at `/api/live/ws` (behind " +
			"its sub-path when `serve_from_sub_path = true`) and answers 404 to anything else (GRAFANA.md §5–6).",
		Bad: []rules.Example{{Path: "nginx/nginx.conf", Content: exampleHTTP(`    location / {
        proxy_set_header Host $http_host;
        proxy_pass http://grafana:3000;
    }

    location /api/live {
        proxy_http_version 1.1;
        proxy_set_header Upgrade $http_upgrade;
        proxy_set_header Connection $connection_upgrade;
        proxy_set_header Host $http_host;
        proxy_pass http://grafana:3000/;
    }
`)}},
		Good: []rules.Example{{Path: "nginx/nginx.conf", Content: exampleHTTP(goodLocations)}},
		Fix: "Drop the URI part (`proxy_pass http://grafana:3000;` passes the path unchanged), or make it map " +
			"the prefix onto itself (`location /api/live/ { proxy_pass http://grafana:3000/api/live/; }`).",
	},
	Needs: needsNginx,
	Check: checkLivePath,
}

// SubpathMismatch reports root_url's sub-path and nginx disagreeing.
var SubpathMismatch = &rules.Rule{
	ID:       "proxy/subpath-mismatch",
	Severity: rules.Error,
	Summary:  "root_url's sub-path and nginx disagree: nginx strips or keeps the sub-path against serve_from_sub_path, or no location routes the Live path to Grafana",
	Doc: rules.Doc{
		What: "Compares root_url's sub-path (`/grafana` in `https://example.com/grafana/`) and " +
			"`serve_from_sub_path` with what nginx does with the Live path `<sub-path>/api/live/ws`. Fires when " +
			"nginx passes the sub-path on while `serve_from_sub_path = false`, when it strips the sub-path while " +
			"`serve_from_sub_path = true` (Grafana 10 and later), and when no location of a Grafana-fronting " +
			"server routes the Live path to Grafana at all (static files, another application, a redirect) — " +
			"typically root_url without the sub-path nginx serves Grafana under. A stack without grafana.ini is " +
			"checked with Grafana's default root_url, which has no sub-path; environment overrides " +
			"(`GF_SERVER_ROOT_URL`) count.",
		Why: "The browser opens the Live WebSocket at its own origin plus root_url's sub-path plus `/api/live/ws` " +
			"(GRAFANA.md §6). With `serve_from_sub_path = false` Grafana serves from `/`, so the proxy must strip " +
			"the sub-path; with `true` Grafana strips it itself and, since Grafana 10, redirects requests that lack " +
			"it (API paths excepted) back to root_url, an endless loop when nginx strips it " +
			"(`pkg/middleware/subpath_redirect.go`, `pkg/web` SetURLPrefix; GRAFANA.md §5).",
		Bad: []rules.Example{
			{Path: "grafana/grafana.ini", Content: "[server]\nroot_url = https://example.com/grafana/\nserve_from_sub_path = false\n"},
			{Path: "nginx/nginx.conf", Content: exampleHTTP(`    location /grafana/ {
        proxy_http_version 1.1;
        proxy_set_header Upgrade $http_upgrade;
        proxy_set_header Connection $connection_upgrade;
        proxy_set_header Host $http_host;
        proxy_pass http://grafana:3000;
    }
`)},
		},
		Good: []rules.Example{
			{Path: "grafana/grafana.ini", Content: "[server]\nroot_url = https://example.com/grafana/\nserve_from_sub_path = true\n"},
			{Path: "nginx/nginx.conf", Content: exampleHTTP(`    location /grafana/ {
        proxy_http_version 1.1;
        proxy_set_header Upgrade $http_upgrade;
        proxy_set_header Connection $connection_upgrade;
        proxy_set_header Host $http_host;
        proxy_pass http://grafana:3000;
    }
`)},
		},
		Fix: "Pick one: `serve_from_sub_path = true` and `proxy_pass http://grafana:3000;` (no URI part: the " +
			"sub-path reaches Grafana), or `serve_from_sub_path = false` and `proxy_pass http://grafana:3000/;` in " +
			"`location /grafana/` (nginx strips it). Set root_url to the public URL including the sub-path nginx " +
			"serves Grafana under.",
	},
	Needs: needsNginx,
	Check: checkSubpath,
}

// grafanaRoute is what Grafana does with the path nginx sends it for the
// Live WebSocket.
type grafanaRoute struct {
	served bool
	// stripped: Grafana serves it only because API paths escape the
	// sub-path redirect (serve_from_sub_path = true, sub-path missing).
	stripped bool
}

// routeInGrafana models Grafana's HTTP server for a request path: with
// serve_from_sub_path and a sub-path, web.Mux trims the sub-path prefix
// (SetURLPrefix) and, since Grafana 10, SubPathRedirect answers 301 to a
// request without the sub-path unless it starts with /api; the WebSocket
// route is /api/live/ws exactly.
func routeInGrafana(g *fronting.Grafana, path string, v rules.Version) grafanaRoute {
	route := path
	missing := false
	if g.ServeFromSubPath && g.SubPath != "" {
		route = strings.TrimPrefix(path, g.SubPath)
		missing = !strings.HasPrefix(path, g.SubPath)
		if missing && v.AtLeast(10, 0) && !strings.HasPrefix(path, "/api") {
			return grafanaRoute{}
		}
	}
	r := grafanaRoute{served: route == "/api/live/ws"}
	r.stripped = r.served && missing && v.AtLeast(10, 0)
	return r
}

// expectedPath is the path Grafana should receive for the Live WebSocket.
func expectedPath(g *fronting.Grafana) string {
	if g.ServeFromSubPath {
		return g.LivePath()
	}
	return "/api/live/ws"
}

func checkLivePath(c *rules.Context) {
	a := fronting.Analyze(c.Stack)
	g := a.Grafana
	liveServers(a, func(s *fronting.Server) {
		l := s.Live
		if !l.UpstreamKnown {
			return
		}
		r := routeInGrafana(g, l.Upstream, c.Version)
		if r.served || (g.SubPath != "" && !g.ServeFromSubPath && l.Upstream == g.LivePath()) {
			return // fine, or the sub-path rule's case
		}
		pass := l.Route.Pass
		f := rules.Finding{Entity: s.Entity(), Key: "path:" + l.Path + "->" + l.Upstream}
		how := ""
		fix := ""
		rw := lastRewrite(l)
		switch {
		case rw != nil:
			f.Pos, f.End = argPos(rw, 1)
			how = fmt.Sprintf("%s in %s rewrites it", directiveText(rw), locName(l.Location))
			fix = fmt.Sprintf("make the rewrite yield %q", expectedPath(g))
		case pass.Target != nil:
			f.Pos, f.End = pass.Target.Raw.Pos, pass.Target.Raw.End
			if pass.Target.Parsed.HasURIPart {
				how = fmt.Sprintf("%s with proxy_pass %q replaces the matched prefix %q by %q", locName(l.Location), pass.Target.Raw.V, l.Location.Path.V, pass.Target.Parsed.URIPart)
				fix = fmt.Sprintf("drop the URI part (proxy_pass %s;) or make it repeat the location prefix", withoutURI(pass.Target.Raw.V))
			} else {
				how = fmt.Sprintf("%s passes it to proxy_pass %q", locName(l.Location), pass.Target.Raw.V)
				fix = fmt.Sprintf("send %q upstream", expectedPath(g))
			}
		default:
			f.Pos, f.End = fronting.Anchor(l.Location, s.Server)
		}
		f.Related = append(f.Related, related(anchor(s), "nginx serves the Live path %q with %s", l.Path, locName(l.Location)))
		f.Message = fmt.Sprintf("nginx sends the Live path %q to Grafana as %q (%s): Grafana serves the WebSocket at %q only and answers 404; %s",
			l.Path, l.Upstream, how, expectedPath(g), fix)
		c.Report(f)
	})
}

// lastRewrite returns the last rewrite that changed the Live path on its
// way (location rewrites first, then server-level ones), nil if none.
func lastRewrite(l *fronting.Live) *model.Directive {
	if p := l.Route.Pass; p != nil {
		for i := len(p.Rewrites) - 1; i >= 0; i-- {
			if p.Rewrites[i].From != p.Rewrites[i].To {
				return p.Rewrites[i].Directive
			}
		}
	}
	for i := len(l.Route.ServerRewrites) - 1; i >= 0; i-- {
		if rw := l.Route.ServerRewrites[i]; rw.From != rw.To {
			return rw.Directive
		}
	}
	return nil
}

// withoutURI drops the URI part of a proxy_pass URL.
func withoutURI(u string) string {
	scheme, rest, ok := strings.Cut(u, "://")
	if !ok {
		return u
	}
	if i := strings.IndexAny(rest, "/?"); i >= 0 {
		rest = rest[:i]
	}
	return scheme + "://" + rest
}

func checkSubpath(c *rules.Context) {
	a := fronting.Analyze(c.Stack)
	g := a.Grafana
	for _, s := range a.Servers {
		l := s.Live
		switch l.Verdict {
		case fronting.Elsewhere:
			reportNotRouted(c, a, s)
		case fronting.Reaches:
			if !l.UpstreamKnown || g.SubPath == "" {
				continue
			}
			r := routeInGrafana(g, l.Upstream, c.Version)
			pass := l.Route.Pass
			f := rules.Finding{Entity: s.Entity()}
			if pass.Target != nil {
				f.Pos, f.End = pass.Target.Raw.Pos, pass.Target.Raw.End
			} else {
				f.Pos, f.End = fronting.Anchor(l.Location, s.Server)
			}
			if rw := lastRewrite(l); rw != nil {
				f.Pos, f.End = argPos(rw, 1)
			}
			f.Related = settingsRelated(a)
			switch {
			case !g.ServeFromSubPath && l.Upstream == g.LivePath():
				f.Key = "sub-path-kept:" + l.Path
				f.Message = fmt.Sprintf("nginx passes the sub-path %q on: Grafana receives the Live path as %q, but serve_from_sub_path is false, so Grafana serves from \"/\" and answers 404 (to every other page too); set serve_from_sub_path = true, or strip the sub-path with proxy_pass %s/; in %s",
					g.SubPath, l.Upstream, withoutURI(targetRaw(pass)), locName(l.Location))
			case r.stripped:
				f.Key = "sub-path-stripped:" + l.Path
				f.Message = fmt.Sprintf("nginx strips the sub-path %q: Grafana receives %q, but with serve_from_sub_path = true Grafana redirects every page request without the sub-path back to root_url, an endless redirect loop (API paths, Live included, still answer); set serve_from_sub_path = false, or pass the sub-path on with proxy_pass %s; (no URI part)",
					g.SubPath, l.Upstream, withoutURI(targetRaw(pass)))
			default:
				continue
			}
			c.Report(f)
		}
	}
}

// targetRaw is the proxy_pass URL of p as written.
func targetRaw(p *nginxsem.Pass) string {
	if p != nil && p.Target != nil {
		return p.Target.Raw.V
	}
	return "http://grafana:3000"
}

// settingsRelated points at root_url and serve_from_sub_path where they
// are written.
func settingsRelated(a *fronting.Analysis) []rules.Related {
	var out []rules.Related
	g := a.Grafana
	if p := settingPos(a.Stack.Settings, g.Setting); p.IsValid() {
		if g.SubPath == "" {
			out = append(out, related(p, "root_url %q has no sub-path", g.RootURL))
		} else {
			out = append(out, related(p, "root_url %q sets the sub-path %q", g.RootURL, g.SubPath))
		}
	}
	if p := settingPos(a.Stack.Settings, g.ServeFromSubPathSetting); p.IsValid() {
		out = append(out, related(p, "serve_from_sub_path is %v here", g.ServeFromSubPath))
	}
	return out
}

// settingPos returns where an effective setting is written: the value in
// grafana.ini, or the environment variable's definition; zero for
// defaults.
func settingPos(s *model.Settings, st *model.Setting) model.Pos {
	if st == nil {
		return model.Pos{}
	}
	switch st.Source.Kind {
	case model.SourceFile:
		if st.Written != nil {
			return st.Written.Value.Pos
		}
		return st.Source.Pos
	case model.SourceEnv:
		for i := len(s.Env) - 1; i >= 0; i-- {
			if s.Env[i].Name == st.Source.Env {
				if s.Env[i].ValuePos.IsValid() {
					return s.Env[i].ValuePos
				}
				return s.Env[i].Pos
			}
		}
	}
	return model.Pos{}
}

// reportNotRouted reports a Grafana-fronting server that does not send the
// Live path to Grafana. With root_url left at its default it needs to see
// Grafana's configuration (a compose service or grafana.ini): for a lone
// nginx file, the sub-path is set somewhere the linter cannot see.
func reportNotRouted(c *rules.Context, a *fronting.Analysis, s *fronting.Server) {
	g := a.Grafana
	st := a.Stack
	if !g.Explicit && !st.HasIni && st.ComposeService == "" {
		return
	}
	l := s.Live
	r := l.Route
	what := ""
	switch {
	case l.Return != nil && l.Return.IsRedirect():
		what = fmt.Sprintf("%s answers %d (a redirect, which a WebSocket does not follow)", locName(l.Location), l.Return.Code)
	case l.Return != nil:
		what = fmt.Sprintf("%s answers %d itself", locName(l.Location), l.Return.Code)
	case r.Pass == nil:
		what = "no location matches it, so nginx serves it as a file from the server's root"
	case r.Pass.Handler == "static":
		what = fmt.Sprintf("%s serves it as a file (root/alias)", locName(l.Location))
	case r.Pass.Handler == "proxy" && r.Pass.Target != nil:
		what = fmt.Sprintf("%s proxies it to %q, which is not Grafana", locName(l.Location), r.Pass.Target.Raw.V)
	default:
		what = fmt.Sprintf("%s hands it to %s", locName(l.Location), r.Pass.Handler)
	}
	pos, end := fronting.Anchor(l.Location, s.Server)
	f := rules.Finding{Pos: pos, End: end, Entity: s.Entity(), Key: "not-routed:" + l.Path}
	gp := s.Proxies[0]
	f.Related = append(f.Related, related(gp.Location.Path.Pos, "Grafana is proxied here (%s)", gp.Reason))
	f.Related = append(f.Related, settingsRelated(a)...)
	sub := "has no sub-path"
	if g.SubPath != "" {
		sub = fmt.Sprintf("has the sub-path %q", g.SubPath)
	}
	if !g.Explicit {
		sub += " (Grafana's default: the stack sets no root_url)"
	}
	fix := fmt.Sprintf("add a location for %q that proxies to Grafana", l.Path)
	if p := gp.Location.Path.V; gp.Location.Modifier == "" || gp.Location.Modifier == "^~" {
		if prefix := strings.TrimSuffix(p, "/"); prefix != "" && prefix != g.SubPath && !strings.HasPrefix(prefix, "/api") {
			fix = fmt.Sprintf("set root_url to the public URL with the sub-path %q (e.g. %q) and serve_from_sub_path to match what nginx passes on, or %s", prefix, "https://<host>"+prefix+"/", fix)
		}
	}
	f.Message = fmt.Sprintf("no location routes the Live path %q to Grafana: %s, while Grafana is proxied under %s and root_url %s, so the Live WebSocket never reaches Grafana; %s",
		l.Path, what, locName(gp.Location), sub, fix)
	c.Report(f)
}
