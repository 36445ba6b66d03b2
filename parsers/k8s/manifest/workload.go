package manifest

import (
	"strconv"

	"gopkg.in/yaml.v3"

	"github.com/grafanalint/grafanalint/parsers/model"
)

// PodSpec is the pod template of a workload.
type PodSpec struct {
	// Labels are the template's labels (what a Service selects).
	Labels     map[string]model.Str
	Containers []*Container
	Volumes    []*Volume
}

// Volume returns the volume called name.
func (p *PodSpec) Volume(name string) *Volume {
	for _, v := range p.Volumes {
		if v.Name.V == name {
			return v
		}
	}
	return nil
}

// Container is one container of a pod.
type Container struct {
	Name  model.Str
	Image model.Str
	// Init is set for init containers.
	Init    bool
	Env     []EnvVar
	EnvFrom []EnvFrom
	Mounts  []*VolumeMount
	Ports   []int
	Pos     model.Pos
}

// EnvVar is one env entry.
type EnvVar struct {
	Name  model.Str
	Value model.Str
	// From describes a valueFrom source ("secretKeyRef grafana/admin-password");
	// the value is then unknown.
	From string
	// FromKind, FromName and FromKey identify a secretKeyRef or
	// configMapKeyRef.
	FromKind, FromName, FromKey string
}

// EnvFrom is an envFrom entry: every key of a ConfigMap or Secret becomes
// a variable (with the prefix).
type EnvFrom struct {
	Kind     string // "ConfigMap" or "Secret"
	Name     model.Str
	Prefix   string
	Optional bool
}

// VolumeMount is one volumeMounts entry.
type VolumeMount struct {
	Name      model.Str
	MountPath model.Str
	SubPath   model.Str
	ReadOnly  bool
}

// Volume is one pod volume.
type Volume struct {
	Name model.Str
	// Kind is "configMap", "secret", "projected", "emptyDir",
	// "persistentVolumeClaim" or another volume source's field name.
	Kind string
	// Source is the ConfigMap or Secret name.
	Source   model.Str
	Items    []KeyToPath
	Optional bool
	// Projected are the sources of a projected volume.
	Projected []*Volume
}

// KeyToPath maps one key of a ConfigMap or Secret to a file name.
type KeyToPath struct {
	Key  model.Str
	Path model.Str
}

// pod reads the pod template of a workload.
func (f *File) pod(o *Object) *PodSpec {
	spec := Get(o.Node, "spec")
	tmpl := spec
	switch o.Kind.V {
	case "Pod":
	case "CronJob":
		tmpl = Path(spec, "jobTemplate", "spec", "template")
	default:
		tmpl = Get(spec, "template")
	}
	ps := Get(tmpl, "spec")
	if o.Kind.V == "Pod" {
		ps = spec
	}
	p := &PodSpec{}
	if o.Kind.V == "Pod" {
		p.Labels = o.Labels
	} else {
		p.Labels = f.StrMap(Path(tmpl, "metadata", "labels"))
	}
	for _, field := range []string{"initContainers", "containers"} {
		cs := Get(ps, field)
		if cs == nil || cs.Kind != yaml.SequenceNode {
			continue
		}
		for _, c := range cs.Content {
			if c.Kind == yaml.MappingNode {
				p.Containers = append(p.Containers, f.container(c, field == "initContainers"))
			}
		}
	}
	if vs := Get(ps, "volumes"); vs != nil && vs.Kind == yaml.SequenceNode {
		for _, v := range vs.Content {
			if v.Kind == yaml.MappingNode {
				p.Volumes = append(p.Volumes, f.volume(v))
			}
		}
	}
	return p
}

