package compose

import (
	"path"
	"regexp"
	"slices"
	"strings"

	"github.com/grafanalint/grafanalint/parsers/model"
)

// IsBaseName reports whether name is one of the file names docker compose
// reads by default (compose.yaml, compose.yml, docker-compose.yaml,
// docker-compose.yml).
func IsBaseName(name string) bool {
	switch name {
	case "compose.yaml", "compose.yml", "docker-compose.yaml", "docker-compose.yml":
		return true
	}
	return false
}

// IsOverrideName reports whether name is an override file docker compose
// applies automatically on top of the base file of its directory
// (compose.override.yaml, docker-compose.override.yml, ...).
func IsOverrideName(name string) bool {
	base := strings.TrimSuffix(strings.TrimSuffix(name, ".yaml"), ".yml")
	return base == "compose.override" || base == "docker-compose.override"
}

// IsComposeName reports whether a file name is one docker compose users
// give compose files: the default names, their overrides, and
// "docker-compose.<anything>.yml" / "compose.<anything>.yaml" variants
// (docker-compose.prod.yml). Such a file is read as a compose file
// whatever its content, so that one that does not parse is reported.
func IsComposeName(name string) bool {
	if IsBaseName(name) || IsOverrideName(name) {
		return true
	}
	lower := strings.ToLower(name)
	if !strings.HasSuffix(lower, ".yml") && !strings.HasSuffix(lower, ".yaml") {
		return false
	}
	return strings.HasPrefix(lower, "docker-compose.") || strings.HasPrefix(lower, "compose.")
}

// IsOverlay reports whether c only modifies services defined elsewhere:
// it has a service with neither image nor build, as files passed with a
// second "-f" usually do.
func (c *Compose) IsOverlay() bool {
	for _, s := range c.Services {
		if !s.Image.IsSet() && s.Build == nil {
			return true
		}
	}
	return false
}

// Merge returns base with overlays applied in order, the way
// "docker compose -f base -f overlay…" combines them: services are merged
// by name; image and build are replaced; environment entries are merged
// by name and mounts by target (the overlay wins); env_file entries and
// ports are appended. The inputs are not modified. Path is base's.
func Merge(base *Compose, overlays ...*Compose) *Compose {
	out := &Compose{Path: base.Path, Name: base.Name}
	for _, s := range base.Services {
		out.Services = append(out.Services, cloneService(s))
	}
	for _, o := range overlays {
		if o == nil {
			continue
		}
		if o.Name.IsSet() {
			out.Name = o.Name
		}
		for _, s := range o.Services {
			cur := out.Service(s.Name.V)
			if cur == nil {
				out.Services = append(out.Services, cloneService(s))
				continue
			}
			mergeService(cur, s)
		}
	}
	return out
}

func cloneService(s *Service) *Service {
	c := *s
	c.Mounts = slices.Clone(s.Mounts)
	c.Volumes = slices.Clone(s.Volumes)
	c.Environment = slices.Clone(s.Environment)
	c.EnvFiles = slices.Clone(s.EnvFiles)
	c.Ports = slices.Clone(s.Ports)
	c.Aliases = slices.Clone(s.Aliases)
	return &c
}

func mergeService(dst, src *Service) {
	dst.File = src.File
	if src.Image.IsSet() {
		dst.Image = src.Image
	}
	if src.Build != nil {
		dst.Build = src.Build
	}
	// Mounts merge by target, whether bind or volume.
	dst.Mounts = mergeMounts(dst.Mounts, src.Mounts, src.Volumes)
	dst.Volumes = mergeMounts(dst.Volumes, src.Volumes, src.Mounts)
	for _, e := range src.Environment {
		if i := slices.IndexFunc(dst.Environment, func(x *Env) bool { return x.Name.V == e.Name.V }); i >= 0 {
			dst.Environment[i] = e
		} else {
			dst.Environment = append(dst.Environment, e)
		}
	}
	for _, f := range src.EnvFiles {
		if !slices.ContainsFunc(dst.EnvFiles, func(x *EnvFile) bool { return x.Resolved == f.Resolved && x.Path.V == f.Path.V }) {
			dst.EnvFiles = append(dst.EnvFiles, f)
		}
	}
	dst.Ports = append(dst.Ports, src.Ports...)
	if src.ContainerName != "" {
		dst.ContainerName = src.ContainerName
	}
	if src.Hostname != "" {
		dst.Hostname = src.Hostname
	}
	dst.Aliases = append(dst.Aliases, src.Aliases...)
}

// mergeMounts returns dst with the mounts of over replacing those of the
// same target (or appended), and those whose target one of other takes
// removed.
func mergeMounts(dst, over, other []*Mount) []*Mount {
	out := slices.DeleteFunc(slices.Clone(dst), func(x *Mount) bool {
		return slices.ContainsFunc(other, func(o *Mount) bool { return o.Target.V == x.Target.V })
	})
	for _, m := range over {
		if i := slices.IndexFunc(out, func(x *Mount) bool { return x.Target.V == m.Target.V }); i >= 0 {
			out[i] = m
		} else {
			out = append(out, m)
		}
	}
	return out
}

