package compose

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// testVars: SET=value, EMPTY="", UNKNOWN defined with an unknown value
// (a .env line naming it alone); ABSENT is not defined anywhere.
func testVars() *Vars {
	v := NewVars(nil)
	v.Set("SET", "value")
	v.Set("EMPTY", "")
	v.Set("lower", "low")
	v.SetUnknown("UNKNOWN")
	return v
}

// TestInterpolate follows the compose specification's interpolation
// section: each case is what compose passes on, or unknown.
func TestInterpolate(t *testing.T) {
	tests := []struct {
		in    string
		want  string
		known bool
	}{
		{"plain", "plain", true},
		{"$SET/${SET}", "value/value", true},
		{"${lower}", "low", true},
		{"$$SET", "$SET", true},
		{"$${SET}", "${SET}", true},
		{"100$", "100$", true},
		{"a$-b $1", "a$-b $1", true},
		// Absent variables: a default applies, anything else is unknown.
		{"${ABSENT:-d}", "d", true},
		{"${ABSENT-d}", "d", true},
		{"x${ABSENT}y", "x${ABSENT}y", false},
		{"$ABSENT/x", "${ABSENT}/x", false},
		{"${ABSENT:?need it}", "${ABSENT:?need it}", false},
		{"${ABSENT?need it}", "${ABSENT?need it}", false},
		{"${ABSENT:+alt}", "${ABSENT:+alt}", false},
		{"${ABSENT+alt}", "${ABSENT+alt}", false},
		// Empty: ":" operators treat it as unset.
		{"${EMPTY:-d}", "d", true},
		{"${EMPTY-d}", "", true},
		{"${EMPTY:+alt}", "", true},
		{"${EMPTY+alt}", "alt", true},
		{"${EMPTY:?e}", "${EMPTY:?e}", false},
		{"${EMPTY?e}", "", true},
		// Set.
		{"${SET:-d}", "value", true},
		{"${SET-d}", "value", true},
		{"${SET:+alt}", "alt", true},
		{"${SET+alt}", "alt", true},
		{"${SET:?e}", "value", true},
		// Unknown values stay unknown whatever the operator.
		{"${UNKNOWN:-d}", "${UNKNOWN:-d}", false},
		{"${UNKNOWN:+alt}", "${UNKNOWN:+alt}", false},
		// Nesting and the first balanced brace.
		{"${ABSENT:-${SET}}", "value", true},
		{"${ABSENT:-${ALSO_ABSENT:-deep}}/x", "deep/x", true},
		{"${ABSENT:-$SET}", "value", true},
		{"${ABSENT:-${OTHER}}", "${OTHER}", false},
		{"${SET:-${OTHER}}", "value", true},
		{"${ABSENT:-a}-${SET}", "a-value", true},
		{"${ABSENT:-{x}", "{x", true},
		{"http://${HOST:-localhost}:${PORT:-3000}/", "http://localhost:3000/", true},
		{"grafana/grafana:${TAG:-11.0.0}", "grafana/grafana:11.0.0", true},
		{"${REGISTRY}/grafana/grafana:${TAG}", "${REGISTRY}/grafana/grafana:${TAG}", false},
	}
	for _, tt := range tests {
		got := Interpolate(tt.in, testVars())
		if got.V != tt.want || got.Known != tt.known || got.Err != "" {
			t.Errorf("Interpolate(%q) = %q known=%v err=%q, want %q known=%v", tt.in, got.V, got.Known, got.Err, tt.want, tt.known)
		}
	}
}

// TestInterpolateInvalid: templates compose refuses ("Invalid template").
func TestInterpolateInvalid(t *testing.T) {
	for _, in := range []string{"${}", "${1A}", "${A B}", "${A:x}", "${A:-x", "a ${A", "${A:-x\n}"} {
		got := Interpolate(in, testVars())
		if got.Err == "" || got.Known {
			t.Errorf("Interpolate(%q) = %+v, want an error and unknown", in, got)
		}
	}
}

