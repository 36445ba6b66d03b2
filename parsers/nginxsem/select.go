package nginxsem

import (
	"errors"
	"fmt"
	"regexp"
	"strings"

	"github.com/grafanalint/grafanalint/parsers/model"
)

// Reason says why Select chose a location at one level.
type Reason string

// Reasons, in nginx's order of precedence.
const (
	// ReasonExact: a "location = uri" equals the URI; the search stops.
	ReasonExact Reason = "exact"
	// ReasonAutoRedirect: the URI plus "/" equals a location that passes
	// requests to a proxy (proxy_pass and friends); nginx answers 301 with
	// the slash added.
	ReasonAutoRedirect Reason = "auto-redirect"
	// ReasonNoRegex: the longest matching prefix has ^~, so regexes at this
	// level are not tried.
	ReasonNoRegex Reason = "prefix-no-regex"
	// ReasonRegex: the first regex location (in file order) that matches.
	ReasonRegex Reason = "regex"
	// ReasonLongestPrefix: no regex matched; the longest matching prefix
	// location is used.
	ReasonLongestPrefix Reason = "longest-prefix"
)

// Step is one decision of the search: at one level (the server, or inside
// the enclosing location Within), Location was chosen for Reason.
type Step struct {
	Within   *model.Location // nil at server level
	Location *model.Location
	Reason   Reason
	// Prefix is the longest matching prefix location at this level, when
	// a regex won over it (for "regex beats prefix" messages).
	Prefix *model.Location
}

// String explains the step, e.g. `regex location "~ ^/api" at f:3:5 matches`.
func (s Step) String() string {
	where := "location " + describeLocation(s.Location) + " at " + s.Location.Pos.String()
	switch s.Reason {
	case ReasonExact:
		return where + " equals the URI"
	case ReasonAutoRedirect:
		return where + " is the URI plus \"/\" and proxies: nginx answers 301 to add the slash"
	case ReasonNoRegex:
		return where + " is the longest matching prefix and has ^~ (no regex is tried)"
	case ReasonRegex:
		if s.Prefix != nil {
			return where + " is the first matching regex; it wins over prefix " + describeLocation(s.Prefix) + " at " + s.Prefix.Pos.String()
		}
		return where + " is the first matching regex"
	case ReasonLongestPrefix:
		return where + " is the longest matching prefix (no regex matches)"
	}
	return where
}

// Match is the answer of Select: the locations nginx uses for a URI.
type Match struct {
	Server *model.Server
	// URI is the normalised path that was matched (no query string,
	// %-decoded, slashes merged, dot segments resolved).
	URI string
	// Args is the query string of the request, without "?".
	Args string
	// Chain is the chosen location and the locations enclosing it, outer
	// first; empty when no location matches (nginx then serves the request
	// with the server's own configuration).
	Chain []*model.Location
	// Steps explain each decision, outer first.
	Steps []Step
	// Redirect is set when nginx answers "301 URI/" instead (a location
	// "URI/" that proxies exists and no location equals URI); it is that
	// location.
	Redirect *model.Location
	// Captures are those of the regex location that matched (nil if none).
	Captures *Captures
	// Unevaluated lists regexes that could not be evaluated; a non-empty
	// list means one of them may match instead of the chosen location.
	Unevaluated []Unevaluated
}

// Location returns the innermost chosen location, nil when none matches.
func (m *Match) Location() *model.Location {
	if m == nil || len(m.Chain) == 0 {
		return nil
	}
	return m.Chain[len(m.Chain)-1]
}

// Certain reports whether every regex that could change the answer was
// evaluated.
func (m *Match) Certain() bool { return m != nil && len(m.Unevaluated) == 0 }

