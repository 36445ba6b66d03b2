// Package server holds the rules that hold grafana.ini's [server] section
// against the nginx that fronts Grafana.
package server

import (
	"fmt"
	"net"
	"strconv"
	"strings"

	"github.com/grafanalint/grafanalint/parsers/model"
	"github.com/grafanalint/grafanalint/parsers/nginxsem"
	"github.com/grafanalint/grafanalint/rules"
	"github.com/grafanalint/grafanalint/rules/proxy/fronting"
)

// Rules returns the server rules in catalogue order.
func Rules() []*rules.Rule { return []*rules.Rule{RootURLMismatch} }

// RootURLMismatch reports root_url's origin differing from the one nginx
// serves Grafana on.
var RootURLMismatch = &rules.Rule{
	ID:       "server/root-url-mismatch",
	Severity: rules.Warning,
	Summary:  "root_url's scheme, host or port differ from the public origin nginx serves Grafana on",
	Doc: rules.Doc{
		What: "Compares `[server] root_url` (written in grafana.ini or set with `GF_SERVER_ROOT_URL`; a root_url " +
			"built from a written `domain` counts too) with the origins of the nginx servers that proxy to " +
			"Grafana (`server_name` × `listen`, `ssl` meaning https, ports as compose publishes nginx when the " +
			"Grafana project runs it, else the listen ports). Fires when root_url's host is none of their names, " +
			"when it points at Grafana's own port (`http://grafana.example.com:3000/` while nginx serves port 80 " +
			"or 443), when it says http where nginx only serves https, and when its port is not one nginx " +
			"publishes (`listen 8443 ssl` against `https://grafana.example.com/`). A server without server_name, " +
			"or whose name is a template placeholder (`[your domain]`, `{{ domain }}`, `${DOMAIN}`), answers any " +
			"host on its own ports: it does not switch the check off for the others. Not reported: a root_url " +
			"left at Grafana's default, a root_url whose host is a placeholder, and https in root_url in front " +
			"of an nginx on plain port 80 (TLS ends in front of nginx). On Kubernetes an Ingress served by ingress-nginx is " +
			"checked as the nginx configuration the controller generates; one served by another controller (Traefik, an AWS " +
			"load balancer, a Gateway API route, …) still names Grafana's public hosts: root_url's host must be one of them, " +
			"and for a host of its `tls` section the scheme must be https on port 443 (the Ingress API's tls hosts are those " +
			"the controller terminates TLS for: kubernetes.io/docs/concepts/services-networking/ingress/#tls).",
		Why: "Grafana builds absolute URLs from root_url — links in alert notifications and e-mails, OAuth " +
			"redirect URIs, the frontend's appUrl (grafana/grafana `pkg/setting/setting.go` " +
			"`parseAppURLAndSubURL`, v12.0.0) — and Live's WebSocket origin check falls back to root_url's " +
			"scheme and host (and port, when the browser's Origin has one) when the Origin does not match the " +
			"Host header (grafana/grafana `pkg/services/live/live.go` (v12.0.0) `checkAllowedOrigin`). nginx " +
			"picks the server for a request by `listen` address and port, then by `server_name`, falling back to " +
			"the port's default server (nginx.org/en/docs/http/request_processing.html). A root_url that names " +
			"another origin breaks those links and that fallback.",
		Bad: []rules.Example{
			{Path: "grafana/grafana.ini", Content: "[server]\nroot_url = http://localhost:3000/\n"},
			{Path: "nginx/nginx.conf", Content: exampleNginx},
		},
		Good: []rules.Example{
			{Path: "grafana/grafana.ini", Content: "[server]\nroot_url = https://grafana.example.com/\n"},
			{Path: "nginx/nginx.conf", Content: exampleNginx},
		},
		Fix: "Set root_url to the URL users open, with the sub-path nginx serves Grafana under: " +
			"`root_url = https://grafana.example.com/`.",
	},
	Needs:  []rules.Part{rules.PartNginx},
	Stands: map[rules.Part]func(*model.Stack) bool{rules.PartNginx: ingressHosts},
	Check:  checkRootURL,
}

// publicOrigin is an origin a Grafana-fronting server answers browsers
// on: a named one, or any host on a port (a server without a usable
// server_name, or whose name is a template placeholder).
type publicOrigin struct {
	nginxsem.Origin
	anyHost bool
	// name is how an anyHost origin shows its host: "*" for a server
	// without a name, the placeholder as written ("[your domain]").
	name string
}

