package fixer

import (
	"testing"

	"github.com/grafanalint/grafanalint/parsers/model"
	"github.com/grafanalint/grafanalint/rules/fix"
)

// FuzzResolve: any text, position and edit resolves to a span inside the
// text or to an error, never a panic; a Replace span holds Old.
func FuzzResolve(f *testing.F) {
	f.Add("a: b\r\nc: d", 2, 4, 2, 5, "d", "x", 0, 0)
	f.Add("\ufeff[s]\nk = v # c", 2, 5, 2, 6, "v", "`v`", 1, 1)
	f.Add("x\u2028y\u0085z\rw", 3, 1, 3, 2, "z", "q", 2, 2)
	kinds := []model.Kind{model.KindDatasources, model.KindIni, model.KindDashboard, model.KindNginx}
	f.Fuzz(func(t *testing.T, src string, l1, c1, l2, c2 int, old, new string, op, kind int) {
		k := kinds[uint(kind)%uint(len(kinds))]
		tx := newText(k, []byte(src))
		e := fix.Edit{Op: fix.Op(uint(op) % 3), Start: model.Pos{Line: l1, Col: c1}, End: model.Pos{Line: l2, Col: c2},
			Old: old, New: new, Encoding: fix.Encoding(uint(op/3) % 3), Indent: model.Pos{Line: l2, Col: c2}}
		sp, err := tx.resolve(e)
		if err != nil {
			return
		}
		if sp.start < 0 || sp.end > len(src) || sp.start > sp.end {
			t.Fatalf("span %d-%d outside %d bytes", sp.start, sp.end, len(src))
		}
		if e.Op == fix.Replace && src[sp.start:sp.end] != old {
			t.Fatalf("span holds %q, not %q", src[sp.start:sp.end], old)
		}
	})
}
