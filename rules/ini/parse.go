package ini

import (
	"errors"
	"strconv"
	"strings"
	"time"
)

// parseBool is go-ini's (gopkg.in/ini.v1 v1.67 key.go) boolean parser, which
// Key.Bool and Key.MustBool use. Note that it takes "y" and "n" but not
// "Y" and "N".
func parseBool(s string) (bool, error) {
	switch s {
	case "1", "t", "T", "true", "TRUE", "True", "YES", "yes", "Yes", "y", "ON", "on", "On":
		return true, nil
	case "0", "f", "F", "false", "FALSE", "False", "NO", "no", "No", "n", "OFF", "off", "Off":
		return false, nil
	}
	return false, errors.New("invalid syntax")
}

// parseInt is go-ini's Key.Int/Int64 (strconv.ParseInt with base 0, so
// 0x1f, 0o17, 017 and 1_000 are numbers too).
func parseInt(s string) (int64, error) { return strconv.ParseInt(s, 0, 64) }

// parseDuration is grafana-plugin-sdk-go's gtime.ParseDuration, which
// Grafana uses for the *_duration settings: Go durations ("90m", "1h30m",
// "0") plus a whole number of days, weeks, months or years ("7d", "2w",
// "1M", "1y"; a month is a twelfth of 365.25 days).
func parseDuration(s string) (time.Duration, error) {
	if s == "" {
		return 0, errors.New("empty input")
	}
	const (
		day  = 24 * time.Hour
		year = time.Duration(float64(day) * 365.25)
	)
	units := map[byte]time.Duration{'d': day, 'w': 7 * day, 'M': year / 12, 'y': year}
	unit, ok := units[s[len(s)-1]]
	num := s[:len(s)-1]
	if !ok || strings.Trim(num, "0123456789") != "" {
		return time.ParseDuration(s)
	}
	n, err := strconv.Atoi(num)
	if err != nil {
		return 0, err
	}
	return time.Duration(n) * unit, nil
}

// deployTime reports whether v is only known when the stack is deployed:
// it holds a ${VAR}, $__env{}, $__file{} or $__vault{} reference Grafana
// expands, or a template placeholder ("{{ … }}", as Ansible, Helm and
// consul-template render grafana.ini files).
func deployTime(v string, dynamic bool) bool {
	return dynamic || (strings.Contains(v, "{{") && strings.Contains(v, "}}")) || strings.Contains(v, "{%")
}
