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
		What: "Compares the connections an nginx that fronts Grafana can hold — `worker_connections` (in the " +
			"`events` block; 512 when not set) times `worker_processes` (1 when not set) — with `[live] " +
			"max_connections` (100 by default, from grafana.ini or `GF_LIVE_MAX_CONNECTIONS`) and reports it " +
			"when it is below twice that. `worker_processes auto` starts one worker per CPU core, which the " +
			"configuration does not tell: one core is assumed and the message says how many cores would be " +
			"enough. A conf.d file is judged by the stack's nginx.conf; without one the image's nginx.conf " +
			"decides, and nothing is reported. `max_connections` 0 (Live off) and -1 (unlimited) are not compared.",
		Why: "Each proxied WebSocket holds two connections in an nginx worker, one to the browser and one to " +
			"Grafana, and `worker_connections` caps all connections of one worker process, proxied ones included " +
			"(nginx.org/en/docs/ngx_core_module.html#worker_connections); `worker_processes` sets how many " +
			"workers share the load (#worker_processes, `auto` = one per CPU core). With fewer than twice " +
			"`[live] max_connections` in all, nginx refuses connections (`worker_connections are not enough`) " +
			"before Grafana's own limit is reached (max_connections, read in grafana/grafana " +
			"`pkg/setting/setting.go` `readLiveSettings`, v12.0.0).",
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
	a := fronting.Of(c)
	g := a.Grafana
	if g.MaxConnections <= 0 || len(a.Servers) == 0 {
		return
	}
	need := 2 * g.MaxConnections
	seen := map[*model.NginxConfig]bool{}
	// A fragment is judged by the stack's first nginx.conf with an events
	// block, looked for once.
	var fragmentMain *model.NginxConfig
	lookedUp := false
	for _, fc := range a.Configs {
		if len(fc.Servers) == 0 {
			continue
		}
		main := fc.Config
		if main.Fragment {
			if !lookedUp {
				lookedUp = true
				for _, o := range a.Configs {
					if !o.Config.Fragment && hasEvents(o.Config) {
						fragmentMain = o.Config
						break
					}
				}
			}
			main = fragmentMain
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
		wp, workers, auto, ok := workerProcesses(main)
		if !ok {
			continue
		}
		if n*workers >= need {
			continue
		}
		capacity := setBy
		switch {
		case auto:
			cores := (need + n - 1) / n
			capacity = fmt.Sprintf("%s per worker, with worker_processes auto (one worker per CPU core; the core count is not in the configuration, one core is assumed: %d or more cores would hold enough),", setBy, cores)
			f.Related = append(f.Related, related(wp.Args[0].Pos, "worker_processes auto: one worker per CPU core"))
		case wp != nil:
			capacity = fmt.Sprintf("%s × worker_processes %d = %d connections", setBy, workers, n*workers)
			f.Related = append(f.Related, related(wp.Args[0].Pos, "worker_processes %d: each worker holds worker_connections", workers))
		}
		from := "the default 100"
		if p := settingPos(a.Stack.Settings, g.MaxConnectionsSetting); p.IsValid() {
			from = fmt.Sprintf("%d", g.MaxConnections)
			f.Related = append(f.Related, related(p, "[live] max_connections = %d lets Grafana accept that many Live connections", g.MaxConnections))
		}
		fix := fmt.Sprintf("set worker_connections to at least %d in the events block", need)
		if workers > 1 {
			fix = fmt.Sprintf("set worker_connections to at least %d in the events block (%d workers)", (need+workers-1)/workers, workers)
		}
		f.Message = fmt.Sprintf("%s is below twice [live] max_connections (%s): each Live WebSocket holds two nginx connections (browser and Grafana), so nginx runs out of connections at about %d Live clients, before Grafana's limit; %s",
			capacity, from, n*workers/2, fix)
		c.Report(f)
	}
}

// workerProcesses returns the main context's worker_processes (nil when
// absent) and the number of workers: its value, 1 by default (nginx's
// default) and for auto, which is then reported; ok is false for a value
// nginx would not accept.
func workerProcesses(cfg *model.NginxConfig) (d *model.Directive, workers int64, auto, ok bool) {
	for _, x := range cfg.Directives {
		if x.Name.V == "worker_processes" && len(x.Args) == 1 {
			d = x
		}
	}
	if d == nil {
		return nil, 1, false, true
	}
	if d.Args[0].V == "auto" {
		return d, 1, true, true
	}
	n, err := strconv.ParseInt(d.Args[0].V, 10, 64)
	if err != nil || n < 1 {
		return d, 0, false, false
	}
	return d, n, false, true
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
