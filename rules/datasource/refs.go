package datasource

import (
	"github.com/grafanalint/grafanalint/parsers/model"
	"github.com/grafanalint/grafanalint/rules"
)

// dash is a dashboard checked against the stack's datasources, with the
// organisation it lives in.
type dash struct {
	d     *model.Dashboard
	org   int
	loose bool
}

// dashboards returns the dashboards whose references are resolved against
// the stack's provisioned datasources: those a provider loads, in the
// provider's organisation, and — only when the stack has no dashboard
// provider at all — the loose dashboard files of its tree, in org 1, as
// dashboards meant to be imported into this Grafana. When providers exist,
// loose files are exports, backups or copies for another installation:
// which datasources they will meet is unknown, so they are not judged.
func dashboards(st *model.Stack) []dash {
	var out []dash
	for _, d := range st.Dashboards {
		org := 1
		if p := st.LoadedBy[d]; p != nil && p.OrgID > 0 {
			org = p.OrgID
		}
		out = append(out, dash{d: d, org: org})
	}
	if !st.HasProviders {
		for _, d := range st.LooseDashboards {
			out = append(out, dash{d: d, org: 1, loose: true})
		}
	}
	return out
}

// refKind is what a reference turns out to be.
type refKind uint8

const (
	// kindSkip: nothing to check (built-in datasource, the default
	// datasource, an object with only a type, a variable the dashboard
	// defines, an export placeholder left to dashboard/unresolved-input or
	// to the import UI).
	kindSkip refKind = iota
	// kindResolved: the value is the UID of a datasource (or, for a legacy
	// string, its UID or name).
	kindResolved
	// kindByName: a UID reference that matches only a datasource's name.
	kindByName
	// kindUnknown: nothing in the org matches.
	kindUnknown
	// kindUndefinedVar: a variable the dashboard does not define.
	kindUndefinedVar
)

// use is one datasource reference of a dashboard, resolved. A stack's
// uses are held for all its datasource rules, one per reference: the
// dashboard and the value are pointers into what the resolver and the
// reference hold.
type use struct {
	dash *dash
	ref  *model.DatasourceRef
	// value is the UID (object reference) or the string as written: one
	// of ref's values, or noValue.
	value *model.Str
	ds    *model.Datasource
	view  *orgView
	// undefined are the variables the value names that the dashboard does
	// not define.
	undefined []string
	kind      refKind
	legacy    bool
}

// noValue is the value of a use whose reference has none to check.
var noValue model.Str

// resolver resolves the references of one stack.
type resolver struct {
	st *model.Stack
	ix *index
	// resolved and linked hold what uses and links return, once computed.
	resolved, linked bool
	// noLinks leaves links empty (the view of one dashboard).
	noLinks bool
	refs    []use
	dsLinks []linkUse
}

func newResolver(st *model.Stack) *resolver { return &resolver{st: st, ix: newIndex(st)} }

// indexKey keys the stack's datasource index among the values the views
// of its dashboards share.
type indexKey struct{}

// indexOf returns the index of the checked stack's datasource files, built
// once for the stack and shared by the views of its dashboards and the
// stack's own check: a view differs from its stack in the dashboards
// alone, and the index reads none (its lookups are built under a lock).
func indexOf(c *rules.Context) *index {
	return rules.Gathered(c, indexKey{}, func() *index { return newIndex(c.Stack) })
}

// resolverKey keys the stack's resolver among the values rules share.
type resolverKey struct{}

// resolverOf returns the resolver of the checked stack, shared by every
// datasource rule that checks it: its references are resolved once.
//
// In the view of one dashboard (see rules.Rule.PerDashboard) the resolver
// has no links: datasources' links are checked once, on the stack's own
// check.
func resolverOf(c *rules.Context) *resolver {
	return rules.Shared(c, resolverKey{}, func() *resolver {
		r := &resolver{st: c.Stack, ix: indexOf(c)}
		r.noLinks = c.InDashboardView()
		return r
	})
}

// uses returns every reference of the checked dashboards, resolved, in
// file order. The slice is shared: callers must not modify it.
func (r *resolver) uses() []use {
	if !r.resolved {
		r.refs, r.resolved = r.resolveAll(), true
	}
	return r.refs
}

func (r *resolver) resolveAll() []use {
	dds := dashboards(r.st)
	n := 0
	for _, dd := range dds {
		n += len(dd.d.Refs)
	}
	out := make([]use, 0, n)
	for i := range dds {
		dd := &dds[i]
		view := r.ix.org(dd.org)
		for _, ref := range dd.d.Refs {
			out = append(out, r.resolve(dd, ref, view))
		}
	}
	return out
}

