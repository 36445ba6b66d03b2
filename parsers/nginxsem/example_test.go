package nginxsem_test

import (
	"fmt"
	"os"

	"github.com/grafanalint/grafanalint/parsers/nginx"
	"github.com/grafanalint/grafanalint/parsers/nginxsem"
)

// A rule checking Grafana Live follows the Live path through each server
// that fronts Grafana, then inspects the location nginx chose.
func Example() {
	conf := `server {
    listen 443 ssl;
    server_name grafana.example.com;
    proxy_set_header Upgrade $http_upgrade;
    proxy_set_header Connection $connection_upgrade;
    location / { proxy_pass http://grafana:3000; }
    location /api/live {
        proxy_set_header Host $host;
        proxy_pass http://grafana:3000/;
    }
}
`
	cfg, _ := nginx.Load("/conf/grafana.conf", nginx.Options{
		Root: "/conf",
		ReadFile: func(string) ([]byte, error) {
			return []byte(conf), nil
		},
		Glob: func(string) ([]string, error) { return nil, os.ErrNotExist },
	})
	sem := nginxsem.New(cfg)
	for _, srv := range cfg.Servers {
		if _, ok := nginxsem.FrontsGrafana(cfg, srv, nginxsem.GrafanaHints{}); !ok {
			continue
		}
		for _, o := range nginxsem.PublicOrigins(srv) {
			fmt.Println("origin:", o)
		}
		route, err := sem.Follow(srv, "/api/live/ws")
		if err != nil {
			fmt.Println(err)
			continue
		}
		fmt.Println("location:", route.Match().Why())
		fmt.Printf("sent upstream: %q\n", route.Pass.UpstreamURI)
		h := sem.Header(route.Location(), "Upgrade")
		for _, d := range h.Dropped {
			fmt.Println(d)
		}
		for _, u := range nginxsem.Undefined(cfg) {
			fmt.Printf("undefined $%s at %s\n", u.Var.V, u.Var.Pos)
		}
	}
	// Output:
	// origin: https://grafana.example.com
	// location: location "/api/live" at grafana.conf:7:5 is the longest matching prefix (no regex matches)
	// sent upstream: "//ws"
	// the server-level proxy_set_header Upgrade at grafana.conf:4:5 is not inherited because location "/api/live" sets proxy_set_header Host at grafana.conf:8:9
	// undefined $connection_upgrade at grafana.conf:5:33
}
