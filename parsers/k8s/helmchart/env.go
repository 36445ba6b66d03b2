package helmchart

import (
	"fmt"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/grafanalint/grafanalint/parsers/k8s/install"
	"github.com/grafanalint/grafanalint/parsers/k8s/manifest"
	"github.com/grafanalint/grafanalint/parsers/k8s/subst"
	"github.com/grafanalint/grafanalint/parsers/model"
)

// env renders the Grafana container's environment as _pod.tpl does, in its
// order: GF_SECURITY_ADMIN_USER and GF_SECURITY_ADMIN_PASSWORD from the
// admin Secret (admin.existingSecret, else the chart's own Secret, which
// holds adminPassword — secret.yaml — or a random one) unless env sets
// them; GF_INSTALL_PLUGINS; the smtp Secret; the GF_PATHS_* of
// grafana.ini paths; envValueFrom; env (name and value tpl'd); then
// envFrom: envFromSecret, envRenderSecret, envFromSecrets,
// envFromConfigMaps.
func (r *renderer) env() {
	envMap := r.w.get("env")
	has := func(name string) bool { return envMap.get(name).truthy() }
	adminSecret := r.w.path("admin", "existingSecret").str()
	secretName := adminSecret
	if secretName == "" {
		secretName = r.fullName
	}
	disabled := has("GF_SECURITY_DISABLE_INITIAL_ADMIN_CREATION")
	if !has("GF_SECURITY_ADMIN_USER") && !has("GF_SECURITY_ADMIN_USER__FILE") && !disabled {
		key := r.w.path("admin", "userKey").str()
		if adminSecret == "" {
			r.addEnv("GF_SECURITY_ADMIN_USER", r.w.get("adminUser").strOf(r.anchorPos()), r.w.get("adminUser"))
			r.written("adminUser", r.w.get("adminUser"), "GF_SECURITY_ADMIN_USER", false)
		} else {
			r.addFrom("GF_SECURITY_ADMIN_USER", secretName, key)
		}
	}
	if !has("GF_SECURITY_ADMIN_PASSWORD") && !has("GF_SECURITY_ADMIN_PASSWORD__FILE") && !disabled {
		key := r.w.path("admin", "passwordKey").str()
		pw := r.w.get("adminPassword")
		switch {
		case adminSecret != "":
			r.addFrom("GF_SECURITY_ADMIN_PASSWORD", secretName, key)
		case pw.set() && pw.truthy():
			r.addEnv("GF_SECURITY_ADMIN_PASSWORD", pw.strOf(r.anchorPos()), pw)
			r.written("adminPassword", pw, "GF_SECURITY_ADMIN_PASSWORD", true)
		default:
			// The chart generates a random password (grafana.password).
			r.addFrom("GF_SECURITY_ADMIN_PASSWORD", secretName, key)
		}
	}
	if pl := r.w.get("plugins"); pl.set() {
		if n, v := pl.top(); n != nil && n.Kind == yaml.SequenceNode && len(n.Content) > 0 {
			var names []string
			for _, c := range n.Content {
				names = append(names, c.Value)
			}
			s := model.Str{V: strings.Join(names, ","), Pos: keyPos(n, v)}
			r.addEnv("GF_INSTALL_PLUGINS", s, view{})
		}
	}
	if sm := r.w.path("smtp", "existingSecret").str(); sm != "" {
		r.addFrom("GF_SMTP_USER", sm, "user")
		r.addFrom("GF_SMTP_PASSWORD", sm, "password")
	}
	paths := r.w.path("grafana.ini", "paths")
	for _, p := range []string{"data", "logs", "plugins", "provisioning"} {
		if v := paths.get(p); v.set() {
			r.addEnv("GF_PATHS_"+strings.ToUpper(p), v.strOf(r.anchorPos()), v)
		}
	}
	vf := r.w.get("envValueFrom")
	for _, name := range vf.keys() {
		src := vf.get(name)
		kind, ref, key := "", "", ""
		if n, _ := src.top(); n != nil {
			if sk := manifest.Get(n, "secretKeyRef"); sk != nil {
				kind, ref, key = "Secret", val(manifest.Get(sk, "name")), val(manifest.Get(sk, "key"))
			} else if ck := manifest.Get(n, "configMapKeyRef"); ck != nil {
				kind, ref, key = "ConfigMap", val(manifest.Get(ck, "name")), val(manifest.Get(ck, "key"))
			}
		}
		kn, kv := vf.keyNode(name)
		e := install.EnvVar{EnvVar: model.EnvVar{Name: name, Value: "${valueFrom " + ref + "/" + key + "}", Pos: keyPos(kn, kv)}, FromKind: kind, FromName: ref, FromKey: key}
		r.in.Env = append(r.in.Env, e)
	}
	for _, name := range envMap.keys() {
		r.addEnv(name, envMap.get(name).strOf(r.anchorPos()), envMap.get(name))
		if kn, kv := envMap.keyNode(name); kn != nil {
			r.in.Env[len(r.in.Env)-1].Pos = keyPos(kn, kv)
		}
	}
	if s := r.w.get("envFromSecret").strOf(r.anchorPos()); s.V != "" {
		r.in.EnvFrom = append(r.in.EnvFrom, manifest.EnvFrom{Kind: "Secret", Name: s})
	}
	rs := r.w.get("envRenderSecret")
	for _, name := range rs.keys() {
		r.addEnv(name, rs.get(name).strOf(r.anchorPos()), rs.get(name))
	}
	for _, spec := range []struct{ field, kind string }{{"envFromSecrets", "Secret"}, {"envFromConfigMaps", "ConfigMap"}} {
		n, v := r.w.get(spec.field).top()
		if n == nil || n.Kind != yaml.SequenceNode {
			continue
		}
		for _, it := range n.Content {
			opt, _ := manifest.Bool(manifest.Get(it, "optional"))
			r.in.EnvFrom = append(r.in.EnvFrom, manifest.EnvFrom{Kind: spec.kind, Name: manifest.ScalarStr(v.Src, v.Via, manifest.Get(it, "name")), Prefix: val(manifest.Get(it, "prefix")), Optional: opt})
		}
	}
}

