package ini

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/grafanalint/grafanalint/parsers/grafanaini"
	"github.com/grafanalint/grafanalint/parsers/model"
	"github.com/grafanalint/grafanalint/rules"
)

// check runs rule r over a stack made of an ini file and an env file (both
// optional), read by the real parsers, and returns the findings as
// "file:line:col: message".
func check(t *testing.T, r *rules.Rule, ini, env string, v rules.Version) []string {
	t.Helper()
	var file *model.IniFile
	if ini != "" {
		f, probs := grafanaini.Parse("grafana.ini", []byte(ini))
		if len(probs) > 0 {
			t.Fatalf("grafana.ini: %v", probs)
		}
		file = f
	}
	var vars []model.EnvVar
	if env != "" {
		ev, probs := grafanaini.ParseEnvFile("grafana.env", []byte(env))
		if len(probs) > 0 {
			t.Fatalf("grafana.env: %v", probs)
		}
		vars = ev
	}
	st := &model.Stack{Name: "test", Settings: grafanaini.Effective(file, vars), HasIni: file != nil}
	m := &model.Model{Stacks: []*model.Stack{st}}
	if v == (rules.Version{}) {
		v = rules.CurrentGrafana
	}
	var out []rules.Finding
	r.Check(rules.NewContext(m, st, v, r, &out))
	got := []string{}
	for _, f := range rules.Sort(out) {
		if f.Rule != "" && f.Rule != r.ID {
			t.Errorf("finding of rule %q reported by %s", f.Rule, r.ID)
		}
		got = append(got, fmt.Sprintf("%s: %s", f.Pos, f.Message))
	}
	return got
}

// want holds expected findings as "file:line:col: " prefixes plus a part of
// the message.
type want struct{ pos, msg string }

func compare(t *testing.T, got []string, wants []want) {
	t.Helper()
	if len(got) != len(wants) {
		t.Fatalf("got %d findings, want %d:\n%s", len(got), len(wants), strings.Join(got, "\n"))
	}
	for i, w := range wants {
		if !strings.HasPrefix(got[i], w.pos+": ") || !strings.Contains(got[i], w.msg) {
			t.Errorf("finding %d = %q, want at %s containing %q", i, got[i], w.pos, w.msg)
		}
	}
}

