package rules

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/grafanalint/grafanalint/parsers/model"
)

// TestScopeOfExplicitFiles: with only ds.yaml reported (pre-commit gave
// it), findings elsewhere are reported when their cause is in ds.yaml.
func TestScopeOfExplicitFiles(t *testing.T) {
	ds := &model.DatasourceFile{Path: "prov/ds.yaml", Datasources: []*model.Datasource{{File: "prov/ds.yaml", Name: model.Str{V: "Prom"}, UID: model.Str{V: "prom"}}}}
	other := &model.DatasourceFile{Path: "prov/other.yaml", Datasources: []*model.Datasource{{File: "prov/other.yaml", Name: model.Str{V: "Loki"}, UID: model.Str{V: "loki"}}}}
	ini := &model.IniFile{Path: "grafana.ini"}
	m := &model.Model{
		Files: []*model.File{
			{Path: "prov/ds.yaml", Reported: true},
			{Path: "prov/other.yaml"}, {Path: "d.json"}, {Path: "grafana.ini"}, {Path: "nginx.conf"},
		},
		Stacks: []*model.Stack{{Name: ".", DatasourceFiles: []*model.DatasourceFile{ds, other}, HasDatasources: true,
			Settings: &model.Settings{File: ini}, HasIni: true}},
	}
	at := func(file string, line int) model.Pos { return pos(file, line, 1) }
	rs := []*Rule{fixedRule("x/ref", Error, false, nil,
		Finding{Pos: at("d.json", 1), Message: "names a provisioned datasource", Involves: []string{"datasource:prom"}},
		Finding{Pos: at("d.json", 2), Message: "names a datasource nobody provisions", Involves: []string{"datasource:gone"}},
		Finding{Pos: at("d.json", 3), Message: "names the other file's datasource", Involves: []string{"datasource:loki"}},
		Finding{Pos: at("d.json", 4), Message: "related to ds.yaml", Related: []Related{{Pos: at("prov/ds.yaml", 3)}}},
		Finding{Pos: at("nginx.conf", 5), Message: "about an ini key set in an unreported file", Entity: "ini:server.root_url"},
		Finding{Pos: at("prov/other.yaml", 6), Message: "in an unreported file", Entity: "datasource:loki"},
		Finding{Pos: at("prov/ds.yaml", 7), Message: "in the reported file"},
	)}
	res := Run(m, rs, Options{})
	var got []string
	for _, f := range res.Findings {
		got = append(got, f.Message)
	}
	want := []string{"names a provisioned datasource", "names a datasource nobody provisions", "related to ds.yaml", "in the reported file"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("reported (-want +got):\n%s", diff)
	}
	// Reporting grafana.ini brings in the finding about its key.
	m.Files[3].Reported = true
	res = Run(m, rs, Options{})
	found := false
	for _, f := range res.Findings {
		found = found || f.Entity == "ini:server.root_url"
	}
	if !found {
		t.Errorf("a finding about an ini key of the reported grafana.ini was dropped")
	}
}
