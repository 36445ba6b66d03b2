package grafanaini

import (
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/grafanalint/grafanalint/parsers/model"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

// golden is what the golden files record for one fixture.
type golden struct {
	File     *model.IniFile  `json:"file"`
	Problems []model.Problem `json:"problems,omitempty"`
	// Env is the fixture's .env file, values included (test data only).
	Env         []goldenEnv     `json:"env,omitempty"`
	EnvProblems []model.Problem `json:"envProblems,omitempty"`
	// Settings lists the effective settings that differ from a plain
	// default: from the file or the environment, dynamic, or unresolved.
	Settings []*model.Setting `json:"settings"`
	// Matched maps each GF_* variable to what it matched after Effective.
	Matched map[string]string `json:"matched,omitempty"`
}

type goldenEnv struct {
	Name     string    `json:"name"`
	Value    string    `json:"value"`
	Pos      model.Pos `json:"pos"`
	ValuePos model.Pos `json:"valuePos"`
}

func buildGolden(t *testing.T, iniPath string) golden {
	t.Helper()
	src, err := os.ReadFile(iniPath)
	if err != nil {
		t.Fatal(err)
	}
	if d := disagreement(src); d != "" {
		t.Errorf("Parse disagrees with ini.v1: %s", d)
	}
	rel := filepath.ToSlash(iniPath)
	file, probs := Parse(rel, src)
	checkPositions(t, src, file)
	g := golden{File: file, Problems: probs}

	var env []model.EnvVar
	envPath := strings.TrimSuffix(iniPath, ".ini") + ".env"
	if b, err := os.ReadFile(envPath); err == nil {
		env, g.EnvProblems = ParseEnvFile(filepath.ToSlash(envPath), b)
		for _, e := range env {
			g.Env = append(g.Env, goldenEnv{e.Name, e.Value, e.Pos, e.ValuePos})
		}
	}
	st := Effective(file, env)
	for _, sec := range st.Sections {
		for _, s := range sec {
			if s.Source.Kind != model.SourceDefault || s.Dynamic || len(s.Unresolved) > 0 || len(s.Overridden) > 0 {
				g.Settings = append(g.Settings, s)
			}
		}
	}
	slices.SortFunc(g.Settings, func(a, b *model.Setting) int {
		if c := strings.Compare(a.Section, b.Section); c != 0 {
			return c
		}
		return strings.Compare(a.Key, b.Key)
	})
	for _, e := range st.Env {
		if g.Matched == nil {
			g.Matched = map[string]string{}
		}
		g.Matched[e.Name] = e.Matched
	}
	return g
}

// TestGolden parses every testdata/*.ini (with testdata/<name>.env as the
// environment when present) and compares Parse and Effective with
// testdata/<name>.golden.json. Run with -update to rewrite the goldens.
func TestGolden(t *testing.T) {
	files, err := filepath.Glob(filepath.Join("testdata", "*.ini"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no fixtures: %v", err)
	}
	for _, f := range files {
		t.Run(filepath.Base(f), func(t *testing.T) {
			got := buildGolden(t, f)
			gotJSON, err := json.MarshalIndent(got, "", "  ")
			if err != nil {
				t.Fatal(err)
			}
			gotJSON = append(gotJSON, '\n')
			goldenPath := strings.TrimSuffix(f, ".ini") + ".golden.json"
			if *update {
				if err := os.WriteFile(goldenPath, gotJSON, 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			wantJSON, err := os.ReadFile(goldenPath)
			if err != nil {
				t.Fatalf("%v (run go test -update to create it)", err)
			}
			// Compare decoded documents so that the diff names fields.
			var gotDoc, wantDoc any
			if err := json.Unmarshal(gotJSON, &gotDoc); err != nil {
				t.Fatal(err)
			}
			if err := json.Unmarshal(wantJSON, &wantDoc); err != nil {
				t.Fatal(err)
			}
			if d := cmp.Diff(wantDoc, gotDoc); d != "" {
				t.Errorf("%s mismatch (-want +got):\n%s", goldenPath, d)
			}
		})
	}
}