// addEnv adds a variable with a known value (tpl'd: placeholders masked).
func (r *renderer) addEnv(name string, value model.Str, w view) {
	e := install.EnvVar{EnvVar: model.EnvVar{Name: name, Value: subst.MaskHelm(value.V), ValuePos: value.Pos}}
	if n, _ := w.top(); n != nil && n.Kind == yaml.ScalarNode && n.Tag != "!!str" {
		e.Value = format(n)
	}
	e.Pos = value.Pos
	r.in.Env = append(r.in.Env, e)
}

// written records what a value the user wrote (a chart default is not)
// becomes, for messages about it: the variable env the chart sets from it.
func (r *renderer) written(key string, w view, env string, secret bool) {
	n, v := w.top()
	if n == nil || v == nil || n.Kind != yaml.ScalarNode {
		return
	}
	s := manifest.ScalarStr(v.Src, v.Via, n)
	ks := model.KubeSource{Pos: s.Pos, End: s.End, Kind: model.KubeValue, Name: r.keyPath(key), Object: r.valuesName(), Env: env, Value: s.V}
	if secret {
		ks.Value = ""
	}
	r.in.Written = append(r.in.Written, ks)
}

// keyPath is a values key as the user writes it: below the grafana: key
// of an umbrella chart's values ("grafana.adminPassword").
func (r *renderer) keyPath(key string) string {
	if r.opts.Anchor != nil && r.opts.Anchor.Kind == yaml.ScalarNode && r.opts.Anchor.Value != "" {
		return r.opts.Anchor.Value + "." + key
	}
	return key
}

// valuesName names the values for messages.
func (r *renderer) valuesName() string {
	if r.opts.Chart != "" && r.opts.Chart != "grafana" {
		return "the " + r.opts.Chart + " values"
	}
	return "the grafana chart's values"
}

// addFrom adds a variable read from a Secret key.
func (r *renderer) addFrom(name, ref, key string) {
	r.in.Env = append(r.in.Env, install.EnvVar{
		EnvVar:   model.EnvVar{Name: name, Value: fmt.Sprintf("${secret %s/%s}", ref, key), Pos: r.anchorPos()},
		FromKind: "Secret", FromName: ref, FromKey: key,
	})
}

func val(n *yaml.Node) string {
	if n == nil {
		return ""
	}
	return n.Value
}
