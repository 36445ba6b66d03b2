package model

// Dashboard is one dashboard JSON file (v1 schema, the API wrapper
// {"dashboard": {...}}, or a v2 resource dashboard.grafana.app/v2*).
type Dashboard struct {
	File string `json:"file"`
	// Wrapped is true for the {"dashboard": {...}} API form.
	Wrapped bool `json:"wrapped,omitempty"`
	// V2 is true for apiVersion dashboard.grafana.app/v2*.
	V2            bool             `json:"v2,omitempty"`
	UID           Str              `json:"uid,omitzero"`
	Title         Str              `json:"title,omitzero"`
	SchemaVersion int              `json:"schemaVersion,omitempty"`
	Refs          []*DatasourceRef `json:"datasourceRefs,omitempty"`
	Variables     []*Variable      `json:"variables,omitempty"`
	Inputs        []*Input         `json:"inputs,omitempty"`
	Channels      []*Channel       `json:"channels,omitempty"`
	// Placeholders is every "${DS_X}"-style export placeholder written in
	// any string value of the file (one Str per occurrence, V = "DS_X",
	// positioned at the "$", End just after the "}"). Constant-variable
	// inputs of the same export ("${VAR_X}") are included; V keeps the
	// prefix, so rules tell them apart.
	Placeholders []Str `json:"placeholders,omitempty"`
	// LivePanels counts panels of type "live".
	LivePanels int `json:"livePanels,omitempty"`
	// LivePanelPos holds the position of each live panel's type value (v1
	// "type", v2 vizConfig "group", or "kind" for v2alpha1), one per panel
	// counted in LivePanels, in the order they are read.
	LivePanelPos []Pos `json:"livePanelPos,omitempty"`
	// NonLiveChannels are "channel" members of -- Grafana -- datasource
	// queries whose queryType is not "measurements" (Source
	// ChannelNonLive, QueryType set when written): Grafana never subscribes
	// to them. They are not in Channels.
	NonLiveChannels []*Channel `json:"nonLiveChannels,omitempty"`
	// Panels are every panel of the dashboard (rows, nested panels, old
	// schema rows, library panel models of __elements), in file order.
	Panels []*Panel `json:"panels,omitempty"`
	// Editable is the dashboard's "editable" flag; EditablePos where it is
	// written (zero when absent).
	Editable    bool `json:"editable,omitempty"`
	EditablePos Pos  `json:"editablePos,omitzero"`
	// Load, when set, reads and parses the dashboard's file again:
	// discovery sets it on dashboards whose parse it leaves to the rules
	// engine, which streams them (see Fill and Strip). It records the
	// file's problems on its first call only.
	Load func() *Dashboard `json:"-"`
	// LoadFacts, when set, returns the facts Strip keeps without parsing
	// the file when it can (a cache of earlier runs), whole false, else
	// the whole dashboard, whole true (see FillFacts).
	LoadFacts func() (d *Dashboard, whole bool) `json:"-"`
	// Stripped is true while a streamed dashboard holds only the facts
	// Strip keeps (or nothing but File, before its first parse).
	Stripped bool `json:"-"`
	// HasFacts is set once a streamed dashboard holds at least the facts
	// Strip keeps (FillFacts, Fill).
	HasFacts bool `json:"-"`
}

// RefShape is how a datasource reference is written.
type RefShape string

// Reference shapes.
const (
	RefString RefShape = "string" // legacy name (or variable) string
	RefObject RefShape = "object" // {"type": ..., "uid": ...}
	RefNull   RefShape = "null"   // null: the default datasource
)

// RefPlace is the part of a dashboard a reference sits in.
type RefPlace string

// Reference places.
const (
	PlacePanel      RefPlace = "panel"
	PlaceTarget     RefPlace = "target"
	PlaceAnnotation RefPlace = "annotation"
	PlaceVariable   RefPlace = "variable"
	PlaceElement    RefPlace = "library-element"
	PlaceRow        RefPlace = "row" // a row panel's own datasource (never queried)
)

// DatasourceRef is one datasource reference in a dashboard.
type DatasourceRef struct {
	Place RefPlace `json:"place"`
	Shape RefShape `json:"shape"`
	// Pointer is the JSON pointer of the reference ("/panels/3/targets/0/datasource").
	Pointer string `json:"pointer"`
	// Pos is the position of the reference value (for an object, its "{").
	Pos Pos `json:"pos"`
	// UID and Type are set for object references (and for v2 queries:
	// UID from datasource.name, Type from query.group).
	UID  Str `json:"uid,omitzero"`
	Type Str `json:"type,omitzero"`
	// Name is set for string references.
	Name Str `json:"name,omitzero"`
	// RefID is the target's refId, when the reference is a target's.
	RefID string `json:"refId,omitempty"`
	// InRow is true for references of a row panel or a target left on one.
	InRow bool `json:"inRow,omitempty"`
	// Locator names the reference's place by what it is, never by array
	// index: "panel:12/target:A", "panel:title=CPU", "row:3",
	// "element:<library uid>/target:B", "annotation:Deploys",
	// "variable:ds". Moving or inserting panels keeps it (Pointer
	// changes); fingerprints and baselines use it.
	Locator string `json:"locator,omitempty"`
}

