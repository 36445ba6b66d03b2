package grafanaini

import (
	"fmt"
	"sync"

	"github.com/grafanalint/grafanalint/parsers/model"
)

// The table in defaults_versions_table.go holds every section and key of
// several copies of Grafana's conf/defaults.ini, one per release line
// (defaultCopies, listed with their sources in
// internal/gendefaults/sources.txt). This file answers, for a Grafana
// version, which keys exist and what their defaults are.

// copyKind says how far a copy speaks for its release line.
type copyKind uint8

const (
	// copyRelease is a released version's file: what it lacks, that
	// release line lacks (a later patch release rarely adds a key).
	copyRelease copyKind = iota
	// copyPre is grafana/grafana main while the line was developed: what it
	// has ships in the line, but a key it lacks may still have been added
	// before the release (or on the release branch).
	copyPre
	// copySnapshot is main after the previous copy, its version not
	// verified: a change between the previous copy and it may belong to
	// the line it is taken for or to a later one.
	copySnapshot
)

// defaultCopy is one copy of defaults.ini.
type defaultCopy struct {
	// Version is the release line (major, minor) the copy stands for.
	Version [2]int
	Kind    copyKind
	// Label is package.json's version at the copy's commit ("9.5.7",
	// "10.2.0-pre"); "" when unknown.
	Label string
	// Source is "repo@commit:conf/defaults.ini".
	Source string
}

// versionedSection is a section of the union of the copies.
type versionedSection struct {
	Name string
	// In has bit i set when defaultCopies[i] has the section.
	In   uint16
	Keys []versionedKey
}

// versionedKey is a key of the union with its defaults.
type versionedKey struct {
	Name string
	// Runs are the copies that have the key, grouped by equal default.
	Runs []valueRun
}

// valueRun says that copies From..To (indices into defaultCopies, both
// included) give the key the default Value.
type valueRun struct {
	From, To uint8
	Value    string
}

// in reports whether copy i has the key, and its default there.
func (k *versionedKey) in(i int) (string, bool) {
	for _, r := range k.Runs {
		if int(r.From) <= i && i <= int(r.To) {
			return r.Value, true
		}
	}
	return "", false
}

// Presence says whether a key (or section) exists in a Grafana version.
type Presence uint8

const (
	// Absent means the version does not have it (its defaults.ini, or the
	// copies around it, lack it).
	Absent Presence = iota
	// Present means the version has it.
	Present
	// Uncertain means the copies around the version disagree and none is of
	// that version, so it may or may not exist there.
	Uncertain
)

// String names p.
func (p Presence) String() string {
	return [...]string{"absent", "present", "uncertain"}[p]
}

// KeyFacts is what defaults.ini says about a key (or a section) in one
// Grafana version, with the copies that say so.
type KeyFacts struct {
	Presence Presence
	// Default is the raw default in the version (the nearest copy at or
	// below it that has the key); set when Presence is not Absent.
	Default string
	// Added is set when a copy older than the version lacks the key and a
	// newer one (or the version's own) has it: where it first appears.
	Added *Change
	// Removed is set when an older copy has the key and the version's own
	// copy, or a newer one, lacks it.
	Removed *Change
}

// Change is a key appearing or disappearing between two copies.
type Change struct {
	// Before is the last copy on the old side (nil when the key is in
	// the oldest copy, for Added), After the first copy on the new side.
	Before, After *Copy
	// Exact is true when After's line directly follows Before's (and no
	// copy kind leaves doubt): the change happened in After's line.
	Exact bool
}

// Copy describes one copy of defaults.ini for messages.
type Copy struct {
	// Version is the release line, "major.minor".
	Version string
	// Label is package.json's version at the copy's commit, "" when not
	// verified.
	Label string
	// Source is "repo@commit:conf/defaults.ini".
	Source string
	// Release is true for a released version's file.
	Release bool
}

// Describe names the copy: "Grafana 12.4.0", "Grafana main while 13.1 was
// developed (13.1.0-pre)".
func (c *Copy) Describe() string {
	switch {
	case c.Release:
		return "Grafana " + c.Label
	case c.Label != "":
		return fmt.Sprintf("Grafana main while %s was developed (%s)", c.Version, c.Label)
	}
	return fmt.Sprintf("Grafana main newer than the copy before it, taken for %s (version not verified)", c.Version)
}

// Copies lists the copies of defaults.ini the version table is built
// from, oldest first.
func Copies() []Copy {
	out := make([]Copy, len(defaultCopies))
	for i := range defaultCopies {
		out[i] = *copyOf(i)
	}
	return out
}

