package datasource_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/grafanalint/grafanalint/parsers/corpustest"

	"github.com/grafanalint/grafanalint/parsers/discover"
	"github.com/grafanalint/grafanalint/rules"
	"github.com/grafanalint/grafanalint/rules/dashboard"
	"github.com/grafanalint/grafanalint/rules/datasource"
)

// corpusDir returns the real-world corpus, skipping the test when it is
// absent (failing under CI=true).
func corpusDir(t *testing.T) string {
	t.Helper()
	return corpustest.Dir(t, "real")
}

// lint runs the datasource and dashboard rules over one corpus bundle.
func lint(t *testing.T, dir string) *rules.Result {
	t.Helper()
	m, err := discover.Load(context.Background(), discover.Options{Paths: []string{"."}, WorkDir: dir})
	if err != nil {
		t.Fatalf("load %s: %v", dir, err)
	}
	all := append(datasource.Rules(), dashboard.Rules()...)
	return rules.Run(m, all, rules.Options{})
}

// tally counts findings as "rule severity file".
func tally(res *rules.Result) map[string]int {
	out := map[string]int{}
	for _, f := range res.Findings {
		out[fmt.Sprintf("%s %s %s", f.Rule, f.Severity, f.Pos.File)]++
	}
	return out
}

// TestCorpus runs the rules over every bundle, logs every finding (-v) and
// checks what is known about the bundles the rules were designed on.
func TestCorpus(t *testing.T) {
	root := corpusDir(t)
	entries, err := os.ReadDir(root)
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]map[string]int{}
	skipped := map[string][]rules.Skip{}
	for _, e := range entries {
		if !e.IsDir() {
			continue
		}
		res := lint(t, filepath.Join(root, e.Name()))
		got[e.Name()] = tally(res)
		skipped[e.Name()] = res.Skipped
		for _, f := range res.Findings {
			t.Logf("%s: %s:%d:%d: %s: %s [%s]", e.Name(), f.Pos.File, f.Pos.Line, f.Pos.Col, f.Severity, f.Message, f.Rule)
		}
	}
	want := map[string]map[string]int{
		// Row panels name the datasource by name in "uid" (info only);
		// the real references use UID 2_miEJT7k, which resolves, and the
		// deleted datasource is re-created in the same file.
		"vpalmisano__webrtcperf": {
			"datasource/name-as-uid info prometheus-stack/config/grafana-dashboards/webrtcperf.json": 6,
		},
		// Derived UID PBFA97CFB590B2093 resolves (info); the ${DS_PROMETHEUS}
		// dashboards no provider loads are import copies: nothing else.
		"ChainSafe__lighthouse-metrics": {
			"datasource/derived-uid info dashboards/Nym.json": 1,
		},
		// A provisioned export: one finding per placeholder; foreign UIDs on
		// row panels (info); links to a tempo datasource the stack lacks.
		"hendisantika__spring-boot-lgtm": {
			"dashboard/unresolved-input error docker/grafana/provisioning/dashboards/dashboard.json": 51,
			"datasource/unknown-uid info docker/grafana/provisioning/dashboards/dashboard.json":      7,
			"datasource/unknown-uid error docker/grafana/provisioning/datasources/datasource.yml":    2,
		},
		// Two files mark a default; {"type", "name"} objects mean the
		// default datasource; row panels with a foreign UID (info).
		"exabugs__grafana-dashboards": {
			"datasource/multiple-defaults error etc/grafana/provisioning/datasources/prometheus.yml": 1,
			"datasource/unknown-uid info etc/grafana/provisioning/dashboards/node-exporter.json":     32,
		},
		// k6.json: __inputs plus a variable named DS_PROMETHEUS; phlare
		// alias; a serviceMap link that names "Mimir" instead of its UID.
		"grafana__intro-to-mltp": {
			"datasource/name-as-uid warning grafana/provisioning/datasources/datasources.yaml": 1,
		},
		// Derived UID and the grafana-postgresql-datasource alias of postgres.
		"emanuelsouzaa__grafana-iot": {
			"datasource/derived-uid info grafana/dashboards/monitoring-temperature.json": 1,
		},
		"sirmosi__monitor_nginx_grafana_prometheus": {
			"datasource/derived-uid info grafana/provisioning/dashboards/HostingServers.json": 1,
		},
		// No provisioning at all: the datasource family is skipped.
		"UMNET-perfSONAR__pssid-data-pipeline": {},
		// Legacy string names that match.
		"stefanprodan__dockprom": {},
	}
	for bundle, w := range want {
		g, ok := got[bundle]
		if !ok {
			t.Errorf("%s: bundle missing from the corpus", bundle)
			continue
		}
		if !equalCounts(g, w) {
			t.Errorf("%s: findings differ:\n got %s\nwant %s", bundle, show(g), show(w))
		}
	}
	if s := skipped["UMNET-perfSONAR__pssid-data-pipeline"]; !hasSkip(s, "datasource") {
		t.Errorf("UMNET-perfSONAR__pssid-data-pipeline: datasource family not reported as skipped: %v", s)
	}
	// No bundle may get an error-level unknown-uid/unknown-name on a
	// dashboard through an export placeholder.
	for bundle, g := range got {
		for k := range g {
			if strings.HasPrefix(k, "datasource/unknown-") && strings.Contains(k, " error ") && strings.HasSuffix(k, ".json") {
				t.Logf("%s: %s", bundle, k)
			}
		}
	}
}

func hasSkip(s []rules.Skip, family string) bool {
	for _, k := range s {
		if k.Family == family {
			return true
		}
	}
	return false
}

func equalCounts(a, b map[string]int) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if b[k] != v {
			return false
		}
	}
	return true
}

func show(m map[string]int) string {
	var keys []string
	for k, v := range m {
		keys = append(keys, fmt.Sprintf("%s=%d", k, v))
	}
	sort.Strings(keys)
	return "{" + strings.Join(keys, ", ") + "}"
}
