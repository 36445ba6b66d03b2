package cli

import (
	"bufio"
	"bytes"
	"encoding/json"
	"io"
	"strings"

	"github.com/grafanalint/grafanalint/cmd/grafanalint/report"
	"github.com/grafanalint/grafanalint/parsers/model"
	"github.com/grafanalint/grafanalint/parsers/secrets"
	"github.com/grafanalint/grafanalint/rules"
)

// Everything grafanalint prints about a model passes through the secrets
// of that model (secrets.Collect), collected once per output:
//   - findings, right after the rules ran (redactResult), so that every
//     format, --output file, the baseline file and --statistics see only
//     redacted messages, related notes, entities and keys; report.Write
//     applies the same Set again to what it prints, with the excerpt lines
//     (excerptLines reads them again on demand);
//   - `grafanalint model` (writeModel): a copy of the model with every
//     credential value replaced, then every string of its JSON through
//     the Set's Text.

// redactResult hides the model's secrets in the findings of res.
func redactResult(m *model.Model, res *rules.Result) *rules.Result {
	s := secrets.Collect(m)
	for i, f := range res.Findings {
		res.Findings[i] = report.RedactFinding(s, f)
	}
	return res
}

// excerptLines returns how report reads excerpt lines of the model's
// files: again from disk (or from what standard input gave), one file at
// a time, so that a run keeps no file's text in memory.
func excerptLines(m *model.Model) func(path string, n int) (string, bool) {
	files := make(map[string]*model.File, len(m.Files))
	for _, f := range m.Files {
		files[f.Path] = f
	}
	return func(path string, n int) (string, bool) {
		return files[path].Line(n)
	}
}

// writeModel prints the model as indented JSON with its secrets hidden.
func writeModel(w io.Writer, m *model.Model) error {
	s := secrets.Collect(m)
	data, err := json.Marshal(Redact(m))
	if err != nil {
		return err
	}
	bw := bufio.NewWriterSize(w, 64<<10)
	if err := indentJSON(bw, data, s.Text); err != nil {
		return err
	}
	return bw.Flush()
}

// indentJSON writes compact JSON src indented by two spaces (as
// json.Indent does, with a final newline), passing every string through
// redact on the way; strings redact leaves alone are copied as they are.
// A bufio.Writer keeps its first error and returns it from every later
// write, so the error of the last one (or of Flush) is the one to check.
func indentJSON(w *bufio.Writer, src []byte, redact func(string) string) error {
	depth := 0
	open := false // after "{" or "[": the newline waits for a first element
	newline := func() {
		_ = w.WriteByte('\n')
		for range depth {
			_, _ = w.WriteString("  ")
		}
	}
	for i := 0; i < len(src); i++ {
		c := src[i]
		switch c {
		case '"':
			j := i + 1
			for j < len(src) && src[j] != '"' {
				if src[j] == '\\' {
					j++
				}
				j++
			}
			if open {
				newline()
				open = false
			}
			if err := writeJSONString(w, src[i:j+1], redact); err != nil {
				return err
			}
			i = j
		case '{', '[':
			if open {
				newline()
			}
			_ = w.WriteByte(c)
			depth++
			open = true
		case '}', ']':
			depth--
			if !open {
				newline()
			}
			open = false
			_ = w.WriteByte(c)
		case ',':
			_ = w.WriteByte(c)
			newline()
		case ':':
			_, _ = w.WriteString(": ")
		default:
			if open {
				newline()
				open = false
			}
			_ = w.WriteByte(c)
		}
	}
	_, err := w.WriteString("\n")
	return err
}

// writeJSONString writes the JSON string literal lit, redacted.
func writeJSONString(w *bufio.Writer, lit []byte, redact func(string) string) error {
	var s string
	if bytes.IndexByte(lit, '\\') < 0 {
		s = string(lit[1 : len(lit)-1])
	} else if err := json.Unmarshal(lit, &s); err != nil {
		return err
	}
	r := redact(s)
	if r == s {
		_, err := w.Write(lit)
		return err
	}
	q, err := json.Marshal(r)
	if err != nil {
		return err
	}
	_, err = w.Write(q)
	return err
}

// Redact returns a copy of the model, for printing, in which the values
// of credentials are replaced by model.Redacted: ini keys and effective
// settings named like a credential (unless the value is only a reference
// such as $__file{…}; ${VAR:-default} has a literal default and is
// hidden), URL passwords, and nginx credential header values and
// variables. The input model is not changed. writeModel then passes every
// string through the model's secrets.Set as well.
func Redact(m *model.Model) *model.Model {
	out := *m
	out.Stacks = make([]*model.Stack, len(m.Stacks))
	files := map[*model.IniFile]*model.IniFile{}
	for i, s := range m.Stacks {
		cp := *s
		if s.Settings != nil {
			cp.Settings = redactSettings(s.Settings, files)
		}
		cp.DatasourceFiles = redactDatasourceFiles(s.DatasourceFiles)
		cp.Nginx = make([]*model.NginxConfig, len(s.Nginx))
		for j, n := range s.Nginx {
			nc := *n
			nc.Directives = redactDirectives(n.Directives)
			cp.Nginx[j] = &nc
		}
		out.Stacks[i] = &cp
	}
	return &out
}

