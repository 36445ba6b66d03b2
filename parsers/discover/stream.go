package discover

import (
	"path/filepath"
	"sync"

	"github.com/grafanalint/grafanalint/parsers/dashboard"
	"github.com/grafanalint/grafanalint/parsers/model"
	"github.com/grafanalint/grafanalint/parsers/safefile"
)

// Streamed dashboards (Options.Stream). The dashboards of the kept stacks
// are not parsed while loading: each gets a Load function that reads its
// file again through the same checks as the first read and parses it on
// its own (no interner shared with the run, whose table would keep every
// string of every dashboard alive). The rules engine calls it when it
// checks the dashboard and strips the dashboard afterwards; a dashboard
// that two stacks hold is read once per stack.

// streamLater makes the deferred dashboard of e one the rules engine
// parses (model.Dashboard.Fill).
func (l *loader) streamLater(e *entry) {
	e.deferred = false
	disp, file, opts, abs := e.disp, e.file, l.readOptions(e), e.abs
	real := ""
	if dir, ok := l.realDir(filepath.Dir(abs)); ok {
		real = filepath.Join(dir, filepath.Base(abs))
	}
	// The engine fills a dashboard from one goroutine at a time, and
	// records the file's problems on the first parse only.
	recorded := false
	record := func(probs ...model.Problem) {
		if !recorded {
			file.Problems = append(file.Problems, probs...)
		}
		recorded = true
	}
	// read reads the file again into buf (see readBuffers); nil when it
	// cannot be (the problem is recorded).
	read := func(buf []byte) []byte {
		src, err := readAgain(abs, real, opts, buf)
		if err != nil {
			// Changed since it was first read.
			record(model.Problem{Kind: model.ProblemInput, Message: readError(err), Pos: model.Pos{File: disp, Line: 1, Col: 1}})
			return nil
		}
		if msg := safefile.TextProblem(src); msg != "" {
			record(model.Problem{Kind: model.ProblemInput, Message: msg, Pos: model.Pos{File: disp, Line: 1, Col: 1}})
			return nil
		}
		return src
	}
	d := e.dash
	d.Stripped = true
	d.Load = func() *model.Dashboard {
		buf := getBuffer()
		src := read(*buf)
		defer putBuffer(buf, src)
		if src == nil {
			return &model.Dashboard{File: disp}
		}
		parsed, probs := dashboard.Parse(disp, src)
		record(probs...)
		return parsed
	}
	cache := l.opts.FactCache
	if !l.narrow || cache == nil {
		return
	}
	// A run on explicit files reads only the facts of most dashboards of
	// its stack: earlier runs may have cached them.
	d.LoadFacts = func() (*model.Dashboard, bool) {
		buf := getBuffer()
		src := read(*buf)
		defer putBuffer(buf, src)
		if src == nil {
			return &model.Dashboard{File: disp}, true
		}
		if facts, probs, ok := cache.Get(disp, src); ok {
			record(probs...)
			return facts, false
		}
		parsed, probs := dashboard.Parse(disp, src)
		record(probs...)
		cache.Put(disp, src, parsed, probs)
		return parsed, true
	}
}

// readAgain reads a file the walk found: at its real path when its
// directory's is known and the file is no link itself (into buf when it
// has room), else through safefile.Read (as loader.readFile does).
func readAgain(abs, real string, o safefile.Options, buf []byte) ([]byte, error) {
	if real != "" {
		if src, err := safefile.ReadRealInto(real, o, buf); err == nil {
			return src, nil
		}
	}
	return safefile.Read(abs, o)
}

// readBuffers holds the buffers streamed dashboards are read into: the
// parser copies what it keeps, so a buffer serves the next dashboard, and
// a fleet's bytes are not allocated once per file (half of what a run
// allocated, and so of its collections).
var readBuffers = sync.Pool{New: func() any { return new([]byte) }}

// maxPooled is the largest buffer kept for reuse.
const maxPooled = 4 << 20

func getBuffer() *[]byte { return readBuffers.Get().(*[]byte) }

// putBuffer returns buf, now holding src (nil when nothing was read), for
// reuse.
func putBuffer(buf *[]byte, src []byte) {
	if src != nil && cap(src) > cap(*buf) {
		*buf = src[:0]
	}
	if cap(*buf) <= maxPooled {
		readBuffers.Put(buf)
	}
}
