package report

import (
	"fmt"
	"io"
	"testing"

	"github.com/grafanalint/grafanalint/parsers/model"
	"github.com/grafanalint/grafanalint/parsers/secrets"
	"github.com/grafanalint/grafanalint/rules"
	"github.com/grafanalint/grafanalint/rules/fix"
)

// benchFindings returns n findings shaped as a fleet's most common one (an
// export placeholder with two related locations and a described fix).
func benchFindings(n int) []rules.Finding {
	out := make([]rules.Finding, n)
	for i := range out {
		file := fmt.Sprintf("grafana/dashboards/team-%03d/%05d.json", i/1000, i/10)
		at := model.Pos{File: file, Line: 60 + i%500, Col: 26}
		end := model.Pos{File: file, Line: at.Line, Col: 41}
		out[i] = rules.Finding{
			Rule: "dashboard/unresolved-input", Severity: rules.Error,
			Message: `export placeholder "${DS_LOCALHOST}" is kept literally in this provisioned dashboard (only the import UI replaces __inputs): the panel shows "Datasource ${DS_LOCALHOST} was not found"`,
			Pos:     at, End: end,
			Related: []rules.Related{
				{Pos: model.Pos{File: "grafana/provisioning/datasources/datasources.yaml", Line: 5, Col: 10}, Message: `datasource "Prometheus" is provisioned here`},
				{Pos: model.Pos{File: file, Line: 6, Col: 16}, Message: `input "DS_LOCALHOST" is declared here`},
			},
			Entity: "dashboard:stack-00026",
			Fix: &fix.Fix{Message: `write the UID "prometheus" of datasource "Prometheus" for ${DS_LOCALHOST}`, Changes: []fix.Change{{
				File: file, Start: at, End: end, Offset: 1212 + i, Length: 15, Text: "prometheus",
			}}},
		}
	}
	return out
}

// BenchmarkWriteJSON is the json report of 20,000 findings (a 3,000
// dashboard fleet's worth).
func BenchmarkWriteJSON(b *testing.B) {
	n := 20000
	if testing.Short() {
		n = 2000
	}
	// As the command runs it: a set of the model's secrets (none here),
	// which remembers what it redacted.
	run := &Run{Findings: benchFindings(n), Secrets: &secrets.Set{}}
	b.ReportAllocs()
	for b.Loop() {
		if err := Write(io.Discard, "json", run, Options{}); err != nil {
			b.Fatal(err)
		}
	}
}
