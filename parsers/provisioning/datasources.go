package provisioning

import (
	"strings"

	"github.com/grafanalint/grafanalint/parsers/model"
	"gopkg.in/yaml.v3"
)

// ParseDatasources reads a datasource provisioning file
// (<provisioning>/datasources/*.yaml) as Grafana does.
//
// A file with an integer apiVersion above 0 is read with the camelCase keys
// of apiVersion 1 and its values are interpolated by Grafana ($VAR, ${VAR},
// $__env{}, $__file{}, $__vault{}); a file without one is the legacy v0
// format, with snake_case keys (org_id, is_default, json_data,
// secure_json_data, basic_auth, …, delete_datasources), no uid and no
// interpolation. An apiVersion that is not an integer is reported as an
// issue and the file is read as apiVersion 1.
//
// YAML syntax errors, duplicate keys, alias cycles and malformed merge keys
// are returned as problems of kind model.ProblemSyntax; a file with a
// syntax error yields an empty DatasourceFile. Values of the wrong shape are
// recorded in DatasourceFile.Issues. Values reached through an alias carry
// the position of the anchored value.
func ParseDatasources(path string, src []byte) (*model.DatasourceFile, []model.Problem) {
	s := newSource(path, src)
	root, prob := parseYAML(s)
	if prob != nil {
		return &model.DatasourceFile{Path: path, Datasources: []*model.Datasource{}}, []model.Problem{*prob}
	}
	return buildDatasources(s, root)
}

// Keys of datasource entries, by the apiVersion 1 name, with their legacy
// names. A legacy name "" means the key does not exist in that format.
var dsKeys = []struct{ v1, v0 string }{
	{"orgId", "org_id"},
	{"orgName", "org_name"},
	{"version", "version"},
	{"name", "name"},
	{"type", "type"},
	{"access", "access"},
	{"url", "url"},
	{"user", "user"},
	{"database", "database"},
	{"basicAuth", "basic_auth"},
	{"basicAuthUser", "basic_auth_user"},
	{"withCredentials", "with_credentials"},
	{"isDefault", "is_default"},
	{"correlations", "correlations"},
	{"jsonData", "json_data"},
	{"secureJsonData", "secure_json_data"},
	{"editable", "editable"},
	{"uid", ""},
	{"description", ""},
}

var deleteKeys = []struct{ v1, v0 string }{
	{"orgId", "org_id"},
	{"orgName", "org_name"},
	{"name", "name"},
}

// canon returns the apiVersion 1 name of a key and whether Grafana reads it
// in this format version.
func canon(keys []struct{ v1, v0 string }, k string, v1 bool) (string, bool) {
	for _, e := range keys {
		if v1 && e.v1 == k || !v1 && e.v0 != "" && e.v0 == k {
			return e.v1, true
		}
	}
	return k, false
}

func buildDatasources(s *source, root *yaml.Node) (f *model.DatasourceFile, probs []model.Problem) {
	f = &model.DatasourceFile{Path: s.path, Datasources: []*model.Datasource{}}
	if root == nil {
		return f, nil
	}
	w := newWalker(s, root)
	t := typed{w: w, what: "datasource"}
	defer func() { probs, f.Issues = w.finish() }()
	r := w.resolve(root)
	if isNull(r) {
		return f, w.problems
	}
	if r.Kind != yaml.MappingNode {
		w.issue(r, "a datasource provisioning file must be a mapping with \"apiVersion\" and \"datasources\", not %s; %s", shapeName(r), t.fail())
		return f, w.problems
	}
	w.push(r)
	defer w.pop(r)
	entries := w.entries(r, true)
	for _, e := range entries {
		if e.key != nil && e.key.Kind == yaml.ScalarNode {
			f.Keys = append(f.Keys, w.str(e.key))
		}
	}
	f.APIVersion, f.APIVersionPos, w.v1 = apiVersion(w, t, entries, true)

	deletes := "delete_datasources"
	if w.v1 {
		deletes = "deleteDatasources"
	}
	for _, e := range entries {
		switch e.name() {
		case "datasources":
			for _, item := range w.list(t, "datasources", e.val) {
				f.Datasources = append(f.Datasources, parseDatasource(w, t, item))
			}
		case deletes:
			for _, item := range w.list(t, e.name(), e.val) {
				f.Deletes = append(f.Deletes, parseDelete(w, t, item))
			}
		case "prune":
			if !w.v1 {
				continue
			}
			if v := w.resolve(e.val); !isNull(v) {
				var b bool
				if err := v.Decode(&b); err != nil {
					w.issue(v, "\"prune\" must be a boolean, not %s; %s", shapeName(v), t.fail())
				}
				f.Prune = b
			}
		}
	}
	return f, w.problems
}

// apiVersion reads the top-level apiVersion as Grafana decodes it (an
// int64 through yaml.v3). When strict, a value that does not decode is an
// issue and the file counts as apiVersion 1 (datasources); otherwise it is
// silently 0, as Grafana's dashboard provisioning treats it.
func apiVersion(w *walker, t typed, entries []entry, strict bool) (int, model.Pos, bool) {
	for _, e := range entries {
		if e.name() != "apiVersion" {
			continue
		}
		v := w.resolve(e.val)
		if isNull(v) {
			return 0, model.Pos{}, false
		}
		var n int64
		if err := v.Decode(&n); err != nil {
			if strict {
				w.issue(v, "\"apiVersion\" must be an integer such as 1, not %s; %s", shapeName(v), t.fail())
				return 0, w.valuePos(v), true
			}
			return 0, w.valuePos(v), false
		}
		return int(n), w.valuePos(v), n > 0
	}
	return 0, model.Pos{}, false
}

