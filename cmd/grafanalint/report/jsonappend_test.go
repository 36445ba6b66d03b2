package report

import (
	"bytes"
	"encoding/json"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/grafanalint/grafanalint/parsers/model"
	"github.com/grafanalint/grafanalint/rules"
	"github.com/grafanalint/grafanalint/rules/fix"
)

// encodedFinding is f as the json format defines it (jsonFindingOf)
// encoded by encoding/json, laid out as encodeStream lays elements out.
func encodedFinding(t testing.TB, f rules.Finding, prefix string) string {
	t.Helper()
	var out bytes.Buffer
	enc := json.NewEncoder(&out)
	enc.SetEscapeHTML(false)
	enc.SetIndent(prefix, "  ")
	if err := enc.Encode(jsonFindingOf(f)); err != nil {
		t.Fatal(err)
	}
	return string(bytes.TrimSuffix(out.Bytes(), []byte("\n")))
}

// TestAppendJSONFindingAsEncoded: the json format's writer gives the bytes
// encoding/json gives for the format's definition, for findings with and
// without an end, related locations (with and without a file), an entity
// and fixes (described, secret, with several changes), and strings that
// need escaping.
func TestAppendJSONFindingAsEncoded(t *testing.T) {
	at := func(file string, line, col int) model.Pos { return model.Pos{File: file, Line: line, Col: col} }
	odd := "q\"b\\s/<>&\x00\x01\b\f\n\r\t\x1f\x7f é \u2028\u2029 \xff\xfe end"
	change := fix.Change{File: "d.json", Start: at("d.json", 3, 4), End: at("d.json", 3, 9), Offset: 40, Length: 5, Text: odd}
	findings := []rules.Finding{
		{},
		{Rule: "dashboard/unresolved-input", Severity: rules.Error, Message: "m", Pos: at("d.json", 3, 4), End: at("d.json", 3, 9)},
		{Rule: "r", Severity: rules.Warning, Message: odd, Pos: at(odd, 1, 1), End: at("other.json", 2, 2)},
		{Rule: "r", Severity: rules.Info, Pos: at("a.ini", 5, 1), End: at("a.ini", 4, 1)},
		{Rule: "r", Severity: rules.Error, Pos: at("a.ini", 5, 3), End: at("", 5, 0)},
		{Rule: "r", Pos: at("a.ini", 5, 3), End: at("a.ini", 7, 0)},
		{
			Rule: "datasource/unknown-name", Severity: rules.Error, Message: "two related", Pos: at("d.json", 1, 2),
			Related: []rules.Related{{Pos: at("ds.yaml", 5, 10), Message: odd}, {Pos: at("", 6, 1), Message: ""}},
			Entity:  "dashboard:" + odd,
		},
		{Rule: "r", Pos: at("d.json", 1, 2), Fix: &fix.Fix{Message: odd, Changes: []fix.Change{change, change}}},
		{Rule: "r", Pos: at("d.json", 1, 2), Fix: &fix.Fix{Message: "secret", Secret: true, Changes: []fix.Change{change}}},
		{Rule: "r", Pos: at("d.json", 1, 2), Fix: &fix.Fix{Message: "not described"}},
		{Rule: "r", Pos: at("d.json", -1, 1_000_000), Related: []rules.Related{}},
	}
	for _, prefix := range []string{"", "    "} {
		for i, f := range findings {
			want := encodedFinding(t, f, prefix)
			got := string(appendJSONFinding(nil, &f, prefix))
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("finding %d, prefix %q (-encoding/json +appendJSONFinding):\n%s", i, prefix, diff)
			}
		}
	}
}

// FuzzAppendJSONString: strings are quoted byte for byte as encoding/json
// quotes them without HTML escaping, whatever they hold.
func FuzzAppendJSONString(f *testing.F) {
	for _, s := range []string{"", "plain", `a"b\c`, "\x00\b\f\n\r\t\x1f\x7f", "<>&", "\u2028\u2029", "\xff", "é\xe2\x80", "\xed\xa0\x80"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		var want bytes.Buffer
		enc := json.NewEncoder(&want)
		enc.SetEscapeHTML(false)
		if err := enc.Encode(s); err != nil {
			t.Fatal(err)
		}
		if got := appendJSONString(nil, s); string(got) != string(bytes.TrimSuffix(want.Bytes(), []byte("\n"))) {
			t.Errorf("appendJSONString(%q) = %s, encoding/json %s", s, got, want.Bytes())
		}
	})
}
