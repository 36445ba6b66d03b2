// Package secret holds the rule about credentials written literally in a
// stack's configuration: grafana.ini, the GF_* variables of a compose file,
// and datasource provisioning. Its messages never contain the value.
package secret

import (
	"fmt"
	"path"
	"regexp"
	"strings"

	"github.com/grafanalint/grafanalint/parsers/grafanaini"
	"github.com/grafanalint/grafanalint/parsers/model"
	"github.com/grafanalint/grafanalint/parsers/provisioning"
	"github.com/grafanalint/grafanalint/parsers/secrets"
	"github.com/grafanalint/grafanalint/rules"
)

// Rules returns the secret rules.
func Rules() []*rules.Rule { return []*rules.Rule{Plaintext} }

// Plaintext reports credentials written literally.
var Plaintext = &rules.Rule{
	ID:       "secret/plaintext",
	Severity: rules.Warning,
	Summary:  "a password, token or client secret written literally in grafana.ini, a compose file's GF_* variables or provisioning; the value is never printed",
	Doc: rules.Doc{
		What: "Reports a credential written as a literal value instead of a reference: in grafana.ini " +
			"(`[security] admin_password` and `secret_key`, `[database] password` or a password inside " +
			"`[database] url`, `[smtp] password`, `[live] ha_engine_password`, `[server] cert_pass`, " +
			"`client_secret` of every `[auth.*]` section, the alerting and remote cache passwords, tokens of " +
			"`[grafana_com]`, `[rendering] renderer_token`, …); in the `environment:` of a compose file's " +
			"Grafana service (`GF_SECURITY_ADMIN_PASSWORD=…` — env files are where such values belong, so " +
			"they are not reported); and in datasource provisioning (every `secureJsonData` value except the " +
			"public TLS certificates, the deprecated top-level `password` and `basicAuthPassword`, and " +
			"`jsonData` keys that name a credential). Empty values, references (`$__file{…}`, `$__env{…}`, " +
			"`${VAR}`, and `$VAR` in provisioning and compose) and template placeholders (`{{ … }}`) are not " +
			"reported. Grafana's well-known default `secret_key` and the default admin password get their " +
			"own message. The finding spans the value so that output formats can mask it; no message contains it.",
		Why: "A credential committed with the configuration is readable by everyone with access to the " +
			"repository, its forks and its history, and it cannot be rotated without a commit. Grafana " +
			"expands `$__file{path}` and `$__env{VAR}` (and `${VAR}`) in grafana.ini and in provisioning " +
			"files (`pkg/setting/expanders.go`; Grafana's documentation, \"Configure Grafana\", section \"Variable expansion\", and \"Provision Grafana\"), so the value can live in a Docker/Kubernetes secret instead. " +
			"`secret_key` encrypts the datasource secrets stored in Grafana's database: with the default " +
			"`SW2YcwTIb9zpOOhoPsMm`, published in defaults.ini, anyone holding a copy of the database can " +
			"decrypt them. `jsonData` and the deprecated top-level `password`/`basicAuthPassword` are " +
			"stored unencrypted and returned by the datasource API to anyone who can read the datasource.",
		Bad: []rules.Example{{Path: "grafana/grafana.ini", Content: "[security]\nadmin_password = hunter2\n"},
			{Path: "grafana/provisioning/datasources/ds.yaml", Content: "apiVersion: 1\ndatasources:\n  - name: Postgres\n    type: postgres\n    url: db:5432\n    user: grafana\n    secureJsonData:\n      password: hunter2\n"}},
		Good: []rules.Example{{Path: "grafana/grafana.ini", Content: "[security]\nadmin_password = $__file{/run/secrets/grafana_admin_password}\n"},
			{Path: "grafana/provisioning/datasources/ds.yaml", Content: "apiVersion: 1\ndatasources:\n  - name: Postgres\n    type: postgres\n    url: db:5432\n    user: grafana\n    secureJsonData:\n      password: $__env{POSTGRES_PASSWORD}\n"}},
		Fix: "Move the value out of the repository and reference it: `$__file{/run/secrets/name}` or " +
			"`$__env{NAME}` in grafana.ini and provisioning, a `GF_<SECTION>_<KEY>__FILE` variable or an env " +
			"file for the Docker image. Rotate a credential that was committed. For `secret_key`, set your " +
			"own random key before the first start (changing it later needs a re-encryption).",
	},
	Check: check,
}

