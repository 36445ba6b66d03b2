package channel

import (
	"strings"

	"github.com/grafanalint/grafanalint/parsers/model"
	"github.com/grafanalint/grafanalint/rules"
)

// testdataPrefix is what TestData puts before the path of a "live"
// scenario query.
const testdataPrefix = "plugin/testdata/"

// use is one channel written in a dashboard, as Grafana's server will
// receive it.
type use struct {
	dash *model.Dashboard
	ch   *model.Channel
	// provisioned is true for dashboards a provider of the stack loads.
	provisioned bool
	// id is the channel ID the server receives, variables unexpanded: the
	// trimmed value of a measurements query, "plugin/testdata/" + the path
	// of a TestData query, the joined parts of a live panel.
	id string
	// shift maps a byte offset in id to one in ch.Value.V (value = id +
	// shift) for measurements and TestData queries.
	shift int
	// vars are the references to defined dashboard variables in id (only
	// measurements queries interpolate them).
	vars []span
	// undefined are references to variables the dashboard does not define:
	// Grafana leaves them as written.
	undefined []span
	// err is the syntax error; nil when the ID is valid, or could be valid
	// once its variables are expanded.
	err *ParseError
	// parsed holds the parts when the ID is valid and has no variables.
	parsed Channel
	// scope and namespace are the literal scope and namespace when they
	// contain no variable (known* reports which).
	scope, namespace           string
	knownScope, knownNamespace bool
	// surrounding is true when the value had whitespace around it that
	// Grafana does not trim (TestData path, live panel parts).
	surrounding bool
}

// uses returns every channel of the stack's dashboards (provisioned first,
// then loose ones), analysed with the grammar of the target version.
func uses(c *rules.Context) []*use {
	syn := SyntaxFor(c.Version)
	var out []*use
	add := func(d *model.Dashboard, prov bool) {
		if len(d.Channels) == 0 {
			return // most dashboards: no set of variables to build
		}
		defined := map[string]bool{}
		for _, v := range d.Variables {
			defined[v.Name.V] = true
		}
		for _, ch := range d.Channels {
			out = append(out, analyse(syn, d, ch, prov, defined))
		}
	}
	for _, d := range c.Stack.Dashboards {
		add(d, true)
	}
	for _, d := range c.Stack.LooseDashboards {
		add(d, false)
	}
	return out
}

// active returns the channels Grafana subscribes to: uses without those of
// hidden queries, which the -- Grafana -- and TestData datasources skip
// (`if (target.hide) continue` in their query()).
func active(c *rules.Context) []*use {
	all := uses(c)
	out := all[:0]
	for _, u := range all {
		if !u.ch.Hidden {
			out = append(out, u)
		}
	}
	return out
}

func analyse(syn Syntax, d *model.Dashboard, ch *model.Channel, prov bool, defined map[string]bool) *use {
	u := &use{dash: d, ch: ch, provisioned: prov}
	v := ch.Value.V
	switch ch.Source {
	case model.ChannelMeasurements:
		// The -- Grafana -- datasource interpolates variables, then
		// parseLiveChannelAddress trims the ID and rebuilds it from its
		// parts.
		trimmed := strings.TrimLeftFunc(v, isJSSpace)
		u.shift = len(v) - len(trimmed)
		u.id = strings.TrimRightFunc(trimmed, isJSSpace)
		for _, sp := range variableSpans(u.id) {
			if defined[sp.name] || strings.HasPrefix(sp.name, "__") {
				u.vars = append(u.vars, sp)
			} else {
				u.undefined = append(u.undefined, sp)
			}
		}
	case model.ChannelTestData:
		// TestData neither trims nor interpolates the path.
		u.id = testdataPrefix + v
		u.shift = -len(testdataPrefix)
		u.surrounding = strings.TrimFunc(v, isJSSpace) != v
	default:
		// The live panel sends its scope, namespace and path as written,
		// and subscribes only when all three are non-empty. Joining the
		// parts (Value stops at the first empty one) reports an empty part
		// where it is written.
		u.id = v
		if len(ch.Parts) == 3 {
			u.id = ch.Parts[0].V + "/" + ch.Parts[1].V + "/" + ch.Parts[2].V
		}
		for _, p := range ch.Parts {
			if strings.TrimFunc(p.V, isJSSpace) != p.V {
				u.surrounding = true
			}
		}
		if len(ch.Parts) == 0 && strings.TrimFunc(v, isJSSpace) != v {
			u.surrounding = true
		}
	}
	if len(u.vars) == 0 {
		u.parsed, u.err = syn.Parse(u.id)
		if u.err == nil {
			u.scope, u.namespace = u.parsed.Scope, u.parsed.Namespace
			u.knownScope, u.knownNamespace = true, true
		}
		return u
	}
	u.err = syn.checkTemplate(u.id, u.vars)
	if u.err != nil {
		return u
	}
	// Parts before the first variable are literal.
	first := u.vars[0].start
	if i := strings.IndexByte(u.id, '/'); i >= 0 && i < first {
		u.scope, u.knownScope = u.id[:i], true
		if j := strings.IndexByte(u.id[i+1:], '/'); j >= 0 && i+1+j < first {
			u.namespace, u.knownNamespace = u.id[i+1:i+1+j], true
		}
	}
	return u
}

// isJSSpace reports whether JavaScript's String.prototype.trim removes r.
func isJSSpace(r rune) bool {
	switch r {
	case '\t', '\n', '\v', '\f', '\r', ' ', 0xA0, 0x1680, 0x2028, 0x2029, 0x202F, 0x205F, 0x3000, 0xFEFF:
		return true
	}
	return r >= 0x2000 && r <= 0x200A
}

// pos returns the source position of byte offset off of the channel ID.
func (u *use) pos(m files, off int) model.Pos {
	if u.ch.Source == model.ChannelLivePanel && len(u.ch.Parts) == 3 {
		start := 0
		for i, p := range u.ch.Parts {
			end := start + len(p.V)
			if off <= end || i == 2 {
				if p.IsSet() {
					return strPos(m, p, off-start)
				}
				break
			}
			start = end + 1
		}
		return u.ch.Value.Pos
	}
	if u.ch.Source == model.ChannelLivePanel {
		return strPos(m, u.ch.Value, off)
	}
	return strPos(m, u.ch.Value, off+u.shift)
}

// spanPos returns the positions of the bytes [from, to) of the channel ID.
func (u *use) spanPos(m files, from, to int) (model.Pos, model.Pos) {
	return u.pos(m, from), u.pos(m, to)
}

// entity names the channel for exclusions: "channel:<id>".
func (u *use) entity() string { return "channel:" + u.id }

// key distinguishes the uses of one channel: the dashboard and the place
// of the query in it by panel id (or title) and refId, which moving panels
// keeps.
func (u *use) key() string {
	d := u.dash.UID.V
	if d == "" {
		d = u.dash.File
	}
	return d + "#" + u.ch.Locator
}

// where describes the field a channel is written in, for messages.
func (u *use) where() string {
	switch u.ch.Source {
	case model.ChannelTestData:
		return "TestData channel path"
	case model.ChannelLivePanel:
		return "live panel channel"
	}
	return "Live channel"
}
