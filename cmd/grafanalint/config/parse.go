package config

import (
	"errors"
	"fmt"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/grafanalint/grafanalint/parsers/grafanaini"
	"github.com/grafanalint/grafanalint/parsers/model"
	"github.com/grafanalint/grafanalint/parsers/safefile"
	"github.com/grafanalint/grafanalint/rules"
)

// The keys the loader knows, by section. docs/config.schema.json lists the
// same ones (a test keeps them in step).
var (
	topKeys     = []string{"grafana_version", "fail_level", "rules", "exclude", "stacks", "max_file_size", "nginx_prefix", "baseline", "nginx_proxy_params", "preset"}
	stackKeys   = []string{"name", "paths", "env", "env_file", "compose_service"}
	excludeKeys = []string{"rules", "paths", "entities", "reason"}
)

// whyNot explains keys that look like they belong but do not.
var whyNot = map[string]string{
	"format": "the output format belongs to whoever reads it (a terminal, CI, an editor): pass --format",
	"output": "pass --output FORMAT=PATH on the command line",
}

// Keys returns the keys the loader accepts, by section: "" for the top
// level, "stacks" and "exclude" for the entries of those lists.
func Keys() map[string][]string {
	return map[string][]string{
		"":        append([]string(nil), topKeys...),
		"stacks":  append([]string(nil), stackKeys...),
		"exclude": append([]string(nil), excludeKeys...),
	}
}

type parser struct {
	cfg   *Config
	known []*rules.Rule
	errs  ErrorList
}

func (p *parser) pos(n *yaml.Node) model.Pos {
	return model.Pos{File: p.cfg.Display, Line: n.Line, Col: n.Column}
}

func (p *parser) errorf(n *yaml.Node, format string, args ...any) {
	pos := model.Pos{File: p.cfg.Display}
	if n != nil {
		pos = p.pos(n)
	}
	p.errs = append(p.errs, &Error{Pos: pos, Msg: fmt.Sprintf(format, args...)})
}

var yamlLine = regexp.MustCompile(`^yaml: line (\d+): (.*)$`)

func (p *parser) parse(src []byte) {
	var doc yaml.Node
	if err := yaml.Unmarshal(src, &doc); err != nil {
		msg := err.Error()
		line := 1
		if m := yamlLine.FindStringSubmatch(msg); m != nil {
			line, _ = strconv.Atoi(m[1])
			msg = m[2]
		} else {
			msg = strings.TrimPrefix(msg, "yaml: ")
		}
		p.errs = append(p.errs, &Error{Pos: model.Pos{File: p.cfg.Display, Line: line, Col: 1}, Msg: "invalid YAML: " + msg})
		return
	}
	if len(doc.Content) == 0 {
		return // empty file: nothing configured
	}
	root := doc.Content[0]
	if root.Kind == yaml.ScalarNode && root.Tag == "!!null" {
		return
	}
	if root.Kind != yaml.MappingNode {
		p.errorf(root, "the configuration must be a mapping of keys such as grafana_version, rules and exclude")
		return
	}
	p.mapping(root, "", topKeys, func(key string, k, v *yaml.Node) {
		switch key {
		case "grafana_version":
			if s, ok := p.scalar(key, v); ok {
				ver, err := ParseGrafanaVersion(s)
				if err != nil {
					p.errorf(v, "%v", err)
				}
				p.cfg.GrafanaVersion = ver
			}
		case "fail_level":
			if s, ok := p.text(key, v); ok {
				switch s {
				case "error", "warning", "info":
					p.cfg.FailLevel, _ = rules.ParseSeverity(s)
				default:
					p.errorf(v, "invalid fail_level %q: use \"error\", \"warning\" or \"info\"", s)
				}
			}
		case "rules":
			p.rules(v)
		case "exclude":
			p.seq(key, v, func(item *yaml.Node) { p.exclusion(item) })
		case "stacks":
			p.seq(key, v, func(item *yaml.Node) { p.stack(item) })
		case "max_file_size":
			if s, ok := p.scalar(key, v); ok {
				n, err := ParseSize(s)
				if err != nil {
					p.errorf(v, "invalid max_file_size %q: %v", s, err)
				}
				p.cfg.MaxFileSize = n
			}
		case "nginx_prefix":
			if s, ok := p.text(key, v); ok {
				p.cfg.NginxPrefix = p.path(s)
			}
		case "baseline":
			if s, ok := p.text(key, v); ok {
				p.cfg.Baseline = p.path(s)
			}
		case "nginx_proxy_params":
			if s, ok := p.text(key, v); ok {
				switch s {
				case "current", "legacy":
					p.cfg.NginxProxyParams = s
				default:
					p.errorf(v, "invalid nginx_proxy_params %q: use \"current\" (Debian/Ubuntu nginx-common since the 2026 security updates: Host $host) or \"legacy\" (earlier packages: Host $http_host)", s)
				}
			}
		case "preset":
			p.preset(v)
		}
	})
}