// secretKey reports whether an ini key's value is printed redacted: every
// key named like a credential (a broader test than secret/plaintext's, as
// showing less here costs nothing).
func secretKey(section, key string) bool {
	return secrets.IsIniSecret(section, key) || model.IsSecretKey(key)
}

// hidden reports whether a credential's value must be replaced: anything
// but an empty value or a single reference.
func hidden(v string) bool {
	return strings.TrimSpace(v) != "" && !secrets.IsReference(v)
}

func redactSettings(s *model.Settings, files map[*model.IniFile]*model.IniFile) *model.Settings {
	cp := *s
	if s.File != nil {
		if f, ok := files[s.File]; ok {
			cp.File = f
		} else {
			cp.File = redactIniFile(s.File)
			files[s.File] = cp.File
		}
	}
	cp.Sections = map[string]map[string]*model.Setting{}
	for sec, keys := range s.Sections {
		cp.Sections[sec] = map[string]*model.Setting{}
		for k, st := range keys {
			if secretKey(sec, k) && hidden(st.Value) {
				c := *st
				c.Value = model.Redacted
				st = &c
			} else if v := redactURL(st.Value); v != st.Value {
				c := *st
				c.Value = v
				st = &c
			}
			cp.Sections[sec][k] = st
		}
	}
	return &cp
}

func redactIniFile(f *model.IniFile) *model.IniFile {
	cp := *f
	cp.Sections = make([]*model.IniSection, len(f.Sections))
	for i, sec := range f.Sections {
		sc := *sec
		sc.Keys = make([]*model.IniKey, len(sec.Keys))
		for j, k := range sec.Keys {
			switch {
			case secretKey(k.Section, k.Name.V) && (hidden(k.Value.V) || k.Comment.V != ""):
				kc := *k
				kc.Raw.V, kc.Value.V = model.Redacted, model.Redacted
				if kc.Comment.V != "" {
					// A "#" or ";" inside a password cuts it: the
					// comment holds the rest of the secret.
					kc.Comment.V = model.Redacted
				}
				k = &kc
			case redactURL(k.Value.V) != k.Value.V || redactURL(k.Raw.V) != k.Raw.V:
				kc := *k
				kc.Raw.V, kc.Value.V = redactURL(k.Raw.V), redactURL(k.Value.V)
				k = &kc
			}
			sc.Keys[j] = k
		}
		cp.Sections[i] = &sc
	}
	return &cp
}

func redactDatasourceFiles(files []*model.DatasourceFile) []*model.DatasourceFile {
	out := make([]*model.DatasourceFile, len(files))
	for i, f := range files {
		cp := *f
		cp.Datasources = make([]*model.Datasource, len(f.Datasources))
		for j, ds := range f.Datasources {
			d := *ds
			d.URL.V = redactURL(ds.URL.V)
			cp.Datasources[j] = &d
		}
		out[i] = &cp
	}
	return out
}

// headerDirectives set a header: name, then value.
var headerDirectives = map[string]bool{"proxy_set_header": true, "add_header": true, "grpc_set_header": true, "add_trailer": true}

// redactDirectives copies an nginx tree for printing, hiding the values of
// headers that carry credentials (proxy_set_header Authorization "Basic …",
// more_set_headers "Authorization: …"), of variables named like a
// credential (set $api_token …) and passwords in URLs. Parent links are
// not kept: the printed tree does not show them.
func redactDirectives(ds []*model.Directive) []*model.Directive {
	if ds == nil {
		return nil
	}
	out := make([]*model.Directive, len(ds))
	for i, d := range ds {
		c := *d
		c.Args = append([]model.Str(nil), d.Args...)
		switch name := d.Name.V; {
		case headerDirectives[name] && len(c.Args) > 1 && secrets.IsCredentialHeader(c.Args[0].V):
			for j := 1; j < len(c.Args); j++ {
				if hidden(c.Args[j].V) && (j == 1 || c.Args[j].V != "always") {
					c.Args[j].V = model.Redacted
				}
			}
		case name == "more_set_headers" || name == "more_set_input_headers":
			for j, a := range c.Args {
				if h, _, ok := strings.Cut(a.V, ":"); ok && secrets.IsCredentialHeader(h) {
					c.Args[j].V = h + ": " + model.Redacted
				}
			}
		case name == "set" && len(c.Args) > 1 && secrets.CredentialName(strings.Trim(c.Args[0].V, "${}")) && hidden(c.Args[1].V):
			c.Args[1].V = model.Redacted
		}
		for j := range c.Args {
			c.Args[j].V = redactURL(c.Args[j].V)
		}
		c.Block = redactDirectives(d.Block)
		out[i] = &c
	}
	return out
}

// redactURL hides what secrets recognises by its form in s: the password
// of a URL with user info, password=… in a connection string, a MySQL
// DSN's password, a credential header's value.
func redactURL(s string) string { return (*secrets.Set)(nil).Text(s) }
