// Package fixer applies the fixes rules attach to findings (rules/fix):
// it turns their edits into byte ranges of the files' own bytes, composes
// the edits of several fixes per file, skips fixes that overlap or cannot
// be applied with certainty, checks that every changed file still parses,
// and then writes the files atomically or prints the changes as a unified
// diff.
//
// What is and is not edited:
//   - only files the run reports on (model.File.Reported): in a run on
//     explicit files (pre-commit), a fix that would edit a file that was
//     not given — the provisioning entry a dashboard's finding wants a uid
//     pinned in — is skipped and says so, since the hook's user reviews
//     and commits the files they named;
//   - never a file with a parse or input problem: its positions cannot be
//     trusted. Fixes of other files still apply; the rules whose fixes
//     depend on other files (datasource identity) stay silent when those
//     do not parse, so nothing is fixed from a partial view;
//   - never stdin (the caller refuses "-");
//   - a fix is all or nothing: one edit that cannot be applied (the text
//     at its range is not what the rule read, an overlap with an earlier
//     fix, a file that would no longer parse) skips the whole fix.
//
// Fixes are taken in the findings' order (file, line, column, rule); a fix
// overlapping one already taken is skipped and reported, and the finding
// stays for the next run. Identical edits are applied once; insertions at
// the same place are kept in order.
package fixer

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/grafanalint/grafanalint/parsers/model"
	"github.com/grafanalint/grafanalint/rules"
)

// Options configure a plan.
type Options struct {
	// ReadFile reads a file's bytes (given its absolute path, symlinks
	// resolved); os.ReadFile when nil.
	ReadFile func(string) ([]byte, error)
	// Only limits the fixes to rules with these ids or categories; empty
	// means every rule.
	Only []string
}

// Plan is what fixing a set of findings changes.
type Plan struct {
	// Files are the files that change, by display path.
	Files []*File
	// Applied are the findings whose fix the plan makes.
	Applied []rules.Finding
	// Skipped are findings with a fix the plan does not make, with why.
	Skipped []Skipped
}

// File is one file the plan changes.
type File struct {
	// Path is the display path.
	Path string
	// Target is the file written: the absolute path with symlinks
	// resolved, so a symlinked file is edited where it lives.
	Target string
	Kind   model.Kind
	Old    []byte
	New    []byte
	// Edits counts the edits applied to it.
	Edits int
	// spans are the edits applied, in the order of the file, and text
	// the file's positions (for Describe).
	spans []taken
	text  *text
	// secret holds the byte ranges of Old and New that are credentials
	// (edits of secret fixes), never printed.
	secretOld, secretNew [][2]int
}

// Skipped is a finding whose fix is not applied.
type Skipped struct {
	Finding rules.Finding
	Reason  string
}

// Matches reports whether a rule id is selected by patterns (rule ids or
// categories; empty selects every rule).
func Matches(patterns []string, id string) bool {
	if len(patterns) == 0 {
		return true
	}
	cat, _, _ := strings.Cut(id, "/")
	for _, p := range patterns {
		if p == id || p == cat || p == cat+"/*" || p == "*" || p == "all" {
			return true
		}
	}
	return false
}

// loaded is one file as read for fixing: its bytes and positions, or why
// nothing may be edited in it. It does not change once read, so one
// loaded file serves every plan of a Describe.
type loaded struct {
	f      *model.File
	target string
	src    []byte
	text   *text
	// bad says why nothing may be edited in this file.
	bad string
	// scan is the dashboard's jsonScan index, nil when not made (only
	// Describe makes it) or when jsonScan does not accept the file.
	scan *scanIndex
}

// state is one file as the plan sees it.
type state struct {
	*loaded
	spans []taken
}

// taken is an accepted span with the fix (index into the candidates) it
// belongs to.
type taken struct {
	span
	fix    int
	seq    int
	secret bool
}

// New plans the fixes of findings (those that carry one and whose rule
// opts.Only selects) on the files of m.
func New(m *model.Model, findings []rules.Finding, opts Options) *Plan {
	if opts.ReadFile == nil {
		opts.ReadFile = os.ReadFile
	}
	var cands []rules.Finding
	for _, f := range findings {
		if f.Fix != nil && len(f.Fix.Edits) > 0 && Matches(opts.Only, f.Rule) {
			cands = append(cands, f)
		}
	}
	read := map[string]*loaded{}
	load := func(path string) *loaded {
		ld, ok := read[path]
		if !ok {
			ld = &loaded{f: m.File(path)}
			ld.bad = ld.load(opts.ReadFile)
			read[path] = ld
		}
		return ld
	}
	return newPlan(cands, load, verifyState)
}

