package fixer

import (
	"bytes"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/grafanalint/grafanalint/parsers/corpustest"
	"github.com/grafanalint/grafanalint/parsers/dashboard"
	"github.com/grafanalint/grafanalint/parsers/model"
)

// parses reports whether dashboard.Parse reads src without a problem that
// makes verify refuse it.
func parses(src []byte) bool {
	_, probs := dashboard.Parse("d.json", src)
	for _, p := range probs {
		if p.Kind == model.ProblemSyntax || p.Kind == model.ProblemInput {
			return false
		}
	}
	return true
}

// scanSeeds are texts at the edges of what jsonScan accepts.
var scanSeeds = []string{
	`{}`, ` {} `, "\t{\r\n}\n", `{"a":1}`, `{"a":[1,2.5,-0,1e3,2E-4,0.1e+9]}`, `{"a":"\"\\\/\b\f\n\r\t\u00e9\uD800"}`,
	`{"a":{"b":[{},[],null,true,false]}}`, "{\"a\":\"\xff\xfe invalid utf-8\"}", `{"a":"` + "\x7f" + `"}`,
	`{"a":1,"a":2}`, `[]`, `1`, `"s"`, ``, ` `, `{`, `{"a"}`, `{"a":}`, `{"a":1,}`, `{"a":[1,]}`, `{"a":01}`,
	`{"a":1.}`, `{"a":.1}`, `{"a":1e}`, `{"a":-}`, `{"a":tru}`, `{"a":truex}`, `{"a":"\x"}`, `{"a":"\u12"}`,
	"{\"a\":\"\x01\"}", "\xef\xbb\xbf{}", `{} {}`, `{}x`, `{"a":1}}`, `{"a":[}`, `{"a":{]}`, `{'a':1}`,
	`{"a":1 "b":2}`, `{"a":1]`, `{"a":{"b":2]}`, `{"a":"b""c":1}`, `{"a":nul}`, `{"a":-01}`, `{"a":1.5e+}`, `{"a":[[[[[]]]]]}`,
	"{\"a\":1}\n\n", `{"a":2}` + "\x00",
	"{" + strings.Repeat(`"a":[`, maxScanDepth) + strings.Repeat("]", maxScanDepth) + "}",
	"{" + strings.Repeat(`"a":[`, maxScanDepth-2) + strings.Repeat("]", maxScanDepth-2) + "}",
}

// FuzzScanAcceptsOnlyWhatParses: whatever jsonScan accepts,
// dashboard.Parse reads without a syntax or input problem (the other
// direction need not hold: what jsonScan refuses is parsed).
func FuzzScanAcceptsOnlyWhatParses(f *testing.F) {
	for _, s := range scanSeeds {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, src []byte) {
		if scanAccepts(src) && !parses(src) {
			_, probs := dashboard.Parse("d.json", src)
			t.Fatalf("jsonScan accepts %q, which dashboard.Parse refuses: %v", src, probs)
		}
	})
}

// TestScanAgreesWithParse: on the seeds and on mutations of real
// dashboards (bytes dropped, doubled or replaced by JSON's structural
// characters), jsonScan accepts only what parses, and accepts the valid
// seeds and dashboards: the quick path is taken.
func TestScanAgreesWithParse(t *testing.T) {
	accepted := 0
	for _, s := range scanSeeds {
		if scanAccepts([]byte(s)) {
			accepted++
			if !parses([]byte(s)) {
				t.Errorf("jsonScan accepts %q, which dashboard.Parse refuses", s)
			}
		}
	}
	if accepted < 10 {
		t.Errorf("jsonScan accepts only %d seeds", accepted)
	}
	rng := rand.New(rand.NewPCG(1, 2))
	for _, src := range corpusDashboards(t, 40) {
		if !scanAccepts(src) {
			t.Errorf("jsonScan refuses a valid dashboard: %.80q", src)
			continue
		}
		for range 60 {
			m := mutate(rng, src)
			if scanAccepts(m) && !parses(m) {
				t.Fatalf("jsonScan accepts a mutation dashboard.Parse refuses: %q", m)
			}
		}
	}
}

func mutate(rng *rand.Rand, src []byte) []byte {
	i := rng.IntN(len(src))
	const structural = "{}[],:\"\\ 0-.etfn\x01"
	out := bytes.Clone(src)
	switch rng.IntN(3) {
	case 0:
		return append(out[:i], src[i+1:]...)
	case 1:
		return append(out[:i+1], src[i:]...)
	}
	out[i] = structural[rng.IntN(len(structural))]
	return out
}

// corpusDashboards returns up to n dashboards of the real corpus, large
// ones first (they span many kept states).
func corpusDashboards(t testing.TB, n int) [][]byte {
	t.Helper()
	root := corpustest.Dir(t, "real")
	var paths []string
	_ = filepath.WalkDir(root, func(p string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() && strings.HasSuffix(p, ".json") {
			paths = append(paths, p)
		}
		return nil
	})
	var out [][]byte
	for _, p := range paths {
		src, err := os.ReadFile(p)
		if err == nil && parses(src) && len(src) > 0 && bytes.HasPrefix(bytes.TrimLeft(src, " \t\r\n"), []byte("{")) {
			out = append(out, src)
		}
	}
	slices.SortStableFunc(out, func(a, b []byte) int { return len(b) - len(a) })
	if len(out) < n {
		n = len(out)
	}
	if n == 0 {
		t.Fatal("no dashboard in the corpus")
	}
	return out[:n]
}

