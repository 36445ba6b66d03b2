package k8s_test

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/grafanalint/grafanalint/parsers/corpustest"
	"github.com/grafanalint/grafanalint/parsers/discover"
)

// TestCorpusBundles loads each bundle of the Kubernetes corpus and checks
// what Grafana reads there (reviewed by hand against the charts' templates
// and the operator's source; see the rule docs for the mappings).
func TestCorpusBundles(t *testing.T) {
	dir := corpustest.Dir(t, "k8s")
	want := map[string][]string{
		// Raw manifests: base64 grafana.ini and datasources in Secrets,
		// 26 dashboard ConfigMaps mounted as provider subfolders, an
		// Ingress without class (not analysed).
		"carlosedp__cluster-monitoring": {"monitoring/grafana manifest ini=true ds=1 prov=1 dash=26 loose=0 downloads=0 ingresses=[\"\" analysed=false] sidecars=[]"},
		// kube-prometheus-stack (HelmRelease): its datasource ConfigMap
		// (Prometheus, Alertmanager) and the loki release's extraObjects
		// ConfigMap through the datasource sidecar; three dashboards of a
		// configMapGenerator through the dashboard sidecar.
		"fluxcd__flux2-monitoring-example":                       {"monitoring/kube-prometheus-stack flux-helmrelease ini=true ds=3 prov=1 dash=3 loose=0 downloads=0 ingresses=[] sidecars=[dashboards:1 datasources:2]"},
		"geoffreymersch__test_terraform-aws-eks-blueprints_1251": {"geoffreymersch__test_terraform-aws-eks-blueprints_1251/helm-values (grafana-values.yaml.tpl) helm-values ini=true ds=2 prov=1 dash=0 loose=0 downloads=0 ingresses=[\"ingress-nginx\" analysed=true] sidecars=[]"},
		"grafana__tempo": {
			"grafana__tempo/example/helm (microservices-grafana-values.yaml) helm-values ini=true ds=1 prov=0 dash=0 loose=0 downloads=0 ingresses=[] sidecars=[]",
			"grafana__tempo/example/helm (single-binary-grafana-values.yaml) helm-values ini=true ds=1 prov=0 dash=0 loose=0 downloads=0 ingresses=[] sidecars=[]",
		},
		"istio__istio": {"istio-system/grafana manifest ini=true ds=2 prov=1 dash=7 loose=0 downloads=0 ingresses=[] sidecars=[]"},
		// 18 grafana.com downloads; the repository's copies of them are
		// loose dashboards.
		"linkerd__linkerd2": {"linkerd__linkerd2/grafana (values.yaml) helm-values ini=true ds=1 prov=1 dash=0 loose=18 downloads=18 ingresses=[] sidecars=[]"},
		"ministryofjustice__cloud-platform-terraform-amp": {"ministryofjustice__cloud-platform-terraform-amp/templates (grafana-values.yaml.tpl) helm-values ini=true ds=0 prov=0 dash=0 loose=0 downloads=0 ingresses=[\"\" analysed=false] sidecars=[]"},
		// grafana-operator: two uid-less GrafanaDatasources (UIDs unknown),
		// 13 GrafanaDashboards whose models are downloaded or in a
		// ConfigMap outside the repository, and kube-prometheus-stack's
		// dashboards handed to the operator.
		"onedr0p__home-ops": {"o11y/grafana grafana-operator ini=true ds=2 prov=0 dash=0 loose=0 downloads=14 ingresses=[\"gateway-api\" analysed=false] sidecars=[]"},
	}
	for bundle, lines := range want {
		t.Run(bundle, func(t *testing.T) {
			m, err := discover.Load(context.Background(), discover.Options{Paths: []string{filepath.Join(dir, bundle)}, WorkDir: dir})
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, s := range m.Stacks {
				k := s.Kubernetes
				if k == nil {
					got = append(got, s.Name+" "+string(s.Origin))
					continue
				}
				ds := 0
				for _, f := range s.DatasourceFiles {
					ds += len(f.Datasources)
				}
				ing := "["
				for i, in := range k.Ingresses {
					if i > 0 {
						ing += " "
					}
					ing += fmt.Sprintf("%q analysed=%v", in.Controller, in.Analysed)
				}
				sc := "["
				for i, x := range k.Sidecars {
					if i > 0 {
						sc += " "
					}
					sc += fmt.Sprintf("%s:%d", x.Kind, len(x.Objects))
				}
				got = append(got, fmt.Sprintf("%s %s ini=%v ds=%d prov=%d dash=%d loose=%d downloads=%d ingresses=%s] sidecars=%s]",
					s.Name, k.Origin, s.HasIni, ds, len(s.ProviderFiles), len(s.Dashboards), len(s.LooseDashboards), len(k.Downloads), ing, sc))
			}
			if d := cmp.Diff(lines, got); d != "" {
				t.Errorf("(-want +got):\n%s", d)
			}
		})
	}
}
