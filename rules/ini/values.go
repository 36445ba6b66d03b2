package ini

import (
	"errors"
	"fmt"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/grafanalint/grafanalint/parsers/grafanaini"
	"github.com/grafanalint/grafanalint/parsers/model"
	"github.com/grafanalint/grafanalint/rules"
)

// InvalidValue reports values that stop Grafana at start.
var InvalidValue = &rules.Rule{
	ID:       "ini/invalid-value",
	Severity: rules.Error,
	Summary:  "a grafana.ini value (or GF_* variable) that stops Grafana at start",
	Doc: rules.Doc{
		What: "Reports settings, written in grafana.ini or set by a `GF_*` variable, whose value makes Grafana " +
			"refuse to start: `[live] max_connections` or `message_size_limit` below -1, `[live] ha_engine` " +
			"other than empty or `redis`, an `[live] allowed_origins` entry that is not a valid glob, a " +
			"`[server] root_url` or `cdn_url` that does not parse as a URL, `[server] min_tls_version` " +
			"TLS1.0 or TLS1.1, `[alerting] enabled = true` from Grafana 11, a `[auth]` or `[users]` " +
			"duration that does not parse (or a `user_invite_max_lifetime_duration` under 15m), " +
			"`[annotations] tags_length` above 4096, and an empty entry in `[paths] permitted_provisioning_paths`. " +
			"Values holding `${VAR}`, `$__env{}`, `$__file{}` or template placeholders are known only at deploy " +
			"time and are not judged. `%(name)s` reference cycles are not reported here: the go-ini Grafana pins " +
			"cuts them (see ini/unresolved-reference).",
		Why: "Grafana validates these while reading its configuration and exits on an error " +
			"(grafana/grafana `pkg/setting/setting.go`: `readLiveSettings`, `GetAllowedOriginGlobs` with " +
			"github.com/gobwas/glob, `parseAppUrlAndSubUrl` with `url.Parse`, `readServerSettings`, " +
			"`readAlertingSettings`, `readAuthSettings` and `readUserSettings` with `gtime.ParseDuration`, " +
			"`readAnnotationSettings`, `readProvisioningSettings`).",
		Bad:  []rules.Example{{Path: exIni, Content: "[live]\nmax_connections = -5\nha_engine = memcached\nallowed_origins = https://[grafana.example.com\n"}},
		Good: []rules.Example{{Path: exIni, Content: "[live]\nmax_connections = -1\nha_engine = redis\nallowed_origins = https://grafana.example.com, https://*.example.org\n"}},
		Fix:  "Use a value Grafana accepts (the message says which), or remove the setting to get the default.",
	},
	Check: checkInvalid,
}

// valueCheck judges one setting's effective value; it returns what is
// wrong and how to fix it, "" when the value is fine.
type valueCheck struct {
	section, key string
	// since is the first Grafana version the check applies to.
	since rules.Version
	check func(v string) (problem, fix string)
}

// minusOneOrMore is readLiveSettings' lower bound for its limits.
func minusOneOrMore(setting, fix string) func(string) (string, string) {
	return func(v string) (string, string) {
		n, err := parseInt(v)
		if err != nil || n >= -1 {
			return "", "" // an unparsable value becomes the default: ini/ignored-value
		}
		return fmt.Sprintf("is below -1: Grafana refuses to start (\"unexpected value … for [live] %s\")", setting), fix
	}
}

func parsesAsURL(what string) func(string) (string, string) {
	return func(v string) (string, string) {
		u := v
		if what == "root_url" && !strings.HasSuffix(u, "/") {
			u += "/" // Grafana appends the slash before parsing
		}
		if _, err := url.Parse(u); err != nil {
			return fmt.Sprintf("does not parse as a URL (%s): Grafana exits at start", urlError(err)),
				"write an absolute URL such as https://grafana.example.com/ (percent-encode spaces and \"%\")"
		}
		return "", ""
	}
}