// defaultSecretKey is Grafana's published default [security] secret_key.
const defaultSecretKey = "SW2YcwTIb9zpOOhoPsMm"

// IsIniSecret reports whether section.key of grafana.ini holds a
// credential (see secrets.IsIniSecret, which output redaction uses too).
func IsIniSecret(section, key string) bool { return secrets.IsIniSecret(section, key) }

// credentialName reports whether a key name names a credential.
func credentialName(key string) bool { return secrets.CredentialName(key) }

// literal reports whether v is a literal credential.
func literal(v string, dynamic bool) bool { return secrets.Literal(v, dynamic) }

// publicHeaders are HTTP headers whose value identifies rather than
// authenticates (a tenant, a content type): a secureJsonData
// httpHeaderValueN for them is no credential.
var publicHeaders = map[string]bool{"x-scope-orgid": true, "accept": true, "content-type": true, "user-agent": true, "x-grafana-org-id": true}

// headerName returns the jsonData.httpHeaderNameN paired with a
// secureJsonData.httpHeaderValueN field, "" when there is none.
func headerName(ds *model.Datasource, path string) string {
	n, ok := strings.CutPrefix(path, "secureJsonData.httpHeaderValue")
	if !ok {
		return ""
	}
	for _, f := range ds.Fields {
		if f.Path == "jsonData.httpHeaderName"+n {
			return f.Value.V
		}
	}
	return ""
}

func check(c *rules.Context) {
	checkIni(c)
	checkEnv(c)
	checkProvisioning(c)
}

// valueSpan is where a finding on an ini value points: the value, through
// any inline comment go-ini cut off it, so that a masked excerpt hides the
// whole credential.
func valueSpan(k *model.IniKey) (model.Pos, model.Pos) {
	end := k.Value.End
	if k.Comment.IsSet() && k.Comment.End.IsValid() {
		end = k.Comment.End
	}
	return k.Value.Pos, end
}

func sectionKey(section, key string) string {
	if section == "" {
		return key
	}
	return "[" + section + "] " + key
}

func checkIni(c *rules.Context) {
	s := c.Stack.Settings
	if s == nil || s.File == nil {
		return
	}
	for _, sec := range s.File.Sections {
		for _, k := range sec.Keys {
			section, key := k.Section, k.Name.V
			v := k.Value.V
			entity := "ini:" + strings.TrimPrefix(section+"."+key, ".")
			pos, end := valueSpan(k)
			f := rules.Finding{Pos: pos, End: end, Entity: entity, Key: "ini:" + section + "." + key}
			switch {
			case section == "database" && key == "url":
				if !urlHasPassword(v) || grafanaini.IsDynamic(v) {
					continue
				}
				f.Message = "[database] url carries a password in plain text: move the password to [database] password with $__file{…} or $__env{…}, or set the whole URL with $__env{…} (GF_DATABASE_URL__FILE for the Docker image)"
			case IsIniSecret(section, key):
				if !literal(v, grafanaini.IsDynamic(v)) || (section == "rendering" && v == "-") {
					continue
				}
				f.Message = iniMessage(section, key, v)
			default:
				continue
			}
			c.Report(f)
		}
	}
}

// bareVar matches a whole value that is a shell-style $VAR, which
// grafana.ini does not expand.
var bareVar = regexp.MustCompile(`^\$[A-Za-z_][A-Za-z0-9_]*$`)

