package srcmap

import "github.com/grafanalint/grafanalint/parsers/model"

// RemapDashboard is Remap for a dashboard, without reflection: dashboards
// are the bulk of what Kubernetes manifests embed. TestRemapDashboardCovers
// keeps it in step with model.Dashboard's fields.
func (t *Text) RemapDashboard(d *model.Dashboard, file string) {
	walkDashboard(d, func(p *model.Pos, isEnd bool) {
		switch {
		case p.File != file:
		case isEnd:
			*p = t.End(*p)
		default:
			*p = t.Pos(*p)
		}
	})
}

// walkDashboard calls fn for every position of d; isEnd tells the end of
// a span.
func walkDashboard(d *model.Dashboard, fn func(p *model.Pos, isEnd bool)) {
	if d == nil {
		return
	}
	pos := func(p *model.Pos) { fn(p, false) }
	end := func(p *model.Pos) { fn(p, true) }
	str := func(s *model.Str) {
		pos(&s.Pos)
		end(&s.End)
	}
	ref := func(r *model.DatasourceRef) {
		if r == nil {
			return
		}
		// A reference may be listed in several places (Refs, a panel's
		// or query's Datasource): pos and end rewrite a position once,
		// as the rewritten one names the manifest, not file.
		pos(&r.Pos)
		str(&r.UID)
		str(&r.Type)
		str(&r.Name)
	}
	channel := func(c *model.Channel) {
		str(&c.Value)
		str(&c.QueryType)
		for i := range c.Parts {
			str(&c.Parts[i])
		}
	}
	str(&d.UID)
	str(&d.Title)
	pos(&d.EditablePos)
	for _, r := range d.Refs {
		ref(r)
	}
	for _, v := range d.Variables {
		pos(&v.Pos)
		str(&v.Name)
		str(&v.Query)
		str(&v.Current)
		str(&v.Regex)
		str(&v.Default)
		str(&v.Label)
		str(&v.AllValue)
		ref(v.Datasource)
	}
	for _, in := range d.Inputs {
		str(&in.Name)
	}
	for _, c := range d.Channels {
		channel(c)
	}
	for _, c := range d.NonLiveChannels {
		channel(c)
	}
	for i := range d.Placeholders {
		str(&d.Placeholders[i])
	}
	for i := range d.LivePanelPos {
		pos(&d.LivePanelPos[i])
	}
	for _, p := range d.Panels {
		pos(&p.Pos)
		str(&p.Type)
		str(&p.Title)
		str(&p.Description)
		str(&p.Unit)
		str(&p.OverrideUnit)
		ref(p.Datasource)
		for _, q := range p.Queries {
			pos(&q.Pos)
			str(&q.Expr.Str)
			pos(&q.PanelIDPos)
			ref(q.Datasource)
		}
	}
}
