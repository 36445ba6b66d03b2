package config

import (
	"strings"

	"github.com/grafanalint/grafanalint/rules"
)

// Template returns the commented default configuration that
// "grafanalint init" writes, targeting Grafana version v.
func Template(v rules.Version) string {
	return strings.ReplaceAll(template, "{{version}}", v.String())
}

const template = `# grafanalint configuration. grafanalint finds this file in the working
# directory or the nearest directory above it; --config PATH names another,
# --no-config ignores it. Paths below are relative to this file's directory.
# Reference: https://github.com/grafanalint/grafanalint#configuration
# Schema:    https://github.com/grafanalint/grafanalint/blob/main/docs/config.schema.json

# The Grafana version you run: checks whose verdict changed between versions
# follow it. (--grafana-version overrides it.)
grafana_version: "{{version}}"

# The lowest severity that makes grafanalint exit with status 1: error,
# warning or info. (--fail-level overrides it.)
fail_level: error

# A rule preset: "dashboard-linter" turns on the equivalents of
# grafana/dashboard-linter's rules, its mixin conventions at warning; the
# rules below override it. (.lint files beside dashboards are read too.)
# preset: dashboard-linter

# Severity per rule id or per category: error, warning, info or off.
# (--enable, --disable and --severity override these.)
rules: {}
#  datasource/derived-uid: warning
#  live: info

# Findings to hide. Each entry needs a reason; an entry that hides nothing
# is reported as meta/unused-ignore. rules, paths (globs: * within a
# directory, ** across directories) and entities (dashboard:<uid>,
# datasource:<uid>, ini:<section>.<key>, nginx:<server_name> …) must all
# match; leave one out to match any.
exclude: []
#  - rules: [dashboard/unresolved-input]
#    paths: ["vendor/dashboards/**"]
#    reason: upstream dashboards, imported through the UI
#  - rules: [datasource]
#    entities: ["dashboard:legacy-*"]
#    reason: legacy dashboards are being retired (OPS-1234)

# Stacks, when grafanalint's discovery (compose files, provisioning/
# directories) does not find yours: what one Grafana installation reads.
# stacks:
#   - name: prod
#     paths: [deploy/prod]
#     env:
#       - GF_SERVER_ROOT_URL=https://grafana.example.com/grafana/
#     env_file: deploy/prod/grafana.env
#     compose_service: grafana

# Findings recorded in this file are hidden (see "grafanalint baseline").
# baseline: .grafanalint-baseline.json

# Larger files are reported and skipped.
# max_file_size: 64MiB

# Directory relative nginx includes resolve against (nginx's -p prefix).
# nginx_prefix: /etc/nginx

# Debian/Ubuntu's /etc/nginx/proxy_params, assumed when a config includes
# it: "current" (nginx-common since the 2026 security updates, e.g. Debian 12
# from 1.22.1-9+deb12u6: Host $host) or "legacy" (earlier packages:
# Host $http_host).
# nginx_proxy_params: current
`
