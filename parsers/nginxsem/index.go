package nginxsem

import (
	"regexp"
	"regexp/syntax"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/grafanalint/grafanalint/parsers/model"
)

// Lookups by index. A Config answers every question about a block or a
// level of locations by scanning it the first time and keeping an index,
// so that the cost of a question does not grow with the size of the
// blocks around it: an http block holding ten thousand vhosts is scanned
// once, not once per location asking for an inherited value. Small
// blocks are scanned each time (cheaper than an index, and bounded).
// Without a Config (the package-level functions) everything is scanned.

// smallBlock is the number of children up to which a block, or a level of
// locations, is scanned rather than indexed.
var smallBlock = 16

// blockIndex holds the directives directly in one block, in file order.
type blockIndex struct {
	byName map[string][]*model.Directive
	// byGroup holds the array directives by group (arrayGroups).
	byGroup map[string][]*model.Directive
	// rewrite holds the rewrite module's directives (rewriteModule).
	rewrite []*model.Directive
}

// rewriteModule are the directives runRewritePhase acts on.
var rewriteModule = map[string]bool{"set": true, "break": true, "return": true, "if": true, "rewrite": true}

func newBlockIndex(block *model.Directive) *blockIndex {
	x := &blockIndex{byName: map[string][]*model.Directive{}, byGroup: map[string][]*model.Directive{}}
	for _, d := range block.Block {
		x.byName[d.Name.V] = append(x.byName[d.Name.V], d)
		if g, ok := arrayGroups[d.Name.V]; ok {
			x.byGroup[g] = append(x.byGroup[g], d)
		}
		if rewriteModule[d.Name.V] {
			x.rewrite = append(x.rewrite, d)
		}
	}
	return x
}

// rewriteDirectives returns the directives of the rewrite module directly
// in block (set, break, return, if, rewrite), in file order; for a small
// block, all its directives. The result must not be modified.
func (c *Config) rewriteDirectives(block *model.Directive) []*model.Directive {
	if x := c.blockIndex(block); x != nil {
		return x.rewrite[:len(x.rewrite):len(x.rewrite)]
	}
	return children(block)
}

// blockIndex returns the index of a large block, nil for a small one or
// without a Config.
func (c *Config) blockIndex(block *model.Directive) *blockIndex {
	if c == nil || block == nil || len(block.Block) <= smallBlock {
		return nil
	}
	if x, ok := c.blocks[block]; ok {
		return x
	}
	if c.blocks == nil {
		c.blocks = map[*model.Directive]*blockIndex{}
	}
	x := newBlockIndex(block)
	c.blocks[block] = x
	return x
}

// named returns the directives called name directly in block, in file
// order. The result must not be modified.
func (c *Config) named(block *model.Directive, name string) []*model.Directive {
	if x := c.blockIndex(block); x != nil {
		ds := x.byName[name]
		return ds[:len(ds):len(ds)]
	}
	return directivesNamed(block, name)
}

// group returns the directives of name's group (see sameGroup) directly
// in block, in file order. The result must not be modified.
func (c *Config) group(block *model.Directive, name string) []*model.Directive {
	g, ok := arrayGroups[name]
	if !ok {
		return c.named(block, name)
	}
	if x := c.blockIndex(block); x != nil {
		ds := x.byGroup[g]
		return ds[:len(ds):len(ds)]
	}
	return groupDirectives(block, name)
}

// levelIndex answers location searches at one level (the locations of a
// server, or those nested in one location) without scanning them, as
// nginx's static location tree does.
type levelIndex struct {
	// exact is the first "=" location of each path (named ones left
	// out); prefix the first prefix location (no modifier or ^~) of each
	// path.
	exact, prefix map[string]*model.Location
	// maxPrefix is the length of the longest path in prefix, maxLiteral
	// of the longest literal in anchored: a URI's longer prefixes need
	// not be looked up.
	maxPrefix, maxLiteral int
	// redirect is the first location, "=" or prefix, of each path ending
	// in "/" that auto-redirects (autoRedirects).
	redirect map[string]*model.Location
	// regexes are the regex locations, in file order; anchored holds the
	// indexes of those whose matches must start with a literal (see
	// anchoredLiteral), by that literal, loose the others.
	regexes  []regexEntry
	anchored map[string][]int
	loose    []int
}

// regexEntry is a regex location with its pattern compiled (re is nil when
// Go's regexp rejects it; regexMatch then decides).
type regexEntry struct {
	loc *model.Location
	re  *regexp.Regexp
}

