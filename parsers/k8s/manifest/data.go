package manifest

import (
	"encoding/base64"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/grafanalint/grafanalint/parsers/k8s/srcmap"
	"github.com/grafanalint/grafanalint/parsers/model"
)

// Entry is one key of a ConfigMap or Secret (or of a kustomize generator):
// the file a volume of it exposes.
type Entry struct {
	Key model.Str
	// Text is the value, decoded (base64 for a Secret's data and a
	// ConfigMap's binaryData), with its positions in the manifest. Nil
	// when the content comes from a file (FromFile) or could not be
	// decoded.
	Text *srcmap.Text
	// FromFile is the display path of the file a kustomize generator
	// reads the content from.
	FromFile string
	// Encoded is set when Text was base64-decoded.
	Encoded bool
	// Problem is set when the value could not be decoded.
	Problem *model.Problem
}

// data reads the data, stringData and binaryData of a ConfigMap or Secret.
// A Secret's stringData wins over data for the same key, as the API
// server merges it.
func (f *File) data(o *Object) []*Entry {
	var out []*Entry
	byKey := map[string]int{}
	add := func(e *Entry) {
		if i, ok := byKey[e.Key.V]; ok {
			out[i] = e
			return
		}
		byKey[e.Key.V] = len(out)
		out = append(out, e)
	}
	secret := o.Kind.V == "Secret"
	read := func(field string, b64 bool) {
		m := Get(o.Node, field)
		if m == nil || m.Kind != yaml.MappingNode {
			return
		}
		for i := 0; i+1 < len(m.Content); i += 2 {
			k, v := m.Content[i], m.Content[i+1]
			if v.Kind != yaml.ScalarNode {
				continue
			}
			e := &Entry{Key: f.Str(k)}
			raw := f.scalar(v)
			if !b64 {
				e.Text = raw
				add(e)
				continue
			}
			e.Encoded = true
			start, end := raw.Span()
			dec, err := base64.StdEncoding.DecodeString(strings.Join(strings.Fields(raw.String()), ""))
			if err != nil {
				p := model.Problem{Kind: model.ProblemSyntax, Pos: start, End: end,
					Message: "the value of key \"" + k.Value + "\" is not valid base64: the API server rejects the " + o.Kind.V + "; use stringData for plain text"}
				e.Problem = &p
				add(e)
				continue
			}
			e.Text = srcmap.Point(string(dec), f.Src, f.Src.Offset(start.Line, start.Col), f.Src.Offset(end.Line, end.Col))
			add(e)
		}
	}
	read("data", secret)
	read("binaryData", true)
	if secret {
		read("stringData", false)
	}
	return out
}
