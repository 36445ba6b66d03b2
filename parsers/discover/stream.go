package discover

import (
	"path/filepath"

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
	// read reads the file again; nil when it cannot be (the problem is
	// recorded).
	read := func() []byte {
		src, err := readAgain(abs, real, opts)
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
		src := read()
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
		src := read()
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
// directory's is known and the file is no link itself, else through
// safefile.Read (as loader.readFile does).
func readAgain(abs, real string, o safefile.Options) ([]byte, error) {
	if real != "" {
		if src, err := safefile.ReadReal(real, o); err == nil {
			return src, nil
		}
	}
	return safefile.Read(abs, o)
}
