package report

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/grafanalint/grafanalint/parsers/model"
	"github.com/grafanalint/grafanalint/rules"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/golden")

// The fixture's files. The dashboard line has a tab, a wide (CJK)
// character and a two-byte character before the reported span.
const (
	dashPath = "dashboards/ops, infra/live.json"
	dsPath   = "provisioning/datasources/ds.yaml"
	ngxPath  = "nginx/grafana.conf"
	secret   = "hunter2-s3cret"
)

var fixtureFiles = map[string][]string{
	dashPath: {
		`{`,
		"\t\"title\": \"日本 café\", \"datasource\": \"missing-ds\",",
		`  "uid": "live"`,
		`}`,
	},
	dsPath: {
		`apiVersion: 1`,
		`datasources:`,
		`  - name: Prom`,
		`    uid: prom`,
		`    url: http://prometheus:9090`,
		`    basicAuthPassword: ` + secret + ` # 100%`,
	},
}

// col returns the 1-based code point column of sub in line l of file.
func col(t testing.TB, file string, line int, sub string) int {
	t.Helper()
	s := fixtureFiles[file][line-1]
	i := strings.Index(s, sub)
	if i < 0 {
		t.Fatalf("%q not in %s:%d", sub, file, line)
	}
	return len([]rune(s[:i])) + 1
}

func pos(file string, line, c int) model.Pos { return model.Pos{File: file, Line: line, Col: c} }

func fixtureRules() []*rules.Rule {
	return []*rules.Rule{
		{ID: "secret/plaintext", Severity: rules.Warning, Summary: "a secret is written literally",
			Doc: rules.Doc{What: "Reports passwords written in plain text.", Why: "Anyone who reads the file reads the secret.", Fix: "Use $__file{} or $__env{}."}},
		{ID: "dashboard/unknown-datasource", Severity: rules.Error, Summary: "a dashboard names a datasource no provisioning file defines",
			Doc: rules.Doc{What: "Reports datasource references that match no datasource.", Why: "Grafana shows \"datasource not found\" on the panel.", Fix: "Reference a provisioned uid."}},
		{ID: "datasource/basic-auth-http", Severity: rules.Info, Summary: "basic auth over plain http"},
		{ID: "ini/unused", Severity: rules.Off, Summary: "an ini key Grafana does not read"},
	}
}

func fixtureRun(t testing.TB) *Run {
	t.Helper()
	dsCol := col(t, dashPath, 2, "missing-ds")
	secCol := col(t, dsPath, 6, secret)
	return &Run{
		Findings: []rules.Finding{
			{
				Rule: "dashboard/unknown-datasource", Severity: rules.Error,
				Message: `datasource "missing-ds" is not provisioned: 1 of <2> & "more"`,
				Pos:     pos(dashPath, 2, dsCol), End: pos(dashPath, 2, dsCol+len("missing-ds")),
				Related: []rules.Related{
					{Pos: pos(dsPath, 3, 5), Message: "datasources are provisioned here"},
					{Pos: model.Pos{Line: 3, Col: 3}, Message: "dashboard uid, same file"},
				},
				Entity: "dashboard:live", Key: "missing-ds",
			},
			{
				Rule: "datasource/basic-auth-http", Severity: rules.Info,
				Message: "basic auth password sent over http: 100%, unencrypted",
				Pos:     pos(dsPath, 6, 5),
				Entity:  "datasource:prom",
			},
			{
				Rule: "secret/plaintext", Severity: rules.Warning,
				Message: `basicAuthPassword of datasource "prom" is written in plain text`,
				Pos:     pos(dsPath, 6, secCol), End: pos(dsPath, 6, secCol+len(secret)),
				Entity: "datasource:prom", Key: "basicAuthPassword",
			},
			{
				Rule: "proxy/websocket-upgrade", Severity: rules.Warning,
				Message: "location /api/live/ does not pass the Upgrade header\nlive panels will not update",
				Pos:     pos(ngxPath, 14, 9), End: pos(ngxPath, 16, 10),
				Entity: "nginx:grafana.example.com",
			},
		},
		Rules: fixtureRules(),
		Files: fixtureFiles,
		Summary: Summary{
			Files: 3, Stacks: 1,
			Skipped: []Skipped{{Family: "alerting", Reason: `no alerting provisioning in stack "prod"`}},
		},
		ToolVersion: "0.1.0",
	}
}

func emptyRun() *Run {
	return &Run{Rules: fixtureRules(), Summary: Summary{Files: 2, Stacks: 1}, ToolVersion: "0.1.0"}
}

