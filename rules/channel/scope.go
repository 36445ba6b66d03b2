package channel

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/grafanalint/grafanalint/parsers/model"
	"github.com/grafanalint/grafanalint/rules"
	"github.com/grafanalint/grafanalint/rules/fix"
)

// Scopes Grafana's server serves (pkg/services/live/live.go
// GetChannelHandlerFactory), case-sensitive.
var knownScopes = []string{"grafana", "plugin", "ds", "stream", "watch"}

func isScope(s string) bool {
	for _, k := range knownScopes {
		if s == k {
			return true
		}
	}
	return false
}

// scopeAliases are scope spellings people write for a real scope.
var scopeAliases = map[string]string{
	"datasource":  "ds",
	"datasources": "ds",
	"plugins":     "plugin",
	"streams":     "stream",
}

// UnknownScope reports channels whose scope Grafana does not serve.
var UnknownScope = &rules.Rule{
	ID:       "channel/unknown-scope",
	Severity: rules.Error,
	Fix: "drops an org id or namespace prefix copied from the browser's wire format (`1/`, `default/`, `org-2/`) when what follows " +
		"is a channel of a known scope that passes Grafana's channel parser: cut from a measurements query's channel, re-split " +
		"into the scope, namespace and path fields of a live panel. Channels with dashboard variables, values written with JSON " +
		"escapes and other unknown scopes (`Stream/…`, `datasource/…`) get no fix.",
	Summary: "a Live channel's scope is not grafana, plugin, ds, stream or watch",
	Doc: rules.Doc{
		What: "Reports a well-formed Live channel whose first part is not one of the scopes Grafana's " +
			"server knows: `grafana`, `plugin`, `ds`, `stream` and `watch` (case-sensitive). When the " +
			"first segment is an org number or a namespace copied from the browser's wire format " +
			"(`1/plugin/testdata/x`, `default/stream/x/y`), the message says to drop it." +
			" Channels of hidden queries (`\"hide\": true`, v2 `hidden: true`) are skipped: Grafana never " +
			"runs them, so they never subscribe.",
		Why: "Grafana picks the channel handler by scope in `GetChannelHandlerFactory` " +
			"(`pkg/services/live/live.go`); any other scope fails with `invalid scope` and the " +
			"subscription ends in `internal server error`. The browser prefixes the org id (or, from " +
			"Grafana 12.4, a namespace) on the wire itself; dashboards never contain that prefix. The " +
			"`push` scope was removed in plugin SDK v0.97.0.",
		Bad: []rules.Example{
			{Path: "grafana/provisioning/dashboards/provider.yaml", Content: exampleProvider},
			{Path: "grafana/provisioning/dashboards/live.json", Content: exampleDashboard("1/plugin/testdata/random-2s-stream")},
		},
		Good: []rules.Example{
			{Path: "grafana/provisioning/dashboards/provider.yaml", Content: exampleProvider},
			{Path: "grafana/provisioning/dashboards/live.json", Content: exampleDashboard("plugin/testdata/random-2s-stream")},
		},
		Fixed: []rules.Example{
			{Path: "grafana/provisioning/dashboards/live.json", Content: exampleDashboard("plugin/testdata/random-2s-stream")},
		},
		Fix: "Start the channel with one of the scopes: `stream/<stream id>/…` for pushed data, " +
			"`ds/<datasource uid>/…`, `plugin/<plugin id>/…`, `grafana/<feature>/…`. Remove an org or " +
			"namespace prefix.",
	},
	PerDashboard: true,
	Check:        checkUnknownScope,
}

