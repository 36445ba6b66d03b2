// Package baseline records the findings a project accepts for now, so that
// only new ones are shown: "grafanalint baseline FILE" writes a baseline,
// "--baseline FILE" hides the findings it records.
//
// A finding is recognised by its rule, its file, its entity (what it is
// about: "dashboard:<uid>", "ini:<section>.<key>" …) and its key (what
// distinguishes findings of one rule on one entity), or its message when
// the rule gives no key — never by line or column, so reformatting a file
// or moving a block keeps it hidden. Findings with the same identity are
// counted: an entry hides at most Count of them. Entries that hide less
// than their count are stale: the finding was fixed, and the entry should
// go (Prune).
package baseline

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"

	"github.com/grafanalint/grafanalint/parsers/safefile"
	"github.com/grafanalint/grafanalint/rules"
)

// Version is the format version written.
//
// Version 2 keys dashboard findings by the panel's id or title and the
// query's refId ("panel:4/target:A=prom") and provisioning links without
// list indexes ("jsonData.derivedFields[].datasourceUid=tempo"); version
// 1 keyed them by JSON pointer ("/panels/3/targets/0/datasource=prom")
// and index, so moving a panel resurrected its findings. Version 1 files
// are still read: their pointer-keyed entries match a finding of the same
// rule, file, entity and offending value wherever it sits in the
// dashboard, list indexes are dropped, other entries match as before;
// writing the baseline again (grafanalint baseline FILE) records version
// 2 keys. Prune keeps a file's version.
const Version = 2

// oldestVersion is the oldest format Read accepts.
const oldestVersion = 1

// File is a baseline.
type File struct {
	Version int `json:"version"`
	// Findings are sorted by file, rule, entity, key and message.
	Findings []Entry `json:"findings"`
}

// Entry is one recorded finding identity and how many findings share it.
type Entry struct {
	Rule string `json:"rule"`
	// File is relative to the baseline file's directory, with "/".
	File   string `json:"file"`
	Entity string `json:"entity,omitempty"`
	Key    string `json:"key,omitempty"`
	// Message is recorded for people reading the file; it identifies the
	// finding only when Key is empty.
	Message string `json:"message"`
	// Count is how many findings of this identity are hidden; 1 is left
	// out.
	Count int `json:"count,omitempty"`
}

type identity struct{ rule, file, entity, key string }

func (e Entry) id() identity {
	key := e.Key
	if key == "" {
		key = "\x00" + maskPositions(e.Message)
	}
	return identity{e.Rule, e.File, e.Entity, key}
}

// positionInText matches positions some messages mention ("line 12",
// "nginx.conf:12:3"); as in SARIF fingerprints, they do not count.
var positionInText = regexp.MustCompile(`\bline \d+|(\.[A-Za-z0-9]+):\d+(?::\d+)?\b`)

func maskPositions(msg string) string { return positionInText.ReplaceAllString(msg, "${1}#") }

// pointerKey reports whether key is a version 1 dashboard key built on a
// JSON pointer: "/panels/3/targets/0/datasource=prom" (datasource rules)
// or "<dashboard>#/panels/0/targets/1/channel" (channel rules).
func pointerKey(key string) bool {
	return strings.HasPrefix(key, "/") || strings.Contains(key, "#/")
}

// legacyID is the identity a version 1 pointer-keyed entry and a finding
// share: the key without the place in the dashboard ("=prom",
// "<dashboard>#").
func (e Entry) legacyID() identity {
	key := e.Key
	if i := strings.Index(key, "#"); i >= 0 {
		key = key[:i+1]
	} else if i := strings.LastIndex(key, "="); i >= 0 {
		key = key[i:]
	}
	return identity{e.Rule, e.File, e.Entity, key}
}

func (e Entry) count() int { return max(e.Count, 1) }

// entryOf is the entry of one finding; fileOf maps display paths as for
// New. An entity naming a file ("file:<path>") is mapped the same way, so
// that it does not depend on the working directory.
func entryOf(f rules.Finding, fileOf func(string) string) Entry {
	entity := f.Entity
	if p, ok := strings.CutPrefix(entity, "file:"); ok {
		entity = "file:" + fileOf(p)
	}
	return Entry{Rule: f.Rule, File: fileOf(f.Pos.File), Entity: entity, Key: f.Key, Message: f.Message}
}

// New records findings; fileOf turns a finding's display path into the
// path recorded (relative to the baseline file's directory).
func New(fs []rules.Finding, fileOf func(string) string) *File {
	b := &File{Version: Version}
	index := map[identity]int{}
	for _, f := range fs {
		e := entryOf(f, fileOf)
		if i, ok := index[e.id()]; ok {
			b.Findings[i].Count = b.Findings[i].count() + 1
			continue
		}
		index[e.id()] = len(b.Findings)
		b.Findings = append(b.Findings, e)
	}
	b.sort()
	return b
}

