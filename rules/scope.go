package rules

import (
	"strings"
	"sync"

	"github.com/grafanalint/grafanalint/parsers/model"
)

// scope decides which findings a run reports. Linting a tree reports
// everything; linting explicit files (pre-commit passes the files of a
// commit, the rest of the project is loaded as context) reports the
// findings that concern those files: the ones that sit in them, and the
// ones whose cause is in them — a related location, the entity the
// finding is about, or an entity it involves (the datasource a dashboard
// reference names). A commit that only changes a datasource's uid then
// fails with the dashboards it breaks.
type scope struct {
	// all is true when every loaded file is reported.
	all bool
	// reported holds the display paths of the reported files; known holds
	// every loaded file.
	reported, known map[string]bool
	// byStack caches each stack's entity index (stacks are checked
	// concurrently: mu guards it).
	mu      sync.Mutex
	byStack map[*model.Stack]*entityIndex
}

func newScope(m *model.Model) *scope {
	sc := &scope{all: true, reported: map[string]bool{}, known: map[string]bool{}, byStack: map[*model.Stack]*entityIndex{}}
	for _, f := range m.Files {
		sc.known[f.Path] = true
		if f.Reported {
			sc.reported[f.Path] = true
		} else {
			sc.all = false
		}
	}
	return sc
}

// reports tells whether finding f, produced for stack s (nil for rules
// that run on the whole model), concerns the reported files.
func (sc *scope) reports(f Finding, s *model.Stack) bool {
	if sc.all || sc.reported[f.Pos.File] || !sc.known[f.Pos.File] {
		// Findings outside the loaded files (the config file) are the
		// caller's to filter.
		return true
	}
	for _, r := range f.Related {
		file := r.Pos.File
		if file == "" {
			file = f.Pos.File
		}
		if sc.reported[file] {
			return true
		}
	}
	if s == nil {
		return false
	}
	ix := sc.index(s)
	for _, e := range append([]string{f.Entity}, f.Involves...) {
		for _, file := range ix.filesOf(e) {
			if sc.reported[file] {
				return true
			}
		}
	}
	return false
}

// done drops the index of stack s once its rules have run.
func (sc *scope) done(s *model.Stack) {
	sc.mu.Lock()
	defer sc.mu.Unlock()
	delete(sc.byStack, s)
}

func (sc *scope) index(s *model.Stack) *entityIndex {
	sc.mu.Lock()
	ix := sc.byStack[s]
	sc.mu.Unlock()
	if ix == nil {
		ix = newEntityIndex(s)
		sc.mu.Lock()
		sc.byStack[s] = ix
		sc.mu.Unlock()
	}
	return ix
}

// entityIndex maps the entities findings name ("datasource:<uid>",
// "ini:<section>.<key>" …) to the files of one stack that define them.
type entityIndex struct {
	stack *model.Stack
	// datasources maps a UID or name to the files provisioning it.
	datasources map[string][]string
	// dsFiles are all datasource provisioning files of the stack.
	dsFiles []string
	// dashboards maps a dashboard UID to its files.
	dashboards map[string][]string
	providers  map[string][]string
}

func newEntityIndex(s *model.Stack) *entityIndex {
	ix := &entityIndex{stack: s, datasources: map[string][]string{}, dashboards: map[string][]string{}, providers: map[string][]string{}}
	for _, f := range s.DatasourceFiles {
		ix.dsFiles = append(ix.dsFiles, f.Path)
		for _, ds := range f.Datasources {
			for _, id := range []string{ds.UID.V, ds.Name.V} {
				if id != "" {
					ix.datasources[id] = append(ix.datasources[id], f.Path)
				}
			}
		}
	}
	for _, d := range s.AllDashboards() {
		if d.UID.V != "" {
			ix.dashboards[d.UID.V] = append(ix.dashboards[d.UID.V], d.File)
		}
	}
	for _, f := range s.ProviderFiles {
		for _, p := range f.Providers {
			ix.providers[p.Name.V] = append(ix.providers[p.Name.V], f.Path)
		}
	}
	return ix
}

// filesOf returns the files that define entity e in the stack.
//
// A datasource that no file provisions (the UID a dashboard names but
// nobody has) belongs to every datasource provisioning file of the stack:
// whichever of them a commit touches may be the one that dropped or
// renamed it.
func (ix *entityIndex) filesOf(e string) []string {
	kind, name, ok := strings.Cut(e, ":")
	if !ok {
		return nil
	}
	switch kind {
	case "datasource":
		if files := ix.datasources[name]; len(files) > 0 {
			return files
		}
		return ix.dsFiles
	case "dashboard":
		if files := ix.dashboards[name]; len(files) > 0 {
			return files
		}
		return []string{name} // a dashboard without uid is named by its file
	case "provider":
		return ix.providers[name]
	case "file":
		return []string{name}
	case "ini":
		return ix.iniFiles(name)
	case "env":
		return ix.envFiles()
	}
	return nil
}

// iniFiles returns the file that sets "section.key" (or holds "section").
func (ix *entityIndex) iniFiles(name string) []string {
	settings := ix.stack.Settings
	if settings == nil {
		return nil
	}
	var files []string
	if settings.File != nil {
		files = append(files, settings.File.Path)
	}
	if i := strings.LastIndexByte(name, '.'); i > 0 {
		if st := settings.Get(name[:i], name[i+1:]); st != nil && st.Source.Kind == model.SourceEnv {
			if st.Source.Pos.File != "" {
				files = append(files, st.Source.Pos.File)
			}
			files = append(files, ix.envFiles()...)
		}
	}
	return files
}

// envFiles are the files GF_* variables of the stack come from.
func (ix *entityIndex) envFiles() []string {
	var files []string
	if ix.stack.ComposeFile != "" {
		files = append(files, ix.stack.ComposeFile)
	}
	return append(files, ix.stack.EnvFiles...)
}
