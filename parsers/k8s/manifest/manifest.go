// Package manifest reads YAML files of Kubernetes deployments into plain
// data: every object (apiVersion + kind) with its metadata and the parts
// grafanalint needs — ConfigMap and Secret data with the text of each key
// mapped back to the file, pod templates (containers, mounts, volumes,
// environment), Ingresses, kustomize generators, Flux and Argo CD objects
// and grafana-operator resources — and Helm values documents (files
// without apiVersion and kind). It reads one file at a time and resolves
// nothing across files: that is the assembly step's job.
package manifest

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"regexp"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/grafanalint/grafanalint/parsers/k8s/srcmap"
	"github.com/grafanalint/grafanalint/parsers/model"
	"github.com/grafanalint/grafanalint/parsers/provisioning"
)

// File is what one YAML file holds.
type File struct {
	Path string
	Src  *srcmap.Source
	// Objects are the Kubernetes objects of the file (items of a List
	// included), in file order.
	Objects []*Object
	// Values are documents without apiVersion and kind: Helm values.
	Values []*Values
	// Problems are syntax errors (a document that does not parse ends
	// the file) and objects of a known kind whose shape is wrong.
	Problems []model.Problem

	// Directive is set when the text outside large block scalars (where
	// YAML comments, and so inline ignores, can be) mentions grafanalint.
	Directive bool

	blocks map[*yaml.Node]*srcmap.Text // large block scalars, decoded
}

// Object is one Kubernetes object.
type Object struct {
	APIVersion string
	Kind       model.Str
	Name       model.Str
	Namespace  model.Str
	// Labels and Annotations map keys to their values (with positions).
	Labels      map[string]model.Str
	Annotations map[string]model.Str
	// Node is the object's mapping node; Src the file it is in.
	Node *yaml.Node
	Src  *srcmap.Source
	// Doc is the index of the YAML document in the file.
	Doc int
	// Virtual, for an object a chart creates (not written in the file),
	// prefixes the display paths of its keys; Generated says what creates
	// it.
	Virtual   string
	Generated string
	// Owner is the release object whose chart creates a virtual object:
	// it lives in the release's namespace.
	Owner *Object

	// Data is the data of a ConfigMap or Secret, one entry per key.
	Data []*Entry
	// Pod is the pod template of a workload (Deployment, StatefulSet,
	// DaemonSet, ReplicaSet, Job, CronJob, Pod).
	Pod *PodSpec
	// Ingress is an Ingress (networking.k8s.io) or Gateway API HTTPRoute.
	Ingress *Ingress
	// Service is a Service.
	Service *Service
	// Release holds the Helm values and chart of a Flux HelmRelease or an
	// Argo CD Application.
	Release *Release
	// Kustomization is a kustomize kustomization.yaml.
	Kustomization *Kustomization
	// Flux is a Flux Kustomization (kustomize.toolkit.fluxcd.io).
	Flux *FluxKustomization
	// OCIRepository is the chart URL of a Flux OCIRepository.
	OCIRepository *OCIRepository
}

// ID is "Kind/namespace/name" (namespace empty when unset).
func (o *Object) ID() string { return o.Kind.V + "/" + o.Namespace.V + "/" + o.Name.V }

// Label returns the value of a label.
func (o *Object) Label(k string) (string, bool) {
	v, ok := o.Labels[k]
	return v.V, ok
}

// Annotation returns the value of an annotation.
func (o *Object) Annotation(k string) (string, bool) {
	v, ok := o.Annotations[k]
	return v.V, ok
}

// Values is a Helm values document.
type Values struct {
	Node *yaml.Node // the document's mapping
	Src  *srcmap.Source
	// Via maps positions of Src to the file the user wrote, when the
	// values are themselves embedded text (an Argo CD helm.values
	// string); nil otherwise.
	Via *srcmap.Text
	// Doc is the index of the YAML document in the file.
	Doc int
}

// Pos returns the position of node n of the values in the file the user
// wrote (for a quoted scalar, its first character inside the quotes).
func (v *Values) Pos(n *yaml.Node) model.Pos {
	return nodePos(v.Src, v.Via, n)
}

func nodePos(src *srcmap.Source, via *srcmap.Text, n *yaml.Node) model.Pos {
	if n == nil {
		return model.Pos{}
	}
	col := n.Column
	if n.Kind == yaml.ScalarNode && n.Style&(yaml.DoubleQuotedStyle|yaml.SingleQuotedStyle) != 0 {
		col++
	}
	off := src.Offset(n.Line, col)
	if via != nil {
		return via.At(off)
	}
	return src.Pos(off)
}

// Parse reads a YAML file.
func Parse(path string, data []byte) *File {
	return parse(path, data, srcmap.NewSource(path, data))
}

// ParseVia reads text derived from the file at path (data, via's text:
// the file after Flux's post-build substitution); positions are the
// file's.
func ParseVia(path string, data []byte, via *srcmap.Text) *File {
	return parse(path, data, srcmap.NewSourceVia(path, data, via))
}

