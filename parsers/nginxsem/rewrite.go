package nginxsem

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/grafanalint/grafanalint/parsers/model"
)

// Note is a remark with the place it concerns.
type Note struct {
	Pos       model.Pos
	Directive *model.Directive
	Message   string
}

// String formats the note as "message (at file:line:col)".
func (n Note) String() string {
	if n.Pos.IsValid() {
		return n.Message + " (at " + n.Pos.String() + ")"
	}
	return n.Message
}

// Return is an answer nginx gives itself instead of passing the request
// on: a return directive, a rewrite with redirect/permanent (or an absolute
// replacement), or the 301 that adds a trailing slash.
type Return struct {
	// Directive is the return or rewrite (nil for an automatic 301).
	Directive *model.Directive
	// Code is the status: 301, 302, 403, 404, 444 ….
	Code int
	// Text is the redirect URL or response text as written (the rewrite's
	// replacement for redirects); unset for a bare "return 404".
	Text model.Str
	// URL is the redirect target with known variables substituted, when
	// every part is known.
	URL string
}

// IsRedirect reports whether the answer is a redirect.
func (r *Return) IsRedirect() bool {
	switch r.Code {
	case 301, 302, 303, 307, 308:
		return true
	}
	return false
}

// Rewrite is a rewrite directive that matched the URI.
type Rewrite struct {
	Directive *model.Directive
	// From and To are the URI before and after.
	From, To string
	// Flag is "", "last", "break", "redirect" or "permanent".
	Flag     string
	Captures *Captures
}

// request is the state of one request as the rewrite module and
// proxy_pass see it (a small model of ngx_http_request_t).
type request struct {
	requestURI    string // the request target as received: path?args (r->unparsed_uri)
	uri           string // r->uri, normalised and possibly rewritten
	args          string
	quoted        bool // the request target had %-escapes (r->quoted_uri)
	internal      bool // the URI was rewritten (r->internal)
	validUnparsed bool
	validLocation bool
	captures      *Captures
	vars          map[string]varValue
	// fallback is set when try_files redirected to uri: its last
	// parameter names a file that exists (nginx requires it), so a
	// try_files that lists $uri serves it.
	fallback bool
}

type varValue struct {
	v     string
	known bool
	from  *model.Directive
}

func newRequest(requestURI string, mergeSlashes bool) (*request, error) {
	path, args, err := NormalizeURI(requestURI, mergeSlashes)
	if err != nil {
		return nil, err
	}
	raw := requestURI
	if i := strings.Index(raw, "://"); i >= 0 && !strings.HasPrefix(raw, "/") {
		rest := raw[i+3:]
		if j := strings.IndexAny(rest, "/?"); j >= 0 {
			raw = rest[j:]
		} else {
			raw = "/"
		}
	}
	pathPart := raw
	if i := strings.IndexByte(pathPart, '?'); i >= 0 {
		pathPart = pathPart[:i]
	}
	return &request{
		requestURI:    raw,
		uri:           path,
		args:          args,
		quoted:        strings.Contains(pathPart, "%"),
		validUnparsed: true,
		validLocation: true,
		vars:          map[string]varValue{},
	}, nil
}

// phaseResult is what running one level's rewrite-module directives did.
type phaseResult struct {
	ret         *Return
	rewrites    []Rewrite
	uriChanged  bool // a rewrite without break changed the URI: search again
	unknown     string
	unknownPos  model.Pos
	notes       []Note
	problems    []Note
	unevaluated []Unevaluated
}

// runRewritePhase runs the rewrite-module directives of one level (server
// or location) in order, as ngx_http_rewrite_handler does: rewrite, return,
// break, set; "if" blocks are not evaluated (their conditions depend on
// the request) and are reported as notes. server is true for the server
// rewrite phase, where "last" stops like "break".
func runRewritePhase(ds []*model.Directive, st *request, server bool) phaseResult {
	var res phaseResult
	for _, d := range ds {
		switch d.Name.V {
		case "set":
			if len(d.Args) >= 2 {
				v, unk := evalValue(d.Args[1], st)
				st.vars[normalizeVarName(d.Args[0].V)] = varValue{v: v, known: unk == nil, from: d}
			}
		case "break":
			return res
		case "return":
			if r := parseReturn(d, st, &res); r != nil {
				res.ret = r
				return res
			}
		case "if":
			ifNotes(d, st, &res)
		case "rewrite":
			if stop := applyRewrite(d, st, server, &res); stop {
				return res
			}
		}
	}
	return res
}

