// Package provisioning holds the rules about the shape and placement of
// provisioning files: datasources and dashboard providers missing what
// Grafana needs, values Grafana cannot decode, access modes Grafana
// replaces, the legacy file format, and provisioning (or ini) files Grafana
// never reads.
//
// The file rules look at the files a stack's Grafana reads
// (Stack.DatasourceFiles and Stack.ProviderFiles); provisioning/not-loaded
// reports the files discovery found in the stack's tree that Grafana does
// not read (Stack.UnloadedFiles), with the reason discovery recorded;
// provisioning/path-not-mounted the places of a compose deployment that
// provide nothing (Stack.MissingPaths).
package provisioning

import (
	"fmt"
	"strings"

	"github.com/grafanalint/grafanalint/parsers/model"
	"github.com/grafanalint/grafanalint/parsers/provisioning"
	"github.com/grafanalint/grafanalint/rules"
	"github.com/grafanalint/grafanalint/rules/fix"
)

// Rules returns the provisioning rules in catalogue order.
func Rules() []*rules.Rule {
	return []*rules.Rule{MissingField, InvalidField, InvalidAccess, LegacyFormat, NotLoaded, PathNotMounted}
}

const (
	exDS       = "grafana/provisioning/datasources/ds.yaml"
	exProvider = "grafana/provisioning/dashboards/provider.yaml"
	exDash     = "grafana/provisioning/dashboards/home.json"
	exDashJSON = `{"uid": "home", "title": "Home", "schemaVersion": 39, "panels": []}`
)

// MissingField reports datasources without name or type and providers
// without a path.
var MissingField = &rules.Rule{
	ID:       "provisioning/missing-field",
	Severity: rules.Error,
	Summary:  "a provisioned datasource without name or type, or a dashboard provider without options.path",
	Doc: rules.Doc{
		What: "Reports a `datasources` entry without a `name` or a `type` (absent or empty), and a dashboard " +
			"provider without `options.path` (nor the legacy `options.folder`). Values built from " +
			"provisioning variables are not judged; values of the wrong shape (a list, a mapping) are " +
			"`provisioning/invalid-field`'s.",
		Why: "Grafana identifies a provisioned datasource by its organisation and `name`: it looks the name " +
			"up to decide between insert and update, derives the UID from it when `uid` is absent, and " +
			"dashboards and `deleteDatasources` find it by it (`pkg/services/provisioning/datasources/datasources.go`, `types.go` `createInsertCommand`). `type` is the plugin that runs " +
			"the queries: without it the datasource cannot query anything. A provider's `options.path` is " +
			"the directory (or file) whose dashboards it loads: without it Grafana cannot create the provider's " +
			"file reader (`path param is not a string`) and dashboard provisioning fails as a whole " +
			"(`pkg/services/provisioning/dashboards/file_reader.go`).",
		Bad: []rules.Example{{Path: exDS, Content: "apiVersion: 1\ndatasources:\n  - name: Prometheus\n    url: http://prometheus:9090\n"}},
		Good: []rules.Example{{Path: exDS, Content: "apiVersion: 1\ndatasources:\n  - name: Prometheus\n    type: prometheus\n    url: http://prometheus:9090\n"},
			{Path: exProvider, Content: "apiVersion: 1\nproviders:\n  - name: default\n    options:\n      path: /etc/grafana/provisioning/dashboards\n"},
			{Path: exDash, Content: exDashJSON}},
		Fix: "Add the missing key: `name` and `type` (the plugin id, e.g. `prometheus`, `loki`, " +
			"`grafana-postgresql-datasource`) for a datasource, `options.path` (the directory inside the " +
			"Grafana container) for a provider.",
	},
	Check: checkMissing,
}