// Why explains the choice in one sentence.
func (m *Match) Why() string {
	if m == nil {
		return ""
	}
	if len(m.Steps) == 0 {
		return fmt.Sprintf("no location matches %q; the server's own settings apply", m.URI)
	}
	parts := make([]string, len(m.Steps))
	for i, s := range m.Steps {
		parts[i] = s.String()
	}
	return strings.Join(parts, "; then ")
}

// Select returns the location chain nginx chooses for a request URI in srv,
// following ngx_http_core_find_location:
//
//  1. static locations at a level: a "=" location equal to the URI wins
//     and ends the search. Otherwise, when no prefix location equals the
//     URI and URI+"/" names a location that proxies, nginx answers 301
//     (Match.Redirect).
//  2. otherwise the longest matching prefix location (one equal to the
//     URI included: it does not end the search) is remembered and its
//     nested locations are searched first, recursively. A nested exact or
//     regex match there is final.
//  3. unless the remembered prefix has ^~, this level's regex locations
//     (~ case-sensitive, ~* case-insensitive) are tried in file order; the
//     first that matches wins, and its own nested locations are searched.
//     Regexes nested in the longest prefix were already tried in step 2,
//     so they take precedence over regexes of the outer level.
//  4. otherwise the remembered prefix (or the deepest prefix found inside
//     it) is used.
//
// Named (@) locations never match a URI. Prefix comparison is
// case-sensitive (nginx on Linux). The URI may carry a query string;
// it is normalised as nginx does before matching.
//
// Regexes run on Go's regexp. PCRE lookarounds are evaluated at the
// position Go's match reaches them; when a regex still cannot be decided
// (back-references, possessive quantifiers, a lookaround that fails on
// Go's preferred path), Match.Unevaluated says so and the search goes on
// as if it did not match. realnginx_test.go checks these rules against a
// real nginx when one is installed.
func Select(srv *model.Server, uri string) (*Match, error) {
	if srv == nil {
		return nil, errors.New("select: no server")
	}
	path, args, err := NormalizeURI(uri, (*Config)(nil).mergeSlashes(srv))
	if err != nil {
		return nil, err
	}
	return (*Config)(nil).selectPath(srv, path, args), nil
}

func (c *Config) selectPath(srv *model.Server, path, args string) *Match {
	m := &Match{Server: srv, URI: path, Args: args}
	rev, _ := c.findLocation(m, nil, c.topLocations(srv), path, path+"/")
	// findLocation gives the chain innermost first.
	for i, j := 0, len(rev)-1; i < j; i, j = i+1, j-1 {
		rev[i], rev[j] = rev[j], rev[i]
	}
	m.Chain = rev
	return m
}

type findResult int

const (
	findDeclined findResult = iota // no match at this level
	findAgain                      // prefix match only (regexes may follow)
	findOK                         // exact or regex match: final
	findDone                       // auto redirect: final
)

