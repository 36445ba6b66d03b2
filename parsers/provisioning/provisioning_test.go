package provisioning

import (
	"fmt"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/grafanalint/grafanalint/parsers/model"
)

func TestDerivedUID(t *testing.T) {
	for name, want := range map[string]string{
		"Prometheus": "PBFA97CFB590B2093",
		"prometheus": "P1809F7CD0C75ACF3",
		"":           "PE3B0C44298FC1C14", // SHA-256 of the empty string starts e3b0c44298fc1c14
	} {
		if got := DerivedUID(name); got != want {
			t.Errorf("DerivedUID(%q) = %q, want %q", name, got, want)
		}
	}
}

func TestIsDynamic(t *testing.T) {
	for s, want := range map[string]bool{
		"":                             false,
		"plain":                        false,
		"$VAR":                         true,
		"http://${HOST}:9090":          true,
		"$__env{PASSWORD}":             true,
		"$__file{/run/secrets/x}":      true,
		"$__vault{secret:path:key}":    true,
		"$$":                           false,
		"Trace: $${__value.raw}":       false,
		"$${__span.tags.method}":       false,
		"a$$$b":                        true, // "$$" then "$b"
		"price: 5$":                    false,
		"$ 5":                          false,
		"$.":                           false,
		"$1":                           true,
		"$-":                           true,
		"100$$ and ${X}":               true,
		"{$${__tags}} | trace_id=\"\"": false,
	} {
		if got := IsDynamic(s); got != want {
			t.Errorf("IsDynamic(%q) = %v, want %v", s, got, want)
		}
	}
}

// str is a helper to build expected positioned strings in file "t.yaml".
func str(v string, line, col, endLine, endCol int) model.Str {
	s := model.Str{V: v, Pos: model.Pos{File: "t.yaml", Line: line, Col: col}}
	if endLine > 0 {
		s.End = model.Pos{File: "t.yaml", Line: endLine, Col: endCol}
	}
	return s
}

func parseDS(t *testing.T, src string) *model.DatasourceFile {
	t.Helper()
	f, probs := ParseDatasources("t.yaml", []byte(src))
	if len(probs) != 0 {
		t.Fatalf("unexpected problems: %v", probs)
	}
	return f
}