func checkUnknownScope(c *rules.Context) {
	for _, u := range active(c) {
		if u.err != nil || !u.knownScope || isScope(u.scope) {
			continue
		}
		pos, end := u.spanPos(c, 0, len(u.scope))
		msg := fmt.Sprintf("unknown scope %q in %s %q: Grafana serves only the scopes grafana, plugin, ds, stream and watch (case-sensitive) and fails the subscription with \"internal server error\"", u.scope, u.where(), u.shownID())
		if h := scopeHint(u); h != "" {
			msg += "; " + h
		}
		var fx *fix.Fix
		if wirePrefix(u) {
			fx = wirePrefixFix(c, u)
		}
		c.Report(rules.Finding{Pos: pos, End: end, Message: msg, Entity: u.entity(), Key: u.key(), Fix: fx})
	}
}

// shownID is the channel as written, or the full ID of a TestData path.
func (u *use) shownID() string {
	if u.ch.Source == model.ChannelTestData {
		return u.id
	}
	return u.ch.Value.V
}

// wirePrefix reports whether the scope of u is an org id or a namespace
// the browser adds on the wire, followed by a channel of a known scope.
func wirePrefix(u *use) bool {
	rest := u.id[len(u.scope)+1:]
	restScope, _, _ := strings.Cut(rest, "/")
	if !isScope(restScope) || strings.Count(rest, "/") < 2 {
		return false
	}
	_, err := strconv.Atoi(u.scope)
	return err == nil || isNamespacePrefix(u.scope)
}

func scopeHint(u *use) string {
	rest := u.id[len(u.scope)+1:]
	if wirePrefix(u) {
		if _, err := strconv.Atoi(u.scope); err == nil {
			return fmt.Sprintf("%q is an org id the browser adds on the wire; write %q", u.scope, rest)
		}
		return fmt.Sprintf("%q is a namespace the browser adds on the wire; write %q", u.scope, rest)
	}
	for _, k := range knownScopes {
		if strings.EqualFold(u.scope, k) {
			return fmt.Sprintf("scopes are case-sensitive: write %q", k+"/"+rest)
		}
	}
	if a, ok := scopeAliases[strings.ToLower(u.scope)]; ok {
		return fmt.Sprintf("did you mean %q?", a+"/"+rest)
	}
	if u.scope == "push" {
		return "the push scope was removed (plugin SDK v0.97.0): data sent to /api/live/push/<stream id> arrives on \"stream/<stream id>/<measurement>\""
	}
	return ""
}

// isNamespacePrefix reports whether s is a Grafana 12.4 wire namespace:
// "default", "org-<n>" or "stacks-<n>".
func isNamespacePrefix(s string) bool {
	if s == "default" {
		return true
	}
	for _, p := range []string{"org-", "stacks-"} {
		if n, ok := strings.CutPrefix(s, p); ok {
			if _, err := strconv.Atoi(n); err == nil {
				return true
			}
		}
	}
	return false
}

// grafanaFeatures are the namespaces of the grafana scope that always exist
// (pkg/services/live/live.go: GrafanaScope.Features).
var grafanaFeatures = []string{"dashboard", "broadcast"}

// UnknownFeature reports grafana/<feature> channels of features Grafana
// does not register.
var UnknownFeature = &rules.Rule{
	ID:       "channel/unknown-feature",
	Severity: rules.Error,
	Summary:  "a grafana/<feature>/… channel names a feature other than dashboard or broadcast",
	Doc: rules.Doc{
		What: "Reports a `grafana/<feature>/…` channel whose feature is not `dashboard` or `broadcast`, " +
			"and `grafana/watch/…` or a `watch/…` channel when the `provisioning` feature toggle is off " +
			"(read from `[feature_toggles] enable` or `[feature_toggles] provisioning`)." +
			" Channels of hidden queries (`\"hide\": true`, v2 `hidden: true`) are skipped: Grafana never " +
			"runs them, so they never subscribe.",
		Why: "The `grafana` scope serves only the features Grafana registers in " +
			"`GrafanaScope.Features` (`pkg/services/live/live.go`): `dashboard` and `broadcast`, and " +
			"`watch` only when the `provisioning` feature toggle is enabled. Any other namespace fails " +
			"with `unknown feature` (the `watch` scope with `watch not registered`) and the " +
			"subscription ends in `internal server error`.",
		Bad: []rules.Example{
			{Path: "grafana/provisioning/dashboards/provider.yaml", Content: exampleProvider},
			{Path: "grafana/provisioning/dashboards/live.json", Content: exampleDashboard("grafana/alerts/state")},
		},
		Good: []rules.Example{
			{Path: "grafana/provisioning/dashboards/provider.yaml", Content: exampleProvider},
			{Path: "grafana/provisioning/dashboards/live.json", Content: exampleDashboard("grafana/broadcast/announcements")},
		},
		Fix: "Use `grafana/broadcast/<path>` for messages published to Grafana itself, or a " +
			"`stream/<stream id>/…` channel for your own data; enable the `provisioning` feature " +
			"toggle for `watch` channels.",
	},
	PerDashboard: true,
	Check:        checkUnknownFeature,
}

