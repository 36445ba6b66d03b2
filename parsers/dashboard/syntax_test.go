package dashboard

import (
	"strings"
	"testing"
	"time"

	"github.com/grafanalint/grafanalint/parsers/model"
)

func TestSyntaxErrors(t *testing.T) {
	tests := []struct {
		name string
		src  string
		line int
		col  int
		msg  string // substring of the message
	}{
		{"trailing comma in object", "{\n  \"uid\": \"a\",\n}\n", 2, 13, `trailing comma before '}'`},
		{"trailing comma in array", `{"panels": [{}, ]}`, 1, 15, `trailing comma before ']'`},
		{"missing colon", `{"uid" "a"}`, 1, 8, `after object name; expected ':'`},
		{"missing comma between members", "{\"a\": 1\n \"b\": 2}", 2, 2, `after object value; expected ',' or '}' (is a comma missing?)`},
		{"missing comma in array", `{"tags": ["a" "b"]}`, 1, 15, `after array element; expected ',' or ']'`},
		{"unterminated string", "{\"title\": \"abc", 1, 11, `unterminated string`},
		{"line break in a string", "{\"title\": \"abc\n\"}", 1, 15, `line break inside a string`},
		{"end of file inside objects", `{"panels": [{"id": 1}`, 1, 22, `expected "]}" to close`},
		{"empty file", "", 1, 1, "unexpected end of file; expected a JSON object"},
		{"blank file", "\n\n  ", 3, 3, "unexpected end of file; expected a JSON object"},
		{"single quotes", `{'uid': 'a'}`, 1, 2, `double quotes`},
		{"comment", "{\n  // note\n  \"uid\": \"a\"\n}", 2, 3, `JSON does not allow comments`},
		{"bare word", `{"uid": undefined}`, 1, 9, `unexpected 'u'; expected a value`},
		{"member name not quoted", `{uid: "a"}`, 1, 2, `expected a member name in double quotes or '}'`},
		{"bad literal", `{"editable": tru}`, 1, 17, `in literal true; expected 'e'`},
		{"invalid escape", `{"title": "a\qb"}`, 1, 13, "invalid escape sequence"},
		{"control character", "{\"title\": \"a\tb\"}", 1, 13, "expected non-control character"},
		{"columns count code points", `{"title": "東京", "uid": x}`, 1, 24, `unexpected 'x'`},
		{"error in a nested value names its pointer", `{"panels": [{"id": 1,}]}`, 1, 21, `(in "/panels/0")`},
		{"top-level array", "[1, 2]", 1, 1, "expected a JSON object (a dashboard), found an array"},
		{"top-level string after blanks", "\n  \"x\"", 2, 3, "found a string"},
		{"top-level number", "42", 1, 1, "found a number"},
		{"byte order mark", "\xEF\xBB\xBF{}", 1, 1, "byte order mark"},
		{"object closed by a bracket", `{"uid": "a"]`, 1, 12, `unexpected ']' after object value`},
		{"nested object closed by a bracket", `{"panels": [{"id": 1]]}`, 1, 21, `unexpected ']' after object value`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d, probs := Parse("x.json", []byte(tt.src))
			if len(probs) != 1 {
				t.Fatalf("got %d problems %v, want 1", len(probs), probs)
			}
			p := probs[0]
			if p.Kind != model.ProblemSyntax {
				t.Errorf("kind %q", p.Kind)
			}
			if p.Pos.File != "x.json" || p.Pos.Line != tt.line || p.Pos.Col != tt.col {
				t.Errorf("position %v, want x.json:%d:%d (%s)", p.Pos, tt.line, tt.col, p.Message)
			}
			if !strings.Contains(p.Message, tt.msg) {
				t.Errorf("message %q does not contain %q", p.Message, tt.msg)
			}
			if strings.Contains(p.Message, "jsontext") {
				t.Errorf("message leaks the library name: %q", p.Message)
			}
			if d == nil || d.File != "x.json" || len(d.Refs) != 0 || d.UID.IsSet() {
				t.Errorf("a broken file yields an empty dashboard, got %+v", d)
			}
		})
	}
}

