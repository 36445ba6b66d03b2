package operator

import (
	"fmt"
	"sort"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/grafanalint/grafanalint/parsers/k8s/install"
	"github.com/grafanalint/grafanalint/parsers/k8s/manifest"
	"github.com/grafanalint/grafanalint/parsers/k8s/srcmap"
	"github.com/grafanalint/grafanalint/parsers/model"
)

// ReadGrafana reads a Grafana object into an Install: spec.config written
// as the operator writes grafana.ini (SetDefaults then WriteIni: the
// "global" section first without a header, then sections and keys in
// sorted order; the paths the operator forces, dashboards.versions_to_keep
// 20 and unified_alerting.rule_version_record_limit 5 when unset,
// server.enable_gzip false from Grafana 13), spec.version as the image
// tag, the grafana container's env from spec.deployment, spec.ingress and
// spec.httpRoute.
func ReadGrafana(o *manifest.Object) *install.Install {
	spec := manifest.Get(o.Node, "spec")
	name := o.Name.V
	if o.Namespace.V != "" {
		name = o.Namespace.V + "/" + name
	}
	in := &install.Install{
		Name: name, Namespace: o.Namespace.V, Origin: install.OriginOperator, Pos: o.Kind.Pos, Files: []string{o.Src.Path},
		ConfigPath: "/etc/grafana/grafana.ini", ProvisioningPath: "/etc/grafana/provisioning",
		Operator: &install.Operator{Labels: map[string]string{}, Object: o}, Object: o,
	}
	for k, v := range o.Labels {
		in.Operator.Labels[k] = v.V
	}
	in.Services = []string{o.Name.V + "-service"}
	in.ServicePorts = []string{"3000"}
	version := manifest.Get(spec, "version")
	if version != nil && version.Value != "" {
		in.Version = manifest.ScalarStr(o.Src, nil, version)
		in.Image = in.Version
		if !strings.ContainsAny(version.Value, ":/@") {
			in.Image.V = "docker.io/grafana/grafana:" + version.Value
		}
	}
	ini, notes := writeIni(o, manifest.Get(spec, "config"), val(version))
	in.Notes = append(in.Notes, notes...)
	f := &install.File{Name: "grafana.ini", Virtual: virtual(o) + "grafana.ini", Text: ini, Owner: "Grafana \"" + o.Name.V + "\" spec.config", Pos: o.Pos(manifest.Get(spec, "config"))}
	in.Mounts = append(in.Mounts, &install.Mount{Target: in.ConfigPath, File: f, Pos: f.Pos})
	// The grafana container of spec.deployment.
	if cs := manifest.Path(spec, "deployment", "spec", "template", "spec", "containers"); cs != nil && cs.Kind == yaml.SequenceNode {
		for _, c := range cs.Content {
			if val(manifest.Get(c, "name")) != "grafana" {
				continue
			}
			if env := manifest.Get(c, "env"); env != nil && env.Kind == yaml.SequenceNode {
				for _, e := range env.Content {
					in.Env = append(in.Env, envVar(o.Src, e))
				}
			}
		}
	}
	if ing := manifest.Get(spec, "ingress"); ing != nil && ing.Kind == yaml.MappingNode {
		mi, ann := manifest.ReadIngress(o.Src, ing)
		in.Ingresses = append(in.Ingresses, &install.Ingress{Ingress: mi, Annotations: ann, Pos: o.Pos(ing), Name: "Grafana \"" + o.Name.V + "\" spec.ingress"})
	}
	if hr := manifest.Get(spec, "httpRoute"); hr != nil && hr.Kind == yaml.MappingNode {
		in.Ingresses = append(in.Ingresses, &install.Ingress{Ingress: manifest.ReadHTTPRoute(o.Src, hr), Pos: o.Pos(hr), Name: "Grafana \"" + o.Name.V + "\" spec.httpRoute (HTTPRoute)"})
	}
	if ext := manifest.Get(spec, "external"); ext != nil {
		in.Skipped = append(in.Skipped, "spec.external: an existing Grafana the operator only configures; its files are not in the repository")
	}
	return in
}

// envVar reads an env entry of a container.
func envVar(src *srcmap.Source, n *yaml.Node) install.EnvVar {
	e := install.EnvVar{}
	name := manifest.ScalarStr(src, nil, manifest.Get(n, "name"))
	e.Name, e.Pos = name.V, name.Pos
	if v := manifest.Get(n, "value"); v != nil {
		s := manifest.ScalarStr(src, nil, v)
		e.Value, e.ValuePos = s.V, s.Pos
	}
	if vf := manifest.Get(n, "valueFrom"); vf != nil {
		for _, k := range []string{"secretKeyRef", "configMapKeyRef"} {
			if ref := manifest.Get(vf, k); ref != nil {
				e.FromKind = "Secret"
				if k == "configMapKeyRef" {
					e.FromKind = "ConfigMap"
				}
				e.FromName, e.FromKey = val(manifest.Get(ref, "name")), val(manifest.Get(ref, "key"))
			}
		}
		e.Value = fmt.Sprintf("${valueFrom %s/%s}", e.FromName, e.FromKey)
		e.ValuePos = model.Pos{}
	}
	return e
}

