package discover

import (
	"errors"
	"github.com/grafanalint/grafanalint/parsers/safefile"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"strings"

	"github.com/grafanalint/grafanalint/parsers/compose"
	"github.com/grafanalint/grafanalint/parsers/model"
)

// Compose runs a project with the variables of the ".env" file in the
// project directory (the directory of the first compose file) for
// interpolation, and gives each service the variables of its env_file
// entries, read with the same rules (compose-go's dotenv). This file reads
// both and parses the compose files again with them.

// composeState is what one Load learnt of compose projects.
type composeState struct {
	// vars are the .env variables by compose directory (display path).
	vars map[string]*compose.Vars
	// envDone holds the env files read with compose's rules.
	envDone map[string]bool
}

func (l *loader) composeState() *composeState {
	if l.compose == nil {
		l.compose = &composeState{vars: map[string]*compose.Vars{}, envDone: map[string]bool{}}
	}
	return l.compose
}

// projectVars returns the variables of the .env file in compose directory
// dir (display path), read once per directory; nil when there is none in
// the tree. A .env the walk skipped (.gitignore) is not read: the linter
// sees what the repository holds, so local and CI runs agree.
func (l *loader) projectVars(dir string) *compose.Vars {
	st := l.composeState()
	if v, ok := st.vars[dir]; ok {
		return v
	}
	var vars *compose.Vars
	if e := l.entries[l.tree.join(dir, ".env")]; e != nil && !e.bad {
		if src := l.textOf(e); src != nil {
			parsed, probs := compose.ParseEnvFile(e.disp, src, "", nil, nil)
			vars = compose.NewVars(nil)
			for _, v := range parsed {
				if v.Known {
					vars.Set(v.Name, v.Value)
				} else {
					vars.SetUnknown(v.Name)
				}
			}
			l.composeEnvProblems(e, parsed, probs)
		}
	}
	st.vars[dir] = vars
	return vars
}

// textOf returns e's text, reading it if it was not kept.
func (l *loader) textOf(e *entry) []byte {
	if e.src != nil {
		return e.src
	}
	src := l.readSource(e)
	if src != nil {
		e.src = src
	}
	return src
}

// composeEnvProblems records the problems compose's reading of env file e
// finds: they replace those of the generic env reader, since compose's
// rules decide whether it runs. A file that sets no GF_* variable and
// parses cleanly keeps no kind.
func (l *loader) composeEnvProblems(e *entry, vars []compose.EnvVar, probs []model.Problem) {
	st := l.composeState()
	if st.envDone[e.disp] || e.src == nil {
		return
	}
	st.envDone[e.disp] = true
	if e.kind != model.KindEnv && len(probs) == 0 {
		return
	}
	env := make([]model.EnvVar, 0, len(vars))
	for _, v := range vars {
		env = append(env, v.ModelVar())
	}
	l.setKind(e, model.KindEnv, probs)
	e.env = env
}

// interpolateCompose parses every compose file again with its project's
// variables and makes the env files the services name env files.
func (l *loader) interpolateCompose() {
	for _, e := range l.sortedEntries() {
		if e.kind != model.KindCompose || e.comp == nil || e.src == nil {
			continue
		}
		vars := l.projectVars(path.Dir(e.disp))
		c, probs := compose.ParseWith(e.disp, e.src, vars)
		igs := e.file.Ignores
		l.setKind(e, model.KindCompose, probs)
		e.file.Ignores = igs
		e.comp = c
		for _, s := range c.Services {
			for _, ef := range s.EnvFiles {
				if t := l.entries[l.treeForm(ef.Resolved)]; t != nil && !t.bad {
					l.force(t, model.KindEnv)
				}
			}
		}
	}
}

// treeForm returns the form the tree uses for display path p.
func (l *loader) treeForm(p string) string {
	if p == "" || path.IsAbs(p) {
		return p
	}
	return l.display(l.abs(p))
}

