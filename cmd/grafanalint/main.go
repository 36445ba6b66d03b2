// Command grafanalint lints Grafana deployments: grafana.ini, provisioning
// YAML, dashboard JSON and the nginx configs in front of Grafana, checked
// together as one stack.
package main

import (
	"os"

	"github.com/grafanalint/grafanalint/cmd/grafanalint/cli"
	"github.com/grafanalint/grafanalint/cmd/grafanalint/membudget"
)

func main() {
	stop := membudget.Start(os.Getenv)
	cmd := &cli.Command{Stdin: os.Stdin, Stdout: os.Stdout, Stderr: os.Stderr, Getenv: os.Getenv}
	code := cmd.Main(os.Args[1:])
	stop()
	os.Exit(code)
}
