package fronting

import (
	"strconv"
	"strings"

	"github.com/grafanalint/grafanalint/parsers/model"
)

// Grafana is what a stack's effective grafana.ini says about where Grafana
// is served: [server] root_url (its origin and sub-path),
// serve_from_sub_path, http_port, and the settings the origin checks read.
type Grafana struct {
	// RootURL is the effective root_url; Setting where it comes from.
	RootURL string
	Setting *model.Setting
	// Scheme, Host and Port are root_url's origin (Port is the scheme's
	// default when root_url names none); OriginKnown is false when one of
	// them is a placeholder (${VAR}, <host>, {{ x }}) or root_url does not
	// parse.
	Scheme      string
	Host        string
	Port        int
	PortWritten bool
	OriginKnown bool
	// SubPath is root_url's path without the trailing "/" ("" or
	// "/grafana"), as Grafana computes it (pkg/setting
	// parseAppURLAndSubURL); SubPathKnown is false when the path holds a
	// placeholder or root_url does not parse.
	SubPath      string
	SubPathKnown bool
	// ServeFromSubPath is [server] serve_from_sub_path read as go-ini reads
	// booleans (false when unreadable); ServeFromSubPathSetting is the
	// setting.
	ServeFromSubPath        bool
	ServeFromSubPathSetting *model.Setting
	// Explicit is true when root_url, or the domain its default is built
	// from, is set in grafana.ini or the environment rather than left at
	// Grafana's default.
	Explicit bool
	// HTTPPort is [server] http_port (3000 unless set).
	HTTPPort int
	// AllowedOrigins are [live] allowed_origins entries; CSRFTrusted are
	// [security] csrf_trusted_origins host names; CSRFHeaders are
	// [security] csrf_additional_headers.
	AllowedOrigins []string
	CSRFTrusted    []string
	CSRFHeaders    []string
	// MaxConnections is [live] max_connections as Grafana reads it (100
	// when unreadable); MaxConnectionsSetting the setting.
	MaxConnections        int64
	MaxConnectionsSetting *model.Setting
}

// LivePath is the path browsers open Grafana Live's WebSocket on:
// the sub-path plus "/api/live/ws".
func (g *Grafana) LivePath() string { return g.SubPath + "/api/live/ws" }

// Origin formats root_url's origin as a browser's Origin header shows it.
func (g *Grafana) Origin() string {
	if (g.Scheme == "http" && g.Port == 80) || (g.Scheme == "https" && g.Port == 443) {
		return g.Scheme + "://" + g.Host
	}
	return g.Scheme + "://" + g.Host + ":" + strconv.Itoa(g.Port)
}

// ReadGrafana reads the settings of s that decide where Grafana is served.
func ReadGrafana(s *model.Settings) *Grafana {
	g := &Grafana{HTTPPort: 3000, MaxConnections: 100}
	st := s.Get("server", "root_url")
	g.Setting = st
	if st != nil {
		g.RootURL = st.Value
		g.Explicit = st.Source.Kind != model.SourceDefault
	} else {
		g.RootURL = "http://localhost:3000/"
	}
	if d := s.Get("server", "domain"); d != nil && d.Source.Kind != model.SourceDefault && (st == nil || st.Source.Kind == model.SourceDefault) {
		g.Explicit = true
	}
	g.parseRootURL()
	g.ServeFromSubPathSetting = s.Get("server", "serve_from_sub_path")
	if g.ServeFromSubPathSetting != nil {
		g.ServeFromSubPath, _ = ParseBool(g.ServeFromSubPathSetting.Value)
	}
	if p, err := strconv.Atoi(strings.TrimSpace(s.Value("server", "http_port"))); err == nil && p > 0 {
		g.HTTPPort = p
	}
	for _, e := range strings.Split(s.Value("live", "allowed_origins"), ",") {
		if e = strings.TrimSpace(e); e != "" {
			g.AllowedOrigins = append(g.AllowedOrigins, e)
		}
	}
	g.CSRFTrusted = strings.Fields(s.Value("security", "csrf_trusted_origins"))
	g.CSRFHeaders = strings.Fields(s.Value("security", "csrf_additional_headers"))
	g.MaxConnectionsSetting = s.Get("live", "max_connections")
	if g.MaxConnectionsSetting != nil {
		// go-ini's MustInt(100): strconv.ParseInt(value, 0, 64), the default
		// on error.
		if n, err := strconv.ParseInt(g.MaxConnectionsSetting.Value, 0, 64); err == nil {
			g.MaxConnections = n
		}
	}
	return g
}

// parseRootURL takes root_url apart as Grafana does (a "/" is appended,
// then net/url), leniently: a placeholder in the host leaves the path
// known, and the other way round.
func (g *Grafana) parseRootURL() {
	v := strings.TrimSpace(g.RootURL)
	scheme, rest, ok := strings.Cut(v, "://")
	if !ok {
		return
	}
	authority, path := rest, "/"
	if i := strings.Index(rest, "/"); i >= 0 {
		authority, path = rest[:i], rest[i:]
	}
	if i := strings.IndexAny(path, "?#"); i >= 0 {
		path = path[:i]
	}
	if !placeholder(path) {
		g.SubPath = strings.TrimSuffix(path, "/")
		g.SubPathKnown = true
	}
	scheme = strings.ToLower(scheme)
	if placeholder(scheme) || placeholder(authority) || authority == "" || (scheme != "http" && scheme != "https") {
		return
	}
	if i := strings.LastIndex(authority, "@"); i >= 0 {
		authority = authority[i+1:]
	}
	host, port := authority, ""
	if strings.HasPrefix(authority, "[") {
		end := strings.Index(authority, "]")
		if end < 0 {
			return
		}
		host, port = authority[:end+1], strings.TrimPrefix(authority[end+1:], ":")
	} else if i := strings.LastIndex(authority, ":"); i >= 0 {
		host, port = authority[:i], authority[i+1:]
	}
	g.Scheme, g.Host = scheme, strings.ToLower(host)
	g.Port = 80
	if scheme == "https" {
		g.Port = 443
	}
	if port != "" {
		n, err := strconv.Atoi(port)
		if err != nil || n <= 0 || n > 65535 {
			return
		}
		g.Port, g.PortWritten = n, true
	}
	g.OriginKnown = host != ""
}

// placeholder reports whether s holds a value only known at deploy time:
// ${VAR}, $__env{…}, a template's {{ x }}, {x} or <host>, or spaces.
func placeholder(s string) bool {
	return strings.ContainsAny(s, "${}<> \t")
}

// ParseBool reads a boolean as go-ini does (Key.Bool); ok is false when
// Grafana would fall back to the default.
func ParseBool(s string) (v, ok bool) {
	switch s {
	case "1", "t", "T", "true", "TRUE", "True", "y", "Y", "yes", "YES", "Yes", "on", "ON", "On":
		return true, true
	case "0", "f", "F", "false", "FALSE", "False", "n", "N", "no", "NO", "No", "off", "OFF", "Off":
		return false, true
	}
	return false, false
}
