package nginx

import (
	"fmt"
	"strings"

	"github.com/tufanbarisyildirim/gonginx/config"
	gparser "github.com/tufanbarisyildirim/gonginx/parser"
)

// readWithGonginx parses src with gonginx and checks that its tree is the
// positioned tree nodes: the same directive names and arguments (as
// written, quotes included) in the same nesting and order. It returns ""
// when they match, else why not.
//
// gonginx gives each directive a line only (and that is the line of its
// terminating ";" or "}"), so positions always come from the positioned
// lexer; matching token for token is what lets them be attached to
// gonginx's directives. gonginx's typed wrappers reorder what they wrap
// (http lists its servers first, upstream its servers last, an upstream
// server's parameters are re-sorted), so those lists are compared in
// gonginx's order.
//
// Known places where gonginx reads text differently from nginx, and the
// positioned tree (which follows nginx) is used instead: a "}" inside an
// unquoted word ("foo}" is one word to nginx), a backslash-escaped space,
// backquotes (not quotes to nginx), Lua blocks with braces in Lua
// strings or comments, Lua blocks with arguments (set_by_lua_block $v
// {...}) whose code gonginx re-joins with single spaces, "upstream" or
// "http" with extra arguments, and template placeholders ({{ x }}),
// which gonginx reads as blocks. gonginx also
// accepts some text nginx rejects (a stray ";", a "}" at the top level
// ends its parse silently); the positioned parser reports those, and
// files with a syntax error are not handed to gonginx.
func readWithGonginx(src string, nodes []*node) (reason string) {
	defer func() {
		if r := recover(); r != nil {
			reason = fmt.Sprintf("gonginx panicked: %v", r)
		}
	}()
	p := gparser.NewStringParser(src, gparser.WithSkipValidDirectivesErr(), gparser.WithSkipComments())
	conf, err := p.Parse()
	if err != nil {
		return "gonginx: " + err.Error()
	}
	if conf == nil || conf.Block == nil {
		return "gonginx returned no tree"
	}
	return matchList(conf.Directives, nodes)
}

// gview is a gonginx directive seen generically.
type gview struct {
	name     string
	params   []string
	hasBlock bool
	children []config.IDirective
	code     *string
	// order rearranges the positioned children into gonginx's order.
	order func([]*node) []*node
	// upstreamServer marks gonginx's rewritten upstream server.
	upstreamServer bool
}

func paramValues(ps []config.Parameter) []string {
	out := make([]string, len(ps))
	for i, p := range ps {
		out[i] = p.Value
	}
	return out
}

func blockChildren(b config.IBlock) []config.IDirective {
	if b == nil {
		return nil
	}
	return b.GetDirectives()
}

func viewOf(g config.IDirective) gview {
	switch g := g.(type) {
	case *config.HTTP:
		children := make([]config.IDirective, 0, len(g.Servers)+len(g.Directives))
		for _, s := range g.Servers {
			children = append(children, s)
		}
		children = append(children, g.Directives...)
		return gview{name: "http", hasBlock: true, children: children, order: serversFirst}
	case *config.Server:
		return gview{name: "server", hasBlock: true, children: blockChildren(g.Block)}
	case *config.Upstream:
		children := append([]config.IDirective{}, g.Directives...)
		for _, s := range g.UpstreamServers {
			children = append(children, s)
		}
		return gview{name: "upstream", params: []string{g.UpstreamName}, hasBlock: true, children: children, order: serversLast}
	case *config.UpstreamServer:
		return gview{name: "server", params: paramValues(g.GetParameters()), upstreamServer: true}
	case *config.LuaBlock:
		code := g.LuaCode
		return gview{name: g.Name, params: paramValues(g.Parameters), hasBlock: true, code: &code}
	case *config.Location:
		return gview{name: g.Name, params: paramValues(g.Parameters), hasBlock: g.Block != nil, children: blockChildren(g.Block)}
	case *config.Include:
		return gview{name: g.Name, params: paramValues(g.Parameters), hasBlock: g.Block != nil}
	case *config.Directive:
		return gview{name: g.Name, params: paramValues(g.Parameters), hasBlock: g.Block != nil, children: blockChildren(g.Block)}
	default:
		b := g.GetBlock()
		return gview{name: g.GetName(), params: paramValues(g.GetParameters()), hasBlock: b != nil, children: blockChildren(b)}
	}
}

// serversFirst is gonginx's http order: server blocks, then the rest.
func serversFirst(ns []*node) []*node {
	out := make([]*node, 0, len(ns))
	for _, n := range ns {
		if n.name.raw == "server" && n.isBlock {
			out = append(out, n)
		}
	}
	for _, n := range ns {
		if n.name.raw != "server" || !n.isBlock {
			out = append(out, n)
		}
	}
	return out
}

// serversLast is gonginx's upstream order: other directives, then the
// servers.
func serversLast(ns []*node) []*node {
	out := make([]*node, 0, len(ns))
	for _, n := range ns {
		if n.name.raw != "server" {
			out = append(out, n)
		}
	}
	for _, n := range ns {
		if n.name.raw == "server" {
			out = append(out, n)
		}
	}
	return out
}

func matchList(gs []config.IDirective, ns []*node) string {
	if len(gs) != len(ns) {
		where := "at the end"
		if len(ns) > 0 {
			where = fmt.Sprintf("near line %d", ns[0].name.pos.line)
		}
		return fmt.Sprintf("gonginx read %d directives where nginx reads %d, %s", len(gs), len(ns), where)
	}
	for i, g := range gs {
		if r := matchNode(g, ns[i]); r != "" {
			return r
		}
	}
	return ""
}

func matchNode(g config.IDirective, n *node) string {
	v := viewOf(g)
	at := func() string { return fmt.Sprintf("directive %q at line %d", n.name.val, n.name.pos.line) }
	if v.name != n.name.raw {
		return fmt.Sprintf("gonginx read %q for %s", v.name, at())
	}
	want := make([]string, len(n.args))
	for i, a := range n.args {
		want[i] = a.raw
	}
	if v.upstreamServer {
		// gonginx keeps the address and re-sorts the other parameters.
		d := &config.Directive{Name: "server"}
		for _, w := range want {
			d.Parameters = append(d.Parameters, config.Parameter{Value: w})
		}
		uss, err := config.NewUpstreamServer(d)
		if err != nil {
			return "gonginx: " + err.Error()
		}
		want = paramValues(uss.GetParameters())
	}
	if strings.Join(v.params, "\x00") != strings.Join(want, "\x00") || len(v.params) != len(want) {
		return fmt.Sprintf("gonginx read the arguments %q for %s", v.params, at())
	}
	if v.hasBlock != n.isBlock {
		return fmt.Sprintf("gonginx disagrees on whether %s has a block", at())
	}
	if n.code != nil || v.code != nil {
		if n.code == nil || v.code == nil || strings.TrimSpace(n.code.raw) != *v.code {
			return fmt.Sprintf("gonginx read the Lua code of %s differently", at())
		}
		return ""
	}
	if !n.isBlock {
		return ""
	}
	children := n.block
	if v.order != nil {
		children = v.order(children)
	}
	return matchList(v.children, children)
}
