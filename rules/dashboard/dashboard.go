// Package dashboard holds the rules about dashboards as units: export
// placeholders left in provisioned dashboards, and dashboard UIDs that are
// duplicated or malformed.
//
// dashboard/unresolved-input and dashboard/duplicate-uid concern what a
// stack's dashboard providers load (model.Stack.Dashboards) and need
// dashboard provisioning; loose dashboard files are import copies, whose
// placeholders the import UI replaces and whose UID the importer may
// change. dashboard/invalid-uid concerns every dashboard file: Grafana
// refuses to save a malformed UID whether it is provisioned or imported.
package dashboard

import (
	"fmt"
	"path"
	"strings"
	"sync"

	"github.com/grafanalint/grafanalint/parsers/model"
	"github.com/grafanalint/grafanalint/rules"
	"github.com/grafanalint/grafanalint/rules/fix"
)

// Rules returns the dashboard rules in catalogue order.
func Rules() []*rules.Rule { return []*rules.Rule{UnresolvedInput, DuplicateUID, InvalidUID} }

const (
	exProvider = `apiVersion: 1
providers:
  - name: default
    options:
      path: /etc/grafana/provisioning/dashboards
`
	exDatasources = `apiVersion: 1
datasources:
  - name: Prometheus
    type: prometheus
    uid: prometheus
    url: http://prometheus:9090
`
)

func exDashboard(uid string) string {
	return `{
  "uid": "` + uid + `",
  "title": "Service ` + uid + `",
  "schemaVersion": 39,
  "panels": [
    {
      "id": 1,
      "type": "timeseries",
      "title": "Requests",
      "datasource": {"type": "prometheus", "uid": "prometheus"},
      "targets": [{"refId": "A", "expr": "rate(http_requests_total[5m])"}]
    }
  ]
}
`
}

// exExport is a dashboard exported for sharing externally, its
// datasource uid given.
func exExport(uid string) string {
	return `{
  "__inputs": [
    {"name": "DS_PROMETHEUS", "label": "Prometheus", "type": "datasource", "pluginId": "prometheus", "pluginName": "Prometheus"}
  ],
  "uid": "service",
  "title": "Service",
  "schemaVersion": 39,
  "panels": [
    {
      "id": 1,
      "type": "timeseries",
      "title": "Requests",
      "datasource": {"type": "prometheus", "uid": ` + uid + `},
      "targets": [{"refId": "A", "expr": "rate(http_requests_total[5m])"}]
    }
  ]
}
`
}

func exTree(dashboards ...rules.Example) []rules.Example {
	return append([]rules.Example{
		{Path: "grafana/provisioning/datasources/ds.yaml", Content: exDatasources},
		{Path: "grafana/provisioning/dashboards/provider.yaml", Content: exProvider},
	}, dashboards...)
}

// UnresolvedInput reports export placeholders in provisioned dashboards.
var UnresolvedInput = &rules.Rule{
	ID:       "dashboard/unresolved-input",
	Severity: rules.Error,
	Fix: "replaces each `${DS_X}` with the UID of the datasource the import UI would offer for it, where there is no choice to make: " +
		"the only datasource the stack provisions, in the organisation of the provider that loads the dashboard, of the `pluginId` that the " +
		"placeholder's `__inputs` entry names (plugin id aliases count as the same type). `${DS_X}` of an expression input (`__expr__`) " +
		"becomes `__expr__`, as Grafana's importer writes it. When that datasource has no `uid` in its provisioning entry, the fix pins the UID " +
		"Grafana derived from its name there too. No fix with two or more candidates, none, an entry of unknown organisation or type " +
		"(interpolated, or `orgName`), datasource files that do not parse, or a dashboard several stacks load (each may need its own UID).",
	Summary: "a provisioned dashboard still contains ${DS_X} export placeholders",
	Needs:   []rules.Part{rules.PartProviders},
	Doc: rules.Doc{
		What:  "Reports every `${DS_X}` (and `${VAR_X}`) export placeholder in a dashboard a provider of the stack loads, unless the dashboard defines a variable of that name. Dashboards no provider loads (copies for the import UI) are not reported.",
		Why:   "\"Export for sharing externally\" replaces datasource references by `${DS_X}` and lists them in `__inputs`; only the import UI substitutes them. A file-provisioned dashboard keeps them literally and environment interpolation is not available in dashboard files, so the panel shows `Datasource ${DS_X} was not found` (Grafana's documentation: \"Export and import dashboards\", and \"Provision Grafana\", which says environment variables cannot be used in dashboard definition files).",
		Bad:   exTree(rules.Example{Path: "grafana/provisioning/dashboards/service.json", Content: exExport(`"${DS_PROMETHEUS}"`)}),
		Good:  exTree(rules.Example{Path: "grafana/provisioning/dashboards/service.json", Content: exExport(`"prometheus"`)}),
		Fixed: []rules.Example{{Path: "grafana/provisioning/dashboards/service.json", Content: exExport(`"prometheus"`)}},
		Fix:   "Replace each placeholder with the UID of the provisioned datasource (pin `uid:` in the datasource provisioning file so it is stable), or add a datasource variable named like the placeholder (`DS_PROMETHEUS`, type `datasource`).",
	},
	PerDashboard: true,
	Check:        checkUnresolvedInput,
}

