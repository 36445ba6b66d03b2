package datasource

import (
	"fmt"
	"strconv"
	"strings"
	"sync"

	"github.com/grafanalint/grafanalint/parsers/model"
	"github.com/grafanalint/grafanalint/rules"
	"github.com/grafanalint/grafanalint/rules/channel"
)

func checkInvalidUID(c *rules.Context) {
	rejects, how := rejectsInvalidUIDs(c)
	for _, ds := range c.Stack.Datasources() {
		if ds.UIDDerived || ds.UIDDynamic || !ds.UID.IsSet() {
			continue
		}
		why := uidProblem(ds.UID.V)
		if why == "" {
			continue
		}
		f := rules.Finding{
			Pos:    ds.UID.Pos,
			End:    ds.UID.End,
			Entity: dsEntity(ds),
			Key:    "uid:" + ds.UID.V,
		}
		const rule = "use only letters, digits, \"-\" and \"_\", at most 40 bytes, and update the dashboards that reference it"
		live := liveChannelEffect(c.Version, ds.UID.V)
		switch {
		case rejects:
			f.Severity = rules.Error
			f.Message = fmt.Sprintf("UID %q of datasource %q %s: Grafana %s rejects it (\"invalid UID for datasource %s\", %s) and datasource provisioning stops%s; %s",
				ds.UID.V, ds.Name.V, why, c.Version, ds.Name.V, how, live, rule)
		case c.Version.AtLeast(10, 1):
			f.Severity = rules.Warning
			f.Message = fmt.Sprintf("UID %q of datasource %q %s: Grafana %s accepts it and only logs it as deprecated (%s), but Grafana 12 rejects it and stops datasource provisioning%s; %s",
				ds.UID.V, ds.Name.V, why, c.Version, how, live, rule)
		default:
			f.Severity = rules.Warning
			f.Message = fmt.Sprintf("UID %q of datasource %q %s: Grafana %s accepts it without a word, but Grafana 12 rejects it and stops datasource provisioning%s; %s",
				ds.UID.V, ds.Name.V, why, c.Version, live, rule)
		}
		c.Report(f)
	}
}

// liveChannelEffect says whether Grafana version v can subscribe to
// ds/<uid>/… channels of a datasource with this UID: the namespace of a
// channel allows fewer characters than some invalid UIDs hold, and "." only
// from grafana-plugin-sdk-go v0.275.0 (Grafana 12.0), as channel/malformed
// checks. "" when such channels work.
func liveChannelEffect(v rules.Version, uid string) string {
	_, err := channel.SyntaxFor(v).Parse("ds/" + uid + "/x")
	if err == nil || err.Kind != channel.ErrBadChar || err.Offset < len("ds/") || err.Offset >= len("ds/")+len(uid) {
		return ""
	}
	return fmt.Sprintf(", and Grafana %s rejects ds/%s/… Live channels (%q is not allowed in a channel namespace)", v, uid, uid[err.Offset-len("ds/"):err.Offset-len("ds/")+err.Size])
}

