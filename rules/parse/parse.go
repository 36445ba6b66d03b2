// Package parse holds the rules that report input the linter could not
// read: syntax errors, nginx includes that match no file, and include
// cycles.
package parse

import (
	"github.com/grafanalint/grafanalint/parsers/model"
	"github.com/grafanalint/grafanalint/rules"
)

// Syntax reports files of a recognised kind that do not parse.
var Syntax = &rules.Rule{
	ID:       "parse/syntax",
	Severity: rules.Error,
	Summary:  "a file of a recognised kind does not parse",
	Global:   true,
	Doc: rules.Doc{
		What: "Reports a grafana.ini, provisioning YAML, dashboard JSON or nginx file that its reader rejects, at the first error, with what was expected there.",
		Why:  "Grafana aborts datasource provisioning on any YAML error in `provisioning/datasources/`, skips a dashboard whose JSON does not parse, and refuses to start on an ini file go-ini cannot read; nginx refuses to load a config with a syntax error. Nothing else in the file can be checked until it parses.",
		Bad:  []rules.Example{{Path: "provisioning/datasources/ds.yaml", Content: "apiVersion: 1\ndatasources:\n  - name: Prometheus\n    type: prometheus\n   url: http://prometheus:9090\n"}},
		Good: []rules.Example{{Path: "provisioning/datasources/ds.yaml", Content: "apiVersion: 1\ndatasources:\n  - name: Prometheus\n    type: prometheus\n    url: http://prometheus:9090\n"}},
		Fix:  "Correct the syntax at the reported position; `grafanalint model FILE` shows what was read.",
	},
	Check: func(c *rules.Context) { report(c, model.ProblemSyntax) },
}

// IncludeNotFound reports nginx includes that match no file in the tree.
var IncludeNotFound = &rules.Rule{
	ID:       "parse/include-not-found",
	Severity: rules.Info,
	Summary:  "an nginx include matches no file in the tree",
	Global:   true,
	Doc: rules.Doc{
		What: "Reports an nginx `include` whose file is not in the linted tree (a snippet kept on the server, or a file generated at deploy time). " +
			"Not reported: Debian's `proxy_params` (`include proxy_params;` or `include /etc/nginx/proxy_params;`), whose packaged content is assumed instead — " +
			"the four lines nginx-common installs: `proxy_set_header Host $http_host;`, `X-Real-IP $remote_addr`, `X-Forwarded-For $proxy_add_x_forwarded_for`, " +
			"`X-Forwarded-Proto $scheme` (findings on them point at the include line; a `proxy_params` in the tree wins); " +
			"nor files that cannot change proxying (`mime.types`, `fastcgi_params` and the other `*_params`, certbot's TLS options).",
		Why: "Includes are textual: directives in the missing file (often `proxy_set_header` lines) may change which headers reach Grafana. The proxy checks of the enclosing block run on what is in the tree, so their verdict is partial. " +
			"`/etc/nginx/proxy_params` ships with Debian's and Ubuntu's nginx-common, so its content is known; Debian bookworm's security updates since 1.22.1-9+deb12u6 send `Host $host` instead of `$http_host` (the port is dropped), which the linter does not assume.",
		Bad:  []rules.Example{{Path: "nginx/nginx.conf", Content: "events {}\nhttp {\n  server {\n    listen 80;\n    location / {\n      include snippets/grafana-headers.conf;\n      proxy_pass http://grafana:3000;\n    }\n  }\n}\n"}},
		Good: []rules.Example{{Path: "nginx/nginx.conf", Content: "events {}\nhttp {\n  server {\n    listen 80;\n    location / {\n      include snippets/grafana-headers.conf;\n      proxy_pass http://grafana:3000;\n    }\n  }\n}\n"}, {Path: "nginx/snippets/grafana-headers.conf", Content: "proxy_set_header Host $http_host;\n"}},
		Fix:  "Add the included file to the repository, or lint the tree that holds it (`--nginx-prefix` sets the directory relative includes resolve against).",
	},
	Check: func(c *rules.Context) { report(c, model.ProblemIncludeNotFound) },
}

// IncludeCycle reports nginx includes that lead back to a file that is
// being included.
var IncludeCycle = &rules.Rule{
	ID:       "parse/include-cycle",
	Severity: rules.Error,
	Summary:  "an nginx include leads back to a file that is already being included",
	Global:   true,
	Doc: rules.Doc{
		What: "Reports the `include` that closes a cycle of nginx includes — a file that includes itself (often through a glob such as `conf.d/*.conf` written inside `conf.d/`), or `a.conf` including `b.conf` including `a.conf` — with the chain of files. The linter cuts the cycle there and checks the rest.",
		Why: "nginx has no cycle detection: `include` opens and parses the file in place, recursively (`ngx_conf_include` and `ngx_conf_parse` in `src/core/ngx_conf_file.c`), keeping every file of the chain open. " +
			"A cycle of plain includes recurses until nginx runs out of file descriptors: `nginx -t` reports `open() \"…/a.conf\" failed (24: Too many open files)` and nginx refuses to start or reload. " +
			"Through a glob (`include conf.d/*.conf;` in a file of `conf.d/`) the recursion ends differently: once descriptors run out, `glob()` fails and `ngx_open_glob` (`src/os/unix/ngx_files.c`) treats that as no match, so nginx starts with the files of the cycle loaded once per level — hundreds of times. Repeated `server` blocks are ignored with a `conflicting server name` warning, a repeated `proxy_pass` stops nginx (`\"proxy_pass\" directive is duplicate`), repeated `proxy_set_header` lines all send their header.",
		Bad: []rules.Example{
			{Path: "nginx/nginx.conf", Content: "events {}\nhttp {\n  include conf.d/*.conf;\n}\n"},
			{Path: "nginx/conf.d/grafana.conf", Content: "server {\n  listen 80;\n  location / {\n    proxy_pass http://grafana:3000;\n  }\n}\ninclude conf.d/*.conf;\n"},
		},
		Good: []rules.Example{
			{Path: "nginx/nginx.conf", Content: "events {}\nhttp {\n  include conf.d/*.conf;\n}\n"},
			{Path: "nginx/conf.d/grafana.conf", Content: "server {\n  listen 80;\n  location / {\n    proxy_pass http://grafana:3000;\n  }\n}\n"},
		},
		Fix: "Remove the include that closes the cycle; include shared snippets from the files that need them, never the file that includes them.",
	},
	Check: func(c *rules.Context) { report(c, model.ProblemIncludeCycle) },
}

// Rules returns the parse rules.
func Rules() []*rules.Rule { return []*rules.Rule{Syntax, IncludeNotFound, IncludeCycle} }

func report(c *rules.Context, kind model.ProblemKind) {
	for _, f := range c.Model.Files {
		for _, p := range f.Problems {
			if p.Kind != kind {
				continue
			}
			key := p.Message
			if kind == model.ProblemIncludeCycle {
				// The message names files relative to the working
				// directory; baselines must not depend on it.
				key = "include-cycle"
			}
			c.Report(rules.Finding{Pos: p.Pos, End: p.End, Message: p.Message, Entity: "file:" + f.Path, Key: key})
		}
	}
}
