package fixer

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/grafanalint/grafanalint/parsers/model"
	"github.com/grafanalint/grafanalint/rules"
	"github.com/grafanalint/grafanalint/rules/fix"
)

// describeAlone is Describe as its documentation says it, without its
// savings: a plan of each fix alone, its files read and parsed whole. It
// returns each finding's changes.
func describeAlone(m *model.Model, findings []rules.Finding) [][]fix.Change {
	out := make([][]fix.Change, len(findings))
	for i, f := range findings {
		if f.Fix == nil || f.Fix.Secret || len(f.Fix.Edits) == 0 {
			continue
		}
		p := New(m, findings[i:i+1], Options{})
		if len(p.Applied) != 1 {
			continue
		}
		for _, pf := range p.Files {
			out[i] = append(out[i], pf.changes()...)
		}
	}
	return out
}

// describedChanges runs Describe on copies of the findings' fixes and
// returns each finding's changes; it fails t when a file is read twice.
func describedChanges(t *testing.T, m *model.Model, findings []rules.Finding) [][]fix.Change {
	fs := make([]rules.Finding, len(findings))
	copies := map[*fix.Fix]*fix.Fix{}
	for i, f := range findings {
		if f.Fix != nil {
			if _, ok := copies[f.Fix]; !ok {
				c := *f.Fix
				copies[f.Fix] = &c
			}
			f.Fix = copies[f.Fix]
		}
		fs[i] = f
	}
	var mu sync.Mutex
	reads := map[string]int{}
	Describe(m, fs, Options{ReadFile: func(p string) ([]byte, error) {
		mu.Lock()
		reads[p]++
		mu.Unlock()
		return os.ReadFile(p)
	}})
	for p, n := range reads {
		if n > 1 {
			t.Errorf("Describe read %s %d times", p, n)
		}
	}
	out := make([][]fix.Change, len(fs))
	for i, f := range fs {
		if f.Fix != nil {
			out[i] = f.Fix.Changes
		}
	}
	return out
}

// bigDashboard is a dashboard spanning several of jsonScan's kept states,
// with a uid on line 3 and panels whose titles are on lines 6, 7, ….
func bigDashboard(panels int) string {
	var b strings.Builder
	b.WriteString("{\n  \"title\": \"big\",\n  \"uid\": \"abc\",\n  \"schemaVersion\": 39,\n  \"panels\": [\n")
	for i := range panels {
		sep := ","
		if i == panels-1 {
			sep = ""
		}
		fmt.Fprintf(&b, "    {\"title\": \"panel %04d\", \"datasource\": {\"uid\": \"ds\"}, \"type\": \"timeseries\", \"id\": %5d}%s\n", i, i, sep)
	}
	b.WriteString("  ]\n}\n")
	return b.String()
}

