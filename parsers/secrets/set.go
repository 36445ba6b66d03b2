package secrets

import (
	"net/url"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"github.com/grafanalint/grafanalint/parsers/model"
)

// Redacted is what output shows instead of a secret in text (messages,
// `grafanalint model`).
const Redacted = model.Redacted

// minKnown is the shortest secret searched for in free text: shorter ones
// would hide ordinary words. They are still masked in excerpts at the
// places the model knows, and by the patterns of Text and LineSpans.
const minKnown = 4

// Span is a run of code points of one line that holds a secret: [Start,
// End), 0-based; End < 0 runs to the end of the line.
type Span struct{ Start, End int }

// Set is the secrets of one model: their values, to find them wherever
// they are repeated, and where they are written, to mask them in source
// excerpts. The zero Set (and a nil *Set) knows no values and still hides
// what the patterns of Text and LineSpans recognise.
type Set struct {
	values   []string // searched for in text: known minus public
	unsorted bool
	known    map[string]bool
	// public are values the model also holds where they are no secret (a
	// host, service or user name, a datasource name, the value of a key
	// that is no credential): they are printed anyway (`grafanalint
	// model` shows them), and replacing them in text would garble every
	// message naming that thing ("grafana:3000" when the password is
	// "grafana"). Such a secret is still hidden where it is written and
	// in credential contexts (URL user info, headers, password=).
	public map[string]bool
	spans  map[string]map[int][]Span

	// texts remembers what Text made of the strings it was given since
	// the values last changed: a run's findings repeat few messages
	// (dashboards are copied across a fleet), and each is redacted again
	// by every output.
	textsMu sync.Mutex
	texts   map[string]string
}

// maxTexts bounds how many strings Text remembers.
const maxTexts = 1 << 13

// Collect returns every secret of the model (see the package comment).
func Collect(m *model.Model) *Set {
	s := &Set{}
	if m == nil {
		return s
	}
	inis := map[*model.IniFile]bool{}
	nginx := map[*model.NginxConfig]bool{}
	for _, st := range m.Stacks {
		s.addPublic(st.Name, st.ComposeService)
		s.addPublic(st.GrafanaHosts...)
		for _, o := range st.OtherServices {
			s.addPublic(o.Name)
			s.addPublic(o.Hosts...)
		}
		if set := st.Settings; set != nil {
			if set.File != nil && !inis[set.File] {
				inis[set.File] = true
				s.iniFile(set.File)
			}
			for section, keys := range set.Sections {
				for key, v := range keys {
					s.setting(section, key, v)
				}
			}
			for i := range set.Env {
				s.env(&set.Env[i])
			}
		}
		for _, df := range st.DatasourceFiles {
			for _, ds := range df.Datasources {
				s.datasource(ds)
			}
		}
		for _, n := range st.Nginx {
			if !nginx[n] {
				nginx[n] = true
				s.directives(n.Directives)
			}
		}
	}
	s.sortValues()
	return s
}

// Add records a secret value found elsewhere (at least four code points,
// not a reference, a boolean, a placeholder or one of Grafana's published
// defaults). A Set is safe for
// concurrent use by Text and LineSpans once no more values are added.
func (s *Set) Add(v string) {
	v = strings.TrimSpace(v)
	// Not Literal: a template placeholder ({% … %}) is no credential to
	// report, but text around it may be one to hide.
	switch strings.ToLower(v) {
	case "true", "false", "null":
		return
	}
	if Placeholder(v) || IsReference(v) || publicDefaults[v] || utf8.RuneCountInString(v) < minKnown {
		return
	}
	if s.known == nil {
		s.known = map[string]bool{}
	}
	forms := []string{v}
	if q := strconv.Quote(v); q[1:len(q)-1] != v {
		forms = append(forms, q[1:len(q)-1]) // as a %q message shows it
	}
	if d, err := url.PathUnescape(v); err == nil && d != v && utf8.RuneCountInString(d) >= minKnown {
		forms = append(forms, d) // a percent-encoded URL password
	}
	for _, f := range forms {
		if !s.known[f] {
			s.known[f] = true
			s.unsorted = true
		}
	}
}

// addPublic records values the model holds where they are no secret.
func (s *Set) addPublic(vs ...string) {
	for _, v := range vs {
		if v = strings.TrimSpace(v); v == "" {
			continue
		}
		if s.public == nil {
			s.public = map[string]bool{}
		}
		if !s.public[v] {
			s.public[v] = true
			s.unsorted = true
		}
	}
}