// rejectsInvalidUIDs reports whether the stack's Grafana refuses invalid
// datasource UIDs: the feature toggle failWrongDSUID (from Grafana 11.2,
// Grafana's "Upgrade to v11.2" guide, "Grafana data source UID format
// enforcement"), on by default from Grafana 12 (grafana/grafana#102192),
// set by [feature_toggles] enable or [feature_toggles] failWrongDSUID.
// Before that Grafana logs invalid UIDs as deprecated: the format since
// grafana/grafana#68800 (merged 2023-05-22, the 10.1 cycle), the 40-byte
// length since #84443 (2024-03, backported to 10.3.x and 10.4.x).
func rejectsInvalidUIDs(c *rules.Context) (bool, string) {
	if !c.Version.AtLeast(11, 2) {
		return false, "the feature toggle failWrongDSUID that rejects such UIDs exists only from Grafana 11.2"
	}
	on := c.Version.AtLeast(12, 0)
	how := "feature toggle failWrongDSUID, on by default from Grafana 12"
	if !on {
		how = "feature toggle failWrongDSUID is off by default before Grafana 12"
	}
	s := c.Stack.Settings
	if st := s.Get("feature_toggles", "enable"); st != nil {
		for _, f := range strings.FieldsFunc(st.Value, func(r rune) bool { return r == ',' || r == ' ' || r == '\t' }) {
			if f == "failWrongDSUID" {
				on, how = true, "feature toggle failWrongDSUID enabled in [feature_toggles] enable"
			}
		}
	}
	if st := s.Get("feature_toggles", "failWrongDSUID"); st != nil {
		if b, err := strconv.ParseBool(st.Value); err == nil {
			on = b
			how = "[feature_toggles] failWrongDSUID = " + st.Value
		}
	}
	return on, how
}

// replay walks the entries in Grafana's order with the (org, name) →
// entry and (org, UID) → entry maps as provisioning builds them. ds is the
// entry as written; byName is what Grafana holds under its name before it
// (an update without `uid` keeps that UID: see updated), byUID the
// datasource that holds ds's UID. Entries whose org, name or UID is
// interpolated are skipped: their identity is unknown until deploy time.
func replay(st *model.Stack, fn func(ds *model.Datasource, byName, byUID *model.Datasource)) {
	names := map[orgKey]*model.Datasource{}
	uids := map[orgKey]*model.Datasource{}
	for _, f := range st.DatasourceFiles {
		for _, d := range f.Deletes {
			k := orgKey{org: deleteOrg(d), name: d.Name.V}
			if prev := names[k]; prev != nil {
				dropUID(uids, prev)
				delete(names, k)
			}
		}
		for _, ds := range f.Datasources {
			if !knownOrg(ds) || ds.NameDynamic || ds.UIDDynamic {
				continue
			}
			nk := orgKey{org: ds.OrgID, name: ds.Name.V}
			prevName := names[nk]
			eff := updated(prevName, ds)
			uk := orgKey{org: ds.OrgID, name: eff.UID.V}
			prevUID := uids[uk]
			if prevName != nil && eff != ds {
				// An update without uid sends no UID: it cannot clash.
				prevUID = nil
			}
			fn(ds, prevName, prevUID)
			if prevName != nil {
				dropUID(uids, prevName)
			}
			names[nk] = eff
			if prevUID == nil || prevUID == prevName {
				uids[uk] = eff
			}
		}
	}
}

// dropUID forgets ds's UID if ds holds it.
func dropUID(uids map[orgKey]*model.Datasource, ds *model.Datasource) {
	k := orgKey{org: ds.OrgID, name: ds.UID.V}
	if uids[k] == ds {
		delete(uids, k)
	}
}

func checkDuplicateUID(c *rules.Context) {
	replay(c.Stack, func(ds, byName, byUID *model.Datasource) {
		if byUID == nil || byUID.Name.V == ds.Name.V {
			return
		}
		how := "explicitly"
		if ds.UIDDerived {
			how = "derived from its name"
		}
		verb := "inserting"
		if byName != nil {
			verb = "updating"
		}
		c.Report(rules.Finding{
			Message: fmt.Sprintf("datasource %q gets UID %q (%s), which datasource %q in org %d already has: Grafana fails %s it and datasource provisioning stops; give each datasource its own uid",
				ds.Name.V, ds.UID.V, how, byUID.Name.V, ds.OrgID, verb),
			Pos:     dsPos(ds),
			End:     ds.UID.End,
			Related: related(byUID, fmt.Sprintf("datasource %q has UID %q here", byUID.Name.V, byUID.UID.V)),
			Entity:  dsEntity(ds),
			Key:     "duplicate-uid:" + ds.Name.V,
		})
	})
}

