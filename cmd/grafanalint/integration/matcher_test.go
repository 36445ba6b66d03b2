package integration

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"gopkg.in/yaml.v3"

	"github.com/grafanalint/grafanalint/cmd/grafanalint/cli"
)

// issue is one problem a matcher extracted from a line of output.
type issue struct {
	File         string
	Line, Column int
	Severity     string
	Code         string
	Message      string
}

func (i issue) String() string {
	return fmt.Sprintf("%s:%d:%d %s %s %q", i.File, i.Line, i.Column, i.Severity, i.Code, i.Message)
}

// grafanalint runs the command in-process in dir.
func grafanalint(t *testing.T, dir string, args ...string) (string, int) {
	t.Helper()
	var out, errb bytes.Buffer
	cmd := &cli.Command{Stdout: &out, Stderr: &errb, WorkDir: dir, Getenv: func(string) string { return "" }}
	code := cmd.Main(args)
	if code != cli.ExitOK && code != cli.ExitFindings {
		t.Fatalf("grafanalint %s: exit %d\n%s", strings.Join(args, " "), code, errb.String())
	}
	return out.String(), code
}

// demoFindings is what the JSON format says about the demo, as issues;
// mapSeverity turns grafanalint's severities into the client's.
func demoFindings(t *testing.T, mapSeverity func(string) string) []issue {
	t.Helper()
	out, _ := grafanalint(t, repoRoot, "--no-config", "--format", "json", "testdata/demo")
	var doc struct {
		Findings []struct {
			Rule, Severity, Message, File string
			Line, Column                  int
		}
	}
	if err := json.Unmarshal([]byte(out), &doc); err != nil {
		t.Fatal(err)
	}
	var want []issue
	sev := map[string]bool{}
	for _, f := range doc.Findings {
		want = append(want, issue{f.File, f.Line, f.Column, mapSeverity(f.Severity), f.Rule, f.Message})
		sev[f.Severity] = true
	}
	if !sev["error"] || !sev["warning"] || !sev["info"] {
		t.Fatalf("the demo should show every severity, shows %v", sev)
	}
	return want
}

// demoOutputs are the outputs the matchers must read: oneline, and text
// with excerpts, related notes and help links (also coloured).
func demoOutputs(t *testing.T) map[string]string {
	t.Helper()
	outs := map[string]string{}
	for name, args := range map[string][]string{
		"oneline":    {"--format", "oneline"},
		"text":       {"--format", "text", "--excerpt", "always"},
		"text-color": {"--format", "text", "--excerpt", "always", "--color", "always"},
	} {
		out, code := grafanalint(t, repoRoot, append(append([]string{"--no-config"}, args...), "testdata/demo")...)
		if code != cli.ExitFindings {
			t.Fatalf("%s: exit %d", name, code)
		}
		outs[name] = out
	}
	if !strings.Contains(outs["text"], "\n  = help: ") || !strings.Contains(outs["text"], ": note: ") || !strings.Contains(outs["text"], "^~~") {
		t.Fatalf("text output lacks excerpts, notes or help lines:\n%s", outs["text"])
	}
	return outs
}

var ansi = regexp.MustCompile("\x1b\\[[0-9;]*m")

// jsRegexp compiles a problem matcher's regexp — written for JavaScript
// (VS Code) or .NET in ECMAScript mode (the Actions runner) — with Go's
// engine, refusing the constructs whose meaning differs between them.
func jsRegexp(t *testing.T, re string) *regexp.Regexp {
	t.Helper()
	for _, bad := range []string{"(?<", "(?P<", "(?=", "(?!", "(?i", `\p{`, `\A`, `\z`, `\Z`} {
		if strings.Contains(re, bad) {
			t.Errorf("regexp %q uses %q, which JavaScript, .NET ECMAScript mode and Go read differently", re, bad)
		}
	}
	c, err := regexp.Compile(re)
	if err != nil {
		t.Fatalf("regexp %q: %v", re, err)
	}
	return c
}

// ghPattern and ghMatcher are the problem matcher file format of the
// GitHub Actions runner (IssueMatcherConfig).
type ghPattern struct {
	Regexp                                      string
	File, Line, Column, Severity, Code, Message *int
	FromPath                                    *int `json:"fromPath"`
	Loop                                        bool
}

type ghMatcher struct {
	Owner    string
	Severity string
	Pattern  []ghPattern
}

