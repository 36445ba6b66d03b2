package grafanaini

import (
	"slices"
	"testing"
)

// The expectations below are facts of the copies listed in
// internal/gendefaults/sources.txt (9.5.7, 10.0–10.4 and 11.0 development,
// 10.1.5, 11.1.1, 12.4.0, 13.1 development, main taken for 13.2).
func TestKeyAt(t *testing.T) {
	v := func(major, minor int) [2]int { return [2]int{major, minor} }
	tests := []struct {
		section, key string
		at           [2]int
		want         Presence
		def          string
	}{
		// In every copy.
		{"server", "http_port", v(9, 5), Present, "3000"},
		{"server", "http_port", v(13, 2), Present, "3000"},
		{"server", "http_port", v(8, 0), Uncertain, "3000"}, // older than every copy
		{"server", "http_port", v(14, 0), Present, "3000"},  // newer than every copy
		{"DEFAULT", "app_mode", v(11, 1), Present, "production"},
		// Never in any copy.
		{"server", "http_prot", v(12, 4), Absent, ""},
		{"server", "http_prot", v(8, 0), Absent, ""},
		{"nosuch", "x", v(12, 4), Absent, ""},
		// serve_on_socket: not in 12.4.0, in 13.1 development.
		{"server", "serve_on_socket", v(12, 4), Absent, ""},
		{"server", "serve_on_socket", v(11, 1), Absent, ""},
		{"server", "serve_on_socket", v(13, 0), Uncertain, "false"}, // no 13.0 copy
		{"server", "serve_on_socket", v(13, 1), Present, "false"},
		{"server", "serve_on_socket", v(13, 2), Present, "false"},
		// editors_can_admin: in 11.1.1, gone from 12.4.0.
		{"users", "editors_can_admin", v(11, 1), Present, "false"},
		{"users", "editors_can_admin", v(11, 4), Uncertain, "false"},
		{"users", "editors_can_admin", v(12, 4), Absent, ""},
		{"users", "editors_can_admin", v(13, 2), Absent, ""},
		// enable_gzip: default false until 12.4.0, true in 13.1.
		{"server", "enable_gzip", v(12, 4), Present, "false"},
		{"server", "enable_gzip", v(13, 1), Present, "true"},
		{"server", "enable_gzip", v(13, 0), Present, "false"}, // the nearest copy below
		// [auth.google] validate_hd: first in the 11.0 development copy;
		// 10.4's development copy lacks it, so 10.4 itself is uncertain.
		{"auth.google", "validate_hd", v(10, 4), Uncertain, "true"},
		{"auth.google", "validate_hd", v(10, 3), Absent, ""},
		{"auth.google", "validate_hd", v(11, 0), Present, "true"},
		// [auth.jwt] enable_login_token: in 13.1 development, not in the
		// newer snapshot whose version is not verified.
		{"auth.jwt", "enable_login_token", v(13, 1), Present, "false"},
		{"auth.jwt", "enable_login_token", v(13, 2), Uncertain, "false"},
		{"auth.jwt", "enable_login_token", v(14, 0), Absent, ""},
		// unified_alerting max_attempts: 3, then 1 from 10.2 development,
		// 3 again by 12.4.0.
		{"unified_alerting", "max_attempts", v(10, 1), Present, "3"},
		{"unified_alerting", "max_attempts", v(11, 1), Present, "1"},
		{"unified_alerting", "max_attempts", v(12, 4), Present, "3"},
	}
	for _, tt := range tests {
		f := KeyAt(tt.section, tt.key, tt.at)
		if f.Presence != tt.want || f.Default != tt.def {
			t.Errorf("KeyAt(%q, %q, %v) = %v %q; want %v %q", tt.section, tt.key, tt.at, f.Presence, f.Default, tt.want, tt.def)
		}
	}
}

func TestKeyAtHistory(t *testing.T) {
	f := KeyAt("server", "serve_on_socket", [2]int{12, 4})
	if f.Added == nil || f.Added.Before == nil || f.Added.Before.Label != "12.4.0" || f.Added.After.Version != "13.1" || f.Added.Exact {
		t.Errorf("serve_on_socket at 12.4: Added = %+v", f.Added)
	}
	if f.Removed != nil {
		t.Errorf("serve_on_socket: Removed = %+v", f.Removed)
	}
	f = KeyAt("users", "editors_can_admin", [2]int{13, 2})
	if f.Removed == nil || f.Removed.Before.Label != "11.1.1" || f.Removed.After.Label != "12.4.0" || f.Removed.Exact {
		t.Errorf("editors_can_admin at 13.2: Removed = %+v", f.Removed)
	}
	if f.Added != nil {
		t.Errorf("editors_can_admin: Added = %+v", f.Added)
	}
	// Consecutive release copies pin the line: 10.1.5 → 10.2 development
	// is not exact (a development copy may lag), 9.5.7 → 10.0 development
	// is (9.5 is the last 9.x).
	if !nextMinor([2]int{9, 5}, [2]int{10, 0}) || !nextMinor([2]int{12, 4}, [2]int{13, 0}) || nextMinor([2]int{11, 1}, [2]int{12, 4}) || nextMinor([2]int{11, 1}, [2]int{12, 0}) {
		t.Error("nextMinor")
	}
	// A key in the 12.4 copy only.
	f = KeyAt("database", "skip_dashboard_uid_migration_on_startup", [2]int{13, 2})
	if f.Presence != Absent || f.Removed == nil || f.Removed.Before.Label != "12.4.0" || f.Removed.After.Version != "13.1" {
		t.Errorf("skip_dashboard_uid_migration_on_startup at 13.2 = %+v", f)
	}
	if f := KeyAt("database", "skip_dashboard_uid_migration_on_startup", [2]int{11, 1}); f.Presence != Absent || f.Added == nil || f.Added.After.Label != "12.4.0" {
		t.Errorf("skip_dashboard_uid_migration_on_startup at 11.1 = %+v", f)
	}
}

