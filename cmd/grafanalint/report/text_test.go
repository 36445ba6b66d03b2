package report

import (
	"io"
	"os"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/grafanalint/grafanalint/rules"
)

func TestExcerpt(t *testing.T) {
	tests := []struct {
		name         string
		line         string
		col, endLine int
		endCol       int
		masks        []span
		want         []string
	}{
		{"ascii span", `url = http://x`, 7, 1, 15, nil,
			[]string{`url = http://x`, `      ^~~~~~~~`}},
		{"no end: single caret", `url = http://x`, 7, 0, 0, nil,
			[]string{`url = http://x`, `      ^`}},
		{"empty span: single caret", `abc`, 2, 1, 2, nil,
			[]string{`abc`, ` ^`}},
		{"tab kept in padding", "\t\tkey = v", 3, 1, 6, nil,
			[]string{"\t\tkey = v", "\t\t^~~"}},
		{"wide chars take two cells", `"日本": x`, 7, 1, 8, nil,
			[]string{`"日本": x`, `        ^`}},
		{"wide char inside the span", `t: 日本`, 4, 1, 6, nil,
			[]string{`t: 日本`, `   ^~~~`}},
		{"multibyte one cell", `café = x`, 8, 1, 9, nil,
			[]string{`café = x`, `       ^`}},
		{"combining mark takes no cell", "cafe\u0301 = x", 9, 1, 10, nil,
			[]string{"cafe\u0301 = x", `       ^`}},
		{"tab, wide and multibyte before", "\t日é x", 5, 1, 6, nil,
			[]string{"\t日é x", "\t    ^"}},
		{"end past the line is clamped", `abc`, 2, 1, 99, nil,
			[]string{`abc`, ` ^~`}},
		{"column past the line", `abc`, 9, 0, 0, nil,
			[]string{`abc`, `   ^`}},
		{"multi-line span runs to the line end", `location /x {`, 1, 3, 2, nil,
			[]string{`location /x {`, `^~~~~~~~~~~~~`}},
		{"unknown column: no marker", `abc`, 0, 0, 0, nil,
			[]string{`abc`}},
		{"control characters are escaped", "a\x1b[31mb x", 9, 1, 10, nil,
			[]string{`a\x1b[31mb x`, `           ^`}},
		{"trailing CR dropped", "abc\r", 1, 1, 4, nil,
			[]string{`abc`, `^~~`}},
		{"masked span", `passphrase_hint = hunter2 ; x`, 19, 1, 26, []span{{18, 25}},
			[]string{`passphrase_hint = ******** ; x`, `                  ^~~~~~~~`}},
		{"other finding on a masked line", `passphrase_hint = hunter2 ; x`, 29, 0, 0, []span{{18, 25}},
			[]string{`passphrase_hint = ******** ; x`, `                             ^`}},
		{"a credential named in the line is masked through its end", `password = hunter2 ; x`, 22, 0, 0, nil,
			[]string{`password = ********`, `           ^~~~~~~~`}},
		{"span over the mask", `k = hunter2`, 1, 1, 12, []span{{4, maxLine}},
			[]string{`k = ********`, `^~~~~~~~~~~~`}},
		{"span inside the mask snaps to it", `k = hunter2 x`, 6, 1, 8, []span{{4, 11}},
			[]string{`k = ******** x`, `    ^~~~~~~~`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := rules.Finding{Pos: pos("f", 1, tt.col)}
			if tt.endLine > 0 {
				f.End = pos("f", tt.endLine, tt.endCol)
			}
			got := excerpt(f, &Run{Files: map[string][]string{"f": {tt.line, "second", "third"}}}, tt.masks)
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("excerpt (-want +got):\n%s", diff)
			}
		})
	}
}

func TestExcerptMissing(t *testing.T) {
	files := map[string][]string{"f": {"one"}}
	for _, f := range []rules.Finding{
		{Pos: pos("g", 1, 1)}, // file not loaded
		{Pos: pos("f", 2, 1)}, // line past the end
		{Pos: pos("f", 0, 0)}, // no line
	} {
		if got := excerpt(f, &Run{Files: files}, nil); got != nil {
			t.Errorf("excerpt(%v) = %q, want none", f.Pos, got)
		}
	}
}

func TestSecretMasks(t *testing.T) {
	fs := []rules.Finding{
		{Rule: "secret/plaintext", Pos: pos("a", 2, 5), End: pos("a", 2, 9)},
		{Rule: "secret/plaintext", Pos: pos("a", 4, 3)},                      // no end: to the line end
		{Rule: "secret/plaintext", Pos: pos("b", 1, 7), End: pos("b", 3, 4)}, // block scalar
		{Rule: "other/rule", Pos: pos("a", 5, 1), End: pos("a", 5, 3)},
	}
	want := map[lineKey][]span{
		{"a", 2}: {{4, 8}},
		{"a", 4}: {{2, maxLine}},
		{"b", 1}: {{6, maxLine}},
		{"b", 2}: {{0, maxLine}},
		{"b", 3}: {{0, 3}},
	}
	got := secretMasks(fs)
	if diff := cmp.Diff(want, got, cmp.AllowUnexported(lineKey{}, span{})); diff != "" {
		t.Errorf("secretMasks (-want +got):\n%s", diff)
	}
}

