package grafanaini

import (
	"maps"
	"regexp"
	"slices"
	"strings"
	"sync"

	"github.com/grafanalint/grafanalint/parsers/model"
)

// Effective computes the configuration one Grafana installation runs with,
// layering exactly as pkg/setting/setting.go (loadConfiguration) does:
//
//  1. Grafana's defaults.ini (the embedded table);
//  2. the custom file, if any: each key's last value in the file replaces
//     the default, except that an empty value is ignored (`key =` does not
//     blank the default, and an empty key unknown to defaults.ini is not
//     created at all). Keys that defaults.ini does not have are added —
//     unless a parent section has the key: go-ini's GetKey falls back to
//     parents, so `[auth.github] login_cookie_name = x` sets [auth]
//     login_cookie_name (the Setting's Written key then names another
//     section than the Setting);
//  3. GF_<SECTION>_<KEY> environment variables (applyEnvVariableOverrides):
//     (and, for the keys of EnvReadKeys that no layer has, the variable
//     alone: DynamicSection.Key reads it at run time);
//     for every key that now exists, the section with "." and "-" replaced
//     by "_" and the key with "." replaced by "_", both upper-cased (the
//     unnamed section is "DEFAULT"); only a non-empty value applies. The
//     last definition of a variable in env wins. Matched is set on the
//     variable that applied, as "section.key" ("key" in the unnamed
//     section); the Source position is the variable's ValuePos (else Pos);
//  4. %(name)s references, resolved as go-ini's Key.String does when
//     Grafana reads a value (gopkg.in/ini.v1 v1.67.0/v1.67.1, the versions
//     Grafana pins; see expander.expand): the key of the same section (or
//     of a parent section, "a.b" → "a"), else of the unnamed section;
//     expansion stops at the first name that resolves to no key, which is
//     recorded in Unresolved, as are the references a cycle leaves in the
//     value (Grafana reads them as text);
//  5. ${VAR}, $__env{VAR}, $__file{path} (and Enterprise $__vault{…}) are
//     kept as written and mark the setting Dynamic.
//
// Settings of the unnamed top section are listed under section "". file
// may be nil (defaults and environment only). env may hold any variables;
// Settings.Env keeps the GF_* ones.
func Effective(file *model.IniFile, env []model.EnvVar) *model.Settings {
	return effectiveWith(file, env, defaultsTable)
}

// defaultsBase is the defaults layer of one defaults table, built once and
// shared by every Settings computed over it: the sections' maps and the
// settings of defaults are read, never written, and a Settings copies a
// section's map (a setting) only when a later layer changes it. A stack
// of a fleet then costs what its own ini and environment change, not a
// copy of defaults.ini.
type defaultsBase struct {
	sections map[string]map[string]*model.Setting
	// order is every default setting in Grafana's iteration order;
	// envKeys[i] is EnvKey of order[i].
	order   []sectionKey
	envKeys []string
}

// bases holds the defaultsBase of each table, by its first section.
var bases sync.Map

func baseOf(table []defaultSection) *defaultsBase {
	if len(table) > 0 {
		if b, ok := bases.Load(&table[0]); ok {
			return b.(*defaultsBase)
		}
	}
	b := &defaultsBase{sections: map[string]map[string]*model.Setting{}}
	for _, s := range table {
		m := b.sections[s.Name]
		if m == nil {
			m = map[string]*model.Setting{}
			b.sections[s.Name] = m
		}
		for _, k := range s.Keys {
			if _, ok := m[k.Name]; !ok {
				b.order = append(b.order, sectionKey{s.Name, k.Name})
			}
			// Final as they are unless a layer changes them: a value
			// without "%" expands to itself (step 4).
			m[k.Name] = &model.Setting{
				Section: s.Name, Key: k.Name, Value: k.Value,
				Source:  model.Source{Kind: model.SourceDefault},
				Dynamic: IsDynamic(k.Value),
			}
		}
	}
	for _, sk := range b.order {
		b.envKeys = append(b.envKeys, EnvKey(sk.section, sk.key))
	}
	if len(table) > 0 {
		actual, _ := bases.LoadOrStore(&table[0], b)
		return actual.(*defaultsBase)
	}
	return b
}

