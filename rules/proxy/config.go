package proxy

import (
	"fmt"
	"sort"
	"strconv"
	"strings"

	"github.com/grafanalint/grafanalint/parsers/model"
	"github.com/grafanalint/grafanalint/parsers/nginxsem"
	"github.com/grafanalint/grafanalint/rules"
	"github.com/grafanalint/grafanalint/rules/proxy/fronting"
)

// UndefinedVariable reports variables no map or set defines.
var UndefinedVariable = &rules.Rule{
	ID:       "proxy/undefined-variable",
	Severity: rules.Error,
	Fix: "defines `$connection_upgrade` with the canonical `map $http_upgrade $connection_upgrade { default upgrade; '' " +
		"close; }`, added to the http block that uses it (before its first `server` block or the `include` that brings the servers in, indented like its " +
		"neighbours). In a file without an http block in view (a conf.d or sites file an nginx.conf elsewhere " +
		"includes), where adding the map could override one nginx.conf already has, it writes `proxy_set_header " +
		"Connection \"upgrade\"` instead of the variable. Other variables get no fix, nor `$connection_upgrade` when a " +
		"similarly named variable is defined (a typo to correct) or the configuration has unread includes.",
	Summary: "a variable such as $connection_upgrade is used but nothing defines it: nginx refuses to start",
	Doc: rules.Doc{
		What: "Reports each variable reference in a Grafana-fronting server (and at http level of its " +
			"configuration) that no `map`, `set`, `geo`, named capture or module directive defines and that nginx " +
			"does not provide itself — typically `$connection_upgrade` copied without its `map`. For a conf.d " +
			"file, definitions in the stack's other nginx files (its nginx.conf) count. `${UPPER_CASE}` " +
			"placeholders are left alone: the nginx image's envsubst templates fill them in before nginx reads " +
			"the file.",
		Why: "nginx resolves variable names when it reads the configuration and refuses to start with `unknown " +
			"\"connection_upgrade\" variable` (nginx.org/en/docs/varindex.html lists the built-in variables; " +
			"nginx.org/en/docs/http/ngx_http_map_module.html defines the `map` that WebSocket examples rely on, " +
			"nginx.org/en/docs/http/websocket.html), so neither Grafana nor anything else behind that nginx is " +
			"reachable.",
		Bad: []rules.Example{{Path: "nginx/nginx.conf", Content: `events {}

http {
    server {
        listen 80;
        server_name grafana.example.com;

        location / {
            proxy_http_version 1.1;
            proxy_set_header Upgrade $http_upgrade;
            proxy_set_header Connection $connection_upgrade;
            proxy_set_header Host $host;
            proxy_pass http://grafana:3000;
        }
    }
}
`}},
		Good: []rules.Example{{Path: "nginx/nginx.conf", Content: exampleHTTP(goodLocations)}},
		Fixed: []rules.Example{{Path: "nginx/nginx.conf", Content: `events {}

http {
    map $http_upgrade $connection_upgrade {
        default upgrade;
        ''      close;
    }

    server {
        listen 80;
        server_name grafana.example.com;

        location / {
            proxy_http_version 1.1;
            proxy_set_header Upgrade $http_upgrade;
            proxy_set_header Connection $connection_upgrade;
            proxy_set_header Host $host;
            proxy_pass http://grafana:3000;
        }
    }
}
`}},
		Fix: "Define the variable, for `$connection_upgrade` with `map $http_upgrade $connection_upgrade { default " +
			"upgrade; '' close; }` in the http block, or correct its name.",
	},
	Needs: needsNginx,
	Check: checkUndefined,
}

