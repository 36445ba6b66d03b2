package dashboard

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/grafanalint/grafanalint/parsers/model"
)

// FuzzParse checks that Parse and Sniff never panic, that every position
// Parse reports points at its value, that a problem is a single syntax
// problem inside the file, and that Sniff and Parse agree with
// encoding/json on what is a JSON object.
func FuzzParse(f *testing.F) {
	seeds, _ := filepath.Glob(filepath.Join("testdata", "*.json"))
	for _, s := range seeds {
		if src, err := os.ReadFile(s); err == nil {
			f.Add(src)
		}
	}
	// A few small real files, when the corpus is there.
	for _, s := range []string{
		"real/grafana__grafana/e2e-playwright/dashboards/DashboardLiveTest.json",
		"real/18F__cg-metrics/grafana/dashboards/Users.json",
		"real/Csehpi__nginx-prometheus-grafana/grafana/dashboards/weather_changes.json",
	} {
		if src, err := os.ReadFile(filepath.Join("..", "..", "..", "shared", "corpus", filepath.FromSlash(s))); err == nil {
			f.Add(src)
		}
	}
	for _, s := range []string{
		``, `{}`, `[]`, `{"panels": [{}, ]}`, `{"a": "x\u00e9${DS_A}"}`, "{\"title\": \"abc", `{"dashboard": {"uid": 1}}`,
		`{"apiVersion": "dashboard.grafana.app/v2beta1", "kind": "Dashboard", "spec": {"elements": {"a": {"spec": {"data": {"spec": {"queries": [{"spec": {"query": {"group": "x"}}}]}}}}}}}`,
		"\xEF\xBB\xBF{}", `{"rows": [{"panels": [{"datasource": null}]}], "schemaVersion": "20"}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, src []byte) {
		d, probs := Parse("f.json", src)
		sniffed := Sniff(src)
		if d == nil || d.File != "f.json" {
			t.Fatalf("dashboard %+v", d)
		}
		body := bytes.TrimLeft(bytes.TrimPrefix(src, utf8BOM), " \t\r\n")
		isObject := len(body) > 0 && body[0] == '{'
		if sniffed && !isObject {
			t.Errorf("Sniff = true for a file that is no JSON object")
		}
		if len(probs) > 1 {
			t.Fatalf("%d problems", len(probs))
		}
		if len(probs) == 1 {
			p := probs[0]
			if p.Kind != model.ProblemSyntax || p.Message == "" || p.Pos.File != "f.json" {
				t.Errorf("problem %+v", p)
			}
			if _, ok := offsetOf(src, p.Pos); !ok && p.Pos != endPos(src) {
				t.Errorf("problem position %v outside the file", p.Pos)
			}
			if len(d.Refs)+len(d.Variables)+len(d.Channels)+len(d.Placeholders) > 0 || d.UID.IsSet() {
				t.Errorf("a broken file must yield an empty dashboard")
			}
		} else {
			if !isObject {
				t.Errorf("no problem for a file that is no JSON object")
			}
			for _, e := range positionErrors(src, d) {
				t.Error(e)
			}
		}
		// What encoding/json accepts as an object, Parse accepts too, and
		// Sniff follows its top-level members. (encoding/json also accepts
		// a bare null into a map, leaving it nil: that is no object.)
		var m map[string]json.RawMessage
		if json.Unmarshal(src, &m) == nil && m != nil && !bytes.HasPrefix(src, utf8BOM) {
			if len(probs) > 0 {
				t.Errorf("encoding/json accepts the file, Parse reports %v", probs)
			}
			for _, k := range []string{"panels", "rows", "schemaVersion", "templating"} {
				if _, ok := m[k]; ok && !sniffed {
					t.Errorf("top-level %q but Sniff = false", k)
				}
			}
		}
	})
}

// endPos is the position just after the last character of src.
func endPos(src []byte) model.Pos {
	return newLineIndex("f.json", src).pos(len(src))
}

// FuzzValues puts arbitrary strings, JSON-escaped in every way
// encoding/json and hand-written files do, into each place the parser
// reads, so the file stays valid and every position can be checked.
func FuzzValues(f *testing.F) {
	f.Add("prom", "stream/a/b", "x ${DS_A} y", false)
	f.Add("é\"\\/\u2028", "ds/\U0001F680/p", "${VAR_B}${DS_C}", true)
	f.Add("", "", "${DS_}", false)
	f.Fuzz(func(t *testing.T, uid, channel, text string, ascii bool) {
		q := func(s string) string {
			out, _ := json.Marshal(s)
			if ascii {
				// \uXXXX escapes for everything non-ASCII and for '$'
				var b strings.Builder
				for _, r := range string(out) {
					switch {
					case r > 0x7e && r <= 0xffff:
						fmt.Fprintf(&b, `\u%04x`, r)
					case r == '$':
						b.WriteString(`\u0024`)
					default:
						b.WriteRune(r)
					}
				}
				return b.String()
			}
			return string(out)
		}
		src := []byte(`{
  "uid": ` + q(uid) + `, "title": ` + q(text) + `,
  "panels": [{"type": "live", "datasource": {"type": "grafana", "uid": ` + q(uid) + `},
    "description": ` + q(text) + `,
    "targets": [{"refId": ` + q(text) + `, "queryType": "measurements", "channel": ` + q(channel) + `}],
    "options": {"channel": {"scope": ` + q(channel) + `, "namespace": ` + q(uid) + `, "path": ` + q(text) + `}}}],
  "annotations": {"list": [{"datasource": ` + q(uid) + `}]},
  "templating": {"list": [{"name": ` + q(text) + `, "query": {"query": ` + q(channel) + `}, "current": {"value": [` + q(uid) + `]}}]}
}`)
		d, probs := Parse("v.json", src)
		if len(probs) > 0 {
			t.Fatalf("valid JSON rejected: %v\n%s", probs, src)
		}
		if !Sniff(src) {
			t.Errorf("Sniff = false")
		}
		for _, e := range positionErrors(src, d) {
			t.Error(e)
		}
		if utf8.ValidString(uid) && d.UID.V != uid {
			t.Errorf("uid %q, want %q", d.UID.V, uid)
		}
		if len(d.Refs) != 2 || len(d.Variables) != 1 || d.LivePanels != 1 {
			t.Fatalf("refs %d variables %d live %d", len(d.Refs), len(d.Variables), d.LivePanels)
		}
		if len(d.Channels) != 2 || utf8.ValidString(channel) && d.Channels[0].Value.V != channel && d.Channels[1].Value.V != channel {
			t.Errorf("channels %+v", d.Channels)
		}
		// Placeholders are found in the raw text: only where "$" is written
		// as itself.
		if !ascii && utf8.ValidString(text) {
			want := len(placeholderRE.FindAllString(text, -1))
			// text appears in title, description, refId and path (4 values)
			// and as a variable name.
			if got := len(d.Placeholders); got != 5*want && !strings.ContainsAny(text, "\"\\{$\x00") {
				t.Errorf("%d placeholders, want %d", got, 5*want)
			}
		}
	})
}

// placeholderRE mirrors the documented placeholder syntax for
// FuzzValues.
var placeholderRE = regexp.MustCompile(`\$\{(?:DS|VAR)_[^{}$"\\\x00-\x1f]+\}`)
