// Package dashboard reads Grafana dashboard JSON files into the model: the
// dashboard's identity, every datasource reference with its place and shape,
// variables, export inputs and placeholders, and Live channels. It reads
// classic (v1) dashboards, the API wrapper {"dashboard": {...}}, Kubernetes
// style resources (dashboard.grafana.app, v1 and v2 specs) in one streaming
// pass, every value with its exact position.
package dashboard

import (
	"bytes"
	"slices"
	"strings"

	"github.com/grafanalint/grafanalint/parsers/model"
)

// k8sGroup is the API group of dashboard resources.
const k8sGroup = "dashboard.grafana.app/"

// Parse reads one dashboard file. path is used for positions. A file that is
// not valid JSON yields a syntax problem at the first error and an empty
// dashboard (Grafana loads nothing from it). Content after the top-level
// value is ignored, as Grafana's provisioning reader ignores it.
func Parse(path string, src []byte) (*model.Dashboard, []model.Problem) {
	return parse(path, src, newLineIndex(path, src), nil)
}

// ParseInterned is Parse with the strings of the model shared through in
// with the other dashboards parsed with it; a nil in shares nothing, as
// Parse. (Sharing within one file alone does not pay: a table per parse
// saved a sixth of the allocations on the perf seed, but no time, and
// took more bytes than it saved.)
func ParseInterned(path string, src []byte, in *Interner) (*model.Dashboard, []model.Problem) {
	return parse(path, src, newLineIndex(path, src), in)
}

// Embedded says where the text of a dashboard is written inside another
// file (a Kubernetes manifest's block scalar, whose indentation is JSON
// white space): positions are reported in File, the text's first line
// being line Line of it. Starts, the offsets of the text's line starts as
// the reader of that file found them, are not needed: the parser counts
// line breaks as it reads, and ignores them.
type Embedded struct {
	File   string
	Line   int
	Starts []int
}

// ParseEmbedded is Parse for a dashboard whose text is written inside
// another file: the model names path, every position is in at.File.
func ParseEmbedded(path string, src []byte, at Embedded) (*model.Dashboard, []model.Problem) {
	li := newLineIndex(at.File, src)
	li.base = max(at.Line, 1) - 1
	return parse(path, src, li, nil)
}

func parse(path string, src []byte, lines *lineIndex, in *Interner) (*model.Dashboard, []model.Problem) {
	d, probs := walk(path, src, lines, in, false)
	if len(probs) > 0 && probs[0].Kind == model.ProblemSyntax {
		// A value read whole stops at its first error, which may be
		// reported otherwise than by the walk token by token (another
		// pointer, another message): the problem is the one that walk
		// reports.
		d, probs = walk(path, src, lines, in, true)
	}
	return d, probs
}

// walk reads src into a dashboard, skipping the values it does not read
// token by token when exact is set, else reading each whole.
func walk(path string, src []byte, lines *lineIndex, in *Interner, exact bool) (*model.Dashboard, []model.Problem) {
	d := &model.Dashboard{File: path}
	if bytes.HasPrefix(src, utf8BOM) {
		return d, []model.Problem{{
			Kind:    model.ProblemSyntax,
			Message: "the file starts with a UTF-8 byte order mark, which Grafana's JSON reader rejects; save it without BOM",
			Pos:     lines.pos(0),
		}}
	}
	p := &parser{reader: newReader(src, lines), d: d}
	p.exact = exact
	p.in = in
	switch k := p.peek(); k {
	case '{':
		p.body(true)
	case 0:
		// empty file or a syntax error before any value: reported below
	default:
		_, start, _ := p.valueStart()
		return d, []model.Problem{{
			Kind:    model.ProblemSyntax,
			Message: "expected a JSON object (a dashboard), found " + kindName(k),
			Pos:     lines.pos(start),
		}}
	}
	if p.err != nil {
		return &model.Dashboard{File: path}, []model.Problem{syntaxProblem(src, lines, p.err)}
	}
	p.finish()
	end := int(p.dec.InputOffset())
	d.Placeholders = scanPlaceholders(src[:end], lines)
	return d, nil
}