// list returns the mappings of a list value. A null value is an empty
// list; other shapes, and items that are not mappings, are issues. Null
// items are skipped, as Grafana skips nil entries.
func (w *walker) list(t typed, key string, v *yaml.Node) []*yaml.Node {
	r := w.resolve(v)
	if isNull(r) {
		return nil
	}
	if r.Kind != yaml.SequenceNode {
		w.issue(r, "%q must be a list, not %s; %s", key, shapeName(r), t.fail())
		return nil
	}
	var out []*yaml.Node
	for _, item := range r.Content {
		ri := w.resolve(item)
		switch {
		case isNull(ri):
		case ri.Kind != yaml.MappingNode:
			w.issue(ri, "each item of %q must be a mapping, not %s; %s", key, shapeName(ri), t.fail())
		default:
			out = append(out, ri)
		}
	}
	return out
}

func parseDatasource(w *walker, t typed, n *yaml.Node) *model.Datasource {
	ds := &model.Datasource{File: w.path, Pos: w.nodePos(n)}
	w.push(n)
	defer w.pop(n)
	var orgID int64
	orgIDSet := false
	for _, e := range w.entries(n, true) {
		if e.key == nil || e.key.Kind != yaml.ScalarNode {
			continue
		}
		name, known := canon(dsKeys, e.name(), w.v1)
		w.leaves(&ds.Fields, name, w.str(e.key), e.val, leafOpts{ignored: !known, interpolated: w.v1})
		if !known {
			continue
		}
		switch name {
		case "name":
			ds.Name, _ = t.str(name, e.val)
		case "type":
			ds.Type, _ = t.str(name, e.val)
		case "uid":
			ds.UID, _ = t.str(name, e.val)
		case "access":
			ds.Access, _ = t.str(name, e.val)
		case "url":
			ds.URL, _ = t.str(name, e.val)
		case "orgName":
			ds.OrgName, _ = t.str(name, e.val)
		case "user", "database", "basicAuthUser", "description":
			t.str(name, e.val)
		case "orgId":
			v, s, dyn, ok := t.integer(name, e.val)
			if ok {
				orgID, orgIDSet = v, true
				ds.OrgIDPos, ds.OrgIDDynamic = s.Pos, dyn
			}
		case "version":
			t.integer(name, e.val)
		case "isDefault":
			v, s, dyn, ok := t.boolean(name, e.val)
			if ok {
				ds.IsDefault, ds.IsDefaultPos, ds.IsDefaultDynamic = v, s.Pos, dyn
			}
		case "basicAuth", "withCredentials", "editable":
			t.boolean(name, e.val)
		case "jsonData":
			w.mapping(t, name, e.val, false)
		case "secureJsonData":
			w.mapping(t, name, e.val, true)
		case "correlations":
			w.list(t, name, e.val)
		}
	}
	ds.NameDynamic = w.v1 && IsDynamic(ds.Name.V)
	ds.UIDDynamic = w.v1 && IsDynamic(ds.UID.V)
	switch {
	case ds.OrgIDDynamic:
		ds.OrgID = 1
	case orgIDSet && orgID != 0:
		ds.OrgID = int(orgID)
	case ds.OrgName.V != "":
		ds.OrgID = 0
	default:
		ds.OrgID = 1
	}
	if ds.UID.V == "" {
		ds.UID = model.Str{V: DerivedUID(ds.Name.V), Pos: ds.Name.Pos, End: ds.Name.End}
		ds.UIDDerived = true
		ds.UIDDynamic = ds.NameDynamic
	}
	for _, f := range ds.Fields {
		if f.Ignored || f.Value.V == "" {
			continue
		}
		if strings.HasPrefix(f.Path, "jsonData.") && isLinkKey(f.Key.V) ||
			strings.HasPrefix(f.Path, "correlations[") && strings.Count(f.Path, ".") == 1 && f.Key.V == "targetUID" {
			ds.Links = append(ds.Links, model.DatasourceLink{Field: f.Path, UID: f.Value, Dynamic: f.Dynamic})
		}
	}
	return ds
}

// mapping checks a value Grafana decodes into a map: a mapping or null;
// with scalars as values when stringValues (secureJsonData).
func (w *walker) mapping(t typed, key string, v *yaml.Node, stringValues bool) {
	r := w.resolve(v)
	if isNull(r) {
		return
	}
	if r.Kind != yaml.MappingNode {
		w.issue(r, "%q must be a mapping, not %s; %s", key, shapeName(r), t.fail())
		return
	}
	if !stringValues {
		return
	}
	w.push(r)
	defer w.pop(r)
	for _, e := range w.entries(r, true) {
		if ev := w.resolve(e.val); ev != nil && ev.Kind != yaml.ScalarNode {
			w.issue(ev, "values under %q must be strings, not %s; %s", key, shapeName(ev), t.fail())
		}
	}
}

func parseDelete(w *walker, t typed, n *yaml.Node) *model.DatasourceDelete {
	d := &model.DatasourceDelete{Pos: w.nodePos(n), OrgID: 1}
	w.push(n)
	defer w.pop(n)
	for _, e := range w.entries(n, true) {
		name, known := canon(deleteKeys, e.name(), w.v1)
		if !known {
			continue
		}
		switch name {
		case "name":
			d.Name, _ = t.str(name, e.val)
		case "orgName":
			t.str(name, e.val)
		case "orgId":
			if v, _, dyn, ok := t.integer(name, e.val); ok && !dyn && v != 0 {
				d.OrgID = int(v)
			}
		}
	}
	return d
}