// DuplicateHeader reports a header set twice in one block.
var DuplicateHeader = &rules.Rule{
	ID:       "proxy/duplicate-header",
	Severity: rules.Warning,
	Summary:  "the same header is set twice in one block: nginx sends both to Grafana",
	Doc: rules.Doc{
		What: "Reports a `proxy_set_header` that sets a header already set earlier in the same block (http, " +
			"server or location) of a Grafana-fronting configuration, compared without case, at the later " +
			"line with the earlier one related.",
		Why: "`proxy_set_header` lines of one level form one list and nginx sends every entry " +
			"(nginx.org/en/docs/http/ngx_http_proxy_module.html#proxy_set_header), so the header reaches Grafana " +
			"twice. Which one wins then depends on the reader: Go's `Header.Get` takes the first, the WebSocket " +
			"handshake (centrifugal/centrifuge `internal/websocket/server.go` `Upgrader.Upgrade`, the " +
			"gorilla/websocket fork Grafana's Live server runs on, `tokenListContainsValue`) scans all " +
			"`Connection` values, and Go's HTTP server answers 400 to two `Host` headers. Usually one of the two " +
			"lines is a leftover.",
		Bad: []rules.Example{{Path: "nginx/nginx.conf", Content: exampleHTTP(`    location / {
        proxy_http_version 1.1;
        proxy_set_header Host $host;
        proxy_set_header Upgrade $http_upgrade;
        proxy_set_header Connection $connection_upgrade;
        proxy_set_header Connection "keep-alive";
        proxy_pass http://grafana:3000;
    }
`)}},
		Good: []rules.Example{{Path: "nginx/nginx.conf", Content: exampleHTTP(goodLocations)}},
		Fix:  "Delete the line you do not mean (for WebSockets, keep `proxy_set_header Connection $connection_upgrade;`).",
	},
	Needs: needsNginx,
	Check: checkDuplicates,
}

// UpstreamPort reports proxy_pass naming an upstream block with a port.
var UpstreamPort = &rules.Rule{
	ID:       "proxy/upstream-port",
	Severity: rules.Error,
	Summary:  "proxy_pass http://name:port where name is an upstream block: nginx refuses to start",
	Doc: rules.Doc{
		What: "Reports a `proxy_pass` in a Grafana-fronting server whose host names an `upstream` block and " +
			"that also gives a port, such as `proxy_pass http://grafana:3000;` next to `upstream grafana { … }`.",
		Why: "An `upstream` block is addressed by its name alone; the ports belong to its `server` lines " +
			"(nginx.org/en/docs/http/ngx_http_upstream_module.html#upstream). nginx refuses to start with " +
			"`upstream \"grafana\" may not have port 3000`.",
		Bad: []rules.Example{{Path: "nginx/nginx.conf", Content: `events {}

http {
    upstream grafana {
        server grafana:3000;
    }

    server {
        listen 80;
        server_name grafana.example.com;

        location / {
            proxy_set_header Host $host;
            proxy_pass http://grafana:3000;
        }
    }
}
`}},
		Good: []rules.Example{{Path: "nginx/nginx.conf", Content: `events {}

http {
    upstream grafana {
        server grafana:3000;
    }

    server {
        listen 80;
        server_name grafana.example.com;

        location / {
            proxy_set_header Host $host;
            proxy_pass http://grafana;
        }
    }
}
`}},
		Fix: "Drop the port from `proxy_pass` (`proxy_pass http://grafana;`) and keep it in the upstream's " +
			"`server grafana:3000;` lines, or rename the upstream block.",
	},
	Needs: needsNginx,
	Check: checkUpstreamPort,
}

// scope tells whether a directive belongs to a Grafana-fronting server or
// to the levels around it.
type scope struct {
	servers map[*model.Directive]bool
}

func newScope(c *fronting.Config) scope {
	sc := scope{servers: map[*model.Directive]bool{}}
	for _, s := range c.Servers {
		sc.servers[s.Server.Directive] = true
	}
	return sc
}

// in reports whether d is inside a fronting server, or outside every
// server (http level, maps).
func (sc scope) in(d *model.Directive) bool {
	for p := d.Parent; p != nil; p = p.Parent {
		if p.Name.V == "server" && p.Block != nil {
			return sc.servers[p]
		}
	}
	return true
}

func checkUndefined(c *rules.Context) {
	a := fronting.Of(c)
	similar := similarVariables{}
	for _, fc := range a.Configs {
		if len(fc.Servers) == 0 {
			continue
		}
		sc := newScope(fc)
		for _, u := range nginxsem.Undefined(fc.Config) {
			if !sc.in(u.Directive) || envsubstPlaceholder(u.Var) || definedElsewhere(a, fc, u.Var.V) {
				continue
			}
			f := rules.Finding{Pos: u.Var.Pos, End: u.Var.End, Entity: entityOf(fc, u.Directive), Key: "$" + strings.ToLower(u.Var.V), Fix: undefinedFix(c, a, fc, u)}
			fix := "define it with map or set, or correct its name"
			if strings.EqualFold(u.Var.V, "connection_upgrade") {
				fix = "add map $http_upgrade $connection_upgrade { default upgrade; '' close; } to the http block"
			}
			if name, pos, ok := similar.find(a, fc, u.Var.V); ok {
				fix = fmt.Sprintf("did you mean $%s? %s", name, fix)
				f.Related = append(f.Related, related(pos, "$%s is defined here", name))
				f.Fix = nil // a typo to correct, or a variable to define: a judgement
			}
			f.Message = fmt.Sprintf("variable $%s is not defined: no map or set defines it and nginx has no such built-in, so nginx refuses to start (unknown %q variable); %s",
				u.Var.V, u.Var.V, fix)
			c.Report(f)
		}
	}
}