// serviceEnv returns the variables a compose service's container gets
// from its env_file entries and its environment, as compose resolves them:
// env files in order (each read with the project's variables, then the
// service's environment, then the variables read before it, for
// interpolation), then the environment entries, whose names alone take the
// project's value. It records the required env files that do not exist
// (compose then runs no service of the project) and, when own is true
// (Grafana's service), the env files read.
func (b *builder) serviceEnv(p *composeProject, s *compose.Service, own bool) []model.EnvVar {
	l := b.l
	vars := l.projectVars(p.dir)
	svc := compose.NewVars(nil)
	var environment []model.EnvVar
	for _, e := range s.Environment {
		if e.FromHost {
			v, known, found := vars.Lookup(e.Name.V)
			if !found {
				continue
			}
			if known {
				svc.Set(e.Name.V, v)
			} else {
				svc.SetUnknown(e.Name.V)
				v = "${" + e.Name.V + "}"
			}
			environment = append(environment, model.EnvVar{Name: e.Name.V, Value: v, Pos: e.Name.Pos})
			continue
		}
		if e.Dynamic {
			svc.SetUnknown(e.Name.V)
		} else {
			svc.Set(e.Name.V, e.Value.V)
		}
		environment = append(environment, e.EnvVar())
	}
	lookup := compose.Chain(vars, svc)
	var out []model.EnvVar
	prior := compose.NewVars(nil)
	for _, ef := range s.EnvFiles {
		e := l.entries[l.treeForm(ef.Resolved)]
		if e == nil || e.bad {
			if e == nil && ef.Required && l.missingOnDisk(ef.Resolved) && !l.hasTemplate(ef.Resolved) {
				b.st.MissingPaths = append(b.st.MissingPaths, model.MissingPath{
					Kind: model.MissingEnvFile, Pos: ef.Path.Pos, End: ef.Path.End, Host: ef.Resolved, Service: s.Name.V,
					Reason: "docker compose stops with \"env file … not found\" and starts no container of the project unless it is created first",
				})
			}
			continue
		}
		src := l.textOf(e)
		if src == nil {
			continue
		}
		parsed, probs := compose.ParseEnvFile(e.disp, src, ef.Format, lookup, prior)
		fileLevel, _ := compose.ParseEnvFile(e.disp, src, ef.Format, vars, nil)
		l.composeEnvProblems(e, fileLevel, probs)
		for _, v := range parsed {
			out = append(out, v.ModelVar())
			if v.Known {
				prior.Set(v.Name, v.Value)
			} else {
				prior.SetUnknown(v.Name)
			}
		}
		if own {
			b.envFiles = append(b.envFiles, e.disp)
			b.claim(e.disp)
		}
	}
	return append(out, environment...)
}

// missingOnDisk reports whether display path p (resolved against the
// working directory, or absolute) names nothing on disk and nothing a
// .gitignore of its walk root excludes: a path the repository should hold
// and does not. Absolute paths outside every walk root are not known to be
// missing (they live on the deployment host).
func (l *loader) missingOnDisk(p string) bool {
	if p == "" {
		return false
	}
	abs := l.abs(p)
	r := l.rootOfExisting(abs)
	if r == nil {
		return false
	}
	if _, err := os.Lstat(abs); !errors.Is(err, fs.ErrNotExist) {
		return false
	}
	return !l.gitignored(r, abs)
}

// templateSuffixes mark the committed template of a file created at
// deploy time (.env.example for .env).
var templateSuffixes = []string{".example", ".sample", ".dist", ".template", ".tmpl", ".tpl", ".default", ".defaults", ".in", ".orig"}

// hasTemplate reports whether missing file p has a template beside it
// ("p.example", "name.example.ext", "example.name", …): it is made from
// the template when the project is set up, not forgotten.
func (l *loader) hasTemplate(p string) bool {
	dir, name := path.Split(p)
	ext := path.Ext(name)
	stem := strings.TrimSuffix(name, ext)
	var cands []string
	for _, t := range templateSuffixes {
		cands = append(cands, name+t, "example"+name, "sample"+name)
		if stem != "" && ext != "" {
			cands = append(cands, stem+t+ext)
		}
		cands = append(cands, strings.TrimPrefix(t, ".")+"."+strings.TrimPrefix(name, "."))
	}
	for _, c := range cands {
		if _, err := os.Lstat(l.abs(path.Join(dir, c))); err == nil {
			return true
		}
	}
	return false
}

// rootOfExisting returns the walk root holding abs, or nil.
func (l *loader) rootOfExisting(abs string) *walkRoot {
	for _, r := range l.roots {
		if within(abs, r.abs) {
			return r
		}
	}
	return nil
}

// gitignored reports whether abs, below walk root r, is excluded by the
// .gitignore files from r down to its directory (itself or a directory
// above it matching), as the walk would have excluded it.
func (l *loader) gitignored(r *walkRoot, abs string) bool {
	rel, err := filepath.Rel(r.abs, abs)
	if err != nil {
		return false
	}
	parts := strings.Split(filepath.ToSlash(rel), "/")
	var ign ignoreStack
	dir, relDir := r.abs, ""
	for i, name := range parts {
		if b, err := safefile.Read(filepath.Join(dir, ".gitignore"), safefile.Options{Max: l.opts.MaxFileSize, Within: l.within}); err == nil {
			ign = ign.with(parseGitignore(relDir, string(b)))
		}
		relPath := joinRel(relDir, name)
		last := i == len(parts)-1
		if ign.ignored(relPath, true) || last && ign.ignored(relPath, false) {
			return true
		}
		if skipDirs[name] {
			return true
		}
		dir, relDir = filepath.Join(dir, name), relPath
	}
	return false
}
