package dashboard

import (
	"github.com/grafanalint/grafanalint/parsers/model"
)

// target is what a v1 query (panels[].targets[]) says about Live channels.
type target struct {
	ref        *model.DatasourceRef // nil when absent
	refID      string
	queryType  string
	scenarioID string
	channel    model.Str
	chanPtr    string
	// hide is the query's "hide" as the browser tests it; hideSet says the
	// member was written (v2 query specs override "hidden" with it).
	hide, hideSet bool
	// q is the query as the model keeps it (expr, panelId, position).
	q *model.Query
}

// panels reads an array of v1 panels. elem is true inside __elements
// (library panel models of an export).
func (p *parser) panels(elem bool) {
	if _, ok := p.begin('['); !ok {
		return
	}
	for p.elem() {
		p.panel(elem)
	}
}

// panel reads one v1 panel with its targets and, for rows, its nested
// panels. The panel type may come after the datasource, so row and live
// handling happens once the object is read.
func (p *parser) panel(elem bool) {
	off, ok := p.begin('{')
	if !ok {
		return
	}
	mp := p.newPanel(off, elem)
	var (
		typ     model.Str
		dsIdx   = -1
		ds      *model.DatasourceRef
		targets []target
		live    *model.Channel
	)
	for key, ok := p.key(); ok; key, ok = p.key() {
		switch string(key) {
		case "type":
			typ, _ = p.str()
		case "datasource":
			place := model.PlacePanel
			if elem {
				place = model.PlaceElement
			}
			if r := p.dsRef(place, false); r != nil {
				dsIdx, ds = p.addRef(dsIdx, r), r
			}
		case "targets":
			targets = p.targets(elem)
		case "panels":
			p.panels(elem)
		case "options":
			if c := p.panelOptions(mp); c != nil {
				live = c
			}
		default:
			p.panelMember(mp, string(key))
		}
	}
	p.finishPanel(mp, typ, ds, targets)
	if typ.V == "row" {
		// Row panels carry datasource fields but never run queries.
		if ds != nil {
			ds.Place, ds.InRow = model.PlaceRow, true
		}
		for _, t := range targets {
			if t.ref != nil {
				t.ref.InRow = true
			}
		}
		return
	}
	if typ.V == "live" {
		p.d.LivePanels++
		p.d.LivePanelPos = append(p.d.LivePanelPos, typ.Pos)
		if live != nil {
			p.d.Channels = append(p.d.Channels, live)
		}
	}
	for _, t := range targets {
		eff := t.ref
		if eff == nil || eff.Shape == model.RefNull {
			eff = ds // a query without its own datasource uses the panel's
		}
		p.queryChannel(eff, t)
	}
}

// queryChannel records the Live channel a query subscribes to, if any.
func (p *parser) queryChannel(ds *model.DatasourceRef, t target) {
	if !t.channel.IsSet() {
		return
	}
	var src model.ChannelSource
	switch {
	case t.queryType == "measurements" && isGrafanaDS(ds):
		src = model.ChannelMeasurements
	case t.scenarioID == "live":
		// Only TestData has scenarioId; its channel is a path under
		// plugin/testdata/.
		src = model.ChannelTestData
	default:
		return
	}
	p.d.Channels = append(p.d.Channels, &model.Channel{Source: src, Pointer: t.chanPtr, Value: t.channel, RefID: t.refID, Hidden: t.hide})
}

// targets reads a v1 panel's queries, recording their datasource
// references as they come.
func (p *parser) targets(elem bool) []target {
	if _, ok := p.begin('['); !ok {
		return nil
	}
	place := model.PlaceTarget
	if elem {
		place = model.PlaceElement
	}
	var out []target
	for i := 0; p.elem(); i++ {
		off, ok := p.begin('{')
		if !ok {
			continue
		}
		t := target{q: p.newQuery(off, i)}
		idx := -1
		for key, ok := p.key(); ok; key, ok = p.key() {
			switch string(key) {
			case "datasource":
				if r := p.dsRef(place, false); r != nil {
					idx, t.ref = p.addRef(idx, r), r
				}
			case "refId":
				t.refID = p.text()
			case "queryType":
				t.queryType = p.text()
			case "scenarioId":
				t.scenarioID = p.text()
			case "hide":
				// The -- Grafana -- and TestData datasources skip a target
				// when `target.hide` is truthy.
				t.hide, t.hideSet = p.truthy(), true
			case "channel":
				if s, ok := p.str(); ok {
					t.channel, t.chanPtr = s, p.pointer()
				}
			default:
				p.queryMember(t.q, string(key))
			}
		}
		if t.ref != nil {
			t.ref.RefID = t.refID
		}
		t.q.RefID, t.q.Datasource, t.q.Hide = t.refID, t.ref, t.hide
		out = append(out, t)
	}
	return out
}

// panelOptions reads a panel's options and returns the Live channel of its
// "channel" member (the live panel's {scope, namespace, path}), if any.
func (p *parser) panelOptions(mp *model.Panel) *model.Channel {
	if _, ok := p.begin('{'); !ok {
		return nil
	}
	var c *model.Channel
	for key, ok := p.key(); ok; key, ok = p.key() {
		switch string(key) {
		case "channel":
			c = p.liveChannel()
		case "reduceOptions":
			p.reduceOptions(mp)
		default:
			p.skip()
		}
	}
	return c
}