func (b *File) sort() {
	sort.SliceStable(b.Findings, func(i, j int) bool {
		x, y := b.Findings[i], b.Findings[j]
		for _, c := range [][2]string{{x.File, y.File}, {x.Rule, y.Rule}, {x.Entity, y.Entity}, {x.Key, y.Key}, {x.Message, y.Message}} {
			if c[0] != c[1] {
				return c[0] < c[1]
			}
		}
		return false
	})
}

// Read reads a baseline file.
func Read(path string) (*File, error) {
	src, err := safefile.Read(path, safefile.Options{})
	if err != nil {
		return nil, err
	}
	var b File
	dec := json.NewDecoder(bytes.NewReader(src))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&b); err != nil {
		return nil, fmt.Errorf("not a grafanalint baseline: %w", err)
	}
	if b.Version < oldestVersion || b.Version > Version {
		return nil, fmt.Errorf("baseline version %d is not supported: this grafanalint reads versions %d to %d; write it again with \"grafanalint baseline\"", b.Version, oldestVersion, Version)
	}
	for i, e := range b.Findings {
		if e.Rule == "" || e.File == "" || e.Count < 0 {
			return nil, fmt.Errorf("baseline entry %d lacks a rule or a file", i+1)
		}
	}
	return &b, nil
}

// Marshal returns the baseline as indented JSON: sorted, so that the same
// findings always give the same bytes.
func (b *File) Marshal() []byte {
	c := *b
	if c.Version == 0 {
		c.Version = Version
	}
	if c.Findings == nil {
		c.Findings = []Entry{}
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false) // keep "<uid>" in messages readable
	enc.SetIndent("", "  ")
	if err := enc.Encode(&c); err != nil {
		panic(err) // only strings and ints: cannot fail
	}
	return buf.Bytes()
}

// Write writes the baseline to path, creating its directory.
func (b *File) Write(path string) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	return os.WriteFile(path, b.Marshal(), 0o644)
}

// idOf is how entry e of b is matched: by its legacy identity when b is a
// version 1 file and e is keyed by JSON pointer.
func (b *File) idOf(e Entry) identity {
	if b.Version < 2 && pointerKey(e.Key) {
		return e.legacyID()
	}
	if b.Version < 2 {
		// Version 1 kept list indexes in provisioning field paths
		// ("jsonData.derivedFields[0].datasourceUid=tempo").
		e.Key = listIndex.ReplaceAllString(e.Key, "[]")
	}
	return e.id()
}

var listIndex = regexp.MustCompile(`\[\d+\]`)

// Result is what applying a baseline did.
type Result struct {
	// Kept are the findings the baseline does not hide, in input order.
	Kept []rules.Finding
	// Hidden counts the findings it hides.
	Hidden int
	// Stale are entries (with the count left unused) that hid fewer
	// findings than they record, among those inScope accepted.
	Stale []Entry
}

// Apply hides the findings b records. fileOf maps display paths as for
// New. inScope tells whether an entry could have matched in this run (its
// file was linted and its rule ran); only such entries can be stale.
func (b *File) Apply(fs []rules.Finding, fileOf func(string) string, inScope func(Entry) bool) Result {
	left := map[identity]int{}
	for _, e := range b.Findings {
		left[b.idOf(e)] += e.count()
	}
	var res Result
	for _, f := range fs {
		e := entryOf(f, fileOf)
		id := e.id()
		if left[id] == 0 && b.Version < 2 {
			id = e.legacyID()
		}
		if left[id] > 0 {
			left[id]--
			res.Hidden++
			continue
		}
		res.Kept = append(res.Kept, f)
	}
	done := map[identity]bool{}
	for _, e := range b.Findings {
		id := b.idOf(e)
		if n := left[id]; n > 0 && !done[id] && inScope(e) {
			done[id] = true
			e.Count = n
			if n == 1 {
				e.Count = 0
			}
			res.Stale = append(res.Stale, e)
		}
	}
	return res
}

// Prune returns b without the stale entries (as Apply returned them): the
// counts of partly stale entries go down, entries with nothing left go.
func (b *File) Prune(stale []Entry) *File {
	drop := map[identity]int{}
	for _, e := range stale {
		drop[b.idOf(e)] += e.count()
	}
	out := &File{Version: b.Version, Findings: []Entry{}}
	for _, e := range b.Findings {
		id := b.idOf(e)
		n := e.count() - drop[id]
		drop[id] = max(0, -n)
		if n <= 0 {
			continue
		}
		e.Count = n
		if n == 1 {
			e.Count = 0
		}
		out.Findings = append(out.Findings, e)
	}
	out.sort()
	return out
}
