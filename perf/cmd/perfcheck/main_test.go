package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

func TestPathArgs(t *testing.T) {
	dir := t.TempDir()
	if err := os.MkdirAll(filepath.Join(dir, "tree"), 0o755); err != nil {
		t.Fatal(err)
	}
	got := pathArgs(dir, []string{"--format", "json", "--timing", "tree", "missing", "--fail-level=info"})
	if diff := cmp.Diff([]string{"tree"}, got); diff != "" {
		t.Errorf("paths (-want +got):\n%s", diff)
	}
}

func TestSummarize(t *testing.T) {
	for _, tc := range []struct {
		in   []float64
		want stats
	}{
		{[]float64{3, 1, 2}, stats{2, 1, 3}},
		{[]float64{4, 1, 2, 3}, stats{2.5, 1, 4}},
		{nil, stats{}},
	} {
		if got := summarize(tc.in); got != tc.want {
			t.Errorf("summarize(%v) = %+v, want %+v", tc.in, got, tc.want)
		}
	}
}

func TestReportRatiosPerPair(t *testing.T) {
	base := []sample{{wall: time.Second, cpu: time.Second, rssKiB: 1024}, {wall: 2 * time.Second, cpu: time.Second, rssKiB: 1024}}
	lint := []sample{{wall: 3 * time.Second, cpu: 2 * time.Second, rssKiB: 4096}, {wall: 4 * time.Second, cpu: 2 * time.Second, rssKiB: 2048}}
	var b strings.Builder
	report(&b, "floor", base, "grafanalint", lint)
	out := b.String()
	// Wall ratios are 3 and 2 per pair: median 2.5, min 2, max 3 (not the
	// ratio of the medians, 3.5/1.5).
	for _, want := range []string{"2 pairs", "ratio", "2.50×", "2.50× (2.00–3.00)"} {
		if !strings.Contains(out, want) {
			t.Errorf("report lacks %q:\n%s", want, out)
		}
	}
}
