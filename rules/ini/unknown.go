package ini

import (
	"fmt"
	"strings"
	"sync"

	"github.com/grafanalint/grafanalint/parsers/grafanaini"
	"github.com/grafanalint/grafanalint/parsers/model"
	"github.com/grafanalint/grafanalint/rules"
)

// UnknownKey reports sections, keys and GF_* variables Grafana does not
// have.
var UnknownKey = &rules.Rule{
	ID:       "ini/unknown-key",
	Severity: rules.Warning,
	Summary:  "a grafana.ini section or key (or a GF_* variable) that Grafana does not have: it is silently ignored",
	Doc: rules.Doc{
		What: "Reports a key of grafana.ini that its section does not have, a section Grafana does not have " +
			"(once, at its header, when it holds keys), and a `GF_<SECTION>_<KEY>` environment variable of a " +
			"known section that matches no key, in the Grafana version the stack targets (`--grafana-version`, " +
			"`grafana_version`, the Grafana image tag, else the current release). Known sections and keys are " +
			"those of Grafana's `conf/defaults.ini` in that version — " + copiesText() + " — plus the keys " +
			"Grafana reads in code without listing them there (for example `[security] " +
			"csrf_trusted_origins`, `csrf_additional_headers` and `csrf_skip_check_if_login_cookie_not_present`, " +
			"which `pkg/middleware/csrf/csrf.go` reads). A key the target's copy lacks but another copy has is " +
			"reported with the version it exists from, or after which it was removed; where the copies around " +
			"the target disagree and none is of it (for example 11.2 to 12.3, between the 11.1.1 and 12.4.0 " +
			"copies), the key is not reported. Three changes the copies cannot pin come from Grafana's pull " +
			"requests: `[server] serve_on_socket` from 13.0 (grafana/grafana#118627), `[users] " +
			"editors_can_admin` (#101607) and `[security] angular_support_enabled` (#111305) until 11.x. " +
			"Open-ended sections are not checked: `[feature_toggles]`, " +
			"`[server.custom_response_headers]`, `[smtp.static_headers]`, `[metrics.environment_info]`, " +
			"`[plugin.<id>]`, `[unified_storage.*]`, and `[auth.<provider>]` sections defaults.ini does not " +
			"list (Enterprise and newer providers). The message suggests the nearest key of the section, or " +
			"the section the key belongs to (`http_port` belongs in `[server]`), and names folklore settings " +
			"that never existed: `datasource_uid`, `[live] enabled`. A key a section lacks but a parent " +
			"section has (`[auth.github] login_cookie_name`) is reported with what it really changes.",
		Why: "Grafana reads settings by name and never complains about names it does not read " +
			"(`pkg/setting/setting.go`): a misspelt key, a key in the wrong section or a setting copied from " +
			"an old blog post does nothing, silently (Grafana's documentation, \"Configure Grafana\", lists the " +
			"settings of each version). There is no `datasource_uid` setting and no `[live] enabled` — Live is " +
			"switched off only by `max_connections = 0` (`readLiveSettings`). Environment variables apply to " +
			"keys that exist (`applyEnvVariableOverrides`), so `GF_LIVE_ENABLED` is ignored too; keys read " +
			"through `SectionWithEnvOverrides` (`DynamicSection.Key`) also take their variable when no file has " +
			"the key. go-ini's `GetKey` falls back to parent sections, so a key written under `[a.b]` that only " +
			"`[a]` has changes `[a]`.",
		Bad: []rules.Example{{Path: exIni, Content: "[server]\nhttp_prot = 3000\n\n[live]\nenabled = false\n"}},
		Good: []rules.Example{{Path: exIni, Content: "[server]\nhttp_port = 3000\n\n[live]\nmax_connections = 0\n\n" +
			"[feature_toggles]\nmyToggle = true\n"}},
		Fix: "Correct the name (names are case-sensitive), move the key to the section the message names, " +
			"or delete it; for Live use `[live] max_connections`.",
	},
	Check: checkUnknown,
}

// copiesText lists the copies of defaults.ini the known keys come from,
// for the rule's documentation.
func copiesText() string {
	var parts []string
	for _, c := range grafanaini.Copies() {
		parts = append(parts, fmt.Sprintf("%s: %s, `%s`", c.Version, c.Describe(), c.Source))
	}
	return "one copy per release line, read from public repositories at a commit whose package.json gives the version (" +
		strings.Join(parts, "; ") + "; a version without its own copy takes the nearest copy below it, an older one the oldest)"
}

