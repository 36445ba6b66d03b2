package fixer

import (
	"io/fs"
	"path/filepath"
	"slices"

	"github.com/grafanalint/grafanalint/parsers/compose"
	"github.com/grafanalint/grafanalint/parsers/dashboard"
	"github.com/grafanalint/grafanalint/parsers/grafanaini"
	"github.com/grafanalint/grafanalint/parsers/model"
	"github.com/grafanalint/grafanalint/parsers/nginx"
	"github.com/grafanalint/grafanalint/parsers/provisioning"
)

// verifiable reports whether fixed files of kind can be checked (and so
// edited).
func verifiable(kind model.Kind) bool {
	switch kind {
	case model.KindIni, model.KindDatasources, model.KindProviders, model.KindDashboard,
		model.KindNginx, model.KindCompose, model.KindEnv:
		return true
	}
	return false
}

// verify parses the fixed content of f with the parser of its kind and
// returns why it is worse than before ("" when it is not): a syntax
// problem, or for provisioning files a shape issue Grafana's decoder would
// reject that the original did not have.
func verify(f *model.File, old, fixed []byte) string {
	probs, issues := check(f, fixed)
	for _, p := range probs {
		if p.Kind == model.ProblemSyntax || p.Kind == model.ProblemInput {
			return p.Message
		}
	}
	if len(issues) == 0 {
		return ""
	}
	_, before := check(f, old)
	for _, is := range issues {
		if !slices.ContainsFunc(before, func(b model.Problem) bool { return b.Message == is.Message }) {
			return is.Message
		}
	}
	return ""
}

// check parses src as f's kind and returns its problems and shape issues.
func check(f *model.File, src []byte) (probs, issues []model.Problem) {
	switch f.Kind {
	case model.KindIni:
		_, probs = grafanaini.Parse(f.Path, src)
	case model.KindEnv:
		_, probs = grafanaini.ParseEnvFile(f.Path, src)
	case model.KindDatasources:
		var df *model.DatasourceFile
		df, probs = provisioning.ParseDatasources(f.Path, src)
		issues = df.Issues
	case model.KindProviders:
		var pf *model.ProviderFile
		pf, probs = provisioning.ParseProviders(f.Path, src)
		issues = pf.Issues
	case model.KindDashboard:
		_, probs = dashboard.Parse(f.Path, src)
	case model.KindCompose:
		_, probs = compose.Parse(f.Path, src)
	case model.KindNginx:
		// The file alone: includes are not followed (they are other
		// files, unchanged), only its own syntax matters.
		dir := filepath.Dir(f.Abs)
		_, all := nginx.Load(f.Abs, nginx.Options{
			Root: dir,
			ReadFile: func(p string) ([]byte, error) {
				if p == f.Abs {
					return src, nil
				}
				return nil, fs.ErrNotExist
			},
			Glob:    func(string) ([]string, error) { return nil, nil },
			Display: func(string) string { return f.Path },
		})
		for _, p := range all {
			if p.Kind == model.ProblemSyntax {
				probs = append(probs, p)
			}
		}
	}
	return probs, issues
}