// DuplicateUID reports two loaded dashboards that share a UID.
var DuplicateUID = &rules.Rule{
	ID:       "dashboard/duplicate-uid",
	Severity: rules.Error,
	Summary:  "two dashboards loaded by one stack share a uid",
	Needs:    []rules.Part{rules.PartProviders},
	Doc: rules.Doc{
		What: "Reports a dashboard whose `uid` a dashboard loaded earlier by the stack's providers already has in the same organisation, at the later one in Grafana's read order (provider files, providers, then files in path order).",
		Why:  "A dashboard's `uid` is its identity in an organisation (the `dashboard` table is unique on org and uid; `pkg/services/dashboards`). Grafana's provisioning logs `the same UID is used more than once`, the files overwrite each other's stored dashboard, and every provider involved loses its database write permission, so later changes to their files are no longer applied (`pkg/services/provisioning/dashboards/validator.go`).",
		Bad: exTree(
			rules.Example{Path: "grafana/provisioning/dashboards/a.json", Content: exDashboard("service")},
			rules.Example{Path: "grafana/provisioning/dashboards/b.json", Content: exDashboard("service")},
		),
		Good: exTree(
			rules.Example{Path: "grafana/provisioning/dashboards/a.json", Content: exDashboard("service-a")},
			rules.Example{Path: "grafana/provisioning/dashboards/b.json", Content: exDashboard("service-b")},
		),
		Fix: "Give every dashboard its own `uid` (copies of one dashboard need new UIDs), or load each file through one provider only.",
	},
	Check: checkDuplicateUID,
}

// InvalidUID reports dashboard UIDs that break Grafana's UID format.
var InvalidUID = &rules.Rule{
	ID:       "dashboard/invalid-uid",
	Severity: rules.Error,
	Summary:  "a dashboard uid breaks the UID format or the 40-byte limit",
	Doc: rules.Doc{
		What: "Reports a dashboard `uid` that, after Grafana trims surrounding spaces, contains a character other than letters, digits, `-` and `_`, or is longer than 40 bytes. Every dashboard file of the stack is checked, provisioned or not.",
		Why:  "Grafana's dashboard service rejects such a UID before saving (`uid contains illegal characters`, `uid too long, max 40 characters`; `util.IsValidShortUID`, `pkg/util/shortid_generator.go`: `^[a-zA-Z0-9\\-\\_]*$`, at most 40 bytes): a provider skips the file with an error in the log, and the import UI refuses it.",
		Bad:  exTree(rules.Example{Path: "grafana/provisioning/dashboards/service.json", Content: exDashboard("service/overview")}),
		Good: exTree(rules.Example{Path: "grafana/provisioning/dashboards/service.json", Content: exDashboard("service-overview")}),
		Fix:  "Use only letters, digits, `-` and `_`, at most 40 bytes; links to the dashboard (`/d/<uid>`) change with it.",
	},
	Check: checkInvalidUID,
}

func entity(d *model.Dashboard) string {
	if u := strings.TrimSpace(d.UID.V); u != "" {
		return "dashboard:" + u
	}
	return "dashboard:" + d.File
}

