package channel

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/grafanalint/grafanalint/parsers/corpustest"

	"github.com/google/go-cmp/cmp"
	"github.com/grafana/grafana-plugin-sdk-go/live"

	"github.com/grafanalint/grafanalint/parsers/model"
	"github.com/grafanalint/grafanalint/rules"
)

// sdkValid is the verdict of the plugin SDK Grafana vendors (the version in
// go.mod, Grafana 12.x grammar).
func sdkValid(id string) (Channel, bool) {
	ch, err := live.ParseChannel(id)
	if err != nil || !ch.IsValid() {
		return Channel{}, false
	}
	return Channel{ch.Scope, ch.Namespace, ch.Path}, true
}

// legacyValid reproduces SDK v0.101.0–v0.274.x (before "." was allowed in
// scope and namespace) with its own regular expressions, as an oracle for
// Legacy.
var (
	legacyScope = regexp.MustCompile(`^[A-z0-9_\-]*$`)
	legacyPath  = regexp.MustCompile(`^[A-z0-9_\-/=.]*$`)
)

func legacyValid(id string) bool {
	if id == "" || len(id) > 160 {
		return false
	}
	p := strings.SplitN(id, "/", 3)
	if len(p) != 3 || p[0] == "" || p[1] == "" || p[2] == "" {
		return false
	}
	return legacyScope.MatchString(p[0]) && legacyScope.MatchString(p[1]) && legacyPath.MatchString(p[2])
}

// differential checks one input against both oracles.
func differential(t *testing.T, id string) {
	t.Helper()
	got, err := Parse(id)
	want, ok := sdkValid(id)
	if (err == nil) != ok {
		t.Fatalf("Parse(%q): error %v, SDK valid = %v", id, err, ok)
	}
	if ok && got != want {
		t.Fatalf("Parse(%q) = %+v, SDK = %+v", id, got, want)
	}
	if err != nil && (err.Offset < 0 || err.Offset > len(id)) {
		t.Fatalf("Parse(%q): offset %d out of range", id, err.Offset)
	}
	_, lerr := Legacy.Parse(id)
	if (lerr == nil) != legacyValid(id) {
		t.Fatalf("Legacy.Parse(%q): error %v, legacy oracle valid = %v", id, lerr, legacyValid(id))
	}
}

// TestEveryASCIIByteInEveryPart puts each byte 0x00–0x7F (and a few
// non-ASCII ones) into each of the three parts, at the start, middle and
// end of the part.
func TestEveryASCIIByteInEveryPart(t *testing.T) {
	bytes := []string{"\x80", "\xff", "é", "€", "😀", "\u00a0"}
	for b := 0; b < 0x80; b++ {
		bytes = append(bytes, string(rune(b)))
	}
	valid := 0
	for _, c := range bytes {
		for _, tmpl := range []string{
			"%sa/b/c", "a%sa/b/c", "a%s/b/c",
			"a/%sb/c", "a/b%sb/c", "a/b%s/c",
			"a/b/%sc", "a/b/c%sc", "a/b/c%s",
			"%s/b/c", "a/%s/c", "a/b/%s",
		} {
			id := fmt.Sprintf(tmpl, c)
			differential(t, id)
			if _, err := Parse(id); err == nil {
				valid++
			}
		}
	}
	if valid == 0 {
		t.Fatal("no input was valid: the test cannot tell anything")
	}
}