// mapping checks that n is a mapping with known keys, each once, and
// calls fn for each key in file order.
func (p *parser) mapping(n *yaml.Node, where string, keys []string, fn func(key string, k, v *yaml.Node)) {
	seen := map[string]*yaml.Node{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		key := k.Value
		if k.Kind != yaml.ScalarNode {
			p.errorf(k, "keys must be plain names%s", in(where))
			continue
		}
		if first, dup := seen[key]; dup {
			p.errorf(k, "duplicate key %q%s (first set at line %d)", key, in(where), first.Line)
			continue
		}
		seen[key] = k
		if !contains(keys, key) {
			msg := fmt.Sprintf("unknown key %q%s", key, in(where))
			if why, ok := whyNot[key]; ok && where == "" {
				msg += ": " + why
			} else if near := nearest(key, keys); near != "" {
				msg += fmt.Sprintf(": did you mean %q?", near)
			} else {
				msg += ": known keys are " + strings.Join(keys, ", ")
			}
			p.errorf(k, "%s", msg)
			continue
		}
		fn(key, k, v)
	}
}

func in(where string) string {
	if where == "" {
		return ""
	}
	return " in " + where
}

// scalar returns the text of a scalar value.
func (p *parser) scalar(key string, v *yaml.Node) (string, bool) {
	if v.Kind == yaml.AliasNode && v.Alias != nil {
		v = v.Alias
	}
	if v.Kind != yaml.ScalarNode || v.Tag == "!!null" {
		p.errorf(v, "%s needs a single value, found %s", key, kindName(v))
		return "", false
	}
	return v.Value, true
}

// text returns the text of a string value.
func (p *parser) text(key string, v *yaml.Node) (string, bool) {
	s, ok := p.scalar(key, v)
	if ok && v.Tag != "!!str" {
		p.errorf(v, "%s needs a string, found %s (quote it)", key, kindName(v))
		return "", false
	}
	return s, ok
}

// strings returns a list of strings: one scalar or a sequence of them.
func (p *parser) strings(key string, v *yaml.Node) ([]string, []*yaml.Node) {
	if v.Kind == yaml.ScalarNode && v.Tag != "!!null" {
		if v.Tag != "!!str" {
			p.errorf(v, "%s needs a string or a list of strings, found %s (quote it)", key, kindName(v))
			return nil, nil
		}
		if v.Value == "" {
			p.errorf(v, "%s must not be empty", key)
			return nil, nil
		}
		return []string{v.Value}, []*yaml.Node{v}
	}
	if v.Kind != yaml.SequenceNode {
		p.errorf(v, "%s needs a string or a list of strings, found %s", key, kindName(v))
		return nil, nil
	}
	var out []string
	var nodes []*yaml.Node
	for _, item := range v.Content {
		if item.Kind != yaml.ScalarNode || item.Tag != "!!str" || item.Value == "" {
			p.errorf(item, "each entry of %s must be a non-empty string, found %s", key, kindName(item))
			continue
		}
		out = append(out, item.Value)
		nodes = append(nodes, item)
	}
	return out, nodes
}

