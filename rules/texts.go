package rules

import (
	"hash/maphash"
	"sync"
)

// texts shares the text of equal strings among the findings of a run: a
// fleet's copies of one dashboard get the same messages (a run over
// 10,000 generated dashboards reports 71,000 findings in 18 messages), and
// the run holds every finding until it is sorted and written. It is safe
// for concurrent use (dashboards are checked on a pool of goroutines).
type texts struct {
	seed   maphash.Seed
	shards [textShards]textShard
}

type textShard struct {
	sync.Mutex
	m map[string]string
}

const (
	textShards = 16
	// maxShared is the number of distinct strings a shard keeps: past it,
	// new strings are kept as they are, so a run of unique messages does
	// not also hold a table of them.
	maxShared = 1 << 14
)

func newTexts() *texts { return &texts{seed: maphash.MakeSeed()} }

// share returns the copy of s the run already holds, or s.
func (t *texts) share(s string) string {
	if t == nil || s == "" {
		return s
	}
	sh := &t.shards[maphash.String(t.seed, s)%textShards]
	sh.Lock()
	defer sh.Unlock()
	if v, ok := sh.m[s]; ok {
		return v
	}
	if sh.m == nil {
		sh.m = map[string]string{}
	}
	if len(sh.m) < maxShared {
		sh.m[s] = s
	}
	return s
}