func TestPositions(t *testing.T) {
	tests := []struct {
		name string
		src  string
		get  func(*model.DatasourceFile) model.Str
		want model.Str
	}{
		{"plain", "apiVersion: 1\ndatasources:\n  - name: Prom\n", func(f *model.DatasourceFile) model.Str { return f.Datasources[0].Name }, str("Prom", 3, 11, 3, 15)},
		{"double quoted", "datasources:\n- name: \"a\\\"b\"\n", func(f *model.DatasourceFile) model.Str { return f.Datasources[0].Name }, str(`a"b`, 2, 10, 2, 14)},
		{"single quoted", "datasources:\n- name: 'it''s'\n", func(f *model.DatasourceFile) model.Str { return f.Datasources[0].Name }, str("it's", 2, 10, 2, 15)},
		{"after anchor", "datasources:\n- name: &n Prom\n", func(f *model.DatasourceFile) model.Str { return f.Datasources[0].Name }, str("Prom", 2, 12, 2, 16)},
		{"verbatim tag in flow", "datasources:\n- {name: !<tag:yaml.org,2002:str> abc, type: x}\n", func(f *model.DatasourceFile) model.Str { return f.Datasources[0].Name }, str("abc", 2, 35, 2, 38)},
		{"after anchor and tag", "datasources:\n- name: &n !!str 'Prom'\n", func(f *model.DatasourceFile) model.Str { return f.Datasources[0].Name }, str("Prom", 2, 19, 2, 23)},
		{"alias takes anchor position", "apiVersion: 1\nx: &u \"uid-1\"\ndatasources:\n- name: a\n  uid: *u\n", func(f *model.DatasourceFile) model.Str { return f.Datasources[0].UID }, str("uid-1", 2, 8, 2, 13)},
		{"non-ASCII columns", "datasources:\n- name: \"é😀\"\n  type: ü\n", func(f *model.DatasourceFile) model.Str { return f.Datasources[0].Type }, str("ü", 3, 9, 3, 10)},
		{"flow style", "{\"apiVersion\": 1, \"datasources\": [{\"name\": \"A\", \"uid\": \"u\"}]}", func(f *model.DatasourceFile) model.Str { return f.Datasources[0].UID }, str("u", 1, 57, 1, 58)},
		{"literal block", "datasources:\n- name: |\n    two\n    lines\n", func(f *model.DatasourceFile) model.Str { return f.Datasources[0].Name }, str("two\nlines\n", 3, 5, 0, 0)},
		{"folded block with blank line", "datasources:\n- name: >-\n\n    folded\n", func(f *model.DatasourceFile) model.Str { return f.Datasources[0].Name }, str("\nfolded", 4, 5, 0, 0)},
		{"indentation indicator", "datasources:\n- name: |2\n      x\n", func(f *model.DatasourceFile) model.Str { return f.Datasources[0].Name }, str("  x\n", 3, 5, 0, 0)},
		{"multi-line plain", "datasources:\n- name: a\n    b\n", func(f *model.DatasourceFile) model.Str { return f.Datasources[0].Name }, str("a b", 2, 9, 0, 0)},
		{"CRLF", "datasources:\r\n- name: a\r\n  type: 'b'\r\n", func(f *model.DatasourceFile) model.Str { return f.Datasources[0].Type }, str("b", 3, 10, 3, 11)},
		{"BOM not counted", "\ufeffdatasources:\n- name: a\n", func(f *model.DatasourceFile) model.Str { return f.Keys[0] }, str("datasources", 1, 1, 1, 12)},
		{"derived uid at name", "datasources:\n- name: Prometheus\n", func(f *model.DatasourceFile) model.Str { return f.Datasources[0].UID }, str("PBFA97CFB590B2093", 2, 9, 2, 19)},
		{"merge key value", "base: &b {url: 'http://x'}\ndatasources:\n- <<: *b\n  name: a\n", func(f *model.DatasourceFile) model.Str { return f.Datasources[0].URL }, str("http://x", 1, 17, 1, 25)},
		{"link inside quotes", "apiVersion: 1\ndatasources:\n- name: a\n  jsonData:\n    serviceMap: {datasourceUid: \"prom\"}\n", func(f *model.DatasourceFile) model.Str { return f.Datasources[0].Links[0].UID }, str("prom", 5, 34, 5, 38)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := tt.get(parseDS(t, tt.src))
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}

func TestEntryPosition(t *testing.T) {
	f := parseDS(t, "datasources:\n  - &e\n    name: a\n  - {name: b}\n  -   name: c\n")
	var got []string
	for _, d := range f.Datasources {
		got = append(got, fmt.Sprintf("%d:%d", d.Pos.Line, d.Pos.Col))
	}
	if diff := cmp.Diff([]string{"3:5", "4:5", "5:7"}, got); diff != "" {
		t.Errorf("entry positions (-want +got):\n%s", diff)
	}
}

func TestSyntaxProblems(t *testing.T) {
	tests := []struct {
		name      string
		src       string
		line, col int
		msg       string
	}{
		{"bad indentation of a key", "apiVersion: 1\ndatasources:\n  - name: a\n    type: b\n   url: c\n", 5, 4, "did not find expected '-' indicator"},
		{"item inside a mapping", "apiVersion: 1\ndatasources:\n  - name: a\n    - b\n", 4, 5, "did not find expected key"},
		{"tab indentation", "apiVersion: 1\ndatasources:\n\t- name: a\n", 3, 1, "found character that cannot start any token"},
		{"unclosed flow mapping", "apiVersion: 1\ndatasources: [\n  {name: a},\n  {name: b\n]\n", 4, 3, "did not find expected ',' or '}'"},
		{"unknown alias", "apiVersion: 1\ndatasources:\n  - name: *nope\n", 3, 11, "alias *nope refers to no anchor"},
		{"control character", "apiVersion: 1\ndatasources:\n  - name: a\x01b\n", 3, 12, "control characters are not allowed"},
		{"invalid UTF-8", "datasources:\n- name: é\n  type: \xff\n", 3, 9, "invalid leading UTF-8 octet"},
		{"mapping value in plain scalar", "apiVersion: 1\ndatasources:\n  - name: a: b\n", 3, 3, "mapping values are not allowed"},
		{"first line", "a: [\n", 1, 1, "did not find expected node content"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f, probs := ParseDatasources("t.yaml", []byte(tt.src))
			if f == nil || len(f.Datasources) != 0 {
				t.Errorf("want an empty file, got %+v", f)
			}
			if len(probs) != 1 {
				t.Fatalf("want one problem, got %v", probs)
			}
			p := probs[0]
			if p.Kind != model.ProblemSyntax || p.Pos.Line != tt.line || p.Pos.Col != tt.col || !strings.Contains(p.Message, tt.msg) {
				t.Errorf("got %s %s %q, want %d:%d %q", p.Kind, p.Pos, p.Message, tt.line, tt.col, tt.msg)
			}
			if p.Pos.File != "t.yaml" {
				t.Errorf("problem file = %q", p.Pos.File)
			}
		})
	}
}

func TestDecodeProblems(t *testing.T) {
	tests := []struct {
		name      string
		src       string
		line, col int
		msg       string
	}{
		{"duplicate key in entry", "datasources:\n- name: a\n  name: b\n", 3, 3, `mapping key "name" already defined at line 2`},
		{"duplicate key in jsonData", "apiVersion: 1\ndatasources:\n- name: a\n  jsonData:\n    k: 1\n    k: 2\n", 6, 5, `mapping key "k" already defined at line 5`},
		{"alias cycle", "apiVersion: 1\ndatasources:\n- name: a\n  jsonData: &x\n    k: [*x]\n", 5, 9, `anchor "x" value contains itself`},
		{"merge of itself", "datasources:\n- &d\n  name: a\n  <<: *d\n", 4, 7, `anchor "d" value contains itself`},
		{"merge of a scalar", "datasources:\n- <<: 3\n  name: a\n", 2, 7, "merge key"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f, probs := ParseDatasources("t.yaml", []byte(tt.src))
			if len(f.Datasources) != 1 {
				t.Errorf("the model is still built: got %d datasources", len(f.Datasources))
			}
			if len(probs) != 1 {
				t.Fatalf("want one problem, got %v", probs)
			}
			p := probs[0]
			if p.Kind != model.ProblemSyntax || p.Pos.Line != tt.line || p.Pos.Col != tt.col || !strings.Contains(p.Message, tt.msg) {
				t.Errorf("got %s %s %q, want %d:%d %q", p.Kind, p.Pos, p.Message, tt.line, tt.col, tt.msg)
			}
		})
	}
}

