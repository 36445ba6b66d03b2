package report

import (
	"bytes"
	"encoding/json"
	"testing"
)

// FuzzAppendIndent: appendIndent lays out what encoding/json writes
// exactly as json.Indent does, whatever the strings hold (quotes,
// backslashes, brackets, control characters, invalid UTF-8) and however
// values nest, empty objects and arrays included.
func FuzzAppendIndent(f *testing.F) {
	for _, s := range []string{"", `a"b\c{}[],: `, "\x00\n\t\u2028<>&", "\xff\xfe", `\"`, `\\`, `"`, "é"} {
		f.Add(s, 3)
	}
	f.Fuzz(func(t *testing.T, s string, n int) {
		v := map[string]any{
			"s": s,
			s:   []any{s, map[string]any{}, []any{}, n, nil, true, map[string]any{"k": []any{s, 1.5, []any{[]any{}}}}},
			"e": struct{}{},
			"m": map[string]any{s: map[string]any{s: s}},
		}
		var compact bytes.Buffer
		enc := json.NewEncoder(&compact)
		enc.SetEscapeHTML(false)
		if err := enc.Encode(v); err != nil {
			t.Fatal(err)
		}
		src := bytes.TrimSuffix(compact.Bytes(), []byte("\n"))
		var want bytes.Buffer
		if err := json.Indent(&want, src, "    ", "  "); err != nil {
			t.Fatal(err)
		}
		if got := appendIndent(nil, src, "    ", "  "); !bytes.Equal(got, want.Bytes()) {
			t.Errorf("appendIndent(%s):\n%s\njson.Indent:\n%s", src, got, want.Bytes())
		}
	})
}
