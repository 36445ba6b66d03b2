package dashboard

import (
	"fmt"
	"slices"

	"github.com/grafanalint/grafanalint/parsers/model"
	"github.com/grafanalint/grafanalint/rules"
)

// operatorInput says how to resolve an export placeholder of a
// GrafanaDashboard's model: grafana-operator replaces "${inputName}" with
// the datasource name of each spec.datasources entry before it posts the
// dashboard (grafana/grafana-operator controllers/content/resolver.go
// resolveDatasources), and nothing else replaces it.
func operatorInput(st *model.Stack, d *model.Dashboard, ks *model.KubeSource, name string, in *model.Input, rel *[]rules.Related) string {
	placeholder := "${" + name + "}"
	ds := candidateOf(st, d, name, in, true)
	dsName := "<the datasource's name>"
	if ds != nil {
		dsName = ds.Name.V
		*rel = append(*rel, rules.Related{Pos: dsPos(ds), Message: fmt.Sprintf("datasource %q is defined here", ds.Name.V)})
	}
	field := "spec.datasources"
	if len(ks.Inputs) > 0 && !slices.Contains(ks.Inputs, name) {
		field = "spec.datasources (which maps only " + quoteList(ks.Inputs) + ")"
	}
	return fmt.Sprintf("export placeholder %q is kept literally in the model of %s: grafana-operator replaces only the inputs that spec.datasources maps, so the panel shows \"Datasource %s was not found\"; add {inputName: %s, datasourceName: %s} to %s, or write the datasource's UID in place of the placeholder",
		placeholder, ks.Object, placeholder, name, dsName, field)
}

func quoteList(names []string) string {
	s := ""
	for i, n := range names {
		if i > 0 {
			s += ", "
		}
		s += fmt.Sprintf("%q", n)
	}
	return s
}