func checkUnresolvedInput(c *rules.Context) {
	notes := notesOf(c)
	for _, d := range c.Stack.Dashboards {
		var ent string
		for _, p := range d.Placeholders {
			if definesVariable(d, p.V) {
				continue
			}
			in := inputNamed(d, p.V)
			org := orgOf(c.Stack, d)
			plugin := ""
			if in != nil {
				plugin = in.PluginID
			}
			n := notes.get(c.Stack, org, p.V, plugin)
			msg := n.msg
			var rel []rules.Related
			if !strings.HasPrefix(p.V, "VAR_") {
				if ks := c.Kube(p.Pos); ks != nil && ks.Kind == model.KubeOperatorDashboard {
					msg = operatorInput(c.Stack, d, ks, p.V, in, &rel)
				} else if n.hasCandidate {
					rel = make([]rules.Related, 1, 2)
					rel[0] = n.candidate
				}
			}
			if in != nil && in.Name.Pos.IsValid() {
				rel = append(rel, rules.Related{Pos: in.Name.Pos, Message: n.declared})
			}
			if ent == "" {
				ent = entity(d)
			}
			c.Report(rules.Finding{
				Message: msg,
				Pos:     p.Pos,
				End:     p.End,
				Related: rel,
				Entity:  ent,
				Key:     n.key,
				Fix:     inputFix(c, notes, d, org, p, in),
			})
		}
	}
}

// definesVariable reports whether d defines a variable named name.
func definesVariable(d *model.Dashboard, name string) bool {
	for _, v := range d.Variables {
		if v.Name.V == name {
			return true
		}
	}
	return false
}

// inputNamed returns the first input of d named name, nil when there is
// none.
func inputNamed(d *model.Dashboard, name string) *model.Input {
	for _, in := range d.Inputs {
		if in.Name.V == name {
			return in
		}
	}
	return nil
}

// orgOf returns the organisation of the provider that loads d (1 when
// none is set).
func orgOf(st *model.Stack, d *model.Dashboard) int {
	if p := st.LoadedBy[d]; p != nil && p.OrgID > 0 {
		return p.OrgID
	}
	return 1
}

// noteKey identifies what a finding on a placeholder says, apart from
// its position: the placeholder's name, the organisation of the dashboard
// and the plugin id of its input ("" without one).
type noteKey struct {
	org          int
	name, plugin string
}

// note is what the findings on one placeholder name say in one
// organisation: a fleet's dashboards repeat a few placeholders, so their
// messages and fixes are derived once per stack.
type note struct {
	// msg is the message, outside a grafana-operator model.
	msg string
	// candidate is the datasource the placeholder stands for, as related
	// location (hasCandidate).
	candidate    rules.Related
	hasCandidate bool
	// declared is the message of the input's location; key the finding's
	// key; placeholder the placeholder as written ("${DS_X}", the text its
	// fixes replace).
	declared, key, placeholder string

	// fix: computed on first use (fixDone); fixable is false when there is
	// no certain fix.
	fixDone, fixable bool
	fixMsg           string
	fixUID           string
	pin              []fix.Edit
}

// notes holds the notes of one stack, shared by the views of its
// dashboards (rules.Gathered): they depend on the stack's datasources and
// providers alone.
type notes struct {
	mu sync.Mutex
	m  map[noteKey]*note
}

type notesKey struct{}

func notesOf(c *rules.Context) *notes {
	return rules.Gathered(c, notesKey{}, func() *notes { return &notes{m: map[noteKey]*note{}} })
}

// get returns the note of placeholder name in org for an input of plugin
// id plugin.
func (ns *notes) get(st *model.Stack, org int, name, plugin string) *note {
	k := noteKey{org: org, name: name, plugin: plugin}
	ns.mu.Lock()
	n := ns.m[k]
	ns.mu.Unlock()
	if n != nil {
		return n
	}
	placeholder := "${" + name + "}"
	n = &note{declared: fmt.Sprintf("input %q is declared here", name), key: "placeholder:" + name, placeholder: placeholder}
	if strings.HasPrefix(name, "VAR_") {
		n.msg = fmt.Sprintf("export placeholder %q is kept literally in this provisioned dashboard (only the import UI replaces __inputs), so queries receive the text %q; write the value itself or add a constant variable named %q",
			placeholder, placeholder, name)
	} else {
		var rel []rules.Related
		n.msg = fmt.Sprintf("export placeholder %q is kept literally in this provisioned dashboard (only the import UI replaces __inputs): the panel shows \"Datasource %s was not found\"; %s",
			placeholder, placeholder, fixFor(st, org, name, plugin, &rel))
		if len(rel) > 0 {
			n.candidate, n.hasCandidate = rel[0], true
		}
	}
	ns.mu.Lock()
	defer ns.mu.Unlock()
	if prev := ns.m[k]; prev != nil {
		return prev
	}
	ns.m[k] = n
	return n
}

