package model

import "strings"

// secretWords are key-name parts that mark a value as a credential.
var secretWords = []string{"password", "passwd", "secret", "token", "api_key", "apikey", "private_key", "privatekey", "credential", "access_key", "accesskey"}

// IsSecretKey reports whether a key name (an ini key, a YAML key, the last
// segment of a dotted path) holds a credential whose value must never be
// printed.
func IsSecretKey(name string) bool {
	if i := strings.LastIndexAny(name, ".]"); i >= 0 {
		name = name[i+1:]
	}
	n := strings.ToLower(name)
	for _, w := range secretWords {
		if strings.Contains(n, w) || strings.Contains(strings.ReplaceAll(n, "_", ""), strings.ReplaceAll(w, "_", "")) {
			return true
		}
	}
	return false
}

// Redacted is what output shows instead of a secret value.
const Redacted = "<redacted>"
