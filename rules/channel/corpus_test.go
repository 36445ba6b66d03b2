package channel_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/grafanalint/grafanalint/parsers/corpustest"

	"github.com/grafanalint/grafanalint/parsers/discover"
	"github.com/grafanalint/grafanalint/rules"
	"github.com/grafanalint/grafanalint/rules/channel"
	"github.com/grafanalint/grafanalint/rules/live"
)

// corpusDir returns the real corpus folder; the test is skipped when it is
// absent, except under CI=true.
func corpusDir(t *testing.T) string {
	t.Helper()
	abs, err := filepath.Abs(corpustest.Dir(t, "real"))
	if err != nil {
		t.Fatal(err)
	}
	return abs
}

// TestCorpus runs the channel and live rules with the real parsers over
// every bundle of the real corpus. Each finding is logged (go test -v) and
// must be one listed here: the findings were read and judged defensible.
func TestCorpus(t *testing.T) {
	dir := corpusDir(t)
	all := append(channel.Rules(), live.Rules()...)
	want := map[string][]string{
		// grafana/grafana's dev dashboard queries TestData live paths (all
		// five streaming ones); its e2e dashboard subscribes to
		// plugin/testdata/random-20Hz-stream through -- Grafana --; both
		// are correct. radiantnode/tensies subscribes to stream/tensies/*
		// through -- Grafana --, also correct.
	}
	bundles, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	channels := 0
	got := map[string][]string{}
	for _, b := range bundles {
		if !b.IsDir() {
			continue
		}
		root := filepath.Join(dir, b.Name())
		m, err := discover.Load(context.Background(), discover.Options{WorkDir: root, Paths: []string{"."}})
		if err != nil {
			t.Fatalf("%s: %v", b.Name(), err)
		}
		for _, s := range m.Stacks {
			for _, d := range s.AllDashboards() {
				channels += len(d.Channels)
				for _, ch := range d.Channels {
					t.Logf("%s: stack %q: %s channel %q at %s", b.Name(), s.Name, ch.Source, ch.Value.V, ch.Value.Pos)
				}
			}
		}
		for _, f := range rules.Run(m, all, rules.Options{}).Findings {
			line := fmt.Sprintf("%s:%d:%d: %s: %s [%s]", f.Pos.File, f.Pos.Line, f.Pos.Col, f.Severity, f.Message, f.Rule)
			t.Logf("%s: %s", b.Name(), line)
			got[b.Name()] = append(got[b.Name()], line)
		}
	}
	if channels < 7 {
		t.Errorf("the corpus yielded %d channels, want at least the 7 written in it", channels)
	}
	var names []string
	for n := range got {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		if len(want[n]) != len(got[n]) {
			t.Errorf("%s: unexpected findings:\n%s", n, strings.Join(got[n], "\n"))
		}
	}
}