// ifNotes records what an unevaluated "if" block could do.
func ifNotes(d *model.Directive, st *request, res *phaseResult) {
	var acts []string
	for _, c := range d.Block {
		switch c.Name.V {
		case "return", "rewrite", "proxy_pass", "break", "set":
			acts = append(acts, describeDirective(c))
		}
		if c.Name.V == "set" && len(c.Args) > 0 {
			st.vars[normalizeVarName(c.Args[0].V)] = varValue{from: c}
		}
		if c.Name.V == "proxy_pass" && len(c.Args) > 0 && !strings.Contains(c.Args[0].V, "$") {
			if u, err := ParseProxyURL(c.Args[0].V); err == nil && u.HasURIPart {
				res.problems = append(res.problems, Note{Pos: c.Args[0].Pos, Directive: c,
					Message: fmt.Sprintf("proxy_pass %q has a URI part inside \"if\"; nginx rejects it (\"proxy_pass\" cannot have URI part … inside \"if\" statement): drop the URI part", c.Args[0].V)})
			}
		}
	}
	if len(acts) > 0 {
		res.notes = append(res.notes, Note{Pos: d.Pos(), Directive: d,
			Message: fmt.Sprintf("the \"if\" block is not evaluated; when its condition holds it runs %s", strings.Join(acts, ", "))})
	}
}

// parseReturn reads a return directive; nil when nginx would reject it
// (reported in res).
func parseReturn(d *model.Directive, st *request, res *phaseResult) *Return {
	r := &Return{Directive: d}
	if len(d.Args) == 0 {
		res.problems = append(res.problems, Note{Pos: d.Pos(), Directive: d, Message: "return needs a status code or URL"})
		return nil
	}
	first := d.Args[0]
	if code, err := strconv.Atoi(first.V); err == nil {
		r.Code = code
		if len(d.Args) > 1 {
			r.Text = d.Args[1]
		}
	} else if strings.HasPrefix(first.V, "http://") || strings.HasPrefix(first.V, "https://") || strings.HasPrefix(first.V, "$scheme") {
		r.Code = 302
		r.Text = first
	} else {
		res.problems = append(res.problems, Note{Pos: first.Pos, Directive: d,
			Message: fmt.Sprintf("invalid return code %q: use a status code or an absolute URL", first.V)})
		return nil
	}
	if r.IsRedirect() && r.Text.IsSet() {
		if v, unk := evalValue(r.Text, st); unk == nil {
			r.URL = v
		}
	}
	return r
}

