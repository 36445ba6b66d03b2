package datasource

import (
	"fmt"
	"path"
	"strings"

	"github.com/grafanalint/grafanalint/parsers/model"
	"github.com/grafanalint/grafanalint/rules"
)

// where names the part of a dashboard a reference sits in.
func where(ref *model.DatasourceRef) string {
	var s string
	switch ref.Place {
	case model.PlacePanel:
		s = "the panel datasource"
	case model.PlaceTarget:
		s = "the query"
		if ref.RefID != "" {
			s = fmt.Sprintf("query %s", ref.RefID)
		}
	case model.PlaceAnnotation:
		s = "the annotation datasource"
	case model.PlaceVariable:
		s = "the variable datasource"
	case model.PlaceElement:
		s = "the library panel datasource"
	case model.PlaceRow:
		return "the row panel datasource"
	default:
		s = "the datasource reference"
	}
	if ref.InRow {
		s += " of a row panel"
	}
	return s
}

// notFound says what Grafana shows for a reference that resolves to
// nothing (DatasourceSrv.loadDatasource: "Datasource <value> was not
// found").
func notFound(ref *model.DatasourceRef, value string) string {
	if ref.InRow || ref.Place == model.PlaceRow {
		return "row panels never run queries, so nothing fails today, but the reference is stale and is copied into panels added to the row"
	}
	msg := fmt.Sprintf("%q", "Datasource "+value+" was not found")
	switch ref.Place {
	case model.PlaceAnnotation:
		return "the annotation query fails with " + msg
	case model.PlaceVariable:
		return "the variable cannot load its values (" + msg + ")"
	}
	return "the panel shows " + msg
}

// rowSeverity lowers findings on row panels to info: rows never query.
func rowSeverity(ref *model.DatasourceRef) rules.Severity {
	if ref.InRow || ref.Place == model.PlaceRow {
		return rules.Info
	}
	return rules.Off
}

// orgPhrase is "the stack" or "org N of the stack".
func orgPhrase(org int) string {
	if org <= 1 {
		return "the stack"
	}
	return fmt.Sprintf("org %d of the stack", org)
}

// base returns the file name of a display path.
func base(p string) string { return path.Base(p) }

// fileName names a datasource file in a message: its base name, or for
// one read from a Kubernetes manifest or Helm values, what the user wrote
// (`key "ds.yaml" of ConfigMap "grafana"`, "values datasources.ds.yaml").
func fileName(c *rules.Context, p string) string {
	if kf := c.KubeFile(p); kf != "" {
		return kf
	}
	return base(p)
}

// describeDS names a datasource with its UID and type.
func describeDS(ds *model.Datasource) string {
	if ds.UIDDynamic && ds.UID.V == "" {
		// grafana-operator: the object's Kubernetes UID, known only
		// once it is created.
		s := fmt.Sprintf("%q (UID assigned when it is created", ds.Name.V)
		if ds.Type.V != "" {
			s += ", type " + ds.Type.V
		}
		return s + ")"
	}
	s := fmt.Sprintf("%q (UID %q", ds.Name.V, ds.UID.V)
	if ds.UIDDerived {
		s += ", derived from the name"
	}
	if ds.Type.V != "" {
		s += ", type " + ds.Type.V
	}
	return s + ")"
}

// dsPos is where a datasource's UID is written (its name for a derived
// UID, whose position the parser gives the name's).
func dsPos(ds *model.Datasource) model.Pos {
	if ds.UID.Pos.IsValid() {
		return ds.UID.Pos
	}
	if ds.Name.Pos.IsValid() {
		return ds.Name.Pos
	}
	return ds.Pos
}

// related points at a datasource's entry.
func related(ds *model.Datasource, msg string) []rules.Related {
	return []rules.Related{{Pos: dsPos(ds), Message: msg}}
}

// suggestion is the datasource a reference probably meant, with why.
type suggestion struct {
	ds   *model.Datasource
	hint string
}

// suggest finds the datasource an unresolved UID or name probably meant:
// the same value in another case (lookups are case-sensitive), a close
// spelling, or the only datasource of the reference's type.
func suggest(v *orgView, value, typ string) *suggestion {
	for _, ds := range v.all {
		if !ds.UIDDynamic && strings.EqualFold(ds.UID.V, value) {
			return &suggestion{ds, fmt.Sprintf("UIDs are case-sensitive: datasource %q has UID %q", ds.Name.V, ds.UID.V)}
		}
	}
	for _, ds := range v.all {
		if !ds.NameDynamic && strings.EqualFold(ds.Name.V, value) {
			return &suggestion{ds, fmt.Sprintf("names are case-sensitive too: did you mean datasource %s?", describeDS(ds))}
		}
	}
	best, bestD := (*model.Datasource)(nil), 3
	for _, ds := range v.all {
		for _, s := range []string{ds.UID.V, ds.Name.V} {
			if s == "" {
				continue
			}
			d := distance(strings.ToLower(s), strings.ToLower(value))
			if d < bestD && d*3 <= len(value) {
				best, bestD = ds, d
			}
		}
	}
	if best != nil {
		return &suggestion{best, fmt.Sprintf("did you mean datasource %s?", describeDS(best))}
	}
	if typ != "" && !builtinTypes[typ] && typ != "datasource" {
		same := v.ofType(typ)
		if len(same) == 1 {
			return &suggestion{same[0], fmt.Sprintf("the stack's only %s datasource is %s", typ, describeDS(same[0]))}
		}
	}
	return nil
}

// fixFor says how to make value resolve to ds.
func fixFor(ds *model.Datasource, value string) string {
	if ds.UIDDynamic && ds.UID.V == "" {
		return fmt.Sprintf("give datasource %q a fixed uid (a GrafanaDatasource's spec.uid) and reference that", ds.Name.V)
	}
	if ds.UIDDerived && uidProblem(value) == "" {
		return fmt.Sprintf("pin `uid: %s` on datasource %q in %s so every reference to it matches, or reference its UID %q", value, ds.Name.V, base(ds.File), ds.UID.V)
	}
	return fmt.Sprintf("reference UID %q instead", ds.UID.V)
}

// distance is the Levenshtein distance of a and b (bytes).
func distance(a, b string) int {
	if len(a) < len(b) {
		a, b = b, a
	}
	var pb, cb [48]int // values and names are short: no allocation
	prev, cur := pb[:0], cb[:0]
	if len(b)+1 > len(pb) {
		prev, cur = make([]int, 0, len(b)+1), make([]int, 0, len(b)+1)
	}
	prev, cur = prev[:len(b)+1], cur[:len(b)+1]
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}
