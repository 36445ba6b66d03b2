package dashboard

import (
	"strconv"

	"github.com/grafanalint/grafanalint/parsers/model"
)

// target is what a v1 query (panels[].targets[]) says about Live channels.
type target struct {
	ref       *model.DatasourceRef // nil when absent
	refID     string
	queryType string
	// queryTypeAt is queryType with its position (unset when absent or
	// not a string).
	queryTypeAt model.Str
	scenarioID  string
	channel     model.Str
	chanPtr     string
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
		id      []byte
		title   string
		start   = p.mark()
		stacked = len(p.targets)
	)
	defer func() { p.targets = p.targets[:stacked] }()
	for key, ok := p.key(); ok; key, ok = p.key() {
		switch string(key) {
		case "type":
			typ, _ = p.str()
		case "id":
			// The raw text names the panel in locators; the query model
			// keeps the number.
			id = p.scalarText()
			if n, err := strconv.Atoi(string(id)); err == nil {
				mp.ID, mp.HasID = n, true
			}
		case "title":
			mp.Title, _ = p.str()
			title = mp.Title.V
		case "datasource":
			place := model.PlacePanel
			if elem {
				place = model.PlaceElement
			}
			if r := p.dsRef(place, false); r != nil {
				dsIdx, ds = p.addRef(dsIdx, r), r
			}
		case "targets":
			targets = p.readTargets(elem)
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
	var loc locator
	switch {
	case p.elemKey != "":
		loc = locator{kind: "element", sep: ":", name: p.elemKey}
	case typ.V == "row":
		loc = panelLocator("row", id, title, typ.V)
	default:
		loc = panelLocator("panel", id, title, typ.V)
	}
	defer p.locate(start, loc)
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
	case isGrafanaDS(ds):
		// Any other query of the -- Grafana -- datasource ignores the
		// channel (random walk when queryType is empty).
		p.d.NonLiveChannels = append(p.d.NonLiveChannels, &model.Channel{Source: model.ChannelNonLive, Pointer: t.chanPtr, Value: t.channel, RefID: t.refID, Hidden: t.hide, QueryType: t.queryTypeAt})
		return
	case t.scenarioID == "live":
		// Only TestData has scenarioId; its channel is a path under
		// plugin/testdata/.
		src = model.ChannelTestData
	default:
		return
	}
	p.d.Channels = append(p.d.Channels, &model.Channel{Source: src, Pointer: t.chanPtr, Value: t.channel, RefID: t.refID, Hidden: t.hide, Locator: targetPending})
}

// readTargets reads a v1 panel's queries, recording their datasource
// references as they come; nil when there are none.
func (p *parser) readTargets(elem bool) []target {
	if _, ok := p.begin('['); !ok {
		return nil
	}
	place := model.PlaceTarget
	if elem {
		place = model.PlaceElement
	}
	// The targets go on a stack shared by the panels being read (a row's
	// nested panels come after its own targets), popped when their panel
	// is done.
	base := len(p.targets)
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
				t.queryTypeAt, _ = p.str()
				t.queryType = t.queryTypeAt.V
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
			t.ref.Locator = targetPending
		}
		t.q.RefID, t.q.Datasource, t.q.Hide = t.refID, t.ref, t.hide
		p.targets = append(p.targets, t)
	}
	if len(p.targets) == base {
		return nil
	}
	return p.targets[base:len(p.targets):len(p.targets)]
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
			if _, ok := p.begin('{'); !ok {
				return
			}
			idx, name, start := -1, "", p.mark()
			for key, ok := p.key(); ok; key, ok = p.key() {
				switch string(key) {
				case "datasource":
					if r := p.dsRef(model.PlaceAnnotation, false); r != nil {
						idx = p.addRef(idx, r)
					}
				case "name":
					name = p.text()
				default:
					p.skip()
				}
			}
			p.locate(start, locator{kind: "annotation", sep: ":", name: name})
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
	idx, start := -1, p.mark()
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
	p.locate(start, locator{kind: "variable", sep: ":", name: v.Name.V})
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
	for n := 0; ; n++ {
		elemKey := ""
		if k == '{' {
			key, ok := p.key()
			if !ok {
				return
			}
			elemKey = string(key)
		} else if !p.elem() {
			return
		}
		if elemKey == "" {
			// Older exports list elements in an array; their uid is
			// inside, after the model perhaps: the position in the
			// list is all there is.
			elemKey = "#" + strconv.Itoa(n)
		}
		if _, ok := p.begin('{'); !ok {
			continue
		}
		for key, ok := p.key(); ok; key, ok = p.key() {
			if string(key) == "model" {
				p.elemKey = elemKey
				p.panel(true)
				p.elemKey = ""
				continue
			}
			p.skip()
		}
	}
}
