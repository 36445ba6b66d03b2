package cli

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/grafanalint/grafanalint/cmd/grafanalint/config"
	"github.com/grafanalint/grafanalint/parsers/discover"
	"github.com/grafanalint/grafanalint/parsers/model"
	"github.com/grafanalint/grafanalint/rules"
	"github.com/grafanalint/grafanalint/rules/all"
)

// loadConfig reads the configuration file that applies: --config, or
// .grafanalint.yaml found upward from wd; none with --no-config.
func (c *Command) loadConfig(fl *parsedFlags, wd string) (*config.Config, error) {
	explicit := fl.str("config", "")
	if fl.changed("config") && explicit == "" {
		return nil, usagef("--config needs a file name (--no-config ignores configuration files)")
	}
	if fl.bool("no-config") {
		if explicit != "" {
			return nil, usagef("--config and --no-config contradict each other: pass one")
		}
		return nil, nil
	}
	path := ""
	if explicit != "" {
		path = absIn(wd, explicit)
		if st, err := os.Stat(path); err != nil || st.IsDir() {
			return nil, usagef("config file %q does not exist or is a directory", explicit)
		}
	} else {
		p, err := config.Find(wd)
		if err != nil {
			return nil, usagef("%v", err)
		}
		if p == "" {
			return nil, nil
		}
		path = p
	}
	cfg, err := config.Load(path, displayIn(wd, path), all.Rules())
	if err != nil {
		var list config.ErrorList
		if errors.As(err, &list) {
			return nil, list
		}
		return nil, usagef("%v", err)
	}
	return cfg, nil
}

// coversConfig reports whether this run linted the whole tree the config
// file applies to: then a config exclusion that matched nothing is worth
// reporting. Runs on explicit files (pre-commit) or on a subdirectory
// load only part of it.
func coversConfig(m *model.Model, opts discover.Options, cfg *config.Config) bool {
	if !allReported(m) {
		return false
	}
	for _, p := range opts.Paths {
		if p == "-" {
			continue
		}
		if within(cfg.Dir, absIn(opts.WorkDir, p)) {
			if st, err := os.Stat(absIn(opts.WorkDir, p)); err == nil && st.IsDir() {
				return true
			}
		}
	}
	return false
}

// allReported reports whether every loaded file is reported: false when
// explicit files were given and the rest of the project was loaded as
// context.
func allReported(m *model.Model) bool {
	for _, f := range m.Files {
		if !f.Reported {
			return false
		}
	}
	return true
}

// configFindings drops findings in the configuration file itself (an env
// entry of a stack, say) from runs on explicit files that do not include
// it: pre-commit reports only on the files of the commit.
func configFindings(fs []rules.Finding, m *model.Model, opts discover.Options, cfg *config.Config) []rules.Finding {
	if allReported(m) {
		return fs
	}
	for _, p := range opts.Paths {
		if p != "-" && absIn(opts.WorkDir, p) == cfg.Path {
			return fs
		}
	}
	out := fs[:0:0]
	for _, f := range fs {
		if f.Pos.File != cfg.Display {
			out = append(out, f)
		}
	}
	return out
}

// within reports whether path is dir or below it.
func within(path, dir string) bool {
	rel, err := filepath.Rel(dir, path)
	return err == nil && rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator))
}

// exemptEnabled applies "command-line flags over config exclusions": the
// rules named by --enable are shown even where a config exclusion would
// hide them. Exclusions that name no other rule are dropped.
func exemptEnabled(excl []*rules.Exclusion, enabled []string) []*rules.Exclusion {
	if len(enabled) == 0 {
		return excl
	}
	exempt := map[string]bool{}
	for _, r := range all.Rules() {
		for _, id := range enabled {
			if r.ID == id || r.Category() == id {
				exempt[r.ID] = true
			}
		}
	}
	var out []*rules.Exclusion
	for _, e := range excl {
		names := e.Rules
		touched := len(names) == 0
		for _, n := range names {
			for id := range exempt {
				if n == id || n == "*" || n == "all" || n == strings.SplitN(id, "/", 2)[0] {
					touched = true
				}
			}
		}
		if !touched {
			out = append(out, e)
			continue
		}
		var ids []string
		for _, r := range all.Rules() {
			if exempt[r.ID] {
				continue
			}
			if len(names) == 0 || slices.ContainsFunc(names, func(n string) bool {
				return n == r.ID || n == r.Category() || n == "*" || n == "all"
			}) {
				ids = append(ids, r.ID)
			}
		}
		if len(ids) == 0 {
			continue
		}
		cp := *e
		cp.Rules = ids
		out = append(out, &cp)
	}
	return out
}

// initCmd writes a commented default configuration file.
func (c *Command) initCmd(fl *parsedFlags) (int, error) {
	wd, err := c.workDir()
	if err != nil {
		return ExitInput, err
	}
	path := filepath.Join(wd, config.FileName)
	if _, err := os.Stat(path); err == nil && !fl.bool("force") {
		return ExitUsage, usagef("%s already exists: edit it, or pass --force to replace it with the default", config.FileName)
	}
	if err := os.WriteFile(path, []byte(config.Template(rules.CurrentGrafana)), 0o644); err != nil {
		return ExitUsage, fmt.Errorf("cannot write %s: %w", config.FileName, err)
	}
	fmt.Fprintf(c.Stdout, "wrote %s\n", config.FileName)
	return ExitOK, nil
}
