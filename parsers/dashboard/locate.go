package dashboard

import (
	"bytes"

	"github.com/go-json-experiment/json/jsontext"
)

// Locators name the place of a reference or channel inside a dashboard by
// what it is, never by array index: "panel:12/target:A",
// "panel:title=CPU usage", "row:3", "element:lib-uid/target:B",
// "annotation:Deploys", "variable:ds". Moving, inserting or reordering
// panels keeps them; fingerprints and baselines are built on them.
//
// A part is located in two steps, because the members that name it (a
// panel's id and title) may come after the ones that hold references:
// queries give their refs and channels a relative locator ("target:A")
// while they are read, and the enclosing part, once read, prefixes its
// own to every ref and channel appended in its span that has no locator
// of its own yet. (While pending, a query's locator is targetPending: the
// ref or channel holds the refId, so the whole locator is built at once.)

// targetPending is the locator of the refs and channels of a query until
// its enclosing part is located: "target:" and the query's refId (which the
// ref or channel holds) then follow the part's own locator.
const targetPending = "target:"

// locator names a part: kind, then sep and name ("panel", ":", "12";
// "panel", ":title=", "CPU usage"; "row", "", ""). It is joined into a
// string only when the part holds something to locate.
type locator struct {
	kind, sep, name string
	// text, when set, is the name as written in the file (a panel's id),
	// in place of name.
	text []byte
}

func (l locator) String() string { return l.kind + l.sep + l.name + string(l.text) }

// locate gives the refs and channels appended since s that have no locator
// of their own yet l's, followed by their query's for those of a query.
func (p *parser) locate(s span, l locator) {
	var loc string // l, once joined
	set := func(locator *string, refID string) {
		suffix := ""
		switch *locator {
		case "":
		case targetPending:
			suffix = "/" + targetPending + refID
		default:
			return
		}
		if loc == "" {
			loc = l.String()
		}
		*locator = loc + suffix
	}
	for _, r := range p.d.Refs[min(s.refs, len(p.d.Refs)):] {
		set(&r.Locator, r.RefID)
	}
	for _, c := range p.d.Channels[min(s.chans, len(p.d.Channels)):] {
		set(&c.Locator, c.RefID)
	}
}

// panelLocator names a v1 panel: by id (unique in a dashboard and kept
// when panels move), else by title, else by type alone.
func panelLocator(kind string, id []byte, title, typ string) locator {
	switch {
	case len(id) > 0:
		return locator{kind: kind, sep: ":", text: id}
	case title != "":
		return locator{kind: kind, sep: ":title=", name: title}
	case typ != "":
		return locator{kind: kind, sep: ":type=", name: typ}
	}
	return locator{kind: kind}
}

// scalarText reads a string or number as text ("12" for 12), as a slice of
// the file when it is written without escapes; other values are skipped
// and give nil.
func (p *parser) scalarText() []byte {
	switch p.peek() {
	case '"':
		raw, _, _ := p.value()
		if len(raw) < 2 {
			return nil
		}
		if bytes.IndexByte(raw, '\\') < 0 {
			return raw[1 : len(raw)-1]
		}
		out, _ := jsontext.AppendUnquote(nil, raw)
		return out
	case '0':
		raw, _, _ := p.value()
		return raw
	}
	p.skip()
	return nil
}