func loadGitHubMatchers(t *testing.T) []ghMatcher {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(repoRoot, ".github/grafanalint-matcher.json"))
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		ProblemMatcher []ghMatcher `json:"problemMatcher"`
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&doc); err != nil {
		t.Fatal(err)
	}
	// The runner's own checks (IssueMatchersConfig.Validate).
	owners := map[string]bool{}
	for _, m := range doc.ProblemMatcher {
		if m.Owner == "" || owners[strings.ToLower(m.Owner)] {
			t.Errorf("matcher owner %q is empty or used twice", m.Owner)
		}
		owners[strings.ToLower(m.Owner)] = true
		switch strings.ToLower(m.Severity) {
		case "", "error", "warning", "notice":
		default:
			t.Errorf("matcher %q: default severity %q is not error, warning or notice", m.Owner, m.Severity)
		}
		if len(m.Pattern) != 1 {
			t.Fatalf("matcher %q: want one pattern (one line per finding), got %d", m.Owner, len(m.Pattern))
		}
		p := m.Pattern[0]
		re := jsRegexp(t, p.Regexp)
		for name, g := range map[string]*int{"file": p.File, "line": p.Line, "column": p.Column, "severity": p.Severity, "code": p.Code, "message": p.Message} {
			if g != nil && (*g < 0 || *g > re.NumSubexp()) {
				t.Errorf("matcher %q: %s group %d out of range", m.Owner, name, *g)
			}
		}
		if p.Message == nil {
			t.Errorf("matcher %q sets no message", m.Owner)
		}
	}
	return doc.ProblemMatcher
}

func group(m []string, g *int) string {
	if g == nil || *g >= len(m) {
		return ""
	}
	return m[*g]
}

func atoi(s string) int {
	n, _ := strconv.Atoi(s)
	return n
}

// runGitHub reads output line by line as the runner does (OutputManager):
// colour codes stripped, the first matcher that matches makes an issue,
// with the matcher's default severity when the line names none; an issue
// of another severity than error, warning or notice is dropped.
func runGitHub(ms []ghMatcher, out string) []issue {
	var got []issue
	for _, line := range strings.Split(out, "\n") {
		line = ansi.ReplaceAllString(line, "")
		for _, m := range ms {
			p := m.Pattern[0]
			sub := regexp.MustCompile(p.Regexp).FindStringSubmatch(line)
			if sub == nil {
				continue
			}
			sev := group(sub, p.Severity)
			if sev == "" {
				sev = m.Severity
			}
			if sev == "" {
				sev = "error"
			}
			switch strings.ToLower(sev) {
			case "error", "warning", "notice":
				got = append(got, issue{group(sub, p.File), atoi(group(sub, p.Line)), atoi(group(sub, p.Column)), strings.ToLower(sev), group(sub, p.Code), group(sub, p.Message)})
			}
			break
		}
	}
	return got
}

// TestGitHubMatcher applies .github/grafanalint-matcher.json to real
// output of the demo stack: every finding becomes exactly one annotation
// with its file, line, column, severity (info as notice), rule and
// message; excerpt, note, help and summary lines make none.
func TestGitHubMatcher(t *testing.T) {
	ms := loadGitHubMatchers(t)
	want := demoFindings(t, func(s string) string {
		if s == "info" {
			return "notice"
		}
		return s
	})
	for name, out := range demoOutputs(t) {
		if diff := cmp.Diff(want, runGitHub(ms, out)); diff != "" {
			t.Errorf("%s output: annotations differ from the findings (-want +got):\n%s", name, diff)
		}
	}
}

func readYAML(t *testing.T, path string, v any) {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := yaml.Unmarshal(b, v); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
}