// urlError is url.Parse's error without the repeated URL.
func urlError(err error) string {
	var ue *url.Error
	if errors.As(err, &ue) {
		return ue.Err.Error()
	}
	return err.Error()
}

func duration(min time.Duration) func(string) (string, string) {
	return func(v string) (string, string) {
		d, err := parseDuration(v)
		if err != nil {
			return fmt.Sprintf("is not a duration (%v): Grafana refuses to start", err),
				"write a duration such as \"30m\", \"24h\", \"7d\" or \"2w\""
		}
		if d < min {
			return fmt.Sprintf("is below the minimum of %s: Grafana refuses to start", shortDuration(min)), "use " + shortDuration(min) + " or more"
		}
		return "", ""
	}
}

// shortDuration formats whole minutes and hours as Grafana's docs write
// them ("15m", "1h").
func shortDuration(d time.Duration) string {
	switch {
	case d%time.Hour == 0:
		return fmt.Sprintf("%dh", d/time.Hour)
	case d%time.Minute == 0:
		return fmt.Sprintf("%dm", d/time.Minute)
	}
	return d.String()
}

var invalidChecks = []valueCheck{
	{section: "live", key: "max_connections", check: minusOneOrMore("max_connections", "use -1 for unlimited, 0 to switch Live off, or a positive limit")},
	{section: "live", key: "message_size_limit", check: minusOneOrMore("message_size_limit", "use -1 for no limit or a size in bytes (the default is 65536)")},
	{section: "live", key: "ha_engine", check: func(v string) (string, string) {
		if v == "redis" {
			return "", ""
		}
		return fmt.Sprintf("is not a Live HA engine: Grafana refuses to start (\"unsupported live HA engine type: %s\")", v),
			"use \"redis\" (with ha_engine_address), or remove the setting for a single Grafana instance"
	}},
	{section: "server", key: "root_url", check: parsesAsURL("root_url")},
	{section: "server", key: "cdn_url", check: parsesAsURL("cdn_url")},
	{section: "server", key: "min_tls_version", check: func(v string) (string, string) {
		if v != "TLS1.0" && v != "TLS1.1" {
			return "", ""
		}
		return "is no longer allowed: Grafana refuses to start (\"TLS version not configured correctly\")", "use TLS1.2 or TLS1.3"
	}},
	{section: "alerting", key: "enabled", since: rules.Version{Major: 11}, check: func(v string) (string, string) {
		if b, err := parseBool(v); err != nil || !b {
			return "", ""
		}
		return "turns on legacy alerting, which Grafana 11 removed: Grafana refuses to start (\"invalid setting [alerting].enabled\")",
			"delete the line; Grafana Alerting is configured in [unified_alerting]"
	}},
	{section: "auth", key: "login_maximum_inactive_lifetime_duration", check: duration(0)},
	{section: "auth", key: "login_maximum_lifetime_duration", check: duration(0)},
	{section: "users", key: "user_invite_max_lifetime_duration", check: duration(15 * time.Minute)},
	{section: "users", key: "last_seen_update_interval", check: duration(0)},
	{section: "users", key: "verification_email_max_lifetime_duration", check: duration(0)},
	{section: "explore", key: "defaultTimeOffset", check: duration(-1 << 63)},
	{section: "annotations", key: "tags_length", check: func(v string) (string, string) {
		if n, err := parseInt(v); err != nil || n <= 4096 {
			return "", ""
		}
		return "exceeds 4096: Grafana refuses to start (\"[annotations.tags_length] configuration exceeds the maximum allowed (4096)\")", "use at most 4096"
	}},
	{section: "paths", key: "permitted_provisioning_paths", check: func(v string) (string, string) {
		t := strings.TrimSpace(v)
		if t == "|" || t == "" {
			return "", ""
		}
		for _, p := range strings.Split(t, "|") {
			if strings.TrimSpace(p) == "" {
				return "has an empty path between \"|\" separators: Grafana refuses to start (\"a provisioning path is empty\")", "remove the extra \"|\""
			}
		}
		return "", ""
	}},
}