func iniMessage(section, key, v string) string {
	name := sectionKey(section, key)
	switch {
	case bareVar.MatchString(v):
		return fmt.Sprintf("%s is a bare $VAR reference, which grafana.ini does not expand: Grafana uses the text itself as the credential; write ${VAR} or $__env{VAR} (or $__file{path})", name)
	case section == "security" && key == "secret_key" && v == defaultSecretKey:
		return "[security] secret_key is the well-known default key published in Grafana's defaults.ini: anyone with a copy of the database can decrypt the datasource secrets it encrypts; generate a random key and reference it with $__file{…} or $__env{…} before the first start"
	case section == "security" && key == "admin_password" && v == "admin":
		return "[security] admin_password is Grafana's default admin password, written in plain text: anyone can log in as admin until it is changed; reference a secret with $__file{…} or $__env{…}"
	}
	return fmt.Sprintf("%s is written in plain text: anyone with the repository can read it; reference it with $__file{/run/secrets/…} or $__env{…} instead", name)
}

// urlHasPassword reports whether a URL carries a literal password in its
// user info (mysql://user:pass@host/db).
func urlHasPassword(v string) bool {
	p, ok := secrets.URLPassword(v)
	return ok && literal(p, false) && !strings.HasPrefix(p, "$")
}

// envSecret returns the grafana.ini setting a GF_* variable sets (its
// Matched "section.key", where the section may hold dots itself) and
// whether that setting holds a credential.
func envSecret(s *model.Settings, ev *model.EnvVar) (section, key string, ok bool) {
	if ev.Matched == "" {
		return "", "", false
	}
	section, key = "", ev.Matched
	for i := len(ev.Matched) - 1; i > 0; i-- {
		if ev.Matched[i] == '.' && s.Get(ev.Matched[:i], ev.Matched[i+1:]) != nil {
			section, key = ev.Matched[:i], ev.Matched[i+1:]
			break
		}
	}
	return section, key, IsIniSecret(section, key) || (section == "database" && key == "url")
}

// composeRef matches compose interpolation: $VAR, ${VAR}, ${VAR:-x}, …
var composeRef = regexp.MustCompile(`\$(\{|[A-Za-z_])`)

// checkEnv reports credentials given literally to Grafana in a compose
// file's environment. Env files are where compose users keep such values
// (out of the committed compose file), so their variables are not reported.
func checkEnv(c *rules.Context) {
	s := c.Stack.Settings
	if s == nil {
		return
	}
	for i := range s.Env {
		ev := &s.Env[i]
		if !ev.Pos.IsValid() || ev.Value == "" {
			continue
		}
		f := c.File(ev.Pos.File)
		kube := f != nil && (f.Kind == model.KindKubernetes || f.Kind == model.KindHelmValues)
		if f == nil || f.Kind != model.KindCompose && !kube {
			continue
		}
		section, key, ok := envSecret(s, ev)
		if !ok || composeRef.MatchString(strings.ReplaceAll(ev.Value, "$$", "")) || !literal(ev.Value, grafanaini.IsDynamic(ev.Value)) {
			continue
		}
		if kube && strings.HasPrefix(ev.Value, "ENC[") {
			continue // encrypted with SOPS
		}
		if section == "database" && key == "url" && !urlHasPassword(ev.Value) {
			continue
		}
		msg := fmt.Sprintf("%s gives %s in plain text in the compose file: anyone with the repository can read it; put it in an env file kept out of the repository, use %s__FILE with a Docker secret, or interpolate it (${VAR})",
			ev.Name, sectionKey(section, key), ev.Name)
		if kube {
			// A Kubernetes manifest, Secret or Helm values committed to the
			// repository (base64 in a Secret's data is no encryption).
			msg = fmt.Sprintf("%s gives %s in plain text in the repository (%s): anyone who can read it can read the credential; read it from a Secret kept out of the repository or encrypted (valueFrom.secretKeyRef; with the grafana chart admin.existingSecret or envFromSecret; SOPS or sealed-secrets for a Secret in Git)",
				ev.Name, sectionKey(section, key), path.Base(ev.Pos.File))
		}
		switch {
		case section == "security" && key == "secret_key" && ev.Value == defaultSecretKey:
			msg = fmt.Sprintf("%s sets [security] secret_key to the well-known default key published in Grafana's defaults.ini: anyone with a copy of the database can decrypt the datasource secrets it encrypts; generate a random key and pass it with %s__FILE", ev.Name, ev.Name)
		case section == "security" && key == "admin_password" && ev.Value == "admin":
			msg = fmt.Sprintf("%s sets Grafana's default admin password in plain text: anyone can log in as admin until it is changed; pass a secret with %s__FILE or from an env file", ev.Name, ev.Name)
			if kube {
				msg = fmt.Sprintf("%s sets Grafana's default admin password in plain text: anyone can log in as admin until it is changed; read it from a Secret (valueFrom.secretKeyRef, or admin.existingSecret with the grafana chart)", ev.Name)
			}
		}
		pos, end := envValueSpan(c, ev)
		if ks := c.Kube(ev.ValuePos); ks != nil && ks.Kind == model.KubeValue && ks.Env == ev.Name {
			msg = chartValueMessage(ks, section, key, ev.Value == "admin")
		}
		if v, dpos, dend, ok := composeDefault(c, ev); ok {
			// The value is a default of compose interpolation: the
			// password written in the file is the one Grafana runs with
			// whenever the variable is unset.
			pos, end = dpos, dend
			msg = fmt.Sprintf("%s gives %s the default of ${%s…}, written in plain text in the compose file: compose uses it whenever %s is unset, so anyone with the repository knows the password such a deployment runs with; drop the default and require the variable (${%s:?set %s}), or use %s__FILE with a Docker secret",
				ev.Name, sectionKey(section, key), v, v, v, v, ev.Name)
		}
		c.Report(rules.Finding{Pos: pos, End: end, Entity: "env:" + ev.Name, Key: "env:" + ev.Name, Message: msg})
	}
}

