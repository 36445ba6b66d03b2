package provisioning

import (
	"fmt"

	"github.com/grafanalint/grafanalint/parsers/model"
	"gopkg.in/yaml.v3"
)

// ParseProviders reads a dashboard provisioning file
// (<provisioning>/dashboards/*.yaml) as Grafana does.
//
// A file whose apiVersion decodes to an integer above 0 is read as
// apiVersion 1: a mapping with a "providers" list, values interpolated. Any
// other file is the legacy v0 format: a top-level list of providers with
// org_id, no interpolation. Grafana ignores an apiVersion that does not
// decode (so `apiVersion: "1"` means v0). A mapping read as v0 cannot be
// decoded by Grafana: that is an issue, and its providers are still read
// as apiVersion 1 so that the rest of the stack can be checked.
//
// The path of a provider is options.path when it is a string, else the
// deprecated options.folder (Provider.PathFromFolder).
func ParseProviders(path string, src []byte) (*model.ProviderFile, []model.Problem) {
	s := newSource(path, src)
	root, prob := parseYAML(s)
	if prob != nil {
		return &model.ProviderFile{Path: path, Providers: []*model.Provider{}}, []model.Problem{*prob}
	}
	return buildProviders(s, root)
}

// Keys of dashboard providers, by the apiVersion 1 name, with their legacy
// names.
var providerKeys = []struct{ v1, v0 string }{
	{"name", "name"},
	{"type", "type"},
	{"orgId", "org_id"},
	{"folder", "folder"},
	{"folderUid", "folderUid"},
	{"editable", "editable"},
	{"options", "options"},
	{"disableDeletion", "disableDeletion"},
	{"updateIntervalSeconds", "updateIntervalSeconds"},
	{"allowUiUpdates", "allowUiUpdates"},
}

func buildProviders(s *source, root *yaml.Node) (f *model.ProviderFile, probs []model.Problem) {
	f = &model.ProviderFile{Path: s.path, Providers: []*model.Provider{}}
	if root == nil {
		return f, nil
	}
	w := newWalker(s, root)
	t := typed{w: w, what: "dashboard"}
	defer func() { probs, f.Issues = w.finish() }()
	r := w.resolve(root)
	if isNull(r) {
		return f, w.problems
	}
	var items []*yaml.Node
	switch r.Kind {
	case yaml.SequenceNode:
		items = w.list(t, "providers", r)
	case yaml.MappingNode:
		w.push(r)
		defer w.pop(r)
		entries := w.entries(r, true)
		for _, e := range entries {
			if e.key != nil && e.key.Kind == yaml.ScalarNode {
				f.Keys = append(f.Keys, w.str(e.key))
			}
		}
		f.APIVersion, f.APIVersionPos, w.v1 = apiVersion(w, t, entries, false)
		if !w.v1 {
			w.issue(r, "a dashboard provisioning file without an integer \"apiVersion\" above 0 is read as the legacy format, a top-level list of providers, which this file is not; add \"apiVersion: 1\"; %s", t.fail())
			w.v1 = true
		}
		for _, e := range entries {
			if e.name() == "providers" {
				items = append(items, w.list(t, "providers", e.val)...)
			}
		}
	default:
		w.issue(r, "a dashboard provisioning file must be a mapping with \"apiVersion\" and \"providers\", not %s; %s", shapeName(r), t.fail())
		return f, w.problems
	}
	seen := map[string]bool{}
	for _, item := range items {
		p := parseProvider(w, t, item)
		if seen[p.Name.V] {
			at := p.Name.Pos
			if !at.IsValid() {
				at = p.Pos
			}
			w.issues = append(w.issues, model.Problem{
				Kind:    model.ProblemShape,
				Message: fmt.Sprintf("dashboard provider name %q is used twice in this file; %s", p.Name.V, t.fail()),
				Pos:     at,
				End:     p.Name.End,
			})
		}
		seen[p.Name.V] = true
		f.Providers = append(f.Providers, p)
	}
	return f, w.problems
}

