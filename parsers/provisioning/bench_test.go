package provisioning

import (
	"fmt"
	"testing"

	"github.com/grafanalint/grafanalint/parsers/model"
	"gopkg.in/yaml.v3"
)

type corpusFile struct {
	name string
	src  []byte
}

func loadCorpusYAML(b *testing.B) []corpusFile {
	dir := corpusDir(b)
	var out []corpusFile
	for _, rel := range corpusYAML(b, dir) {
		out = append(out, corpusFile{rel, readCorpus(b, dir, rel)})
	}
	return out
}

// BenchmarkParse sniffs and parses every YAML file of the corpus (compose
// files and manifests included, as discovery would hand them over).
func BenchmarkParse(b *testing.B) {
	files := loadCorpusYAML(b)
	var size int64
	for _, f := range files {
		size += int64(len(f.src))
	}
	b.SetBytes(size)
	b.ReportAllocs()
	for b.Loop() {
		for _, f := range files {
			Parse(f.name, f.src)
		}
	}
}

// BenchmarkSniff classifies every YAML file of the corpus.
func BenchmarkSniff(b *testing.B) {
	files := loadCorpusYAML(b)
	b.ReportAllocs()
	for b.Loop() {
		for _, f := range files {
			Sniff(f.src)
		}
	}
}

// BenchmarkParseDatasourcesLarge parses one generated 4 MiB file (256 KiB
// with -short) holding every datasource entry of the corpus, repeated
// under unique names.
func BenchmarkParseDatasourcesLarge(b *testing.B) {
	var items []*yaml.Node
	for _, f := range loadCorpusYAML(b) {
		if Sniff(f.src) != model.KindDatasources {
			continue
		}
		var doc yaml.Node
		if err := yaml.Unmarshal(f.src, &doc); err != nil {
			b.Fatal(err)
		}
		if ds := field(doc.Content[0], "datasources"); ds != nil {
			items = append(items, ds.Content...)
		}
	}
	list := &yaml.Node{Kind: yaml.SequenceNode}
	root := &yaml.Node{Kind: yaml.MappingNode, Content: []*yaml.Node{
		{Kind: yaml.ScalarNode, Value: "apiVersion"}, {Kind: yaml.ScalarNode, Value: "1", Tag: "!!int"},
		{Kind: yaml.ScalarNode, Value: "datasources"}, list,
	}}
	addRound := func(i int) {
		for j, item := range items {
			c := *item
			c.Content = append([]*yaml.Node(nil), item.Content...)
			for k := 0; k+1 < len(c.Content); k += 2 {
				if c.Content[k].Value == "name" {
					c.Content[k+1] = &yaml.Node{Kind: yaml.ScalarNode, Value: fmt.Sprintf("ds-%d-%d", i, j)}
				}
			}
			list.Content = append(list.Content, &c)
		}
	}
	addRound(0)
	one, err := yaml.Marshal(root)
	if err != nil {
		b.Fatal(err)
	}
	size := 4 << 20
	if testing.Short() {
		size = 256 << 10
	}
	for i := 1; i < size/len(one); i++ {
		addRound(i)
	}
	src, err := yaml.Marshal(root)
	if err != nil {
		b.Fatal(err)
	}
	if f, probs := ParseDatasources("large.yaml", src); len(probs) != 0 || len(f.Issues) != 0 || len(f.Datasources) < size>>12 {
		b.Fatalf("generated file: %d datasources, %d problems", len(f.Datasources), len(probs))
	}
	b.SetBytes(int64(len(src)))
	b.ReportAllocs()
	for b.Loop() {
		ParseDatasources("large.yaml", src)
	}
}