func checkMissing(c *rules.Context) {
	for _, df := range c.Stack.DatasourceFiles {
		for _, ds := range df.Datasources {
			if ds.Name.V == "" && !ds.NameDynamic && !hasCollection(ds.Fields, "name") {
				pos, what := ds.Pos, "has no \"name\""
				if ds.Name.IsSet() {
					pos, what = ds.Name.Pos, "has an empty \"name\""
				}
				c.Report(rules.Finding{
					Pos: pos, Entity: entity(ds), Key: "name:" + ds.Type.V,
					Message: fmt.Sprintf("datasource %s %s: Grafana identifies provisioned datasources by organisation and name (to insert or update them, to derive a missing UID, to delete them), so it cannot manage this one; add a unique \"name\"", describe(ds), what),
				})
			}
			if ds.Type.V == "" && !provisioning.IsDynamic(ds.Type.V) && !hasCollection(ds.Fields, "type") {
				pos, what := ds.Pos, "has no \"type\""
				if ds.Type.IsSet() {
					pos, what = ds.Type.Pos, "has an empty \"type\""
				}
				c.Report(rules.Finding{
					Pos: pos, Entity: entity(ds), Key: "type:" + ds.Name.V,
					Message: fmt.Sprintf("datasource %s %s: \"type\" names the plugin that runs its queries, so Grafana cannot query it; add the plugin id, e.g. type: prometheus", describe(ds), what),
				})
			}
		}
	}
	for _, pf := range c.Stack.ProviderFiles {
		for _, p := range pf.Providers {
			if p.Path.V != "" || p.PathDynamic {
				continue
			}
			if !p.Path.IsSet() && (written(p.Fields, "options.path") || written(p.Fields, "options.folder") || optionsNotMapping(p.Fields)) {
				continue // not a string: provisioning/invalid-field reports it
			}
			pos, what := p.Pos, "has no \"options.path\""
			why := "Grafana cannot create the provider's file reader (\"path param is not a string\"), so dashboard provisioning fails as a whole"
			if p.Path.IsSet() {
				pos, what = p.Path.Pos, "has an empty \"options.path\""
				why = "it is the directory (or file) inside the Grafana container whose dashboards the provider loads"
			}
			c.Report(rules.Finding{
				Pos: pos, Entity: "provider:" + p.Name.V, Key: "path:" + p.Name.V,
				Message: fmt.Sprintf("dashboard provider %q %s: %s; add options.path, e.g. /etc/grafana/provisioning/dashboards", p.Name.V, what, why),
			})
		}
	}
}

// written reports whether key holds a value that is not null: a scalar,
// or a mapping or list (fields below it).
func written(fs []model.Field, key string) bool {
	for _, f := range fs {
		if f.Path == key && f.Value.Pos.IsValid() {
			return true
		}
	}
	return hasCollection(fs, key)
}

// hasCollection reports whether key holds a mapping or a list: a field
// below it ("key.sub", "key[0]").
func hasCollection(fs []model.Field, key string) bool {
	for _, f := range fs {
		if strings.HasPrefix(f.Path, key+".") || strings.HasPrefix(f.Path, key+"[") {
			return true
		}
	}
	return false
}

// optionsNotMapping reports whether a provider's options is written as a
// scalar or a list, which Grafana cannot decode.
func optionsNotMapping(fs []model.Field) bool {
	for _, f := range fs {
		if f.Path == "options" && f.Value.Pos.IsValid() || strings.HasPrefix(f.Path, "options[") {
			return true
		}
	}
	return false
}

// describe names a datasource in a message by its name, else its type.
func describe(ds *model.Datasource) string {
	switch {
	case ds.Name.V != "":
		return fmt.Sprintf("%q", ds.Name.V)
	case ds.Type.V != "":
		return fmt.Sprintf("of type %q", ds.Type.V)
	}
	return "entry"
}

func entity(ds *model.Datasource) string {
	if ds.UID.V != "" {
		return "datasource:" + ds.UID.V
	}
	return "datasource:" + ds.Name.V
}