// TestDescribeAsAlone: Describe, which reads each file once for all its
// fixes and checks fixed dashboards around their edits, describes every
// fix exactly as a plan of that fix alone does, where checking the fixes
// of a file together would differ: a fix that breaks the file beside ones
// that do not, two that break it only together or mend each other, fixes
// that overlap, a fix over two files one of which it breaks, edits far
// apart in one fix, insertions, a file that does not parse, fixes shared
// by two findings.
func TestDescribeAsAlone(t *testing.T) {
	const d, ds, bad = "d.json", "datasources.yaml", "bad.json"
	big := bigDashboard(600) // about 50 KB
	if len(big) < 10*scanEvery {
		t.Fatalf("the dashboard is only %d bytes", len(big))
	}
	_, m := tree(t, map[string]string{
		d:   big,
		ds:  "apiVersion: 1\ndatasources:\n  - name: Prom\n    type: prometheus\n    uid: ds\n",
		bad: "{\"uid\": \"x\",}\n",
	}, map[string]model.Kind{d: model.KindDashboard, ds: model.KindDatasources, bad: model.KindDashboard})
	m.File(bad).Problems = []model.Problem{{Kind: model.ProblemSyntax, Message: "trailing comma"}}
	title := func(i int) fix.Edit { // the panel's title, "panel 0042"
		return fix.Edit{Start: pos(d, 6+i, 16), End: pos(d, 6+i, 26), Old: fmt.Sprintf("panel %04d", i)}
	}
	with := func(e fix.Edit, text string, enc fix.Encoding) fix.Edit { e.New, e.Encoding = text, enc; return e }
	comma := func(i int) fix.Edit { // the comma after panel i's object
		return fix.Edit{Start: pos(d, 6+i, 92), End: pos(d, 6+i, 93), Old: ","}
	}
	uid := replace(d, 3, 11, "abc", "new-uid")
	uid.Encoding = fix.JSONString
	shared := &fix.Fix{Message: "shared", Edits: []fix.Edit{with(title(7), "seven", fix.JSONString)}}
	fs := []rules.Finding{
		finding("t/uid", pos(d, 3, 11), uid),
		finding("t/uid-other", pos(d, 3, 11), with(uid, "other", fix.JSONString)),   // overlaps t/uid
		finding("t/break-title", pos(d, 8, 29), with(title(2), `a"b`, fix.Raw)),     // breaks the file
		finding("t/title", pos(d, 9, 29), with(title(3), `a"b`, fix.JSONString)),    // escaped: fine
		finding("t/drop-comma", pos(d, 15, 101), with(comma(9), "", fix.Raw)),       // breaks alone
		finding("t/add-comma", pos(d, 16, 101), with(comma(10), ",,", fix.Raw)),     // breaks alone; with the one above, the count of commas is right
		finding("t/open", pos(d, 20, 29), with(title(14), `x", "y": {"z`, fix.Raw)), // valid: a member with an open object…
		finding("t/far", pos(d, 21, 29), with(title(15), `x", "y": [{"z": "`, fix.Raw), // …and one that is not closed…
			with(title(500), `q"}], "r": "s`, fix.Raw)), //  …until far on: valid together, in one fix
		finding("t/far-broken", pos(d, 22, 29), with(title(16), `x", "y": [{"z": "`, fix.Raw),
			with(title(501), `q"], "r": "s`, fix.Raw)), // closed the wrong way
		finding("t/two-files", pos(d, 23, 29), with(title(17), "renamed", fix.JSONString),
			replace(ds, 3, 11, "Prom", "Prometheus")),
		finding("t/two-files-broken", pos(d, 24, 29), with(title(18), `"`, fix.Raw),
			replace(ds, 3, 11, "Prom", "P")),
		finding("t/insert", pos(d, 25, 5), fix.Edit{Op: fix.InsertLinesAfter, Start: pos(d, 25, 1), New: `{"id": 9999},`, Indent: pos(d, 25, 5)}),
		finding("t/insert-broken", pos(d, 26, 5), fix.Edit{Op: fix.InsertLinesAfter, Start: pos(d, 26, 1), New: `{"id": 9999}`, Indent: pos(d, 26, 5)}),
		finding("t/last", pos(d, 605, 29), with(title(599), "last", fix.JSONString)),
		finding("t/end", pos(d, 607, 1), replace(d, 607, 1, "}", "}\n")),
		finding("t/end-extra", pos(d, 607, 1), replace(d, 607, 1, "}", "}}")), // dashboard.Parse reads no further than the object
		finding("t/end-closer", pos(d, 607, 1), replace(d, 607, 1, "}", "]")), // a closer it does not expect there is a syntax error
		finding("t/end-broken", pos(d, 607, 1), replace(d, 607, 1, "}", "")),
		finding("t/bad-file", pos(bad, 1, 10), replace(bad, 1, 10, "x", "y")),
		{Rule: "t/shared", Pos: pos(d, 13, 29), Fix: shared},
		{Rule: "t/shared-again", Pos: pos(d, 13, 29), Fix: shared},
	}
	want := describeAlone(m, fs)
	got := describedChanges(t, m, fs)
	applied := 0
	for i, f := range fs {
		if diff := cmp.Diff(want[i], got[i]); diff != "" {
			t.Errorf("%s: (-alone +Describe):\n%s", f.Rule, diff)
		}
		if want[i] != nil {
			applied++
		}
	}
	// The cases must tell: some fixes apply alone, some do not.
	for rule, wantApplied := range map[string]bool{
		"t/uid": true, "t/uid-other": true, "t/break-title": false, "t/title": true, "t/drop-comma": false,
		"t/add-comma": false, "t/open": false, "t/far": true, "t/far-broken": false, "t/two-files": true,
		"t/two-files-broken": false, "t/insert": true, "t/insert-broken": false, "t/last": true, "t/end": true,
		"t/end-extra": true, "t/end-closer": false, "t/end-broken": false, "t/bad-file": false, "t/shared": true, "t/shared-again": true,
	} {
		for i, f := range fs {
			if f.Rule == rule && (want[i] != nil) != wantApplied {
				t.Errorf("%s: applies alone: %v, the case expects %v", rule, want[i] != nil, wantApplied)
			}
		}
	}
	if applied == 0 {
		t.Fatal("no fix applies")
	}
}

