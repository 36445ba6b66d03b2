package manifest

import (
	"gopkg.in/yaml.v3"

	"github.com/grafanalint/grafanalint/parsers/k8s/srcmap"
	"github.com/grafanalint/grafanalint/parsers/model"
)

// Ingress is an Ingress object or a Gateway API HTTPRoute.
type Ingress struct {
	// Class is spec.ingressClassName, else the kubernetes.io/ingress.class
	// annotation.
	Class model.Str
	// HTTPRoute is set for a Gateway API HTTPRoute.
	HTTPRoute bool
	Rules     []IngressRule
	TLS       []IngressTLS
	// Default is spec.defaultBackend (spec.backend in v1beta1).
	Default *Backend
}

// IngressRule is one host's paths.
type IngressRule struct {
	Host  model.Str
	Paths []IngressPath
}

// IngressPath routes a path to a backend.
type IngressPath struct {
	Path     model.Str
	PathType string
	Backend  Backend
	// Pos is where the path entry starts.
	Pos model.Pos
}

// Backend is the Service a path routes to.
type Backend struct {
	Service model.Str
	// Port is the port number or name.
	Port model.Str
}

// IngressTLS is one tls entry.
type IngressTLS struct {
	Hosts      []model.Str
	SecretName model.Str
	Pos        model.Pos
}

// Service is a Service object.
type Service struct {
	Selector map[string]model.Str
	Ports    []ServicePort
}

// ServicePort is one port of a Service.
type ServicePort struct {
	Name       string
	Port       string
	TargetPort string
}

func (f *File) ingress(o *Object) *Ingress {
	spec := Get(o.Node, "spec")
	in := &Ingress{Class: f.Str(Get(spec, "ingressClassName"))}
	if !in.Class.IsSet() {
		in.Class = o.Annotations["kubernetes.io/ingress.class"]
	}
	backend := func(n *yaml.Node) Backend {
		if svc := Get(n, "service"); svc != nil {
			port := Get(svc, "port")
			p := f.Str(Get(port, "number"))
			if !p.IsSet() {
				p = f.Str(Get(port, "name"))
			}
			return Backend{Service: f.Str(Get(svc, "name")), Port: p}
		}
		return Backend{Service: f.Str(Get(n, "serviceName")), Port: f.Str(Get(n, "servicePort"))}
	}
	if d := Get(spec, "defaultBackend"); d != nil {
		b := backend(d)
		in.Default = &b
	} else if d := Get(spec, "backend"); d != nil {
		b := backend(d)
		in.Default = &b
	}
	if rules := Get(spec, "rules"); rules != nil && rules.Kind == yaml.SequenceNode {
		for _, r := range rules.Content {
			rule := IngressRule{Host: f.Str(Get(r, "host"))}
			if paths := Path(r, "http", "paths"); paths != nil && paths.Kind == yaml.SequenceNode {
				for _, p := range paths.Content {
					rule.Paths = append(rule.Paths, IngressPath{Path: f.Str(Get(p, "path")), PathType: val(Get(p, "pathType")), Backend: backend(Get(p, "backend")), Pos: f.Pos(p)})
				}
			}
			in.Rules = append(in.Rules, rule)
		}
	}
	in.TLS = f.tls(Get(spec, "tls"))
	return in
}

func (f *File) tls(n *yaml.Node) []IngressTLS {
	if n == nil || n.Kind != yaml.SequenceNode {
		return nil
	}
	var out []IngressTLS
	for _, t := range n.Content {
		e := IngressTLS{SecretName: f.Str(Get(t, "secretName")), Pos: f.Pos(t)}
		if hs := Get(t, "hosts"); hs != nil && hs.Kind == yaml.SequenceNode {
			for _, h := range hs.Content {
				e.Hosts = append(e.Hosts, f.Str(h))
			}
		}
		out = append(out, e)
	}
	return out
}

// httpRoute reads a Gateway API HTTPRoute: its hostnames and the path
// matches of its rules with their first backend.
func (f *File) httpRoute(o *Object) *Ingress {
	spec := Get(o.Node, "spec")
	in := &Ingress{HTTPRoute: true}
	var hosts []model.Str
	if hs := Get(spec, "hostnames"); hs != nil && hs.Kind == yaml.SequenceNode {
		for _, h := range hs.Content {
			hosts = append(hosts, f.Str(h))
		}
	}
	if len(hosts) == 0 {
		hosts = []model.Str{{}}
	}
	var paths []IngressPath
	if rules := Get(spec, "rules"); rules != nil && rules.Kind == yaml.SequenceNode {
		for _, r := range rules.Content {
			var b Backend
			if refs := Get(r, "backendRefs"); refs != nil && refs.Kind == yaml.SequenceNode && len(refs.Content) > 0 {
				b = Backend{Service: f.Str(Get(refs.Content[0], "name")), Port: f.Str(Get(refs.Content[0], "port"))}
			}
			matches := Get(r, "matches")
			if matches == nil || matches.Kind != yaml.SequenceNode || len(matches.Content) == 0 {
				paths = append(paths, IngressPath{Path: model.Str{V: "/"}, PathType: "PathPrefix", Backend: b, Pos: f.Pos(r)})
				continue
			}
			for _, m := range matches.Content {
				p := Get(m, "path")
				path := f.Str(Get(p, "value"))
				if !path.IsSet() {
					path = model.Str{V: "/"}
				}
				paths = append(paths, IngressPath{Path: path, PathType: val(Get(p, "type")), Backend: b, Pos: f.Pos(m)})
			}
		}
	}
	for _, h := range hosts {
		in.Rules = append(in.Rules, IngressRule{Host: h, Paths: paths})
	}
	return in
}

func (f *File) service(n *yaml.Node) *Service {
	spec := Get(n, "spec")
	s := &Service{Selector: f.StrMap(Get(spec, "selector"))}
	if ps := Get(spec, "ports"); ps != nil && ps.Kind == yaml.SequenceNode {
		for _, p := range ps.Content {
			s.Ports = append(s.Ports, ServicePort{Name: val(Get(p, "name")), Port: val(Get(p, "port")), TargetPort: val(Get(p, "targetPort"))})
		}
	}
	return s
}

// ReadIngress reads an Ingress-shaped mapping (metadata.annotations and
// spec, as a grafana-operator Grafana's spec.ingress has) of src.
func ReadIngress(src *srcmap.Source, n *yaml.Node) (*Ingress, map[string]model.Str) {
	f := &File{Path: src.Path, Src: src}
	o := &Object{Node: n, Src: src, Annotations: f.StrMap(Path(n, "metadata", "annotations"))}
	return f.ingress(o), o.Annotations
}

// ReadHTTPRoute reads an HTTPRoute-shaped mapping (spec.hostnames,
// spec.rules) of src.
func ReadHTTPRoute(src *srcmap.Source, n *yaml.Node) *Ingress {
	f := &File{Path: src.Path, Src: src}
	return f.httpRoute(&Object{Node: n, Src: src})
}
