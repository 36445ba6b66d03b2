package cli

import (
	"fmt"
	"strconv"
	"strings"
)

// flagSpec describes one command-line flag.
type flagSpec struct {
	name   string
	value  bool // takes a value
	repeat bool
	usage  string
}

// parsedFlags holds flag values by name and the positional arguments, in
// the order given. Flags and paths may be interleaved ("grafanalint .
// --format json"); "--" ends flags.
type parsedFlags struct {
	values map[string][]string
	args   []string
}

func (p *parsedFlags) str(name, def string) string {
	if v := p.values[name]; len(v) > 0 {
		return v[len(v)-1]
	}
	return def
}

func (p *parsedFlags) all(name string) []string { return p.values[name] }

func (p *parsedFlags) bool(name string) bool { return len(p.values[name]) > 0 }

func parseFlags(specs []flagSpec, argv []string) (*parsedFlags, error) {
	byName := map[string]flagSpec{}
	for _, s := range specs {
		byName[s.name] = s
	}
	p := &parsedFlags{values: map[string][]string{}}
	for i := 0; i < len(argv); i++ {
		a := argv[i]
		if a == "--" {
			p.args = append(p.args, argv[i+1:]...)
			break
		}
		if a == "-" || !strings.HasPrefix(a, "-") {
			p.args = append(p.args, a)
			continue
		}
		name := strings.TrimLeft(a, "-")
		val, hasVal := "", false
		if k, v, ok := strings.Cut(name, "="); ok {
			name, val, hasVal = k, v, true
		}
		spec, ok := byName[name]
		if !ok {
			return nil, fmt.Errorf("unknown flag %q: see \"grafanalint --help\"", a)
		}
		if spec.value && !hasVal {
			if i+1 >= len(argv) {
				return nil, fmt.Errorf("flag %q needs a value", a)
			}
			i++
			val = argv[i]
		}
		if !spec.value {
			if hasVal {
				b, err := strconv.ParseBool(val)
				if err != nil {
					return nil, fmt.Errorf("flag %q takes no value", a)
				}
				if !b {
					delete(p.values, name)
					continue
				}
			}
			val = "true"
		}
		if !spec.repeat && len(p.values[name]) > 0 && spec.value {
			return nil, fmt.Errorf("flag %q given twice", a)
		}
		p.values[name] = append(p.values[name], val)
	}
	return p, nil
}
