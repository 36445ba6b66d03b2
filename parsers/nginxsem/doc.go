// Package nginxsem answers the questions rules ask about an nginx
// configuration that nginx itself answers at run time: which location serves
// a request URI (Select), what a directive's value is after inheritance
// (Effective, Header), what URI proxy_pass sends upstream (Upstream, Route),
// which variables exist (Defined, UsedVariables), and whether a server fronts
// Grafana (FrontsGrafana, PublicOrigins).
//
// It works on the include-resolved tree of parsers/model (model.NginxConfig)
// and never reads files. Every answer carries the directives it rests on, so
// a message can cite the exact position of each value.
//
// The behaviour follows nginx's source (ngx_http_core_find_location,
// ngx_http_proxy_create_request, the merge functions of each module) and the
// reference at nginx.org; where nginx's PCRE regular expressions cannot be
// evaluated with Go's regexp, the answer says so (Unevaluated) instead of
// guessing.
package nginxsem
