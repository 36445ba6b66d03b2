package provisioning

import (
	"fmt"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/grafanalint/grafanalint/parsers/model"
	"github.com/grafanalint/grafanalint/parsers/provisioning"
	"github.com/grafanalint/grafanalint/rules"
)

// stack builds a stack from datasource and provider files read by the real
// parser ("ds*" names are datasource files, others provider files).
func stack(t *testing.T, files map[string]string) *model.Stack {
	t.Helper()
	st := &model.Stack{Name: "test", Settings: &model.Settings{}}
	for _, name := range sortedNames(files) {
		if strings.HasPrefix(name, "ds") {
			f, probs := provisioning.ParseDatasources(name, []byte(files[name]))
			if len(probs) > 0 {
				t.Fatalf("%s: %v", name, probs)
			}
			st.DatasourceFiles = append(st.DatasourceFiles, f)
			st.HasDatasources = true
		} else {
			f, probs := provisioning.ParseProviders(name, []byte(files[name]))
			if len(probs) > 0 {
				t.Fatalf("%s: %v", name, probs)
			}
			st.ProviderFiles = append(st.ProviderFiles, f)
			st.HasProviders = true
		}
	}
	return st
}

func sortedNames(m map[string]string) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	for i := range out {
		for j := i + 1; j < len(out); j++ {
			if out[j] < out[i] {
				out[i], out[j] = out[j], out[i]
			}
		}
	}
	return out
}

func run(r *rules.Rule, st *model.Stack) []string {
	var out []rules.Finding
	r.Check(rules.NewContext(&model.Model{Stacks: []*model.Stack{st}}, st, rules.CurrentGrafana, r, &out))
	got := []string{}
	for _, f := range rules.Sort(out) {
		got = append(got, fmt.Sprintf("%s %s", f.Pos, f.Message))
	}
	return got
}

func expect(t *testing.T, got []string, want ...string) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("got %d findings, want %d:\n%s", len(got), len(want), strings.Join(got, "\n"))
	}
	for i := range want {
		pos, msg, _ := strings.Cut(want[i], " ")
		if !strings.HasPrefix(got[i], pos+" ") || !strings.Contains(got[i], msg) {
			t.Errorf("finding %d = %q, want at %s containing %q", i, got[i], pos, msg)
		}
	}
}

func TestMissingField(t *testing.T) {
	st := stack(t, map[string]string{
		"ds.yaml": "apiVersion: 1\ndatasources:\n  - type: loki\n  - name: A\n  - name: B\n    type: \"\"\n  - name: $NAME\n    type: x\n",
		"dash.yaml": "apiVersion: 1\nproviders:\n  - name: a\n    options: {}\n  - name: b\n    options:\n      path: 5\n" +
			"  - name: c\n    options:\n      path: \"\"\n  - name: d\n    options:\n      path: ${DASHBOARDS}\n" +
			"  - name: e\n    options:\n      path:\n  - name: f\n    options: /x\n  - name: g\n    options:\n      path: [a]\n",
		"legacy.yaml": "- name: e\n  options:\n    folder: /var/lib/grafana/dashboards\n",
	})
	expect(t, run(MissingField, st),
		`dash.yaml:3:5 dashboard provider "a" has no "options.path": Grafana cannot create the provider's file reader ("path param is not a string"), so dashboard provisioning fails as a whole`,
		`dash.yaml:10:14 dashboard provider "c" has an empty "options.path": it is the directory`,
		`dash.yaml:14:5 dashboard provider "e" has no "options.path"`,
		`ds.yaml:3:5 datasource of type "loki" has no "name"`,
		`ds.yaml:4:5 datasource "A" has no "type"`,
		`ds.yaml:6:12 datasource "B" has an empty "type"`,
	)
}

func TestInvalidAccess(t *testing.T) {
	st := stack(t, map[string]string{"ds.yaml": "apiVersion: 1\ndatasources:\n" +
		"  - {name: a, type: t, access: proxy}\n  - {name: b, type: t, access: direct}\n  - {name: c, type: t, access: \"\"}\n" +
		"  - {name: d, type: t, access: DIRECT}\n  - {name: e, type: t, access: \"proxy \"}\n  - {name: f, type: t, access: $ACCESS}\n"})
	expect(t, run(InvalidAccess, st),
		`ds.yaml:6:32 write "direct" (the value is case-sensitive)`,
		`ds.yaml:7:33 has access "proxy "`,
	)
}

