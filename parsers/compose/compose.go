// Package compose reads Docker Compose files into what grafanalint needs to
// know about a deployment: each service's image or build context, its bind
// mounts (host path → container path), its environment (environment:
// entries and env_file references) and its ports, every value with its
// position.
//
// Compose's own interpolation (${VAR}, ${VAR:-default}, $VAR) is not
// performed: values are kept as written and marked Dynamic, since their
// real value is known only when compose runs. YAML anchors, aliases and
// merge keys (<<: *x, <<: [*a, *b]) are resolved. Relative mount sources,
// build contexts and env_file paths are resolved against the compose
// file's directory and returned as display paths ("/"-separated, relative
// to the working directory like the compose file's own path).
//
// Merge applies override files the way "docker compose -f a -f b" does,
// and ParseDockerfile reads the COPY/ADD instructions of a build context's
// Dockerfile, so files baked into an image can be mapped like mounts.
package compose

import (
	"fmt"
	"path"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"gopkg.in/yaml.v3"

	"github.com/grafanalint/grafanalint/parsers/model"
)

// Compose is one compose file.
type Compose struct {
	// Path is the file's display path.
	Path string `json:"path"`
	// Name is the top-level "name:" (the project name), if any.
	Name     model.Str  `json:"name,omitzero"`
	Services []*Service `json:"services"`
}

// Service is one entry of "services:".
type Service struct {
	Name model.Str `json:"name"`
	// File is the display path of the compose file that defined it (for a
	// merged service, the file of its last definition).
	File  string    `json:"file"`
	Image model.Str `json:"image,omitzero"`
	Build *Build    `json:"build,omitempty"`
	// Mounts are the bind mounts in file order. Named volumes and tmpfs
	// mounts are left out: no file of the tree can be behind them.
	Mounts []*Mount `json:"mounts,omitempty"`
	// Environment holds the "environment:" entries in file order.
	Environment []*Env `json:"environment,omitempty"`
	// EnvFiles are the "env_file:" entries in file order.
	EnvFiles []*EnvFile `json:"envFiles,omitempty"`
	Ports    []*Port    `json:"ports,omitempty"`
	// ContainerName, Hostname and Aliases (networks.*.aliases) are further
	// names the service answers to on its networks.
	ContainerName string   `json:"containerName,omitempty"`
	Hostname      string   `json:"hostname,omitempty"`
	Aliases       []string `json:"aliases,omitempty"`
}

// Hosts returns the names the service answers to: its name, then
// container_name, hostname and network aliases, without duplicates.
func (s *Service) Hosts() []string {
	var out []string
	for _, h := range append([]string{s.Name.V, s.ContainerName, s.Hostname}, s.Aliases...) {
		if h != "" && !slices.Contains(out, h) {
			out = append(out, h)
		}
	}
	return out
}

// Build is a service's build: its context directory and Dockerfile.
type Build struct {
	// Context is the context as written ("." when build: is a mapping
	// without one).
	Context model.Str `json:"context"`
	// Dir is the context resolved to a display path; "" when it is a URL
	// or contains interpolation that has no default.
	Dir string `json:"dir,omitempty"`
	// Dockerfile is the Dockerfile's display path ("<Dir>/Dockerfile"
	// unless build.dockerfile names another); "" when Dir is.
	Dockerfile string `json:"dockerfile,omitempty"`
}

// Mount is one bind mount.
type Mount struct {
	// Source is the host path as written.
	Source model.Str `json:"source"`
	// Host is Source resolved to a display path (relative sources against
	// the compose file's directory; ${VAR:-default} replaced by its
	// default and $PWD by that directory). Absolute sources stay absolute
	// (Absolute is then true); "" when Source cannot be resolved.
	Host     string `json:"host,omitempty"`
	Absolute bool   `json:"absolute,omitempty"`
	// Target is the path inside the container, cleaned.
	Target   model.Str `json:"target"`
	ReadOnly bool      `json:"readOnly,omitempty"`
	// Dynamic is true when Source or Target contains interpolation.
	Dynamic bool `json:"dynamic,omitempty"`
}

