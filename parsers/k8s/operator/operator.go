// Package operator reads grafana-operator v5 custom resources
// (grafana.integreatly.org/v1beta1; grafana/grafana-operator api/v1beta1)
// as the operator applies them: a Grafana's spec.config becomes the
// grafana.ini the operator writes (controllers/config/grafana_ini.go
// SetDefaults and WriteIni); a GrafanaDatasource is created through
// Grafana's HTTP API with UID spec.uid, else spec.datasource.uid, else the
// object's Kubernetes UID (GetGrafanaUID) — never one derived from its
// name; a GrafanaDashboard's model comes from json, gzipJson, url,
// grafanaCom, configMapRef (or jsonnet), with every "${inputName}" of
// spec.datasources replaced by the datasource's name
// (controllers/content/resolver.go resolveDatasources) and its UID from
// spec.uid, else the model, else the object (content/uid.go). Resources
// reach the Grafanas whose labels their spec.instanceSelector matches, in
// their own namespace unless allowCrossNamespaceImport.
package operator

import (
	"bytes"
	"compress/gzip"
	"encoding/base64"
	"fmt"
	"io"
	"sort"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/grafanalint/grafanalint/parsers/k8s/install"
	"github.com/grafanalint/grafanalint/parsers/k8s/manifest"
	"github.com/grafanalint/grafanalint/parsers/k8s/srcmap"
	"github.com/grafanalint/grafanalint/parsers/model"
)

// Group is the operator's API group.
const Group = "grafana.integreatly.org"

// Is reports whether o is a grafana-operator resource.
func Is(o *manifest.Object) bool { return strings.HasPrefix(o.APIVersion, Group+"/") }

// Selector is a label selector (instanceSelector).
type Selector struct {
	MatchLabels map[string]string
	// Expressions is set when matchExpressions are used: they are not
	// evaluated, and the selector is taken to match.
	Expressions bool
	Pos         model.Pos
}

// Matches reports whether labels satisfy s.
func (s Selector) Matches(labels map[string]string) bool {
	for k, v := range s.MatchLabels {
		if labels[k] != v {
			return false
		}
	}
	return true
}

// Resource is what a GrafanaDatasource or GrafanaDashboard says about where
// it goes.
type Resource struct {
	Object    *manifest.Object
	Selector  Selector
	CrossNS   bool
	Namespace string
}

// Datasource is a GrafanaDatasource.
type Datasource struct {
	Resource
	// File holds the one datasource, as the model's datasource files do;
	// it is marked as created through the API.
	File     *model.DatasourceFile
	Problems []model.Problem
	Ignores  []model.Ignore
}

// Dashboard is a GrafanaDashboard.
type Dashboard struct {
	Resource
	// File is the model's content: Text for json and gzipJson, Unknown
	// for url, grafanaCom and jsonnet; nil for configMapRef until the
	// assembly step finds the ConfigMap.
	File *install.File
	// ConfigMap and Key name a configMapRef.
	ConfigMap, Key string
	// Inputs maps spec.datasources inputName to datasourceName.
	Inputs []Input
	// UID is spec.uid.
	UID model.Str
}

// Input is one spec.datasources entry.
type Input struct {
	Name, Datasource string
	Pos              model.Pos
}

// Folder is a GrafanaFolder.
type Folder struct {
	Resource
	Title model.Str
}

func resource(o *manifest.Object) Resource {
	spec := manifest.Get(o.Node, "spec")
	r := Resource{Object: o, Namespace: o.Namespace.V}
	r.CrossNS, _ = manifest.Bool(manifest.Get(spec, "allowCrossNamespaceImport"))
	sel := manifest.Get(spec, "instanceSelector")
	r.Selector.Pos = o.Pos(sel)
	if ml := manifest.Get(sel, "matchLabels"); ml != nil && ml.Kind == yaml.MappingNode {
		r.Selector.MatchLabels = map[string]string{}
		for i := 0; i+1 < len(ml.Content); i += 2 {
			r.Selector.MatchLabels[ml.Content[i].Value] = ml.Content[i+1].Value
		}
	}
	if me := manifest.Get(sel, "matchExpressions"); me != nil {
		r.Selector.Expressions = true
	}
	return r
}

