// Package channel holds the rules about Grafana Live channel IDs written in
// dashboards, and a byte-exact reproduction of the channel ID parser of
// Grafana's server (grafana-plugin-sdk-go live.ParseChannel and
// Channel.IsValid) that reports where an ID goes wrong.
//
// Channels come from model.Dashboard.Channels of every dashboard of a stack.
// Dashboards no provider loads are checked for everything that does not
// depend on the stack (syntax, scope, feature, TestData path): such a
// channel is wrong wherever the dashboard is imported. Only provisioned
// dashboards are checked against the stack's datasources.
package channel

import (
	"fmt"

	"github.com/grafanalint/grafanalint/rules"
)

// Rules returns the channel rules in catalogue order.
func Rules() []*rules.Rule {
	return []*rules.Rule{Malformed, UnknownScope, UnknownFeature, UnknownDatasource, TestdataPath, MissingQueryType}
}

const exampleProvider = `apiVersion: 1
providers:
  - name: default
    options:
      path: /etc/grafana/provisioning/dashboards
`

const exampleDatasources = `apiVersion: 1
datasources:
  - name: Loki
    type: loki
    uid: loki-main
    url: http://loki:3100
`

func exampleDashboard(channel string) string {
	return fmt.Sprintf(`{
  "uid": "live-demo",
  "title": "Live demo",
  "schemaVersion": 39,
  "panels": [
    {
      "id": 1,
      "type": "timeseries",
      "title": "Live",
      "datasource": {"type": "datasource", "uid": "grafana"},
      "targets": [
        {
          "refId": "A",
          "datasource": {"type": "datasource", "uid": "grafana"},
          "queryType": "measurements",
          "channel": %q
        }
      ]
    }
  ]
}
`, channel)
}

func exampleTestdataDashboard(path string) string {
	return fmt.Sprintf(`{
  "uid": "live-demo",
  "title": "Live demo",
  "schemaVersion": 39,
  "panels": [
    {
      "id": 1,
      "type": "timeseries",
      "title": "Random stream",
      "datasource": {"type": "grafana-testdata-datasource", "uid": "testdata"},
      "targets": [
        {
          "refId": "A",
          "datasource": {"type": "grafana-testdata-datasource", "uid": "testdata"},
          "scenarioId": "live",
          "channel": %q
        }
      ]
    }
  ]
}
`, path)
}
