package fix

import (
	"fmt"
	"slices"
	"strings"

	"github.com/grafanalint/grafanalint/parsers/model"
)

// PinUID returns the edits that write `uid: <uid>` into the datasource
// entry ds of the provisioning file df, so that the UID Grafana derives
// from its name (or any other) is fixed in the file. In an apiVersion 1
// file the key goes on a line of its own after the entry's `name` line,
// indented like `name` (in a flow mapping, right after its "{", on a line
// of its own when the "{" ends its line); an
// empty `uid: ""` is filled in. A legacy file (no apiVersion) has no uid
// field at all, so there the edits first upgrade it to apiVersion 1 (see
// UpgradeLegacy). why says, when there are no edits, why the pin is not
// certain.
func PinUID(df *model.DatasourceFile, ds *model.Datasource, uid string) (edits []Edit, why string) {
	if df == nil || ds == nil {
		return nil, "the datasource's provisioning file is unknown"
	}
	if ds.UIDDynamic || ds.NameDynamic {
		return nil, "the datasource's name or uid is interpolated at deploy time"
	}
	if df.APIVersion == 0 {
		up, why := UpgradeLegacy(df)
		if up == nil {
			return nil, "the file uses the legacy format, which has no uid field, and " + why
		}
		edits = up
	} else if len(df.Issues) > 0 {
		return nil, "Grafana cannot decode the file"
	}
	in, why := entryOf(df, ds)
	if why != "" {
		return nil, why
	}
	for _, f := range ds.Fields {
		if f.Path != "uid" || f.Ignored {
			continue
		}
		// A uid key that is empty: fill it in rather than add a second
		// key, which yaml.v3 refuses.
		e, ok := ReplaceStr(f.Value, uid, YAMLScalar)
		if !ok || f.Value.V != "" || !in(f.Value.Pos) {
			return nil, "the entry has a uid key with no value to fill in"
		}
		return append(edits, e), ""
	}
	name := field(ds, "name")
	if name == nil || !ds.Name.Pos.IsValid() || !ds.Name.End.IsValid() {
		return nil, "the entry's name has no known extent"
	}
	if !in(name.Key.Pos) || !in(ds.Name.Pos) {
		return nil, "the entry's name comes from a YAML alias or merge key"
	}
	entry := "uid: " + uid
	if !PlainYAML(uid) {
		entry = "uid: " + quoteYAML(uid)
	}
	first := keyPosOfFirst(ds, in)
	switch {
	case ds.Pos == first:
		// Block mapping: a line of its own after the name, when the
		// name is written on one line with its key.
		if name.Key.Pos.Line != ds.Name.Pos.Line || ds.Name.End.Line != ds.Name.Pos.Line {
			return nil, "the entry's name spans several lines"
		}
		return append(edits, LineAfter(ds.Name.Pos, entry, name.Key.Pos)), ""
	case first.Line > ds.Pos.Line:
		// A flow mapping whose "{" ends its line: a line of its own
		// before the first key, indented like it.
		return append(edits, LineAfter(ds.Pos, entry+",", first)), ""
	default:
		// A flow mapping {name: …, type: …}: the entry's position is its
		// "{".
		return append(edits, Edit{Op: Replace, Start: ds.Pos, End: next(ds.Pos), Old: "{", New: "{" + entry + ", "}), ""
	}
}

// UpgradeLegacy returns the edits that turn the legacy (v0) datasource
// provisioning file df into an apiVersion 1 file Grafana reads the same
// way: an `apiVersion: 1` line before the first key and the snake_case
// keys renamed (org_id → orgId, is_default → isDefault, …). It offers them
// only when that changes nothing else: every key is one Grafana reads in
// the legacy format, no value contains "$" (apiVersion 1 interpolates
// them), booleans are written true or false and integers as digits (as
// apiVersion 1 parses them with strconv), there is no deleteDatasources
// entry and no key to rename holds a mapping (the model records the
// positions of scalar keys only). why says which condition failed.
func UpgradeLegacy(df *model.DatasourceFile) (edits []Edit, why string) {
	if df.APIVersion != 0 {
		return nil, "the file already has an apiVersion"
	}
	if len(df.Issues) > 0 {
		return nil, "Grafana cannot decode it"
	}
	if len(df.Keys) == 0 {
		return nil, "it has no keys"
	}
	keys := slices.Clone(df.Keys)
	slices.SortFunc(keys, func(a, b model.Str) int { return comparePos(a.Pos, b.Pos) })
	for _, k := range keys {
		switch k.V {
		case "datasources":
		case "delete_datasources":
			if len(df.Deletes) > 0 {
				return nil, "its delete_datasources entries cannot be renamed with certainty"
			}
			e, ok := ReplaceStr(k, "deleteDatasources", Raw)
			if !ok {
				return nil, "the delete_datasources key has no known extent"
			}
			edits = append(edits, e)
		case "apiVersion":
			return nil, "its apiVersion is not an integer above 0"
		default:
			return nil, fmt.Sprintf("Grafana does not read its top-level key %q in the legacy format and would in apiVersion 1", k.V)
		}
	}
	first := keys[0]
	if first.Pos.Col != 1 {
		return nil, "its first key is not at the start of a line"
	}
	edits = append([]Edit{LineBefore(first.Pos, "apiVersion: 1", model.Pos{})}, edits...)
	seen := map[model.Pos]bool{}
	for _, ds := range df.Datasources {
		for _, f := range ds.Fields {
			if f.Ignored {
				return nil, fmt.Sprintf("Grafana ignores its key %q in the legacy format and would read it in apiVersion 1", f.Key.V)
			}
			if strings.Contains(f.Value.V, "$") {
				return nil, fmt.Sprintf("apiVersion 1 would interpolate the \"$\" in the value of %q", f.Path)
			}
			top, nested := f.Path, false
			if i := strings.IndexAny(f.Path, ".["); i >= 0 {
				top, nested = f.Path[:i], true
			}
			switch top {
			case "isDefault", "basicAuth", "withCredentials", "editable":
				if !slices.Contains([]string{"true", "True", "TRUE", "false", "False", "FALSE"}, f.Value.V) && f.Value.IsSet() {
					return nil, fmt.Sprintf("apiVersion 1 would read the boolean %q of %q differently", f.Value.V, f.Key.V)
				}
			case "orgId", "version":
				if f.Value.IsSet() && strings.Trim(f.Value.V, "0123456789") != "" {
					return nil, fmt.Sprintf("apiVersion 1 would read the integer %q of %q differently", f.Value.V, f.Key.V)
				}
			}
			v0, renamed := legacyKeys[top]
			if !renamed {
				continue
			}
			if nested || f.Key.V != v0 {
				return nil, fmt.Sprintf("its key %q holds a mapping or list, whose key position is not recorded", v0)
			}
			if seen[f.Key.Pos] {
				continue
			}
			seen[f.Key.Pos] = true
			e, ok := ReplaceStr(f.Key, top, Raw)
			if !ok {
				return nil, fmt.Sprintf("its key %q has no known extent", v0)
			}
			edits = append(edits, e)
		}
	}
	return edits, ""
}

