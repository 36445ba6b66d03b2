package datasource

import (
	"fmt"
	"regexp"
	"slices"
	"strings"

	"github.com/grafanalint/grafanalint/parsers/model"
	"github.com/grafanalint/grafanalint/rules"
	"github.com/grafanalint/grafanalint/rules/fix"
)

// unresolvedHint explains an unresolved value and says how to fix it, with
// the datasource it probably meant as related location.
//
// The hint depends on the stack's datasources alone, and a fleet's
// dashboards repeat their few unresolved values: it is derived once per
// stack (the index is shared by the views of its dashboards) and the
// related location copied, as each finding owns its Related.
func (r *resolver) unresolvedHint(view *orgView, value, typ string, legacy bool) (string, []rules.Related) {
	h := r.ix.hintOf(hintKey{org: view.org, value: value, typ: typ, legacy: legacy}, func() hint {
		msg, rel := describeUnresolved(r.ix, view, value, typ, legacy)
		return hint{msg: msg, rel: rel}
	})
	return h.msg, slices.Clone(h.rel)
}

// describeUnresolved is unresolvedHint, derived.
func describeUnresolved(ix *index, view *orgView, value, typ string, legacy bool) (string, []rules.Related) {
	if sh := ix.shadowOf(view.org, value); sh != nil {
		if sh.by != nil {
			return fmt.Sprintf("the entry of datasource %q with UID %q is overwritten by the later entry in %s (UID %q): Grafana identifies provisioned datasources by org and name; reference %q or give the entries different names",
					sh.ds.Name.V, sh.ds.UID.V, base(sh.by.File), sh.by.UID.V, sh.by.UID.V),
				related(sh.by, fmt.Sprintf("datasource %q is redefined here", sh.ds.Name.V))
		}
		return fmt.Sprintf("datasource %q is removed by deleteDatasources in %s; drop the deletion or provision it again", sh.ds.Name.V, base(sh.del.file.Path)),
			[]rules.Related{{Pos: sh.del.del.Name.Pos, Message: fmt.Sprintf("datasource %q is deleted here", sh.ds.Name.V)}}
	}
	if s := suggest(view, value, typ); s != nil {
		return joinHint(s.hint, fixFor(s.ds, value)), related(s.ds, fmt.Sprintf("datasource %q is provisioned here", s.ds.Name.V))
	}
	if legacy {
		return fmt.Sprintf("provision a datasource named %q or reference one the stack provisions", value), nil
	}
	if typ != "" && typ != "datasource" && len(view.ofType(typ)) == 0 {
		return fmt.Sprintf("the stack provisions no datasource of type %s: provision one with `uid: %s`", typ, value), nil
	}
	return fmt.Sprintf("provision a datasource with `uid: %s` or reference one the stack provisions", value), nil
}

// unknownRefMsg is the message of a finding on the unresolved reference
// u (datasource/unknown-uid, or for a legacy string
// datasource/unknown-name), with its related location. A fleet's
// dashboards repeat their unresolved references: the message is derived
// once per stack, and each finding gets its own copy of the related
// location.
func (r *resolver) unknownRefMsg(u *use) (string, []rules.Related) {
	typ := u.ref.Type.V
	if u.legacy {
		typ = ""
	}
	hk := hintKey{org: u.view.org, value: u.value.V, typ: typ, legacy: u.legacy}
	k := refMsgKey{hintKey: hk, dashOrg: u.dash.org, place: u.ref.Place, refID: u.ref.RefID, inRow: u.ref.InRow}
	h := r.ix.refMsgOf(k, func() hint {
		h := r.ix.hintOf(hk, func() hint {
			msg, rel := describeUnresolved(r.ix, u.view, hk.value, hk.typ, hk.legacy)
			return hint{msg: msg, rel: rel}
		})
		if u.legacy {
			h.msg = fmt.Sprintf("%s %q matches no datasource name or UID of %s (Grafana looks legacy string references up by UID, then by name, case-sensitive): %s; %s",
				where(u.ref), u.value.V, orgPhrase(u.dash.org), notFound(u.ref, u.value.V), h.msg)
		} else {
			h.msg = fmt.Sprintf("%s names datasource UID %q, which no datasource of %s has: %s; %s",
				where(u.ref), u.value.V, orgPhrase(u.dash.org), notFound(u.ref, u.value.V), h.msg)
		}
		return h
	})
	return h.msg, slices.Clone(h.rel)
}