// effectiveWith is Effective over the given defaults table (EffectiveAt picks
// one per Grafana version).
func effectiveWith(file *model.IniFile, env []model.EnvVar, table []defaultSection) *model.Settings {
	base := baseOf(table)
	out := &model.Settings{File: file, Sections: make(map[string]map[string]*model.Setting, len(base.sections))}
	// 1. defaults.ini, shared (see defaultsBase).
	for sec, m := range base.sections {
		out.Sections[sec] = m
	}
	// order is every setting, in Grafana's iteration order: the base's,
	// copied only when a layer adds a key.
	order := base.order[:len(base.order):len(base.order)]
	owned := map[string]bool{}
	own := func(sec string) map[string]*model.Setting {
		m := out.Sections[sec]
		if !owned[sec] {
			m = maps.Clone(m)
			if m == nil {
				m = map[string]*model.Setting{}
			}
			out.Sections[sec] = m
			owned[sec] = true
		}
		return m
	}
	shared := func(st *model.Setting) bool {
		return st != nil && base.sections[st.Section][st.Key] == st
	}
	// mutable returns the setting of sec.key, copied first when shared.
	mutable := func(sec, key string) *model.Setting {
		st := out.Sections[sec][key]
		if shared(st) {
			c := *st
			st = &c
			own(sec)[key] = st
		}
		return st
	}
	set := func(sec, key string, st *model.Setting) {
		m := own(sec)
		if _, ok := m[key]; !ok {
			order = append(order, sectionKey{sec, key})
		}
		m[key] = st
	}

	// 2. The custom file, merged as go-ini merges it: the last value of a
	// repeated key wins, in the order keys first appear.
	if file != nil {
		var keys []sectionKey
		last := map[sectionKey]*model.IniKey{}
		for _, s := range file.Sections {
			sec := canonSection(s.Name.V)
			for _, k := range s.Keys {
				sk := sectionKey{sec, k.Name.V}
				if _, ok := last[sk]; !ok {
					keys = append(keys, sk)
				}
				last[sk] = k
			}
		}
		for _, sk := range keys {
			k := last[sk]
			if k.Value.V == "" {
				continue
			}
			src := model.Source{Kind: model.SourceFile, Pos: k.Name.Pos}
			if out.Get(sk.section, sk.key) == nil {
				// go-ini's GetKey falls back to parent sections: a key that
				// [a.b] lacks but [a] has is written to [a].
				if sec, ok := lookupKey(out, sk.section, sk.key); ok {
					sk.section = sec
				}
			}
			if out.Get(sk.section, sk.key) != nil {
				st := mutable(sk.section, sk.key)
				st.Overridden = append(st.Overridden, st.Source)
				st.Value, st.Source, st.Written = k.Value.V, src, k
				continue
			}
			set(sk.section, sk.key, &model.Setting{
				Section: sk.section, Key: sk.key, Value: k.Value.V, Source: src, Written: k,
			})
		}
	}

	// 3. GF_* environment overrides.
	lastEnv := map[string]int{}
	for _, e := range env {
		if strings.HasPrefix(e.Name, "GF_") {
			out.Env = append(out.Env, e)
			lastEnv[e.Name] = len(out.Env) - 1
		}
	}
	for j, sk := range order {
		if len(lastEnv) == 0 {
			break
		}
		var ek string
		if j < len(base.envKeys) {
			ek = base.envKeys[j]
		} else {
			ek = EnvKey(sk.section, sk.key)
		}
		i, ok := lastEnv[ek]
		if !ok || out.Env[i].Value == "" {
			continue
		}
		e := &out.Env[i]
		st := mutable(sk.section, sk.key)
		st.Overridden = append(st.Overridden, st.Source)
		pos := e.ValuePos
		if !pos.IsValid() {
			pos = e.Pos
		}
		st.Value, st.Source = e.Value, model.Source{Kind: model.SourceEnv, Env: e.Name, Pos: pos}
		if e.Matched == "" {
			e.Matched = settingName(sk.section, sk.key)
		}
	}

	// 3b. Keys Grafana reads through Cfg.SectionWithEnvOverrides /
	// DynamicSection.Key, which applies GF_<SECTION>_<KEY> at read time
	// even when no file has the key.
	for _, rk := range envReadKeys {
		if out.Get(rk.section, rk.key) != nil {
			continue
		}
		i, ok := lastEnv[EnvKey(rk.section, rk.key)]
		if !ok || out.Env[i].Value == "" {
			continue
		}
		e := &out.Env[i]
		pos := e.ValuePos
		if !pos.IsValid() {
			pos = e.Pos
		}
		set(rk.section, rk.key, &model.Setting{
			Section: rk.section, Key: rk.key, Value: e.Value,
			Source: model.Source{Kind: model.SourceEnv, Env: e.Name, Pos: pos},
		})
		if e.Matched == "" {
			e.Matched = settingName(rk.section, rk.key)
		}
	}

	// 4. %(name)s references, against the values after the overrides. A
	// shared default without "%" is final already (see defaultsBase).
	x := &expander{settings: out}
	expanded := make([]expansion, len(order))
	for i, sk := range order {
		if st := out.Sections[sk.section][sk.key]; !shared(st) || strings.Contains(st.Value, "%") {
			expanded[i] = x.expand(sk)
		}
	}
	for i, sk := range order {
		st := out.Sections[sk.section][sk.key]
		if shared(st) {
			if !strings.Contains(st.Value, "%") {
				continue
			}
			st = mutable(sk.section, sk.key)
		}
		st.Value = expanded[i].value
		st.Unresolved = expanded[i].unresolved
		// 5. Deploy-time references.
		st.Dynamic = IsDynamic(st.Value)
	}
	return out
}

