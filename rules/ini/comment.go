package ini

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/grafanalint/grafanalint/parsers/grafanaini"
	"github.com/grafanalint/grafanalint/parsers/model"
	"github.com/grafanalint/grafanalint/rules"
	"github.com/grafanalint/grafanalint/rules/fix"
	"github.com/grafanalint/grafanalint/rules/secret"
)

// InlineComment reports "#" and ";" that cut a value short.
var InlineComment = &rules.Rule{
	ID:       "ini/inline-comment",
	Severity: rules.Warning,
	Fix: "wraps the whole value in backticks (in `\"\"\"` when it contains a backtick), which go-ini reads up to the last closing quote of the line, " +
		"so the `#` or `;` stays in the value. It does so only where the cut is certainly unintended: the character touches the text before it " +
		"and more text follows it with no other comment-like `#` or `;` (`s3cr#t`, `https://host/#/d`), or the value is wrapped in quotes around it " +
		"(`\"Grafana #ops\"`). After a space (`Grafana #ops`, `admin # change me`) it may be a comment, and is left to you.",
	Summary: "an unquoted \"#\" or \";\" inside a grafana.ini value starts a comment and cuts the value short",
	Needs:   []rules.Part{rules.PartIni},
	Doc: rules.Doc{
		What: "Reports a value that go-ini cut at a `#` or `;` when the cut looks unintended: the character " +
			"touches the text before it (`password = s3cr#t`, `a;b`, `https://host/#/d`), it sits inside a " +
			"quoted value (`from_name = \"Grafana #ops\"`), the comment text starts right after it " +
			"(`from_name = Grafana #ops`), or the key holds a credential (any cut of a password is wrong). " +
			"A comment after whitespace that reads as one (`http_port = 3000 ; the port`, `# note`) is the " +
			"common idiom of sample configs and is not reported; neither are whole-line comments.",
		Why: "Grafana loads grafana.ini with gopkg.in/ini.v1 and default options: the first `#` or `;` of an " +
			"ordinary value starts a comment, even inside double quotes — `\"Grafana #ops\"` becomes " +
			"`\"Grafana` (quotes kept, since the closing one was cut), `a;b` becomes `a`. Only values in " +
			"triple quotes `\"\"\"…\"\"\"` or backticks keep them (`parser.go`, `readValue`, of gopkg.in/ini.v1 v1.67; Grafana's own defaults.ini says: \"If the password contains # or ; you have to wrap it with triple quotes\"). A password cut this way " +
			"silently differs from the real one.",
		Bad:   []rules.Example{{Path: exIni, Content: "[smtp]\nfrom_name = \"Grafana #ops\"\n"}},
		Good:  []rules.Example{{Path: exIni, Content: "[smtp]\nfrom_name = \"\"\"Grafana #ops\"\"\"\n\n[server]\nhttp_port = 3000 ; the port\n"}},
		Fixed: []rules.Example{{Path: exIni, Content: "[smtp]\nfrom_name = `Grafana #ops`\n"}},
		Fix:   "Wrap the whole value in triple quotes (`\"\"\"…\"\"\"`) or backticks, or put a real comment on its own line.",
	},
	Check: checkInlineComment,
}