// fixFor says how to replace a datasource placeholder: the UID of the
// provisioned datasource of the input's plugin type (or, without an input,
// of the datasource named like the placeholder), else a variable.
func fixFor(st *model.Stack, org int, name, plugin string, rel *[]rules.Related) string {
	variable := fmt.Sprintf("add a datasource variable named %q", name)
	ds := candidateIn(st, org, name, plugin, false)
	if ds == nil {
		return "replace it with the UID of the provisioned datasource or " + variable
	}
	*rel = append(*rel, rules.Related{Pos: dsPos(ds), Message: fmt.Sprintf("datasource %q is provisioned here", ds.Name.V)})
	if ds.UIDDerived {
		return fmt.Sprintf("pin a `uid:` on datasource %q in %s and use it here (its UID is now %q, derived from the name), or %s", ds.Name.V, path.Base(ds.File), ds.UID.V, variable)
	}
	return fmt.Sprintf("replace it with %q, the UID of datasource %q, or %s", ds.UID.V, ds.Name.V, variable)
}

// candidateOf returns the provisioned datasource a placeholder stands for:
// of the input's plugin type (the only one, else the default one, else one
// whose name matches the input's), or named like the placeholder. dynamic
// admits datasources whose UID is known only once created (where the name
// is what counts).
func candidateOf(st *model.Stack, d *model.Dashboard, name string, in *model.Input, dynamic bool) *model.Datasource {
	plugin := ""
	if in != nil {
		plugin = in.PluginID
	}
	return candidateIn(st, orgOf(st, d), name, plugin, dynamic)
}

// candidateIn is candidateOf for a dashboard of organisation org whose
// input has plugin id plugin ("" for none).
func candidateIn(st *model.Stack, org int, name, plugin string, dynamic bool) *model.Datasource {
	var all []*model.Datasource
	for _, f := range st.DatasourceFiles {
		for _, ds := range f.Datasources {
			if (ds.OrgID == org || ds.OrgID == 0) && (dynamic || !ds.UIDDynamic) {
				all = append(all, ds)
			}
		}
	}
	bare := strings.TrimPrefix(name, "DS_")
	if plugin != "" {
		var same []*model.Datasource
		for _, ds := range all {
			if canonical(ds.Type.V) == canonical(plugin) {
				same = append(same, ds)
			}
		}
		if len(same) == 1 {
			return same[0]
		}
		for _, ds := range same {
			if normName(ds.Name.V) == bare {
				return ds
			}
		}
		for _, ds := range same {
			if ds.IsDefault {
				return ds
			}
		}
		if len(same) > 0 {
			return nil
		}
	}
	for _, ds := range all {
		if normName(ds.Name.V) == bare {
			return ds
		}
	}
	return nil
}

// normName writes a datasource name as an export placeholder does: spaces
// and hyphens as underscores, upper case.
func normName(s string) string {
	if strings.ContainsAny(s, " -") {
		b := []byte(s)
		for i, c := range b {
			if c == ' ' || c == '-' {
				b[i] = '_'
			}
		}
		s = string(b)
	}
	return strings.ToUpper(s)
}

