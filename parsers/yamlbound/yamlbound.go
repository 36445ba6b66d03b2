// Package yamlbound bounds the work of reading a YAML node tree whose
// aliases and merge keys ("<<: *a", "<<: [*a, *b]") expand it: a document
// of a few hundred bytes can name the same anchor at every level and expand
// to billions of nodes. Readers that follow aliases count their steps with
// a Budget; Excessive tells, without expanding anything, whether the
// yaml.v3 decoder that Grafana and docker compose use refuses the document
// ("document contains excessive aliasing").
package yamlbound

import (
	"gopkg.in/yaml.v3"
)

// Message is yaml.v3's error text for a document whose aliases expand it
// too much.
const Message = "document contains excessive aliasing"

// Budget counts the steps of a walk that follows aliases. It allows any
// reasonable expansion of the nodes as written and stops the walk past
// that.
type Budget struct {
	max, used int
	exhausted bool
}

// New returns a budget for walking root: 100,000 steps plus 20 per node
// as written.
func New(root *yaml.Node) *Budget {
	return &Budget{max: 100000 + 20*CountNodes(root)}
}

// Tick counts one step and reports whether the walk may go on. Once it
// returns false it keeps returning false.
func (b *Budget) Tick() bool {
	if b.exhausted {
		return false
	}
	b.used++
	if b.used > b.max {
		b.exhausted = true
		return false
	}
	return true
}

// Exhausted reports whether a Tick was refused.
func (b *Budget) Exhausted() bool { return b.exhausted }

// CountNodes counts the nodes of the tree as written (aliases not
// followed; nesting beyond 20,000 levels is not counted).
func CountNodes(n *yaml.Node) int {
	return countNodes(n, 0)
}

func countNodes(n *yaml.Node, depth int) int {
	if n == nil || depth > 20000 {
		return 0
	}
	c := 1
	for _, k := range n.Content {
		c += countNodes(k, depth+1)
	}
	return c
}

// saturation caps expanded sizes: far above any limit that matters.
const saturation = 1 << 50

// yaml.v3's limits (decode.go, allowedAliasRatio): up to 400,000 decoded
// nodes 99 % may come from aliases, from 4,000,000 on only 10 %, linearly
// in between; the check starts after 1,000 nodes and 100 aliased ones.
const (
	ratioLow  = 400000
	ratioHigh = 4000000
)

func allowedRatio(decoded float64) float64 {
	switch {
	case decoded <= ratioLow:
		return 0.99
	case decoded >= ratioHigh:
		return 0.10
	}
	return 0.99 - 0.89*(decoded-ratioLow)/(ratioHigh-ratioLow)
}

// Excessive reports whether decoding root with yaml.v3 (into Go values, as
// Grafana's provisioning and docker compose do) fails with Message. It
// replays the decoder's counting in document order without expanding
// anything: each alias adds the expanded size of its anchor, all of it
// counted as aliased, and the ratio is checked after each node and each
// alias (within an alias the ratio only rises and the allowance only
// falls, so its end is the worst point). Anchors that contain themselves count as one
// node (the decoder fails on them with another error).
func Excessive(root *yaml.Node) bool {
	s := &sim{size: map[*yaml.Node]float64{}, mergedSize: map[*yaml.Node]float64{}, onPath: map[*yaml.Node]bool{}}
	s.walk(root, false, 0)
	return s.failed
}

type sim struct {
	size, mergedSize map[*yaml.Node]float64
	onPath           map[*yaml.Node]bool
	decoded, aliased float64
	failed           bool
}

// expanded returns the number of nodes n decodes to, aliases followed,
// counted as yaml.v3 counts them. In a merged mapping (merged true) the
// decoder skips the value of every key it has already merged; not knowing
// which, only keys are counted there, a lower bound.
func (s *sim) expanded(n *yaml.Node, merged bool, depth int) float64 {
	if n == nil || depth > 20000 {
		return 0
	}
	memo := s.size
	if merged {
		memo = s.mergedSize
	}
	if v, ok := memo[n]; ok {
		return v
	}
	if s.onPath[n] {
		return 1
	}
	s.onPath[n] = true
	v := 1.0
	add := func(x float64) {
		if v += x; v > saturation {
			v = saturation
		}
	}
	switch {
	case n.Kind == yaml.AliasNode:
		add(s.expanded(n.Alias, merged, depth+1))
	case merged && n.Kind == yaml.MappingNode:
		mergeItem := false
		each(n, func(c *yaml.Node) bool {
			if mergeItem {
				add(s.expanded(c, true, depth+1))
			}
			return true
		}, func(keys int) {
			add(float64(keys))
			mergeItem = true
		})
		if !mergeItem { // no merge key: its keys alone
			add(float64(len(n.Content) / 2))
		} else {
			add(float64(len(n.Content)/2 - 1)) // its own keys before the merge
		}
	default:
		mergeItem := false
		each(n, func(c *yaml.Node) bool {
			add(s.expanded(c, mergeItem, depth+1))
			return true
		}, func(keys int) {
			add(float64(keys))
			mergeItem = true
		})
	}
	delete(s.onPath, n)
	memo[n] = v
	return v
}

// each calls fn for the children of n that yaml.v3 decodes, in its order,
// until fn returns false. A mapping with a merge key ("<<") decodes its
// other keys and values, then every key once more (rekeyed is called with
// their number), then the merged value's items, not the list holding them.
func each(n *yaml.Node, fn func(*yaml.Node) bool, rekeyed func(int)) {
	if n.Kind != yaml.MappingNode {
		for _, c := range n.Content {
			if !fn(c) {
				return
			}
		}
		return
	}
	var merge *yaml.Node
	for i := 0; i+1 < len(n.Content); i += 2 {
		k := n.Content[i]
		if k.Kind == yaml.ScalarNode && k.Value == "<<" && (k.Tag == "" || k.Tag == "!" || k.Tag == "!!merge" || k.Tag == "tag:yaml.org,2002:merge") {
			merge = n.Content[i+1]
			continue
		}
		if !fn(k) || !fn(n.Content[i+1]) {
			return
		}
	}
	if merge == nil {
		return
	}
	rekeyed(len(n.Content) / 2)
	if merge.Kind == yaml.SequenceNode {
		for _, item := range merge.Content {
			if !fn(item) {
				return
			}
		}
		return
	}
	fn(merge)
}

// check applies the decoder's test after a decode.
func (s *sim) check() {
	if s.aliased > 100 && s.decoded > 1000 && s.aliased/s.decoded > allowedRatio(s.decoded) {
		s.failed = true
	}
}

func (s *sim) walk(n *yaml.Node, merged bool, depth int) {
	if n == nil || s.failed || depth > 20000 {
		return
	}
	if n.Kind == yaml.AliasNode {
		// The alias itself is decoded outside any alias; its anchor's
		// nodes inside one.
		s.decoded++
		s.check()
		e := s.expanded(n.Alias, merged, depth+1)
		s.decoded += e
		s.aliased += e
		s.check()
		return
	}
	s.decoded++
	s.check()
	mergeItem := false
	each(n, func(c *yaml.Node) bool {
		s.walk(c, mergeItem, depth+1)
		return !s.failed
	}, func(keys int) {
		s.decoded += float64(keys)
		s.check()
		mergeItem = true
	})
}