func parse(path string, data []byte, src *srcmap.Source) *File {
	f := &File{Path: path, Src: src}
	scan, blank := blankBlocks(data)
	f.Directive = bytes.Contains(scan, []byte("grafanalint"))
	dec := yaml.NewDecoder(bytes.NewReader(scan))
	for i := 0; ; i++ {
		var doc yaml.Node
		err := decode(dec, &doc)
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			f.Problems = append(f.Problems, f.syntaxError(data, blank, err))
			break
		}
		if len(doc.Content) == 0 {
			continue
		}
		root := doc.Content[0]
		if root.Kind != yaml.MappingNode {
			continue
		}
		if blank != nil && f.blocks == nil {
			f.blocks = map[*yaml.Node]*srcmap.Text{}
		}
		blank.fixLines(&doc)
		f.lazyData(root, blank)
		restoreBlocks(f.Src, root, blank, f.blocks)
		f.document(root, i)
	}
	return f
}

// decode runs dec.Decode with any panic of the library turned into an
// error.
func decode(dec *yaml.Decoder, doc *yaml.Node) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("yaml: internal error: %v", r)
		}
	}()
	return dec.Decode(doc)
}

// syntaxError positions a YAML error of the file as the provisioning
// parser does (the line of the offending token, where yaml.v3 names the
// construct around it), reading the text as written: the error came from
// the text with large block scalars left out.
func (f *File) syntaxError(data []byte, blank *blanked, err error) model.Problem {
	if blank != nil {
		dec := yaml.NewDecoder(bytes.NewReader(data))
		for {
			var doc yaml.Node
			e := decode(dec, &doc)
			if e == nil {
				continue
			}
			if !errors.Is(e, io.EOF) {
				err = e
			}
			break
		}
	}
	p := provisioning.YAMLSyntaxProblem(f.Path, data, err)
	if f.Src.Derived() {
		p.Pos = f.Src.Pos(f.Src.Offset(p.Pos.Line, p.Pos.Col))
		p.End = model.Pos{}
	}
	return p
}

var yamlLine = regexp.MustCompile(`^yaml: line (\d+): `)

func syntaxProblem(path string, err error) model.Problem {
	msg := err.Error()
	line := 1
	if m := yamlLine.FindStringSubmatch(msg); m != nil {
		line, _ = strconv.Atoi(m[1])
		msg = msg[len(m[0]):]
	}
	msg = strings.TrimPrefix(msg, "yaml: ")
	return model.Problem{Kind: model.ProblemSyntax, Message: "invalid YAML: " + msg, Pos: model.Pos{File: path, Line: max(line, 1), Col: 1}}
}

// document reads one top-level mapping.
func (f *File) document(root *yaml.Node, doc int) {
	api, kind := Get(root, "apiVersion"), Get(root, "kind")
	if kind == nil || kind.Kind != yaml.ScalarNode {
		if api == nil {
			f.Values = append(f.Values, &Values{Node: root, Src: f.Src, Doc: doc})
		}
		return
	}
	// Lists: v1 List and *List kinds hold items.
	if items := Get(root, "items"); items != nil && items.Kind == yaml.SequenceNode && strings.HasSuffix(kind.Value, "List") {
		for _, it := range items.Content {
			if it.Kind == yaml.MappingNode && Get(it, "kind") != nil {
				f.object(it, doc)
			}
		}
		return
	}
	f.object(root, doc)
}

func (f *File) object(n *yaml.Node, doc int) {
	o := &Object{Node: n, Src: f.Src, Doc: doc, Kind: f.Str(Get(n, "kind"))}
	if a := Get(n, "apiVersion"); a != nil {
		o.APIVersion = a.Value
	}
	md := Get(n, "metadata")
	o.Name = f.Str(Get(md, "name"))
	o.Namespace = f.Str(Get(md, "namespace"))
	o.Labels = f.StrMap(Get(md, "labels"))
	o.Annotations = f.StrMap(Get(md, "annotations"))
	group := o.APIVersion
	if i := strings.LastIndex(group, "/"); i >= 0 {
		group = group[:i]
	} else {
		group = ""
	}
	switch {
	case group == "" && (o.Kind.V == "ConfigMap" || o.Kind.V == "Secret"):
		o.Data = f.data(o)
	case group == "" && o.Kind.V == "Service":
		o.Service = f.service(n)
	case workloadKinds[o.Kind.V] && (group == "" || group == "apps" || group == "batch" || group == "extensions"):
		o.Pod = f.pod(o)
	case o.Kind.V == "Ingress" && (group == "networking.k8s.io" || group == "extensions"):
		o.Ingress = f.ingress(o)
	case o.Kind.V == "HTTPRoute" && group == "gateway.networking.k8s.io":
		o.Ingress = f.httpRoute(o)
	case o.Kind.V == "HelmRelease" && strings.HasPrefix(group, "helm.toolkit.fluxcd.io"):
		o.Release = f.helmRelease(o)
	case o.Kind.V == "Application" && group == "argoproj.io":
		o.Release = f.argoApplication(o)
	case o.Kind.V == "Kustomization" && group == "kustomize.toolkit.fluxcd.io":
		o.Flux = f.fluxKustomization(o)
	case o.Kind.V == "Kustomization" && (group == "kustomize.config.k8s.io" || group == ""):
		o.Kustomization = f.kustomization(o)
	case o.Kind.V == "OCIRepository" && group == "source.toolkit.fluxcd.io":
		o.OCIRepository = &OCIRepository{URL: f.Str(Get(Get(n, "spec"), "url")), Semver: f.Str(Get(Get(Get(n, "spec"), "ref"), "semver"))}
	}
	f.Objects = append(f.Objects, o)
}