// virtual returns the display path prefix of an object's embedded files.
func virtual(o *manifest.Object) string {
	return o.Src.Path + "#" + o.Kind.V + "/" + o.Name.V + "/"
}

// ReadDatasource reads a GrafanaDatasource.
func ReadDatasource(o *manifest.Object) *Datasource {
	d := &Datasource{Resource: resource(o)}
	spec := manifest.Get(o.Node, "spec")
	dsn := manifest.Get(spec, "datasource")
	vpath := virtual(o) + "datasource"
	if dsn == nil || dsn.Kind != yaml.MappingNode {
		d.File = &model.DatasourceFile{Path: vpath, APIVersion: 1, Datasources: []*model.Datasource{}, ManagedBy: "grafana-operator"}
		return d
	}
	// The datasource mapping, read as one entry of a provisioning file
	// so that links and secrets are found as for provisioned ones.
	src := o.Src
	var b srcmap.Builder
	off := src.Offset(dsn.Line, dsn.Column)
	b.Point("apiVersion: 1\ndatasources:\n- ", src, off, off)
	blk := srcmap.Block(src, dsn)
	lines := strings.SplitAfter(blk.String(), "\n")
	at := 0
	for i, l := range lines {
		if l == "" {
			continue
		}
		if i > 0 {
			b.Point("  ", src, off, off)
		}
		b.Append(blk.Slice(at, at+len(l)))
		at += len(l)
	}
	p := install.Parse(model.KindDatasources, vpath, b.Text())
	d.File, d.Problems, d.Ignores = p.DS, p.Problems, p.Ignores
	if d.File == nil {
		d.File = &model.DatasourceFile{Path: vpath, APIVersion: 1, Datasources: []*model.Datasource{}}
	}
	d.File.ManagedBy = "grafana-operator"
	d.File.APIVersionPos = model.Pos{}
	for _, ds := range d.File.Datasources {
		// UID: spec.uid, else spec.datasource.uid, else metadata.uid.
		if cu := manifest.Get(spec, "uid"); cu != nil && cu.Value != "" {
			ds.UID = manifest.ScalarStr(src, nil, cu)
			ds.UIDDerived, ds.UIDDynamic = false, false
		} else if !ds.UID.IsSet() || ds.UIDDerived {
			ds.UID = model.Str{}
			ds.UIDDerived = false
			ds.UIDDynamic = true // the object's Kubernetes UID, assigned by the API server
		}
		// orgId is deprecated and has no effect: the operator creates the
		// datasource in the organisation its client logs in to.
		ds.OrgID, ds.OrgIDPos, ds.OrgIDDynamic = 1, model.Pos{}, false
	}
	return d
}

