package fixer

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	"gopkg.in/yaml.v3"

	"github.com/grafanalint/grafanalint/parsers/model"
	"github.com/grafanalint/grafanalint/parsers/provisioning"
	"github.com/grafanalint/grafanalint/rules"
	"github.com/grafanalint/grafanalint/rules/fix"
)

// TestUpgradeLegacyDecodesTheSame: a legacy datasource file upgraded to
// apiVersion 1 (and a uid pinned) decodes, key renames aside, to the same
// values as before plus apiVersion and the uid — checked with yaml.v3 on
// both texts — and files where that cannot be guaranteed get no edits.
func TestUpgradeLegacyDecodesTheSame(t *testing.T) {
	tests := []struct {
		name, src string
		upgrade   bool
	}{
		{"plain", "datasources:\n  - name: A\n    type: prometheus\n    url: http://a:9090\n", true},
		{"renamed scalars", "# c\ndatasources:\n- name: A\n  type: x\n  org_id: 2\n  is_default: true\n  basic_auth: false\n  basic_auth_user: u\n  with_credentials: true\n  editable: false\n  version: 3\ndelete_datasources:\n", true},
		{"flow", "datasources: [{name: A, type: x, org_id: 1}]\n", true},
		{"crlf", "datasources:\r\n  - name: A\r\n    type: x\r\n    org_id: 1\r\n", true},
		{"ignored camelCase key", "datasources:\n  - name: A\n    type: x\n    isDefault: true\n", false},
		{"interpolation", "datasources:\n  - name: A\n    type: x\n    url: $URL\n", false},
		{"yes boolean", "datasources:\n  - name: A\n    type: x\n    is_default: yes\n", false},
		{"json_data mapping", "datasources:\n  - name: A\n    type: x\n    json_data:\n      a: b\n", false},
		{"deletions", "delete_datasources:\n  - name: B\n    org_id: 1\ndatasources:\n  - name: A\n    type: x\n", false},
		{"unknown top-level key", "datasources:\n  - name: A\n    type: x\nprune: true\n", false},
		{"indented first key", "  datasources:\n  - name: A\n    type: x\n", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			df, probs := provisioning.ParseDatasources("ds.yaml", []byte(tt.src))
			if len(probs) > 0 {
				t.Fatal(probs)
			}
			edits, why := fix.PinUID(df, df.Datasources[0], "PFIXED")
			if !tt.upgrade {
				if why == "" {
					t.Fatalf("edits offered: %+v", edits)
				}
				return
			}
			if why != "" {
				t.Fatal(why)
			}
			_, m := tree(t, map[string]string{"ds.yaml": tt.src}, map[string]model.Kind{"ds.yaml": model.KindDatasources})
			p := New(m, []rules.Finding{{Rule: "t/x", Pos: model.Pos{File: "ds.yaml", Line: 1, Col: 1}, Fix: &fix.Fix{Edits: edits}}}, Options{})
			if len(p.Files) != 1 {
				t.Fatalf("not applied: %+v", p.Skipped)
			}
			var before, after map[string]any
			if err := yaml.Unmarshal([]byte(tt.src), &before); err != nil {
				t.Fatal(err)
			}
			if err := yaml.Unmarshal(p.Files[0].New, &after); err != nil {
				t.Fatalf("%v in\n%s", err, p.Files[0].New)
			}
			want := renameLegacy(before)
			want["apiVersion"] = 1
			want["datasources"].([]any)[0].(map[string]any)["uid"] = "PFIXED"
			if diff := cmp.Diff(want, after); diff != "" {
				t.Errorf("(-want +got):\n%s\n%s", diff, p.Files[0].New)
			}
			df2, probs := provisioning.ParseDatasources("ds.yaml", p.Files[0].New)
			if len(probs) > 0 || len(df2.Issues) > 0 || df2.APIVersion != 1 || df2.Datasources[0].UID.V != "PFIXED" || df2.Datasources[0].UIDDerived {
				t.Errorf("grafanalint reads the upgraded file as %+v %v", df2, probs)
			}
		})
	}
}

// renameLegacy renames the legacy keys of a decoded datasource file to
// their apiVersion 1 names.
func renameLegacy(doc map[string]any) map[string]any {
	names := map[string]string{"org_id": "orgId", "org_name": "orgName", "basic_auth": "basicAuth", "basic_auth_user": "basicAuthUser",
		"with_credentials": "withCredentials", "is_default": "isDefault", "json_data": "jsonData", "secure_json_data": "secureJsonData",
		"delete_datasources": "deleteDatasources"}
	rename := func(m map[string]any) map[string]any {
		out := map[string]any{}
		for k, v := range m {
			if n, ok := names[k]; ok {
				k = n
			}
			out[k] = v
		}
		return out
	}
	out := rename(doc)
	if list, ok := out["datasources"].([]any); ok {
		for i, e := range list {
			list[i] = rename(e.(map[string]any))
		}
	}
	return out
}