// regexCandidates returns, in file order, the indexes of the regexes that
// may match uri: the loose ones and the anchored ones whose literal
// starts uri. The others cannot match, so a search skips them as it skips
// a regex that does not match.
func (x *levelIndex) regexCandidates(uri string) []int {
	if len(x.anchored) == 0 {
		return x.loose
	}
	var out []int
	for n := 1; n <= min(len(uri), x.maxLiteral); n++ {
		out = append(out, x.anchored[uri[:n]]...)
	}
	if len(out) == 0 {
		return x.loose
	}
	out = append(out, x.loose...)
	slices.Sort(out)
	return out
}

// anchoredLiteral returns the literal that every match of a Go regexp
// pattern (compiled as regexp.Compile does, case-sensitive) starts the
// subject with: the literal text right after a leading "^"
// ("^/api/(.*)$" gives "/api/"). ok is false when there is none.
func anchoredLiteral(pattern string) (string, bool) {
	re, err := syntax.Parse(pattern, syntax.Perl)
	if err != nil {
		return "", false
	}
	re = re.Simplify()
	subs := []*syntax.Regexp{re}
	if re.Op == syntax.OpConcat {
		subs = re.Sub
	}
	if len(subs) < 2 || subs[0].Op != syntax.OpBeginText {
		return "", false
	}
	lit := subs[1]
	if lit.Op != syntax.OpLiteral || lit.Flags&syntax.FoldCase != 0 {
		return "", false
	}
	s := string(lit.Rune)
	// A URI with bytes that are not UTF-8 reads as U+FFFD to the regexp:
	// a literal holding it says nothing about the bytes.
	if s == "" || strings.ContainsRune(s, utf8.RuneError) {
		return "", false
	}
	return s, true
}

func newLevelIndex(locs []*model.Location) *levelIndex {
	x := &levelIndex{exact: map[string]*model.Location{}, prefix: map[string]*model.Location{}, redirect: map[string]*model.Location{}}
	for _, l := range locs {
		switch {
		case l.Modifier == "=" && !isNamed(l):
			if _, ok := x.exact[l.Path.V]; !ok {
				x.exact[l.Path.V] = l
			}
		case isPrefix(l):
			if _, ok := x.prefix[l.Path.V]; !ok {
				x.prefix[l.Path.V] = l
				x.maxPrefix = max(x.maxPrefix, len(l.Path.V))
			}
		case isRegex(l) && !isNamed(l):
			caseless := l.Modifier == "~*"
			re, err := compileNginxRegex(l.Path.V, caseless)
			if err != nil {
				re = nil
			}
			i := len(x.regexes)
			x.regexes = append(x.regexes, regexEntry{loc: l, re: re})
			if lit, ok := anchoredLiteral(l.Path.V); ok && re != nil && !caseless {
				if x.anchored == nil {
					x.anchored = map[string][]int{}
				}
				x.anchored[lit] = append(x.anchored[lit], i)
				x.maxLiteral = max(x.maxLiteral, len(lit))
			} else {
				x.loose = append(x.loose, i)
			}
			continue
		default:
			continue
		}
		if _, ok := x.redirect[l.Path.V]; !ok && autoRedirects(l) {
			x.redirect[l.Path.V] = l
		}
	}
	return x
}

// levelIndex returns the index of a level of many locations (keyed by
// the enclosing location, or by the server for its top level), nil for a
// small level or without a Config.
func (c *Config) levelIndex(key any, locs []*model.Location) *levelIndex {
	if c == nil || len(locs) <= smallBlock {
		return nil
	}
	if x, ok := c.levels[key]; ok {
		return x
	}
	if c.levels == nil {
		c.levels = map[any]*levelIndex{}
	}
	x := newLevelIndex(locs)
	c.levels[key] = x
	return x
}

// topLocations returns the locations of srv that are not nested in
// another one, in file order. The result must not be modified.
func (c *Config) topLocations(srv *model.Server) []*model.Location {
	if c != nil {
		if top, ok := c.tops[srv]; ok {
			return top
		}
	}
	var top []*model.Location
	for _, l := range srv.Locations {
		if l.Parent == nil {
			top = append(top, l)
		}
	}
	top = top[:len(top):len(top)]
	if c != nil {
		if c.tops == nil {
			c.tops = map[*model.Server][]*model.Location{}
		}
		c.tops[srv] = top
	}
	return top
}
