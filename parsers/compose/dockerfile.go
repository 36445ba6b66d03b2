package compose

import (
	"encoding/json"
	"path"
	"strings"

	"github.com/grafanalint/grafanalint/parsers/model"
)

// Copy is one COPY or ADD instruction of a Dockerfile's final stage that
// copies files from the build context.
type Copy struct {
	// Pos is the instruction's position.
	Pos model.Pos `json:"pos"`
	// Sources are the source paths resolved against the build context
	// (display paths); Dest is the absolute destination in the image.
	Sources []string `json:"sources"`
	Dest    string   `json:"dest"`
	// DestIsDir is true when Dest ends with "/" or there are several
	// sources: each source is then copied into it.
	DestIsDir bool `json:"destIsDir,omitempty"`
}

// ParseDockerfile returns the context-to-image copies of a Dockerfile's
// final stage. p is the Dockerfile's display path and contextDir the
// build context's. COPY --from=… (copies from another stage or image),
// URLs and sources with variables are left out; relative destinations are
// resolved against WORKDIR. It never fails: a line it cannot read is
// skipped.
func ParseDockerfile(p, contextDir string, src []byte) []Copy {
	var out []Copy
	workdir := "/"
	lines := strings.Split(strings.ReplaceAll(string(src), "\r\n", "\n"), "\n")
	for i := 0; i < len(lines); i++ {
		start := i + 1
		line := strings.TrimSpace(lines[i])
		for strings.HasSuffix(line, "\\") && i+1 < len(lines) {
			i++
			next := strings.TrimSpace(lines[i])
			if strings.HasPrefix(next, "#") {
				continue
			}
			line = strings.TrimSuffix(line, "\\") + " " + next
		}
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		instr, rest, _ := strings.Cut(line, " ")
		rest = strings.TrimSpace(rest)
		switch strings.ToUpper(instr) {
		case "FROM":
			out, workdir = nil, "/"
		case "WORKDIR":
			if !IsDynamic(rest) {
				workdir = path.Join(workdir, strings.Trim(rest, `"'`))
			}
		case "COPY", "ADD":
			args, ok := copyArgs(rest)
			if !ok || len(args) < 2 {
				continue
			}
			dest := args[len(args)-1]
			if IsDynamic(dest) {
				continue
			}
			c := Copy{Pos: model.Pos{File: p, Line: start, Col: 1}, DestIsDir: strings.HasSuffix(dest, "/") || len(args) > 2}
			if !path.IsAbs(dest) {
				dest = path.Join(workdir, dest)
			}
			c.Dest = path.Clean(dest)
			for _, s := range args[:len(args)-1] {
				if IsDynamic(s) || strings.Contains(s, "://") {
					continue
				}
				c.Sources = append(c.Sources, path.Join(contextDir, s))
			}
			if len(c.Sources) > 0 {
				out = append(out, c)
			}
		}
	}
	return out
}

// copyArgs splits COPY/ADD arguments (shell or JSON form), dropping
// flags; ok is false for --from copies.
func copyArgs(rest string) ([]string, bool) {
	var args []string
	fields := strings.Fields(rest)
	for len(fields) > 0 && strings.HasPrefix(fields[0], "--") {
		if strings.HasPrefix(fields[0], "--from") {
			return nil, false
		}
		fields = fields[1:]
	}
	joined := strings.Join(fields, " ")
	if strings.HasPrefix(joined, "[") {
		if err := json.Unmarshal([]byte(joined), &args); err != nil {
			return nil, false
		}
		return args, true
	}
	return fields, true
}
