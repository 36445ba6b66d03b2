package query

import "testing"

// callsMetricsQLForward is the reading callsMetricsQL replaced: every
// word of s, left to right, followed by "(".
func callsMetricsQLForward(s string) bool {
	for i := 0; i < len(s); {
		if !isWordByte(s[i]) {
			i++
			continue
		}
		j := i
		for j < len(s) && isWordByte(s[j]) {
			j++
		}
		k := j
		for k < len(s) && (s[k] == ' ' || s[k] == '\t' || s[k] == '\n' || s[k] == '\r') {
			k++
		}
		if k < len(s) && s[k] == '(' && metricsQLNames()[s[i:j]] && (i == 0 || s[i-1] != '$') {
			return true
		}
		i = j
	}
	return false
}

// TestCallsMetricsQL: calls of MetricsQL-only functions are found, with
// white space before "(", and not variables, longer names or PromQL.
func TestCallsMetricsQL(t *testing.T) {
	for s, want := range map[string]bool{
		`rollup_rate(x[5m])`:            true,
		`sum(range_first (x))`:          true,
		"y + keep_last_value\n\t(x)":    true,
		`sum(rate(x[5m]))`:              false,
		`$rollup_rate(x)`:               false,
		`xrollup_rate(x)`:               false,
		`rollup_rate_x(x)`:              false,
		`rollup_rate`:                   false,
		`(`:                             false,
		``:                              false,
		`label_set(x, "a", "b") or (y)`: true,
	} {
		if got := callsMetricsQL(s); got != want {
			t.Errorf("callsMetricsQL(%q) = %v, want %v", s, got, want)
		}
		if got := callsMetricsQLForward(s); got != want {
			t.Errorf("callsMetricsQLForward(%q) = %v, want %v", s, got, want)
		}
	}
}

// FuzzCallsMetricsQL: looking back from each "(" finds what reading
// every word finds.
func FuzzCallsMetricsQL(f *testing.F) {
	for _, s := range []string{`rollup_rate(x[5m])`, `sum(range_first (x))`, `$rollup_rate(x)`, "a\t(b", `x_total(`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if got, want := callsMetricsQL(s), callsMetricsQLForward(s); got != want {
			t.Errorf("callsMetricsQL(%q) = %v, reading every word gives %v", s, got, want)
		}
	})
}