// ImageName returns the repository part of an image reference, without
// registry host, tag or digest: "docker.io/grafana/grafana:11.2@sha256:…"
// → "grafana/grafana"; "nginx" → "nginx". Parts the project's variables
// do not tell ("${REGISTRY}/grafana/grafana:${TAG}") are written as
// Unknown; an unknown first segment is taken for a registry host.
func ImageName(image string) string {
	name, _ := splitImage(image)
	return name
}

// Unknown stands for an unknown part in what ImageName and ImageTag
// return.
const Unknown = "\x00"

// splitImage returns the repository and the tag of an image reference.
func splitImage(image string) (name, tag string) {
	s := interpolation.ReplaceAllString(image, Unknown)
	s, _, _ = strings.Cut(s, "@")
	if i := strings.LastIndex(s, ":"); i > strings.LastIndex(s, "/") {
		s, tag = s[:i], s[i+1:]
	}
	if first, rest, ok := strings.Cut(s, "/"); ok && (strings.ContainsAny(first, ".:"+Unknown) || first == "localhost") {
		s = rest
	}
	s = strings.TrimPrefix(s, "library/")
	return strings.ToLower(s), tag
}

// ImageTag returns the tag of an image reference ("" when it has none;
// Unknown marks unknown parts).
func ImageTag(image string) string {
	_, tag := splitImage(image)
	return tag
}

// IsGrafana reports whether the service runs Grafana: an image
// grafana/grafana* (grafana, grafana-oss, grafana-enterprise, …; not
// grafana/grafana-image-renderer, the rendering service) or
// grafana/otel-lgtm, also when its registry or tag is a variable; or a
// service named like "grafana" that builds its own image.
func (s *Service) IsGrafana() bool {
	if s.Image.IsSet() {
		if IsGrafanaImage(s.Image.V) || ImageName(s.Image.V) == "grafana/otel-lgtm" {
			return true
		}
		if s.Build == nil {
			return false
		}
	}
	return s.Build != nil && strings.Contains(strings.ToLower(s.Name.V), "grafana")
}

// IsGrafanaImage reports whether image is one of Grafana's own images
// (grafana/grafana, grafana/grafana-oss, grafana/grafana-enterprise, …,
// not the image renderer), whose tag is the Grafana version.
func IsGrafanaImage(image string) bool {
	name := ImageName(image)
	return strings.HasPrefix(name, "grafana/grafana") && !strings.Contains(name, "image-renderer") && !strings.Contains(name, Unknown)
}

// GrafanaVersion is what a Grafana image's tag says about the version.
type GrafanaVersion struct {
	// Version is "major.minor.patch" (or shorter, as the tag has it); ""
	// when the tag names no version.
	Version string
	// Latest is true for an image without tag or tagged "latest": the
	// newest release.
	Latest bool
	// Unknown is true when the tag is a variable the project's variables
	// do not tell.
	Unknown bool
}

var versionTag = regexp.MustCompile(`^v?(\d+)(\.\d+)?(\.\d+)?(?:$|[-+_.])`)

// ImageGrafanaVersion reads the Grafana version from the tag of one of
// Grafana's images: "grafana/grafana:11.2.0", "grafana/grafana-oss:10.4.2-ubuntu",
// "docker.io/grafana/grafana-enterprise:12.0.1@sha256:…". ok is false for
// other images.
func ImageGrafanaVersion(image string) (v GrafanaVersion, ok bool) {
	if !IsGrafanaImage(image) {
		return v, false
	}
	tag := ImageTag(image)
	switch {
	case strings.Contains(tag, Unknown):
		v.Unknown = true
	case tag == "" || tag == "latest" || strings.HasPrefix(tag, "latest-"):
		v.Latest = true
	default:
		if m := versionTag.FindStringSubmatch(tag); m != nil {
			v.Version = m[1] + m[2] + m[3]
		}
	}
	return v, true
}

// IsNginx reports whether the service runs nginx: an image whose last
// path segment starts with "nginx" or "openresty" (nginx, nginx:alpine,
// nginxinc/nginx-unprivileged, bitnami/nginx, openresty/openresty), or a
// service named like "nginx" that builds its own image.
func (s *Service) IsNginx() bool {
	if s.Image.IsSet() {
		name := path.Base(ImageName(s.Image.V))
		if strings.HasPrefix(name, "nginx") || strings.HasPrefix(name, "openresty") {
			return true
		}
		if s.Build == nil {
			return false
		}
	}
	return s.Build != nil && strings.Contains(strings.ToLower(s.Name.V), "nginx")
}

// EnvVars returns the service's environment entries in the model's form,
// leaving out entries whose value comes from the host shell.
func (s *Service) EnvVars() []model.EnvVar {
	var out []model.EnvVar
	for _, e := range s.Environment {
		if !e.FromHost {
			out = append(out, e.EnvVar())
		}
	}
	return out
}