func checkInvalid(c *rules.Context) {
	s := c.Stack.Settings
	if s == nil {
		return
	}
	for _, vc := range invalidChecks {
		if vc.since != (rules.Version{}) && !c.Version.AtLeast(vc.since.Major, vc.since.Minor) {
			continue
		}
		st := s.Get(vc.section, vc.key)
		if st == nil || deployTime(st.Value, st.Dynamic) {
			continue
		}
		p, ok := placeOf(s, st)
		if !ok {
			continue
		}
		if problem, fix := vc.check(st.Value); problem != "" {
			c.Report(rules.Finding{
				Pos: p.pos, End: p.end, Entity: entity(vc.section, vc.key), Key: vc.section + "." + vc.key,
				Message: fmt.Sprintf("%s %s; %s", p.show(st.Value), problem, fix),
			})
		}
	}
	checkAllowedOrigins(c, s)
}

// checkAllowedOrigins reports [live] allowed_origins entries gobwas/glob
// cannot compile, each at its own position.
func checkAllowedOrigins(c *rules.Context, s *model.Settings) {
	st := s.Get("live", "allowed_origins")
	if st == nil || deployTime(st.Value, st.Dynamic) {
		return
	}
	p, ok := placeOf(s, st)
	if !ok {
		return
	}
	written := p.written()
	from := 0
	for _, entry := range strings.Split(st.Value, ",") {
		entry = strings.TrimSpace(entry)
		if entry == "" {
			continue
		}
		msg := globError(entry)
		pos := p.pos
		if i := strings.Index(written[from:], entry); i >= 0 {
			pos = p.at(written, from+i)
			from += i + len(entry)
		}
		if msg == "" {
			continue
		}
		c.Report(rules.Finding{
			Pos: pos, End: advance(pos, entry), Entity: entity("live", "allowed_origins"), Key: "live.allowed_origins=" + entry,
			Message: fmt.Sprintf("%s: entry %q is not a valid origin pattern (%s): Grafana refuses to start (\"error parsing origin pattern\"); "+
				"patterns are globs (github.com/gobwas/glob): close \"[\" classes, or escape literal \"[\", \"{\", \"*\" and \"?\" with \"\\\"", p.by, entry, msg),
		})
	}
}

// resolvable reports whether a %(ref)s of st names a key go-ini finds (the
// section itself or a parent, not st itself, else the unnamed section);
// an Unresolved entry that names one is part of a cycle.
func resolvable(s *model.Settings, st *model.Setting, ref string) bool {
	for sec := st.Section; ; {
		if _, ok := s.Sections[sec][ref]; ok && (sec != st.Section || ref != st.Key) {
			return true
		}
		i := strings.LastIndexByte(sec, '.')
		if i < 0 {
			break
		}
		sec = sec[:i]
	}
	_, ok := s.Sections[""][ref]
	return ok
}

// refPos returns the span of "%(ref)s" in the value as written at p, the
// value's start when it is not there (it came from another key's value).
func refPos(p place, ref string) (model.Pos, model.Pos) {
	w := p.written()
	token := "%(" + ref + ")s"
	if i := strings.Index(w, token); i >= 0 {
		pos := p.at(w, i)
		if pos != p.pos || i == 0 {
			return pos, advance(pos, token)
		}
	}
	return p.pos, p.end
}