// InvalidField reports the values of provisioning files Grafana's decoder
// rejects (DatasourceFile.Issues and ProviderFile.Issues).
var InvalidField = &rules.Rule{
	ID:       "provisioning/invalid-field",
	Severity: rules.Error,
	Fix: "writes `true` or `false` for a boolean of an apiVersion 1 datasource entry spelt the YAML 1.1 way (`yes`, `no`, `on`, `off`, `y`, `n`, " +
		"the spellings go-yaml decodes into a bool, and so Grafana's legacy format reads them), which is what it means. An `isDefault` that would become `true` is left alone when another entry " +
		"of the organisation is or may be the default (the fix would trade this error for `datasource/multiple-defaults`). Other values are " +
		"left to you.",
	Summary: "a provisioning value Grafana cannot decode: the whole provisioning step fails",
	Doc: rules.Doc{
		What: "Reports each value of a datasource or dashboard provisioning file that Grafana cannot decode: " +
			"`datasources:` or `providers:` that is not a list, an item that is not a mapping, `isDefault: yes` " +
			"in an apiVersion 1 file (only `true`/`false`, `1`/`0`, `t`/`f` are booleans there), `orgId: 1.0`, " +
			"a `name` written as a list or mapping, an `apiVersion` that is not an integer in a datasource " +
			"file, a `providers:` mapping without `apiVersion: 1` (Grafana reads it as the legacy top-level " +
			"list), two providers of one file with the same name, an `options.path` that is not a string. " +
			"A `foldersFromFilesStructure` that is not a boolean is reported as a warning: Grafana ignores it " +
			"instead of failing.",
		Why: "Grafana decodes each provisioning file with yaml.v3 into typed structs; in apiVersion 1 files " +
			"it interpolates each value and converts it with strconv (`ParseBool`, `ParseInt`) " +
			"(`pkg/services/provisioning/datasources/config_reader.go`, `dashboards/config_reader.go`, " +
			"`provisioning/values`). A decode error in one file aborts the whole step, not just the file " +
			"(`ProvisionDatasources` in `pkg/services/provisioning/provisioning.go`): datasource provisioning returns `Datasource provisioning error: …`, no " +
			"datasource of any file is provisioned and Grafana does not start; for dashboards, reading the " +
			"provider files fails (`Failed to read dashboards config: could not parse provisioning config " +
			"file`, also for `dashboard name \"…\" is not unique`) or creating a provider's file reader fails " +
			"(`path param is not a string`), no dashboard is provisioned and the provisioning service stops, " +
			"which shuts Grafana down. `foldersFromFilesStructure` is read with a Go type assertion to bool, " +
			"so a quoted `\"true\"` counts as false.",
		Bad:   []rules.Example{{Path: exDS, Content: "apiVersion: 1\ndatasources:\n  - name: Prometheus\n    type: prometheus\n    url: http://prometheus:9090\n    isDefault: yes\n"}},
		Good:  []rules.Example{{Path: exDS, Content: "apiVersion: 1\ndatasources:\n  - name: Prometheus\n    type: prometheus\n    url: http://prometheus:9090\n    isDefault: true\n"}},
		Fixed: []rules.Example{{Path: exDS, Content: "apiVersion: 1\ndatasources:\n  - name: Prometheus\n    type: prometheus\n    url: http://prometheus:9090\n    isDefault: true\n"}},
		Fix: "Write the value in the form Grafana decodes: `true` or `false` for booleans, a whole number for " +
			"`orgId`, `version` and `updateIntervalSeconds`, a string for `name`, `type`, `url` and " +
			"`options.path`, a list (`- ` items) under `datasources:` and `providers:`, `apiVersion: 1` at the " +
			"top of a file with `providers:`, a distinct name for each provider of a file.",
	},
	Check: checkInvalid,
}

// cannotRead is how the provisioning parser's messages say that Grafana
// fails on a file; the other issues are values Grafana ignores.
const cannotRead = "Grafana cannot read this file"

// fixHints map a phrase of an issue message to the fix; the first match
// wins. "" means the message already says it.
var fixHints = []struct{ phrase, fix string }{
	{"add \"apiVersion: 1\"", ""},
	{"is used twice", "rename one of them: each provider of a file needs its own name"},
	{"\"foldersFromFilesStructure\"", "the dashboards' subdirectories do not become folders; write true or false without quotes"},
	{"must be true or false", "write true or false"},
	{"\"apiVersion\" must be an integer", "write apiVersion: 1"},
	{"integer", "write a whole number such as 1"},
	{"provisioning file must be a mapping", "start the file with apiVersion: 1 and a %s: list"},
	{"each item of", "write each item as a mapping of keys (- name: …)"},
	{"must be a list", "write each entry under it as a list item starting with \"- \""},
	{"values under", "write each value under it as a single string"},
	{"must be a mapping", "write its keys indented under it"},
	{"must be a string", "write a single string"},
	{"mapping keys under", "write each key as plain text"},
}

