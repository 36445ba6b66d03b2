package dashboard

import "strings"

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
// of its own yet.

// targetLocator is the relative locator of a query with that refId.
func targetLocator(refID string) string { return "target:" + refID }

// relativeLocator reports whether l still needs its enclosing part.
func relativeLocator(l string) bool { return l == "" || strings.HasPrefix(l, "target:") }

// locate prefixes loc to the refs and channels appended since s.
func (p *parser) locate(s span, loc string) {
	join := func(rel string) string {
		if rel == "" {
			return loc
		}
		return loc + "/" + rel
	}
	for _, r := range p.d.Refs[min(s.refs, len(p.d.Refs)):] {
		if relativeLocator(r.Locator) {
			r.Locator = join(r.Locator)
		}
	}
	for _, c := range p.d.Channels[min(s.chans, len(p.d.Channels)):] {
		if relativeLocator(c.Locator) {
			c.Locator = join(c.Locator)
		}
	}
}

// panelLocator names a v1 panel: by id (unique in a dashboard and kept
// when panels move), else by title, else by type alone.
func panelLocator(kind, id, title, typ string) string {
	switch {
	case id != "":
		return kind + ":" + id
	case title != "":
		return kind + ":title=" + title
	case typ != "":
		return kind + ":type=" + typ
	}
	return kind
}

// scalarText reads a string or number as text ("12" for 12); other values
// are skipped and give "".
func (p *parser) scalarText() string {
	switch p.peek() {
	case '"':
		return p.text()
	case '0':
		raw, _, _ := p.value()
		return string(raw)
	}
	p.skip()
	return ""
}
