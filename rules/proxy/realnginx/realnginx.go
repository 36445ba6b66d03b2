// Package realnginx runs nginx configurations of the model through the
// real nginx (Debian's nginx-light in CI), for the tests that check the
// proxy rules and their fixes against it: Render writes a configuration
// back as text nginx can load on loopback addresses, Check runs nginx -t
// on it.
package realnginx

import (
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/grafanalint/grafanalint/parsers/model"
	"github.com/grafanalint/grafanalint/parsers/nginxsem"
)

// ErrNoNginx is returned by Binary when nginx is not installed.
var ErrNoNginx = errors.New("nginx not found on PATH or at /usr/sbin/nginx; CI installs nginx-light (.ci/run)")

// Binary returns the path of the nginx binary.
func Binary() (string, error) {
	if p, err := exec.LookPath("nginx"); err == nil {
		return p, nil
	}
	if _, err := os.Stat("/usr/sbin/nginx"); err == nil {
		return "/usr/sbin/nginx", nil
	}
	return "", ErrNoNginx
}

// Globals are the main-context directives a run in dir needs instead of
// the configuration's own (no daemon, files under dir).
func Globals(dir string) string {
	return fmt.Sprintf("daemon off; master_process off; pid %s/nginx.pid; error_log %s/error.log;", dir, dir)
}

// Check runs nginx -t on conf (a main configuration file) with dir as the
// prefix; the error holds nginx's message.
func Check(bin, dir, conf string) error {
	out, err := exec.Command(bin, "-t", "-q", "-p", dir, "-c", conf, "-g", Globals(dir)).CombinedOutput()
	if err != nil {
		return fmt.Errorf("nginx -t: %s", strings.TrimSpace(string(out)))
	}
	return nil
}