func checkInvalid(c *rules.Context) {
	for _, df := range c.Stack.DatasourceFiles {
		for _, is := range df.Issues {
			reportIssue(c, df.Path, is, "datasource provisioning fails as a whole: no datasource of any file is provisioned and Grafana does not start (\"Datasource provisioning error\")", "datasources", boolFix(c.Stack, df, is))
		}
	}
	for _, pf := range c.Stack.ProviderFiles {
		for _, is := range pf.Issues {
			reportIssue(c, pf.Path, is, "dashboard provisioning fails as a whole: no dashboard is provisioned and the provisioning service stops, which shuts Grafana down", "providers", nil)
		}
	}
}

// yaml11Bools are the YAML 1.1 spellings of booleans that go-yaml's bool
// decoding (the legacy format) accepts and strconv.ParseBool (apiVersion
// 1) rejects, with the value they mean.
var yaml11Bools = map[string]string{
	"y": "true", "Y": "true", "yes": "true", "Yes": "true", "YES": "true", "on": "true", "On": "true", "ON": "true",
	"n": "false", "N": "false", "no": "false", "No": "false", "NO": "false", "off": "false", "Off": "false", "OFF": "false",
}

// boolFix writes true or false for a boolean of an apiVersion 1 datasource
// entry written as yes/no/on/off, which Grafana's strconv.ParseBool
// rejects (failing all datasource provisioning). An isDefault that would
// become true is left alone when another entry of the organisation is (or
// may be) the default, where the fix would trade this error for
// datasource/multiple-defaults.
func boolFix(st *model.Stack, df *model.DatasourceFile, is model.Problem) *fix.Fix {
	if df.APIVersion == 0 || !strings.Contains(is.Message, "must be true or false") {
		return nil
	}
	for _, ds := range df.Datasources {
		for _, f := range ds.Fields {
			if f.Ignored || f.Value.Pos != is.Pos || strings.ContainsAny(f.Path, ".[") {
				continue
			}
			to, ok := yaml11Bools[f.Value.V]
			if !ok || f.Path == "isDefault" && to == "true" && otherDefault(st, ds) {
				return nil
			}
			e, ok := fix.ReplaceStr(f.Value, to, fix.Raw) // "true" and "false" fit any quoting
			if !ok {
				return nil
			}
			return &fix.Fix{Message: fmt.Sprintf("write %s: %s for %q", f.Key.V, to, f.Value.V), Edits: []fix.Edit{e}}
		}
	}
	return nil
}

// otherDefault reports whether an entry of the stack other than ds is, or
// may be, the default datasource of ds's organisation.
func otherDefault(st *model.Stack, ds *model.Datasource) bool {
	for _, o := range st.Datasources() {
		if o.Pos == ds.Pos && o.File == ds.File {
			continue
		}
		if o.OrgID != ds.OrgID && o.OrgID > 0 && ds.OrgID > 0 && !o.OrgIDDynamic && !ds.OrgIDDynamic {
			continue
		}
		if o.IsDefault || o.IsDefaultDynamic {
			return true
		}
		for _, f := range o.Fields {
			if f.Path == "isDefault" && yaml11Bools[f.Value.V] == "true" {
				return true
			}
		}
	}
	return false
}

// reportIssue reports one shape issue of a provisioning file: the parser's
// message, what Grafana does (fails says it for the file's kind) and the
// fix.
func reportIssue(c *rules.Context, path string, is model.Problem, fails, list string, fx *fix.Fix) {
	fix := "write the value in the form described"
	for _, h := range fixHints {
		if strings.Contains(is.Message, h.phrase) {
			fix = h.fix
			if strings.Contains(fix, "%s") {
				fix = fmt.Sprintf(fix, list)
			}
			break
		}
	}
	f := rules.Finding{Pos: is.Pos, End: is.End, Entity: "file:" + path, Key: is.Message}
	base, fatal := is.Message, strings.Contains(is.Message, cannotRead)
	if i := strings.Index(base, "; "+cannotRead); i >= 0 {
		base = base[:i]
	}
	switch {
	case fatal:
		f.Message = base + "; Grafana cannot decode this file, so " + fails
	default:
		f.Severity = rules.Warning
		f.Message = base
	}
	if fix != "" {
		f.Message += "; " + fix
	}
	if f.Pos.File == "" {
		f.Pos = model.Pos{File: path, Line: 1, Col: 1}
	}
	f.Fix = fx
	c.Report(f)
}

