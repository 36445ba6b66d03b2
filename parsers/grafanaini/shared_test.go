package grafanaini

import (
	"encoding/json"
	"testing"

	"github.com/grafanalint/grafanalint/parsers/model"
)

// TestEffectiveSharesDefaultsUnchanged computes settings that override
// defaults through every layer (file, environment, a %(key)s reference
// to an overridden key, a key the defaults lack) between two runs with
// defaults only: the shared defaults layer must come out of them
// unchanged, and each run as if it were alone.
func TestEffectiveSharesDefaultsUnchanged(t *testing.T) {
	dump := func(s *model.Settings) string {
		b, err := json.Marshal(s)
		if err != nil {
			t.Fatal(err)
		}
		return string(b)
	}
	before := dump(effective(t, ""))
	custom := effective(t, "[server]\nhttp_port = 4000\nroot_url = %(protocol)s://x:%(http_port)s/\n[paths]\ndata = /srv\n[custom]\nk = v\n",
		model.EnvVar{Name: "GF_SERVER_DOMAIN", Value: "example.org"},
		model.EnvVar{Name: "GF_SECURITY_CSRF_TRUSTED_ORIGINS", Value: "a.example"})
	for key, want := range map[string]string{"http_port": "4000", "root_url": "http://x:4000/", "domain": "example.org"} {
		if got := custom.Value("server", key); got != want {
			t.Errorf("custom server.%s = %q, want %q", key, got, want)
		}
	}
	if got := custom.Value("custom", "k"); got != "v" {
		t.Errorf("custom custom.k = %q, want v", got)
	}
	if got := custom.Value("security", "csrf_trusted_origins"); got != "a.example" {
		t.Errorf("custom security.csrf_trusted_origins = %q", got)
	}
	after := effective(t, "")
	if got := dump(after); got != before {
		t.Errorf("defaults-only settings changed after another stack overrode them")
	}
	if got := after.Value("server", "http_port"); got != "3000" {
		t.Errorf("defaults-only server.http_port = %q after another stack set 4000", got)
	}
	if after.Get("custom", "k") != nil || after.Get("security", "csrf_trusted_origins") != nil {
		t.Errorf("a key another stack added leaked into the defaults")
	}
	// The same run again gives the same settings.
	again := effective(t, "[server]\nhttp_port = 4000\nroot_url = %(protocol)s://x:%(http_port)s/\n[paths]\ndata = /srv\n[custom]\nk = v\n",
		model.EnvVar{Name: "GF_SERVER_DOMAIN", Value: "example.org"},
		model.EnvVar{Name: "GF_SECURITY_CSRF_TRUSTED_ORIGINS", Value: "a.example"})
	if dump(again) != dump(custom) {
		t.Errorf("the same layers gave different settings on a second run")
	}
}