// EnvKey returns the environment variable that overrides section.key
// (Grafana's setting.EnvKey): "GF_" + section with "." and "-" replaced by
// "_" + "_" + key with "." replaced by "_", upper-cased. The unnamed top
// section ("") is "DEFAULT".
func EnvKey(section, key string) string {
	if section == "" {
		section = iniDefaultSection
	}
	s := strings.ToUpper(strings.ReplaceAll(section, ".", "_"))
	s = strings.ReplaceAll(s, "-", "_")
	k := strings.ToUpper(strings.ReplaceAll(key, ".", "_"))
	return "GF_" + s + "_" + k
}

// settingName is "section.key", or "key" in the unnamed section.
func settingName(section, key string) string {
	if section == "" {
		return key
	}
	return section + "." + key
}

// dynamicRef is Grafana's expander pattern (pkg/setting/expanders.go).
var dynamicRef = regexp.MustCompile(`\$(|__\w+){([^}]+)}`)

// IsDynamic reports whether v holds a reference Grafana resolves at start:
// ${VAR}, $__env{VAR}, $__file{path} or (Enterprise) $__vault{…}. A bare
// $VAR is not expanded in grafana.ini and does not count.
func IsDynamic(v string) bool {
	if !strings.Contains(v, "$") {
		return false
	}
	for _, m := range dynamicRef.FindAllStringSubmatch(v, -1) {
		switch m[1] {
		case "", "__env", "__file", "__vault":
			return true
		}
	}
	return false
}

type sectionKey struct{ section, key string }

// envReadKeys are keys that neither conf/defaults.ini nor most custom files
// have, but that Grafana reads with Cfg.SectionWithEnvOverrides(section)
// .Key(key): DynamicSection.Key (pkg/setting/setting.go) creates the key
// and sets it from GF_<SECTION>_<KEY> when that variable is non-empty, so
// the variable works on its own.
//
// Source: grafana/grafana pkg/middleware/csrf/csrf.go, ProvideCSRFFilter
// (csrf_additional_headers and csrf_trusted_origins read with
// .Strings(" "): a space-separated list; csrf_skip_check_if_login_cookie_
// not_present with .MustBool(true)).
var envReadKeys = []sectionKey{
	{"security", "csrf_trusted_origins"},
	{"security", "csrf_additional_headers"},
	{"security", "csrf_skip_check_if_login_cookie_not_present"},
}

