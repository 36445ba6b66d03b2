package nginx

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/grafanalint/grafanalint/parsers/model"
)

// dump renders a loaded config as text for golden files: flags, files,
// problems, the tree with every position, and the views.
func dump(cfg *model.NginxConfig, problems []model.Problem) string {
	var b strings.Builder
	fmt.Fprintf(&b, "path: %s\n", cfg.Path)
	fmt.Fprintf(&b, "files: %s\n", strings.Join(cfg.Files, ", "))
	var flags []string
	if cfg.Partial {
		flags = append(flags, "partial")
	}
	if cfg.Fragment {
		flags = append(flags, "fragment")
	}
	if cfg.Template {
		flags = append(flags, "template")
	}
	if len(flags) > 0 {
		fmt.Fprintf(&b, "flags: %s\n", strings.Join(flags, " "))
	}
	if len(problems) > 0 {
		b.WriteString("problems:\n")
		for _, p := range problems {
			fmt.Fprintf(&b, "  %s-%s %s: %s\n", p.Pos, short(p.Pos, p.End), p.Kind, p.Message)
		}
	}
	b.WriteString("tree:\n")
	dumpTree(&b, cfg.Directives, 1)
	if cfg.HTTP != nil {
		fmt.Fprintf(&b, "http: %s\n", cfg.HTTP.Pos())
	}
	for _, s := range cfg.Servers {
		fmt.Fprintf(&b, "server %s\n", s.Pos)
		for _, l := range s.Listen {
			fmt.Fprintf(&b, "  listen %s address=%q port=%d", l.Pos, l.Address, l.Port)
			for _, f := range []struct {
				on   bool
				name string
			}{{l.SSL, "ssl"}, {l.HTTP2, "http2"}, {l.DefaultServer, "default_server"}, {l.Implicit, "implicit"}} {
				if f.on {
					b.WriteString(" " + f.name)
				}
			}
			b.WriteString("\n")
		}
		for _, n := range s.ServerNames {
			fmt.Fprintf(&b, "  server_name %s\n", vstr(n))
		}
		dumpLocations(&b, s.Locations, 1)
	}
	if len(cfg.Locations) > 0 {
		b.WriteString("locations outside servers:\n")
		dumpLocations(&b, cfg.Locations, 1)
	}
	for _, u := range cfg.Upstreams {
		fmt.Fprintf(&b, "upstream %s\n", vstr(u.Name))
		for _, s := range u.Servers {
			fmt.Fprintf(&b, "  server %s\n", vstr(s))
		}
	}
	for _, m := range cfg.Maps {
		fmt.Fprintf(&b, "map %s %s\n", vstr(m.Source), vstr(m.Variable))
		for _, e := range m.Entries {
			fmt.Fprintf(&b, "  %s => %s\n", vstr(e.Key), vstr(e.Value))
		}
	}
	return b.String()
}

func dumpLocations(b *strings.Builder, ls []*model.Location, depth int) {
	for _, l := range ls {
		fmt.Fprintf(b, "%slocation %s modifier=%q path=%s\n", strings.Repeat("  ", depth), l.Pos, l.Modifier, vstr(l.Path))
		dumpLocations(b, l.Nested, depth+1)
	}
}

// short prints end positions without the file when it is the start's.
func short(start, end model.Pos) string {
	if end.File == start.File {
		return fmt.Sprintf("%d:%d", end.Line, end.Col)
	}
	return end.String()
}

// str prints a value with its span (the file is the directive's).
func str(s model.Str) string {
	if !s.IsSet() {
		return "<unset>"
	}
	return fmt.Sprintf("%s@%d:%d-%s", strconv.Quote(s.V), s.Pos.Line, s.Pos.Col, short(s.Pos, s.End))
}

// vstr prints a value of a view with its file.
func vstr(s model.Str) string {
	if !s.IsSet() {
		return "<unset>"
	}
	return fmt.Sprintf("%s@%s-%s", strconv.Quote(s.V), s.Pos, short(s.Pos, s.End))
}

func dumpTree(b *strings.Builder, ds []*model.Directive, depth int) {
	for _, d := range ds {
		ind := strings.Repeat("  ", depth)
		fmt.Fprintf(b, "%s%s %s", ind, d.Name.Pos.File, str(d.Name))
		for _, a := range d.Args {
			b.WriteString(" " + str(a))
		}
		if d.Block != nil {
			b.WriteString(" {")
		}
		fmt.Fprintf(b, " end=%s", short(d.Name.Pos, d.End))
		if d.IncludedBy != nil {
			fmt.Fprintf(b, " via=%s", d.IncludedBy.Pos())
		}
		if d.Packaged != "" {
			fmt.Fprintf(b, " packaged=%s", d.Packaged)
		}
		b.WriteString("\n")
		if d.Code.IsSet() {
			fmt.Fprintf(b, "%s  code %s\n", ind, str(d.Code))
		}
		dumpTree(b, d.Block, depth+1)
	}
}