func TestRuneWidth(t *testing.T) {
	tests := map[rune]int{
		'a': 1, 'é': 1, 'ß': 1, 'Ж': 1, '日': 2, '한': 2, 'Ａ': 2, 'ア': 2,
		'\u0301': 0, '\u200d': 0, '😀': 2, '𠀋': 2, '→': 1,
	}
	for r, want := range tests {
		if got := runeWidth(r); got != want {
			t.Errorf("runeWidth(%U) = %d, want %d", r, got, want)
		}
	}
	for i := 1; i < len(wideRanges); i++ {
		if wideRanges[i][0] <= wideRanges[i-1][1] || wideRanges[i][0] > wideRanges[i][1] {
			t.Errorf("wideRanges not sorted and disjoint at %d: %U..%U", i, wideRanges[i][0], wideRanges[i][1])
		}
	}
}

func TestSanitize(t *testing.T) {
	tests := map[string]string{
		"plain é 日":           "plain é 日",
		"tab\tstays":          "tab\tstays",
		"two\nlines\r":        `two\nlines\r`,
		"\x1b]0;title\x07":    `\x1b]0;title\x07`,
		"rtl \u202e override": `rtl \u202e override`,
		"c1 \u009b":           `c1 \u009b`,
	}
	for in, want := range tests {
		if got := sanitize(in); got != want {
			t.Errorf("sanitize(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestTextEscapesMessages: a message quoting file content cannot send
// escape sequences to the terminal nor break the one-line format.
func TestTextEscapesMessages(t *testing.T) {
	run := &Run{Findings: []rules.Finding{{
		Rule: "a/b", Severity: rules.Error, Message: "title \x1b[2J\nx", Pos: pos("f", 1, 1),
	}}}
	for _, format := range []string{"text", "oneline"} {
		out := string(write(t, format, run, Options{}))
		if strings.Contains(out, "\x1b") {
			t.Errorf("%s: raw escape in output: %q", format, out)
		}
		if format == "oneline" && out != "f:1:1: error: title \\x1b[2J\\nx [a/b]\n" {
			t.Errorf("oneline = %q", out)
		}
	}
}

func TestPosString(t *testing.T) {
	tests := []struct {
		file      string
		line, col int
		want      string
	}{
		{"a.ini", 3, 7, "a.ini:3:7"},
		{"a.ini", 3, 0, "a.ini:3"},
		{"a.ini", 0, 0, "a.ini"},
	}
	for _, tt := range tests {
		if got := posString(pos(tt.file, tt.line, tt.col)); got != tt.want {
			t.Errorf("posString = %q, want %q", got, tt.want)
		}
	}
}

func TestColorFor(t *testing.T) {
	envOf := func(vars map[string]string) func(string) string {
		return func(k string) string { return vars[k] }
	}
	r, pipe, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	defer pipe.Close()
	// The master side of a pseudo-terminal is a terminal; /dev/null is a
	// character device but none.
	tty := openTerminal(t)
	defer tty.Close()
	devNull, err := os.OpenFile(os.DevNull, os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer devNull.Close()
	tests := []struct {
		name string
		out  io.Writer
		mode string
		env  map[string]string
		want bool
	}{
		{"always on a pipe", pipe, "always", nil, true},
		{"always beats NO_COLOR", pipe, "always", map[string]string{"NO_COLOR": "1"}, true},
		{"never on a terminal", tty, "never", nil, false},
		{"auto on a pipe", pipe, "auto", nil, false},
		{"auto on a buffer", &strings.Builder{}, "auto", nil, false},
		{"auto on a terminal", tty, "auto", map[string]string{"TERM": "xterm-256color"}, true},
		{"nil env on a terminal", tty, "auto", nil, true},
		{"NO_COLOR on a terminal", tty, "auto", map[string]string{"NO_COLOR": "1"}, false},
		{"empty NO_COLOR is unset", tty, "auto", map[string]string{"NO_COLOR": ""}, true},
		{"TERM=dumb on a terminal", tty, "auto", map[string]string{"TERM": "dumb"}, false},
		{"unknown mode is auto", tty, "sometimes", nil, true},
		{"closed file", closedFile(t), "auto", nil, false},
		{"auto on /dev/null", devNull, "auto", map[string]string{"TERM": "xterm-256color"}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			env := envOf(tt.env)
			if tt.env == nil {
				env = nil
			}
			if got := ColorFor(tt.out, tt.mode, env); got != tt.want {
				t.Errorf("ColorFor(%q) = %v, want %v", tt.mode, got, tt.want)
			}
		})
	}
}

// openTerminal opens a pseudo-terminal's master side (/dev/ptmx); the
// test skips where there is none, except under CI=true.
func openTerminal(t *testing.T) *os.File {
	t.Helper()
	f, err := os.OpenFile("/dev/ptmx", os.O_RDWR, 0)
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("no pseudo-terminal to test with (CI=true requires one): %v", err)
		}
		t.Skipf("no pseudo-terminal to test with: %v", err)
	}
	return f
}

func closedFile(t *testing.T) *os.File {
	f, err := os.OpenFile(os.DevNull, os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	f.Close()
	return f
}