// InvalidAccess reports access modes Grafana replaces by proxy.
var InvalidAccess = &rules.Rule{
	ID:       "provisioning/invalid-access",
	Severity: rules.Warning,
	Fix: "replaces `access: server` by `access: proxy` and `access: browser` by `access: direct`, the values the UI's names stand for. " +
		"Other values (`Proxy`, `direct `, typos) are left to you: Grafana uses proxy for them today, and whether you meant that or `direct` is yours to say.",
	Summary: "a provisioned datasource's access is neither proxy nor direct: Grafana uses proxy",
	Needs:   []rules.Part{rules.PartDatasources},
	Doc: rules.Doc{
		What: "Reports a datasource whose `access` is set to anything but `proxy` or `direct` (the comparison " +
			"is case-sensitive: `Proxy` and `server` are reported). An empty or absent `access` means proxy " +
			"and is fine.",
		Why: "Grafana's datasource provisioning replaces any other value by `proxy` and only logs " +
			"`invalid access value, will use 'proxy' instead` (`pkg/services/provisioning/datasources/config_reader.go`). Someone who wrote `browser` " +
			"or `direct ` expecting the browser to query the datasource gets server-side queries instead.",
		Bad:   []rules.Example{{Path: exDS, Content: "apiVersion: 1\ndatasources:\n  - name: Prometheus\n    type: prometheus\n    access: server\n    url: http://prometheus:9090\n"}},
		Good:  []rules.Example{{Path: exDS, Content: "apiVersion: 1\ndatasources:\n  - name: Prometheus\n    type: prometheus\n    access: proxy\n    url: http://prometheus:9090\n"}},
		Fixed: []rules.Example{{Path: exDS, Content: "apiVersion: 1\ndatasources:\n  - name: Prometheus\n    type: prometheus\n    access: proxy\n    url: http://prometheus:9090\n"}},
		Fix:   "Write `access: proxy` (Grafana's server queries the datasource; the usual choice) or `access: direct` (the browser does; deprecated and unsupported by most plugins).",
	},
	Check: checkAccess,
}

func checkAccess(c *rules.Context) {
	for _, ds := range c.Stack.Datasources() {
		v := ds.Access.V
		if !ds.Access.IsSet() || v == "" || v == "proxy" || v == "direct" || provisioning.IsDynamic(v) {
			continue
		}
		hint := "write proxy (queries go through Grafana's server) or direct (the browser queries the datasource)"
		if l := strings.ToLower(strings.TrimSpace(v)); l == "proxy" || l == "direct" {
			hint = fmt.Sprintf("write %q (the value is case-sensitive)", l)
		} else if l == "server" {
			hint = "write proxy: \"server\" is what the UI calls it"
		} else if l == "browser" {
			hint = "write direct: \"browser\" is what the UI calls it"
		}
		c.Report(rules.Finding{
			Pos: ds.Access.Pos, End: ds.Access.End, Entity: entity(ds), Key: "access:" + v,
			Message: fmt.Sprintf("datasource %s has access %q: Grafana accepts only \"proxy\" and \"direct\", logs a warning and uses proxy; %s", describe(ds), v, hint),
			Fix:     accessFix(ds.Access),
		})
	}
}

// accessFix replaces the UI's names of the access modes, "server" and
// "browser", by the values Grafana reads; nil for any other value.
func accessFix(v model.Str) *fix.Fix {
	to := map[string]string{"server": "proxy", "browser": "direct"}[v.V]
	if to == "" {
		return nil
	}
	e, ok := fix.ReplaceStr(v, to, fix.YAMLScalar)
	if !ok {
		return nil
	}
	return &fix.Fix{Message: fmt.Sprintf("write access %q for %q", to, v.V), Edits: []fix.Edit{e}}
}

