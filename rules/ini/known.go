package ini

import (
	"fmt"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/grafanalint/grafanalint/parsers/grafanaini"
	"github.com/grafanalint/grafanalint/rules"
)

// codeKeys are keys Grafana reads in code although conf/defaults.ini does
// not list them (deprecated keys kept for old configs, Enterprise and
// experimental settings of OSS code), verified in grafana/grafana
// pkg/setting/setting.go (parseINIFile, readAlertingSettings,
// readAnnotationSettings, readDataSourceSecuritySettings,
// readOAuth2ServerSettings, readSAMLConfig, readProvisioningSettings,
// readUserSettings, readExpressionsSettings), setting_data_proxy.go and
// setting_auth_proxy.go. They are known: neither the key nor its section is
// reported.
var codeKeys = map[string][]string{
	// readAlertingSettings refuses enabled = true since legacy alerting
	// was removed (Grafana 11); readAnnotationSettings still reads the two
	// old cleanup keys when the new ones are unset.
	"alerting":                      {"enabled", "max_annotation_age", "max_annotations_to_keep"},
	"auth.proxy":                    {"cookie_cache_last_team_sync"},
	"auth.saml":                     {"enabled", "skip_org_role_sync", "role_values_grafana_admin"},
	"dataproxy":                     {"max_idle_connections_per_host"},
	"datasources.ip_range_security": {"enabled", "secret_key", "allow_list"},
	"environment":                   {"stack_id", "stack_slug"},
	"expressions":                   {"sql_expression_cell_limit", "sql_expression_output_cell_limit", "sql_expression_timeout", "sql_expression_query_length_limit"},
	"metrics":                       {"include_team_label"},
	"oauth2_server":                 {"enabled", "generated_key_type_for_client", "access_token_lifespan"},
	"provisioning":                  {"disable_controllers", "loki_url", "loki_user", "loki_password", "loki_tenant_id"},
	"scopes":                        {"list_scopes_endpoint", "list_dashboards_endpoint"},
	"users":                         {"external_manage_analytics", "external_manage_analytics_params"},
}

// knownSection reports whether Grafana has a section of that name:
// defaults.ini lists it, or Grafana's code reads keys of it.
func knownSection(section string) bool {
	if grafanaini.KnownSection(section) {
		return true
	}
	_, ok := codeKeys[section]
	return ok
}

// knownKey reports whether section (itself, not a parent) has key in
// the embedded defaults.ini or in Grafana's code (codeKeys, and the keys
// read through DynamicSection: grafanaini.EnvReadKeys).
func knownKey(section, key string) bool {
	if _, ok := grafanaini.Default(section, key); ok {
		return true
	}
	return slices.Contains(codeKeys[section], key) || slices.Contains(grafanaini.EnvReadKeys()[section], key)
}

// knownKeyIn is knownKey for Grafana version v: whether v has section.key,
// and when it does not but another version does, what changed (for the
// message: "exists from Grafana 13.0 (...)", "Grafana 12.0 removed ...").
//
// The versions come from the copies of conf/defaults.ini the table is built
// from (grafanaini.KeyAt); where the copies around v disagree and none is
// of v, the key counts as known. grafanaini.KeyChangeFor pins, from
// Grafana's code and pull requests, the few changes the copies cannot: it
// wins over the table.
func knownKeyIn(v rules.Version, section, key string) (bool, string) {
	if slices.Contains(codeKeys[section], key) || slices.Contains(grafanaini.EnvReadKeys()[section], key) {
		return true, ""
	}
	if c, ok := grafanaini.KeyChangeFor(section, key); ok {
		switch {
		case c.Since != [2]int{} && !v.AtLeast(c.Since[0], c.Since[1]):
			return false, c.Note
		case c.Until != [2]int{} && v.AtLeast(c.Until[0], c.Until[1]):
			return false, c.Note
		}
		return true, ""
	}
	f := grafanaini.KeyAt(section, key, grafanaVersion(v))
	if f.Presence != grafanaini.Absent {
		return true, ""
	}
	switch {
	case f.Added != nil:
		return false, addedNote(f.Added)
	case f.Removed != nil:
		return false, removedNote(f.Removed)
	}
	return false, ""
}

// knownSectionIn is knownSection for Grafana version v, with what changed
// when another version has the section.
func knownSectionIn(v rules.Version, section string) (bool, string) {
	if _, ok := codeKeys[section]; ok {
		return true, ""
	}
	f := grafanaini.SectionAt(section, grafanaVersion(v))
	switch {
	case f.Presence != grafanaini.Absent:
		return true, ""
	case f.Added != nil:
		return false, addedNote(f.Added)
	case f.Removed != nil:
		return false, removedNote(f.Removed)
	}
	return false, ""
}

// grafanaVersion is v as grafanaini takes it.
func grafanaVersion(v rules.Version) [2]int { return [2]int{v.Major, v.Minor} }

