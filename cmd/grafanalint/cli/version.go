package cli

import (
	"fmt"
	"runtime"
	"runtime/debug"
	"strings"
)

// Set at build time by release builds (GoReleaser):
//
//	-ldflags "-X github.com/grafanalint/grafanalint/cmd/grafanalint/cli.Version=v1.2.3
//	          -X github.com/grafanalint/grafanalint/cmd/grafanalint/cli.Commit=<sha>
//	          -X github.com/grafanalint/grafanalint/cmd/grafanalint/cli.Date=<RFC 3339>"
//
// Builds without them (go install, go build in a clone) take the same facts
// from the Go build information: the module version "go install …@v1.2.3"
// records, and the vcs.revision, vcs.time and vcs.modified settings "go
// build" records in a git checkout (unless -buildvcs=false).
var (
	Version = ""
	Commit  = ""
	Date    = ""
)

// buildInfo is what "grafanalint version" prints.
type buildInfo struct {
	version, commit, date string
	modified              bool
	goVersion             string
}

// readBuildInfo merges the ldflags variables with the Go build
// information; ldflags win.
func readBuildInfo(bi *debug.BuildInfo, ok bool) buildInfo {
	info := buildInfo{version: Version, commit: Commit, date: Date, goVersion: runtime.Version()}
	if ok && bi != nil {
		if bi.GoVersion != "" {
			info.goVersion = bi.GoVersion
		}
		if info.version == "" && bi.Main.Version != "" && bi.Main.Version != "(devel)" {
			info.version = bi.Main.Version
		}
		for _, s := range bi.Settings {
			switch s.Key {
			case "vcs.revision":
				if info.commit == "" {
					info.commit = s.Value
				}
			case "vcs.time":
				if info.date == "" {
					info.date = s.Value
				}
			case "vcs.modified":
				info.modified = s.Value == "true" && Commit == ""
			}
		}
	}
	if info.version == "" {
		info.version = "devel"
	}
	return info
}

// String is one line: "grafanalint v1.2.3 (commit 0123abcd, built
// 2026-01-02T03:04:05Z, go1.26.8 linux/amd64)".
func (b buildInfo) String() string {
	var parts []string
	if b.commit != "" {
		c := b.commit
		if len(c) > 12 {
			c = c[:12]
		}
		if b.modified {
			c += "-dirty"
		}
		parts = append(parts, "commit "+c)
	}
	if b.date != "" {
		parts = append(parts, "built "+b.date)
	}
	parts = append(parts, b.goVersion+" "+runtime.GOOS+"/"+runtime.GOARCH)
	return fmt.Sprintf("grafanalint %s (%s)", b.version, strings.Join(parts, ", "))
}

// toolVersion is the version alone, as SARIF and JSON record it.
func toolVersion() string {
	bi, ok := debug.ReadBuildInfo()
	return readBuildInfo(bi, ok).version
}

func (c *Command) versionCmd() (int, error) {
	bi, ok := debug.ReadBuildInfo()
	if _, err := fmt.Fprintln(c.Stdout, readBuildInfo(bi, ok)); err != nil {
		return ExitUsage, outputError("standard output", err)
	}
	return ExitOK, nil
}