// LegacyFormat reports provisioning files without apiVersion.
var LegacyFormat = &rules.Rule{
	ID:       "provisioning/legacy-format",
	Severity: rules.Info,
	Fix: "turns a legacy datasource file into apiVersion 1: adds `apiVersion: 1` before the first key and renames the snake_case keys " +
		"(`org_id` → `orgId`, `is_default` → `isDefault`, `basic_auth` → `basicAuth`, …, `delete_datasources` → `deleteDatasources`). " +
		"Only when Grafana then reads exactly what it reads today: no key the legacy format ignores (a camelCase `isDefault` or `uid` " +
		"would start to count), no `$` in any value (apiVersion 1 interpolates them), booleans written `true`/`false` and integers as digits " +
		"(apiVersion 1 parses them with strconv), no `deleteDatasources` entries and no `json_data`/`secure_json_data` mapping (whose " +
		"keys' positions grafanalint does not record). Dashboard provider files (a top-level list) are left to you.",
	Summary: "a provisioning file without apiVersion uses the deprecated legacy (v0) format",
	Doc: rules.Doc{
		What: "Reports a datasource or dashboard provisioning file Grafana reads in the legacy v0 format: it " +
			"has no `apiVersion` (or `apiVersion: 0`). Empty files are not reported.",
		Why: "Without `apiVersion`, Grafana decodes the file in the legacy format — snake_case keys " +
			"(`org_id`, `is_default`, `json_data`, `secure_json_data`), a top-level provider list, no " +
			"interpolation of provider files — and logs `[Deprecated] the … provisioning config is outdated` " +
			"(`DatasourcesAsConfigV0` and the v0 dashboard config in `types.go` of `pkg/services/provisioning/datasources` and `dashboards`). Keys written in the current camelCase spelling are silently ignored there.",
		Bad:   []rules.Example{{Path: exDS, Content: "datasources:\n  - name: Prometheus\n    type: prometheus\n    url: http://prometheus:9090\n    is_default: true\n"}},
		Good:  []rules.Example{{Path: exDS, Content: "apiVersion: 1\ndatasources:\n  - name: Prometheus\n    type: prometheus\n    url: http://prometheus:9090\n"}},
		Fixed: []rules.Example{{Path: exDS, Content: "apiVersion: 1\ndatasources:\n  - name: Prometheus\n    type: prometheus\n    url: http://prometheus:9090\n    isDefault: true\n"}},
		Fix:   "Add `apiVersion: 1` at the top and write the keys in camelCase (`orgId`, `isDefault`, `jsonData`, `secureJsonData`); a provider list goes under `providers:`.",
	},
	Check: checkLegacy,
}

func checkLegacy(c *rules.Context) {
	for _, df := range c.Stack.DatasourceFiles {
		if df.APIVersion == 0 && (len(df.Keys) > 0 || len(df.Datasources) > 0) {
			legacy(c, df.Path, df.APIVersionPos, df.Issues, "datasource", "snake_case keys such as org_id, is_default and json_data; camelCase keys are ignored", upgradeFix(df))
		}
	}
	for _, pf := range c.Stack.ProviderFiles {
		// A mapping read as the legacy top-level list fails to decode:
		// provisioning/invalid-field reports it.
		if pf.APIVersion == 0 && len(pf.Keys) == 0 && len(pf.Providers) > 0 {
			legacy(c, pf.Path, pf.APIVersionPos, pf.Issues, "dashboard", "a top-level list of providers with org_id, values not interpolated", nil)
		}
	}
}

// upgradeFix turns a legacy datasource file into apiVersion 1 where that
// changes nothing else (fix.UpgradeLegacy).
func upgradeFix(df *model.DatasourceFile) *fix.Fix {
	edits, why := fix.UpgradeLegacy(df)
	if why != "" {
		return nil
	}
	return &fix.Fix{Message: "add apiVersion: 1 and write the keys in camelCase", Edits: edits}
}