func checkInlineComment(c *rules.Context) {
	fileKeys(c.Stack.Settings, func(_ *model.IniSection, k *model.IniKey) {
		if !k.Comment.IsSet() || k.Value.V == "" || k.Continued {
			return
		}
		ch := k.Comment.V[:1]
		rest := k.Comment.V[1:]
		before := beforeComment(k)
		last, _ := utf8.DecodeLastRuneInString(before)
		touching := before != "" && !unicode.IsSpace(last)
		trimmed := strings.TrimSpace(before)
		quoted := strings.HasPrefix(trimmed, `"`) || strings.HasPrefix(trimmed, "'")
		isSecret := secret.IsIniSecret(k.Section, k.Name.V)
		textAfter := rest != "" && !startsWithSpace(rest)
		if !touching && !quoted && !isSecret && !textAfter {
			return // "value ; a comment": what the writer meant
		}
		f := rules.Finding{Pos: k.Comment.Pos, End: k.Comment.End, Entity: entity(k.Section, k.Name.V), Key: "comment:" + k.Section + "." + k.Name.V}
		if isSecret {
			f.Message = fmt.Sprintf("%s is cut at a %q, which go-ini reads as the start of a comment: Grafana uses only the part before it as the credential; wrap the whole value in triple quotes (\"\"\"…\"\"\") or backticks",
				name(k.Section, k.Name.V), ch)
		} else {
			f.Message = fmt.Sprintf("%s is cut at %q, which go-ini reads as the start of a comment even inside quotes: Grafana reads %q, not %q; wrap the whole value in triple quotes (\"\"\"…\"\"\") or backticks, or move the comment to its own line",
				name(k.Section, k.Name.V), ch, k.Value.V, intended(k))
		}
		f.Fix = quoteFix(k, touching, isSecret)
		c.Report(f)
	})
}

// quoteFix wraps the value of k, which go-ini cut at an inline comment,
// in backticks (or """ when it holds a backtick) — go-ini then reads the
// line up to the last such quote, "#" and ";" included (readValue in
// gopkg.in/ini.v1 v1.67.1 parser.go) — when the cut is certainly
// unintended: the value is wrapped in matching quotes around the cut
// (`"Grafana #ops"`), or the comment character touches the text before it
// and text follows it, with no whitespace-led "#" or ";" that could be a
// real comment after it. The value written is the one go-ini would read
// without the cut: the text trimmed, one pair of surrounding quotes
// stripped.
func quoteFix(k *model.IniKey, touching, secret bool) *fix.Fix {
	raw := strings.TrimSpace(k.Raw.V)
	if raw != k.Raw.V || strings.ContainsAny(raw, "\r\n") || k.Quote != "" {
		return nil
	}
	v := raw
	switch {
	case surrounded(raw, '"') || surrounded(raw, '\''):
		v = raw[1 : len(raw)-1]
	case touching:
		rest := strings.TrimSpace(k.Comment.V[1:])
		if rest == "" || strings.Contains(k.Comment.V, " #") || strings.Contains(k.Comment.V, " ;") ||
			strings.Contains(k.Comment.V, "\t#") || strings.Contains(k.Comment.V, "\t;") {
			return nil
		}
	default:
		return nil
	}
	q := "`"
	if strings.Contains(v, "`") {
		if strings.Contains(v, `"""`) {
			return nil
		}
		q = `"""`
	}
	e, ok := fix.ReplaceStr(k.Raw, q+v+q, fix.Raw)
	if !ok {
		return nil
	}
	what := fmt.Sprintf("write the value of %s as %s", name(k.Section, k.Name.V), q+v+q)
	if secret {
		what = fmt.Sprintf("wrap the value of %s in %s so go-ini keeps all of it", name(k.Section, k.Name.V), q)
	}
	return &fix.Fix{Message: what, Edits: []fix.Edit{e}, Secret: secret}
}

// surrounded is go-ini's hasSurroundedQuote: s starts and ends with q and
// holds no other q.
func surrounded(s string, q byte) bool {
	return len(s) >= 2 && s[0] == q && s[len(s)-1] == q && strings.IndexByte(s[1:], q) == len(s)-2
}

// beforeComment is the raw text before the comment character.
func beforeComment(k *model.IniKey) string {
	if i := strings.Index(k.Raw.V, k.Comment.V); i >= 0 {
		return k.Raw.V[:i]
	}
	return ""
}

// intended is the value the writer probably meant: the raw text with its
// surrounding quotes stripped.
func intended(k *model.IniKey) string {
	v := strings.TrimSpace(k.Raw.V)
	for _, q := range []string{`"`, "'"} {
		if len(v) >= 2 && strings.HasPrefix(v, q) && strings.HasSuffix(v, q) {
			return v[1 : len(v)-1]
		}
	}
	return v
}

func startsWithSpace(s string) bool {
	r, _ := utf8.DecodeRuneInString(s)
	return unicode.IsSpace(r)
}

