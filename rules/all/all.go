// Package all lists every rule grafanalint has, in catalogue order.
package all

import (
	"github.com/grafanalint/grafanalint/rules"
	"github.com/grafanalint/grafanalint/rules/channel"
	"github.com/grafanalint/grafanalint/rules/dashboard"
	"github.com/grafanalint/grafanalint/rules/datasource"
	"github.com/grafanalint/grafanalint/rules/ini"
	"github.com/grafanalint/grafanalint/rules/kubernetes"
	"github.com/grafanalint/grafanalint/rules/live"
	"github.com/grafanalint/grafanalint/rules/parse"
	"github.com/grafanalint/grafanalint/rules/provisioning"
	"github.com/grafanalint/grafanalint/rules/proxy"
	"github.com/grafanalint/grafanalint/rules/query"
	"github.com/grafanalint/grafanalint/rules/secret"
	"github.com/grafanalint/grafanalint/rules/server"
)

// Rules returns every registered rule.
func Rules() []*rules.Rule {
	var out []*rules.Rule
	out = append(out, parse.Rules()...)
	out = append(out, datasource.Rules()...)
	out = append(out, dashboard.Rules()...)
	out = append(out, channel.Rules()...)
	out = append(out, query.Rules()...)
	out = append(out, live.Rules()...)
	out = append(out, proxy.Rules()...)
	out = append(out, server.Rules()...)
	out = append(out, ini.Rules()...)
	out = append(out, provisioning.Rules()...)
	out = append(out, secret.Rules()...)
	out = append(out, kubernetes.Rules()...)
	out = append(out, rules.UnusedIgnore)
	return out
}

// Lookup returns the rule with the given id, or nil.
func Lookup(id string) *rules.Rule {
	for _, r := range Rules() {
		if r.ID == id {
			return r
		}
	}
	return nil
}
