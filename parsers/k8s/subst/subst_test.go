package subst

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestMaskKeepsLength(t *testing.T) {
	for in, want := range map[string]string{
		"{{ .Values.host }}":          "${ .Values.host _}",
		"http://{{ .Release.Name }}/": "http://${ .Release.Name _}/",
		"plain":                       "plain",
		"%{ if x }a%{ endif }":        "${ if x }a${ endif }",
		"a: 1\n%{ if x }\nb: 2\n":     "a: 1\n#{ if x }\nb: 2\n",
	} {
		got := MaskTerraform(MaskHelm(in))
		if got != want || len(got) != len(in) {
			t.Errorf("mask(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestEnvRefs(t *testing.T) {
	got := EnvRefs("a ${DS} $$ {x} $${ESC} ${V:=d} $bare $1", true)
	want := []Ref{
		{Start: 2, End: 7, Name: "DS", Braced: true},
		{Start: 23, End: 30, Name: "V", Default: "d", HasDefault: true, Braced: true},
		{Start: 31, End: 36, Name: "bare"},
	}
	if d := cmp.Diff(want, got); d != "" {
		t.Error(d)
	}
	if got := EnvRefs("$bare ${x:pipe}", false); len(got) != 1 || got[0].Name != "x" {
		t.Errorf("flux refs = %+v", got)
	}
}
