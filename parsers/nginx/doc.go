// Package nginx reads nginx configs into grafanalint's model: the tree
// nginx itself builds from a main file, with every include resolved and
// spliced in, every directive name and argument positioned (file, line,
// column in code points, and end), and views for rules (http, servers
// with their listen and server_name values and nested locations,
// upstreams, maps). Semantics on top of the tree (which location serves
// a URI, inheritance) live elsewhere.
//
// Parsing is done twice per file, on purpose. A positioned lexer and
// parser (lex.go, parse.go) follow nginx's own grammar
// (ngx_conf_read_token and ngx_conf_parse in nginx 1.22+, and
// lua-nginx-module's block lexer for *_by_lua_block), so that every word
// has a position and every syntax error is reported where nginx reports
// it with what was expected. gonginx
// (github.com/tufanbarisyildirim/gonginx) then parses the same text and
// is the parser of record wherever its tree matches token for token; it
// gives directives a line only (of their terminator), hence the lexer.
// Files where gonginx fails or reads differently from nginx (see
// readWithGonginx) keep the positioned tree, which follows nginx.
//
// Distribution files that repositories rarely hold are handled by name
// when an include finds no copy in the tree: Debian's proxy_params is
// assumed with its packaged content (directives marked Packaged,
// positioned at the include's argument, the config not partial; see
// Load), and files that cannot change proxying (mime.types,
// fastcgi_params, certbot's TLS options) are skipped silently; any other
// missing include is a ProblemIncludeNotFound and makes the config
// Partial.
//
// Templates of nginx configs are read too: "{{ x }}" placeholders are
// parts of words, "{% %}" and "{# #}" tags are skipped, and "${VAR}" and
// "<host>" are ordinary nginx words; NginxConfig.Template says so.
package nginx
