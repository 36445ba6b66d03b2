package rules

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"
)

// maxQuoted is the longest value a message quotes whole, in bytes of the
// quoted form; longer ones are cut (see Quote).
const maxQuoted = 300

// quoteKeep is how many code points of a long value a message keeps.
const quoteKeep = 80

// Quote returns v quoted as %q does, shortened when long: a 10 MB ini key
// is shown by its first 80 code points, "…" and its size, never whole.
// Context.Report applies the same shortening to every quoted value of a
// message, so rules that format with %q get it too.
func Quote(v string) string {
	q := strconv.Quote(v)
	if len(q) <= maxQuoted {
		return q
	}
	return shorten(v)
}

// shorten is the quoted head of a long value and its size.
func shorten(v string) string {
	head := v
	if utf8.RuneCountInString(v) > quoteKeep {
		n := 0
		for i := range v {
			if n == quoteKeep {
				head = v[:i]
				break
			}
			n++
		}
	}
	return fmt.Sprintf("%s (%d bytes)", strconv.Quote(head+"…"), len(v))
}

// ShortenQuoted returns msg with every Go-quoted string ("…" as %q writes
// it) longer than the limit of Quote shortened the same way. Text outside
// quotes is kept.
func ShortenQuoted(msg string) string {
	if len(msg) <= maxQuoted {
		return msg
	}
	var b strings.Builder
	prev := 0
	for i := 0; i < len(msg); {
		j := strings.IndexByte(msg[i:], '"')
		if j < 0 {
			break
		}
		i += j
		q, err := strconv.QuotedPrefix(msg[i:])
		if err != nil {
			i++
			continue
		}
		if len(q) > maxQuoted {
			if v, err := strconv.Unquote(q); err == nil {
				b.WriteString(msg[prev:i])
				b.WriteString(shorten(v))
				prev = i + len(q)
			}
		}
		i += len(q)
	}
	if prev == 0 {
		return msg
	}
	b.WriteString(msg[prev:])
	return b.String()
}

// maxKey is the longest Entity or Key a finding keeps whole.
const maxKey = 256

// shortKey shortens a long Entity or Key (a 10 MB ini key makes one) to
// its head and a hash of the whole, so that it stays distinct and stable
// in baselines and fingerprints without repeating the value.
func shortKey(k string) string {
	if len(k) <= maxKey {
		return k
	}
	head := k[:quoteKeep]
	for !utf8.ValidString(head) && len(head) > 0 {
		head = head[:len(head)-1]
	}
	sum := sha256.Sum256([]byte(k))
	return head + "…" + hex.EncodeToString(sum[:8])
}
