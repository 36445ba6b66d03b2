package pinned

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/grafanalint/grafanalint/cmd/grafanalint/cli"
	"github.com/grafanalint/grafanalint/parsers/corpustest"
	"github.com/grafanalint/grafanalint/parsers/discover/gentree"
	"github.com/grafanalint/grafanalint/parsers/nginx/genvhosts"
)

var update = flag.Bool("update", false, "rewrite the pinned outputs in testdata")

// target is one input the findings are pinned on.
type target struct {
	name string
	// setup returns the working directory and the path argument to run
	// grafanalint with; paths in the output are relative to it.
	setup func(t *testing.T) (workDir, arg string)
	// full stores the whole output; otherwise digests (see the package
	// comment).
	full bool
	// code is grafanalint's exit code on it.
	code int
	// formats are the formats pinned (default all of formats).
	formats []string
}

// formats are the outputs pinned, by name: the two machine formats, and
// text with every excerpt (source lines re-read or kept, the part a
// loader that drops file contents could get wrong).
var formats = map[string][]string{
	"json":    {"--format", "json"},
	"oneline": {"--format", "oneline"},
	"text":    {"--format", "text", "--excerpt", "always", "--color", "never"},
}

func targets(repoRoot string) []target {
	corpus := func(sub string) func(t *testing.T) (string, string) {
		return func(t *testing.T) (string, string) {
			return repoRoot, relTo(t, repoRoot, corpustest.Dir(t, sub))
		}
	}
	tree := func(gen func(dst, seed string) error) func(t *testing.T) (string, string) {
		return func(t *testing.T) (string, string) {
			seed := corpustest.Dir(t, "perf-seed")
			dst := filepath.Join(t.TempDir(), "tree")
			if err := gen(dst, seed); err != nil {
				t.Fatal(err)
			}
			return dst, "."
		}
	}
	return []target{
		{name: "demo", full: true, code: cli.ExitFindings,
			setup: func(*testing.T) (string, string) { return repoRoot, "testdata/demo" }},
		{name: "vhosts300", full: true, code: cli.ExitFindings,
			setup: func(t *testing.T) (string, string) {
				dst := filepath.Join(t.TempDir(), "tree")
				if _, err := genvhosts.Generate(dst, genvhosts.Options{Vhosts: 300}); err != nil {
					t.Fatal(err)
				}
				return dst, "."
			}},
		// Text excerpts are pinned on stack100 (the same dashboards): 8
		// more copies would add 200 KB of digests and nothing else.
		{name: "stacks8", code: cli.ExitFindings, formats: []string{"json", "oneline"}, setup: tree(func(dst, seed string) error {
			_, err := gentree.Generate(dst, seed, 8)
			return err
		})},
		{name: "stack100", code: cli.ExitFindings, setup: tree(func(dst, seed string) error {
			_, err := gentree.GenerateStack(dst, seed, 100)
			return err
		})},
		{name: "corpus-real", code: cli.ExitFindings, setup: corpus("real")},
		{name: "corpus-k8s", code: cli.ExitOK, setup: corpus("k8s")},
	}
}

// TestFindingsPinned runs grafanalint on every target in both formats and
// compares the output with testdata.
func TestFindingsPinned(t *testing.T) {
	repoRoot, err := filepath.Abs(filepath.Join("..", "..", ".."))
	if err != nil {
		t.Fatal(err)
	}
	for _, tg := range targets(repoRoot) {
		t.Run(tg.name, func(t *testing.T) {
			workDir, arg := tg.setup(t)
			names := tg.formats
			if names == nil {
				names = []string{"json", "oneline", "text"}
			}
			for _, format := range names {
				var out, errb bytes.Buffer
				cmd := &cli.Command{Stdout: &out, Stderr: &errb, WorkDir: workDir, Getenv: func(string) string { return "" }}
				code := cmd.Main(append(slices.Clone(formats[format]), arg))
				if code != tg.code || errb.Len() > 0 {
					t.Errorf("--format %s: exit %d, want %d; stderr:\n%s", format, code, tg.code, errb.String())
				}
				file := tg.name + "." + format
				got := out.String()
				if !tg.full {
					file += ".sum"
					var err error
					if got, err = digest(format, out.Bytes()); err != nil {
						t.Fatalf("--format %s: %v", format, err)
					}
				}
				compare(t, file, got)
			}
		})
	}
}

// relTo returns dir (relative to the working directory, or absolute)
// relative to base, as a user in base would type it.
func relTo(t *testing.T, base, dir string) string {
	t.Helper()
	abs, err := filepath.Abs(dir)
	if err != nil {
		t.Fatal(err)
	}
	rel, err := filepath.Rel(base, abs)
	if err != nil {
		t.Fatal(err)
	}
	return filepath.ToSlash(rel)
}

// compare checks got against testdata/file, or writes it there under
// -update.
func compare(t *testing.T, file, got string) {
	t.Helper()
	p := filepath.Join("testdata", file)
	if *update {
		if err := os.WriteFile(p, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(p)
	if err != nil {
		t.Fatalf("%v (run with -update to create it)", err)
	}
	if diff := cmp.Diff(strings.Split(string(want), "\n"), strings.Split(got, "\n")); diff != "" {
		t.Errorf("findings moved: %s differs (-want +got):\n%s", p, diff)
	}
}

// onelineRE splits a oneline finding: path:line:col: severity: message [rule].
var onelineRE = regexp.MustCompile(`^(.+?:\d+:\d+): [a-z]+: .* \[([a-z0-9/-]+)\]$`)

// digest returns the digest form of an output: the sha256 of the whole
// output, then per finding its rule, position and a short sha256.
func digest(format string, out []byte) (string, error) {
	whole := sha256.Sum256(out)
	var b strings.Builder
	fmt.Fprintf(&b, "sha256 %s\n", hex.EncodeToString(whole[:]))
	short := func(p []byte) string {
		s := sha256.Sum256(p)
		return hex.EncodeToString(s[:8])
	}
	switch format {
	case "text":
		// Blocks apart by blank lines: a finding with its excerpt, notes
		// and help; at the end the summary and skipped checks.
		for _, block := range strings.SplitAfter(string(out), "\n\n") {
			head, _, _ := strings.Cut(block, "\n")
			if m := onelineRE.FindStringSubmatch(head); m != nil {
				fmt.Fprintf(&b, "%s %s %s\n", m[2], m[1], short([]byte(block)))
			} else {
				fmt.Fprintf(&b, "(summary) %s\n", short([]byte(block)))
			}
		}
	case "oneline":
		for _, line := range bytes.SplitAfter(out, []byte("\n")) {
			if len(line) == 0 {
				continue
			}
			m := onelineRE.FindSubmatch(bytes.TrimSuffix(line, []byte("\n")))
			if m == nil {
				return "", fmt.Errorf("line %q is no oneline finding", line)
			}
			fmt.Fprintf(&b, "%s %s %s\n", m[2], m[1], short(line))
		}
	case "json":
		var doc struct {
			Findings []json.RawMessage `json:"findings"`
		}
		if err := json.Unmarshal(out, &doc); err != nil {
			return "", err
		}
		for _, raw := range doc.Findings {
			var f struct {
				Rule         string `json:"rule"`
				File         string `json:"file"`
				Line, Column int
			}
			if err := json.Unmarshal(raw, &f); err != nil {
				return "", err
			}
			fmt.Fprintf(&b, "%s %s:%d:%d %s\n", f.Rule, f.File, f.Line, f.Column, short(raw))
		}
	default:
		return "", fmt.Errorf("no digest for format %q", format)
	}
	return b.String(), nil
}
