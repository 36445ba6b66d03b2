package datasource

import (
	"fmt"

	"github.com/grafanalint/grafanalint/parsers/model"
	"github.com/grafanalint/grafanalint/rules"
	"github.com/grafanalint/grafanalint/rules/fix"
)

// fileOf returns the provisioning file of the stack that holds ds.
func fileOf(st *model.Stack, ds *model.Datasource) *model.DatasourceFile {
	for _, f := range st.DatasourceFiles {
		if f.Path == ds.File {
			return f
		}
	}
	return nil
}

// pinFix returns the edits that pin ds's derived UID in its provisioning
// entry, nil when ds's UID is written in the file (nothing to pin) and ok
// false when a derived UID cannot be pinned with certainty.
func pinFix(st *model.Stack, ds *model.Datasource) (edits []fix.Edit, ok bool) {
	if !ds.UIDDerived {
		return nil, !ds.UIDDynamic
	}
	edits, why := fix.PinUID(fileOf(st, ds), ds, ds.UID.V)
	return edits, why == ""
}

// uidRefFix replaces a reference value that names ds by its name with ds's
// UID: in a dashboard (JSON) or a datasource link (YAML). When ds's UID is
// derived from its name, the fix also pins it in the provisioning entry,
// so the reference does not come to depend on the name after all. A file
// several stacks read gets no fix: the name may stand for another
// datasource in another stack.
func uidRefFix(c *rules.Context, value model.Str, enc fix.Encoding, ds *model.Datasource) *fix.Fix {
	if ds == nil || ds.UIDDynamic || ds.UID.V == "" || value.V == ds.UID.V || c.StacksReading(value.Pos.File) > 1 {
		return nil
	}
	e, ok := fix.ReplaceStr(value, ds.UID.V, enc)
	if !ok {
		return nil
	}
	pin, ok := pinFix(c.Stack, ds)
	if !ok {
		return nil
	}
	msg := fmt.Sprintf("reference datasource %q by its UID %q", ds.Name.V, ds.UID.V)
	if len(pin) > 0 {
		msg += fmt.Sprintf(" and pin uid: %s in %s", ds.UID.V, base(ds.File))
	}
	return &fix.Fix{Message: msg, Edits: append([]fix.Edit{e}, pin...)}
}

// derivedFix pins the derived UID of ds in its provisioning entry.
func derivedFix(c *rules.Context, ds *model.Datasource) *fix.Fix {
	pin, ok := pinFix(c.Stack, ds)
	if !ok || len(pin) == 0 {
		return nil
	}
	return &fix.Fix{Message: fmt.Sprintf("pin uid: %s on datasource %q in %s", ds.UID.V, ds.Name.V, base(ds.File)), Edits: pin}
}
