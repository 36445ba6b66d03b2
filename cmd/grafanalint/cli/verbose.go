package cli

import (
	"fmt"
	"sort"
	"strings"

	"github.com/grafanalint/grafanalint/cmd/grafanalint/report"
	"github.com/grafanalint/grafanalint/parsers/model"
	"github.com/grafanalint/grafanalint/rules"
	"github.com/grafanalint/grafanalint/rules/all"
)

// -v/--verbose writes to stderr, so that stdout stays the report in the
// format asked for: what was discovered, which stacks were assembled and
// from what, which checks were skipped and why, what was hidden, and
// (last) how long each phase took (timing.go).

// verbosef writes one "grafanalint: " line to stderr.
func (c *Command) verbosef(format string, args ...any) {
	fmt.Fprintf(c.Stderr, "grafanalint: "+format+"\n", args...)
}

// describeModel says which files were read and which stacks they form.
func (c *Command) describeModel(m *model.Model) {
	kinds := map[model.Kind]int{}
	context := 0
	for _, f := range m.Files {
		kinds[f.Kind]++
		if !f.Reported {
			context++
		}
	}
	var parts []string
	for _, k := range []model.Kind{model.KindIni, model.KindDatasources, model.KindProviders, model.KindDashboard, model.KindNginx, model.KindCompose, model.KindEnv} {
		if n := kinds[k]; n > 0 {
			parts = append(parts, fmt.Sprintf("%d %s", n, k))
			delete(kinds, k)
		}
	}
	var rest []string
	for k, n := range kinds {
		rest = append(rest, fmt.Sprintf("%d %s", n, k))
	}
	sort.Strings(rest)
	parts = append(parts, rest...)
	summary := "none"
	if len(parts) > 0 {
		summary = strings.Join(parts, ", ")
	}
	c.verbosef("discovered %s: %s", plural(len(m.Files), "file"), summary)
	if context > 0 {
		c.verbosef("%s of them loaded as context only: their findings are reported when their cause (a related location, or the datasource they name) is in a file given on the command line", plural(context, "file"))
	}
	for _, s := range m.Stacks {
		c.verbosef("stack %q: %s", s.Name, describeStack(s))
		for _, u := range s.UnloadedFiles {
			c.verbosef("  %s is not read by Grafana: %s", u.Path, u.Reason)
		}
	}
}

// describeStack is one line about what a stack is made of.
func describeStack(s *model.Stack) string {
	from := string(s.Origin)
	switch {
	case s.ComposeFile != "":
		from = fmt.Sprintf("compose service %q in %s", s.ComposeService, s.ComposeFile)
	case s.Origin == model.OriginLayout:
		from = "layout on disk under " + s.Root
	case s.Origin == model.OriginConfig:
		from = "declared in the config file"
	case s.Origin == model.OriginFallback:
		from = "files no other stack claimed, under " + s.Root
	}
	var has []string
	if s.HasIni {
		has = append(has, "grafana.ini")
	} else {
		has = append(has, "no grafana.ini (defaults)")
	}
	has = append(has,
		plural(len(s.DatasourceFiles), "datasource file"),
		plural(len(s.ProviderFiles), "dashboard provider file"),
		fmt.Sprintf("%s loaded by providers", plural(len(s.Dashboards), "dashboard")))
	if n := len(s.LooseDashboards); n > 0 {
		has = append(has, fmt.Sprintf("%s no provider loads", plural(n, "dashboard")))
	}
	has = append(has, plural(len(s.Nginx), "nginx config"))
	if len(s.EnvFiles) > 0 {
		has = append(has, "env files "+strings.Join(s.EnvFiles, ", "))
	}
	return from + "; " + strings.Join(has, ", ")
}

// describeSkipped lists every skipped check family with the rules it
// holds and every stack it was skipped for.
func (c *Command) describeSkipped(res *rules.Result, opts rules.Options) {
	if len(res.Skipped) == 0 {
		c.verbosef("no checks were skipped: every stack has what the enabled rules need")
		return
	}
	var families []string
	byFamily := map[string][]report.Skipped{}
	for _, s := range res.Skipped {
		if _, ok := byFamily[s.Family]; !ok {
			families = append(families, s.Family)
		}
		byFamily[s.Family] = append(byFamily[s.Family], report.Skipped{Family: s.Family, Reason: s.Reason})
	}
	for _, family := range families {
		line := report.SkippedLines(byFamily[family], 0)[0]
		var ids []string
		for _, r := range all.Rules() {
			if r.Category() != family || levelOf(r, opts.Levels) == rules.Off {
				continue
			}
			for _, part := range r.Needs {
				if strings.Contains(line, "no "+string(part)+" in ") {
					ids = append(ids, r.ID)
					break
				}
			}
		}
		if len(ids) > 0 {
			line = strings.Replace(line, " checks:", fmt.Sprintf(" checks (%s):", strings.Join(ids, ", ")), 1)
		}
		c.verbosef("%s", line)
	}
}

// describeResult says how many findings there are and what was hidden.
func (c *Command) describeResult(res *rules.Result, hiddenInline int, failLevel rules.Severity) {
	var e, w, i int
	for _, f := range res.Findings {
		switch f.Severity {
		case rules.Error:
			e++
		case rules.Warning:
			w++
		case rules.Info:
			i++
		}
	}
	c.verbosef("%s (%s, %s, %s); %d hidden by inline ignores and config exclusions, %d by the baseline; --fail-level %s",
		plural(len(res.Findings), "finding"), plural(e, "error"), plural(w, "warning"), plural(i, "info"), hiddenInline, res.Suppressed-hiddenInline, failLevel)
}
