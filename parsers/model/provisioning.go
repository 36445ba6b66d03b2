package model

// DatasourceFile is one datasource provisioning file
// (<provisioning>/datasources/*.yaml).
type DatasourceFile struct {
	Path string `json:"path"`
	// APIVersion is 0 for the legacy format without apiVersion.
	APIVersion    int                 `json:"apiVersion"`
	APIVersionPos Pos                 `json:"apiVersionPos,omitzero"`
	Datasources   []*Datasource       `json:"datasources"`
	Deletes       []*DatasourceDelete `json:"deleteDatasources,omitempty"`
	Prune         bool                `json:"prune,omitempty"`
	// Entries holds every top-level key with its position.
	Keys []Str `json:"-"`
	// Issues are shape problems Grafana's decoder rejects (datasources is
	// not a list, orgId is not an integer, isDefault is not a boolean, …):
	// the YAML is valid, but Grafana refuses the file and with it all
	// datasource provisioning. Each has Kind ProblemShape. YAML syntax errors
	// are not here: the parser returns them as ProblemSyntax.
	Issues []Problem `json:"issues,omitempty"`
	// ManagedBy names what creates these datasources through Grafana's
	// HTTP API instead of file provisioning ("grafana-operator"): checks
	// of provisioning's own rules (one default per org, a name in two
	// files) do not apply to them.
	ManagedBy string `json:"managedBy,omitempty"`
}

// ProblemShape is the Kind of the Issues of provisioning files: a value of
// the wrong type or shape for Grafana's decoder. It is never used in
// File.Problems.
const ProblemShape ProblemKind = "shape"

// Datasource is one entry of a provisioning file's datasources list.
type Datasource struct {
	File string `json:"file"`
	// Pos is the position of the list entry (its first key; the "{" of a
	// flow mapping).
	Pos  Pos `json:"pos"`
	Name Str `json:"name"`
	Type Str `json:"type"`
	UID  Str `json:"uid"`
	// UIDDerived is true when the file gives no uid and UID holds Grafana's
	// name-derived one ("P" + 16 hex digits); UID.Pos is then the name's.
	UIDDerived bool `json:"uidDerived,omitempty"`
	// OrgID is orgId (org_id in v0); 1 when absent or 0, as Grafana
	// defaults it. It is 0 when the entry names its org only by orgName,
	// which Grafana resolves at startup.
	OrgID    int `json:"orgId"`
	OrgIDPos Pos `json:"orgIdPos,omitzero"`
	// OrgIDDynamic: orgId contains provisioning interpolation; OrgID is
	// then 1.
	OrgIDDynamic bool `json:"orgIdDynamic,omitempty"`
	// OrgName is orgName (org_name in v0), if written.
	OrgName Str `json:"orgName,omitzero"`
	Access  Str `json:"access,omitzero"`
	URL     Str `json:"url,omitzero"`
	// IsDefault is the boolean Grafana decodes: strconv.ParseBool of the
	// interpolated value for apiVersion 1, go-yaml's bool decoding (which
	// also takes yes/no/on/off) for the legacy format.
	IsDefault    bool `json:"isDefault,omitempty"`
	IsDefaultPos Pos  `json:"isDefaultPos,omitzero"`
	// IsDefaultDynamic: isDefault contains interpolation; IsDefault is then
	// false.
	IsDefaultDynamic bool `json:"isDefaultDynamic,omitempty"`
	// NameDynamic / UIDDynamic: the value contains provisioning
	// interpolation ($VAR, ${VAR}, $__env{}, $__file{}, $__vault{}), so the
	// real value is known only at deploy time.
	NameDynamic bool `json:"nameDynamic,omitempty"`
	UIDDynamic  bool `json:"uidDynamic,omitempty"`
	// Links are references to other datasources' UIDs inside jsonData
	// (derivedFields[].datasourceUid, tracesToLogsV2.datasourceUid, ...:
	// every key ending in "datasourceUid", any case, and alertmanagerUid)
	// and correlations[].targetUID; empty and null values are not links.
	Links []DatasourceLink `json:"links,omitempty"`
	// Fields holds every scalar leaf of the entry with its dotted path
	// ("jsonData.httpMethod", "secureJsonData.password"), for rules that
	// look at keys the model does not name. Secret values are present
	// here; reporters must never print them.
	Fields []Field `json:"-"`
}

