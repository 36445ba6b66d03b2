package nginxsem

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/grafanalint/grafanalint/parsers/model"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

// goldenURIs are the request URIs each server of a testdata config is
// asked about.
var goldenURIs = []string{
	"/", "/api/live/ws", "/grafana/api/live/ws", "/monitoring/api/live/ws",
	"/api/ds/query?x=1", "/grafana", "/app.js",
}

// TestGolden describes every testdata/*.conf (servers, origins, Grafana
// detection, the route of each URI with the WebSocket headers) and
// compares the text with testdata/<name>.golden.
func TestGolden(t *testing.T) {
	files, err := filepath.Glob(filepath.Join("testdata", "*.conf"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no testdata configs: %v", err)
	}
	for _, f := range files {
		name := strings.TrimSuffix(filepath.Base(f), ".conf")
		t.Run(name, func(t *testing.T) {
			cfg := loadFile(t, "testdata", filepath.Base(f))
			got := describeConfig(cfg)
			golden := filepath.Join("testdata", name+".golden")
			if *update {
				if err := os.WriteFile(golden, []byte(got), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("%v (run with -update to create it)", err)
			}
			if diff := cmp.Diff(string(want), got); diff != "" {
				t.Errorf("%s mismatch (-want +got):\n%s", golden, diff)
			}
		})
	}
}

func describeConfig(cfg *model.NginxConfig) string {
	var b strings.Builder
	c := New(cfg)
	for _, u := range Undefined(cfg) {
		fmt.Fprintf(&b, "undefined $%s at %s in %s\n", u.Var.V, pos(u.Var.Pos), u.Directive.Name.V)
	}
	for i, s := range cfg.Servers {
		fmt.Fprintf(&b, "server %d at %s\n", i, pos(s.Pos))
		for _, o := range PublicOrigins(s) {
			fmt.Fprintf(&b, "  origin %s (name %s, listen %s)\n", o, pos(o.HostPos), pos(o.ListenPos))
		}
		for _, g := range c.GrafanaProxies(s, GrafanaHints{}) {
			fmt.Fprintf(&b, "  grafana %s: %s at %s\n", describeLocation(g.Location), g.Reason, pos(g.Pos))
		}
		for _, uri := range goldenURIs {
			r, err := c.Follow(s, uri)
			if err != nil {
				fmt.Fprintf(&b, "  %s: error %v\n", uri, err)
				continue
			}
			describeRoute(&b, uri, r)
		}
	}
	return b.String()
}

func describeRoute(b *strings.Builder, uri string, r *Route) {
	fmt.Fprintf(b, "  %s\n", uri)
	for _, m := range r.Matches {
		fmt.Fprintf(b, "    match %s: %s\n", chainSpec(m.Chain), m.Why())
		for _, u := range m.Unevaluated {
			fmt.Fprintf(b, "    unevaluated %s\n", u)
		}
	}
	if r.Return != nil {
		fmt.Fprintf(b, "    return %d %q url %q\n", r.Return.Code, r.Return.Text.V, r.Return.URL)
	}
	for _, n := range r.Problems {
		fmt.Fprintf(b, "    problem %s at %s\n", n.Message, pos(n.Pos))
	}
	for _, n := range r.Notes {
		fmt.Fprintf(b, "    note %s at %s\n", n.Message, pos(n.Pos))
	}
	if r.Unknown != "" {
		fmt.Fprintf(b, "    unknown %s\n", r.Unknown)
	}
	p := r.Pass
	if p == nil || p.Return != nil {
		return
	}
	fmt.Fprintf(b, "    handler %s", p.Handler)
	if p.Known {
		fmt.Fprintf(b, " upstream %q", p.UpstreamURI)
	}
	if p.Target != nil && p.Target.Upstream != nil {
		fmt.Fprintf(b, " (upstream block %q)", p.Target.Upstream.Name.V)
	}
	b.WriteString("\n")
	l := p.Location
	names := []string{"Upgrade", "Connection", "Host"}
	sort.Strings(names)
	for _, n := range names {
		h := Header(l, n)
		switch {
		case h.IsSet():
			fmt.Fprintf(b, "    header %s = %s at %s (%s", n, h.Value.V, pos(h.Value.Pos), h.Level.Kind)
			if len(h.Set) > 1 {
				fmt.Fprintf(b, ", set %d times", len(h.Set))
			}
			b.WriteString(")\n")
		default:
			fmt.Fprintf(b, "    header %s unset (%s %s)\n", n, h.Default, h.DefaultValue)
		}
		for _, d := range h.Dropped {
			fmt.Fprintf(b, "      dropped: %s\n", d)
		}
	}
	for _, name := range []string{"proxy_http_version", "proxy_read_timeout"} {
		if v := Effective(l, name); v.Set() {
			fmt.Fprintf(b, "    %s %s at %s (%s)\n", name, v.Last().Args[0].V, pos(v.Last().Pos()), v.Levels[len(v.Levels)-1].Kind)
		}
	}
}
