package datasource

import (
	"sync"

	"github.com/grafanalint/grafanalint/parsers/model"
	"github.com/grafanalint/grafanalint/rules"
)

// orgKey identifies a datasource the way Grafana's provisioning does: by
// organisation and name.
type orgKey struct {
	org  int
	name string
}

// deletion is one deleteDatasources entry with what provisioning makes of
// it.
type deletion struct {
	del  *model.DatasourceDelete
	file *model.DatasourceFile
	// recreated: an entry of the same file or a later one provisions the
	// same (org, name) again, so the datasource exists after provisioning.
	recreated bool
	// removed are entries of earlier files that this deletion removes.
	removed []*model.Datasource
}

// index is what the datasource provisioning of one stack leaves in
// Grafana's database, replayed in Grafana's order: file by file (lexical),
// each file's deleteDatasources before its datasources, an entry whose
// (org, name) exists updating it (the later entry wins).
type index struct {
	// effective maps (org, name) to the entry that defines the datasource
	// after provisioning.
	effective map[orgKey]*model.Datasource
	// order lists effective keys in the order they were first inserted.
	order []orgKey
	// anyOrg are entries whose org is known only at startup (orgName
	// only, or an interpolated orgId): they may belong to any org.
	anyOrg []*model.Datasource
	// shadowed are entries that an entry of a later file (or a later one
	// of the same file) overwrote, or that a deletion removed.
	shadowed  []shadow
	deletions []*deletion
	// dynamicName / dynamicUID: some entry of the org has a name or UID
	// that provisioning interpolation fills at deploy time.
	dynamicName map[int]bool
	dynamicUID  map[int]bool

	// orgs are the lookups built so far. The views of a stack's
	// dashboards share the stack's index (indexOf) and ask for them at
	// once, hence the lock.
	mu   sync.Mutex
	orgs map[int]*orgView
	// hints are the hints of unresolved values derived so far (hintOf).
	hints map[hintKey]hint
	// refMsgs are the messages on unresolved references (refMsgOf).
	refMsgs map[refMsgKey]hint
}

// hintKey identifies the hint of an unresolved value: the organisation it
// is looked up in, the value, the reference's plugin type and whether it
// is a legacy string.
type hintKey struct {
	org        int
	value, typ string
	legacy     bool
}

// hint is the explanation of an unresolved value, with the related
// location of the datasource it probably meant (shared: copy it).
type hint struct {
	msg string
	rel []rules.Related
}

// hintOf returns the hint of k, derived by build on first use.
func (ix *index) hintOf(k hintKey, build func() hint) hint {
	return memoHint(ix, &ix.hints, k, build)
}

// refMsgKey identifies the message of a finding on an unresolved
// dashboard reference: the hint's key, the dashboard's organisation and
// where the reference sits.
type refMsgKey struct {
	hintKey
	dashOrg int
	place   model.RefPlace
	refID   string
	inRow   bool
}

// refMsgOf returns the message of k (with the hint's related location),
// derived by build on first use.
func (ix *index) refMsgOf(k refMsgKey, build func() hint) hint {
	return memoHint(ix, &ix.refMsgs, k, build)
}

// memoHint returns (*m)[k], derived by build on first use, under ix.mu
// (build runs without it: it may look up organisations).
func memoHint[K comparable](ix *index, m *map[K]hint, k K, build func() hint) hint {
	ix.mu.Lock()
	h, ok := (*m)[k]
	ix.mu.Unlock()
	if ok {
		return h
	}
	h = build()
	ix.mu.Lock()
	defer ix.mu.Unlock()
	if *m == nil {
		*m = map[K]hint{}
	}
	(*m)[k] = h
	return h
}

// shadow is an entry that is no longer what Grafana holds, with why.
type shadow struct {
	ds *model.Datasource
	// by is the entry that overwrote it, nil when a deletion removed it.
	by  *model.Datasource
	del *deletion
}

// orgView is the lookup Grafana's datasource service offers inside one
// organisation.
type orgView struct {
	org    int
	all    []*model.Datasource
	byUID  map[string]*model.Datasource
	byName map[string]*model.Datasource
	// dynamicUID / dynamicName: a UID or name of this org is unknown until
	// deploy time, so an unresolved reference may still match it.
	dynamicUID, dynamicName bool

	// involved holds the Involves of findings on references to a value
	// (involves), under mu: views of several dashboards ask at once.
	mu       sync.Mutex
	involved map[string][]string
}

// involves returns the entities a finding on a reference to value
// involves, ["datasource:<value>"]: one slice per value, shared by the
// stack's findings (which never modify it), as the run holds them all.
func (v *orgView) involves(value string) []string {
	v.mu.Lock()
	defer v.mu.Unlock()
	if in, ok := v.involved[value]; ok {
		return in
	}
	if v.involved == nil {
		v.involved = map[string][]string{}
	}
	in := []string{"datasource:" + value}
	v.involved[value] = in
	return in
}

// knownOrg reports whether the entry's organisation is fixed in the file.
func knownOrg(ds *model.Datasource) bool { return ds.OrgID > 0 && !ds.OrgIDDynamic }