// Env is one "environment:" entry.
type Env struct {
	Name model.Str `json:"name"`
	// Value is the value as written (compose interpolation kept); not
	// serialised, since it may be a secret.
	Value model.Str `json:"-"`
	// FromHost is true for a bare "- NAME" or "NAME:" entry, whose value
	// comes from the shell running compose.
	FromHost bool `json:"fromHost,omitempty"`
	// Dynamic is true when Value contains compose interpolation.
	Dynamic bool `json:"dynamic,omitempty"`
}

// EnvVar converts e to the model's form (Value as written). Pos is the
// name's position; ValuePos, where the value starts (inside any quotes),
// is zero for an entry whose value comes from the host shell.
func (e *Env) EnvVar() model.EnvVar {
	v := model.EnvVar{Name: e.Name.V, Value: e.Value.V, Pos: e.Name.Pos}
	if !e.FromHost {
		v.ValuePos = e.Value.Pos
	}
	return v
}

// EnvFile is one "env_file:" entry.
type EnvFile struct {
	// Path is the entry as written; Resolved is it as a display path ("" if
	// it cannot be resolved).
	Path     model.Str `json:"path"`
	Resolved string    `json:"resolved,omitempty"`
	// Required is false for the long form with "required: false".
	Required bool `json:"required"`
}

// Port is one "ports:" entry.
type Port struct {
	// Raw is the short form as written, or "published:target" rebuilt from
	// the long form (positioned at the entry).
	Raw model.Str `json:"raw"`
	// HostIP, Published and Target are the parts of the mapping;
	// Published is "" when the port is not published on the host.
	HostIP    string `json:"hostIp,omitempty"`
	Published string `json:"published,omitempty"`
	Target    string `json:"target"`
	Protocol  string `json:"protocol,omitempty"`
	Dynamic   bool   `json:"dynamic,omitempty"`
}

// Service returns the service with the given name, or nil.
func (c *Compose) Service(name string) *Service {
	for _, s := range c.Services {
		if s.Name.V == name {
			return s
		}
	}
	return nil
}

var interpolation = regexp.MustCompile(`\$(\{[^}]*\}|[A-Za-z_][A-Za-z0-9_]*)`)

// IsDynamic reports whether s contains compose interpolation ($VAR or
// ${...}; "$$" is a literal dollar).
func IsDynamic(s string) bool {
	return interpolation.MatchString(strings.ReplaceAll(s, "$$", ""))
}

// Sniff reports whether src looks like a compose file: a YAML document
// with a top-level "services:" mapping.
func Sniff(src []byte) bool {
	for line := range strings.Lines(string(src)) {
		rest, ok := strings.CutPrefix(line, "services:")
		if !ok {
			continue
		}
		rest = strings.TrimSpace(rest)
		if rest == "" || strings.HasPrefix(rest, "#") || strings.HasPrefix(rest, "{") || strings.HasPrefix(rest, "&") {
			return true
		}
	}
	return false
}

// Parse reads a compose file whose display path is p. A file that is not
// valid YAML yields a syntax problem and a nil Compose; a file whose shape
// is wrong in places yields what could be read plus a problem for each
// place.
func Parse(p string, src []byte) (*Compose, []model.Problem) {
	var doc yaml.Node
	if err := yaml.Unmarshal(src, &doc); err != nil {
		return nil, []model.Problem{yamlProblem(p, err)}
	}
	r := &reader{file: p, dir: path.Dir(p)}
	c := &Compose{Path: p}
	root := resolve(&doc)
	if root != nil && root.Kind == yaml.DocumentNode && len(root.Content) > 0 {
		root = resolve(root.Content[0])
	}
	if root == nil || root.Kind == 0 {
		return c, nil
	}
	if root.Kind != yaml.MappingNode {
		r.problem(root, "expected a mapping with \"services:\" at the top of a compose file")
		return c, r.problems
	}
	for _, kv := range r.pairs(root) {
		switch kv.key.Value {
		case "name":
			c.Name = r.str(kv.val)
		case "services":
			if kv.val.Kind != yaml.MappingNode {
				if kv.val.Tag != "!!null" {
					r.problem(kv.val, "expected a mapping of service names under \"services:\"")
				}
				continue
			}
			for _, s := range r.pairs(kv.val) {
				c.Services = append(c.Services, r.service(s.key, s.val))
			}
		}
	}
	return c, r.problems
}

