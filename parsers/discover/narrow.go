package discover

import (
	"context"
	"path/filepath"
	"sync"

	"github.com/grafanalint/grafanalint/parsers/dashboard"
	"github.com/grafanalint/grafanalint/parsers/model"
	"github.com/grafanalint/grafanalint/parsers/safefile"
)

// Narrowed loading. When only explicit files are linted (pre-commit passes
// the files of a commit), the project around them is loaded as context, but
// only the stacks that hold one of them are kept: a finding is reported
// only when it concerns a reported file, and a rule checks a stack with
// that stack's files alone, so the findings of the other stacks would all
// be dropped. Their dashboards, the bulk of a repository, are never parsed:
// while walking, a *.json file is told to be a dashboard by its first
// bytes (dashboard.Sniff decides on a prefix exactly as on the whole file
// when it says yes), and stands in its stack as an empty Dashboard until
// the stacks are known; parseDeferred then fills in those of the kept
// stacks. Where a stack goes depends on a dashboard's path and on whether
// it is one, never on its content, so stacks are assembled as they would be
// from parsed dashboards.

// headLen is how much of a *.json file is read to tell a dashboard (the
// whole file is read when its start does not tell); it is at least what
// safefile.TextProblem looks at, so that the text checks decide on it as
// on the whole file.
const headLen = 8 << 10

// realDir returns the real path of directory dir (cached: the walk
// records every directory it reads), and whether it is known.
func (l *loader) realDir(dir string) (string, bool) {
	l.mu.Lock()
	real, ok := l.realDirs[dir]
	l.mu.Unlock()
	if ok {
		return real, true
	}
	r, err := filepath.EvalSymlinks(dir)
	if err == nil && !filepath.IsAbs(r) {
		r, err = filepath.Abs(r)
	}
	if err != nil {
		return "", false
	}
	l.mu.Lock()
	l.realDirs[dir] = r
	l.mu.Unlock()
	return r, true
}

// readHead reads the first headLen bytes of e through safefile, resolving
// each directory's symbolic links once rather than once per file; the
// head may be read into buf (headBuffers).
func (l *loader) readHead(e *entry, buf []byte) ([]byte, bool, error) {
	real, ok := l.realDir(filepath.Dir(e.abs))
	if !ok {
		return safefile.ReadHead(e.abs, l.readOptions(e), headLen)
	}
	return safefile.ReadHeadRealInto(filepath.Join(real, filepath.Base(e.abs)), l.readOptions(e), headLen, buf)
}

// headBuffers holds buffers of headLen+1 bytes for readHead: the head of
// a dashboard is dropped once sniffed, so one buffer serves the next
// file.
var headBuffers = sync.Pool{New: func() any {
	b := make([]byte, headLen+1)
	return &b
}}

// readFile is safefile.Read of e, resolving each directory's symbolic links
// once: a file that is no symbolic link itself is read at its real path
// directly; anything else (a link, an error) goes through safefile.Read.
func (l *loader) readFile(abs string, o safefile.Options) ([]byte, error) {
	if real, ok := l.realDir(filepath.Dir(abs)); ok {
		if src, err := safefile.ReadReal(filepath.Join(real, filepath.Base(abs)), o); err == nil {
			return src, nil
		}
	}
	return safefile.Read(abs, o)
}

// deferDashboard makes e a dashboard to parse later.
func (l *loader) deferDashboard(e *entry) {
	l.setKind(e, model.KindDashboard, nil)
	e.dash = &model.Dashboard{File: e.disp}
	e.deferred = true
}

// parseDeferred reads and parses e if it is a deferred dashboard, into the
// Dashboard its stacks already hold.
func (l *loader) parseDeferred(e *entry) {
	if !e.deferred {
		return
	}
	e.deferred = false
	src := l.readSource(e)
	if src == nil {
		// Changed since it was first read: the input problem is
		// reported (readSource set e.file); nothing is left to check.
		return
	}
	d, probs := dashboard.ParseInterned(e.disp, src, l.intern)
	*e.dash = *d
	e.file.Problems = append(e.file.Problems, probs...)
}

// decideNarrow keeps every stack after all when a reported file of the
// model belongs to no stack: the findings about such a file may come from
// any stack.
func (l *loader) decideNarrow() {
	if !l.narrow {
		return
	}
	for _, e := range l.sortedEntries() {
		if e.reported && e.file != nil && !l.claimed(e.disp) {
			l.narrow = false
			return
		}
	}
}

// holdsReported reports whether one of st's files is reported.
func (l *loader) holdsReported(st *model.Stack) bool {
	for _, f := range st.Files {
		if e := l.entries[f]; e != nil && e.reported {
			return true
		}
	}
	return false
}

// keepExplicitStacks drops the stacks that hold no reported file and
// parses the deferred dashboards of those that are kept (every deferred
// dashboard when decideNarrow kept every stack). When dashboards are
// streamed, those of kept stacks are left to the rules engine, and a
// deferred dashboard no stack holds is parsed now only when its file is
// reported (its problems are findings), then held as its name alone.
func (l *loader) keepExplicitStacks(ctx context.Context) error {
	if l.narrow {
		kept := l.stacks[:0]
		for _, b := range l.stacks {
			if l.holdsReported(b.st) {
				kept = append(kept, b)
			}
		}
		clear(l.stacks[len(kept):])
		l.stacks = kept
	}
	inStack := map[*model.Dashboard]bool{}
	for _, b := range l.stacks {
		for _, d := range b.st.AllDashboards() {
			inStack[d] = true
		}
	}
	var todo []*entry
	for _, e := range l.sortedEntries() {
		switch {
		case !e.deferred:
		case l.stream && inStack[e.dash]:
			l.streamLater(e)
		case inStack[e.dash] || !l.narrow && (!l.stream || e.reported):
			todo = append(todo, e)
		}
	}
	l.pool(ctx, len(todo), func(i int) {
		e := todo[i]
		l.parseDeferred(e)
		if l.stream && !inStack[e.dash] {
			*e.dash = model.Dashboard{File: e.disp}
		}
	})
	return ctx.Err()
}