func legacy(c *rules.Context, path string, at model.Pos, issues []model.Problem, kind, shape string, fx *fix.Fix) {
	for _, is := range issues {
		if at.IsValid() && is.Pos == at {
			return // an apiVersion Grafana cannot decode fails the file: a shape issue, not the legacy format
		}
	}
	pos, why := at, "apiVersion 0 is"
	if !pos.IsValid() {
		pos, why = model.Pos{File: path, Line: 1, Col: 1}, "a file without apiVersion is"
	}
	c.Report(rules.Finding{
		Pos: pos, Entity: "file:" + path, Key: "legacy",
		Message: fmt.Sprintf("%s read in the deprecated legacy %s provisioning format (%s); add apiVersion: 1 and use the current format", why, kind, shape),
		Fix:     fx,
	})
}

// NotLoaded reports provisioning and ini files Grafana does not read.
var NotLoaded = &rules.Rule{
	ID:       "provisioning/not-loaded",
	Severity: rules.Warning,
	Summary:  "a provisioning (or grafana.ini) file of the stack that Grafana will not read",
	Doc: rules.Doc{
		What: "Reports a datasource or dashboard provisioning file, or a grafana.ini, that sits in a stack's " +
			"tree but that the stack's Grafana does not read: in a subdirectory of `datasources/` or " +
			"`dashboards/`, with another extension (`.yaml.bak`, `.json` among the datasource files), not " +
			"mounted into the Grafana container, or mounted somewhere Grafana does not look (an ini at " +
			"`/etc/grafana/custom.ini` while Grafana reads `/etc/grafana/grafana.ini`). The message says why. " +
			"Under another extension, only files whose content is provisioning YAML (or JSON) are reported, " +
			"not a README, and not templates, examples or switched-off copies (`.j2`, `.tpl`, `.example`, " +
			"`.sample`, `.disabled`, …).",
		Why: "Grafana reads `<provisioning>/datasources/*.yaml|*.yml` and `<provisioning>/dashboards/*.yaml|" +
			"*.yml` without recursing (the suffix test is case-sensitive: `ds.YAML` is skipped), and its configuration only from `--config` (the Docker image: " +
			"`GF_PATHS_CONFIG`, default `/etc/grafana/grafana.ini`; Grafana's documentation \"Provision Grafana\" and \"Configure a Grafana Docker image\"). Any other file is " +
			"ignored without a log line: the datasources or settings it holds silently do not exist.",
		Bad: []rules.Example{
			{Path: "docker-compose.yml", Content: "services:\n  grafana:\n    image: grafana/grafana:12.0.0\n    volumes:\n      - ./grafana/custom.ini:/etc/grafana/custom.ini\n"},
			{Path: "grafana/custom.ini", Content: "[server]\nhttp_port = 3000\n"},
		},
		Good: []rules.Example{
			{Path: "docker-compose.yml", Content: "services:\n  grafana:\n    image: grafana/grafana:12.0.0\n    volumes:\n      - ./grafana/custom.ini:/etc/grafana/grafana.ini\n"},
			{Path: "grafana/custom.ini", Content: "[server]\nhttp_port = 3000\n"},
		},
		Fix: "Move the file where Grafana reads it (directly in `provisioning/datasources/` or " +
			"`provisioning/dashboards/`, with a `.yaml` or `.yml` name), mount it at the path Grafana reads, " +
			"or point Grafana at it (`GF_PATHS_CONFIG`, `GF_PATHS_PROVISIONING`); delete it if it is an old copy.",
	},
	Check: checkNotLoaded,
}

func checkNotLoaded(c *rules.Context) {
	for _, u := range c.Stack.UnloadedFiles {
		what := map[model.Kind]string{
			model.KindDatasources: "datasource provisioning file",
			model.KindProviders:   "dashboard provisioning file",
			model.KindIni:         "grafana.ini file",
		}[u.Kind]
		if what == "" {
			what = string(u.Kind) + " file"
		}
		pos := model.Pos{File: u.Path, Line: 1, Col: 1}
		if u.Pos.IsValid() {
			pos = u.Pos // embedded in a manifest or values file
		}
		c.Report(rules.Finding{
			Pos: pos, Entity: "file:" + u.Path, Key: "not-loaded",
			Message: fmt.Sprintf("Grafana does not read this %s: it is %s", what, u.Reason),
		})
	}
}