// TestDescribeAsAloneOnFixCases: on every fix case and on the real
// corpus, Describe gives what a plan of each fix alone gives.
func TestDescribeAsAloneOnFixCases(t *testing.T) {
	cases, _ := filepath.Glob(filepath.Join(fixRoot, "*", "*", "*"))
	compared := 0
	for _, dir := range cases {
		tmp := t.TempDir()
		writeTree(t, tmp, readTree(t, filepath.Join(dir, "in")))
		m, findings := lint(t, tmp)
		want, got := describeAlone(m, findings), describedChanges(t, m, findings)
		for i, f := range findings {
			if diff := cmp.Diff(want[i], got[i]); diff != "" {
				t.Errorf("%s: %s %s: (-alone +Describe):\n%s", dir, f.Pos, f.Rule, diff)
			}
			if want[i] != nil {
				compared++
			}
		}
	}
	if compared < 20 {
		t.Errorf("only %d fixes compared", compared)
	}
}

// TestDescribeReusesMemory: Describe reading many files into the memory
// of files it released (a large file's after a small one's and the other
// way round) describes every fix as a plan of that fix alone does.
func TestDescribeReusesMemory(t *testing.T) {
	files, kinds := map[string]string{}, map[string]model.Kind{}
	var fs []rules.Finding
	for i, panels := range []int{400, 20, 300, 5, 600, 40, 2, 250, 90, 500, 10, 60} {
		d := fmt.Sprintf("d%02d.json", i)
		files[d], kinds[d] = bigDashboard(panels), model.KindDashboard
		for p := 0; p < panels; p += 1 + panels/7 {
			title := fix.Edit{Start: pos(d, 6+p, 16), End: pos(d, 6+p, 26), Old: fmt.Sprintf("panel %04d", p),
				New: fmt.Sprintf("renamed %d/%d", i, p), Encoding: fix.JSONString}
			fs = append(fs, finding("t/title", pos(d, 6+p, 16), title))
			broken := title
			broken.New, broken.Encoding = `"`, fix.Raw
			fs = append(fs, finding("t/broken", pos(d, 6+p, 16), broken))
		}
		fs = append(fs, finding("t/uid", pos(d, 3, 11), fix.Edit{Start: pos(d, 3, 11), End: pos(d, 3, 14), Old: "abc", New: "x", Encoding: fix.JSONString}))
	}
	_, m := tree(t, files, kinds)
	want := describeAlone(m, fs)
	Describe(m, fs, Options{})
	applied := 0
	for i, f := range fs {
		if diff := cmp.Diff(want[i], f.Fix.Changes); diff != "" {
			t.Errorf("%s %s: (-alone +Describe):\n%s", f.Pos, f.Rule, diff)
		}
		if (want[i] != nil) != (f.Rule != "t/broken") {
			t.Errorf("%s %s: applies alone: %v", f.Pos, f.Rule, want[i] != nil)
		}
		if want[i] != nil {
			applied++
		}
	}
	if applied < 30 {
		t.Errorf("only %d fixes apply", applied)
	}
}
