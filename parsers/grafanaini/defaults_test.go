package grafanaini

import (
	"slices"
	"testing"
)

func TestDefault(t *testing.T) {
	tests := []struct {
		section, key, want string
		ok                 bool
	}{
		{"server", "root_url", "%(protocol)s://%(domain)s:%(http_port)s/", true},
		{"server", "http_port", "3000", true},
		{"server", "protocol", "http", true},
		{"server", "serve_from_sub_path", "false", true},
		{"live", "max_connections", "100", true},
		{"live", "ha_engine_address", "127.0.0.1:6379", true}, // quotes stripped as go-ini does
		{"live", "allowed_origins", "", true},
		{"security", "content_security_policy_template", "script-src 'self' 'unsafe-eval' 'unsafe-inline' 'strict-dynamic' $NONCE;object-src 'none';font-src 'self';style-src 'self' 'unsafe-inline' blob:;img-src * data:;base-uri 'self';connect-src 'self' grafana.com ws://$ROOT_PATH wss://$ROOT_PATH;manifest-src 'self';media-src 'none';form-action 'self' $FORM_ACTION_ADDITIONAL_HOSTS;", true},
		{"", "instance_name", "${HOSTNAME}", true},
		{"DEFAULT", "app_mode", "production", true},
		{"server", "datasource_uid", "", false},
		{"live", "enabled", "", false},
		{"Server", "http_port", "", false}, // case-sensitive
		{"nosuch", "x", "", false},
	}
	for _, tt := range tests {
		got, ok := Default(tt.section, tt.key)
		if got != tt.want || ok != tt.ok {
			t.Errorf("Default(%q, %q) = %q, %v; want %q, %v", tt.section, tt.key, got, ok, tt.want, tt.ok)
		}
	}
}

func TestSectionsAndKeys(t *testing.T) {
	secs := Sections()
	if len(secs) < 100 || secs[0] != "" || secs[1] != "paths" || secs[2] != "server" {
		t.Fatalf("Sections() = %d sections starting %q", len(secs), secs[:min(3, len(secs))])
	}
	secs[0] = "mutated"
	if Sections()[0] != "" {
		t.Error("Sections() shares its slice")
	}
	for _, s := range []string{"server", "live", "auth.generic_oauth", "server.custom_response_headers", "feature_toggles", "plugin.grafana-image-renderer"} {
		if !KnownSection(s) {
			t.Errorf("KnownSection(%q) = false", s)
		}
	}
	for _, s := range []string{"auth.saml", "nosuch", "Server"} {
		if KnownSection(s) {
			t.Errorf("KnownSection(%q) = true", s)
		}
	}
	keys := KnownKeys("live")
	want := []string{"max_connections", "message_size_limit", "client_queue_max_size", "allowed_origins", "ha_engine", "ha_engine_address", "ha_engine_password", "ha_prefix"}
	if !slices.Equal(keys, want) {
		t.Errorf("KnownKeys(live) = %q", keys)
	}
	if KnownKeys("server.custom_response_headers") == nil || len(KnownKeys("server.custom_response_headers")) != 0 {
		t.Error("a known empty section should give an empty, non-nil list")
	}
	if KnownKeys("nosuch") != nil {
		t.Error("KnownKeys of an unknown section")
	}
	if DefaultsSource() == "" {
		t.Error("no source recorded")
	}
}

func TestOpenSection(t *testing.T) {
	tests := map[string]bool{
		"feature_toggles":                                  true,
		"server.custom_response_headers":                   true,
		"metrics.environment_info":                         true,
		"plugin.grafana-image-renderer":                    true,
		"plugin.my-panel":                                  true,
		"plugins.restricted_apis_allowlist":                true,
		"unified_storage.dashboards.dashboard.grafana.app": true,
		"secrets_manager.encryption.aws_kms.v1":            true,
		"auth.saml":                                        true,
		"auth.extended_jwt":                                true,
		"unified_alerting.state_history.external_labels":   true,
		"auth.github":                                      false,
		"auth.generic_oauth":                               false,
		"auth":                                             false,
		"auth.":                                            false,
		"plugin.":                                          false,
		"plugins":                                          false,
		"server":                                           false,
		"live":                                             false,
		"":                                                 false,
		"external_image_storage.local":                     false,
		"unified_alerting":                                 false,
	}
	for name, want := range tests {
		if got := OpenSection(name); got != want {
			t.Errorf("OpenSection(%q) = %v, want %v", name, got, want)
		}
	}
	// Every fixed open section exists in defaults.ini, so the list does not
	// rot silently when the table is regenerated.
	for name := range openSections {
		if !KnownSection(name) {
			t.Errorf("open section %q is not in defaults.ini", name)
		}
	}
}
