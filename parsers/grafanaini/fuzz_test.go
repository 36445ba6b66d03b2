package grafanaini

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"

	"github.com/grafanalint/grafanalint/parsers/model"
)

// FuzzParse checks that Parse never panics and that, whenever ini.v1 (as
// Grafana loads it) accepts the input, Parse yields the same sections,
// keys and values — and a syntax problem whenever ini.v1 rejects it. It
// also checks every position against the source and runs Effective.
func FuzzParse(f *testing.F) {
	seeds := []string{
		"",
		"a = b\n",
		"[s]\nk = \"v # c\"\n",
		"k = \"\"\"multi\nline\"\"\"\n",
		"k = `a;b`\n",
		"k = a \\\n  b\\\n c\n",
		"[unclosed\n",
		"nodelim\n",
		"= x\n",
		"\xef\xbb\xbfk=v\r\n",
		"- = one\n- = two\n",
		"\"\" = x\n",
		"k = \"\"\"open\n",
		"[s.t]\na = %(b)s\n[s]\nb = %(a)s\n",
	}
	for _, s := range seeds {
		f.Add([]byte(s))
	}
	files, _ := filepath.Glob(filepath.Join("testdata", "*.ini"))
	if dir := filepath.Join("..", "..", "..", "shared", "corpus", "real"); dirExists(dir) {
		_ = filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
			if err == nil && !d.IsDir() && filepath.Ext(p) == ".ini" {
				files = append(files, p)
			}
			return nil
		})
	}
	for _, p := range files {
		if b, err := os.ReadFile(p); err == nil {
			f.Add(b)
		}
	}
	f.Fuzz(func(t *testing.T, src []byte) {
		if d := disagreement(src); d != "" {
			t.Fatalf("%q: %s", src, d)
		}
		file, _ := Parse("f.ini", src)
		checkPositions(t, src, file)
		env := []model.EnvVar{{Name: "GF_SERVER_DOMAIN", Value: "env.example"}}
		st := Effective(file, env)
		// Replay Grafana's layering with ini.v1 when that is safe: ini.v1
		// has no limit on %(name)s expansion (values can double 99 times).
		if bytes.Count(src, []byte("%(")) <= 6 && !hugeValue(st) {
			compareWithReference(t, src, env)
		}
	})
}

func dirExists(p string) bool {
	st, err := os.Stat(p)
	return err == nil && st.IsDir()
}

func hugeValue(st *model.Settings) bool {
	for _, m := range st.Sections {
		for _, s := range m {
			if len(s.Value) > 1<<16 {
				return true
			}
		}
	}
	return false
}