// inputFix replaces the placeholder p of dashboard d, declared by input
// in, with the UID of the only datasource of the input's plugin type in
// the organisation org of the provider that loads d (Grafana's importer
// puts the UID of the datasource picked for an input in place of every
// "${NAME}" in the dashboard's strings, pkg/services/dashboardimport/utils
// DashTemplateEvaluator, and forces "__expr__" for expression inputs). It
// is nil when there is a choice to make or the stack's datasources are not
// known for certain.
func inputFix(c *rules.Context, ns *notes, d *model.Dashboard, org int, p model.Str, in *model.Input) *fix.Fix {
	if in == nil || in.Type != "datasource" || in.PluginID == "" || !strings.HasPrefix(p.V, "DS_") {
		return nil
	}
	if c.StacksReading(d.File) > 1 {
		return nil // another stack may need another datasource here
	}
	n := ns.get(c.Stack, org, p.V, in.PluginID)
	ns.mu.Lock()
	done := n.fixDone
	ns.mu.Unlock()
	if !done {
		fixable, msg, uid, pin := fixOf(c, org, p.V, in.PluginID)
		ns.mu.Lock()
		if !n.fixDone {
			n.fixable, n.fixMsg, n.fixUID, n.pin, n.fixDone = fixable, msg, uid, pin, true
		}
		ns.mu.Unlock()
	}
	if !n.fixable {
		return nil
	}
	placeholder := model.Str{V: n.placeholder, Pos: p.Pos, End: p.End}
	e, ok := fix.ReplaceStr(placeholder, n.fixUID, fix.JSONString)
	if !ok {
		return nil
	}
	if len(n.pin) == 0 {
		// The fix and its edit in one allocation: the run holds every
		// finding's fix to its end.
		fe := &fixEdit{fix: fix.Fix{Message: n.fixMsg}, edit: [1]fix.Edit{e}}
		fe.fix.Edits = fe.edit[:]
		return &fe.fix
	}
	edits := make([]fix.Edit, 1, 1+len(n.pin))
	edits[0] = e
	edits = append(edits, n.pin...)
	return &fix.Fix{Message: n.fixMsg, Edits: edits}
}

// fixEdit is a fix of one edit, allocated together.
type fixEdit struct {
	fix  fix.Fix
	edit [1]fix.Edit
}

// fixOf derives what the fixes of placeholder name of an input of plugin
// id plugin in org write: the UID, the fix's message and the edits that
// pin the UID in the datasource's provisioning entry; fixable is false
// when there is no certain fix.
func fixOf(c *rules.Context, org int, name, plugin string) (fixable bool, msg, uid string, pin []fix.Edit) {
	placeholder := "${" + name + "}"
	if plugin == "__expr__" {
		return true, "write the expression datasource __expr__ for " + placeholder, "__expr__", nil
	}
	ds := onlyOfType(c, org, plugin)
	if ds == nil {
		return false, "", "", nil
	}
	msg = fmt.Sprintf("write the UID %q of datasource %q, the only %s datasource, for %s", ds.UID.V, ds.Name.V, plugin, placeholder)
	if ds.UIDDerived {
		var df *model.DatasourceFile
		for _, f := range c.Stack.DatasourceFiles {
			if f.Path == ds.File {
				df = f
			}
		}
		edits, why := fix.PinUID(df, ds, ds.UID.V)
		if why != "" {
			return false, "", "", nil
		}
		pin = edits
		msg += fmt.Sprintf(" and pin uid: %s in %s", ds.UID.V, path.Base(ds.File))
	}
	return true, msg, ds.UID.V, pin
}

// onlyOfType returns the one datasource of plugin type typ the stack
// provisions in the organisation that loads d, nil unless that is
// certain: every datasource file parses and decodes, no entry of the type
// (or of an interpolated type) has an organisation known only at startup,
// the datasource's name and uid are written literally, no other entry
// updates it and no deleteDatasources entry names it.
func onlyOfType(c *rules.Context, org int, typ string) *model.Datasource {
	st := c.Stack
	if !st.HasDatasources {
		return nil
	}
	var found *model.Datasource
	for _, f := range st.DatasourceFiles {
		if len(f.Issues) > 0 {
			return nil
		}
		if mf := c.File(f.Path); mf != nil {
			for _, pr := range mf.Problems {
				if pr.Kind == model.ProblemSyntax || pr.Kind == model.ProblemInput {
					return nil
				}
			}
		}
		for _, ds := range f.Datasources {
			dynamicType := strings.Contains(ds.Type.V, "$") && f.APIVersion > 0
			sameType := canonical(ds.Type.V) == canonical(typ)
			if !sameType && !dynamicType {
				continue
			}
			if ds.OrgID <= 0 || ds.OrgIDDynamic || dynamicType {
				return nil
			}
			if ds.OrgID != org {
				continue
			}
			if found != nil {
				return nil
			}
			found = ds
		}
	}
	if found == nil || found.NameDynamic || found.UIDDynamic || found.UID.V == "" {
		return nil
	}
	for _, f := range st.DatasourceFiles {
		for _, ds := range f.Datasources {
			if ds != found && ds.Name.V == found.Name.V && (ds.OrgID == org || ds.OrgID <= 0 || ds.OrgIDDynamic) {
				return nil
			}
			if ds != found && ds.NameDynamic {
				return nil
			}
		}
		for _, del := range f.Deletes {
			if del.Name.V == found.Name.V {
				return nil
			}
		}
	}
	return found
}

