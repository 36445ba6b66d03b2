package rules

import (
	"cmp"
	"fmt"
	"slices"
	"strings"

	"github.com/grafanalint/grafanalint/parsers/model"
)

// unused returns a meta/unused-ignore finding for every inline ignore rule
// name and every exclusion that suppressed nothing. Ignores naming a rule
// that is switched off in this run are left alone (they may match when it
// is on); ignores naming no known rule are always reported.
func (s *suppressor) unused(m *model.Model, all []*Rule, ran map[string]bool, level Severity) []Finding {
	known := func(name string) (exists, active bool) {
		for _, r := range all {
			if ruleMatches(name, r.ID) {
				exists = true
				if ran[r.ID] {
					active = true
				}
			}
		}
		return exists, active
	}
	var out []Finding
	for _, file := range m.Files {
		if !file.Reported {
			continue
		}
		for i := range file.Ignores {
			ig := &file.Ignores[i]
			for _, name := range ig.Rules {
				if s.usedIgnore[ig][name] || name == UnusedIgnore.ID {
					continue
				}
				exists, active := known(name)
				var msg string
				switch {
				case !exists:
					msg = fmt.Sprintf("inline ignore names unknown rule %q: check the id with \"grafanalint rules\"", name)
				case !active:
					continue
				default:
					msg = fmt.Sprintf("inline ignore for %q matched no finding: remove it", name)
				}
				out = append(out, Finding{Rule: UnusedIgnore.ID, Severity: level, Message: msg, Pos: ig.Pos, Entity: "ignore:" + name, Key: name})
			}
		}
	}
	for _, e := range s.exclusions {
		if s.usedExcl[e] || !e.Pos.IsValid() {
			continue
		}
		if len(e.Rules) > 0 && !slices.ContainsFunc(e.Rules, func(r string) bool { _, active := known(r); return active }) {
			continue
		}
		what := "every rule"
		if len(e.Rules) > 0 {
			what = strings.Join(e.Rules, ", ")
		}
		out = append(out, Finding{
			Rule: UnusedIgnore.ID, Severity: level, Pos: e.Pos,
			Message: fmt.Sprintf("exclusion for %s matched no finding: remove it from the config", what),
			Entity:  "exclusion:" + what,
		})
	}
	return out
}

// Sort orders findings by file, line, column, rule and message, and merges
// exact duplicates (the same finding reached through two stacks).
func Sort(fs []Finding) []Finding {
	return sortInPlace(slices.Clone(fs))
}

// sortInPlace is Sort reusing fs.
func sortInPlace(fs []Finding) []Finding {
	sortStable(fs)
	return slices.CompactFunc(fs, func(a, b Finding) bool {
		return compareFindings(&a, &b) == 0 && a.Severity == b.Severity && a.End == b.End
	})
}

// sortStable sorts fs by compareFindings, keeping the order of equal
// findings, as slices.SortStableFunc would: a fleet's run has tens of
// thousands of findings, which a stable sort's rotations moved many
// times each (0.15 s for 70,000, on one core at the end of the run). The
// indexes are sorted instead, equal findings by their index, and each
// finding then moved once to its place.
func sortStable(fs []Finding) {
	sorted := true
	for i := 1; i < len(fs) && sorted; i++ {
		sorted = compareFindings(&fs[i-1], &fs[i]) <= 0
	}
	if sorted {
		return
	}
	order := make([]int32, len(fs))
	for i := range order {
		order[i] = int32(i)
	}
	slices.SortFunc(order, func(a, b int32) int {
		if c := compareFindings(&fs[a], &fs[b]); c != 0 {
			return c
		}
		return cmp.Compare(a, b)
	})
	// Position i takes the finding at order[i]: follow each cycle of the
	// permutation once, marking placed positions with their own index.
	for i := range fs {
		if order[i] == int32(i) {
			continue
		}
		held := fs[i]
		j := i
		for {
			k := int(order[j])
			order[j] = int32(j)
			if k == i {
				fs[j] = held
				break
			}
			fs[j] = fs[k]
			j = k
		}
	}
}

func compareFindings(a, b *Finding) int {
	if c := strings.Compare(a.Pos.File, b.Pos.File); c != 0 {
		return c
	}
	if a.Pos.Line != b.Pos.Line {
		return a.Pos.Line - b.Pos.Line
	}
	if a.Pos.Col != b.Pos.Col {
		return a.Pos.Col - b.Pos.Col
	}
	if c := strings.Compare(a.Rule, b.Rule); c != 0 {
		return c
	}
	return strings.Compare(a.Message, b.Message)
}
