package report

import (
	"encoding/xml"
	"fmt"
	"io"
	"strings"

	"github.com/grafanalint/grafanalint/rules"
)

// byFile groups findings by file, files in order of first appearance.
func byFile(fs []rules.Finding) (files []string, groups map[string][]rules.Finding) {
	groups = make(map[string][]rules.Finding)
	for _, f := range fs {
		if _, ok := groups[f.Pos.File]; !ok {
			files = append(files, f.Pos.File)
		}
		groups[f.Pos.File] = append(groups[f.Pos.File], f)
	}
	return files, groups
}

// writeXML writes the XML declaration, v indented, and a final newline.
func writeXML(w io.Writer, v any) error {
	if _, err := io.WriteString(w, xml.Header); err != nil {
		return err
	}
	enc := xml.NewEncoder(w)
	enc.Indent("", "  ")
	if err := enc.Encode(v); err != nil {
		return err
	}
	if err := enc.Close(); err != nil {
		return err
	}
	_, err := io.WriteString(w, "\n")
	return err
}

// xmlSafe replaces what XML 1.0 cannot hold (invalid UTF-8, U+FFFE and
// U+FFFF; control characters are escaped by sanitize beforehand) with
// U+FFFD, for text written as CDATA, which encoding/xml does not check.
func xmlSafe(s string) string {
	s = strings.ToValidUTF8(s, "\uFFFD")
	return strings.NewReplacer("\uFFFE", "\uFFFD", "\uFFFF", "\uFFFD").Replace(s)
}

type checkstyleReport struct {
	XMLName xml.Name         `xml:"checkstyle"`
	Version string           `xml:"version,attr"`
	Files   []checkstyleFile `xml:"file"`
}

type checkstyleFile struct {
	Name   string            `xml:"name,attr"`
	Errors []checkstyleError `xml:"error"`
}

type checkstyleError struct {
	Line     int    `xml:"line,attr"`
	Column   int    `xml:"column,attr,omitempty"`
	Severity string `xml:"severity,attr"`
	Message  string `xml:"message,attr"`
	Source   string `xml:"source,attr"`
}

// writeCheckstyle writes Checkstyle 4.3 XML: a <file> per file with
// findings, an <error> per finding whose source is the rule ID.
func writeCheckstyle(w io.Writer, run *Run, _ Options) error {
	doc := checkstyleReport{Version: "4.3"}
	files, groups := byFile(run.Findings)
	for _, name := range files {
		cf := checkstyleFile{Name: name}
		for _, f := range groups[name] {
			cf.Errors = append(cf.Errors, checkstyleError{
				Line:     f.Pos.Line,
				Column:   f.Pos.Col,
				Severity: f.Severity.String(),
				Message:  f.Message,
				Source:   f.Rule,
			})
		}
		doc.Files = append(doc.Files, cf)
	}
	return writeXML(w, doc)
}

type junitReport struct {
	XMLName  xml.Name     `xml:"testsuites"`
	Name     string       `xml:"name,attr"`
	Tests    int          `xml:"tests,attr"`
	Failures int          `xml:"failures,attr"`
	Errors   int          `xml:"errors,attr"`
	Suites   []junitSuite `xml:"testsuite"`
}

type junitSuite struct {
	Name     string      `xml:"name,attr"`
	Tests    int         `xml:"tests,attr"`
	Failures int         `xml:"failures,attr"`
	Errors   int         `xml:"errors,attr"`
	Cases    []junitCase `xml:"testcase"`
}

type junitCase struct {
	Name      string        `xml:"name,attr"`
	Classname string        `xml:"classname,attr"`
	File      string        `xml:"file,attr,omitempty"`
	Line      int           `xml:"line,attr,omitempty"`
	Failure   *junitFailure `xml:"failure"`
}

type junitFailure struct {
	Message string `xml:"message,attr"`
	Type    string `xml:"type,attr"`
	// Text is the finding in the oneline form with its notes, in CDATA so
	// it stays readable in the raw file.
	Text string `xml:",cdata"`
}

// writeJUnit writes JUnit XML the way GitLab's test report and Jenkins'
// JUnit plugin show it best: one <testsuite> per file (named by its path),
// one failing <testcase> per finding, named "rule/id at path:line:col" with
// the file as classname, its <failure> holding the message, the related
// notes and the help link. With no findings a single passing test case
// stands for the run, as CI tools treat an empty report as an error.
func writeJUnit(w io.Writer, run *Run, _ Options) error {
	doc := junitReport{Name: ToolName, Tests: len(run.Findings), Failures: len(run.Findings)}
	files, groups := byFile(run.Findings)
	for _, name := range files {
		s := junitSuite{Name: name, Tests: len(groups[name]), Failures: len(groups[name])}
		for _, f := range groups[name] {
			var body strings.Builder
			body.WriteString(headLine(f, false) + "\n")
			for _, rel := range f.Related {
				pos := rel.Pos
				pos.File = relatedFile(f, rel)
				body.WriteString(posString(pos) + ": note: " + sanitize(rel.Message) + "\n")
			}
			body.WriteString("help: " + HelpURL(f.Rule) + "\n")
			s.Cases = append(s.Cases, junitCase{
				Name:      f.Rule + " at " + posString(f.Pos),
				Classname: name,
				File:      name,
				Line:      f.Pos.Line,
				Failure:   &junitFailure{Message: f.Message, Type: f.Severity.String(), Text: xmlSafe(body.String())},
			})
		}
		doc.Suites = append(doc.Suites, s)
	}
	if len(run.Findings) == 0 {
		doc.Tests = 1
		doc.Suites = []junitSuite{{Name: ToolName, Tests: 1, Cases: []junitCase{{
			Name:      fmt.Sprintf("%s in %s", plural(run.Summary.Files, "file"), plural(run.Summary.Stacks, "stack")),
			Classname: ToolName,
		}}}}
	}
	return writeXML(w, doc)
}