// TestInterpolateBounded: nesting and growth are bounded.
func TestInterpolateBounded(t *testing.T) {
	deep := strings.Repeat("${A:-", 200) + "x" + strings.Repeat("}", 200)
	if got := Interpolate(deep, nil); got.Known || !strings.Contains(got.Err, "nests") {
		t.Errorf("deep nesting: %+v", got)
	}
	v := NewVars(nil)
	v.Set("BIG", strings.Repeat("x", 40<<10))
	if got := Interpolate("$BIG$BIG", v); got.Known || !strings.Contains(got.Err, "grows beyond") {
		t.Errorf("growth: known=%v err=%q len=%d", got.Known, got.Err, len(got.V))
	}
}

// TestParseEnvFile follows compose-go's dotenv parser (compose
// specification, "Env_file format").
func TestParseEnvFile(t *testing.T) {
	src := "# comment\n" +
		"export A=1\n" +
		"B = two # comment\n" +
		"C=x# not a comment\n" +
		"D='single $A \\n'\n" +
		"E=\"double $A \\t \\\"q\\\" \\$A\"\n" +
		"F: yaml style\n" +
		"G=${A}-${H:-def}-$UNSET\n" +
		"INHERITED\n" +
		"dotted.name-x[0]=ok\n" +
		"M=\"multi\nline\"\n" +
		"N=${SHELLVAR}\n" +
		"EMPTY=\n"
	lookup := NewVars(nil)
	lookup.Set("SHELLVAR", "from-lookup")
	lookup.Set("INHERITED", "inh")
	lookup.Set("A", "shadowed") // the caller's variables win over the file's
	vars, probs := ParseEnvFile("x.env", []byte(src), "", lookup, nil)
	if len(probs) != 0 {
		t.Fatalf("problems: %+v", probs)
	}
	var got []string
	for _, v := range vars {
		k := "?"
		if v.Known {
			k = "="
		}
		got = append(got, v.Name+k+v.Value+" @"+v.Pos.String()+" "+v.ValuePos.String())
	}
	want := []string{
		"A=1 @x.env:2:8 x.env:2:10",
		"B=two @x.env:3:1 x.env:3:5",
		"C=x# not a comment @x.env:4:1 x.env:4:3",
		`D=single $A \n @x.env:5:1 x.env:5:4`,
		"E=double shadowed \t \"q\" $A @x.env:6:1 x.env:6:4",
		"F=yaml style @x.env:7:1 x.env:7:4",
		"G?shadowed-def-${UNSET} @x.env:8:1 x.env:8:3",
		"INHERITED=inh @x.env:9:1 :0:0",
		"dotted.name-x[0]=ok @x.env:10:1 x.env:10:18",
		"M=multi\nline @x.env:11:1 x.env:11:4",
		"N=from-lookup @x.env:13:1 x.env:13:3",
		"EMPTY= @x.env:14:1 x.env:14:7",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("vars (-want +got):\n%s", diff)
	}
}

// TestParseEnvFilePrior: variables of env files read before are visible
// for interpolation, after the caller's.
func TestParseEnvFilePrior(t *testing.T) {
	prior := NewVars(nil)
	prior.Set("BASE", "http://grafana")
	vars, _ := ParseEnvFile("b.env", []byte("URL=${BASE}:3000/\n"), "", nil, prior)
	if len(vars) != 1 || vars[0].Value != "http://grafana:3000/" || !vars[0].Known {
		t.Errorf("vars = %+v", vars)
	}
}

func TestParseEnvFileErrors(t *testing.T) {
	tests := map[string]string{
		"A B=1\n":         "x.env:1:1",
		"A=1\nB$=2\n":     "x.env:2:2",
		"A=\"open\nB=2\n": "x.env:1:3",
		"ok=1\n-x=${\n":   "x.env:2:4",
	}
	for src, at := range tests {
		_, probs := ParseEnvFile("x.env", []byte(src), "", nil, nil)
		if len(probs) == 0 || probs[0].Pos.String() != at {
			t.Errorf("%q: problems %+v, want one at %s", src, probs, at)
		}
	}
}

func TestParseEnvFileRaw(t *testing.T) {
	vars, probs := ParseEnvFile("r.env", []byte("# c\nA=\"quoted\" $B # kept\n  C=x\nINH\n"), EnvFormatRaw, nil, nil)
	if len(probs) != 0 || len(vars) != 2 || vars[0].Value != `"quoted" $B # kept` || vars[1].Name != "C" || vars[1].Pos.String() != "r.env:3:3" {
		t.Errorf("raw: %+v %+v", vars, probs)
	}
}