// findLocation mirrors ngx_http_core_find_location for the locations of
// one level (within is their enclosing location, nil at server level);
// uriSlash is uri+"/". It returns the chain of locations chosen from this
// level in, innermost first (so that each level adds itself in constant
// time). A level of many locations is searched through its index
// (levelIndex): map lookups for the URI and its prefixes, then only the
// regexes that can match it, in order.
func (c *Config) findLocation(m *Match, within *model.Location, locs []*model.Location, uri, uriSlash string) ([]*model.Location, findResult) {
	var exact, redirect, longest *model.Location
	prefixEqual := false
	var key any = within
	if within == nil {
		key = m.Server
	}
	x := c.levelIndex(key, locs)
	if x != nil {
		exact = x.exact[uri]
		redirect = x.redirect[uriSlash]
		_, prefixEqual = x.prefix[uri]
		for n := min(len(uri), x.maxPrefix); n >= 0; n-- {
			if l, ok := x.prefix[uri[:n]]; ok {
				longest = l
				break
			}
		}
	} else {
		exact, redirect, longest, prefixEqual = scanLevel(locs, uri, uriSlash)
	}
	if exact != nil {
		m.Steps = append(m.Steps, Step{Within: within, Location: exact, Reason: ReasonExact})
		return []*model.Location{exact}, findOK
	}
	// nginx's tree search returns at a prefix equal to the URI before it
	// can reach the redirect candidate (which sits below it).
	if redirect != nil && !prefixEqual {
		m.Steps = append(m.Steps, Step{Within: within, Location: redirect, Reason: ReasonAutoRedirect})
		m.Redirect = redirect
		return []*model.Location{redirect}, findDone
	}

	var chain []*model.Location
	rc := findDeclined
	noregex := false
	stepsBefore := len(m.Steps)
	if longest != nil {
		noregex = longest.Modifier == "^~"
		reason := ReasonLongestPrefix
		if noregex {
			reason = ReasonNoRegex
		}
		m.Steps = append(m.Steps, Step{Within: within, Location: longest, Reason: reason})
		var subRC findResult
		chain, subRC = c.findLocation(m, longest, longest.Nested, uri, uriSlash)
		chain = append(chain, longest)
		if subRC == findOK || subRC == findDone {
			return chain, subRC
		}
		rc = findAgain
	}
	if noregex {
		return chain, rc
	}
	// try evaluates one regex location (re is its compiled pattern when
	// known); it reports whether it wins.
	try := func(l *model.Location, re *regexp.Regexp) ([]*model.Location, bool) {
		var v verdict
		var caps *Captures
		if re != nil {
			v = verdictNoMatch
			if caps = matchRegex(re, uri); caps != nil {
				v = verdictMatch
			}
		} else {
			var err error
			v, caps, err = regexMatch(l.Path.V, l.Modifier == "~*", uri)
			if v == verdictUnknown {
				m.Unevaluated = append(m.Unevaluated, Unevaluated{Pattern: l.Path, Directive: l.Directive, Reason: err.Error()})
				return nil, false
			}
		}
		if v == verdictNoMatch {
			return nil, false
		}
		// The regex wins: drop the steps recorded for the prefix path.
		m.Steps = append(m.Steps[:stepsBefore], Step{Within: within, Location: l, Reason: ReasonRegex, Prefix: longest})
		m.Captures = caps
		sub, _ := c.findLocation(m, l, l.Nested, uri, uriSlash)
		if m.Redirect != nil && len(sub) > 0 && sub[0] == m.Redirect {
			// Inside a regex location nginx ignores the redirect result
			// and keeps the configuration it found.
			m.Redirect = nil
		}
		return append(sub, l), true
	}
	if x != nil {
		for _, i := range x.regexCandidates(uri) {
			e := x.regexes[i]
			if won, ok := try(e.loc, e.re); ok {
				return won, findOK
			}
		}
		return chain, rc
	}
	for _, l := range locs {
		if !isRegex(l) || isNamed(l) {
			continue
		}
		if won, ok := try(l, nil); ok {
			return won, findOK
		}
	}
	return chain, rc
}

// scanLevel finds, among the locations of one level, the first "="
// location equal to uri, the first location that auto-redirects uri to
// uriSlash (uri+"/"), and the longest prefix location that uri starts
// with (the first of equal ones), and whether a prefix location equals
// uri.
func scanLevel(locs []*model.Location, uri, uriSlash string) (exact, redirect, longest *model.Location, prefixEqual bool) {
	for _, l := range locs {
		switch {
		case l.Modifier == "=" && !isNamed(l):
			if l.Path.V == uri && exact == nil {
				exact = l
			} else if l.Path.V == uriSlash && autoRedirects(l) && redirect == nil {
				redirect = l
			}
		case isPrefix(l):
			p := l.Path.V
			switch {
			case p == uriSlash && autoRedirects(l):
				if redirect == nil {
					redirect = l
				}
			case len(p) <= len(uri) && strings.HasPrefix(uri, p):
				prefixEqual = prefixEqual || p == uri
				if longest == nil || len(p) > len(longest.Path.V) {
					longest = l
				}
			}
		}
	}
	return exact, redirect, longest, prefixEqual
}