// ReadDashboard reads a GrafanaDashboard.
func ReadDashboard(o *manifest.Object) *Dashboard {
	d := &Dashboard{Resource: resource(o)}
	spec := manifest.Get(o.Node, "spec")
	d.UID = manifest.ScalarStr(o.Src, nil, manifest.Get(spec, "uid"))
	if ins := manifest.Get(spec, "datasources"); ins != nil && ins.Kind == yaml.SequenceNode {
		for _, in := range ins.Content {
			name, ds := manifest.Get(in, "inputName"), manifest.Get(in, "datasourceName")
			if name == nil || ds == nil || name.Value == "" || ds.Value == "" {
				continue
			}
			d.Inputs = append(d.Inputs, Input{Name: name.Value, Datasource: ds.Value, Pos: o.Pos(ds)})
		}
	}
	vpath := virtual(o) + "dashboard.json"
	f := &install.File{Name: o.Name.V + ".json", Virtual: vpath, Owner: "GrafanaDashboard \"" + o.Name.V + "\"", Pos: o.Pos(o.Node)}
	switch {
	case manifest.Get(spec, "json") != nil:
		n := manifest.Get(spec, "json")
		f.Pos = o.Pos(n)
		f.Text = d.substitute(srcmap.Scalar(o.Src, n))
	case manifest.Get(spec, "gzipJson") != nil:
		n := manifest.Get(spec, "gzipJson")
		f.Pos = o.Pos(n)
		raw := srcmap.Scalar(o.Src, n)
		start, end := raw.Span()
		s, err := gunzip(n.Value)
		if err != nil {
			p := model.Problem{Kind: model.ProblemSyntax, Pos: start, End: end, Message: "spec.gzipJson is not base64-encoded gzip: " + err.Error() + "; the operator cannot read the dashboard"}
			f.Problem = &p
		} else {
			f.Text = d.substitute(srcmap.Point(s, o.Src, o.Src.Offset(start.Line, start.Col), o.Src.Offset(end.Line, end.Col)))
		}
	case manifest.Get(spec, "configMapRef") != nil:
		ref := manifest.Get(spec, "configMapRef")
		d.ConfigMap, d.Key = val(manifest.Get(ref, "name")), val(manifest.Get(ref, "key"))
		f.Pos = o.Pos(ref)
		f.Unknown = fmt.Sprintf("read from key %q of ConfigMap %q, which is not in the repository", d.Key, d.ConfigMap)
	case manifest.Get(spec, "url") != nil:
		f.Pos = o.Pos(manifest.Get(spec, "url"))
		f.Unknown = "downloaded from " + manifest.Get(spec, "url").Value + " by the operator"
	case manifest.Get(spec, "grafanaCom") != nil:
		gc := manifest.Get(spec, "grafanaCom")
		f.Pos = o.Pos(gc)
		f.Unknown = "downloaded from grafana.com (dashboard " + val(manifest.Get(gc, "id")) + ") by the operator"
	case manifest.Get(spec, "jsonnet") != nil || manifest.Get(spec, "jsonnetLib") != nil:
		f.Unknown = "built from jsonnet by the operator"
	default:
		f.Unknown = "no model (json, gzipJson, url, grafanaCom, configMapRef or jsonnet)"
	}
	d.File = f
	return d
}

// Substitute applies spec.datasources to a model read from elsewhere
// (a configMapRef's ConfigMap).
func (d *Dashboard) Substitute(t *srcmap.Text) *srcmap.Text { return d.substitute(t) }

// substitute replaces every "${inputName}" with the datasource name, as
// resolveDatasources does (bytes.ReplaceAll, inputs in order); the
// replacement maps to the text it replaces.
func (d *Dashboard) substitute(t *srcmap.Text) *srcmap.Text {
	for _, in := range d.Inputs {
		needle := "${" + in.Name + "}"
		if !strings.Contains(t.String(), needle) {
			continue
		}
		var b srcmap.Builder
		at := 0
		for {
			i := strings.Index(t.String()[at:], needle)
			if i < 0 {
				b.Append(t.Slice(at, len(t.String())))
				break
			}
			i += at
			b.Append(t.Slice(at, i))
			b.Append(t.Slice(i, i+len(needle)).Replace(in.Datasource))
			at = i + len(needle)
		}
		t = b.Text()
	}
	return t
}

func gunzip(b64 string) (string, error) {
	raw, err := base64.StdEncoding.DecodeString(strings.Join(strings.Fields(b64), ""))
	if err != nil {
		return "", err
	}
	zr, err := gzip.NewReader(bytes.NewReader(raw))
	if err != nil {
		return "", err
	}
	out, err := io.ReadAll(io.LimitReader(zr, 64<<20))
	if err != nil {
		return "", err
	}
	return string(out), nil
}

// ReadFolder reads a GrafanaFolder.
func ReadFolder(o *manifest.Object) *Folder {
	spec := manifest.Get(o.Node, "spec")
	f := &Folder{Resource: resource(o), Title: manifest.ScalarStr(o.Src, nil, manifest.Get(spec, "title"))}
	if !f.Title.IsSet() {
		f.Title = o.Name
	}
	return f
}

func val(n *yaml.Node) string {
	if n == nil {
		return ""
	}
	return n.Value
}

// sortedKeys returns a map's keys in order.
func sortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
