package grafanaini

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/grafanalint/grafanalint/parsers/corpustest"

	"gopkg.in/ini.v1"

	"github.com/grafanalint/grafanalint/parsers/model"
)

// corpusDir returns the real-world corpus folder beside the repository, or
// skips the test when it is absent (fails instead when CI=true).
func corpusDir(t testing.TB) string {
	t.Helper()
	return corpustest.Dir(t, "real")
}

// corpusIniFiles lists the *.ini files of the corpus.
func corpusIniFiles(t testing.TB) []string {
	return corpusFiles(t, func(name string) bool { return strings.HasSuffix(name, ".ini") })
}

// corpusFiles lists the corpus files whose base name satisfies keep.
func corpusFiles(t testing.TB, keep func(name string) bool) []string {
	t.Helper()
	var out []string
	err := filepath.WalkDir(corpusDir(t), func(p string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !d.IsDir() && keep(d.Name()) {
			out = append(out, p)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(out) == 0 {
		t.Fatal("no matching files in the corpus")
	}
	slices.Sort(out)
	return out
}

// disagreement compares Parse with gopkg.in/ini.v1 loaded as Grafana loads
// it. It returns "" when both accept the file with the same sections, keys
// (in order) and values, or both reject it; otherwise a description.
func disagreement(src []byte) string {
	want, werr := ini.Load(src)
	got, probs := Parse("f.ini", src)
	if werr != nil {
		if len(probs) != 1 || probs[0].Kind != model.ProblemSyntax {
			return fmt.Sprintf("ini.v1 rejects (%v) but Parse reported %v", werr, probs)
		}
		return ""
	}
	if len(probs) != 0 {
		return fmt.Sprintf("ini.v1 accepts but Parse reported %v", probs)
	}
	type sec struct {
		keys []string
		vals map[string]string
	}
	var order []string
	secs := map[string]*sec{}
	for _, s := range got.Sections {
		name := canonSection(s.Name.V)
		if secs[name] == nil {
			secs[name] = &sec{vals: map[string]string{}}
			order = append(order, name)
		}
		for _, k := range s.Keys {
			if _, ok := secs[name].vals[k.Name.V]; !ok {
				secs[name].keys = append(secs[name].keys, k.Name.V)
			}
			secs[name].vals[k.Name.V] = k.Value.V
			if k.Section != s.Name.V {
				return fmt.Sprintf("key %q has Section %q in section %q", k.Name.V, k.Section, s.Name.V)
			}
		}
	}
	var wantOrder []string
	for _, name := range want.SectionStrings() {
		name = canonSection(name)
		if name == "" && secs[""] == nil && len(want.Section("").Keys()) == 0 {
			continue
		}
		wantOrder = append(wantOrder, name)
	}
	if !slices.Equal(order, wantOrder) {
		return fmt.Sprintf("sections %q, ini.v1 %q", order, wantOrder)
	}
	for _, name := range wantOrder {
		ws := want.Section(name)
		gs := secs[name]
		if !slices.Equal(gs.keys, ws.KeyStrings()) {
			return fmt.Sprintf("section %q: keys %q, ini.v1 %q", name, gs.keys, ws.KeyStrings())
		}
		for _, k := range gs.keys {
			if gv, wv := gs.vals[k], ws.Key(k).Value(); gv != wv {
				return fmt.Sprintf("[%s] %s = %q, ini.v1 %q", name, k, gv, wv)
			}
		}
	}
	return ""
}

// TestParseAgreesWithIniV1OnCorpus runs the lexer on every ini-syntax file
// of the corpus: *.ini, and the KEY=VALUE config.monitoring and .env files
// (valid ini too, all keys in the unnamed section).
func TestParseAgreesWithIniV1OnCorpus(t *testing.T) {
	files := corpusFiles(t, func(name string) bool {
		return strings.HasSuffix(name, ".ini") || name == "config.monitoring" || name == ".env"
	})
	if len(files) < 18 {
		t.Errorf("only %d files found", len(files))
	}
	for _, f := range files {
		src, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		if d := disagreement(src); d != "" {
			t.Errorf("%s: %s", f, d)
		}
	}
}