// publicURL records the host and user names of a URL as public.
func (s *Set) publicURL(v string) {
	if !strings.Contains(v, "://") {
		return
	}
	u, err := url.Parse(strings.TrimSpace(v))
	if err != nil {
		return
	}
	s.addPublic(u.Hostname())
	if u.User != nil {
		s.addPublic(u.User.Username())
	}
}

// sortValues makes the list of values searched for in text: the known
// ones that are not public, longest first, so that a secret that contains
// another is replaced whole.
func (s *Set) sortValues() {
	if s == nil || !s.unsorted {
		return
	}
	s.textsMu.Lock()
	s.texts = nil // what Text made of them may change
	s.textsMu.Unlock()
	s.values = s.values[:0]
	for v := range s.known {
		if !s.public[v] {
			s.values = append(s.values, v)
		}
	}
	sort.Slice(s.values, func(i, j int) bool {
		if len(s.values[i]) != len(s.values[j]) {
			return len(s.values[i]) > len(s.values[j])
		}
		return s.values[i] < s.values[j]
	})
	s.unsorted = false
}

// addParts records a secret value as written and its literal parts (the
// default of ${VAR:-x}, the text around references), which is what
// Grafana or compose may use.
func (s *Set) addParts(v string) {
	s.Add(v)
	for _, p := range literalParts(v) {
		s.Add(p)
	}
}

// mark records that str's text is a secret, for excerpts.
func (s *Set) mark(str model.Str) {
	s.markRange(str.Pos, str.End)
}

// markRange records [from, to) as secret; a missing to runs to the end
// of from's line.
func (s *Set) markRange(from, to model.Pos) {
	if !from.IsValid() || from.File == "" {
		return
	}
	if s.spans == nil {
		s.spans = map[string]map[int][]Span{}
	}
	lines := s.spans[from.File]
	if lines == nil {
		lines = map[int][]Span{}
		s.spans[from.File] = lines
	}
	start := max(from.Col-1, 0)
	if !to.IsValid() || (to.File != "" && to.File != from.File) || to.Line < from.Line {
		lines[from.Line] = append(lines[from.Line], Span{start, -1})
		return
	}
	for l := from.Line; l <= to.Line; l++ {
		sp := Span{0, -1}
		if l == from.Line {
			sp.Start = start
		}
		if l == to.Line {
			sp.End = max(to.Col-1, sp.Start)
		}
		lines[l] = append(lines[l], sp)
	}
}

// embedded records the secrets inside any value: URL passwords,
// password=… pairs and user:pass@tcp(…) DSNs.
func (s *Set) embedded(v string) {
	s.publicURL(v)
	if !strings.ContainsAny(v, "@=") {
		return
	}
	if p, ok := URLPassword(v); ok {
		s.Add(p)
	}
	for _, m := range urlUserinfo.FindAllStringSubmatch(v, -1) {
		s.Add(m[2])
	}
	for _, m := range passwordPair.FindAllStringSubmatch(v, -1) {
		s.Add(m[2])
	}
	for _, m := range dsnPassword.FindAllStringSubmatch(v, -1) {
		s.Add(m[1])
	}
}

func (s *Set) iniFile(f *model.IniFile) {
	for _, sec := range f.Sections {
		for _, k := range sec.Keys {
			s.embedded(k.Value.V)
			s.embedded(k.Raw.V)
			if !IsIniSecret(k.Section, k.Name.V) && !CredentialName(k.Name.V) {
				s.addPublic(k.Value.V)
				continue
			}
			if strings.TrimSpace(k.Raw.V) == "" || IsReference(k.Value.V) && !k.Comment.IsSet() {
				continue
			}
			// The value through any inline comment go-ini cut off it: a
			// "#" in a password leaves the rest of it in the comment.
			end := k.Value.End
			for _, e := range []model.Pos{k.Raw.End, k.Comment.End} {
				if e.IsValid() && (!end.IsValid() || end.Less(e)) {
					end = e
				}
			}
			from := k.Raw.Pos
			if !from.IsValid() {
				from = k.Value.Pos
			}
			s.markRange(from, end)
			s.addParts(k.Value.V)
			s.addParts(strings.Trim(k.Raw.V, "\"'`"))
			if c := strings.TrimLeft(k.Comment.V, "#;"); c != "" {
				s.Add(c)
			}
		}
	}
}

