package model

// IniFile is a grafana.ini (or custom.ini) as written: its sections and keys
// in file order, each with positions. The parser in parsers/grafanaini fills
// it.
type IniFile struct {
	Path     string        `json:"path"`
	Sections []*IniSection `json:"sections"`
}

// IniSection is a "[name]" header and the keys under it. The default
// (unnamed) section at the top of the file has Name.V == "" and no position.
type IniSection struct {
	Name Str       `json:"name"`
	Keys []*IniKey `json:"keys"`
}

// IniKey is one "key = value" line (with any continuation lines).
type IniKey struct {
	Section string `json:"section"`
	Name    Str    `json:"name"`
	// Raw is the value exactly as written after "=" (quotes, any inline
	// comment and continuation lines included), positioned at its first
	// non-blank character.
	Raw Str `json:"raw"`
	// Value is what go-ini yields for the key (inline comment cut, quotes
	// stripped), positioned at its first character inside any quotes.
	Value Str `json:"value"`
	// Comment is the inline comment go-ini cut off the value, if any,
	// positioned at the "#" or ";" that starts it.
	Comment Str `json:"comment,omitzero"`
	// Quote is the quoting style of the value: "", `"`, "'", `"""` or "`".
	// It is empty when go-ini kept the quotes (e.g. `"a # b"` cut to `"a`).
	Quote string `json:"quote,omitempty"`
	// Continued is true when the value was joined from continuation lines
	// (a line ending in "\"); go-ini then cuts no inline comment and strips
	// no quotes. Value.End is on the last line joined.
	Continued bool `json:"continued,omitempty"`
}

// SourceKind says which layer an effective setting came from.
type SourceKind string

// Layers of Grafana's configuration, lowest first.
const (
	SourceDefault SourceKind = "default"
	SourceFile    SourceKind = "file"
	SourceEnv     SourceKind = "env"
)

// Source is where an effective setting's value came from.
type Source struct {
	Kind SourceKind `json:"kind"`
	// Pos is the key's position for SourceFile (the value's for an env file).
	Pos Pos `json:"pos,omitzero"`
	// Env is the environment variable name for SourceEnv.
	Env string `json:"env,omitempty"`
}

// Setting is one effective grafana.ini setting after Grafana's layering:
// defaults, the custom file, GF_* environment overrides, then %(key)s
// references.
type Setting struct {
	Section string `json:"section"`
	Key     string `json:"key"`
	// Value is the effective value with %(key)s expanded. ${VAR}, $__env{}
	// and $__file{} references are kept as written.
	Value  string `json:"value"`
	Source Source `json:"source"`
	// Written is the key as written in the custom file; nil for settings
	// that come only from the defaults or the environment.
	Written *IniKey `json:"-"`
	// Dynamic is true when Value still contains ${VAR}, $__env{} or
	// $__file{} references, so the real value is known only at deploy time.
	Dynamic bool `json:"dynamic,omitempty"`
	// Unresolved lists %(name)s references that named no key.
	Unresolved []string `json:"unresolved,omitempty"`
	// Overridden lists lower layers this value replaced, lowest first.
	Overridden []Source `json:"overridden,omitempty"`
}

// Settings is the effective configuration of one Grafana installation.
type Settings struct {
	// File is the custom ini file, nil when the stack has none (then only
	// defaults and environment apply).
	File *IniFile `json:"file,omitempty"`
	// Sections maps section name to key name to setting.
	Sections map[string]map[string]*Setting `json:"sections"`
	// Env holds the GF_* variables given to the stack (--env, --env-file,
	// compose), including ones that matched no key.
	Env []EnvVar `json:"env,omitempty"`
}

// Get returns the effective setting, or nil when neither the defaults nor
// any layer has it.
func (s *Settings) Get(section, key string) *Setting {
	if s == nil {
		return nil
	}
	return s.Sections[section][key]
}

// Value returns the effective value of section.key, "" when unknown.
func (s *Settings) Value(section, key string) string {
	if st := s.Get(section, key); st != nil {
		return st.Value
	}
	return ""
}

// EnvVar is an environment variable given to Grafana.
type EnvVar struct {
	Name  string `json:"name"`
	Value string `json:"-"`
	// Pos is where it was defined (an env file or compose file line); zero
	// for --env on the command line.
	Pos Pos `json:"pos,omitzero"`
	// ValuePos is where the value starts (inside any quotes) when the
	// variable comes from an env file or a compose environment entry; zero
	// otherwise.
	ValuePos Pos `json:"valuePos,omitzero"`
	// Matched is the "section.key" it overrides, "" when it matches none.
	Matched string `json:"matched,omitempty"`
}
