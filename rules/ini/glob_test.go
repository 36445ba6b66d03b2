package ini

import (
	"regexp"
	"testing"
)

// TestGlobError compares globError with what github.com/gobwas/glob v0.2.3
// Compile returns. The expected messages were produced by the library
// itself (and the reproduction was compared with it on millions of random
// patterns over the characters that matter: []{}!-*?\, NUL, U+FFFD and
// invalid UTF-8).
func TestGlobError(t *testing.T) {
	for _, tc := range []struct{ pattern, want string }{
		{"*", ""},
		{"https://*.example.com", ""},
		{"https://{a,b}.example.com", ""},
		{"http://x{", ""},
		{"{a,b", ""},
		{"a}", ""},
		{"[", "unexpected end of input"},
		{"[]", "could not parse range"},
		{"[!]", "could not parse range"},
		{"[a", "unexpected end of input"},
		{"[a-]", "unexpected end of input"},
		{"[z-a]", "hi character 'a' should be greater than lo 'z'"},
		{"[a-z]", ""},
		{"[!a-c]x", ""},
		{"[a-b-c]", "expected close range character"},
		{"[\\]]", ""},
		{"[\\]", "unexpected end of input"},
		{"\\[", ""},
		{"http://[::1]:3000", ""},
		{"http://[::1", "unexpected end of input"},
		{"https://grafana.example.com:3000", ""},
		{"é[", "unexpected end of input"},
		{"\xff", "could not read rune"},
		{"a\xffb", "could not read rune"},
		{"[\xff]", "unexpected end of input"},
		{"[]\xff", "could not read rune"},
		{"a\x00[", "unexpected end of input"},
		{"\x00[", ""},
		{"[?a?\x00}]:", "expected close range character"},
		{"**", ""},
		{"?", ""},
		{"[-a]", ""},
	} {
		if got := globError(tc.pattern); got != tc.want {
			t.Errorf("globError(%q) = %q, want %q", tc.pattern, got, tc.want)
		}
	}
}

// FuzzGlobError checks that globError never panics and always returns one
// of gobwas/glob's messages.
func FuzzGlobError(f *testing.F) {
	for _, s := range []string{"https://*.example.com", "[a-", "[z-a]", "{a,[b}", "\\[", "a\x00[", "[]\xff"} {
		f.Add(s)
	}
	known := map[string]bool{"": true, "could not read rune": true, "unexpected end of input": true,
		"expected close range character": true, "could not parse range": true}
	f.Fuzz(func(t *testing.T, p string) {
		msg := globError(p)
		if !known[msg] && !rangeOrder.MatchString(msg) {
			t.Fatalf("globError(%q) = %q: not a gobwas/glob message", p, msg)
		}
	})
}

var rangeOrder = regexp.MustCompile(`^hi character '.+' should be greater than lo '.+'$`)
