package fixer

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/grafanalint/grafanalint/parsers/dashboard"
	"github.com/grafanalint/grafanalint/parsers/grafanaini"
	"github.com/grafanalint/grafanalint/parsers/model"
	"github.com/grafanalint/grafanalint/parsers/provisioning"
	"github.com/grafanalint/grafanalint/rules/fix"
)

// TestOffsetsAgreeWithParsers: the position each parser records for a
// value converts back to the byte offset of that value, whatever the line
// breaks, byte order mark and multi-byte characters before it.
func TestOffsetsAgreeWithParsers(t *testing.T) {
	yamlCases := map[string]string{
		"lf":       "apiVersion: 1\ndatasources:\n  - name: Prömetheus ✓\n    type: prometheus\n    access: server\n",
		"crlf":     "apiVersion: 1\r\ndatasources:\r\n  - name: Prömetheus ✓\r\n    type: prometheus\r\n    access: server\r\n",
		"cr":       "apiVersion: 1\rdatasources:\r  - name: Prömetheus ✓\r    type: prometheus\r    access: server\r",
		"nel":      "apiVersion: 1\u0085datasources:\u0085  - name: Prömetheus ✓\u0085    type: prometheus\u0085    access: server",
		"ls-ps":    "apiVersion: 1\u2028datasources:\u2029  - name: Prömetheus ✓\n    type: prometheus\n    access: server",
		"bom":      "\ufeffapiVersion: 1\ndatasources:\n  - {name: Prömetheus ✓, type: prometheus, access: server}",
		"bom-line": "\ufeffdatasources: [{name: Prömetheus ✓, type: prometheus, access: server}]",
	}
	for name, src := range yamlCases {
		t.Run("yaml/"+name, func(t *testing.T) {
			df, probs := provisioning.ParseDatasources("ds.yaml", []byte(src))
			if len(probs) > 0 || len(df.Datasources) != 1 {
				t.Fatalf("parse: %v, %d datasources", probs, len(df.Datasources))
			}
			tx := newText(model.KindDatasources, []byte(src))
			for _, s := range []model.Str{df.Datasources[0].Name, df.Datasources[0].Access} {
				checkSpan(t, tx, s, src)
			}
		})
	}
	iniCases := map[string]string{
		"lf":    "[smtp]\nfrom_name = \"Grüße ✓ #ops\"\n",
		"crlf":  "[smtp]\r\nfrom_name = \"Grüße ✓ #ops\"\r\n",
		"bom":   "\ufeff[smtp]\nfrom_name = \"Grüße ✓ #ops\"",
		"utf16": "\xff\xfe[smtp]\nfrom_name = \"Grüße ✓ #ops\"\n",
		"cr":    "; a\rb\n[smtp]\nfrom_name = \"Grüße ✓ #ops\"\n",
	}
	for name, src := range iniCases {
		t.Run("ini/"+name, func(t *testing.T) {
			f, probs := grafanaini.Parse("grafana.ini", []byte(src))
			if len(probs) > 0 {
				t.Fatal(probs)
			}
			k := f.Sections[len(f.Sections)-1].Keys[0]
			tx := newText(model.KindIni, []byte(src))
			checkSpan(t, tx, k.Raw, src)
			checkSpan(t, tx, k.Comment, src)
		})
	}
	dashCases := map[string]string{
		"lf":   "{\"title\": \"Übersicht ✓\", \"panels\": [{\"datasource\": {\"uid\": \"${DS_A}\"}}],\n \"x\": \"${DS_B}\"}",
		"crlf": "{\r\n\"title\": \"Übersicht ✓\", \"panels\": [{\"datasource\": {\"uid\": \"${DS_A}\"}}],\r\n \"x\": \"${DS_B}\"}\r\n",
	}
	for name, src := range dashCases {
		t.Run("dashboard/"+name, func(t *testing.T) {
			d, probs := dashboard.Parse("d.json", []byte(src))
			if len(probs) > 0 || len(d.Placeholders) != 2 {
				t.Fatalf("parse: %v, %d placeholders", probs, len(d.Placeholders))
			}
			tx := newText(model.KindDashboard, []byte(src))
			for _, p := range d.Placeholders {
				checkSpan(t, tx, model.Str{V: "${" + p.V + "}", Pos: p.Pos, End: p.End}, src)
			}
			checkSpan(t, tx, d.Refs[0].UID, src)
		})
	}
}

func checkSpan(t *testing.T, tx *text, s model.Str, src string) {
	t.Helper()
	start, err := tx.offset(s.Pos)
	if err != nil {
		t.Fatal(err)
	}
	end, err := tx.offset(s.End)
	if err != nil {
		t.Fatal(err)
	}
	if got := src[start:end]; got != s.V {
		t.Errorf("%v-%v holds %q, want %q", s.Pos, s.End, got, s.V)
	}
}

