package k8s

import (
	"fmt"
	"path"
	"strings"

	"github.com/grafanalint/grafanalint/parsers/k8s/install"
	"github.com/grafanalint/grafanalint/parsers/k8s/srcmap"
	"github.com/grafanalint/grafanalint/parsers/k8s/subst"
	"github.com/grafanalint/grafanalint/parsers/model"
)

// notes records the Kubernetes-only failures found while assembling:
// ConfigMaps holding dashboards or datasources that no sidecar copies
// (label, value, namespace), and dashboards whose ${…} variables Flux's
// post-build substitution replaces.
func (a *assembler) notes() {
	for _, o := range a.objs {
		a.sidecarNote(o)
		a.fluxNote(o)
	}
}

// contentKind returns "dashboards" or "datasources" when an object holds
// such files, "" otherwise.
func contentKind(o *objRef) string {
	for _, e := range o.entries {
		switch e.Sniff() {
		case model.KindDashboard:
			return "dashboards"
		case model.KindDatasources:
			return "datasources"
		}
		if e.Disk != "" && strings.EqualFold(path.Ext(e.Disk), ".json") {
			return "dashboards"
		}
	}
	return ""
}

// sidecarNote notes a ConfigMap or Secret of dashboards or datasources
// that no Grafana reads while a Grafana of the repository has a sidecar for
// that kind: the sidecar's label selector (or namespace) leaves it out.
func (a *assembler) sidecarNote(o *objRef) {
	kind := contentKind(o)
	if kind == "" || len(o.usedBy) > 0 {
		return
	}
	var best *Stack
	var bestSC *install.Sidecar
	bestScore := -1
	for _, s := range a.stacks {
		for _, sc := range s.Install.Sidecars {
			if sc.Kind != kind {
				continue
			}
			if score := commonPrefix(path.Dir(o.file), path.Dir(s.Install.Files[0])); score > bestScore {
				bestScore, best, bestSC = score, s, sc
			}
		}
	}
	if best == nil {
		return
	}
	sc := bestSC
	want := sc.Label
	if sc.LabelValue != "" {
		want += "=" + sc.LabelValue
	}
	pos, end := o.nameStr.Pos, o.nameStr.End
	var why string
	val, has := o.labels[sc.Label]
	switch {
	case !has:
		why = fmt.Sprintf("it has no label %q", sc.Label)
	case sc.LabelValue != "" && val != sc.LabelValue:
		why = fmt.Sprintf("its label %s is %q", sc.Label, val)
		if ls, ok := o.labelStr[sc.Label]; ok && ls.IsSet() {
			pos, end = ls.Pos, ls.End
		}
	case sc.Resource == "configmap" && o.kind != "ConfigMap", sc.Resource == "secret" && o.kind != "Secret":
		why = fmt.Sprintf("the sidecar watches only %ss (RESOURCE=%s)", sc.Resource, sc.Resource)
	default:
		watched := "Grafana's own namespace"
		if best.Install.Namespace != "" {
			watched = fmt.Sprintf("namespace %q only", best.Install.Namespace)
		}
		if len(sc.Namespaces) > 0 {
			watched = strings.Join(sc.Namespaces, ", ")
		}
		why = fmt.Sprintf("it is in namespace %q and the sidecar watches %s", o.namespace, watched)
		if o.namespace == "" {
			return // a namespace set at deploy time may match
		}
	}
	if !pos.IsValid() {
		pos = o.pos
	}
	best.Kube.Notes = append(best.Kube.Notes, model.KubeNote{
		Kind: "sidecar-label", Pos: pos, End: end, Key: o.id(),
		Message: fmt.Sprintf("%s holds %s, but no Grafana reads it: the %s sidecar of %q copies only objects labelled %s, and %s; label it %s", describe(o), kind, kind, best.Name, want, why, want),
		Related: []model.KubeRelated{{Pos: sc.Pos, Message: fmt.Sprintf("the %s sidecar is enabled here (label %s)", kind, want)}},
	})
}

// fluxNote notes the ${…} references Flux's post-build substitution
// replaces in a dashboard: drone/envsubst (fluxcd/pkg kustomize
// kustomize_varsub.go) replaces every ${name} of the object with the
// variable's value, or with an empty string when it is not defined, unless
// the object is labelled or annotated kustomize.toolkit.fluxcd.io/substitute:
// disabled. Dashboard variables (${DS_PROMETHEUS}, ${datasource}) are then
// gone.
func (a *assembler) fluxNote(o *objRef) {
	fr := o.substituted
	if fr == nil {
		return
	}
	var owner *Stack
	for _, s := range o.usedBy {
		owner = s
		break
	}
	for _, e := range o.entries {
		isDash := e.Sniff() == model.KindDashboard || e.Disk != "" && strings.EqualFold(path.Ext(e.Disk), ".json")
		if !isDash {
			continue
		}
		var t *srcmap.Text
		switch {
		case e.Text != nil:
			t = e.Text
		case e.Disk != "":
			b := a.disk.Bytes(e.Disk)
			if b == nil {
				continue
			}
			t = srcmap.Verbatim(srcmap.NewSource(e.Disk, b), 0, len(b))
		default:
			continue
		}
		target := owner
		if target == nil {
			target = a.nearest(o.file)
		}
		if target == nil {
			return
		}
		for _, r := range subst.EnvRefs(t.String(), false) {
			val := "an empty string (the variable is not defined)"
			if v, ok := fr.obj.Flux.Substitute[r.Name]; ok {
				val = fmt.Sprintf("%q", v.V)
			} else if len(fr.obj.Flux.SubstituteFrom) > 0 {
				val = "the value of " + r.Name + " in " + strings.Join(fr.obj.Flux.SubstituteFrom, ", ") + ", or an empty string"
			} else if r.HasDefault {
				val = fmt.Sprintf("its default %q", r.Default)
			}
			ref := t.String()[r.Start:r.End]
			target.Kube.Notes = append(target.Kube.Notes, model.KubeNote{
				Kind: "flux-substitution", Pos: t.At(r.Start), End: t.AtEnd(r.End), Key: o.id() + "#" + ref,
				Message: fmt.Sprintf("Flux's post-build substitution (Kustomization %q) replaces %s in this dashboard with %s before Grafana sees it; label or annotate %s with kustomize.toolkit.fluxcd.io/substitute: disabled, or write $%s to keep it", fr.obj.Name.V, ref, val, describe(o), ref),
				Related: []model.KubeRelated{{Pos: fr.obj.Kind.Pos, Message: "this Flux Kustomization substitutes variables (spec.postBuild)"}},
			})
		}
	}
}

// nearest returns the stack declared nearest to a file.
func (a *assembler) nearest(file string) *Stack {
	var best *Stack
	score := -1
	for _, s := range a.stacks {
		if c := commonPrefix(path.Dir(file), path.Dir(s.Install.Files[0])); c > score {
			best, score = s, c
		}
	}
	return best
}
