package nginx

import (
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/grafanalint/grafanalint/parsers/corpustest"

	"github.com/google/go-cmp/cmp"

	"github.com/grafanalint/grafanalint/parsers/model"
)

// corpusDir returns the real-world corpus folder (the "shared" folder
// beside the repository root). It skips the test when the folder is
// absent, except under CI=true.
func corpusDir(t testing.TB) string {
	t.Helper()
	dir, err := filepath.Abs(corpustest.Dir(t, "real"))
	if err != nil {
		t.Fatal(err)
	}
	return dir
}

// corpusFile is what we expect of one nginx file of the corpus.
type corpusFile struct {
	path string
	// sniff is Sniff's answer.
	sniff bool
	// reader is whose tree is used: "gonginx" or "own".
	reader string
	// syntax is the position (line:col) of the syntax problem in this
	// file, "" for none.
	syntax string
	// nginx is the real nginx's verdict on the file alone (see
	// runNginx): "ok" or "syntax:<line>".
	nginx string
	// template marks templates: nginx may reject them, we read them.
	template bool
}

// corpusNginx lists every nginx file of the corpus (the test fails when
// the corpus holds one that is not listed). Two are rejected by nginx:
// a Jinja template (its {{ }} placeholders) and a sites-available vhost
// that lacks its last "}".
var corpusNginx = []corpusFile{
	{path: "21km43__Anemometer/nginx/nginx.conf", sniff: true, reader: "gonginx", nginx: "ok"},
	{path: "CentipedeRTK__centipede/map/nginx/nginx.conf", sniff: true, reader: "gonginx", nginx: "ok"},
	{path: "Csehpi__nginx-prometheus-grafana/nginx/nginx.conf", sniff: true, reader: "gonginx", nginx: "ok"},
	{path: "DaMouse404__stats-stack/nginx/grafana.conf", sniff: true, reader: "gonginx", nginx: "ok"},
	{path: "KomelT__boilerplates/grafana/nginx.conf", sniff: true, reader: "gonginx", nginx: "ok"},
	{path: "OleksandrTimoshenko__Grafana/nginx/grafana.conf", sniff: true, reader: "gonginx", nginx: "ok"},
	{path: "Skewnart__grafana-raspberry/nginx/conf.d/grafana.conf", sniff: true, reader: "gonginx", nginx: "ok"},
	{path: "TeodorStS__homelab-stack/nginx/conf.d/gitea.conf", sniff: true, reader: "gonginx", nginx: "ok"},
	{path: "TeodorStS__homelab-stack/nginx/conf.d/grafana.conf", sniff: true, reader: "gonginx", nginx: "ok"},
	{path: "UMNET-perfSONAR__pssid-data-pipeline/nginx/conf.d/grafana.conf", sniff: true, reader: "gonginx", nginx: "ok"},
	{path: "UMNET-perfSONAR__pssid-data-pipeline/nginx/conf.d/grafana.conf.https", sniff: true, reader: "gonginx", nginx: "ok"},
	{path: "awsdevop183__nginx-sites/sites-available/default", sniff: true, reader: "gonginx", nginx: "ok"},
	{path: "awsdevop183__nginx-sites/sites-available/grafana.madhukarreddy.com", sniff: true, reader: "gonginx", nginx: "ok"},
	{path: "backup-isaac__GTSR-telemetry-server/nginx/conf.d/dev/grafana.conf", sniff: true, reader: "gonginx", nginx: "ok"},
	{path: "backup-isaac__GTSR-telemetry-server/nginx/conf.d/prod/api.conf", sniff: true, reader: "gonginx", nginx: "ok"},
	{path: "backup-isaac__GTSR-telemetry-server/nginx/conf.d/prod/grafana.conf", sniff: true, reader: "gonginx", nginx: "ok"},
	{path: "chenkianwee__yun2infinity/nginx/security_header.conf", sniff: true, reader: "gonginx", nginx: "ok"},
	{path: "chenkianwee__yun2infinity/nginx/yun2inf.conf", sniff: true, reader: "gonginx", nginx: "ok"},
	{path: "datvo2k__monitor-multiple-vps/nginx/grafana.conf", sniff: true, reader: "gonginx", nginx: "ok"},
	{path: "daveystruijk__docker-influx-grafana-boilerplate/nginx/conf.d.prod/grafana.conf", sniff: true, reader: "gonginx", nginx: "ok"},
	{path: "daveystruijk__docker-influx-grafana-boilerplate/nginx/conf.d/grafana.conf", sniff: true, reader: "gonginx", nginx: "ok"},
	{path: "decryptus__grafana-authentification-vault/nginx/sites-available/grafana", sniff: true, reader: "gonginx", nginx: "ok"},
	{path: "emanuelsouzaa__grafana-iot/nginx/nginx.conf", sniff: true, reader: "gonginx", nginx: "ok"},
	{path: "enflo__docker-prometheus-stack/nginx/grafana.conf", sniff: true, reader: "gonginx", nginx: "ok"},
	{path: "enflo__docker-prometheus-stack/nginx/loki.conf", sniff: true, reader: "gonginx", nginx: "ok"},
	{path: "enflo__docker-prometheus-stack/nginx/nginx.conf", sniff: true, reader: "gonginx", nginx: "ok"},
	{path: "enflo__docker-prometheus-stack/nginx/prometheus.conf", sniff: true, reader: "gonginx", nginx: "ok"},
	{path: "exabugs__grafana-dashboards/nginx/default.conf", sniff: true, reader: "gonginx", nginx: "ok"},
	{path: "exabugs__grafana-dashboards/nginx/grafana.conf", sniff: true, reader: "gonginx", nginx: "ok"},
	{path: "exabugs__grafana-dashboards/nginx/mimir.conf", sniff: true, reader: "gonginx", nginx: "ok"},
	{path: "grafana__grafana/devenv/docker/blocks/nginx_proxy_mac/nginx_login_only.conf", sniff: true, reader: "gonginx", nginx: "ok"},
	{path: "grafana__intro-to-mltp/source/mythical-beasts-frontend/nginx.conf", sniff: true, reader: "gonginx", nginx: "ok"},
	{path: "hendisantika__spring-boot-lgtm/nginx/grafana.conf", sniff: true, reader: "gonginx", nginx: "ok"},
	{path: "hendisantika__spring-boot-lgtm/nginx/loki.conf", sniff: true, reader: "gonginx", nginx: "ok"},
	{path: "hendisantika__spring-boot-lgtm/nginx/prometheus.conf", sniff: true, reader: "gonginx", nginx: "ok"},
	{path: "hendisantika__spring-boot-lgtm/nginx/tempo.conf", sniff: true, reader: "gonginx", nginx: "ok"},
	{path: "jenicek001__FamilyCart/deploy/nginx/conf.d/upstreams.conf", sniff: true, reader: "gonginx", nginx: "ok"},
	{path: "jenicek001__FamilyCart/deploy/nginx/sites-available/grafana", sniff: true, reader: "gonginx", nginx: "ok"},
	{path: "jenicek001__FamilyCart/monitoring/nginx/monitoring.conf", sniff: true, reader: "gonginx", nginx: "ok"},
	{path: "jenicek001__FamilyCart/nginx/conf.d/cloudflare-realip.conf", sniff: true, reader: "gonginx", nginx: "ok"},
	{path: "jenicek001__FamilyCart/nginx/conf.d/rate-limiting.conf", sniff: true, reader: "gonginx", nginx: "ok"},
	{path: "jenicek001__FamilyCart/nginx/conf.d/ssl-common.conf", sniff: true, reader: "gonginx", nginx: "ok"},
	{path: "jenicek001__FamilyCart/nginx/conf.d/upstreams.conf", sniff: true, reader: "gonginx", nginx: "ok"},
	{path: "jenicek001__FamilyCart/nginx/nginx.conf", sniff: true, reader: "gonginx", nginx: "ok"},
	{path: "jenicek001__FamilyCart/nginx/sites-available/grafana", sniff: true, reader: "gonginx", nginx: "ok"},
	{path: "jfk9w__rpi-infra/grafana/nginx.conf", sniff: true, reader: "own", nginx: "syntax:2", template: true},
	{path: "justynlarry__metric-stack/nginx/conf.d/grafana.conf", sniff: true, reader: "gonginx", nginx: "ok"},
	{path: "justynlarry__metric-stack/nginx/nginx.conf", sniff: true, reader: "gonginx", nginx: "ok"},
	// Only a comment: nothing tells it is nginx.
	{path: "kbsonlong__grafana-auth-proxy/nginx/conf.d/default.conf", sniff: false, reader: "gonginx", nginx: "ok"},
	{path: "kbsonlong__grafana-auth-proxy/nginx/conf.d/grafana.conf", sniff: true, reader: "gonginx", nginx: "ok"},
	{path: "kbsonlong__grafana-auth-proxy/nginx/nginx.conf", sniff: true, reader: "gonginx", nginx: "ok"},
	{path: "lilianakernot__zabbix-grafana-nginx/nginx/conf.d/grafana.conf", sniff: true, reader: "gonginx", nginx: "ok"},
	{path: "lilianakernot__zabbix-grafana-nginx/nginx/conf.d/zabbix.conf", sniff: true, reader: "gonginx", nginx: "ok"},
	{path: "nurASingh__radsoc/nginx/conf/nginx/conf.d/stub_status.conf", sniff: true, reader: "gonginx", nginx: "ok"},
	{path: "nurASingh__radsoc/nginx/conf/nginx/include.proxying", sniff: true, reader: "gonginx", nginx: "ok"},
	{path: "nurASingh__radsoc/nginx/conf/nginx/nginx.conf", sniff: true, reader: "gonginx", nginx: "ok"},
	{path: "nurASingh__radsoc/nginx/conf/nginx/sites-available/metrics.risidio.com", sniff: true, reader: "own", syntax: "52:3", nginx: "syntax:52"},
	{path: "osresearch__hackerspace-zone/nginx/nginx/includes/challenge.conf", sniff: true, reader: "gonginx", nginx: "ok"},
	{path: "osresearch__hackerspace-zone/nginx/nginx/includes/options-ssl-nginx.conf", sniff: true, reader: "gonginx", nginx: "ok"},
	{path: "osresearch__hackerspace-zone/nginx/nginx/nginx.conf", sniff: true, reader: "gonginx", nginx: "ok"},
	{path: "osresearch__hackerspace-zone/nginx/nginx/templates/dashboard.conf.template", sniff: true, reader: "gonginx", nginx: "ok", template: true},
	{path: "radiantnode__tensies/ops/nginx.conf", sniff: true, reader: "gonginx", nginx: "ok"},
	{path: "seadenis__iot-stack/nginx/conf.d/grafana.conf", sniff: true, reader: "gonginx", nginx: "ok"},
	{path: "seadenis__iot-stack/nginx/conf.d/monitor_status.conf", sniff: true, reader: "gonginx", nginx: "ok"},
	{path: "sierrapablo__reverse-proxy-monitoring/nginx/conf.d/grafana.conf", sniff: true, reader: "gonginx", nginx: "ok"},
	{path: "sierrapablo__reverse-proxy-monitoring/nginx/conf.d/prometheus.conf", sniff: true, reader: "gonginx", nginx: "ok"},
	{path: "sierrapablo__reverse-proxy-monitoring/nginx/nginx.conf", sniff: true, reader: "gonginx", nginx: "ok"},
	{path: "sirmosi__monitor_nginx_grafana_prometheus/nginx/grafana.conf", sniff: true, reader: "gonginx", nginx: "ok"},
	{path: "sirmosi__monitor_nginx_grafana_prometheus/nginx/prometheus.conf", sniff: true, reader: "gonginx", nginx: "ok"},
	{path: "taz-szk__iotpf-proto/nginx/conf.d/api.conf", sniff: true, reader: "gonginx", nginx: "ok"},
	{path: "taz-szk__iotpf-proto/nginx/conf.d/rate-limit.conf", sniff: true, reader: "gonginx", nginx: "ok"},
	{path: "taz-szk__iotpf-proto/nginx/nginx.conf", sniff: true, reader: "gonginx", nginx: "ok"},
	{path: "vantamm27__monitoring-stacks/nginx/conf.d/default.conf", sniff: true, reader: "gonginx", nginx: "ok"},
	{path: "vantamm27__monitoring-stacks/nginx/conf.d/grafana.conf", sniff: true, reader: "gonginx", nginx: "ok"},
	{path: "vantamm27__monitoring-stacks/nginx/conf.d/prometheus.conf", sniff: true, reader: "gonginx", nginx: "ok"},
	{path: "vantamm27__monitoring-stacks/nginx/conf.d/telgraf-metrics.conf", sniff: true, reader: "gonginx", nginx: "ok"},
}

