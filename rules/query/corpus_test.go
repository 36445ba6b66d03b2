package query_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/grafanalint/grafanalint/parsers/corpustest"
	"github.com/grafanalint/grafanalint/parsers/discover"
	"github.com/grafanalint/grafanalint/parsers/model"
	"github.com/grafanalint/grafanalint/rules"
	"github.com/grafanalint/grafanalint/rules/query"
)

// lintQuery runs the query rules that are on by default over the tree at
// root and returns their findings as "path:line:col rule" relative to
// root, with the number of Prometheus and Loki queries the tree holds.
func lintQuery(t *testing.T, root string) (found []string, prom, loki int) {
	t.Helper()
	m, err := discover.Load(context.Background(), discover.Options{WorkDir: root, Paths: []string{"."}})
	if err != nil {
		t.Fatalf("%s: %v", root, err)
	}
	seen := map[*model.Dashboard]bool{}
	for _, s := range m.Stacks {
		ix := query.NewIndex(s)
		for _, d := range s.AllDashboards() {
			if seen[d] {
				continue
			}
			seen[d] = true
			for _, p := range d.Panels {
				for _, q := range p.Queries {
					if q.Expr.V == "" {
						continue
					}
					switch query.TargetType(ix, d, p, q) {
					case query.TypePrometheus:
						prom++
					case query.TypeLoki:
						loki++
					}
				}
			}
		}
	}
	var on []*rules.Rule
	for _, r := range query.Rules() {
		if r.Severity != rules.Off {
			on = append(on, r)
		}
	}
	for _, f := range rules.Run(m, on, rules.Options{}).Findings {
		found = append(found, fmt.Sprintf("%s:%d:%d %s", f.Pos.File, f.Pos.Line, f.Pos.Col, f.Rule))
		t.Logf("%s: %s", f.Pos, f.Message)
	}
	return found, prom, loki
}

// TestPerfSeed lints the 32 perf-seed dashboards: none of their queries
// is reported (the one empty target of 07-Siddhi_sink is not run by
// Grafana; 29-VictoriaMetrics_Agents_Overview is MetricsQL).
func TestPerfSeed(t *testing.T) {
	dir := corpustest.Dir(t, "perf-seed")
	got, prom, loki := lintQuery(t, dir)
	if diff := cmp.Diff([]string(nil), got); diff != "" {
		t.Errorf("query findings on perf-seed (-want +got):\n%s", diff)
	}
	// The test must have parsed something to mean anything.
	if prom < 1000 || loki < 4 {
		t.Errorf("only %d Prometheus and %d Loki queries resolved in perf-seed; expected over 1000 and 4", prom, loki)
	}
}

// TestRealCorpus lints each repository of the real corpus as its own tree
// and asserts the exact set of query findings; each was read and is a
// real defect:
//
//   - Alpaca-Network/railway-grafana-stack: "metric by (label)" without an
//     aggregation operator (PromQL has no such form; Prometheus answers
//     "unexpected <by>"), and topk(10, rate(…) by (model)) with the same
//     mistake inside the aggregation.
//   - grafana/intro-to-mltp k6.json: the table panel "Thresholds WIP" has
//     no targets at all and shows "No data".
func TestRealCorpus(t *testing.T) {
	dir := corpustest.Dir(t, "real")
	want := map[string][]string{
		"Alpaca-Network__railway-grafana-stack": {
			"grafana/dashboards/infrastructure/Infrastructure-Health.json:1175:70 query/promql-syntax",
			"grafana/dashboards/infrastructure/Infrastructure-Health.json:1226:70 query/promql-syntax",
			"grafana/dashboards/infrastructure/Infrastructure-Health.json:1357:57 query/promql-syntax",
			"grafana/dashboards/infrastructure/Infrastructure-Health.json:1408:52 query/promql-syntax",
			"grafana/dashboards/infrastructure/Infrastructure-Health.json:489:54 query/promql-syntax",
			"grafana/dashboards/infrastructure/Infrastructure-Health.json:555:55 query/promql-syntax",
			"grafana/dashboards/infrastructure/Infrastructure-Health.json:564:53 query/promql-syntax",
			"grafana/dashboards/infrastructure/Infrastructure-Health.json:615:59 query/promql-syntax",
			"grafana/dashboards/model_performance/Model-Usage.json:1000:67 query/promql-syntax",
		},
		"grafana__intro-to-mltp": {
			"grafana/definitions/k6.json:1920:16 query/panel-no-targets",
		},
	}
	bundles, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	got := map[string][]string{}
	var prom, loki int
	for _, b := range bundles {
		if !b.IsDir() {
			continue
		}
		found, p, l := lintQuery(t, filepath.Join(dir, b.Name()))
		prom, loki = prom+p, loki+l
		if len(found) > 0 {
			sort.Strings(found)
			got[b.Name()] = found
		}
	}
	for _, w := range want {
		sort.Strings(w)
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("query findings on the real corpus (-want +got):\n%s", diff)
	}
	if prom < 1500 || loki < 20 {
		t.Errorf("only %d Prometheus and %d Loki queries resolved in the real corpus; expected over 1500 and 20", prom, loki)
	}
}