// seq calls fn for each item of a sequence value.
func (p *parser) seq(key string, v *yaml.Node, fn func(item *yaml.Node)) {
	if v.Kind == yaml.ScalarNode && v.Tag == "!!null" {
		return
	}
	if v.Kind != yaml.SequenceNode {
		p.errorf(v, "%s needs a list, found %s", key, kindName(v))
		return
	}
	for _, item := range v.Content {
		fn(item)
	}
}

func kindName(n *yaml.Node) string {
	switch n.Kind {
	case yaml.MappingNode:
		return "a mapping"
	case yaml.SequenceNode:
		return "a list"
	case yaml.ScalarNode:
		if n.Tag == "!!null" {
			return "no value"
		}
		if n.Value == "" {
			return "an empty string"
		}
		return fmt.Sprintf("%q", n.Value)
	}
	return "an alias"
}

// path resolves a path written in the file against its directory.
func (p *parser) path(s string) string {
	if filepath.IsAbs(s) {
		return filepath.Clean(s)
	}
	return filepath.Join(p.cfg.Dir, filepath.FromSlash(s))
}

// ruleKnown checks a rule id or category against the known rules.
func (p *parser) ruleKnown(n *yaml.Node, id, where string) bool {
	var names []string
	seen := map[string]bool{}
	for _, r := range p.known {
		if r.ID == id || r.Category() == id {
			return true
		}
		for _, s := range []string{r.ID, r.Category()} {
			if !seen[s] {
				seen[s] = true
				names = append(names, s)
			}
		}
	}
	hint := "list rules with \"grafanalint rules\""
	if near := nearest(id, names); near != "" {
		hint = fmt.Sprintf("did you mean %q?", near)
	}
	p.errorf(n, "unknown rule %q in %s: %s", id, where, hint)
	return false
}

func (p *parser) rules(v *yaml.Node) {
	if v.Kind == yaml.ScalarNode && v.Tag == "!!null" {
		return
	}
	if v.Kind != yaml.MappingNode {
		p.errorf(v, "rules needs a mapping of rule id or category to error, warning, info or off, found %s", kindName(v))
		return
	}
	seen := map[string]int{}
	for i := 0; i+1 < len(v.Content); i += 2 {
		k, val := v.Content[i], v.Content[i+1]
		if k.Kind != yaml.ScalarNode {
			p.errorf(k, "rules keys must be rule ids or categories")
			continue
		}
		if line, dup := seen[k.Value]; dup {
			p.errorf(k, "duplicate rule %q in rules (first set at line %d)", k.Value, line)
			continue
		}
		seen[k.Value] = k.Line
		if !p.ruleKnown(k, k.Value, "rules") {
			continue
		}
		if val.Kind != yaml.ScalarNode || val.Tag != "!!str" {
			p.errorf(val, "rule %q needs a level: error, warning, info or off", k.Value)
			continue
		}
		sev, err := rules.ParseSeverity(val.Value)
		if err != nil {
			p.errorf(val, "invalid level %q for rule %q: use \"error\", \"warning\", \"info\" or \"off\"", val.Value, k.Value)
			continue
		}
		p.cfg.Rules = append(p.cfg.Rules, RuleLevel{Rule: k.Value, Severity: sev, Pos: p.pos(k)})
	}
}

