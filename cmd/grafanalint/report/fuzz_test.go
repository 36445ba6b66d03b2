package report

import (
	"encoding/json"
	"encoding/xml"
	"errors"
	"io"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/grafanalint/grafanalint/rules"
)

// FuzzExcerpt: any line, span and mask renders without panicking, prints
// no control character but tabs, and the marker is padding then ^~~~.
func FuzzExcerpt(f *testing.F) {
	for _, lines := range fixtureFiles {
		for _, l := range lines {
			f.Add(l, 3, 1, 9, 2, 6)
		}
	}
	f.Add("\t日本 café \x1b[0m", 5, 1, 8, 0, 99)
	f.Add("", 1, 0, 0, -1, -1)
	f.Add("a\xffb", 2, 2, 1, 1, 2)
	f.Fuzz(func(t *testing.T, line string, col, endLine, endCol, maskStart, maskEnd int) {
		fd := rules.Finding{Rule: "x/y", Pos: pos("f", 1, col), End: pos("f", endLine, endCol)}
		var masks []span
		if maskStart >= 0 {
			masks = []span{{maskStart, maskEnd}}
		}
		out := excerpt(fd, &Run{Files: map[string][]string{"f": {line}}}, masks)
		if len(out) == 0 || len(out) > 2 {
			t.Fatalf("excerpt = %q", out)
		}
		for _, r := range out[0] {
			if _, bad := escapeRune(r); bad {
				t.Fatalf("control character %U in %q", r, out[0])
			}
		}
		if len(out) == 2 {
			m := strings.TrimLeft(out[1], " \t")
			if !strings.HasPrefix(m, "^") || strings.Trim(m[1:], "~") != "" {
				t.Fatalf("marker %q", out[1])
			}
		}
		if !utf8.ValidString(line) {
			return
		}
		// A mask over the whole line hides all of it.
		all := excerpt(fd, &Run{Files: map[string][]string{"f": {line}}}, []span{{0, maxLine}})
		if strings.TrimRight(line, " \t\r") != "" && all[0] != secretMask {
			t.Fatalf("fully masked line shows %q", all[0])
		}
	})
}

// FuzzWrite: any message and path give well-formed JSON and XML and one
// line per finding in oneline and github.
func FuzzWrite(f *testing.F) {
	f.Add("plain message", "a/b.ini", 3, 4)
	f.Add("100%, a:b\r\n<x> & \"y\" ]]> \x00\x1b", "dir, x/a:b.json", 1, 1)
	f.Add("\xff\xfe", "\u202e.yaml", 0, 0)
	f.Fuzz(func(t *testing.T, msg, file string, line, col int) {
		run := &Run{Findings: []rules.Finding{{
			Rule: "a/b", Severity: rules.Warning, Message: msg, Pos: pos(file, line, col),
			Related: []rules.Related{{Pos: pos(file, 1, 1), Message: msg}},
		}}}
		for _, format := range Formats() {
			out := string(write(t, format, run, Options{}))
			switch format {
			case "json", "sarif", "gitlab":
				if !json.Valid([]byte(out)) {
					t.Fatalf("%s: invalid JSON:\n%s", format, out)
				}
			case "checkstyle", "junit":
				dec := xml.NewDecoder(strings.NewReader(out))
				for {
					if _, err := dec.Token(); err != nil {
						if !errors.Is(err, io.EOF) {
							t.Fatalf("%s: %v\n%q", format, err, out)
						}
						break
					}
				}
			case "oneline", "github":
				if strings.Count(out, "\n") != 1 || !strings.HasSuffix(out, "\n") {
					t.Fatalf("%s: not one line: %q", format, out)
				}
			}
		}
	})
}
