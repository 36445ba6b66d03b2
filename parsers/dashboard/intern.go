package dashboard

import (
	"hash/maphash"
	"sync"
)

// Interner shares the text of equal strings among the dashboards parsed
// with it: fleets keep the same dashboard in many stacks and the same
// datasource UIDs, types, refIds and JSON pointers in every panel, and
// the model holds every one of them for the whole run. It is safe for
// concurrent use; the zero of *Interner (nil) interns nothing.
type Interner struct {
	seed   maphash.Seed
	shards [internShards]internShard
}

type internShard struct {
	sync.Mutex
	m map[string]string
}

const (
	internShards = 64
	// maxInterned is the longest string interned (longer ones are
	// queries, rarely repeated within a run but for copies).
	maxInterned = 4 << 10
)

// NewInterner returns an empty Interner.
func NewInterner() *Interner {
	in := &Interner{seed: maphash.MakeSeed()}
	for i := range in.shards {
		in.shards[i].m = map[string]string{}
	}
	return in
}

// bytes returns b as a string, the same string for equal b.
func (in *Interner) bytes(b []byte) string {
	if in == nil || len(b) > maxInterned {
		return string(b)
	}
	if len(b) == 0 {
		return ""
	}
	s := &in.shards[maphash.Bytes(in.seed, b)%internShards]
	s.Lock()
	defer s.Unlock()
	if v, ok := s.m[string(b)]; ok {
		return v
	}
	v := string(b)
	s.m[v] = v
	return v
}

// String returns the copy of s the Interner holds (s itself the first
// time); strings over 4 KiB, and every string of a nil Interner, are
// returned as they are. The rules engine shares the texts of a run's
// findings with it.
func (in *Interner) String(s string) string {
	if in == nil || len(s) > maxInterned || s == "" {
		return s
	}
	sh := &in.shards[maphash.String(in.seed, s)%internShards]
	sh.Lock()
	defer sh.Unlock()
	if v, ok := sh.m[s]; ok {
		return v
	}
	sh.m[s] = s
	return s
}