// IgnoredValue reports values Grafana silently replaces by a default.
var IgnoredValue = &rules.Rule{
	ID:       "ini/ignored-value",
	Severity: rules.Warning,
	Summary:  "a grafana.ini value (or GF_* variable) Grafana silently replaces by its default",
	Doc: rules.Doc{
		What: "Reports a setting whose value Grafana cannot read and silently replaces: a boolean outside " +
			"go-ini's spellings (`1 t T true TRUE True y yes YES Yes on ON On` and `0 f F false FALSE False n no " +
			"NO No off OFF Off` — `Y` and `N` are not among them), an integer that does not parse, an unknown " +
			"`[server] protocol` (Grafana serves plain HTTP), and values outside the fixed choices of " +
			"`[users] auto_assign_org_role`, `[security] cookie_samesite` and `[oauth2_server] " +
			"generated_key_type_for_client`. Only settings Grafana is known to read with go-ini's `MustBool`, " +
			"`MustInt`/`MustInt64` or `In` are checked (verified in grafana/grafana `pkg/setting`); others, " +
			"such as the per-provider `[auth.*]` settings, are left alone.",
		Why: "go-ini's `MustBool(def)` and `MustInt(def)` return the fallback when the value does not parse, " +
			"and Grafana logs nothing (gopkg.in/ini.v1 `key.go`): `[live] max_connections = abc` runs with 100. The " +
			"fallback is the one in Grafana's code, which is not always defaults.ini's value (`[users] " +
			"allow_sign_up` falls back to true). `readServerSettings` serves HTTP for any protocol other than " +
			"`https`, `h2`, `socket` and, from Grafana 13.0 (grafana/grafana#118155), `socket_h2`, case-sensitively.",
		Bad:  []rules.Example{{Path: exIni, Content: "[users]\nallow_sign_up = nope\n\n[live]\nmax_connections = 1k\n"}},
		Good: []rules.Example{{Path: exIni, Content: "[users]\nallow_sign_up = false\n\n[live]\nmax_connections = 1000\n"}},
		Fix:  "Write a value Grafana reads: true/false for switches, a whole number for limits, one of the listed choices otherwise.",
	},
	Check: checkIgnored,
}

// Settings Grafana reads with go-ini's MustBool(fallback) (grafana/grafana
// pkg/setting/setting.go, setting_smtp.go, setting_data_proxy.go,
// setting_anonymous.go, setting_auth_proxy.go), with the fallback.
var boolSettings = map[string]bool{
	"environment.local_file_system_available": true,
	"metrics.enabled":                         true, "metrics.disable_total_stats": false, "metrics.include_team_label": false,
	"analytics.check_for_updates": true, "analytics.check_for_plugin_updates": true,
	"analytics.google_analytics_4_send_manual_page_views": false, "analytics.browser_console_reporter": false,
	"analytics.reporting_enabled": true, "analytics.feedback_links_enabled": true,
	"explore.enabled": true, "explore.hide_logs_download": false,
	"help.enabled": true, "profile.enabled": true, "news.news_feed_enabled": true, "query_history.enabled": true,
	"panels.disable_sanitize_html": false, "panels.enable_alpha": false,
	"geomap.enable_custom_baselayers": true, "database.instrument_queries": false,
	"auth.saml.enabled": false, "auth.saml.skip_org_role_sync": false,
	"auth.ldap.enabled": false, "auth.ldap.skip_org_role_sync": false, "auth.ldap.active_sync_enabled": false, "auth.ldap.allow_sign_up": true,
	"aws.assume_role_enabled":   true,
	"security.disable_gravatar": true, "security.disable_brute_force_login_protection": false,
	"security.disable_username_login_protection": false, "security.disable_ip_address_login_protection": true,
	"security.cookie_secure": false, "security.allow_embedding": false, "security.x_content_type_options": true,
	"security.x_xss_protection": true, "security.strict_transport_security": false,
	"security.strict_transport_security_preload": false, "security.strict_transport_security_subdomains": false,
	"security.content_security_policy": false, "security.content_security_policy_report_only": false,
	"security.disable_initial_admin_creation": false,
	"auth.oauth_allow_insecure_email_lookup":  false, "auth.disable_login_form": false, "auth.disable_signout_menu": false,
	"auth.oauth_auto_login": false, "auth.disable_login": false, "auth.sigv4_auth_enabled": false,
	"auth.sigv4_verbose_logging": false, "auth.azure_auth_enabled": false, "auth.id_response_header_enabled": false,
	"auth.managed_service_accounts_enabled": false,
	"auth.basic.enabled":                    true, "auth.basic.password_policy": false,
	"oauth2_server.enabled": false,
	"users.allow_sign_up":   true, "users.allow_org_create": true, "users.auto_assign_org": true,
	"users.verify_email_enabled": false, "users.external_manage_analytics": false, "users.viewers_can_edit": false,
	"snapshots.enabled": true, "snapshots.external_enabled": true, "snapshots.public_mode": false,
	"server.serve_from_sub_path": false, "server.router_logging": false, "server.enable_gzip": false, "server.enforce_domain": false,
	"datasources.default_manage_alerts_ui_toggle": true, "datasources.default_allow_recording_rules_target_alerts_ui_toggle": true,
	"datasources.ip_range_security.enabled": false, "expressions.enabled": true, "public_dashboards.enabled": true,
	"provisioning.disable_controllers": false,
	"smtp.enabled":                     false, "smtp.skip_verify": false, "smtp.enable_tracing": false, "emails.welcome_email_on_sign_up": false,
	"dataproxy.send_user_header": false, "dataproxy.logging": false,
	"auth.anonymous.enabled": false, "auth.anonymous.hide_version": false,
	"auth.proxy.enabled": false, "auth.proxy.auto_sign_up": true, "auth.proxy.enable_login_token": false,
	"auth.proxy.headers_encoded": false, "auth.proxy.cookie_cache_last_team_sync": false,
}