type reader struct {
	file     string
	dir      string
	problems []model.Problem
}

type pair struct{ key, val *yaml.Node }

func (r *reader) problem(n *yaml.Node, msg string) {
	r.problems = append(r.problems, model.Problem{Kind: model.ProblemSyntax, Message: msg, Pos: r.pos(n)})
}

func (r *reader) pos(n *yaml.Node) model.Pos {
	p := model.Pos{File: r.file, Line: n.Line, Col: n.Column}
	if n.Style&(yaml.DoubleQuotedStyle|yaml.SingleQuotedStyle) != 0 {
		p.Col++
	}
	return p
}

func (r *reader) str(n *yaml.Node) model.Str {
	if n.Kind != yaml.ScalarNode || n.Tag == "!!null" {
		return model.Str{Pos: r.pos(n)}
	}
	s := model.Str{V: n.Value, Pos: r.pos(n)}
	if !strings.Contains(n.Value, "\n") && n.Style&(yaml.LiteralStyle|yaml.FoldedStyle) == 0 {
		s.End = s.Pos
		s.End.Col += utf8.RuneCountInString(n.Value)
	}
	return s
}

// resolve follows aliases.
func resolve(n *yaml.Node) *yaml.Node {
	for i := 0; n != nil && n.Kind == yaml.AliasNode && i < 100; i++ {
		n = n.Alias
	}
	return n
}

// pairs returns a mapping's key/value pairs with merge keys applied:
// explicit keys win over merged ones, earlier merged maps over later ones.
func (r *reader) pairs(m *yaml.Node) []pair {
	return r.pairsDepth(m, 0)
}

func (r *reader) pairsDepth(m *yaml.Node, depth int) []pair {
	m = resolve(m)
	if m == nil || m.Kind != yaml.MappingNode || depth > 20 {
		return nil
	}
	var own, merged []pair
	for i := 0; i+1 < len(m.Content); i += 2 {
		k, v := m.Content[i], resolve(m.Content[i+1])
		if v == nil {
			continue
		}
		if k.Value == "<<" && k.Style == 0 {
			var srcs []*yaml.Node
			if v.Kind == yaml.SequenceNode {
				for _, e := range v.Content {
					srcs = append(srcs, resolve(e))
				}
			} else {
				srcs = append(srcs, v)
			}
			for _, s := range srcs {
				merged = append(merged, r.pairsDepth(s, depth+1)...)
			}
			continue
		}
		own = append(own, pair{k, v})
	}
	out := own
	for _, p := range merged {
		if !slices.ContainsFunc(out, func(q pair) bool { return q.key.Value == p.key.Value }) {
			out = append(out, p)
		}
	}
	return out
}

func (r *reader) service(k, v *yaml.Node) *Service {
	s := &Service{Name: r.str(k), File: r.file}
	if v.Kind != yaml.MappingNode {
		if v.Tag != "!!null" {
			r.problem(v, fmt.Sprintf("expected a mapping for service %q", k.Value))
		}
		return s
	}
	for _, kv := range r.pairs(v) {
		switch kv.key.Value {
		case "image":
			s.Image = r.str(kv.val)
		case "build":
			s.Build = r.build(kv.val)
		case "volumes":
			s.Mounts = r.volumes(kv.val)
		case "environment":
			s.Environment = r.environment(kv.val)
		case "env_file":
			s.EnvFiles = r.envFiles(kv.val)
		case "ports":
			s.Ports = r.ports(kv.val)
		case "container_name":
			s.ContainerName = kv.val.Value
		case "hostname":
			s.Hostname = kv.val.Value
		case "networks":
			for _, nw := range r.pairs(kv.val) {
				for _, o := range r.pairs(nw.val) {
					if o.key.Value == "aliases" && o.val.Kind == yaml.SequenceNode {
						for _, a := range o.val.Content {
							if a = resolve(a); a.Kind == yaml.ScalarNode {
								s.Aliases = append(s.Aliases, a.Value)
							}
						}
					}
				}
			}
		}
	}
	return s
}

