package datasource

import (
	"fmt"
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

// variablesIn returns the names of the dashboard variables s refers to, and
// whether s contains any variable syntax at all.
//
// The names are those Grafana's template service finds
// (public/app/features/variables/utils.ts variableRegex): $name,
// [[name]] or [[name:fmt]], ${name}, ${name.field} and ${name:fmt}, in
// order; then the names of "${...}" with any text inside, as export
// placeholders are built from datasource names that may hold characters a
// variable name may not ("${DS_MY-PROM}"; of "${name:fmt}" or
// "${name.field}" the part before the ':' or '.', when it is a word), when
// not already listed. It is a single-pass scanner: references are resolved
// for every datasource reference of every dashboard.
func variablesIn(s string) (names []string, any bool) { return appendVariables(nil, s) }

// appendVariables is variablesIn appending the names to names (a buffer
// of the caller's, so that resolving a reference allocates nothing).
func appendVariables(names []string, s string) ([]string, bool) {
	if !strings.ContainsAny(s, "$[") {
		return names, false
	}
	first := len(names)
	for i := 0; i < len(s); {
		name, end := variableAt(s, i)
		if end < 0 {
			i++
			continue
		}
		names = append(names, name)
		i = end
	}
	for i := 0; i < len(s); {
		n, end := placeholderAt(s, i)
		if end < 0 {
			i++
			continue
		}
		if k := strings.IndexAny(n, ":."); k > 0 && isWord(n[:k]) {
			n = n[:k]
		}
		if !contains(names[first:], n) {
			names = append(names, n)
		}
		i = end
	}
	return names, len(names) > first || strings.Contains(s, "$")
}

// variableAt matches a variable reference starting at s[i]: $name,
// [[name]], [[name:fmt]], ${name}, ${name.field}, ${name:fmt} or
// ${name.field:fmt}, where a field holds no ':', '^' or '}' and a format
// no '}'. It returns the name and the end of the reference, or end -1.
func variableAt(s string, i int) (name string, end int) {
	switch {
	case s[i] == '$' && i+1 < len(s) && isWordByte(s[i+1]):
		j := wordEnd(s, i+1)
		return s[i+1 : j], j
	case s[i] == '$' && i+1 < len(s) && s[i+1] == '{':
		j := wordEnd(s, i+2)
		if j == i+2 || j == len(s) {
			return "", -1
		}
		name, k := s[i+2:j], j
		if s[k] == '.' {
			f := k + 1
			for f < len(s) && s[f] != ':' && s[f] != '^' && s[f] != '}' {
				f++
			}
			if f == k+1 || f == len(s) || s[f] == '^' {
				return "", -1
			}
			k = f
		}
		if s[k] == ':' {
			close := strings.IndexByte(s[k+1:], '}')
			if close <= 0 {
				return "", -1
			}
			k += 1 + close
		}
		if s[k] != '}' {
			return "", -1
		}
		return name, k + 1
	case s[i] == '[' && strings.HasPrefix(s[i:], "[["):
		j := wordEnd(s, i+2)
		if j == i+2 {
			return "", -1
		}
		name, k := s[i+2:j], j
		if k < len(s) && s[k] == ':' {
			f := wordEnd(s, k+1)
			if f == k+1 {
				return "", -1
			}
			k = f
		}
		if !strings.HasPrefix(s[k:], "]]") {
			return "", -1
		}
		return name, k + 2
	}
	return "", -1
}

// placeholderAt matches "${...}" starting at s[i], with one or more
// characters other than '$', '{', '}', '"' and a backslash inside: it returns
// the text inside and the end, or end -1.
func placeholderAt(s string, i int) (inner string, end int) {
	if s[i] != '$' || i+1 >= len(s) || s[i+1] != '{' {
		return "", -1
	}
	j := i + 2
	for j < len(s) && !placeholderStop(s[j]) {
		j++
	}
	if j == i+2 || j == len(s) || s[j] != '}' {
		return "", -1
	}
	return s[i+2 : j], j + 1
}

// placeholderStop reports whether b cannot stand inside a placeholder.
func placeholderStop(b byte) bool {
	return b == '$' || b == '{' || b == '}' || b == '"' || b == '\\'
}

// wordEnd returns the end of the run of word characters ([0-9A-Za-z_])
// that starts at s[i].
func wordEnd(s string, i int) int {
	for i < len(s) && isWordByte(s[i]) {
		i++
	}
	return i
}

func isWordByte(b byte) bool {
	return b == '_' || b >= '0' && b <= '9' || b >= 'a' && b <= 'z' || b >= 'A' && b <= 'Z'
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