// Settings Grafana reads with go-ini's MustInt/MustInt64(fallback), from
// the same files, with the fallback ([dataproxy] max_idle_connections is
// read with MustInt() and falls back to 0).
var intSettings = map[string]int64{
	"dashboards.versions_to_keep": 20, "dashboards.panel_series_limit": 0,
	"metrics.total_stats_collector_interval_seconds": 1800, "short_links.expire_time": 7,
	"aws.list_metrics_page_limit":                        500,
	"security.brute_force_login_protection_max_attempts": 5, "security.strict_transport_security_max_age_seconds": 86400,
	"auth.api_key_max_seconds_to_live": -1, "auth.token_rotation_interval_minutes": 10,
	"auth.oauth_state_cookie_max_age": 600, "auth.oauth_refresh_token_server_lock_min_wait_ms": 1000,
	"users.auto_assign_org_id": 1, "users.login_default_org_id": -1,
	"service_accounts.token_expiration_day_limit": -1,
	"rendering.concurrent_render_request_limit":   30, "rendering.default_image_width": 1000, "rendering.default_image_height": 500,
	"datasources.datasource_limit": 5000, "datasources.concurrent_query_count": 10,
	"sql_datasources.max_open_conns_default": 100, "sql_datasources.max_idle_conns_default": 100,
	"sql_datasources.max_conn_lifetime_default": 14400,
	"live.max_connections":                      100, "live.message_size_limit": 65536,
	"expressions.sql_expression_cell_limit": 100000, "expressions.sql_expression_output_cell_limit": 100000,
	"expressions.sql_expression_query_length_limit": 10000,
	"annotations.cleanupjob_batchsize":              100, "annotations.tags_length": 500,
	"annotations.dashboard.max_annotations_to_keep": 0, "annotations.api.max_annotations_to_keep": 0,
	"dataproxy.timeout": 10, "dataproxy.dialTimeout": 30, "dataproxy.keep_alive_seconds": 30,
	"dataproxy.tls_handshake_timeout_seconds": 10, "dataproxy.expect_continue_timeout_seconds": 1,
	"dataproxy.max_conns_per_host": 0, "dataproxy.max_idle_connections": 0, "dataproxy.idle_conn_timeout_seconds": 90,
	"auth.anonymous.device_limit": 0, "auth.proxy.sync_ttl": 15,
}

// choice is a setting with a fixed set of values (go-ini's Key.In, or a
// comparison in Grafana's code) and what Grafana does with anything else.
type choice struct {
	values   []string
	fallback string
	// effect says what the fallback means.
	effect string
}

