// Package config reads grafanalint's configuration file, .grafanalint.yaml:
// the Grafana version to target, declared stacks, rule levels, exclusions
// and defaults for a few command-line flags.
//
// The file is read as YAML nodes, so every mistake — an unknown key, a
// value of the wrong kind, an unknown rule id, an unreadable env file — is
// an Error at its position in the file, with a "did you mean" hint where
// one is near. Paths in the file are relative to the file's directory.
package config

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/grafanalint/grafanalint/parsers/model"
	"github.com/grafanalint/grafanalint/parsers/safefile"
	"github.com/grafanalint/grafanalint/rules"
)

// FileName is the name the configuration file is looked for by.
const FileName = ".grafanalint.yaml"

// Config is a checked configuration file. Unset values are zero.
type Config struct {
	// Path is the file's absolute path; Display is how messages name it
	// (relative to the working directory); Dir is its directory, which
	// relative paths in the file resolve against.
	Path, Display, Dir string
	// GrafanaVersion is grafana_version; Version{} when unset.
	GrafanaVersion rules.Version
	// Stacks are the declared stacks, in file order.
	Stacks []Stack
	// Rules are the rule levels, in file order.
	Rules []RuleLevel
	// Exclude are the exclusions, in file order.
	Exclude []Exclusion
	// FailLevel is fail_level; Off when unset.
	FailLevel rules.Severity
	// MaxFileSize is max_file_size in bytes; 0 when unset.
	MaxFileSize int64
	// NginxPrefix is nginx_prefix as an absolute path; "" when unset.
	NginxPrefix string
	// Baseline is baseline as an absolute path; "" when unset.
	Baseline string
	// NginxProxyParams is nginx_proxy_params: which Debian/Ubuntu
	// /etc/nginx/proxy_params the deployed nginx-common ships, "current"
	// or "legacy"; "" when unset (current).
	NginxProxyParams string
	// Preset is the rule preset named by preset ("dashboard-linter"); its
	// levels are the first entries of Rules.
	Preset string
}

// Stack is one entry of stacks.
type Stack struct {
	Name string
	// Paths are absolute; the config file's directory when none is given.
	Paths []string
	// Env holds the variables of env_file (in file order) followed by
	// those of env, so env wins. Each carries its position.
	Env []model.EnvVar
	// EnvFiles are the absolute paths of env_file.
	EnvFiles []string
	// ComposeService is "service" or "/abs/compose.yml:service".
	ComposeService string
	Pos            model.Pos
}

// RuleLevel is one entry of rules: a rule id or category and its level.
type RuleLevel struct {
	Rule     string
	Severity rules.Severity
	Pos      model.Pos
}

// Exclusion is one entry of exclude. Paths are globs relative to the
// config file's directory; see Config.Exclusions for the engine's form.
type Exclusion struct {
	Rules, Paths, Entities []string
	Reason                 string
	Pos                    model.Pos
}

// Error is a mistake in the configuration file at Pos.
type Error struct {
	Pos model.Pos
	Msg string
}

func (e *Error) Error() string {
	if e.Pos.IsValid() {
		return e.Pos.String() + ": " + e.Msg
	}
	return e.Pos.File + ": " + e.Msg
}

// ErrorList is every mistake found in one file, in file order.
type ErrorList []*Error

func (l ErrorList) Error() string {
	msgs := make([]string, len(l))
	for i, e := range l {
		msgs[i] = e.Error()
	}
	return strings.Join(msgs, "\n")
}

// Find returns the configuration file that applies to dir: dir's own
// FileName or the nearest ancestor's, up to the filesystem root; "" when
// there is none.
func Find(dir string) (string, error) {
	dir, err := filepath.Abs(dir)
	if err != nil {
		return "", err
	}
	for {
		p := filepath.Join(dir, FileName)
		st, err := os.Stat(p)
		switch {
		case err == nil && !st.IsDir():
			return p, nil
		case err != nil && !errors.Is(err, fs.ErrNotExist):
			return "", fmt.Errorf("cannot read %q: %w", p, err)
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", nil
		}
		dir = parent
	}
}

// Load reads and checks the configuration file at path. display names the
// file in errors and positions; known are the rules that rule ids are
// checked against. The error is an ErrorList for mistakes in the file.
func Load(path, display string, known []*rules.Rule) (*Config, error) {
	src, err := safefile.Read(path, safefile.Options{})
	if err != nil {
		return nil, fmt.Errorf("cannot read config file %q: %w", display, err)
	}
	return Parse(path, display, src, known)
}

// Parse checks src, the content of the configuration file at path (see
// Load). Env files named by stacks are read from disk.
func Parse(path, display string, src []byte, known []*rules.Rule) (*Config, error) {
	abs, err := filepath.Abs(path)
	if err != nil {
		return nil, err
	}
	c := &Config{Path: abs, Display: display, Dir: filepath.Dir(abs)}
	p := &parser{cfg: c, known: known}
	p.parse(src)
	sort.SliceStable(p.errs, func(i, j int) bool {
		a, b := p.errs[i].Pos, p.errs[j].Pos
		if a.File != b.File {
			return a.File == display // the config file's own first, then env files
		}
		return a.Less(b)
	})
	if len(p.errs) > 0 {
		return nil, p.errs
	}
	return c, nil
}

// Exclusions returns the exclusions in the engine's form for a run whose
// display paths are relative to workDir: path globs are rewritten from
// the config file's directory to workDir. withPos keeps the exclusions'
// positions, so that meta/unused-ignore reports those that matched
// nothing; pass false when the run did not cover the whole tree the
// config applies to.
func (c *Config) Exclusions(workDir string, withPos bool) []*rules.Exclusion {
	var out []*rules.Exclusion
	for _, e := range c.Exclude {
		x := &rules.Exclusion{Rules: e.Rules, Entities: e.Entities, Reason: e.Reason}
		for _, g := range e.Paths {
			x.Paths = append(x.Paths, RebaseGlob(g, c.Dir, workDir)...)
		}
		if withPos {
			x.Pos = e.Pos
		}
		out = append(out, x)
	}
	return out
}
