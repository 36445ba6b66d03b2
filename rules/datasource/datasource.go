// Package datasource holds the rules about datasource identity: dashboard
// references and datasource-to-datasource links that name no provisioned
// datasource, names used as UIDs, type mismatches, and the provisioning
// mistakes that change which datasources exist (invalid and duplicate UIDs,
// duplicate names, several defaults, deletions of datasources in use).
//
// References are resolved as Grafana resolves them (grafana/grafana
// public/app/features/plugins/datasource_srv.ts, and
// pkg/services/provisioning/datasources for what provisioning creates): the
// stack's datasource files are replayed in Grafana's order (file by file,
// each file's deleteDatasources first, a later entry with the same org and
// name overwriting the earlier one); a value is looked up by UID, then by
// name, case-sensitively, inside the organisation of the provider that
// loads the dashboard. Built-in datasources, the default datasource (null,
// absent, "default", an object with only a type), references through a
// variable the dashboard defines and values interpolated at deploy time are
// never reported. UIDs derived from the name of a uid-less datasource
// resolve (datasource/derived-uid notes them).
//
// Which dashboards are checked: those a provider of the stack loads. Loose
// dashboard files (no provider loads them) are checked only when the stack
// has no dashboard provider at all — a repository that provisions
// datasources and keeps dashboards to import into that Grafana — and then
// as org 1. Their export placeholders ("${DS_X}" named in __inputs) are
// what the import UI replaces, so they are never reported. When providers
// exist, loose files are exports or copies meant for another installation
// and are not judged against this stack.
//
// Datasource variables: Grafana rebuilds a datasource variable's options
// from the datasources of its plugin type on every load and falls back to
// the first option when the saved value is not among them, so a stale saved
// value heals itself. Its saved value is reported (datasource/unknown-uid)
// only when the stack provisions no datasource of the variable's type, the
// one case where the variable ends with "No data sources found".
//
// All rules need the stack's datasource provisioning (rules.PartDatasources)
// and are skipped without it; the reference rules also stay silent when a
// datasource file of the stack does not parse, as the provisioned set is
// then unknown.
package datasource

import (
	"github.com/grafanalint/grafanalint/rules"
)

// Rules returns the datasource rules in catalogue order.
func Rules() []*rules.Rule {
	return []*rules.Rule{UnknownUID, NameAsUID, UnknownName, TypeMismatch, InvalidUID, DuplicateUID, DuplicateName, MultipleDefaults, DeletedInUse, DerivedUID}
}

var needs = []rules.Part{rules.PartDatasources}

const (
	exProvider = `apiVersion: 1
providers:
  - name: default
    options:
      path: /etc/grafana/provisioning/dashboards
`
	exProviderPath = "grafana/provisioning/dashboards/provider.yaml"
	exDSPath       = "grafana/provisioning/datasources/ds.yaml"
	exDashPath     = "grafana/provisioning/dashboards/service.json"
)

func exDashboard(datasource string) string {
	return `{
  "uid": "service",
  "title": "Service",
  "schemaVersion": 39,
  "panels": [
    {
      "id": 1,
      "type": "timeseries",
      "title": "Requests",
      "datasource": ` + datasource + `,
      "targets": [{"refId": "A", "expr": "rate(http_requests_total[5m])"}]
    }
  ]
}
`
}

func ex(ds, dashRef string) []rules.Example {
	out := []rules.Example{{Path: exDSPath, Content: ds}}
	if dashRef != "" {
		out = append(out,
			rules.Example{Path: exProviderPath, Content: exProvider},
			rules.Example{Path: exDashPath, Content: exDashboard(dashRef)})
	}
	return out
}

const exPrometheus = `apiVersion: 1
datasources:
  - name: Prometheus
    type: prometheus
    uid: prometheus
    url: http://prometheus:9090
`

