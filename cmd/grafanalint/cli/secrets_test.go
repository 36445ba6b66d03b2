package cli

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/grafanalint/grafanalint/cmd/grafanalint/baseline"
	"github.com/grafanalint/grafanalint/cmd/grafanalint/report"
	"github.com/grafanalint/grafanalint/parsers/discover"
	"github.com/grafanalint/grafanalint/rules"
	"github.com/grafanalint/grafanalint/rules/all"
)

// secretTree writes a compose project with Grafana behind nginx and a
// credential in every place one can be written: grafana.ini (root_url
// user info, a ${VAR:-default}, a value cut by "#", [database] url,
// [remote_cache] connstr, [smtp] password), datasource provisioning (url
// user info, basicAuthPassword, secureJsonData password and Authorization
// header), nginx (proxy_pass user info, Authorization and Cookie
// headers, a duplicate Authorization header), and compose (GF_* variables, GF_DATABASE_URL, another
// service's password). The tree has findings on most of those lines.
// secret(i) gives the i-th credential; it must stay valid where it is
// written (no quotes, no "#", no "/", no "@", no space).
func secretTree(t testing.TB, dir string, secret func(i int) string) {
	files := map[string]string{
		"grafana/grafana.ini": `[server]
root_url = https://admin:` + secret(1) + `@grafana.example.com/grafana/
serve_from_sub_path = true
[security]
admin_password = ${ADMIN_PW:-` + secret(2) + `}
secret_key = ` + secret(3) + `#` + secret(4) + `
[database]
url = postgres://grafana:` + secret(5) + `@db:5432/grafana
[remote_cache]
type = redis
connstr = addr=redis:6379,pool_size=100,db=0,password=` + secret(6) + `
[smtp]
password = ` + secret(7) + `
[live]
max_connections = abc
[unknownsection]
badkey = x
`,
		"grafana/provisioning/datasources/ds.yaml": `apiVersion: 1
datasources:
  - name: Prom
    type: prometheus
    uid: prom
    url: http://scraper:` + secret(8) + `@prometheus:9090
    basicAuthPassword: ` + secret(9) + `
    jsonData:
      httpHeaderName1: Authorization
    secureJsonData:
      httpHeaderValue1: Bearer ` + secret(10) + `
      password: ` + secret(11) + `
`,
		"grafana/provisioning/dashboards/p.yaml": "apiVersion: 1\nproviders:\n  - name: d\n    options:\n      path: /var/lib/grafana/dashboards\n",
		"grafana/dashboards/d.json": `{"uid": "d", "title": "D", "schemaVersion": 39, "panels": [{"type": "timeseries", "datasource": {"type": "prometheus", "uid": "nope"}, "targets": [{"refId": "A", "datasource": {"type": "prometheus", "uid": "nope"}}]}]}
`,
		"nginx/nginx.conf": `events {}
http {
  server {
    listen 80;
    server_name grafana.example.com;
    proxy_set_header Authorization "Basic ` + secret(12) + `";
    location /grafana/ {
      proxy_set_header Authorization "Bearer ` + secret(19) + `";
      proxy_set_header Authorization "Bearer ` + secret(20) + `";
      proxy_set_header Cookie "session=` + secret(13) + `";
      proxy_pass http://user:` + secret(14) + `@grafana:3000/;
    }
  }
}
`,
		"docker-compose.yml": `services:
  grafana:
    image: grafana/grafana:11.5.2
    environment:
      GF_SECURITY_ADMIN_PASSWORD: ` + secret(15) + `
      GF_DATABASE_URL: mysql://u:` + secret(16) + `@db/g
      GF_AUTH_GENERIC_OAUTH_CLIENT_SECRET: ${OAUTH_SECRET:-` + secret(17) + `}
    volumes:
      - ./grafana/grafana.ini:/etc/grafana/grafana.ini
      - ./grafana/provisioning:/etc/grafana/provisioning
      - ./grafana/dashboards:/var/lib/grafana/dashboards
  db:
    image: postgres:16
    environment:
      POSTGRES_PASSWORD: ` + secret(18) + `
  nginx:
    image: nginx:1.27
    volumes:
      - ./nginx/nginx.conf:/etc/nginx/nginx.conf
`,
	}
	for name, content := range files {
		writeFile(t.(*testing.T), filepath.Join(dir, name), content)
	}
}