// verifyState applies the spans (sorted) of a file the plan changes and
// checks the new content: why it is worse than before, "" when it is not.
func verifyState(st *state, spans []taken) (*File, string) {
	out := st.apply(spans)
	return out, verify(st.f, out.Old, out.New)
}

// newPlan plans the candidates' fixes on the files load gives (by display
// path), checking changed files with check.
func newPlan(cands []rules.Finding, read func(string) *loaded, check func(*state, []taken) (*File, string)) *Plan {
	files := map[string]*state{}
	targets := map[string]*state{}
	load := func(path string) *state {
		if st, ok := files[path]; ok {
			return st
		}
		st := &state{loaded: read(path)}
		if st.bad == "" {
			// Two display paths of one file (a symlink and its target,
			// both linted) share their edits: the same bytes, the
			// same positions.
			if first, ok := targets[st.target]; ok {
				st = first
			} else {
				targets[st.target] = st
			}
		}
		files[path] = st
		return st
	}
	// Fixes that make a file unparsable are dropped and the plan made
	// again without them, until every changed file parses.
	dropped := map[int]string{}
	for {
		p, broken := plan(cands, dropped, load, files, check)
		if len(broken) == 0 {
			return p
		}
		for i, why := range broken {
			dropped[i] = why
		}
	}
}

// load reads the file and says why it cannot be edited, "" when it can.
func (st *loaded) load(read func(string) ([]byte, error)) string {
	return st.loadInto(func(p string, _ *fileBuf) ([]byte, error) { return read(p) }, nil)
}

// fileBuf is memory a file is read and indexed into, for reuse once the
// file is no longer needed.
type fileBuf struct {
	src    []byte
	starts []int
}

// loadInto is load reading with read into buf (which may be nil), and
// indexing the lines into buf's; buf holds the file's memory after it.
func (st *loaded) loadInto(read func(string, *fileBuf) ([]byte, error), buf *fileBuf) string {
	f := st.f
	if f == nil {
		return "the file was not loaded"
	}
	if !f.Reported {
		return fmt.Sprintf("it edits %s, which is not among the files given: lint it too to fix this", f.Path)
	}
	for _, p := range f.Problems {
		if p.Kind == model.ProblemSyntax || p.Kind == model.ProblemInput {
			return fmt.Sprintf("%s does not parse, so its positions cannot be trusted", f.Path)
		}
	}
	if !verifiable(f.Kind) {
		return fmt.Sprintf("grafanalint cannot check a fixed %s file (%s)", f.Kind, f.Path)
	}
	if f.Abs == "" {
		return fmt.Sprintf("%s has no file on disk", f.Path)
	}
	target, err := filepath.EvalSymlinks(f.Abs)
	if err != nil {
		return fmt.Sprintf("cannot resolve %s: %v", f.Path, err)
	}
	src, err := read(target, buf)
	if err != nil {
		return fmt.Sprintf("cannot read %s: %v", f.Path, err)
	}
	var starts []int
	if buf != nil {
		starts = buf.starts
	}
	st.target, st.src, st.text = target, src, newTextInto(f.Kind, src, starts)
	if buf != nil {
		buf.src, buf.starts = src, st.text.starts
	}
	return ""
}

