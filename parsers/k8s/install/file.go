// Package install describes, as plain data, one Grafana that a Kubernetes
// source deploys — the files its container sees (at container paths, with
// content from ConfigMaps, Secrets, rendered values or repository files),
// its environment, the sidecars and operator that feed it at run time and
// the ingresses in front of it — before the assembly step resolves what it
// references across files. It also parses those files as the kind Grafana
// takes them for, with positions in the file the user wrote.
package install

import (
	"path"
	"strings"

	"github.com/grafanalint/grafanalint/parsers/dashboard"
	"github.com/grafanalint/grafanalint/parsers/grafanaini"
	"github.com/grafanalint/grafanalint/parsers/k8s/srcmap"
	"github.com/grafanalint/grafanalint/parsers/model"
	"github.com/grafanalint/grafanalint/parsers/nginx"
	"github.com/grafanalint/grafanalint/parsers/provisioning"
	"github.com/grafanalint/grafanalint/parsers/suppress"
)

// File is a file a Grafana container (or its sidecar) may see.
type File struct {
	// Name is the file's name: a ConfigMap key, a values key.
	Name string
	// Virtual is the display path the model gives it:
	// "<manifest>#<Kind>/<name>/<key>", "<values file>#datasources/<key>".
	Virtual string
	// Text is the content, mapped to where it is written. Nil when the
	// content is a repository file (Disk) or unknown (Unknown).
	Text *srcmap.Text
	// Disk is the display path of the repository file holding the content
	// (a kustomize generator's file, a chart's dashboard "file:").
	Disk string
	// Unknown says why the content is not known, e.g. "downloaded from
	// grafana.com at install time".
	Unknown string
	// Pos is where the file is declared (its key).
	Pos model.Pos
	// Owner names what holds the file, for messages: "ConfigMap
	// \"grafana\"", "values dashboards.default".
	Owner string
	// Problem is set when the content could not be decoded.
	Problem *model.Problem
	// Used is the kind a Grafana reads the file as ("" when none does).
	Used model.Kind

	parsed  map[model.Kind]*Parsed
	sniffed *model.Kind
}

// Report returns the file's parse result whose problems and ignores
// belong in the output: the kind a Grafana reads it as, else the kind its
// content shows (nil when it was not parsed).
func (f *File) Report() *Parsed {
	if f.parsed == nil {
		return nil
	}
	if f.Used != "" {
		return f.parsed[f.Used]
	}
	return f.parsed[f.Sniff()]
}

// Parsed is a file read as one kind.
type Parsed struct {
	Kind  model.Kind
	Ini   *model.IniFile
	DS    *model.DatasourceFile
	Prov  *model.ProviderFile
	Dash  *model.Dashboard
	Nginx *model.NginxConfig
	// Problems and Ignores have positions in the file the user wrote.
	Problems []model.Problem
	Ignores  []model.Ignore
}

// Sniff guesses the kind of f's content: a dashboard (JSON), datasource or
// dashboard provisioning (YAML), a grafana.ini or an nginx config; "" when
// none or unknown.
func (f *File) Sniff() model.Kind {
	if f.sniffed != nil {
		return *f.sniffed
	}
	k := f.sniff()
	f.sniffed = &k
	return k
}

func (f *File) sniff() model.Kind {
	if f.Text == nil {
		if f.Unknown != "" && strings.HasSuffix(f.Name, ".json") {
			return model.KindDashboard
		}
		return ""
	}
	ext := strings.ToLower(path.Ext(f.Name))
	// A block scalar is sniffed in its raw lines: for JSON, indentation
	// is white space.
	if raw, ok := f.Text.Raw(); ok && dashboard.Sniff(raw.Data) {
		return model.KindDashboard
	}
	src := []byte(f.Text.String())
	switch {
	case dashboard.Sniff(src):
		return model.KindDashboard
	case ext == ".yaml" || ext == ".yml" || ext == "":
		if k := provisioning.Sniff(src); k != "" {
			return k
		}
	}
	switch {
	case ext == ".ini" || f.Name == "grafana.ini" || f.Name == "custom.ini":
		return model.KindIni
	case (ext == ".conf" || ext == "") && nginx.Sniff(f.Name, src):
		return model.KindNginx
	}
	return ""
}