// chartValueMessage says it for a Helm value the chart hands to Grafana
// as a variable: adminPassword goes to the chart's Secret and from there
// to GF_SECURITY_ADMIN_PASSWORD (grafana chart templates/secret.yaml and
// _pod.tpl); admin.existingSecret names a Secret to read it from instead.
func chartValueMessage(ks *model.KubeSource, section, key string, isDefault bool) string {
	where := fmt.Sprintf("in %s (%s)", path.Base(ks.Pos.File), ks.Object)
	existing := strings.TrimSuffix(ks.Name, "adminPassword") + "admin.existingSecret"
	if isDefault {
		return fmt.Sprintf("%s sets Grafana's default admin password in plain text %s, which the chart passes as %s: anyone can log in as admin until it is changed; remove it (the chart then generates a random password) or keep the password in a Secret and name it with %s",
			ks.Name, where, ks.Env, existing)
	}
	return fmt.Sprintf("%s is written in plain text %s: the chart passes it to Grafana as %s (%s), so anyone who can read the repository can read the credential; keep it in a Secret out of the repository or encrypted (SOPS, sealed-secrets) and name that Secret with %s",
		ks.Name, where, ks.Env, sectionKey(section, key), existing)
}

// envValueSpan locates a compose variable's value: from where it starts
// (ValuePos) to its end when the line shows it verbatim. When it does not
// (escapes in a double-quoted value, a value spanning lines) the span runs
// to the end of the line, so that a masked excerpt still hides the value.
func envValueSpan(m *rules.Context, ev *model.EnvVar) (model.Pos, model.Pos) {
	pos := ev.ValuePos
	if !pos.IsValid() {
		pos = ev.Pos
	}
	text, ok := m.File(pos.File).Line(pos.Line)
	if !ok {
		return pos, model.Pos{}
	}
	line := []rune(text)
	if ev.ValuePos.IsValid() && pos.Col-1 <= len(line) && strings.HasPrefix(string(line[pos.Col-1:]), ev.Value) {
		return pos, model.Pos{File: pos.File, Line: pos.Line, Col: pos.Col + len([]rune(ev.Value))}
	}
	return pos, model.Pos{File: pos.File, Line: pos.Line, Col: len(line) + 1}
}