func checkUnknown(c *rules.Context) {
	s := c.Stack.Settings
	if s == nil {
		return
	}
	has := func(section, key string) bool { return s.Get(section, key) != nil }
	reportedSection := map[string]bool{}
	fileKeys(s, func(sec *model.IniSection, k *model.IniKey) {
		section, key := k.Section, k.Name.V
		f := rules.Finding{Pos: k.Name.Pos, End: k.Name.End, Entity: entity(section, key), Key: "key:" + section + "." + key}
		if msg := folklore(section, key, k.Value.V); msg != "" {
			f.Message = msg
			c.Report(f)
			return
		}
		secKnown, secNote := knownSectionIn(c.Version, section)
		keyKnown, keyNote := knownKeyIn(c.Version, section, key)
		if k.Value.V != "" && (knownSection(section) || !grafanaini.OpenSection(section)) {
			// go-ini's GetKey falls back to parent sections: a key the
			// section lacks but a parent has changes the parent's. (Not
			// checked in auth.* sections only Enterprise lists: their keys
			// are unknown here.)
			if !keyKnown && !grafanaini.KnownAnywhere(section, key) {
				if p := parentKey(section, key, has); p != "" {
					f.Message = fmt.Sprintf("%s has no key %q, but its parent section [%s] has: go-ini resolves the key there, so this line changes %s for all of Grafana; move it under [%s] if that is meant, otherwise delete it",
						sectionName(section), key, p, name(p, key), p)
					c.Report(f)
					return
				}
			}
		}
		switch {
		case secKnown:
			if keyKnown || grafanaini.OpenSection(section) {
				return
			}
			if section == "alerting" {
				if !c.Version.AtLeast(11, 0) {
					return // legacy alerting keys: not in today's defaults, valid then
				}
				f.Message = fmt.Sprintf("[alerting] has no key %q since Grafana 11 removed legacy alerting: the line is ignored; configure Grafana Alerting in [unified_alerting] and delete it", key)
				c.Report(f)
				return
			}
			if keyNote != "" {
				f.Message = fmt.Sprintf("%s has no key %q in Grafana %s: the line is ignored; %s", sectionName(section), key, c.Version, keyNote)
				c.Report(f)
				return
			}
			if strings.HasPrefix(key, "#") && strings.Trim(key[1:], "0123456789") == "" {
				f.Message = fmt.Sprintf("a \"-\" key is numbered %q by go-ini, and %s has no such key: Grafana ignores the line; write the setting's name instead of \"-\"", key, sectionName(section))
			} else {
				f.Message = fmt.Sprintf("%s has no key %q: Grafana ignores the line%s", sectionName(section), key, keyHint(section, key))
			}
			c.Report(f)
		case grafanaini.OpenSection(section):
		default:
			if reportedSection[section] {
				return
			}
			reportedSection[section] = true
			f = rules.Finding{Pos: sec.Name.Pos, End: sec.Name.End, Entity: "ini:" + section, Key: "section:" + section}
			if !f.Pos.IsValid() {
				f.Pos, f.End = k.Name.Pos, k.Name.End
			}
			n := countKeys(s.File, section)
			if secNote != "" {
				f.Message = fmt.Sprintf("Grafana %s has no section [%s]: the %s under it %s ignored; %s", c.Version, section, plural(n, "key"), isAre(n), secNote)
			} else if r, ok := removedSections[section]; ok {
				f.Message = fmt.Sprintf("Grafana has no section [%s] (%s): the %s under it %s ignored; %s", section, r.when, plural(n, "key"), isAre(n), r.instead)
			} else {
				f.Message = fmt.Sprintf("Grafana has no section [%s]: the %s under it %s ignored%s", section, plural(n, "key"), isAre(n), sectionHint(section))
			}
			c.Report(f)
		}
	})
	checkUnknownEnv(c, s)
}

