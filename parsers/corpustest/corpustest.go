// Package corpustest locates the corpora of third-party files that tests
// read by path: ../shared/corpus/<sub> beside the repository (never copied
// into it). A test that needs one skips when it is absent, except under
// CI=true, where its absence fails the test.
package corpustest

import (
	"os"
	"path/filepath"
	"runtime"
	"testing"
)

// Path returns the corpus folder sub ("real", "perf-seed") relative to the
// working directory when it exists; ok is false otherwise.
func Path(sub string) (dir string, ok bool) {
	_, self, _, ok := runtime.Caller(0)
	if !ok {
		return "", false
	}
	abs := filepath.Join(filepath.Dir(self), "..", "..", "..", "shared", "corpus", sub)
	if fi, err := os.Stat(abs); err != nil || !fi.IsDir() {
		return abs, false
	}
	if wd, err := os.Getwd(); err == nil {
		if rel, err := filepath.Rel(wd, abs); err == nil {
			return rel, true
		}
	}
	return abs, true
}

// Dir returns the corpus folder sub for tb, skipping tb when it is absent
// (failing it under CI=true).
func Dir(tb testing.TB, sub string) string {
	tb.Helper()
	dir, ok := Path(sub)
	if !ok {
		if os.Getenv("CI") == "true" {
			tb.Fatalf("corpus folder %s is missing (CI=true requires it)", dir)
		}
		tb.Skipf("corpus folder %s is missing", dir)
	}
	return dir
}
