package dashboard

import (
	"strings"

	"github.com/grafanalint/grafanalint/parsers/model"
)

// dataQuery is a v2 DataQueryKind as read. v2beta1 writes
// {kind: "DataQuery", group: <plugin type>, datasource: {name: <uid>},
// spec: {...}}; v2alpha1 wrote {kind: <plugin type>, spec: {...}} with the
// datasource reference beside the query.
type dataQuery struct {
	pos   model.Pos
	ptr   string
	kind  model.Str
	group model.Str
	ds    *model.DatasourceRef
	t     target // channel fields of spec
	query model.Text
	// expr is a panel query's spec.expr; qryType a variable query's
	// spec.qryType.
	expr    model.Text
	qryType int
}

// pluginType is the query's datasource plugin type.
func (q *dataQuery) pluginType() model.Str {
	if q.group.IsSet() {
		return q.group
	}
	if q.kind.V != "" && q.kind.V != "DataQuery" {
		return q.kind
	}
	return model.Str{}
}

// dataQuery reads a v2 DataQueryKind.
func (p *parser) dataQuery(place model.RefPlace) *dataQuery {
	off, ok := p.begin('{')
	if !ok {
		return nil
	}
	q := &dataQuery{pos: p.lines.pos(off), ptr: p.pointer()}
	for key, ok := p.key(); ok; key, ok = p.key() {
		switch string(key) {
		case "kind":
			q.kind, _ = p.str()
		case "group":
			q.group, _ = p.str()
		case "datasource":
			q.ds = p.dsRef(place, true)
		case "spec":
			p.querySpec(q)
		default:
			p.skip()
		}
	}
	return q
}

// querySpec reads the members of a v2 query body that matter: channel
// fields and a variable's query string.
func (p *parser) querySpec(q *dataQuery) {
	if _, ok := p.begin('{'); !ok {
		return
	}
	for key, ok := p.key(); ok; key, ok = p.key() {
		switch string(key) {
		case "queryType":
			q.t.queryTypeAt, _ = p.str()
			q.t.queryType = q.t.queryTypeAt.V
		case "scenarioId":
			q.t.scenarioID = p.text()
		case "hide":
			q.t.hide, q.t.hideSet = p.truthy(), true
		case "channel":
			if s, ok := p.str(); ok {
				q.t.channel, q.t.chanPtr = s, p.pointer()
			}
		case "query":
			if s, ok := p.rawText(); ok {
				q.query = s
			}
		case "expr":
			q.expr, _ = p.rawText()
		case "qryType":
			q.qryType, _ = p.number()
		default:
			p.skip()
		}
	}
}

// v2Ref builds the reference of a v2 query: an explicit v2alpha1
// datasource beside the query wins; else query.datasource (name = UID) with
// the query's group as type; else the group alone (the default datasource of
// that type), positioned at the query object.
func v2Ref(place model.RefPlace, explicit *model.DatasourceRef, q *dataQuery) *model.DatasourceRef {
	if explicit != nil {
		return explicit
	}
	if q == nil {
		return nil
	}
	if q.ds != nil {
		if q.ds.Shape == model.RefObject && !q.ds.Type.IsSet() {
			q.ds.Type = q.pluginType()
		}
		return q.ds
	}
	if t := q.pluginType(); t.IsSet() {
		return &model.DatasourceRef{Place: place, Shape: model.RefObject, Pointer: q.ptr, Pos: q.pos, Type: t}
	}
	return nil
}

// v2Elements reads spec.elements: panels keyed by element name.
func (p *parser) v2Elements() {
	if _, ok := p.begin('{'); !ok {
		return
	}
	for name, ok := p.key(); ok; name, ok = p.key() {
		loc, start := locator{kind: "element", sep: ":", name: string(name)}, p.mark()
		if _, ok := p.begin('{'); !ok {
			continue
		}
		for key, ok := p.key(); ok; key, ok = p.key() {
			if string(key) == "spec" {
				p.v2Panel()
				continue
			}
			p.skip()
		}
		p.locate(start, loc)
	}
}