// joinHint appends a fix to a hint: after a question, as a sentence of
// its own.
func joinHint(hint, fix string) string {
	if strings.HasSuffix(hint, "?") && fix != "" {
		return hint + " " + strings.ToUpper(fix[:1]) + fix[1:]
	}
	return hint + "; " + fix
}

// listIndex is an array index in a provisioning field path
// ("jsonData.derivedFields[2].datasourceUid").
var listIndex = regexp.MustCompile(`\[\d+\]`)

// linkKey keys a datasource link finding by the field without list
// indexes and the UID it names, so that reordering derivedFields keeps
// baselines and fingerprints.
func linkKey(field, uid string) string {
	return listIndex.ReplaceAllString(field, "[]") + "=" + uid
}

// reportRef reports a finding on a dashboard reference.
func reportRef(c *rules.Context, u use, pos model.Str, msg string, rel []rules.Related, fx ...*fix.Fix) {
	f := rules.Finding{
		Severity: rowSeverity(u.ref),
		Message:  msg,
		Pos:      pos.Pos,
		End:      pos.End,
		Related:  rel,
		Entity:   dashEntity(u.dash.d),
		Key:      u.ref.Locator + "=" + pos.V,
		Involves: u.view.involves(u.value.V),
	}
	if len(fx) > 0 {
		f.Fix = fx[0]
	}
	c.Report(f)
}

// undefinedVarMsg describes a reference through variables the dashboard
// does not define.
func undefinedVarMsg(u use) string {
	names := make([]string, len(u.undefined))
	for i, n := range u.undefined {
		names[i] = fmt.Sprintf("%q", n)
	}
	return fmt.Sprintf("%s %q uses variable %s, which the dashboard does not define: Grafana keeps the text as it is and %s; add a datasource variable named %s or reference a provisioned datasource",
		where(u.ref), u.value.V, strings.Join(names, ", "), notFound(u.ref, u.value.V), names[0])
}

func checkUnknownUID(c *rules.Context) {
	if syntaxBroken(c) {
		return
	}
	r := resolverOf(c)
	for _, u := range r.uses() {
		if u.legacy {
			continue
		}
		switch u.kind {
		case kindUnknown:
			msg, rel := r.unknownRefMsg(&u)
			reportRef(c, u, *u.value, msg, rel)
		case kindUndefinedVar:
			reportRef(c, u, *u.value, undefinedVarMsg(u), nil)
		}
	}
	for _, lu := range r.links() {
		if lu.kind != kindUnknown {
			continue
		}
		hint, rel := r.unresolvedHint(lu.view, lu.link.UID.V, "", false)
		c.Report(rules.Finding{
			Message: fmt.Sprintf("%s of datasource %q names UID %q, which no datasource of %s has: the link it configures leads to \"Datasource %s was not found\"; %s",
				lu.link.Field, lu.owner.Name.V, lu.link.UID.V, orgPhrase(lu.view.org), lu.link.UID.V, hint),
			Pos:      lu.link.UID.Pos,
			End:      lu.link.UID.End,
			Related:  rel,
			Entity:   dsEntity(lu.owner),
			Key:      linkKey(lu.link.Field, lu.link.UID.V),
			Involves: []string{"datasource:" + lu.link.UID.V},
		})
	}
	checkVariableValues(c, r)
}