// TestVSCodeMatcher applies the problem matcher of
// docs/editors/vscode-tasks.json to the same outputs.
func TestVSCodeMatcher(t *testing.T) {
	var tasks struct {
		Version string
		Tasks   []struct {
			Label          string
			Command        string
			Args           []string
			ProblemMatcher struct {
				Owner        string
				FileLocation []string
				Pattern      struct {
					Regexp                                      string
					File, Line, Column, Severity, Code, Message *int
				}
			}
		}
	}
	b, err := os.ReadFile(filepath.Join(repoRoot, "docs/editors/vscode-tasks.json"))
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, &tasks); err != nil {
		t.Fatal(err)
	}
	if len(tasks.Tasks) != 1 || tasks.Tasks[0].Command != "grafanalint" {
		t.Fatalf("want one grafanalint task, got %+v", tasks.Tasks)
	}
	task := tasks.Tasks[0]
	if diff := cmp.Diff([]string{"relative", "${workspaceFolder}"}, task.ProblemMatcher.FileLocation); diff != "" {
		t.Errorf("fileLocation (-want +got):\n%s", diff)
	}
	p := task.ProblemMatcher.Pattern
	re := jsRegexp(t, p.Regexp)
	want := demoFindings(t, func(s string) string { return s }) // VS Code knows error, warning and info
	outs := demoOutputs(t)
	// The task's own arguments decide the format: check that output too.
	taskOut, _ := grafanalint(t, repoRoot, append(append([]string{"--no-config"}, task.Args...), "testdata/demo")...)
	outs["task args"] = taskOut
	for name, out := range outs {
		var got []issue
		for _, line := range strings.Split(out, "\n") {
			// VS Code's task terminal keeps colour codes out of matching too.
			sub := re.FindStringSubmatch(ansi.ReplaceAllString(line, ""))
			if sub == nil {
				continue
			}
			got = append(got, issue{group(sub, p.File), atoi(group(sub, p.Line)), atoi(group(sub, p.Column)), group(sub, p.Severity), group(sub, p.Code), group(sub, p.Message)})
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("%s output: problems differ from the findings (-want +got):\n%s", name, diff)
		}
	}
}

// errorformatRegexp translates the Vim errorformat items grafanalint's docs
// use into a regexp: %f a file name (no ':' or blanks, as 'isfname'), %l
// and %c numbers, %t one character (the type), %*[^:] a skipped run, %m
// the message; the pattern must match the whole line.
func errorformatRegexp(t *testing.T, efm string) *regexp.Regexp {
	t.Helper()
	var b strings.Builder
	b.WriteString("^")
	for i := 0; i < len(efm); i++ {
		if efm[i] != '%' {
			b.WriteString(regexp.QuoteMeta(efm[i : i+1]))
			continue
		}
		rest := efm[i+1:]
		switch {
		case strings.HasPrefix(rest, "f"):
			b.WriteString(`([^:\s]+)`)
		case strings.HasPrefix(rest, "l"), strings.HasPrefix(rest, "c"):
			b.WriteString(`(\d+)`)
		case strings.HasPrefix(rest, "t"):
			b.WriteString(`(.)`)
		case strings.HasPrefix(rest, "m"):
			b.WriteString(`(.+)`)
		case strings.HasPrefix(rest, "*[^:]"):
			b.WriteString(`[^:]*`)
			i += len("*[^:]") - 1
		default:
			t.Fatalf("errorformat item %%%s is not translated", rest)
		}
		i++
	}
	b.WriteString("$")
	return regexp.MustCompile(b.String())
}

// TestVimErrorformat reads the errorformat documented in
// docs/integrations.md and checks it captures the oneline output (and
// ignores the excerpt lines of text output).
func TestVimErrorformat(t *testing.T) {
	doc, err := os.ReadFile(filepath.Join(repoRoot, "docs/integrations.md"))
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile(`(?m)^set errorformat=(.*)$`).FindSubmatch(doc)
	if m == nil {
		t.Fatal("docs/integrations.md has no \"set errorformat=\" line")
	}
	efm := strings.ReplaceAll(string(m[1]), `\ `, " ") // :set escapes blanks
	re := errorformatRegexp(t, efm)
	want := demoFindings(t, func(s string) string { return s[:1] })
	outs := demoOutputs(t)
	for _, name := range []string{"oneline", "text"} {
		var got []issue
		for _, line := range strings.Split(outs[name], "\n") {
			sub := re.FindStringSubmatch(line)
			if sub == nil {
				continue
			}
			// %m keeps the rule id at the end of the message.
			i := strings.LastIndex(sub[5], " [")
			if i < 0 {
				t.Errorf("no rule id in %q", sub[5])
				continue
			}
			got = append(got, issue{sub[1], atoi(sub[2]), atoi(sub[3]), sub[4], strings.TrimSuffix(sub[5][i+2:], "]"), sub[5][:i]})
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("%s output: quickfix entries differ from the findings (-want +got):\n%s", name, diff)
		}
	}
}
