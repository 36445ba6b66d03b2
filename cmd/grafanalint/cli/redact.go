package cli

import (
	"net/url"

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
