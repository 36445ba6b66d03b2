package proxy

import (
	"fmt"
	"strconv"

	"github.com/grafanalint/grafanalint/parsers/model"
	"github.com/grafanalint/grafanalint/rules"
	"github.com/grafanalint/grafanalint/rules/proxy/fronting"
)

// defaultWorkerConnections is nginx's worker_connections default.
const defaultWorkerConnections = 512

// WorkerConnections reports nginx worker_connections below twice [live]
// max_connections.
var WorkerConnections = &rules.Rule{
	ID:       "live/worker-connections",
	Severity: rules.Warning,
	Summary:  "nginx worker_connections is below twice [live] max_connections",
	Doc: rules.Doc{
		What: "Compares `worker_connections` (in the `events` block; 512 when not set) of an nginx that fronts " +
			"Grafana with `[live] max_connections` (100 by default, from grafana.ini or " +
			"`GF_LIVE_MAX_CONNECTIONS`) and reports it when it is below twice that. A conf.d file is judged by " +
			"the stack's nginx.conf; without one the image's nginx.conf decides, and nothing is reported. " +
			"`max_connections` 0 (Live off) and -1 (unlimited) are not compared.",
		Why: "Each proxied WebSocket holds two connections in an nginx worker, one to the browser and one to " +
			"Grafana, and `worker_connections` caps all connections of a worker (nginx.org, ngx_core_module; " +
			"GRAFANA.md §7). Grafana's documentation asks to raise it for Live: with fewer than twice " +
			"max_connections, nginx refuses connections (`worker_connections are not enough`) before Grafana's " +
			"own limit is reached.",
		Bad: []rules.Example{
			{Path: "grafana/grafana.ini", Content: "[live]\nmax_connections = 1000\n"},
			{Path: "nginx/nginx.conf", Content: exampleHTTP(goodLocations)},
		},
		Good: []rules.Example{
			{Path: "grafana/grafana.ini", Content: "[live]\nmax_connections = 1000\n"},
			{Path: "nginx/nginx.conf", Content: "events {\n    worker_connections 4096;\n}\n" + exampleHTTP(goodLocations)[len("events {}\n"):]},
		},
		Fix: "Set `worker_connections` in the `events` block to at least twice max_connections plus what other " +
			"sites need (e.g. `worker_connections 4096;`), or lower `[live] max_connections`.",
	},
	Needs: needsNginx,
	Check: checkWorkers,
}

func checkWorkers(c *rules.Context) {
	a := fronting.Analyze(c.Stack)
	g := a.Grafana
	if g.MaxConnections <= 0 || len(a.Servers) == 0 {
		return
	}
	need := 2 * g.MaxConnections
	seen := map[*model.NginxConfig]bool{}
	for _, fc := range a.Configs {
		if len(fc.Servers) == 0 {
			continue
		}
		main := fc.Config
		if main.Fragment {
			main = nil
			for _, o := range a.Configs {
				if !o.Config.Fragment && hasEvents(o.Config) {
					main = o.Config
					break
				}
			}
			if main == nil {
				continue
			}
		}
		if seen[main] {
			continue
		}
		seen[main] = true
		events, wc := workerConnections(main)
		n := int64(defaultWorkerConnections)
		f := rules.Finding{Entity: "nginx:events", Key: "worker_connections"}
		setBy := fmt.Sprintf("nginx's default worker_connections %d", n)
		switch {
		case wc != nil:
			v, err := strconv.ParseInt(argText(wc, 0), 10, 64)
			if err != nil {
				continue
			}
			n = v
			f.Pos, f.End = argPos(wc, 0)
			setBy = fmt.Sprintf("worker_connections %d", n)
		case events != nil:
			f.Pos, f.End = events.Name.Pos, events.Name.End
		default:
			f.Pos = model.Pos{File: main.Path, Line: 1, Col: 1}
		}
		if n >= need {
			continue
		}
		from := "the default 100"
		if p := settingPos(a.Stack.Settings, g.MaxConnectionsSetting); p.IsValid() {
			from = fmt.Sprintf("%d", g.MaxConnections)
			f.Related = append(f.Related, related(p, "[live] max_connections = %d lets Grafana accept that many Live connections", g.MaxConnections))
		}
		f.Message = fmt.Sprintf("%s is below twice [live] max_connections (%s): each Live WebSocket holds two nginx connections (browser and Grafana), so nginx runs out of connections at about %d Live clients per worker, before Grafana's limit; set worker_connections to at least %d in the events block",
			setBy, from, n/2, need)
		c.Report(f)
	}
}

// hasEvents reports whether cfg has an events block at its top level.
func hasEvents(cfg *model.NginxConfig) bool {
	e, _ := workerConnections(cfg)
	return e != nil
}

// workerConnections returns the events block of cfg and its last
// worker_connections (nil when absent).
func workerConnections(cfg *model.NginxConfig) (events, wc *model.Directive) {
	for _, d := range cfg.Directives {
		if d.Name.V != "events" || d.Block == nil {
			continue
		}
		events = d
		for _, e := range d.Block {
			if e.Name.V == "worker_connections" {
				wc = e
			}
		}
	}
	return events, wc
}
