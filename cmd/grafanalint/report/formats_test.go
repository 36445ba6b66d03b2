package report

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"errors"
	"io"
	"os"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/grafanalint/grafanalint/rules"
)

// sarifSchema compiles testdata/sarif-schema-2.1.0.json (see
// testdata/SARIF-SCHEMA-SOURCE.md), asserting formats such as "uri".
func sarifSchema(t *testing.T) *jsonschema.Schema {
	t.Helper()
	f, err := os.Open("testdata/sarif-schema-2.1.0.json")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	doc, err := jsonschema.UnmarshalJSON(f)
	if err != nil {
		t.Fatal(err)
	}
	c := jsonschema.NewCompiler()
	c.AssertFormat()
	const url = "https://grafanalint.test/sarif-schema-2.1.0.json"
	if err := c.AddResource(url, doc); err != nil {
		t.Fatal(err)
	}
	s, err := c.Compile(url)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func validateSARIF(s *jsonschema.Schema, out []byte) error {
	inst, err := jsonschema.UnmarshalJSON(bytes.NewReader(out))
	if err != nil {
		return err
	}
	return s.Validate(inst)
}

func TestSARIFSchema(t *testing.T) {
	s := sarifSchema(t)
	runs := map[string]*Run{"fixture": fixtureRun(t), "empty": emptyRun()}
	withRoot := fixtureRun(t)
	withRoot.Root = "/home/me/my repo"
	runs["with root"] = withRoot
	for name, run := range runs {
		if err := validateSARIF(s, write(t, "sarif", run, Options{})); err != nil {
			t.Errorf("%s: SARIF output does not validate: %v", name, err)
		}
	}

	// The validation can fail: broken logs are rejected.
	good := write(t, "sarif", fixtureRun(t), Options{})
	broken := map[string]func(m map[string]any){
		"unknown level": func(m map[string]any) { result(m)["level"] = "fatal" },
		"no version":    func(m map[string]any) { delete(m, "version") },
		"column 0": func(m map[string]any) {
			loc := result(m)["locations"].([]any)[0].(map[string]any)
			loc["physicalLocation"].(map[string]any)["region"].(map[string]any)["startColumn"] = 0
		},
		"bad columnKind": func(m map[string]any) { m["runs"].([]any)[0].(map[string]any)["columnKind"] = "bytes" },
		"unknown field":  func(m map[string]any) { m["runs"].([]any)[0].(map[string]any)["findings"] = []any{} },
	}
	for name, breakIt := range broken {
		var m map[string]any
		if err := json.Unmarshal(good, &m); err != nil {
			t.Fatal(err)
		}
		breakIt(m)
		out, _ := json.Marshal(m)
		if err := validateSARIF(s, out); err == nil {
			t.Errorf("%s: broken SARIF validated", name)
		}
	}
}

func result(m map[string]any) map[string]any {
	return m["runs"].([]any)[0].(map[string]any)["results"].([]any)[0].(map[string]any)
}

// sarifDoc is the part of a SARIF log the tests below look at.
type sarifDoc struct {
	Runs []struct {
		ColumnKind string `json:"columnKind"`
		Tool       struct {
			Driver struct {
				Name, Version string
				Rules         []struct {
					ID                   string `json:"id"`
					HelpURI              string `json:"helpUri"`
					DefaultConfiguration struct {
						Level string `json:"level"`
					} `json:"defaultConfiguration"`
				} `json:"rules"`
			} `json:"driver"`
		} `json:"tool"`
		Results []struct {
			RuleID              string            `json:"ruleId"`
			RuleIndex           int               `json:"ruleIndex"`
			Level               string            `json:"level"`
			PartialFingerprints map[string]string `json:"partialFingerprints"`
			RelatedLocations    []struct {
				ID int `json:"id"`
			} `json:"relatedLocations"`
		} `json:"results"`
	} `json:"runs"`
}

func TestSARIFContent(t *testing.T) {
	var doc sarifDoc
	if err := json.Unmarshal(write(t, "sarif", fixtureRun(t), Options{}), &doc); err != nil {
		t.Fatal(err)
	}
	run := doc.Runs[0]
	if run.ColumnKind != "unicodeCodePoints" {
		t.Errorf("columnKind = %q", run.ColumnKind)
	}
	rulesOut := run.Tool.Driver.Rules
	for _, r := range run.Results {
		if r.RuleIndex < 0 || r.RuleIndex >= len(rulesOut) || rulesOut[r.RuleIndex].ID != r.RuleID {
			t.Errorf("result of %s has ruleIndex %d that names another rule", r.RuleID, r.RuleIndex)
		}
		if r.PartialFingerprints[fingerprintKey] == "" {
			t.Errorf("result of %s has no %s fingerprint", r.RuleID, fingerprintKey)
		}
	}
	levels := map[string]string{}
	for _, r := range run.Results {
		levels[r.RuleID] = r.Level
	}
	want := map[string]string{
		"dashboard/unknown-datasource": "error", "secret/plaintext": "warning",
		"datasource/basic-auth-http": "note", "proxy/websocket-upgrade": "warning",
	}
	if diff := cmp.Diff(want, levels); diff != "" {
		t.Errorf("levels (-want +got):\n%s", diff)
	}
	if got := len(run.Results[0].RelatedLocations); got != 2 || run.Results[0].RelatedLocations[1].ID != 1 {
		t.Errorf("related locations = %+v, want ids 0 and 1", run.Results[0].RelatedLocations)
	}
}

// TestFingerprints: fingerprints ignore positions, tell findings apart by
// rule, file, entity and key (the message only without a key), and stay
// unique for repeats.
func TestFingerprints(t *testing.T) {
	base := rules.Finding{Rule: "a/b", Message: "m", Pos: pos("f", 3, 4), Entity: "dashboard:x", Key: "k"}
	moved := base
	moved.Pos, moved.End = pos("f", 30, 1), pos("f", 30, 9)
	fp := func(fs ...rules.Finding) []fingerprint { return fingerprints(fs) }
	if fp(base)[0] != fp(moved)[0] {
		t.Errorf("moving a finding changed its fingerprint")
	}
	for name, change := range map[string]func(*rules.Finding){
		"rule":   func(f *rules.Finding) { f.Rule = "a/c" },
		"file":   func(f *rules.Finding) { f.Pos.File = "g" },
		"entity": func(f *rules.Finding) { f.Entity = "dashboard:y" },
		"key":    func(f *rules.Finding) { f.Key = "j" },
	} {
		other := base
		change(&other)
		if fp(base)[0].hash == fp(other)[0].hash {
			t.Errorf("changing the %s kept the fingerprint", name)
		}
	}
	// The message counts only when the rule gives no key, and then
	// without the positions it mentions.
	reworded := base
	reworded.Message = "the stack's only prometheus datasource is now another one"
	if fp(base)[0] != fp(reworded)[0] {
		t.Errorf("a message change under the same key changed the fingerprint")
	}
	keyless := rules.Finding{Rule: "a/b", Message: "x is set at nginx.conf:12:3 and line 40", Pos: pos("f", 3, 4)}
	shifted := keyless
	shifted.Message = "x is set at nginx.conf:15:3 and line 43"
	other := keyless
	other.Message = "y is set at nginx.conf:12:3 and line 40"
	if fp(keyless)[0] != fp(shifted)[0] || fp(keyless)[0] == fp(other)[0] {
		t.Errorf("keyless fingerprints: positions in the message must not count, the rest must")
	}
	twice := fp(base, moved)
	if twice[0].sarif() == twice[1].sarif() || twice[0].unique() == twice[1].unique() {
		t.Errorf("repeated findings share a fingerprint: %v", twice)
	}
	if !strings.HasSuffix(twice[1].sarif(), ":2") || twice[0].unique() != twice[0].hash {
		t.Errorf("fingerprints = %v", twice)
	}
}

func TestJSONContract(t *testing.T) {
	var doc map[string]any
	if err := json.Unmarshal(write(t, "json", emptyRun(), Options{}), &doc); err != nil {
		t.Fatal(err)
	}
	if doc["version"] != float64(1) {
		t.Errorf("version = %v", doc["version"])
	}
	if f, ok := doc["findings"].([]any); !ok || len(f) != 0 {
		t.Errorf("findings = %#v, want []", doc["findings"])
	}
	sum := doc["summary"].(map[string]any)
	if s, ok := sum["skipped"].([]any); !ok || len(s) != 0 {
		t.Errorf("skipped = %#v, want []", sum["skipped"])
	}

	if err := json.Unmarshal(write(t, "json", fixtureRun(t), Options{}), &doc); err != nil {
		t.Fatal(err)
	}
	first := doc["findings"].([]any)[0].(map[string]any)
	var keys []string
	for k := range first {
		keys = append(keys, k)
	}
	for _, k := range []string{"rule", "severity", "message", "file", "line", "column", "end_line", "end_column", "related"} {
		if _, ok := first[k]; !ok {
			t.Errorf("finding lacks %q: has %v", k, keys)
		}
	}
	rel := first["related"].([]any)[1].(map[string]any)
	if rel["file"] != dashPath {
		t.Errorf("related location without a file should default to the finding's: %v", rel)
	}
	noEnd := doc["findings"].([]any)[1].(map[string]any)
	if _, ok := noEnd["end_line"]; ok {
		t.Errorf("finding without an end has end_line: %v", noEnd)
	}
}

func TestGitHubEscaping(t *testing.T) {
	run := &Run{Findings: []rules.Finding{{
		Rule: "a/b", Severity: rules.Info, Message: "100% done\r\nnext: a, b",
		Pos: pos("dir, x/a:b.ini", 2, 3), End: pos("dir, x/a:b.ini", 2, 8),
	}}}
	got := string(write(t, "github", run, Options{}))
	want := "::notice file=dir%2C x/a%3Ab.ini,line=2,col=3,endLine=2,endColumn=8,title=a/b::100%25 done%0D%0Anext: a, b%0Ahelp: " + HelpURL("a/b") + "\n"
	if got != want {
		t.Errorf("github =\n%q\nwant\n%q", got, want)
	}
	// A span over several lines keeps its lines but drops columns, which
	// GitHub rejects there.
	run.Findings[0].End = pos("dir, x/a:b.ini", 4, 1)
	got = string(write(t, "github", run, Options{}))
	if !strings.HasPrefix(got, "::notice file=dir%2C x/a%3Ab.ini,line=2,endLine=4,title=a/b::") {
		t.Errorf("multi-line github = %q", got)
	}
}

func TestXMLWellFormed(t *testing.T) {
	var cs struct {
		Version string `xml:"version,attr"`
		Files   []struct {
			Name   string `xml:"name,attr"`
			Errors []struct {
				Line     int    `xml:"line,attr"`
				Message  string `xml:"message,attr"`
				Severity string `xml:"severity,attr"`
				Source   string `xml:"source,attr"`
			} `xml:"error"`
		} `xml:"file"`
	}
	if err := xml.Unmarshal(write(t, "checkstyle", fixtureRun(t), Options{}), &cs); err != nil {
		t.Fatalf("checkstyle: %v", err)
	}
	if cs.Version != "4.3" || len(cs.Files) != 3 || cs.Files[0].Name != dashPath {
		t.Errorf("checkstyle = %+v", cs)
	}
	if e := cs.Files[0].Errors[0]; !strings.Contains(e.Message, `<2> & "more"`) || e.Source != "dashboard/unknown-datasource" {
		t.Errorf("checkstyle error = %+v", e)
	}

	var ju struct {
		Tests    int `xml:"tests,attr"`
		Failures int `xml:"failures,attr"`
		Suites   []struct {
			Name  string `xml:"name,attr"`
			Cases []struct {
				Name    string `xml:"name,attr"`
				Failure *struct {
					Message string `xml:"message,attr"`
					Text    string `xml:",chardata"`
				} `xml:"failure"`
			} `xml:"testcase"`
		} `xml:"testsuite"`
	}
	if err := xml.Unmarshal(write(t, "junit", fixtureRun(t), Options{}), &ju); err != nil {
		t.Fatalf("junit: %v", err)
	}
	if ju.Tests != 4 || ju.Failures != 4 || len(ju.Suites) != 3 {
		t.Errorf("junit counts: tests %d failures %d suites %d", ju.Tests, ju.Failures, len(ju.Suites))
	}
	for _, s := range ju.Suites {
		for _, c := range s.Cases {
			if c.Failure == nil {
				t.Errorf("junit case %q has no failure", c.Name)
			}
		}
	}
	ju.Suites = nil
	if err := xml.Unmarshal(write(t, "junit", emptyRun(), Options{}), &ju); err != nil {
		t.Fatalf("empty junit: %v", err)
	}
	if ju.Tests != 1 || ju.Failures != 0 || ju.Suites[0].Cases[0].Failure != nil {
		t.Errorf("empty junit should hold one passing case: %+v", ju)
	}
}

// TestXMLOddText: characters XML cannot hold do not break the documents.
func TestXMLOddText(t *testing.T) {
	odd := "nul \x00 bell \a bad \xff end ]]> \ufffe nl\n"
	run := &Run{Findings: []rules.Finding{{
		Rule: "a/b", Severity: rules.Error, Message: odd, Pos: pos("f\x01.ini", 1, 1),
		Related: []rules.Related{{Pos: pos("g", 2, 2), Message: odd}},
	}}}
	for _, format := range []string{"checkstyle", "junit"} {
		out := write(t, format, run, Options{})
		dec := xml.NewDecoder(bytes.NewReader(out))
		for {
			_, err := dec.Token()
			if err != nil {
				if !errors.Is(err, io.EOF) {
					t.Errorf("%s: not well-formed: %v\n%s", format, err, out)
				}
				break
			}
		}
	}
}

func TestGitLab(t *testing.T) {
	var issues []struct {
		CheckName   string `json:"check_name"`
		Fingerprint string `json:"fingerprint"`
		Severity    string `json:"severity"`
		Location    struct {
			Path  string `json:"path"`
			Lines struct{ Begin, End int }
		} `json:"location"`
	}
	if err := json.Unmarshal(write(t, "gitlab", fixtureRun(t), Options{}), &issues); err != nil {
		t.Fatal(err)
	}
	sev := map[string]string{}
	fps := map[string]bool{}
	for _, is := range issues {
		sev[is.CheckName] = is.Severity
		if fps[is.Fingerprint] {
			t.Errorf("duplicate fingerprint %s", is.Fingerprint)
		}
		fps[is.Fingerprint] = true
		if is.Location.Path == "" || is.Location.Lines.Begin < 1 || is.Location.Lines.End < is.Location.Lines.Begin {
			t.Errorf("bad location %+v", is.Location)
		}
	}
	want := map[string]string{
		"dashboard/unknown-datasource": "major", "secret/plaintext": "minor",
		"datasource/basic-auth-http": "info", "proxy/websocket-upgrade": "minor",
	}
	if diff := cmp.Diff(want, sev); diff != "" {
		t.Errorf("severities (-want +got):\n%s", diff)
	}
	if out := write(t, "gitlab", emptyRun(), Options{}); strings.TrimSpace(string(out)) != "[]" {
		t.Errorf("empty gitlab = %q, want []", out)
	}
}

func TestFriendlyName(t *testing.T) {
	tests := map[string]string{
		"dashboard/unknown-datasource": "UnknownDatasource",
		"secret/plaintext":             "Plaintext",
		"parse/syntax":                 "Syntax",
		"ini/root_url-mismatch":        "RootUrlMismatch",
		"bare":                         "Bare",
	}
	for id, want := range tests {
		if got := friendlyName(id); got != want {
			t.Errorf("friendlyName(%q) = %q, want %q", id, got, want)
		}
	}
}

func TestNilRun(t *testing.T) {
	for _, format := range Formats() {
		if err := Write(&bytes.Buffer{}, format, nil, Options{}); err != nil {
			t.Errorf("Write(%s, nil run): %v", format, err)
		}
	}
}
