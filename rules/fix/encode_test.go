package fix

import "testing"

func TestEncodeJSONString(t *testing.T) {
	tests := []struct{ in, want string }{
		{"prometheus", "prometheus"},
		{"", ""},
		{"Prométheus ünïcode", "Prométheus ünïcode"},
		{"<a&b>", "<a&b>"},
		{`say "hi"`, `say \"hi\"`},
		{`a\b`, `a\\b`},
		{"a\nb\r\tc", `a\nb\r\tc`},
		{"bell\x07", `bell\u0007`},
		{"del\x7f", `del\u007f`},
		{"line\u2028sep\u2029", `line\u2028sep\u2029`},
		{"bad\xffbyte", `bad\ufffdbyte`},
		{"\ufffd kept", "\ufffd kept"},
	}
	for _, tc := range tests {
		got, ok := Encode(JSONString, tc.in, '"')
		if !ok || got != tc.want {
			t.Errorf("Encode(JSONString, %q) = %q, %v; want %q, true", tc.in, got, ok, tc.want)
		}
		if got, _ := Encode(YAMLScalar, tc.in, '"'); got != tc.want {
			t.Errorf("Encode(YAMLScalar, %q) after '\"' = %q; want %q", tc.in, got, tc.want)
		}
	}
}

func TestEncodeJSONStringKeepsPlainValue(t *testing.T) {
	in := "a-plain-uid_0123456789"
	if n := testing.AllocsPerRun(100, func() { _, _ = Encode(JSONString, in, '"') }); n != 0 {
		t.Errorf("Encode of a value that needs no escaping allocates %v times, want 0", n)
	}
}
