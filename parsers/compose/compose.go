// Package compose reads Docker Compose files into what grafanalint needs to
// know about a deployment: each service's image or build context, its bind
// mounts (host path → container path), its environment (environment:
// entries and env_file references) and its ports, every value with its
// position.
//
// Values are interpolated as compose does it (Interpolate: ${VAR},
// ${VAR:-default}, $VAR, $$ …) with the variables ParseWith is given (the
// project's .env file, read with ParseEnvFile); what they do not tell stays
// unknown, written in braces, and is marked Dynamic. YAML anchors, aliases
// and merge keys (<<: *x, <<: [*a, *b]) are resolved, each mapping once,
// and a document whose aliases would expand it beyond what yaml.v3 (and so
// docker compose) accepts is reported instead of read; so are duplicate
// keys, which compose refuses too. Relative mount sources, build contexts
// and env_file paths are resolved against the compose file's directory and
// returned as display paths ("/"-separated, relative to the working
// directory like the compose file's own path).
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
	"sort"
	"strings"
	"unicode/utf8"

	"gopkg.in/yaml.v3"

	"github.com/grafanalint/grafanalint/parsers/model"
	"github.com/grafanalint/grafanalint/parsers/provisioning"
	"github.com/grafanalint/grafanalint/parsers/yamlbound"
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
	// Mounts are the bind mounts in file order.
	Mounts []*Mount `json:"mounts,omitempty"`
	// Volumes are the named and anonymous volumes in file order (Source is
	// the volume's name, "" for an anonymous one): what is in them is not
	// in the tree.
	Volumes []*Mount `json:"volumes,omitempty"`
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

// Mount is one bind mount or volume.
type Mount struct {
	// Source is the host path (interpolated; positioned where it is
	// written).
	Source model.Str `json:"source"`
	// Host is Source resolved to a display path (relative sources against
	// the compose file's directory; $PWD is that directory). Absolute
	// sources stay absolute (Absolute is then true); "" when Source cannot
	// be resolved.
	Host     string `json:"host,omitempty"`
	Absolute bool   `json:"absolute,omitempty"`
	// Target is the path inside the container, cleaned.
	Target   model.Str `json:"target"`
	ReadOnly bool      `json:"readOnly,omitempty"`
	// NoCreateHostPath is true for a long-syntax bind mount with
	// "bind: {create_host_path: false}": a missing source then stops the
	// container, where by default Docker creates it as an empty directory.
	NoCreateHostPath bool `json:"noCreateHostPath,omitempty"`
	// Dynamic is true when Source or Target is not known (interpolation
	// the project's variables do not resolve).
	Dynamic bool `json:"dynamic,omitempty"`
}