// isNginxCandidate is how this test finds nginx files in the corpus:
// by name (.conf, .template, sites-available/, "*.conf.*"), or by Sniff
// for any other file that is not JSON or YAML.
func isNginxCandidate(rel string, src []byte) bool {
	base := filepath.Base(rel)
	switch {
	case strings.HasSuffix(base, ".conf"), strings.HasSuffix(base, ".template"), strings.Contains(base, ".conf."),
		filepath.Base(filepath.Dir(rel)) == "sites-available":
		return true
	}
	return Sniff(rel, src)
}

func TestCorpusNginxFiles(t *testing.T) {
	root := corpusDir(t)
	var found []string
	err := filepath.WalkDir(root, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		src, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(root, p)
		if isNginxCandidate(filepath.ToSlash(rel), src) {
			found = append(found, filepath.ToSlash(rel))
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	var listed []string
	for _, c := range corpusNginx {
		listed = append(listed, c.path)
	}
	sort.Strings(found)
	sort.Strings(listed)
	if diff := cmp.Diff(listed, found); diff != "" {
		t.Errorf("nginx files of the corpus differ from the table (-table +corpus):\n%s", diff)
	}
}

// TestCorpusSniffRejects checks Sniff on every other corpus file
// (grafana.ini, YAML, JSON dashboards, a Caddyfile, .env files), under
// its own name and as if it were named x.conf.
func TestCorpusSniffRejects(t *testing.T) {
	root := corpusDir(t)
	nginxFiles := map[string]bool{}
	for _, c := range corpusNginx {
		nginxFiles[c.path] = true
	}
	n := 0
	err := filepath.WalkDir(root, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(root, p)
		rel = filepath.ToSlash(rel)
		if nginxFiles[rel] {
			return nil
		}
		src, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		n++
		if Sniff(rel, src) || Sniff(filepath.Join(filepath.Dir(rel), "x.conf"), src) {
			t.Errorf("Sniff says %s is nginx", rel)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if n < 100 {
		t.Errorf("only %d other files in the corpus", n)
	}
}

func TestCorpusLoad(t *testing.T) {
	root := corpusDir(t)
	for _, c := range corpusNginx {
		t.Run(c.path, func(t *testing.T) {
			abs := filepath.Join(root, filepath.FromSlash(c.path))
			src, err := os.ReadFile(abs)
			if err != nil {
				t.Fatal(err)
			}
			if got := Sniff(abs, src); got != c.sniff {
				t.Errorf("Sniff = %v, want %v", got, c.sniff)
			}
			if got, _, _ := strings.Cut(parseFile(string(src)).reader, ":"); got != c.reader {
				t.Errorf("reader = %q, want %q", parseFile(string(src)).reader, c.reader)
			}
			// The repository's bundle is the tree root.
			bundle := filepath.Join(root, strings.SplitN(c.path, "/", 2)[0])
			cfg, problems := Load(abs, Options{Root: bundle})
			checkTree(t, bundle, cfg)
			self := strings.SplitN(c.path, "/", 2)[1]
			var syntax []string
			for _, p := range problems {
				if p.Kind == model.ProblemSyntax && p.Pos.File == self {
					syntax = append(syntax, fmt.Sprintf("%d:%d", p.Pos.Line, p.Pos.Col))
				}
			}
			var want []string
			if c.syntax != "" {
				want = []string{c.syntax}
			}
			if diff := cmp.Diff(want, syntax); diff != "" {
				t.Errorf("syntax problems in the file (-want +got):\n%s\n%v", diff, problems)
			}
			// We report a syntax problem only where nginx does (at its
			// line), templates aside.
			if c.syntax != "" && c.nginx != "syntax:"+strings.Split(c.syntax, ":")[0] {
				t.Errorf("syntax problem at %s but nginx says %s", c.syntax, c.nginx)
			}
			if c.syntax == "" && c.nginx != "ok" && !c.template {
				t.Errorf("nginx says %s but we see no problem", c.nginx)
			}
			if c.template && !cfg.Template {
				t.Error("Template should be set")
			}
		})
	}
}

func TestCorpusWithNginx(t *testing.T) {
	root := corpusDir(t)
	bin := nginxBinary(t)
	for _, c := range corpusNginx {
		t.Run(c.path, func(t *testing.T) {
			src, err := os.ReadFile(filepath.Join(root, filepath.FromSlash(c.path)))
			if err != nil {
				t.Fatal(err)
			}
			if strings.Contains(string(src), "_by_lua_block") && !luaModuleAvailable() {
				t.Skip("nginx has no Lua module (apt-get install -y libnginx-mod-http-lua)")
			}
			if v := runNginx(t, bin, src); v.String() != c.nginx {
				t.Errorf("nginx says %s (%s), the table %s", v, v.msg, c.nginx)
			}
		})
	}
}

// TestCorpusPositions spot-checks positions in files spliced in by
// includes of a real config: conf.d/*.conf through an absolute
// /etc/nginx include, and a file included by a vhost that is itself
// included (through sites-enabled, mapped to sites-available).
func TestCorpusPositions(t *testing.T) {
	root := filepath.Join(corpusDir(t), "jenicek001__FamilyCart")
	cfg, _ := Load(filepath.Join(root, "nginx", "nginx.conf"), Options{Root: root})
	var got []string
	var walk func([]*model.Directive)
	walk = func(ds []*model.Directive) {
		for _, d := range ds {
			if (d.Name.V == "limit_req_zone" && len(d.Args) > 1 && d.Args[1].V == "zone=api:10m") || d.Name.V == "ssl_ciphers" {
				chain := ""
				for inc := d.IncludedBy; inc != nil; inc = inc.IncludedBy {
					chain += " via " + inc.Pos().String()
				}
				got = append(got, fmt.Sprintf("%s %s %s in %s%s", d.Name.V, d.Pos(), d.Args[len(d.Args)-1].Pos, d.Parent.Pos(), chain))
			}
			walk(d.Block)
		}
	}
	walk(cfg.Directives)
	want := []string{
		"limit_req_zone nginx/conf.d/rate-limiting.conf:7:1 nginx/conf.d/rate-limiting.conf:7:49 in nginx/nginx.conf:8:1 via nginx/nginx.conf:53:5",
		// At http level through conf.d/*.conf...
		"ssl_ciphers nginx/conf.d/ssl-common.conf:10:1 nginx/conf.d/ssl-common.conf:10:14 in nginx/nginx.conf:8:1 via nginx/nginx.conf:53:5",
		// ...and in the vhost's server (the value starts inside the quote).
		"ssl_ciphers nginx/conf.d/ssl-common.conf:10:1 nginx/conf.d/ssl-common.conf:10:14 in nginx/sites-available/grafana:23:1 via nginx/sites-available/grafana:34:5 via nginx/nginx.conf:56:5",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("positions (-want +got):\n%s", diff)
	}
}
