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
}

// Datasource is one entry of a provisioning file's datasources list.
type Datasource struct {
	File string `json:"file"`
	// Pos is the position of the list entry (its first key).
	Pos  Pos `json:"pos"`
	Name Str `json:"name"`
	Type Str `json:"type"`
	UID  Str `json:"uid"`
	// UIDDerived is true when the file gives no uid and UID holds Grafana's
	// name-derived one ("P" + 16 hex digits); UID.Pos is then the name's.
	UIDDerived   bool `json:"uidDerived,omitempty"`
	OrgID        int  `json:"orgId"`
	OrgIDPos     Pos  `json:"orgIdPos,omitzero"`
	Access       Str  `json:"access,omitzero"`
	URL          Str  `json:"url,omitzero"`
	IsDefault    bool `json:"isDefault,omitempty"`
	IsDefaultPos Pos  `json:"isDefaultPos,omitzero"`
	// NameDynamic / UIDDynamic: the value contains provisioning
	// interpolation ($VAR, ${VAR}, $__env{}, $__file{}, $__vault{}), so the
	// real value is known only at deploy time.
	NameDynamic bool `json:"nameDynamic,omitempty"`
	UIDDynamic  bool `json:"uidDynamic,omitempty"`
	// Links are references to other datasources' UIDs inside jsonData
	// (derivedFields[].datasourceUid, tracesToLogsV2.datasourceUid, ...).
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
	Path    string `json:"path"`
	Key     Str    `json:"key"`
	Value   Str    `json:"value"`
	Dynamic bool   `json:"dynamic,omitempty"`
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
	Path       string      `json:"path"`
	APIVersion int         `json:"apiVersion"`
	Providers  []*Provider `json:"providers"`
}

// Provider is one dashboard provider.
type Provider struct {
	File   string `json:"file"`
	Pos    Pos    `json:"pos"`
	Name   Str    `json:"name"`
	Type   Str    `json:"type,omitzero"`
	OrgID  int    `json:"orgId"`
	Folder Str    `json:"folder,omitzero"`
	// Path is options.path: a directory or a single file, as written (a path
	// inside the Grafana container, usually).
	Path                      Str     `json:"path"`
	PathDynamic               bool    `json:"pathDynamic,omitempty"`
	FoldersFromFilesStructure bool    `json:"foldersFromFilesStructure,omitempty"`
	Fields                    []Field `json:"-"`
}
