package dashboard

import (
	"strings"
	"testing"
)

// TestErrorsInSkippedValues checks that a syntax error inside a value the
// walk skips (read whole by the decoder, which words some errors
// otherwise) is reported as the walk token by token reports it.
func TestErrorsInSkippedValues(t *testing.T) {
	for _, tc := range []struct {
		src  string
		col  int
		want string
	}{
		{`{"x": {"a": 1,}}`, 14, `trailing comma before '}': JSON allows no comma after the last element; remove it (in "/x")`},
		{`{"x": [1, 2,], "panels": []}`, 12, `trailing comma before ']': JSON allows no comma after the last element; remove it (in "/x")`},
		{`{"panels": [{"gridPos": {"x": 1,}}]}`, 32, `trailing comma before '}'`},
		{`{"panels": [{"options": {"a": [1, {"b": 2,}]}}]}`, 42, `(in "/panels/0/options/a/1")`},
	} {
		d, probs := Parse("x.json", []byte(tc.src))
		if len(probs) != 1 {
			t.Errorf("%s: problems %v", tc.src, probs)
			continue
		}
		p := probs[0]
		if !strings.Contains(p.Message, tc.want) || p.Pos.Line != 1 || p.Pos.Col != tc.col {
			t.Errorf("%s: got %q at %d:%d, want %q at 1:%d", tc.src, p.Message, p.Pos.Line, p.Pos.Col, tc.want, tc.col)
		}
		if len(d.Refs)+len(d.Panels) > 0 {
			t.Errorf("%s: a broken file yields a dashboard", tc.src)
		}
	}
}