func (r *reader) build(n *yaml.Node) *Build {
	b := &Build{}
	dockerfile := "Dockerfile"
	switch n.Kind {
	case yaml.ScalarNode:
		b.Context = r.str(n)
	case yaml.MappingNode:
		b.Context = model.Str{V: ".", Pos: r.pos(n)}
		for _, kv := range r.pairs(n) {
			switch kv.key.Value {
			case "context":
				b.Context = r.str(kv.val)
			case "dockerfile":
				if kv.val.Kind == yaml.ScalarNode && kv.val.Value != "" {
					dockerfile = kv.val.Value
				}
			}
		}
	default:
		r.problem(n, "expected a path or a mapping with \"context:\" for build")
		return b
	}
	if strings.Contains(b.Context.V, "://") || strings.HasPrefix(b.Context.V, "git@") {
		return b
	}
	if dir, ok := r.hostPath(b.Context.V); ok {
		b.Dir = dir
		if !IsDynamic(dockerfile) {
			if path.IsAbs(dockerfile) {
				b.Dockerfile = dockerfile
			} else {
				b.Dockerfile = path.Join(dir, dockerfile)
			}
		}
	}
	return b
}

// hostPath resolves a host path written in the compose file to a display
// path. ok is false when it cannot be resolved.
func (r *reader) hostPath(s string) (string, bool) {
	s = interpolation.ReplaceAllStringFunc(s, func(m string) string {
		name := strings.Trim(m, "${}")
		if name == "PWD" {
			return r.absDir()
		}
		for _, sep := range []string{":-", "-"} {
			if _, def, ok := strings.Cut(name, sep); ok {
				return def
			}
		}
		return "\x00"
	})
	if strings.Contains(s, "\x00") || s == "" || strings.HasPrefix(s, "~") {
		return "", false
	}
	if path.IsAbs(s) || strings.HasPrefix(s, "\x01") {
		return path.Clean(strings.TrimPrefix(s, "\x01")), true
	}
	return path.Join(r.dir, s), true
}

// absDir stands for the compose file's directory in $PWD; it is marked so
// hostPath joins it as a relative path.
func (r *reader) absDir() string { return "\x01" + r.dir }

func (r *reader) volumes(n *yaml.Node) []*Mount {
	if n.Kind != yaml.SequenceNode {
		if n.Tag != "!!null" {
			r.problem(n, "expected a list of volumes")
		}
		return nil
	}
	var out []*Mount
	for _, e := range n.Content {
		e = resolve(e)
		var m *Mount
		switch e.Kind {
		case yaml.ScalarNode:
			m = r.shortVolume(e)
		case yaml.MappingNode:
			m = r.longVolume(e)
		default:
			r.problem(e, "expected \"source:target[:mode]\" or a mapping with type, source and target")
		}
		if m != nil {
			out = append(out, m)
		}
	}
	return out
}

func (r *reader) shortVolume(e *yaml.Node) *Mount {
	parts := splitVolume(e.Value)
	if len(parts) < 2 {
		return nil // an anonymous volume: "/var/lib/grafana"
	}
	src, dst := parts[0], parts[1]
	if !isHostPath(src) {
		return nil // a named volume
	}
	base := r.str(e)
	m := &Mount{
		Source: model.Str{V: src, Pos: base.Pos},
		Target: model.Str{V: cleanTarget(dst), Pos: base.Pos},
	}
	m.Source.End = m.Source.Pos
	m.Source.End.Col += utf8.RuneCountInString(src)
	m.Target.Pos.Col = m.Source.End.Col + 1
	m.Target.End = m.Target.Pos
	m.Target.End.Col += utf8.RuneCountInString(dst)
	if len(parts) > 2 {
		for _, o := range strings.Split(parts[2], ",") {
			if o == "ro" {
				m.ReadOnly = true
			}
		}
	}
	if e.Style&(yaml.LiteralStyle|yaml.FoldedStyle) != 0 || strings.Contains(e.Value, "\n") {
		m.Source.End, m.Target.Pos, m.Target.End = model.Pos{}, base.Pos, model.Pos{}
	}
	r.finishMount(m)
	return m
}