// envsubstPlaceholder reports whether a reference is written "${NAME}"
// with an upper-case name: a placeholder envsubst (the nginx image's
// templates, CI scripts) replaces before nginx reads the file.
func envsubstPlaceholder(v model.Str) bool {
	if v.End.Line != v.Pos.Line || v.End.Col-v.Pos.Col != len([]rune(v.V))+3 {
		return false
	}
	letter := false
	for _, r := range v.V {
		switch {
		case r >= 'A' && r <= 'Z':
			letter = true
		case r == '_' || r >= '0' && r <= '9':
		default:
			return false
		}
	}
	return letter
}

// definedElsewhere reports whether a fragment's variable is defined by
// another nginx file of the stack (the nginx.conf that includes it).
func definedElsewhere(a *fronting.Analysis, fc *fronting.Config, name string) bool {
	if !fc.Config.Fragment {
		return false
	}
	return a.DefinedOutside(fc, name)
}

// similarVariables remembers similarVariable's answers: the names a
// configuration sees are the same for every reference, and a misspelt
// name is usually repeated (copied from vhost to vhost).
type similarVariables map[similarKey]similarAnswer

// similarKey is a variable name (VarName form) and the configuration whose
// definitions are searched, nil for a fragment (which searches every
// configuration of the stack).
type similarKey struct {
	cfg  *fronting.Config
	name string
}

type similarAnswer struct {
	name string
	pos  model.Pos
	ok   bool
}

func (m similarVariables) find(a *fronting.Analysis, fc *fronting.Config, name string) (string, model.Pos, bool) {
	k := similarKey{fc, strings.ToLower(name)}
	if fc.Config.Fragment {
		k.cfg = nil
	}
	ans, ok := m[k]
	if !ok {
		ans.name, ans.pos, ans.ok = similarVariable(a, fc, name)
		m[k] = ans
	}
	return ans.name, ans.pos, ans.ok
}

// similarVariable finds a defined variable whose name is one or two edits
// away from name.
func similarVariable(a *fronting.Analysis, fc *fronting.Config, name string) (string, model.Pos, bool) {
	cfgs := []*fronting.Config{fc}
	if fc.Config.Fragment {
		cfgs = a.Configs
	}
	type cand struct {
		name string
		pos  model.Pos
		dist int
	}
	var best []cand
	for _, o := range cfgs {
		for key, defs := range o.Sem.Variables().Definitions() {
			if len(defs) == 0 {
				continue
			}
			if d := editDistance(strings.ToLower(name), key); d > 0 && d <= 2 {
				best = append(best, cand{strings.TrimPrefix(defs[0].Name.V, "$"), defs[0].Name.Pos, d})
			}
		}
	}
	if len(best) == 0 {
		return "", model.Pos{}, false
	}
	sort.Slice(best, func(i, j int) bool {
		if best[i].dist != best[j].dist {
			return best[i].dist < best[j].dist
		}
		if best[i].name != best[j].name {
			return best[i].name < best[j].name
		}
		// One name defined in several configs: the first place in file
		// order, so that every run reports the same one.
		return best[i].pos.Less(best[j].pos)
	})
	return best[0].name, best[0].pos, true
}

func editDistance(a, b string) int {
	prev := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur := make([]int, len(b)+1)
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev = cur
	}
	return prev[len(b)]
}

// entityOf names the server d is in ("nginx:_" outside any server).
func entityOf(fc *fronting.Config, d *model.Directive) string {
	for p := d.Parent; p != nil; p = p.Parent {
		if p.Name.V != "server" || p.Block == nil {
			continue
		}
		if s := fc.ServerOf(p); s != nil {
			return s.Entity()
		}
	}
	return "nginx:_"
}