// autoRedirects reports whether l sets the auto_redirect flag: its name
// ends with "/" and it hands requests to proxy_pass, fastcgi_pass,
// uwsgi_pass, scgi_pass, memcached_pass or grpc_pass.
func autoRedirects(l *model.Location) bool {
	if !strings.HasSuffix(l.Path.V, "/") {
		return false
	}
	for _, d := range children(l.Directive) {
		switch d.Name.V {
		case "proxy_pass", "fastcgi_pass", "uwsgi_pass", "scgi_pass", "memcached_pass", "grpc_pass":
			return true
		}
	}
	return false
}

// NormalizeURI turns a request target into the path nginx matches
// locations against and the query string: the query is split off,
// %XX sequences are decoded, "." and ".." segments are resolved and, when
// mergeSlashes is true (nginx's default merge_slashes on), runs of "/"
// become one. An absolute URI ("http://host/path") is reduced to its path.
// It fails where nginx answers 400.
func NormalizeURI(raw string, mergeSlashes bool) (path, args string, err error) {
	for _, scheme := range []string{"http://", "https://"} {
		if len(raw) >= len(scheme) && strings.EqualFold(raw[:len(scheme)], scheme) {
			rest := raw[len(scheme):]
			i := strings.IndexAny(rest, "/?")
			if i < 0 {
				raw = "/"
			} else if rest[i] == '?' {
				raw = "/" + rest[i:]
			} else {
				raw = rest[i:]
			}
		}
	}
	if raw == "" || raw[0] != '/' {
		return "", "", fmt.Errorf("invalid request URI %q: it must start with \"/\"", raw)
	}
	if i := strings.IndexByte(raw, '?'); i >= 0 {
		raw, args = raw[:i], raw[i+1:]
	}
	var b strings.Builder
	for i := 0; i < len(raw); i++ {
		c := raw[i]
		if c == '%' {
			if i+2 >= len(raw) || unhex(raw[i+1]) < 0 || unhex(raw[i+2]) < 0 {
				return "", "", fmt.Errorf("invalid request URI %q: bad %%-escape at byte %d", raw, i)
			}
			c = byte(unhex(raw[i+1])<<4 | unhex(raw[i+2]))
			if c == 0 {
				return "", "", fmt.Errorf("invalid request URI %q: %%00 is not allowed", raw)
			}
			i += 2
		}
		b.WriteByte(c)
	}
	decoded := b.String()
	segs := strings.Split(decoded[1:], "/")
	out := make([]string, 0, len(segs))
	for i, s := range segs {
		last := i == len(segs)-1
		switch s {
		case ".":
			if last {
				out = append(out, "")
			}
			continue
		case "..":
			// drop the previous non-empty segment (and empty ones
			// from unmerged slashes)
			for len(out) > 0 && out[len(out)-1] == "" && mergeSlashes {
				out = out[:len(out)-1]
			}
			if len(out) == 0 {
				return "", "", fmt.Errorf("invalid request URI %q: \"..\" goes above the root", raw)
			}
			out = out[:len(out)-1]
			if last {
				out = append(out, "")
			}
			continue
		case "":
			if mergeSlashes && !last {
				continue
			}
		}
		out = append(out, s)
	}
	path = "/" + strings.Join(out, "/")
	if mergeSlashes {
		for strings.Contains(path, "//") {
			path = strings.ReplaceAll(path, "//", "/")
		}
	}
	return path, args, nil
}

func unhex(c byte) int {
	switch {
	case c >= '0' && c <= '9':
		return int(c - '0')
	case c >= 'a' && c <= 'f':
		return int(c-'a') + 10
	case c >= 'A' && c <= 'F':
		return int(c-'A') + 10
	}
	return -1
}