func (s *Set) setting(section, key string, v *model.Setting) {
	if v == nil || v.Source.Kind == model.SourceDefault {
		return // Grafana's published defaults are no secrets
	}
	s.embedded(v.Value)
	if (IsIniSecret(section, key) || CredentialName(key)) && !IsReference(v.Value) {
		s.addParts(v.Value)
	} else if !IsIniSecret(section, key) && !CredentialName(key) {
		s.addPublic(v.Value)
	}
}

// envSecret reports whether a GF_* (or other) variable holds a
// credential: it sets a secret grafana.ini key, or its name says so.
func envSecret(ev *model.EnvVar) bool {
	if CredentialName(ev.Name) {
		return true
	}
	for i := len(ev.Matched) - 1; i > 0; i-- {
		if ev.Matched[i] == '.' && IsIniSecret(ev.Matched[:i], ev.Matched[i+1:]) {
			return true
		}
	}
	return false
}

func (s *Set) env(ev *model.EnvVar) {
	s.embedded(ev.Value)
	if !envSecret(ev) {
		s.addPublic(ev.Value)
		return
	}
	if ev.Value == "" || IsReference(ev.Value) {
		return
	}
	s.addParts(ev.Value)
	if ev.ValuePos.IsValid() {
		s.markRange(ev.ValuePos, model.Pos{})
	} else if ev.Pos.IsValid() {
		s.markRange(ev.Pos, model.Pos{})
	}
}

func (s *Set) datasource(ds *model.Datasource) {
	s.embedded(ds.URL.V)
	s.addPublic(ds.Name.V, ds.UID.V, ds.Type.V)
	for _, f := range ds.Fields {
		s.embedded(f.Value.V)
		last := f.Path[strings.LastIndexAny(f.Path, ".]")+1:]
		secret := strings.HasPrefix(f.Path, "secureJsonData.") || f.Path == "password" || f.Path == "basicAuthPassword" || CredentialName(last)
		if !secret {
			s.addPublic(f.Value.V)
		}
		if !secret || f.Value.V == "" || IsReference(f.Value.V) {
			continue
		}
		s.mark(f.Value)
		s.addParts(f.Value.V)
		s.addParts(credentialOf(f.Value.V)) // "Bearer x" of httpHeaderValue1
	}
}

// headerDirectives set request or response headers: name, then value.
var headerDirectives = map[string]bool{
	"proxy_set_header": true, "add_header": true, "grpc_set_header": true, "add_trailer": true,
	"fastcgi_param": true, "uwsgi_param": true, "scgi_param": true,
}

func (s *Set) directives(ds []*model.Directive) {
	for _, d := range ds {
		for _, a := range d.Args {
			s.embedded(a.V)
		}
		name := d.Name.V
		if !headerDirectives[name] && name != "more_set_headers" && name != "more_set_input_headers" && name != "set" {
			for _, a := range d.Args {
				s.addPublic(a.V) // server_name, upstream names, paths
			}
		}
		switch {
		case headerDirectives[name] && len(d.Args) >= 2 && (IsCredentialHeader(d.Args[0].V) || IsCredentialHeader(strings.TrimPrefix(strings.ReplaceAll(d.Args[0].V, "_", "-"), "HTTP-"))):
			for i, a := range d.Args[1:] {
				if i > 0 && a.V == "always" {
					continue // add_header's flag, no value
				}
				s.secretArg(a)
			}
		case name == "more_set_headers" || name == "more_set_input_headers":
			for _, a := range d.Args {
				if h, v, ok := strings.Cut(a.V, ":"); ok && IsCredentialHeader(h) && strings.TrimSpace(v) != "" {
					s.mark(a)
					s.addParts(credentialOf(v))
				}
			}
		case name == "set" && len(d.Args) >= 2 && CredentialName(strings.Trim(d.Args[0].V, "${}")):
			s.secretArg(d.Args[1])
		}
		s.directives(d.Block)
	}
}

// secretArg records an nginx argument that holds a credential, unless it
// is only a variable.
func (s *Set) secretArg(a model.Str) {
	if a.V == "" || IsReference(a.V) {
		return
	}
	s.mark(a)
	s.addParts(credentialOf(a.V))
}

// credentialOf drops an HTTP authentication scheme ("Basic x" → "x").
func credentialOf(v string) string {
	v = strings.TrimSpace(v)
	if scheme, rest, ok := strings.Cut(v, " "); ok && authSchemes[strings.ToLower(scheme)] {
		return strings.TrimSpace(rest)
	}
	return v
}