func TestSectionAt(t *testing.T) {
	tests := []struct {
		section string
		at      [2]int
		want    Presence
	}{
		{"server", [2]int{9, 5}, Present},
		{"feature_management", [2]int{10, 2}, Present},
		{"feature_management", [2]int{12, 4}, Absent},
		{"feature_management", [2]int{9, 5}, Absent},
		{"feature_management", [2]int{10, 0}, Uncertain}, // development copy before 10.1.5
		{"auth.passwordless", [2]int{12, 4}, Present},
		{"auth.passwordless", [2]int{13, 1}, Absent},
		{"nats", [2]int{13, 1}, Uncertain}, // only in the newer snapshot
		{"nats", [2]int{12, 4}, Absent},
		{"server.custom_response_headers", [2]int{13, 2}, Present}, // a section without keys
	}
	for _, tt := range tests {
		if got := SectionAt(tt.section, tt.at).Presence; got != tt.want {
			t.Errorf("SectionAt(%q, %v) = %v; want %v", tt.section, tt.at, got, tt.want)
		}
	}
}

// The newest copy's view is the table the unversioned API reads, and every
// copy's view holds exactly the keys KeyAt says that copy has.
func TestViews(t *testing.T) {
	ix := versioned()
	if got := ix.views[len(defaultCopies)-1](); &got[0] != &defaultsTable[0] {
		t.Error("the newest view is not defaultsTable")
	}
	for i, c := range defaultCopies {
		view := ix.views[i]()
		n := 0
		for _, s := range view {
			for _, k := range s.Keys {
				n++
				if c.Kind != copySnapshot {
					if f := KeyAt(s.Name, k.Name, c.Version); f.Presence != Present || f.Default != k.Value {
						t.Fatalf("copy %d.%d: %s.%s = %q in the view, KeyAt says %v %q", c.Version[0], c.Version[1], s.Name, k.Name, k.Value, f.Presence, f.Default)
					}
				}
			}
		}
		if n < 500 {
			t.Errorf("copy %d.%d: %d keys", c.Version[0], c.Version[1], n)
		}
	}
	// The view of the newest copy agrees with the generated union table.
	last := len(defaultCopies) - 1
	rebuilt := buildViewFromUnion(last)
	if len(rebuilt) != len(defaultsTable) {
		t.Fatalf("union view of the newest copy has %d sections, defaultsTable %d", len(rebuilt), len(defaultsTable))
	}
	for i := range rebuilt {
		if rebuilt[i].Name != defaultsTable[i].Name || !slices.Equal(rebuilt[i].Keys, defaultsTable[i].Keys) {
			t.Fatalf("section %d: union view %q differs from defaultsTable %q", i, rebuilt[i].Name, defaultsTable[i].Name)
		}
	}
}

// buildViewFromUnion is buildView without the shortcut for the newest copy.
func buildViewFromUnion(i int) []defaultSection {
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

func TestEffectiveAt(t *testing.T) {
	file, probs := Parse("g.ini", []byte("[users]\neditors_can_admin = true\n"))
	if len(probs) != 0 {
		t.Fatal(probs)
	}
	old := EffectiveAt(file, nil, [2]int{12, 4})
	if got := old.Value("server", "enable_gzip"); got != "false" {
		t.Errorf("12.4: enable_gzip = %q", got)
	}
	if st := old.Get("server", "serve_on_socket"); st != nil {
		t.Errorf("12.4 has serve_on_socket: %+v", st)
	}
	cur := EffectiveAt(file, nil, [2]int{13, 2})
	if got := cur.Value("server", "enable_gzip"); got != "true" {
		t.Errorf("13.2: enable_gzip = %q", got)
	}
	if got := EffectiveAt(nil, nil, [2]int{}).Value("server", "enable_gzip"); got != Effective(nil, nil).Value("server", "enable_gzip") {
		t.Error("the zero version is not the newest copy")
	}
	// The file's key is set in both; only 11.1 has it as a default.
	if st := EffectiveAt(nil, nil, [2]int{11, 1}).Get("users", "editors_can_admin"); st == nil || st.Value != "false" {
		t.Errorf("11.1: editors_can_admin default = %+v", st)
	}
	if st := EffectiveAt(nil, nil, [2]int{13, 2}).Get("users", "editors_can_admin"); st != nil {
		t.Errorf("13.2: editors_can_admin default = %+v", st)
	}
	if got := DefaultsSourceAt([2]int{8, 0}); got != defaultCopies[0].Source {
		t.Errorf("DefaultsSourceAt(8.0) = %q", got)
	}
}

func TestParseRelease(t *testing.T) {
	for s, want := range map[string][2]int{"11.2.0": {11, 2}, "12": {12, 0}, "v10.4.3-security-01": {10, 4}, "13.1.0-pre": {13, 1}} {
		if got, ok := ParseRelease(s); !ok || got != want {
			t.Errorf("ParseRelease(%q) = %v, %v", s, got, ok)
		}
	}
	for _, s := range []string{"", "latest", "main", "0.1"} {
		if _, ok := ParseRelease(s); ok {
			t.Errorf("ParseRelease(%q) ok", s)
		}
	}
}
