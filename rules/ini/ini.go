// Package ini holds the grafana.ini hygiene rules: sections and keys
// Grafana does not have, values that stop Grafana at start, values Grafana
// silently replaces, inline comments that cut values short, empty values
// that do not blank a default, and %(name)s references that name no key.
//
// The rules read the stack's effective settings (model.Settings): the
// custom file as written (Settings.File) and every setting after Grafana's
// layering (defaults.ini, the custom file, GF_* environment variables,
// %(name)s references), each with where it came from. A value set by an
// environment variable is reported at the variable's definition. Values
// that hold ${VAR}, $__env{} or $__file{} references are known only at
// deploy time and are never judged. Keys, defaults and behaviour follow
// grafana/grafana conf/defaults.ini of the target version (copies of it per
// release line are embedded in parsers/grafanaini: KeyAt, EffectiveAt;
// grafanaini.KeyChangeFor adds the changes the copies cannot pin) and
// pkg/setting.
package ini

import (
	"fmt"
	"maps"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/grafanalint/grafanalint/parsers/model"
	"github.com/grafanalint/grafanalint/rules"
)

// Rules returns the ini rules in catalogue order.
func Rules() []*rules.Rule {
	return []*rules.Rule{UnknownKey, InvalidValue, IgnoredValue, InlineComment, EmptyValueIgnored, UnresolvedReference}
}

// exIni is where documentation examples put grafana.ini.
const exIni = "grafana/grafana.ini"

// name formats section.key as users read it in grafana.ini: "[live]
// max_connections", or "max_connections" for the unnamed top section.
func name(section, key string) string {
	if section == "" {
		return key
	}
	return "[" + section + "] " + key
}

// entity is the finding entity of a setting.
func entity(section, key string) string {
	if section == "" {
		return "ini:" + key
	}
	return "ini:" + section + "." + key
}

// place is where an effective setting's value was written: the value in
// the custom file, or the environment variable that set it.
type place struct {
	pos, end model.Pos
	// by is how the message names the setting: "[live] max_connections"
	// or "GF_LIVE_MAX_CONNECTIONS".
	by string
	// env is the environment variable, nil for a value from the file.
	env *model.EnvVar
	// key is the key as written, nil for a value from the environment.
	key *model.IniKey
}

// placeOf returns where st's value was written; ok is false for values
// that come from Grafana's defaults (never reported) or from a variable
// with no position (given on the command line).
func placeOf(s *model.Settings, st *model.Setting) (p place, ok bool) {
	switch st.Source.Kind {
	case model.SourceFile:
		if st.Written == nil || !st.Written.Value.Pos.IsValid() {
			return p, false
		}
		return place{pos: st.Written.Value.Pos, end: st.Written.Value.End, by: name(st.Section, st.Key), key: st.Written}, true
	case model.SourceEnv:
		ev := envVar(s, st.Source.Env)
		if ev == nil {
			return p, false
		}
		p = place{by: ev.Name, env: ev}
		if ev.ValuePos.IsValid() {
			p.pos = ev.ValuePos
			if !strings.ContainsAny(ev.Value, "\r\n") {
				p.end = advance(ev.ValuePos, ev.Value)
			}
		} else {
			p.pos = ev.Pos
		}
		return p, p.pos.IsValid()
	}
	return p, false
}

// at returns the position of the part of the value that starts at byte
// offset off of the value as written (the raw file value or the variable's
// value); the value's start when that offset cannot be mapped (a value
// joined from continuation lines, or an environment variable without a
// value position).
func (p place) at(written string, off int) model.Pos {
	switch {
	case p.key != nil && !p.key.Continued && off <= len(written):
		return advance(p.pos, written[:off])
	case p.env != nil && p.env.ValuePos.IsValid() && off <= len(written) && !strings.ContainsAny(written[:off], "\r\n"):
		return advance(p.pos, written[:off])
	}
	return p.pos
}

// written is the value as written at the place: the key's value, or the
// variable's value.
func (p place) written() string {
	if p.key != nil {
		return p.key.Value.V
	}
	if p.env != nil {
		return p.env.Value
	}
	return ""
}

// advance moves pos right by the code points of s (which holds no line
// break).
func advance(pos model.Pos, s string) model.Pos {
	pos.Col += utf8.RuneCountInString(s)
	return pos
}

// envVar returns the variable named name that Grafana sees (the last
// definition wins).
func envVar(s *model.Settings, name string) *model.EnvVar {
	for i := len(s.Env) - 1; i >= 0; i-- {
		if s.Env[i].Name == name {
			return &s.Env[i]
		}
	}
	return nil
}

// show formats a setting and its value for a message: `[live]
// max_connections = "abc"` or `GF_LIVE_MAX_CONNECTIONS="abc"`.
func (p place) show(value string) string {
	if p.env != nil {
		return fmt.Sprintf("%s=%q", p.by, value)
	}
	return fmt.Sprintf("%s = %q", p.by, value)
}

// placedSettings iterates, in a stable order (sections by name, keys by
// name), the checked stack's effective settings a finding can point at:
// those a file or an environment variable sets (placeOf finds no place for
// a default). The list is made once per stack and shared by the rules that
// check it: the defaults are most of the settings and need no sorting.
func placedSettings(c *rules.Context, fn func(st *model.Setting)) {
	for _, st := range rules.Shared(c, placedKey{}, func() []*model.Setting { return placed(c.Stack.Settings) }) {
		fn(st)
	}
}

// placedKey keys the stack's placed settings among the values rules share.
type placedKey struct{}

// placed lists the settings of s set by a file or an environment variable,
// sections by name, keys by name.
func placed(s *model.Settings) []*model.Setting {
	if s == nil {
		return nil
	}
	type entry struct {
		sec, key string
		st       *model.Setting
	}
	var es []entry
	for sec, keys := range s.Sections {
		for k, st := range keys {
			if st.Source.Kind == model.SourceFile || st.Source.Kind == model.SourceEnv {
				es = append(es, entry{sec, k, st})
			}
		}
	}
	slices.SortFunc(es, func(a, b entry) int {
		if c := strings.Compare(a.sec, b.sec); c != 0 {
			return c
		}
		return strings.Compare(a.key, b.key)
	})
	out := make([]*model.Setting, len(es))
	for i, e := range es {
		out[i] = e.st
	}
	return out
}

func sortedKeys[V any](m map[string]V) []string { return slices.Sorted(maps.Keys(m)) }

// fileKeys iterates the keys of the stack's custom ini file as written.
func fileKeys(s *model.Settings, fn func(sec *model.IniSection, k *model.IniKey)) {
	if s == nil || s.File == nil {
		return
	}
	for _, sec := range s.File.Sections {
		for _, k := range sec.Keys {
			fn(sec, k)
		}
	}
}
