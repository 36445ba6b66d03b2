package model

import (
	"bytes"
	"sync"
)

// Kind is what a file is to Grafana or nginx.
type Kind string

// File kinds recognised by discovery.
const (
	KindIni         Kind = "grafana-ini"
	KindDatasources Kind = "datasource-provisioning"
	KindProviders   Kind = "dashboard-provisioning"
	KindDashboard   Kind = "dashboard"
	KindNginx       Kind = "nginx"
	KindCompose     Kind = "compose"
	KindEnv         Kind = "env"
)

// File is one file the linter read, whatever its kind.
type File struct {
	// Path is the path shown to users: relative to the working directory,
	// with "/" separators.
	Path string `json:"path"`
	// Abs is the absolute path on disk (not printed).
	Abs  string `json:"-"`
	Kind Kind   `json:"kind"`
	// Reported is false for files loaded only as context (pre-commit passes
	// explicit files; the rest of the project is loaded but not reported).
	Reported bool      `json:"reported"`
	Problems []Problem `json:"problems,omitempty"`
	Ignores  []Ignore  `json:"ignores,omitempty"`
	// Lines, when set, holds the file's text split in lines (without line
	// endings). Discovery leaves it empty and sets Source instead, so that
	// a run does not hold every file it read; tests and files made in
	// memory set it. Read lines with Line. Not serialised.
	Lines []string `json:"-"`
	// Source reads the file's text again, through the same checks as the
	// first read (regular file, size limit, symbolic link policy), for
	// source excerpts and for rules that need the raw text of a line. Nil
	// when the text is not available. Not serialised.
	Source func() ([]byte, error) `json:"-"`
}

// lineCache holds the text of the file whose lines were asked for last, so
// that reading many lines of one file (the findings of a dashboard, in
// order) reads it once, while the process never holds more than one file
// read this way.
var lineCache struct {
	sync.Mutex
	file   *File
	src    []byte
	starts []int // offset of each line in src
	err    error
}

// Line returns line n (1-based) of the file without its line ending ("\n"
// or "\r\n"); ok is false when the line or the file's text is not
// available. It reads Lines when set, else Source (see lineCache).
func (f *File) Line(n int) (string, bool) {
	if f == nil || n < 1 {
		return "", false
	}
	if f.Lines != nil {
		if n > len(f.Lines) {
			return "", false
		}
		return f.Lines[n-1], true
	}
	if f.Source == nil {
		return "", false
	}
	c := &lineCache
	c.Lock()
	defer c.Unlock()
	if c.file != f {
		c.file, c.src, c.starts = f, nil, nil
		c.src, c.err = f.Source()
		if c.err == nil {
			c.starts = lineStarts(c.src)
		}
	}
	if c.err != nil || n > len(c.starts) {
		return "", false
	}
	start, end := c.starts[n-1], len(c.src)
	if n < len(c.starts) {
		end = c.starts[n] - 1
	}
	line := bytes.TrimSuffix(c.src[start:end], []byte("\n"))
	line = bytes.TrimSuffix(line, []byte("\r"))
	return string(line), true
}

// LineCount returns how many lines Line serves (0 when the text is not
// available).
func (f *File) LineCount() int {
	if f == nil {
		return 0
	}
	if f.Lines != nil {
		return len(f.Lines)
	}
	if _, ok := f.Line(1); !ok {
		return 0
	}
	c := &lineCache
	c.Lock()
	defer c.Unlock()
	if c.file != f {
		return 0
	}
	return len(c.starts)
}

// lineStarts returns the offset of each line of src; a final line ending
// does not start another line.
func lineStarts(src []byte) []int {
	if len(src) == 0 {
		return nil
	}
	starts := make([]int, 1, bytes.Count(src, []byte{'\n'})+1)
	for i, b := range src {
		if b == '\n' && i+1 < len(src) {
			starts = append(starts, i+1)
		}
	}
	return starts
}
