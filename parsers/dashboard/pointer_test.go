package dashboard

import (
	"fmt"
	"testing"
)

// Every JSON pointer the reader builds in the tests is checked against
// the decoder's own StackPointer, the reference the reader's path mirrors.
func init() {
	checkPointer = func(r *reader, ptr string) {
		if want := string(r.dec.StackPointer()); ptr != want {
			panic(fmt.Sprintf("pointer %q, the decoder says %q", ptr, want))
		}
	}
}

// TestPointers checks pointers whose member names need unquoting or
// escaping (RFC 6901's "~0" and "~1", invalid UTF-8 replaced), in v2
// element names, library element keys and the API wrapper.
func TestPointers(t *testing.T) {
	src := `{"dashboard": {"elements": {` +
		`"a/b~c": {"spec": {"data": {"spec": {"queries": [{"spec": {"datasource": {"name": "x"}}}]}}}},` +
		`"\u00e9\/\"q": {"spec": {"vizConfig": {"kind": "live", "spec": {"options": {"channel": {"scope": "grafana"}}}}}},` +
		"\"bad\xff\xfeutf8\": {\"spec\": {\"data\": {\"spec\": {\"queries\": [{\"kind\": \"PanelQuery\"}, {\"spec\": {\"datasource\": \"n\"}}]}}}}" +
		`},` +
		`"__elements": {"lib~/uid": {"model": {"datasource": null, "targets": [{"datasource": "t"}]}}}` +
		`}}`
	d, probs := Parse("p.json", []byte(src))
	if len(probs) > 0 {
		t.Fatalf("problems: %v", probs)
	}
	var got []string
	for _, r := range d.Refs {
		got = append(got, r.Pointer)
	}
	for _, c := range d.Channels {
		got = append(got, c.Pointer)
	}
	for _, p := range d.Panels {
		got = append(got, p.Pointer)
		for _, q := range p.Queries {
			got = append(got, q.Pointer)
		}
	}
	want := []string{
		"/dashboard/elements/a~1b~0c/spec/data/spec/queries/0/spec/datasource",
		"/dashboard/elements/bad\uFFFD\uFFFDutf8/spec/data/spec/queries/1/spec/datasource",
		"/dashboard/__elements/lib~0~1uid/model/datasource",
		"/dashboard/__elements/lib~0~1uid/model/targets/0/datasource",
		"/dashboard/elements/é~1\"q/spec/vizConfig/spec/options/channel",
		"/dashboard/elements/a~1b~0c/spec",
		"/dashboard/elements/a~1b~0c/spec/data/spec/queries/0",
		"/dashboard/elements/é~1\"q/spec",
		"/dashboard/elements/bad\uFFFD\uFFFDutf8/spec",
		"/dashboard/elements/bad\uFFFD\uFFFDutf8/spec/data/spec/queries/1",
		"/dashboard/__elements/lib~0~1uid/model",
		"/dashboard/__elements/lib~0~1uid/model/targets/0",
	}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("pointers\n got %q\nwant %q", got, want)
	}
}
