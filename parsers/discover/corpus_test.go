package discover

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/grafanalint/grafanalint/parsers/corpustest"

	"github.com/grafanalint/grafanalint/parsers/model"
)

func corpusDir(t testing.TB) string {
	t.Helper()
	dir, err := filepath.Abs(corpustest.Dir(t, "real"))
	if err != nil {
		t.Fatal(err)
	}
	return dir
}

func loadBundle(t testing.TB, name string) *model.Model {
	t.Helper()
	dir := filepath.Join(corpusDir(t), name)
	m, err := Load(context.Background(), Options{WorkDir: dir})
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	return m
}

// TestCorpus loads every bundle of the real corpus: no panic, every file of
// a known kind in a stack (in exactly one, except files that two compose
// variants of one project both mount), and hand-checked stacks for a few
// bundles. With -v it prints each bundle's stacks.
func TestCorpus(t *testing.T) {
	dir := corpusDir(t)
	items, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	models := map[string]*model.Model{}
	for _, it := range items {
		if !it.IsDir() {
			continue
		}
		m := loadBundle(t, it.Name())
		models[it.Name()] = m
		checkInvariants(t, m)
		for file, stacks := range membership(m) {
			if len(stacks) > 1 && !sharedByComposeVariants(m, stacks) {
				t.Errorf("%s: %s is in %d stacks: %v", it.Name(), file, len(stacks), stacks)
			}
		}
		if testing.Verbose() {
			s := summarize(m, "")
			for _, st := range s.Stacks {
				b, _ := json.Marshal(st)
				t.Logf("%s: %s", it.Name(), b)
			}
		}
	}
	if len(models) < 40 {
		t.Fatalf("loaded %d bundles, want the whole corpus", len(models))
	}

	stack := func(bundle, name string) *model.Stack {
		t.Helper()
		for _, st := range models[bundle].Stacks {
			if st.Name == name {
				return st
			}
		}
		var names []string
		for _, st := range models[bundle].Stacks {
			names = append(names, st.Name)
		}
		t.Fatalf("%s: no stack %q (have %q)", bundle, name, names)
		return nil
	}

	// Anemometer: one compose stack whose sub-path settings come from the
	// env_file grafana/.env.
	if n := len(models["21km43__Anemometer"].Stacks); n != 1 {
		t.Errorf("21km43__Anemometer: %d stacks, want 1", n)
	}
	an := stack("21km43__Anemometer", ".")
	if got := an.Settings.Get("server", "root_url"); got == nil || !strings.HasSuffix(got.Value, "/grafana/") || got.Source.Kind != model.SourceEnv {
		t.Errorf("Anemometer root_url = %+v, want the sub-path from grafana/.env", got)
	}
	if got := an.Settings.Value("server", "serve_from_sub_path"); got != "true" {
		t.Errorf("Anemometer serve_from_sub_path = %q, want true", got)
	}
	if !an.HasNginx || !an.HasDatasources || len(an.Dashboards) != 1 || !slices.Equal(an.EnvFiles, []string{"grafana/.env"}) {
		t.Errorf("Anemometer stack = %+v", summarize(models["21km43__Anemometer"], "").Stacks)
	}

	// seadenis: custom.ini is mounted at /etc/grafana/custom.ini, which
	// Grafana does not read.
	sd := stack("seadenis__iot-stack", ".")
	if sd.HasIni || len(sd.UnloadedFiles) != 1 || sd.UnloadedFiles[0].Path != "grafana/custom.ini" || !strings.Contains(sd.UnloadedFiles[0].Reason, "/etc/grafana/custom.ini") {
		t.Errorf("seadenis: ini %v, unloaded %+v; want grafana/custom.ini unloaded", sd.HasIni, sd.UnloadedFiles)
	}
	if len(sd.Dashboards) != 1 || sd.Dashboards[0].File != "grafana/provisioning/dashboards/json/mur.json" {
		t.Errorf("seadenis dashboards = %v", summarize(models["seadenis__iot-stack"], "").Stacks[0].Dashboards)
	}

	// webrtcperf: the legacy provider (options.folder) loads the mounted
	// dashboard; the datasource file is mounted under another name.
	wp := stack("vpalmisano__webrtcperf", "prometheus-stack")
	if len(wp.Dashboards) != 1 || wp.Dashboards[0].File != "prometheus-stack/config/grafana-dashboards/webrtcperf.json" || wp.LoadedBy[wp.Dashboards[0]] == nil {
		t.Errorf("webrtcperf dashboards = %v", summarize(models["vpalmisano__webrtcperf"], "").Stacks[0].Dashboards)
	}
	if len(wp.DatasourceFiles) != 1 || wp.DatasourceFiles[0].Path != "prometheus-stack/config/grafana-prometheus-datasource.yml" {
		t.Errorf("webrtcperf datasource files = %v", wp.DatasourceFiles)
	}

	// emanuelsouzaa: config.ini mounted where Grafana does not read it.
	em := stack("emanuelsouzaa__grafana-iot", ".")
	if em.HasIni || len(em.UnloadedFiles) != 1 || em.UnloadedFiles[0].Path != "grafana/config.ini" {
		t.Errorf("emanuelsouzaa unloaded = %+v", em.UnloadedFiles)
	}

	// tensies: dev and prod compose files are two stacks sharing the
	// dashboards; prod reads provisioning-prod/datasources.
	prod := stack("radiantnode__tensies", ". (docker-compose.prod.yml:grafana)")
	if len(prod.DatasourceFiles) != 1 || prod.DatasourceFiles[0].Path != "ops/grafana/provisioning-prod/datasources/datasources.yaml" || len(prod.Dashboards) != 5 {
		t.Errorf("tensies prod = %+v", prod)
	}

	// datvo2k: the dashboards provisioning mount is commented out.
	dv := stack("datvo2k__monitor-multiple-vps", ".")
	if dv.HasProviders || len(dv.UnloadedFiles) != 1 || dv.UnloadedFiles[0].Path != "grafana/provisioning/dashboards/dashboard.yml" || dv.Settings.File == nil || dv.Settings.File.Path != "custom.ini" {
		t.Errorf("datvo2k = %+v", summarize(models["datvo2k__monitor-multiple-vps"], "").Stacks)
	}

	// sirmosi: GF_PATHS_CONFIG points at the ini inside provisioning/.
	if st := stack("sirmosi__monitor_nginx_grafana_prometheus", "."); st.Settings.File == nil || st.Settings.File.Path != "grafana/provisioning/grafana.ini" {
		t.Errorf("sirmosi ini = %+v", st.Settings.File)
	}

	// Skewnart: nginx lives in its own compose directory beside the
	// monitoring one; the only stack takes it.
	if st := stack("Skewnart__grafana-raspberry", "monitoring"); len(st.Nginx) != 1 || st.Nginx[0].Path != "nginx/conf.d/grafana.conf" {
		t.Errorf("Skewnart nginx = %v", st.Nginx)
	}

	// otel-lgtm: providers naming single files map by their tail.
	if st := stack("grafana__docker-otel-lgtm", "."); len(st.Dashboards) != 3 {
		t.Errorf("otel-lgtm dashboards = %v", summarize(models["grafana__docker-otel-lgtm"], "").Stacks)
	}
}