// addedNote says from which version it exists, after the copies of
// defaults.ini that show it.
func addedNote(ch *grafanaini.Change) string {
	if ch.Exact {
		return fmt.Sprintf("it exists from Grafana %s (it is in the conf/defaults.ini of %s, not of %s)", ch.After.Version, ch.After.Describe(), ch.Before.Describe())
	}
	return fmt.Sprintf("it exists only in newer Grafana: it first appears in the conf/defaults.ini of %s, and %s does not have it", ch.After.Describe(), ch.Before.Describe())
}

// removedNote says which version dropped it.
func removedNote(ch *grafanaini.Change) string {
	if ch.Exact {
		return fmt.Sprintf("Grafana %s removed it (it is in the conf/defaults.ini of %s, not of %s)", ch.After.Version, ch.Before.Describe(), ch.After.Describe())
	}
	return fmt.Sprintf("it was removed after Grafana %s: the conf/defaults.ini of %s has it, that of %s does not", ch.Before.Version, ch.Before.Describe(), ch.After.Describe())
}

// keysOf returns the keys Grafana knows in section: defaults.ini's, then
// those read only in code.
func keysOf(section string) []string {
	out := grafanaini.KnownKeys(section)
	for _, k := range append(slices.Clone(codeKeys[section]), grafanaini.EnvReadKeys()[section]...) {
		if !slices.Contains(out, k) {
			out = append(out, k)
		}
	}
	return out
}

// allSections lists every section Grafana knows, in defaults.ini order, the
// code-only ones after.
func allSections() []string {
	out := grafanaini.Sections()
	for _, s := range sortedKeys(codeKeys) {
		if !slices.Contains(out, s) {
			out = append(out, s)
		}
	}
	return out
}

// homeOf returns the sections a misplaced key probably belongs in: the one
// section of Grafana itself that has it, else (when only per-provider
// auth.* sections have it) up to two of those. A name many sections share
// ("enabled", "key_file") says nothing about where it belongs: nil.
func homeOf(key, except string) []string {
	var core, auth []string
	for _, s := range allSections() {
		if s == except || !knownKey(s, key) {
			continue
		}
		if strings.HasPrefix(s, "auth.") {
			auth = append(auth, s)
		} else {
			core = append(core, s)
		}
	}
	switch {
	case len(core) == 1:
		return core
	case len(core) == 0 && len(auth) <= 2:
		return auth
	}
	return nil
}

// removed is a section Grafana had and dropped.
type removed struct {
	// when says when, as a parenthesis after the section ("removed in
	// Grafana 6.2"); instead says what replaces it.
	when, instead string
}

// removedSections are sections Grafana had and dropped.
var removedSections = map[string]removed{
	// setting.go readSessionConfig logs "[Removed] Session setting was
	// removed in v6.2, use remote_cache option instead".
	"session": {"removed in Grafana 6.2", "login sessions are kept in Grafana's database and tuned in [auth]; [remote_cache] replaces the session providers"},
	// Replaced by dashboard provisioning.
	"dashboards.json": {"no longer read", "dashboard files are loaded by a dashboard provider: provisioning/dashboards/*.yaml with options.path"},
}

// editDistance is the optimal-string-alignment distance between a and b
// (insertions, deletions, substitutions and transpositions of adjacent
// runes), compared case-insensitively.
func editDistance(a, b string) int {
	ra, rb := []rune(strings.ToLower(a)), []rune(strings.ToLower(b))
	prev2 := make([]int, len(rb)+1)
	prev := make([]int, len(rb)+1)
	cur := make([]int, len(rb)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		cur[0] = i
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
			if i > 1 && j > 1 && ra[i-1] == rb[j-2] && ra[i-2] == rb[j-1] {
				cur[j] = min(cur[j], prev2[j-2]+1)
			}
		}
		prev2, prev, cur = prev, cur, prev2
	}
	return prev[len(rb)]
}

// nearest returns the candidate closest to s within a distance of 1 for
// names up to 4 runes and 2 for longer ones, the first in candidate order
// on ties; "" when none is close enough.
func nearest(s string, candidates []string) string {
	n := utf8.RuneCountInString(s)
	limit := 2
	if n <= 4 {
		limit = 1
	}
	best, bestD := "", limit+1
	for _, c := range candidates {
		// The distance is at least the difference in length, so a long
		// name (a 10 MB key) is compared with none: linear time.
		if d := n - utf8.RuneCountInString(c); c == s || d > limit || d < -limit {
			continue
		}
		if d := editDistance(s, c); d < bestD {
			best, bestD = c, d
		}
	}
	return best
}

// sameButCase returns the candidate equal to s but for letter case.
func sameButCase(s string, candidates []string) string {
	for _, c := range candidates {
		if c != s && strings.EqualFold(c, s) {
			return c
		}
	}
	return ""
}

// parentKey returns the parent section of section that has key, as go-ini's
// Section.GetKey finds it ("a.b.c" → "a.b" → "a"), "" when none has it.
func parentKey(section, key string, has func(section, key string) bool) string {
	for s := section; ; {
		i := strings.LastIndexByte(s, '.')
		if i < 0 {
			return ""
		}
		s = s[:i]
		if has(s, key) {
			return s
		}
	}
}
