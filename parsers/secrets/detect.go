// Package secrets knows which values of a Grafana deployment are
// credentials, and hides them. It is the one place that decides what a
// secret is: the secret/plaintext rule asks it whether a value should be
// reported, and every output of grafanalint (all report formats, excerpts,
// related notes, the baseline file, `grafanalint model`) passes through a
// Set collected from the model, so that a credential the rule reports is
// never printed elsewhere either.
//
// What counts as a secret:
//   - grafana.ini keys that hold credentials (IsIniSecret), and keys whose
//     name says they are one (CredentialName), in every ini file, every
//     effective setting not from Grafana's published defaults and every
//     GF_* variable that sets one;
//   - in datasource provisioning, every secureJsonData value, the
//     deprecated top-level password and basicAuthPassword, and jsonData
//     keys named like a credential;
//   - the password of any URL with user info (root_url, [database] url,
//     GF_DATABASE_URL, a datasource url, proxy_pass http://user:pass@host/),
//     and password=… pairs and user:pass@tcp(…) DSNs ([remote_cache]
//     connstr);
//   - the values of request headers that carry credentials (Authorization,
//     Proxy-Authorization, Cookie, X-Api-Key, …) in nginx, and of nginx
//     variables named like a credential.
//
// A value that is only a reference (${VAR}, $VAR, $__env{…}, $__file{…},
// $__vault{…}) is no secret; a value that mixes references with literal
// text is, and so is the default of ${VAR:-default}.
package secrets

import (
	"net/url"
	"regexp"
	"strings"
	"unicode"

	"github.com/grafanalint/grafanalint/parsers/model"
)

// iniSecrets are the grafana.ini keys that hold credentials, by section
// (grafana/grafana conf/defaults.ini).
var iniSecrets = map[string][]string{
	"security":                              {"admin_password", "secret_key"},
	"database":                              {"password"},
	"smtp":                                  {"password"},
	"live":                                  {"ha_engine_password"},
	"server":                                {"cert_pass"},
	"metrics":                               {"basic_auth_password"},
	"remote_cache":                          {"password"},
	"remote.alertmanager":                   {"password"},
	"unified_alerting":                      {"ha_redis_password", "ha_redis_sentinel_password"},
	"unified_alerting.state_history":        {"loki_basic_auth_password"},
	"unified_alerting.notification_history": {"loki_basic_auth_password"},
	"grafana_com":                           {"sso_api_token", "proxy_token"},
	"rendering":                             {"renderer_token"},
	"nats":                                  {"token"},
	"cloud_migration":                       {"gcom_api_token"},
	"azure":                                 {"user_identity_client_secret"},
	"external_image_storage.s3":             {"secret_key"},
	"external_image_storage.webdav":         {"password"},
	"external_image_storage.azure_blob":     {"account_key"},
	"provisioning":                          {"loki_password"},
	"datasources.ip_range_security":         {"secret_key"},
}

// IsIniSecret reports whether section.key of grafana.ini holds a
// credential: a key listed for its section, client_secret of any [auth.*]
// section, secret_key of a [secrets_manager.encryption.*] provider, or a
// key of a [plugin.*] section whose name says it is a credential.
func IsIniSecret(section, key string) bool {
	for _, k := range iniSecrets[section] {
		if k == key {
			return true
		}
	}
	switch {
	case strings.HasPrefix(section, "auth.") && key == "client_secret":
		return true
	case strings.HasPrefix(section, "secrets_manager.encryption.") && key == "secret_key":
		return true
	case strings.HasPrefix(section, "plugin."):
		return CredentialName(key)
	}
	return false
}

// notCredential are name endings that say a key holds something about a
// credential rather than the credential (a URL, a file, a switch, a limit).
var notCredential = regexp.MustCompile(`(?i)(url|uri|file|path|hint|name|type|attribute|timeout|enabled|policy|days|minutes|seconds|ms|limit|live|audience|header|length|id|expiration|lifetime|field|mode|method)$`)

// CredentialName reports whether a key name (ini key, YAML key, variable
// name) names a credential: model.IsSecretKey without names that only
// describe one (tokenUri, password_hint, use_refresh_token, …).
func CredentialName(key string) bool {
	if !model.IsSecretKey(key) {
		return false
	}
	if i := strings.LastIndexAny(key, ".]"); i >= 0 {
		key = key[i+1:]
	}
	k := strings.ReplaceAll(key, "_", "")
	if notCredential.MatchString(k) {
		return false
	}
	l := strings.ToLower(k)
	return !strings.HasPrefix(l, "use") && !strings.HasPrefix(l, "enable") && !strings.HasPrefix(l, "validate") && !strings.HasPrefix(l, "disable")
}