// golden compares got with testdata/golden/name, or rewrites it with
// -update.
func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", "golden", name)
	if *update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run with -update to create it)", err)
	}
	if diff := cmp.Diff(string(want), string(got)); diff != "" {
		t.Errorf("%s mismatch (-want +got):\n%s", path, diff)
	}
}

func write(t *testing.T, format string, run *Run, opts Options) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := Write(&buf, format, run, opts); err != nil {
		t.Fatalf("Write(%q): %v", format, err)
	}
	return buf.Bytes()
}

func TestGolden(t *testing.T) {
	for _, format := range Formats() {
		t.Run(format, func(t *testing.T) {
			golden(t, format+".golden", write(t, format, fixtureRun(t), Options{}))
			golden(t, "empty-"+format+".golden", write(t, format, emptyRun(), Options{}))
		})
	}
	t.Run("text-color", func(t *testing.T) {
		golden(t, "text-color.golden", write(t, "text", fixtureRun(t), Options{Color: true}))
	})
	t.Run("text-noexcerpt", func(t *testing.T) {
		golden(t, "text-noexcerpt.golden", write(t, "text", fixtureRun(t), Options{NoExcerpt: true}))
	})
	t.Run("statistics", func(t *testing.T) {
		var buf bytes.Buffer
		if err := Statistics(&buf, fixtureRun(t)); err != nil {
			t.Fatal(err)
		}
		golden(t, "statistics.golden", buf.Bytes())
	})
}

func TestFormats(t *testing.T) {
	var keys []string
	for k := range writers {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	got := Formats()
	if got[0] != "text" {
		t.Errorf("default format = %q, want text", got[0])
	}
	sort.Strings(got)
	if diff := cmp.Diff(keys, got); diff != "" {
		t.Errorf("Formats() and writers differ (-writers +Formats):\n%s", diff)
	}
	want := []string{"checkstyle", "github", "gitlab", "json", "junit", "oneline", "sarif", "text"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("formats (-want +got):\n%s", diff)
	}
}

func TestUnknownFormat(t *testing.T) {
	err := Write(&bytes.Buffer{}, "xml", emptyRun(), Options{})
	if err == nil || !strings.Contains(err.Error(), `unknown format "xml"`) || !strings.Contains(err.Error(), `"sarif"`) {
		t.Fatalf("Write(xml) error = %v, want unknown format listing the formats", err)
	}
}

// TestSecretNeverPrinted: no format shows the value a secret/plaintext
// finding points at, although the excerpt line holds it and another
// finding shows the same line.
func TestSecretNeverPrinted(t *testing.T) {
	for _, format := range Formats() {
		for _, opts := range []Options{{}, {Color: true}} {
			out := write(t, format, fixtureRun(t), opts)
			if bytes.Contains(out, []byte(secret)) || bytes.Contains(out, []byte("hunter")) {
				t.Errorf("%s output (color %v) contains the secret:\n%s", format, opts.Color, out)
			}
		}
	}
	// Hiding it does not depend on the secret rule: without the rule's
	// findings (the rule switched off) the line still names a credential
	// and its value is masked.
	saved := MaskedRules
	MaskedRules = map[string]bool{}
	defer func() { MaskedRules = saved }()
	if out := write(t, "text", fixtureRun(t), Options{}); bytes.Contains(out, []byte(secret)) {
		t.Errorf("without the rule's mask the excerpt shows the secret:\n%s", out)
	}
}

func TestWriteCountsFromFindings(t *testing.T) {
	run := fixtureRun(t)
	run.Summary.Errors, run.Summary.Warnings, run.Summary.Infos = 40, 50, 60
	out := string(write(t, "text", run, Options{NoExcerpt: true}))
	if !strings.Contains(out, "1 error, 2 warnings, 1 info in 3 files (1 stack)\n") {
		t.Errorf("summary not recomputed from findings:\n%s", out)
	}
	if run.Summary.Errors != 40 {
		t.Errorf("Write changed the caller's Run")
	}
}

func TestHelpURL(t *testing.T) {
	tests := map[string]string{
		"secret/plaintext": "https://github.com/grafanalint/grafanalint/blob/main/docs/rules/secret/plaintext.md",
		"parse":            "https://github.com/grafanalint/grafanalint/blob/main/docs/rules/parse.md",
	}
	for id, want := range tests {
		if got := HelpURL(id); got != want {
			t.Errorf("HelpURL(%q) = %q, want %q", id, got, want)
		}
	}
	saved := HelpBase
	HelpBase = "https://example.test/r/"
	defer func() { HelpBase = saved }()
	if got := HelpURL("a/b"); got != "https://example.test/r/a/b.md" {
		t.Errorf("HelpURL with another base = %q", got)
	}
}
