package dashboard

import (
	"strconv"
	"strings"
	"testing"
)

// TestStrCache checks that the cache returns every text as it is, also
// when strings evict each other, that a text met before costs no
// allocation, and that long texts are not kept.
func TestStrCache(t *testing.T) {
	c := new(strCache)
	for round := range 2 {
		for i := range 3 * cacheSlots {
			want := "/panels/" + strconv.Itoa(i) + "/targets/0/datasource"
			if got := c.bytes([]byte(want)); got != want {
				t.Fatalf("round %d: got %q, want %q", round, got, want)
			}
		}
	}
	if got := c.bytes(nil); got != "" {
		t.Errorf("empty: got %q", got)
	}
	short := []byte("prometheus")
	c.bytes(short)
	if n := testing.AllocsPerRun(100, func() { c.bytes(short) }); n != 0 {
		t.Errorf("a cached text allocates %v times", n)
	}
	long := []byte(strings.Repeat("x", maxCached+1))
	c.bytes(long)
	if n := testing.AllocsPerRun(100, func() { c.bytes(long) }); n != 1 {
		t.Errorf("a long text allocates %v times, want 1 (not kept)", n)
	}
}