var authSchemes = map[string]bool{"basic": true, "bearer": true, "token": true, "digest": true, "negotiate": true, "apikey": true, "api-key": true, "key": true}

var (
	// urlUserinfo is a URL with a password: group 1 is everything up to
	// the ":" before it, group 2 the password (to the last "@" before the
	// path, as url.Parse reads it; %q escapes are taken in).
	urlUserinfo = regexp.MustCompile(`([A-Za-z][A-Za-z0-9+.\-]*://[^\s/?#@:"'<>\\]*):((?:\\.|[^\s/?#"<>\\])+)@`)
	// passwordPair is password=… in a connection string.
	passwordPair = regexp.MustCompile(`(?i)\b(password|passwd|pwd|pass|secret|token|api_?key)=([^\s,;&"'<>\\]+)`)
	// dsnPassword is the password of a Go MySQL DSN (user:pass@tcp(host)).
	dsnPassword = regexp.MustCompile(`(?:^|[\s=,"'])[^\s:@/"',=]+:([^\s@"']+)@(?:tcp|unix|udp)\(`)
	// headerDirective is an nginx header directive quoted in text, with a
	// credential header: group 3 is the value.
	headerDirective = regexp.MustCompile(`(?i)\b(proxy_set_header|add_header|grpc_set_header|more_set_headers|more_set_input_headers)\s+["']?(` + headerNames + `)["']?(?:\s*:\s*|\s+)("(?:\\.|[^"\\])*"|'[^']*'|[^\s;"']+)`)
	// headerLine is "Authorization: x", "Authorization=x",
	// Authorization "x" or "Authorization Bearer x" (not prose such as
	// "the Cookie header"): group 2 is the value.
	headerLine = regexp.MustCompile(`(?i)\b(` + headerNames + `)(?:\s*[:=]\s*("(?:\\.|[^"\\])*"|'[^']*'|(?:(?:` + schemes + `)\s+)?[^\s;,"']+)|\s+("(?:\\.|[^"\\])*"|'[^']*'|(?:` + schemes + `)\s+[^\s;,"']+))`)
	// keyValueLine is a "name = value", "name: value", "NAME=value" or
	// "- NAME=value" line (ini, YAML, JSON, env, compose): group 1 is the
	// name, group 2 the value.
	keyValueLine = regexp.MustCompile(`^\s*(?:-\s+)?(?:export\s+)?["']?([A-Za-z0-9_.\-]+)["']?\s*[:=]\s*(.*?)\s*$`)
	headerValueN = regexp.MustCompile(`(?i)^httpHeaderValue\d+$`)
)

const schemes = `basic|bearer|token|digest|negotiate`

const headerNames = `authorization|proxy-authorization|cookie|set-cookie|x-api-key|api-key|x-auth-token|x-access-token|private-token|x-grafana-api-key|x-vault-token`

// Text returns t with every secret replaced by Redacted: URL passwords,
// credential header values, password=… pairs, and each known secret value
// where it stands as a token of its own (delimited by spaces, quotes or
// punctuation such as "=", ":", ",", "@", not inside a longer word or
// path). Text is idempotent.
func (s *Set) Text(t string) string {
	if t == "" {
		return t
	}
	if s == nil {
		return s.text(t)
	}
	s.sortValues()
	s.textsMu.Lock()
	r, ok := s.texts[t]
	s.textsMu.Unlock()
	if ok {
		return r
	}
	r = s.text(t)
	s.textsMu.Lock()
	if s.texts == nil {
		s.texts = map[string]string{}
	}
	if len(s.texts) < maxTexts {
		s.texts[t] = r
	}
	s.textsMu.Unlock()
	return r
}

// text is Text without remembering.
func (s *Set) text(t string) string {
	if strings.Contains(t, "://") {
		t = replaceGroup(t, urlUserinfo, 2)
	}
	if strings.Contains(t, "=") {
		t = replaceGroup(t, passwordPair, 2)
	}
	if strings.Contains(t, "@") {
		t = replaceGroup(t, dsnPassword, 1)
	}
	if mayHaveHeader(t) {
		t = replaceHeaderValues(t, headerDirective, 3)
		t = replaceHeaderValues(t, headerLine, 2, 3)
	}
	if s != nil {
		s.sortValues()
		for _, v := range s.values {
			if strings.Contains(t, v) {
				t = replaceToken(t, v)
			}
		}
	}
	return t
}