func (r *reader) longVolume(e *yaml.Node) *Mount {
	var typ string
	m := &Mount{}
	for _, kv := range r.pairs(e) {
		switch kv.key.Value {
		case "type":
			typ = kv.val.Value
		case "source":
			m.Source = r.str(kv.val)
		case "target":
			m.Target = r.str(kv.val)
			m.Target.V = cleanTarget(m.Target.V)
		case "read_only":
			m.ReadOnly = kv.val.Value == "true"
		}
	}
	if m.Target.V == "" {
		r.problem(e, "volume has no \"target:\"")
		return nil
	}
	if typ == "" && isHostPath(m.Source.V) {
		typ = "bind"
	}
	if typ != "bind" || m.Source.V == "" {
		return nil
	}
	r.finishMount(m)
	return m
}

func (r *reader) finishMount(m *Mount) {
	m.Dynamic = IsDynamic(m.Source.V) || IsDynamic(m.Target.V)
	if h, ok := r.hostPath(m.Source.V); ok {
		m.Host = h
		m.Absolute = path.IsAbs(h)
	}
}

// splitVolume splits "src:dst[:mode]" at colons, keeping a Windows drive
// letter ("C:\x") and colons inside ${...} with the part they belong to.
func splitVolume(s string) []string {
	var parts []string
	depth, start := 0, 0
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case '{':
			depth++
		case '}':
			if depth > 0 {
				depth--
			}
		case ':':
			if depth > 0 {
				continue
			}
			if i == 1 && start == 0 && len(s) > 2 && (s[2] == '\\' || s[2] == '/') {
				continue // drive letter
			}
			parts = append(parts, s[start:i])
			start = i + 1
		}
	}
	return append(parts, s[start:])
}

