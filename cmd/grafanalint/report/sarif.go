package report

import (
	"io"
	"net/url"
	"sort"
	"strings"

	"github.com/grafanalint/grafanalint/rules"
)

// SARIFSchema is the schema URI a SARIF log names.
const SARIFSchema = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"

// srcRoot is the uriBaseId that relative artifact URIs are resolved against.
const srcRoot = "%SRCROOT%"

type sarifLog struct {
	Schema  string     `json:"$schema"`
	Version string     `json:"version"`
	Runs    []sarifRun `json:"runs"`
}

type sarifRun struct {
	Tool               sarifTool                        `json:"tool"`
	Invocations        []sarifInvocation                `json:"invocations"`
	OriginalURIBaseIDs map[string]sarifArtifactLocation `json:"originalUriBaseIds"`
	ColumnKind         string                           `json:"columnKind"`
	Results            streamed                         `json:"results"` // of sarifResult
}

type sarifTool struct {
	Driver sarifDriver `json:"driver"`
}

type sarifDriver struct {
	Name           string                     `json:"name"`
	Version        string                     `json:"version,omitempty"`
	InformationURI string                     `json:"informationUri"`
	Rules          []sarifReportingDescriptor `json:"rules"`
}

type sarifReportingDescriptor struct {
	ID                   string              `json:"id"`
	Name                 string              `json:"name,omitempty"`
	ShortDescription     *sarifMessage       `json:"shortDescription,omitempty"`
	FullDescription      *sarifMessage       `json:"fullDescription,omitempty"`
	Help                 *sarifMessage       `json:"help,omitempty"`
	HelpURI              string              `json:"helpUri"`
	DefaultConfiguration *sarifConfiguration `json:"defaultConfiguration,omitempty"`
	Properties           *sarifRuleProps     `json:"properties,omitempty"`
}

type sarifConfiguration struct {
	Enabled *bool  `json:"enabled,omitempty"`
	Level   string `json:"level"`
}

type sarifRuleProps struct {
	Tags []string `json:"tags"`
}

type sarifMessage struct {
	Text string `json:"text"`
}

type sarifInvocation struct {
	ExecutionSuccessful        bool                `json:"executionSuccessful"`
	ToolExecutionNotifications []sarifNotification `json:"toolExecutionNotifications,omitempty"`
}

type sarifNotification struct {
	Level   string       `json:"level"`
	Message sarifMessage `json:"message"`
}

type sarifResult struct {
	RuleID              string            `json:"ruleId"`
	RuleIndex           int               `json:"ruleIndex"`
	Level               string            `json:"level"`
	Message             sarifMessage      `json:"message"`
	Locations           []sarifLocation   `json:"locations"`
	RelatedLocations    []sarifLocation   `json:"relatedLocations,omitempty"`
	PartialFingerprints map[string]string `json:"partialFingerprints"`
	// Fixes are the finding's certain fix, when the command resolved it
	// (fixes.go).
	Fixes []sarifFix `json:"fixes,omitempty"`
}

type sarifLocation struct {
	ID               *int                  `json:"id,omitempty"`
	PhysicalLocation sarifPhysicalLocation `json:"physicalLocation"`
	Message          *sarifMessage         `json:"message,omitempty"`
}

type sarifPhysicalLocation struct {
	ArtifactLocation sarifArtifactLocation `json:"artifactLocation"`
	Region           *sarifRegion          `json:"region,omitempty"`
}

type sarifArtifactLocation struct {
	URI         string        `json:"uri,omitempty"`
	URIBaseID   string        `json:"uriBaseId,omitempty"`
	Description *sarifMessage `json:"description,omitempty"`
}

type sarifRegion struct {
	StartLine   int `json:"startLine"`
	StartColumn int `json:"startColumn,omitempty"`
	EndLine     int `json:"endLine,omitempty"`
	EndColumn   int `json:"endColumn,omitempty"`
}

// sarifLevel maps a severity to a SARIF level.
func sarifLevel(s rules.Severity) string {
	switch s {
	case rules.Error:
		return "error"
	case rules.Warning:
		return "warning"
	case rules.Info:
		return "note"
	}
	return "none"
}

// writeSARIF writes a SARIF 2.1.0 log with one run: the driver with every
// known rule (sorted by ID), one result per finding, and the skipped check
// families as tool notifications. Columns count Unicode code points.
func writeSARIF(w io.Writer, run *Run, _ Options) error {
	descs, index := sarifRules(run)
	fps := fingerprints(run.Findings)
	res := streamed{n: len(run.Findings), mark: newMark(), elem: func(i int) any {
		f := run.Findings[i]
		r := sarifResult{
			RuleID:              f.Rule,
			RuleIndex:           index[f.Rule],
			Level:               sarifLevel(f.Severity),
			Message:             sarifMessage{Text: f.Message},
			Locations:           []sarifLocation{},
			PartialFingerprints: map[string]string{fingerprintKey: fps[i].sarif()},
			Fixes:               sarifFixes(f),
		}
		if f.Pos.File != "" {
			r.Locations = append(r.Locations, sarifLocation{PhysicalLocation: sarifPhysical(f.Pos.File, f.Pos.Line, f.Pos.Col, f)})
		}
		for j, rel := range f.Related {
			id := j
			loc := sarifLocation{
				ID:               &id,
				PhysicalLocation: sarifPhysical(relatedFile(f, rel), rel.Pos.Line, rel.Pos.Col, rules.Finding{}),
				Message:          &sarifMessage{Text: rel.Message},
			}
			r.RelatedLocations = append(r.RelatedLocations, loc)
		}
		return r
	}}

	inv := sarifInvocation{ExecutionSuccessful: true}
	for _, s := range run.Summary.Skipped {
		inv.ToolExecutionNotifications = append(inv.ToolExecutionNotifications,
			sarifNotification{Level: "note", Message: sarifMessage{Text: skippedLine(s)}})
	}
	base := sarifArtifactLocation{Description: &sarifMessage{Text: "the directory grafanalint ran in; result paths are relative to it"}}
	if run.Root != "" {
		base = sarifArtifactLocation{URI: fileURI(strings.TrimSuffix(run.Root, "/") + "/")}
	}
	log := sarifLog{
		Schema:  SARIFSchema,
		Version: "2.1.0",
		Runs: []sarifRun{{
			Tool: sarifTool{Driver: sarifDriver{
				Name:           ToolName,
				Version:        run.ToolVersion,
				InformationURI: InformationURI,
				Rules:          descs,
			}},
			Invocations:        []sarifInvocation{inv},
			OriginalURIBaseIDs: map[string]sarifArtifactLocation{srcRoot: base},
			ColumnKind:         "unicodeCodePoints",
			Results:            res,
		}},
	}
	return encodeStream(w, log, res)
}