// UnknownUID reports references to UIDs no datasource of the stack has.
var UnknownUID = &rules.Rule{
	ID:       "datasource/unknown-uid",
	Severity: rules.Error,
	Summary:  "a dashboard reference or datasource link names a UID no datasource of the stack has",
	Needs:    needs,
	Doc: rules.Doc{
		What: "Reports a datasource UID in a provisioned dashboard (panel, query, annotation, variable, library panel) or in a datasource-to-datasource link (`derivedFields`, `exemplarTraceIdDestinations`, `tracesToLogsV2`, `serviceMap`, correlations …) that matches no datasource the stack provisions in that organisation, a reference through a variable the dashboard does not define, and the saved value of a datasource variable whose plugin type the stack provisions no datasource of. References of row panels are reported as info. Built-ins (`grafana`, `-- Mixed --`, `-- Dashboard --`, `__expr__`, `-100`), the default datasource, references through a defined variable, UIDs derived from a uid-less datasource's name and values interpolated at deploy time are never reported.",
		Why:  "Grafana's browser looks a reference up by UID, then by name, case-sensitively (`public/app/features/plugins/datasource_srv.ts`); a value that matches neither makes the panel show `Datasource <uid> was not found`. A UID copied from another Grafana (the random UIDs of UI-created datasources) never matches a provisioned datasource unless the provisioning file pins it: provisioning gives a datasource the `uid` its entry pins, or one derived from its name (`createInsertCommand` in `pkg/services/provisioning/datasources/types.go`).",
		Bad:  ex(exPrometheus, `{"type": "prometheus", "uid": "DxTyMDjnk"}`),
		Good: ex(exPrometheus, `{"type": "prometheus", "uid": "prometheus"}`),
		Fix:  "Reference the UID the stack provisions, or pin the UID the dashboards use with `uid:` in the datasource's provisioning entry (one change fixes every dashboard).",
	},
	PerDashboard: true,
	Check:        checkUnknownUID,
}

// NameAsUID reports UID references that only match a datasource name.
var NameAsUID = &rules.Rule{
	ID:       "datasource/name-as-uid",
	Severity: rules.Warning,
	Fix: "replaces the name with the UID of the datasource it names, in the dashboard or the datasource link. " +
		"When that datasource has no `uid` in its provisioning entry, the fix also pins the UID Grafana derived from its name there " +
		"(as `datasource/derived-uid` does), so the reference does not depend on the name after all; where that cannot be done with " +
		"certainty (the entry comes from a YAML anchor, or a legacy file cannot take a `uid`), no fix is offered; neither in a file " +
		"several stacks read (dev and prod loading one dashboard), where the name may stand for another UID in each.",
	Summary: "a UID reference matches no UID but a datasource name",
	Needs:   needs,
	Doc: rules.Doc{
		What:  "Reports a UID reference (a dashboard object reference `{\"uid\": …}` or a datasource link) whose value is no datasource's UID but equals a datasource's name.",
		Why:   "The browser's DatasourceSrv falls back from UID to name, so the panel works; server-side lookups — alerting, public dashboards, reporting, the query API (`/api/ds/query`) — look the datasource up by UID only (`GetDataSource` in `pkg/services/datasources/service`) and fail. The reference breaks as soon as it leaves the browser.",
		Bad:   ex(exPrometheus, `{"type": "prometheus", "uid": "Prometheus"}`),
		Good:  ex(exPrometheus, `{"type": "prometheus", "uid": "prometheus"}`),
		Fixed: []rules.Example{{Path: exDashPath, Content: exDashboard(`{"type": "prometheus", "uid": "prometheus"}`)}},
		Fix:   "Reference the datasource's UID, or pin `uid:` to that value in its provisioning entry.",
	},
	PerDashboard: true,
	Check:        checkNameAsUID,
}

// UnknownName reports legacy string references that match nothing.
var UnknownName = &rules.Rule{
	ID:       "datasource/unknown-name",
	Severity: rules.Error,
	Summary:  "a legacy string datasource reference matches no datasource name or UID",
	Needs:    needs,
	Doc: rules.Doc{
		What: "Reports a legacy string reference (`\"datasource\": \"Prometheus\"`, dashboards before schema 33) that is neither the UID nor the name of a datasource of the stack, and a string reference through a variable the dashboard does not define. `default`, null, built-in names and defined variables are not reported.",
		Why:  "Grafana resolves a string by UID, then by name, case-sensitively; a string that matches neither is migrated to `{uid: \"<the string>\"}` (`migrateDatasourceNameToRef` in `public/app/features/dashboard/state/DashboardMigrator.ts`, the schema 33 migration) and the panel shows `Datasource <name> was not found`.",
		Bad:  ex(exPrometheus, `"prometheus-main"`),
		Good: ex(exPrometheus, `"Prometheus"`),
		Fix:  "Use the datasource's exact name or UID, or better an object reference `{\"type\": …, \"uid\": …}`.",
	},
	PerDashboard: true,
	Check:        checkUnknownName,
}