func mayHaveHeader(t string) bool {
	l := strings.ToLower(t)
	return strings.Contains(l, "auth") || strings.Contains(l, "cookie") || strings.Contains(l, "key") || strings.Contains(l, "token")
}

// replaceGroup replaces group g of every match of re by Redacted.
func replaceGroup(t string, re *regexp.Regexp, g int) string {
	ms := re.FindAllStringSubmatchIndex(t, -1)
	if ms == nil {
		return t
	}
	var b strings.Builder
	prev := 0
	for _, m := range ms {
		start, end := m[2*g], m[2*g+1]
		if start < 0 || t[start:end] == Redacted {
			continue
		}
		b.WriteString(t[prev:start])
		b.WriteString(Redacted)
		prev = end
	}
	b.WriteString(t[prev:])
	return b.String()
}

// replaceHeaderValues replaces the value (group g) of credential headers,
// keeping its quotes and authentication scheme; nginx variables
// ($http_authorization) are kept.
func replaceHeaderValues(t string, re *regexp.Regexp, groups ...int) string {
	ms := re.FindAllStringSubmatchIndex(t, -1)
	if ms == nil {
		return t
	}
	var b strings.Builder
	prev := 0
	for _, m := range ms {
		start, end := matchedGroup(m, groups)
		if start < 0 {
			continue
		}
		vs, ve := valueBounds(t, start, end)
		if vs >= ve {
			continue
		}
		b.WriteString(t[prev:vs])
		b.WriteString(Redacted)
		prev = ve
	}
	b.WriteString(t[prev:])
	return b.String()
}

// matchedGroup returns the bounds of the first of groups that matched.
func matchedGroup(m []int, groups []int) (int, int) {
	for _, g := range groups {
		if m[2*g] >= 0 {
			return m[2*g], m[2*g+1]
		}
	}
	return -1, -1
}

// valueBounds narrows a header value [start, end) of t to the credential:
// inside quotes, after an authentication scheme; empty for variables and
// what is already redacted.
//
// An unquoted value without an authentication scheme must look like one:
// end the directive (";") or the text, or hold a character other than a
// letter — not a word of prose ("proxy_set_header Authorization is set
// twice").
func valueBounds(t string, start, end int) (int, int) {
	v := t[start:end]
	quoted := len(v) >= 2 && (v[0] == '"' || v[0] == '\'') && v[len(v)-1] == v[0]
	if quoted {
		start, end = start+1, end-1
		v = t[start:end]
	}
	schemed := false
	if scheme, rest, ok := strings.Cut(v, " "); ok && authSchemes[strings.ToLower(scheme)] {
		trimmed := strings.TrimLeft(rest, " ")
		start += len(v) - len(trimmed)
		v, schemed = trimmed, true
	}
	if v == "" || strings.HasPrefix(v, "$") || v == Redacted || strings.HasPrefix(v, Redacted) {
		return start, start
	}
	if !quoted && !schemed && end < len(t) && t[end] != ';' && strings.IndexFunc(v, func(r rune) bool { return !unicode.IsLetter(r) }) < 0 {
		return start, start
	}
	return start, end
}

// isDelim reports whether b may stand next to a secret token: anything
// but letters, digits and the characters of words, paths and host names.
func isDelim(b byte) bool {
	switch {
	case b >= 'a' && b <= 'z', b >= 'A' && b <= 'Z', b >= '0' && b <= '9', b >= 0x80:
		return false
	}
	return !strings.ContainsRune("_.-/+~%$*!&?#", rune(b))
}

// tokenAt reports whether t[i:i+n] stands as a token of its own.
func tokenAt(t string, i, n int) bool {
	return (i == 0 || isDelim(t[i-1])) && (i+n == len(t) || isDelim(t[i+n]))
}

func replaceToken(t, v string) string {
	var b strings.Builder
	prev, from := 0, 0
	for {
		i := strings.Index(t[from:], v)
		if i < 0 {
			break
		}
		i += from
		if tokenAt(t, i, len(v)) {
			b.WriteString(t[prev:i])
			b.WriteString(Redacted)
			prev = i + len(v)
			from = prev
			continue
		}
		from = i + 1
	}
	if prev == 0 {
		return t
	}
	b.WriteString(t[prev:])
	return b.String()
}