// applyRewrite evaluates one rewrite directive; it reports whether
// rewrite processing stops.
func applyRewrite(d *model.Directive, st *request, server bool, res *phaseResult) bool {
	if len(d.Args) < 2 {
		res.problems = append(res.problems, Note{Pos: d.Pos(), Directive: d, Message: "rewrite needs a regex and a replacement"})
		return false
	}
	v, c, err := regexMatch(d.Args[0].V, false, st.uri)
	switch v {
	case verdictUnknown:
		res.unevaluated = append(res.unevaluated, Unevaluated{Pattern: d.Args[0], Directive: d, Reason: err.Error()})
		res.unknown = fmt.Sprintf("rewrite regex %q cannot be evaluated (%s)", d.Args[0].V, err)
		res.unknownPos = d.Args[0].Pos
		return true
	case verdictNoMatch:
		return false
	}
	flag := ""
	if len(d.Args) > 2 {
		flag = d.Args[2].V
	}
	repl := d.Args[1]
	saved := st.captures
	st.captures = c
	val, unk := evalValue(repl, st)
	absolute := strings.HasPrefix(repl.V, "http://") || strings.HasPrefix(repl.V, "https://") || strings.HasPrefix(repl.V, "$scheme")
	if absolute || flag == "redirect" || flag == "permanent" {
		code := 302
		if flag == "permanent" {
			code = 301
		}
		r := &Return{Directive: d, Code: code, Text: repl}
		if unk == nil {
			r.URL = val
		}
		res.ret = r
		res.rewrites = append(res.rewrites, Rewrite{Directive: d, From: st.uri, To: val, Flag: flag, Captures: c})
		return true
	}
	if unk != nil {
		st.captures = saved
		res.unknown = fmt.Sprintf("rewrite replacement %q uses $%s, whose value is not known statically", repl.V, unk.V)
		res.unknownPos = unk.Pos
		return true
	}
	newURI, newArgs, hasArgs := strings.Cut(val, "?")
	if hasArgs {
		if strings.HasSuffix(newArgs, "?") || strings.HasSuffix(repl.V, "?") {
			newArgs = strings.TrimSuffix(newArgs, "?")
		} else if st.args != "" {
			if newArgs != "" {
				newArgs += "&"
			}
			newArgs += st.args
		}
		st.args = newArgs
	}
	res.rewrites = append(res.rewrites, Rewrite{Directive: d, From: st.uri, To: newURI, Flag: flag, Captures: c})
	st.uri = newURI
	st.internal = true
	st.validUnparsed = false
	switch flag {
	case "break":
		st.validLocation = false
		res.uriChanged = false
		return true
	case "last":
		if server {
			return true
		}
		res.uriChanged = true
		return true
	case "":
		if !server {
			res.uriChanged = true
		}
		return false
	default:
		res.problems = append(res.problems, Note{Pos: d.Args[2].Pos, Directive: d,
			Message: fmt.Sprintf("invalid rewrite flag %q: use last, break, redirect or permanent", flag)})
		return true
	}
}

// evalValue substitutes the variables of an nginx script value whose
// values are known in st (captures, set values, $uri, $request_uri,
// $args, $is_args, $arg_*). It returns the first unknown reference, nil
// when the whole value is known.
func evalValue(a model.Str, st *request) (string, *model.Str) {
	s := a.V
	refs := scanRefs(s)
	if len(refs) == 0 {
		return s, nil
	}
	var b strings.Builder
	last := 0
	for _, r := range refs {
		b.WriteString(s[last:r.start])
		last = r.end
		v, ok := lookupVar(r.name, st)
		if !ok {
			u := model.Str{V: r.name, Pos: posIn(a, r.start), End: posIn(a, r.end)}
			return "", &u
		}
		b.WriteString(v)
	}
	b.WriteString(s[last:])
	return b.String(), nil
}

func lookupVar(name string, st *request) (string, bool) {
	if len(name) == 1 && name[0] >= '1' && name[0] <= '9' {
		v, _ := st.captures.Get(name)
		return v, true
	}
	if st.captures != nil {
		if v, ok := st.captures.Named[name]; ok {
			return v, true
		}
	}
	key := strings.ToLower(name)
	if v, ok := st.vars[key]; ok {
		return v.v, v.known
	}
	switch key {
	case "uri", "document_uri":
		return st.uri, true
	case "request_uri":
		return st.requestURI, true
	case "args", "query_string":
		return st.args, true
	case "is_args":
		if st.args != "" {
			return "?", true
		}
		return "", true
	}
	if arg, ok := strings.CutPrefix(key, "arg_"); ok {
		for _, kv := range strings.Split(st.args, "&") {
			k, v, _ := strings.Cut(kv, "=")
			if strings.EqualFold(k, arg) {
				return v, true
			}
		}
		return "", true
	}
	return "", false
}

// escapeURI escapes a URI path as ngx_escape_uri(NGX_ESCAPE_URI) does:
// space, "#", "%", "?", control characters and bytes above 0x7e.
func escapeURI(s string) string {
	const hex = "0123456789ABCDEF"
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c <= ' ' || c == '#' || c == '%' || c == '?' || c >= 0x7f {
			b.WriteByte('%')
			b.WriteByte(hex[c>>4])
			b.WriteByte(hex[c&15])
			continue
		}
		b.WriteByte(c)
	}
	return b.String()
}