// PathNotMounted reports mounts, provider paths and env files of a compose
// deployment that provide nothing.
var PathNotMounted = &rules.Rule{
	ID:       "provisioning/path-not-mounted",
	Severity: rules.Warning,
	Summary:  "a bind mount, dashboard provider path or env_file of the Grafana compose deployment that provides nothing",
	Doc: rules.Doc{
		What: "Reports, for a Grafana service of a compose file: a bind mount whose source does not exist in the repository, " +
			"onto a path Grafana reads (its grafana.ini, the provisioning directory, a dashboard provider's path), at the mount's source; " +
			"a dashboard provider whose `options.path` no mount, Dockerfile copy or content of the official image provides, at the path; " +
			"and, as info, a required `env_file` (of any service of the project) that does not exist, at the entry. " +
			"Not reported: named volumes and absolute host paths outside the repository (their content lives on the deployment host), " +
			"sources that are variables the project's `.env` does not set, paths a `.gitignore` excludes (generated or kept locally) " +
			"or that exist on disk but were not linted, images other than Grafana's own and images built from a Dockerfile (they may add anything), " +
			"`env_file` entries with `required: false`, and env files with a template beside them (`.env.example` for `.env`): those are made when the project is set up.",
		Why: "Docker creates a missing bind-mount source as an empty directory (compose specification, services, volumes: short syntax, " +
			"and `bind.create_host_path`, true by default), so Grafana starts with nothing there: no datasources or dashboards are provisioned, " +
			"and a missing grafana.ini becomes a directory Grafana cannot read, so it does not start. A provider path that does not exist makes " +
			"Grafana log `Cannot read directory` and load no dashboards from that provider (grafana/grafana " +
			"`pkg/services/provisioning/dashboards/file_reader.go`, `NewDashboardFileReader`). A required env file that is missing stops " +
			"`docker compose` before any container starts (compose-go `types/project.go`, `loadEnvFile`: `env file … not found`).",
		Bad: []rules.Example{
			{Path: "docker-compose.yml", Content: "services:\n  grafana:\n    image: grafana/grafana:12.0.0\n    volumes:\n      - ./grafana/provisioning:/etc/grafana/provisioning\n"},
			{Path: "grafana/provisionning/datasources/ds.yaml", Content: "apiVersion: 1\ndatasources:\n  - name: Prometheus\n    type: prometheus\n    url: http://prometheus:9090\n"},
		},
		Good: []rules.Example{
			{Path: "docker-compose.yml", Content: "services:\n  grafana:\n    image: grafana/grafana:12.0.0\n    volumes:\n      - ./grafana/provisioning:/etc/grafana/provisioning\n"},
			{Path: "grafana/provisioning/datasources/ds.yaml", Content: "apiVersion: 1\ndatasources:\n  - name: Prometheus\n    type: prometheus\n    url: http://prometheus:9090\n"},
		},
		Fix: "Correct the path (a typo, a directory that moved), add the missing files to the repository, or mount what the provider reads " +
			"(`./dashboards:/var/lib/grafana/dashboards`); mark an env file that may be absent `required: false`.",
	},
	Check: checkPathNotMounted,
}

func checkPathNotMounted(c *rules.Context) {
	for _, m := range c.Stack.MissingPaths {
		f := rules.Finding{Pos: m.Pos, End: m.End, Entity: "service:" + m.Service, Key: m.Kind + ":" + m.Host + m.Container}
		switch m.Kind {
		case model.MissingMount:
			f.Message = fmt.Sprintf("bind mount source %q of service %q does not exist in the repository, so %q in the container is empty: %s; correct the path or add the files", m.Host, m.Service, m.Container, m.Reason)
		case model.MissingProviderPath:
			f.Message = fmt.Sprintf("%s; mount the dashboards there (for example \"./dashboards:%s\") or correct options.path", m.Reason, m.Container)
		case model.MissingEnvFile:
			// Often made at deploy time (from a README step or a script)
			// without being ignored: reported, but not as a defect.
			f.Severity = rules.Info
			f.Message = fmt.Sprintf("env_file %q of service %q is not in the repository: %s; correct the path, or if it is made at deploy time list it in .gitignore (or mark it \"required: false\")", m.Host, m.Service, m.Reason)
		default:
			f.Message = m.Reason
		}
		c.Report(f)
	}
}
