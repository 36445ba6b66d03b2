package dashboard

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

func locators(t *testing.T, src string) (refs, chans []string) {
	t.Helper()
	d, probs := Parse("d.json", []byte(src))
	if len(probs) > 0 {
		t.Fatalf("problems: %v", probs)
	}
	for _, r := range d.Refs {
		refs = append(refs, r.Locator)
	}
	for _, c := range d.Channels {
		chans = append(chans, c.Locator)
	}
	return refs, chans
}

// TestLocators: every reference and channel is named by the panel id (or
// title), the query's refId, the annotation, variable or library element
// it belongs to — never by array index.
func TestLocators(t *testing.T) {
	const v1 = `{"uid": "d", "schemaVersion": 39, "panels": [
  {"datasource": {"uid": "p"}, "targets": [{"refId": "A", "datasource": {"uid": "p"}}, {"datasource": {"uid": "grafana"}, "queryType": "measurements", "channel": "stream/a/b", "refId": "B"}], "title": "CPU", "id": 2, "type": "timeseries"},
  {"type": "row", "id": 9, "title": "R", "collapsed": true, "datasource": {"uid": "p"}, "panels": [
    {"title": "Inner", "type": "stat", "datasource": "Prom", "targets": [{"refId": "A"}, {"datasource": {"uid": "q"}}]}]},
  {"type": "live", "id": 3, "options": {"channel": {"scope": "grafana", "namespace": "dashboard", "path": "x"}}},
  {"type": "text", "datasource": {"uid": "p"}}
 ],
 "annotations": {"list": [{"datasource": {"uid": "loki"}, "name": "Deploys"}]},
 "templating": {"list": [{"datasource": {"uid": "p"}, "name": "ds", "type": "query"}]},
 "__elements": {"lib-1": {"model": {"type": "timeseries", "datasource": {"uid": "p"}, "targets": [{"refId": "A", "datasource": {"uid": "p"}}]}}}
}`
	refs, chans := locators(t, v1)
	wantRefs := []string{
		"panel:2", "panel:2/target:A", "panel:2/target:B",
		"row:9", "panel:title=Inner", "panel:title=Inner/target:",
		"panel:type=text",
		"annotation:Deploys", "variable:ds",
		"element:lib-1", "element:lib-1/target:A",
	}
	if diff := cmp.Diff(wantRefs, refs); diff != "" {
		t.Errorf("v1 ref locators (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{"panel:2/target:B", "panel:3"}, chans); diff != "" {
		t.Errorf("v1 channel locators (-want +got):\n%s", diff)
	}

	const v2 = `{"apiVersion": "dashboard.grafana.app/v2beta1", "kind": "Dashboard", "metadata": {"name": "d"}, "spec": {
  "elements": {"panel-1": {"kind": "Panel", "spec": {"data": {"kind": "QueryGroup", "spec": {"queries": [
    {"kind": "PanelQuery", "spec": {"refId": "A", "query": {"kind": "DataQuery", "group": "prometheus", "datasource": {"name": "p"}, "spec": {}}}},
    {"kind": "PanelQuery", "spec": {"refId": "B", "query": {"kind": "DataQuery", "group": "grafana", "datasource": {"name": "grafana"}, "spec": {"queryType": "measurements", "channel": "stream/a/b"}}}}]}},
    "vizConfig": {"kind": "VizConfig", "group": "timeseries", "spec": {}}}}},
  "annotations": [{"kind": "AnnotationQuery", "spec": {"name": "Deploys", "query": {"kind": "DataQuery", "group": "loki", "datasource": {"name": "loki"}, "spec": {}}}}],
  "variables": [{"kind": "QueryVariable", "spec": {"name": "job", "query": {"kind": "DataQuery", "group": "prometheus", "datasource": {"name": "p"}, "spec": {}}}}]
}}`
	refs, chans = locators(t, v2)
	if diff := cmp.Diff([]string{"element:panel-1/target:A", "element:panel-1/target:B", "annotation:Deploys", "variable:job"}, refs); diff != "" {
		t.Errorf("v2 ref locators (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{"element:panel-1/target:B"}, chans); diff != "" {
		t.Errorf("v2 channel locators (-want +got):\n%s", diff)
	}
}

// TestLocatorsSurviveMoves: reordering panels, inserting one and
// reformatting the file leave every locator as it was.
func TestLocatorsSurviveMoves(t *testing.T) {
	const a = `{"id": 1, "type": "timeseries", "datasource": {"uid": "x"}, "targets": [{"refId": "A"}]}`
	const b = `{"id": 2, "type": "stat", "datasource": {"uid": "y"}, "targets": [{"refId": "A"}, {"refId": "B", "datasource": {"uid": "z"}}]}`
	const c = `{"id": 3, "type": "table", "datasource": {"uid": "w"}}`
	set := func(src string) map[string]bool {
		refs, _ := locators(t, src)
		out := map[string]bool{}
		for _, r := range refs {
			out[r] = true
		}
		return out
	}
	orig := set(`{"panels": [` + a + `, ` + b + `]}`)
	for name, src := range map[string]string{
		"moved":       `{"panels": [` + b + `, ` + a + `]}`,
		"reformatted": "{\n  \"panels\": [\n    " + a + ",\n\n    " + b + "\n  ]\n}\n",
	} {
		if diff := cmp.Diff(orig, set(src)); diff != "" {
			t.Errorf("%s (-orig +got):\n%s", name, diff)
		}
	}
	inserted := set(`{"panels": [` + c + `, ` + a + `, ` + b + `]}`)
	delete(inserted, "panel:3")
	if diff := cmp.Diff(orig, inserted); diff != "" {
		t.Errorf("inserted (-orig +got):\n%s", diff)
	}
}

// TestLocatorsPanelIDs: a panel's id names it as written, a string with
// its escapes decoded, a number in its own spelling; an id of another kind
// does not count.
func TestLocatorsPanelIDs(t *testing.T) {
	const src = `{"panels": [
  {"id": "a\"b\u00e9", "datasource": "x", "targets": [{"refId": "A", "datasource": "y"}]},
  {"id": 1e2, "datasource": "x"},
  {"id": -3, "targets": [{"refId": "B", "datasource": "y"}]},
  {"id": true, "title": "T", "datasource": "x"},
  {"id": "", "type": "stat", "datasource": "x"}
 ]}`
	refs, _ := locators(t, src)
	want := []string{
		`panel:a"bé`, `panel:a"bé/target:A`,
		"panel:1e2",
		"panel:-3/target:B",
		"panel:title=T",
		"panel:type=stat",
	}
	if diff := cmp.Diff(want, refs); diff != "" {
		t.Errorf("locators (-want +got):\n%s", diff)
	}
}