func TestBoundaries(t *testing.T) {
	long := func(n int) string { return "a/b/" + strings.Repeat("x", n-4) }
	ids := []string{
		"", "a", "a/", "a/b", "a/b/", "/b/c", "a//c", "//", "///", "a/b//", "a//", "/a/b",
		"grafana/dashboard//x", "a/b/c/", "a/b/c/d/e", "a/b/c//d", "stream/id/a[b]",
		"stream/id/a`b", "stream/id/a^b", "stream/id/a\\b", "A/Z/z", "@/a/b", "{/a/b",
		"a/b/=", "a=/b/c", "a/b=/c", "ds/my.uid/x", ".../.../...", "a/b/c,d",
		"push/x", "a/b/c d", " a/b/c", "a/b/c ", "a/b/c\n", "abc123:influxdb",
		long(159), long(160), long(161), long(200),
		strings.Repeat("é", 80) + "/b/c", "a/b/" + strings.Repeat("é", 78),
		"a/b/" + strings.Repeat("x", 155) + "é", "\xff/b/c", "a/b/c\x00",
	}
	for _, id := range ids {
		differential(t, id)
	}
	if _, err := Parse(long(160)); err != nil {
		t.Errorf("160 bytes: %v", err)
	}
	if _, err := Parse(long(161)); err == nil || err.Kind != ErrTooLong {
		t.Errorf("161 bytes: got %v, want too long", err)
	}
}

func TestParseErrorPosition(t *testing.T) {
	tests := []struct {
		id   string
		syn  Syntax
		want *ParseError
	}{
		{"", Current, &ParseError{Kind: ErrEmpty}},
		{"abc123:influxdb", Current, &ParseError{Kind: ErrBadChar, Offset: 6, Part: Scope, Char: ':', Size: 1, Len: 15}},
		{"stream", Current, &ParseError{Kind: ErrMissingPart, Offset: 6, Part: Namespace, Len: 6}},
		{"stream/x", Current, &ParseError{Kind: ErrMissingPart, Offset: 8, Part: Path, Len: 8}},
		{"stream/x/", Current, &ParseError{Kind: ErrEmptyPart, Offset: 9, Part: Path, Len: 9}},
		{"stream//x", Current, &ParseError{Kind: ErrEmptyPart, Offset: 7, Part: Namespace, Len: 9}},
		{"/x/y", Current, &ParseError{Kind: ErrEmptyPart, Offset: 0, Part: Scope, Len: 4}},
		{" stream/x/y", Current, &ParseError{Kind: ErrBadChar, Offset: 0, Part: Scope, Char: ' ', Size: 1, Len: 11}},
		{"stream/x/y ", Current, &ParseError{Kind: ErrBadChar, Offset: 10, Part: Path, Char: ' ', Size: 1, Len: 11}},
		{"ds/my.uid/x", Legacy, &ParseError{Kind: ErrBadChar, Offset: 5, Part: Namespace, Char: '.', Size: 1, Len: 11}},
		{"stream/a=b/x", Current, &ParseError{Kind: ErrBadChar, Offset: 8, Part: Namespace, Char: '=', Size: 1, Len: 12}},
		{"stream/x/ça", Current, &ParseError{Kind: ErrBadChar, Offset: 9, Part: Path, Char: 'ç', Size: 2, Len: 12}},
		{"stream/x/\xffa", Current, &ParseError{Kind: ErrBadChar, Offset: 9, Part: Path, Char: '\uFFFD', Size: 1, Len: 11}},
		// The first problem from the left wins; the length counts at byte 160.
		{"a b/" + strings.Repeat("x", 200), Current, &ParseError{Kind: ErrBadChar, Offset: 1, Part: Scope, Char: ' ', Size: 1, Len: 204}},
		{"a/b/" + strings.Repeat("x", 200), Current, &ParseError{Kind: ErrTooLong, Offset: 160, Part: Path, Len: 204}},
		{"a/b/" + strings.Repeat("x", 170) + " ", Current, &ParseError{Kind: ErrTooLong, Offset: 160, Part: Path, Len: 175}},
		// A character that crosses byte 160 is non-ASCII, so it is a bad
		// character before it is a length problem.
		{"a/b/" + strings.Repeat("x", 155) + "éé", Current, &ParseError{Kind: ErrBadChar, Offset: 159, Part: Path, Char: 'é', Size: 2, Len: 163}},
		{strings.Repeat("s", 170), Current, &ParseError{Kind: ErrTooLong, Offset: 160, Part: Scope, Len: 170}},
	}
	for _, tt := range tests {
		_, got := tt.syn.Parse(tt.id)
		if diff := cmp.Diff(tt.want, got); diff != "" {
			t.Errorf("Parse(%q) mismatch (-want +got):\n%s", tt.id, diff)
		}
	}
}