func (p *parser) exclusion(item *yaml.Node) {
	if item.Kind != yaml.MappingNode {
		p.errorf(item, "each exclude entry needs a mapping with rules, paths, entities and a reason, found %s", kindName(item))
		return
	}
	e := Exclusion{Pos: p.pos(item)}
	hasReason := false
	p.mapping(item, "exclude", excludeKeys, func(key string, _, v *yaml.Node) {
		switch key {
		case "rules":
			ids, nodes := p.strings(key, v)
			for i, id := range ids {
				if id == "*" || p.ruleKnown(nodes[i], id, "exclude") {
					e.Rules = append(e.Rules, id)
				}
			}
		case "paths":
			globs, nodes := p.strings(key, v)
			for i, g := range globs {
				switch {
				case path.IsAbs(g) || filepath.IsAbs(g):
					p.errorf(nodes[i], "exclude path %q is absolute: write it relative to the directory of %s", g, p.cfg.Display)
				case !validGlob(g):
					p.errorf(nodes[i], "invalid glob %q in exclude paths: check its [ ] classes and \\ escapes", g)
				default:
					e.Paths = append(e.Paths, path.Clean(strings.TrimPrefix(g, "./")))
				}
			}
		case "entities":
			globs, nodes := p.strings(key, v)
			for i, g := range globs {
				if !validGlob(g) {
					p.errorf(nodes[i], "invalid glob %q in exclude entities: check its [ ] classes and \\ escapes", g)
					continue
				}
				e.Entities = append(e.Entities, g)
			}
		case "reason":
			if s, ok := p.text(key, v); ok {
				hasReason = true
				if strings.TrimSpace(s) == "" {
					p.errorf(v, "the reason of an exclusion must say why the findings are hidden")
				}
				e.Reason = s
			}
		}
	})
	if !hasReason {
		p.errorf(item, "exclusion without a reason: add reason: saying why these findings are hidden")
	}
	p.cfg.Exclude = append(p.cfg.Exclude, e)
}

func validGlob(g string) bool {
	for _, seg := range strings.Split(g, "/") {
		if _, err := path.Match(seg, ""); err != nil {
			return false
		}
	}
	return true
}

