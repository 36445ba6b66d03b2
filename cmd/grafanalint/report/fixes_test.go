package report

import (
	"encoding/json"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/grafanalint/grafanalint/parsers/model"
	"github.com/grafanalint/grafanalint/rules"
	"github.com/grafanalint/grafanalint/rules/fix"
)

// fixRun has a finding whose fix changes two files (an insertion and a
// replacement), one whose fix is a credential, and one whose fix the
// command could not resolve: only the first carries a fix in reports.
func fixRun() *Run {
	p := func(file string, line, col int) model.Pos { return model.Pos{File: file, Line: line, Col: col} }
	return &Run{Findings: []rules.Finding{
		{
			Rule: "proxy/missing-connection-header", Severity: rules.Error, Message: "no Connection header",
			Pos: p("nginx/conf.d/grafana.conf", 5, 14),
			Fix: &fix.Fix{Message: "add proxy_set_header Connection $connection_upgrade;", Changes: []fix.Change{
				{File: "nginx/conf.d/grafana.conf", Start: p("nginx/conf.d/grafana.conf", 6, 31), End: p("nginx/conf.d/grafana.conf", 6, 31), Offset: 120, Text: "\n        proxy_set_header Connection $connection_upgrade;"},
				{File: "nginx/nginx.conf", Start: p("nginx/nginx.conf", 4, 1), End: p("nginx/nginx.conf", 4, 1), Offset: 30, Text: "    map $http_upgrade $connection_upgrade {\n        default upgrade;\n        ''      close;\n    }\n\n"},
				{File: "nginx/conf.d/grafana.conf", Start: p("nginx/conf.d/grafana.conf", 7, 29), End: p("nginx/conf.d/grafana.conf", 7, 32), Offset: 170, Length: 3, Text: "1.1"},
			}},
		},
		{
			Rule: "ini/inline-comment", Severity: rules.Warning, Message: "the value is cut",
			Pos: p("grafana.ini", 3, 12),
			Fix: &fix.Fix{Message: "quote the value", Secret: true, Changes: []fix.Change{
				{File: "grafana.ini", Start: p("grafana.ini", 3, 12), End: p("grafana.ini", 3, 20), Length: 8, Text: "`s3cr#t!`"},
			}},
		},
		{
			Rule: "channel/testdata-path", Severity: rules.Warning, Message: "full channel ID",
			Pos: p("dash.json", 15, 23),
			Fix: &fix.Fix{Message: "write the path", Edits: []fix.Edit{{Op: fix.Replace}}},
		},
	}}
}

func TestFixesInSARIF(t *testing.T) {
	out := write(t, "sarif", fixRun(), Options{})
	s := sarifSchema(t)
	if err := validateSARIF(s, out); err != nil {
		t.Fatalf("SARIF with fixes does not validate: %v", err)
	}
	var doc struct {
		Runs []struct {
			Results []struct {
				Fixes []sarifFix `json:"fixes"`
			} `json:"results"`
		} `json:"runs"`
	}
	if err := json.Unmarshal(out, &doc); err != nil {
		t.Fatal(err)
	}
	res := doc.Runs[0].Results
	region := func(l, c, el, ec, off, n int) sarifDeletedRegion {
		return sarifDeletedRegion{StartLine: l, StartColumn: c, EndLine: el, EndColumn: ec, ByteOffset: off, ByteLength: n}
	}
	conf := sarifArtifactLocation{URI: "nginx/conf.d/grafana.conf", URIBaseID: srcRoot}
	main := sarifArtifactLocation{URI: "nginx/nginx.conf", URIBaseID: srcRoot}
	want := []sarifFix{{
		Description: &sarifMessage{Text: "add proxy_set_header Connection $connection_upgrade;"},
		ArtifactChanges: []sarifArtifactChange{
			{ArtifactLocation: conf, Replacements: []sarifReplacement{
				{DeletedRegion: region(6, 31, 6, 31, 120, 0), InsertedContent: &sarifArtifactBytes{Text: "\n        proxy_set_header Connection $connection_upgrade;"}},
				{DeletedRegion: region(7, 29, 7, 32, 170, 3), InsertedContent: &sarifArtifactBytes{Text: "1.1"}},
			}},
			{ArtifactLocation: main, Replacements: []sarifReplacement{
				{DeletedRegion: region(4, 1, 4, 1, 30, 0), InsertedContent: &sarifArtifactBytes{Text: "    map $http_upgrade $connection_upgrade {\n        default upgrade;\n        ''      close;\n    }\n\n"}},
			}},
		},
	}}
	if diff := cmp.Diff(want, res[0].Fixes); diff != "" {
		t.Errorf("fixes of the first result (-want +got):\n%s", diff)
	}
	for i, r := range res[1:] {
		if r.Fixes != nil {
			t.Errorf("result %d: a secret or unresolved fix is in the log: %+v", i+1, r.Fixes)
		}
	}

	// The schema checks the fixes too: broken ones are rejected.
	broken := map[string]func(f map[string]any){
		"no artifact changes": func(f map[string]any) { f["artifactChanges"] = []any{} },
		"no deleted region": func(f map[string]any) {
			r := f["artifactChanges"].([]any)[0].(map[string]any)["replacements"].([]any)[0].(map[string]any)
			delete(r, "deletedRegion")
		},
		"line 0": func(f map[string]any) {
			r := f["artifactChanges"].([]any)[0].(map[string]any)["replacements"].([]any)[0].(map[string]any)
			r["deletedRegion"].(map[string]any)["startLine"] = 0
		},
	}
	for name, breakIt := range broken {
		var m map[string]any
		if err := json.Unmarshal(out, &m); err != nil {
			t.Fatal(err)
		}
		breakIt(result(m)["fixes"].([]any)[0].(map[string]any))
		b, _ := json.Marshal(m)
		if err := validateSARIF(s, b); err == nil {
			t.Errorf("%s: broken fix validated", name)
		}
	}
}

func TestFixesInJSON(t *testing.T) {
	var doc struct {
		Findings []struct {
			Rule string   `json:"rule"`
			Fix  *jsonFix `json:"fix"`
		} `json:"findings"`
	}
	if err := json.Unmarshal(write(t, "json", fixRun(), Options{}), &doc); err != nil {
		t.Fatal(err)
	}
	want := &jsonFix{Message: "add proxy_set_header Connection $connection_upgrade;", Edits: []jsonEdit{
		{File: "nginx/conf.d/grafana.conf", Line: 6, Column: 31, EndLine: 6, EndColumn: 31, Offset: 120, Text: "\n        proxy_set_header Connection $connection_upgrade;"},
		{File: "nginx/nginx.conf", Line: 4, Column: 1, EndLine: 4, EndColumn: 1, Offset: 30, Text: "    map $http_upgrade $connection_upgrade {\n        default upgrade;\n        ''      close;\n    }\n\n"},
		{File: "nginx/conf.d/grafana.conf", Line: 7, Column: 29, EndLine: 7, EndColumn: 32, Offset: 170, Length: 3, Text: "1.1"},
	}}
	if diff := cmp.Diff(want, doc.Findings[0].Fix); diff != "" {
		t.Errorf("fix of the first finding (-want +got):\n%s", diff)
	}
	for _, f := range doc.Findings[1:] {
		if f.Fix != nil {
			t.Errorf("%s: a secret or unresolved fix is in the report: %+v", f.Rule, f.Fix)
		}
	}
}