// apiManaged returns the datasource files whose entries are created
// through Grafana's HTTP API (grafana-operator), where provisioning's
// name identity and one-default rule do not apply: the API updates the
// datasource with the same UID or name, and marking one default unmarks
// the others.
func apiManaged(s *model.Stack) map[string]bool {
	out := map[string]bool{}
	for _, f := range s.DatasourceFiles {
		if f.ManagedBy != "" {
			out[f.Path] = true
		}
	}
	return out
}

func checkDuplicateName(c *rules.Context) {
	managed := apiManaged(c.Stack)
	replay(c.Stack, func(ds, byName, _ *model.Datasource) {
		if byName == nil || managed[ds.File] || managed[byName.File] {
			return
		}
		where := "earlier in this file"
		if byName.File != ds.File || c.KubeFile(byName.File) != "" {
			where = "in " + fileName(c, byName.File)
		}
		var extra string
		switch {
		case ds.UIDDerived && byName.UID.V != ds.UID.V:
			extra = fmt.Sprintf("; it has no uid, and an update keeps the stored UID %q (Grafana derives a UID from the name only when it inserts a datasource), so references to %q keep working", byName.UID.V, byName.UID.V)
		case byName.UID.V != ds.UID.V:
			extra = fmt.Sprintf("; its uid %q differs from the stored %q: Grafana releases before grafana/grafana#107486 (July 2025) change the UID and references to %q break, later ones refuse to change a datasource's UID and the update fails", ds.UID.V, byName.UID.V, byName.UID.V)
		case !sameType(byName.Type.V, ds.Type.V):
			extra = fmt.Sprintf("; its type changes from %q to %q", byName.Type.V, ds.Type.V)
		}
		c.Report(rules.Finding{
			Message: fmt.Sprintf("datasource %q (org %d) is also defined %s: Grafana identifies provisioned datasources by org and name, so this later entry updates the datasource the earlier one created and its settings win%s; merge the entries or rename one",
				ds.Name.V, ds.OrgID, where, extra),
			Pos:     ds.Name.Pos,
			End:     ds.Name.End,
			Related: []rules.Related{{Pos: byName.Name.Pos, Message: fmt.Sprintf("datasource %q is first defined here", byName.Name.V)}},
			Entity:  dsEntity(ds),
			Key:     "duplicate-name:" + ds.Name.V,
		})
	})
}

func checkMultipleDefaults(c *rules.Context) {
	first := map[int]*model.Datasource{}
	managed := apiManaged(c.Stack)
	for _, ds := range c.Stack.Datasources() {
		if !ds.IsDefault || !knownOrg(ds) || managed[ds.File] {
			continue
		}
		prev := first[ds.OrgID]
		if prev == nil {
			first[ds.OrgID] = ds
			continue
		}
		who := fmt.Sprintf("datasource %q", prev.Name.V)
		if prev.Name.V == ds.Name.V {
			who = "its own earlier entry"
		}
		where := "earlier in this file"
		if prev.File != ds.File || c.KubeFile(prev.File) != "" {
			where = "in " + fileName(c, prev.File)
		}
		pos := ds.IsDefaultPos
		if !pos.IsValid() {
			pos = ds.Pos
		}
		prevPos := prev.IsDefaultPos
		if !prevPos.IsValid() {
			prevPos = prev.Pos
		}
		keep := "keep isDefault: true on one entry per org"
		if ks := c.Kube(prevPos); ks != nil && ks.Kind == model.KubeChartDatasource {
			// kube-prometheus-stack templates/grafana/configmaps-datasources.yaml
			// writes isDefault: {{ .Values.grafana.sidecar.datasources.isDefaultDatasource }}.
			keep = fmt.Sprintf("keep isDefault: true on one entry per org: set %s: false so that %s's %q is not the default, or drop isDefault here", ks.Name, ks.Object, ks.Value)
		}
		c.Report(rules.Finding{
			Message: fmt.Sprintf("datasource %q is marked isDefault: true, like %s %s (org %d): Grafana counts the entries of all files, refuses the whole datasource provisioning with \"Only one datasource per organization can be marked as default\" and provisions none of them; %s",
				ds.Name.V, who, where, ds.OrgID, keep),
			Pos:     pos,
			Related: []rules.Related{{Pos: prevPos, Message: fmt.Sprintf("datasource %q is marked default here", prev.Name.V)}},
			Entity:  dsEntity(ds),
			Key:     fmt.Sprintf("default:org%d:%s", ds.OrgID, ds.Name.V),
		})
	}
}