// TestLenient covers input Grafana's reader (encoding/json's Decoder)
// accepts although it is not strict JSON.
func TestLenient(t *testing.T) {
	for name, src := range map[string]string{
		"content after the top-level value": `{"uid": "a"} trailing }} garbage`,
		"duplicate member names":            `{"uid": "a", "uid": "b"}`,
		"invalid UTF-8 in a string":         "{\"uid\": \"a\xff\"}",
	} {
		t.Run(name, func(t *testing.T) {
			d, probs := Parse("x.json", []byte(src))
			if len(probs) != 0 {
				t.Fatalf("problems %v", probs)
			}
			if !d.UID.IsSet() {
				t.Errorf("uid not read")
			}
		})
	}
	d, _ := Parse("x.json", []byte(`{"uid": "a", "uid": "b"}`))
	if d.UID.V != "b" || d.UID.Pos.Col != 22 {
		t.Errorf("duplicate uid: got %q at %v, want the last one", d.UID.V, d.UID.Pos)
	}
	// A placeholder after the top-level value is no part of the dashboard.
	d, _ = Parse("x.json", []byte(`{"uid": "${DS_A}"} "${DS_B}"`))
	if len(d.Placeholders) != 1 || d.Placeholders[0].V != "DS_A" {
		t.Errorf("placeholders %v", d.Placeholders)
	}
}

func TestSniff(t *testing.T) {
	tests := []struct {
		name string
		src  string
		want bool
	}{
		{"panels", `{"title": "x", "panels": []}`, true},
		{"old rows", `{"rows": []}`, true},
		{"schemaVersion only", `{"schemaVersion": 39}`, true},
		{"templating", `{"templating": {"list": []}}`, true},
		{"decisive key after a broken value is not reached", `{"a": [1 2], "panels": []}`, false},
		{"decisive key before a broken value", `{"panels": [], "a": [1 2]}`, true},
		{"api wrapper", `{"overwrite": true, "dashboard": {"title": "x"}}`, true},
		{"wrapper with a non-dashboard object", `{"dashboard": {"foo": 1}}`, false},
		{"wrapper with a string", `{"dashboard": "x"}`, false},
		{"v2 resource", `{"apiVersion": "dashboard.grafana.app/v2beta1", "metadata": {}, "kind": "Dashboard", "spec": {}}`, true},
		{"v1 resource", `{"kind": "Dashboard", "apiVersion": "dashboard.grafana.app/v1beta1"}`, true},
		{"other kind Dashboard", `{"kind": "Dashboard", "apiVersion": "example.com/v1"}`, false},
		{"bare v2 spec", `{"elements": {}, "title": "x", "layout": {}}`, true},
		{"nested panels do not count", `{"data": {"panels": []}}`, false},
		{"package.json", `{"name": "x", "version": "1.0.0", "dependencies": {}}`, false},
		{"provisioning file in JSON", `{"apiVersion": 1, "datasources": []}`, false},
		{"top-level array", `[{"panels": []}]`, false},
		{"empty", ``, false},
		{"not JSON", "apiVersion: 1\nproviders: []\n", false},
		{"byte order mark", "\xEF\xBB\xBF{\"panels\": []}", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Sniff([]byte(tt.src)); got != tt.want {
				t.Errorf("Sniff = %v, want %v", got, tt.want)
			}
		})
	}
}

// TestLinearTime feeds shapes that would take quadratic time if a scan
// restarted per value (one long line, many placeholders in one string, deep
// nesting). The bound is generous: quadratic behaviour takes minutes here.
func TestLinearTime(t *testing.T) {
	if testing.Short() {
		t.Skip("large inputs")
	}
	for name, src := range map[string]string{
		"placeholders in one long string": `{"a":"` + strings.Repeat("${DS_A}é", 100000) + `"}`,
		"references on one long line":     `{"panels":[` + strings.Repeat(`{"datasource":{"uid":"é${DS_X}"}},`, 50000) + `{}]}`,
		"deeply nested rows":              strings.Repeat(`{"panels":[`, 2000) + strings.Repeat(`]}`, 2000),
		"unterminated nesting":            strings.Repeat(`{"panels":[`, 2000),
	} {
		t.Run(name, func(t *testing.T) {
			start := time.Now()
			d, probs := Parse("x.json", []byte(src))
			if el := time.Since(start); el > 5*time.Second {
				t.Errorf("took %v", el)
			}
			if len(probs) == 0 {
				checkPositions(t, []byte(src), d)
			} else if len(probs[0].Message) > 200 {
				t.Errorf("message too long: %d bytes", len(probs[0].Message))
			}
		})
	}
}