func TestDuplicateKeysOutsideDecodedPartsAreFine(t *testing.T) {
	// Grafana does not decode unknown keys, so duplicates there are harmless.
	_, probs := ParseDatasources("t.yaml", []byte("apiVersion: 1\nx-extra:\n  a: 1\n  a: 2\ndatasources:\n- name: a\n  custom:\n    k: 1\n    k: 2\n"))
	if len(probs) != 0 {
		t.Errorf("got %v", probs)
	}
}

func TestExcessiveAliasing(t *testing.T) {
	var b strings.Builder
	b.WriteString("apiVersion: 1\na0: &a0 [x, x, x, x, x, x, x, x, x, x]\n")
	for i := 1; i < 10; i++ {
		fmt.Fprintf(&b, "a%d: &a%d [*a%d, *a%[3]d, *a%[3]d, *a%[3]d, *a%[3]d, *a%[3]d, *a%[3]d, *a%[3]d, *a%[3]d, *a%[3]d]\n", i, i, i-1)
	}
	b.WriteString("datasources:\n- name: bomb\n  jsonData:\n    k: *a9\n")
	f, probs := ParseDatasources("t.yaml", []byte(b.String()))
	if len(probs) != 1 || !strings.Contains(probs[0].Message, "excessive aliasing") {
		t.Fatalf("got %v", probs)
	}
	if len(f.Datasources) != 1 || len(f.Datasources[0].Fields) > 1000000 {
		t.Errorf("walk not bounded: %d fields", len(f.Datasources[0].Fields))
	}
}

func issueAt(t *testing.T, issues []model.Problem, line, col int, msg string) {
	t.Helper()
	for _, p := range issues {
		if p.Pos.Line == line && p.Pos.Col == col && strings.Contains(p.Message, msg) {
			if p.Kind != model.ProblemShape {
				t.Errorf("issue kind = %q", p.Kind)
			}
			return
		}
	}
	t.Errorf("no issue %d:%d %q in %v", line, col, msg, issues)
}