// legacyKeys maps the apiVersion 1 names of datasource keys that the
// legacy format spells differently to their legacy names (Grafana's
// upsertDataSourceFromConfigV0 in
// pkg/services/provisioning/datasources/types.go).
var legacyKeys = map[string]string{
	"orgId":           "org_id",
	"orgName":         "org_name",
	"basicAuth":       "basic_auth",
	"basicAuthUser":   "basic_auth_user",
	"withCredentials": "with_credentials",
	"isDefault":       "is_default",
	"jsonData":        "json_data",
	"secureJsonData":  "secure_json_data",
}

// entryOf returns a test for positions inside the text of entry ds in df
// (ds may be a copy of the entry, as rules that replay provisioning make):
// from its position to the next entry, deletion or top-level key. why is
// set when the entry shares text with another (a YAML alias of it, or keys
// another entry merges from it), where one edit would change both.
func entryOf(df *model.DatasourceFile, ds *model.Datasource) (in func(model.Pos) bool, why string) {
	var end model.Pos
	later := func(p model.Pos) {
		if p.IsValid() && comparePos(p, ds.Pos) > 0 && (!end.IsValid() || comparePos(p, end) < 0) {
			end = p
		}
	}
	same := 0
	for _, o := range df.Datasources {
		if o.Pos == ds.Pos {
			same++
		}
		later(o.Pos)
	}
	if same != 1 {
		return nil, "the entry is repeated through a YAML alias, or is not in the file"
	}
	for _, d := range df.Deletes {
		later(d.Pos)
	}
	for _, k := range df.Keys {
		later(k.Pos)
	}
	in = func(p model.Pos) bool {
		return p.IsValid() && comparePos(p, ds.Pos) >= 0 && (!end.IsValid() || comparePos(p, end) < 0)
	}
	for _, o := range df.Datasources {
		if o.Pos == ds.Pos {
			continue
		}
		for _, f := range o.Fields {
			if in(f.Key.Pos) || in(f.Value.Pos) {
				return nil, "another entry merges keys from this one (a YAML anchor)"
			}
		}
	}
	for _, f := range ds.Fields {
		if f.Key.Pos.IsValid() && !in(f.Key.Pos) {
			return nil, "the entry merges keys from elsewhere (a YAML merge key)"
		}
	}
	return in, ""
}

// keyPosOfFirst returns the position of the first key of ds written inside
// it: the entry's own position when it is a block mapping.
func keyPosOfFirst(ds *model.Datasource, in func(model.Pos) bool) model.Pos {
	var first model.Pos
	for _, f := range ds.Fields {
		if in(f.Key.Pos) && (!first.IsValid() || comparePos(f.Key.Pos, first) < 0) {
			first = f.Key.Pos
		}
	}
	return first
}

// field returns ds's top-level field at path, nil when absent.
func field(ds *model.Datasource, path string) *model.Field {
	for i := range ds.Fields {
		if ds.Fields[i].Path == path && !ds.Fields[i].Ignored {
			return &ds.Fields[i]
		}
	}
	return nil
}

// next returns the position one character after p on its line.
func next(p model.Pos) model.Pos { p.Col++; return p }

func comparePos(a, b model.Pos) int {
	if a.Line != b.Line {
		return a.Line - b.Line
	}
	return a.Col - b.Col
}

// quoteYAML writes v as a double-quoted YAML scalar.
func quoteYAML(v string) string { return `"` + escapeJSON(v) + `"` }
