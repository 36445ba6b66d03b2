package config

import (
	"path"
	"path/filepath"
	"slices"
	"strings"
)

// RebaseGlob rewrites glob, a "/"-separated glob relative to directory
// from (as rules.MatchGlob reads it: "*" within a segment, "**" across
// segments), into globs relative to directory to that match the same
// files. It always returns at least one glob.
//
// When to lies below from, a file is shown relative to to: "x.json" inside
// it, "../x.json" one level up. The glob's leading segments are matched
// against the path from from down to each of those levels ("sub/*.json"
// from the parent becomes "*.json" in sub, and "../sub/*.json" for the
// level above). One approximation remains: a rebased glob starting with
// "*" or "**" can also match paths that climb out of from ("../../x"),
// which grafanalint shows only for paths given outside the config
// file's tree.
func RebaseGlob(glob, from, to string) []string {
	rel, err := filepath.Rel(to, from)
	if err != nil {
		return []string{glob}
	}
	rel = filepath.ToSlash(rel)
	if rel == "." {
		return []string{glob}
	}
	var out []string
	if down, err := filepath.Rel(from, to); err == nil && !strings.HasPrefix(filepath.ToSlash(down), "..") {
		ds := strings.Split(filepath.ToSlash(down), "/")
		gs := strings.Split(glob, "/")
		for k := 0; k < len(ds); k++ {
			up := strings.Repeat("../", k)
			for _, r := range residuals(gs, ds[:len(ds)-k]) {
				if len(r) > 0 {
					out = append(out, up+strings.Join(r, "/"))
				}
			}
		}
	}
	out = append(out, path.Join(rel, glob))
	slices.Sort(out)
	return slices.Compact(out)
}

// residuals returns what is left of glob segments gs after matching the
// directory segments ds, in every way "**" allows.
func residuals(gs, ds []string) [][]string {
	if len(ds) == 0 {
		return [][]string{gs}
	}
	if len(gs) == 0 {
		return nil
	}
	if gs[0] == "**" {
		return append(residuals(gs[1:], ds), residuals(gs, ds[1:])...)
	}
	if ok, err := path.Match(gs[0], ds[0]); err != nil || !ok {
		return nil
	}
	return residuals(gs[1:], ds[1:])
}
