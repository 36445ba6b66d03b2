package report

import (
	"crypto/sha256"
	"encoding/hex"
	"regexp"
	"strconv"

	"github.com/grafanalint/grafanalint/rules"
)

// fingerprintKey names grafanalint's partial fingerprint in SARIF; the
// version goes up whenever what goes into the fingerprint changes, so
// that consumers do not compare fingerprints made in different ways.
//
//   - v1 hashed rule, file, entity, key and message; dashboard keys held
//     the JSON pointer of the reference (with the panel's array index), so
//     moving a panel changed them.
//   - v2 hashes rule, file, entity and key, where keys name the place in a
//     dashboard by panel id (or title) and refId; the message only when a
//     rule gives no key, with positions masked.
const fingerprintKey = "grafanalint/v2"

// identity is what makes a finding the same finding across runs: what it
// is about, never where it is. Rules give Entity (the dashboard, the
// datasource, the ini key …) and Key (the place inside it by name and the
// offending value); messages name things the finding is not about (the
// look-alike datasource a fix suggests), so they count only when a rule
// gives no key.
func identity(f rules.Finding) string {
	what := f.Key
	if what == "" {
		what = "\x00" + maskPositions(f.Message)
	}
	return f.Rule + "\x00" + f.Pos.File + "\x00" + f.Entity + "\x00" + what
}

// positionInText matches positions some messages mention ("line 12",
// "nginx.conf:12:3").
var positionInText = regexp.MustCompile(`\bline \d+|(\.[A-Za-z0-9]+):\d+(?::\d+)?\b`)

// maskPositions replaces line and column numbers in a message, so that a
// finding without a key keeps its fingerprint when lines move.
func maskPositions(msg string) string {
	return positionInText.ReplaceAllString(msg, "${1}#")
}

// fingerprint is a finding's stable identity hash and its occurrence: the
// nth (1-based, in report order) of the findings sharing that identity.
type fingerprint struct {
	hash       string
	occurrence int
}

// sarif formats the fingerprint as GitHub does its own: "hash:occurrence".
func (fp fingerprint) sarif() string { return fp.hash + ":" + strconv.Itoa(fp.occurrence) }

// unique is a hex digest unique to this occurrence, for formats that want
// a single opaque string (GitLab).
func (fp fingerprint) unique() string {
	if fp.occurrence == 1 {
		return fp.hash
	}
	sum := sha256.Sum256([]byte(fp.hash + ":" + strconv.Itoa(fp.occurrence)))
	return hex.EncodeToString(sum[:])
}

// fingerprints returns the fingerprint of each finding.
func fingerprints(fs []rules.Finding) []fingerprint {
	out := make([]fingerprint, len(fs))
	seen := make(map[string]int, len(fs))
	for i, f := range fs {
		sum := sha256.Sum256([]byte(fingerprintKey + "\x00" + identity(f)))
		h := hex.EncodeToString(sum[:])
		seen[h]++
		out[i] = fingerprint{hash: h, occurrence: seen[h]}
	}
	return out
}