// folklore names settings that circulate on the web but never existed.
func folklore(section, key, value string) string {
	switch {
	case key == "datasource_uid":
		return fmt.Sprintf("there is no %q setting in Grafana, in %s or any other section: the line does nothing; a datasource's UID is set by \"uid\" in its provisioning file (provisioning/datasources/*.yaml) and dashboards reference it there", key, sectionName(section))
	case section == "live" && key == "enabled":
		what := "Live is on by default"
		if b, err := parseBool(value); err == nil && !b {
			what = "it does not switch Live off"
		}
		return fmt.Sprintf("[live] has no key %q: Grafana ignores it, %s; Live is switched off only by max_connections = 0 (and limited by a positive max_connections)", key, what)
	}
	return ""
}

// sectionName names a section in a message; the unnamed top section is
// "the top of the file".
func sectionName(section string) string {
	if section == "" {
		return "the top of the file (before any [section] header)"
	}
	return "[" + section + "]"
}

// keyHint suggests what the user meant by key in section.
func keyHint(section, key string) string {
	own := keysOf(section)
	if c := sameButCase(key, own); c != "" {
		return fmt.Sprintf("; key names are case-sensitive: write %q", c)
	}
	var hints []string
	if n := nearest(key, own); n != "" {
		hints = append(hints, fmt.Sprintf("did you mean %q?", n))
	}
	if where := homeOf(key, section); len(where) > 0 {
		hints = append(hints, fmt.Sprintf("%q is a key of %s: move the line there", key, listSections(where)))
	}
	if section == "" && len(hints) == 0 {
		hints = append(hints, "keys above the first [section] header belong to the unnamed top section, which has only "+strings.Join(keysOf(""), ", "))
	}
	if len(hints) == 0 {
		return "; check the name against Grafana's configuration documentation or delete the line"
	}
	return "; " + strings.Join(hints, " ")
}

// listSections formats up to three sections, counting the rest.
func listSections(ss []string) string {
	var parts []string
	for i, s := range ss {
		if i == 3 {
			parts = append(parts, fmt.Sprintf("%d more", len(ss)-3))
			break
		}
		parts = append(parts, "["+s+"]")
	}
	switch len(parts) {
	case 1:
		return parts[0]
	case 2:
		return parts[0] + " and " + parts[1]
	}
	return strings.Join(parts[:len(parts)-1], ", ") + " and " + parts[len(parts)-1]
}

// sectionHint says what an unknown section probably was.
func sectionHint(section string) string {
	all := allSections()
	if c := sameButCase(section, all); c != "" {
		return fmt.Sprintf("; section names are case-sensitive: write [%s]", c)
	}
	if t := strings.TrimSpace(section); t != section && knownSection(t) {
		return fmt.Sprintf("; go-ini keeps the spaces inside the brackets: write [%s]", t)
	}
	if n := nearest(section, all); n != "" {
		return fmt.Sprintf("; did you mean [%s]?", n)
	}
	return ""
}

func countKeys(f *model.IniFile, section string) int {
	n := 0
	for _, s := range f.Sections {
		if s.Name.V == section {
			n += len(s.Keys)
		}
	}
	return n
}

func plural(n int, what string) string {
	if n == 1 {
		return "1 " + what
	}
	return fmt.Sprintf("%d %ss", n, what)
}

func isAre(n int) string {
	if n == 1 {
		return "is"
	}
	return "are"
}

// Variables the Grafana Docker image's entrypoint or plugins read, which
// are no grafana.ini settings: never reported.
var envNotSettings = []string{
	"GF_PATHS_",           // run.sh: --config, --homepath and cfg:default.paths.*
	"GF_INSTALL_",         // run.sh: GF_INSTALL_PLUGINS, GF_INSTALL_IMAGE_RENDERER_PLUGIN
	"GF_PLUGIN_",          // handed to plugin processes
	"GF_AWS_",             // run.sh: GF_AWS_PROFILES and per-profile credentials
	"GF_FEATURE_TOGGLES_", // feature toggles are an open section
	"GF_RENDERER_PLUGIN_", // image renderer plugin
	"GF_ENTERPRISE_",      // Enterprise license variables
}

// checkUnknownEnv reports GF_* variables of a known section that match no
// key. Variables whose section is unknown are left alone: the Docker image
// and plugins read GF_* names of their own.
// envSection is a section Grafana knows with the prefix of its GF_*
// variables ("GF_AUTH_GENERIC_OAUTH_").
type envSection struct{ section, prefix string }