var choiceSettings = map[string]choice{
	// The values of [server] protocol depend on the version:
	// grafanaini.ProtocolSince (socket_h2 from 13.0); see protocolChoice.
	"server.protocol":                             {values: []string{"http", "https", "h2", "socket", "socket_h2"}, fallback: "http", effect: "Grafana serves plain HTTP"},
	"users.auto_assign_org_role":                  {values: []string{"None", "Viewer", "Editor", "Admin"}, fallback: "Viewer", effect: "new users get the Viewer role"},
	"security.cookie_samesite":                    {values: []string{"lax", "strict", "none", "disabled"}, fallback: "lax", effect: "cookies are sent with SameSite=Lax"},
	"oauth2_server.generated_key_type_for_client": {values: []string{"RSA", "ECDSA"}, fallback: "ECDSA", effect: "Grafana generates ECDSA keys"},
}

func checkIgnored(c *rules.Context) {
	s := c.Stack.Settings
	placedSettings(c, func(st *model.Setting) {
		id := st.Section + "." + st.Key
		if deployTime(st.Value, st.Dynamic) {
			return
		}
		var problem, fix string
		if fb, ok := boolSettings[id]; ok {
			if _, err := parseBool(st.Value); err != nil {
				problem = fmt.Sprintf("is not a boolean go-ini reads: Grafana silently uses %t instead", fb)
				fix = "write true or false"
			}
		} else if fb, ok := intSettings[id]; ok {
			if _, err := parseInt(st.Value); err != nil {
				problem = fmt.Sprintf("is not an integer: Grafana silently uses %d instead", fb)
				fix = "write a whole number (no units or spaces)"
			}
		} else if ch, ok := choiceFor(c.Version, id); ok && !slices.Contains(ch.values, st.Value) {
			problem = fmt.Sprintf("is not one of %s (case-sensitive): Grafana silently uses %q instead, so %s", quoteList(ch.values), ch.fallback, ch.effect)
			if since, ok := grafanaini.ProtocolSince[st.Value]; ok && id == "server.protocol" {
				problem += fmt.Sprintf(" (%q exists from Grafana %d.%d, grafana/grafana#118155)", st.Value, since[0], since[1])
			}
			if c := sameButCase(st.Value, ch.values); c != "" {
				fix = fmt.Sprintf("write %q", c)
			} else {
				fix = "write one of them"
			}
		}
		if problem == "" {
			return
		}
		p, ok := placeOf(s, st)
		if !ok {
			return
		}
		if ks := c.Kube(p.pos); ks != nil && ks.Rendered != "" && ks.Rendered == st.Value {
			// The grafana chart prints grafana.ini values with %v after
			// Helm read them as JSON: a number is a float64
			// (helm/helm#12195).
			fix = fmt.Sprintf("Helm renders %s: %s as %s (it reads numbers as floats); quote it in the values (\"%s\") so that the chart writes it as written", ks.Name, ks.Value, ks.Rendered, ks.Value)
		}
		c.Report(rules.Finding{
			Pos: p.pos, End: p.end, Entity: entity(st.Section, st.Key), Key: id,
			Message: fmt.Sprintf("%s %s; %s", p.show(st.Value), problem, fix),
		})
	})
}

// choiceFor returns the choices of setting id in Grafana version v: for
// [server] protocol, the values grafanaini.ProtocolSince accepts by then.
func choiceFor(v rules.Version, id string) (choice, bool) {
	ch, ok := choiceSettings[id]
	if !ok || id != "server.protocol" {
		return ch, ok
	}
	var vals []string
	for _, val := range ch.values {
		if since := grafanaini.ProtocolSince[val]; v.AtLeast(since[0], since[1]) {
			vals = append(vals, val)
		}
	}
	ch.values = vals
	return ch, true
}

func quoteList(vs []string) string {
	q := make([]string, len(vs))
	for i, v := range vs {
		q[i] = strconv.Quote(v)
	}
	return strings.Join(q[:len(q)-1], ", ") + " or " + q[len(q)-1]
}
