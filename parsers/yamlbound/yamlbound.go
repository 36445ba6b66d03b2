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
	s := &sim{size: map[*yaml.Node]float64{}, onPath: map[*yaml.Node]bool{}}
	s.walk(root, 0)
	return s.failed
}

type sim struct {
	size             map[*yaml.Node]float64
	onPath           map[*yaml.Node]bool
	decoded, aliased float64
	failed           bool
}

// expanded returns the number of nodes n decodes to, aliases followed.
func (s *sim) expanded(n *yaml.Node, depth int) float64 {
	if n == nil || depth > 20000 {
		return 0
	}
	if v, ok := s.size[n]; ok {
		return v
	}
	if s.onPath[n] {
		return 1
	}
	s.onPath[n] = true
	var v float64
	if n.Kind == yaml.AliasNode {
		v = 1 + s.expanded(n.Alias, depth+1)
	} else {
		v = 1
		for _, c := range n.Content {
			v += s.expanded(c, depth+1)
			if v > saturation {
				v = saturation
			}
		}
	}
	delete(s.onPath, n)
	s.size[n] = v
	return v
}

// check applies the decoder's test after a decode.
func (s *sim) check() {
	if s.aliased > 100 && s.decoded > 1000 && s.aliased/s.decoded > allowedRatio(s.decoded) {
		s.failed = true
	}
}

func (s *sim) walk(n *yaml.Node, depth int) {
	if n == nil || s.failed || depth > 20000 {
		return
	}
	if n.Kind == yaml.AliasNode {
		e := s.expanded(n, depth)
		s.decoded += e
		s.aliased += e
		s.check()
		return
	}
	s.decoded++
	s.check()
	for _, c := range n.Content {
		s.walk(c, depth+1)
	}
}
