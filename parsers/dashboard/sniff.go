package dashboard

import (
	"bytes"
	"strings"
)

// Sniff reports whether src looks like a Grafana dashboard: a top-level
// object with "panels", "rows", "schemaVersion" or "templating"; the API
// wrapper {"dashboard": {...}}; a resource of kind Dashboard in
// dashboard.grafana.app; or a bare v2 spec ("elements" and "layout"). It
// reads top-level member names only, skipping their values, and stops at the
// first decisive one. A file that breaks before anything decisive is not
// taken for a dashboard; a leading UTF-8 byte order mark is looked past (so
// Parse can report it).
func Sniff(src []byte) bool {
	src = bytes.TrimPrefix(src, utf8BOM)
	r := newReader(src, nil)
	if _, ok := r.begin('{'); !ok {
		return false
	}
	var kind, apiVersion string
	var elements, layout bool
	for key, ok := r.key(); ok; key, ok = r.key() {
		switch string(key) {
		case "panels", "rows", "schemaVersion", "templating":
			return true
		case "dashboard":
			if r.peek() == '{' && sniffInner(r) {
				return true
			}
		case "kind":
			kind = r.text()
		case "apiVersion":
			apiVersion = r.text()
		case "elements":
			elements = true
			r.skip()
		case "layout":
			layout = true
			r.skip()
		default:
			r.skip()
		}
		if kind == "Dashboard" && strings.HasPrefix(apiVersion, k8sGroup) || elements && layout {
			return true
		}
	}
	return false
}

// sniffInner reads the API wrapper's "dashboard" object (one level) and
// reports whether it has a dashboard's members.
func sniffInner(r *reader) bool {
	r.begin('{')
	for key, ok := r.key(); ok; key, ok = r.key() {
		switch string(key) {
		case "panels", "rows", "schemaVersion", "templating", "title", "uid":
			return true
		}
		r.skip()
	}
	return false
}