// EmptyValueIgnored reports "key =" lines that do not blank a default.
var EmptyValueIgnored = &rules.Rule{
	ID:       "ini/empty-value-ignored",
	Severity: rules.Info,
	Summary:  "\"key =\" in grafana.ini does not blank the default: Grafana ignores empty values",
	Needs:    []rules.Part{rules.PartIni},
	Doc: rules.Doc{
		What: "Reports a key of the custom grafana.ini written with an empty value when Grafana's default for " +
			"it is not empty: the line does not clear the setting, the default stays.",
		Why: "Grafana merges the custom file into `defaults.ini` key by key and skips keys whose value is " +
			"empty (`loadSpecifiedConfigFile` in `pkg/setting/setting.go`); `GF_*` " +
			"variables with empty values are skipped too. `domain =` leaves `localhost`.",
		Bad:  []rules.Example{{Path: exIni, Content: "[server]\ndomain =\n"}},
		Good: []rules.Example{{Path: exIni, Content: "[server]\ndomain = grafana.example.com\n\n[database]\npassword =\n"}},
		Fix: "Delete the line if the default is what you want; otherwise write the value you want. A setting " +
			"cannot be emptied from grafana.ini.",
	},
	Check: checkEmptyValue,
}

func checkEmptyValue(c *rules.Context) {
	s := c.Stack.Settings
	fileKeys(s, func(_ *model.IniSection, k *model.IniKey) {
		if k.Value.V != "" || k.Continued {
			return
		}
		st := s.Get(k.Section, k.Name.V)
		if st == nil || st.Value == "" || st.Source.Kind != model.SourceDefault {
			return
		}
		def, ok := grafanaini.DefaultAt(k.Section, k.Name.V, grafanaVersion(c.Version))
		if !ok || def == "" {
			return
		}
		pos := k.Name.Pos
		shown := fmt.Sprintf("the default %q", def)
		if secret.IsIniSecret(k.Section, k.Name.V) {
			shown = "Grafana's default value"
		}
		c.Report(rules.Finding{
			Pos: pos, End: k.Name.End, Entity: entity(k.Section, k.Name.V), Key: "empty:" + k.Section + "." + k.Name.V,
			Message: fmt.Sprintf("%s is written empty, but Grafana ignores empty values in the custom file and keeps %s; delete the line, or write the value you want (a setting cannot be emptied from grafana.ini)",
				name(k.Section, k.Name.V), shown),
		})
	})
}

// UnresolvedReference reports %(name)s references that go-ini leaves as
// text: names of no key, a key naming itself, reference cycles.
var UnresolvedReference = &rules.Rule{
	ID:       "ini/unresolved-reference",
	Severity: rules.Warning,
	Summary:  "a %(name)s reference in grafana.ini that go-ini leaves as text: it names no key, the key itself, or a cycle",
	Doc: rules.Doc{
		What: "Reports a `%(name)s` reference, in grafana.ini or in a `GF_*` variable's value, that Grafana reads as " +
			"literal text: a name that is no key of the setting's section (or a parent section) nor of the unnamed " +
			"top section; a key that refers to itself (`root_url = %(root_url)s/grafana/`); and a reference whose " +
			"expansion leads back to the setting (`a = %(b)s`, `b = %(a)s`). It points at the `%(` of the " +
			"reference.",
		Why: "Grafana reads grafana.ini with gopkg.in/ini.v1, whose `Key.String` expands `%(name)s` " +
			"(`transformValue` in `key.go`) from the same section, else from the unnamed top section, after the " +
			"environment overrides (`pkg/setting/setting.go`). A name that matches nothing stops the expansion " +
			"and the text `%(name)s` stays in the value: a URL or path built from it is wrong, and a `root_url` " +
			"that keeps it does not parse. A key's own name is looked up in the unnamed section only, so a key " +
			"cannot refer to its default. Cycles: Grafana's go.mod pins go-ini v1.67.0 (every release from 2022 " +
			"to the 12.x line) and v1.67.1 (the main branch in 2026, 13.0 development), and in both the " +
			"expansion substitutes raw values for at most 99 rounds and stops when it meets the key itself: the " +
			"value keeps `%(…)s` text and Grafana starts. Only go-ini v1.67.2 (May 2026) and later expand " +
			"recursively and overflow the stack at start; no Grafana go.mod we checked pins them.",
		Bad:  []rules.Example{{Path: exIni, Content: "[server]\ndomain = grafana.example.com\nroot_url = https://%(domian)s/\n"}},
		Good: []rules.Example{{Path: exIni, Content: "[server]\ndomain = grafana.example.com\nroot_url = https://%(domain)s/\n"}},
		Fix:  "Correct the name (it is case-sensitive and must be a key of the same section or of the top of the file), break a cycle, or write the value itself.",
	},
	Check: checkUnresolved,
}