// checkVariableValues judges the saved value of datasource variables.
// Grafana always rebuilds a datasource variable's options from the
// datasources of its plugin type when the dashboard loads and falls back to
// the first option when the saved value is not among them
// (grafana/scenes DataSourceVariable.getValueOptions, MultiValueVariable),
// so a stale saved value heals itself as long as a datasource of that type
// exists. Only when the stack provisions none does the variable end with
// "No data sources found": that is reported, at the saved value.
func checkVariableValues(c *rules.Context, r *resolver) {
	for _, dd := range dashboards(c.Stack) {
		view := r.ix.org(dd.org)
		if view.dynamicUID || view.dynamicName {
			continue
		}
		for _, v := range dd.d.Variables {
			if v.Type != "datasource" || v.Query.V == "" {
				continue
			}
			cur := v.Current
			if !cur.IsSet() {
				cur = v.Default
			}
			if !cur.IsSet() || isDefaultValue(cur.V) || builtinValues[cur.V] {
				continue
			}
			if _, any := variablesIn(cur.V); any {
				continue
			}
			if _, anyQ := variablesIn(v.Query.V); anyQ {
				continue
			}
			if ds, _ := view.lookup(cur.V); ds != nil && sameType(ds.Type.V, v.Query.V) {
				continue
			}
			if len(view.ofType(v.Query.V)) > 0 {
				continue
			}
			c.Report(rules.Finding{
				Message: fmt.Sprintf("datasource variable %q lists %s datasources and has the saved value %q, but %s provisions no %s datasource: Grafana finds no options (\"No data sources found\") and every query that uses $%s fails; provision a datasource of type %s or change the variable's plugin type",
					v.Name.V, v.Query.V, cur.V, orgPhrase(dd.org), v.Query.V, v.Name.V, v.Query.V),
				Pos:    cur.Pos,
				End:    cur.End,
				Entity: dashEntity(dd.d),
				Key:    "variable:" + v.Name.V + "=" + cur.V,
			})
		}
	}
}

func checkUnknownName(c *rules.Context) {
	if syntaxBroken(c) {
		return
	}
	r := resolverOf(c)
	for _, u := range r.uses() {
		if !u.legacy {
			continue
		}
		switch u.kind {
		case kindUnknown:
			msg, rel := r.unknownRefMsg(&u)
			reportRef(c, u, *u.value, msg, rel)
		case kindUndefinedVar:
			reportRef(c, u, *u.value, undefinedVarMsg(u), nil)
		}
	}
}

func checkNameAsUID(c *rules.Context) {
	if syntaxBroken(c) {
		return
	}
	r := resolverOf(c)
	for _, u := range r.uses() {
		if u.kind != kindByName {
			continue
		}
		msg := fmt.Sprintf("%s names datasource UID %q, which is no UID but the name of datasource %s: the browser falls back to the name, but server-side lookups (alerting, public dashboards, reporting) use the UID only and fail; %s",
			where(u.ref), u.value.V, describeDS(u.ds), fixFor(u.ds, u.value.V))
		reportRef(c, u, *u.value, msg, related(u.ds, fmt.Sprintf("datasource %q is provisioned here", u.ds.Name.V)),
			uidRefFix(c, *u.value, fix.JSONString, u.ds))
	}
	for _, lu := range r.links() {
		if lu.kind != kindByName {
			continue
		}
		c.Report(rules.Finding{
			Message: fmt.Sprintf("%s of datasource %q names UID %q, which is no UID but the name of datasource %s: the browser falls back to the name, but backend lookups by UID fail; %s",
				lu.link.Field, lu.owner.Name.V, lu.link.UID.V, describeDS(lu.ds), fixFor(lu.ds, lu.link.UID.V)),
			Pos:      lu.link.UID.Pos,
			End:      lu.link.UID.End,
			Related:  related(lu.ds, fmt.Sprintf("datasource %q is provisioned here", lu.ds.Name.V)),
			Entity:   dsEntity(lu.owner),
			Key:      linkKey(lu.link.Field, lu.link.UID.V),
			Involves: []string{"datasource:" + lu.link.UID.V},
			Fix:      uidRefFix(c, lu.link.UID, fix.YAMLScalar, lu.ds),
		})
	}
}