// sarifRules returns the rule descriptors, sorted by ID, and each ID's
// index. Rules that findings name but run.Rules lacks get a bare
// descriptor.
func sarifRules(run *Run) ([]sarifReportingDescriptor, map[string]int) {
	known := make([]*rules.Rule, 0, len(run.Rules))
	seen := map[string]bool{}
	for _, r := range run.Rules {
		if r != nil && !seen[r.ID] {
			seen[r.ID] = true
			known = append(known, r)
		}
	}
	for _, f := range run.Findings {
		if !seen[f.Rule] {
			seen[f.Rule] = true
			known = append(known, &rules.Rule{ID: f.Rule})
		}
	}
	sort.Slice(known, func(i, j int) bool { return known[i].ID < known[j].ID })

	descs := make([]sarifReportingDescriptor, 0, len(known))
	index := make(map[string]int, len(known))
	for i, r := range known {
		index[r.ID] = i
		// GitHub code scanning requires shortDescription, fullDescription
		// and help on every rule, so each falls back to what there is.
		short := r.Summary
		if short == "" {
			short = r.ID
		}
		full := r.Doc.What
		if full == "" {
			full = short
		}
		d := sarifReportingDescriptor{
			ID:               r.ID,
			Name:             friendlyName(r.ID),
			ShortDescription: &sarifMessage{Text: short},
			FullDescription:  &sarifMessage{Text: full},
			Help:             &sarifMessage{Text: ruleHelp(r)},
			HelpURI:          HelpURL(r.ID),
			Properties:       &sarifRuleProps{Tags: []string{r.Category()}},
		}
		if r.Severity != rules.Off || r.Summary != "" {
			c := &sarifConfiguration{Level: sarifLevel(r.Severity)}
			if r.Severity == rules.Off {
				f := false
				c.Enabled = &f
			}
			d.DefaultConfiguration = c
		}
		descs = append(descs, d)
	}
	return descs, index
}

// ruleHelp is a rule's documentation as plain text: what, why and fix,
// and the link to its page.
func ruleHelp(r *rules.Rule) string {
	var parts []string
	for _, p := range []struct{ label, text string }{
		{"", r.Doc.What}, {"Why: ", r.Doc.Why}, {"Fix: ", r.Doc.Fix},
	} {
		if t := strings.TrimSpace(p.text); t != "" {
			parts = append(parts, p.label+t)
		}
	}
	parts = append(parts, "See "+HelpURL(r.ID))
	return strings.Join(parts, "\n\n")
}

// friendlyName is the Pascal-case name SARIF asks rules to have, made from
// the part of the ID after the category: "unknown-datasource" gives
// "UnknownDatasource".
func friendlyName(id string) string {
	if _, name, ok := strings.Cut(id, "/"); ok {
		id = name
	}
	var b strings.Builder
	upper := true
	for _, r := range id {
		switch {
		case r == '-' || r == '_' || r == '/' || r == '.' || r == ' ':
			upper = true
		case upper:
			b.WriteString(strings.ToUpper(string(r)))
			upper = false
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// sarifPhysical builds a physical location at file:line:col; span, when
// it has an end, gives the region's end.
func sarifPhysical(file string, line, col int, span rules.Finding) sarifPhysicalLocation {
	pl := sarifPhysicalLocation{ArtifactLocation: artifact(file)}
	if line <= 0 {
		return pl
	}
	reg := &sarifRegion{StartLine: line}
	if col > 0 {
		reg.StartColumn = col
	}
	if hasEnd(span) {
		reg.EndLine = span.End.Line
		if span.End.Col > 0 && col > 0 {
			reg.EndColumn = span.End.Col
		}
	}
	pl.Region = reg
	return pl
}

// artifact locates a display path: relative paths against %SRCROOT%,
// absolute ones as file URIs.
func artifact(file string) sarifArtifactLocation {
	if strings.HasPrefix(file, "/") {
		return sarifArtifactLocation{URI: fileURI(file)}
	}
	return sarifArtifactLocation{URI: (&url.URL{Path: file}).String(), URIBaseID: srcRoot}
}

// fileURI turns an absolute slash path into a file URI.
func fileURI(path string) string {
	return (&url.URL{Scheme: "file", Path: path}).String()
}