// EnvReadKeys returns, per section, the keys Grafana reads through
// DynamicSection.Key although conf/defaults.ini does not list them: a
// GF_* variable sets them even when no file does.
func EnvReadKeys() map[string][]string {
	out := map[string][]string{}
	for _, k := range envReadKeys {
		out[k.section] = append(out[k.section], k.key)
	}
	return out
}

// varRef is go-ini's %(name)s pattern.
var varRef = regexp.MustCompile(`%\(([^)]+)\)s`)

const (
	maxExpansionDepth = 99      // go-ini's depthValues
	maxExpandedLen    = 1 << 20 // stop growing values beyond this (go-ini has no limit)
	maxExpandCalls    = 100_000 // total work budget for pathological files
)

type expansion struct {
	value      string
	unresolved []string
}

// expander resolves %(name)s references as gopkg.in/ini.v1 v1.67.0 and
// v1.67.1 — the versions Grafana's go.mod pins (v1.67.0 from 2022 through
// the 12.x releases, v1.67.1 on main by February 2026) — do in
// Key.transformValue, over the layered raw values.
type expander struct {
	settings *model.Settings
	calls    int
}

// lookupKey mirrors go-ini's Section.GetKey: the key in section, else in
// its parent sections ("a.b.c" → "a.b" → "a"; a parent named "" is the
// unnamed one). It returns the section that holds the key.
func lookupKey(st *model.Settings, section, name string) (string, bool) {
	if _, ok := st.Sections[section][name]; ok {
		return section, true
	}
	if section == "" {
		return "", false
	}
	for s := section; ; {
		i := strings.LastIndexByte(s, '.')
		if i < 0 {
			return "", false
		}
		s = s[:i]
		if _, ok := st.Sections[s][name]; ok {
			return s, true
		}
		if s == "" {
			return "", false
		}
	}
}

// expand is go-ini v1.67.0/1 Key.transformValue: at most 99 rounds, each
// replacing every occurrence of the first %(name)s with the RAW value of
// the key it names, looked up from k's own section (then its parents; the
// key itself, or no key, sends the lookup to the unnamed section). A name
// found nowhere stops the expansion. Nothing recurses, so a reference cycle
// does not overflow the stack (go-ini v1.67.2 made each round expand the
// referenced key first, which does): the rounds run out or reach k itself,
// and the value keeps "%(name)s" text. Unresolved lists the names whose
// reference is left in the value.
func (x *expander) expand(k sectionKey) expansion {
	val := x.settings.Sections[k.section][k.key].Value
	if !strings.Contains(val, "%") {
		return expansion{value: val}
	}
	var r expansion
	exhausted := true
	for range maxExpansionDepth {
		x.calls++
		if x.calls > maxExpandCalls || len(val) > maxExpandedLen {
			break
		}
		loc := varRef.FindStringIndex(val)
		if loc == nil {
			exhausted = false
			break
		}
		ref := val[loc[0]:loc[1]]
		name := ref[2 : len(ref)-2]
		sec, ok := lookupKey(x.settings, k.section, name)
		if !ok || (sec == k.section && name == k.key) {
			if _, ok := x.settings.Sections[""][name]; !ok {
				r.unresolved = appendOnce(r.unresolved, name)
				exhausted = false
				break
			}
			sec = ""
		}
		val = strings.ReplaceAll(val, ref, x.settings.Sections[sec][name].Value)
	}
	if exhausted {
		// The rounds ran out: whatever references are left stay as text.
		for _, m := range varRef.FindAllStringSubmatch(val, -1) {
			r.unresolved = appendOnce(r.unresolved, m[1])
		}
	}
	r.value = val
	return r
}

func appendOnce(list []string, s string) []string {
	if slices.Contains(list, s) {
		return list
	}
	return append(list, s)
}