// Literal reports whether v is a literal credential: not empty, not a
// reference Grafana (or compose, or a template engine) replaces, not a
// boolean, null or placeholder. dynamic says the caller already knows v is
// a reference.
func Literal(v string, dynamic bool) bool {
	t := strings.TrimSpace(v)
	if t == "" || dynamic {
		return false
	}
	if strings.Contains(t, "{{") && strings.Contains(t, "}}") || strings.Contains(t, "{%") {
		return false
	}
	switch strings.ToLower(t) {
	case "true", "false", "null", "~":
		return false
	}
	return !Placeholder(t)
}

// Placeholder reports values that only stand for a credential: no letter
// or digit at all ("...", "***", "-") or an angle-bracket placeholder
// ("<password>").
func Placeholder(v string) bool {
	if strings.HasPrefix(v, "<") && strings.HasSuffix(v, ">") {
		return true
	}
	return strings.IndexFunc(v, func(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) }) < 0
}

// URLPassword returns the password in a URL's user info
// (mysql://user:pass@host/db) as written, and whether there is one.
func URLPassword(v string) (string, bool) {
	u, err := url.Parse(strings.TrimSpace(v))
	if err != nil || u.User == nil {
		return "", false
	}
	p, ok := u.User.Password()
	return p, ok && p != ""
}

// credentialHeaders are request headers whose values are credentials.
var credentialHeaders = map[string]bool{
	"authorization": true, "proxy-authorization": true, "cookie": true, "set-cookie": true,
	"x-api-key": true, "api-key": true, "x-auth-token": true, "x-access-token": true,
	"private-token": true, "x-grafana-api-key": true, "x-vault-token": true,
}

// IsCredentialHeader reports whether an HTTP header's value is a
// credential (Authorization, Cookie, X-Api-Key, or a name that says so;
// not the CORS headers that name credentials, such as
// Access-Control-Allow-Credentials).
func IsCredentialHeader(name string) bool {
	n := strings.ToLower(strings.TrimSpace(name))
	if credentialHeaders[n] {
		return true
	}
	return !strings.HasPrefix(n, "access-control-") && CredentialName(n)
}

// reference matches one reference Grafana, compose or a shell replaces:
// ${VAR...}, $VAR, $__env{…}, $__file{…}, $__vault{…}. Group 2 is the
// default or alternative of ${VAR:-x} / ${VAR-x} / ${VAR:=x} / ${VAR:+x}.
var reference = regexp.MustCompile(`\$__(?:env|file|vault)\{[^}]*\}|\$\{[A-Za-z_][A-Za-z0-9_]*(:?[-=+?]([^}]*))?\}|\$[A-Za-z_][A-Za-z0-9_]*`)

// IsReference reports whether v, trimmed, is one reference and nothing
// else, with no literal default (${VAR:-x} has one).
func IsReference(v string) bool {
	t := strings.TrimSpace(v)
	m := reference.FindStringSubmatchIndex(t)
	if m == nil || m[0] != 0 || m[1] != len(t) {
		return false
	}
	if m[4] < 0 || m[5] == m[4] {
		return true
	}
	// ${VAR:?message} fails instead of substituting; every other form
	// substitutes its text.
	return strings.HasSuffix(t[m[2]:m[4]], "?")
}

// literalParts returns the literal text of a secret value that mixes
// references with text: the defaults of ${VAR:-x} and the text around the
// references. A value without references is returned whole.
func literalParts(v string) []string {
	t := strings.TrimSpace(v)
	ms := reference.FindAllStringSubmatchIndex(t, -1)
	if ms == nil {
		return []string{t}
	}
	var out []string
	prev := 0
	for _, m := range ms {
		if s := strings.TrimSpace(t[prev:m[0]]); s != "" {
			out = append(out, s)
		}
		if m[4] >= 0 && m[5] > m[4] {
			out = append(out, t[m[4]:m[5]])
		}
		prev = m[1]
	}
	if s := strings.TrimSpace(t[prev:]); s != "" {
		out = append(out, s)
	}
	return out
}

// publicDefaults are values published in Grafana's defaults.ini: no secret
// to hide, and words messages use ("the default admin password").
var publicDefaults = map[string]bool{"admin": true, "SW2YcwTIb9zpOOhoPsMm": true}
