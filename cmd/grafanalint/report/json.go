package report

import (
	"bytes"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"io"
	"runtime"

	"github.com/grafanalint/grafanalint/rules"
)

// JSONVersion is the version of the json format. Fields may be added to
// the format, never renamed or removed, without changing it.
const JSONVersion = 1

// jsonReport is the json format (DESIGN.md, "The JSON format").
type jsonReport struct {
	Version  int         `json:"version"`
	Findings streamed    `json:"findings"` // of jsonFinding
	Summary  jsonSummary `json:"summary"`
}

type jsonFinding struct {
	Rule     string `json:"rule"`
	Severity string `json:"severity"`
	Message  string `json:"message"`
	File     string `json:"file"`
	Line     int    `json:"line"`
	Column   int    `json:"column"`
	// EndLine and EndColumn are left out when the span is not known.
	EndLine   int           `json:"end_line,omitempty"`
	EndColumn int           `json:"end_column,omitempty"`
	Related   []jsonRelated `json:"related"`
	// Entity names what the finding is about ("dashboard:<uid>", …); it is
	// what config exclusions match. Left out when empty.
	Entity string `json:"entity,omitempty"`
	// Fix is the certain fix --fix would apply, when there is one
	// (fixes.go). Left out otherwise.
	Fix *jsonFix `json:"fix,omitempty"`
}

type jsonRelated struct {
	File    string `json:"file"`
	Line    int    `json:"line"`
	Column  int    `json:"column"`
	Message string `json:"message"`
}

type jsonSummary struct {
	Files    int       `json:"files"`
	Stacks   int       `json:"stacks"`
	Errors   int       `json:"errors"`
	Warnings int       `json:"warnings"`
	Infos    int       `json:"infos"`
	Skipped  []Skipped `json:"skipped"`
}

// writeJSON writes the versioned json document. Lists are [] when empty,
// never null.
func writeJSON(w io.Writer, run *Run, _ Options) error {
	doc := jsonReport{
		Version: JSONVersion,
		Summary: jsonSummary{
			Files:    run.Summary.Files,
			Stacks:   run.Summary.Stacks,
			Errors:   run.Summary.Errors,
			Warnings: run.Summary.Warnings,
			Infos:    run.Summary.Infos,
			Skipped:  append([]Skipped{}, run.Summary.Skipped...),
		},
	}
	doc.Findings = streamed{n: len(run.Findings), mark: newMark(), elem: func(i int) any {
		return jsonFindingOf(run.Findings[i])
	}}
	doc.Findings.appendElem = func(dst []byte, i int, prefix string) []byte {
		return appendJSONFinding(dst, &run.Findings[i], prefix)
	}
	return encodeStream(w, doc, doc.Findings)
}

// jsonFindingOf returns f in the shape of the json format: the
// definition of its findings, which appendJSONFinding writes faster.
func jsonFindingOf(f rules.Finding) jsonFinding {
	jf := jsonFinding{
		Rule:     f.Rule,
		Severity: f.Severity.String(),
		Message:  f.Message,
		File:     f.Pos.File,
		Line:     f.Pos.Line,
		Column:   f.Pos.Col,
		Related:  make([]jsonRelated, 0, len(f.Related)),
		Entity:   f.Entity,
		Fix:      jsonFixOf(f),
	}
	if hasEnd(f) {
		jf.EndLine, jf.EndColumn = f.End.Line, f.End.Col
	}
	for _, rel := range f.Related {
		jf.Related = append(jf.Related, jsonRelated{
			File:    relatedFile(f, rel),
			Line:    rel.Pos.Line,
			Column:  rel.Pos.Col,
			Message: rel.Message,
		})
	}
	return jf
}

// encodeJSON writes v indented, without escaping <, > and &.
func encodeJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}

// streamed is a list encoded one element at a time (see encodeStream):
// the output of a run with many findings is never held whole, nor is a
// copy of every finding in the shape of the format.
type streamed struct {
	n    int
	elem func(i int) any
	// appendElem, when set, appends element i laid out as elem's value
	// encoded by encodeJSON would be, its lines after the first starting
	// with prefix, without reflection.
	appendElem func(dst []byte, i int, prefix string) []byte
	// mark stands for the list while the rest of the document is encoded:
	// random, so that no text of the document can look like it.
	mark string
}

// MarshalJSON writes the placeholder encodeStream replaces.
func (s streamed) MarshalJSON() ([]byte, error) { return json.Marshal(s.mark) }

// newMark returns a placeholder no user text can equal.
func newMark() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	return "\x00grafanalint:" + hex.EncodeToString(b[:])
}