func checkDuplicates(c *rules.Context) {
	a := fronting.Of(c)
	for _, fc := range a.Configs {
		if len(fc.Servers) == 0 {
			continue
		}
		type block struct {
			d    *model.Directive
			name string
		}
		var blocks []block
		if fc.Config.Fragment {
			blocks = append(blocks, block{&model.Directive{Block: fc.Config.Directives}, "the top level"})
		}
		walk(fc.Config.Directives, func(d *model.Directive) {
			if d.Name.V == "http" && d.Block != nil {
				blocks = append(blocks, block{d, "the http block"})
			}
		})
		for _, s := range fc.Servers {
			blocks = append(blocks, block{s.Server.Directive, "the server block"})
			var visit func(ls []*model.Location)
			visit = func(ls []*model.Location) {
				for _, l := range ls {
					blocks = append(blocks, block{l.Directive, locName(l)})
					visit(l.Nested)
				}
			}
			var top []*model.Location
			for _, l := range s.Server.Locations {
				if l.Parent == nil {
					top = append(top, l)
				}
			}
			visit(top)
		}
		for _, b := range blocks {
			for _, dup := range nginxsem.Duplicates(b.d, "proxy_set_header") {
				pos, end := argPos(dup.Later, 0)
				f := rules.Finding{Pos: pos, End: end, Entity: entityOf(fc, dup.Later), Key: "header:" + strings.ToLower(dup.Name),
					Related: []rules.Related{related(dup.First.Pos(), "%s is set first here", dup.Name)}}
				why := ""
				if strings.EqualFold(dup.Name, "host") {
					why = ", and Grafana's HTTP server (Go's net/http) answers 400 \"too many Host headers\" to every request"
				}
				f.Message = fmt.Sprintf("proxy_set_header %s is set twice in %s (first at %s: %s): nginx sends both %s headers to Grafana%s; keep one",
					dup.Name, b.name, lineRef(dup.First.Pos(), pos), directiveText(dup.First), dup.Name, why)
				if ks := c.Kube(pos); ks != nil {
					f.Message, f.Related = kubeDuplicateHeader(ks, c.Kube(dup.First.Pos()), dup.Name, directiveText(dup.First), why, dup.First.Pos())
				}
				c.Report(f)
			}
		}
	}
}

func checkUpstreamPort(c *rules.Context) {
	a := fronting.Of(c)
	for _, fc := range a.Configs {
		for _, s := range fc.Servers {
			walk(s.Server.Directive.Block, func(d *model.Directive) {
				if d.Name.V != "proxy_pass" || len(d.Args) == 0 || strings.Contains(d.Args[0].V, "$") {
					return
				}
				host, port, ok := hostPort(d.Args[0].V)
				if !ok || port == "" {
					return
				}
				up := a.UpstreamBlock(fc, host)
				if up == nil {
					return
				}
				scheme, _, _ := strings.Cut(d.Args[0].V, "://")
				uri := ""
				if _, rest, ok := strings.Cut(d.Args[0].V, "://"); ok {
					if i := strings.IndexAny(rest, "/?"); i >= 0 {
						uri = rest[i:]
					}
				}
				n, _ := strconv.Atoi(port)
				c.Report(rules.Finding{Pos: d.Args[0].Pos, End: d.Args[0].End, Entity: s.Entity(), Key: "upstream:" + strings.ToLower(host),
					Related: []rules.Related{related(up.Name.Pos, "upstream %q is defined here", up.Name.V)},
					Message: fmt.Sprintf("proxy_pass %q names the upstream block %q with a port: nginx refuses to start (upstream %q may not have port %d); write proxy_pass %s://%s%s; and keep the port in the upstream's server lines",
						d.Args[0].V, up.Name.V, host, n, scheme, host, uri)})
			})
		}
	}
}

// hostPort splits the host and the port (as written, "" when none) out of
// a proxy_pass URL; ok is false for a UNIX socket or a URL nginx rejects.
func hostPort(u string) (host, port string, ok bool) {
	p, err := nginxsem.ParseProxyURL(u)
	if err != nil || p.Unix != "" {
		return "", "", false
	}
	if p.PortSet {
		port = strconv.Itoa(p.Port)
	}
	return p.Host, port, true
}
