package report

import (
	"bytes"
	"errors"
	"fmt"
	"testing"
)

// TestEncodeBatchesInOrder: batches encoded on several goroutines are
// written in order, for every length around the batch size.
func TestEncodeBatchesInOrder(t *testing.T) {
	encode := func(from, to int, dst []byte) ([]byte, error) {
		for i := from; i < to; i++ {
			dst = fmt.Appendf(dst, "%d,", i)
		}
		return dst, nil
	}
	for _, n := range []int{0, 1, jsonBatch - 1, jsonBatch, jsonBatch + 1, 7*jsonBatch + 3} {
		var want bytes.Buffer
		for i := range n {
			fmt.Fprintf(&want, "%d,", i)
		}
		var got bytes.Buffer
		if err := encodeBatches(n, encode, &got); err != nil {
			t.Fatal(err)
		}
		if got.String() != want.String() {
			t.Errorf("n=%d: batches written out of order", n)
		}
	}
}

type failingWriter struct{ n int }

func (w *failingWriter) Write(p []byte) (int, error) {
	if w.n--; w.n < 0 {
		return 0, errors.New("disk full")
	}
	return len(p), nil
}

// TestEncodeBatchesErrors: an encoding or writing error ends the output
// with that error.
func TestEncodeBatchesErrors(t *testing.T) {
	boom := errors.New("boom")
	encode := func(from, to int, dst []byte) ([]byte, error) {
		if from >= 3*jsonBatch {
			return dst, boom
		}
		return append(dst, 'x'), nil
	}
	if err := encodeBatches(10*jsonBatch, encode, &bytes.Buffer{}); !errors.Is(err, boom) {
		t.Errorf("encoding error: got %v", err)
	}
	ok := func(from, to int, dst []byte) ([]byte, error) { return append(dst, 'x'), nil }
	if err := encodeBatches(10*jsonBatch, ok, &failingWriter{n: 2}); err == nil || err.Error() != "disk full" {
		t.Errorf("writing error: got %v", err)
	}
}
