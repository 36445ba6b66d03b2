package discover

import (
	"context"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/grafanalint/grafanalint/parsers/model"
)

func writeFiles(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for name, content := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func loadIn(t *testing.T, dir string, paths ...string) *model.Model {
	t.Helper()
	if len(paths) == 0 {
		paths = []string{"."}
	}
	m, err := Load(context.Background(), Options{Paths: paths, WorkDir: dir})
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func problems(m *model.Model) []string {
	var out []string
	for _, f := range m.Files {
		for _, p := range f.Problems {
			out = append(out, p.Pos.String()+": "+p.Message)
		}
	}
	return out
}

const provDS = "apiVersion: 1\ndatasources:\n  - name: P\n    type: prometheus\n    uid: p\n"

// TestVariableImageTagIsGrafana: issue 9 item 6, a Grafana service whose
// image tag is a variable builds a compose stack, not a layout one.
func TestVariableImageTagIsGrafana(t *testing.T) {
	for _, image := range []string{"grafana/grafana:${TAG}", "${REGISTRY}/grafana/grafana:${TAG:-11.0.0}"} {
		dir := writeFiles(t, map[string]string{
			"docker-compose.yml":                  "services:\n  grafana:\n    image: " + image + "\n    volumes:\n      - ./provisioning:/etc/grafana/provisioning\n",
			"provisioning/datasources/ds.yaml":    provDS,
			"provisioning/datasources/old/x.yaml": provDS,
		})
		m := loadIn(t, dir)
		if len(m.Stacks) != 1 || m.Stacks[0].Origin != model.OriginCompose || m.Stacks[0].ComposeService != "grafana" {
			t.Errorf("%s: stacks = %+v", image, m.Stacks)
			continue
		}
		st := m.Stacks[0]
		if len(st.UnloadedFiles) != 1 || !strings.Contains(st.UnloadedFiles[0].Reason, "subdirectory") {
			t.Errorf("%s: unloaded = %+v", image, st.UnloadedFiles)
		}
		wantVersion := ""
		if strings.Contains(image, ":-11.0.0") {
			wantVersion = "11.0.0"
		}
		if st.GrafanaVersion == nil || st.GrafanaVersion.Version != wantVersion {
			t.Errorf("%s: version = %+v, want %q", image, st.GrafanaVersion, wantVersion)
		}
	}
}

// TestBrokenComposeFiles: issue 9 item 9, invalid YAML in a file named like
// a compose file and duplicate keys are problems with positions; a
// duplicate service makes one stack, not two with one name.
func TestBrokenComposeFiles(t *testing.T) {
	dir := writeFiles(t, map[string]string{
		"a/docker-compose.yml": "version: '3'\n services:\n  grafana:\n    image: grafana/grafana\n",
		"b/compose.yaml":       "services:\n  grafana:\n    image: grafana/grafana:11.0.0\n  grafana:\n    image: grafana/grafana:12.0.0\n",
	})
	for _, paths := range [][]string{{"."}, {"a/docker-compose.yml", "b/compose.yaml"}} {
		m := loadIn(t, dir, paths...)
		got := strings.Join(problems(m), "\n")
		for _, want := range []string{
			"a/docker-compose.yml:2:2: compose file is not valid YAML: did not find expected key",
			`b/compose.yaml:4:3: mapping key "grafana" already defined at line 2: docker compose refuses a file with duplicate keys; merge the two or rename one`,
		} {
			if !strings.Contains(got, want) {
				t.Errorf("%v: problems\n%s\nlack %q", paths, got, want)
			}
		}
		n := 0
		for _, st := range m.Stacks {
			if st.ComposeService == "grafana" {
				n++
			}
		}
		if n != 1 {
			t.Errorf("%v: %d stacks of service grafana, want 1 (from b/)", paths, n)
		}
	}
}

// TestMergeBombBounded: issue 9 item 2, the merge bomb is reported, not
// expanded.
func TestMergeBombBounded(t *testing.T) {
	var b strings.Builder
	b.WriteString("x-0: &a0 {restart: always}\n")
	for i := 1; i <= 12; i++ {
		refs := strings.TrimSuffix(strings.Repeat("*a"+itoa(i-1)+",", 9), ",")
		b.WriteString("x-" + itoa(i) + ": &a" + itoa(i) + " {<<: [" + refs + "]}\n")
	}
	b.WriteString("services:\n  grafana:\n    <<: *a12\n    image: grafana/grafana\n")
	dir := writeFiles(t, map[string]string{"docker-compose.yml": b.String()})
	got := strings.Join(problems(loadIn(t, dir)), "\n")
	if !strings.Contains(got, "docker-compose.yml:1:1: compose file is not valid YAML: document contains excessive aliasing") {
		t.Errorf("problems:\n%s", got)
	}
}

func itoa(i int) string { return strconv.Itoa(i) }
