package secret

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/grafanalint/grafanalint/parsers/discover"
	"github.com/grafanalint/grafanalint/parsers/model"
	"github.com/grafanalint/grafanalint/rules"
)

// lint writes files into a temporary tree, loads it as the CLI does and
// runs Plaintext; it returns the model and the findings.
func lint(t *testing.T, files map[string]string) (*model.Model, []rules.Finding) {
	t.Helper()
	dir := t.TempDir()
	for p, content := range files {
		full := filepath.Join(dir, filepath.FromSlash(p))
		if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(full, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	m, err := discover.Load(context.Background(), discover.Options{Paths: []string{"."}, WorkDir: dir})
	if err != nil {
		t.Fatal(err)
	}
	return m, rules.Run(m, []*rules.Rule{Plaintext}, rules.Options{}).Findings
}

// Every credential below contains "SECRET"; no message may show it.
var tree = map[string]string{
	"grafana/grafana.ini": `[security]
admin_password = SECRET-admin-1
secret_key = SECRET-key-2

[database]
password = SECRET#cut-3
url = mysql://grafana:SECRET-url-4@db:3306/grafana

[auth.google]
client_secret = "SECRET-google-5"

[plugin.my-app]
api_token = SECRET-plugin-6
use_token = true

[live]
ha_engine_password = $__file{/run/secrets/redis}

[smtp]
password = ${SMTP_PASSWORD}
`,
	"docker-compose.yml": `services:
  grafana:
    image: grafana/grafana:12.0.0
    environment:
      GF_SMTP_PASSWORD: SECRET-compose-7
      GF_AUTH_GOOGLE_CLIENT_SECRET: ${GOOGLE_SECRET}
    env_file: grafana.env
    volumes:
      - ./grafana/grafana.ini:/etc/grafana/grafana.ini
      - ./grafana/provisioning:/etc/grafana/provisioning
`,
	"grafana.env": "GF_DATABASE_PASSWORD=SECRET-envfile-not-reported\n",
	"grafana/provisioning/datasources/ds.yaml": `apiVersion: 1
datasources:
  - name: Postgres
    type: postgres
    url: db:5432
    password: SECRET-top-8
    jsonData:
      tokenUri: https://oauth2.googleapis.com/token
      clientSecret: SECRET-json-9
    secureJsonData:
      password: "SECRET-secure-10"
      tlsCACert: "-----BEGIN CERTIFICATE-----"
      privateKey: $__file{/run/secrets/key}
`,
}

func TestPlaintextNeverShowsTheValue(t *testing.T) {
	m, fs := lint(t, tree)
	var got []string
	for _, f := range fs {
		if strings.Contains(f.Message, "SECRET") || strings.Contains(f.Key, "SECRET") || strings.Contains(f.Entity, "SECRET") {
			t.Errorf("finding shows a credential: %+v", f)
		}
		// The span covers the credential, so that output can mask it.
		text, _ := m.File(f.Pos.File).Line(f.Pos.Line)
		line := []rune(text)
		if f.End.Line != f.Pos.Line || f.End.Col <= f.Pos.Col || f.End.Col-1 > len(line) {
			t.Errorf("%s: bad span to %s", f.Pos, f.End)
			continue
		}
		span := string(line[f.Pos.Col-1 : f.End.Col-1])
		if !strings.Contains(span, "SECRET") {
			t.Errorf("%s: span %q does not cover the credential", f.Pos, span)
		}
		got = append(got, fmt.Sprintf("%s:%d", f.Pos.File, f.Pos.Line))
	}
	want := []string{
		"docker-compose.yml:5",
		"grafana/grafana.ini:2", "grafana/grafana.ini:3", "grafana/grafana.ini:6", "grafana/grafana.ini:7",
		"grafana/grafana.ini:10", "grafana/grafana.ini:13",
		"grafana/provisioning/datasources/ds.yaml:6", "grafana/provisioning/datasources/ds.yaml:9",
		"grafana/provisioning/datasources/ds.yaml:11",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("findings (-want +got):\n%s", diff)
	}
}

// TestPlaintextComposeSpans checks the spans of compose credentials: the
// value itself when the line shows it verbatim, up to the end of the line
// when it does not (escapes), so that masking hides the whole credential.
func TestPlaintextComposeSpans(t *testing.T) {
	m, fs := lint(t, map[string]string{"docker-compose.yml": `services:
  grafana:
    image: grafana/grafana:12.0.0
    environment:
      - GF_SMTP_PASSWORD=SECRET-list-1
      - "GF_DATABASE_PASSWORD=SECRET-quoted-2"
  grafana2:
    image: grafana/grafana:12.0.0
    environment:
      GF_SMTP_PASSWORD: 'SECRET-map-3'
      GF_DATABASE_PASSWORD: "SECRET-\"escaped-4"
`})
	var got []string
	for _, f := range fs {
		text, _ := m.File(f.Pos.File).Line(f.Pos.Line)
		line := []rune(text)
		if f.End.Line != f.Pos.Line || f.End.Col <= f.Pos.Col || f.End.Col-1 > len(line) {
			t.Errorf("%s: bad span to %s", f.Pos, f.End)
			continue
		}
		got = append(got, fmt.Sprintf("%d:%d %s", f.Pos.Line, f.Pos.Col, string(line[f.Pos.Col-1:f.End.Col-1])))
	}
	want := []string{
		`5:26 SECRET-list-1`,
		`6:31 SECRET-quoted-2`,
		`10:26 SECRET-map-3`,
		`11:30 SECRET-\"escaped-4"`,
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("spans (-want +got):\n%s", diff)
	}
}

func TestPlaintextSpecialMessages(t *testing.T) {
	_, fs := lint(t, map[string]string{"grafana/grafana.ini": "[security]\nadmin_password = admin\nsecret_key = SW2YcwTIb9zpOOhoPsMm\n[database]\npassword = $DB_PASSWORD\n"})
	var got []string
	for _, f := range fs {
		got = append(got, f.Message)
	}
	for i, w := range []string{"Grafana's default admin password", "the well-known default key", "bare $VAR reference"} {
		if i >= len(got) || !strings.Contains(got[i], w) {
			t.Errorf("finding %d: want a message containing %q, got %q", i, w, got)
		}
	}
}

func TestIsIniSecret(t *testing.T) {
	for _, tc := range []struct {
		section, key string
		want         bool
	}{
		{"security", "admin_password", true}, {"security", "secret_key", true}, {"security", "admin_user", false},
		{"database", "password", true}, {"database", "user", false}, {"smtp", "password", true},
		{"live", "ha_engine_password", true}, {"server", "cert_pass", true},
		{"auth.generic_oauth", "client_secret", true}, {"auth.my_idp", "client_secret", true},
		{"auth.github", "token_url", false}, {"auth.github", "use_refresh_token", false},
		{"users", "password_hint", false}, {"auth", "token_rotation_interval_minutes", false},
		{"plugin.x", "api_token", true}, {"plugin.x", "token_url", false}, {"plugin.x", "enable_token", false},
		{"secrets_manager.encryption.secret_key.v1", "secret_key", true},
	} {
		if got := IsIniSecret(tc.section, tc.key); got != tc.want {
			t.Errorf("IsIniSecret(%q, %q) = %v, want %v", tc.section, tc.key, got, tc.want)
		}
	}
}

func TestCredentialName(t *testing.T) {
	for name, want := range map[string]bool{
		"apiToken": true, "clientSecret": true, "password": true, "accessKey": true, "privateKey": true,
		"tokenUri": false, "authTokenUrl": false, "passwordHint": false, "useToken": false, "tokenType": false,
		"sigV4AccessKeyId": false, "tlsAuth": false, "httpMethod": false,
	} {
		if got := credentialName(name); got != want {
			t.Errorf("credentialName(%q) = %v, want %v", name, got, want)
		}
	}
}

func TestLiteral(t *testing.T) {
	for v, want := range map[string]bool{
		"hunter2": true, "": false, "  ": false, "...": false, "***": false, "<password>": false,
		"{{ vault_pw }}": false, "true": false, "admin": true,
	} {
		if got := literal(v, false); got != want {
			t.Errorf("literal(%q) = %v, want %v", v, got, want)
		}
	}
	if literal("x", true) {
		t.Error("a dynamic value is not literal")
	}
}