func parseProvider(w *walker, t typed, n *yaml.Node) *model.Provider {
	p := &model.Provider{File: w.path, Pos: w.nodePos(n), OrgID: 1, UpdateIntervalSeconds: 10}
	w.push(n)
	defer w.pop(n)
	for _, e := range w.entries(n, true) {
		if e.key == nil || e.key.Kind != yaml.ScalarNode {
			continue
		}
		name, known := canon(providerKeys, e.name(), w.v1)
		w.leaves(&p.Fields, name, w.str(e.key), e.val, leafOpts{ignored: !known, interpolated: w.v1})
		if !known {
			continue
		}
		switch name {
		case "name":
			p.Name, _ = t.str(name, e.val)
			p.NameDynamic = w.v1 && IsDynamic(p.Name.V)
		case "type":
			if s, ok := t.str(name, e.val); ok && s.V != "" {
				p.Type = s
			}
		case "folder":
			p.Folder, _ = t.str(name, e.val)
		case "folderUid":
			p.FolderUID, _ = t.str(name, e.val)
		case "orgId":
			if v, s, dyn, ok := t.integer(name, e.val); ok {
				p.OrgIDPos = s.Pos
				if !dyn && v != 0 {
					p.OrgID = int(v)
				}
			}
		case "updateIntervalSeconds":
			if v, _, dyn, ok := t.integer(name, e.val); ok && !dyn && v != 0 {
				p.UpdateIntervalSeconds = int(v)
			}
		case "disableDeletion":
			p.DisableDeletion, _, _, _ = t.boolean(name, e.val)
		case "allowUiUpdates":
			p.AllowUIUpdates, _, _, _ = t.boolean(name, e.val)
		case "editable":
			t.boolean(name, e.val)
		case "options":
			parseOptions(w, t, p, e.val)
		}
	}
	if p.Type.V == "" {
		p.Type = model.Str{V: "file"}
	}
	return p
}

// parseOptions reads options.path (or the deprecated options.folder) and
// options.foldersFromFilesStructure as Grafana's file reader does: the
// path must decode to a string, the flag to a boolean; anything else is
// not used.
func parseOptions(w *walker, t typed, p *model.Provider, v *yaml.Node) {
	r := w.resolve(v)
	if isNull(r) {
		return
	}
	if r.Kind != yaml.MappingNode {
		w.issue(r, "\"options\" must be a mapping, not %s; %s", shapeName(r), t.fail())
		return
	}
	w.push(r)
	defer w.pop(r)
	var pathNode, folderNode *yaml.Node
	for _, e := range w.entries(r, true) {
		switch e.name() {
		case "path":
			pathNode = w.resolve(e.val)
		case "folder":
			folderNode = w.resolve(e.val)
		case "foldersFromFilesStructure":
			fv := w.resolve(e.val)
			if isNull(fv) {
				continue
			}
			var x any
			_ = fv.Decode(&x)
			b, ok := x.(bool)
			if !ok {
				w.issue(fv, "\"foldersFromFilesStructure\" must be true or false, not %s; Grafana ignores any other value and uses false", shapeName(fv))
			}
			p.FoldersFromFilesStructure = b
		}
	}
	isString := func(n *yaml.Node) bool {
		return n != nil && n.Kind == yaml.ScalarNode && (n.ShortTag() == "!!str" || n.ShortTag() == "!!binary")
	}
	switch {
	case isString(pathNode):
		p.Path, _ = t.str("path", pathNode)
	case isString(folderNode):
		p.Path, _ = t.str("folder", folderNode)
		p.PathFromFolder = true
	case pathNode != nil && !isNull(pathNode):
		w.issue(pathNode, "\"options.path\" must be a string, not %s; %s", shapeName(pathNode), t.fail())
	case folderNode != nil && !isNull(folderNode):
		w.issue(folderNode, "\"options.folder\" must be a string, not %s; %s", shapeName(folderNode), t.fail())
	}
	p.PathDynamic = w.v1 && IsDynamic(p.Path.V)
}