func copyOf(i int) *Copy {
	c := defaultCopies[i]
	return &Copy{
		Version: fmt.Sprintf("%d.%d", c.Version[0], c.Version[1]),
		Label:   c.Label, Source: c.Source, Release: c.Kind == copyRelease,
	}
}

// versionIndex is the table, indexed once for all stacks.
type versionIndex struct {
	sections map[string]*versionedSection
	keys     map[string]map[string]*versionedKey
	views    []func() []defaultSection
}

var versioned = sync.OnceValue(func() *versionIndex {
	ix := &versionIndex{
		sections: make(map[string]*versionedSection, len(versionedTable)),
		keys:     make(map[string]map[string]*versionedKey, len(versionedTable)),
	}
	for i := range versionedTable {
		s := &versionedTable[i]
		ix.sections[s.Name] = s
		m := make(map[string]*versionedKey, len(s.Keys))
		for j := range s.Keys {
			m[s.Keys[j].Name] = &s.Keys[j]
		}
		ix.keys[s.Name] = m
	}
	for i := range defaultCopies {
		ix.views = append(ix.views, sync.OnceValue(func() []defaultSection { return buildView(i) }))
	}
	return ix
})

// buildView is copy i as a defaults table; the newest copy is defaultsTable
// itself.
func buildView(i int) []defaultSection {
	if i == len(defaultCopies)-1 {
		return defaultsTable
	}
	var out []defaultSection
	for _, s := range versionedTable {
		if s.In&(1<<i) == 0 {
			continue
		}
		ds := defaultSection{Name: s.Name, Keys: []defaultKey{}}
		for j := range s.Keys {
			if v, ok := s.Keys[j].in(i); ok {
				ds.Keys = append(ds.Keys, defaultKey{s.Keys[j].Name, v})
			}
		}
		out = append(out, ds)
	}
	return out
}

func cmpVersion(a, b [2]int) int {
	switch {
	case a[0] != b[0]:
		return a[0] - b[0]
	default:
		return a[1] - b[1]
	}
}

// bracket returns the copies around version v: lo, the newest copy at or
// below v (-1 when v is older than all), and hi, the oldest at or above
// it (len when newer than all). lo == hi when a copy is of v itself.
func bracket(v [2]int) (lo, hi int) {
	lo, hi = -1, len(defaultCopies)
	for i, c := range defaultCopies {
		d := cmpVersion(c.Version, v)
		if d <= 0 {
			lo = i
		}
		if d >= 0 && hi == len(defaultCopies) {
			hi = i
		}
	}
	return lo, hi
}

// viewIndex is the copy whose file stands for version v in Effective: the
// newest copy at or below v, else the oldest.
func viewIndex(v [2]int) int {
	if v == ([2]int{}) {
		return len(defaultCopies) - 1
	}
	lo, _ := bracket(v)
	return max(lo, 0)
}

// presenceAt decides presence in version v from has(i), whether copy i has
// the thing.
func presenceAt(v [2]int, has func(i int) bool) Presence {
	n := len(defaultCopies)
	lo, hi := bracket(v)
	if lo == hi && defaultCopies[lo].Kind == copySnapshot && lo > 0 {
		// The snapshot's version is not verified: v lies between the
		// previous copy and it.
		lo--
	}
	state := func(ok bool) Presence {
		if ok {
			return Present
		}
		return Absent
	}
	switch {
	case lo == hi:
		if has(lo) {
			return Present
		}
		// A development copy may predate the key's arrival in its line.
		if defaultCopies[lo].Kind != copyRelease && lo+1 < n && has(lo+1) {
			return Uncertain
		}
		return Absent
	case lo < 0:
		// Older than every copy: what the oldest has may be newer than v;
		// what it lacks, and no copy has, v lacks too.
		if has(hi) {
			return Uncertain
		}
		return Absent
	case hi >= n:
		return state(has(lo))
	case has(lo) == has(hi):
		return state(has(lo))
	}
	return Uncertain
}

// nextMinor reports whether b is the release line right after a.
func nextMinor(a, b [2]int) bool {
	if b[0] == a[0] {
		return b[1] == a[1]+1
	}
	last, ok := lastMinor[a[0]]
	return ok && b[0] == a[0]+1 && b[1] == 0 && a[1] == last
}

// lastMinor is the last minor of each finished major line (Grafana's
// release list, https://github.com/grafana/grafana/releases).
var lastMinor = map[int]int{8: 5, 9: 5, 10: 4, 11: 6, 12: 4}

