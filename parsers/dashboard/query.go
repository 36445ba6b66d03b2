package dashboard

import (
	"bytes"
	"slices"
	"strconv"

	"github.com/grafanalint/grafanalint/parsers/model"
)

// queryState is what reading panels and queries for the model needs across
// the walk.
type queryState struct {
	// oldRows are the ranges of d.Panels read from old-schema "rows",
	// dropped once the schema version says Grafana ignores them.
	oldRows [][2]int
}

// newPanel starts the model panel whose object opens at off.
func (p *parser) newPanel(off int, elem bool) *model.Panel {
	mp := &model.Panel{Pointer: p.pointer(), Pos: p.lines.pos(off), Element: elem}
	p.d.Panels = append(p.d.Panels, mp)
	return mp
}

// panelMember reads a panel member the query model keeps (title,
// description, id, fieldConfig, libraryPanel) and skips any other.
func (p *parser) panelMember(mp *model.Panel, key string) {
	switch key {
	case "title":
		mp.Title, _ = p.str()
	case "description":
		mp.Description, _ = p.str()
	case "id":
		if n, ok := p.number(); ok {
			mp.ID, mp.HasID = n, true
		}
	case "fieldConfig":
		p.fieldConfig(mp)
	case "libraryPanel":
		if p.peek() == '{' {
			mp.Library = true
		}
		p.skip()
	default:
		p.skip()
	}
}

// finishPanel records what is known once a v1 panel object was read: its
// type, datasource and queries. Panels read inside a row panel are marked
// as nested.
func (p *parser) finishPanel(mp *model.Panel, typ model.Str, ds *model.DatasourceRef, targets []target) {
	mp.Type, mp.Datasource = typ, ds
	if targets != nil {
		mp.HasTargets = true
	}
	if len(targets) > 0 {
		mp.Queries = slices.Grow(mp.Queries, len(targets))
		for _, t := range targets {
			mp.Queries = append(mp.Queries, t.q)
		}
	}
	if typ.V == "row" {
		i := slices.Index(p.d.Panels, mp)
		for _, n := range p.d.Panels[i+1:] {
			n.InRow = true
		}
	}
	if mp.Library && len(targets) > 0 {
		// An exported library panel reference may carry its model inline.
		mp.Library = false
	}
}

// oldRowPanels marks the panels read from old-schema "rows" since first.
func (p *parser) oldRowPanels(first int) {
	for _, mp := range p.d.Panels[first:] {
		mp.InRow = true
	}
	p.qs.oldRows = append(p.qs.oldRows, [2]int{first, len(p.d.Panels)})
}

// dropOldRowPanels removes the panels of old-schema "rows" (Grafana ignores
// "rows" from schemaVersion 16 on).
func (p *parser) dropOldRowPanels() {
	for _, r := range slices.Backward(p.qs.oldRows) {
		p.d.Panels = slices.Delete(p.d.Panels, r[0], r[1])
	}
}

// fieldConfig reads fieldConfig.defaults.unit and .mappings and the unit
// and mappings properties of fieldConfig.overrides.
func (p *parser) fieldConfig(mp *model.Panel) {
	if _, ok := p.begin('{'); !ok {
		return
	}
	for key, ok := p.key(); ok; key, ok = p.key() {
		switch string(key) {
		case "defaults":
			if _, ok := p.begin('{'); !ok {
				continue
			}
			for key, ok := p.key(); ok; key, ok = p.key() {
				switch string(key) {
				case "unit":
					mp.Unit, _ = p.str()
				case "mappings":
					if p.peek() != 'n' {
						mp.HasMappings = true
					}
					p.skip()
				default:
					p.skip()
				}
			}
		case "overrides":
			p.each(func() {
				p.field("properties", func() {
					p.each(func() { p.overrideProperty(mp) })
				})
			})
		default:
			p.skip()
		}
	}
}

// overrideProperty reads one {"id": …, "value": …} of an override.
func (p *parser) overrideProperty(mp *model.Panel) {
	if _, ok := p.begin('{'); !ok {
		return
	}
	var id string
	var unit model.Str
	var hasValue, valueSet bool
	for key, ok := p.key(); ok; key, ok = p.key() {
		switch string(key) {
		case "id":
			id = p.text()
		case "value":
			valueSet = true
			switch p.peek() {
			case '"':
				unit, _ = p.str()
				hasValue = true
			case 'n':
				p.skip()
			default:
				hasValue = true
				p.skip()
			}
		default:
			p.skip()
		}
	}
	switch id {
	case "unit":
		if unit.IsSet() {
			mp.OverrideUnit = unit
		}
	case "mappings":
		if valueSet && hasValue {
			mp.HasMappings = true
		}
	}
}