func TestDatasourceIssues(t *testing.T) {
	tests := []struct {
		name      string
		src       string
		line, col int
		msg       string
	}{
		{"top level list", "- name: a\n", 1, 1, "must be a mapping"},
		{"datasources mapping", "apiVersion: 1\ndatasources:\n  name: a\n", 3, 3, `"datasources" must be a list, not a mapping`},
		{"scalar item", "apiVersion: 1\ndatasources:\n  - Prometheus\n", 3, 5, `each item of "datasources" must be a mapping`},
		{"apiVersion string", "apiVersion: \"1\"\ndatasources: []\n", 1, 14, `"apiVersion" must be an integer`},
		{"orgId not a number", "apiVersion: 1\ndatasources:\n- name: a\n  orgId: one\n", 4, 10, `"orgId" must be a decimal integer`},
		{"orgId float", "apiVersion: 1\ndatasources:\n- name: a\n  orgId: 1.0\n", 4, 10, `"orgId" must be a decimal integer`},
		{"legacy org_id quoted", "datasources:\n- name: a\n  org_id: \"2\"\n", 3, 12, `"orgId" must be an integer, not a string`},
		{"isDefault yes in v1", "apiVersion: 1\ndatasources:\n- name: a\n  isDefault: yes\n", 4, 14, `"isDefault" must be true or false`},
		{"isDefault empty in v1", "apiVersion: 1\ndatasources:\n- name: a\n  isDefault: ''\n", 4, 15, `"isDefault" must be true or false`},
		{"editable list", "apiVersion: 1\ndatasources:\n- name: a\n  editable: [true]\n", 4, 13, `"editable" must be a boolean, not a list`},
		{"name mapping", "apiVersion: 1\ndatasources:\n- name: {a: b}\n  type: x\n", 3, 9, `"name" must be a string, not a mapping`},
		{"jsonData list", "apiVersion: 1\ndatasources:\n- name: a\n  jsonData: [a]\n", 4, 13, `"jsonData" must be a mapping, not a list`},
		{"secureJsonData nested", "apiVersion: 1\ndatasources:\n- name: a\n  secureJsonData:\n    password:\n      nested: x\n", 6, 7, `values under "secureJsonData" must be strings, not a mapping`},
		{"complex key in jsonData", "apiVersion: 1\ndatasources:\n- name: a\n  jsonData:\n    ? [k]\n    : v\n", 5, 7, "mapping keys under \"jsonData\" must be strings"},
		{"deleteDatasources scalar", "apiVersion: 1\ndeleteDatasources: Graphite\n", 2, 20, `"deleteDatasources" must be a list, not a string`},
		{"prune string", "apiVersion: 1\nprune: sometimes\n", 2, 8, `"prune" must be a boolean`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f, probs := ParseDatasources("t.yaml", []byte(tt.src))
			if len(probs) != 0 {
				t.Fatalf("unexpected problems: %v", probs)
			}
			issueAt(t, f.Issues, tt.line, tt.col, tt.msg)
			for _, p := range f.Issues {
				if !strings.Contains(p.Message, "Grafana") {
					t.Errorf("issue %q does not say what Grafana does", p.Message)
				}
			}
		})
	}
}

func TestSecretsNotInMessages(t *testing.T) {
	f, _ := ParseDatasources("t.yaml", []byte("apiVersion: 1\ndatasources:\n- name: a\n  secureJsonData:\n    password: [hunter2]\n  orgId: hunter3\n  isDefault: hunter4\n"))
	if len(f.Issues) != 3 {
		t.Fatalf("want 3 issues, got %v", f.Issues)
	}
	for _, p := range f.Issues {
		if strings.Contains(p.Message, "hunter") {
			t.Errorf("message leaks a value: %q", p.Message)
		}
	}
}

