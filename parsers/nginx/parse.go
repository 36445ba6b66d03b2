package nginx

import (
	"fmt"
	"strings"

	gparser "github.com/tufanbarisyildirim/gonginx/parser"
)

// node is one directive of one file, before includes are resolved.
type node struct {
	name    word
	args    []word
	isBlock bool
	block   []*node
	// code is the body of a Lua block.
	code *word
	// end is the position just after the terminating ";" or "}".
	end lc
	// open is the position of a block's "{".
	open lc
}

// fileTree is one parsed file.
type fileTree struct {
	nodes []*node
	// err is the first syntax error; nodes then hold the directives read
	// before it (nginx stops at the first error too).
	err *perr
	// template is set when the file holds template placeholders.
	template bool
	// reader says which parser's tree is used: "gonginx", or "own"
	// followed by the reason gonginx's tree was not usable.
	reader string
}

// maxDepth bounds block nesting; real configs nest a handful of levels.
const maxDepth = 200

// blockOnly lists directives that always take a block (nginx's
// NGX_CONF_BLOCK commands). "server" depends on its context and
// *_by_lua_block is matched by suffix.
var blockOnly = map[string]bool{
	"charset_map": true, "events": true, "geo": true, "http": true, "if": true,
	"limit_except": true, "location": true, "mail": true, "map": true,
	"match": true, "mgmt": true, "otel_exporter": true, "split_clients": true,
	"stream": true, "types": true, "upstream": true,
}

// handlerBlocks are blocks whose lines are not directives but entries
// read by the block's own handler (nginx's cf->handler): a "{" inside
// them is an error, and any name may start a line.
var handlerBlocks = map[string]bool{
	"map": true, "types": true, "geo": true, "split_clients": true, "charset_map": true,
}

func isLuaBlock(name string) bool { return strings.HasSuffix(name, "_by_lua_block") }

// mustBeBlock reports whether nginx requires a block for the directive
// in this context (parent is the enclosing block's name, "" at a file's
// top level, whose context is not known).
func mustBeBlock(name, parent string) bool {
	if name == "server" {
		return parent == "http" || parent == "stream" || parent == "mail"
	}
	return blockOnly[name] || isLuaBlock(name)
}

// mustBeSimple reports whether the directive is a known nginx directive
// that never takes a block here. Unknown directives (third-party modules)
// are not judged.
func mustBeSimple(name, parent string) bool {
	if name == "server" {
		return parent == "upstream"
	}
	if blockOnly[name] || isLuaBlock(name) {
		return false
	}
	_, ok := gparser.ValidDirectives[name]
	return ok
}

// parseFile reads one file. The positioned lexer and parser here follow
// nginx's own grammar and give every word its position and every syntax
// error nginx's message; gonginx then parses the same text, and when its
// tree has the same directives, arguments and nesting (readWithGonginx),
// it is the tree of record, positioned by the matching tokens. Where
// gonginx fails on text nginx accepts, or reads it differently (see
// readWithGonginx), the positioned tree stands on its own.
func parseFile(src string) *fileTree {
	p := &parser{lx: newLexer(src)}
	t := &fileTree{}
	t.nodes, _, _ = p.block("", 0, lc{})
	t.err = p.err
	t.template = p.lx.template
	switch {
	case t.err != nil:
		t.reader = "own: syntax error"
	case t.template:
		t.reader = "own: template placeholders"
	default:
		if reason := readWithGonginx(src, t.nodes); reason != "" {
			t.reader = "own: " + reason
		} else {
			t.reader = "gonginx"
		}
	}
	return t
}

type parser struct {
	lx  *lexer
	err *perr
}

// block reads directives up to the "}" closing the block (depth > 0) or
// the end of the file (depth 0). parent is the block's directive name.
// It returns the directives and the position after the closing "}".
func (p *parser) block(parent string, depth int, open lc) ([]*node, lc, bool) {
	nodes := []*node{}
	for {
		st, err := p.lx.next()
		if err != nil {
			p.err = err
			return nodes, lc{}, false
		}
		switch st.term {
		case 0:
			if depth > 0 {
				p.err = &perr{pos: st.termPos, end: st.termPos,
					msg: fmt.Sprintf(`unexpected end of file, expecting "}" to close the %q block opened at line %d`, parent, open.line)}
				return nodes, lc{}, false
			}
			return nodes, st.termPos, true
		case '}':
			if depth == 0 {
				p.err = &perr{pos: st.termPos, end: st.termEnd, msg: `unexpected "}": no block is open here`}
				return nodes, lc{}, false
			}
			return nodes, st.termEnd, true
		}
		// A directive that is in error is left out of the tree, as nginx
		// leaves it out; a block whose content has an error is kept with
		// what was read of it.
		n := &node{name: st.words[0], args: st.words[1:], end: st.termEnd}
		name := n.name.val
		if st.term == ';' {
			if !handlerBlocks[parent] && mustBeBlock(name, parent) {
				p.err = &perr{pos: st.termPos, end: st.termEnd, msg: fmt.Sprintf(`directive %q has no opening "{"`, name)}
				return nodes, lc{}, false
			}
			if name == "include" && len(n.args) != 1 {
				p.err = &perr{pos: n.name.pos, end: n.name.end, msg: `invalid number of arguments in "include" directive: expecting one file name or glob`}
				return nodes, lc{}, false
			}
			nodes = append(nodes, n)
			continue
		}
		// A block.
		n.isBlock = true
		n.open = st.termPos
		if handlerBlocks[parent] {
			p.err = &perr{pos: st.termPos, end: st.termEnd, msg: fmt.Sprintf(`unexpected "{" in a %q block: its lines are entries ending with ";"`, parent)}
			return nodes, lc{}, false
		}
		if isLuaBlock(name) {
			code, err := p.lx.luaBlock(st.termPos)
			if err != nil {
				p.err = err
				return nodes, lc{}, false
			}
			n.code = &code
			n.block = []*node{}
			n.end = p.lx.pos()
			nodes = append(nodes, n)
			continue
		}
		if mustBeSimple(name, parent) {
			msg := fmt.Sprintf(`directive %q is not terminated by ";"`, name)
			if w := lastOnFirstLine(st.words); w != nil {
				msg += fmt.Sprintf(` (is a ";" missing after %q on line %d?)`, w.raw, w.pos.line)
			}
			p.err = &perr{pos: st.termPos, end: st.termEnd, msg: msg}
			return nodes, lc{}, false
		}
		if depth+1 > maxDepth {
			p.err = &perr{pos: st.termPos, end: st.termEnd, msg: fmt.Sprintf("blocks nested more than %d levels deep", maxDepth)}
			return nodes, lc{}, false
		}
		nodes = append(nodes, n)
		children, end, ok := p.block(name, depth+1, n.name.pos)
		n.block = children
		if !ok {
			// The block ends where reading stopped.
			n.end = p.err.pos
			return nodes, lc{}, false
		}
		n.end = end
	}
}

// lastOnFirstLine returns the last word on the directive's first line
// when its words run on to later lines (where a forgotten ";" usually
// is), else nil.
func lastOnFirstLine(ws []word) *word {
	if len(ws) < 2 || ws[len(ws)-1].pos.line == ws[0].pos.line {
		return nil
	}
	for i := 1; i < len(ws); i++ {
		if ws[i].rawPos.line != ws[0].pos.line {
			return &ws[i-1]
		}
	}
	return nil
}