// isHostPath reports whether a volume source is a path (bind mount) rather
// than a named volume.
func isHostPath(s string) bool {
	return strings.HasPrefix(s, ".") || strings.HasPrefix(s, "/") || strings.HasPrefix(s, "~") ||
		strings.HasPrefix(s, "$") || strings.ContainsAny(s, `/\`)
}

func cleanTarget(s string) string {
	if s == "" || IsDynamic(s) {
		return s
	}
	return path.Clean(s)
}

func (r *reader) environment(n *yaml.Node) []*Env {
	var out []*Env
	switch n.Kind {
	case yaml.SequenceNode:
		for _, e := range n.Content {
			e = resolve(e)
			if e.Kind != yaml.ScalarNode {
				r.problem(e, "expected \"NAME=value\" in environment list")
				continue
			}
			s := r.str(e)
			name, val, ok := strings.Cut(e.Value, "=")
			env := &Env{Name: model.Str{V: name, Pos: s.Pos}}
			env.Name.End = env.Name.Pos
			env.Name.End.Col += utf8.RuneCountInString(name)
			if ok {
				env.Value = model.Str{V: val, Pos: env.Name.End}
				env.Value.Pos.Col++
				env.Value.End = env.Value.Pos
				env.Value.End.Col += utf8.RuneCountInString(val)
			} else {
				env.FromHost = true
			}
			env.Dynamic = IsDynamic(val)
			out = append(out, env)
		}
	case yaml.MappingNode:
		for _, kv := range r.pairs(n) {
			env := &Env{Name: r.str(kv.key)}
			if kv.val.Kind != yaml.ScalarNode || kv.val.Tag == "!!null" {
				env.FromHost = true
			} else {
				env.Value = r.str(kv.val)
				env.Dynamic = IsDynamic(env.Value.V)
			}
			out = append(out, env)
		}
	default:
		if n.Tag != "!!null" {
			r.problem(n, "expected a list of \"NAME=value\" or a mapping for environment")
		}
	}
	return out
}

func (r *reader) envFiles(n *yaml.Node) []*EnvFile {
	var nodes []*yaml.Node
	switch n.Kind {
	case yaml.ScalarNode:
		nodes = []*yaml.Node{n}
	case yaml.SequenceNode:
		nodes = n.Content
	default:
		r.problem(n, "expected a path or a list of paths for env_file")
		return nil
	}
	var out []*EnvFile
	for _, e := range nodes {
		e = resolve(e)
		ef := &EnvFile{Required: true}
		switch e.Kind {
		case yaml.ScalarNode:
			ef.Path = r.str(e)
		case yaml.MappingNode:
			for _, kv := range r.pairs(e) {
				switch kv.key.Value {
				case "path":
					ef.Path = r.str(kv.val)
				case "required":
					ef.Required = kv.val.Value != "false"
				}
			}
		}
		if ef.Path.V == "" {
			r.problem(e, "env_file entry has no path")
			continue
		}
		if p, ok := r.hostPath(ef.Path.V); ok {
			ef.Resolved = p
		}
		out = append(out, ef)
	}
	return out
}

func (r *reader) ports(n *yaml.Node) []*Port {
	if n.Kind != yaml.SequenceNode {
		if n.Tag != "!!null" {
			r.problem(n, "expected a list of ports")
		}
		return nil
	}
	var out []*Port
	for _, e := range n.Content {
		e = resolve(e)
		switch e.Kind {
		case yaml.ScalarNode:
			out = append(out, parseShortPort(r.str(e)))
		case yaml.MappingNode:
			p := &Port{Raw: model.Str{Pos: r.pos(e)}}
			for _, kv := range r.pairs(e) {
				switch kv.key.Value {
				case "target":
					p.Target = kv.val.Value
				case "published":
					p.Published = kv.val.Value
				case "host_ip":
					p.HostIP = kv.val.Value
				case "protocol":
					p.Protocol = kv.val.Value
				}
			}
			p.Raw.V = p.Target
			if p.Published != "" {
				p.Raw.V = p.Published + ":" + p.Target
			}
			p.Dynamic = IsDynamic(p.Raw.V)
			out = append(out, p)
		}
	}
	return out
}

// parseShortPort reads "[[ip:]published:]target[/proto]".
func parseShortPort(raw model.Str) *Port {
	p := &Port{Raw: raw, Dynamic: IsDynamic(raw.V)}
	s := raw.V
	if i := strings.LastIndex(s, "/"); i >= 0 && !strings.Contains(s[i:], "}") {
		p.Protocol = s[i+1:]
		s = s[:i]
	}
	parts := splitVolume(s)
	if len(parts) > 0 && strings.HasPrefix(s, "[") { // [::1]:80:80
		if i := strings.Index(s, "]:"); i > 0 {
			p.HostIP = s[1:i]
			parts = splitVolume(s[i+2:])
			if len(parts) > 0 {
				parts = append([]string{""}, parts...)
				parts[0] = p.HostIP
			}
		}
	}
	switch len(parts) {
	case 1:
		p.Target = parts[0]
	case 2:
		p.Published, p.Target = parts[0], parts[1]
	default:
		if len(parts) >= 3 {
			p.HostIP, p.Published, p.Target = parts[len(parts)-3], parts[len(parts)-2], parts[len(parts)-1]
		}
	}
	return p
}

func yamlProblem(p string, err error) model.Problem {
	msg := err.Error()
	line := 1
	if m := yamlLine.FindStringSubmatch(msg); m != nil {
		line, _ = strconv.Atoi(m[1])
		msg = strings.TrimSpace(strings.TrimPrefix(msg[len(m[0]):], ":"))
	}
	msg = strings.TrimPrefix(msg, "yaml: ")
	return model.Problem{Kind: model.ProblemSyntax, Message: "compose file is not valid YAML: " + msg, Pos: model.Pos{File: p, Line: line, Col: 1}}
}

var yamlLine = regexp.MustCompile(`^yaml: line (\d+)`)