// TestScanIndexIsLocal: checking edits around them gives the verdict of
// scanning the whole edited text, for edits that keep the text valid,
// that break it, that break it and mend it again further on, near and far
// apart, at the start and at the end.
func TestScanIndexIsLocal(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	texts := []string{"0", "\"x\"", "", ",", "\"", "{", "}", "[1,2]", "null", " ", "\\", "\"a\":1,", "]"}
	checked, rejected := 0, 0
	for _, src := range corpusDashboards(t, 10) {
		x := newScanIndex(src)
		if x == nil {
			t.Fatal("jsonScan refuses a valid dashboard")
		}
		for range 300 {
			var spans []taken
			at := 0
			for range 1 + rng.IntN(3) {
				gap := rng.IntN(3 * scanEvery)
				if rng.IntN(4) == 0 {
					gap = rng.IntN(8)
				}
				start := at + gap
				if start > len(src) {
					break
				}
				end := min(start+rng.IntN(6), len(src))
				spans = append(spans, taken{span: span{start, end, texts[rng.IntN(len(texts))]}})
				at = end
			}
			want := scanAccepts(applySpans(src, spans))
			if got := x.accepts(src, spans); got != want {
				t.Fatalf("edits %v: the local check says %v, the whole text %v", spans, got, want)
			}
			checked++
			if !want {
				rejected++
			}
		}
	}
	if rejected == 0 || rejected == checked {
		t.Errorf("%d of %d edit sets rejected: the test does not tell both apart", rejected, checked)
	}
}

// plainRunBytes is plainRun one byte at a time.
func plainRunBytes(b []byte) int {
	n := 0
	for n < len(b) && b[n] != '"' && b[n] != '\\' && b[n] >= 0x20 {
		n++
	}
	return n
}

// TestPlainRun: the eight-bytes-at-a-time scan stops where the byte loop
// stops, for every byte value at every place of a run.
func TestPlainRun(t *testing.T) {
	for c := range 256 {
		for at := range 20 {
			b := []byte("abcdefghijklmnopqrstuvwxyz\xc3\xa9\xff")
			b[at] = byte(c)
			if got, want := plainRun(b), plainRunBytes(b); got != want {
				t.Errorf("byte %#x at %d: plainRun = %d, want %d", c, at, got, want)
			}
		}
	}
}

func FuzzPlainRun(f *testing.F) {
	f.Add([]byte(`plain text with "quotes" and \escapes`))
	f.Add([]byte("\x00\x1f\x20\x7f\x80\xff"))
	f.Fuzz(func(t *testing.T, b []byte) {
		if got, want := plainRun(b), plainRunBytes(b); got != want {
			t.Errorf("plainRun(%q) = %d, want %d", b, got, want)
		}
	})
}

// FuzzScanIndexIsLocal: for up to three edits anywhere in a dashboard
// spanning several kept states, checking them around the edits gives the
// verdict of scanning the whole edited text.
func FuzzScanIndexIsLocal(f *testing.F) {
	src := []byte(bigDashboard(60))
	x := newScanIndex(src)
	if x == nil {
		f.Fatal("jsonScan refuses the dashboard")
	}
	f.Add(uint16(100), uint8(3), "x", uint16(0), uint8(0), "", uint16(0), uint8(0), "")
	f.Add(uint16(1500), uint8(1), `", "y": [{"z": "`, uint16(3000), uint8(1), `"}], "r": "`, uint16(5), uint8(0), "}")
	f.Add(uint16(2047), uint8(2), "\\", uint16(0), uint8(4), "[", uint16(9), uint8(1), ",")
	f.Fuzz(func(t *testing.T, g1 uint16, n1 uint8, t1 string, g2 uint16, n2 uint8, t2 string, g3 uint16, n3 uint8, t3 string) {
		var spans []taken
		at := 0
		for _, e := range []struct {
			gap  uint16
			n    uint8
			text string
		}{{g1, n1, t1}, {g2, n2, t2}, {g3, n3, t3}} {
			start := at + int(e.gap)
			if start > len(src) || (e.n == 0 && e.text == "" && len(spans) > 0) {
				break
			}
			end := min(start+int(e.n%8), len(src))
			spans = append(spans, taken{span: span{start, end, e.text}})
			at = end
		}
		if got, want := x.accepts(src, spans), scanAccepts(applySpans(src, spans)); got != want {
			t.Fatalf("edits %+v: the local check says %v, the whole text %v", spans, got, want)
		}
	})
}

// applySpans returns src with spans (sorted, not overlapping) applied.
func applySpans(src []byte, spans []taken) []byte {
	var b []byte
	last := 0
	for _, s := range spans {
		b = append(append(b, src[last:s.start]...), s.text...)
		last = s.end
	}
	return append(b, src[last:]...)
}