func TestLegacyFormat(t *testing.T) {
	st := stack(t, map[string]string{
		"ds-0.yaml":  "apiVersion: 0\ndatasources: []\n",
		"ds-1.yaml":  "apiVersion: 1\n",
		"ds-e.yaml":  "# nothing here\n",
		"ds-s.yaml":  "apiVersion: \"1\"\ndatasources: []\n",
		"ds-v0.yaml": "datasources:\n  - name: a\n    type: t\n",
		"p.yaml":     "- name: p\n  options:\n    folder: /x\n",
	})
	expect(t, run(LegacyFormat, st),
		`ds-0.yaml:1:13 apiVersion 0 is read in the deprecated legacy datasource provisioning format`,
		`ds-v0.yaml:1:1 a file without apiVersion is read`,
		`p.yaml:1:1 legacy dashboard provisioning format`,
	)
}

func TestNotLoaded(t *testing.T) {
	st := &model.Stack{UnloadedFiles: []model.UnloadedFile{
		{Path: "grafana/custom.ini", Kind: model.KindIni, Reason: `mounted at "/etc/grafana/custom.ini", but Grafana reads its configuration from "/etc/grafana/grafana.ini"`},
		{Path: "p/datasources/old/x.yaml", Kind: model.KindDatasources, Reason: `in subdirectory "old" of p/datasources/`},
	}}
	got := run(NotLoaded, st)
	want := []string{
		`grafana/custom.ini:1:1 Grafana does not read this grafana.ini file: it is mounted at "/etc/grafana/custom.ini", but Grafana reads its configuration from "/etc/grafana/grafana.ini"`,
		`p/datasources/old/x.yaml:1:1 Grafana does not read this datasource provisioning file: it is in subdirectory "old" of p/datasources/`,
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}

// runAll returns "pos severity message" lines of rule r.
func runAll(r *rules.Rule, st *model.Stack) []string {
	var out []rules.Finding
	r.Check(rules.NewContext(&model.Model{Stacks: []*model.Stack{st}}, st, rules.CurrentGrafana, r, &out))
	got := []string{}
	for _, f := range rules.Sort(out) {
		sev := f.Severity
		if sev == rules.Off {
			sev = r.Severity
		}
		got = append(got, fmt.Sprintf("%s %s %s", f.Pos, sev, f.Message))
	}
	return got
}

func TestInvalidField(t *testing.T) {
	st := stack(t, map[string]string{
		"ds.yaml": "apiVersion: 1\ndatasources:\n  - name: a\n    type: t\n    isDefault: yes\n    orgId: 1.0\n" +
			"  - name: [b]\n    type: {x: y}\n    jsonData: 3\n    secureJsonData:\n      password: [p]\n  - c\n",
		"ds-api.yaml":  "apiVersion: \"1\"\ndatasources: []\n",
		"ds-list.yaml": "apiVersion: 1\ndatasources:\n  name: a\n",
		"ds-root.yaml": "just text\n",
		"p-dup.yaml": "apiVersion: 1\nproviders:\n  - name: a\n    options:\n      path: /x\n  - name: a\n    options:\n      path: /y\n" +
			"      foldersFromFilesStructure: \"true\"\n",
		"p-map.yaml":  "providers:\n  - name: a\n    options:\n      path: /x\n",
		"p-opts.yaml": "apiVersion: 1\nproviders:\n  - name: a\n    options: /x\n  - name: b\n    options:\n      path: 3\n    disableDeletion: yes\n    updateIntervalSeconds: 1.5\n",
	})
	got := runAll(InvalidField, st)
	for _, g := range got {
		if strings.Contains(g, "in the form described") {
			t.Errorf("no specific fix: %s", g)
		}
	}
	expect(t, got,
		`ds-api.yaml:1:14 error "apiVersion" must be an integer such as 1, not a string; Grafana cannot decode this file, so datasource provisioning fails as a whole`,
		`ds-list.yaml:3:3 error "datasources" must be a list, not a mapping; Grafana cannot decode this file`,
		`ds-root.yaml:1:1 error a datasource provisioning file must be a mapping with "apiVersion" and "datasources", not a string; Grafana cannot decode this file, so datasource provisioning fails as a whole: no datasource of any file is provisioned and Grafana does not start ("Datasource provisioning error"); start the file with apiVersion: 1 and a datasources: list`,
		`ds.yaml:5:16 error "isDefault" must be true or false (Grafana reads it with strconv.ParseBool, so yes/no and on/off are errors); Grafana cannot decode this file, so datasource provisioning fails as a whole: no datasource of any file is provisioned and Grafana does not start ("Datasource provisioning error"); write true or false`,
		`ds.yaml:6:12 error "orgId" must be a decimal integer; Grafana cannot decode this file, so datasource provisioning fails as a whole: no datasource of any file is provisioned and Grafana does not start ("Datasource provisioning error"); write a whole number such as 1`,
		`ds.yaml:7:11 error "name" must be a string, not a list; Grafana cannot decode this file, so datasource provisioning fails as a whole: no datasource of any file is provisioned and Grafana does not start ("Datasource provisioning error"); write a single string`,
		`ds.yaml:8:11 error "type" must be a string, not a mapping; Grafana cannot decode this file, so datasource provisioning fails as a whole`,
		`ds.yaml:9:15 error "jsonData" must be a mapping, not a number; Grafana cannot decode this file`,
		`ds.yaml:11:17 error values under "secureJsonData" must be strings, not a list; Grafana cannot decode this file`,
		`ds.yaml:12:5 error each item of "datasources" must be a mapping, not a string; Grafana cannot decode this file`,
		`p-dup.yaml:6:11 error dashboard provider name "a" is used twice in this file; Grafana cannot decode this file, so dashboard provisioning fails as a whole: no dashboard is provisioned and the provisioning service stops, which shuts Grafana down; rename one of them: each provider of a file needs its own name`,
		`p-dup.yaml:9:35 warning "foldersFromFilesStructure" must be true or false, not a string; Grafana ignores any other value and uses false; the dashboards' subdirectories do not become folders; write true or false without quotes`,
		`p-map.yaml:1:1 error a dashboard provisioning file without an integer "apiVersion" above 0 is read as the legacy format, a top-level list of providers, which this file is not; add "apiVersion: 1"; Grafana cannot decode this file, so dashboard provisioning fails as a whole: no dashboard is provisioned and the provisioning service stops, which shuts Grafana down`,
		`p-opts.yaml:4:14 error "options" must be a mapping, not a string; Grafana cannot decode this file, so dashboard provisioning fails as a whole`,
		`p-opts.yaml:7:13 error "options.path" must be a string, not a number; Grafana cannot decode this file`,
		`p-opts.yaml:8:22 error "disableDeletion" must be true or false (Grafana reads it with strconv.ParseBool, so yes/no and on/off are errors); Grafana cannot decode this file`,
		`p-opts.yaml:9:28 error "updateIntervalSeconds" must be a decimal integer; Grafana cannot decode this file`,
	)
	hints := map[string]string{
		"ds.yaml:8:11":     "; write a single string",
		"ds.yaml:9:15":     "; write its keys indented under it",
		"ds.yaml:11:17":    "; write each value under it as a single string",
		"ds.yaml:12:5":     "; write each item as a mapping of keys (- name: …)",
		"p-opts.yaml:4:14": "; write its keys indented under it",
		"p-opts.yaml:7:13": "; write a single string",
		"p-opts.yaml:8:22": "; write true or false",
		"p-opts.yaml:9:28": "; write a whole number such as 1",
		"ds-list.yaml:3:3": "; write each entry under it as a list item starting with \"- \"",
		"ds-api.yaml:1:14": "; write apiVersion: 1",
		"p-map.yaml:1:1":   "which shuts Grafana down",
	}
	for _, g := range got {
		pos, _, _ := strings.Cut(g, " ")
		if h, ok := hints[pos]; ok && !strings.HasSuffix(g, h) {
			t.Errorf("finding %q does not end with %q", g, h)
		}
	}
	// Values of the wrong shape are not also reported as missing, nor a
	// provider mapping without apiVersion as the legacy format.
	expect(t, run(MissingField, st))
	expect(t, run(LegacyFormat, st))
}

func TestInvalidFieldSilent(t *testing.T) {
	st := stack(t, map[string]string{
		"ds.yaml":    "apiVersion: 1\ndatasources:\n  - name: a\n    type: t\n    isDefault: \"true\"\n    orgId: \"2\"\n    editable: ${EDITABLE}\n",
		"ds-v0.yaml": "datasources:\n  - name: b\n    type: t\n    is_default: yes\n    org_id: 1\n",
		"p.yaml":     "apiVersion: 1\nproviders:\n  - name: a\n    options:\n      path: /x\n      foldersFromFilesStructure: true\n  - name: b\n    options:\n      path: /y\n",
		"p-v0.yaml":  "- name: a\n  options:\n    folder: /x\n",
	})
	expect(t, runAll(InvalidField, st))
}
