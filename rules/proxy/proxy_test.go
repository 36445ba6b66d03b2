package proxy_test

import (
	"context"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"gopkg.in/yaml.v3"

	"github.com/grafanalint/grafanalint/parsers/discover"
	"github.com/grafanalint/grafanalint/parsers/model"
	"github.com/grafanalint/grafanalint/rules"
	"github.com/grafanalint/grafanalint/rules/proxy"
	"github.com/grafanalint/grafanalint/rules/server"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata/")

// ours are the rules this package and rules/server define.
func ours() []*rules.Rule { return append(proxy.Rules(), server.Rules()...) }

// lint loads dir as the CLI does and runs our rules.
func lint(t *testing.T, dir string, env ...string) []rules.Finding {
	t.Helper()
	opts := discover.Options{Paths: []string{"."}, WorkDir: dir}
	for _, kv := range env {
		k, v, _ := strings.Cut(kv, "=")
		opts.Env = append(opts.Env, model.EnvVar{Name: k, Value: v})
	}
	m, err := discover.Load(context.Background(), opts)
	if err != nil {
		t.Fatal(err)
	}
	return rules.Run(m, ours(), rules.Options{}).Findings
}

// describe formats findings with everything a reporter shows: position and
// end, severity, rule, entity, key, message and related locations.
func describe(fs []rules.Finding) string {
	var b strings.Builder
	for _, f := range fs {
		fmt.Fprintf(&b, "%s:%d:%d-%d:%d %s [%s] entity=%s key=%s\n  %s\n", f.Pos.File, f.Pos.Line, f.Pos.Col, f.End.Line, f.End.Col, f.Severity, f.Rule, f.Entity, f.Key, f.Message)
		for _, r := range f.Related {
			fmt.Fprintf(&b, "  related %s:%d:%d %s\n", r.Pos.File, r.Pos.Line, r.Pos.Col, r.Message)
		}
	}
	return b.String()
}

func golden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run with -update)", err)
	}
	if diff := cmp.Diff(string(want), got); diff != "" {
		t.Errorf("%s differs (-want +got):\n%s", path, diff)
	}
}

// TestFixtureDetails pins, for every fixture case of our rules, the full
// findings (ends, entities, keys, related locations) that want.txt does not
// show.
func TestFixtureDetails(t *testing.T) {
	root := filepath.Join("..", "..", "testdata", "rules")
	var dirs []string
	for _, pat := range []string{"proxy/*/*", "server/*/*", "live/worker-connections/*"} {
		m, _ := filepath.Glob(filepath.Join(root, pat))
		dirs = append(dirs, m...)
	}
	sort.Strings(dirs)
	var b strings.Builder
	for _, dir := range dirs {
		rel, _ := filepath.Rel(root, dir)
		var cc caseConfig
		if c, err := os.ReadFile(filepath.Join(dir, "case.yaml")); err == nil {
			if err := yaml.Unmarshal(c, &cc); err != nil {
				t.Fatalf("%s: %v", dir, err)
			}
		}
		fmt.Fprintf(&b, "== %s\n%s", filepath.ToSlash(rel), describe(lint(t, dir, cc.Env...)))
	}
	golden(t, "fixtures.golden", b.String())
}

// corpusDir is the shared real-world corpus; absent, the test is skipped
// (failed under CI=true).
func corpusDir(t *testing.T) string {
	t.Helper()
	dir := filepath.Join("..", "..", "..", "shared", "corpus", "real")
	if _, err := os.Stat(dir); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("corpus %s missing: %v", dir, err)
		}
		t.Skipf("corpus %s missing", dir)
	}
	return dir
}