// Env is one "environment:" entry.
type Env struct {
	Name model.Str `json:"name"`
	// Value is the value compose passes (interpolated, unknown parts kept
	// in braces), positioned where it is written; not serialised, since it
	// may be a secret.
	Value model.Str `json:"-"`
	// FromHost is true for a bare "- NAME" or "NAME:" entry, whose value
	// comes from the shell running compose.
	FromHost bool `json:"fromHost,omitempty"`
	// Dynamic is true when Value is not known.
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
	// Path is the entry (interpolated); Resolved is it as a display path
	// ("" if it cannot be resolved).
	Path     model.Str `json:"path"`
	Resolved string    `json:"resolved,omitempty"`
	// Absolute is true when Path is an absolute path.
	Absolute bool `json:"absolute,omitempty"`
	// Required is false for the long form with "required: false".
	Required bool `json:"required"`
	// Format is the long form's "format" ("" or "raw").
	Format string `json:"format,omitempty"`
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
	// Dynamic is true when the entry is not known (interpolation the
	// project's variables do not resolve; its parts are kept in braces).
	Dynamic bool `json:"dynamic,omitempty"`
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
// ${...}; "$$" is a literal dollar). In values this package returned,
// it marks parts whose value is unknown.
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

// Parse reads a compose file whose display path is p, with no project
// variables: ParseWith(p, src, nil).
func Parse(p string, src []byte) (*Compose, []model.Problem) {
	return ParseWith(p, src, nil)
}

// ParseWith reads a compose file whose display path is p, interpolating
// its values with vars (the project's .env; nil for none). A file that is
// not valid YAML, or that compose refuses as a whole (aliases that expand
// it too much), yields a syntax problem and a Compose without services
// (nil for invalid YAML); a file whose shape is wrong in places yields
// what could be read plus a problem for each place (duplicate keys:
// the first definition is read).
func ParseWith(p string, src []byte, vars *Vars) (*Compose, []model.Problem) {
	var doc yaml.Node
	if err := unmarshal(src, &doc); err != nil {
		pr := provisioning.YAMLSyntaxProblem(p, src, err)
		pr.Message = "compose file is not valid YAML: " + strings.TrimPrefix(pr.Message, "invalid YAML: ")
		return nil, []model.Problem{pr}
	}
	r := &reader{file: p, dir: path.Dir(p), vars: vars, memo: map[*yaml.Node][]pair{}, budget: yamlbound.New(&doc)}
	r.pathVars = NewVars(vars)
	if _, _, found := vars.Lookup("PWD"); !found {
		r.pathVars.Set("PWD", r.absDir())
	}
	c := &Compose{Path: p}
	if yamlbound.Excessive(&doc) {
		r.problems = append(r.problems, model.Problem{Kind: model.ProblemSyntax, Pos: model.Pos{File: p, Line: 1, Col: 1},
			Message: "compose file is not valid YAML: " + yamlbound.Message + ": its anchors, aliases and merge keys (<<) expand it beyond what docker compose accepts; write the repeated parts out or merge fewer copies"})
		return c, r.problems
	}
	r.duplicates(&doc, 0)
	root := resolve(&doc)
	if root != nil && root.Kind == yaml.DocumentNode && len(root.Content) > 0 {
		root = resolve(root.Content[0])
	}
	if root == nil || root.Kind == 0 {
		return c, r.problems
	}
	if root.Kind != yaml.MappingNode {
		r.problem(root, "expected a mapping with \"services:\" at the top of a compose file")
		return c, r.finish()
	}
	for _, kv := range r.pairs(root) {
		switch kv.key.Value {
		case "name":
			c.Name = r.value(kv.val)
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
	return c, r.finish()
}

// unmarshal is yaml.Unmarshal with any panic of the library turned into an
// error, so that no input can crash the linter.
func unmarshal(src []byte, doc *yaml.Node) (err error) {
	defer func() {
		if rec := recover(); rec != nil {
			err = fmt.Errorf("yaml: internal error: %v", rec)
		}
	}()
	return yaml.Unmarshal(src, doc)
}

type reader struct {
	file string
	dir  string
	// vars interpolate values; pathVars also give $PWD (the compose
	// file's directory) to host paths.
	vars, pathVars *Vars
	problems       []model.Problem
	memo           map[*yaml.Node][]pair
	budget         *yamlbound.Budget
}

type pair struct{ key, val *yaml.Node }

func (r *reader) problem(n *yaml.Node, msg string) {
	r.problems = append(r.problems, model.Problem{Kind: model.ProblemSyntax, Message: msg, Pos: r.pos(n)})
}

// finish returns the problems, with one for a walk cut short.
func (r *reader) finish() []model.Problem {
	if r.budget.Exhausted() {
		r.problems = append(r.problems, model.Problem{Kind: model.ProblemSyntax, Pos: model.Pos{File: r.file, Line: 1, Col: 1},
			Message: "compose file is not valid YAML: " + yamlbound.Message + ": reading it was stopped; write the repeated parts out"})
	}
	sort.SliceStable(r.problems, func(i, j int) bool { return r.problems[i].Pos.Less(r.problems[j].Pos) })
	return r.problems
}

func (r *reader) pos(n *yaml.Node) model.Pos {
	p := model.Pos{File: r.file, Line: n.Line, Col: n.Column}
	if n.Style&(yaml.DoubleQuotedStyle|yaml.SingleQuotedStyle) != 0 {
		p.Col++
	}
	return p
}

// str returns a scalar as written, with its position.
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

// value returns a scalar interpolated, positioned as written; known is
// false when part of it is unknown.
func (r *reader) value(n *yaml.Node) model.Str {
	s, _ := r.valueKnown(n)
	return s
}

func (r *reader) valueKnown(n *yaml.Node) (model.Str, bool) {
	s := r.str(n)
	v, known := r.interp(s.V, s.Pos, r.vars)
	s.V = v
	return s, known
}

// interp interpolates text written at pos, reporting a template compose
// refuses.
func (r *reader) interp(text string, pos model.Pos, vars *Vars) (string, bool) {
	res := Interpolate(text, vars)
	if res.Err != "" {
		r.problems = append(r.problems, model.Problem{Kind: model.ProblemSyntax, Pos: pos, Message: res.Err + "; docker compose refuses this file"})
	}
	return res.V, res.Known
}

// resolve follows aliases.
func resolve(n *yaml.Node) *yaml.Node {
	for i := 0; n != nil && n.Kind == yaml.AliasNode && i < 100; i++ {
		n = n.Alias
	}
	return n
}

// duplicates reports keys written twice in one mapping, which compose
// refuses ("mapping key … already defined"), for every mapping as written.
func (r *reader) duplicates(n *yaml.Node, depth int) {
	if n == nil || depth > 10000 {
		return
	}
	if n.Kind == yaml.MappingNode {
		seen := map[string]int{}
		for i := 0; i+1 < len(n.Content); i += 2 {
			k := n.Content[i]
			if k.Kind != yaml.ScalarNode {
				continue
			}
			if line, ok := seen[k.Value]; ok {
				s := r.str(k)
				r.problems = append(r.problems, model.Problem{Kind: model.ProblemSyntax, Pos: s.Pos, End: s.End,
					Message: fmt.Sprintf("mapping key %q already defined at line %d: docker compose refuses a file with duplicate keys; merge the two or rename one", k.Value, line)})
				continue
			}
			seen[k.Value] = k.Line
		}
	}
	for _, c := range n.Content {
		r.duplicates(c, depth+1)
	}
}

// pairs returns a mapping's key/value pairs with merge keys applied:
// explicit keys win over merged ones, earlier merged maps over later
// ones, the first of duplicate keys over the others. Each mapping is
// expanded once.
func (r *reader) pairs(m *yaml.Node) []pair {
	m = resolve(m)
	if m == nil || m.Kind != yaml.MappingNode {
		return nil
	}
	if out, ok := r.memo[m]; ok {
		return out
	}
	r.memo[m] = nil // an alias cycle reads as empty
	var own, merged []pair
	seen := map[string]bool{}
	for i := 0; i+1 < len(m.Content); i += 2 {
		if !r.budget.Tick() {
			break
		}
		k, v := m.Content[i], resolve(m.Content[i+1])
		if v == nil {
			continue
		}
		if k.Value == "<<" && k.Style == 0 && k.Kind == yaml.ScalarNode {
			var srcs []*yaml.Node
			if v.Kind == yaml.SequenceNode {
				for _, e := range v.Content {
					srcs = append(srcs, resolve(e))
				}
			} else {
				srcs = append(srcs, v)
			}
			for _, s := range srcs {
				merged = append(merged, r.pairs(s)...)
			}
			continue
		}
		if seen[k.Value] {
			continue
		}
		seen[k.Value] = true
		own = append(own, pair{k, v})
	}
	out := own
	for _, p := range merged {
		if !r.budget.Tick() {
			break
		}
		if !seen[p.key.Value] {
			seen[p.key.Value] = true
			out = append(out, p)
		}
	}
	r.memo[m] = out
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
			s.Image = r.value(kv.val)
		case "build":
			s.Build = r.build(kv.val)
		case "volumes":
			s.Mounts, s.Volumes = r.volumes(kv.val)
		case "environment":
			s.Environment = r.environment(kv.val)
		case "env_file":
			s.EnvFiles = r.envFiles(kv.val)
		case "ports":
			s.Ports = r.ports(kv.val)
		case "container_name":
			s.ContainerName = r.value(kv.val).V
		case "hostname":
			s.Hostname = r.value(kv.val).V
		case "networks":
			for _, nw := range r.pairs(kv.val) {
				for _, o := range r.pairs(nw.val) {
					if o.key.Value == "aliases" && o.val.Kind == yaml.SequenceNode {
						for _, a := range o.val.Content {
							if a = resolve(a); a.Kind == yaml.ScalarNode {
								s.Aliases = append(s.Aliases, r.value(a).V)
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
	forHost := "."
	context := func(n *yaml.Node) {
		b.Context = r.str(n)
		b.Context.V, forHost, _ = r.pathValue(b.Context.V, b.Context.Pos)
	}
	switch n.Kind {
	case yaml.ScalarNode:
		context(n)
	case yaml.MappingNode:
		b.Context = model.Str{V: ".", Pos: r.pos(n)}
		for _, kv := range r.pairs(n) {
			switch kv.key.Value {
			case "context":
				context(kv.val)
			case "dockerfile":
				if kv.val.Kind == yaml.ScalarNode && kv.val.Value != "" {
					dockerfile = r.value(kv.val).V
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
	if dir, ok := r.hostPath(forHost); ok {
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

// hostPath resolves an interpolated host path to a display path. ok is
// false when it cannot be resolved (unknown parts, "~").
func (r *reader) hostPath(s string) (string, bool) {
	if IsDynamic(s) || s == "" || strings.HasPrefix(s, "~") {
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

// pathValue interpolates a host path written at pos: shown is the value
// (with $PWD unknown, as compose would take it from the shell), forHost
// the value with $PWD standing for the compose file's directory, known
// whether forHost is known.
func (r *reader) pathValue(text string, pos model.Pos) (shown, forHost string, known bool) {
	forHost, known = r.interp(text, pos, r.pathVars)
	return Interpolate(text, r.vars).V, forHost, known
}

func (r *reader) volumes(n *yaml.Node) (binds, vols []*Mount) {
	if n.Kind != yaml.SequenceNode {
		if n.Tag != "!!null" {
			r.problem(n, "expected a list of volumes")
		}
		return nil, nil
	}
	for _, e := range n.Content {
		e = resolve(e)
		var m *Mount
		bind := false
		switch e.Kind {
		case yaml.ScalarNode:
			m, bind = r.shortVolume(e)
		case yaml.MappingNode:
			m, bind = r.longVolume(e)
		default:
			r.problem(e, "expected \"source:target[:mode]\" or a mapping with type, source and target")
		}
		switch {
		case m == nil:
		case bind:
			binds = append(binds, m)
		default:
			vols = append(vols, m)
		}
	}
	return binds, vols
}

func (r *reader) shortVolume(e *yaml.Node) (*Mount, bool) {
	base := r.str(e)
	parts := splitVolume(e.Value)
	if len(parts) < 2 {
		// An anonymous volume: "/var/lib/grafana".
		t, known := r.interp(parts[0], base.Pos, r.vars)
		m := &Mount{Target: model.Str{V: cleanTarget(t), Pos: base.Pos}, Dynamic: !known}
		return m, false
	}
	src, dst := parts[0], parts[1]
	srcPos := base.Pos
	m := &Mount{Source: model.Str{Pos: srcPos}, Target: model.Str{Pos: base.Pos}}
	m.Source.End = m.Source.Pos
	m.Source.End.Col += utf8.RuneCountInString(src)
	m.Target.Pos.Col = m.Source.End.Col + 1
	m.Target.End = m.Target.Pos
	m.Target.End.Col += utf8.RuneCountInString(dst)
	if e.Style&(yaml.LiteralStyle|yaml.FoldedStyle) != 0 || strings.Contains(e.Value, "\n") {
		m.Source.End, m.Target.Pos, m.Target.End = model.Pos{}, base.Pos, model.Pos{}
	}
	shown, forHost, srcKnown := r.pathValue(src, m.Source.Pos)
	dstV, dstKnown := r.interp(dst, m.Target.Pos, r.vars)
	m.Source.V, m.Target.V = shown, cleanTarget(dstV)
	m.Dynamic = !srcKnown || !dstKnown
	if len(parts) > 2 {
		for _, o := range strings.Split(parts[2], ",") {
			if o == "ro" {
				m.ReadOnly = true
			}
		}
	}
	if srcKnown && !isHostPath(forHost) || !srcKnown && !isHostPath(src) {
		return m, false // a named volume
	}
	r.finishMount(m, forHost)
	return m, true
}

func (r *reader) longVolume(e *yaml.Node) (*Mount, bool) {
	var typ, forHost string
	m := &Mount{}
	known := true
	for _, kv := range r.pairs(e) {
		switch kv.key.Value {
		case "type":
			typ = r.value(kv.val).V
		case "source":
			m.Source = r.str(kv.val)
			shown, h, k := r.pathValue(m.Source.V, m.Source.Pos)
			m.Source.V, forHost, known = shown, h, known && k
		case "target":
			t, k := r.valueKnown(kv.val)
			m.Target, known = t, known && k
			m.Target.V = cleanTarget(m.Target.V)
		case "read_only":
			m.ReadOnly = kv.val.Value == "true"
		case "bind":
			for _, o := range r.pairs(kv.val) {
				if o.key.Value == "create_host_path" {
					switch r.value(o.val).V {
					case "false", "False", "FALSE":
						m.NoCreateHostPath = true
					}
				}
			}
		}
	}
	m.Dynamic = !known
	if m.Target.V == "" {
		r.problem(e, "volume has no \"target:\"")
		return nil, false
	}
	if typ == "" && isHostPath(forHost) {
		typ = "bind"
	}
	switch typ {
	case "bind":
		if m.Source.V == "" {
			return nil, false
		}
		r.finishMount(m, forHost)
		return m, true
	case "volume", "":
		return m, false
	}
	return nil, false // tmpfs, npipe, cluster, image
}

// finishMount resolves a bind mount's host path from its source
// interpolated for the host.
func (r *reader) finishMount(m *Mount, forHost string) {
	if h, ok := r.hostPath(forHost); ok {
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
		strings.HasPrefix(s, "$") || strings.HasPrefix(s, "\x01") || strings.ContainsAny(s, `/\`)
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
			// Compose interpolates the whole entry, then splits it at "=".
			name, val, ok := strings.Cut(e.Value, "=")
			env := &Env{Name: model.Str{V: name, Pos: s.Pos}}
			env.Name.End = env.Name.Pos
			env.Name.End.Col += utf8.RuneCountInString(name)
			env.Name.V, _ = r.interp(name, env.Name.Pos, r.vars)
			if ok {
				env.Value = model.Str{Pos: env.Name.End}
				env.Value.Pos.Col++
				env.Value.End = env.Value.Pos
				env.Value.End.Col += utf8.RuneCountInString(val)
				v, known := r.interp(val, env.Value.Pos, r.vars)
				env.Value.V, env.Dynamic = v, !known
			} else {
				env.FromHost = true
			}
			out = append(out, env)
		}
	case yaml.MappingNode:
		for _, kv := range r.pairs(n) {
			env := &Env{Name: r.str(kv.key)}
			if kv.val.Kind != yaml.ScalarNode || kv.val.Tag == "!!null" {
				env.FromHost = true
			} else {
				v, known := r.valueKnown(kv.val)
				env.Value, env.Dynamic = v, !known
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
					switch r.value(kv.val).V {
					case "false", "False", "FALSE":
						ef.Required = false
					}
				case "format":
					ef.Format = r.value(kv.val).V
				}
			}
		}
		if ef.Path.V == "" {
			r.problem(e, "env_file entry has no path")
			continue
		}
		shown, forHost, _ := r.pathValue(ef.Path.V, ef.Path.Pos)
		ef.Path.V = shown
		if p, ok := r.hostPath(forHost); ok {
			ef.Resolved = p
			ef.Absolute = path.IsAbs(p)
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
			raw, known := r.valueKnown(e)
			p := parseShortPort(raw)
			p.Dynamic = !known
			out = append(out, p)
		case yaml.MappingNode:
			p := &Port{Raw: model.Str{Pos: r.pos(e)}}
			known := true
			val := func(n *yaml.Node) string {
				v, k := r.valueKnown(n)
				known = known && k
				return v.V
			}
			for _, kv := range r.pairs(e) {
				switch kv.key.Value {
				case "target":
					p.Target = val(kv.val)
				case "published":
					p.Published = val(kv.val)
				case "host_ip":
					p.HostIP = val(kv.val)
				case "protocol":
					p.Protocol = val(kv.val)
				}
			}
			p.Raw.V = p.Target
			if p.Published != "" {
				p.Raw.V = p.Published + ":" + p.Target
			}
			p.Dynamic = !known
			out = append(out, p)
		}
	}
	return out
}

// parseShortPort reads "[[ip:]published:]target[/proto]" (interpolated).
func parseShortPort(raw model.Str) *Port {
	p := &Port{Raw: raw}
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
