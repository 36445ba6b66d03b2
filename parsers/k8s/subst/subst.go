// Package subst recognises the placeholders that a deployment tool fills
// in after the repository is written — Helm's tpl ({{ … }}), Terraform's
// templatefile (${ … } and %{ … } directives), Flux's post-build
// substitution and envsubst (${VAR}, ${VAR:=default}, $VAR) — so that the
// values holding them are treated as unknown, never judged.
//
// Mask rewrites such placeholders in place as ${…} of the same length: the
// form Grafana itself expands at start-up in grafana.ini and provisioning
// values, which its parsers already treat as deploy-time values. Keeping
// the length keeps every position of the text valid.
package subst

import (
	"regexp"
	"strings"
)

// helmAction matches a Go template action; Terraform directives %{ … }.
var (
	helmAction  = regexp.MustCompile(`\{\{-?[\s\S]*?-?\}\}`)
	tfDirective = regexp.MustCompile(`%\{[^}]*\}`)
)

// HasHelm reports whether s holds a Go template action ({{ … }}).
func HasHelm(s string) bool { return strings.Contains(s, "{{") && helmAction.MatchString(s) }

// MaskHelm rewrites the {{ … }} actions of s (which Helm's tpl evaluates
// at install time) as ${…} of the same length.
func MaskHelm(s string) string {
	if !strings.Contains(s, "{{") {
		return s
	}
	return helmAction.ReplaceAllStringFunc(s, mask)
}

// MaskTerraform rewrites Terraform template directives (%{ if … },
// %{ for … }, %{ endif }): one alone on its line becomes a YAML comment
// ("#{ if … }"), which is what the line leaves after rendering; one inside
// a value becomes ${…}, an unknown value. ${ … } interpolations already
// have that form. The length of the text is kept.
func MaskTerraform(s string) string {
	if !strings.Contains(s, "%{") {
		return s
	}
	b := []byte(s)
	for _, m := range tfDirective.FindAllStringIndex(s, -1) {
		ls := strings.LastIndexByte(s[:m[0]], '\n') + 1
		le := strings.IndexByte(s[m[1]:], '\n')
		if le < 0 {
			le = len(s)
		} else {
			le += m[1]
		}
		if strings.TrimSpace(s[ls:m[0]]) == "" && strings.TrimSpace(s[m[1]:le]) == "" {
			b[m[0]] = '#'
			continue
		}
		copy(b[m[0]:m[1]], mask(s[m[0]:m[1]]))
	}
	return string(b)
}

// mask turns a placeholder of n ≥ 4 bytes into "${" + filler + "}".
func mask(p string) string {
	if len(p) < 4 {
		return p
	}
	inner := []byte(p[2 : len(p)-1])
	for i, c := range inner {
		if c == '{' || c == '}' || c == '\n' || c == '"' || c == '\'' {
			inner[i] = '_'
		}
	}
	return "${" + string(inner) + "}"
}

// envRef matches ${NAME} and its function forms (${NAME:=default},
// ${NAME:-default}, ${NAME:format}, …) and, for shell envsubst, $NAME.
var envRef = regexp.MustCompile(`\$\{([_A-Za-z0-9-]+)(?:(:?[=-])([^}]*)|[^}]*)\}|\$([_A-Za-z][_A-Za-z0-9]*)`)

// Ref is one variable reference of envsubst syntax.
type Ref struct {
	// Start and End are the byte offsets of the reference in the text.
	Start, End int
	Name       string
	// Default is the ${NAME:=default} value; HasDefault tells an empty
	// default from none.
	Default    string
	HasDefault bool
	// Braced is set for ${NAME} forms.
	Braced bool
}

// EnvRefs returns the variable references envsubst replaces in s ("$$"
// escapes a dollar). Flux's post-build substitution (drone/envsubst, as
// fluxcd/pkg kustomize/kustomize_varsub.go runs it) replaces only ${…}
// forms; bare adds the $NAME form GNU envsubst also replaces.
func EnvRefs(s string, bare bool) []Ref {
	if !strings.Contains(s, "$") {
		return nil
	}
	var out []Ref
	for _, m := range envRef.FindAllStringSubmatchIndex(s, -1) {
		// An odd run of "$" before the match: escaped.
		d := 0
		for k := m[0] - 1; k >= 0 && s[k] == '$'; k-- {
			d++
		}
		if d%2 == 1 {
			continue
		}
		r := Ref{Start: m[0], End: m[1]}
		if m[2] >= 0 {
			r.Name, r.Braced = s[m[2]:m[3]], true
			if m[4] >= 0 {
				r.HasDefault = true
				r.Default = s[m[6]:m[7]]
			}
		} else {
			if !bare {
				continue
			}
			r.Name = s[m[8]:m[9]]
		}
		out = append(out, r)
	}
	return out
}
