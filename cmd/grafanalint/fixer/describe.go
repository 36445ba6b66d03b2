package fixer

import (
	"errors"
	"io"
	"math"
	"os"
	"runtime"
	"slices"
	"sort"
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
//
// What it costs: each file is read and indexed once for all the fixes
// that edit it (and dropped after the last, its memory reused for the next
// file read), a fixed dashboard is checked around its edits (jsoncheck.go)
// rather than parsed whole, the parser deciding only when that check
// cannot, and a fix of one edit (nearly all) takes a plan's steps without
// building one; files are worked on in parallel.
func Describe(m *model.Model, findings []rules.Finding, opts Options) {
	read := readInto
	if opts.ReadFile != nil {
		read = func(p string, _ *fileBuf) ([]byte, error) { return opts.ReadFile(p) }
	}
	d := &describer{m: m, byPath: make(map[string]*model.File, len(m.Files)), read: read, refs: map[string]int{}, files: map[string]*sharedFile{}}
	for _, f := range m.Files {
		if _, ok := d.byPath[f.Path]; !ok {
			d.byPath[f.Path] = f
		}
	}
	// The fixes to describe, each once (findings may share one), grouped
	// by the file of their first edit, or of their first edit of a
	// dashboard: the large files are held for one group, the small ones
	// they share (provisioning) until their last fix.
	seen := map[*fix.Fix]bool{}
	groups := map[string][]int{}
	var order, files []string
	for i := range findings {
		fx := findings[i].Fix
		if fx == nil || fx.Secret || len(fx.Edits) == 0 || !Matches(opts.Only, findings[i].Rule) {
			continue
		}
		fx.Changes = nil
		if seen[fx] {
			continue
		}
		seen[fx] = true
		files = editedFiles(fx, files)
		key := files[0]
		for _, p := range files {
			if f := d.byPath[p]; f != nil && f.Kind == model.KindDashboard {
				key = p
				break
			}
		}
		if _, ok := groups[key]; !ok {
			order = append(order, key)
		}
		groups[key] = append(groups[key], i)
		for _, p := range files {
			d.refs[p]++
		}
	}
	work := make(chan string)
	var wg sync.WaitGroup
	for range min(runtime.GOMAXPROCS(0), len(order)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for path := range work {
				for _, i := range groups[path] {
					d.describe(&findings[i])
				}
			}
		}()
	}
	for _, path := range order {
		work <- path
	}
	close(work)
	wg.Wait()
}

// editedFiles returns the display paths fx edits, each once, in into's
// memory when it has room.
func editedFiles(fx *fix.Fix, into []string) []string {
	out := into[:0]
	for _, e := range fx.Edits {
		if p := e.File(); !slices.Contains(out, p) {
			out = append(out, p)
		}
	}
	return out
}

// describer holds the files Describe read, each until the last fix that
// edits it is described.
type describer struct {
	m *model.Model
	// byPath indexes m's files (m.File looks through them all).
	byPath map[string]*model.File
	read   func(string, *fileBuf) ([]byte, error)
	mu     sync.Mutex
	// refs counts the fixes still to describe that edit each file.
	refs  map[string]int
	files map[string]*sharedFile
	// free is the memory of files no fix needs any more, for the next
	// files read.
	free []*fileBuf
}

// sharedFile is a file read once for the fixes that edit it.
type sharedFile struct {
	once sync.Once
	ld   *loaded
	buf  *fileBuf
}

// maxFree is how many released files' memory Describe keeps for reuse
// (files are worked on by GOMAXPROCS goroutines, one at a time each).
func maxFree() int { return runtime.GOMAXPROCS(0) + 1 }

// readInto is os.ReadFile reading into buf's memory when it has room.
func readInto(path string, buf *fileBuf) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	size := 512
	if fi, err := f.Stat(); err == nil && fi.Size() < math.MaxInt-1 {
		size = int(fi.Size()) + 1 // one more byte, to read the end of the file
	}
	b := buf.src[:0]
	if cap(b) < size {
		b = make([]byte, 0, size)
	}
	for {
		n, err := f.Read(b[len(b):cap(b)])
		b = b[:len(b)+n]
		if err != nil {
			if errors.Is(err, io.EOF) {
				return b, nil
			}
			return nil, err
		}
		if len(b) == cap(b) {
			b = append(b, 0)[:len(b)] // the file grew
		}
	}
}

