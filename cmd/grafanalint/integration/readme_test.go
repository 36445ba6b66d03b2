package integration

import (
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// TestReadmeTour checks that the tour in README.md quotes what the linter
// prints on the demo today: every line of its console block (but the
// elisions) appears in order in the real output, the count in the prose
// matches, and the totals line is the real one. It fails when a change
// to a rule or to the demo leaves the README behind.
func TestReadmeTour(t *testing.T) {
	readme, err := os.ReadFile(filepath.Join(repoRoot, "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	text := string(readme)
	const cmdLine = "$ go run ./cmd/grafanalint testdata/demo\n"
	start := strings.Index(text, "```console\n"+cmdLine)
	if start < 0 {
		t.Fatalf("README.md has no console block starting with %q", strings.TrimSpace(cmdLine))
	}
	block := text[start+len("```console\n"+cmdLine):]
	end := strings.Index(block, "```")
	if end < 0 {
		t.Fatal("README.md: the tour's console block is not closed")
	}
	block = block[:end]

	out, _ := grafanalint(t, repoRoot, "--no-config", "--excerpt", "always", "--color", "never", "testdata/demo")
	lines := strings.Split(out, "\n")
	next := 0
	for _, want := range strings.Split(strings.TrimRight(block, "\n"), "\n") {
		if want == "…" {
			continue
		}
		found := false
		for next < len(lines) {
			got := lines[next]
			next++
			if got == want {
				found = true
				break
			}
		}
		if !found {
			t.Errorf("README.md tour line not in the output (in this order):\n%s\noutput:\n%s", want, out)
			return
		}
	}

	m := regexp.MustCompile(`Among its (\d+) findings`).FindStringSubmatch(text)
	if m == nil {
		t.Fatal(`README.md: the tour no longer says "Among its N findings"`)
	}
	want, _ := strconv.Atoi(m[1])
	oneline, _ := grafanalint(t, repoRoot, "--no-config", "--format", "oneline", "testdata/demo")
	if got := strings.Count(oneline, "\n"); got != want {
		t.Errorf("README.md says the demo has %d findings; the linter reports %d", want, got)
	}
}
