// Package live holds the rules about grafana.ini's [live] section:
// Live switched off while dashboards use it, and allowed_origins entries
// that can never match a browser's Origin.
package live

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/grafanalint/grafanalint/parsers/model"
	"github.com/grafanalint/grafanalint/parsers/nginxsem"
	"github.com/grafanalint/grafanalint/rules"
	"github.com/grafanalint/grafanalint/rules/fix"
	"github.com/grafanalint/grafanalint/rules/proxy"
	"github.com/grafanalint/grafanalint/rules/proxy/fronting"
)

// Rules returns the live rules of this package in catalogue order
// (live/worker-connections lives with the nginx rules).
func Rules() []*rules.Rule { return []*rules.Rule{Disabled, AllowedOriginNoScheme} }

// Disabled reports [live] max_connections = 0.
var Disabled = &rules.Rule{
	ID:       "live/disabled",
	Severity: rules.Error,
	Summary:  "[live] max_connections = 0 switches Grafana Live off (error when dashboards use Live)",
	Doc: rules.Doc{
		What: "Reports `[live] max_connections = 0`, written in grafana.ini or set with the " +
			"`GF_LIVE_MAX_CONNECTIONS` environment variable. It is an error when a dashboard of the " +
			"stack uses Live (a Live channel in a `-- Grafana --` measurements query, a TestData " +
			"`live` query, a `live` panel), otherwise info. Dashboards no provider loads count too: " +
			"they are in the repository to be imported. Channels of hidden queries (`\"hide\": true`, " +
			"v2 `hidden: true`) do not count: Grafana never runs them.",
		Why: "Grafana reads `max_connections` in `readLiveSettings` (grafana/grafana `pkg/setting/setting.go`, " +
			"v12.0.0); 0 disables Live: the browser never opens the `/api/live/ws` WebSocket (grafana/grafana " +
			"`public/app/features/live/index.ts`, `liveEnabled`), so streaming panels stay empty and dashboards " +
			"get no change notices. -1 means unlimited, the default is 100. There is no `[live] enabled` key: " +
			"this is the only switch. The `-- Grafana --` and TestData datasources skip hidden queries (`if " +
			"(target.hide) continue` in their `query()`), so those never subscribe.",
		Bad: []rules.Example{
			{Path: "grafana/grafana.ini", Content: "[live]\nmax_connections = 0\n"},
			{Path: "grafana/provisioning/dashboards/provider.yaml", Content: exampleProvider},
			{Path: "grafana/provisioning/dashboards/live.json", Content: exampleDashboard},
		},
		Good: []rules.Example{
			{Path: "grafana/grafana.ini", Content: "[live]\nmax_connections = 200\n"},
			{Path: "grafana/provisioning/dashboards/provider.yaml", Content: exampleProvider},
			{Path: "grafana/provisioning/dashboards/live.json", Content: exampleDashboard},
		},
		Fix: "Remove the setting (or the environment variable), or set a positive limit sized for " +
			"the number of open browser tabs; -1 removes the limit.",
	},
	Check: checkDisabled,
}

// liveUse is the first place a stack's dashboards need Live.
type liveUse struct {
	pos   model.Pos
	what  string
	count int
}

// firstLiveUse returns where the stack's dashboards first use Live
// (provisioned dashboards first), or nil.
func firstLiveUse(s *model.Stack) *liveUse {
	var u *liveUse
	for _, d := range s.AllDashboards() {
		channels := 0
		for _, ch := range d.Channels {
			if ch.Hidden {
				// Grafana does not run hidden queries: no subscription.
				continue
			}
			if u == nil {
				u = &liveUse{pos: ch.Value.Pos, what: fmt.Sprintf("Live channel %q", channelID(ch))}
			}
			u.count++
			channels++
		}
		if d.LivePanels > 0 && channels == 0 {
			if u == nil {
				u = &liveUse{pos: livePanelPos(d), what: "a live panel"}
			}
			u.count += d.LivePanels
		}
	}
	return u
}

// livePanelPos is where a dashboard's first live panel is: its "type"
// value, else the title, else the file's start.
func livePanelPos(d *model.Dashboard) model.Pos {
	if len(d.LivePanelPos) > 0 && d.LivePanelPos[0].IsValid() {
		return d.LivePanelPos[0]
	}
	if d.Title.Pos.IsValid() {
		return d.Title.Pos
	}
	return model.Pos{File: d.File, Line: 1, Col: 1}
}

