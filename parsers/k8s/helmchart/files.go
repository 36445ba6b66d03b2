package helmchart

import (
	"fmt"
	"path"

	"gopkg.in/yaml.v3"

	"github.com/grafanalint/grafanalint/parsers/k8s/install"
	"github.com/grafanalint/grafanalint/parsers/k8s/manifest"
	"github.com/grafanalint/grafanalint/parsers/k8s/srcmap"
	"github.com/grafanalint/grafanalint/parsers/k8s/subst"
	"github.com/grafanalint/grafanalint/parsers/model"
)

// block returns the text the chart writes for a values subtree (toYaml of
// it) mapped to where it is written; tpl'd text has its {{ … }} masked.
func block(w view, tpl bool) *srcmap.Text {
	n, v := w.top()
	if n == nil || v == nil {
		return nil
	}
	t := srcmap.Block(v.Src, n)
	if tpl {
		t = t.WithString(subst.MaskHelm(t.String()))
	}
	return t
}

// provisioning renders "datasources" and "dashboardProviders"
// (templates/_config.tpl): each key is a file of the config ConfigMap
// holding toYaml of its value (tpl'd for datasources; a datasources entry
// with a "secret" key is written from that key into the config Secret
// instead, configSecret.yaml), mounted with subPath at
// <provisioning>/datasources/<key> and <provisioning>/dashboards/<key>
// (_pod.tpl).
func (r *renderer) provisioning() {
	for _, spec := range []struct{ field, dir string }{{"datasources", "datasources"}, {"dashboardProviders", "dashboards"}} {
		m := r.w.get(spec.field)
		for _, key := range m.keys() {
			val := m.get(key)
			if !val.isMap() {
				continue
			}
			owner := "values " + spec.field + "." + key
			src := val
			if spec.field == "datasources" && val.get("secret").set() {
				src = val.get("secret")
				owner += ".secret"
			}
			t := block(src, spec.field == "datasources")
			if t == nil {
				continue
			}
			kn, kv := m.keyNode(key)
			f := &install.File{Name: key, Virtual: r.opts.Virtual + spec.field + "/" + key, Text: t, Owner: owner, Pos: keyPos(kn, kv)}
			target := path.Join(r.in.ProvisioningPath, spec.dir, key)
			r.in.Mounts = append(r.in.Mounts, &install.Mount{Target: target, File: f, Pos: f.Pos})
		}
	}
}

func keyPos(kn *yaml.Node, v *manifest.Values) model.Pos {
	if kn == nil || v == nil {
		return model.Pos{}
	}
	return v.Pos(kn)
}

// dashboards renders "dashboards" and "dashboardsConfigMaps":
//   - json and file dashboards go into the ConfigMap
//     <fullname>-dashboards-<provider> as <name>.json
//     (dashboards-json-configmap.yaml) and are mounted with subPath at
//     /var/lib/grafana/dashboards/<provider>/<name>.json (_pod.tpl),
//     whatever path the provider has;
//   - gnetId and url dashboards are downloaded by the download-dashboards
//     init container to <path of the provider named <provider> in
//     dashboardProviders["dashboardproviders.yaml"]>/<name>.json, else
//     /var/lib/grafana/dashboards/<provider>/<name>.json (_config.tpl
//     download_dashboards.sh): their content is unknown;
//   - dashboardsConfigMaps mounts ConfigMap <name> at
//     /var/lib/grafana/dashboards/<provider> (_pod.tpl).
func (r *renderer) dashboards() {
	ds := r.w.get("dashboards")
	providerPath := map[string]string{}
	provs := r.w.path("dashboardProviders", "dashboardproviders.yaml", "providers")
	if n, _ := provs.top(); n != nil && n.Kind == yaml.SequenceNode {
		for _, p := range n.Content {
			name := manifest.Get(p, "name")
			pp := manifest.Path(p, "options", "path")
			if name != nil && pp != nil {
				providerPath[name.Value] = pp.Value
			}
		}
	}
	for _, prov := range ds.keys() {
		pv := ds.get(prov)
		for _, name := range pv.keys() {
			d := pv.get(name)
			kn, kv := pv.keyNode(name)
			pos := keyPos(kn, kv)
			switch {
			case d.get("json").set() || d.get("file").set():
				f := &install.File{Name: name + ".json", Virtual: r.opts.Virtual + "dashboards/" + prov + "/" + name + ".json", Owner: "values dashboards." + prov + "." + name, Pos: pos}
				if j := d.get("json"); j.set() {
					n, _ := j.top()
					if n.Kind == yaml.ScalarNode {
						f.Text = j.text(r.anchor)
					} else {
						p := model.Problem{Kind: model.ProblemSyntax, Pos: j.pos(pos),
							Message: fmt.Sprintf("dashboards.%s.%s.json is a YAML %s, not a string: the chart writes it with {{ $value.json }}, which prints Go's map syntax, not JSON; write the dashboard as a block string (json: |)", prov, name, kindName(n))}
						f.Problem = &p
					}
				} else {
					file := d.get("file").str()
					if r.opts.ChartDir != "" {
						f.Disk = path.Join(r.opts.ChartDir, file)
					} else {
						f.Unknown = fmt.Sprintf("read from %q inside the chart, which is not in the repository", file)
					}
				}
				target := "/var/lib/grafana/dashboards/" + prov + "/" + name + ".json"
				r.in.Mounts = append(r.in.Mounts, &install.Mount{Target: target, File: f, Pos: pos})
			case d.get("gnetId").set() || d.get("url").set():
				dir := providerPath[prov]
				if dir == "" {
					dir = "/var/lib/grafana/dashboards/" + prov
				}
				src := d.get("url").strOf(pos)
				if !src.IsSet() {
					src = d.get("gnetId").strOf(pos)
					src.V = "grafana.com dashboard " + src.V
				}
				r.in.Downloads = append(r.in.Downloads, &install.Download{Provider: prov, Name: name, Target: path.Join(dir, name+".json"), Source: src, Pos: pos})
			}
		}
	}
	cms := r.w.get("dashboardsConfigMaps")
	for _, prov := range cms.keys() {
		name := cms.get(prov).strOf(r.anchorPos())
		if name.V == "" {
			continue
		}
		r.in.DashboardConfigMaps = append(r.in.DashboardConfigMaps, &install.ConfigMapRef{Name: name, Target: "/var/lib/grafana/dashboards/" + prov, Pos: name.Pos})
	}
}

func kindName(n *yaml.Node) string {
	switch n.Kind {
	case yaml.MappingNode:
		return "mapping"
	case yaml.SequenceNode:
		return "list"
	}
	return "value"
}
