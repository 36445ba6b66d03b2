package provisioning

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/grafanalint/grafanalint/parsers/model"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

// golden is what a fixture's golden file holds: the parsed file plus the
// parts the model does not serialise (Keys, Fields).
type golden struct {
	Sniff       model.Kind            `json:"sniff"`
	Datasources *model.DatasourceFile `json:"datasourceFile,omitempty"`
	Providers   *model.ProviderFile   `json:"providerFile,omitempty"`
	Keys        []model.Str           `json:"keys,omitempty"`
	// Fields holds each datasource's or provider's Fields, in order.
	Fields   [][]model.Field `json:"fields,omitempty"`
	Problems []model.Problem `json:"problems,omitempty"`
}

// TestGolden parses every fixture testdata/ds-*.yaml (datasources) and
// testdata/prov-*.yaml (dashboard providers) and compares the result with
// the .golden.json beside it. Run with -update to rewrite them.
func TestGolden(t *testing.T) {
	files, err := filepath.Glob("testdata/*.yaml")
	if err != nil || len(files) == 0 {
		t.Fatalf("no fixtures: %v", err)
	}
	for _, path := range files {
		name := filepath.Base(path)
		t.Run(name, func(t *testing.T) {
			src, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			g := golden{Sniff: Sniff(src)}
			switch {
			case strings.HasPrefix(name, "ds-"):
				g.Datasources, g.Problems = ParseDatasources(path, src)
				g.Keys = g.Datasources.Keys
				for _, d := range g.Datasources.Datasources {
					g.Fields = append(g.Fields, d.Fields)
				}
			case strings.HasPrefix(name, "prov-"):
				g.Providers, g.Problems = ParseProviders(path, src)
				g.Keys = g.Providers.Keys
				for _, p := range g.Providers.Providers {
					g.Fields = append(g.Fields, p.Fields)
				}
			default:
				t.Fatalf("fixture %s must start with ds- or prov-", name)
			}
			got, err := json.MarshalIndent(g, "", "  ")
			if err != nil {
				t.Fatal(err)
			}
			got = append(got, '\n')
			goldenPath := strings.TrimSuffix(path, ".yaml") + ".golden.json"
			if *update {
				if err := os.WriteFile(goldenPath, got, 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(goldenPath)
			if err != nil {
				t.Fatalf("%v (run go test -update to create it)", err)
			}
			if bytes.Equal(want, got) {
				return
			}
			var w, g2 any
			if err := json.Unmarshal(want, &w); err != nil {
				t.Fatalf("golden file: %v", err)
			}
			_ = json.Unmarshal(got, &g2)
			t.Errorf("%s differs (-want +got), run go test -update if intended:\n%s", goldenPath, cmp.Diff(w, g2))
		})
	}
}
