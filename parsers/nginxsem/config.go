package nginxsem

import (
	"strings"

	"github.com/grafanalint/grafanalint/parsers/model"
)

// Config answers questions about one configuration; it indexes upstream
// blocks and variables once, and each large block and level of locations
// the first time a question needs it (index.go). It is not safe for
// concurrent use.
type Config struct {
	cfg       *model.NginxConfig
	upstreams map[string]*model.Upstream
	vars      *Variables
	top       *model.Directive // a fragment's top level, as an http block
	blocks    map[*model.Directive]*blockIndex
	levels    map[any]*levelIndex
	tops      map[*model.Server][]*model.Location
	namedLocs map[*model.Server]map[string]*model.Location
	mapCands  map[string][]candidate
}

// New returns a Config for cfg.
func New(cfg *model.NginxConfig) *Config {
	c := &Config{cfg: cfg, upstreams: map[string]*model.Upstream{}}
	if cfg == nil {
		return c
	}
	for _, u := range cfg.Upstreams {
		c.upstreams[strings.ToLower(u.Name.V)] = u
	}
	walk(cfg.Directives, func(d *model.Directive) {
		if d.Name.V == "upstream" && len(d.Args) > 0 {
			key := strings.ToLower(d.Args[0].V)
			if _, ok := c.upstreams[key]; !ok {
				c.upstreams[key] = upstreamFromDirective(d)
			}
		}
	})
	return c
}

func upstreamFromDirective(d *model.Directive) *model.Upstream {
	u := &model.Upstream{Directive: d, Name: d.Args[0]}
	for _, c := range d.Block {
		if c.Name.V == "server" && len(c.Args) > 0 {
			u.Servers = append(u.Servers, c.Args[0])
		}
	}
	return u
}

// Variables returns the variable index of the configuration.
func (c *Config) Variables() *Variables {
	if c.vars == nil {
		c.vars = NewVariables(c.cfg)
	}
	return c.vars
}

// upstream finds the upstream block called name: in the configuration
// when known, else among the blocks around loc's server.
func (c *Config) upstream(name string, srv *model.Server) *model.Upstream {
	key := strings.ToLower(name)
	if c != nil && c.cfg != nil {
		return c.upstreams[key]
	}
	if srv == nil || srv.Directive == nil {
		return nil
	}
	root := srv.Directive
	for root.Parent != nil {
		root = root.Parent
	}
	var found *model.Upstream
	walk(root.Block, func(d *model.Directive) {
		if found == nil && d.Name.V == "upstream" && len(d.Args) > 0 && strings.ToLower(d.Args[0].V) == key {
			found = upstreamFromDirective(d)
		}
	})
	return found
}