func TestUnknownKey(t *testing.T) {
	for _, tc := range []struct {
		name     string
		ini, env string
		version  rules.Version
		want     []want
	}{
		{name: "typo in own section", ini: "[server]\nhttp_prot = 3000\n",
			want: []want{{"grafana.ini:2:1", `did you mean "http_port"?`}}},
		{name: "case of a key", ini: "[server]\nHTTP_PORT = 3000\n",
			want: []want{{"grafana.ini:2:1", `key names are case-sensitive: write "http_port"`}}},
		{name: "key of another section", ini: "[server]\nallow_sign_up = false\n",
			want: []want{{"grafana.ini:2:1", `"allow_sign_up" is a key of [users]`}}},
		{name: "top of the file", ini: "root_url = http://x/\n[server]\n",
			want: []want{{"grafana.ini:1:1", `"root_url" is a key of [server]`}}},
		{name: "generic name gets no home", ini: "[server]\nenabled = true\n",
			want: []want{{"grafana.ini:2:1", "check the name"}}},
		{name: "folklore", ini: "[live]\nenabled = true\n[dashboards]\ndatasource_uid = abc\n",
			want: []want{{"grafana.ini:2:1", "Live is on by default"}, {"grafana.ini:4:1", `no "datasource_uid" setting`}}},
		{name: "unknown section once", ini: "[sever]\nhttp_port = 1\n\n[sever]\ndomain = x\n",
			want: []want{{"grafana.ini:1:2", "the 2 keys under it are ignored; did you mean [server]?"}}},
		{name: "section with spaces", ini: "[ smtp ]\nhost = x\n",
			want: []want{{"grafana.ini:1:2", "keeps the spaces inside the brackets: write [smtp]"}}},
		{name: "empty unknown section is silent", ini: "[event_publisher]\n[server]\nhttp_port = 3000\n"},
		{name: "parent section takes the key", ini: "[auth.github]\nlogin_cookie_name = gh\n",
			want: []want{{"grafana.ini:2:1", "changes [auth] login_cookie_name for all of Grafana"}}},
		{name: "open sections", ini: "[feature_toggles]\nanything = true\n[plugin.my-app]\nkey = v\n[auth.saml]\nidp_metadata_url = x\n[server.custom_response_headers]\nX-Foo = bar\n"},
		{name: "keys read in code only", ini: "[alerting]\nenabled = false\n[dataproxy]\nmax_idle_connections_per_host = 10\n[auth.saml]\nenabled = true\n"},
		{name: "legacy alerting keys", ini: "[alerting]\nexecute_alerts = true\n",
			want: []want{{"grafana.ini:2:1", "since Grafana 11 removed legacy alerting"}}},
		{name: "legacy alerting keys before 11", ini: "[alerting]\nexecute_alerts = true\n", version: rules.Version{Major: 10, Minor: 4}},
		{name: "csrf keys exist", ini: "[security]\ncsrf_trusted_origins = grafana.example.com\ncsrf_additional_headers = X-Forwarded-Host\ncsrf_skip_check_if_login_cookie_not_present = false\n"},
		{name: "csrf env variables without a file key", env: "GF_SECURITY_CSRF_TRUSTED_ORIGINS=grafana.example.com\nGF_SECURITY_CSRF_TRUSTED_ORIGIN=typo.example.com\n",
			want: []want{{"grafana.env:2:1", `did you mean GF_SECURITY_CSRF_TRUSTED_ORIGINS`}}},
		{name: "key added in 13.0", ini: "[server]\nserve_on_socket = true\n", version: rules.Version{Major: 12, Minor: 4},
			want: []want{{"grafana.ini:2:1", "serve_on_socket exists from Grafana 13.0"}}},
		{name: "key added in 13.0 on 13.0", ini: "[server]\nserve_on_socket = true\n", version: rules.Version{Major: 13}},
		{name: "key removed in 12.0", ini: "[users]\neditors_can_admin = true\n[security]\nangular_support_enabled = true\n", version: rules.Version{Major: 12},
			want: []want{{"grafana.ini:2:1", "Grafana 12.0 removed editors_can_admin"}, {"grafana.ini:4:1", "removed Angular support"}}},
		{name: "key removed in 12.0 on 11.6", ini: "[users]\neditors_can_admin = true\n[security]\nangular_support_enabled = true\n", version: rules.Version{Major: 11, Minor: 6}},
		{name: "removed section", ini: "[session]\nprovider = memory\n",
			want: []want{{"grafana.ini:1:2", "(removed in Grafana 6.2)"}}},
		{name: "env variables", env: "GF_LIVE_ENABLED=false\nGF_SERVER_ROOTURL=x\nGF_SECURITY_ALLOW_SIGN_UP=false\nGF_SERVER_ROOT_URL=http://x/\nGF_INSTALL_PLUGINS=a\nGF_SECURITY_ADMIN_PASSWORD__FILE=/s\nGF_NOT_A_SECTION=1\nGF_FEATURE_TOGGLES_FOO=true\nGF_SERVER_EMPTY=\n",
			want: []want{
				{"grafana.env:1:1", "GF_LIVE_ENABLED sets nothing: [live] has no key \"enabled\""},
				{"grafana.env:2:1", "did you mean GF_SERVER_ROOT_URL ([server] root_url)?"},
				{"grafana.env:3:1", `"allow_sign_up" is a key of [users] (GF_USERS_ALLOW_SIGN_UP)`},
			}},
		{name: "env variable for a key the file adds", ini: "[server]\nmy_key = 1\n", env: "GF_SERVER_MY_KEY=2\n",
			want: []want{{"grafana.ini:2:1", `[server] has no key "my_key"`}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			compare(t, check(t, UnknownKey, tc.ini, tc.env, tc.version), tc.want)
		})
	}
}