// operatorPaths are the paths SetDefaults forces (operator_constants.go).
var operatorPaths = map[string]string{
	"data": "/var/lib/grafana", "logs": "/var/log/grafana", "plugins": "/var/lib/grafana/plugins", "provisioning": "/etc/grafana/provisioning/",
}

// writeIni renders spec.config as the operator does. Values must be
// strings: the CRD types config as map[string]map[string]string, so the
// API server rejects the object when one is a YAML number or boolean.
func writeIni(o *manifest.Object, cfg *yaml.Node, version string) (*srcmap.Text, []install.Note) {
	src := o.Src
	var notes []install.Note
	type kv struct {
		key, val *yaml.Node
		def      string
	}
	sections := map[string][]kv{}
	headers := map[string]*yaml.Node{}
	if cfg != nil && cfg.Kind == yaml.MappingNode {
		for i := 0; i+1 < len(cfg.Content); i += 2 {
			sk, sv := cfg.Content[i], cfg.Content[i+1]
			headers[sk.Value] = sk
			if sv.Kind != yaml.MappingNode {
				notes = append(notes, typeNote(src, sv, fmt.Sprintf("spec.config.%s must be a map of settings", sk.Value)))
				continue
			}
			for j := 0; j+1 < len(sv.Content); j += 2 {
				k, v := sv.Content[j], sv.Content[j+1]
				if v.Kind != yaml.ScalarNode || (v.Tag != "!!str" && v.Style&(yaml.DoubleQuotedStyle|yaml.SingleQuotedStyle) == 0) {
					notes = append(notes, typeNote(src, v, fmt.Sprintf("spec.config.%s.%s must be a string: the Grafana resource types spec.config as map[string]map[string]string, so the API server rejects this object (write %q)", sk.Value, k.Value, v.Value)))
					continue
				}
				sections[sk.Value] = append(sections[sk.Value], kv{key: k, val: v})
			}
		}
	}
	set := func(sec, key, value string, force bool) {
		for i, e := range sections[sec] {
			if e.key.Value == key {
				if force {
					sections[sec][i] = kv{key: e.key, def: value}
				}
				if force || e.val == nil || e.val.Value != "" {
					return
				}
				sections[sec][i] = kv{key: e.key, def: value}
				return
			}
		}
		sections[sec] = append(sections[sec], kv{def: value, key: &yaml.Node{Value: key}})
	}
	for k, v := range operatorPaths {
		set("paths", k, v, true)
	}
	set("dashboards", "versions_to_keep", "20", false)
	set("unified_alerting", "rule_version_record_limit", "5", false)
	if majorOf(version) >= 13 {
		set("server", "enable_gzip", "false", false)
	}
	anchor := src.Offset(o.Kind.Pos.Line, o.Kind.Pos.Col)
	if cfg != nil {
		anchor = src.Offset(cfg.Line, cfg.Column)
	}
	var b srcmap.Builder
	gen := func(s string, n *yaml.Node) {
		off := anchor
		if n != nil && n.Line > 0 {
			off = src.Offset(n.Line, n.Column)
		}
		b.Point(s, src, off, off)
	}
	names := sortedKeys(sections)
	if _, ok := sections["global"]; ok {
		rest := names[:0:0]
		for _, n := range names {
			if n != "global" {
				rest = append(rest, n)
			}
		}
		names = append([]string{"global"}, rest...)
	}
	for _, sec := range names {
		entries := sections[sec]
		if len(entries) == 0 {
			continue
		}
		if sec != "global" {
			gen("[", headers[sec])
			if h := headers[sec]; h != nil {
				b.Append(srcmap.Scalar(src, h))
			} else {
				gen(sec, nil)
			}
			gen("]\n", headers[sec])
		}
		byKey := map[string]kv{}
		var keys []string
		for _, e := range entries {
			if _, ok := byKey[e.key.Value]; !ok {
				keys = append(keys, e.key.Value)
			}
			byKey[e.key.Value] = e
		}
		sort.Strings(keys)
		for _, k := range keys {
			e := byKey[k]
			if e.key.Line > 0 {
				b.Append(srcmap.Scalar(src, e.key))
			} else {
				gen(k, headers[sec])
			}
			gen(" = ", e.key)
			if e.val != nil {
				b.Append(srcmap.Scalar(src, e.val))
			} else {
				gen(e.def, e.key)
			}
			gen("\n", e.key)
		}
		gen("\n", headers[sec])
	}
	return b.Text(), notes
}

func typeNote(src *srcmap.Source, n *yaml.Node, msg string) install.Note {
	s := manifest.ScalarStr(src, nil, n)
	p := s.Pos
	if !p.IsValid() {
		p = src.Pos(src.Offset(n.Line, n.Column))
	}
	return install.Note{Kind: "operator-config-type", Pos: p, End: s.End, Key: msg, Message: msg}
}

func majorOf(v string) int {
	v = strings.TrimPrefix(v, "v")
	if i := strings.IndexAny(v, ".-"); i >= 0 {
		v = v[:i]
	}
	n, err := strconv.Atoi(v)
	if err != nil {
		return 0
	}
	return n
}
