package query

import (
	"strings"

	"github.com/grafanalint/grafanalint/parsers/interpolate"
	"github.com/grafanalint/grafanalint/parsers/model"
	"github.com/grafanalint/grafanalint/rules"
)

// Index is the read-only view of a stack the query checks need: which
// plugin type each provisioned datasource (by UID and by name) and the
// default datasource of each organisation have, and which organisation
// each dashboard lives in. It is built once per stack; checks of single
// dashboards only read it.
type Index struct {
	*stackTypes
	// dashOrg are the organisations of the stack's provisioned
	// dashboards; an index of the view of one dashboard (viewIndex) has
	// none and holds that dashboard's in one and oneOrg instead.
	dashOrg map[*model.Dashboard]int
	one     *model.Dashboard
	oneOrg  int
	// view remembers the targets of the view's dashboard (an index of a
	// view only: the rules of one view run one after another).
	view *viewTargets
}

// stackTypes is what an Index reads of the stack's datasources alone,
// the same for the stack and every view of its dashboards.
type stackTypes struct {
	orgs     map[int]*orgTypes
	provided bool
}

// orgTypes is the type lookup of one organisation.
type orgTypes struct {
	byUID, byName map[string]string
	// def is the default datasource's type ("" when unknown).
	def string
}

// NewIndex builds the index of st. Datasources are replayed as Grafana
// reads the provisioning files: a later entry with the same org and name
// wins.
func NewIndex(st *model.Stack) *Index {
	ix := &Index{stackTypes: newStackTypes(st), dashOrg: map[*model.Dashboard]int{}}
	for _, d := range st.Dashboards {
		if n := provisionedOrg(st, d); n > 0 {
			ix.dashOrg[d] = n
		}
	}
	return ix
}

// typesKey keys a stack's stackTypes among the values its views gather.
type typesKey struct{}

// viewIndex returns the index of the view of one dashboard c checks: the
// stack's datasource types, built once for the stack and every view of
// it, and the organisation of the view's dashboard.
func viewIndex(c *rules.Context) *Index {
	st := c.Stack
	ix := &Index{stackTypes: rules.Gathered(c, typesKey{}, func() *stackTypes { return newStackTypes(st) }), view: &viewTargets{}}
	for _, d := range st.Dashboards {
		if n := provisionedOrg(st, d); n > 0 {
			ix.one, ix.oneOrg = d, n
		}
	}
	return ix
}

// provisionedOrg is the organisation of provisioned dashboard d of st (0:
// unknown).
func provisionedOrg(st *model.Stack, d *model.Dashboard) int {
	if p := st.LoadedBy[d]; p != nil && p.OrgID > 0 {
		return p.OrgID
	}
	return 0
}

// newStackTypes reads the types of st's datasources.
func newStackTypes(st *model.Stack) *stackTypes {
	ix := &stackTypes{orgs: map[int]*orgTypes{}, provided: st.HasDatasources}
	org := func(n int) *orgTypes {
		if n <= 0 {
			n = 1
		}
		o := ix.orgs[n]
		if o == nil {
			o = &orgTypes{byUID: map[string]string{}, byName: map[string]string{}}
			ix.orgs[n] = o
		}
		return o
	}
	types := map[int]map[string]bool{}
	for _, ds := range st.Datasources() {
		o := org(ds.OrgID)
		if !ds.UIDDynamic && ds.UID.V != "" {
			o.byUID[ds.UID.V] = ds.Type.V
		}
		if !ds.NameDynamic {
			o.byName[ds.Name.V] = ds.Type.V
		}
		if ds.IsDefault {
			o.def = ds.Type.V
		}
		n := max(ds.OrgID, 1)
		if types[n] == nil {
			types[n] = map[string]bool{}
		}
		types[n][ds.Type.V] = true
	}
	for n, o := range ix.orgs {
		if o.def == "" && len(types[n]) == 1 {
			// No datasource is marked default: Grafana falls back to one
			// of them; when they all share a type, that is its type.
			for t := range types[n] {
				o.def = t
			}
		}
	}
	return ix
}

func (ix *Index) org(d *model.Dashboard) *orgTypes {
	if ix == nil {
		return nil
	}
	n := ix.dashOrg[d]
	if d == ix.one && d != nil {
		n = ix.oneOrg
	}
	if n <= 0 {
		n = 1
	}
	return ix.orgs[n]
}

// Plugin types of the query languages checked.
const (
	TypePrometheus = "prometheus"
	TypeLoki       = "loki"
)

// builtinDatasource reports whether a UID or name is one of Grafana's
// built-in datasources, which run no PromQL or LogQL.
func builtinDatasource(v string) bool {
	switch v {
	case "-- Mixed --", "-- Dashboard --", "-- Grafana --", "grafana", "__expr__", "-100", "Expression":
		return true
	}
	return false
}