func TestSyntaxFor(t *testing.T) {
	for _, tt := range []struct {
		v    rules.Version
		want Syntax
	}{
		{rules.Version{Major: 11, Minor: 6}, Legacy},
		{rules.Version{Major: 12, Minor: 0}, Current},
		{rules.CurrentGrafana, Current},
	} {
		if got := SyntaxFor(tt.v); got != tt.want {
			t.Errorf("SyntaxFor(%v) = %+v, want %+v", tt.v, got, tt.want)
		}
	}
}

func TestCheckTemplate(t *testing.T) {
	tests := []struct {
		id       string
		wantKind ErrorKind // 0: some value makes it valid
		wantOff  int
	}{
		{"stream/$host/cpu", 0, 0},
		{"$scope", 0, 0},
		{"${a}", 0, 0},
		{"ds/${ds}/x", 0, 0},
		{"stream/x/[[var]]", 0, 0},
		{"stream/x/${var:raw}", 0, 0},
		{"stream/$host cpu/x", ErrBadChar, 12},
		{"$uid:influxdb", ErrBadChar, 4},
		{"stream=$x/a/b", ErrBadChar, 6},
		{"$x=a", 0, 0}, // the variable may end the scope and namespace
		{"a=$x/b/c", ErrBadChar, 1},
		{"/$x", ErrEmptyPart, 0},
		{"$x//", 0, 0},     // "a/b/" + "/" is a valid path
		{"a/b$x", 0, 0},    // the variable may hold "/c"
		{"stream$x", 0, 0}, // the variable may hold "/a/b"
		{"stream/" + strings.Repeat("x", 160) + "$v", ErrTooLong, 160},
	}
	for _, tt := range tests {
		spans := variableSpans(tt.id)
		if len(spans) == 0 {
			t.Fatalf("%q: no variables found", tt.id)
		}
		err := Current.checkTemplate(tt.id, spans)
		switch {
		case tt.wantKind == 0 && err != nil:
			t.Errorf("checkTemplate(%q) = %v, want valid for some value", tt.id, err)
		case tt.wantKind != 0 && (err == nil || err.Kind != tt.wantKind || err.Offset != tt.wantOff):
			t.Errorf("checkTemplate(%q) = %+v, want kind %d at %d", tt.id, err, tt.wantKind, tt.wantOff)
		}
	}
}

// TestCheckTemplateAgreesWithParse: with every variable replaced by a
// value, an ID checkTemplate calls invalid whatever the values never
// parses.
func TestCheckTemplateAgreesWithParse(t *testing.T) {
	values := []string{"", "a", "a/b", "a/b/c", "/", "x.y", "=", " "}
	ids := []string{"$v", "a$v", "$v/b", "a/$v", "a/b/$v", "a=$v", "$v a", "$v/$w", "a/$v/$w", "$v:$w", "/$v"}
	for _, id := range ids {
		spans := variableSpans(id)
		invalid := Current.checkTemplate(id, spans) != nil
		anyValid := false
		for _, v := range values {
			for _, w := range values {
				s := strings.NewReplacer("$v", v, "$w", w).Replace(id)
				if _, err := Parse(s); err == nil {
					anyValid = true
				}
			}
		}
		if invalid && anyValid {
			t.Errorf("%q: checkTemplate says invalid for every value, but a value makes it valid", id)
		}
		if !invalid && !anyValid {
			t.Errorf("%q: checkTemplate says some value makes it valid, none of the samples does", id)
		}
	}
}

func TestVariableSpans(t *testing.T) {
	tests := []struct {
		in   string
		want []span
	}{
		{"stream/$host/cpu", []span{{7, 12, "host"}}},
		{"${a}/[[b]]/${c.d:raw}", []span{{0, 4, "a"}, {5, 10, "b"}, {11, 21, "c"}}},
		{"[[b:csv]]", []span{{0, 9, "b"}}},
		{"$ x ${ } [[ ]] ${a", nil},
		{"$$a", []span{{1, 3, "a"}}},
	}
	for _, tt := range tests {
		if diff := cmp.Diff(tt.want, variableSpans(tt.in), cmp.AllowUnexported(span{})); diff != "" {
			t.Errorf("variableSpans(%q) (-want +got):\n%s", tt.in, diff)
		}
	}
}