// composeDefault reports whether ev's value, as written in the compose
// file, is a whole ${NAME:-default} or ${NAME-default} interpolation whose
// default is the value: it returns NAME and the span of the default.
func composeDefault(m *rules.Context, ev *model.EnvVar) (name string, pos, end model.Pos, ok bool) {
	if !ev.ValuePos.IsValid() {
		return "", pos, end, false
	}
	text, found := m.File(ev.ValuePos.File).Line(ev.ValuePos.Line)
	if !found {
		return "", pos, end, false
	}
	line := []rune(text)
	if ev.ValuePos.Col-1 > len(line) {
		return "", pos, end, false
	}
	raw := string(line[ev.ValuePos.Col-1:])
	m2 := defaultRef.FindStringSubmatch(raw)
	if m2 == nil || m2[3] != ev.Value {
		return "", pos, end, false
	}
	col := ev.ValuePos.Col + len([]rune(m2[1]))
	pos = model.Pos{File: ev.ValuePos.File, Line: ev.ValuePos.Line, Col: col}
	end = model.Pos{File: pos.File, Line: pos.Line, Col: col + len([]rune(m2[3]))}
	return m2[2], pos, end, true
}

// defaultRef matches a value written as ${NAME:-default} or
// ${NAME-default} (a default without "$" or "}"): group 1 is the text
// before the default, 2 the name, 3 the default.
var defaultRef = regexp.MustCompile(`^(\$\{([A-Za-z_][A-Za-z0-9_]*):?-)([^$}]*)\}`)

// publicSecure are secureJsonData keys that hold public material.
var publicSecure = map[string]bool{"tlsCACert": true, "tlsClientCert": true}

func checkProvisioning(c *rules.Context) {
	for _, df := range c.Stack.DatasourceFiles {
		for _, ds := range df.Datasources {
			for _, fl := range ds.Fields {
				what := ""
				last := fl.Path[strings.LastIndexAny(fl.Path, ".]")+1:]
				switch {
				case strings.HasPrefix(fl.Path, "secureJsonData."):
					if publicSecure[last] || publicHeaders[strings.ToLower(strings.TrimSpace(headerName(ds, fl.Path)))] {
						continue
					}
					what = fmt.Sprintf("secureJsonData.%s is written in plain text in the provisioning file", strings.TrimPrefix(fl.Path, "secureJsonData."))
				case fl.Path == "password" || fl.Path == "basicAuthPassword":
					what = fmt.Sprintf("%s (deprecated top-level key) is written in plain text and stored unencrypted: move it to secureJsonData.%s", fl.Key.V, fl.Path)
				case strings.HasPrefix(fl.Path, "jsonData.") && credentialName(last):
					what = fmt.Sprintf("jsonData.%s looks like a credential: jsonData is stored unencrypted and returned to anyone who can read the datasource; move it to secureJsonData", strings.TrimPrefix(fl.Path, "jsonData."))
				default:
					continue
				}
				if !fl.Value.IsSet() || !literal(fl.Value.V, fl.Dynamic || provisioning.IsDynamic(fl.Value.V)) {
					continue
				}
				if isNumberOrBool(fl.Value.V) && !strings.HasPrefix(fl.Path, "secureJsonData.") {
					continue
				}
				c.Report(rules.Finding{
					Pos: fl.Value.Pos, End: fl.Value.End, Entity: dsEntity(ds), Key: "field:" + fl.Path,
					Message: fmt.Sprintf("datasource %q: %s; reference it with $__env{…} or $__file{…} (provisioning expands them) so the value stays out of the repository", ds.Name.V, what),
				})
			}
		}
	}
}

func isNumberOrBool(v string) bool {
	switch strings.ToLower(v) {
	case "true", "false", "yes", "no", "on", "off":
		return true
	}
	return strings.Trim(v, "0123456789.-+") == ""
}

func dsEntity(ds *model.Datasource) string {
	if ds.UID.V != "" {
		return "datasource:" + ds.UID.V
	}
	return "datasource:" + ds.Name.V
}