// TypeMismatch reports references whose type differs from the datasource's.
var TypeMismatch = &rules.Rule{
	ID:       "datasource/type-mismatch",
	Severity: rules.Warning,
	Summary:  "a reference's type differs from the type of the datasource its UID resolves to",
	Needs:    needs,
	Doc: rules.Doc{
		What: "Reports an object reference whose `type` is not the plugin type of the datasource its UID (or name) resolves to. Plugin id aliases (`postgres` = `grafana-postgresql-datasource`, `phlare` = `grafana-pyroscope-datasource`, `testdata` = `grafana-testdata-datasource`, from the plugins' `aliasIDs`) are the same type. Row panels are reported as info.",
		Why:  "Grafana resolves the UID and ignores the type: the query model written for one plugin is handed to another, which fails or silently returns nothing. It usually means the UID was reused for a different datasource (`public/app/features/plugins/datasource_srv.ts` looks references up by UID and name, never by type).",
		Bad:  ex(exPrometheus, `{"type": "loki", "uid": "prometheus"}`),
		Good: ex(exPrometheus, `{"type": "prometheus", "uid": "prometheus"}`),
		Fix:  "Point the reference at a datasource of the type its queries are written for, or correct its `type`.",
	},
	PerDashboard: true,
	Check:        checkTypeMismatch,
}

// InvalidUID reports provisioned UIDs that break Grafana's UID format.
var InvalidUID = &rules.Rule{
	ID:       "datasource/invalid-uid",
	Severity: rules.Error,
	Summary:  "a provisioned datasource UID breaks ^[a-zA-Z0-9_-]*$ or is longer than 40 bytes",
	Needs:    needs,
	Doc: rules.Doc{
		What: "Reports a `uid` in datasource provisioning with a character other than letters, digits, `-` and `_`, or longer than 40 bytes. Error when the target Grafana rejects it (from Grafana 12, or from 11.2 when `[feature_toggles]` enables `failWrongDSUID`), warning before. The message says whether the target version can also subscribe to the datasource's `ds/<uid>/…` Live channels: `.` is allowed in a channel namespace from Grafana 12.0, other characters outside the channel alphabet never (as channel/malformed checks).",
		Why:  "Grafana validates datasource UIDs with `util.ValidateUID` (`pkg/util/shortid_generator.go`: `^[a-zA-Z0-9\\-\\_]*$`, at most 40 bytes). It has logged invalid UIDs as deprecated since grafana/grafana#68800 (merged May 2023, the Grafana 10.1 cycle; UID length since #84443, March 2024, backported to 10.3.x and 10.4.x) and accepted them silently before. The feature toggle `failWrongDSUID` (Grafana 11.2, see Grafana's \"Upgrade to v11.2\" guide, section \"Grafana data source UID format enforcement\") rejects them, and it is on by default from Grafana 12 (grafana/grafana#102192): the datasource is not provisioned and datasource provisioning stops. Live channels are checked separately by `live.ParseChannel` of grafana-plugin-sdk-go (`live/channel.go`), which accepts `.` in the namespace only from v0.275.0 (Grafana 12.0).",
		Bad:  ex("apiVersion: 1\ndatasources:\n  - name: Prometheus\n    type: prometheus\n    uid: prometheus.main\n    url: http://prometheus:9090\n", ""),
		Good: ex("apiVersion: 1\ndatasources:\n  - name: Prometheus\n    type: prometheus\n    uid: prometheus-main\n    url: http://prometheus:9090\n", ""),
		Fix:  "Use only letters, digits, `-` and `_` (at most 40 bytes) and update the dashboards that reference the old UID.",
	},
	Check: checkInvalidUID,
}

// DuplicateUID reports two datasources of one org that share a UID.
var DuplicateUID = &rules.Rule{
	ID:       "datasource/duplicate-uid",
	Severity: rules.Error,
	Summary:  "two differently named datasources share a UID in one org",
	Needs:    needs,
	Doc: rules.Doc{
		What: "Reports a datasource entry whose UID (written or derived) another, differently named datasource of the same organisation already has, in the stack's provisioning directory, at the later entry in Grafana's read order. The same datasource in the dev and prod directories of two stacks is not a duplicate.",
		Why:  "Grafana provisions datasources by org and name (`pkg/services/provisioning/datasources/datasources.go`: an entry whose name exists updates it, any other is inserted); the UID is unique per org, so inserting a second name with a UID another datasource has fails with `ErrDataSourceUidExists` (`AddDataSource` in `pkg/services/datasources/service/store.go`) and datasource provisioning stops.",
		Bad:  ex("apiVersion: 1\ndatasources:\n  - name: Prometheus\n    type: prometheus\n    uid: metrics\n    url: http://prometheus:9090\n  - name: Mimir\n    type: prometheus\n    uid: metrics\n    url: http://mimir:9009/prometheus\n", ""),
		Good: ex("apiVersion: 1\ndatasources:\n  - name: Prometheus\n    type: prometheus\n    uid: prometheus\n    url: http://prometheus:9090\n  - name: Mimir\n    type: prometheus\n    uid: mimir\n    url: http://mimir:9009/prometheus\n", ""),
		Fix:  "Give each datasource its own `uid`.",
	},
	Check: checkDuplicateUID,
}

