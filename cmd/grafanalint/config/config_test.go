package config

import (
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/santhosh-tekuri/jsonschema/v6"
	"gopkg.in/yaml.v3"

	"github.com/grafanalint/grafanalint/rules"
	"github.com/grafanalint/grafanalint/rules/all"
)

var update = flag.Bool("update", false, "rewrite golden files")

const schemaPath = "../../../docs/config.schema.json"

func golden(t *testing.T, path, got string) {
	t.Helper()
	if *update {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run with -update to create it)", err)
	}
	if diff := cmp.Diff(string(want), got); diff != "" {
		t.Errorf("%s differs (-want +got):\n%s", path, diff)
	}
}

func fixtures(t *testing.T, dir string) []string {
	t.Helper()
	files, err := filepath.Glob(filepath.Join("testdata", dir, "*.yaml"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no fixtures in testdata/%s: %v", dir, err)
	}
	return files
}

// dump shows a loaded config with paths relative to its directory, so the
// golden files do not depend on where the checkout lives.
func dump(t *testing.T, c *Config) string {
	t.Helper()
	rel := func(p string) string {
		if p == "" {
			return ""
		}
		r, err := filepath.Rel(c.Dir, p)
		if err != nil {
			t.Fatal(err)
		}
		return filepath.ToSlash(r)
	}
	type env struct{ Name, Value, Pos string }
	type stack struct {
		Name, ComposeService, Pos string
		Paths, EnvFiles           []string
		Env                       []env
	}
	type level struct{ Rule, Severity, Pos string }
	view := struct {
		GrafanaVersion, FailLevel, NginxPrefix, Baseline string
		NginxProxyParams                                 string `json:",omitempty"`
		MaxFileSize                                      int64
		Rules                                            []level
		Exclude                                          []Exclusion
		Stacks                                           []stack
	}{GrafanaVersion: c.GrafanaVersion.String(), FailLevel: c.FailLevel.String(), NginxPrefix: rel(c.NginxPrefix), Baseline: rel(c.Baseline), NginxProxyParams: c.NginxProxyParams, MaxFileSize: c.MaxFileSize}
	for _, r := range c.Rules {
		view.Rules = append(view.Rules, level{r.Rule, r.Severity.String(), r.Pos.String()})
	}
	view.Exclude = c.Exclude
	for _, s := range c.Stacks {
		st := stack{Name: s.Name, ComposeService: s.ComposeService, Pos: s.Pos.String()}
		if i := strings.LastIndex(s.ComposeService, ":"); i > 0 {
			st.ComposeService = rel(s.ComposeService[:i]) + s.ComposeService[i:]
		}
		for _, p := range s.Paths {
			st.Paths = append(st.Paths, rel(p))
		}
		for _, p := range s.EnvFiles {
			st.EnvFiles = append(st.EnvFiles, rel(p))
		}
		for _, e := range s.Env {
			st.Env = append(st.Env, env{e.Name, e.Value, e.Pos.String()})
		}
		view.Stacks = append(view.Stacks, st)
	}
	out, err := json.MarshalIndent(view, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	return string(out) + "\n"
}

// TestValidFixtures loads every valid fixture and compares what the loader
// made of it with its golden file.
func TestValidFixtures(t *testing.T) {
	for _, f := range fixtures(t, "valid") {
		t.Run(filepath.Base(f), func(t *testing.T) {
			c, err := Load(f, filepath.Base(f), all.Rules())
			if err != nil {
				t.Fatalf("valid fixture rejected:\n%v", err)
			}
			golden(t, strings.TrimSuffix(f, ".yaml")+".golden", dump(t, c))
		})
	}
}

// TestInvalidFixtures checks that every invalid fixture is rejected with
// each mistake at its position, as the golden file lists them.
func TestInvalidFixtures(t *testing.T) {
	for _, f := range fixtures(t, "invalid") {
		t.Run(filepath.Base(f), func(t *testing.T) {
			_, err := Load(f, filepath.Base(f), all.Rules())
			var list ErrorList
			if !errors.As(err, &list) {
				t.Fatalf("want an ErrorList, got %v", err)
			}
			for _, e := range list {
				if !e.Pos.IsValid() {
					t.Errorf("error without a position: %v", e)
				}
			}
			golden(t, strings.TrimSuffix(f, ".yaml")+".golden", err.Error()+"\n")
		})
	}
}

func compileSchema(t *testing.T) (*jsonschema.Schema, map[string]any) {
	t.Helper()
	f, err := os.Open(schemaPath)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	doc, err := jsonschema.UnmarshalJSON(f)
	if err != nil {
		t.Fatal(err)
	}
	c := jsonschema.NewCompiler()
	const url = "https://grafanalint.test/config.schema.json"
	if err := c.AddResource(url, doc); err != nil {
		t.Fatal(err)
	}
	s, err := c.Compile(url)
	if err != nil {
		t.Fatal(err)
	}
	return s, doc.(map[string]any)
}

// instance reads YAML the way a YAML-aware editor hands it to a JSON
// Schema validator; a document that is not even YAML is an error.
func instance(src []byte) (any, error) {
	var v any
	if err := yaml.Unmarshal(src, &v); err != nil {
		return nil, err
	}
	b, err := json.Marshal(v)
	if err != nil {
		return nil, err
	}
	return jsonschema.UnmarshalJSON(bytes.NewReader(b))
}

// TestSchema validates the init template and every fixture against
// docs/config.schema.json: valid ones pass; invalid ones fail unless they
// are marked "# schema: valid" (mistakes only grafanalint can see).
func TestSchema(t *testing.T) {
	s, _ := compileSchema(t)
	inputs := map[string][]byte{"init template": []byte(Template(rules.CurrentGrafana))}
	for _, f := range append(fixtures(t, "valid"), fixtures(t, "invalid")...) {
		src, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		inputs[f] = src
	}
	for name, src := range inputs {
		inst, err := instance(src)
		if err == nil {
			err = s.Validate(inst)
		}
		wantValid := !strings.Contains(name, "invalid") || bytes.Contains(src, []byte("# schema: valid"))
		if wantValid && err != nil {
			t.Errorf("%s: rejected by the schema: %v", name, err)
		}
		if !wantValid && err == nil {
			t.Errorf("%s: accepted by the schema, but the loader rejects it", name)
		}
	}
}

// TestSchemaKeys keeps the schema's properties and the loader's keys in
// step.
func TestSchemaKeys(t *testing.T) {
	_, doc := compileSchema(t)
	props := func(obj any) []string {
		var keys []string
		for k := range obj.(map[string]any)["properties"].(map[string]any) {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		return keys
	}
	defs := doc["$defs"].(map[string]any)
	got := map[string][]string{"": props(doc), "stacks": props(defs["stack"]), "exclude": props(defs["exclusion"])}
	want := Keys()
	for k := range want {
		slices.Sort(want[k])
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("schema properties differ from the loader's keys (-loader +schema):\n%s", diff)
	}
}

// TestTemplateLoads checks that what "grafanalint init" writes loads and
// sets what its comments say.
func TestTemplateLoads(t *testing.T) {
	c, err := Parse(filepath.Join(t.TempDir(), FileName), FileName, []byte(Template(rules.Version{Major: 11, Minor: 2})), all.Rules())
	if err != nil {
		t.Fatal(err)
	}
	if c.GrafanaVersion != (rules.Version{Major: 11, Minor: 2}) || c.FailLevel != rules.Error {
		t.Errorf("template sets version %v and fail level %v", c.GrafanaVersion, c.FailLevel)
	}
}

func TestFind(t *testing.T) {
	root := t.TempDir()
	deep := filepath.Join(root, "a", "b", "c")
	if err := os.MkdirAll(deep, 0o755); err != nil {
		t.Fatal(err)
	}
	cfg := filepath.Join(root, "a", FileName)
	if err := os.WriteFile(cfg, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	// A directory of that name is not a config file.
	if err := os.Mkdir(filepath.Join(root, "a", "b", FileName), 0o755); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct{ dir, want string }{
		{deep, cfg},
		{filepath.Join(root, "a"), cfg},
		{root, ""}, // nothing at or above the temp dir (unless the machine has one)
	} {
		got, err := Find(tc.dir)
		if err != nil {
			t.Fatal(err)
		}
		if tc.want == "" && got != "" && strings.HasPrefix(got, root) {
			t.Errorf("Find(%s) = %s, want none below %s", tc.dir, got, root)
		}
		if tc.want != "" && got != tc.want {
			t.Errorf("Find(%s) = %q, want %q", tc.dir, got, tc.want)
		}
	}
}

func TestRebaseGlob(t *testing.T) {
	for _, tc := range []struct {
		glob, from, to string
		want           []string
	}{
		{"dashboards/*.json", "/r", "/r", []string{"dashboards/*.json"}},
		{"sub/*.json", "/r", "/r/sub", []string{"*.json", "../sub/*.json"}},
		{"**/*.json", "/r", "/r/sub", []string{"**/*.json", "../**/*.json"}},
		{"other/*.json", "/r", "/r/sub", []string{"../other/*.json"}},
		{"a/**/x.json", "/r", "/r/a/b", []string{"**/x.json", "../**/x.json", "../../a/**/x.json"}},
		{"x.json", "/r/sub", "/r", []string{"sub/x.json"}},
		{"x.json", "/r/a", "/r/b", []string{"../a/x.json"}},
	} {
		got := RebaseGlob(tc.glob, tc.from, tc.to)
		if diff := cmp.Diff(tc.want, got); diff != "" {
			t.Errorf("RebaseGlob(%q, %q, %q) (-want +got):\n%s", tc.glob, tc.from, tc.to, diff)
		}
	}
	// The rebased globs match exactly the files the original matches.
	files := []string{"/r/sub/a.json", "/r/sub/d/b.json", "/r/other/c.json", "/r/top.json", "/r/sub/x.yaml"}
	for _, glob := range []string{"sub/*.json", "**/*.json", "sub/**", "*.json", "other/**/*.json", "**/d/*.json"} {
		for _, to := range []string{"/r", "/r/sub", "/r/sub/d", "/r/other"} {
			rebased := RebaseGlob(glob, "/r", to)
			for _, f := range files {
				fromRel, _ := filepath.Rel("/r", f)
				toRel, _ := filepath.Rel(to, f)
				want := rules.MatchGlob(glob, filepath.ToSlash(fromRel))
				got := slices.ContainsFunc(rebased, func(g string) bool { return rules.MatchGlob(g, filepath.ToSlash(toRel)) })
				if got && !want && strings.HasPrefix(filepath.ToSlash(toRel), "../") && (strings.HasPrefix(glob, "*") || slices.ContainsFunc(rebased, func(g string) bool { return strings.HasPrefix(g, "*") })) {
					continue // the documented approximation
				}
				if got != want {
					t.Errorf("glob %q from /r, rebased to %s as %q: matches %s = %v, want %v", glob, to, rebased, toRel, got, want)
				}
			}
		}
	}
}

func TestNearest(t *testing.T) {
	keys := Keys()[""]
	for _, tc := range []struct{ in, want string }{
		{"exclusions", "exclude"},
		{"grafana-version", "grafana_version"},
		{"rule", "rules"},
		{"failLevel", "fail_level"},
		{"colour", ""},
	} {
		if got := nearest(tc.in, keys); got != tc.want {
			t.Errorf("nearest(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestParseSize(t *testing.T) {
	for in, want := range map[string]int64{"64MiB": 64 << 20, "10M": 10 << 20, "1048576": 1 << 20, "2KB": 2000, "3K": 3 << 10} {
		if got, err := ParseSize(in); err != nil || got != want {
			t.Errorf("ParseSize(%q) = %d, %v; want %d", in, got, err, want)
		}
	}
	for _, bad := range []string{"", "huge", "-1", "0", "1.5M"} {
		if _, err := ParseSize(bad); err == nil {
			t.Errorf("ParseSize(%q) accepted", bad)
		}
	}
}

// FuzzParse feeds arbitrary files to the loader: it must never panic, and
// every error must carry a position.
func FuzzParse(f *testing.F) {
	for _, dir := range []string{"valid", "invalid"} {
		files, _ := filepath.Glob(filepath.Join("testdata", dir, "*.yaml"))
		for _, p := range files {
			if src, err := os.ReadFile(p); err == nil {
				f.Add(src)
			}
		}
	}
	f.Add([]byte(Template(rules.CurrentGrafana)))
	known := all.Rules()
	dir := f.TempDir()
	f.Fuzz(func(t *testing.T, src []byte) {
		_, err := Parse(filepath.Join(dir, FileName), FileName, src, known)
		var list ErrorList
		if err != nil && !errors.As(err, &list) {
			t.Fatalf("error is not an ErrorList: %v", err)
		}
		for _, e := range list {
			if !e.Pos.IsValid() || e.Pos.File != FileName && !strings.HasSuffix(e.Pos.File, ".env") {
				t.Fatalf("error without a position in the file: %v", e)
			}
		}
	})
}