func (f *File) container(n *yaml.Node, init bool) *Container {
	c := &Container{Name: f.Str(Get(n, "name")), Image: f.Str(Get(n, "image")), Init: init, Pos: f.Pos(n)}
	if env := Get(n, "env"); env != nil && env.Kind == yaml.SequenceNode {
		for _, e := range env.Content {
			c.Env = append(c.Env, f.envVar(e))
		}
	}
	if ef := Get(n, "envFrom"); ef != nil && ef.Kind == yaml.SequenceNode {
		for _, e := range ef.Content {
			for _, kind := range []string{"configMapRef", "secretRef"} {
				if ref := Get(e, kind); ref != nil {
					k := "ConfigMap"
					if kind == "secretRef" {
						k = "Secret"
					}
					opt, _ := Bool(Get(ref, "optional"))
					c.EnvFrom = append(c.EnvFrom, EnvFrom{Kind: k, Name: f.Str(Get(ref, "name")), Prefix: val(Get(e, "prefix")), Optional: opt})
				}
			}
		}
	}
	if ms := Get(n, "volumeMounts"); ms != nil && ms.Kind == yaml.SequenceNode {
		for _, m := range ms.Content {
			ro, _ := Bool(Get(m, "readOnly"))
			c.Mounts = append(c.Mounts, &VolumeMount{Name: f.Str(Get(m, "name")), MountPath: f.Str(Get(m, "mountPath")), SubPath: f.Str(Get(m, "subPath")), ReadOnly: ro})
		}
	}
	if ps := Get(n, "ports"); ps != nil && ps.Kind == yaml.SequenceNode {
		for _, p := range ps.Content {
			if v, err := strconv.Atoi(val(Get(p, "containerPort"))); err == nil {
				c.Ports = append(c.Ports, v)
			}
		}
	}
	return c
}

// envVar reads one env entry (a mapping with name and value or valueFrom).
func (f *File) envVar(n *yaml.Node) EnvVar {
	e := EnvVar{Name: f.Str(Get(n, "name")), Value: f.Str(Get(n, "value"))}
	if vf := Get(n, "valueFrom"); vf != nil {
		for _, kind := range []string{"secretKeyRef", "configMapKeyRef"} {
			if ref := Get(vf, kind); ref != nil {
				e.FromKind = "Secret"
				if kind == "configMapKeyRef" {
					e.FromKind = "ConfigMap"
				}
				e.FromName, e.FromKey = val(Get(ref, "name")), val(Get(ref, "key"))
				e.From = kind + " " + e.FromName + "/" + e.FromKey
			}
		}
		if e.From == "" {
			e.From = "valueFrom"
			if vf.Kind == yaml.MappingNode && len(vf.Content) > 0 {
				e.From = vf.Content[0].Value
			}
		}
	}
	return e
}

func (f *File) volume(n *yaml.Node) *Volume {
	v := &Volume{Name: f.Str(Get(n, "name"))}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, val := n.Content[i].Value, n.Content[i+1]
		switch k {
		case "name":
			continue
		case "configMap":
			v.Kind, v.Source = k, f.Str(Get(val, "name"))
		case "secret":
			v.Kind, v.Source = k, f.Str(Get(val, "secretName"))
		case "projected":
			v.Kind = k
			if srcs := Get(val, "sources"); srcs != nil && srcs.Kind == yaml.SequenceNode {
				for _, s := range srcs.Content {
					pv := &Volume{}
					if cm := Get(s, "configMap"); cm != nil {
						pv.Kind, pv.Source = "configMap", f.Str(Get(cm, "name"))
						pv.Items = f.items(Get(cm, "items"))
					} else if sec := Get(s, "secret"); sec != nil {
						pv.Kind, pv.Source = "secret", f.Str(Get(sec, "name"))
						pv.Items = f.items(Get(sec, "items"))
					} else {
						continue
					}
					v.Projected = append(v.Projected, pv)
				}
			}
			continue
		default:
			if v.Kind == "" {
				v.Kind = k
			}
			continue
		}
		v.Items = f.items(Get(val, "items"))
		v.Optional, _ = Bool(Get(val, "optional"))
	}
	return v
}

func (f *File) items(n *yaml.Node) []KeyToPath {
	if n == nil || n.Kind != yaml.SequenceNode {
		return nil
	}
	var out []KeyToPath
	for _, it := range n.Content {
		out = append(out, KeyToPath{Key: f.Str(Get(it, "key")), Path: f.Str(Get(it, "path"))})
	}
	return out
}

// val is a nil-safe scalar value.
func val(n *yaml.Node) string {
	if n == nil {
		return ""
	}
	return n.Value
}