func channelID(ch *model.Channel) string {
	if ch.Source == model.ChannelTestData {
		return "plugin/testdata/" + ch.Value.V
	}
	return ch.Value.V
}

func checkDisabled(c *rules.Context) {
	s := c.Stack.Settings
	st := s.Get("live", "max_connections")
	if st == nil || st.Dynamic {
		return
	}
	// go-ini's MustInt(100): strconv.ParseInt(value, 0, 64), the default on
	// error.
	if n, err := strconv.ParseInt(st.Value, 0, 64); err != nil || n != 0 {
		return
	}
	f := rules.Finding{Entity: "ini:live.max_connections", Key: "max_connections"}
	setBy := "[live] max_connections = 0"
	switch {
	case st.Source.Kind == model.SourceEnv:
		setBy = fmt.Sprintf("%s=%s", st.Source.Env, st.Value)
		if ev := envVar(s, st.Source.Env); ev != nil && ev.Pos.IsValid() {
			f.Pos = ev.Pos
		}
		if st.Written != nil {
			f.Related = append(f.Related, rules.Related{Pos: st.Written.Value.Pos, Message: "the value written in grafana.ini, overridden by the environment"})
		}
	case st.Written != nil:
		f.Pos, f.End = st.Written.Value.Pos, st.Written.Value.End
	default:
		f.Pos = st.Source.Pos
	}
	use := firstLiveUse(c.Stack)
	if use != nil {
		f.Severity = rules.Error
		places := "1 place"
		if use.count > 1 {
			places = fmt.Sprintf("%d places", use.count)
		}
		f.Message = fmt.Sprintf("%s disables Grafana Live, but dashboards use it in %s (first: %s): the browser never opens the Live WebSocket and those panels stay empty; remove the setting or set a positive limit (-1 = unlimited)", setBy, places, use.what)
		f.Related = append(f.Related, rules.Related{Pos: use.pos, Message: fmt.Sprintf("%s needs Grafana Live", upper(use.what))})
		if !f.Pos.IsValid() {
			// An override given on the command line has no place in a file:
			// report where it hurts.
			f.Pos = use.pos
		}
	} else {
		f.Severity = rules.Info
		f.Message = fmt.Sprintf("%s disables Grafana Live: no dashboard of this stack uses it, but streaming panels and dashboard change notices will not work; remove the setting to keep Live available", setBy)
	}
	c.Report(f)
}

func envVar(s *model.Settings, name string) *model.EnvVar {
	for i := len(s.Env) - 1; i >= 0; i-- {
		if s.Env[i].Name == name {
			return &s.Env[i]
		}
	}
	return nil
}

