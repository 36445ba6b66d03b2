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
			"that URI; after `rewrite … break` the rewritten path is sent and the URI part is ignored " +
			"(nginx.org/en/docs/http/ngx_http_proxy_module.html#proxy_pass). Grafana registers the WebSocket at " +
			"`/api/live/ws` only (grafana/grafana `pkg/services/live/live.go` (v12.0.0), route `/api/live/ws`), " +
			"behind its sub-path when `serve_from_sub_path = true` (grafana/grafana `pkg/api/http_server.go` " +
			"`SetURLPrefix`), and answers 404 to anything else. When root_url is unknown, the path nginx sends " +
			"must be `/api/live/ws` or the location's own prefix plus it (Grafana set up to serve that sub-path).",
		Bad: []rules.Example{{Path: "nginx/nginx.conf", Content: exampleHTTP(`    location / {
        proxy_set_header Host $host;
        proxy_pass http://grafana:3000;
    }

    location /api/live {
        proxy_http_version 1.1;
        proxy_set_header Upgrade $http_upgrade;
        proxy_set_header Connection $connection_upgrade;
        proxy_set_header Host $host;
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
			"`serve_from_sub_path` with what nginx does. Fires when a page under the sub-path (`<sub-path>/`) " +
			"reaches Grafana without the sub-path while `serve_from_sub_path = true` (Grafana 10 and later " +
			"redirect it back to root_url in a loop; reported at the location serving the pages, even when the " +
			"Live location is fine), when nginx passes the sub-path on while `serve_from_sub_path = false` " +
			"(Grafana answers 404), and when no location of a Grafana-fronting server routes the Live path to " +
			"Grafana at all (static files, another application, a redirect) — typically root_url without the " +
			"sub-path nginx serves Grafana under. A stack without grafana.ini is checked with Grafana's default " +
			"root_url, which has no sub-path; environment overrides (`GF_SERVER_ROOT_URL`) count. For a lone " +
			"nginx file (no grafana.ini, no compose service) the sub-path may be configured where the linter " +
			"cannot see, and \"not routed\" is not reported.",
		Why: "The browser opens the Live WebSocket at its own origin plus root_url's sub-path plus `/api/live/ws` " +
			"(grafana/grafana `public/app/features/live/index.ts` `initGrafanaLive` and `centrifuge/service.ts` " +
			"`CentrifugeService` (v12.0.0)). With `serve_from_sub_path = false` Grafana serves from `/`, so the " +
			"proxy must strip the sub-path; with `true` Grafana strips it itself (grafana/grafana " +
			"`pkg/web/macaron.go` `SetURLPrefix`) and, since Grafana 10, redirects every request whose URI lacks " +
			"it back to root_url, except paths starting with `/api` (grafana/grafana " +
			"`pkg/middleware/subpath_redirect.go` `SubPathRedirect`, v12.0.0): pages loop, Live and the API " +
			"still answer.",
		Bad: []rules.Example{
			{Path: "grafana/grafana.ini", Content: "[server]\nroot_url = https://example.com/grafana/\nserve_from_sub_path = false\n"},
			{Path: "nginx/nginx.conf", Content: exampleHTTP(`    location /grafana/ {
        proxy_http_version 1.1;
        proxy_set_header Upgrade $http_upgrade;
        proxy_set_header Connection $connection_upgrade;
        proxy_set_header Host $host;
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
        proxy_set_header Host $host;
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
	a := fronting.Of(c)
	g := a.Grafana
	liveServers(a, func(s *fronting.Server, l *fronting.Live) {
		if !l.UpstreamKnown {
			return
		}
		want := expectedPath(g)
		if l.Primary {
			r := routeInGrafana(g, l.Upstream, c.Version)
			if r.served || (g.SubPath != "" && !g.ServeFromSubPath && l.Upstream == g.LivePath()) {
				return // fine, or the sub-path rule's case
			}
		} else {
			// An assumed sub-path: Grafana may be set up to serve it
			// (serve_from_sub_path) or to have it stripped; either path is
			// one it can serve.
			if l.Upstream == "/api/live/ws" || l.Upstream == l.Path {
				return
			}
			want = "/api/live/ws"
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
			fix = fmt.Sprintf("make the rewrite yield %q", want)
		case pass.Target != nil:
			f.Pos, f.End = pass.Target.Raw.Pos, pass.Target.Raw.End
			if pass.Target.Parsed.HasURIPart {
				how = fmt.Sprintf("%s with proxy_pass %q replaces the matched prefix %q by %q", locName(l.Location), pass.Target.Raw.V, l.Location.Path.V, pass.Target.Parsed.URIPart)
				fix = fmt.Sprintf("drop the URI part (proxy_pass %s;) or make it repeat the location prefix", withoutURI(pass.Target.Raw.V))
			} else {
				how = fmt.Sprintf("%s passes it to proxy_pass %q", locName(l.Location), pass.Target.Raw.V)
				fix = fmt.Sprintf("send %q upstream", want)
			}
		default:
			f.Pos, f.End = fronting.Anchor(l.Location, s.Server)
		}
		f.Related = append(f.Related, related(anchor(s, l), "nginx serves the Live path %q with %s", l.Path, locName(l.Location)))
		served := fmt.Sprintf("Grafana serves the WebSocket at %q only", want)
		if !l.Primary {
			served = fmt.Sprintf("Grafana serves the WebSocket at %q (or %q when it serves the sub-path itself) only", "/api/live/ws", l.Path)
		}
		f.Message = fmt.Sprintf("nginx sends %s to Grafana as %q (%s): %s and answers 404; %s",
			l.What(), l.Upstream, how, served, fix)
		if ks := c.Kube(f.Pos); ks != nil {
			f.Message = kubeLiveRewritten(ks, l.What(), l.Upstream, served, want)
			if p := c.Kube(anchor(s, l)); p != nil && p.Kind == model.KubeIngressPath {
				f.Related = []rules.Related{related(anchor(s, l), "path %q %s serves the Live path %q", p.Name, p.Where(), l.Path)}
			}
		}
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
	a := fronting.Of(c)
	g := a.Grafana
	for _, s := range a.Servers {
		if s.Live.Verdict == fronting.Elsewhere {
			reportNotRouted(c, a, s)
		}
		if !g.SubPathKnown || g.SubPath == "" {
			continue
		}
		page := pageRoute(a, s)
		if page != nil {
			if f, ok := pageFinding(c, a, s, page); ok {
				c.Report(f)
			}
		}
		l := s.Live
		if l.Verdict != fronting.Reaches || !l.UpstreamKnown || (page != nil && page.Location == l.Location) {
			continue
		}
		if !g.ServeFromSubPath && l.Upstream == g.LivePath() {
			f := keptFinding(c, a, s, l, l.Path)
			f.Key = "sub-path-kept:" + l.Path
			c.Report(f)
		}
	}
}

// pageRoute follows a page request under root_url's sub-path through s
// ("<sub-path>/", or "<sub-path>/login" when try_files leaves the first
// open); nil when it does not reach Grafana or cannot be followed.
func pageRoute(a *fronting.Analysis, s *fronting.Server) *fronting.Live {
	for _, path := range []string{a.Grafana.SubPath + "/", a.Grafana.SubPath + "/login"} {
		r, err := s.Config.Sem.Follow(s.Server, path)
		if err != nil || r == nil || len(r.Unevaluated) > 0 || r.Return != nil || r.Pass == nil {
			return nil
		}
		if r.Pass.Handler == "" {
			continue // try_files may serve a file
		}
		if r.Pass.Handler != "proxy" || !r.Pass.Known {
			return nil
		}
		loc := r.Location()
		if gp := s.ProxyAt(loc); gp != nil {
			p := &fronting.Live{Path: path, Route: r, Location: loc, Proxy: gp, Verdict: fronting.Reaches, UpstreamKnown: true}
			p.Upstream, _, _ = strings.Cut(r.Pass.UpstreamURI, "?")
			return p
		}
		return nil
	}
	return nil
}

// pageFinding decides how Grafana answers a page request nginx passes on
// under the sub-path: with serve_from_sub_path = true and the sub-path
// stripped, Grafana 10 and later redirect it back to root_url, a loop;
// with serve_from_sub_path = false and the sub-path kept, Grafana answers
// 404. The finding goes to the location serving the pages.
func pageFinding(c *rules.Context, a *fronting.Analysis, s *fronting.Server, page *fronting.Live) (rules.Finding, bool) {
	g := a.Grafana
	kept := page.Upstream == g.SubPath || strings.HasPrefix(page.Upstream, g.SubPath+"/")
	switch {
	case g.ServeFromSubPath && !kept && c.Version.AtLeast(10, 0):
		f := rules.Finding{Entity: s.Entity(), Key: "sub-path-stripped:" + page.Path}
		f.Pos, f.End = passPos(page)
		f.Related = settingsRelated(a)
		live := ""
		if s.Live.Verdict == fronting.Reaches && s.Live.Location != page.Location {
			live = fmt.Sprintf(" (%s serves the Live path; API paths, Live included, are exempt from the redirect)", locName(s.Live.Location))
		} else {
			live = " (API paths, Live included, are exempt from the redirect and still answer)"
		}
		f.Message = fmt.Sprintf("%s strips the sub-path %q: Grafana receives the page %q as %q, and with serve_from_sub_path = true Grafana (10 and later) redirects every page request without the sub-path back to root_url %q, an endless redirect loop%s; set serve_from_sub_path = false, or pass the sub-path on with proxy_pass %s; (no URI part)",
			locName(page.Location), g.SubPath, page.Path, page.Upstream, g.RootURL, live, withoutURI(targetRaw(page.Route.Pass)))
		if ks := c.Kube(f.Pos); ks != nil {
			f.Message = kubeStrips(ks, c.Kube(page.Location.Path.Pos), g.SubPath, page.Path, page.Upstream, g.RootURL)
		}
		return f, true
	case !g.ServeFromSubPath && kept:
		f := keptFinding(c, a, s, page, page.Path)
		f.Key = "pages-sub-path-kept:" + page.Path
		if s.Live.Verdict == fronting.Reaches && s.Live.Location == page.Location {
			f.Key = "sub-path-kept:" + s.Live.Path
		}
		return f, true
	}
	return rules.Finding{}, false
}

// keptFinding reports nginx passing the sub-path on to a Grafana that
// serves from "/" (serve_from_sub_path = false).
func keptFinding(c *rules.Context, a *fronting.Analysis, s *fronting.Server, l *fronting.Live, path string) rules.Finding {
	g := a.Grafana
	f := rules.Finding{Entity: s.Entity()}
	f.Pos, f.End = passPos(l)
	f.Related = settingsRelated(a)
	sent := fmt.Sprintf("%s sends %q to Grafana as %q", locName(l.Location), path, l.Upstream)
	if path == l.Upstream {
		sent = fmt.Sprintf("%s sends %q to Grafana as is", locName(l.Location), path)
	}
	f.Message = fmt.Sprintf("nginx passes the sub-path %q on (%s), but serve_from_sub_path is false, so Grafana serves from \"/\" and answers 404 to the Live WebSocket and every page; set serve_from_sub_path = true, or strip the sub-path with proxy_pass %s/; in %s",
		g.SubPath, sent, withoutURI(targetRaw(l.Route.Pass)), locName(l.Location))
	if ks := c.Kube(f.Pos); ks != nil {
		f.Message = kubeKept(ks, g.SubPath, path, l.Upstream)
	} else if ks := c.Kube(l.Location.Path.Pos); ks != nil && ks.Kind == model.KubeIngressPath {
		// ingress-nginx writes the proxy_pass; the user wrote the path.
		f.Pos, f.End = l.Location.Path.Pos, l.Location.Path.End
		f.Message = kubeKept(ks, g.SubPath, path, l.Upstream)
	}
	return f
}

// passPos is where a finding about what l's location passes upstream
// goes: the rewrite that changed the path, else the proxy_pass URL, else
// the location.
func passPos(l *fronting.Live) (model.Pos, model.Pos) {
	if rw := lastRewrite(l); rw != nil {
		return argPos(rw, 1)
	}
	if p := l.Route.Pass; p != nil && p.Target != nil {
		return p.Target.Raw.Pos, p.Target.Raw.End
	}
	return fronting.Anchor(l.Location, nil)
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
	case r.Pass.Handler == "static" && r.Pass.URI != "" && r.Pass.URI != l.Path:
		what = fmt.Sprintf("%s serves %q, the fallback of its try_files, as a file", locName(l.Location), r.Pass.URI)
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
	if ks := c.Kube(gp.Location.Path.Pos); ks != nil && ks.Kind == model.KubeIngressPath {
		f.Message = kubeNotRouted(ks, l.Path, r.Pass == nil, sub, g.SubPath)
	}
	c.Report(f)
}