// FuzzParseMatchesSDK asserts that our verdict equals the SDK's for every
// input, and that errors point inside the input.
func FuzzParseMatchesSDK(f *testing.F) {
	for _, s := range []string{
		"stream/telegraf/cpu", "plugin/testdata/random-2s-stream", "ds/my.uid/x", "a/b/c/", "a//c",
		"abc123:influxdb", "grafana/dashboard/uid/abc", "1/plugin/testdata/x", strings.Repeat("a/", 81),
	} {
		f.Add(s)
	}
	if dir := corpusDirF(f); dir != "" {
		for _, s := range corpusChannels(f, dir) {
			f.Add(s)
		}
	}
	f.Fuzz(func(t *testing.T, id string) {
		differential(t, id)
	})
}

// corpusDirF returns the real corpus folder, "" when absent (fatal when
// CI=true).
func corpusDirF(tb testing.TB) string {
	dir, ok := corpustest.Path("real")
	if !ok {
		if os.Getenv("CI") == "true" {
			tb.Fatalf("corpus folder %s missing", dir)
		}
		return ""
	}
	return dir
}

var channelField = regexp.MustCompile(`"channel":\s*"([^"]*)"`)

// corpusChannels returns every "channel" string value of the corpus JSON
// files.
func corpusChannels(tb testing.TB, dir string) []string {
	var out []string
	err := filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() || filepath.Ext(p) != ".json" {
			return err
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		for _, m := range channelField.FindAllSubmatch(b, -1) {
			out = append(out, string(m[1]))
		}
		return nil
	})
	if err != nil {
		tb.Fatal(err)
	}
	return out
}

// FuzzCheckTemplateSound: when checkTemplate calls an ID invalid whatever
// its variables hold, no value substituted for them makes it parse.
func FuzzCheckTemplateSound(f *testing.F) {
	f.Add("stream/$host/cpu", "a/b")
	f.Add("$uid:influxdb", "x")
	f.Add("a=${v}/b/c", "")
	f.Add("[[a]]/[[b]]", "c/d")
	f.Fuzz(func(t *testing.T, id, value string) {
		spans := variableSpans(id)
		if len(spans) == 0 {
			return
		}
		err := Current.checkTemplate(id, spans)
		if err == nil {
			return
		}
		if err.Offset < 0 || err.Offset > len(id) {
			t.Fatalf("checkTemplate(%q): offset %d out of range", id, err.Offset)
		}
		var b strings.Builder
		prev := 0
		for _, sp := range spans {
			b.WriteString(id[prev:sp.start])
			b.WriteString(value)
			prev = sp.end
		}
		b.WriteString(id[prev:])
		if _, perr := Parse(b.String()); perr == nil {
			t.Fatalf("checkTemplate(%q) = %v, but %q parses", id, err, b.String())
		}
	})
}

// FuzzStrPos: mapping offsets to columns never panics and stays on the
// value's line for JSON strings.
func FuzzStrPos(f *testing.F) {
	f.Add(`"channel": "stream\/x\/a b"`, 13, "stream/x/a b", 10)
	f.Add(`"c": "\ud83d\ude00x"`, 7, "😀x", 4)
	f.Fuzz(func(t *testing.T, line string, col int, v string, off int) {
		file := &model.File{Path: "f.json", Lines: []string{line}}
		m := &model.Model{Files: []*model.File{file}}
		s := model.Str{V: v, Pos: model.Pos{File: "f.json", Line: 1, Col: col}}
		p := strPos(m, s, off)
		if !strings.Contains(v, "\n") && p.Line != 1 {
			t.Fatalf("line %d", p.Line)
		}
	})
}