func TestInvalidValue(t *testing.T) {
	for _, tc := range []struct {
		name     string
		ini, env string
		version  rules.Version
		want     []want
	}{
		{name: "live limits", ini: "[live]\nmax_connections = -2\nmessage_size_limit = -1\n",
			want: []want{{"grafana.ini:2:19", "is below -1"}}},
		{name: "unparsable limit is not invalid", ini: "[live]\nmax_connections = abc\n"},
		{name: "origins at their own position", ini: "[live]\nallowed_origins = https://ok.example.com,  https://[bad, https://{x\n",
			want: []want{{"grafana.ini:2:44", `entry "https://[bad" is not a valid origin pattern (unexpected end of input)`}}},
		{name: "origins from env", env: "GF_LIVE_ALLOWED_ORIGINS=https://a, https://[b\n",
			want: []want{{"grafana.env:1:36", `entry "https://[b"`}}},
		{name: "root_url with unresolved reference", ini: "[server]\nroot_url = %(nope)s://x/\n",
			want: []want{{"grafana.ini:2:12", "does not parse as a URL"}}},
		{name: "root_url fine", ini: "[server]\nroot_url = https://grafana.example.com/sub\n"},
		{name: "durations", ini: "[auth]\nlogin_maximum_inactive_lifetime_duration = 7days\nlogin_maximum_lifetime_duration = 1M\n[users]\nlast_seen_update_interval = 10\nverification_email_max_lifetime_duration = 0\n[explore]\ndefaultTimeOffset = 2w\n",
			want: []want{{"grafana.ini:2:44", "is not a duration"}, {"grafana.ini:5:29", "is not a duration"}}},
		{name: "alerting", ini: "[alerting]\nenabled = on\n", want: []want{{"grafana.ini:2:11", "legacy alerting"}}},
		{name: "alerting before 11", ini: "[alerting]\nenabled = on\n", version: rules.Version{Major: 10, Minor: 4}},
		// Grafana's go-ini (v1.67.0/1) cuts cycles: ini/unresolved-reference.
		{name: "cycles do not stop Grafana", ini: "[server]\nhttp_port = %(root_url)s\n[a]\nx = %(y)s\ny = %(x)s\n"},
		{name: "deploy-time values", ini: "[live]\nha_engine = ${ENGINE}\nmax_connections = {{ max }}\n"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			compare(t, check(t, InvalidValue, tc.ini, tc.env, tc.version), tc.want)
		})
	}
}

func TestIgnoredValue(t *testing.T) {
	for _, tc := range []struct {
		name     string
		ini, env string
		version  rules.Version
		want     []want
	}{
		{name: "booleans", ini: "[users]\nallow_sign_up = Y\nallow_org_create = N\nverify_email_enabled = y\nauto_assign_org = n\n",
			want: []want{{"grafana.ini:2:17", "Grafana silently uses true instead"}, {"grafana.ini:3:20", "Grafana silently uses true instead"}}},
		{name: "fallback is the code's", ini: "[dataproxy]\nmax_idle_connections = lots\n",
			want: []want{{"grafana.ini:2:24", "Grafana silently uses 0 instead"}}},
		{name: "integers go-ini reads", ini: "[live]\nmax_connections = 0x10\nmessage_size_limit = 1_000\n[dataproxy]\ntimeout = 010\n"},
		{name: "protocol", ini: "[server]\nprotocol = HTTP2\n", want: []want{{"grafana.ini:2:12", `Grafana silently uses "http" instead, so Grafana serves plain HTTP; write one of them`}}},
		{name: "env", env: "GF_SERVER_ENABLE_GZIP=enabled\n", want: []want{{"grafana.env:1:23", `GF_SERVER_ENABLE_GZIP="enabled" is not a boolean`}}},
		{name: "unverified keys are left alone", ini: "[auth.github]\nallow_sign_up = maybe\n[database]\nmax_open_conn = many\n"},
		{name: "unknown keys are left alone", ini: "[server]\nenable_gzipp = maybe\n"},
		{name: "socket_h2 before 13.0", ini: "[server]\nprotocol = socket_h2\n", version: rules.Version{Major: 12, Minor: 4},
			want: []want{{"grafana.ini:2:12", `("socket_h2" exists from Grafana 13.0, grafana/grafana#118155)`}}},
		{name: "socket_h2 from 13.0", ini: "[server]\nprotocol = socket_h2\n", version: rules.Version{Major: 13}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			compare(t, check(t, IgnoredValue, tc.ini, tc.env, tc.version), tc.want)
		})
	}
}