// As returns f read as kind (parsed once per kind). It is nil for a file
// whose content is not in the manifest (Disk, Unknown).
func (f *File) As(kind model.Kind) *Parsed {
	if f.Text == nil {
		return nil
	}
	if p, ok := f.parsed[kind]; ok {
		return p
	}
	if f.parsed == nil {
		f.parsed = map[model.Kind]*Parsed{}
	}
	p := Parse(kind, f.Virtual, f.Text)
	f.parsed[kind] = p
	return p
}

// Parse reads text as a file of the given kind shown as virtual, and maps
// every position to the file the text is written in.
func Parse(kind model.Kind, virtual string, t *srcmap.Text) *Parsed {
	if kind == model.KindDashboard {
		if p := parseRawDashboard(virtual, t); p != nil {
			return p
		}
	}
	src := []byte(t.String())
	p := &Parsed{Kind: kind}
	switch kind {
	case model.KindIni:
		p.Ini, p.Problems = grafanaini.Parse(virtual, src)
	case model.KindDatasources:
		p.DS, p.Problems = provisioning.ParseDatasources(virtual, src)
	case model.KindProviders:
		p.Prov, p.Problems = provisioning.ParseProviders(virtual, src)
	case model.KindDashboard:
		p.Dash, p.Problems = dashboard.Parse(virtual, src)
	case model.KindNginx:
		// A path of its own under a root no file has (".." of a display
		// path outside the working directory kept as a name).
		abs := path.Join("/grafanalint-embedded", strings.NewReplacer("#", "/", " ", "_", "..", "__").Replace(virtual))
		p.Nginx, p.Problems = nginx.Load(abs, nginx.Options{
			Root:    "/grafanalint-embedded",
			Display: func(a string) string { return virtual },
			ReadFile: func(a string) ([]byte, error) {
				if path.Clean(a) == abs {
					return src, nil
				}
				return nil, errNotInManifest
			},
			Glob: func(string) ([]string, error) { return nil, nil },
		})
	}
	if kind != model.KindDashboard {
		p.Ignores, _ = suppress.Scan(virtual, src, kind)
	}
	if p.Dash != nil {
		t.RemapDashboard(p.Dash, virtual)
		t.Remap(&p.Problems, virtual)
	} else {
		t.Remap(p, virtual)
	}
	for i := range p.Ignores {
		ig := &p.Ignores[i]
		for j, l := range ig.Lines {
			ig.Lines[j] = t.Pos(model.Pos{File: virtual, Line: l, Col: 1}).Line
		}
	}
	return p
}

// parseRawDashboard reads a dashboard written as a block scalar from the
// block's lines as they are in the manifest: for JSON the indentation and
// line breaks between tokens are white space, and a value cannot span
// lines, so the dashboard is the same and its positions are the
// manifest's, a number of lines down. It is nil when t is not a block
// scalar, or when the raw lines do not parse (a folded block may join a
// string's lines; the problems are then those of the decoded text).
func parseRawDashboard(virtual string, t *srcmap.Text) *Parsed {
	raw, ok := t.Raw()
	if !ok {
		return nil
	}
	d, probs := dashboard.ParseEmbedded(virtual, raw.Data, dashboard.Embedded{File: raw.Path, Line: raw.Line, Starts: raw.Starts})
	if len(probs) > 0 {
		return nil
	}
	return &Parsed{Kind: model.KindDashboard, Dash: d}
}

type notInManifest struct{}

func (notInManifest) Error() string { return "the file is not in the manifest" }

var errNotInManifest error = notInManifest{}
