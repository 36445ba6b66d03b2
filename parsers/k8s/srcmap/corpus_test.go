package srcmap

import (
	"bytes"
	"errors"
	"io"
	"io/fs"
	"path/filepath"
	"strings"
	"testing"

	"os"

	"gopkg.in/yaml.v3"

	"github.com/grafanalint/grafanalint/parsers/corpustest"
)

// TestCorpusScalarsMapExactly decodes every scalar of the Kubernetes
// corpus's YAML files and requires that each multi-character value maps
// character by character (no fallback to the value's start).
func TestCorpusScalarsMapExactly(t *testing.T) {
	dir := corpustest.Dir(t, "k8s")
	n := 0
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(p, ".yaml") && !strings.HasSuffix(p, ".tpl") {
			return err
		}
		data, err := readFile(p)
		if err != nil {
			return err
		}
		src := NewSource(p, data)
		dec := yaml.NewDecoder(bytes.NewReader(data))
		for {
			var doc yaml.Node
			if err := dec.Decode(&doc); err != nil {
				if !errors.Is(err, io.EOF) {
					t.Logf("%s: %v", p, err)
				}
				break
			}
			walkScalars(&doc, func(s *yaml.Node) {
				n++
				txt := Scalar(src, s)
				if txt.String() != s.Value {
					t.Errorf("%s:%d: decoded %q", p, s.Line, txt.String())
				}
				if len(s.Value) > 1 && !txt.Exact() && !strings.Contains(s.Value, "\\") && s.Style&yaml.DoubleQuotedStyle == 0 {
					t.Errorf("%s:%d:%d: %v scalar not mapped exactly", p, s.Line, s.Column, s.Style)
				}
				if len(s.Value) > 1 && len(txt.segs) == 1 && txt.segs[0].point {
					t.Errorf("%s:%d:%d: %v scalar fell back to a point", p, s.Line, s.Column, s.Style)
				}
			})
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if n == 0 {
		t.Fatal("no scalars")
	}
}

func walkScalars(n *yaml.Node, fn func(*yaml.Node)) {
	if n.Kind == yaml.ScalarNode {
		fn(n)
	}
	for _, c := range n.Content {
		walkScalars(c, fn)
	}
}

var readFile = os.ReadFile