// secretCount is how many credentials secretTree plants.
const secretCount = 20

// outputsOf runs every way grafanalint prints something about the tree in
// dir and returns what each printed or wrote, by name: every format with
// excerpts on stdout, --output files of every format, --statistics on
// stderr, `model`, and the baseline file.
func outputsOf(t *testing.T, dir string) map[string]string {
	t.Helper()
	out := map[string]string{}
	outDir := t.TempDir()
	args := []string{"--excerpt", "always", "--statistics"}
	for _, f := range report.Formats() {
		args = append(args, "--output", f+"="+filepath.Join(outDir, "out."+f))
	}
	for _, f := range report.Formats() {
		r := runCLI(t, dir, "", append([]string{"--format", f}, args...)...)
		if r.code != ExitFindings {
			t.Fatalf("--format %s: exit %d, want 1; stderr:\n%s", f, r.code, r.stderr)
		}
		out["stdout "+f] = r.stdout
		out["stderr "+f] = r.stderr
	}
	for _, f := range report.Formats() {
		b, err := os.ReadFile(filepath.Join(outDir, "out."+f))
		if err != nil {
			t.Fatal(err)
		}
		out["--output "+f] = string(b)
	}
	r := runCLI(t, dir, "", "model")
	out["model"], out["stderr model"] = r.stdout, r.stderr
	base := filepath.Join(outDir, "baseline.json")
	r = runCLI(t, dir, "", "baseline", base)
	b, err := os.ReadFile(base)
	if err != nil {
		t.Fatalf("baseline: %v (stderr %s)", err, r.stderr)
	}
	out["baseline"], out["stderr baseline"] = string(b), r.stderr
	r = runCLI(t, dir, "", "--baseline", base, "--format", "json")
	out["stdout with baseline"], out["stderr with baseline"] = r.stdout, r.stderr
	return out
}

// TestSecretsNeverPrinted plants a credential in every place one can be
// written and checks that none reaches any output: the 8 formats with
// excerpts and related notes, --output files, --statistics, `model` and
// the baseline file.
func TestSecretsNeverPrinted(t *testing.T) {
	dir := t.TempDir()
	secret := func(i int) string { return fmt.Sprintf("Planted%02dSecret", i) }
	secretTree(t, dir, secret)

	// Without redaction the findings carry some of them (the test can
	// fail): proxy rules quote proxy_pass and root_url.
	m, err := discover.Load(context.Background(), discover.Options{WorkDir: dir})
	if err != nil {
		t.Fatal(err)
	}
	raw := ""
	for _, f := range rules.Run(m, all.Rules(), rules.Options{}).Findings {
		raw += f.Message + "\n"
		for _, rel := range f.Related {
			raw += rel.Message + "\n"
		}
	}
	if !strings.Contains(raw, secret(14)) || !strings.Contains(raw, secret(1)) || !strings.Contains(raw, secret(19)) {
		t.Fatalf("the tree no longer makes rules quote a proxy_pass or root_url password or an Authorization header:\n%s", raw)
	}

	outs := outputsOf(t, dir)
	for name, text := range outs {
		for i := 1; i <= secretCount; i++ {
			if strings.Contains(text, secret(i)) {
				t.Errorf("%s shows secret %d:\n%s", name, i, excerptAround(text, secret(i)))
			}
		}
	}
	// What was hidden is marked, not dropped.
	if !strings.Contains(outs["stdout oneline"], "proxy_pass http://user:<redacted>@grafana:3000") {
		t.Errorf("the proxy_pass URL is not shown with its password redacted:\n%s", outs["stdout oneline"])
	}
	if !strings.Contains(outs["model"], `"value": "\u003credacted\u003e"`) {
		t.Error("model output marks no value as redacted")
	}
}