func (o publicOrigin) String() string {
	if !o.anyHost {
		return o.Origin.String()
	}
	s := o.Scheme + "://" + o.name
	if !o.DefaultPort() {
		s += ":" + strconv.Itoa(o.Port)
	}
	return s
}

// publicOrigins lists the origins of every Grafana-fronting server of a.
func publicOrigins(a *fronting.Analysis) []publicOrigin {
	var out []publicOrigin
	for _, s := range a.Servers {
		named := 0
		for _, o := range s.Origins {
			if strings.HasPrefix(o.Host, "~") {
				continue
			}
			o.Host = strings.ToLower(o.Host)
			out = append(out, publicOrigin{Origin: o})
			named++
		}
		if named > 0 && !s.Placeholder {
			continue
		}
		// No name to compare: the server answers whatever host browsers
		// use on its ports (as published).
		name := "*"
		if s.Placeholder {
			name = placeholderText(s.Server)
		}
		seen := map[string]bool{}
		for _, o := range nginxsem.PublicOrigins(s.Server) {
			for _, p := range a.PublishedPorts(o.ListenPort) {
				po := o
				po.Port, po.Host, po.HostPos = p, "", s.Server.Pos
				if o.HostPos.IsValid() {
					po.HostPos = o.HostPos
				}
				k := publicOrigin{Origin: po, anyHost: true, name: name}
				if !seen[k.String()] {
					seen[k.String()] = true
					out = append(out, k)
				}
			}
		}
	}
	return out
}

// loopback reports whether host names the local machine.
func loopback(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(strings.Trim(host, "[]"))
	return ip != nil && ip.IsLoopback()
}

// placeholderText is the server_name of srv as written, for messages.
func placeholderText(srv *model.Server) string {
	words := make([]string, 0, len(srv.ServerNames))
	for _, n := range srv.ServerNames {
		words = append(words, n.V)
	}
	return strings.Join(words, " ")
}

// hostMatches reports whether a browser on host reaches o's server.
func hostMatches(o publicOrigin, host string) bool {
	switch {
	case o.anyHost || o.Host == host:
		return true
	case loopback(o.Host) && loopback(host):
		// localhost and 127.0.0.1 are the same machine to a browser on
		// it; the port and scheme still decide.
		return true
	case strings.HasPrefix(o.Host, "*."):
		return strings.HasSuffix(host, o.Host[1:])
	case strings.HasPrefix(o.Host, "."):
		return host == o.Host[1:] || strings.HasSuffix(host, o.Host)
	case strings.HasSuffix(o.Host, ".*"):
		return strings.HasPrefix(host, o.Host[:len(o.Host)-1])
	}
	return false
}

