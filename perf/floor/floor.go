// Package floor is the performance floor of issue 10: the least work a
// dashboard linter has to do. It streams every dashboard's JSON once with
// go-json-experiment's jsontext, two files at a time, and records where
// each "uid", "datasource" and "channel" value is. grafanalint's wall time
// and peak memory on a tree are reported as ratios to this walk on the same
// tree (perf/cmd/perfcheck).
package floor

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"sync"

	"github.com/go-json-experiment/json/jsontext"
)

// Kind is what a Ref's value is.
type Kind uint8

// Kinds of recorded values, by their member name.
const (
	UID        Kind = iota // "uid"
	Datasource             // "datasource"
	Channel                // "channel"
)

// Ref is one recorded value.
type Ref struct {
	Kind Kind
	// Offset is the byte offset just past the member's name.
	Offset int64
	// Value is the value if it is a string, "" otherwise (a datasource
	// object's own "uid" is a Ref of its own).
	Value string
}

// File is one walked dashboard and its Refs in document order.
type File struct {
	Path string
	Refs []Ref
	Err  error // the file's read or syntax error, if any
}

// Find returns the *.json files under roots in walk order, skipping
// folders whose names start with a dot (.git).
func Find(roots []string) ([]string, error) {
	var out []string
	for _, root := range roots {
		err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			if d.IsDir() && p != root && strings.HasPrefix(d.Name(), ".") {
				return filepath.SkipDir
			}
			if !d.IsDir() && strings.HasSuffix(d.Name(), ".json") {
				out = append(out, p)
			}
			return nil
		})
		if err != nil {
			return nil, err
		}
	}
	return out, nil
}

// Walk scans paths with workers goroutines (at least one) and returns
// their Files in the order of paths.
func Walk(paths []string, workers int) []File {
	files := make([]File, len(paths))
	next := make(chan int)
	var wg sync.WaitGroup
	for range max(workers, 1) {
		wg.Go(func() {
			for i := range next {
				files[i] = scanFile(paths[i])
			}
		})
	}
	for i := range paths {
		next <- i
	}
	close(next)
	wg.Wait()
	return files
}

func scanFile(p string) File {
	f, err := os.Open(p)
	if err != nil {
		return File{Path: p, Err: err}
	}
	defer f.Close()
	refs, err := Scan(f)
	return File{Path: p, Refs: refs, Err: err}
}

// Scan streams one JSON document from r and returns its Refs. Names and
// values are read as raw bytes; only recorded string values are copied.
func Scan(r io.Reader) ([]Ref, error) {
	dec := jsontext.NewDecoder(r)
	var refs []Ref
	pending := -1 // index in refs of a recorded name whose value is next
	for {
		switch k := dec.PeekKind(); k {
		case 0:
			// End of input, or a syntax error ReadToken reports.
			if _, err := dec.ReadToken(); !errors.Is(err, io.EOF) {
				return refs, err
			}
			return refs, nil
		case '{', '[', '}', ']':
			if _, err := dec.ReadToken(); err != nil {
				return refs, err
			}
			pending = -1 // a datasource object: its own uid is recorded inside
			continue
		}
		// A string is a member name when its object holds an even number
		// of names and values so far.
		isName := false
		if k, n := dec.StackIndex(dec.StackDepth()); k == '{' && n%2 == 0 {
			isName = true
		}
		v, err := dec.ReadValue()
		if err != nil {
			return refs, err
		}
		switch {
		case isName:
			kind := Kind(255)
			switch string(v) { // no allocation: compared in place
			case `"uid"`:
				kind = UID
			case `"datasource"`:
				kind = Datasource
			case `"channel"`:
				kind = Channel
			}
			if kind != 255 {
				refs = append(refs, Ref{Kind: kind, Offset: dec.InputOffset()})
				pending = len(refs) - 1
			}
		case pending >= 0:
			if v.Kind() == '"' {
				refs[pending].Value = unquote(v)
			}
			pending = -1
		}
	}
}

// unquote returns the text of a JSON string value.
func unquote(v jsontext.Value) string {
	if s := v[1 : len(v)-1]; bytes.IndexByte(s, '\\') < 0 {
		return string(s)
	}
	var s string
	if err := json.Unmarshal(v, &s); err != nil {
		return ""
	}
	return s
}