// definedIn reports whether dashboard d defines a variable or declares an
// input named n. Only references through variables ask, so a scan of the
// dashboard's variables costs less than a set built per dashboard.
func definedIn(d *model.Dashboard, n string) bool {
	for _, v := range d.Variables {
		if v.Name.V == n {
			return true
		}
	}
	for _, in := range d.Inputs {
		if in.Name.V == n {
			return true
		}
	}
	return false
}

func (r *resolver) resolve(dd *dash, ref *model.DatasourceRef, view *orgView) use {
	u := use{dash: dd, ref: ref, view: view, value: &noValue}
	switch ref.Shape {
	case model.RefNull:
		return u
	case model.RefString:
		u.value, u.legacy = &ref.Name, true
	case model.RefObject:
		if builtinTypes[ref.Type.V] {
			return u
		}
		u.value = &ref.UID
	default:
		return u
	}
	v := u.value.V
	if isDefaultValue(v) || builtinValues[v] {
		return u
	}
	var buf [4]string
	if names, any := appendVariables(buf[:0], v); any {
		for _, n := range names {
			if isPlaceholderName(n) || definedIn(dd.d, n) {
				continue
			}
			u.undefined = append(u.undefined, n)
		}
		if len(u.undefined) > 0 {
			u.kind = kindUndefinedVar
		}
		return u
	}
	ds, byName := view.lookup(v)
	switch {
	case ds == nil && (view.dynamicUID || u.legacy && view.dynamicName):
		// A datasource whose UID (or name) is interpolated at deploy time
		// may be the one meant.
	case ds == nil:
		u.kind = kindUnknown
	case byName && !u.legacy:
		u.kind, u.ds = kindByName, ds
	default:
		u.kind, u.ds = kindResolved, ds
	}
	return u
}

// linkUse is one datasource-to-datasource link, resolved.
type linkUse struct {
	owner *model.Datasource
	link  *model.DatasourceLink
	kind  refKind
	ds    *model.Datasource
	view  *orgView
}

// links returns the links of the effective datasources (an entry another
// one overwrites is not what Grafana holds), resolved. The slice is shared:
// callers must not modify it.
func (r *resolver) links() []linkUse {
	if r.noLinks {
		return nil
	}
	if !r.linked {
		r.dsLinks, r.linked = r.resolveLinks(), true
	}
	return r.dsLinks
}

func (r *resolver) resolveLinks() []linkUse {
	var out []linkUse
	seen := map[*model.Datasource]bool{}
	var owners []*model.Datasource
	for _, k := range r.ix.order {
		if ds := r.ix.effective[k]; ds != nil && !seen[ds] {
			seen[ds] = true
			owners = append(owners, ds)
		}
	}
	owners = append(owners, r.ix.anyOrg...)
	for _, ds := range owners {
		org := ds.OrgID
		if !knownOrg(ds) {
			org = 1
		}
		view := r.ix.org(org)
		for i := range ds.Links {
			l := &ds.Links[i]
			lu := linkUse{owner: ds, link: l, view: view}
			v := l.UID.V
			if l.Dynamic || isDefaultValue(v) || builtinValues[v] {
				out = append(out, lu)
				continue
			}
			t, byName := view.lookup(v)
			switch {
			case t == nil && view.dynamicUID:
			case t == nil:
				lu.kind = kindUnknown
			case byName:
				lu.kind, lu.ds = kindByName, t
			default:
				lu.kind, lu.ds = kindResolved, t
			}
			out = append(out, lu)
		}
	}
	return out
}

// syntaxBroken reports whether a datasource file of the stack did not parse:
// the provisioned set is then unknown and references are not judged.
func syntaxBroken(c *rules.Context) bool {
	for _, f := range c.Stack.DatasourceFiles {
		if mf := c.File(f.Path); mf != nil {
			for _, p := range mf.Problems {
				if p.Kind == model.ProblemSyntax || p.Kind == model.ProblemInput {
					return true
				}
			}
		}
	}
	return false
}

// entity names a dashboard for exclusions.
func dashEntity(d *model.Dashboard) string {
	if d.UID.V != "" {
		return "dashboard:" + d.UID.V
	}
	return "dashboard:" + d.File
}

// dsEntity names a datasource for exclusions.
func dsEntity(ds *model.Datasource) string {
	if ds.UID.V != "" {
		return "datasource:" + ds.UID.V
	}
	return "datasource:" + ds.Name.V
}