// sharedByComposeVariants reports whether every stack named is a compose
// stack of the same directory (dev and prod compose files of one project
// mount the same dashboards).
func sharedByComposeVariants(m *model.Model, names []string) bool {
	root := ""
	for _, st := range m.Stacks {
		if !slices.Contains(names, st.Name) {
			continue
		}
		if st.Origin != model.OriginCompose || (root != "" && st.Root != root) {
			return false
		}
		root = st.Root
	}
	return true
}

// TestCorpusDockerfile lints the railway-grafana-stack bundle with the
// COPY lines of its grafana/Dockerfile (which the corpus does not hold;
// its content is summarised in SOURCES.md): the bundle is linked into a
// temporary tree and a Dockerfile written for the test is added. Grafana
// then reads grafana/datasources/ (copied into the image), not
// grafana/provisioning/datasources/.
func TestCorpusDockerfile(t *testing.T) {
	src := filepath.Join(corpusDir(t), "Alpaca-Network__railway-grafana-stack")
	dir := t.TempDir()
	err := filepath.WalkDir(src, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(src, p)
		dst := filepath.Join(dir, rel)
		if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
			return err
		}
		// A copy, not a link: links out of the tree are not followed.
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		return os.WriteFile(dst, data, 0o644)
	})
	if err != nil {
		t.Fatal(err)
	}
	write(t, dir, "grafana/Dockerfile", strings.Join([]string{
		"FROM grafana/grafana-oss:11.5.2",
		"COPY datasources /etc/grafana/provisioning/datasources",
		"COPY provisioning/dashboards/dashboards.yml /etc/grafana/provisioning/dashboards/dashboards.yml",
		"COPY dashboards/loki /etc/grafana/provisioning/dashboards/loki",
		"COPY dashboards/tempo /etc/grafana/provisioning/dashboards/tempo",
		"COPY dashboards/model_performance /etc/grafana/provisioning/dashboards/model_performance",
		"COPY dashboards/streaming /etc/grafana/provisioning/dashboards/streaming",
		"COPY dashboards/infrastructure /etc/grafana/provisioning/dashboards/infrastructure",
		"",
	}, "\n"))
	m := load(t, Options{WorkDir: dir})
	s := summarize(m, "")
	if len(m.Stacks) != 1 {
		t.Fatalf("stacks = %+v, want one", s.Stacks)
	}
	st := s.Stacks[0]
	if !slices.Equal(st.Datasources, []string{"grafana/datasources/datasources.yml"}) {
		t.Errorf("datasources = %v, want grafana/datasources/datasources.yml", st.Datasources)
	}
	if !slices.Equal(st.Providers, []string{"grafana/provisioning/dashboards/dashboards.yml"}) {
		t.Errorf("providers = %v", st.Providers)
	}
	if len(st.Dashboards) != 6 || len(st.LooseDashboards) != 0 {
		t.Errorf("dashboards = %v, loose %v; want all 6 loaded", st.Dashboards, st.LooseDashboards)
	}
	var unloaded []string
	for _, u := range m.Stacks[0].UnloadedFiles {
		unloaded = append(unloaded, u.Path)
	}
	// grafana/dashboards/dashboards.yml holds only comments: no kind, not
	// worth reporting.
	if len(unloaded) != 7 || !slices.Contains(unloaded, "grafana/provisioning/datasources/loki.yml") {
		t.Errorf("unloaded = %v, want the 7 files of grafana/provisioning/datasources", unloaded)
	}
	if m.File("grafana/dashboards/dashboards.yml") != nil {
		t.Error("the comment-only grafana/dashboards/dashboards.yml got a kind")
	}
}

// BenchmarkLoadCorpus loads every bundle of the real corpus.
func BenchmarkLoadCorpus(b *testing.B) {
	dir := corpusDir(b)
	for b.Loop() {
		m, err := Load(context.Background(), Options{WorkDir: dir})
		if err != nil || len(m.Files) < 200 {
			b.Fatalf("load: %v, %d files", err, len(m.Files))
		}
	}
}
