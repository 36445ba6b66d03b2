package dashboard

import (
	"hash/maphash"
	"sync"
)

// strCache shares the text of short strings that recur from one dashboard
// to the next: JSON pointers ("/panels/3/targets/0/datasource"), datasource
// types and UIDs, refIds, panel types, units, locators. A parse without an
// Interner takes one from a pool and hands it back when done, so that a
// worker parsing dashboard after dashboard allocates such a string once, not
// once per dashboard, while nothing grows with the fleet: it is a
// direct-mapped table of cacheSlots strings of at most maxCached bytes (a
// string evicts the one in its slot), and the pool drops what the garbage
// collector finds unused. Only whole strings of their own are stored, never
// slices of a larger text, so a string held after its dashboard (a finding's
// label, Strip's uid and title) keeps nothing else alive.
type strCache struct {
	slots [cacheSlots]string
}

const (
	cacheSlots = 1 << 12
	// maxCached is the longest string cached: longer ones (titles,
	// descriptions, queries) recur less, and would make the table hold
	// more.
	maxCached = 64
)

var (
	cacheSeed = maphash.MakeSeed()
	caches    = sync.Pool{New: func() any { return new(strCache) }}
)

// bytes returns b as a string, the one in the table when it holds b.
func (c *strCache) bytes(b []byte) string {
	if len(b) == 0 {
		return ""
	}
	if len(b) > maxCached {
		return string(b)
	}
	slot := &c.slots[maphash.Bytes(cacheSeed, b)&(cacheSlots-1)]
	if *slot == string(b) {
		return *slot
	}
	s := string(b)
	*slot = s
	return s
}
