package report

import (
	"crypto/sha256"
	"encoding/hex"
	"strconv"

	"github.com/grafanalint/grafanalint/rules"
)

// identity is what makes a finding the same finding across runs: its rule,
// file, entity, key and message, but not its line or column, so the
// fingerprint survives edits that only move it.
func identity(f rules.Finding) string {
	return f.Rule + "\x00" + f.Pos.File + "\x00" + f.Entity + "\x00" + f.Key + "\x00" + f.Message
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
		sum := sha256.Sum256([]byte(identity(f)))
		h := hex.EncodeToString(sum[:])
		seen[h]++
		out[i] = fingerprint{hash: h, occurrence: seen[h]}
	}
	return out
}
