package fixer

import (
	"os"
	"sync"
	"unicode/utf8"

	"github.com/grafanalint/grafanalint/parsers/model"
	"github.com/grafanalint/grafanalint/rules"
	"github.com/grafanalint/grafanalint/rules/fix"
)

// Describe resolves the fix of each finding into fix.Changes, for the
// reports that carry fixes (the json and sarif formats): each fix on its
// own, against the files as they are, exactly as --fix would apply it if
// it were the only one (the same checks: a reported file that parses, the
// text the rule read, a result that still parses). A fix that would not
// apply gets no Changes, nor does a secret one. Findings share nothing:
// fixes that overlap each other are each described in full.
func Describe(m *model.Model, findings []rules.Finding, opts Options) {
	read := opts.ReadFile
	if read == nil {
		read = os.ReadFile
	}
	var mu sync.Mutex
	cache := map[string][]byte{}
	errs := map[string]error{}
	opts.ReadFile = func(p string) ([]byte, error) {
		mu.Lock()
		defer mu.Unlock()
		if b, ok := cache[p]; ok {
			return b, errs[p]
		}
		b, err := read(p)
		cache[p], errs[p] = b, err
		return b, err
	}
	for i := range findings {
		fx := findings[i].Fix
		if fx == nil || fx.Secret || len(fx.Edits) == 0 || !Matches(opts.Only, findings[i].Rule) {
			continue
		}
		fx.Changes = nil
		p := New(m, findings[i:i+1], opts)
		if len(p.Applied) != 1 {
			continue
		}
		var changes []fix.Change
		for _, f := range p.Files {
			changes = append(changes, f.changes()...)
		}
		fx.Changes = changes
	}
}

// changes returns the file's edits as replacements of its original text,
// in the order of the file; insertions at one place are one replacement.
func (f *File) changes() []fix.Change {
	var out []fix.Change
	for _, s := range f.spans {
		if n := len(out); n > 0 && s.start == s.end && out[n-1].Offset == s.start && out[n-1].Length == 0 {
			out[n-1].Text += s.text
			continue
		}
		out = append(out, fix.Change{
			File:   f.Path,
			Start:  f.text.pos(f.Path, s.start),
			End:    f.text.pos(f.Path, s.end),
			Offset: s.start,
			Length: s.end - s.start,
			Text:   s.text,
		})
	}
	return out
}

// pos returns the position of byte offset off: its line, and one plus
// the code points before it on that line.
func (t *text) pos(file string, off int) model.Pos {
	line := 1
	for line < len(t.starts) && t.starts[line] <= off {
		line++
	}
	start := t.starts[line-1]
	if off < start {
		off = start // inside a byte order mark
	}
	return model.Pos{File: file, Line: line, Col: 1 + utf8.RuneCount(t.src[start:off])}
}
