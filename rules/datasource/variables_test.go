package datasource

import (
	"bufio"
	"encoding/json"
	"io/fs"
	"math/rand/v2"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/grafanalint/grafanalint/parsers/corpustest"
)

// The regular expressions variablesIn was first written with: the oracle
// the scanner must agree with on every string.
var (
	oracleVarRef         = regexp.MustCompile(`\$(\w+)|\[\[(\w+?)(?::\w+)?\]\]|\$\{(\w+)(?:\.[^:^}]+)?(?::[^}]+)?\}`)
	oraclePlaceholderRef = regexp.MustCompile(`\$\{([^${}"\\]+)\}`)
)

// oracleVariablesIn is variablesIn as it was written with oracleVarRef
// and oraclePlaceholderRef.
func oracleVariablesIn(s string) (names []string, any bool) {
	if !strings.ContainsAny(s, "$[") {
		return nil, false
	}
	for _, m := range oracleVarRef.FindAllStringSubmatch(s, -1) {
		for _, g := range m[1:] {
			if g != "" {
				names = append(names, g)
				break
			}
		}
	}
	for _, m := range oraclePlaceholderRef.FindAllStringSubmatch(s, -1) {
		n := m[1]
		if i := strings.IndexAny(n, ":."); i > 0 && isWord(n[:i]) {
			n = n[:i]
		}
		if !contains(names, n) {
			names = append(names, n)
		}
	}
	return names, len(names) > 0 || strings.Contains(s, "$")
}

// agree fails t when the scanner and the oracle differ on s.
func agree(t testing.TB, s string) {
	t.Helper()
	got, gotAny := variablesIn(s)
	want, wantAny := oracleVariablesIn(s)
	if diff := cmp.Diff(want, got); diff != "" || gotAny != wantAny {
		t.Fatalf("variablesIn(%q) = %q, %v; the regular expressions give %q, %v", s, got, gotAny, want, wantAny)
	}
}

// TestVariablesInForms: each form of reference Grafana interpolates, and the
// texts that only look like one.
func TestVariablesInForms(t *testing.T) {
	for _, tc := range []struct {
		in    string
		names []string
		any   bool
	}{
		{"prometheus", nil, false},
		{"", nil, false},
		{"$ds", []string{"ds"}, true},
		{"$ds-$env", []string{"ds", "env"}, true},
		{"${ds}", []string{"ds"}, true},
		{"${ds:raw}", []string{"ds"}, true},
		{"${ds.uid}", []string{"ds"}, true},
		{"${ds.uid:text}", []string{"ds"}, true},
		{"${ds.a^b}", []string{"ds"}, true}, // only the placeholder form matches
		{"${ds:}", []string{"ds"}, true},    // likewise
		{"${ds.}", []string{"ds"}, true},    // likewise
		{"${ds-x.y}", []string{"ds-x.y"}, true},
		{"[[ds]]", []string{"ds"}, true},
		{"[[ds:csv]]", []string{"ds"}, true},
		{"[[ds:]]", nil, false},
		{"[[ds", nil, false},
		{"[[[ds]]", []string{"ds"}, true},
		{"$$ds", []string{"ds"}, true},
		{"$", nil, true},
		{"${", nil, true},
		{"${}", nil, true},
		{"${DS_MY-PROM}", []string{"DS_MY-PROM"}, true},
		{"${DS_PROM}", []string{"DS_PROM"}, true},
		{"${my ds:raw}", []string{"my ds:raw"}, true},
		{"${a.b:c}${a}", []string{"a", "a"}, true},
		{"${a.b:c} ${x-y}", []string{"a", "x-y"}, true},
		{"${a.b{c}", []string{"a"}, true},
		{`${a\b}`, nil, true},
		{"${é}", []string{"é"}, true},
		{"$é", nil, true},
		{"${ds:{x}}", []string{"ds"}, true},
		{"${ds.f\n}", []string{"ds"}, true},
	} {
		names, any := variablesIn(tc.in)
		if diff := cmp.Diff(tc.names, names); diff != "" || any != tc.any {
			t.Errorf("variablesIn(%q) = %q, %v; want %q, %v", tc.in, names, any, tc.names, tc.any)
		}
		agree(t, tc.in)
	}
}

// TestVariablesInGenerated compares the scanner with the regular
// expressions on random strings built from the characters their syntax
// turns on.
func TestVariablesInGenerated(t *testing.T) {
	n := 200000
	if testing.Short() {
		n = 20000
	}
	pieces := []string{"$", "${", "}", "[[", "]]", "[", "]", ":", ".", "^", "{", "\"", `\`, "a", "ds", "_1", "-", " ", "\n", "é", "\xff", "DS_", "uid", "raw"}
	rng := rand.New(rand.NewPCG(1, 2))
	var b strings.Builder
	for range n {
		b.Reset()
		for range rng.IntN(12) {
			b.WriteString(pieces[rng.IntN(len(pieces))])
		}
		agree(t, b.String())
	}
}

// TestVariablesInCorpus compares the scanner with the regular expressions
// on every line of the corpus files, and on every string value of its JSON
// files.
func TestVariablesInCorpus(t *testing.T) {
	n := 0
	for _, sub := range []string{"real", "k8s", "perf-seed"} {
		root := corpustest.Dir(t, sub)
		err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() {
				return err
			}
			data, err := os.ReadFile(path)
			if err != nil {
				return err
			}
			sc := bufio.NewScanner(strings.NewReader(string(data)))
			sc.Buffer(nil, 1<<24)
			for sc.Scan() {
				agree(t, sc.Text())
				n++
			}
			var v any
			if strings.HasSuffix(path, ".json") && json.Unmarshal(data, &v) == nil {
				walkStrings(v, func(s string) { agree(t, s); n++ })
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	t.Logf("%d corpus strings agree", n)
}

func walkStrings(v any, fn func(string)) {
	switch v := v.(type) {
	case string:
		fn(v)
	case []any:
		for _, e := range v {
			walkStrings(e, fn)
		}
	case map[string]any:
		for k, e := range v {
			fn(k)
			walkStrings(e, fn)
		}
	}
}

// FuzzVariablesIn: the scanner agrees with the regular expressions.
func FuzzVariablesIn(f *testing.F) {
	for _, s := range []string{"$ds", "${ds.uid:text}", "[[ds:csv]]", "${DS_MY-PROM}", "${a.b^c}", "${a:}", `${a\b}`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) { agree(t, s) })
}

// BenchmarkVariablesIn measures the scan of typical reference values.
func BenchmarkVariablesIn(b *testing.B) {
	values := []string{"prometheus", "${DS_PROMETHEUS}", "$datasource", "[[ds]]", "P1809F7CD0C75ACF3", "${ds.uid:text}"}
	b.ReportAllocs()
	for b.Loop() {
		for _, v := range values {
			variablesIn(v)
		}
	}
}
