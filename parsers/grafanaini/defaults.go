package grafanaini

import (
	"slices"
	"strings"
	"sync"
)

// The tables in defaults_table.go (the newest copy) and
// defaults_versions_table.go (every copy, keyed by Grafana version) are
// generated from copies of Grafana's conf/defaults.ini listed in
// internal/gendefaults/sources.txt (not kept in this repository); see
// internal/gendefaults for how to fetch them.
//go:generate go run ./internal/gendefaults -dir /tmp/grafana-defaults

// defaultSection is one section of Grafana's defaults.ini.
type defaultSection struct {
	Name string
	Keys []defaultKey
}

// defaultKey is one key of defaults.ini with its raw default value.
type defaultKey struct {
	Name  string
	Value string
}

type defaultsIndex struct {
	sections map[string]*defaultSection
	values   map[string]map[string]string
	names    []string
}

var defaults = sync.OnceValue(func() *defaultsIndex {
	ix := &defaultsIndex{
		sections: make(map[string]*defaultSection, len(defaultsTable)),
		values:   make(map[string]map[string]string, len(defaultsTable)),
		names:    make([]string, 0, len(defaultsTable)),
	}
	for i := range defaultsTable {
		s := &defaultsTable[i]
		ix.sections[s.Name] = s
		ix.names = append(ix.names, s.Name)
		m := make(map[string]string, len(s.Keys))
		for _, k := range s.Keys {
			m[k.Name] = k.Value
		}
		ix.values[s.Name] = m
	}
	return ix
})

// DefaultsSource names the file the embedded defaults were generated from,
// as "repo@commit:path".
func DefaultsSource() string { return defaultsSource }

// canonSection maps go-ini's name for the default section ("DEFAULT") to
// "", the name this package uses for it.
func canonSection(name string) string {
	if name == iniDefaultSection {
		return ""
	}
	return name
}

// iniDefaultSection is go-ini's name of the unnamed top section; a
// "[DEFAULT]" header in a file continues that section.
const iniDefaultSection = "DEFAULT"

// Default returns the raw default value of section.key in Grafana's
// defaults.ini (%(key)s and ${VAR} references unexpanded) and whether
// defaults.ini has that key. The unnamed top section is "" (or "DEFAULT").
// Names are case-sensitive, as in Grafana.
func Default(section, key string) (value string, ok bool) {
	value, ok = defaults().values[canonSection(section)][key]
	return value, ok
}

// KnownSection reports whether defaults.ini has a section of that name
// (including sections it declares without keys, such as
// [server.custom_response_headers]).
func KnownSection(name string) bool {
	_, ok := defaults().sections[canonSection(name)]
	return ok
}

// KnownKeys returns the keys defaults.ini lists for section, in file order;
// nil for an unknown section.
func KnownKeys(section string) []string {
	s := defaults().sections[canonSection(section)]
	if s == nil {
		return nil
	}
	out := make([]string, len(s.Keys))
	for i, k := range s.Keys {
		out[i] = k.Name
	}
	return out
}

// Sections returns every section of defaults.ini in file order, the unnamed
// top section first as "".
func Sections() []string { return slices.Clone(defaults().names) }

// openSections accept keys that defaults.ini cannot list because the user
// chooses them: each key is a name (a header, a label, a toggle, a plugin
// id). Verified in grafana/grafana pkg/setting: the code reads every key of
// these sections (Section.Keys / KeysHash) rather than fixed names.
var openSections = map[string]bool{
	"feature_toggles":                                       true, // each key is a feature toggle name (setting_feature_toggles.go)
	"feature_toggles.openfeature.context":                   true, // evaluation context attributes
	"server.custom_response_headers":                        true, // header name = value
	"smtp.static_headers":                                   true, // header name = value
	"metrics.environment_info":                              true, // label name = value (readGrafanaEnvironmentMetrics)
	"navigation.app_sections":                               true, // plugin id = section weight
	"navigation.app_standalone_pages":                       true, // page URL = section weight
	"recording_rules.custom_headers":                        true, // header name = value
	"plugins.restricted_apis_allowlist":                     true, // API name = plugin list (setting_plugins.go)
	"plugins.restricted_apis_blocklist":                     true, // API name = plugin list
	"unified_alerting.state_history.external_labels":        true, // label = value
	"unified_alerting.notification_history.external_labels": true, // label = value
	// Sections whose keys Grafana reads in code far beyond the few (or none)
	// defaults.ini writes out: an unlisted key there is not evidence of a typo.
	"grafana-apiserver": true,
	"unified_storage":   true,
}

// openPrefixes are section families whose members defaults.ini cannot list.
var openPrefixes = []string{
	// [plugin.<plugin id>]: every key is handed to the plugin as is
	// (extractPluginSettings reads section.KeysHash()).
	"plugin.",
	// [unified_storage.<group>.<resource>]: one section per resource
	// (setUnifiedStorageConfig).
	"unified_storage.",
	// [secrets_manager.encryption.<provider>]: one section per key provider.
	"secrets_manager.encryption.",
}

// OpenSection reports whether section is open-ended, so that a key (or the
// section itself) missing from defaults.ini is not evidence of a mistake:
//
//   - map-like sections whose keys the user names (feature_toggles,
//     server.custom_response_headers, metrics.environment_info,
//     navigation.app_sections, plugins.restricted_apis_allowlist, the
//     external_labels sections, ...);
//   - families with one section per plugin, resource or provider:
//     plugin.*, unified_storage.*, secrets_manager.encryption.*;
//   - auth.* sections defaults.ini does not list (auth.saml,
//     auth.extended_jwt and other Enterprise or newer providers: Grafana
//     reads them, we cannot know their keys). Listed auth.* sections
//     (auth.github, auth.generic_oauth, ...) are not open: an unknown key
//     there does nothing;
//   - grafana-apiserver and unified_storage, whose keys Grafana reads in code
//     well beyond the few defaults.ini writes out.
func OpenSection(name string) bool {
	name = canonSection(name)
	if openSections[name] {
		return true
	}
	for _, p := range openPrefixes {
		if strings.HasPrefix(name, p) && len(name) > len(p) {
			return true
		}
	}
	if strings.HasPrefix(name, "auth.") && len(name) > len("auth.") && !KnownSection(name) {
		return true
	}
	return false
}