// DuplicateName reports the same (org, name) provisioned twice.
var DuplicateName = &rules.Rule{
	ID:       "datasource/duplicate-name",
	Severity: rules.Warning,
	Summary:  "the same (org, name) is provisioned twice: the later entry wins",
	Needs:    needs,
	Doc: rules.Doc{
		What: "Reports a datasource entry whose org and name an earlier entry of the stack's provisioning directory already provisions (in another file, or earlier in the same file), at the later entry.",
		Why:  "Grafana provisions datasources by (orgId, name), files in lexical order (`pkg/services/provisioning/datasources/datasources.go`): the later entry updates the datasource the earlier one created and its type, URL and settings win, so dashboards written against the earlier entry may break. The UID is the exception: an entry without `uid` keeps the stored UID, because a UID is derived from the name only on insert (`createInsertCommand`) while `createUpdateCommand` sends the entry's empty UID, which the store's `UpdateDataSource` does not write. An entry with another `uid` changed the stored UID up to grafana/grafana#107486 (merged July 2025), which stopped Grafana from changing datasource UIDs: from then on such an update fails.",
		Bad: []rules.Example{
			{Path: "grafana/provisioning/datasources/a.yaml", Content: exPrometheus},
			{Path: "grafana/provisioning/datasources/b.yaml", Content: "apiVersion: 1\ndatasources:\n  - name: Prometheus\n    type: prometheus\n    uid: prom-2\n    url: http://prometheus-2:9090\n"},
		},
		Good: []rules.Example{
			{Path: "grafana/provisioning/datasources/a.yaml", Content: exPrometheus},
			{Path: "grafana/provisioning/datasources/b.yaml", Content: "apiVersion: 1\ndatasources:\n  - name: Prometheus 2\n    type: prometheus\n    uid: prom-2\n    url: http://prometheus-2:9090\n"},
		},
		Fix: "Keep one entry per datasource, or give the entries different names.",
	},
	Check: checkDuplicateName,
}

// MultipleDefaults reports more than one isDefault per org.
var MultipleDefaults = &rules.Rule{
	ID:       "datasource/multiple-defaults",
	Severity: rules.Error,
	Summary:  "more than one isDefault: true per org across the provisioning files",
	Needs:    needs,
	Doc: rules.Doc{
		What: "Reports every `isDefault: true` entry after the first of its organisation across the files of the stack's provisioning directory (entries are counted: the same datasource marked default in two files counts twice). Defaults in separate directories (separate stacks) are not compared.",
		Why:  "Grafana's config reader counts `isDefault` entries per org over all files (`validateDefaultUniqueness` in `pkg/services/provisioning/datasources/config_reader.go`) and refuses the whole datasource provisioning with `Only one datasource per organization can be marked as default`: no datasource of any file is provisioned.",
		Bad: []rules.Example{
			{Path: "grafana/provisioning/datasources/a.yaml", Content: "apiVersion: 1\ndatasources:\n  - name: Mimir\n    type: prometheus\n    uid: mimir\n    url: http://mimir:9009/prometheus\n    isDefault: true\n"},
			{Path: "grafana/provisioning/datasources/b.yaml", Content: "apiVersion: 1\ndatasources:\n  - name: Prometheus\n    type: prometheus\n    uid: prometheus\n    url: http://prometheus:9090\n    isDefault: true\n"},
		},
		Good: []rules.Example{
			{Path: "grafana/provisioning/datasources/a.yaml", Content: "apiVersion: 1\ndatasources:\n  - name: Mimir\n    type: prometheus\n    uid: mimir\n    url: http://mimir:9009/prometheus\n    isDefault: true\n"},
			{Path: "grafana/provisioning/datasources/b.yaml", Content: exPrometheus},
		},
		Fix: "Keep `isDefault: true` on one entry per organisation.",
	},
	Check: checkMultipleDefaults,
}