func checkTypeMismatch(c *rules.Context) {
	if syntaxBroken(c) {
		return
	}
	r := resolverOf(c)
	for _, u := range r.uses() {
		if u.kind != kindResolved && u.kind != kindByName || u.legacy {
			continue
		}
		t := u.ref.Type
		if t.V == "" || u.ds.Type.V == "" || sameType(t.V, u.ds.Type.V) {
			continue
		}
		msg := fmt.Sprintf("%s has type %q, but UID %q is datasource %q of type %q: Grafana resolves the UID and ignores the type, so queries written for %s are sent to a %s datasource; set \"type\": %q or reference a %s datasource",
			where(u.ref), t.V, u.value.V, u.ds.Name.V, u.ds.Type.V, t.V, u.ds.Type.V, u.ds.Type.V, t.V)
		reportRef(c, u, t, msg, related(u.ds, fmt.Sprintf("datasource %q has type %q", u.ds.Name.V, u.ds.Type.V)))
	}
}

func checkDerivedUID(c *rules.Context) {
	if syntaxBroken(c) {
		return
	}
	r := resolverOf(c)
	type key struct {
		file string
		ds   *model.Datasource
	}
	type first struct {
		pos   model.Str
		n     int
		u     *use
		owner *model.Datasource
	}
	seen := map[key]*first{}
	var order []key
	note := func(k key, s model.Str, u *use, owner *model.Datasource) {
		f := seen[k]
		if f == nil {
			f = &first{pos: s, u: u, owner: owner}
			seen[k] = f
			order = append(order, k)
		} else if s.Pos.Less(f.pos.Pos) {
			f.pos, f.u, f.owner = s, u, owner
		}
		f.n++
	}
	uses := r.uses()
	for i := range uses {
		u := &uses[i]
		if u.kind != kindResolved || !u.ds.UIDDerived || u.value.V != u.ds.UID.V || u.ref.InRow || u.ref.Place == model.PlaceRow {
			continue
		}
		note(key{u.dash.d.File, u.ds}, *u.value, u, nil)
	}
	for _, lu := range r.links() {
		if lu.kind != kindResolved || !lu.ds.UIDDerived {
			continue
		}
		note(key{lu.owner.File, lu.ds}, lu.link.UID, nil, lu.owner)
	}
	for _, k := range order {
		f := seen[k]
		refs := "1 reference"
		if f.n > 1 {
			refs = fmt.Sprintf("%d references", f.n)
		}
		entity, who := "", "this dashboard"
		if f.u != nil {
			entity = dashEntity(f.u.dash.d)
		} else {
			entity, who = dsEntity(f.owner), "this file"
		}
		c.Report(rules.Finding{
			Message: fmt.Sprintf("%s uses the UID %q that Grafana derives from the name of datasource %q, which has no uid in %s (%s in this file): they work only while the datasource keeps that name; renamed, it is inserted under a new UID, and although the old datasource stays in an existing Grafana until deleted, fresh installs and other environments no longer have %q and these references break; pin `uid: %s` in the provisioning entry",
				who, k.ds.UID.V, k.ds.Name.V, fileName(c, k.ds.File), refs, k.ds.UID.V, k.ds.UID.V),
			Pos:     f.pos.Pos,
			End:     f.pos.End,
			Related: []rules.Related{{Pos: dsPos(k.ds), Message: fmt.Sprintf("datasource %q is provisioned without uid here", k.ds.Name.V)}},
			Entity:  entity,
			Key:     "derived:" + k.ds.UID.V,
			Fix:     derivedFix(c, k.ds),
		})
	}
}