// TestCorpus runs our rules over every corpus bundle with an nginx config,
// pins the findings in testdata/corpus.golden, and checks the verdicts
// checked by hand for the bundles SOURCES.md calls traps.
func TestCorpus(t *testing.T) {
	dir := corpusDir(t)
	bundles, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	byBundle := map[string][]rules.Finding{}
	var b strings.Builder
	for _, e := range bundles {
		if !e.IsDir() {
			continue
		}
		m, err := discover.Load(context.Background(), discover.Options{Paths: []string{e.Name()}, WorkDir: dir})
		if err != nil {
			t.Fatal(err)
		}
		hasNginx := false
		for _, s := range m.Stacks {
			hasNginx = hasNginx || s.HasNginx
		}
		if !hasNginx {
			continue
		}
		fs := rules.Run(m, ours(), rules.Options{}).Findings
		byBundle[e.Name()] = fs
		fmt.Fprintf(&b, "== %s\n", e.Name())
		for _, f := range fs {
			fmt.Fprintf(&b, "%s:%d:%d: %s [%s]\n", f.Pos.File, f.Pos.Line, f.Pos.Col, f.Severity, f.Rule)
		}
	}
	golden(t, "corpus.golden", b.String())

	// rule → severity ("" = must not fire) per trap bundle; rules not
	// listed must not fire either.
	traps := map[string]map[string]rules.Severity{
		"KomelT__boilerplates":                      {"proxy/host-header": rules.Error},
		"Skewnart__grafana-raspberry":               {},
		"emanuelsouzaa__grafana-iot":                {"proxy/live-path-rewritten": rules.Error},
		"seadenis__iot-stack":                       {"proxy/missing-upgrade-header": rules.Info},
		"sirmosi__monitor_nginx_grafana_prometheus": {},
		"jenicek001__FamilyCart":                    {"proxy/duplicate-header": rules.Warning},
		"radiantnode__tensies":                      {},
		"taz-szk__iotpf-proto":                      {},
		"exabugs__grafana-dashboards":               {},
		"CentipedeRTK__centipede":                   {},
		"chenkianwee__yun2infinity":                 {"server/root-url-mismatch": rules.Warning},
		// root_url is GF_SERVER_ROOT_URL=http://${MY_HOST:-localhost}:${HTTP_PORT:-80}/grafana/
		// from grafana/.env while compose publishes nginx as
		// "${HTTP_PORT:-8000}:80": run as written (HTTP_PORT unset) the two
		// defaults disagree on the public port, a real defect of the
		// defaults; the loopback names localhost and 127.0.0.1 agree.
		"21km43__Anemometer": {"proxy/http-version": rules.Warning, "server/root-url-mismatch": rules.Warning},
		// Issue 8's examples: every defect reported in one run, with no
		// grafana.ini, a template root_url, or root_url against nginx.
		"grafana__grafana": {
			"proxy/missing-upgrade-header": rules.Error, "proxy/missing-connection-header": rules.Error,
			"proxy/http-version": rules.Warning, "proxy/host-header": rules.Error,
		},
		"Csehpi__nginx-prometheus-grafana": {
			"proxy/missing-upgrade-header": rules.Error, "proxy/missing-connection-header": rules.Error,
			"proxy/http-version": rules.Warning,
		},
		"datvo2k__monitor-multiple-vps": {
			"proxy/subpath-mismatch": rules.Error, "proxy/missing-upgrade-header": rules.Error,
			"proxy/missing-connection-header": rules.Error, "proxy/http-version": rules.Warning,
			"proxy/host-header": rules.Error, "server/root-url-mismatch": rules.Warning,
		},
		"osresearch__hackerspace-zone": {
			"proxy/missing-upgrade-header": rules.Error, "proxy/missing-connection-header": rules.Error,
			"proxy/http-version": rules.Warning,
		},
	}
	for bundle, want := range traps {
		fs, ok := byBundle[bundle]
		if !ok {
			t.Errorf("%s: not in the corpus or no nginx config found", bundle)
			continue
		}
		got := map[string]rules.Severity{}
		for _, f := range fs {
			if s, ok := got[f.Rule]; !ok || f.Severity > s {
				got[f.Rule] = f.Severity
			}
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("%s: rules fired differ from the verdict checked by hand (-want +got):\n%s", bundle, diff)
		}
	}
}
