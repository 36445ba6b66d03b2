package channel

import (
	"fmt"
	"strings"

	"github.com/grafanalint/grafanalint/parsers/model"
	"github.com/grafanalint/grafanalint/rules"
	"github.com/grafanalint/grafanalint/rules/fix"
)

// The certain channel fixes: text pasted around a channel that Grafana
// does not strip. Each is made only when the channel it leaves passes
// Grafana's channel parser (the grammar of the stack's Grafana version;
// also the pre-12 grammar when several stacks load the dashboard) and no
// other channel rule would then report it, and each edit names the text
// it removes, so a value written with JSON escapes (`plugin\/testdata`)
// is left alone by the fixer.

// parses reports whether id passes Grafana's channel parser for every
// stack that loads the dashboard of u.
func parses(c *rules.Context, u *use, id string) bool {
	if _, err := SyntaxFor(c.Version).Parse(id); err != nil {
		return false
	}
	if c.StacksReading(u.dash.File) > 1 {
		if _, err := Legacy.Parse(id); err != nil {
			return false
		}
	}
	return true
}

// testdataFix strips a pasted channel prefix off a TestData path that is
// a full channel ID of one of the streaming paths:
// "plugin/testdata/random-2s-stream" (or with a wire prefix,
// "1/plugin/testdata/random-2s-stream") becomes "random-2s-stream".
func testdataFix(c *rules.Context, u *use, inner string) *fix.Fix {
	rest, ok := strings.CutPrefix(inner, testdataPrefix)
	if !ok || !isTestdataStream(rest) || !parses(c, u, testdataPrefix+rest) {
		return nil
	}
	e, ok := fix.ReplaceStr(u.ch.Value, rest, fix.JSONString)
	if !ok {
		return nil
	}
	return &fix.Fix{Message: fmt.Sprintf("write the TestData path %q instead of the full channel ID %q", rest, u.ch.Value.V), Edits: []fix.Edit{e}}
}

// wirePrefixFix drops an org id or namespace the browser adds on the wire
// ("1/", "default/") from the front of a channel whose remainder is a
// channel of a known scope: in a measurements query the prefix is cut
// out; in a live panel the scope, namespace and path fields are
// re-split.
func wirePrefixFix(c *rules.Context, u *use) *fix.Fix {
	if len(u.vars) > 0 || len(u.undefined) > 0 {
		return nil
	}
	rest := u.id[len(u.scope)+1:]
	ch, err := SyntaxFor(c.Version).Parse(rest)
	if err != nil || !isScope(ch.Scope) || !parses(c, u, rest) {
		return nil
	}
	msg := fmt.Sprintf("drop the wire prefix %q: write %q", u.scope+"/", rest)
	switch u.ch.Source {
	case model.ChannelMeasurements:
		pos, end := u.spanPos(c, 0, len(u.scope)+1)
		e := fix.Edit{Op: fix.Replace, Start: pos, End: end, Old: u.id[:len(u.scope)+1], Encoding: fix.JSONString}
		if !pos.IsValid() || !end.IsValid() {
			return nil
		}
		return &fix.Fix{Message: msg, Edits: []fix.Edit{e}}
	case model.ChannelLivePanel:
		return partsFix(u, [3]string{ch.Scope, ch.Namespace, ch.Path}, msg)
	}
	return nil
}

// partsFix writes the three fields of a live panel's channel.
func partsFix(u *use, parts [3]string, msg string) *fix.Fix {
	if len(u.ch.Parts) != 3 {
		return nil
	}
	var edits []fix.Edit
	for i, p := range u.ch.Parts {
		if p.V == parts[i] {
			continue
		}
		e, ok := fix.ReplaceStr(p, parts[i], fix.JSONString)
		if !ok {
			return nil
		}
		edits = append(edits, e)
	}
	if len(edits) == 0 {
		return nil
	}
	return &fix.Fix{Message: msg, Edits: edits}
}

// spacesFix removes the spaces around a TestData path or the parts of a
// live panel's channel, which Grafana does not trim, when what is left is
// a channel nothing else reports: a streaming TestData path, or a live
// panel channel of a known scope.
func spacesFix(c *rules.Context, u *use) *fix.Fix {
	switch u.ch.Source {
	case model.ChannelTestData:
		path := strings.TrimFunc(u.ch.Value.V, isJSSpace)
		if !isTestdataStream(path) || !parses(c, u, testdataPrefix+path) {
			return nil
		}
		e, ok := fix.ReplaceStr(u.ch.Value, path, fix.JSONString)
		if !ok {
			return nil
		}
		return &fix.Fix{Message: fmt.Sprintf("remove the spaces around the TestData path %q", path), Edits: []fix.Edit{e}}
	case model.ChannelLivePanel:
		if len(u.ch.Parts) != 3 {
			return nil
		}
		var parts [3]string
		for i, p := range u.ch.Parts {
			parts[i] = strings.TrimFunc(p.V, isJSSpace)
		}
		id := parts[0] + "/" + parts[1] + "/" + parts[2]
		if !isScope(parts[0]) || strings.Contains(id, "$") || !parses(c, u, id) {
			return nil
		}
		return partsFix(u, parts, fmt.Sprintf("remove the spaces around the parts of the live panel channel %q", id))
	}
	return nil
}