func checkUnresolved(c *rules.Context) {
	s := c.Stack.Settings
	placedSettings(c, func(st *model.Setting) {
		if len(st.Unresolved) == 0 {
			return
		}
		p, ok := placeOf(s, st)
		if !ok {
			return
		}
		written := p.written()
		for _, ref := range st.Unresolved {
			f := rules.Finding{Entity: entity(st.Section, st.Key), Key: "ref:" + ref}
			_, inTop := s.Sections[""][ref]
			switch {
			case ref == st.Key && !inTop && strings.Contains(written, "%("+ref+")s"):
				f.Pos, f.End = refPos(p, ref)
				f.Message = fmt.Sprintf("%s refers to itself with %%(%s)s: go-ini looks a key's own name up only in the unnamed top section, which has no %q, so Grafana reads the text %q; write the value out (a setting cannot refer to its own default)",
					p.by, ref, ref, st.Value)
			case ref == st.Key || resolvable(s, st, ref):
				first := firstRef(written)
				if first == "" {
					first = ref
				}
				f.Pos, f.End = refPos(p, first)
				f.Message = fmt.Sprintf("%s refers to %%(%s)s, whose expansion leads back to %s: the go-ini Grafana pins (gopkg.in/ini.v1 v1.67.0/v1.67.1) stops the expansion there and Grafana %s reads the text %q (go-ini v1.67.2 and later would overflow the stack at start); break the cycle with a literal value",
					p.by, first, name(st.Section, st.Key), c.Version, st.Value)
			default:
				f.Pos, f.End = refPos(p, ref)
				where := fmt.Sprintf("neither %s (nor a parent section) nor the top of the file has a key %q", sectionName(st.Section), ref)
				if st.Section == "" {
					where = fmt.Sprintf("the top of the file has no key %q", ref)
				}
				hint := ""
				if n := nearest(ref, refCandidates(s, st)); n != "" {
					hint = fmt.Sprintf("did you mean %%(%s)s? ", n)
				}
				f.Message = fmt.Sprintf("%s refers to %%(%s)s, but %s: go-ini leaves the text \"%%(%s)s\" in the value; %swrite a key of the same section or of the top of the file, or the value itself",
					p.by, ref, where, ref, hint)
			}
			c.Report(f)
		}
	})
}

// firstRef returns the name of the first %(name)s in v, "" when none.
func firstRef(v string) string {
	i := strings.Index(v, "%(")
	if i < 0 {
		return ""
	}
	j := strings.Index(v[i:], ")s")
	if j < 0 {
		return ""
	}
	return v[i+2 : i+j]
}

// refCandidates are the names a reference in st's value can resolve to
// (st's own key excepted: go-ini skips it).
func refCandidates(s *model.Settings, st *model.Setting) []string {
	section := st.Section
	var out []string
	for sec := section; ; {
		for _, k := range sortedKeys(s.Sections[sec]) {
			if sec != st.Section || k != st.Key {
				out = append(out, k)
			}
		}
		i := strings.LastIndexByte(sec, '.')
		if i < 0 {
			break
		}
		sec = sec[:i]
	}
	if section != "" {
		out = append(out, sortedKeys(s.Sections[""])...)
	}
	return out
}