// CheckText writes text as nginx.conf in a new directory under tmp and
// runs nginx -t on it.
func CheckText(bin, tmp, text string) error {
	dir, err := os.MkdirTemp(tmp, "nginx-t-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	conf := filepath.Join(dir, "nginx.conf")
	if err := os.WriteFile(conf, []byte(text), 0o644); err != nil {
		return err
	}
	return Check(bin, dir, conf)
}

// Options say how Render points the configuration at a loopback test.
type Options struct {
	// Host is the address nginx listens on; Port maps each port the
	// configuration listens on to the one the test uses.
	Host string
	Port func(int) int
	// Grafana and Other are the host:port of the backends standing for
	// Grafana and for every other upstream.
	Grafana, Other string
	// Hints decide which targets are Grafana, as the rules decide.
	Hints nginxsem.GrafanaHints
	// ServerPort is the port the tested server listens on in production:
	// $server_port in header values is written as it.
	ServerPort int
	// Drop names more directives to leave out (those of modules this
	// nginx lacks).
	Drop map[string]bool
}

// Render writes cfg back as nginx text for a loopback test: listen
// ports mapped (TLS dropped), upstream addresses and proxy_pass hosts
// pointed at the in-process backends (Grafana's when the target is named
// like Grafana or uses port 3000), paths that would need root (pid, logs,
// temp files, certificates, htpasswd) dropped; everything else — locations,
// headers, maps, rewrites, proxy_pass URI parts, upstream names — as
// written. Include directives are dropped, as the files they read are
// already spliced into the tree; so is Debian's proxy_params when the
// tree lacks it: its packaged lines (model.Directive.Packaged) are written
// in place of the include, so nginx runs what the rules judged.
func Render(cfg *model.NginxConfig, o Options) string {
	host, port, grafana, other, hints, serverPort := o.Host, o.Port, o.Grafana, o.Other, o.Hints, o.ServerPort
	upstreams := map[string]bool{}
	walkDirectives(cfg.Directives, func(d *model.Directive) {
		if d.Name.V == "upstream" && len(d.Args) > 0 && d.Block != nil {
			upstreams[strings.ToLower(d.Args[0].V)] = true
		}
	})
	r := &renderer{host: host, port: port, grafana: grafana, other: other, upstreams: upstreams, hints: hints, serverPort: serverPort, drop: o.Drop}
	var b strings.Builder
	temp := func(indent string) {
		for _, n := range []string{"client_body", "proxy", "fastcgi", "uwsgi", "scgi"} {
			fmt.Fprintf(&b, "%s%s_temp_path %s_temp;\n", indent, n, n)
		}
		fmt.Fprintf(&b, "%saccess_log off;\n", indent)
	}
	if cfg.Fragment {
		b.WriteString("events {}\nhttp {\n")
		temp("    ")
		r.block(&b, cfg.Directives, "    ")
		b.WriteString("}\n")
		return b.String()
	}
	hasEvents := false
	for _, d := range cfg.Directives {
		if d.Name.V == "events" {
			hasEvents = true
		}
	}
	if !hasEvents {
		b.WriteString("events {}\n")
	}
	r.httpPrelude = temp
	r.block(&b, cfg.Directives, "")
	return b.String()
}

type renderer struct {
	host           string // the loopback address nginx listens on
	port           func(int) int
	grafana, other string
	upstreams      map[string]bool
	// hints decide which targets are Grafana, as the rules decide.
	hints nginxsem.GrafanaHints
	// serverPort is the port the tested server listens on in production:
	// $server_port in header values is written as it, since the test
	// listens on another.
	serverPort  int
	httpPrelude func(indent string)
	drop        map[string]bool
}

// dropped are directives the loopback test cannot or need not run.
var dropped = map[string]bool{
	"user": true, "pid": true, "error_log": true, "access_log": true, "daemon": true,
	"master_process": true, "load_module": true, "include": true, "worker_processes": true,
	"ssl": true, "http2": true, "auth_basic": true, "auth_basic_user_file": true,
	"client_body_temp_path": true, "proxy_temp_path": true, "fastcgi_temp_path": true,
	"uwsgi_temp_path": true, "scgi_temp_path": true, "proxy_cache_path": true, "proxy_cache": true,
	"lock_file": true, "working_directory": true, "env": true,
}

func (r *renderer) block(b *strings.Builder, ds []*model.Directive, indent string) {
	for _, d := range ds {
		name := d.Name.V
		if dropped[name] || r.drop[name] || strings.HasPrefix(name, "ssl_") || strings.Contains(name, "_by_lua") || strings.HasPrefix(name, "lua_") {
			continue
		}
		switch {
		case name == "listen":
			continue // written per server below
		case name == "server" && d.Block != nil:
			b.WriteString(indent + "server {\n")
			r.listens(b, d, indent+"    ")
			r.block(b, d.Block, indent+"    ")
			b.WriteString(indent + "}\n")
			continue
		case name == "server" && d.Parent != nil && d.Parent.Name.V == "upstream":
			addr := r.other
			if up := strings.ToLower(argV(d.Parent, 0)); strings.Contains(up, "grafana") || nginxsem.IsGrafana(argV(d, 0), r.hints) {
				addr = r.grafana
			}
			fmt.Fprintf(b, "%sserver %s;\n", indent, addr)
			continue
		case name == "proxy_pass" || name == "set" || name == "fastcgi_pass" || name == "uwsgi_pass" || name == "scgi_pass" || name == "grpc_pass":
			args := append([]model.Str{}, d.Args...)
			if name != "set" {
				args = []model.Str{nginxsem.PassArg(d)} // a template's URL, joined
			}
			i := 0
			if name == "set" {
				i = 1
			}
			if i < len(args) {
				args[i].V = r.retarget(args[i].V, name != "set")
			}
			writeDirective(b, indent, name, args, nil)
			continue
		case d.Parent != nil && d.Parent.Name.V == "map":
			args := append([]model.Str{}, d.Args...)
			if len(args) == 1 {
				args[0].V = r.retarget(args[0].V, false)
			}
			writeDirective(b, indent, quote(name), args, nil)
			continue
		}
		if name == "proxy_set_header" && r.serverPort > 0 && len(d.Args) == 2 && strings.Contains(d.Args[1].V, "$server_port") {
			args := append([]model.Str{}, d.Args...)
			args[1].V = strings.ReplaceAll(args[1].V, "$server_port", strconv.Itoa(r.serverPort))
			writeDirective(b, indent, name, args, nil)
			continue
		}
		if d.Block != nil {
			writeDirective(b, indent, name, d.Args, func() {
				if name == "http" && r.httpPrelude != nil {
					r.httpPrelude(indent + "    ")
				}
				r.block(b, d.Block, indent+"    ")
			})
			continue
		}
		writeDirective(b, indent, name, d.Args, nil)
	}
}

// listens writes a server's listen directives on loopback ports, one per
// distinct public port (nginx's implicit "listen 80" included).
func (r *renderer) listens(b *strings.Builder, srv *model.Directive, indent string) {
	seen := map[int]bool{}
	def := map[int]bool{}
	var order []int
	for _, d := range srv.Block {
		if d.Name.V != "listen" || len(d.Args) == 0 || strings.HasPrefix(d.Args[0].V, "unix:") {
			continue
		}
		p := listenPort(d.Args[0].V)
		if p == 0 {
			continue
		}
		if !seen[p] {
			seen[p] = true
			order = append(order, p)
		}
		for _, a := range d.Args[1:] {
			if a.V == "default_server" || a.V == "default" {
				def[p] = true
			}
		}
	}
	if len(order) == 0 {
		order = []int{80}
	}
	for _, p := range order {
		flag := ""
		if def[p] {
			flag = " default_server"
		}
		fmt.Fprintf(b, "%slisten %s:%d%s;\n", indent, r.host, r.port(p), flag)
	}
}

func listenPort(a string) int {
	if n, err := strconv.Atoi(a); err == nil {
		return n
	}
	if i := strings.LastIndex(a, ":"); i >= 0 {
		if n, err := strconv.Atoi(a[i+1:]); err == nil {
			return n
		}
		return 0
	}
	return 80
}

// retarget points a URL (or a bare host:port for *_pass) at a backend;
// upstream names and values with variables in the host stay.
func (r *renderer) retarget(v string, bare bool) string {
	scheme, rest, ok := strings.Cut(v, "://")
	if !ok {
		if !bare || strings.Contains(v, "$") || r.upstreams[strings.ToLower(v)] {
			return v
		}
		scheme, rest = "", v
	}
	hostport, uri := rest, ""
	if i := strings.IndexAny(rest, "/?"); i >= 0 {
		hostport, uri = rest[:i], rest[i:]
	}
	if strings.Contains(hostport, "$") || hostport == "" || strings.HasPrefix(hostport, "unix:") {
		return v
	}
	host := hostport
	if h, _, err := net.SplitHostPort(hostport); err == nil {
		host = h
	}
	if r.upstreams[strings.ToLower(host)] {
		return v
	}
	addr := r.other
	if nginxsem.IsGrafana(hostport, r.hints) {
		addr = r.grafana
	}
	if scheme == "" {
		return addr + uri
	}
	return "http://" + addr + uri
}

func argV(d *model.Directive, i int) string {
	if d == nil || i >= len(d.Args) {
		return ""
	}
	return d.Args[i].V
}

func writeDirective(b *strings.Builder, indent, name string, args []model.Str, body func()) {
	b.WriteString(indent + name)
	for _, a := range args {
		b.WriteString(" " + quote(a.V))
	}
	if body == nil {
		b.WriteString(";\n")
		return
	}
	b.WriteString(" {\n")
	body()
	b.WriteString(indent + "}\n")
}

// quote writes an argument so that nginx reads it back unchanged.
func quote(v string) string {
	if v != "" && !strings.ContainsAny(v, " \t\n;{}\"'#") {
		return v
	}
	if !strings.ContainsAny(v, `'\`) {
		return "'" + v + "'"
	}
	return `"` + strings.NewReplacer(`\`, `\\`, `"`, `\"`).Replace(v) + `"`
}

func walkDirectives(ds []*model.Directive, fn func(*model.Directive)) {
	for _, d := range ds {
		fn(d)
		walkDirectives(d.Block, fn)
	}
}