// Variable is one templating variable.
type Variable struct {
	Name Str    `json:"name"`
	Type string `json:"type"`
	// Query is the variable's query as a string (for type "datasource" the
	// plugin type it lists).
	Query Str `json:"query,omitzero"`
	// Current is current.value (first value when multi), Default the
	// first option's value; both may be empty.
	Current Str `json:"current,omitzero"`
	// Regex is the datasource-variable name filter, if any.
	Regex Str `json:"regex,omitzero"`
	// Default is the first saved option's value (first value when multi).
	Default Str `json:"default,omitzero"`
	// QueryRaw is the raw JSON text of Query when it had escapes (see
	// Text).
	QueryRaw string `json:"queryRaw,omitempty"`
	// QueryType is the object form's "qryType" (Prometheus variable editor:
	// 1 label names, 2 label values, 3 metrics, 4 query result, 5 series
	// query, 6 classic query); 0 when absent.
	QueryType int `json:"queryType,omitempty"`
	// Label is the variable's display label.
	Label Str `json:"label,omitzero"`
	// Multi and IncludeAll allow several values and the "All" option;
	// AllValue is the custom all value.
	Multi      bool `json:"multi,omitempty"`
	IncludeAll bool `json:"includeAll,omitempty"`
	AllValue   Str  `json:"allValue,omitzero"`
	// Refresh is when a query variable reloads: 0 never, 1 on dashboard
	// load, 2 on time range change (v2 names mapped to these numbers);
	// RefreshSet says it was written.
	Refresh    int  `json:"refresh,omitempty"`
	RefreshSet bool `json:"refreshSet,omitempty"`
	// Datasource is the variable's datasource reference (also in Refs),
	// nil when absent.
	Datasource *DatasourceRef `json:"-"`
	// Pos is the position of the variable object's "{".
	Pos Pos `json:"pos,omitzero"`
}

// Input is one __inputs entry of an exported dashboard.
type Input struct {
	Name     Str    `json:"name"`
	Type     string `json:"type"`
	PluginID string `json:"pluginId,omitempty"`
}

// ChannelSource says where a Live channel was written.
type ChannelSource string

// Channel sources.
const (
	// ChannelMeasurements: a -- Grafana -- datasource query with
	// queryType "measurements"; the value is a full channel ID.
	ChannelMeasurements ChannelSource = "measurements"
	// ChannelTestData: a TestData query with scenarioId "live"; the value
	// is only a path under plugin/testdata/.
	ChannelTestData ChannelSource = "testdata"
	// ChannelLivePanel: a "live" panel's options.channel {scope, namespace,
	// path}; Value joins them.
	ChannelLivePanel ChannelSource = "live-panel"
	// ChannelNonLive: the channel of a -- Grafana -- datasource query whose
	// queryType is not "measurements" (absent, "randomWalk", a typo …): the
	// datasource runs the query as its type says and ignores the channel.
	ChannelNonLive ChannelSource = "non-live"
)

// Channel is one Live channel written in a dashboard.
type Channel struct {
	Source  ChannelSource `json:"source"`
	Pointer string        `json:"pointer"`
	// Value is the channel as Grafana will see it before variable
	// interpolation (for a live panel, scope/namespace/path joined; Pos is
	// then the scope's position).
	Value Str `json:"value"`
	// Parts holds scope, namespace and path separately for live panels.
	Parts []Str  `json:"parts,omitempty"`
	RefID string `json:"refId,omitempty"`
	// Hidden is true for a query Grafana does not run: a v1 target whose
	// "hide" is truthy (the browser's test), a v2 PanelQuery with
	// "hidden": true (unless its query spec sets "hide" itself). Its
	// channel is never subscribed. Live panel channels are never hidden.
	Hidden bool `json:"hidden,omitempty"`
	// QueryType is the query's "queryType" as written (with its position)
	// for ChannelNonLive channels; unset when the query has none.
	QueryType Str `json:"queryType,omitzero"`
	// Locator names the channel's place as DatasourceRef.Locator does
	// ("panel:4/target:A", "panel:7" for a live panel).
	Locator string `json:"locator,omitempty"`
}
