package report

import (
	"fmt"
	"regexp"
	"strings"
)

// stackReason splits the engine's reasons "no <part> in stack "<name>"".
var stackReason = regexp.MustCompile(`^(.*) in stack "(.*)"$`)

// SkippedLines describes skipped check families for people: one line per
// family, each reason once with the stacks it applies to ("skipped proxy
// checks: no nginx config in stacks "a" and "b""), instead of one line per
// stack. At most maxStacks stack names are listed per reason (all when
// maxStacks <= 0); the rest are counted. The JSON and SARIF formats keep
// one entry per family, reason and stack.
func SkippedLines(skips []Skipped, maxStacks int) []string {
	type group struct {
		reason string
		stacks []string
	}
	var families []string
	byFamily := map[string][]*group{}
	for _, s := range skips {
		reason, stack := s.Reason, ""
		if m := stackReason.FindStringSubmatch(s.Reason); m != nil {
			reason, stack = m[1], m[2]
		}
		gs, seen := byFamily[s.Family]
		if !seen {
			families = append(families, s.Family)
		}
		var g *group
		for _, x := range gs {
			if x.reason == reason {
				g = x
			}
		}
		if g == nil {
			g = &group{reason: reason}
			byFamily[s.Family] = append(gs, g)
		}
		if stack != "" || g.stacks == nil {
			g.stacks = append(g.stacks, stack)
		}
	}
	var out []string
	for _, f := range families {
		var parts []string
		for _, g := range byFamily[f] {
			parts = append(parts, g.reason+stacksPhrase(g.stacks, maxStacks))
		}
		out = append(out, fmt.Sprintf("skipped %s checks: %s", f, strings.Join(parts, "; ")))
	}
	return out
}

// stacksPhrase is ` in stack "a"`, ` in stacks "a" and "b"` or ` in 12
// stacks ("a", "b", "c" and 9 more)`; "" for reasons that name no stack.
func stacksPhrase(stacks []string, limit int) string {
	var named []string
	for _, s := range stacks {
		if s != "" {
			named = append(named, fmt.Sprintf("%q", s))
		}
	}
	switch {
	case len(named) == 0:
		return ""
	case len(named) == 1:
		return " in stack " + named[0]
	case limit <= 0 || len(named) <= limit:
		return " in stacks " + strings.Join(named[:len(named)-1], ", ") + " and " + named[len(named)-1]
	}
	return fmt.Sprintf(" in %d stacks (%s and %d more; -v lists them)", len(named), strings.Join(named[:limit], ", "), len(named)-limit)
}
