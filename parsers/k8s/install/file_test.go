package install

import (
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/grafanalint/grafanalint/parsers/corpustest"
	"github.com/grafanalint/grafanalint/parsers/dashboard"
	"github.com/grafanalint/grafanalint/parsers/k8s/manifest"
	"github.com/grafanalint/grafanalint/parsers/k8s/srcmap"
	"github.com/grafanalint/grafanalint/parsers/model"
)

// decoded reads a dashboard the slow way: from the decoded text, every
// position mapped back through the text.
func decoded(virtual string, t *srcmap.Text) (*model.Dashboard, []model.Problem) {
	d, probs := dashboard.Parse(virtual, []byte(t.String()))
	t.RemapDashboard(d, virtual)
	t.Remap(&probs, virtual)
	return d, probs
}

// sameAsDecoded checks that Parse reads every dashboard of a manifest as
// the decoded text reads, and reports how many came from raw lines.
func sameAsDecoded(t *testing.T, name string, data []byte) (raw int) {
	t.Helper()
	f := manifest.Parse(name, data)
	for _, o := range f.Objects {
		for _, e := range o.Data {
			if e.Text == nil {
				continue
			}
			virtual := name + "#" + e.Key.V
			if r, ok := e.Text.Raw(); ok {
				if parseRawDashboard(virtual, e.Text) != nil {
					raw++
				}
				if r.Starts != nil {
					want := []int{0}
					for i, c := range r.Data {
						if c == '\n' {
							want = append(want, i+1)
						}
					}
					if diff := cmp.Diff(want, r.Starts); diff != "" {
						t.Errorf("%s: %s: line starts of the raw lines (-want +got):\n%s", name, e.Key.V, diff)
					}
				}
			}
			p := Parse(model.KindDashboard, virtual, e.Text)
			d, probs := decoded(virtual, e.Text)
			if diff := cmp.Diff(d, p.Dash); diff != "" {
				t.Errorf("%s: %s: dashboard differs from the decoded text's (-decoded +raw):\n%s", name, e.Key.V, diff)
			}
			if diff := cmp.Diff(probs, p.Problems); diff != "" {
				t.Errorf("%s: %s: problems differ (-decoded +raw):\n%s", name, e.Key.V, diff)
			}
		}
	}
	return raw
}

// TestRawDashboardShapes covers the block scalar forms a dashboard is
// written in: literal and folded, chomping and indentation indicators,
// CRLF line ends, blank lines inside, non-ASCII text, a folded string that
// spans lines (valid only once folded), broken JSON, and big blocks (left
// undecoded by the manifest parser) as small ones.
func TestRawDashboardShapes(t *testing.T) {
	dash := `{
  "uid": "é-ü",
  "title": "Ünïcode ✓",

  "panels": [
    {"type": "timeseries", "datasource": {"type": "prometheus", "uid": "prom"},
     "targets": [{"refId": "A", "expr": "rate(x[5m])"}]}
  ],
  "schemaVersion": 39
}`
	big := strings.Replace(dash, `"schemaVersion": 39`, `"description": "`+strings.Repeat("x", 3000)+`", "schemaVersion": 39`, 1)
	indent := func(s, pad string) string { return pad + strings.ReplaceAll(s, "\n", "\n"+pad) }
	cm := func(header, body string) string {
		return "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: d\ndata:\n  d.json: " + header + "\n" + body + "\n  other: x\n"
	}
	cases := map[string]string{
		"literal":         cm("|", indent(dash, "    ")),
		"literal-big":     cm("|", indent(big, "    ")),
		"strip":           cm("|-", indent(dash, "    ")),
		"keep":            cm("|+", indent(dash, "    ")+"\n\n"),
		"explicit":        cm("|2", indent(dash, "    ")),
		"folded":          cm(">", indent(dash, "    ")),
		"folded-big":      cm(">-", indent(big, "    ")),
		"crlf":            strings.ReplaceAll(cm("|", indent(dash, "    ")), "\n", "\r\n"),
		"crlf-big":        strings.ReplaceAll(cm("|", indent(big, "    ")), "\n", "\r\n"),
		"folded-string":   cm(">", indent(strings.Replace(dash, `"Ünïcode ✓"`, "\"Ünïcode\n    ✓\"", 1), "    ")),
		"broken":          cm("|", indent(strings.Replace(dash, `"panels"`, `"panels" x`, 1), "    ")),
		"broken-big":      cm("|", indent(strings.Replace(big, `"panels"`, `"panels" x`, 1), "    ")),
		"comment-after":   cm("| # a comment", indent(dash, "    ")),
		"deeper-first":    cm("|", indent(dash, "      ")),
		"list-item-block": "apiVersion: v1\nkind: ConfigMapList\nitems:\n- apiVersion: v1\n  kind: ConfigMap\n  metadata: {name: d}\n  data:\n    d.json: |\n" + indent(big, "      ") + "\n",
	}
	for name, doc := range cases {
		t.Run(name, func(t *testing.T) {
			raw := sameAsDecoded(t, name+".yaml", []byte(doc))
			want := 1
			if strings.HasPrefix(name, "broken") || name == "folded-string" {
				want = 0 // read from the decoded text
			}
			if raw != want {
				t.Errorf("%d dashboards read from raw lines, want %d", raw, want)
			}
		})
	}
}

// TestRawDashboardCorpus compares both reads on every manifest of the
// Kubernetes corpus.
func TestRawDashboardCorpus(t *testing.T) {
	dir := corpustest.Dir(t, "k8s")
	raw := 0
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(p, ".yaml") && !strings.HasSuffix(p, ".yml") {
			return err
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		raw += sameAsDecoded(t, p, data)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if raw == 0 {
		t.Error("no dashboard of the corpus was read from raw lines")
	}
	t.Logf("%d dashboards read from raw lines", raw)
}

// TestParseNginxOutsideWorkDir reads an embedded nginx configuration whose
// display path climbs out of the working directory ("../x.yaml#…"): it is
// read like any other, not reported as unreadable.
func TestParseNginxOutsideWorkDir(t *testing.T) {
	src := srcmap.NewSource("../../x/values.yaml", []byte("server {\n  listen 80;\n}\n"))
	text := srcmap.Verbatim(src, 0, len(src.Data()))
	for _, virtual := range []string{"../../x/values.yaml#ingress-nginx/0", "x/values.yaml#Ingress/g/nginx.conf"} {
		p := Parse(model.KindNginx, virtual, text)
		if len(p.Problems) > 0 || p.Nginx == nil {
			t.Errorf("%s: problems %v", virtual, p.Problems)
		}
	}
}