func upper(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

// AllowedOriginNoScheme reports allowed_origins entries without a scheme.
var AllowedOriginNoScheme = &rules.Rule{
	ID:       "live/allowed-origin-no-scheme",
	Severity: rules.Warning,
	Fix: "prepends the scheme nginx serves Grafana on for the entry's origin (in grafana.ini, or in the `GF_LIVE_ALLOWED_ORIGINS` " +
		"value of a compose file or env file): the scheme of every server that proxies to Grafana under the entry's host, on the " +
		"entry's port (on the scheme's default port when the entry has none, as browsers then send no port). No fix when nginx " +
		"serves that origin over both schemes or not at all, for a glob, or when several stacks read the file.",
	Summary: "a [live] allowed_origins entry has no scheme:// and can never match an Origin",
	Doc: rules.Doc{
		What: "Reports each entry of `[live] allowed_origins` (from grafana.ini or `GF_LIVE_ALLOWED_ORIGINS`) that " +
			"has no `scheme://`, such as `grafana.example.com` or `localhost:3000`. `*` and entries whose " +
			"leading wildcard can stand for the scheme (`*.example.com`) are fine. When Live's earlier checks " +
			"already admit the origin the entry names — root_url has that scheme and host, or nginx sends a Host " +
			"equal to the browser's `host[:port]` — no browser is refused because of it, and the finding is info " +
			"saying so.",
		Why: "Grafana splits `allowed_origins` at commas, trims each entry, and compiles it as a glob " +
			"(grafana/grafana `pkg/setting/setting.go` `readLiveSettings`, v12.0.0); the WebSocket origin check " +
			"(grafana/grafana `pkg/services/live/live.go` (v12.0.0) `getCheckOriginFunc`, `checkAllowedOrigin`) " +
			"admits an Origin equal to the Host header, then one matching root_url's scheme and host, and only " +
			"then matches the globs against the whole `Origin` header, which browsers always send as " +
			"`scheme://host[:port]`. An entry without the scheme matches nothing, so browsers on that origin " +
			"that the earlier checks refuse get 403 and Grafana logs `Request Origin is not authorized`.",
		Bad: []rules.Example{
			{Path: "grafana/grafana.ini", Content: "[live]\nallowed_origins = grafana.example.com, https://ops.example.com\n"},
			{Path: "nginx/nginx.conf", Content: exampleTLSNginx},
		},
		Good:  []rules.Example{{Path: "grafana/grafana.ini", Content: "[live]\nallowed_origins = https://grafana.example.com, https://ops.example.com\n"}},
		Fixed: []rules.Example{{Path: "grafana/grafana.ini", Content: "[live]\nallowed_origins = https://grafana.example.com, https://ops.example.com\n"}},
		Fix:   "Write each origin with its scheme (and port, when not the default): `https://grafana.example.com`, `http://localhost:3000`; or `*` to allow any origin.",
	},
	Check: checkAllowedOrigins,
}

func checkAllowedOrigins(c *rules.Context) {
	a := fronting.Of(c)
	s := c.Stack.Settings
	st := s.Get("live", "allowed_origins")
	if st == nil || st.Dynamic || strings.TrimSpace(st.Value) == "" {
		return
	}
	var base *model.Str
	var env *model.EnvVar
	switch {
	case st.Source.Kind == model.SourceEnv:
		env = envVar(s, st.Source.Env)
	case st.Written != nil && st.Written.Value.V == st.Value:
		base = &st.Written.Value
	}
	from := 0
	for _, raw := range strings.Split(st.Value, ",") {
		at := from
		from += len(raw) + 1
		entry := strings.TrimSpace(raw)
		if entry == "" || hasScheme(entry) || !balanced(entry) {
			// An unbalanced glob ("{http" of "{http,https}://x", split at
			// the comma) stops Grafana at start: ini/invalid-value's case.
			continue
		}
		at += strings.Index(raw, entry)
		f := rules.Finding{
			Message: fmt.Sprintf("allowed_origins entry %q has no scheme: Grafana Live matches each entry as a glob against the whole Origin header (scheme://host[:port]), so it never matches and browsers on that origin get 403; write %q (or \"*\" to allow any origin)", entry, "https://"+entry),
			Entity:  "ini:live.allowed_origins",
			Key:     entry,
		}
		if why, ok := admitted(a, entry); ok {
			// Another check lets these browsers in: the entry is dead
			// weight, not a 403.
			f.Severity = rules.Info
			f.Message = fmt.Sprintf("allowed_origins entry %q has no scheme, so it never matches an Origin (scheme://host[:port]), but no browser is refused for it: %s; write %q or remove the entry", entry, why, why2scheme(a, entry))
		}
		switch {
		case base != nil:
			f.Pos = advance(base.Pos, base.V[:at])
			f.End = advance(f.Pos, entry)
		case env != nil && env.ValuePos.IsValid() && env.Value == st.Value && !strings.ContainsAny(st.Value[:at+len(entry)], "\r\n"):
			f.Pos = advance(env.ValuePos, st.Value[:at])
			f.End = advance(f.Pos, entry)
		case env != nil && env.Pos.IsValid():
			f.Pos = env.Pos
		case st.Written != nil:
			f.Pos = st.Written.Value.Pos
		default:
			f.Pos = st.Source.Pos
		}
		f.Fix = schemeFix(c, a, f, entry)
		c.Report(f)
	}
}

// schemeFix prepends to a scheme-less allowed_origins entry the scheme
// nginx serves Grafana on for that origin: the scheme of every server
// that fronts Grafana under the entry's host, on the entry's port (on the
// scheme's default port when the entry has none, as browsers then send
// no port). Only when exactly one scheme is known, the entry is a plain
// host[:port] at a known span, and one stack reads the file (another
// stack's nginx may serve it otherwise).
func schemeFix(c *rules.Context, a *fronting.Analysis, f rules.Finding, entry string) *fix.Fix {
	scheme, ok := servedScheme(a, entry)
	if !ok || !f.End.IsValid() || c.StacksReading(f.Pos.File) > 1 {
		return nil
	}
	e, ok := fix.ReplaceStr(model.Str{V: entry, Pos: f.Pos, End: f.End}, scheme+"://"+entry, fix.Raw)
	if !ok {
		return nil
	}
	return &fix.Fix{Message: fmt.Sprintf("write %q: nginx serves Grafana for %s over %s only", scheme+"://"+entry, entry, scheme), Edits: []fix.Edit{e}}
}

// servedScheme returns the one scheme the stack's nginx serves Grafana on
// for the origin an allowed_origins entry names; ok is false when it
// serves none or several, or the entry is not a plain host[:port].
func servedScheme(a *fronting.Analysis, entry string) (string, bool) {
	host, port := splitEntry(entry)
	if host == "" || strings.ContainsAny(entry, "*?[]{}/\\") || (strings.Contains(entry, ":") && port == 0) {
		return "", false
	}
	var schemes []string
	for _, s := range a.Servers {
		for _, o := range s.Origins {
			if !strings.EqualFold(o.Host, host) {
				continue
			}
			if port == 0 && !o.DefaultPort() || port != 0 && o.Port != port {
				continue
			}
			if !slices.Contains(schemes, o.Scheme) {
				schemes = append(schemes, o.Scheme)
			}
		}
	}
	if len(schemes) != 1 {
		return "", false
	}
	return schemes[0], true
}

// admitted says why browsers on the origin a scheme-less entry names get
// through Live's origin check anyway (getCheckOriginFunc admits an Origin
// whose host:port equals the Host header, then one that matches root_url's
// scheme and host, and root_url's port when the Origin has one, before it
// tries allowed_origins); ok is false when some plausible origin of the
// entry is admitted by neither. The plausible origins use the schemes of
// the nginx servers that name the entry's host, else root_url's scheme
// when it names that host, else both http and https.
func admitted(a *fronting.Analysis, entry string) (string, bool) {
	host, port := splitEntry(entry)
	if host == "" || strings.ContainsAny(entry, "*?[]{}/") {
		return "", false
	}
	g := a.Grafana
	var schemes []string
	var servers []*fronting.Server
	for _, s := range a.Servers {
		for _, o := range s.Origins {
			if strings.EqualFold(o.Host, host) && (port == 0 || o.Port == port) {
				servers = append(servers, s)
				if !slices.Contains(schemes, o.Scheme) {
					schemes = append(schemes, o.Scheme)
				}
			}
		}
	}
	switch {
	case len(schemes) > 0:
		// nginx serves that host: browsers use its schemes.
	case g.OriginKnown && host == g.Host:
		schemes = []string{g.Scheme}
	default:
		schemes = []string{"http", "https"}
	}
	var whys []string
	for _, scheme := range schemes {
		o := nginxsem.Origin{Scheme: scheme, Host: host, Port: port, ListenPort: port}
		if port == 0 {
			o.Port = 80
			if scheme == "https" {
				o.Port = 443
			}
		}
		switch {
		case rootURLAdmits(g, o, port != 0):
			whys = append(whys, fmt.Sprintf("root_url %q admits the Origin %s", g.RootURL, o.String()))
		case hostAdmits(a, servers, o):
			whys = append(whys, fmt.Sprintf("nginx sends the Host %q, which Live's first check finds equal to the Origin %s", strings.TrimPrefix(strings.TrimPrefix(o.String(), "https://"), "http://"), o.String()))
		default:
			return "", false
		}
	}
	return strings.Join(whys, "; "), true
}

// rootURLAdmits is checkAllowedOrigin's root_url test for origin o.
func rootURLAdmits(g *fronting.Grafana, o nginxsem.Origin, withPort bool) bool {
	if !g.OriginKnown || o.Scheme != g.Scheme || o.Host != g.Host {
		return false
	}
	if o.DefaultPort() && !withPort {
		return true
	}
	return g.PortWritten && g.Port == o.Port
}

// hostAdmits reports whether every server serving o sends a Host equal to
// the Origin's host[:port] on the Live path.
func hostAdmits(a *fronting.Analysis, servers []*fronting.Server, o nginxsem.Origin) bool {
	if len(servers) == 0 {
		return false
	}
	want := strings.TrimPrefix(strings.TrimPrefix(o.String(), "https://"), "http://")
	for _, s := range servers {
		h, ok := proxy.LiveHost(a, s, o)
		if !ok || !strings.EqualFold(h, want) {
			return false
		}
	}
	return true
}

// splitEntry splits "host[:port]"; port is 0 when absent or not a number.
func splitEntry(e string) (string, int) {
	host, p, ok := strings.Cut(e, ":")
	if !ok {
		return strings.ToLower(e), 0
	}
	n, err := strconv.Atoi(p)
	if err != nil {
		return "", 0
	}
	return strings.ToLower(host), n
}

// why2scheme is the entry with the scheme browsers use for it.
func why2scheme(a *fronting.Analysis, entry string) string {
	host, _ := splitEntry(entry)
	for _, s := range a.Servers {
		for _, o := range s.Origins {
			if strings.EqualFold(o.Host, host) {
				return o.Scheme + "://" + entry
			}
		}
	}
	if g := a.Grafana; g.OriginKnown && g.Host == host {
		return g.Scheme + "://" + entry
	}
	return "https://" + entry
}

// hasScheme reports whether a glob entry can match "scheme://…": it says
// "://", or a "*" before its first ".", ":" or "/" can stand for the
// scheme ("*", "*.example.com").
func hasScheme(entry string) bool {
	if strings.Contains(entry, "://") {
		return true
	}
	head := entry
	if i := strings.IndexAny(entry, ".:/"); i >= 0 {
		head = entry[:i]
	}
	return strings.Contains(head, "*")
}

// balanced reports whether the braces and brackets of a glob pair up, as
// gobwas/glob (which Grafana compiles the entries with) requires.
func balanced(glob string) bool {
	var stack []byte
	for i := 0; i < len(glob); i++ {
		switch c := glob[i]; c {
		case '\\':
			i++
		case '{', '[':
			stack = append(stack, c)
		case '}', ']':
			open := byte('{')
			if c == ']' {
				open = '['
			}
			if len(stack) == 0 || stack[len(stack)-1] != open {
				return false
			}
			stack = stack[:len(stack)-1]
		}
	}
	return len(stack) == 0
}

// advance moves p over text, counting code points.
func advance(p model.Pos, text string) model.Pos {
	for len(text) > 0 {
		r, n := utf8.DecodeRuneInString(text)
		text = text[n:]
		if r == '\n' {
			p.Line++
			p.Col = 1
			continue
		}
		p.Col++
	}
	return p
}

// exampleTLSNginx serves Grafana on https://grafana.example.com.
const exampleTLSNginx = `events {}

http {
    map $http_upgrade $connection_upgrade {
        default upgrade;
        ''      close;
    }

    server {
        listen 443 ssl;
        server_name grafana.example.com;
        ssl_certificate /etc/ssl/grafana.pem;
        ssl_certificate_key /etc/ssl/grafana.key;

        location / {
            proxy_http_version 1.1;
            proxy_set_header Host $host;
            proxy_set_header Upgrade $http_upgrade;
            proxy_set_header Connection $connection_upgrade;
            proxy_pass http://grafana:3000;
        }
    }
}
`

const exampleProvider = `apiVersion: 1
providers:
  - name: default
    options:
      path: /etc/grafana/provisioning/dashboards
`

const exampleDashboard = `{
  "uid": "live-demo",
  "title": "Live demo",
  "schemaVersion": 39,
  "panels": [
    {
      "id": 1,
      "type": "timeseries",
      "title": "CPU (live)",
      "datasource": {"type": "datasource", "uid": "grafana"},
      "targets": [
        {
          "refId": "A",
          "datasource": {"type": "datasource", "uid": "grafana"},
          "queryType": "measurements",
          "channel": "stream/telegraf/cpu"
        }
      ]
    }
  ]
}
`
