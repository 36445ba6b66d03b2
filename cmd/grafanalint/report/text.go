package report

import (
	"io"
	"sort"
	"strconv"
	"strings"

	"github.com/grafanalint/grafanalint/parsers/model"
	"github.com/grafanalint/grafanalint/rules"
)

// ANSI styles of the text format.
const (
	ansiReset  = "\x1b[0m"
	ansiBold   = "\x1b[1m"
	ansiRed    = "\x1b[1;31m"
	ansiYellow = "\x1b[1;33m"
	ansiBlue   = "\x1b[1;34m"
	ansiCyan   = "\x1b[1;36m"
	ansiDim    = "\x1b[2m"
)

// secretMask replaces a masked span in an excerpt; its length is fixed so
// the excerpt does not tell how long the secret is.
const secretMask = "********"

// painter applies ANSI styles when colour is on.
type painter bool

func (p painter) paint(style, s string) string {
	if !p || s == "" {
		return s
	}
	return style + s + ansiReset
}

func severityStyle(s rules.Severity) string {
	switch s {
	case rules.Error:
		return ansiRed
	case rules.Warning:
		return ansiYellow
	}
	return ansiBlue
}

// posString formats a position for the text formats: "file:line:col", or
// "file:line" when the column is unknown and "file" when the line is.
func posString(p model.Pos) string {
	file := sanitize(p.File)
	switch {
	case p.Line <= 0:
		return file
	case p.Col <= 0:
		return file + ":" + strconv.Itoa(p.Line)
	}
	return file + ":" + strconv.Itoa(p.Line) + ":" + strconv.Itoa(p.Col)
}

// headLine is "path:line:col: severity: message [rule/id]".
func headLine(f rules.Finding, p painter) string {
	return p.paint(ansiBold, posString(f.Pos)+":") + " " +
		p.paint(severityStyle(f.Severity), f.Severity.String()+":") + " " +
		sanitize(f.Message) + " [" + f.Rule + "]"
}

// writeOneline writes one problem-matcher line per finding and nothing
// else.
func writeOneline(w io.Writer, run *Run, _ Options) error {
	for _, f := range run.Findings {
		if _, err := io.WriteString(w, headLine(f, false)+"\n"); err != nil {
			return err
		}
	}
	return nil
}

// writeText writes each finding's line, then (unless opts.NoExcerpt) the
// source line with a marker under the span, the related notes and the help
// link, and finally a summary line and the skipped check families. With no
// findings only the summary is written.
func writeText(w io.Writer, run *Run, opts Options) error {
	p := painter(opts.Color)
	masks := secretMasks(run.Findings)
	var bw strings.Builder
	for i, f := range run.Findings {
		// Each finding is written as it is formatted: the output is never
		// held whole.
		if _, err := io.WriteString(w, bw.String()); err != nil {
			return err
		}
		bw.Reset()
		if !opts.NoExcerpt && i > 0 {
			bw.WriteByte('\n')
		}
		bw.WriteString(headLine(f, p))
		bw.WriteByte('\n')
		if opts.NoExcerpt {
			continue
		}
		if lines := excerpt(f, run, masks[lineKey{f.Pos.File, f.Pos.Line}]); lines != nil {
			gutter := " " + strconv.Itoa(f.Pos.Line) + " | "
			blank := " " + strings.Repeat(" ", len(gutter)-4) + " | "
			bw.WriteString(p.paint(ansiDim, gutter) + lines[0] + "\n")
			if len(lines) > 1 {
				m := lines[1]
				at := strings.IndexByte(m, '^')
				bw.WriteString(p.paint(ansiDim, blank) + m[:at] + p.paint(severityStyle(f.Severity), m[at:]) + "\n")
			}
		}
		for _, rel := range f.Related {
			pos := rel.Pos
			pos.File = relatedFile(f, rel)
			if pos.IsValid() {
				bw.WriteString("  " + p.paint(ansiBold, posString(pos)+":") + " ")
			} else {
				bw.WriteString("  ")
			}
			bw.WriteString(p.paint(ansiCyan, "note:") + " " + sanitize(rel.Message) + "\n")
		}
		if f.Rule != "" {
			bw.WriteString("  " + p.paint(ansiCyan, "= help:") + " " + HelpURL(f.Rule) + "\n")
		}
	}
	if opts.Quiet {
		_, err := io.WriteString(w, bw.String())
		return err
	}
	if len(run.Findings) > 0 {
		bw.WriteByte('\n')
	}
	bw.WriteString(p.paint(ansiBold, summaryLine(run.Summary)) + "\n")
	for _, line := range SkippedLines(run.Summary.Skipped, 3) {
		bw.WriteString(sanitize(line) + "\n")
	}
	_, err := io.WriteString(w, bw.String())
	return err
}

// lineKey names one line of one file.
type lineKey struct {
	file string
	line int
}

// span is a half-open range of code point indexes (0-based) in a line.
type span struct{ start, end int }

// maxLine stands for "to the end of the line" in a span.
const maxLine = int(^uint(0) >> 1)

