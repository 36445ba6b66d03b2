package grafanaini

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/grafanalint/grafanalint/parsers/model"
)

func epos(line, col int) model.Pos { return model.Pos{File: ".env", Line: line, Col: col} }

func TestParseEnvFile(t *testing.T) {
	src := "\uFEFF# comment\n" +
		"GF_A=plain value   \n" +
		"  export GF_B = 'single # kept \\n'\n" +
		"GF_C=\"double \\\"q\\\" \\n line\\$\" # trailing comment\n" +
		"GF_D=cut#here\n" +
		"\n" +
		"GF_E: yaml style\r\n" +
		"INHERITED\n" +
		"GF_F=\"multi\nline\"\n" +
		"GF_G=\n" +
		"GF_H=${HOST:-localhost}:3000\n" +
		"GF_Ü=é"
	got, probs := ParseEnvFile(".env", []byte(src))
	if len(probs) != 0 {
		t.Fatal(probs)
	}
	want := []model.EnvVar{
		{Name: "GF_A", Value: "plain value", Pos: epos(2, 1), ValuePos: epos(2, 6)},
		{Name: "GF_B", Value: `single # kept \n`, Pos: epos(3, 10), ValuePos: epos(3, 18)},
		{Name: "GF_C", Value: "double \"q\" \n line\\$", Pos: epos(4, 1), ValuePos: epos(4, 7)},
		{Name: "GF_D", Value: "cut", Pos: epos(5, 1), ValuePos: epos(5, 6)},
		{Name: "GF_E", Value: "yaml style", Pos: epos(7, 1), ValuePos: epos(7, 7)},
		{Name: "GF_F", Value: "multi\nline", Pos: epos(9, 1), ValuePos: epos(9, 7)},
		{Name: "GF_G", Value: "", Pos: epos(11, 1), ValuePos: epos(11, 6)},
		{Name: "GF_H", Value: "${HOST:-localhost}:3000", Pos: epos(12, 1), ValuePos: epos(12, 6)},
		{Name: "GF_Ü", Value: "é", Pos: epos(13, 1), ValuePos: epos(13, 6)},
	}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("(-want +got):\n%s", d)
	}
}

func TestParseEnvFileProblems(t *testing.T) {
	tests := []struct {
		name, src string
		want      model.Problem
		vars      int
	}{
		{"bad character", "GF_A=1\nGF-B=2\n", model.Problem{Pos: epos(2, 3), End: epos(2, 4),
			Message: `unexpected character '-' in variable name: expected letters, digits, "_" or "." followed by "="`}, 1},
		{"blank in name", "MY KEY=1\n", model.Problem{Pos: epos(1, 1), End: epos(1, 7),
			Message: `variable name contains a blank: expected NAME=value`}, 0},
		{"unterminated quote", "A=\"never closed\n", model.Problem{Pos: epos(1, 3), End: epos(1, 16),
			Message: `unterminated quoted value: expected a closing "`}, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			vars, probs := ParseEnvFile(".env", []byte(tt.src))
			tt.want.Kind = model.ProblemSyntax
			if d := cmp.Diff([]model.Problem{tt.want}, probs); d != "" {
				t.Errorf("(-want +got):\n%s", d)
			}
			if len(vars) != tt.vars {
				t.Errorf("%d variables kept, want %d", len(vars), tt.vars)
			}
		})
	}
}

// TestParseEnvFileCorpus reads the env files of the corpus and layers them.
func TestParseEnvFileCorpus(t *testing.T) {
	dir := corpusDir(t)
	tests := []struct {
		path string
		want map[string]string // setting → effective value
	}{
		{"vegasbrianc__prometheus/grafana/config.monitoring", map[string]string{
			"security.admin_password": "foobar", "users.allow_sign_up": "false"}},
		{"enflo__docker-prometheus-stack/grafana/config.monitoring", map[string]string{
			"security.admin_password": "foobar", "users.allow_sign_up": "false"}},
		{"21km43__Anemometer/grafana/.env", map[string]string{
			"server.root_url":            "http://${MY_HOST:-localhost}:${HTTP_PORT:-80}/grafana/",
			"server.http_port":           "3000",
			"server.serve_from_sub_path": "true"}},
	}
	for _, tt := range tests {
		src, err := os.ReadFile(filepath.Join(dir, filepath.FromSlash(tt.path)))
		if err != nil {
			t.Fatal(err)
		}
		vars, probs := ParseEnvFile(tt.path, src)
		if len(probs) != 0 {
			t.Fatalf("%s: %v", tt.path, probs)
		}
		st := Effective(nil, vars)
		got := map[string]string{}
		for _, e := range st.Env {
			if e.Matched != "" {
				got[e.Matched] = st.Value(splitSetting(e.Matched))
			}
		}
		if d := cmp.Diff(tt.want, got); d != "" {
			t.Errorf("%s (-want +got):\n%s", tt.path, d)
		}
	}
	// The commented-out GF_LOG_LEVEL of the Anemometer file is no variable,
	// GF_INSTALL_PLUGINS (read by the Docker image, not grafana.ini) matches
	// no key, and root_url is known only at deploy time.
	src, _ := os.ReadFile(filepath.Join(dir, "21km43__Anemometer", "grafana", ".env"))
	vars, _ := ParseEnvFile(".env", src)
	st := Effective(nil, vars)
	for _, e := range st.Env {
		if e.Name == "GF_LOG_LEVEL" || (e.Name == "GF_INSTALL_PLUGINS" && e.Matched != "") {
			t.Errorf("unexpected %+v", e)
		}
	}
	if s := st.Get("server", "root_url"); !s.Dynamic || s.Source.Pos != (model.Pos{File: ".env", Line: 1, Col: 20}) {
		t.Errorf("root_url = %+v", s)
	}
}

// splitSetting splits "section.key" as Matched writes it (sections here
// have no dots).
func splitSetting(s string) (string, string) {
	for i := len(s) - 1; i >= 0; i-- {
		if s[i] == '.' {
			return s[:i], s[i+1:]
		}
	}
	return "", s
}

func FuzzParseEnvFile(f *testing.F) {
	for _, s := range []string{"A=1\n", "export B='x'\n", "C=\"a\\nb\"\n", "#c\nD: e # f\n", "E\n", "F=\"open", "G-H=1"} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, src []byte) {
		if len(src) >= 2 && (src[0] == 0xFE || src[0] == 0xFF) {
			return // lineIndex skips UTF-16 marks as go-ini does; env files do not
		}
		vars, probs := ParseEnvFile(".env", src)
		if len(probs) > 1 {
			t.Fatalf("%d problems", len(probs))
		}
		ix := newLineIndex(src)
		for _, v := range vars {
			if ix.offset(v.Pos) < 0 || ix.offset(v.ValuePos) < 0 {
				t.Fatalf("%+v positioned outside the file", v)
			}
		}
		Effective(nil, vars)
	})
}