// change describes the transition between consecutive copies a and b.
// It is exact when b's line directly follows a's, b's version is verified
// and, for an addition, a is a release (a development copy may predate the
// key's arrival in its own line).
func change(a, b int, added bool) *Change {
	ch := &Change{After: copyOf(b)}
	if a >= 0 {
		ch.Before = copyOf(a)
		ch.Exact = nextMinor(defaultCopies[a].Version, defaultCopies[b].Version) &&
			defaultCopies[b].Kind != copySnapshot && (!added || defaultCopies[a].Kind == copyRelease)
	}
	return ch
}

// history fills Added and Removed for version v from has(i): Added when
// the first copy that has it is newer than v, Removed when the last copy
// that has it is older than v (and a newer copy lacks it).
func history(f *KeyFacts, v [2]int, has func(i int) bool) {
	n := len(defaultCopies)
	first, last := -1, -1
	for i := range n {
		if has(i) {
			if first < 0 {
				first = i
			}
			last = i
		}
	}
	if first < 0 || f.Presence != Absent {
		return
	}
	if first > 0 && cmpVersion(defaultCopies[first].Version, v) > 0 {
		f.Added = change(first-1, first, true)
	}
	if last < n-1 && cmpVersion(defaultCopies[last].Version, v) < 0 {
		f.Removed = change(last, last+1, false)
	}
}

// KeyAt returns what Grafana's defaults.ini says about section.key in
// Grafana version v (major, minor); the zero version is the newest copy.
// Names are case-sensitive; the unnamed top section is "" (or "DEFAULT").
func KeyAt(section, key string, v [2]int) KeyFacts {
	ix := versioned()
	section = canonSection(section)
	if v == ([2]int{}) {
		v = defaultCopies[len(defaultCopies)-1].Version
	}
	k := ix.keys[section][key]
	if k == nil {
		return KeyFacts{Presence: Absent}
	}
	has := func(i int) bool { _, ok := k.in(i); return ok }
	f := KeyFacts{Presence: presenceAt(v, has)}
	if f.Presence != Absent {
		f.Default = nearestValue(k, v)
	}
	history(&f, v, has)
	return f
}

// nearestValue is k's default in the nearest copy at or below v that has
// it, else in the nearest above.
func nearestValue(k *versionedKey, v [2]int) string {
	lo, _ := bracket(v)
	for i := lo; i >= 0; i-- {
		if val, ok := k.in(i); ok {
			return val
		}
	}
	for i := lo + 1; i < len(defaultCopies); i++ {
		if val, ok := k.in(i); ok {
			return val
		}
	}
	return ""
}

// SectionAt is KeyAt for a section: whether Grafana version v's
// defaults.ini has [section] (with or without keys).
func SectionAt(section string, v [2]int) KeyFacts {
	ix := versioned()
	section = canonSection(section)
	if v == ([2]int{}) {
		v = defaultCopies[len(defaultCopies)-1].Version
	}
	s := ix.sections[section]
	if s == nil {
		return KeyFacts{Presence: Absent}
	}
	has := func(i int) bool { return s.In&(1<<i) != 0 }
	f := KeyFacts{Presence: presenceAt(v, has)}
	history(&f, v, has)
	return f
}

// KnownAnywhere reports whether any copy of defaults.ini has section.key.
func KnownAnywhere(section, key string) bool {
	return versioned().keys[canonSection(section)][key] != nil
}

// DefaultAt returns the raw default of section.key in Grafana version v
// (the nearest copy at or below v that has the key) and whether v has the
// key (Present or Uncertain).
func DefaultAt(section, key string, v [2]int) (string, bool) {
	f := KeyAt(section, key, v)
	return f.Default, f.Presence != Absent
}

// EffectiveAt is Effective with the defaults of Grafana version v (major,
// minor): the copy of defaults.ini at or below v (the oldest for older
// versions); the zero version is the newest copy, as Effective.
func EffectiveAt(file *model.IniFile, env []model.EnvVar, v [2]int) *model.Settings {
	return effectiveWith(file, env, versioned().views[viewIndex(v)]())
}

// DefaultsSourceAt names the copy of defaults.ini EffectiveAt uses for v.
func DefaultsSourceAt(v [2]int) string {
	return defaultCopies[viewIndex(v)].Source
}

// ParseRelease reads the major and minor of a Grafana version ("11.2.0",
// "12", "v10.4.3-security-01"); ok is false when s has none.
func ParseRelease(s string) (v [2]int, ok bool) {
	if len(s) > 0 && s[0] == 'v' {
		s = s[1:]
	}
	n, _ := fmt.Sscanf(s, "%d.%d", &v[0], &v[1])
	if n == 0 || v[0] <= 0 {
		return [2]int{}, false
	}
	return v, true
}