func TestInlineComment(t *testing.T) {
	for _, tc := range []struct {
		name, ini string
		want      []want
	}{
		{name: "touching", ini: "[server]\ndomain = a;b\n", want: []want{{"grafana.ini:2:11", `Grafana reads "a", not "a;b"`}}},
		{name: "text right after", ini: "[smtp]\nfrom_name = Grafana #ops\n", want: []want{{"grafana.ini:2:21", `not "Grafana #ops"`}}},
		{name: "quoted", ini: "[smtp]\nfrom_name = \"Grafana # ops\"\n", want: []want{{"grafana.ini:2:22", `Grafana reads "\"Grafana", not "Grafana # ops"`}}},
		{name: "secret after space", ini: "[database]\npassword = abc # def\n", want: []want{{"grafana.ini:2:16", "used only"}}},
		{name: "comment idiom", ini: "[server]\nhttp_port = 3000 ; the port\ndomain = x # y\n"},
		{name: "empty value", ini: "[server]\ndomain = ; nothing\n"},
		{name: "triple quotes and backticks", ini: "[smtp]\nfrom_name = \"\"\"a#b\"\"\"\npassword = `a;b`\n"},
		{name: "continuation", ini: "[server]\ndomain = a\\\n  #b\n"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := check(t, InlineComment, tc.ini, "", rules.Version{})
			if tc.name == "secret after space" {
				// The credential's text never appears.
				for _, g := range got {
					if strings.Contains(g, "abc") || strings.Contains(g, "def") {
						t.Fatalf("message shows the credential: %s", g)
					}
				}
				tc.want[0].msg = "uses only the part before it as the credential"
			}
			compare(t, got, tc.want)
		})
	}
}

func TestEmptyValueIgnored(t *testing.T) {
	got := check(t, EmptyValueIgnored, "[server]\ndomain =\nhttp_addr =\n[security]\nadmin_password =\n[nope]\nx =\n", "", rules.Version{})
	compare(t, got, []want{
		{"grafana.ini:2:1", `keeps the default "localhost"`},
		{"grafana.ini:5:1", "keeps Grafana's default value"},
	})
	for _, g := range got {
		if strings.Contains(g, `"admin"`) {
			t.Errorf("message shows the default admin password: %s", g)
		}
	}
}

func TestUnresolvedReference(t *testing.T) {
	for _, tc := range []struct {
		name, ini, env string
		want           []want
	}{
		{name: "misspelt", ini: "[server]\ndomain = d\nroot_url = https://%(domian)s:%(http_port)s/\n",
			want: []want{{"grafana.ini:3:20", "did you mean %(domain)s?"}}},
		{name: "top section and parents resolve", ini: "base = /x\n[auth]\nx_path = /a\n[auth.github]\nauth_url = %(base)s/%(x_path)s\n"},
		{name: "no self suggestion", ini: "[paths]\ndata = %(data2)s\n",
			want: []want{{"grafana.ini:2:8", "write a key"}}},
		{name: "env value", env: "GF_SERVER_DOMAIN=%(host)s\n", want: []want{{"grafana.env:1:18", "GF_SERVER_DOMAIN refers to %(host)s"}}},
		{name: "cycle through a default", ini: "[server]\nhttp_port = %(root_url)s\n",
			want: []want{{"grafana.ini:2:13", `whose expansion leads back to [server] http_port: the go-ini Grafana pins (gopkg.in/ini.v1 v1.67.0/v1.67.1) stops the expansion there and Grafana 13.2 reads the text "http://localhost:%(http_port)s/"`}}},
		{name: "two-key cycle", ini: "[a]\nx = <%(y)s>\ny = [%(x)s]\n",
			want: []want{{"grafana.ini:2:6", `reads the text "<[%(x)s]>"`}, {"grafana.ini:3:6", `reads the text "[<%(y)s>]"`}}},
		{name: "self reference", ini: "[server]\nroot_url = %(root_url)sgrafana/\n",
			want: []want{{"grafana.ini:2:12", "refers to itself with %(root_url)s"}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := check(t, UnresolvedReference, tc.ini, tc.env, rules.Version{})
			if tc.name == "no self suggestion" && len(got) == 1 && strings.Contains(got[0], "did you mean %(data)s") {
				t.Fatalf("suggests the key itself: %s", got[0])
			}
			compare(t, got, tc.want)
		})
	}
}