// load returns the file at a display path, reading it on first use.
func (d *describer) load(path string) *loaded {
	d.mu.Lock()
	sf, ok := d.files[path]
	if !ok {
		sf = &sharedFile{}
		d.files[path] = sf
	}
	d.mu.Unlock()
	sf.once.Do(func() {
		f, ok := d.byPath[path]
		if !ok {
			f = d.m.File(path)
		}
		d.mu.Lock()
		buf := &fileBuf{}
		if n := len(d.free); n > 0 {
			buf = d.free[n-1]
			d.free = d.free[:n-1]
		}
		d.mu.Unlock()
		ld := &loaded{f: f}
		ld.bad = ld.loadInto(d.read, buf)
		sf.buf = buf
		if ld.bad == "" && ld.f.Kind == model.KindDashboard {
			ld.scan = newScanIndex(ld.src)
		}
		sf.ld = ld
	})
	return sf.ld
}

// release says a fix that edits these files was described.
func (d *describer) release(paths []string) {
	d.mu.Lock()
	defer d.mu.Unlock()
	for _, p := range paths {
		if d.refs[p]--; d.refs[p] > 0 {
			continue
		}
		if sf := d.files[p]; sf != nil && sf.buf != nil && len(d.free) < maxFree() {
			d.free = append(d.free, sf.buf)
		}
		delete(d.files, p)
	}
}

// describe sets the Changes of f's fix: what a plan of that fix alone
// changes, when it applies.
func (d *describer) describe(f *rules.Finding) {
	fx := f.Fix
	if len(fx.Edits) == 1 {
		path := fx.Edits[0].File()
		fx.Changes = d.describeEdit(path, fx.Edits[0])
		d.release([]string{path})
		return
	}
	defer d.release(editedFiles(fx, nil))
	p := newPlan([]rules.Finding{*f}, d.load, d.check)
	if len(p.Applied) != 1 {
		return
	}
	var changes []fix.Change
	for _, pf := range p.Files {
		changes = append(changes, pf.changes()...)
	}
	fx.Changes = changes
}

// describeEdit returns the changes of a fix whose one edit is e, of the
// file at path: what a plan of that fix alone gives (see describe), its
// steps for one edit of one file, without the plan's maps and slices.
func (d *describer) describeEdit(path string, e fix.Edit) []fix.Change {
	ld := d.load(path)
	if ld.bad != "" {
		return nil
	}
	sp, err := ld.text.resolve(e)
	// A plan changes (and checks) a file only under its own display path.
	if err != nil || ld.f.Path != path {
		return nil
	}
	one := [1]taken{{span: sp, seq: 1}}
	if ld.scan == nil || !ld.scan.accepts(ld.src, one[:]) {
		if _, why := verifyState(&state{loaded: ld}, []taken{one[0]}); why != "" {
			return nil
		}
	}
	return []fix.Change{{
		File:   path,
		Start:  ld.text.pos(path, sp.start),
		End:    ld.text.pos(path, sp.end),
		Offset: sp.start,
		Length: sp.end - sp.start,
		Text:   sp.text,
	}}
}

// check is verifyState, but a dashboard jsonScan accepts around the edits
// is not parsed: what jsonScan accepts parses.
func (d *describer) check(st *state, spans []taken) (*File, string) {
	if st.scan != nil && st.scan.accepts(st.src, spans) {
		return st.changed(spans), ""
	}
	return verifyState(st, spans)
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
	// The line is the last whose start is at or before off (the first
	// when none is: off inside a byte order mark).
	line := max(sort.SearchInts(t.starts, off+1), 1)
	start := t.starts[line-1]
	if off < start {
		off = start // inside a byte order mark
	}
	return model.Pos{File: file, Line: line, Col: 1 + utf8.RuneCount(t.src[start:off])}
}
