package query

import (
	"context"
	"testing"

	"github.com/grafanalint/grafanalint/parsers/corpustest"
	"github.com/grafanalint/grafanalint/parsers/discover"
	"github.com/grafanalint/grafanalint/rules"
)

// TestParsedOnlyWhenEnabled: with every query and convention rule off no
// query is parsed; with the defaults they are.
func TestParsedOnlyWhenEnabled(t *testing.T) {
	dir := corpustest.Dir(t, "perf-seed")
	m, err := discover.Load(context.Background(), discover.Options{Paths: []string{dir}})
	if err != nil {
		t.Fatal(err)
	}
	before := parses.Load()
	rules.Run(m, Rules(), rules.Options{Levels: map[string]rules.Severity{"query": rules.Off, "convention": rules.Off}})
	if n := parses.Load() - before; n != 0 {
		t.Errorf("%d queries parsed with the query rules off", n)
	}
	rules.Run(m, Rules(), rules.Options{})
	if n := parses.Load() - before; n < 1000 {
		t.Errorf("only %d queries parsed with the query rules on", n)
	}
}