func TestInsertLines(t *testing.T) {
	tests := []struct {
		name, src string
		kind      model.Kind
		edit      fix.Edit
		want      string
	}{
		{
			name: "after, indented like a YAML list item's key",
			src:  "datasources:\n  - name: A\n    type: x\n",
			kind: model.KindDatasources,
			edit: fix.LineAfter(model.Pos{Line: 2, Col: 11}, "uid: P1", model.Pos{Line: 2, Col: 5}),
			want: "datasources:\n  - name: A\n    uid: P1\n    type: x\n",
		},
		{
			name: "after the last line, which has no line break",
			src:  "datasources:\r\n  - name: A",
			kind: model.KindDatasources,
			edit: fix.LineAfter(model.Pos{Line: 2, Col: 5}, "uid: P1", model.Pos{Line: 2, Col: 5}),
			want: "datasources:\r\n  - name: A\r\n    uid: P1",
		},
		{
			name: "CRLF in a file split at LF only",
			src:  "http {\r\n\tserver {\r\n\t}\r\n}\r\n",
			kind: model.KindNginx,
			edit: fix.LineAfter(model.Pos{Line: 2, Col: 2}, "map $a $b {\n\tdefault x;\n}", model.Pos{Line: 2, Col: 2}),
			want: "http {\r\n\tserver {\r\n\tmap $a $b {\r\n\t\tdefault x;\r\n\t}\r\n\t}\r\n}\r\n",
		},
		{
			name: "before a line, tabs copied",
			src:  "http {\n\tserver {}\n}\n",
			kind: model.KindNginx,
			edit: fix.LineBefore(model.Pos{Line: 3, Col: 1}, "map $a $b {}", model.Pos{Line: 2, Col: 2}),
			want: "http {\n\tserver {}\n\tmap $a $b {}\n}\n",
		},
		{
			name: "a replacement that brings lines: a block before a closing brace on a shared line",
			src:  "http { server {} }\r\n",
			kind: model.KindNginx,
			edit: fix.Edit{Start: model.Pos{Line: 1, Col: 18}, End: model.Pos{Line: 1, Col: 19}, Old: "}", New: "\n\tmap $a $b {}\n}"},
			want: "http { server {} \r\n\tmap $a $b {}\r\n}\r\n",
		},
		{
			name: "nested lines take the indentation of Nest",
			src:  "http {\n  include x;\n  server {\n      listen 80;\n  }\n}\n",
			kind: model.KindNginx,
			edit: fix.Edit{Op: fix.InsertLinesBefore, Start: model.Pos{Line: 3, Col: 3}, New: "map $a $b {\n\tdefault x;\n}\n", Indent: model.Pos{Line: 3, Col: 3}, Nested: true, Nest: model.Pos{Line: 4, Col: 7}},
			want: "http {\n  include x;\n  map $a $b {\n      default x;\n  }\n\n  server {\n      listen 80;\n  }\n}\n",
		},
		{
			name: "nested lines without Nest take Indent's indentation twice",
			src:  "http {\r\n\tinclude x;\r\n}\r\n",
			kind: model.KindNginx,
			edit: fix.Edit{Op: fix.InsertLinesAfter, Start: model.Pos{Line: 2, Col: 2}, New: "\nmap $a $b {\n\tdefault x;\n}", Indent: model.Pos{Line: 2, Col: 2}, Nested: true},
			want: "http {\r\n\tinclude x;\r\n\r\n\tmap $a $b {\r\n\t\tdefault x;\r\n\t}\r\n}\r\n",
		},
		{
			name: "before the first line, after a byte order mark",
			src:  "\ufeffdatasources: []\n",
			kind: model.KindDatasources,
			edit: fix.LineBefore(model.Pos{Line: 1, Col: 1}, "apiVersion: 1", model.Pos{}),
			want: "\ufeffapiVersion: 1\ndatasources: []\n",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tx := newText(tt.kind, []byte(tt.src))
			sp, err := tx.resolve(tt.edit)
			if err != nil {
				t.Fatal(err)
			}
			got := tt.src[:sp.start] + sp.text + tt.src[sp.end:]
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}

func TestResolveRefuses(t *testing.T) {
	src := "a: 'x'\nb: |\n  block\n"
	tx := newText(model.KindDatasources, []byte(src))
	for name, e := range map[string]fix.Edit{
		"old text differs":    {Start: model.Pos{Line: 1, Col: 5}, End: model.Pos{Line: 1, Col: 6}, Old: "y", New: "z"},
		"beyond the line":     {Start: model.Pos{Line: 1, Col: 5}, End: model.Pos{Line: 1, Col: 40}, Old: "x", New: "z"},
		"beyond the file":     {Start: model.Pos{Line: 9, Col: 1}, End: model.Pos{Line: 9, Col: 1}},
		"reversed":            {Start: model.Pos{Line: 1, Col: 6}, End: model.Pos{Line: 1, Col: 5}},
		"line break in 'x'":   {Start: model.Pos{Line: 1, Col: 5}, End: model.Pos{Line: 1, Col: 6}, Old: "x", New: "a\nb", Encoding: fix.YAMLScalar},
		"block scalar header": {Start: model.Pos{Line: 2, Col: 5}, End: model.Pos{Line: 2, Col: 5}, Old: "", New: "z", Encoding: fix.YAMLScalar},
		"insert beyond file":  fix.LineAfter(model.Pos{Line: 7, Col: 1}, "x", model.Pos{}),
	} {
		if _, err := tx.resolve(e); err == nil {
			t.Errorf("%s: resolved", name)
		}
	}
}

func TestEncode(t *testing.T) {
	tests := []struct {
		enc    fix.Encoding
		v      string
		before byte
		want   string
	}{
		{fix.JSONString, `a"b\c` + "\n\u2028<&>", '"', `a\"b\\c\n\u2028<&>`},
		{fix.YAMLScalar, "prometheus", ' ', "prometheus"},
		{fix.YAMLScalar, "123", ' ', `"123"`},
		{fix.YAMLScalar, "yes", ' ', `"yes"`},
		{fix.YAMLScalar, "a b", ' ', `"a b"`},
		{fix.YAMLScalar, "it's", '\'', "it''s"},
		{fix.YAMLScalar, `say "hi"`, '"', `say \"hi\"`},
		{fix.Raw, "`a#b`", ' ', "`a#b`"},
	}
	for _, tt := range tests {
		got, ok := fix.Encode(tt.enc, tt.v, tt.before)
		if !ok || got != tt.want {
			t.Errorf("Encode(%d, %q, %q) = %q, %v; want %q", tt.enc, tt.v, tt.before, got, ok, tt.want)
		}
	}
}
