// Package parse holds the rules that report input the linter could not
// read: syntax errors and nginx includes that match no file.
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

// Rules returns the parse rules.
func Rules() []*rules.Rule { return []*rules.Rule{Syntax, IncludeNotFound} }

func report(c *rules.Context, kind model.ProblemKind) {
	for _, f := range c.Model.Files {
		for _, p := range f.Problems {
			if p.Kind != kind {
				continue
			}
			c.Report(rules.Finding{Pos: p.Pos, End: p.End, Message: p.Message, Entity: "file:" + f.Path, Key: p.Message})
		}
	}
}
