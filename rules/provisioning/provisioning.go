// Package provisioning holds the rules about the shape and placement of
// provisioning files: datasources and dashboard providers missing what
// Grafana needs, access modes Grafana replaces, the legacy file format,
// and provisioning (or ini) files Grafana never reads.
//
// The file rules look at the files a stack's Grafana reads
// (Stack.DatasourceFiles and Stack.ProviderFiles); provisioning/not-loaded
// reports the files discovery found in the stack's tree that Grafana does
// not read (Stack.UnloadedFiles), with the reason discovery recorded.
package provisioning

import (
	"fmt"
	"strings"

	"github.com/grafanalint/grafanalint/parsers/model"
	"github.com/grafanalint/grafanalint/parsers/provisioning"
	"github.com/grafanalint/grafanalint/rules"
)

// Rules returns the provisioning rules in catalogue order.
func Rules() []*rules.Rule {
	return []*rules.Rule{MissingField, InvalidAccess, LegacyFormat, NotLoaded}
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
			"provisioning variables are not judged.",
		Why: "Grafana identifies a provisioned datasource by its organisation and `name`: it looks the name " +
			"up to decide between insert and update, derives the UID from it when `uid` is absent, and " +
			"dashboards and `deleteDatasources` find it by it (GRAFANA.md §4). `type` is the plugin that runs " +
			"the queries: without it the datasource cannot query anything. A provider's `options.path` is " +
			"the directory (or file) whose dashboards it loads: without it the provider loads nothing useful.",
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
			if ds.Name.V == "" && !ds.NameDynamic {
				pos, what := ds.Pos, "has no \"name\""
				if ds.Name.IsSet() {
					pos, what = ds.Name.Pos, "has an empty \"name\""
				}
				c.Report(rules.Finding{
					Pos: pos, Entity: entity(ds), Key: "name:" + ds.Type.V,
					Message: fmt.Sprintf("datasource %s %s: Grafana identifies provisioned datasources by organisation and name (to insert or update them, to derive a missing UID, to delete them), so it cannot manage this one; add a unique \"name\"", describe(ds), what),
				})
			}
			if ds.Type.V == "" && !provisioning.IsDynamic(ds.Type.V) {
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
			if !p.Path.IsSet() && hasField(p.Fields, "options.path", "options.folder") {
				continue // not a string: a shape issue of the file
			}
			pos, what := p.Pos, "has no \"options.path\""
			if p.Path.IsSet() {
				pos, what = p.Path.Pos, "has an empty \"options.path\""
			}
			c.Report(rules.Finding{
				Pos: pos, Entity: "provider:" + p.Name.V, Key: "path:" + p.Name.V,
				Message: fmt.Sprintf("dashboard provider %q %s: it is the directory (or file) inside the Grafana container whose dashboards the provider loads; add options.path, e.g. /etc/grafana/provisioning/dashboards", p.Name.V, what),
			})
		}
	}
}

func hasField(fs []model.Field, paths ...string) bool {
	for _, f := range fs {
		for _, p := range paths {
			if f.Path == p {
				return true
			}
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

// InvalidAccess reports access modes Grafana replaces by proxy.
var InvalidAccess = &rules.Rule{
	ID:       "provisioning/invalid-access",
	Severity: rules.Warning,
	Summary:  "a provisioned datasource's access is neither proxy nor direct: Grafana uses proxy",
	Needs:    []rules.Part{rules.PartDatasources},
	Doc: rules.Doc{
		What: "Reports a datasource whose `access` is set to anything but `proxy` or `direct` (the comparison " +
			"is case-sensitive: `Proxy` and `server` are reported). An empty or absent `access` means proxy " +
			"and is fine.",
		Why: "Grafana's datasource provisioning replaces any other value by `proxy` and only logs " +
			"`invalid access value, will use 'proxy' instead` (GRAFANA.md §4). Someone who wrote `browser` " +
			"or `direct ` expecting the browser to query the datasource gets server-side queries instead.",
		Bad:  []rules.Example{{Path: exDS, Content: "apiVersion: 1\ndatasources:\n  - name: Prometheus\n    type: prometheus\n    access: server\n    url: http://prometheus:9090\n"}},
		Good: []rules.Example{{Path: exDS, Content: "apiVersion: 1\ndatasources:\n  - name: Prometheus\n    type: prometheus\n    access: proxy\n    url: http://prometheus:9090\n"}},
		Fix:  "Write `access: proxy` (Grafana's server queries the datasource; the usual choice) or `access: direct` (the browser does; deprecated and unsupported by most plugins).",
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
		})
	}
}

// LegacyFormat reports provisioning files without apiVersion.
var LegacyFormat = &rules.Rule{
	ID:       "provisioning/legacy-format",
	Severity: rules.Info,
	Summary:  "a provisioning file without apiVersion uses the deprecated legacy (v0) format",
	Doc: rules.Doc{
		What: "Reports a datasource or dashboard provisioning file Grafana reads in the legacy v0 format: it " +
			"has no `apiVersion` (or `apiVersion: 0`). Empty files are not reported.",
		Why: "Without `apiVersion`, Grafana decodes the file in the legacy format — snake_case keys " +
			"(`org_id`, `is_default`, `json_data`, `secure_json_data`), a top-level provider list, no " +
			"interpolation of provider files — and logs `[Deprecated] the … provisioning config is outdated` " +
			"(GRAFANA.md §4). Keys written in the current camelCase spelling are silently ignored there.",
		Bad:  []rules.Example{{Path: exDS, Content: "datasources:\n  - name: Prometheus\n    type: prometheus\n    url: http://prometheus:9090\n"}},
		Good: []rules.Example{{Path: exDS, Content: "apiVersion: 1\ndatasources:\n  - name: Prometheus\n    type: prometheus\n    url: http://prometheus:9090\n"}},
		Fix:  "Add `apiVersion: 1` at the top and write the keys in camelCase (`orgId`, `isDefault`, `jsonData`, `secureJsonData`); a provider list goes under `providers:`.",
	},
	Check: checkLegacy,
}

func checkLegacy(c *rules.Context) {
	for _, df := range c.Stack.DatasourceFiles {
		if df.APIVersion == 0 && (len(df.Keys) > 0 || len(df.Datasources) > 0) {
			legacy(c, df.Path, df.APIVersionPos, df.Issues, "datasource", "snake_case keys such as org_id, is_default and json_data; camelCase keys are ignored")
		}
	}
	for _, pf := range c.Stack.ProviderFiles {
		if pf.APIVersion == 0 && (len(pf.Keys) > 0 || len(pf.Providers) > 0) {
			legacy(c, pf.Path, pf.APIVersionPos, pf.Issues, "dashboard", "a top-level list of providers with org_id, values not interpolated")
		}
	}
}

func legacy(c *rules.Context, path string, at model.Pos, issues []model.Problem, kind, shape string) {
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
			"`/etc/grafana/custom.ini` while Grafana reads `/etc/grafana/grafana.ini`). The message says why.",
		Why: "Grafana reads `<provisioning>/datasources/*.yaml|*.yml` and `<provisioning>/dashboards/*.yaml|" +
			"*.yml` without recursing, and its configuration only from `--config` (the Docker image: " +
			"`GF_PATHS_CONFIG`, default `/etc/grafana/grafana.ini`) (GRAFANA.md §4–5). Any other file is " +
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
		c.Report(rules.Finding{
			Pos: model.Pos{File: u.Path, Line: 1, Col: 1}, Entity: "file:" + u.Path, Key: "not-loaded",
			Message: fmt.Sprintf("Grafana does not read this %s: it is %s", what, u.Reason),
		})
	}
}