var utf8BOM = []byte{0xEF, 0xBB, 0xBF}

// parser walks one dashboard file.
type parser struct {
	*reader
	d *model.Dashboard

	// Kubernetes resource envelope.
	apiVersion, kind, metaName, bodyUID model.Str
	sawV2                               bool
	// rows holds what was read from old-schema "rows" (ignored by Grafana
	// from schemaVersion 16 on; the version may come after the rows).
	rows []span
	// elemKey is the key of the library element (__elements) whose panel
	// model is being read, for locators.
	elemKey string
	// qs is what the query model needs across the walk (query.go).
	qs queryState
	// targets holds the targets of the panels being read (readTargets).
	targets []target
}

// span is a range of refs, channels and live panels appended while reading
// one part of the file.
type span struct{ refs, refsEnd, chans, chansEnd, live, liveEnd int }

func (p *parser) mark() span {
	return span{refs: len(p.d.Refs), chans: len(p.d.Channels), live: len(p.d.LivePanelPos)}
}

func (p *parser) close(s span) span {
	s.refsEnd, s.chansEnd, s.liveEnd = len(p.d.Refs), len(p.d.Channels), len(p.d.LivePanelPos)
	return s
}

// valueStart reads a whole value and returns its span (for messages).
func (p *parser) valueStart() (raw []byte, start, end int) {
	k := p.peek()
	if k == '{' || k == '[' {
		off := int(p.dec.InputOffset())
		p.skip()
		// skip leading white space to the value itself
		for off < len(p.src) && isSpace(p.src[off]) {
			off++
		}
		return nil, off, int(p.dec.InputOffset())
	}
	return p.value()
}

// body reads a dashboard object: the top level of the file or a nested
// dashboard (the API wrapper's "dashboard", a resource's "spec"). Keys of
// v1 and v2 dashboards differ enough to read both with one walker.
func (p *parser) body(top bool) {
	if _, ok := p.begin('{'); !ok {
		return
	}
	for key, ok := p.key(); ok; key, ok = p.key() {
		switch string(key) {
		case "uid":
			if s, ok := p.str(); ok {
				p.bodyUID = s
			}
		case "title":
			if s, ok := p.str(); ok {
				p.d.Title = s
			}
		case "schemaVersion":
			if n, ok := p.number(); ok {
				p.d.SchemaVersion = n
			}
		case "editable":
			p.editable()
		case "panels":
			p.panels(false)
		case "rows":
			s := p.mark()
			first := len(p.d.Panels)
			p.oldRows()
			p.rows = append(p.rows, p.close(s))
			p.oldRowPanels(first)
		case "annotations":
			switch p.peek() {
			case '{':
				p.annotations()
			case '[':
				p.sawV2 = true
				p.v2Annotations()
			default:
				p.skip()
			}
		case "templating":
			p.templating()
		case "variables":
			if p.peek() == '[' {
				p.sawV2 = true
			}
			p.v2Variables()
		case "elements":
			if p.peek() == '{' {
				p.sawV2 = true
			}
			p.v2Elements()
		case "__inputs":
			p.inputs()
		case "__elements":
			p.libraryElements()
		case "dashboard":
			if top && p.peek() == '{' {
				p.d.Wrapped = true
				p.body(false)
			} else {
				p.skip()
			}
		case "spec":
			if top {
				p.body(false)
			} else {
				p.skip()
			}
		case "metadata":
			if top {
				p.metadata()
			} else {
				p.skip()
			}
		case "apiVersion":
			if top {
				p.apiVersion, _ = p.str()
			} else {
				p.skip()
			}
		case "kind":
			if top {
				p.kind, _ = p.str()
			} else {
				p.skip()
			}
		default:
			p.skip()
		}
	}
}

