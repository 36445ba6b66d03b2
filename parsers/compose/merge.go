package compose

import (
	"path"
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
	for _, m := range src.Mounts {
		if i := slices.IndexFunc(dst.Mounts, func(x *Mount) bool { return x.Target.V == m.Target.V }); i >= 0 {
			dst.Mounts[i] = m
		} else {
			dst.Mounts = append(dst.Mounts, m)
		}
	}
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

// ImageName returns the repository part of an image reference, without
// registry host, tag or digest: "docker.io/grafana/grafana:11.2@sha256:…"
// → "grafana/grafana"; "nginx" → "nginx".
func ImageName(image string) string {
	s, _, _ := strings.Cut(image, "@")
	if i := strings.LastIndex(s, ":"); i > strings.LastIndex(s, "/") {
		s = s[:i]
	}
	if first, rest, ok := strings.Cut(s, "/"); ok && (strings.ContainsAny(first, ".:") || first == "localhost") {
		s = rest
	}
	s = strings.TrimPrefix(s, "library/")
	return strings.ToLower(s)
}

// IsGrafana reports whether the service runs Grafana: an image
// grafana/grafana* (grafana, grafana-oss, grafana-enterprise, …; not
// grafana/grafana-image-renderer, the rendering service) or
// grafana/otel-lgtm, or a service named like "grafana" that builds its
// own image.
func (s *Service) IsGrafana() bool {
	if s.Image.IsSet() && !IsDynamic(s.Image.V) {
		name := ImageName(s.Image.V)
		if strings.HasPrefix(name, "grafana/grafana") && !strings.Contains(name, "image-renderer") || name == "grafana/otel-lgtm" {
			return true
		}
		if s.Build == nil {
			return false
		}
	}
	return s.Build != nil && strings.Contains(strings.ToLower(s.Name.V), "grafana")
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