func TestParseDuration(t *testing.T) {
	const day = 24 * time.Hour
	for _, tc := range []struct {
		in   string
		want time.Duration
		ok   bool
	}{
		{"7d", 7 * day, true}, {"2w", 14 * day, true}, {"1y", time.Duration(float64(day) * 365.25), true},
		{"90m", 90 * time.Minute, true}, {"1h30m", 90 * time.Minute, true}, {"0", 0, true},
		{"d", 0, false}, {"7 d", 0, false}, {"1.5d", 0, false}, {"30 days", 0, false}, {"10", 0, false}, {"", 0, false},
	} {
		got, err := parseDuration(tc.in)
		if (err == nil) != tc.ok || (tc.ok && got != tc.want) {
			t.Errorf("parseDuration(%q) = %v, %v; want %v, ok=%v", tc.in, got, err, tc.want, tc.ok)
		}
	}
}

func TestParseBool(t *testing.T) {
	for _, s := range []string{"1", "t", "T", "true", "TRUE", "True", "YES", "yes", "Yes", "y", "ON", "on", "On"} {
		if b, err := parseBool(s); err != nil || !b {
			t.Errorf("parseBool(%q) = %v, %v", s, b, err)
		}
	}
	for _, s := range []string{"0", "f", "F", "false", "FALSE", "False", "NO", "no", "No", "n", "OFF", "off", "Off"} {
		if b, err := parseBool(s); err != nil || b {
			t.Errorf("parseBool(%q) = %v, %v", s, b, err)
		}
	}
	for _, s := range []string{"Y", "N", "tRue", "enabled", " true", ""} {
		if _, err := parseBool(s); err == nil {
			t.Errorf("parseBool(%q) accepted", s)
		}
	}
}

func TestNearest(t *testing.T) {
	keys := []string{"http_port", "http_addr", "protocol", "domain", "root_url"}
	for in, want := range map[string]string{
		"http_prot": "http_port", "root_ulr": "root_url", "domian": "domain", "HTTP_PORT": "http_port",
		"protocl": "protocol", "port": "", "rooturl": "root_url", "instrumentations": "", //nolint:misspell // deliberate typo input
	} {
		if got := nearest(in, keys); got != want {
			t.Errorf("nearest(%q) = %q, want %q", in, got, want)
		}
	}
	if d := editDistance("ab", "ba"); d != 1 {
		t.Errorf("transposition distance = %d, want 1", d)
	}
}

// TestVerifiedKeysAreKnown keeps the tables of keys verified in Grafana's
// code consistent with what the rules treat as existing keys.
func TestVerifiedKeysAreKnown(t *testing.T) {
	var missing []string
	for id := range boolSettings {
		if s, k := split(id); !knownKey(s, k) {
			missing = append(missing, id)
		}
	}
	for id := range intSettings {
		if s, k := split(id); !knownKey(s, k) {
			missing = append(missing, id)
		}
	}
	for id := range choiceSettings {
		if s, k := split(id); !knownKey(s, k) {
			missing = append(missing, id)
		}
	}
	for _, vc := range invalidChecks {
		if !knownKey(vc.section, vc.key) {
			missing = append(missing, vc.section+"."+vc.key)
		}
	}
	if diff := cmp.Diff([]string(nil), missing); diff != "" {
		t.Errorf("settings checked by value rules that ini/unknown-key would call unknown (-want +got):\n%s", diff)
	}
}

func split(id string) (string, string) {
	i := strings.LastIndexByte(id, '.')
	return id[:i], id[i+1:]
}