// DatasourceLink is a datasource-to-datasource UID reference.
type DatasourceLink struct {
	// Field is the dotted path of the key, e.g.
	// "jsonData.derivedFields[0].datasourceUid".
	Field   string `json:"field"`
	UID     Str    `json:"uid"`
	Dynamic bool   `json:"dynamic,omitempty"`
}

// Field is one scalar value in a YAML document with its dotted path.
type Field struct {
	// Path uses the apiVersion 1 spelling of the keys Grafana knows
	// ("jsonData.tlsAuth" also for a legacy json_data key), the written
	// spelling otherwise; list items add "[i]".
	Path string `json:"path"`
	// Key is the key as written; for a list item, the key of the list.
	Key Str `json:"key"`
	// Value is the scalar as written (unquoted); "" with no position for a
	// null value.
	Value   Str  `json:"value"`
	Dynamic bool `json:"dynamic,omitempty"`
	// Ignored is true when Grafana does not read the value: an unknown key,
	// or a key of the other format version (uid in a legacy file).
	Ignored bool `json:"ignored,omitempty"`
}

// DatasourceDelete is one deleteDatasources entry.
type DatasourceDelete struct {
	Pos   Pos `json:"pos"`
	Name  Str `json:"name"`
	OrgID int `json:"orgId"`
}

// ProviderFile is one dashboard provisioning file
// (<provisioning>/dashboards/*.yaml).
type ProviderFile struct {
	Path          string      `json:"path"`
	APIVersion    int         `json:"apiVersion"`
	APIVersionPos Pos         `json:"apiVersionPos,omitzero"`
	Providers     []*Provider `json:"providers"`
	// Keys holds every top-level key with its position (none for the
	// legacy top-level list).
	Keys []Str `json:"-"`
	// Issues are shape problems Grafana's decoder rejects (see
	// DatasourceFile.Issues), plus values Grafana silently ignores (a
	// foldersFromFilesStructure that is not a boolean); each has Kind
	// ProblemShape.
	Issues []Problem `json:"issues,omitempty"`
}

// Provider is one dashboard provider.
type Provider struct {
	File string `json:"file"`
	Pos  Pos    `json:"pos"`
	Name Str    `json:"name"`
	// NameDynamic: the name contains provisioning interpolation.
	NameDynamic bool `json:"nameDynamic,omitempty"`
	// Type is the provider type; V is "file" with no position when absent
	// (Grafana's default).
	Type     Str `json:"type,omitzero"`
	OrgID    int `json:"orgId"`
	OrgIDPos Pos `json:"orgIdPos,omitzero"`
	Folder   Str `json:"folder,omitzero"`
	// FolderUID is folderUid, if written.
	FolderUID Str `json:"folderUid,omitzero"`
	// Path is options.path: a directory or a single file, as written (a path
	// inside the Grafana container, usually).
	Path        Str  `json:"path"`
	PathDynamic bool `json:"pathDynamic,omitempty"`
	// PathFromFolder is true when Path comes from the deprecated
	// options.folder because options.path is absent or not a string.
	PathFromFolder            bool `json:"pathFromFolder,omitempty"`
	FoldersFromFilesStructure bool `json:"foldersFromFilesStructure,omitempty"`
	DisableDeletion           bool `json:"disableDeletion,omitempty"`
	AllowUIUpdates            bool `json:"allowUiUpdates,omitempty"`
	// UpdateIntervalSeconds is 10 when absent or 0, as Grafana defaults it.
	UpdateIntervalSeconds int     `json:"updateIntervalSeconds"`
	Fields                []Field `json:"-"`
}
