package grafanaini

// KeyChange is a key of grafana.ini whose existence depends on the Grafana
// version in a way the copies of conf/defaults.ini (KeyAt) cannot show:
// Grafana's code stopped reading it while defaults.ini still listed it, or
// the copies around the change are too far apart to name its release.
type KeyChange struct {
	Section, Key string
	// Since is the first Grafana version (major, minor) that reads the key;
	// zero when older versions have it too.
	Since [2]int
	// Until is the first version that no longer reads it; zero when
	// current versions still read it.
	Until [2]int
	// Note says what changed, with its source, for messages.
	Note string
}

// keyChanges lists those keys, each with its source: the grafana/grafana
// pull request that made the change, with its merge date, and the release
// that first shipped it. Where the copies alone decide (KeyAt), no entry is
// kept here.
var keyChanges = []KeyChange{
	{
		// grafana/grafana#118627 "Server: Support simultaneous TCP and Unix
		// domain socket serving", merged February 2026 (13.0 cycle). The
		// copies show only that 12.4.0 lacks it and 13.1 development has
		// it (serve_on_socket = false); there is no 13.0 copy.
		Section: "server", Key: "serve_on_socket", Since: [2]int{13, 0},
		Note: "serve_on_socket exists from Grafana 13.0 (grafana/grafana#118627)",
	},
	{
		// grafana/grafana#101607 "Config: Remove setting editors_can_admin",
		// merged 2025-03-05, a breaking change of Grafana 12.0. The copies
		// show only that 11.1.1 has it and 12.4.0 does not.
		Section: "users", Key: "editors_can_admin", Until: [2]int{12, 0},
		Note: "Grafana 12.0 removed editors_can_admin (grafana/grafana#101607); grant team creation with roles instead",
	},
	{
		// Angular support was switched off by default in 11.0
		// (grafana/grafana#84738) and removed in 12.0; #111305 (September
		// 2025) then deleted the key from defaults.ini. Code fact: 12.0 and
		// later ignore it even where their defaults.ini still lists it
		// (the copies show it in 11.1.1, gone by 12.4.0).
		Section: "security", Key: "angular_support_enabled", Until: [2]int{12, 0},
		Note: "Grafana 12.0 removed Angular support, and with it angular_support_enabled (grafana/grafana#111305 deleted the key)",
	},
}

// KeyChangeFor returns the version change recorded for section.key, if any.
func KeyChangeFor(section, key string) (KeyChange, bool) {
	for _, c := range keyChanges {
		if c.Section == section && c.Key == key {
			return c, true
		}
	}
	return KeyChange{}, false
}

// ProtocolSince maps [server] protocol values to the first Grafana version
// that accepts them; readServerSettings serves plain HTTP for any other
// value. socket_h2 (TLS and HTTP/2 on a Unix socket) came with
// grafana/grafana#118155, merged 2026-02-17 (13.0 cycle); the comment
// above protocol in the 13.1 development and 13.2 copies of defaults.ini
// lists "http, https, h2, socket, socket_h2" (comments are not in the
// generated tables, so this stays a hand-kept fact).
var ProtocolSince = map[string][2]int{
	"http": {0, 0}, "https": {0, 0}, "h2": {0, 0}, "socket": {0, 0}, "socket_h2": {13, 0},
}
