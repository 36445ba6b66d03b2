package provisioning

import (
	"bytes"
	"regexp"

	"github.com/grafanalint/grafanalint/parsers/model"
	"gopkg.in/yaml.v3"
)

// Sniff tells from its content whether a YAML document is datasource
// provisioning (model.KindDatasources), dashboard provisioning
// (model.KindProviders) or neither (""):
//
//   - datasources: a top-level mapping with a "datasources",
//     "deleteDatasources" or "delete_datasources" list (or a null
//     "datasources" next to apiVersion);
//   - dashboards: a top-level mapping with a "providers" list whose items
//     look like providers (options, type, folder, …), or the legacy
//     top-level list of providers (an item with an options mapping holding
//     path or folder);
//   - anything else is "": compose files, Kubernetes manifests, alerting
//     and plugin provisioning ("apps"), a file holding only "apiVersion: 1".
//
// A document that does not parse is classified by its top-level keys, so
// that a broken provisioning file is still reported. Text that names none
// of the keys above is rejected without parsing.
func Sniff(src []byte) model.Kind {
	kind, _ := sniff(src)
	return kind
}

// Parse sniffs src and parses it with the matching parser, reading the YAML
// once. It returns the kind and the file of that kind (the other is nil);
// for kind "" both are nil and no problems are returned.
func Parse(path string, src []byte) (model.Kind, *model.DatasourceFile, *model.ProviderFile, []model.Problem) {
	kind, root := sniff(src)
	if kind == "" {
		return "", nil, nil, nil
	}
	s := newSource(path, src)
	if root == nil {
		// Parse again only to build the problem (or an empty file).
		var prob *model.Problem
		root, prob = parseYAML(s)
		if prob != nil {
			if kind == model.KindDatasources {
				return kind, &model.DatasourceFile{Path: path, Datasources: []*model.Datasource{}}, nil, []model.Problem{*prob}
			}
			return kind, nil, &model.ProviderFile{Path: path, Providers: []*model.Provider{}}, []model.Problem{*prob}
		}
	}
	if kind == model.KindDatasources {
		f, probs := buildDatasources(s, root)
		return kind, f, nil, probs
	}
	f, probs := buildProviders(s, root)
	return kind, nil, f, probs
}

var sniffWords = [][]byte{[]byte("datasources"), []byte("Datasources"), []byte("delete_datasources"), []byte("providers"), []byte("options"), []byte("folder")}

var (
	textDatasources = regexp.MustCompile(`(?m)^["']?(datasources|deleteDatasources|delete_datasources)["']?[ \t]*:`)
	textProviders   = regexp.MustCompile(`(?m)^["']?providers["']?[ \t]*:`)
)

// sniff classifies src and returns the parsed root when it parsed.
func sniff(src []byte) (model.Kind, *yaml.Node) {
	found := false
	for _, w := range sniffWords {
		if bytes.Contains(src, w) {
			found = true
			break
		}
	}
	if !found {
		return "", nil
	}
	var doc yaml.Node
	if err := unmarshal(src, &doc); err != nil {
		switch {
		case textDatasources.Match(src):
			return model.KindDatasources, nil
		case textProviders.Match(src):
			return model.KindProviders, nil
		}
		return "", nil
	}
	if doc.Kind != yaml.DocumentNode || len(doc.Content) == 0 {
		return "", nil
	}
	root := doc.Content[0]
	switch root.Kind {
	case yaml.MappingNode:
		return sniffMapping(root), root
	case yaml.SequenceNode:
		for _, item := range root.Content {
			if item = deref(item); item.Kind == yaml.MappingNode && looksLikeV0Provider(item) {
				return model.KindProviders, root
			}
		}
	}
	return "", root
}

// deref follows one alias (enough for sniffing; cycles are impossible
// through a single step).
func deref(n *yaml.Node) *yaml.Node {
	if n.Kind == yaml.AliasNode && n.Alias != nil {
		return n.Alias
	}
	return n
}

// field returns the value of key in mapping m (nil when absent).
func field(m *yaml.Node, key string) *yaml.Node {
	for i := 0; i+1 < len(m.Content); i += 2 {
		if k := deref(m.Content[i]); k.Kind == yaml.ScalarNode && k.Value == key {
			return deref(m.Content[i+1])
		}
	}
	return nil
}

func sniffMapping(m *yaml.Node) model.Kind {
	isList := func(n *yaml.Node) bool { return n != nil && n.Kind == yaml.SequenceNode }
	ds := field(m, "datasources")
	if isList(ds) || isList(field(m, "deleteDatasources")) || isList(field(m, "delete_datasources")) ||
		ds != nil && isNull(ds) && field(m, "apiVersion") != nil {
		return model.KindDatasources
	}
	providers := field(m, "providers")
	if !isList(providers) {
		return ""
	}
	if len(providers.Content) == 0 && field(m, "apiVersion") != nil {
		return model.KindProviders
	}
	for _, item := range providers.Content {
		if item = deref(item); item.Kind != yaml.MappingNode {
			continue
		}
		for _, k := range []string{"options", "folder", "folderUid", "updateIntervalSeconds", "disableDeletion", "allowUiUpdates"} {
			if field(item, k) != nil {
				return model.KindProviders
			}
		}
		if t := field(item, "type"); t != nil && t.Kind == yaml.ScalarNode && t.Value == "file" {
			return model.KindProviders
		}
	}
	return ""
}

// looksLikeV0Provider reports whether an item of a top-level list is a
// legacy dashboard provider.
func looksLikeV0Provider(item *yaml.Node) bool {
	o := field(item, "options")
	return o != nil && o.Kind == yaml.MappingNode && (field(o, "path") != nil || field(o, "folder") != nil)
}
