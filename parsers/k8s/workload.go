package k8s

import (
	"path"
	"strings"

	"github.com/grafanalint/grafanalint/parsers/k8s/install"
	"github.com/grafanalint/grafanalint/parsers/k8s/manifest"
	"github.com/grafanalint/grafanalint/parsers/model"
)

// workload reads a workload's Grafana containers as Installs: their
// volumeMounts (ConfigMap and Secret volumes resolved during the build,
// subPath and items as Kubernetes applies them), env and envFrom, the
// k8s-sidecar containers of the pod writing into a volume Grafana mounts,
// and the Services selecting the pod.
func (a *assembler) workload(f *File, w *manifest.Object) []*install.Install {
	var out []*install.Install
	p := w.Pod
	ns := a.namespace(f, w)
	for _, c := range p.Containers {
		if c.Init || !IsGrafanaImage(c.Image.V) {
			continue
		}
		name := w.Name.V
		if ns != "" {
			name = ns + "/" + name
		}
		in := &install.Install{Name: name, Namespace: ns, Origin: install.OriginManifest, Pos: w.Kind.Pos, Files: []string{f.Path},
			Image: c.Image, ConfigPath: "/etc/grafana/grafana.ini", ProvisioningPath: "/etc/grafana/provisioning", PodLabels: plain(p.Labels)}
		if i := strings.LastIndex(c.Image.V, ":"); i > strings.LastIndex(c.Image.V, "/") {
			in.Version = model.Str{V: c.Image.V[i+1:], Pos: c.Image.Pos}
		}
		for _, e := range c.Env {
			ev := install.EnvVar{EnvVar: model.EnvVar{Name: e.Name.V, Value: e.Value.V, Pos: e.Name.Pos, ValuePos: e.Value.Pos},
				FromKind: e.FromKind, FromName: e.FromName, FromKey: e.FromKey}
			if e.From != "" {
				ev.Value, ev.ValuePos = "${"+e.From+"}", model.Pos{}
			}
			in.Env = append(in.Env, ev)
		}
		in.EnvFrom = c.EnvFrom
		for _, e := range in.Env {
			switch e.Name {
			case "GF_PATHS_CONFIG":
				if path.IsAbs(e.Value) {
					in.ConfigPath = path.Clean(e.Value)
				}
			case "GF_PATHS_PROVISIONING":
				if path.IsAbs(e.Value) {
					in.ProvisioningPath = path.Clean(e.Value)
				}
			}
		}
		for _, m := range c.Mounts {
			v := p.Volume(m.Name.V)
			mt := &install.Mount{Target: path.Clean(m.MountPath.V), Pos: m.MountPath.Pos, SubPath: m.SubPath.V, Namespace: ns}
			switch {
			case v == nil:
				mt.Opaque = "volume \"" + m.Name.V + "\" is not declared in the pod"
			case v.Kind == "configMap" || v.Kind == "secret" || v.Kind == "projected":
				mt.Volume = v
			default:
				if sc := sidecarOf(p, v.Name.V, mt.Target); sc != nil {
					in.Sidecars = append(in.Sidecars, sc)
					in.Mounts = append(in.Mounts, &install.Mount{Target: sc.Folder, Sidecar: sc, Pos: sc.Pos})
				}
				mt.Opaque = v.Kind + " volume \"" + v.Name.V + "\""
			}
			in.Mounts = append(in.Mounts, mt)
		}
		in.Services = append(in.Services, w.Name.V)
		for _, s := range a.services {
			if s.Service == nil || len(s.Service.Selector) == 0 {
				continue
			}
			if sns := s.Namespace.V; sns != "" && ns != "" && sns != ns {
				continue
			}
			match := true
			for k, v := range s.Service.Selector {
				if in.PodLabels[k] != v.V {
					match = false
				}
			}
			if match {
				in.Services = append(in.Services, s.Name.V)
				for _, sp := range s.Service.Ports {
					in.ServicePorts = append(in.ServicePorts, sp.Port)
				}
			}
		}
		out = append(out, in)
	}
	return out
}

// sidecarOf finds a k8s-sidecar container (kiwigrid/k8s-sidecar) of the
// pod that writes into volume vol, which the Grafana container mounts at
// target: its env LABEL, LABEL_VALUE, FOLDER, NAMESPACE and RESOURCE say
// what it copies where (k8s-sidecar README).
func sidecarOf(p *manifest.PodSpec, vol, target string) *install.Sidecar {
	for _, c := range p.Containers {
		if !strings.Contains(c.Image.V, "k8s-sidecar") {
			continue
		}
		env := map[string]manifest.EnvVar{}
		for _, e := range c.Env {
			env[e.Name.V] = e
		}
		folder := env["FOLDER"].Value.V
		for _, m := range c.Mounts {
			if m.Name.V != vol || folder == "" {
				continue
			}
			mp := path.Clean(m.MountPath.V)
			if folder != mp && !strings.HasPrefix(folder, mp+"/") {
				continue
			}
			rel := strings.TrimPrefix(strings.TrimPrefix(folder, mp), "/")
			sc := &install.Sidecar{Label: env["LABEL"].Value.V, LabelValue: env["LABEL_VALUE"].Value.V, Folder: path.Join(target, rel),
				Resource: env["RESOURCE"].Value.V, FolderAnnotation: env["FOLDER_ANNOTATION"].Value.V, Pos: c.Name.Pos}
			if sc.Resource == "" {
				sc.Resource = "configmap"
			}
			if ns := env["NAMESPACE"].Value.V; ns != "" {
				sc.Namespaces = strings.Split(ns, ",")
			}
			sc.Kind = "dashboards"
			if strings.Contains(sc.Label, "datasource") || strings.Contains(sc.Folder, "datasources") {
				sc.Kind = "datasources"
			}
			return sc
		}
	}
	return nil
}
