package compose

import (
	"fmt"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// mergeBomb is issue 9's compose file: merge keys nine wide and twelve
// deep, under 800 bytes, that a reader expanding every merge never
// finishes.
func mergeBomb() string {
	var b strings.Builder
	b.WriteString("x-0: &a0 {restart: always}\n")
	for i := 1; i <= 12; i++ {
		refs := strings.TrimSuffix(strings.Repeat(fmt.Sprintf("*a%d,", i-1), 9), ",")
		fmt.Fprintf(&b, "x-%d: &a%d {<<: [%s]}\n", i, i, refs)
	}
	b.WriteString("services:\n  grafana:\n    <<: *a12\n    image: grafana/grafana\n")
	return b.String()
}

func TestMergeBomb(t *testing.T) {
	src := mergeBomb()
	if len(src) > 800 {
		t.Fatalf("bomb is %d bytes", len(src))
	}
	c, probs := Parse("docker-compose.yml", []byte(src))
	if len(probs) != 1 || !strings.Contains(probs[0].Message, "excessive aliasing") || probs[0].Pos.String() != "docker-compose.yml:1:1" {
		t.Fatalf("problems = %+v", probs)
	}
	if c == nil || len(c.Services) != 0 {
		t.Errorf("a file compose refuses yields no services: %+v", c)
	}
}

// TestMergesReadOnce: merges compose accepts are read, each mapping once,
// explicit keys first.
func TestMergesReadOnce(t *testing.T) {
	src := "x-log: &log {logging: {driver: json-file}, restart: always}\n" +
		"x-env: &env {environment: {GF_A: \"1\"}, restart: \"no\"}\n" +
		"services:\n" +
		"  grafana:\n    <<: [*log, *env]\n    image: grafana/grafana:${TAG:-11.1.0}\n" +
		"  other:\n    <<: *env\n    image: nginx\n"
	c, probs := Parse("c.yml", []byte(src))
	if len(probs) != 0 {
		t.Fatalf("problems %+v", probs)
	}
	g := c.Service("grafana")
	if g.Image.V != "grafana/grafana:11.1.0" || len(g.Environment) != 1 || g.Environment[0].Value.V != "1" {
		t.Errorf("grafana = %+v", g)
	}
}

// TestDuplicateKeys: compose refuses duplicate keys; the file is reported
// and one service of the name is read, not two.
func TestDuplicateKeys(t *testing.T) {
	src := "services:\n  grafana:\n    image: grafana/grafana:11.0.0\n  grafana:\n    image: grafana/grafana:12.0.0\n    ports: [\"3000:3000\"]\n"
	c, probs := Parse("c.yml", []byte(src))
	if len(probs) != 1 || probs[0].Pos.String() != "c.yml:4:3" || !strings.Contains(probs[0].Message, `"grafana" already defined at line 2`) {
		t.Fatalf("problems = %+v", probs)
	}
	if len(c.Services) != 1 || c.Services[0].Image.V != "grafana/grafana:11.0.0" {
		t.Errorf("services = %+v", c.Services)
	}
	src = "services:\n  g:\n    image: grafana/grafana\n    environment:\n      A: 1\n      A: 2\n"
	if _, probs := Parse("c.yml", []byte(src)); len(probs) != 1 || probs[0].Pos.String() != "c.yml:6:7" {
		t.Errorf("nested duplicate: %+v", probs)
	}
}

// TestVariableImage: a Grafana image whose registry or tag is a variable
// is still Grafana; its tag gives the version when the project's
// variables tell it.
func TestVariableImage(t *testing.T) {
	vars := NewVars(nil)
	vars.Set("TAG", "10.4.2-ubuntu")
	tests := []struct {
		image   string
		vars    *Vars
		grafana bool
		version GrafanaVersion
	}{
		{"grafana/grafana:${TAG}", nil, true, GrafanaVersion{Unknown: true}},
		{"grafana/grafana:${TAG}", vars, true, GrafanaVersion{Version: "10.4.2"}},
		{"${REGISTRY}/grafana/grafana:${TAG:-11.0.0}", nil, true, GrafanaVersion{Version: "11.0.0"}},
		{"${REGISTRY:-docker.io}/grafana/grafana-enterprise:${TAG}", nil, true, GrafanaVersion{Unknown: true}},
		{"grafana/grafana-oss:10.4.2", nil, true, GrafanaVersion{Version: "10.4.2"}},
		{"grafana/grafana-enterprise:11.2.0-ubuntu", nil, true, GrafanaVersion{Version: "11.2.0"}},
		{"docker.io/grafana/grafana:12.0.1@sha256:0123abcd", nil, true, GrafanaVersion{Version: "12.0.1"}},
		{"grafana/grafana:12.3.0-19020365962", nil, true, GrafanaVersion{Version: "12.3.0"}},
		{"grafana/grafana", nil, true, GrafanaVersion{Latest: true}},
		{"grafana/grafana:latest", nil, true, GrafanaVersion{Latest: true}},
		{"grafana/grafana:main", nil, true, GrafanaVersion{}},
		{"${IMAGE}", nil, false, GrafanaVersion{}},
		{"${NS}/grafana:11", nil, false, GrafanaVersion{}},
		{"grafana/grafana-image-renderer:${TAG}", nil, false, GrafanaVersion{}},
	}
	for _, tt := range tests {
		src := "services:\n  g:\n    image: " + tt.image + "\n"
		c, probs := ParseWith("c.yml", []byte(src), tt.vars)
		if len(probs) != 0 {
			t.Fatalf("%s: %+v", tt.image, probs)
		}
		s := c.Service("g")
		v, ok := ImageGrafanaVersion(s.Image.V)
		if s.IsGrafana() != tt.grafana || tt.grafana && (!ok || v != tt.version) {
			t.Errorf("%s (vars %v): IsGrafana = %v, version = %+v %v; want %v %+v", tt.image, tt.vars != nil, s.IsGrafana(), v, ok, tt.grafana, tt.version)
		}
	}
}

func TestIsComposeName(t *testing.T) {
	for name, want := range map[string]bool{
		"docker-compose.yml": true, "compose.yaml": true, "docker-compose.override.yml": true,
		"docker-compose.prod.yml": true, "compose.dev.yaml": true, "grafana.yml": false,
		"docker-compose.yml.bak": false, "composer.yaml": false,
	} {
		if IsComposeName(name) != want {
			t.Errorf("IsComposeName(%q) = %v", name, !want)
		}
	}
}

// TestInterpolatedFields: what compose interpolates, with positions kept
// where the text is written.
func TestInterpolatedFields(t *testing.T) {
	vars := NewVars(nil)
	vars.Set("GRAFANA_PORT", "3001")
	vars.Set("CONF", "./conf")
	vars.Set("NAME", "grafana-main")
	src := "services:\n  grafana:\n    image: grafana/grafana\n" +
		"    container_name: ${NAME}\n" +
		"    ports:\n      - \"${GRAFANA_PORT:-3000}:3000\"\n      - \"${BIND:-127.0.0.1}:${OTHER}:3000\"\n" +
		"    volumes:\n      - ${CONF}/grafana.ini:/etc/grafana/grafana.ini\n      - ${PWD}/prov:/etc/grafana/provisioning\n      - ${DATA}:/var/lib/grafana\n" +
		"    environment:\n      - GF_SERVER_ROOT_URL=http://${HOST:-localhost}:$${PORT}/\n      GF_X: $$literal\n"
	src = strings.Replace(src, "      GF_X: $$literal\n", "", 1)
	c, probs := ParseWith("deploy/c.yml", []byte(src), vars)
	if len(probs) != 0 {
		t.Fatalf("problems %+v", probs)
	}
	g := c.Service("grafana")
	var got []string
	got = append(got, "name="+g.ContainerName)
	for _, p := range g.Ports {
		got = append(got, fmt.Sprintf("port=%s pub=%s dyn=%v @%s", p.Raw.V, p.Published, p.Dynamic, p.Raw.Pos))
	}
	for _, m := range g.Mounts {
		got = append(got, fmt.Sprintf("mount=%s host=%s dyn=%v @%s", m.Source.V, m.Host, m.Dynamic, m.Source.Pos))
	}
	for _, m := range g.Volumes {
		got = append(got, fmt.Sprintf("volume=%s target=%s dyn=%v", m.Source.V, m.Target.V, m.Dynamic))
	}
	for _, e := range g.Environment {
		got = append(got, fmt.Sprintf("env %s=%s dyn=%v @%s", e.Name.V, e.Value.V, e.Dynamic, e.Value.Pos))
	}
	want := []string{
		"name=grafana-main",
		"port=3001:3000 pub=3001 dyn=false @deploy/c.yml:6:10",
		"port=127.0.0.1:${OTHER}:3000 pub=${OTHER} dyn=true @deploy/c.yml:7:10",
		"mount=./conf/grafana.ini host=deploy/conf/grafana.ini dyn=false @deploy/c.yml:9:9",
		"mount=${PWD}/prov host=deploy/prov dyn=false @deploy/c.yml:10:9",
		"mount=${DATA} host= dyn=true @deploy/c.yml:11:9",
		"env GF_SERVER_ROOT_URL=http://localhost:${PORT}/ dyn=false @deploy/c.yml:13:28",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}