// canonical maps the plugin id aliases of renamed core plugins to their
// current id (aliasIDs of their plugin.json in grafana/grafana).
func canonical(t string) string {
	switch t {
	case "postgres":
		return "grafana-postgresql-datasource"
	case "phlare":
		return "grafana-pyroscope-datasource"
	case "testdata":
		return "grafana-testdata-datasource"
	}
	return t
}

func dsPos(ds *model.Datasource) model.Pos {
	if ds.UID.Pos.IsValid() {
		return ds.UID.Pos
	}
	if ds.Name.Pos.IsValid() {
		return ds.Name.Pos
	}
	return ds.Pos
}

func checkDuplicateUID(c *rules.Context) {
	type key struct {
		org int
		uid string
	}
	first := map[key]*model.Dashboard{}
	for _, d := range c.Stack.Dashboards {
		uid := strings.TrimSpace(d.UID.V)
		if uid == "" {
			continue
		}
		org := 1
		p := c.Stack.LoadedBy[d]
		if p != nil && p.OrgID > 0 {
			org = p.OrgID
		}
		k := key{org, uid}
		prev := first[k]
		if prev == nil {
			first[k] = d
			continue
		}
		by := ""
		if pp := c.Stack.LoadedBy[prev]; pp != nil && p != nil && pp != p {
			by = fmt.Sprintf(" (loaded by provider %q, this one by %q)", pp.Name.V, p.Name.V)
		}
		pos := prev.UID.Pos
		if !pos.IsValid() {
			pos = model.Pos{File: prev.File, Line: 1, Col: 1}
		}
		other := prev.File
		if kf := c.KubeFile(prev.File); kf != "" {
			other = kf + " (" + pos.File + ")"
		}
		c.Report(rules.Finding{
			Message: fmt.Sprintf("dashboard UID %q is also the UID of %s%s: Grafana logs \"the same UID is used more than once\", stores only one of them and stops the providers involved from writing to the database; give each dashboard its own uid",
				uid, other, by),
			Pos:     d.UID.Pos,
			End:     d.UID.End,
			Related: []rules.Related{{Pos: pos, Message: fmt.Sprintf("dashboard %q first uses UID %q", prev.Title.V, uid)}},
			Entity:  entity(d),
			Key:     "duplicate-uid:" + uid,
		})
	}
}

func checkInvalidUID(c *rules.Context) {
	for _, d := range c.Stack.AllDashboards() {
		if !d.UID.IsSet() {
			continue
		}
		uid := strings.TrimSpace(d.UID.V)
		why, reason := uidProblem(uid)
		if why == "" {
			continue
		}
		what := "the provider skips the file"
		if _, loaded := c.Stack.LoadedBy[d]; !loaded {
			what = "importing the dashboard fails"
		}
		c.Report(rules.Finding{
			Message: fmt.Sprintf("dashboard UID %q %s: Grafana refuses to save it (%q), so %s; use only letters, digits, \"-\" and \"_\", at most 40 bytes",
				d.UID.V, why, reason, what),
			Pos:    d.UID.Pos,
			End:    d.UID.End,
			Entity: entity(d),
			Key:    "invalid-uid:" + d.UID.V,
		})
	}
}

// uidProblem says why uid breaks Grafana's UID format
// (pkg/util/shortid_generator.go: ^[a-zA-Z0-9\-\_]*$, at most 40 bytes)
// and which error Grafana's dashboard service returns, or "" when it is
// valid.
func uidProblem(uid string) (why, grafanaError string) {
	for _, r := range uid {
		if r == '-' || r == '_' || r >= '0' && r <= '9' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' {
			continue
		}
		if r == ' ' {
			return "contains a space", "uid contains illegal characters"
		}
		return fmt.Sprintf("contains %q", r), "uid contains illegal characters"
	}
	if len(uid) > 40 {
		return fmt.Sprintf("is %d bytes long", len(uid)), "uid too long, max 40 characters"
	}
	return "", ""
}