// reduceOptions reads options.reduceOptions.fields.
func (p *parser) reduceOptions(mp *model.Panel) {
	if mp == nil {
		p.skip()
		return
	}
	p.field("fields", func() { mp.ReduceFields = p.text() })
}

// newQuery starts the model query of the target at index i whose object
// opens at off.
func (p *parser) newQuery(off, i int) *model.Query {
	return &model.Query{Pointer: p.pointer(), Pos: p.lines.pos(off), Index: i}
}

// queryMember reads a target member the query model keeps (expr, panelId)
// and skips any other.
func (p *parser) queryMember(q *model.Query, key string) {
	switch key {
	case "expr":
		q.Expr, _ = p.rawText()
	case "panelId":
		if p.peek() != '0' {
			p.skip()
			return
		}
		raw, start, _ := p.value()
		if n, ok := atoi(raw); ok {
			q.PanelID, q.PanelIDPos = n, p.lines.pos(start)
		}
	default:
		p.skip()
	}
}

// atoi reads a JSON number as an int (truncating fractions).
func atoi(raw []byte) (int, bool) {
	if n, err := strconv.Atoi(string(raw)); err == nil {
		return n, true
	}
	f, err := strconv.ParseFloat(string(raw), 64)
	if err != nil || f > 1e9 || f < -1e9 {
		return 0, false
	}
	return int(f), true
}

// rawText reads a string value with its position and, when it has
// escapes, the raw JSON text between its quotes. Any other value is
// skipped.
func (p *parser) rawText() (model.Text, bool) {
	if p.peek() != '"' {
		p.skip()
		return model.Text{}, false
	}
	raw, start, end := p.value()
	if raw == nil {
		return model.Text{}, false
	}
	pos, endPos := p.lines.inString(start+1, end-1)
	t := model.Text{Str: model.Str{V: p.unquote(raw), Pos: pos, End: endPos}}
	if bytes.IndexByte(raw, '\\') >= 0 {
		t.Raw = p.in.bytes(raw[1 : len(raw)-1])
	}
	return t, true
}

// variableQuery reads a variable's query: a string, or an object whose
// "query" member is one (with the Prometheus editor's "qryType").
func (p *parser) variableQuery(v *model.Variable) {
	switch p.peek() {
	case '"':
		t, _ := p.rawText()
		v.Query, v.QueryRaw = t.Str, t.Raw
	case '{':
		p.begin('{')
		for key, ok := p.key(); ok; key, ok = p.key() {
			switch string(key) {
			case "query":
				if t, ok := p.rawText(); ok {
					v.Query, v.QueryRaw = t.Str, t.Raw
				}
			case "qryType":
				if n, ok := p.number(); ok {
					v.QueryType = n
				}
			default:
				p.skip()
			}
		}
	default:
		p.skip()
	}
}

// variableMember reads a variable member the query model keeps (label,
// multi, includeAll, allValue, refresh) and skips any other.
func (p *parser) variableMember(v *model.Variable, key string) {
	switch key {
	case "label":
		v.Label, _ = p.str()
	case "multi":
		v.Multi = p.truthy()
	case "includeAll":
		v.IncludeAll = p.truthy()
	case "allValue":
		v.AllValue, _ = p.str()
	case "refresh":
		v.Refresh, v.RefreshSet = p.refresh()
	default:
		p.skip()
	}
}

// refresh reads a variable's refresh: a number (v1) or a v2 name.
func (p *parser) refresh() (int, bool) {
	if p.peek() == '"' {
		switch p.text() {
		case "never":
			return 0, true
		case "onDashboardLoad":
			return 1, true
		case "onTimeRangeChanged":
			return 2, true
		}
		return 0, false
	}
	return p.number()
}

// editable reads the dashboard's "editable".
func (p *parser) editable() {
	if p.peek() == 't' || p.peek() == 'f' {
		_, start, _ := p.value()
		p.d.Editable, p.d.EditablePos = p.src[start] == 't', p.lines.pos(start)
		return
	}
	p.skip()
}
