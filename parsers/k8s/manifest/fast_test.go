package manifest

import (
	"bytes"
	"errors"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"

	"github.com/grafanalint/grafanalint/parsers/corpustest"
	"github.com/grafanalint/grafanalint/parsers/k8s/srcmap"
)

// sameTree compares two parsed trees node by node.
func sameTree(t *testing.T, name string, a, b *yaml.Node) {
	t.Helper()
	if a.Kind != b.Kind || a.Value != b.Value || a.Line != b.Line || a.Column != b.Column || a.Style != b.Style || len(a.Content) != len(b.Content) {
		t.Fatalf("%s: node at %d:%d differs: %q (%v) vs %q (%v)", name, a.Line, a.Column, trunc(a.Value), a.Kind, trunc(b.Value), b.Kind)
	}
	for i := range a.Content {
		sameTree(t, name, a.Content[i], b.Content[i])
	}
}

func trunc(s string) string {
	if len(s) > 60 {
		return s[:60] + "…"
	}
	return s
}

// docs parses every document of data, blanking large block scalars first
// when fast is set.
func docs(t *testing.T, name string, data []byte, fast bool) []*yaml.Node {
	scan, blank := data, (*blanked)(nil)
	src := srcmap.NewSource(name, data)
	if fast {
		scan, blank = blankBlocks(data)
	}
	dec := yaml.NewDecoder(bytes.NewReader(scan))
	var out []*yaml.Node
	for {
		var d yaml.Node
		if err := dec.Decode(&d); err != nil {
			if !errors.Is(err, io.EOF) {
				t.Logf("%s: %v", name, err)
			}
			return out
		}
		blank.fixLines(&d)
		restoreBlocks(src, &d, blank, nil)
		out = append(out, &d)
	}
}

func compareFast(t *testing.T, name string, data []byte) {
	slow, fast := docs(t, name, data, false), docs(t, name, data, true)
	if len(slow) != len(fast) {
		t.Fatalf("%s: %d documents, %d with blanked blocks", name, len(slow), len(fast))
	}
	for i := range slow {
		sameTree(t, name, slow[i], fast[i])
	}
}

func TestBlankedBlocksParseTheSame(t *testing.T) {
	big := strings.Repeat(`{"panels": [{"id": 1, "title": "x"}]}`+"\n", 80)
	ind := func(s, pad string) string {
		return pad + strings.ReplaceAll(strings.TrimRight(s, "\n"), "\n", "\n"+pad)
	}
	cases := map[string]string{
		"literal":          "data:\n  a.json: |\n" + ind(big, "    ") + "\n  b: 1\n",
		"strip and blanks": "data:\n  a.json: |-\n" + ind(big, "    ") + "\n\n\n  b: 1\n",
		"keep":             "data:\n  a.json: |+\n" + ind(big, "    ") + "\n\n\nnext: 2\n",
		"folded":           "x: >\n" + ind(big, "  ") + "\ny: 2\n",
		"sequence":         "items:\n- |\n" + ind(big, "  ") + "\n- b\n",
		"comment":          "data:\n  a.json: | # dashboard\n" + ind(big, "    ") + "\n",
		"indicator":        "data:\n  a.json: |2\n" + ind(big, "    ") + "\n",
		"two docs":         "a: |\n" + ind(big, "  ") + "\n---\nb: |\n" + ind(big, "  ") + "\n",
		"small":            "a: |\n  x\n",
	}
	for name, doc := range cases {
		compareFast(t, name, []byte(doc))
	}
}

func TestBlankedBlocksCorpus(t *testing.T) {
	dir := corpustest.Dir(t, "k8s")
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(p, ".yaml") && !strings.HasSuffix(p, ".tpl") {
			return err
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		compareFast(t, p, data)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}
