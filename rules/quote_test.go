package rules

import (
	"fmt"
	"strings"
	"testing"

	"github.com/grafanalint/grafanalint/parsers/model"
)

func TestQuote(t *testing.T) {
	if got := Quote("root_url"); got != `"root_url"` {
		t.Errorf("short value: %s", got)
	}
	long := strings.Repeat("k", 10<<20)
	got := Quote(long)
	if want := `"` + strings.Repeat("k", quoteKeep) + `…" (10485760 bytes)`; got != want {
		t.Errorf("long value: %.100s", got)
	}
}

// TestReportShortensQuotedValues: a rule that quotes a 10 MB value with
// %q reports a message of a few hundred bytes, and Entity and Key stay
// short and distinct.
func TestReportShortensQuotedValues(t *testing.T) {
	long := strings.Repeat("k", 10<<20)
	var out []Finding
	c := NewContext(nil, nil, CurrentGrafana, &Rule{ID: "x/y", Severity: Warning}, &out)
	c.Report(Finding{Pos: model.Pos{File: "grafana.ini", Line: 2, Col: 1},
		Message: fmt.Sprintf("[server] has no key %q: did you mean %q?", long, "root_url"),
		Related: []Related{{Message: fmt.Sprintf("key %q", long+"x")}},
		Entity:  "ini:server." + long, Key: "ini:server." + long})
	c.Report(Finding{Entity: "ini:server." + long + "2", Key: "ini:server." + long + "2"})
	f := out[0]
	want := `[server] has no key "` + strings.Repeat("k", quoteKeep) + `…" (10485760 bytes): did you mean "root_url"?`
	if f.Message != want {
		t.Errorf("message = %.200s", f.Message)
	}
	if len(f.Related[0].Message) > 200 || len(f.Entity) > maxKey || len(f.Key) > maxKey {
		t.Errorf("related, entity or key not shortened: %d %d %d bytes", len(f.Related[0].Message), len(f.Entity), len(f.Key))
	}
	if out[1].Entity == f.Entity || out[1].Key == f.Key {
		t.Error("two long keys that differ must stay distinct")
	}
}
