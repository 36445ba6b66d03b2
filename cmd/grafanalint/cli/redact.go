package cli

import (
	"net/url"
	"strings"

	"github.com/grafanalint/grafanalint/parsers/model"
)

// Redact returns a copy of the model, for printing, in which the values of
// secret ini keys and URL passwords are replaced by model.Redacted. The
// input model is not changed.
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
			if model.IsSecretKey(k) && st.Value != "" && !st.Dynamic {
				c := *st
				c.Value = model.Redacted
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
			if model.IsSecretKey(k.Name.V) && k.Value.V != "" {
				kc := *k
				kc.Raw.V, kc.Value.V = model.Redacted, model.Redacted
				if kc.Comment.V != "" {
					// A "#" or ";" inside a password cuts it: the
					// comment holds the rest of the secret.
					kc.Comment.V = model.Redacted
				}
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

// credentialHeaders are request headers whose values are credentials.
var credentialHeaders = map[string]bool{"authorization": true, "proxy-authorization": true, "cookie": true, "x-api-key": true}

// redactDirectives copies an nginx tree for printing, hiding the values of
// headers that carry credentials (proxy_set_header Authorization "Basic …")
// and passwords in proxy_pass URLs. Parent links are not kept: the
// printed tree does not show them.
func redactDirectives(ds []*model.Directive) []*model.Directive {
	if ds == nil {
		return nil
	}
	out := make([]*model.Directive, len(ds))
	for i, d := range ds {
		c := *d
		c.Args = append([]model.Str(nil), d.Args...)
		switch name := d.Name.V; {
		case (name == "proxy_set_header" || name == "add_header" || name == "more_set_headers") && len(c.Args) > 1 &&
			(credentialHeaders[strings.ToLower(c.Args[0].V)] || model.IsSecretKey(c.Args[0].V)):
			for j := 1; j < len(c.Args); j++ {
				c.Args[j].V = model.Redacted
			}
		case name == "proxy_pass" && len(c.Args) == 1:
			c.Args[0].V = redactURL(c.Args[0].V)
		}
		c.Block = redactDirectives(d.Block)
		out[i] = &c
	}
	return out
}

// redactURL hides the password of a URL with user info.
func redactURL(s string) string {
	u, err := url.Parse(s)
	if err != nil || u.User == nil {
		return s
	}
	if _, has := u.User.Password(); !has {
		return s
	}
	u.User = url.UserPassword(u.User.Username(), "xxxxx")
	return u.String()
}