// DeletedInUse reports deleteDatasources entries for datasources still in use.
var DeletedInUse = &rules.Rule{
	ID:       "datasource/deleted-in-use",
	Severity: rules.Warning,
	Summary:  "deleteDatasources removes a datasource that dashboards still reference",
	Needs:    needs,
	Doc: rules.Doc{
		What: "Reports a `deleteDatasources` entry whose datasource no entry of the same file or a later file provisions again, while checked dashboards or datasource links still reference it (by name, or by the UID of the entry the deletion removes).",
		Why:  "Grafana processes each file's `deleteDatasources` before its `datasources`, file by file (`apply` in `pkg/services/provisioning/datasources/datasources.go`; Grafana's provisioning documentation, \"Data sources\"): a datasource deleted and not re-created is gone, and every reference to it shows `Datasource … was not found`. Deleting and re-creating in the same file is the usual way to reset a datasource and is fine.",
		Bad:  ex("apiVersion: 1\ndeleteDatasources:\n  - name: Graphite\n    orgId: 1\ndatasources:\n  - name: Prometheus\n    type: prometheus\n    uid: prometheus\n    url: http://prometheus:9090\n", `"Graphite"`),
		Good: ex("apiVersion: 1\ndeleteDatasources:\n  - name: Graphite\n    orgId: 1\ndatasources:\n  - name: Prometheus\n    type: prometheus\n    uid: prometheus\n    url: http://prometheus:9090\n", `"Prometheus"`),
		Fix:  "Drop the deletion, provision the datasource again after it, or move the dashboards to another datasource.",
	},
	PerDashboard: true,
	Gathers:      hasDeletions,
	Check:        checkDeletedInUse,
}

// DerivedUID notes dashboards that depend on name-derived UIDs.
var DerivedUID = &rules.Rule{
	ID:       "datasource/derived-uid",
	Severity: rules.Info,
	Fix: "pins the derived UID with `uid: P…` in the datasource's provisioning entry, on a line of its own after `name:` with the same indentation " +
		"(in a flow mapping `{name: …}`, right after the `{`, on a line of its own when the `{` ends its line). A legacy file (no `apiVersion`) has no `uid` field — Grafana's " +
		"`upsertDataSourceFromConfigV0` does not read one — so there the fix also turns the file into apiVersion 1 (adds `apiVersion: 1`, " +
		"renames `org_id`, `is_default`, … to camelCase), and only when that changes nothing else (see `provisioning/legacy-format`).",
	Summary: "dashboards reference the name-derived UID of a uid-less datasource",
	Needs:   needs,
	Doc: rules.Doc{
		What:  "Notes, once per file and datasource (at the first reference), that a dashboard or a datasource link uses the UID Grafana derives from the name of a datasource provisioned without `uid`.",
		Why:   "A provisioned datasource without `uid` gets `P` + the upper-case hex of the first 8 bytes of SHA-256 of its name when it is inserted (`safeUIDFromName` and `createInsertCommand` in `pkg/services/provisioning/datasources/types.go`): `Prometheus` → `PBFA97CFB590B2093`. The references work, but only while the datasource keeps its name. Renamed, it is a new (org, name): Grafana inserts it under a new derived UID, and the old datasource stays in the database until `deleteDatasources` or `prune` removes it, so the Grafana that ran before keeps answering the old UID with the old, no longer provisioned settings. Fresh installs and every other environment (CI, a new volume, a second Grafana) only have the new UID, and these references break there.",
		Bad:   ex("apiVersion: 1\ndatasources:\n  - name: Prometheus\n    type: prometheus\n    url: http://prometheus:9090\n", `{"type": "prometheus", "uid": "PBFA97CFB590B2093"}`),
		Good:  ex("apiVersion: 1\ndatasources:\n  - name: Prometheus\n    type: prometheus\n    uid: PBFA97CFB590B2093\n    url: http://prometheus:9090\n", `{"type": "prometheus", "uid": "PBFA97CFB590B2093"}`),
		Fixed: []rules.Example{{Path: exDSPath, Content: "apiVersion: 1\ndatasources:\n  - name: Prometheus\n    uid: PBFA97CFB590B2093\n    type: prometheus\n    url: http://prometheus:9090\n"}},
		Fix:   "Pin the UID the dashboards use with `uid:` in the provisioning entry.",
	},
	PerDashboard: true,
	Check:        checkDerivedUID,
}
