package query

import (
	"hash/maphash"
	"strings"
	"sync"

	"github.com/grafanalint/grafanalint/parsers/model"
)

// Fleets repeat their queries (the same mixin in every environment, a
// dashboard copied per cluster), so the validity rules remember what they
// learnt about a text, process-wide, in one bounded memo shared by every
// rule and worker:
//
//   - a check entry: the outcome of checking a query as written (the
//     first attempt's parse error and its offset in the text, or that some
//     values of its variables make it parse), with the variables the
//     outcome depends on. It is stored only when it holds for every
//     dashboard whose variables of those names are neither constants nor
//     (where it changes the value tried) interval variables, and used only
//     for such dashboards, so that it never changes a verdict;
//   - a verdict entry: whether an interpolated text parses and, if not,
//     the parser's error, for the checks the first kind cannot answer;
//   - a facts entry: what the convention rules read of a Prometheus
//     query's syntax tree (promFacts), stored and used as check entries.
//
// Each is a function of the text alone (offsets are into the text, and
// findings are positioned from them as before), so an entry is as good
// in any file, panel or dashboard.

// memoEntry is what the memo holds for a text.
type memoEntry struct {
	// text is the text the entry is about (the memo's maps are keyed by
	// its hash; an entry is used only for a text equal to it).
	text string
	// perr is the parse error (nil: the text parsed, or, for a check
	// entry, some expansion of it did).
	perr *parseError
	// off is a check entry's error offset in the text as written.
	off int
	// deps are a check or facts entry's variable names (see checkDep).
	deps []checkDep
	// facts are a facts entry's (promFacts; nil when the query does not
	// parse).
	facts *promFacts
}

// checkDep is a variable a query refers to: a dashboard variable of that
// name that is a constant (replaced by its value) changes the values a
// check tries; an interval variable (replaced by a duration) changes them
// when a reference to it stands elsewhere than in a range, where a
// duration is tried anyway.
type checkDep struct {
	name string
	// notRange: some reference to the variable is outside [...] and
	// offset.
	notRange bool
}

// size is what the entry costs beyond its key, in bytes (counted, not
// measured: the map's slot, the error and the dependencies).
func (e memoEntry) size() int {
	n := memoEntryOverhead + 24*len(e.deps) + e.facts.size()
	if e.perr != nil {
		n += len(e.perr.msg)
	}
	for _, d := range e.deps {
		n += len(d.name)
	}
	return n
}

// Bounds of the memo: a generation holds at most memoMaxEntries entries
// and memoMaxBytes bytes (keys, entries and a fixed overhead per entry);
// when the current one is full it becomes the old one and the previous
// old one is dropped, so the memo never holds more than two generations
// (16 MiB counted) and keeps the texts seen most recently. The memo is
// split in memoShards shards by a hash of the text, each with its share
// of the bounds and its own lock, so that workers checking dashboards at
// once rarely wait for, or write to, the same lock.
const (
	memoMaxEntries    = 1 << 15
	memoMaxBytes      = 8 << 20
	memoEntryOverhead = 128
	memoShards        = 16
)

// memoKind is what an entry says about its text: a check or a verdict
// of one validator.
type memoKind int

const (
	checkPromQL memoKind = iota
	verdictPromQL
	checkPromSelector
	verdictPromSelector
	checkLogQL
	verdictLogQL
	factsPromQL
	memoKinds
)

// generation is one generation of a shard: a map per kind, keyed by the
// text's 64-bit hash (the one that picks the shard), so that a lookup
// hashes a long query text once and compares it once (with the entry's
// text: texts whose hashes collide are never mistaken for each other).
type generation struct {
	m       [memoKinds]map[uint64]memoEntry
	entries int
	bytes   int
}

// memo is a bounded map from a kind and a text to an entry, safe for
// concurrent use.
type memo struct {
	seed   maphash.Seed
	shards [memoShards]memoShard
}

// memoShard is a part of the memo.
type memoShard struct {
	mu                   sync.RWMutex
	cur, old             generation
	maxEntries, maxBytes int
	// Keeps shards' locks on separate cache lines.
	_ [64]byte
}

// newMemo returns an empty memo with the given bounds per generation.
func newMemo(maxEntries, maxBytes int) *memo {
	m := &memo{seed: maphash.MakeSeed()}
	for i := range m.shards {
		m.shards[i].maxEntries = max(maxEntries/memoShards, 1)
		m.shards[i].maxBytes = maxBytes / memoShards
	}
	return m
}

// verdictMemo is the process's memo.
var verdictMemo = newMemo(memoMaxEntries, memoMaxBytes)

// shard returns the hash of text s and its shard.
func (m *memo) shard(s string) (uint64, *memoShard) {
	h := maphash.String(m.seed, s)
	return h, &m.shards[h%memoShards]
}

// get returns the entry of text s of kind k.
func (m *memo) get(k memoKind, s string) (memoEntry, bool) {
	h, sh := m.shard(s)
	sh.mu.RLock()
	e, ok := sh.cur.m[k][h]
	if !ok {
		e, ok = sh.old.m[k][h]
	}
	sh.mu.RUnlock()
	// A text whose hash collides with the entry's is not its text.
	return e, ok && e.text == s
}

