package ini_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/grafanalint/grafanalint/parsers/discover"
	"github.com/grafanalint/grafanalint/rules"
	"github.com/grafanalint/grafanalint/rules/ini"
	"github.com/grafanalint/grafanalint/rules/provisioning"
	"github.com/grafanalint/grafanalint/rules/secret"
)

// corpusDir returns the real-world corpus beside the repository; the test
// is skipped without it, except under CI=true.
func corpusDir(t *testing.T) string {
	t.Helper()
	dir := filepath.Join("..", "..", "..", "shared", "corpus", "real")
	if _, err := os.Stat(dir); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("corpus missing: %v", err)
		}
		t.Skipf("corpus not available: %v", err)
	}
	return dir
}

// TestCorpus runs the ini, provisioning and secret rules over every bundle
// of the real corpus (run with -v to read the findings). It checks that
// secret values never reach a message, that the known mistakes of the
// corpus are found, and that configs derived from Grafana's sample
// grafana.ini produce no ini findings at all.
func TestCorpus(t *testing.T) {
	root := corpusDir(t)
	var set []*rules.Rule
	set = append(set, ini.Rules()...)
	set = append(set, provisioning.Rules()...)
	set = append(set, secret.Rules()...)

	expected := map[string][]struct{ rule, file, text string }{
		"seadenis__iot-stack": {
			{"provisioning/not-loaded", "grafana/custom.ini", `mounted at "/etc/grafana/custom.ini"`},
			{"ini/unknown-key", "docker-compose.yml", "GF_LIVE_ENABLED sets nothing"},
		},
		"emanuelsouzaa__grafana-iot": {{"provisioning/not-loaded", "grafana/config.ini", `mounted at "/etc/grafana/config.ini"`}},
		"Csehpi__nginx-prometheus-grafana": {
			{"provisioning/invalid-access", "grafana/datasources/datasource.yaml", `access "browser"`},
			{"ini/invalid-value", "grafana/grafana.ini", "root_url"},
		},
		"kbsonlong__grafana-auth-proxy": {{"ini/unknown-key", "grafana/grafana.ini", "[session] (removed in Grafana 6.2)"}},
	}
	// Copies of Grafana's sample grafana.ini (everything commented out but
	// a few keys) and a Grafana 2.x example: nothing to say about their ini.
	quiet := []string{"vantamm27__monitoring-stacks", "Skewnart__grafana-raspberry", "CentipedeRTK__centipede", "18F__cg-metrics"}

	bundles, _ := os.ReadDir(root)
	for _, b := range bundles {
		if !b.IsDir() {
			continue
		}
		t.Run(b.Name(), func(t *testing.T) {
			dir := filepath.Join(root, b.Name())
			m, err := discover.Load(context.Background(), discover.Options{Paths: []string{"."}, WorkDir: dir})
			if err != nil {
				t.Fatal(err)
			}
			res := rules.Run(m, set, rules.Options{})
			for _, f := range res.Findings {
				t.Logf("%s:%d:%d: %s: %s [%s]", f.Pos.File, f.Pos.Line, f.Pos.Col, f.Severity, f.Message, f.Rule)
				if f.Rule != secret.Plaintext.ID {
					continue
				}
				file := m.File(f.Pos.File)
				text, ok := file.Line(f.Pos.Line)
				if file == nil || f.End.Line != f.Pos.Line || !ok {
					t.Errorf("%s: secret finding without a one-line span", f.Pos)
					continue
				}
				line := []rune(text)
				if f.End.Col-1 > len(line) || f.End.Col <= f.Pos.Col {
					t.Errorf("%s: bad span end %s", f.Pos, f.End)
					continue
				}
				// "admin", Grafana's published default password, is also a
				// word of the message that names it.
				if v := string(line[f.Pos.Col-1 : f.End.Col-1]); len(v) >= 3 && v != "admin" && strings.Contains(f.Message, v) {
					t.Errorf("%s: message shows the secret value", f.Pos)
				}
			}
			for _, e := range expected[b.Name()] {
				found := false
				for _, f := range res.Findings {
					found = found || (f.Rule == e.rule && f.Pos.File == e.file && strings.Contains(f.Message, e.text))
				}
				if !found {
					t.Errorf("missing %s on %s (%q)", e.rule, e.file, e.text)
				}
			}
			for _, q := range quiet {
				if q != b.Name() {
					continue
				}
				for _, f := range res.Findings {
					if strings.HasPrefix(f.Rule, "ini/") {
						t.Errorf("sample-derived config should be quiet: %s: %s [%s]", f.Pos, f.Message, f.Rule)
					}
				}
			}
		})
	}
}