// refType resolves the plugin type of a datasource reference in dashboard
// d, as the datasource rules resolve references (GRAFANA.md §3): the type
// of the stack's datasource with the object's UID, else the object's type
// when written (except the built-ins' "datasource" type);
// a dashboard datasource variable's plugin type; a UID, then a name,
// looked up among the stack's datasources; null, absent or "default" is
// the organisation's default datasource. mixed reports "-- Mixed --"
// (each query then names its own). "" means unknown.
func refType(ix *Index, d *model.Dashboard, r *model.DatasourceRef) (typ string, mixed bool) {
	if r == nil || r.Shape == model.RefNull {
		return defaultType(ix, d), false
	}
	var v string
	switch r.Shape {
	case model.RefString:
		v = r.Name.V
	case model.RefObject:
		v = r.UID.V
		if v == "-- Mixed --" {
			return "", true
		}
		if builtinDatasource(v) {
			return "", false
		}
		// Grafana resolves the UID and ignores the written type: a
		// datasource of the stack with that UID decides.
		if v != "" && !strings.ContainsAny(v, "$[") {
			if o := ix.org(d); o != nil {
				if t, ok := o.byUID[v]; ok {
					return t, false
				}
			}
		}
		if t := r.Type.V; t != "" && t != "datasource" {
			if strings.Contains(t, "$") {
				return variableType(d, t), false
			}
			return t, false
		}
	}
	switch {
	case v == "-- Mixed --":
		return "", true
	case builtinDatasource(v):
		return "", false
	case v == "" || v == "default":
		return defaultType(ix, d), false
	case strings.ContainsAny(v, "$["):
		return variableType(d, v), false
	}
	o := ix.org(d)
	if o == nil {
		return "", false
	}
	if t, ok := o.byUID[v]; ok {
		return t, false
	}
	return o.byName[v], false
}

// defaultType is the type of the default datasource of d's organisation.
func defaultType(ix *Index, d *model.Dashboard) string {
	if o := ix.org(d); o != nil {
		return o.def
	}
	return ""
}

// variableType returns the plugin type of the datasource variable a
// reference such as "$datasource" or "${ds}" names ("" when it names no
// datasource variable of d).
func variableType(d *model.Dashboard, v string) string {
	refs := interpolate.Find(v)
	if len(refs) != 1 || refs[0].Start != 0 || refs[0].End != len(v) {
		return ""
	}
	for _, vr := range d.Variables {
		if vr.Name.V == refs[0].Name && vr.Type == "datasource" {
			return vr.Query.V
		}
	}
	// An export placeholder (${DS_PROMETHEUS}) names an __inputs entry
	// with the plugin it stands for.
	for _, in := range d.Inputs {
		if in.Name.V == refs[0].Name && in.Type == "datasource" {
			return in.PluginID
		}
	}
	return ""
}

// TargetType resolves the plugin type of query q of panel p: the query's
// own datasource when it names one (always, under a -- Mixed -- panel),
// else the panel's.
func TargetType(ix *Index, d *model.Dashboard, p *model.Panel, q *model.Query) string {
	r := refTypes{ix: ix, d: d}
	return r.target(p, q)
}

// refTypes resolves the datasource references of one dashboard as
// refType does, remembering the last few: a dashboard's panels and
// queries mostly repeat one reference, and resolving a variable reference
// scans the text for references.
type refTypes struct {
	ix   *Index
	d    *model.Dashboard
	n    int
	seen [4]resolvedRef
}

// resolvedRef is a reference, by what refType reads of it, and its type.
type resolvedRef struct {
	shape          model.RefShape
	uid, typ, name string
	resolved       string
	mixed          bool
}

// of is refType(ix, d, r).
func (c *refTypes) of(r *model.DatasourceRef) (string, bool) {
	if r == nil || r.Shape == model.RefNull {
		return defaultType(c.ix, c.d), false
	}
	for i := range min(c.n, len(c.seen)) {
		e := &c.seen[i]
		if e.shape == r.Shape && e.uid == r.UID.V && e.typ == r.Type.V && e.name == r.Name.V {
			return e.resolved, e.mixed
		}
	}
	t, mixed := refType(c.ix, c.d, r)
	c.seen[c.n%len(c.seen)] = resolvedRef{shape: r.Shape, uid: r.UID.V, typ: r.Type.V, name: r.Name.V, resolved: t, mixed: mixed}
	c.n++
	return t, mixed
}

// target is TargetType(ix, d, p, q).
func (c *refTypes) target(p *model.Panel, q *model.Query) string {
	own := q.Datasource
	if own != nil && own.Shape != model.RefNull {
		t, _ := c.of(own)
		return t
	}
	panelType, mixed := c.of(p.Datasource)
	if mixed {
		return ""
	}
	if p.Datasource == nil && own == nil {
		return defaultType(c.ix, c.d)
	}
	return panelType
}

// VariableType resolves the plugin type of a query variable's datasource.
func VariableType(ix *Index, d *model.Dashboard, v *model.Variable) string {
	t, _ := refType(ix, d, v.Datasource)
	return t
}
