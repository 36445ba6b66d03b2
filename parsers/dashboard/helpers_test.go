package dashboard

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/grafanalint/grafanalint/parsers/corpustest"

	"github.com/go-json-experiment/json/jsontext"
	"github.com/grafanalint/grafanalint/parsers/model"
)

// corpusDir returns the shared corpus folder beside the repository root. It
// skips the test when the folder is absent, except under CI=true.
func corpusDir(t testing.TB, sub string) string {
	t.Helper()
	return corpustest.Dir(t, sub)
}

// jsonFiles lists every *.json under dir.
func jsonFiles(t testing.TB, dir string) []string {
	t.Helper()
	var out []string
	err := filepath.WalkDir(dir, func(path string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !d.IsDir() && strings.HasSuffix(path, ".json") {
			out = append(out, path)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(out) == 0 {
		t.Fatalf("no JSON files under %s", dir)
	}
	return out
}

// offsetOf converts a position back to a byte offset of src, independently
// of the parser's line index (so tests check it rather than reuse it).
func offsetOf(src []byte, p model.Pos) (int, bool) {
	return newOffsets(src).of(p)
}

// offsets converts positions of one file back to byte offsets. It walks
// code points from the line start, or from the previous answer when that is
// on the same line and before (answers mostly come in file order, and
// minified files are one long line).
type offsets struct {
	src    []byte
	starts []int
	last   struct{ line, col, off int }
}

func newOffsets(src []byte) *offsets {
	o := &offsets{src: src, starts: []int{0}}
	for i, c := range src {
		if c == '\n' {
			o.starts = append(o.starts, i+1)
		}
	}
	return o
}

func (o *offsets) of(p model.Pos) (int, bool) {
	if p.Line < 1 || p.Col < 1 || p.Line > len(o.starts) {
		return 0, false
	}
	col, off := 1, o.starts[p.Line-1]
	if o.last.line == p.Line && o.last.col <= p.Col {
		col, off = o.last.col, o.last.off
	}
	for ; col < p.Col; col++ {
		if off >= len(o.src) || o.src[off] == '\n' {
			return 0, false
		}
		_, n := utf8.DecodeRune(o.src[off:])
		off += n
	}
	o.last.line, o.last.col, o.last.off = p.Line, col, off
	return off, true
}

// checkStr verifies that s's Pos and End enclose exactly the JSON string
// content that decodes to s.V.
func (c *checker) str(what string, s model.Str) {
	src, o := c.o.src, c.o
	if !s.IsSet() {
		return
	}
	start, ok1 := o.of(s.Pos)
	end, ok2 := o.of(s.End)
	if !ok1 || !ok2 || end < start {
		c.Errorf("%s %q: bad span %v-%v", what, s.V, s.Pos, s.End)
		return
	}
	if start == 0 || src[start-1] != '"' || end >= len(src) || src[end] != '"' {
		c.Errorf("%s %q at %v-%v: span is not a whole string's content: %q", what, s.V, s.Pos, s.End, excerpt(src, start))
		return
	}
	got, err := jsontext.AppendUnquote(nil, src[start-1:end+1])
	if err != nil && utf8.Valid(src[start-1:end+1]) {
		c.Errorf("%s %q: unquote: %v", what, s.V, err)
	}
	if string(got) != s.V && utf8.Valid(src[start-1:end+1]) {
		c.Errorf("%s at %v: file has %q, model has %q", what, s.Pos, got, s.V)
	}
}

func excerpt(src []byte, off int) string {
	return string(src[off:min(off+30, len(src))])
}

// checker collects position mismatches.
type checker struct {
	o    *offsets
	errs []string
}

func (c *checker) Errorf(format string, args ...any) {
	c.errs = append(c.errs, fmt.Sprintf(format, args...))
}

// checkPositions verifies every position of d against src.
func checkPositions(t testing.TB, src []byte, d *model.Dashboard) {
	t.Helper()
	for _, e := range positionErrors(src, d) {
		t.Error(e)
	}
}

// positionErrors lists every position of d that does not point at its value
// in src.
func positionErrors(src []byte, d *model.Dashboard) []string {
	c := &checker{o: newOffsets(src)}
	o, t := c.o, c
	c.str("uid", d.UID)
	c.str("title", d.Title)
	for _, r := range d.Refs {
		off, ok := o.of(r.Pos)
		if !ok {
			t.Errorf("ref %s: bad position %v", r.Pointer, r.Pos)
			continue
		}
		switch r.Shape {
		case model.RefObject:
			if src[off] != '{' {
				t.Errorf("ref %s at %v: want '{', file has %q", r.Pointer, r.Pos, excerpt(src, off))
			}
		case model.RefNull:
			if !bytes.HasPrefix(src[off:], []byte("null")) {
				t.Errorf("ref %s at %v: want null, file has %q", r.Pointer, r.Pos, excerpt(src, off))
			}
		case model.RefString:
			if r.Pos != r.Name.Pos {
				t.Errorf("ref %s: Pos %v differs from its name's %v", r.Pointer, r.Pos, r.Name.Pos)
			}
		}
		c.str("ref uid", r.UID)
		c.str("ref type", r.Type)
		c.str("ref name", r.Name)
	}
	for _, v := range d.Variables {
		for _, s := range []model.Str{v.Name, v.Query, v.Current, v.Regex, v.Default} {
			c.str("variable "+v.Name.V, s)
		}
	}
	for _, in := range d.Inputs {
		c.str("input", in.Name)
	}
	if len(d.LivePanelPos) != d.LivePanels {
		t.Errorf("%d live panel positions for %d live panels", len(d.LivePanelPos), d.LivePanels)
	}
	for _, p := range d.LivePanelPos {
		off, ok := o.of(p)
		if !ok || off == 0 || src[off-1] != '"' || !bytes.HasPrefix(src[off:], []byte(`live"`)) {
			t.Errorf("live panel at %v: want the \"live\" type value", p)
		}
	}
	for _, ch := range d.Channels {
		if ch.Source == model.ChannelLivePanel {
			for _, s := range ch.Parts {
				c.str("channel part", s)
			}
			if ch.Parts[0].IsSet() && ch.Value.Pos != ch.Parts[0].Pos {
				t.Errorf("live channel %s: Pos %v is not the scope's %v", ch.Pointer, ch.Value.Pos, ch.Parts[0].Pos)
			}
			continue
		}
		c.str("channel", ch.Value)
	}
	for _, s := range d.Placeholders {
		start, ok1 := o.of(s.Pos)
		end, ok2 := o.of(s.End)
		if !ok1 || !ok2 || end < start || string(src[start:end]) != "${"+s.V+"}" {
			t.Errorf("placeholder %q at %v-%v does not enclose it", s.V, s.Pos, s.End)
		}
	}
	return c.errs
}

// dump renders the parse result compactly for golden files.
func dump(d *model.Dashboard, probs []model.Problem) string {
	var b strings.Builder
	w := func(format string, args ...any) { fmt.Fprintf(&b, format, args...) }
	for _, p := range probs {
		w("problem %s %s %q\n", p.Kind, pos(p.Pos), p.Message)
	}
	if d == nil {
		return b.String()
	}
	w("wrapped=%v v2=%v schemaVersion=%d livePanels=%d\n", d.Wrapped, d.V2, d.SchemaVersion, d.LivePanels)
	for _, p := range d.LivePanelPos {
		w("live panel @%s\n", pos(p))
	}
	w("uid %s\n", str(d.UID))
	w("title %s\n", str(d.Title))
	for _, r := range d.Refs {
		w("ref %s %s %s @%s", r.Place, r.Shape, r.Pointer, pos(r.Pos))
		if r.UID.IsSet() {
			w(" uid=%s", str(r.UID))
		}
		if r.Type.IsSet() {
			w(" type=%s", str(r.Type))
		}
		if r.Name.IsSet() {
			w(" name=%s", str(r.Name))
		}
		if r.RefID != "" {
			w(" refId=%s", r.RefID)
		}
		if r.InRow {
			w(" inRow")
		}
		w("\n")
	}
	for _, v := range d.Variables {
		w("variable %s type=%s", str(v.Name), v.Type)
		for _, f := range []struct {
			n string
			s model.Str
		}{{"query", v.Query}, {"current", v.Current}, {"default", v.Default}, {"regex", v.Regex}} {
			if f.s.IsSet() {
				w(" %s=%s", f.n, str(f.s))
			}
		}
		w("\n")
	}
	for _, in := range d.Inputs {
		w("input %s type=%s pluginId=%s\n", str(in.Name), in.Type, in.PluginID)
	}
	for _, c := range d.Channels {
		w("channel %s %s %s", c.Source, c.Pointer, str(c.Value))
		if c.RefID != "" {
			w(" refId=%s", c.RefID)
		}
		if c.Hidden {
			w(" hidden")
		}
		for _, p := range c.Parts {
			w(" part=%s", str(p))
		}
		w("\n")
	}
	for _, p := range d.Placeholders {
		w("placeholder %s\n", str(p))
	}
	return b.String()
}

func pos(p model.Pos) string {
	if !p.IsValid() {
		return "-"
	}
	return fmt.Sprintf("%d:%d", p.Line, p.Col)
}

func str(s model.Str) string {
	if !s.IsSet() {
		return "unset"
	}
	out := fmt.Sprintf("%q@%s", s.V, pos(s.Pos))
	if s.End.IsValid() {
		out += "-" + pos(s.End)
	}
	return out
}

// TestPositionChecker makes sure the position check used on fixtures and
// the corpus does fail when a position is off by one.
func TestPositionChecker(t *testing.T) {
	src := []byte("{\"uid\": \"a\\\"é\", \"panels\": [{\"datasource\": {\"uid\": \"x\"}}], \"title\": \"${DS_A}\"}")
	d, probs := Parse("x.json", src)
	if len(probs) > 0 {
		t.Fatal(probs)
	}
	if errs := positionErrors(src, d); len(errs) > 0 {
		t.Fatalf("correct positions rejected: %v", errs)
	}
	mutations := map[string]func(d *model.Dashboard){
		"uid start":         func(d *model.Dashboard) { d.UID.Pos.Col++ },
		"uid end":           func(d *model.Dashboard) { d.UID.End.Col-- },
		"ref object":        func(d *model.Dashboard) { d.Refs[0].Pos.Col++ },
		"ref uid":           func(d *model.Dashboard) { d.Refs[0].UID.Pos.Col-- },
		"placeholder":       func(d *model.Dashboard) { d.Placeholders[0].Pos.Col++ },
		"value changed":     func(d *model.Dashboard) { d.Title.V = "${DS_B}" },
		"line changed":      func(d *model.Dashboard) { d.Refs[0].UID.Pos.Line++ },
		"placeholder value": func(d *model.Dashboard) { d.Placeholders[0].V = "DS_B" },
	}
	for name, mutate := range mutations {
		d, _ := Parse("x.json", src)
		mutate(d)
		if errs := positionErrors(src, d); len(errs) == 0 {
			t.Errorf("%s: mutation not caught", name)
		}
	}
}
