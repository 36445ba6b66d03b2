package config

import (
	"fmt"
	"regexp"
	"strconv"

	"github.com/grafanalint/grafanalint/rules"
)

// OldestGrafana is the oldest Grafana version verdicts are made for
// (rules.OldestGrafana).
var OldestGrafana = rules.OldestGrafana

// newestMajor is the newest major version accepted: the one checks
// target by default, and the next (in development).
func newestMajor() int { return rules.CurrentGrafana.Major + 1 }

// SupportedGrafana describes the accepted versions, for help texts.
func SupportedGrafana() string {
	return fmt.Sprintf("%s to %d.x", OldestGrafana, newestMajor())
}

// grafanaVersion is how Grafana numbers releases: "12", "11.2", "11.2.3",
// with an optional "v" and a pre-release or build suffix ("12.0.0-beta1",
// "11.2.3+security-01").
var grafanaVersion = regexp.MustCompile(`^v?(\d{1,4})(?:\.(\d{1,4})(?:\.\d{1,6})?)?(?:[-+][0-9A-Za-z.+-]*)?$`)

// ParseGrafanaVersion reads a Grafana version as --grafana-version and
// grafana_version take it, and rejects versions grafanalint has no
// verdicts for.
func ParseGrafanaVersion(s string) (rules.Version, error) {
	m := grafanaVersion.FindStringSubmatch(s)
	if m == nil {
		return rules.Version{}, fmt.Errorf("invalid Grafana version %q: use a form such as \"12\", \"11.2\" or \"11.2.3\"", s)
	}
	var v rules.Version
	v.Major, _ = strconv.Atoi(m[1])
	if m[2] != "" {
		v.Minor, _ = strconv.Atoi(m[2])
	}
	if !v.AtLeast(OldestGrafana.Major, OldestGrafana.Minor) || v.Major > newestMajor() {
		return rules.Version{}, fmt.Errorf("unsupported Grafana version %q: grafanalint checks Grafana %s", s, SupportedGrafana())
	}
	return v, nil
}