// liveChannel reads a live panel's channel address. Value is the channel ID
// the browser builds from it (@grafana/data toLiveChannelId: scope, then
// namespace — or "stream", which newer versions prefer — then path, stopping
// at the first empty part).
func (p *parser) liveChannel() *model.Channel {
	off, ok := p.begin('{')
	if !ok {
		return nil
	}
	// Positions are computed in file order: the line index counts columns
	// forward from its last answer.
	c := &model.Channel{Source: model.ChannelLivePanel, Pointer: p.pointer(), Value: model.Str{Pos: p.lines.pos(off)}}
	var scope, namespace, stream, path model.Str
	for key, ok := p.key(); ok; key, ok = p.key() {
		switch string(key) {
		case "scope":
			scope, _ = p.str()
		case "namespace":
			namespace, _ = p.str()
		case "stream":
			stream, _ = p.str()
		case "path":
			path, _ = p.str()
		default:
			p.skip()
		}
	}
	if stream.V != "" {
		namespace = stream
	}
	c.Parts = []model.Str{scope, namespace, path}
	if scope.IsSet() {
		c.Value.Pos = scope.Pos
	}
	if scope.V != "" {
		c.Value.V = scope.V
		if namespace.V != "" {
			c.Value.V += "/" + namespace.V
			if path.V != "" {
				c.Value.V += "/" + path.V
			}
		}
	}
	return c
}

// oldRows reads "rows" of dashboards before schema 16: each row holds
// panels.
func (p *parser) oldRows() {
	if _, ok := p.begin('['); !ok {
		return
	}
	for p.elem() {
		if _, ok := p.begin('{'); !ok {
			continue
		}
		for key, ok := p.key(); ok; key, ok = p.key() {
			if string(key) == "panels" {
				p.panels(false)
				continue
			}
			p.skip()
		}
	}
}

// annotations reads v1 annotations.list[].datasource.
func (p *parser) annotations() {
	p.field("list", func() {
		p.each(func() {
			idx := -1
			p.field("datasource", func() {
				if r := p.dsRef(model.PlaceAnnotation, false); r != nil {
					idx = p.addRef(idx, r)
				}
			})
		})
	})
}

// templating reads v1 templating.list[] variables.
func (p *parser) templating() {
	p.field("list", func() { p.each(p.variable) })
}

// variable reads one v1 variable.
func (p *parser) variable() {
	off, ok := p.begin('{')
	if !ok {
		return
	}
	v := &model.Variable{Pos: p.lines.pos(off)}
	idx := -1
	for key, ok := p.key(); ok; key, ok = p.key() {
		switch string(key) {
		case "name":
			v.Name, _ = p.str()
		case "type":
			v.Type = p.text()
		case "query":
			p.variableQuery(v)
		case "current":
			v.Current = p.current()
		case "options":
			v.Default = p.firstOption()
		case "regex":
			v.Regex, _ = p.str()
		case "datasource":
			if r := p.dsRef(model.PlaceVariable, false); r != nil {
				idx, v.Datasource = p.addRef(idx, r), r
			}
		default:
			p.variableMember(v, string(key))
		}
	}
	p.d.Variables = append(p.d.Variables, v)
}

// current reads current.value of a variable (the first value when multi).
func (p *parser) current() model.Str {
	var v model.Str
	if _, ok := p.begin('{'); !ok {
		return v
	}
	for key, ok := p.key(); ok; key, ok = p.key() {
		if string(key) == "value" {
			v = p.firstString()
			continue
		}
		p.skip()
	}
	return v
}

// firstOption reads options[0].value.
func (p *parser) firstOption() model.Str {
	var v model.Str
	if _, ok := p.begin('['); !ok {
		return v
	}
	if !p.elem() {
		return v
	}
	if _, ok := p.begin('{'); ok {
		for key, ok := p.key(); ok; key, ok = p.key() {
			if string(key) == "value" {
				v = p.firstString()
				continue
			}
			p.skip()
		}
	}
	p.skipRest('[')
	return v
}

// firstString reads a string, or the first string of an array.
func (p *parser) firstString() model.Str {
	switch p.peek() {
	case '"':
		s, _ := p.str()
		return s
	case '[':
		var s model.Str
		p.begin('[')
		if !p.elem() {
			return s
		}
		s, _ = p.str()
		p.skipRest('[')
		return s
	}
	p.skip()
	return model.Str{}
}

// inputs reads __inputs[] of an exported dashboard.
func (p *parser) inputs() {
	if _, ok := p.begin('['); !ok {
		return
	}
	for p.elem() {
		if _, ok := p.begin('{'); !ok {
			continue
		}
		in := &model.Input{}
		for key, ok := p.key(); ok; key, ok = p.key() {
			switch string(key) {
			case "name":
				in.Name, _ = p.str()
			case "type":
				in.Type = p.text()
			case "pluginId":
				in.PluginID = p.text()
			default:
				p.skip()
			}
		}
		p.d.Inputs = append(p.d.Inputs, in)
	}
}

// libraryElements reads __elements of an export: library panels keyed by
// UID (an array in some older exports), each with its panel "model".
func (p *parser) libraryElements() {
	k := p.peek()
	if k != '{' && k != '[' {
		p.skip()
		return
	}
	p.begin(k)
	for {
		if k == '{' {
			if _, ok := p.key(); !ok {
				return
			}
		} else if !p.elem() {
			return
		}
		if _, ok := p.begin('{'); !ok {
			continue
		}
		for key, ok := p.key(); ok; key, ok = p.key() {
			if string(key) == "model" {
				p.panel(true)
				continue
			}
			p.skip()
		}
	}
}
