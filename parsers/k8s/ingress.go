package k8s

import (
	"fmt"
	"sort"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/grafanalint/grafanalint/parsers/k8s/ingressnginx"
	"github.com/grafanalint/grafanalint/parsers/k8s/install"
	"github.com/grafanalint/grafanalint/parsers/k8s/manifest"
	"github.com/grafanalint/grafanalint/parsers/k8s/srcmap"
	"github.com/grafanalint/grafanalint/parsers/model"
)

// ingresses attaches the ingresses routing to a stack's Grafana: its own
// (chart values, operator spec) and the Ingress objects and HTTPRoutes of
// the repository whose backend is one of its Services. Those served by
// ingress-nginx become the nginx configuration the controller generates.
func (a *assembler) ingresses(s *Stack) {
	in := s.Install
	all := append([]*install.Ingress{}, in.Ingresses...)
	for _, o := range a.ingress {
		if o.Namespace.V != "" && in.Namespace != "" && o.Namespace.V != in.Namespace {
			continue
		}
		routes := false
		for _, r := range o.Ingress.Rules {
			for _, p := range r.Paths {
				if contains(in.Services, p.Backend.Service.V) {
					routes = true
				}
			}
		}
		if o.Ingress.Default != nil && contains(in.Services, o.Ingress.Default.Service.V) {
			routes = true
		}
		if !routes {
			continue
		}
		ii := &install.Ingress{Object: o, Ingress: o.Ingress, Annotations: o.Annotations, Pos: o.Kind.Pos, Name: o.Kind.V + " \"" + o.Name.V + "\"",
			AnnotationText: annotationText(o.Src, manifest.Path(o.Node, "metadata", "annotations"))}
		all = append(all, ii)
		s.addFile(o.Src.Path)
	}
	services := in.Services
	for i, ii := range all {
		ctrl := ingressnginx.Controller(ii)
		s.Kube.Written = append(s.Kube.Written, ingressSources(ii, ctrl)...)
		ki := model.KubeIngress{Name: ii.Name, Controller: ctrl, Pos: ii.Pos, TLS: len(ii.Ingress.TLS) > 0}
		for _, r := range ii.Ingress.Rules {
			if r.Host.V != "" {
				ki.Hosts = append(ki.Hosts, r.Host.V)
			}
		}
		if ctrl != "ingress-nginx" {
			ki.Skipped = ingressnginx.SkipReason(ctrl)
			s.Kube.Ingresses = append(s.Kube.Ingresses, ki)
			continue
		}
		svc := services
		if ii.Object == nil {
			svc = nil // the chart's own ingress routes to Grafana by construction (extraPaths aside)
		}
		virtual := fmt.Sprintf("%s#ingress-nginx/%d", ii.Pos.File, i)
		if ii.Object != nil {
			virtual = ii.Object.Src.Path + "#Ingress/" + ii.Object.Name.V + "/nginx.conf"
		}
		p, why := ingressnginx.Render(ii, svc, a.source, virtual)
		if p == nil || p.Nginx == nil {
			ki.Skipped = why
			s.Kube.Ingresses = append(s.Kube.Ingresses, ki)
			continue
		}
		ki.Analysed = true
		s.Kube.Ingresses = append(s.Kube.Ingresses, ki)
		s.Nginx = append(s.Nginx, p.Nginx)
		s.ingressProblems = append(s.ingressProblems, p)
	}
	s.GrafanaHosts = append(s.GrafanaHosts, services...)
	if len(s.Nginx) == 0 {
		var why []string
		for _, ki := range s.Kube.Ingresses {
			if ki.Skipped != "" {
				why = append(why, ki.Name+": "+ki.Skipped)
			}
		}
		if len(why) > 0 {
			s.PartNotes["nginx config"] = strings.Join(why, "; ")
		} else {
			s.PartNotes["nginx config"] = "no Ingress routes to this Grafana"
		}
	}
}

// ingressSources says what the annotations, paths and hosts of an ingress
// are, for findings on the configuration its controller generates.
func ingressSources(ii *install.Ingress, ctrl string) []model.KubeSource {
	obj := ii.Name
	if ii.Object == nil {
		obj = "the grafana chart's ingress values"
		if ii.Ingress.HTTPRoute {
			obj = "the grafana chart's route values"
		}
	}
	var out []model.KubeSource
	add := func(kind, name string, v model.Str) {
		if v.Pos.IsValid() {
			out = append(out, model.KubeSource{Pos: v.Pos, End: v.End, Kind: kind, Name: name, Object: obj, Controller: ctrl, Value: v.V})
		}
	}
	for k, v := range ii.Annotations {
		if t := ii.AnnotationText[k]; t != nil {
			if start, end := t.Span(); start == v.Pos && end.IsValid() {
				v.End = end
			}
		}
		add(model.KubeAnnotation, k, v)
	}
	for _, r := range ii.Ingress.Rules {
		add(model.KubeIngressHost, r.Host.V, r.Host)
		for _, p := range r.Paths {
			add(model.KubeIngressPath, p.Path.V, p.Path)
		}
	}
	for _, t := range ii.Ingress.TLS {
		for _, h := range t.Hosts {
			add(model.KubeIngressTLSHost, h.V, h)
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Pos.Less(out[j].Pos) })
	return out
}

// annotationText maps each annotation to its text in the manifest.
func annotationText(src *srcmap.Source, n *yaml.Node) map[string]*srcmap.Text {
	if n == nil || n.Kind != yaml.MappingNode {
		return nil
	}
	out := map[string]*srcmap.Text{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		if v := n.Content[i+1]; v.Kind == yaml.ScalarNode {
			out[n.Content[i].Value] = srcmap.Scalar(src, v)
		}
	}
	return out
}

// source returns the indexed source of a display path.
func (a *assembler) source(p string) *srcmap.Source {
	for _, f := range a.files {
		if f.Path == p {
			return f.Src
		}
	}
	return nil
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