// newIndex replays the datasource files of st.
func newIndex(st *model.Stack) *index {
	ix := &index{
		effective:   map[orgKey]*model.Datasource{},
		dynamicName: map[int]bool{},
		dynamicUID:  map[int]bool{},
		orgs:        map[int]*orgView{},
	}
	for fi, f := range st.DatasourceFiles {
		for _, d := range f.Deletes {
			if d.Name.V == "" {
				continue
			}
			del := &deletion{del: d, file: f, recreated: recreatedFrom(st.DatasourceFiles[fi:], d)}
			k := orgKey{org: deleteOrg(d), name: d.Name.V}
			if prev := ix.effective[k]; prev != nil {
				del.removed = append(del.removed, prev)
				ix.shadowed = append(ix.shadowed, shadow{ds: prev, del: del})
				delete(ix.effective, k)
			}
			ix.deletions = append(ix.deletions, del)
		}
		for _, ds := range f.Datasources {
			if !knownOrg(ds) {
				ix.anyOrg = append(ix.anyOrg, ds)
				continue
			}
			if ds.NameDynamic {
				ix.dynamicName[ds.OrgID] = true
			}
			if ds.UIDDynamic {
				ix.dynamicUID[ds.OrgID] = true
			}
			k := orgKey{org: ds.OrgID, name: ds.Name.V}
			prev, ok := ix.effective[k]
			if ok {
				ix.shadowed = append(ix.shadowed, shadow{ds: prev, by: ds})
			} else {
				ix.order = append(ix.order, k)
			}
			ix.effective[k] = updated(prev, ds)
		}
	}
	return ix
}

// updated returns what Grafana holds after entry ds updates (or, prev nil,
// inserts) a datasource: ds itself, except that an update without `uid`
// keeps the stored UID. grafana/grafana
// pkg/services/provisioning/datasources/types.go derives a UID from the
// name in createInsertCommand only; createUpdateCommand passes the entry's
// empty UID, and the store's UpdateDataSource (xorm Update, "uid" not in
// MustCols) leaves the column as it is. The result is a copy of ds with
// prev's UID, so rules see the UID references really resolve to.
func updated(prev, ds *model.Datasource) *model.Datasource {
	if prev == nil || !ds.UIDDerived || ds.UIDDynamic {
		return ds
	}
	if prev.UID.V == ds.UID.V && prev.UIDDerived == ds.UIDDerived && prev.UIDDynamic == ds.UIDDynamic {
		return ds
	}
	eff := *ds
	eff.UID, eff.UIDDerived, eff.UIDDynamic = prev.UID, prev.UIDDerived, prev.UIDDynamic
	return &eff
}

func deleteOrg(d *model.DatasourceDelete) int {
	if d.OrgID <= 0 {
		return 1
	}
	return d.OrgID
}

// recreatedFrom reports whether an entry of files (the deletion's own file
// first) provisions the deleted (org, name) again. An entry whose name or
// org is interpolated may do so; it counts.
func recreatedFrom(files []*model.DatasourceFile, d *model.DatasourceDelete) bool {
	org := deleteOrg(d)
	for _, f := range files {
		for _, ds := range f.Datasources {
			if ds.NameDynamic || !knownOrg(ds) {
				if ds.NameDynamic || ds.Name.V == d.Name.V {
					return true
				}
				continue
			}
			if ds.OrgID == org && ds.Name.V == d.Name.V {
				return true
			}
		}
	}
	return false
}

// org returns the lookup of organisation n (entries of unknown org
// included: they may be in it).
func (ix *index) org(n int) *orgView {
	if n <= 0 {
		n = 1
	}
	ix.mu.Lock()
	defer ix.mu.Unlock()
	if v := ix.orgs[n]; v != nil {
		return v
	}
	v := &orgView{org: n, byUID: map[string]*model.Datasource{}, byName: map[string]*model.Datasource{},
		dynamicUID: ix.dynamicUID[n], dynamicName: ix.dynamicName[n]}
	add := func(ds *model.Datasource) {
		v.all = append(v.all, ds)
		if ds.UIDDynamic {
			v.dynamicUID = true
		} else if _, ok := v.byUID[ds.UID.V]; !ok {
			v.byUID[ds.UID.V] = ds
		}
		if ds.NameDynamic {
			v.dynamicName = true
		} else if _, ok := v.byName[ds.Name.V]; !ok {
			v.byName[ds.Name.V] = ds
		}
	}
	for _, k := range ix.order {
		if ds := ix.effective[k]; ds != nil && k.org == n {
			add(ds)
		}
	}
	for _, ds := range ix.anyOrg {
		add(ds)
	}
	ix.orgs[n] = v
	return v
}

// lookup resolves a UID-or-name the way the browser's DatasourceSrv does:
// by UID first, then by name, both case-sensitive. byName reports that only
// the name matched.
func (v *orgView) lookup(s string) (ds *model.Datasource, byName bool) {
	if ds := v.byUID[s]; ds != nil {
		return ds, false
	}
	if ds := v.byName[s]; ds != nil {
		return ds, true
	}
	return nil, false
}

// ofType returns the datasources of the org whose plugin type is typ
// (aliases included).
func (v *orgView) ofType(typ string) []*model.Datasource {
	var out []*model.Datasource
	for _, ds := range v.all {
		if sameType(ds.Type.V, typ) {
			out = append(out, ds)
		}
	}
	return out
}

// shadowOf returns the entry, no longer effective in org, whose UID or name
// is s, with why it is gone.
func (ix *index) shadowOf(org int, s string) *shadow {
	for i := len(ix.shadowed) - 1; i >= 0; i-- {
		sh := &ix.shadowed[i]
		if knownOrg(sh.ds) && sh.ds.OrgID != org {
			continue
		}
		if (!sh.ds.UIDDynamic && sh.ds.UID.V == s) || (!sh.ds.NameDynamic && sh.ds.Name.V == s) {
			if cur := ix.org(org); cur.byUID[s] != nil || cur.byName[s] != nil {
				return nil
			}
			return sh
		}
	}
	return nil
}