func checkUnknownFeature(c *rules.Context) {
	watch := provisioningToggle(c.Stack.Settings)
	for _, u := range active(c) {
		if u.err != nil || !u.knownScope {
			continue
		}
		switch {
		case u.scope == "grafana" && u.knownNamespace:
			ns := u.namespace
			if ns == "dashboard" || ns == "broadcast" || (ns == "watch" && watch) {
				continue
			}
			from := len(u.scope) + 1
			pos, end := u.spanPos(c, from, from+len(ns))
			var msg string
			if ns == "watch" {
				msg = fmt.Sprintf("Grafana feature \"watch\" in %s %q exists only with the feature toggle \"provisioning\", which this stack does not enable: the subscription fails with \"internal server error\"; enable the toggle in [feature_toggles] or use another channel", u.where(), u.shownID())
			} else {
				msg = fmt.Sprintf("unknown Grafana feature %q in %s %q: the grafana scope serves only \"dashboard\" and \"broadcast\" (and \"watch\" with the provisioning feature toggle), so the subscription fails with \"internal server error\"", ns, u.where(), u.shownID())
				for _, f := range grafanaFeatures {
					if strings.EqualFold(ns, f) || strings.EqualFold(strings.TrimSuffix(ns, "s"), f) {
						msg += fmt.Sprintf("; did you mean %q?", f)
						break
					}
				}
			}
			c.Report(rules.Finding{Pos: pos, End: end, Message: msg, Entity: u.entity(), Key: u.key()})
		case u.scope == "watch" && !watch:
			pos, end := u.spanPos(c, 0, len(u.scope))
			msg := fmt.Sprintf("scope \"watch\" in %s %q is served only with the feature toggle \"provisioning\", which this stack does not enable: the subscription fails with \"internal server error\"; enable the toggle in [feature_toggles] or use another channel", u.where(), u.shownID())
			c.Report(rules.Finding{Pos: pos, End: end, Message: msg, Entity: u.entity(), Key: u.key()})
		}
	}
}

// provisioningToggle reports whether the "provisioning" feature toggle is
// on: listed in [feature_toggles] enable (comma or space separated), unless
// [feature_toggles] provisioning says otherwise (pkg/setting
// ReadFeatureTogglesFromInitFile).
func provisioningToggle(s *model.Settings) bool {
	on := false
	if st := s.Get("feature_toggles", "enable"); st != nil {
		for _, f := range strings.FieldsFunc(st.Value, func(r rune) bool {
			return r == ',' || r == ' ' || r == '\t' || r == '[' || r == ']' || r == '"'
		}) {
			if f == "provisioning" {
				on = true
			}
		}
	}
	if st := s.Get("feature_toggles", "provisioning"); st != nil {
		if b, err := strconv.ParseBool(st.Value); err == nil {
			on = b
		}
	}
	return on
}