var envName = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_.]*$`)

func (p *parser) stack(item *yaml.Node) {
	if item.Kind != yaml.MappingNode {
		p.errorf(item, "each stack needs a mapping with name, paths, env, env_file and compose_service, found %s", kindName(item))
		return
	}
	s := Stack{Pos: p.pos(item)}
	var env []model.EnvVar
	p.mapping(item, "stacks", stackKeys, func(key string, _, v *yaml.Node) {
		switch key {
		case "name":
			if n, ok := p.text(key, v); ok {
				if strings.TrimSpace(n) == "" {
					p.errorf(v, "a stack's name must not be empty")
				}
				for _, other := range p.cfg.Stacks {
					if other.Name == n {
						p.errorf(v, "stack name %q is used twice (first at line %d)", n, other.Pos.Line)
					}
				}
				s.Name = n
			}
		case "paths":
			ps, _ := p.strings(key, v)
			for _, x := range ps {
				s.Paths = append(s.Paths, p.path(x))
			}
		case "env":
			env = p.env(v)
		case "env_file":
			files, nodes := p.strings(key, v)
			for i, f := range files {
				abs := p.path(f)
				s.EnvFiles = append(s.EnvFiles, abs)
				s.Env = append(s.Env, p.envFile(nodes[i], abs)...)
			}
		case "compose_service":
			if n, ok := p.text(key, v); ok {
				// "path/to/compose.yml:service": the file is relative to
				// the config file too.
				if i := strings.LastIndex(n, ":"); i > 0 {
					n = p.path(n[:i]) + ":" + n[i+1:]
				}
				s.ComposeService = n
			}
		}
	})
	if s.Name == "" && !hasKey(item, "name") {
		p.errorf(item, "stack without a name: add name: (it names the stack in messages and the model)")
	}
	if len(s.Paths) == 0 {
		s.Paths = []string{p.cfg.Dir}
	}
	s.Env = append(s.Env, env...)
	p.cfg.Stacks = append(p.cfg.Stacks, s)
}

func hasKey(n *yaml.Node, key string) bool {
	for i := 0; i+1 < len(n.Content); i += 2 {
		if n.Content[i].Value == key {
			return true
		}
	}
	return false
}

// env reads a stack's env: a list of KEY=VALUE strings or a mapping.
func (p *parser) env(v *yaml.Node) []model.EnvVar {
	var out []model.EnvVar
	add := func(n *yaml.Node, name, value string) {
		if !envName.MatchString(name) {
			p.errorf(n, "invalid environment variable name %q: use letters, digits and _", name)
			return
		}
		out = append(out, model.EnvVar{Name: name, Value: value, Pos: p.pos(n)})
	}
	switch v.Kind {
	case yaml.SequenceNode:
		for _, item := range v.Content {
			if item.Kind != yaml.ScalarNode || item.Tag != "!!str" {
				p.errorf(item, "each env entry must be a KEY=VALUE string, found %s", kindName(item))
				continue
			}
			k, val, ok := strings.Cut(item.Value, "=")
			if !ok {
				p.errorf(item, "env entry %q has no \"=\": write KEY=VALUE", k)
				continue
			}
			add(item, k, val)
		}
	case yaml.MappingNode:
		for i := 0; i+1 < len(v.Content); i += 2 {
			k, val := v.Content[i], v.Content[i+1]
			if val.Kind != yaml.ScalarNode {
				p.errorf(val, "env variable %q needs a single value, found %s", k.Value, kindName(val))
				continue
			}
			value := val.Value
			if val.Tag == "!!null" {
				value = ""
			}
			add(k, k.Value, value)
		}
	default:
		if v.Kind == yaml.ScalarNode && v.Tag == "!!null" {
			return nil
		}
		p.errorf(v, "env needs a list of KEY=VALUE strings or a mapping, found %s", kindName(v))
	}
	return out
}

// envFile reads an env file named at n.
func (p *parser) envFile(n *yaml.Node, abs string) []model.EnvVar {
	src, err := safefile.Read(abs, safefile.Options{})
	if err != nil {
		why := "cannot be read"
		if errors.Is(err, os.ErrNotExist) {
			why = "does not exist"
		}
		p.errorf(n, "env_file %q %s (paths are relative to the directory of %s)", n.Value, why, p.cfg.Display)
		return nil
	}
	display := p.displayOf(abs)
	vars, probs := grafanaini.ParseEnvFile(display, src)
	for _, pr := range probs {
		p.errs = append(p.errs, &Error{Pos: pr.Pos, Msg: fmt.Sprintf("in env_file %q: %s", n.Value, pr.Message)})
	}
	return vars
}

// displayOf names a file next to the config file the way the config file
// itself is named.
func (p *parser) displayOf(abs string) string {
	rel, err := filepath.Rel(p.cfg.Dir, abs)
	if err != nil {
		return abs
	}
	return path.Join(path.Dir(filepath.ToSlash(p.cfg.Display)), filepath.ToSlash(rel))
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// ParseSize reads a size such as "64MiB", "10M" or "1048576" (bytes).
func ParseSize(s string) (int64, error) {
	units := []struct {
		suffix string
		mult   int64
	}{
		{"KiB", 1 << 10}, {"MiB", 1 << 20}, {"GiB", 1 << 30}, {"TiB", 1 << 40},
		{"KB", 1000}, {"MB", 1000 * 1000}, {"GB", 1000 * 1000 * 1000}, {"TB", 1000 * 1000 * 1000 * 1000},
		{"K", 1 << 10}, {"M", 1 << 20}, {"G", 1 << 30}, {"T", 1 << 40}, {"B", 1},
	}
	mult := int64(1)
	s = strings.TrimSpace(s)
	for _, u := range units {
		if strings.HasSuffix(s, u.suffix) {
			s, mult = strings.TrimSuffix(s, u.suffix), u.mult
			break
		}
	}
	n, err := strconv.ParseInt(strings.TrimSpace(s), 10, 64)
	if errors.Is(err, strconv.ErrRange) || (err == nil && n > MaxSize/mult) {
		return 0, errors.New("too large: the largest size accepted is 1TiB")
	}
	if err != nil || n <= 0 {
		return 0, errors.New("expected a size such as \"64MiB\"")
	}
	return n * mult, nil
}

// MaxSize is the largest file size limit accepted (1 TiB): a limit, not an
// allocation, but one that leaves room for arithmetic on it.
const MaxSize int64 = 1 << 40