func TestDatasourceSemantics(t *testing.T) {
	type view struct {
		APIVersion              int
		Name, Type, UID         string
		UIDDerived              bool
		OrgID                   int
		IsDefault               bool
		NameDyn, UIDDyn, OrgDyn bool
		DefaultDyn              bool
		Links                   []string
		Ignored                 []string
	}
	tests := []struct {
		name string
		src  string
		want view
	}{
		{
			"v1 defaults", "apiVersion: 1\ndatasources:\n- name: Prometheus\n  type: prometheus\n",
			view{APIVersion: 1, Name: "Prometheus", Type: "prometheus", UID: "PBFA97CFB590B2093", UIDDerived: true, OrgID: 1},
		},
		{
			"v1 explicit", "apiVersion: 1\ndatasources:\n- name: p\n  uid: my-uid\n  orgId: \"3\"\n  isDefault: True\n",
			view{APIVersion: 1, Name: "p", UID: "my-uid", OrgID: 3, IsDefault: true},
		},
		{
			"v1 empty uid is derived", "apiVersion: 1\ndatasources:\n- name: prometheus\n  uid: ''\n  orgId: 0\n  isDefault: 1\n",
			view{APIVersion: 1, Name: "prometheus", UID: "P1809F7CD0C75ACF3", UIDDerived: true, OrgID: 1, IsDefault: true},
		},
		{
			"v1 interpolation", "apiVersion: 1\ndatasources:\n- name: ${DS_NAME}\n  orgId: $ORG\n  isDefault: $__env{DEF}\n",
			view{APIVersion: 1, Name: "${DS_NAME}", UID: DerivedUID("${DS_NAME}"), UIDDerived: true, OrgID: 1, NameDyn: true, UIDDyn: true, OrgDyn: true, DefaultDyn: true},
		},
		{
			"v1 escaped dollar is literal", "apiVersion: 1\ndatasources:\n- name: cost$$\n  uid: a$$b\n",
			view{APIVersion: 1, Name: "cost$$", UID: "a$$b", OrgID: 1},
		},
		{
			"v1 dynamic uid", "apiVersion: 1\ndatasources:\n- name: a\n  uid: $__file{/run/uid}\n",
			view{APIVersion: 1, Name: "a", UID: "$__file{/run/uid}", UIDDyn: true, OrgID: 1},
		},
		{
			"v1 org by name", "apiVersion: 1\ndatasources:\n- name: a\n  orgName: Main Org.\n",
			view{APIVersion: 1, Name: "a", UID: DerivedUID("a"), UIDDerived: true, OrgID: 0},
		},
		{
			"v1 ignores snake case", "apiVersion: 1\ndatasources:\n- name: a\n  is_default: true\n  org_id: 4\n",
			view{APIVersion: 1, Name: "a", UID: DerivedUID("a"), UIDDerived: true, OrgID: 1, Ignored: []string{"is_default", "org_id"}},
		},
		{
			"v0 snake case, uid ignored, no interpolation", "datasources:\n- name: $NAME\n  uid: ignored\n  org_id: 2\n  is_default: yes\n  isDefault: false\n  json_data:\n    serviceMap: {datasourceUid: prom}\n",
			view{APIVersion: 0, Name: "$NAME", UID: DerivedUID("$NAME"), UIDDerived: true, OrgID: 2, IsDefault: true, Links: []string{"jsonData.serviceMap.datasourceUid=prom"}, Ignored: []string{"uid", "isDefault"}},
		},
		{
			"apiVersion 0 is legacy", "apiVersion: 0\ndatasources:\n- name: a\n  is_default: on\n",
			view{APIVersion: 0, Name: "a", UID: DerivedUID("a"), UIDDerived: true, OrgID: 1, IsDefault: true},
		},
		{
			"links", "apiVersion: 1\ndatasources:\n- name: t\n  uid: t\n  jsonData:\n    tracesToLogsV2: {datasourceUid: loki}\n    tracesToMetrics: {datasourceUid: \"${PROM}\"}\n    tracesToProfiles: {datasourceUid: pyro}\n    derivedFields:\n      - datasourceUid: tempo\n      - datasourceUid: ''\n      - url: x\n    alertmanagerUid: am\n    tracingDatasourceUid: xray\n    datasourceUid: ~\n  correlations:\n    - targetUID: pg\n      config: {target: {datasourceUid: nested}}\n  secureJsonData:\n    datasourceUid: not-a-link\n",
			view{APIVersion: 1, Name: "t", UID: "t", OrgID: 1, Links: []string{
				"jsonData.tracesToLogsV2.datasourceUid=loki",
				"jsonData.tracesToMetrics.datasourceUid=${PROM} (dynamic)",
				"jsonData.tracesToProfiles.datasourceUid=pyro",
				"jsonData.derivedFields[0].datasourceUid=tempo",
				"jsonData.alertmanagerUid=am",
				"jsonData.tracingDatasourceUid=xray",
				"correlations[0].targetUID=pg",
			}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := parseDS(t, tt.src)
			if len(f.Issues) != 0 {
				t.Fatalf("unexpected issues: %v", f.Issues)
			}
			d := f.Datasources[0]
			got := view{
				APIVersion: f.APIVersion, Name: d.Name.V, Type: d.Type.V, UID: d.UID.V, UIDDerived: d.UIDDerived,
				OrgID: d.OrgID, IsDefault: d.IsDefault, NameDyn: d.NameDynamic, UIDDyn: d.UIDDynamic,
				OrgDyn: d.OrgIDDynamic, DefaultDyn: d.IsDefaultDynamic,
			}
			for _, l := range d.Links {
				s := l.Field + "=" + l.UID.V
				if l.Dynamic {
					s += " (dynamic)"
				}
				got.Links = append(got.Links, s)
			}
			for _, fl := range d.Fields {
				if fl.Ignored {
					got.Ignored = append(got.Ignored, fl.Path)
				}
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}

func TestFields(t *testing.T) {
	f := parseDS(t, "apiVersion: 1\ndatasources:\n- name: a\n  jsonData:\n    httpHeaderName1: X-Token\n    keys: [k1, 2]\n  secureJsonData:\n    httpHeaderValue1: $__file{/run/token}\n    password:\n")
	var got []string
	for _, fl := range f.Datasources[0].Fields {
		got = append(got, fmt.Sprintf("%s key=%s@%d:%d value=%q@%d:%d dyn=%v", fl.Path, fl.Key.V, fl.Key.Pos.Line, fl.Key.Pos.Col, fl.Value.V, fl.Value.Pos.Line, fl.Value.Pos.Col, fl.Dynamic))
	}
	want := []string{
		`name key=name@3:3 value="a"@3:9 dyn=false`,
		`jsonData.httpHeaderName1 key=httpHeaderName1@5:5 value="X-Token"@5:22 dyn=false`,
		`jsonData.keys[0] key=keys@6:5 value="k1"@6:12 dyn=false`,
		`jsonData.keys[1] key=keys@6:5 value="2"@6:16 dyn=false`,
		`secureJsonData.httpHeaderValue1 key=httpHeaderValue1@8:5 value="$__file{/run/token}"@8:23 dyn=true`,
		`secureJsonData.password key=password@9:5 value=""@0:0 dyn=false`,
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}

func TestMergeSemantics(t *testing.T) {
	// yaml.v3: explicit keys win over merged ones; among merged mappings the
	// first one listed wins.
	f := parseDS(t, "apiVersion: 1\na: &a {type: from-a, url: url-a, access: direct}\nb: &b {type: from-b, url: url-b, uid: uid-b}\ndatasources:\n- <<: [*a, *b]\n  name: n\n  url: explicit\n")
	d := f.Datasources[0]
	got := []string{d.Type.V, d.URL.V, d.Access.V, d.UID.V}
	if diff := cmp.Diff([]string{"from-a", "explicit", "direct", "uid-b"}, got); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}

func TestDeletesAndPrune(t *testing.T) {
	f := parseDS(t, "apiVersion: 1\nprune: true\ndeleteDatasources:\n  - name: Graphite\n    orgId: 2\n  - name: Old\ndatasources:\n")
	if !f.Prune {
		t.Error("prune not read")
	}
	var got []string
	for _, d := range f.Deletes {
		got = append(got, fmt.Sprintf("%s/%d@%d:%d", d.Name.V, d.OrgID, d.Pos.Line, d.Pos.Col))
	}
	if diff := cmp.Diff([]string{"Graphite/2@4:5", "Old/1@6:5"}, got); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
	// Legacy: delete_datasources, and deleteDatasources is not read.
	f = parseDS(t, "delete_datasources:\n  - name: A\n    org_id: 3\ndeleteDatasources:\n  - name: B\n")
	if len(f.Deletes) != 1 || f.Deletes[0].Name.V != "A" || f.Deletes[0].OrgID != 3 {
		t.Errorf("legacy deletes = %+v", f.Deletes)
	}
}

func TestEmptyFiles(t *testing.T) {
	for _, src := range []string{"", "# only a comment\n", "~\n", "apiVersion: 1\n", "apiVersion: 1\ndatasources:\n"} {
		f, probs := ParseDatasources("t.yaml", []byte(src))
		if len(probs) != 0 || len(f.Issues) != 0 || len(f.Datasources) != 0 || f.Path != "t.yaml" {
			t.Errorf("%q: got %+v %v", src, f, probs)
		}
	}
}

func TestProviders(t *testing.T) {
	type view struct {
		APIVersion       int
		Name, Type       string
		TypePos          bool
		OrgID            int
		Folder, UID      string
		Path             string
		PathLine, Col    int
		FromFolder       bool
		PathDyn          bool
		FFFS             bool
		Disable, AllowUI bool
		Interval         int
	}
	tests := []struct {
		name string
		src  string
		want view
	}{
		{
			"v1 full",
			"apiVersion: 1\nproviders:\n  - name: default\n    orgId: 2\n    folder: Infra\n    folderUid: infra\n    type: file\n    disableDeletion: true\n    allowUiUpdates: t\n    updateIntervalSeconds: 30\n    options:\n      path: '/var/lib/grafana/dashboards'\n      foldersFromFilesStructure: true\n",
			view{APIVersion: 1, Name: "default", Type: "file", TypePos: true, OrgID: 2, Folder: "Infra", UID: "infra", Path: "/var/lib/grafana/dashboards", PathLine: 12, Col: 14, FFFS: true, Disable: true, AllowUI: true, Interval: 30},
		},
		{
			"v1 defaults and dynamic path",
			"apiVersion: 1\nproviders:\n- name: d\n  options:\n    path: ${DASHBOARDS}\n",
			view{APIVersion: 1, Name: "d", Type: "file", OrgID: 1, Path: "${DASHBOARDS}", PathLine: 5, Col: 11, PathDyn: true, Interval: 10},
		},
		{
			"v1 path from folder when path is not a string",
			"apiVersion: 1\nproviders:\n- name: d\n  options:\n    path: ~\n    folder: /dash\n",
			view{APIVersion: 1, Name: "d", Type: "file", OrgID: 1, Path: "/dash", PathLine: 6, Col: 13, FromFolder: true, Interval: 10},
		},
		{
			"v0 list",
			"- name: 'default'\n  org_id: 3\n  folder: ''\n  type: 'file'\n  options:\n    folder: '/var/lib/grafana/dashboards'\n",
			view{APIVersion: 0, Name: "default", Type: "file", TypePos: true, OrgID: 3, Path: "/var/lib/grafana/dashboards", PathLine: 6, Col: 14, FromFolder: true, Interval: 10},
		},
		{
			"v0 no interpolation, legacy bools",
			"- name: $X\n  disableDeletion: yes\n  options: {path: $DIR}\n",
			view{APIVersion: 0, Name: "$X", Type: "file", OrgID: 1, Path: "$DIR", PathLine: 3, Col: 19, Disable: true, Interval: 10},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f, probs := ParseProviders("t.yaml", []byte(tt.src))
			if len(probs) != 0 || len(f.Issues) != 0 {
				t.Fatalf("unexpected problems %v issues %v", probs, f.Issues)
			}
			p := f.Providers[0]
			got := view{
				APIVersion: f.APIVersion, Name: p.Name.V, Type: p.Type.V, TypePos: p.Type.IsSet(), OrgID: p.OrgID,
				Folder: p.Folder.V, UID: p.FolderUID.V, Path: p.Path.V, PathLine: p.Path.Pos.Line, Col: p.Path.Pos.Col,
				FromFolder: p.PathFromFolder, PathDyn: p.PathDynamic, FFFS: p.FoldersFromFilesStructure,
				Disable: p.DisableDeletion, AllowUI: p.AllowUIUpdates, Interval: p.UpdateIntervalSeconds,
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}

func TestProviderIssues(t *testing.T) {
	tests := []struct {
		name      string
		src       string
		line, col int
		msg       string
	}{
		{"mapping without apiVersion", "providers:\n- name: a\n  options: {path: /d}\n", 1, 1, "read as the legacy format"},
		{"apiVersion string means v0", "apiVersion: '1'\nproviders:\n- name: a\n", 1, 1, "read as the legacy format"},
		{"duplicate names", "apiVersion: 1\nproviders:\n- name: a\n- name: a\n", 4, 9, `dashboard provider name "a" is used twice`},
		{"path not a string", "apiVersion: 1\nproviders:\n- name: a\n  options:\n    path: 2024\n", 5, 11, `"options.path" must be a string, not a number`},
		{"options list", "apiVersion: 1\nproviders:\n- name: a\n  options: [x]\n", 4, 12, `"options" must be a mapping`},
		{"foldersFromFilesStructure yes", "apiVersion: 1\nproviders:\n- name: a\n  options:\n    path: /d\n    foldersFromFilesStructure: yes\n", 6, 32, "Grafana ignores any other value and uses false"},
		{"orgId word", "apiVersion: 1\nproviders:\n- name: a\n  orgId: main\n", 4, 10, `"orgId" must be a decimal integer`},
		{"scalar file", "dashboards\n", 1, 1, "must be a mapping"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f, probs := ParseProviders("t.yaml", []byte(tt.src))
			if len(probs) != 0 {
				t.Fatalf("unexpected problems: %v", probs)
			}
			issueAt(t, f.Issues, tt.line, tt.col, tt.msg)
		})
	}
	// foldersFromFilesStructure: yes decodes to a string in yaml.v3's generic
	// maps, so Grafana's type assertion to bool fails: false.
	f, _ := ParseProviders("t.yaml", []byte("apiVersion: 1\nproviders:\n- name: a\n  options:\n    path: /d\n    foldersFromFilesStructure: yes\n"))
	if f.Providers[0].FoldersFromFilesStructure {
		t.Error("foldersFromFilesStructure: yes must read as false")
	}
	// A mapping without apiVersion still yields its providers.
	f, _ = ParseProviders("t.yaml", []byte("providers:\n- name: a\n  options: {path: /d}\n"))
	if len(f.Providers) != 1 || f.Providers[0].Path.V != "/d" {
		t.Errorf("providers = %+v", f.Providers)
	}
}

func TestSniff(t *testing.T) {
	tests := []struct {
		name string
		src  string
		want model.Kind
	}{
		{"datasources v1", "apiVersion: 1\ndatasources:\n- name: a\n", model.KindDatasources},
		{"only deletes", "apiVersion: 1\ndeleteDatasources:\n- name: a\n", model.KindDatasources},
		{"legacy datasources", "datasources:\n- name: a\n  org_id: 1\n", model.KindDatasources},
		{"legacy deletes", "delete_datasources:\n- name: a\n", model.KindDatasources},
		{"null datasources with apiVersion", "apiVersion: 1\ndatasources:\n", model.KindDatasources},
		{"json datasources", `{"apiVersion": 1, "datasources": [{"name": "a"}]}`, model.KindDatasources},
		{"broken datasources", "apiVersion: 1\ndatasources:\n  - name: a\n   url: b\n", model.KindDatasources},
		{"providers v1", "apiVersion: 1\nproviders:\n- name: a\n  options:\n    path: /d\n", model.KindProviders},
		{"providers empty", "apiVersion: 1\nproviders: []\n", model.KindProviders},
		{"providers v0", "- name: a\n  org_id: 1\n  options:\n    folder: /d\n", model.KindProviders},
		{"v0 list without options", "- name: a\n  type: file\n", ""},
		{"broken providers", "apiVersion: 1\nproviders:\n  - name: a\n   options: b\n", model.KindProviders},
		{"only apiVersion", "apiVersion: 1\n", ""},
		{"helm values", "datasources:\n  datasources.yaml:\n    apiVersion: 1\n", ""},
		{"compose", "services:\n  grafana:\n    volumes:\n      - ./provisioning/datasources:/etc/grafana/provisioning/datasources\n", ""},
		{"k8s manifest", "apiVersion: v1\nkind: ConfigMap\ndata:\n  providers: x\n", ""},
		{"alerting", "apiVersion: 1\ngroups:\n- name: g\n  folder: f\n", ""},
		{"plugins", "apiVersion: 1\napps:\n- type: grafana-lokiexplore-app\n", ""},
		{"oauth providers", "providers:\n- name: github\n  client_id: x\n", ""},
		{"ansible", "- hosts: all\n  tasks:\n  - name: x\n", ""},
		{"empty", "", ""},
		{"not yaml", "\x00\x01", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Sniff([]byte(tt.src)); got != tt.want {
				t.Errorf("Sniff = %q, want %q", got, tt.want)
			}
			kind, ds, pf, probs := Parse("t.yaml", []byte(tt.src))
			if kind != tt.want {
				t.Errorf("Parse kind = %q, want %q", kind, tt.want)
			}
			switch kind {
			case model.KindDatasources:
				want, wantProbs := ParseDatasources("t.yaml", []byte(tt.src))
				if diff := cmp.Diff(want, ds); diff != "" || pf != nil {
					t.Errorf("Parse differs from ParseDatasources:\n%s", diff)
				}
				if diff := cmp.Diff(wantProbs, probs); diff != "" {
					t.Errorf("problems differ:\n%s", diff)
				}
			case model.KindProviders:
				want, wantProbs := ParseProviders("t.yaml", []byte(tt.src))
				if diff := cmp.Diff(want, pf); diff != "" || ds != nil {
					t.Errorf("Parse differs from ParseProviders:\n%s", diff)
				}
				if diff := cmp.Diff(wantProbs, probs); diff != "" {
					t.Errorf("problems differ:\n%s", diff)
				}
			default:
				if ds != nil || pf != nil || probs != nil {
					t.Errorf("Parse of a non-provisioning file returned %v %v %v", ds, pf, probs)
				}
			}
		})
	}
}