// put stores e for a copy of s (an entry must not keep the text's file
// alive), starting a new generation of its shard when the current one is
// full. An entry larger than a shard's generation is not stored, and
// neither is one whose text's hash is that of another text of the
// current generation (the first stays).
func (m *memo) put(k memoKind, s string, e memoEntry) {
	h, sh := m.shard(s)
	size := len(s) + e.size()
	if size > sh.maxBytes {
		return
	}
	sh.mu.Lock()
	defer sh.mu.Unlock()
	if _, ok := sh.cur.m[k][h]; ok {
		return
	}
	if sh.cur.entries >= sh.maxEntries || sh.cur.bytes+size > sh.maxBytes {
		sh.old, sh.cur = sh.cur, generation{}
	}
	if sh.cur.m[k] == nil {
		sh.cur.m[k] = map[uint64]memoEntry{}
	}
	e.text = strings.Clone(s)
	sh.cur.m[k][h] = e
	sh.cur.entries++
	sh.cur.bytes += size
}

// stats returns the entries and bytes (as counted) the memo holds.
func (m *memo) stats() (entries, bytes int) {
	for i := range m.shards {
		sh := &m.shards[i]
		sh.mu.RLock()
		entries += sh.cur.entries + sh.old.entries
		bytes += sh.cur.bytes + sh.old.bytes
		sh.mu.RUnlock()
	}
	return entries, bytes
}

// reset empties the memo.
func (m *memo) reset() {
	for i := range m.shards {
		sh := &m.shards[i]
		sh.mu.Lock()
		sh.cur, sh.old = generation{}, generation{}
		sh.mu.Unlock()
	}
}

// ResetVerdicts empties the memo, so that a benchmark of whole runs
// measures what one process pays.
func ResetVerdicts() { verdictMemo.reset() }

// cacheVerdicts is false in benchmarks that measure parsing itself.
var cacheVerdicts = true

// validator checks texts of one kind (PromQL expressions, series
// selectors, LogQL) for the rules that need no AST, through the memo.
type validator struct {
	lang  lang
	parse parseFunc
	// checkKind and verdictKind are the kinds of its check and verdict
	// entries.
	checkKind, verdictKind memoKind
}

// check checks s in dashboard d as check does: the first attempt's error
// and its offset in s, or nil when some values of s's variables make it
// parse.
func (v *validator) check(s string, d *model.Dashboard) (*parseError, int) {
	if !cacheVerdicts {
		_, perr, off := check(s, d, v.lang, v.parse)
		return perr, off
	}
	if e, ok := verdictMemo.get(v.checkKind, s); ok && holdsIn(e.deps, d) {
		counted()
		return e.perr, e.off
	}
	e := newExpansion(s, d, v.lang)
	_, perr, off := e.run(s, v.parseText)
	if e.specific {
		// d's constants or interval variables chose the values tried.
		return perr, off
	}
	verdictMemo.put(v.checkKind, s, memoEntry{perr: detached(perr), off: off, deps: e.deps()})
	return perr, off
}

// parseText parses an interpolated text through the memo's verdict
// entries.
func (v *validator) parseText(s string) (any, *parseError) {
	if e, ok := verdictMemo.get(v.verdictKind, s); ok {
		return nil, e.perr
	}
	_, perr := v.parse(s)
	verdictMemo.put(v.verdictKind, s, memoEntry{perr: detached(perr)})
	return nil, perr
}

// detached returns a copy of perr for the memo, whose message shares no
// memory with the text parsed (which may be a file's).
func detached(perr *parseError) *parseError {
	if perr == nil {
		return nil
	}
	c := *perr
	c.msg = strings.Clone(perr.msg)
	return &c
}

// holdsIn reports whether a check entry with dependencies deps holds in
// dashboard d: none of deps names a variable of d whose value the check
// would try instead of the default ones. Most variables are neither
// constants nor intervals, so each variable's type is looked at before
// its name.
func holdsIn(deps []checkDep, d *model.Dashboard) bool {
	if d == nil || len(deps) == 0 {
		return true
	}
	for i, v := range d.Variables {
		constant := v.Type == "constant"
		if !constant && v.Type != "interval" {
			continue
		}
		for _, dep := range deps {
			if v.Name.V != dep.name || !constant && !dep.notRange {
				continue
			}
			if constant {
				if _, ok := constantValue(v); !ok {
					continue
				}
			}
			// References get the first variable of the name.
			if !definedBefore(d.Variables[:i], v.Name.V) {
				return false
			}
		}
	}
	return true
}

// definedBefore reports whether one of vars is named name.
func definedBefore(vars []*model.Variable, name string) bool {
	for _, v := range vars {
		if v.Name.V == name {
			return true
		}
	}
	return false
}

// constantValue returns the value a constant variable's references are
// replaced by, when it has one that holds no references itself.
func constantValue(v *model.Variable) (string, bool) {
	if v.Type == "constant" && v.Query.V != "" && !strings.ContainsAny(v.Query.V, "$[") {
		return v.Query.V, true
	}
	return "", false
}
