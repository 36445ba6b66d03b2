package provisioning

import (
	"crypto/sha256"
	"encoding/hex"
	"strings"
)

// IsDynamic reports whether Grafana's provisioning interpolation changes s:
// whether it contains $VAR, ${VAR}, $__env{…}, $__file{…} or $__vault{…}
// outside a "$$" escape. Grafana splits values at "$$" and runs its
// expanders and os.ExpandEnv on each part; os.ExpandEnv replaces "$"
// followed by "{", a letter, digit or "_", or one of the shell's special
// parameters (*#$@!?-), and leaves any other "$" alone.
func IsDynamic(s string) bool {
	if !strings.Contains(s, "$") {
		return false
	}
	for _, part := range strings.Split(s, "$$") {
		for i := 0; i+1 < len(part); i++ {
			if part[i] != '$' {
				continue
			}
			switch c := part[i+1]; {
			case c == '{', c == '_', c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c >= '0' && c <= '9':
				return true
			case strings.IndexByte("*#@!?-", c) >= 0:
				return true
			}
		}
	}
	return false
}

// DerivedUID returns the UID Grafana gives a provisioned datasource that has
// no uid: "P" followed by the upper-case hex of the first 8 bytes of the
// SHA-256 of its name (safeUIDFromName in Grafana's
// pkg/services/provisioning/datasources).
func DerivedUID(name string) string {
	sum := sha256.Sum256([]byte(name))
	return "P" + strings.ToUpper(hex.EncodeToString(sum[:8]))
}