// metadata reads a resource's metadata.name (the dashboard UID).
func (p *parser) metadata() {
	if _, ok := p.begin('{'); !ok {
		return
	}
	for key, ok := p.key(); ok; key, ok = p.key() {
		if string(key) == "name" {
			if s, ok := p.str(); ok {
				p.metaName = s
			}
			continue
		}
		p.skip()
	}
}

// finish applies what is known only once the whole file was read.
func (p *parser) finish() {
	d := p.d
	isK8s := strings.HasPrefix(p.apiVersion.V, k8sGroup)
	d.V2 = strings.HasPrefix(p.apiVersion.V, k8sGroup+"v2") || (!isK8s && p.sawV2 && d.SchemaVersion == 0)
	d.UID = p.bodyUID
	if isK8s && p.metaName.V != "" {
		d.UID = p.metaName
	}
	if d.SchemaVersion >= 16 {
		// Grafana converts "rows" to panels only for older schemas.
		for _, s := range slices.Backward(p.rows) {
			d.Refs = slices.Delete(d.Refs, s.refs, s.refsEnd)
			d.Channels = slices.Delete(d.Channels, s.chans, s.chansEnd)
			d.LivePanelPos = slices.Delete(d.LivePanelPos, s.live, s.liveEnd)
			d.LivePanels -= s.liveEnd - s.live
		}
		p.dropOldRowPanels()
	}
	slices.SortStableFunc(d.Channels, func(a, b *model.Channel) int {
		switch {
		case a.Value.Pos.Less(b.Value.Pos):
			return -1
		case b.Value.Pos.Less(a.Value.Pos):
			return 1
		}
		return 0
	})
}

// addRef records r, replacing the reference at idx when the same object
// had an earlier member of that name (duplicate names: the last one wins).
func (p *parser) addRef(idx int, r *model.DatasourceRef) int {
	if idx >= 0 {
		p.d.Refs[idx] = r
		return idx
	}
	p.d.Refs = append(p.d.Refs, r)
	return len(p.d.Refs) - 1
}

// dsRef reads a datasource reference of any shape; nil for values that are
// no reference (numbers, booleans, arrays). In v2 objects "name" holds the
// UID.
func (p *parser) dsRef(place model.RefPlace, v2 bool) *model.DatasourceRef {
	switch p.peek() {
	case '"':
		s, _ := p.str()
		return &model.DatasourceRef{Place: place, Shape: model.RefString, Pointer: p.pointer(), Pos: s.Pos, Name: s}
	case 'n':
		_, start, _ := p.value()
		return &model.DatasourceRef{Place: place, Shape: model.RefNull, Pointer: p.pointer(), Pos: p.lines.pos(start)}
	case '{':
		off, _ := p.begin('{')
		r := &model.DatasourceRef{Place: place, Shape: model.RefObject, Pointer: p.pointer(), Pos: p.lines.pos(off)}
		var name model.Str
		for key, ok := p.key(); ok; key, ok = p.key() {
			switch string(key) {
			case "uid":
				r.UID, _ = p.str()
			case "type":
				r.Type, _ = p.str()
			case "name":
				if v2 {
					name, _ = p.str()
				} else {
					p.skip()
				}
			default:
				p.skip()
			}
		}
		if !r.UID.IsSet() {
			r.UID = name
		}
		return r
	default:
		p.skip()
		return nil
	}
}

// isGrafanaDS reports whether r names the built-in "-- Grafana --"
// datasource.
func isGrafanaDS(r *model.DatasourceRef) bool {
	if r == nil {
		return false
	}
	switch r.Shape {
	case model.RefString:
		return r.Name.V == "-- Grafana --" || r.Name.V == "grafana"
	case model.RefObject:
		return r.UID.V == "grafana" || r.UID.V == "-- Grafana --" || r.Type.V == "grafana"
	}
	return false
}

func isSpace(b byte) bool { return b == ' ' || b == '\t' || b == '\n' || b == '\r' }
