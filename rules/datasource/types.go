package datasource

import (
	"fmt"
	"regexp"
	"strings"
)

// pluginAliases maps old plugin ids to the id Grafana now registers them
// under: the core plugins' plugin.json "aliasIDs" in grafana/grafana
// (public/app/plugins/datasource/grafana-postgresql-datasource,
// grafana-pyroscope-datasource and grafana-testdata-datasource). Grafana
// resolves a datasource or reference of either id to the same plugin.
var pluginAliases = map[string]string{
	"postgres": "grafana-postgresql-datasource",
	"phlare":   "grafana-pyroscope-datasource",
	"testdata": "grafana-testdata-datasource",
}

// canonicalType returns the plugin id Grafana loads for typ.
func canonicalType(typ string) string {
	if c, ok := pluginAliases[typ]; ok {
		return c
	}
	return typ
}

// sameType reports whether two plugin ids name the same plugin.
func sameType(a, b string) bool { return canonicalType(a) == canonicalType(b) }

// builtinValues are UIDs and names of the datasources every Grafana has
// (pkg/api/frontendsettings.go: "-- Grafana --" with UID "grafana",
// "-- Mixed --" and "-- Dashboard --" whose UID is their name) and the
// expression datasource (@grafana/runtime isExpressionReference:
// "__expr__", its name "Expression", and the legacy "-100").
var builtinValues = map[string]bool{
	"grafana":         true,
	"-- Grafana --":   true,
	"-- Mixed --":     true,
	"-- Dashboard --": true,
	"__expr__":        true,
	"Expression":      true,
	"-100":            true,
}

// builtinTypes are reference types that mark a built-in datasource.
var builtinTypes = map[string]bool{
	"__expr__":   true,
	"Expression": true,
	"-100":       true,
}

// isDefaultValue reports whether a UID or name value means Grafana's default
// datasource: empty (DatasourceSrv.get falls back to the default for any
// falsy value) or "default".
func isDefaultValue(s string) bool { return s == "" || s == "default" }

// varRef matches dashboard variable references as Grafana's template
// service does (public/app/features/variables/utils.ts variableRegex):
// $name, [[name]] or [[name:fmt]], ${name}, ${name.field} and ${name:fmt}.
var varRef = regexp.MustCompile(`\$(\w+)|\[\[(\w+?)(?::\w+)?\]\]|\$\{(\w+)(?:\.[^:^}]+)?(?::[^}]+)?\}`)

// placeholderRef matches "${...}" with any name, as export placeholders are
// built from datasource names that may hold characters \w does not.
var placeholderRef = regexp.MustCompile(`\$\{([^${}"\\]+)\}`)

// variablesIn returns the names of the dashboard variables s refers to, and
// whether s contains any variable syntax at all.
func variablesIn(s string) (names []string, any bool) {
	if !strings.ContainsAny(s, "$[") {
		return nil, false
	}
	for _, m := range varRef.FindAllStringSubmatch(s, -1) {
		for _, g := range m[1:] {
			if g != "" {
				names = append(names, g)
				break
			}
		}
	}
	for _, m := range placeholderRef.FindAllStringSubmatch(s, -1) {
		n := m[1]
		if i := strings.IndexAny(n, ":."); i > 0 && isWord(n[:i]) {
			n = n[:i]
		}
		if !contains(names, n) {
			names = append(names, n)
		}
	}
	return names, len(names) > 0 || strings.Contains(s, "$")
}

func isWord(s string) bool {
	for _, r := range s {
		if r != '_' && !isAlnum(r) {
			return false
		}
	}
	return s != ""
}

func isAlnum(r rune) bool {
	return r >= '0' && r <= '9' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z'
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// isPlaceholderName reports whether a variable name is that of an export
// placeholder ("Export for sharing externally": DS_<NAME> for
// datasources, VAR_<NAME> for constants).
func isPlaceholderName(n string) bool {
	return strings.HasPrefix(n, "DS_") || strings.HasPrefix(n, "VAR_")
}

// uidProblem says why s is not a valid Grafana UID
// (pkg/util/shortid_generator.go: ^[a-zA-Z0-9\-\_]*$, at most 40 bytes),
// or "" when it is valid.
func uidProblem(s string) string {
	for _, r := range s {
		if r == '-' || r == '_' || isAlnum(r) {
			continue
		}
		switch r {
		case ' ':
			return "contains a space"
		case '\t':
			return "contains a tab"
		}
		return fmt.Sprintf("contains %q", r)
	}
	if len(s) > 40 {
		return fmt.Sprintf("is %d bytes long (the limit is 40)", len(s))
	}
	return ""
}
