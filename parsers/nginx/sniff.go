package nginx

import (
	"bytes"
	"path/filepath"
	"strings"

	gparser "github.com/tufanbarisyildirim/gonginx/parser"
)

// notNginxExt are extensions that are never nginx configs.
var notNginxExt = map[string]bool{
	".ini": true, ".yaml": true, ".yml": true, ".json": true, ".toml": true, ".env": true,
	".md": true, ".xml": true, ".properties": true, ".sh": true, ".py": true, ".go": true,
	".js": true, ".ts": true, ".html": true, ".lua": true, ".cfg": true,
}

// strongDirectives are directives that by themselves make a file an
// nginx config.
var strongDirectives = map[string]bool{
	"http": true, "events": true, "server": true, "location": true, "upstream": true,
	"proxy_pass": true, "worker_processes": true, "listen": true, "server_name": true,
	"stream": true, "fastcgi_pass": true, "uwsgi_pass": true, "proxy_set_header": true,
	"map": true, "try_files": true, "ssl_certificate": true,
}

// sniffLimit is how much of a file Sniff reads.
const sniffLimit = 256 << 10

// Sniff reports whether src (the file at path) is an nginx config: a
// whole nginx.conf, a conf.d vhost, a sites-available file, a snippet of
// directives or a template of one. Discovery calls it for files that
// could be anything (.conf, extension-less files, *.template).
//
// The text is cut into directives with nginx's own rules; it is nginx
// when its directives are all known nginx directive names (entries of
// map, types and similar blocks aside), or mostly known with either one
// of the telling ones (server, location, upstream, http, events,
// proxy_pass, listen, worker_processes, ...) or at least two known ones. INI files
// (grafana.ini: "[section]" and "key = value" lines), YAML, JSON,
// Caddyfiles and most other .conf formats never end lines with ";", so
// they yield no directive or only unknown names. A file with a syntax
// error is still nginx if what comes before the error is.
func Sniff(path string, src []byte) bool {
	base := strings.ToLower(filepath.Base(path))
	if base == "caddyfile" || strings.HasPrefix(base, "caddyfile.") || strings.HasSuffix(base, ".caddyfile") {
		return false
	}
	if notNginxExt[filepath.Ext(strings.TrimSuffix(base, ".template"))] {
		return false
	}
	if len(src) > sniffLimit {
		src = src[:sniffLimit]
	}
	if bytes.IndexByte(src, 0) >= 0 {
		return false
	}
	trimmed := bytes.TrimLeft(src, " \t\r\n\ufeff")
	if len(trimmed) == 0 || trimmed[0] == '{' || trimmed[0] == '[' || bytes.HasPrefix(trimmed, []byte("---")) {
		return false
	}
	lx := newLexer(string(src))
	var stack []string
	known, unknown, strong := 0, 0, false
	for i := 0; i < 5000; i++ {
		st, err := lx.next()
		if err != nil || st.term == 0 {
			break
		}
		if st.term == '}' {
			if len(stack) > 0 {
				stack = stack[:len(stack)-1]
			}
			continue
		}
		name := st.words[0].val
		inEntries := len(stack) > 0 && handlerBlocks[stack[len(stack)-1]]
		if st.term == '{' {
			if isLuaBlock(name) {
				if _, err := lx.luaBlock(st.termPos); err != nil {
					break
				}
			} else {
				stack = append(stack, name)
			}
		}
		if inEntries {
			continue
		}
		if _, ok := gparser.ValidDirectives[name]; ok || blockOnly[name] || isLuaBlock(name) {
			known++
		} else {
			unknown++
		}
		if strongDirectives[name] {
			strong = true
		}
	}
	if known == 0 {
		return false
	}
	return unknown == 0 || known > unknown && (strong || known >= 2)
}

// Includes returns the include patterns written in src, in order and as
// nginx reads them (quotes removed), without resolving them. It reads up
// to the first syntax error. path names the file, as for Sniff; it is
// not used to read anything.
//
// Discovery can decide which nginx files are main files with it (a file
// that another file's include pattern matches is not a main file), or,
// more exactly, by loading every candidate: NginxConfig.Files lists every
// file a main file pulls in, after the same path mapping Load uses.
func Includes(path string, src []byte) []string {
	_ = path
	p := &parser{lx: newLexer(string(src))}
	nodes, _, _ := p.block("", 0, lc{})
	var out []string
	var walk func([]*node)
	walk = func(ns []*node) {
		for _, n := range ns {
			if n.name.val == "include" && !n.isBlock && len(n.args) == 1 {
				out = append(out, n.args[0].val)
			}
			walk(n.block)
		}
	}
	walk(nodes)
	return out
}