var workloadKinds = map[string]bool{"Deployment": true, "StatefulSet": true, "DaemonSet": true, "ReplicaSet": true, "Job": true, "CronJob": true, "Pod": true, "ReplicationController": true}

// Get returns the value of key in mapping n, or nil.
func Get(n *yaml.Node, key string) *yaml.Node {
	if n == nil || n.Kind != yaml.MappingNode {
		return nil
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		if n.Content[i].Value == key {
			return n.Content[i+1]
		}
	}
	return nil
}

// GetKey returns the key node and the value of key in mapping n.
func GetKey(n *yaml.Node, key string) (k, v *yaml.Node) {
	if n == nil || n.Kind != yaml.MappingNode {
		return nil, nil
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		if n.Content[i].Value == key {
			return n.Content[i], n.Content[i+1]
		}
	}
	return nil, nil
}

// Path returns the node at a path of mapping keys below n.
func Path(n *yaml.Node, keys ...string) *yaml.Node {
	for _, k := range keys {
		n = Get(n, k)
	}
	return n
}

// Str returns a scalar node's value with its position (for a quoted value,
// the first character inside the quotes; End just after the value when it
// is on one line). A missing or non-scalar node gives the zero Str.
func (f *File) Str(n *yaml.Node) model.Str {
	return ScalarStr(f.Src, nil, n)
}

// ScalarStr is File.Str for a node of src whose positions map through via.
func ScalarStr(src *srcmap.Source, via *srcmap.Text, n *yaml.Node) model.Str {
	if n == nil || n.Kind != yaml.ScalarNode || n.Tag == "!!null" {
		return model.Str{}
	}
	t := srcmap.Scalar(src, n)
	s := model.Str{V: n.Value, Pos: t.At(0), End: t.AtEnd(len(t.String()))}
	if n.Value == "" {
		s.End = model.Pos{}
	}
	if via != nil {
		s.Pos, s.End = via.At(src.Offset(s.Pos.Line, s.Pos.Col)), via.AtEnd(src.Offset(s.End.Line, s.End.Col))
		if n.Value == "" {
			s.End = model.Pos{}
		}
	}
	return s
}

// StrMap reads a mapping of scalars.
func (f *File) StrMap(n *yaml.Node) map[string]model.Str {
	if n == nil || n.Kind != yaml.MappingNode {
		return nil
	}
	out := map[string]model.Str{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		out[n.Content[i].Value] = f.Str(n.Content[i+1])
	}
	return out
}

// Pos returns the position of a node of the file.
func (f *File) Pos(n *yaml.Node) model.Pos { return nodePos(f.Src, nil, n) }

// Pos returns the position of a node of the object.
func (o *Object) Pos(n *yaml.Node) model.Pos { return nodePos(o.Src, nil, n) }

// Bool reads a YAML boolean (true/false, and the YAML 1.1 spellings
// yaml.v3 accepts for the !!bool tag).
func Bool(n *yaml.Node) (value, ok bool) {
	if n == nil || n.Kind != yaml.ScalarNode {
		return false, false
	}
	var b bool
	if err := n.Decode(&b); err != nil {
		return false, false
	}
	return b, true
}

// Truthy reports whether a value is true the way Go templates (and so
// Helm's "if") read it: false, 0, "", null and empty collections are
// false; anything else, the string "false" included, is true.
func Truthy(n *yaml.Node) bool {
	if n == nil {
		return false
	}
	switch n.Kind {
	case yaml.MappingNode, yaml.SequenceNode:
		return len(n.Content) > 0
	case yaml.AliasNode:
		return Truthy(n.Alias)
	case yaml.ScalarNode:
		switch n.Tag {
		case "!!null":
			return false
		case "!!bool":
			b, _ := Bool(n)
			return b
		case "!!int", "!!float":
			f, err := strconv.ParseFloat(strings.ReplaceAll(n.Value, "_", ""), 64)
			return err != nil || f != 0
		}
		return n.Value != ""
	}
	return false
}

// ParseNode reads the object at mapping n of src (an object written inside
// another's values, such as a chart's extraObjects entry).
func ParseNode(src *srcmap.Source, n *yaml.Node, doc int) []*Object {
	f := &File{Path: src.Path, Src: src}
	f.document(n, doc)
	return f.Objects
}
