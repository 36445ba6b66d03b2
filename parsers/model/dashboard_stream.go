package model

// Streamed dashboards. A run that checks thousands of dashboards does not
// hold them all: discovery leaves the parse of a dashboard file to the
// rules engine (Dashboard.Load), which parses each dashboard, runs the
// checks that read one dashboard at a time, and strips it back to the
// facts that checks across dashboards read (Strip). The Dashboard keeps
// its identity throughout, so maps keyed by it (Stack.LoadedBy) hold.

// Streamed reports whether d is filled in from its file on demand (Fill)
// rather than held whole.
func (d *Dashboard) Streamed() bool { return d.Load != nil }

// Fill parses d's file into d when d holds only its stripped facts (or
// nothing yet); a dashboard held whole is left as it is.
func (d *Dashboard) Fill() {
	if d.Load == nil || !d.Stripped {
		return
	}
	load, facts := d.Load, d.LoadFacts
	full := load()
	*d = *full
	d.Load, d.LoadFacts, d.Stripped, d.HasFacts = load, facts, false, true
}

// FillFacts fills in at least the facts Strip keeps: from LoadFacts when
// set (a cache of earlier runs spares the parse), else by Fill.
func (d *Dashboard) FillFacts() {
	if d.Load == nil || !d.Stripped || d.HasFacts {
		return
	}
	if d.LoadFacts == nil {
		d.Fill()
		return
	}
	load, facts := d.Load, d.LoadFacts
	got, whole := facts()
	*d = *got
	d.Load, d.LoadFacts, d.Stripped, d.HasFacts = load, facts, !whole, true
}

// Facts returns a copy of d holding only what Strip keeps.
func (d *Dashboard) Facts() *Dashboard {
	return &Dashboard{
		File: d.File, Wrapped: d.Wrapped, V2: d.V2, UID: d.UID, Title: d.Title,
		SchemaVersion: d.SchemaVersion, Channels: d.Channels,
		LivePanels: d.LivePanels, LivePanelPos: d.LivePanelPos,
		Editable: d.Editable, EditablePos: d.EditablePos,
	}
}

// Strip drops from a streamed dashboard what only checks of that one
// dashboard read, keeping the facts checks across the dashboards of a
// stack read: its file, uid and title (duplicate UIDs, the files that
// define a dashboard entity), its shape, and its Live channels and live
// panels (whether the stack streams). Fill restores the rest. A dashboard
// held whole is left as it is.
func (d *Dashboard) Strip() {
	if d.Load == nil || d.Stripped {
		return
	}
	load, facts := d.Load, d.LoadFacts
	*d = *d.Facts()
	d.Load, d.LoadFacts, d.Stripped, d.HasFacts = load, facts, true, true
}