// LineSpans returns the spans of line n of file (text, without its line
// ending) that hold secrets: where the model has one, and what the
// patterns recognise in the text itself (URL passwords, credential header
// values, password=… pairs, credentials named in "name = value" lines and
// every known secret value standing as a token). Spans are sorted and may
// overlap.
func (s *Set) LineSpans(file string, n int, text string) []Span {
	var out []Span
	if s != nil {
		out = append(out, s.spans[file][n]...)
	}
	var bytesSpans [][2]int
	addGroup := func(re *regexp.Regexp, g int) {
		for _, m := range re.FindAllStringSubmatchIndex(text, -1) {
			if m[2*g] >= 0 && m[2*g+1] > m[2*g] {
				bytesSpans = append(bytesSpans, [2]int{m[2*g], m[2*g+1]})
			}
		}
	}
	if strings.Contains(text, "://") {
		addGroup(urlUserinfo, 2)
	}
	if strings.Contains(text, "=") {
		addGroup(passwordPair, 2)
	}
	if strings.Contains(text, "@") {
		addGroup(dsnPassword, 1)
	}
	if mayHaveHeader(text) {
		for _, re := range []struct {
			re     *regexp.Regexp
			groups []int
		}{{headerDirective, []int{3}}, {headerLine, []int{2, 3}}} {
			for _, m := range re.re.FindAllStringSubmatchIndex(text, -1) {
				start, end := matchedGroup(m, re.groups)
				if start < 0 {
					continue
				}
				if vs, ve := valueBounds(text, start, end); vs < ve {
					bytesSpans = append(bytesSpans, [2]int{vs, ve})
				}
			}
		}
	}
	if m := keyValueLine.FindStringSubmatchIndex(text); m != nil && m[5] > m[4] {
		name, value := text[m[2]:m[3]], text[m[4]:m[5]]
		if (CredentialName(name) || headerValueN.MatchString(name)) && !IsReference(strings.Trim(value, "\"',")) &&
			!strings.HasPrefix(value, "{") && !strings.HasPrefix(value, "[") && !strings.HasPrefix(value, "|") && !strings.HasPrefix(value, ">") {
			bytesSpans = append(bytesSpans, [2]int{m[4], m[5]})
		}
	}
	if s != nil {
		s.sortValues()
		for _, v := range s.values {
			for from := 0; ; {
				i := strings.Index(text[from:], v)
				if i < 0 {
					break
				}
				i += from
				if tokenAt(text, i, len(v)) {
					bytesSpans = append(bytesSpans, [2]int{i, i + len(v)})
				}
				from = i + 1
			}
		}
	}
	for _, b := range bytesSpans {
		out = append(out, Span{utf8.RuneCountInString(text[:b[0]]), utf8.RuneCountInString(text[:b[1]])})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Start < out[j].Start })
	return out
}

// Mask returns text with the given spans replaced by mask, and a function
// that maps a code point index of text to its index in the result (an
// index inside a masked span maps to the start of its mask).
func Mask(text string, spans []Span, mask string) (string, func(int) int) {
	rs := []rune(text)
	merged := mergeSpans(spans, len(rs))
	if len(merged) == 0 {
		return text, func(i int) int { return i }
	}
	mr := []rune(mask)
	var out []rune
	type shift struct{ start, end, outStart int }
	var shifts []shift
	prev := 0
	for _, sp := range merged {
		out = append(out, rs[prev:sp.Start]...)
		shifts = append(shifts, shift{sp.Start, sp.End, len(out)})
		out = append(out, mr...)
		prev = sp.End
	}
	out = append(out, rs[prev:]...)
	mapIndex := func(i int) int {
		delta := 0
		for _, sh := range shifts {
			switch {
			case i < sh.start:
				return i + delta
			case i < sh.end:
				return sh.outStart
			}
			delta = sh.outStart + len(mr) - sh.end
		}
		return i + delta
	}
	return string(out), mapIndex
}

// mergeSpans clips spans to a line of n code points, sorts and merges
// them.
func mergeSpans(spans []Span, n int) []Span {
	ms := make([]Span, 0, len(spans))
	for _, sp := range spans {
		if sp.End < 0 || sp.End > n {
			sp.End = n
		}
		sp.Start = min(max(sp.Start, 0), n)
		if sp.End > sp.Start {
			ms = append(ms, sp)
		}
	}
	sort.Slice(ms, func(i, j int) bool { return ms[i].Start < ms[j].Start })
	out := ms[:0]
	for _, sp := range ms {
		if k := len(out); k > 0 && sp.Start <= out[k-1].End {
			out[k-1].End = max(out[k-1].End, sp.End)
			continue
		}
		out = append(out, sp)
	}
	return out
}
