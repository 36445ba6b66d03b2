package discover

import (
	"fmt"
	"path"
	"slices"

	"github.com/grafanalint/grafanalint/parsers/compose"
	"github.com/grafanalint/grafanalint/parsers/model"
)

// imageVersion returns what the tag of a Grafana service's image says
// about the Grafana version; nil when the service builds its image or
// runs another one (grafana/otel-lgtm's tags are its own).
func imageVersion(s *compose.Service) *model.GrafanaVersion {
	if s.Build != nil || !s.Image.IsSet() {
		return nil
	}
	v, ok := compose.ImageGrafanaVersion(s.Image.V)
	if !ok {
		return nil
	}
	gv := &model.GrafanaVersion{Version: v.Version, Pos: s.Image.Pos}
	switch {
	case v.Unknown:
		gv.From = fmt.Sprintf("image %s: its tag is a variable the project's .env does not set", s.Image.V)
	case v.Latest:
		gv.From = fmt.Sprintf("image %s: latest, the current release", s.Image.V)
	case v.Version == "":
		gv.From = fmt.Sprintf("image %s: its tag names no version", s.Image.V)
	default:
		gv.From = "image " + s.Image.V
	}
	return gv
}

// grafanaImageDirs are the directories of the official Grafana image
// whose content comes with it (GF_PATHS_HOME: bin, conf, public,
// plugins-bundled); a provider path below them is not known to be empty.
var grafanaImageDirs = []string{grafanaHome}

// missingPaths records the places of a compose Grafana service that
// provide nothing: bind mounts onto paths Grafana reads whose source does
// not exist, and dashboard provider paths that no mount, Dockerfile copy
// or image content provides.
func (b *builder) missingPaths() {
	s := b.service
	for _, m := range b.missingMounts {
		reason := b.readsFrom(m.Target.V)
		if reason == "" {
			continue
		}
		if m.NoCreateHostPath {
			reason += "; with create_host_path: false Docker refuses to start the container instead (\"bind source path does not exist\")"
		} else if m.Target.V == b.cfgPath {
			reason += "; Docker creates an empty directory in place of the missing file and Grafana stops: \"is a directory\""
		} else {
			reason += "; Docker creates the source as an empty directory"
		}
		b.st.MissingPaths = append(b.st.MissingPaths, model.MissingPath{
			Kind: model.MissingMount, Pos: m.Source.Pos, End: m.Source.End,
			Host: b.l.treeForm(m.Host), Container: m.Target.V, Service: s.Name.V, Reason: reason,
		})
	}
	// What is not mounted comes from the image: only Grafana's own image
	// is known (a built one may add anything).
	if s.Build != nil || !compose.IsGrafanaImage(s.Image.V) {
		return
	}
	for _, pf := range b.st.ProviderFiles {
		for _, p := range pf.Providers {
			if p.PathDynamic || p.Path.V == "" || compose.IsDynamic(p.Path.V) {
				continue
			}
			cp := p.Path.V
			if !path.IsAbs(cp) {
				cp = path.Join(grafanaHome, cp)
			}
			cp = path.Clean(cp)
			ok, via := b.provided(cp)
			if ok {
				continue
			}
			name := p.Name.V
			if name == "" {
				name = "(unnamed)"
			}
			why := fmt.Sprintf("no volume of service %q (%s) provides it and the %s image has nothing there", s.Name.V, b.st.ComposeFile, compose.ImageName(s.Image.V))
			if via != "" {
				why = via
			}
			b.st.MissingPaths = append(b.st.MissingPaths, model.MissingPath{
				Kind: model.MissingProviderPath, Pos: p.Path.Pos, End: p.Path.End, Container: cp, Service: s.Name.V,
				Reason: fmt.Sprintf("dashboard provider %q reads %q, but %s: Grafana loads no dashboards from this provider", name, cp, why),
			})
		}
	}
}

// readsFrom says what Grafana reads at container path t (the target of
// a bind mount whose source is missing), "" when it reads nothing there
// that the stack knows of. A path Grafana reads counts when t is inside
// it, or when t holds it and no deeper mount serves it instead (a missing
// data directory at /var/lib/grafana does not matter for dashboards
// mounted at /var/lib/grafana/dashboards).
func (b *builder) readsFrom(t string) string {
	affects := func(x string) bool {
		if covers(x, t) {
			return true
		}
		if !covers(t, x) {
			return false
		}
		for _, m := range b.v.layers(x) {
			if m.bind && m.target != t && covers(t, m.target) {
				return false // a deeper bind mount serves x
			}
		}
		return true
	}
	switch {
	case affects(b.cfgPath) && t == b.cfgPath:
		return fmt.Sprintf("Grafana reads its configuration from %q", b.cfgPath)
	case affects(b.cfgPath):
		return fmt.Sprintf("Grafana reads its configuration from %q below it", b.cfgPath)
	case affects(b.provPath):
		return fmt.Sprintf("Grafana reads its provisioning from %q: no datasources or dashboards are provisioned from there", b.provPath)
	}
	for _, pf := range b.st.ProviderFiles {
		for _, p := range pf.Providers {
			if p.PathDynamic || p.Path.V == "" || !path.IsAbs(p.Path.V) {
				continue
			}
			cp := path.Clean(p.Path.V)
			if affects(cp) {
				return fmt.Sprintf("dashboard provider %q loads dashboards from %q: none are loaded", p.Name.V, cp)
			}
		}
	}
	return ""
}

// provided reports whether something may be at container path cp: a
// mount or copy of the tree holding it or mounted inside it, a volume or
// host path whose content is not known, a missing mount already reported,
// or the image's own files. When nothing is, via names the bind mount
// that leaves cp empty ("" when no mount covers it).
func (b *builder) provided(cp string) (ok bool, via string) {
	near := func(t string) bool { return covers(t, cp) || covers(cp, t) }
	if slices.ContainsFunc(b.opaque, near) {
		return true, ""
	}
	if slices.ContainsFunc(b.missingMounts, func(m *compose.Mount) bool { return near(m.Target.V) }) {
		return true, ""
	}
	for _, m := range b.v.ms {
		if m.target != cp && covers(cp, m.target) {
			return true, "" // something is mounted inside it
		}
	}
	if _, _, found := b.v.stat(cp); found {
		return true, ""
	}
	for _, m := range b.v.layers(cp) {
		host := b.l.tree.join(m.host, rest(m.target, cp))
		if !b.l.missingOnDisk(host) {
			return true, "" // on disk, but skipped by the walk
		}
		if via == "" {
			via = fmt.Sprintf("the mount of %q at %q has no %q", m.host, m.target, host)
		}
	}
	if via != "" {
		return false, via
	}
	return slices.ContainsFunc(grafanaImageDirs, func(d string) bool { return covers(d, cp) }), ""
}
