package nginx

import (
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// This file runs the real nginx ("nginx -t") on copies of corpus files,
// to record which of them nginx itself rejects for syntax. nginx -t also
// fails for reasons that have nothing to do with syntax here (upstream
// host names that do not resolve, certificates and included files that
// are not on this machine, the "nginx" user, directives of a newer
// nginx); the harness comments out the line such an error points at,
// keeping line numbers, and runs nginx again, until nginx accepts the
// file, reports a syntax error, or fails in a way that cannot be worked
// around.

// nginxVerdict is what nginx says about one file.
type nginxVerdict struct {
	// kind is "ok" (nginx parsed the whole file), "syntax" (a syntax
	// error at line) or "env" (stopped by an error the harness cannot
	// work around, at line).
	kind string
	line int
	msg  string
}

func (v nginxVerdict) String() string {
	if v.kind == "ok" {
		return "ok"
	}
	return v.kind + ":" + strconv.Itoa(v.line)
}

// nginxSyntaxErrors are nginx's messages for text it cannot parse
// (ngx_conf_file.c, and lua-nginx-module's block lexer).
var nginxSyntaxErrors = regexp.MustCompile(`unexpected "|unexpected end of file|unexpected end of parameter|is not terminated by ";"|has no opening "\{"|too long parameter|invalid number of arguments in "include"|terminating characters for lua code block|too long lua code block`)

// nginxAfterParse are errors nginx reports once the http block has been
// parsed, when it merges and checks the configuration.
var nginxAfterParse = regexp.MustCompile(`^no "ssl_certificate" is defined|^cannot load certificate|^unknown ".*" variable`)

var hostNotFound = regexp.MustCompile(`^host not found in upstream "([^"]+)"`)

var nginxErrorLine = regexp.MustCompile(`\[emerg\] [0-9#]+: (.*?)(?: in (\S+):(\d+))?\n`)

// includeLine is an include directive alone on its line.
var includeLine = regexp.MustCompile(`^\s*include\s+[^\s;{}]+\s*;\s*(#.*)?$`)

// simpleLine is a one-line simple directive the harness may comment out.
var simpleLine = regexp.MustCompile(`^[^{}#]*;\s*(#.*)?$`)

var topLevelMain = regexp.MustCompile(`(?m)^\s*(http|events)\s*\{`)
var hasServer = regexp.MustCompile(`(?m)^\s*server\s*\{`)
var hasLocation = regexp.MustCompile(`(?m)^\s*location\s`)

// nginxModules are the dynamic modules loaded when present (Lua needs
// the development kit first).
var nginxModules = []string{
	"/usr/lib/nginx/modules/ndk_http_module.so",
	"/usr/lib/nginx/modules/ngx_http_lua_module.so",
}

func luaModuleAvailable() bool {
	for _, m := range nginxModules {
		if _, err := os.Stat(m); err != nil {
			return false
		}
	}
	return true
}

// runNginx checks src with the nginx binary at bin.
func runNginx(t *testing.T, bin string, src []byte) nginxVerdict {
	t.Helper()
	dir := t.TempDir()
	lines := strings.Split(string(src), "\n")
	for i, l := range lines {
		// Included files are not part of this check (and the host's
		// /etc/nginx must not leak in).
		if includeLine.MatchString(l) {
			lines[i] = "#" + l
		}
	}
	var loads string
	if luaModuleAvailable() {
		for _, m := range nginxModules {
			loads += "load_module " + m + "; "
		}
	}
	isMain := topLevelMain.Match(src)
	target := filepath.Join(dir, "file.conf")
	conf := filepath.Join(dir, "nginx.conf")
	if isMain {
		target = conf
	}
	for round := 0; round < 200; round++ {
		text := strings.Join(lines, "\n")
		if isMain {
			// Modules go on line 1, so that line numbers stay.
			text = loads + text
		} else {
			wrap := loads + "events {}\nhttp {\n"
			inner := "include " + target + ";"
			if !hasServer.MatchString(text) && hasLocation.MatchString(text) {
				inner = "server { " + inner + " }"
			}
			if err := os.WriteFile(conf, []byte(wrap+inner+"\n}\n"), 0o644); err != nil {
				t.Fatal(err)
			}
		}
		if err := os.WriteFile(target, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
		out, err := exec.Command(bin, "-t", "-q", "-p", dir, "-c", conf).CombinedOutput()
		if err == nil {
			return nginxVerdict{kind: "ok"}
		}
		m := nginxErrorLine.FindStringSubmatch(string(out))
		if m == nil {
			return nginxVerdict{kind: "env", msg: string(out)}
		}
		msg := m[1]
		if m[2] == "" {
			// Errors without a place come after the whole file was parsed
			// (shared memory zones, certificates, Lua init code).
			return nginxVerdict{kind: "ok", msg: msg}
		}
		line, _ := strconv.Atoi(m[3])
		if nginxSyntaxErrors.MatchString(msg) {
			return nginxVerdict{kind: "syntax", line: line, msg: msg}
		}
		if nginxAfterParse.MatchString(msg) {
			return nginxVerdict{kind: "ok", msg: msg}
		}
		if h := hostNotFound.FindStringSubmatch(msg); h != nil && m[2] == target && line >= 1 && line <= len(lines) {
			// Resolve the upstream host to this machine instead.
			host, _, _ := strings.Cut(h[1], ":")
			if fixed := strings.Replace(lines[line-1], host, "127.0.0.1", 1); fixed != lines[line-1] {
				lines[line-1] = fixed
				continue
			}
		}
		if m[2] != target || line < 1 || line > len(lines) || !simpleLine.MatchString(lines[line-1]) {
			return nginxVerdict{kind: "env", line: line, msg: msg}
		}
		lines[line-1] = "#" + lines[line-1]
	}
	return nginxVerdict{kind: "env", msg: "too many rounds"}
}

// nginxBinary returns the nginx binary, skipping the test when there is
// none (failing under CI=true).
func nginxBinary(t *testing.T) string {
	t.Helper()
	bin, err := exec.LookPath("nginx")
	if err != nil {
		for _, p := range []string{"/usr/sbin/nginx", "/usr/local/sbin/nginx"} {
			if _, serr := os.Stat(p); serr == nil {
				bin, err = p, nil
				break
			}
		}
	}
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("nginx is not installed (apt-get install -y nginx-light)")
		}
		t.Skip("nginx is not installed")
	}
	return bin
}
