package provisioning

import (
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/grafanalint/grafanalint/parsers/corpustest"

	"github.com/google/go-cmp/cmp"
	"github.com/grafanalint/grafanalint/parsers/model"
	"gopkg.in/yaml.v3"
)

// corpusDir returns the real-world corpus beside the repository, skipping
// the test when it is absent (failing when CI=true).
func corpusDir(t testing.TB) string {
	t.Helper()
	return corpustest.Dir(t, "real")
}

// corpusYAML returns every *.yaml / *.yml file of the corpus, relative to
// dir, sorted.
func corpusYAML(t testing.TB, dir string) []string {
	t.Helper()
	var files []string
	err := filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !d.IsDir() && (strings.HasSuffix(p, ".yaml") || strings.HasSuffix(p, ".yml")) {
			rel, _ := filepath.Rel(dir, p)
			files = append(files, filepath.ToSlash(rel))
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	sort.Strings(files)
	return files
}

func readCorpus(t testing.TB, dir, rel string) []byte {
	t.Helper()
	src, err := os.ReadFile(filepath.Join(dir, rel))
	if err != nil {
		t.Fatal(err)
	}
	return src
}

// TestCorpus parses every YAML file of the corpus: each datasource or
// provider file must parse without problems or issues, and every other file
// must not be taken for provisioning.
func TestCorpus(t *testing.T) {
	dir := corpusDir(t)
	var dsFiles, provFiles, datasources, providers, links int
	for _, rel := range corpusYAML(t, dir) {
		src := readCorpus(t, dir, rel)
		kind, ds, pf, probs := Parse(rel, src)
		if len(probs) != 0 {
			t.Errorf("%s: problems %v", rel, probs)
		}
		switch kind {
		case model.KindDatasources:
			dsFiles++
			datasources += len(ds.Datasources)
			if len(ds.Issues) != 0 {
				t.Errorf("%s: issues %v", rel, ds.Issues)
			}
			for _, d := range ds.Datasources {
				links += len(d.Links)
				if !d.Name.IsSet() || !d.UID.Pos.IsValid() || !d.Pos.IsValid() {
					t.Errorf("%s: datasource without positions: %+v", rel, d)
				}
			}
			if !strings.Contains(rel, "datasource") {
				t.Errorf("%s: taken for datasource provisioning", rel)
			}
		case model.KindProviders:
			provFiles++
			providers += len(pf.Providers)
			if len(pf.Issues) != 0 {
				t.Errorf("%s: issues %v", rel, pf.Issues)
			}
			for _, p := range pf.Providers {
				if !p.Path.IsSet() {
					t.Errorf("%s: provider %q without path", rel, p.Name.V)
				}
			}
		default:
			if strings.Contains(rel, "/datasources/") && !strings.HasSuffix(rel, "conf/provisioning/datasources/sample.yaml") {
				t.Errorf("%s: not taken for datasource provisioning", rel)
			}
		}
	}
	// The corpus is fixed (see SOURCES.md): these counts change only with it.
	got := map[string]int{"datasource files": dsFiles, "provider files": provFiles, "datasources": datasources, "providers": providers, "links": links}
	want := map[string]int{"datasource files": 33, "provider files": 19, "datasources": 53, "providers": 28, "links": 35}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("corpus totals (-want +got):\n%s", diff)
	}
}