// encodeStream writes doc as encodeJSON does, with the one streamed list
// it holds (list) written element by element in its place: the bytes are
// the same as encoding the whole list at once.
func encodeStream(w io.Writer, doc any, list streamed) error {
	var buf bytes.Buffer
	if err := encodeJSON(&buf, doc); err != nil {
		return err
	}
	mark, _ := json.Marshal(list.mark)
	out := buf.Bytes()
	at := bytes.Index(out, mark)
	if at < 0 {
		_, err := w.Write(out)
		return err
	}
	head, tail := out[:at], out[at+len(mark):]
	if _, err := w.Write(head); err != nil {
		return err
	}
	if list.n == 0 {
		_, err := io.WriteString(w, "[]")
		if err == nil {
			_, err = w.Write(tail)
		}
		return err
	}
	// The list's elements sit one level deeper than the line holding it.
	lineStart := bytes.LastIndexByte(head, '\n') + 1
	indent := string(head[lineStart : lineStart+len(head[lineStart:])-len(bytes.TrimLeft(head[lineStart:], " "))])
	prefix := indent + "  "
	if _, err := io.WriteString(w, "[\n"); err != nil {
		return err
	}
	// Each element is encoded compact and indented here, as
	// json.Encoder's SetIndent would (json.Indent's layout), without its
	// second scan of every byte; batches of elements are encoded on
	// several goroutines and written in order.
	err := encodeBatches(list.n, func(from, to int, dst []byte) ([]byte, error) {
		if list.appendElem != nil {
			for i := from; i < to; i++ {
				dst = append(dst, prefix...)
				dst = list.appendElem(dst, i, prefix)
				if i == list.n-1 {
					dst = append(dst, '\n')
				} else {
					dst = append(dst, ",\n"...)
				}
			}
			return dst, nil
		}
		var eb bytes.Buffer
		enc := json.NewEncoder(&eb)
		enc.SetEscapeHTML(false)
		for i := from; i < to; i++ {
			eb.Reset()
			if err := enc.Encode(list.elem(i)); err != nil {
				return dst, err
			}
			dst = append(dst, prefix...)
			dst = appendIndent(dst, bytes.TrimSuffix(eb.Bytes(), []byte("\n")), prefix, "  ")
			if i == list.n-1 {
				dst = append(dst, '\n')
			} else {
				dst = append(dst, ",\n"...)
			}
		}
		return dst, nil
	}, w)
	if err != nil {
		return err
	}
	if _, err := io.WriteString(w, indent+"]"); err != nil {
		return err
	}
	_, err = w.Write(tail)
	return err
}

// jsonBatch is how many list elements one goroutine encodes at a time.
const jsonBatch = 256

// encodeBatches encodes elements [0, n) in batches of jsonBatch with
// encode, on up to GOMAXPROCS goroutines with a bounded number of batches
// in flight, and writes the batches to w in order.
func encodeBatches(n int, encode func(from, to int, dst []byte) ([]byte, error), w io.Writer) error {
	type batch struct {
		out  []byte
		err  error
		done chan struct{}
	}
	count := (n + jsonBatch - 1) / jsonBatch
	workers := min(runtime.GOMAXPROCS(0), count)
	if workers <= 1 {
		var out []byte
		for k := range count {
			var err error
			if out, err = encode(k*jsonBatch, min(n, (k+1)*jsonBatch), out[:0]); err != nil {
				return err
			}
			if _, err := w.Write(out); err != nil {
				return err
			}
		}
		return nil
	}
	batches := make([]batch, count)
	for k := range batches {
		batches[k].done = make(chan struct{})
	}
	next := make(chan int)
	stop := make(chan struct{})
	defer close(stop)
	inFlight := make(chan struct{}, 2*workers) // bounds the batches held
	// Written batches hand their buffers back, so a run holds about
	// 2*workers buffers of a batch's size instead of growing a new one
	// for every batch.
	free := make(chan []byte, 2*workers+1)
	go func() {
		defer close(next)
		for k := range count {
			select {
			case inFlight <- struct{}{}:
			case <-stop:
				return
			}
			select {
			case next <- k:
			case <-stop:
				return
			}
		}
	}()
	for range workers {
		go func() {
			for k := range next {
				b := &batches[k]
				var dst []byte
				select {
				case dst = <-free:
				default:
				}
				b.out, b.err = encode(k*jsonBatch, min(n, (k+1)*jsonBatch), dst[:0])
				close(b.done)
			}
		}()
	}
	for k := range batches {
		b := &batches[k]
		<-b.done
		err := b.err
		if err == nil {
			_, err = w.Write(b.out)
		}
		select {
		case free <- b.out:
		default:
		}
		b.out = nil
		<-inFlight
		if err != nil {
			return err
		}
	}
	return nil
}

// appendIndent appends src, compact JSON as encoding/json writes it (no
// white space outside strings), laid out as json.Indent lays it out: a
// line per element and member, each starting with prefix and one indent
// per level, ": " after names, and empty objects and arrays kept as {}
// and [].
func appendIndent(dst, src []byte, prefix, indent string) []byte {
	newline := func(depth int) {
		dst = append(dst, '\n')
		dst = append(dst, prefix...)
		for range depth {
			dst = append(dst, indent...)
		}
	}
	depth := 0
	open := false // after '{' or '[': the line break waits for what comes next
	for i := 0; i < len(src); i++ {
		c := src[i]
		if open && c != '}' && c != ']' {
			open = false
			depth++
			newline(depth)
		}
		switch c {
		case '"':
			j := i + 1
			for j < len(src) && src[j] != '"' {
				if src[j] == '\\' {
					j++
				}
				j++
			}
			j = min(j, len(src)-1)
			dst = append(dst, src[i:j+1]...)
			i = j
		case '{', '[':
			open = true
			dst = append(dst, c)
		case ',':
			dst = append(dst, c)
			newline(depth)
		case ':':
			dst = append(dst, ':', ' ')
		case '}', ']':
			if open {
				open = false
			} else {
				depth--
				newline(depth)
			}
			dst = append(dst, c)
		default:
			dst = append(dst, c)
		}
	}
	return dst
}
