package model

// Panel is one panel of a dashboard with the facts query and convention
// rules read: its identity, type, title and description, datasource, unit
// settings and queries. Row panels are included (Type "row"); rules decide
// which types they check.
type Panel struct {
	// Pointer is the JSON pointer of the panel object.
	Pointer string `json:"pointer"`
	// Pos is the position of the panel object's "{".
	Pos Pos `json:"pos"`
	// ID is the panel's numeric id (0 when absent).
	ID    int  `json:"id,omitempty"`
	HasID bool `json:"hasId,omitempty"`
	// Type is the panel plugin ("timeseries", "stat", "row", …; a v2
	// panel's vizConfig group).
	Type        Str `json:"type,omitzero"`
	Title       Str `json:"title,omitzero"`
	Description Str `json:"description,omitzero"`
	// Datasource is the panel's own datasource reference, nil when absent.
	Datasource *DatasourceRef `json:"-"`
	// Queries are the panel's targets, in order.
	Queries []*Query `json:"queries,omitempty"`
	// HasTargets is true when the panel has a "targets" array (v2: a
	// query group with a queries array), even an empty one.
	HasTargets bool `json:"hasTargets,omitempty"`
	// Library is true for a panel that only references a library panel
	// ("libraryPanel" without a model): its queries live elsewhere.
	Library bool `json:"library,omitempty"`
	// Element is true for a library panel model read from __elements.
	Element bool `json:"element,omitempty"`
	// InRow is true for a panel nested in a row (collapsed row panels,
	// old-schema rows).
	InRow bool `json:"inRow,omitempty"`
	// Unit is fieldConfig.defaults.unit; OverrideUnit the last "unit"
	// property of fieldConfig.overrides.
	Unit         Str `json:"unit,omitzero"`
	OverrideUnit Str `json:"overrideUnit,omitzero"`
	// HasMappings is true when fieldConfig.defaults.mappings is set (not
	// null) or an override sets "mappings".
	HasMappings bool `json:"hasMappings,omitempty"`
	// ReduceFields is options.reduceOptions.fields (stat panels show
	// non-numeric fields when it is set).
	ReduceFields string `json:"reduceFields,omitempty"`
}

// Query is one query (target) of a panel.
type Query struct {
	// Pointer is the JSON pointer of the target object.
	Pointer string `json:"pointer"`
	// Pos is the position of the target object's "{".
	Pos Pos `json:"pos"`
	// Index is the query's index in its panel's targets (dashboard-linter's
	// targetIdx).
	Index int    `json:"index"`
	RefID string `json:"refId,omitempty"`
	// Datasource is the query's own reference, nil when absent (the panel's
	// applies).
	Datasource *DatasourceRef `json:"-"`
	// Expr is the query's "expr" (Prometheus, Loki).
	Expr Text `json:"expr,omitzero"`
	// Hide is the query's "hide" as the browser tests it.
	Hide bool `json:"hide,omitempty"`
	// PanelID is the source panel of a -- Dashboard -- query ("panelId"),
	// 0 when absent; PanelIDPos where it is written.
	PanelID    int `json:"panelId,omitempty"`
	PanelIDPos Pos `json:"panelIdPos,omitzero"`
}

// Text is a string value together with the raw JSON text it was decoded
// from, so that an offset into the value maps back to the exact character
// in the file through escapes such as \" and \u0024.
type Text struct {
	Str
	// Raw is the JSON text between the quotes when it differs from V (the
	// value had escapes); "" otherwise.
	Raw string `json:"raw,omitempty"`
}
