package discover

import (
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

// bigDashboard returns a dashboard of about size bytes: panels with the
// layout, options and queries real dashboards carry.
func bigDashboard(size int) string {
	var b strings.Builder
	b.WriteString(`{"uid": "big", "title": "Big", "schemaVersion": 39, "panels": [`)
	for i := 0; b.Len() < size; i++ {
		if i > 0 {
			b.WriteString(",")
		}
		fmt.Fprintf(&b, `
    {"id": %d, "type": "timeseries", "title": "Requests %d",
     "description": "Rate of HTTP requests served by the API gateway, by status code and route, over the selected range.",
     "gridPos": {"h": 8, "w": 12, "x": %d, "y": %d},
     "datasource": {"type": "prometheus", "uid": "prom"},
     "fieldConfig": {"defaults": {"unit": "reqps", "color": {"mode": "palette-classic"}, "custom": {"lineWidth": 1, "fillOpacity": 10}}, "overrides": []},
     "options": {"legend": {"displayMode": "table", "placement": "bottom", "calcs": ["mean", "max"]}, "tooltip": {"mode": "multi"}},
     "targets": [{"refId": "A", "datasource": {"type": "prometheus", "uid": "prom"},
                  "expr": "sum by (status, route) (rate(http_requests_total{job=\"api\", route=~\"$route\"}[$__rate_interval]))",
                  "legendFormat": "{{status}} {{route}}"}]}`, i, i, (i%2)*12, i*8)
	}
	b.WriteString("\n]}\n")
	return b.String()
}

// TestLoadKeepsNoText: once loaded, no file's text is held — files carry
// no Lines (Source reads a line again when an excerpt needs it) and the
// bytes read are dropped after parsing — so the heap that stays after
// loading one large dashboard is what its model takes, about its size for
// a dashboard dense with datasource references, plus the panels and
// queries the query rules read.
func TestLoadKeepsNoText(t *testing.T) {
	dir := t.TempDir()
	dash := bigDashboard(16 << 20)
	write(t, dir, "grafana/dashboards/big.json", dash)
	write(t, dir, "grafana/provisioning/dashboards/p.yaml", "apiVersion: 1\nproviders:\n  - name: d\n    options:\n      path: /var/lib/grafana/dashboards\n")
	write(t, dir, "grafana/provisioning/datasources/ds.yaml", "apiVersion: 1\ndatasources:\n  - name: Prom\n    type: prometheus\n    uid: prom\n")

	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	m := load(t, Options{WorkDir: dir})
	runtime.GC()
	runtime.ReadMemStats(&after)
	retained := int64(after.HeapAlloc) - int64(before.HeapAlloc)
	t.Logf("dashboard %d bytes, heap retained after Load %d bytes", len(dash), retained)
	// The query rules' panel and query model (expressions with the raw
	// JSON text their positions map through) brings this dashboard, all
	// panels and queries, to about twice its size, with the strings its
	// panels repeat interned (2.5 times without).
	if retained > int64(len(dash))*5/2 {
		t.Errorf("Load keeps %d bytes of heap for a %d-byte dashboard", retained, len(dash))
	}
	f := m.File("grafana/dashboards/big.json")
	if f == nil || len(m.Stacks) != 1 || len(m.Stacks[0].Dashboards) != 1 || len(m.Stacks[0].Dashboards[0].Refs) == 0 {
		t.Fatalf("the dashboard was not loaded: %+v", summarize(m, ""))
	}
	for _, g := range m.Files {
		if g.Lines != nil || g.Source == nil {
			t.Errorf("%s: Lines kept or no Source", g.Path)
		}
	}
	if line, ok := f.Line(2); !ok || !strings.Contains(line, `"id": 0, "type": "timeseries"`) {
		t.Errorf("line 2 read again = %q, %v", line, ok)
	}
	// The text is read again, not kept: a change on disk shows.
	if err := os.WriteFile(filepath.Join(dir, "grafana/provisioning/datasources/ds.yaml"), []byte("changed\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if line, _ := m.File("grafana/provisioning/datasources/ds.yaml").Line(1); line != "changed" {
		t.Errorf("line 1 = %q: the text was kept", line)
	}
	runtime.KeepAlive(m)
}