func TestCorpusSpotChecks(t *testing.T) {
	dir := corpusDir(t)

	t.Run("docker-otel-lgtm datasources", func(t *testing.T) {
		rel := "grafana__docker-otel-lgtm/docker/grafana-datasources.yaml"
		f, probs := ParseDatasources(rel, readCorpus(t, dir, rel))
		if len(probs) != 0 {
			t.Fatal(probs)
		}
		var uids []string
		for _, d := range f.Datasources {
			uids = append(uids, d.UID.V)
		}
		if diff := cmp.Diff([]string{"prometheus", "tempo", "loki", "pyroscope"}, uids); diff != "" {
			t.Errorf("uids (-want +got):\n%s", diff)
		}
		// `        datasourceUid: "loki"` on line 24: inside the quotes.
		tempo := f.Datasources[1]
		want := model.DatasourceLink{Field: "jsonData.tracesToLogsV2.datasourceUid", UID: model.Str{
			V: "loki", Pos: model.Pos{File: rel, Line: 24, Col: 25}, End: model.Pos{File: rel, Line: 24, Col: 29}}}
		if diff := cmp.Diff(want, tempo.Links[0]); diff != "" {
			t.Errorf("link (-want +got):\n%s", diff)
		}
		if tempo.UID.Pos != (model.Pos{File: rel, Line: 18, Col: 10}) {
			t.Errorf("tempo uid at %v", tempo.UID.Pos)
		}
	})

	t.Run("intro-to-mltp links", func(t *testing.T) {
		rel := "grafana__intro-to-mltp/grafana/provisioning/datasources/datasources.yaml"
		f, _ := ParseDatasources(rel, readCorpus(t, dir, rel))
		var got []string
		for _, l := range f.Datasources[1].Links {
			got = append(got, l.Field+"="+l.UID.V+"@"+l.UID.Pos.String())
		}
		want := []string{
			"jsonData.serviceMap.datasourceUid=Mimir@" + rel + ":25:25",
			"jsonData.tracesToLogs.datasourceUid=loki@" + rel + ":27:24",
			"correlations[0].targetUID=postgres@" + rel + ":33:20",
			"correlations[1].targetUID=postgres@" + rel + ":58:20",
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("(-want +got):\n%s", diff)
		}
	})

	t.Run("flow-style list item", func(t *testing.T) {
		rel := "exabugs__grafana-dashboards/etc/grafana/provisioning/datasources/mimir.yml"
		f, _ := ParseDatasources(rel, readCorpus(t, dir, rel))
		var got model.Field
		for _, fl := range f.Datasources[2].Fields {
			if fl.Path == "jsonData.tracesToLogsV2.tags[1]" {
				got = fl
			}
		}
		// `        tags: ["job", "instance", "pod", "namespace"]` on line 48.
		want := model.Str{V: "instance", Pos: model.Pos{File: rel, Line: 48, Col: 24}, End: model.Pos{File: rel, Line: 48, Col: 32}}
		if diff := cmp.Diff(want, got.Value); diff != "" || got.Key.V != "tags" {
			t.Errorf("field %+v (-want +got):\n%s", got, diff)
		}
	})

	t.Run("webrtcperf legacy provider", func(t *testing.T) {
		rel := "vpalmisano__webrtcperf/prometheus-stack/config/grafana-dashboards.yml"
		f, probs := ParseProviders(rel, readCorpus(t, dir, rel))
		if len(probs) != 0 || len(f.Issues) != 0 || len(f.Providers) != 1 {
			t.Fatalf("problems %v issues %v providers %d", probs, f.Issues, len(f.Providers))
		}
		p := f.Providers[0]
		want := model.Str{V: "/var/lib/grafana/dashboards", Pos: model.Pos{File: rel, Line: 6, Col: 14}, End: model.Pos{File: rel, Line: 6, Col: 41}}
		if diff := cmp.Diff(want, p.Path); diff != "" || !p.PathFromFolder || f.APIVersion != 0 || p.OrgID != 1 || p.Name.V != "default" {
			t.Errorf("provider %+v (-want +got path):\n%s", p, diff)
		}
	})

	t.Run("grafana sample is empty", func(t *testing.T) {
		rel := "grafana__grafana/conf/provisioning/datasources/sample.yaml"
		f, probs := ParseDatasources(rel, readCorpus(t, dir, rel))
		if len(probs) != 0 || len(f.Issues) != 0 || len(f.Datasources) != 0 || f.APIVersion != 1 {
			t.Errorf("got %+v %v", f, probs)
		}
		rel = "grafana__grafana/conf/provisioning/dashboards/sample.yaml"
		pf, probs := ParseProviders(rel, readCorpus(t, dir, rel))
		if len(probs) != 0 || len(pf.Issues) != 0 || len(pf.Providers) != 0 || pf.APIVersion != 1 {
			t.Errorf("got %+v %v", pf, probs)
		}
	})

	t.Run("derived and explicit uids", func(t *testing.T) {
		rel := "Skewnart__grafana-raspberry/monitoring/grafana/provisioning/datasources/datasource.yml"
		f, _ := ParseDatasources(rel, readCorpus(t, dir, rel))
		prom, loki := f.Datasources[0], f.Datasources[1]
		if prom.UID.V != "t4f0shgRk" || prom.UIDDerived || prom.UID.Pos.Line != 51 {
			t.Errorf("prometheus uid %+v", prom.UID)
		}
		if loki.UID.V != DerivedUID("Loki") || !loki.UIDDerived || loki.UID.Pos != loki.Name.Pos || loki.Name.Pos.Line != 53 {
			t.Errorf("loki uid %+v name %+v", loki.UID, loki.Name)
		}
		if len(f.Deletes) != 1 || f.Deletes[0].Name.V != "Prometheus" {
			t.Errorf("deletes %+v", f.Deletes)
		}
	})

	t.Run("shell default syntax is dynamic", func(t *testing.T) {
		rel := "Alpaca-Network__railway-grafana-stack/grafana/provisioning/datasources/tempo.yml"
		f, _ := ParseDatasources(rel, readCorpus(t, dir, rel))
		d := f.Datasources[0]
		if d.URL.Pos.Line != 11 || d.URL.Pos.Col != 10 {
			t.Errorf("url at %v", d.URL.Pos)
		}
		for _, fl := range d.Fields {
			if fl.Path == "url" && !fl.Dynamic {
				t.Error("url ${VAR:-default} must be dynamic")
			}
		}
	})

	// kube-prometheus embeds JSON provisioning documents in Kubernetes
	// objects: the manifest itself is not provisioning, the embedded text is,
	// and JSON loads like any YAML.
	t.Run("JSON embedded in a manifest", func(t *testing.T) {
		embedded := func(rel, section, key string) []byte {
			var m map[string]any
			if err := yaml.Unmarshal(readCorpus(t, dir, rel), &m); err != nil {
				t.Fatal(err)
			}
			s, _ := m[section].(map[string]any)[key].(string)
			return []byte(s)
		}
		rel := "prometheus-operator__kube-prometheus/manifests/grafana-dashboardDatasources.yaml"
		if k := Sniff(readCorpus(t, dir, rel)); k != "" {
			t.Errorf("manifest sniffed as %q", k)
		}
		kind, f, _, probs := Parse("datasources.yaml", embedded(rel, "stringData", "datasources.yaml"))
		if kind != model.KindDatasources || len(probs) != 0 || len(f.Datasources) != 1 {
			t.Fatalf("kind %q problems %v file %+v", kind, probs, f)
		}
		d := f.Datasources[0]
		want := model.Str{V: "prometheus", Pos: model.Pos{File: "datasources.yaml", Line: 7, Col: 22}, End: model.Pos{File: "datasources.yaml", Line: 7, Col: 32}}
		if diff := cmp.Diff(want, d.Name); diff != "" {
			t.Errorf("name (-want +got):\n%s", diff)
		}
		if d.UID.V != "P1809F7CD0C75ACF3" || !d.UIDDerived {
			t.Errorf("uid %+v", d.UID)
		}
		rel = "prometheus-operator__kube-prometheus/manifests/grafana-dashboardSources.yaml"
		kind, _, pf, probs := Parse("dashboards.yaml", embedded(rel, "data", "dashboards.yaml"))
		if kind != model.KindProviders || len(probs) != 0 || len(pf.Providers) != 1 || pf.Providers[0].Path.V != "/grafana-dashboard-definitions/0" {
			t.Errorf("kind %q problems %v providers %+v", kind, probs, pf)
		}
	})
}
