package ini

import (
	"strings"
	"testing"

	goini "gopkg.in/ini.v1"

	"github.com/grafanalint/grafanalint/parsers/grafanaini"
	"github.com/grafanalint/grafanalint/parsers/model"
	"github.com/grafanalint/grafanalint/rules"
)

// TestQuoteFixAgainstGoIni checks the inline-comment fix against go-ini
// itself, at the version Grafana pins (go.mod): the fixed line, read with
// Grafana's options (ini.Load's defaults), must give the value go-ini
// reads from the original line when it cuts no comment
// (IgnoreInlineComment) — what the writer meant. Values whose cut may be a
// real comment get no fix.
func TestQuoteFixAgainstGoIni(t *testing.T) {
	tests := []struct {
		raw   string
		fixed bool
	}{
		{`"Grafana #ops"`, true},
		{`'alerts;ops@example.com'`, true},
		{`" padded #value "`, true},
		{`s3cr#t`, true},
		{`a;b;c`, true},
		{"pa`ss;word", true},
		{"x`tick#`", true},
		{`https://grafana.example.com/#/d/abc?orgId=1`, true},
		{`"quoted" "twice#"`, true},
		{`abc#"def`, true},
		{`Grüße#✓`, true},
		{`s3cr#t ;old`, false},       // a real comment may follow
		{`admin # change me`, false}, // after a space: maybe a comment
		{`3000;`, false},             // nothing after the cut
		{`a#b"""c` + "`", false},     // neither quote fits
	}
	for _, tt := range tests {
		for _, br := range []string{"\n", "\r\n"} {
			t.Run(tt.raw+strings.ReplaceAll(br, "\r", "CR"), func(t *testing.T) { quoteFixCase(t, tt.raw, br, tt.fixed) })
		}
	}
}

func quoteFixCase(t *testing.T, raw, br string, fixable bool) {
	src := "[smtp]" + br + "password = " + raw + br
	f, probs := grafanaini.Parse("grafana.ini", []byte(src))
	if len(probs) > 0 {
		t.Fatal(probs)
	}
	st := &model.Stack{Name: "t", Settings: grafanaini.Effective(f, nil), HasIni: true}
	var out []rules.Finding
	InlineComment.Check(rules.NewContext(&model.Model{Stacks: []*model.Stack{st}}, st, rules.CurrentGrafana, InlineComment, &out))
	if len(out) != 1 {
		t.Fatalf("%d findings, want 1", len(out))
	}
	fx := out[0].Fix
	if !fixable {
		if fx != nil {
			t.Errorf("fix offered: %+v", fx.Edits)
		}
		return
	}
	if fx == nil || len(fx.Edits) != 1 || !fx.Secret {
		t.Fatalf("want one secret edit, got %+v", fx)
	}
	e := fx.Edits[0]
	if e.Start.Line != 2 || e.End.Line != 2 || e.Old != raw {
		t.Fatalf("edit %+v does not replace the raw value", e)
	}
	line := "password = " + e.New
	fixed := "[smtp]" + br + line + br
	intended := load(t, src, goini.LoadOptions{IgnoreInlineComment: true})
	if got := load(t, fixed, goini.LoadOptions{}); got != intended {
		t.Errorf("go-ini reads %q from the fixed line %q, want %q", got, line, intended)
	}
	// grafanalint's parser agrees and sees no comment left.
	f2, _ := grafanaini.Parse("grafana.ini", []byte(fixed))
	k := f2.Sections[0].Keys[0]
	if k.Value.V != intended || k.Comment.IsSet() {
		t.Errorf("grafanaini reads %q (comment %q)", k.Value.V, k.Comment.V)
	}
}

func load(t *testing.T, src string, opts goini.LoadOptions) string {
	t.Helper()
	cfg, err := goini.LoadSources(opts, []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	return cfg.Section("smtp").Key("password").String()
}