// deletedUses gathers, across the views of a stack's dashboards, the
// references that still use each datasource deleteDatasources removes (by
// the deletion's index in the stack's index): how many, and the first.
type deletedUses struct {
	mu    sync.Mutex
	n     []int
	first []model.Pos
}

type deletedUsesKey struct{}

// hasDeletions reports whether a datasource file of s deletes datasources:
// only then does deleted-in-use count references across dashboards.
func hasDeletions(s *model.Stack) bool {
	for _, f := range s.DatasourceFiles {
		if len(f.Deletes) > 0 {
			return true
		}
	}
	return false
}

// add counts a reference at pos to deletion i.
func (g *deletedUses) add(i int, pos model.Pos) {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.n[i] == 0 || pos.Less(g.first[i]) {
		g.first[i] = pos
	}
	g.n[i]++
}

func checkDeletedInUse(c *rules.Context) {
	if syntaxBroken(c) {
		return
	}
	r := resolverOf(c)
	g := rules.Gathered(c, deletedUsesKey{}, func() *deletedUses {
		return &deletedUses{n: make([]int, len(r.ix.deletions)), first: make([]model.Pos, len(r.ix.deletions))}
	})
	uses := r.uses()
	links := r.links()
	for i, del := range r.ix.deletions {
		if del.recreated {
			continue
		}
		org := deleteOrg(del.del)
		name := del.del.Name.V
		// What references to the deleted datasource look like: its name
		// (legacy strings, or UIDs that the browser resolves by name) and
		// the UIDs of the entries the deletion removes.
		matches := map[string]bool{name: true}
		for _, ds := range del.removed {
			matches[ds.UID.V] = true
		}
		for _, u := range uses {
			if u.kind != kindUnknown || u.dash.org != org || !matches[u.value.V] || u.ref.InRow || u.ref.Place == model.PlaceRow {
				continue
			}
			g.add(i, u.value.Pos)
		}
		for _, lu := range links {
			if lu.kind != kindUnknown || lu.view.org != org || !matches[lu.link.UID.V] {
				continue
			}
			g.add(i, lu.link.UID.Pos)
		}
	}
	if c.InDashboardView() {
		return // reported once all the stack's dashboards are counted
	}
	for i, del := range r.ix.deletions {
		n, firstPos := g.n[i], g.first[i]
		if del.recreated || n == 0 {
			continue
		}
		name := del.del.Name.V
		org := deleteOrg(del.del)
		refs := "a reference still uses it"
		if n > 1 {
			refs = fmt.Sprintf("%d references still use it", n)
		}
		entity := "datasource:" + name
		if len(del.removed) > 0 {
			entity = dsEntity(del.removed[0])
		}
		c.Report(rules.Finding{
			Message: fmt.Sprintf("deleteDatasources removes datasource %q (org %d) and no entry of this or a later file provisions it again, but %s: they fail with \"Datasource … was not found\"; drop the deletion or provision the datasource again after it",
				name, org, refs),
			Pos:     del.del.Name.Pos,
			End:     del.del.Name.End,
			Related: []rules.Related{{Pos: firstPos, Message: fmt.Sprintf("datasource %q is referenced here", name)}},
			Entity:  entity,
			Key:     "delete:" + name,
		})
	}
}