func checkRootURL(c *rules.Context) {
	a := fronting.Of(c)
	g := a.Grafana
	if !g.Explicit || !g.OriginKnown {
		return
	}
	if len(a.Servers) == 0 {
		checkIngressOrigin(c, a)
		return
	}
	origins := publicOrigins(a)
	if len(origins) == 0 {
		return
	}
	var same []publicOrigin
	for _, o := range origins {
		if hostMatches(o, g.Host) {
			same = append(same, o)
		}
	}
	for _, o := range same {
		if compatible(o.Origin, g) {
			return
		}
	}
	f := rules.Finding{Entity: "ini:server.root_url", Key: g.RootURL}
	f.Pos, f.End = rootURLPos(a)
	if !f.Pos.IsValid() {
		// Set on the command line: report where nginx names the origin.
		f.Pos = origins[0].HostPos
	}
	// An Ingress served by ingress-nginx is checked as the nginx the
	// controller generates: its user edits the Ingress.
	who, origin := "nginx", "the public origin nginx serves Grafana on"
	if ks := c.Kube(origins[0].HostPos); ks != nil {
		who, origin = ks.Controller, "the public origin of "+ks.Object
	}
	list := make([]string, 0, len(origins))
	seen := map[string]bool{}
	for _, o := range origins {
		if !seen[o.String()] {
			seen[o.String()] = true
			list = append(list, o.String())
			what := who + " serves Grafana on " + o.String() + " here"
			if o.anyHost {
				what = "this server has no server_name to compare, and serves Grafana on any host of " + strings.TrimSuffix(o.String(), "*")
			}
			f.Related = append(f.Related, rules.Related{Pos: o.HostPos, Message: what})
		}
	}
	best := origins[0]
	why := fmt.Sprintf("its host %q is not a name %s serves Grafana on", g.Host, who)
	if len(same) > 0 {
		best = same[0]
		switch {
		case g.Scheme != best.Scheme:
			why = fmt.Sprintf("it says %s where %s serves Grafana over %s", g.Scheme, who, best.Scheme)
		case g.Port == g.HTTPPort:
			why = fmt.Sprintf("its port %d is Grafana's own http_port, behind %s", g.Port, who)
		default:
			why = fmt.Sprintf("its port %d is not the port %s serves Grafana on (%d)%s", g.Port, who, best.Port, portSource(a, best.Origin))
		}
	}
	// Suggest a named origin when there is one; the host of a catch-all
	// server is root_url's own, unless that is a loopback name browsers
	// elsewhere cannot use.
	suggest := best
	if best.anyHost {
		for _, o := range origins {
			if !o.anyHost && !strings.ContainsAny(o.Host, "*") && !strings.HasPrefix(o.Host, ".") {
				suggest = o
				break
			}
		}
	}
	host := suggest.Host
	if suggest.anyHost || strings.ContainsAny(host, "*") || strings.HasPrefix(host, ".") {
		host = g.Host
		if nginxsem.LoopbackOrHostGateway(host) {
			host = "<public host name>"
		}
	}
	if loopback(host) && loopback(g.Host) {
		host = g.Host
	}
	want := (nginxsem.Origin{Scheme: suggest.Scheme, Host: host, Port: suggest.Port}).String() + g.SubPath + "/"
	f.Message = fmt.Sprintf("root_url %q does not match %s (%s): %s; Grafana builds absolute links (alert notifications, OAuth redirects) from root_url and Live's origin check falls back to it; set root_url = %s",
		g.RootURL, origin, strings.Join(list, ", "), why, want)
	c.Report(f)
}

// portSource says where the public port of o comes from.
func portSource(a *fronting.Analysis, o nginxsem.Origin) string {
	if _, known := a.Published(); known {
		return fmt.Sprintf(", compose publishing nginx's listen port %d there", o.ListenPort)
	}
	return "; no compose port mapping for nginx is in view, so its listen port is taken as the public one"
}

// compatible reports whether a browser on origin o and root_url agree, or
// may agree through TLS ending in front of an nginx on port 80.
func compatible(o nginxsem.Origin, g *fronting.Grafana) bool {
	switch {
	case o.Scheme == g.Scheme && o.Port == g.Port:
		return true
	case o.Scheme == "http" && o.Port == 80 && g.Scheme == "https" && g.Port == 443:
		return true
	}
	return false
}

// rootURLPos is where root_url (or the domain its default is built from)
// is written.
func rootURLPos(a *fronting.Analysis) (model.Pos, model.Pos) {
	s := a.Stack.Settings
	st := a.Grafana.Setting
	if st == nil || st.Source.Kind == model.SourceDefault {
		st = s.Get("server", "domain")
	}
	if st == nil {
		return model.Pos{}, model.Pos{}
	}
	switch st.Source.Kind {
	case model.SourceFile:
		if st.Written != nil {
			return st.Written.Value.Pos, st.Written.Value.End
		}
		return st.Source.Pos, model.Pos{}
	case model.SourceEnv:
		for i := len(s.Env) - 1; i >= 0; i-- {
			if s.Env[i].Name == st.Source.Env {
				if s.Env[i].ValuePos.IsValid() {
					return s.Env[i].ValuePos, model.Pos{}
				}
				return s.Env[i].Pos, model.Pos{}
			}
		}
	}
	return model.Pos{}, model.Pos{}
}

const exampleNginx = `events {}

http {
    map $http_upgrade $connection_upgrade {
        default upgrade;
        ''      close;
    }

    server {
        listen 443 ssl;
        server_name grafana.example.com;
        ssl_certificate /etc/ssl/grafana.crt;
        ssl_certificate_key /etc/ssl/grafana.key;

        location / {
            proxy_http_version 1.1;
            proxy_set_header Upgrade $http_upgrade;
            proxy_set_header Connection $connection_upgrade;
            proxy_set_header Host $host;
            proxy_pass http://grafana:3000;
        }
    }
}
`
