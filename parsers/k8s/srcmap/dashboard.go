package srcmap

import "github.com/grafanalint/grafanalint/parsers/model"

// RemapDashboard is Remap for a dashboard, without reflection: dashboards
// are the bulk of what Kubernetes manifests embed. TestRemapDashboardCovers
// keeps it in step with model.Dashboard's fields.
func (t *Text) RemapDashboard(d *model.Dashboard, file string) {
	if d == nil {
		return
	}
	pos := func(p *model.Pos) {
		if p.File == file {
			*p = t.Pos(*p)
		}
	}
	end := func(p *model.Pos) {
		if p.File == file {
			*p = t.End(*p)
		}
	}
	str := func(s *model.Str) {
		pos(&s.Pos)
		end(&s.End)
	}
	str(&d.UID)
	str(&d.Title)
	for _, r := range d.Refs {
		pos(&r.Pos)
		str(&r.UID)
		str(&r.Type)
		str(&r.Name)
	}
	for _, v := range d.Variables {
		str(&v.Name)
		str(&v.Query)
		str(&v.Current)
		str(&v.Regex)
		str(&v.Default)
	}
	for _, in := range d.Inputs {
		str(&in.Name)
	}
	for _, c := range d.Channels {
		str(&c.Value)
		for i := range c.Parts {
			str(&c.Parts[i])
		}
	}
	for i := range d.Placeholders {
		str(&d.Placeholders[i])
	}
	for i := range d.LivePanelPos {
		pos(&d.LivePanelPos[i])
	}
}
