package cli

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestFixesInReports: the json format and a sarif output carry the fix of
// a fixable finding as --fix would apply it, and never the text of a
// credential's fix; the text format and the files are unchanged.
func TestFixesInReports(t *testing.T) {
	dir := exportTree(t)
	before := snapshot(t, dir)
	sarifPath := filepath.Join(dir, "out.sarif")
	r := runCLI(t, dir, "", "--format", "json", "--output", "sarif="+sarifPath)
	if r.code != ExitFindings {
		t.Fatalf("exit %d, want 1:\n%s", r.code, r.stderr)
	}
	if strings.Contains(r.stdout, "Tr0ub4dor") {
		t.Error("the json report holds the password")
	}
	var doc struct {
		Findings []struct {
			Rule string `json:"rule"`
			Fix  *struct {
				Message string `json:"message"`
				Edits   []struct {
					File string `json:"file"`
					Text string `json:"text"`
				} `json:"edits"`
			} `json:"fix"`
		} `json:"findings"`
	}
	if err := json.Unmarshal([]byte(r.stdout), &doc); err != nil {
		t.Fatal(err)
	}
	fixes := map[string]int{}
	for _, f := range doc.Findings {
		if f.Fix != nil {
			fixes[f.Rule]++
			for _, e := range f.Fix.Edits {
				if f.Rule == "dashboard/unresolved-input" && (e.File != "grafana/provisioning/dashboards/d.json" || e.Text != "prom") {
					t.Errorf("unexpected edit %+v", e)
				}
			}
		}
	}
	if fixes["dashboard/unresolved-input"] != 1 || fixes["provisioning/invalid-access"] != 1 {
		t.Errorf("fixes in the json report: %v", fixes)
	}
	if fixes["ini/inline-comment"] != 0 {
		t.Error("the json report carries the fix of a credential")
	}
	b, err := os.ReadFile(sarifPath)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(b), `"artifactChanges"`) || strings.Contains(string(b), "Tr0ub4dor") {
		t.Errorf("the sarif output should carry fixes and no password:\n%s", b)
	}
	after := snapshot(t, dir)
	delete(after, "out.sarif")
	for p, c := range before {
		if after[p] != c {
			t.Errorf("%s changed", p)
		}
	}
	if r := runCLI(t, dir, "", "--format", "text"); strings.Contains(r.stdout, "artifactChanges") {
		t.Error("text output carries sarif fixes")
	}
}