// plan makes one attempt: it takes the candidates in order, skipping the
// dropped ones, and returns the plan and the fixes to drop because a file
// they change would no longer parse.
func plan(cands []rules.Finding, dropped map[int]string, load func(string) *state, files map[string]*state, check func(*state, []taken) (*File, string)) (*Plan, map[int]string) {
	for _, st := range files {
		st.spans = nil
	}
	p := &Plan{}
	seq := 0
	broken := map[int]string{}
	for i, f := range cands {
		if why, ok := dropped[i]; ok {
			p.Skipped = append(p.Skipped, Skipped{f, why})
			continue
		}
		type pending struct {
			st *state
			sp span
		}
		var todo []pending
		why := ""
		for _, e := range f.Fix.Edits {
			st := load(e.File())
			if st.bad != "" {
				why = st.bad
				break
			}
			sp, err := st.text.resolve(e)
			if err != nil {
				why = fmt.Sprintf("%s: %v", e.File(), err)
				if f.Fix.Secret {
					why = fmt.Sprintf("%s: the credential's text is not what the rule read", e.File())
				}
				break
			}
			todo = append(todo, pending{st, sp})
		}
		if why == "" {
		check:
			for k, t := range todo {
				for _, o := range t.st.spans {
					if !conflict(o.span, t.sp) {
						continue
					}
					if other := cands[o.fix]; other.Rule == f.Rule && other.Pos == f.Pos {
						// One finding, two fixes: stacks that share the
						// file need different changes here, so neither
						// is certain.
						why = "the stacks that read this file need different fixes here"
						broken[o.fix], broken[i] = why, why
						break check
					}
					why = fmt.Sprintf("it overlaps the fix of %s at %s", cands[o.fix].Rule, cands[o.fix].Pos)
					break check
				}
				for _, u := range todo[:k] {
					if u.st == t.st && conflict(u.sp, t.sp) {
						why = "its own edits overlap"
						break check
					}
				}
			}
		}
		if why != "" {
			p.Skipped = append(p.Skipped, Skipped{f, why})
			continue
		}
		for _, t := range todo {
			if slices.ContainsFunc(t.st.spans, func(o taken) bool { return o.span == t.sp }) {
				continue // the same edit, made by an earlier fix
			}
			seq++
			t.st.spans = append(t.st.spans, taken{span: t.sp, fix: i, seq: seq, secret: f.Fix.Secret})
		}
		p.Applied = append(p.Applied, f)
	}
	paths := make([]string, 0, len(files))
	for path, st := range files {
		if len(st.spans) > 0 && st.f.Path == path {
			paths = append(paths, path)
		}
	}
	slices.Sort(paths)
	for _, path := range paths {
		st := files[path]
		out, err := check(st, st.sorted())
		if err != "" {
			for _, t := range st.spans {
				broken[t.fix] = fmt.Sprintf("%s would no longer parse: %s", path, err)
			}
			continue
		}
		p.Files = append(p.Files, out)
	}
	return p, broken
}

// conflict reports whether two spans of one file cannot both be applied:
// they overlap, or an insertion falls strictly inside a replaced range.
// Identical spans and insertions at the same offset compose.
func conflict(a, b span) bool {
	if a == b {
		return false
	}
	if a.start == a.end && b.start == b.end {
		return false
	}
	if a.start == a.end {
		return b.start < a.start && a.start < b.end
	}
	if b.start == b.end {
		return a.start < b.start && b.start < a.end
	}
	return a.start < b.end && b.start < a.end
}

// sorted returns the file's spans in the order of the file.
func (st *state) sorted() []taken {
	spans := slices.Clone(st.spans)
	slices.SortStableFunc(spans, func(a, b taken) int {
		if a.start != b.start {
			return a.start - b.start
		}
		if (a.start == a.end) != (b.start == b.end) {
			if a.start == a.end {
				return -1 // an insertion before the range replaced at the same offset
			}
			return 1
		}
		return a.seq - b.seq
	})
	return spans
}

// changed returns the file the plan changes with spans (sorted), without
// its new content.
func (st *state) changed(spans []taken) *File {
	return &File{Path: st.f.Path, Target: st.target, Kind: st.f.Kind, Old: st.src, Edits: len(spans), spans: spans, text: st.text}
}

// apply returns the file the plan changes with spans (sorted), with its
// new content.
func (st *state) apply(spans []taken) *File {
	out := st.changed(spans)
	var b []byte
	last := 0
	for _, s := range spans {
		b = append(b, st.src[last:s.start]...)
		if s.secret {
			out.secretOld = append(out.secretOld, [2]int{s.start, s.end})
			out.secretNew = append(out.secretNew, [2]int{len(b), len(b) + len(s.text)})
		}
		b = append(b, s.text...)
		last = s.end
	}
	b = append(b, st.src[last:]...)
	out.New = b
	return out
}

// Describe formats a skipped fix for the user: "path:line:col: rule: why".
func (s Skipped) Describe() string {
	return fmt.Sprintf("%s: %s: fix not applied: %s", s.Finding.Pos, s.Finding.Rule, s.Reason)
}