// v2Panel reads a PanelKind's spec (a LibraryPanelKind's spec has neither
// data nor vizConfig and yields nothing).
func (p *parser) v2Panel() {
	off, ok := p.begin('{')
	if !ok {
		return
	}
	mp := p.newPanel(off, false)
	var (
		vizKind, vizGroup model.Str
		live              *model.Channel
	)
	for key, ok := p.key(); ok; key, ok = p.key() {
		switch string(key) {
		case "data":
			p.v2QueryGroup(mp)
		case "vizConfig":
			if _, ok := p.begin('{'); !ok {
				continue
			}
			for key, ok := p.key(); ok; key, ok = p.key() {
				switch string(key) {
				case "kind":
					vizKind, _ = p.str()
				case "group":
					vizGroup, _ = p.str()
				case "spec":
					if _, ok := p.begin('{'); !ok {
						continue
					}
					for key, ok := p.key(); ok; key, ok = p.key() {
						switch string(key) {
						case "options":
							if c := p.panelOptions(mp); c != nil {
								live = c
							}
						case "fieldConfig":
							p.fieldConfig(mp)
						default:
							p.skip()
						}
					}
				default:
					p.skip()
				}
			}
		default:
			p.panelMember(mp, string(key))
		}
	}
	// v2beta1: group is the panel plugin; v2alpha1: kind is.
	typ := vizGroup
	if typ.V == "" {
		typ = vizKind
	}
	mp.Type = typ
	if typ.V == "live" {
		p.d.LivePanels++
		p.d.LivePanelPos = append(p.d.LivePanelPos, typ.Pos)
		if live != nil {
			p.d.Channels = append(p.d.Channels, live)
		}
	}
}

// v2QueryGroup reads data: {kind: QueryGroup, spec: {queries: [...]}}.
func (p *parser) v2QueryGroup(mp *model.Panel) {
	p.field("spec", func() {
		p.field("queries", func() {
			if p.peek() == '[' {
				mp.HasTargets = true
			}
			i := 0
			p.each(func() {
				p.v2PanelQuery(mp, i)
				i++
			})
		})
	})
}

// v2PanelQuery reads {kind: PanelQuery, spec: {query, datasource, refId}}.
func (p *parser) v2PanelQuery(mp *model.Panel, index int) {
	off, ok := p.begin('{')
	if !ok {
		return
	}
	mq := p.newQuery(off, index)
	for key, ok := p.key(); ok; key, ok = p.key() {
		if string(key) != "spec" {
			p.skip()
			continue
		}
		if _, ok := p.begin('{'); !ok {
			continue
		}
		var (
			q        *dataQuery
			explicit *model.DatasourceRef
			refID    string
			hidden   bool
		)
		for key, ok := p.key(); ok; key, ok = p.key() {
			switch string(key) {
			case "query":
				q = p.dataQuery(model.PlaceTarget)
			case "datasource":
				explicit = p.dsRef(model.PlaceTarget, true)
			case "refId":
				refID = p.text()
			case "hidden":
				hidden = p.truthy()
			default:
				p.skip()
			}
		}
		r := v2Ref(model.PlaceTarget, explicit, q)
		if r != nil {
			r.RefID = refID
			r.Locator = targetPending
			p.d.Refs = append(p.d.Refs, r)
		}
		mq.RefID, mq.Datasource, mq.Hide = refID, r, hidden
		if q != nil {
			mq.Expr = q.expr
			if q.t.hideSet {
				mq.Hide = q.t.hide
			}
		}
		mp.Queries = append(mp.Queries, mq)
		if q != nil {
			q.t.refID = refID
			// Grafana builds the query as {hide: spec.hidden,
			// ...query.spec}: a "hide" of the query spec wins.
			if !q.t.hideSet {
				q.t.hide = hidden
			}
			p.queryChannel(r, q.t)
		}
	}
}

