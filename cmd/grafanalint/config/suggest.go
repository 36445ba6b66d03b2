package config

import "unicode/utf8"

// nearest returns the candidate closest to s — by edit distance, or one
// sharing a long prefix ("exclusions" → "exclude") — or "" when none is
// close enough to be a likely typo.
func nearest(s string, candidates []string) string {
	best, bestScore := "", -1
	for _, c := range candidates {
		d := distance(s, c)
		n := max(utf8.RuneCountInString(s), utf8.RuneCountInString(c))
		near := d <= max(2, n/3) || commonPrefix(s, c) >= min(5, utf8.RuneCountInString(c))
		if !near {
			continue
		}
		if bestScore < 0 || d < bestScore {
			best, bestScore = c, d
		}
	}
	return best
}

func commonPrefix(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	n := 0
	for n < len(ra) && n < len(rb) && ra[n] == rb[n] {
		n++
	}
	return n
}

// distance is the Levenshtein distance between a and b, in code points.
func distance(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	prev := make([]int, len(rb)+1)
	cur := make([]int, len(rb)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		cur[0] = i
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(rb)]
}

// Nearest returns the candidate a misspelt s most likely meant (by edit
// distance, or a long shared prefix), or "" when none is close enough.
func Nearest(s string, candidates []string) string { return nearest(s, candidates) }