// UnknownDatasource reports ds/<uid>/… channels whose UID no datasource of
// the stack has.
var UnknownDatasource = &rules.Rule{
	ID:       "channel/unknown-datasource",
	Severity: rules.Error,
	Summary:  "a ds/<uid>/… channel names a UID no datasource of the stack has",
	Needs:    []rules.Part{rules.PartDatasources},
	Doc: rules.Doc{
		What: "Reports a `ds/<uid>/…` Live channel in a provisioned dashboard whose namespace is not " +
			"the UID of any datasource the stack provisions (UIDs Grafana derives from the name of a " +
			"uid-less datasource count). The channel is not checked when some provisioned UID is only " +
			"known at deploy time, and dashboards no provider loads are not checked (they may be " +
			"imported into another Grafana)." +
			" Channels of hidden queries (`\"hide\": true`, v2 `hidden: true`) are skipped: Grafana never " +
			"runs them, so they never subscribe.",
		Why: "For the `ds` scope Grafana looks the namespace up as a datasource **UID** " +
			"(`handleDatasourceScope` in `pkg/services/live/live.go`); a name, an id or an unknown " +
			"UID fails with `error getting datasource` and the subscription ends in " +
			"`internal server error`.",
		Bad: []rules.Example{
			{Path: "grafana/provisioning/datasources/ds.yaml", Content: exampleDatasources},
			{Path: "grafana/provisioning/dashboards/provider.yaml", Content: exampleProvider},
			{Path: "grafana/provisioning/dashboards/live.json", Content: exampleDashboard("ds/Loki/tail/app")},
		},
		Good: []rules.Example{
			{Path: "grafana/provisioning/datasources/ds.yaml", Content: exampleDatasources},
			{Path: "grafana/provisioning/dashboards/provider.yaml", Content: exampleProvider},
			{Path: "grafana/provisioning/dashboards/live.json", Content: exampleDashboard("ds/loki-main/tail/app")},
		},
		Fix: "Use the datasource's `uid` as the namespace, and pin `uid` in its provisioning file so " +
			"it cannot change.",
	},
	PerDashboard: true,
	Check:        checkUnknownDatasource,
}

func checkUnknownDatasource(c *rules.Context) {
	all := c.Stack.Datasources()
	uids := map[string]bool{}
	for _, ds := range all {
		if ds.UIDDynamic {
			return // some UID is known only at deploy time
		}
		uids[ds.UID.V] = true
	}
	for _, u := range active(c) {
		if u.err != nil || !u.provisioned || !u.knownNamespace || u.scope != "ds" || uids[u.namespace] {
			continue
		}
		from := len(u.scope) + 1
		pos, end := u.spanPos(c, from, from+len(u.namespace))
		msg := fmt.Sprintf("%s %q names datasource UID %q, which no provisioned datasource has: Grafana looks up ds/ channels by UID only and fails the subscription with \"internal server error\"", u.where(), u.shownID(), u.namespace)
		f := rules.Finding{Pos: pos, End: end, Entity: u.entity(), Key: u.key(), Involves: []string{"datasource:" + u.namespace}}
		if ds := lookalike(all, u.namespace); ds != nil {
			if ds.Name.V == u.namespace {
				msg += fmt.Sprintf("; %q is the name of a datasource, its UID is %q", u.namespace, ds.UID.V)
			} else {
				msg += fmt.Sprintf("; UIDs are case-sensitive: did you mean %q?", ds.UID.V)
			}
			rel := ds.UID.Pos
			if !rel.IsValid() {
				rel = ds.Pos
			}
			f.Related = []rules.Related{{Pos: rel, Message: fmt.Sprintf("datasource %q has UID %q", ds.Name.V, ds.UID.V)}}
		} else {
			msg += "; use the uid of the datasource that serves the stream"
		}
		f.Message = msg
		c.Report(f)
	}
}

// lookalike returns the datasource whose name is uid, or whose UID equals
// it but for case.
func lookalike(all []*model.Datasource, uid string) *model.Datasource {
	for _, ds := range all {
		if ds.Name.V == uid && !ds.NameDynamic {
			return ds
		}
	}
	for _, ds := range all {
		if strings.EqualFold(ds.UID.V, uid) {
			return ds
		}
	}
	return nil
}