// envSections lists the known sections with their variable prefixes, in
// allSections order; made once per process (the tables are fixed).
var envSections = sync.OnceValue(func() []envSection {
	var secs []envSection
	for _, sec := range allSections() {
		secs = append(secs, envSection{sec, strings.TrimSuffix(grafanaini.EnvKey(sec, "x"), "X")})
	}
	return secs
})

func checkUnknownEnv(c *rules.Context, s *model.Settings) {
	secs := envSections()
	seen := map[string]bool{}
	for i := range s.Env {
		ev := &s.Env[i]
		if ev.Matched != "" || ev.Value == "" || !ev.Pos.IsValid() || seen[ev.Name] || strings.HasSuffix(ev.Name, "__FILE") {
			continue
		}
		if last := envVar(s, ev.Name); last != ev {
			continue // an earlier definition; the last one is judged
		}
		seen[ev.Name] = true
		skip := false
		for _, p := range envNotSettings {
			skip = skip || strings.HasPrefix(ev.Name, p)
		}
		if skip {
			continue
		}
		// The longest known section whose prefix the name has.
		best := envSection{prefix: ""}
		for _, es := range secs {
			if strings.HasPrefix(ev.Name, es.prefix) && len(es.prefix) > len(best.prefix) && len(ev.Name) > len(es.prefix) {
				best = es
			}
		}
		if best.prefix == "" || grafanaini.OpenSection(best.section) {
			continue
		}
		rest := ev.Name[len(best.prefix):]
		// A key Grafana reads in code: it may read the variable itself.
		matchesCode := false
		for _, k := range keysOf(best.section) {
			matchesCode = matchesCode || envForm(k) == rest
		}
		if matchesCode || (s.File != nil && fileHasEnvKey(s.File, best.section, rest)) {
			continue
		}
		f := rules.Finding{Pos: ev.Pos, Entity: "env:" + ev.Name, Key: "env:" + ev.Name}
		key := strings.ToLower(rest)
		if msg := folklore(best.section, key, ev.Value); msg != "" {
			f.Message = fmt.Sprintf("%s sets nothing: %s", ev.Name, msg)
			c.Report(f)
			continue
		}
		f.Message = fmt.Sprintf("%s sets nothing: %s has no key %q, and Grafana applies GF_<SECTION>_<KEY> variables only to keys that exist%s",
			ev.Name, sectionName(best.section), key, envHint(best.section, rest))
		c.Report(f)
	}
}

// envForm is a key as it appears in a variable name.
func envForm(key string) string { return strings.ToUpper(strings.ReplaceAll(key, ".", "_")) }

// fileHasEnvKey reports whether the custom file defines section.key with
// key in its variable form (such keys exist, so a variable could apply;
// Effective matched it unless its value was empty).
func fileHasEnvKey(f *model.IniFile, section, rest string) bool {
	for _, s := range f.Sections {
		if s.Name.V != section {
			continue
		}
		for _, k := range s.Keys {
			if envForm(k.Name.V) == rest {
				return true
			}
		}
	}
	return false
}

// envHint suggests the variable meant by GF_<section>_<rest>.
func envHint(section, rest string) string {
	own := keysOf(section)
	forms := make([]string, len(own))
	for i, k := range own {
		forms[i] = envForm(k)
	}
	var hints []string
	if n := nearest(rest, forms); n != "" {
		for i, f := range forms {
			if f == n {
				hints = append(hints, fmt.Sprintf("did you mean %s (%s)?", grafanaini.EnvKey(section, own[i]), name(section, own[i])))
				break
			}
		}
	}
	var where []string
	key := ""
	for _, s := range allSections() {
		if s == section {
			continue
		}
		for _, k := range keysOf(s) {
			if envForm(k) == rest {
				key = k
				break
			}
		}
		if key != "" {
			where = homeOf(key, section)
			break
		}
	}
	if len(where) > 0 {
		hints = append(hints, fmt.Sprintf("%q is a key of %s (%s)", key, listSections(where), grafanaini.EnvKey(where[0], key)))
	}
	if len(hints) == 0 {
		return "; check the name against Grafana's configuration documentation"
	}
	return "; " + strings.Join(hints, " ")
}
