// Package factcache keeps, between runs, what a run on explicit files
// (pre-commit) reads of the other dashboards of their stack: the facts
// checks across dashboards need (model.Dashboard.Facts: uid, title, Live
// channels and panels) and the problems of the file's parse. An entry is
// keyed by a SHA-256 of the file's bytes, its display path and the
// grafanalint executable that wrote it, so a hit stands for exactly what
// parsing the file would give: a cache never changes a verdict, it only
// spares the parse (as golangci-lint and ruff cache their results in the
// user's cache directory).
//
// The directory is $GRAFANALINT_CACHE_DIR ("off" disables the cache),
// else grafanalint/ in $XDG_CACHE_HOME, else in $HOME/.cache. Entries are
// small JSON files written atomically (a temporary file renamed into
// place); an entry that cannot be read or decoded is a miss, and a cache
// that cannot be written is silently not used. As Go's build cache does,
// the cache trims itself: at most once a day, opening it removes the
// entries no run has used for maxAge (a hit marks its entry used, at most
// once a day), so a cache that lives across many commits stays the size
// of what is still linted. Deleting the directory is always safe.
package factcache

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"runtime/debug"
	"time"

	"github.com/grafanalint/grafanalint/parsers/model"
)

// Cache is a directory of dashboard facts; a nil *Cache caches nothing.
type Cache struct {
	dir string
	// salt identifies the executable, so that entries written by another
	// build (another parser) are never read.
	salt []byte
}

// Dir returns the cache directory the environment names (getenv reads
// it), "" when the cache is off or no directory can be told.
func Dir(getenv func(string) string) string {
	switch d := getenv("GRAFANALINT_CACHE_DIR"); d {
	case "off":
		return ""
	case "":
	default:
		return d
	}
	if d := getenv("XDG_CACHE_HOME"); d != "" && filepath.IsAbs(d) {
		return filepath.Join(d, "grafanalint")
	}
	if h := getenv("HOME"); h != "" && filepath.IsAbs(h) {
		return filepath.Join(h, ".cache", "grafanalint")
	}
	return ""
}

// Open returns the cache in dir for the running executable; nil when dir
// is "" or the executable cannot be identified. It trims the cache when
// the last trim is a day old.
func Open(dir string) *Cache {
	if dir == "" {
		return nil
	}
	salt, err := executableSalt()
	if err != nil {
		return nil
	}
	c := &Cache{dir: filepath.Join(dir, "dashboard-facts"), salt: salt}
	c.trim(time.Now())
	return c
}

const (
	// maxAge is how long an entry no run uses is kept.
	maxAge = 30 * 24 * time.Hour
	// trimEvery is how often the cache is trimmed, and how often a hit
	// marks its entry used.
	trimEvery = 24 * time.Hour
	// trimmedName is the file whose modification time says when the
	// cache was last trimmed.
	trimmedName = "trimmed"
)

// trim removes the entries not used for maxAge, unless the cache was
// trimmed less than trimEvery before now.
func (c *Cache) trim(now time.Time) {
	marker := filepath.Join(c.dir, trimmedName)
	if st, err := os.Stat(marker); err == nil && now.Sub(st.ModTime()) < trimEvery {
		return
	}
	shards, err := os.ReadDir(c.dir)
	if err != nil {
		return // no cache yet
	}
	for _, sh := range shards {
		if !sh.IsDir() {
			continue
		}
		dir := filepath.Join(c.dir, sh.Name())
		entries, err := os.ReadDir(dir)
		if err != nil {
			continue
		}
		for _, e := range entries {
			if info, err := e.Info(); err == nil && info.Mode().IsRegular() && now.Sub(info.ModTime()) > maxAge {
				_ = os.Remove(filepath.Join(dir, e.Name()))
			}
		}
	}
	if f, err := os.Create(marker); err == nil {
		_ = f.Close()
		_ = os.Chtimes(marker, now, now)
	}
}

// executableSalt identifies the running executable by its module version,
// revision, path, size and modification time: a rebuilt binary gets a
// new salt.
func executableSalt() ([]byte, error) {
	exe, err := os.Executable()
	if err != nil {
		return nil, err
	}
	st, err := os.Stat(exe)
	if err != nil {
		return nil, err
	}
	salt := fmt.Sprintf("%s\x00%d\x00%d", exe, st.Size(), st.ModTime().UnixNano())
	if bi, ok := debug.ReadBuildInfo(); ok {
		salt += "\x00" + bi.Main.Path + "@" + bi.Main.Version
		for _, s := range bi.Settings {
			if s.Key == "vcs.revision" || s.Key == "vcs.modified" {
				salt += "\x00" + s.Value
			}
		}
	}
	return []byte(salt), nil
}

// entry is what is stored for one file.
type entry struct {
	Path     string           `json:"path"`
	Facts    *model.Dashboard `json:"facts"`
	Problems []model.Problem  `json:"problems,omitempty"`
}

// file returns the entry file of the dashboard at display path path with
// content src.
func (c *Cache) file(path string, src []byte) string {
	h := sha256.New()
	h.Write(c.salt)
	fmt.Fprintf(h, "\x00%d\x00%s\x00", len(path), path)
	h.Write(src)
	sum := hex.EncodeToString(h.Sum(nil))
	return filepath.Join(c.dir, sum[:2], sum[2:]+".json")
}

// Get returns the facts and problems stored for the dashboard at display
// path path with content src; ok is false on a miss.
func (c *Cache) Get(path string, src []byte) (facts *model.Dashboard, probs []model.Problem, ok bool) {
	if c == nil {
		return nil, nil, false
	}
	name := c.file(path, src)
	b, err := os.ReadFile(name)
	if err != nil {
		return nil, nil, false
	}
	var e entry
	if json.Unmarshal(b, &e) != nil || e.Facts == nil || e.Path != path || e.Facts.File != path {
		return nil, nil, false
	}
	if st, err := os.Stat(name); err == nil {
		if now := time.Now(); now.Sub(st.ModTime()) > trimEvery {
			_ = os.Chtimes(name, now, now) // used: trim keeps it
		}
	}
	return e.Facts, e.Problems, true
}

// Put stores the facts of d (model.Dashboard.Facts) and the problems of
// its parse for the dashboard at display path path with content src.
// Failing to write is not an error: the next run parses the file again.
func (c *Cache) Put(path string, src []byte, d *model.Dashboard, probs []model.Problem) {
	if c == nil {
		return
	}
	b, err := json.Marshal(entry{Path: path, Facts: d.Facts(), Problems: probs})
	if err != nil {
		return
	}
	name := c.file(path, src)
	if os.MkdirAll(filepath.Dir(name), 0o755) != nil {
		return
	}
	tmp, err := os.CreateTemp(filepath.Dir(name), ".tmp-*")
	if err != nil {
		return
	}
	_, werr := tmp.Write(b)
	if cerr := tmp.Close(); werr != nil || cerr != nil || os.Rename(tmp.Name(), name) != nil {
		_ = os.Remove(tmp.Name())
	}
}
