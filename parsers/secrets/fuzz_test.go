package secrets

import (
	"fmt"
	"strings"
	"testing"
	"unicode"

	"github.com/grafanalint/grafanalint/parsers/model"
)

// placed is a secret written in one place of a model, with the texts
// outputs make of it: messages and related notes that quote it, and the
// source line an excerpt shows.
type placed struct {
	model *model.Model
	texts []string
	file  string
	line  string
	// spanned is set when the model knows the value's position on line.
	spanned bool
}

// userinfo keeps the characters RFC 3986 allows in a URL's user info
// (unreserved, sub-delims, ":" and "%"), which is what a URL parser takes
// as a password; others end the user info.
func userinfo(s string) string {
	return strings.Map(func(r rune) rune {
		if r < 0x80 && (unicode.IsLetter(r) || unicode.IsDigit(r) || strings.ContainsRune("-._~!$&'()*+,;=%", r)) {
			return r
		}
		return -1
	}, s)
}

// oneLine drops what cannot sit inside one line of a config file.
func oneLine(s string) string {
	return strings.Map(func(r rune) rune {
		if r == '\n' || r == '\r' || r == 0 {
			return -1
		}
		return r
	}, s)
}

func place(secret string, where uint8) placed {
	str := func(file string, line, col int, v string) model.Str {
		return model.Str{V: v, Pos: model.Pos{File: file, Line: line, Col: col}, End: model.Pos{File: file, Line: line, Col: col + len([]rune(v))}}
	}
	stack := &model.Stack{Settings: &model.Settings{}}
	m := &model.Model{Stacks: []*model.Stack{stack}}
	switch where % 6 {
	case 0: // grafana.ini [security] admin_password
		v := strings.TrimSpace(strings.NewReplacer("#", "", ";", "").Replace(oneLine(secret)))
		line := "admin_password = " + v
		stack.Settings.File = &model.IniFile{Sections: []*model.IniSection{{Keys: []*model.IniKey{{
			Section: "security", Name: model.Str{V: "admin_password"}, Raw: str("g.ini", 2, 18, v), Value: str("g.ini", 2, 18, v)}}}}}
		return placed{m, []string{fmt.Sprintf("[security] admin_password %q is cut", v), "value " + v + " is used"}, "g.ini", line, true}
	case 1: // provisioning secureJsonData.password
		v := strings.TrimSpace(oneLine(secret))
		stack.DatasourceFiles = []*model.DatasourceFile{{Datasources: []*model.Datasource{{Fields: []model.Field{
			{Path: "secureJsonData.password", Value: str("ds.yaml", 7, 17, v)}}}}}}
		return placed{m, []string{fmt.Sprintf("datasource %q: password %q", "P", v)}, "ds.yaml", "      password: " + v, true}
	case 2: // nginx proxy_set_header Authorization "Basic …"
		v := strings.NewReplacer(`"`, "", `\`, "", "$", "", ";", "").Replace(strings.TrimSpace(oneLine(secret)))
		stack.Nginx = []*model.NginxConfig{{Directives: []*model.Directive{{Name: model.Str{V: "proxy_set_header"},
			Args: []model.Str{{V: "Authorization"}, str("n.conf", 3, 36, "Basic "+v)}}}}}
		d := `proxy_set_header Authorization "Basic ` + v + `"`
		return placed{m, []string{d + " here is not inherited", fmt.Sprintf("header %q", "Basic "+v)}, "n.conf", "    " + d + ";", true}
	case 3: // proxy_pass user info
		v := userinfo(secret)
		u := "http://user:" + v + "@grafana:3000/"
		stack.Nginx = []*model.NginxConfig{{Directives: []*model.Directive{{Name: model.Str{V: "proxy_pass"}, Args: []model.Str{str("n.conf", 9, 18, u)}}}}}
		return placed{m, []string{fmt.Sprintf("proxy_pass %q replaces the prefix", u), "pass it on with proxy_pass " + u + "; (no URI part)"}, "n.conf", "      proxy_pass " + u + ";", false}
	case 4: // root_url user info
		v := userinfo(secret)
		u := "https://admin:" + v + "@grafana.example.com/grafana/"
		stack.Settings.File = &model.IniFile{Sections: []*model.IniSection{{Keys: []*model.IniKey{{
			Section: "server", Name: model.Str{V: "root_url"}, Raw: str("g.ini", 2, 12, u), Value: str("g.ini", 2, 12, u)}}}}}
		return placed{m, []string{fmt.Sprintf("root_url %q sets the sub-path", u)}, "g.ini", "root_url = " + u, false}
	default: // compose GF_* variable
		v := strings.TrimSpace(oneLine(secret))
		stack.Settings.Env = []model.EnvVar{{Name: "GF_SECURITY_ADMIN_PASSWORD", Value: v, Matched: "security.admin_password",
			ValuePos: model.Pos{File: "c.yml", Line: 5, Col: 35}}}
		return placed{m, []string{fmt.Sprintf("GF_SECURITY_ADMIN_PASSWORD=%q", v)}, "c.yml", "      GF_SECURITY_ADMIN_PASSWORD: " + v, true}
	}
}

// FuzzRedact plants a random credential in one place of a model and
// checks that the model's Set hides it in the messages rules make of it
// and in the excerpt of its line. The credential is wrapped in "Zq…Qz" so
// that a leak of either end is found whatever it holds.
func FuzzRedact(f *testing.F) {
	for i, s := range []string{"hunter2", "p@ss:w0rd", "a#b;c", `quo"te\`, "日本語のパス", "x y z", "$VAR", "%41%42", "\x00\x01", "admin"} {
		f.Add(s, uint8(i))
	}
	f.Fuzz(func(t *testing.T, raw string, where uint8) {
		p := place("Zq"+raw+"Qz", where)
		s := Collect(p.model)
		n := 0 // a line the model knows nothing about: the patterns alone
		if p.spanned {
			n = lineOf(p)
		}
		masked, _ := Mask(p.line, s.LineSpans(p.file, n, p.line), "****")
		for _, part := range []string{"Zq", "Qz"} {
			for _, text := range p.texts {
				if out := s.Text(text); strings.Contains(out, part) {
					t.Fatalf("Text(%q) = %q: shows the secret", text, out)
				}
			}
			if strings.Contains(masked, part) {
				t.Fatalf("excerpt %q shows the secret: %q", p.line, masked)
			}
		}
	})
}

// lineOf is the line number place uses for a value's position.
func lineOf(p placed) int {
	switch p.file {
	case "g.ini":
		return 2
	case "ds.yaml":
		return 7
	case "n.conf":
		return 3
	}
	return 5
}