// FuzzSecretsNeverPrinted plants random credentials in every place of
// secretTree and checks that no output shows any: every format with
// excerpts, the statistics, `model` and the baseline file, produced in
// process the way the command does (TestSecretsNeverPrinted runs the
// command itself). Each credential is "Fz" and 2 to 22 characters of letters,
// digits and "-_.~!*+=", which stay valid in every place (URL user info,
// YAML plain scalars, nginx quoted strings, ini values).
func FuzzSecretsNeverPrinted(f *testing.F) {
	f.Add([]byte("hunter2"))
	f.Add([]byte("a\x00b\xffc=d+e*f!g~h.i_j-k"))
	f.Add([]byte("admin password secret token 3000 grafana prom"))
	const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.~!*+="
	f.Fuzz(func(t *testing.T, data []byte) {
		secrets := make([]string, secretCount+1)
		for i := 1; i <= secretCount; i++ {
			n := 2
			if len(data) > 0 {
				n = 2 + int(data[(i*7)%len(data)])%21
			}
			b := []byte("Fz")
			for j := range n {
				c := byte(i*31 + j*17)
				if len(data) > 0 {
					c += data[(i*13+j)%len(data)]
				}
				b = append(b, alphabet[int(c)%len(alphabet)])
			}
			secrets[i] = string(b)
		}
		dir := t.TempDir()
		secretTree(t, dir, func(i int) string { return secrets[i] })
		outs := printAll(t, dir)
		for name, text := range outs {
			for i := 1; i <= secretCount; i++ {
				if strings.Contains(text, secrets[i]) {
					t.Fatalf("%s shows secret %d %q:\n%s", name, i, secrets[i], excerptAround(text, secrets[i]))
				}
			}
		}
	})
}

// printAll produces, in process, what the command prints about the tree
// in dir: every format with excerpts, the statistics, the model and the
// baseline file.
func printAll(t *testing.T, dir string) map[string]string {
	t.Helper()
	m, err := discover.Load(context.Background(), discover.Options{WorkDir: dir})
	if err != nil {
		t.Fatal(err)
	}
	res := redactResult(m, rules.Run(m, all.Rules(), rules.Options{}))
	run := (&Command{}).reportRun(m, res)
	outs := map[string]string{}
	for _, f := range report.Formats() {
		var b strings.Builder
		if err := report.Write(&b, f, run, report.Options{}); err != nil {
			t.Fatal(err)
		}
		outs[f] = b.String()
	}
	var b strings.Builder
	if err := report.Statistics(&b, run); err != nil {
		t.Fatal(err)
	}
	outs["statistics"] = b.String()
	b.Reset()
	if err := writeModel(&b, m); err != nil {
		t.Fatal(err)
	}
	outs["model"] = b.String()
	outs["baseline"] = string(baseline.New(res.Findings, func(s string) string { return s }).Marshal())
	return outs
}

// TestModelShowsReferences: a credential that is only a reference is
// shown in `model` (it is what the user debugs), one with a literal
// default is not.
func TestModelShowsReferences(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, filepath.Join(dir, "grafana.ini"), "[security]\nadmin_password = $__file{/run/secrets/admin}\nsecret_key = ${KEY:-Literal4Default}\n[database]\nurl = ${DB_URL}\n")
	r := runCLI(t, dir, "", "model")
	if !strings.Contains(r.stdout, "$__file{/run/secrets/admin}") || !strings.Contains(r.stdout, "${DB_URL}") {
		t.Errorf("references are hidden in model output")
	}
	if strings.Contains(r.stdout, "Literal4Default") {
		t.Errorf("the literal default of ${KEY:-…} is shown")
	}
}

// excerptAround returns the line of text holding s.
func excerptAround(text, s string) string {
	i := strings.Index(text, s)
	start := strings.LastIndexByte(text[:i], '\n') + 1
	end := strings.IndexByte(text[i:], '\n')
	if end < 0 {
		return text[start:]
	}
	return text[start : i+end]
}