// v2Annotations reads spec.annotations[] (AnnotationQueryKind).
func (p *parser) v2Annotations() {
	if _, ok := p.begin('['); !ok {
		return
	}
	for p.elem() {
		if _, ok := p.begin('{'); !ok {
			continue
		}
		for key, ok := p.key(); ok; key, ok = p.key() {
			if string(key) != "spec" {
				p.skip()
				continue
			}
			if _, ok := p.begin('{'); !ok {
				continue
			}
			var (
				q        *dataQuery
				explicit *model.DatasourceRef
				name     string
			)
			for key, ok := p.key(); ok; key, ok = p.key() {
				switch string(key) {
				case "query":
					q = p.dataQuery(model.PlaceAnnotation)
				case "datasource":
					explicit = p.dsRef(model.PlaceAnnotation, true)
				case "name":
					name = p.text()
				default:
					p.skip()
				}
			}
			if r := v2Ref(model.PlaceAnnotation, explicit, q); r != nil {
				r.Locator = "annotation:" + name
				p.d.Refs = append(p.d.Refs, r)
			}
		}
	}
}

// v2VariableTypes maps v2 variable kinds to v1 variable types.
var v2VariableTypes = map[string]string{
	"QueryVariable":      "query",
	"TextVariable":       "textbox",
	"ConstantVariable":   "constant",
	"DatasourceVariable": "datasource",
	"IntervalVariable":   "interval",
	"CustomVariable":     "custom",
	"GroupByVariable":    "groupby",
	"AdhocVariable":      "adhoc",
}

// v2Variables reads spec.variables[] (VariableKind).
func (p *parser) v2Variables() {
	if _, ok := p.begin('['); !ok {
		return
	}
	for p.elem() {
		p.v2Variable()
	}
}

func (p *parser) v2Variable() {
	off, ok := p.begin('{')
	if !ok {
		return
	}
	var (
		v          = &model.Variable{Pos: p.lines.pos(off)}
		kind       string
		group      model.Str
		kindDS     *model.DatasourceRef // GroupBy/Adhoc (v2beta1): beside spec
		specDS     *model.DatasourceRef // v2alpha1: spec.datasource
		q          *dataQuery
		pluginID   model.Str
		ptr        = p.pointer()
		objPos     = p.lines.pos(off)
		hasPlugin  bool
		queryIsObj bool
	)
	for key, ok := p.key(); ok; key, ok = p.key() {
		switch string(key) {
		case "kind":
			kind = p.text()
		case "group":
			group, _ = p.str()
		case "datasource":
			kindDS = p.dsRef(model.PlaceVariable, true)
		case "spec":
			if _, ok := p.begin('{'); !ok {
				continue
			}
			for key, ok := p.key(); ok; key, ok = p.key() {
				switch string(key) {
				case "name":
					v.Name, _ = p.str()
				case "query":
					if p.peek() == '{' {
						q, queryIsObj = p.dataQuery(model.PlaceVariable), true
					} else {
						t, _ := p.rawText()
						v.Query, v.QueryRaw = t.Str, t.Raw
					}
				case "regex":
					v.Regex, _ = p.str()
				case "current":
					v.Current = p.current()
				case "options":
					v.Default = p.firstOption()
				case "pluginId":
					pluginID, hasPlugin = p.str()
				case "datasource":
					specDS = p.dsRef(model.PlaceVariable, true)
				default:
					p.variableMember(v, string(key))
				}
			}
		default:
			p.skip()
		}
	}
	v.Type = v2VariableTypes[kind]
	if v.Type == "" {
		v.Type = strings.ToLower(strings.TrimSuffix(kind, "Variable"))
	}
	if hasPlugin && v.Type == "datasource" {
		v.Query = pluginID
	}
	if queryIsObj && q != nil && !v.Query.IsSet() {
		v.Query, v.QueryRaw, v.QueryType = q.query.Str, q.query.Raw, q.qryType
	}
	p.d.Variables = append(p.d.Variables, v)

	var r *model.DatasourceRef
	switch {
	case specDS != nil || q != nil:
		r = v2Ref(model.PlaceVariable, specDS, q)
	case kindDS != nil:
		r = kindDS
		if r.Shape == model.RefObject && !r.Type.IsSet() {
			r.Type = group
		}
	case group.IsSet():
		r = &model.DatasourceRef{Place: model.PlaceVariable, Shape: model.RefObject, Pointer: ptr, Pos: objPos, Type: group}
	}
	if r != nil {
		r.Locator = "variable:" + v.Name.V
		p.d.Refs = append(p.d.Refs, r)
	}
	v.Datasource = r
}