// secretMasks returns, per line, the spans that MaskedRules findings point
// at. A span without an end runs to the end of its line; one over several
// lines covers them all.
func secretMasks(fs []rules.Finding) map[lineKey][]span {
	var m map[lineKey][]span
	for _, f := range fs {
		if !MaskedRules[f.Rule] || !f.Pos.IsValid() {
			continue
		}
		if m == nil {
			m = make(map[lineKey][]span)
		}
		start := max(f.Pos.Col-1, 0)
		if !hasEnd(f) {
			k := lineKey{f.Pos.File, f.Pos.Line}
			m[k] = append(m[k], span{start, maxLine})
			continue
		}
		for l := f.Pos.Line; l <= f.End.Line; l++ {
			s := span{0, maxLine}
			if l == f.Pos.Line {
				s.start = start
			}
			if l == f.End.Line {
				s.end = max(f.End.Col-1, 0)
			}
			k := lineKey{f.Pos.File, l}
			m[k] = append(m[k], s)
		}
	}
	return m
}

// line returns line n of the file at path from Files, else from Lines.
func (r *Run) line(path string, n int) (string, bool) {
	if lines, ok := r.Files[path]; ok {
		if n < 1 || n > len(lines) {
			return "", false
		}
		return lines[n-1], true
	}
	if r.Lines != nil && n > 0 {
		return r.Lines(path, n)
	}
	return "", false
}

// excerpt returns the source line of f and the marker line beneath it
// (without the gutter), or nil when the line is not available. The marker
// line is missing when the column is unknown. masks are the spans of
// MaskedRules findings on that line; they and the secrets Run.Secrets
// finds on it are replaced by secretMask.
func excerpt(f rules.Finding, run *Run, masks []span) []string {
	text, ok := run.line(f.Pos.File, f.Pos.Line)
	if !ok {
		return nil
	}
	text = strings.TrimSuffix(text, "\r")
	for _, s := range run.Secrets.LineSpans(f.Pos.File, f.Pos.Line, text) {
		end := s.End
		if end < 0 {
			end = maxLine
		}
		masks = append(masks, span{s.Start, end})
	}
	src := []rune(text)
	start := min(max(f.Pos.Col-1, 0), len(src))
	end := start
	if hasEnd(f) {
		if f.End.Line == f.Pos.Line {
			end = min(max(f.End.Col-1, start), len(src))
		} else {
			end = len(src)
		}
	}
	src, start, end = applyMasks(src, masks, start, end)

	// Each code point becomes its printable text and its width in cells;
	// tabs stay tabs so the marker line can reproduce them.
	var line, marker strings.Builder
	spanCells := 0
	for i, r := range src {
		text, cells := string(r), runeWidth(r)
		if e, esc := escapeRune(r); esc {
			text, cells = e, len(e)
		} else if r == '\t' {
			cells = 1
		}
		line.WriteString(text)
		switch {
		case i < start:
			if r == '\t' {
				marker.WriteByte('\t')
			} else {
				marker.WriteString(strings.Repeat(" ", cells))
			}
		case i < end:
			spanCells += cells
		}
	}
	out := []string{strings.TrimRight(line.String(), " \t")}
	if f.Pos.Col <= 0 {
		return out
	}
	marker.WriteByte('^')
	if spanCells > 1 {
		marker.WriteString(strings.Repeat("~", spanCells-1))
	}
	return append(out, marker.String())
}

// applyMasks replaces the masked spans of src by secretMask and moves the
// marker span [start, end) along. A marker boundary inside a masked span
// snaps to the edge of the mask.
func applyMasks(src []rune, masks []span, start, end int) ([]rune, int, int) {
	if len(masks) == 0 {
		return src, start, end
	}
	// Clip, sort and merge the masks.
	ms := make([]span, 0, len(masks))
	for _, m := range masks {
		m.start, m.end = min(max(m.start, 0), len(src)), min(max(m.end, 0), len(src))
		if m.end > m.start {
			ms = append(ms, m)
		}
	}
	sort.Slice(ms, func(i, j int) bool { return ms[i].start < ms[j].start })
	merged := ms[:0]
	for _, m := range ms {
		if n := len(merged); n > 0 && m.start <= merged[n-1].end {
			merged[n-1].end = max(merged[n-1].end, m.end)
			continue
		}
		merged = append(merged, m)
	}

	mask := []rune(secretMask)
	out := make([]rune, 0, len(src)+len(merged)*len(mask))
	newStart, newEnd := -1, -1
	prev := 0
	// move maps an old boundary b in [prev, m.start] to the output.
	for _, m := range append(merged, span{len(src), len(src)}) {
		base := len(out) - prev
		if start >= prev && start <= m.start && newStart < 0 {
			newStart = base + start
		}
		if end >= prev && end <= m.start && newEnd < 0 {
			newEnd = base + end
		}
		out = append(out, src[prev:m.start]...)
		if m.end == m.start {
			break
		}
		maskAt := len(out)
		out = append(out, mask...)
		if start > m.start && start < m.end && newStart < 0 {
			newStart = maskAt
		}
		if end > m.start && end < m.end && newEnd < 0 {
			newEnd = len(out)
		}
		prev = m.end
	}
	if newStart < 0 {
		newStart = len(out)
	}
	if newEnd < newStart {
		newEnd = newStart
	}
	return out, newStart, newEnd
}
