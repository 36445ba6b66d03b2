package compose

import (
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/grafanalint/grafanalint/parsers/corpustest"

	"github.com/google/go-cmp/cmp"

	"github.com/grafanalint/grafanalint/parsers/model"
)

var update = flag.Bool("update", false, "rewrite golden files")

// golden compares got (as indented JSON) with testdata/name, or rewrites it
// with -update.
func golden(t *testing.T, name string, got any) {
	t.Helper()
	b, err := json.MarshalIndent(got, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	b = append(b, '\n')
	file := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(file, b, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(file)
	if err != nil {
		t.Fatalf("%v (run with -update to create it)", err)
	}
	if diff := cmp.Diff(string(want), string(b)); diff != "" {
		t.Errorf("%s mismatch (-want +got):\n%s", file, diff)
	}
}

type parsed struct {
	Compose  *Compose        `json:"compose"`
	Problems []model.Problem `json:"problems"`
	// Env shows environment values too (Env.Value is not serialised).
	Env map[string][]string `json:"env,omitempty"`
}

func parseFile(t *testing.T, name string) parsed {
	t.Helper()
	src, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	c, probs := Parse("deploy/"+name, src)
	out := parsed{Compose: c, Problems: probs}
	if c != nil {
		out.Env = map[string][]string{}
		for _, s := range c.Services {
			for _, e := range s.Environment {
				out.Env[s.Name.V] = append(out.Env[s.Name.V], e.Name.V+"="+e.Value.V+" @"+e.Value.Pos.String())
			}
		}
	}
	return out
}

func TestParseGolden(t *testing.T) {
	for _, name := range []string{"full.yml", "broken.yml", "wrongshape.yml", "override.yml"} {
		t.Run(name, func(t *testing.T) {
			golden(t, strings.TrimSuffix(name, ".yml")+".golden.json", parseFile(t, name))
		})
	}
}

func TestMergeGolden(t *testing.T) {
	base, over := parseFile(t, "full.yml"), parseFile(t, "override.yml")
	m := Merge(base.Compose, over.Compose)
	golden(t, "merged.golden.json", m)
	// Merge must not modify its inputs.
	if g := base.Compose.Service("grafana"); len(g.Ports) != 3 || len(g.Environment) != 3 {
		t.Errorf("Merge modified its base: %d ports, %d env", len(g.Ports), len(g.Environment))
	}
	if !over.Compose.IsOverlay() || base.Compose.IsOverlay() {
		t.Errorf("IsOverlay: override=%v full=%v, want true, false", over.Compose.IsOverlay(), base.Compose.IsOverlay())
	}
}

func TestDockerfileGolden(t *testing.T) {
	src, err := os.ReadFile("testdata/Dockerfile.test")
	if err != nil {
		t.Fatal(err)
	}
	golden(t, "dockerfile.golden.json", ParseDockerfile("grafana/Dockerfile", "grafana", src))
}

func TestPositions(t *testing.T) {
	src := "services:\n  g:\n    image: grafana/grafana\n    environment:\n      - GF_A=é1\n      GF_X: 1\n    volumes:\n      - \"./a:/etc/grafana/grafana.ini:ro\"\n"
	_, probs := Parse("c.yml", []byte(src))
	// mixed list/map environment is a YAML error: yaml.v3 reports the start of the block
	if len(probs) != 1 || probs[0].Pos.Line < 4 || probs[0].Kind != model.ProblemSyntax {
		t.Fatalf("problems = %+v, want one syntax problem from line 4 on", probs)
	}
	src = "services:\n  g:\n    image: grafana/grafana\n    environment:\n      - GF_A=é1\n      - \"GF_B=2\"\n    volumes:\n      - \"./a:/etc/grafana/grafana.ini:ro\"\n"
	c, probs := Parse("d/c.yml", []byte(src))
	if len(probs) != 0 {
		t.Fatalf("unexpected problems %+v", probs)
	}
	g := c.Service("g")
	want := []string{"d/c.yml:5:9", "d/c.yml:5:14", "d/c.yml:6:10", "d/c.yml:6:15"}
	got := []string{g.Environment[0].Name.Pos.String(), g.Environment[0].Value.Pos.String(), g.Environment[1].Name.Pos.String(), g.Environment[1].Value.Pos.String()}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("env positions (-want +got):\n%s", diff)
	}
	m := g.Mounts[0]
	if m.Source.Pos.String() != "d/c.yml:8:10" || m.Target.Pos.String() != "d/c.yml:8:14" || m.Host != "d/a" || !m.ReadOnly {
		t.Errorf("mount = %+v", m)
	}
}

func TestEnvVarPositions(t *testing.T) {
	src := "services:\n  g:\n    image: grafana/grafana\n    environment:\n      - GF_A=é1\n      - \"GF_B=x y\"\n      - GF_C\n      - GF_D=\n  h:\n    image: grafana/grafana\n    environment:\n      GF_E: 'v'\n      GF_F: 2\n      GF_G:\n"
	c, probs := Parse("c.yml", []byte(src))
	if len(probs) != 0 {
		t.Fatalf("unexpected problems %+v", probs)
	}
	var got []string
	for _, name := range []string{"g", "h"} {
		for _, e := range c.Service(name).Environment {
			v := e.EnvVar()
			got = append(got, v.Name+"="+v.Value+" "+v.Pos.String()+" "+v.ValuePos.String())
		}
	}
	// A host-shell entry (GF_C, GF_G) has no value position; an empty
	// value (GF_D=) starts just after "=".
	want := []string{
		"GF_A=é1 c.yml:5:9 c.yml:5:14",
		"GF_B=x y c.yml:6:10 c.yml:6:15",
		"GF_C= c.yml:7:9 :0:0",
		"GF_D= c.yml:8:9 c.yml:8:14",
		"GF_E=v c.yml:12:7 c.yml:12:14",
		"GF_F=2 c.yml:13:7 c.yml:13:13",
		"GF_G= c.yml:14:7 :0:0",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("EnvVar positions (-want +got):\n%s", diff)
	}
}

func TestImageClassification(t *testing.T) {
	tests := []struct {
		image, name string
		build       bool
		grafana     bool
		nginx       bool
	}{
		{image: "grafana/grafana", grafana: true},
		{image: "grafana/grafana:latest", grafana: true},
		{image: "grafana/grafana-enterprise:11.0.0", grafana: true},
		{image: "grafana/grafana-oss@sha256:abc", grafana: true},
		{image: "docker.io/grafana/grafana:12.3.0-19020365962", grafana: true},
		{image: "registry.local:5000/grafana/grafana", grafana: true},
		{image: "grafana/otel-lgtm:0.8", grafana: true},
		{image: "grafana/loki"},
		{image: "grafana/grafana-image-renderer:3.10"}, // the rendering service, not Grafana
		{image: "bitnami/grafana"},
		{name: "grafana", build: true, grafana: true},
		{name: "my-grafana", image: "local/x", build: true, grafana: true},
		{name: "api", build: true},
		{image: "nginx", nginx: true},
		{image: "nginx:1.27-alpine", nginx: true},
		{image: "nginxinc/nginx-unprivileged", nginx: true},
		{image: "openresty/openresty:alpine", nginx: true},
		{image: "martin/nginx:latest", nginx: true},
		{image: "traefik"},
		{name: "nginx", build: true, nginx: true},
	}
	for _, tt := range tests {
		s := &Service{Name: model.Str{V: tt.name}}
		if tt.image != "" {
			s.Image = model.Str{V: tt.image, Pos: model.Pos{Line: 1}}
		}
		if tt.build {
			s.Build = &Build{}
		}
		if s.IsGrafana() != tt.grafana || s.IsNginx() != tt.nginx {
			t.Errorf("%q/%q build=%v: IsGrafana=%v IsNginx=%v, want %v %v", tt.image, tt.name, tt.build, s.IsGrafana(), s.IsNginx(), tt.grafana, tt.nginx)
		}
	}
}

func TestSniff(t *testing.T) {
	tests := map[string]bool{
		"services:\n  a:\n    image: x\n":              true,
		"version: '3'\nservices: # all\n  a: {}\n":     true,
		"apiVersion: 1\ndatasources:\n  - name: x\n":   false,
		"kind: Service\nspec:\n  services:\n    - x\n": false,
		"": false,
	}
	for src, want := range tests {
		if got := Sniff([]byte(src)); got != want {
			t.Errorf("Sniff(%q) = %v, want %v", src, got, want)
		}
	}
}

func TestIsDynamic(t *testing.T) {
	tests := map[string]bool{"a": false, "$$HOME": false, "$HOME": true, "${A:-b}": true, "x${A}y": true, "100$": false}
	for s, want := range tests {
		if IsDynamic(s) != want {
			t.Errorf("IsDynamic(%q) = %v, want %v", s, !want, want)
		}
	}
}

func corpusDir(t testing.TB) string {
	t.Helper()
	return corpustest.Dir(t, "real")
}

func corpusComposeFiles(t testing.TB) []string {
	var out []string
	_ = filepath.WalkDir(corpusDir(t), func(p string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() && (strings.HasSuffix(p, ".yml") || strings.HasSuffix(p, ".yaml")) {
			if b, err := os.ReadFile(p); err == nil && Sniff(b) {
				out = append(out, p)
			}
		}
		return nil
	})
	return out
}

// corpusProblems are the problems of corpus compose files that docker
// compose refuses too.
var corpusProblems = map[string][]string{
	// "restart: always" twice in service postgiscaster (lines 35 and 49).
	"CentipedeRTK__centipede/docker-compose.yml": {`CentipedeRTK__centipede/docker-compose.yml:49:5: mapping key "restart" already defined at line 35: docker compose refuses a file with duplicate keys; merge the two or rename one`},
}

func problemStrings(ps []model.Problem) []string {
	var out []string
	for _, p := range ps {
		out = append(out, p.Pos.String()+": "+p.Message)
	}
	return out
}

// TestCorpus parses every compose file of the real corpus: none may fail,
// and the Grafana services found are checked for a few bundles.
func TestCorpus(t *testing.T) {
	files := corpusComposeFiles(t)
	if len(files) < 20 {
		t.Fatalf("found only %d compose files in the corpus", len(files))
	}
	grafanas := map[string]string{}
	for _, f := range files {
		src, _ := os.ReadFile(f)
		rel, _ := filepath.Rel(corpusDir(t), f)
		c, probs := Parse(filepath.ToSlash(rel), src)
		if want := corpusProblems[filepath.ToSlash(rel)]; !slices.Equal(problemStrings(probs), want) {
			t.Errorf("%s: problems %q, want %q", rel, problemStrings(probs), want)
		}
		for _, s := range c.Services {
			if s.IsGrafana() {
				grafanas[filepath.ToSlash(rel)] = s.Name.V
			}
		}
	}
	for file, svc := range map[string]string{
		"21km43__Anemometer/docker-compose.yaml":                   "grafana",
		"Alpaca-Network__railway-grafana-stack/docker-compose.yml": "grafana",
		"UMNET-perfSONAR__pssid-data-pipeline/grafana.yml":         "grafana",
		"vantamm27__monitoring-stacks/docker-compose.yaml":         "grafana",
	} {
		if grafanas[file] != svc {
			t.Errorf("%s: Grafana service = %q, want %q", file, grafanas[file], svc)
		}
	}
	// YAML merge keys: vantamm27 merges logging settings into every service.
	src, _ := os.ReadFile(filepath.Join(corpusDir(t), "vantamm27__monitoring-stacks/docker-compose.yaml"))
	c, _ := Parse("x.yaml", src)
	if g := c.Service("grafana"); g == nil || len(g.Mounts) != 2 || g.Mounts[0].Target.V != "/etc/grafana/grafana.ini" {
		t.Errorf("vantamm27 grafana mounts = %+v", g)
	}
}

func FuzzParse(f *testing.F) {
	for _, name := range []string{"full.yml", "broken.yml", "override.yml", "wrongshape.yml"} {
		if b, err := os.ReadFile(filepath.Join("testdata", name)); err == nil {
			f.Add(b)
		}
	}
	if _, err := os.Stat(filepath.Join("..", "..", "..", "shared", "corpus", "real")); err == nil {
		for _, p := range corpusComposeFiles(f) {
			if b, err := os.ReadFile(p); err == nil {
				f.Add(b)
			}
		}
	}
	// Anchors, aliases, merge keys and interpolation, and the merge bomb.
	f.Add([]byte("x: &a {restart: always, environment: {A: \"${A:-1}\"}}\nservices:\n  g:\n    <<: [*a, *a]\n    image: grafana/grafana:${TAG:-${V:-11}}\n    volumes: [\"${D:-.}/p:/etc/grafana/provisioning\", \"$$x:/y\"]\n    env_file: [{path: .env, required: false, format: raw}]\n    ports: [\"${P}:3000\"]\n"))
	f.Add([]byte(mergeBomb()))
	vars := NewVars(nil)
	vars.Set("A", "a")
	vars.Set("TAG", "${A}")
	vars.SetUnknown("U")
	f.Fuzz(func(t *testing.T, src []byte) {
		if c, _ := ParseWith("f.yml", src, vars); c != nil {
			for _, s := range c.Services {
				_ = s.IsGrafana()
				_, _ = ImageGrafanaVersion(s.Image.V)
			}
		}
		c, probs := Parse("f.yml", src)
		if c == nil && len(probs) == 0 {
			t.Fatal("nil compose without a problem")
		}
		for _, p := range probs {
			if p.Pos.Line < 1 {
				t.Fatalf("problem without line: %+v", p)
			}
		}
		if c != nil {
			_ = Merge(c, c)
		}
		_ = ParseDockerfile("Dockerfile", ".", src)
	})
}

// FuzzInterpolate checks interpolation and env files on any text: no
// panic, bounded output, text without "$" unchanged, problems positioned.
func FuzzInterpolate(f *testing.F) {
	for _, s := range []string{"${A:-${B:-c}}", "$$A$A", "${A:?e}${", "A=1\nB=\"${A}\\n\"\nC='x'\nexport D=${E:+f}\n", "${A:-{x}}"} {
		f.Add(s)
	}
	vars := NewVars(nil)
	vars.Set("A", strings.Repeat("x", 1000))
	vars.Set("E", "")
	f.Fuzz(func(t *testing.T, s string) {
		v := Interpolate(s, vars)
		if !strings.Contains(s, "$") && (v.V != s || !v.Known) {
			t.Fatalf("%q changed to %+v", s, v)
		}
		if len(v.V) > MaxValueLen+len(s)+2000 {
			t.Fatalf("output of %d bytes", len(v.V))
		}
		for _, format := range []string{"", EnvFormatRaw} {
			out, probs := ParseEnvFile("f.env", []byte(s), format, vars, nil)
			for _, p := range probs {
				if p.Pos.Line < 1 || p.Pos.Col < 1 {
					t.Fatalf("problem without position: %+v", p)
				}
			}
			for _, e := range out {
				if e.Pos.Line < 1 {
					t.Fatalf("variable without position: %+v", e)
				}
			}
		}
	})
}
