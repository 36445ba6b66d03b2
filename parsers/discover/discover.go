// Package discover finds the files grafanalint reads, tells their kinds
// apart, parses them concurrently and assembles them into stacks: what one
// Grafana installation reads.
//
// # Walking
//
// Directories are walked recursively, skipping .git, node_modules, vendor
// and whatever .gitignore files (the root's and nested ones) ignore. Every
// file is read with safefile: regular files only, at most MaxFileSize
// bytes, and only when its real path is inside a walk root. A symbolic
// link whose target is outside the walk roots is reported as an input
// problem and not followed (a directory link such as "rootfs -> /" is not
// walked); a link to a file or directory inside them is an alias of its
// target, which is loaded and reported once at its own path; a directory
// link that leads back to one of its ancestors is reported once and not
// followed. Files named on the command line are read wherever they are. A
// file given explicitly (as pre-commit passes them) is linted in the
// context of its project: the nearest ancestor holding .git or
// .grafanalint.yaml (else the file's directory) is loaded too, but only the
// given files are Reported, and only the stacks holding one of them are
// kept: the other stacks' dashboards are told apart by their first bytes
// and never parsed (see narrow.go; Options.FullContext keeps them all).
// "-" reads Options.Stdin as the file named Options.StdinFilename.
//
// # Stages
//
// Load runs in steps, each over what the one before left in the loader's
// entries: walk the paths (walk.go); read, classify and parse every file on
// its own, on a pool of goroutines (classify.go); load the nginx trees and
// keep the main configs (loadNginx); assemble the stacks, with indexes by
// directory rather than scans of every stack (stacks.go); for explicit
// files, keep their stacks and parse those stacks' dashboards (narrow.go);
// with Options.Stream, leave the dashboards to the rules engine
// (stream.go).
//
// # Kinds
//
// A file's kind comes from its name and content: *.ini files with
// Grafana's sections (or named grafana.ini, custom.ini, defaults.ini) are
// grafana.ini files; YAML files are datasource or dashboard provisioning
// (provisioning.Sniff) or compose files (a top-level "services:"); JSON
// and extension-less files are dashboards when dashboard.Sniff says so;
// *.conf, *.conf.*, *.template, nginx.conf, files in sites-*/, conf.d/ and
// nginx/ directories and extension-less files are nginx configs when
// nginx.Sniff says so; .env, *.env and extension-less KEY=VALUE files are
// env files when they set GF_* variables or a compose env_file names them.
// Other files are skipped silently. A file Grafana reads because of where
// it is mounted is parsed as what Grafana takes it for, whatever its
// content. Binary files (a NUL byte in the first 8 KiB), UTF-16 and
// UTF-32 files, files over Options.MaxFileSize, files that are not regular
// (FIFOs, devices) and unreadable files of a recognised name get one input
// problem each; an nginx file included by another is not a main config of
// its own. A file's bytes are dropped once it is parsed: model.File.Source
// reads it again when an excerpt needs a line.
//
// # Stacks
//
// Stacks come from, in order:
//
//  1. Options.Stacks (the config file): each spec's paths, environment and
//     optionally a compose service to map them.
//  2. Each Grafana service of a compose file (grafana/grafana*, including
//     -oss and -enterprise but not grafana/grafana-image-renderer,
//     grafana/otel-lgtm, or a service named like grafana that builds its
//     own image). Its bind mounts, and the COPY/ADD
//     lines of its Dockerfile when it builds one, decide which host files
//     the container sees: the ini at GF_PATHS_CONFIG (default
//     /etc/grafana/grafana.ini), the provisioning root at
//     GF_PATHS_PROVISIONING (default /etc/grafana/provisioning; the
//     otel-lgtm image uses /otel-lgtm/grafana/conf/…), the dashboards
//     under each provider's path. Its environment and env_file GF_*
//     variables feed the effective settings. Nginx configs mounted into an
//     nginx service of the same compose directory belong to it. A
//     docker-compose.override.yml is merged into its base file, as compose
//     does; another compose file in the same directory is merged over the
//     base when it only modifies services (a service with neither image
//     nor build), and stands alone otherwise. Absolute mount sources
//     ("/etc/grafana/provisioning") are looked for at the same path below
//     the project root, for repositories that mirror the target's
//     filesystem.
//  3. The layout on disk: each directory named provisioning that has
//     datasources/ or dashboards/, and each directory holding a
//     datasources/ with datasource YAML or a dashboards/ with provider
//     YAML, that no earlier stack reads from (a root no compose service
//     mounts any file of is a stack of its own, even inside a compose
//     project). Such a stack owns the highest directory above its root
//     that holds no other stack, and takes the grafana.ini of that
//     directory (grafana.ini before custom.ini before other names) and
//     the env files there that no compose service names.
//  4. A file no stack claimed joins the stack owning the deepest
//     directory above it; failing that, the nearest directory above it
//     that holds stacks decides: if it holds one, the file joins it
//     (nginx, dashboards and compose files often live in a sibling
//     directory of the compose file that runs Grafana, also in one
//     project of a folder of projects); the search stops at a
//     repository (a directory holding .git) with no stack. Failing that
//     the file joins a fallback stack for its repository (the walk root,
//     or the nearest directory below it holding .git: the files of
//     unrelated clones are never checked together), so nothing is
//     dropped. The
//     fallback stack takes the leftover datasource and provider files and
//     maps its providers' paths by the heuristics below. An ini file left
//     over when its stack already has one gets a fallback stack of its
//     own, so each ini is checked with its own settings.
//
// A config stack owns its paths: with a compose service it is built like
// a compose stack; without, like a layout stack from the first
// provisioning root below its paths, and the datasource and provider
// files elsewhere below them are its own too.
//
// A compose stack owns its compose file's directory: provisioning and ini
// files there that Grafana does not read (not mounted, mounted where
// Grafana does not look, in a subdirectory of datasources/) are listed in
// Stack.UnloadedFiles with the reason; dashboards there that no provider
// loads are LooseDashboards. Grafana reads <provisioning>/datasources/ and
// <provisioning>/dashboards/ without recursion (files ending in .yaml or
// .yml, lexical order) and loads every *.json below a provider's path
// recursively (a path naming a file loads that file).
//
// Without compose, a provider's options.path is mapped to the tree by
// these heuristics: a path below the provisioning root
// (/etc/grafana/provisioning/dashboards/x → <root>/dashboards/x); a
// relative path against the stack's directory; otherwise the longest tail
// of the path that names a directory or file in the stack's tree
// (/var/lib/grafana/dashboards → a "dashboards" directory, preferring the
// one nearest the provisioning root; /otel-lgtm/x.json → x.json).
package discover

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"

	"github.com/grafanalint/grafanalint/parsers/factcache"
	"github.com/grafanalint/grafanalint/parsers/model"
)

// DefaultMaxFileSize is the largest file read when Options.MaxFileSize is 0.
const DefaultMaxFileSize = 64 << 20

// Options says what to load.
type Options struct {
	// Paths are files and directories to lint, relative to WorkDir or
	// absolute; "-" is standard input. Default ".".
	Paths []string
	// WorkDir is the directory display paths are relative to; default the
	// process's working directory.
	WorkDir string
	// Env are GF_* variables given on the command line (--env); they are
	// applied to every stack, after any other source.
	Env []model.EnvVar
	// EnvFiles are env files given on the command line (--env-file),
	// applied to every stack before Env.
	EnvFiles []string
	// NginxPrefix is the directory relative nginx includes resolve against
	// (--nginx-prefix); default each main file's directory.
	NginxPrefix string
	// NginxProxyParams says which Debian proxy_params is assumed
	// (nginx.Options.ProxyParams): "" or "current", or "legacy".
	NginxProxyParams string
	// MaxFileSize is the largest file read, in bytes; default 64 MiB.
	MaxFileSize int64
	// Stdin is read for the path "-"; StdinFilename names it (required:
	// the name decides the kind).
	Stdin         io.Reader
	StdinFilename string
	// Stacks are stacks the config file declares; they claim their files
	// before compose and layout discovery run.
	Stacks []StackSpec
	// Concurrency bounds the parsing goroutines; default GOMAXPROCS.
	Concurrency int
	// FullContext keeps every stack of the project when only explicit
	// files are linted. By default those runs keep only the stacks that
	// hold one of the files, and parse no other stack's dashboards: the
	// findings are the same (tests compare the two).
	FullContext bool
	// Stream leaves the parse of the *.json dashboards found by walking
	// to the rules engine, which streams them (model.Dashboard.Fill and
	// Strip): each such dashboard of the model holds only its File, told
	// to be a dashboard by its first bytes, and a Load function, so that a
	// run never holds every dashboard of a fleet. Dashboards named on the
	// command line, read from standard input or embedded in Kubernetes
	// sources are parsed as usual. A dashboard in no stack is parsed at
	// once for its problems and held as its file name only.
	Stream bool
	// FactCache, when set, keeps between runs on explicit files the facts
	// of the streamed dashboards the rules read only for checks across
	// dashboards (factcache), so that a run parses the named files rather
	// than their whole stack. Nil caches nothing.
	FactCache *factcache.Cache
	// GrafanaVersion (major, minor) is the Grafana version the user chose
	// (--grafana-version, grafana_version); zero when none. Each stack's
	// effective settings take that version's defaults, else those of the
	// version its image tag names, else the newest (grafanaini.EffectiveAt).
	GrafanaVersion [2]int
}

// StackSpec is a stack declared in the config file.
type StackSpec struct {
	Name string
	// Paths are the directories (or files) the stack is made of, relative
	// to WorkDir or absolute.
	Paths []string
	// Env are GF_* variables given to this stack's Grafana.
	Env []model.EnvVar
	// ComposeService names the compose service whose mounts and
	// environment map the paths: "service" (looked for in compose files
	// below Paths, then anywhere) or "path/to/compose.yml:service".
	ComposeService string
}

// Load walks opts.Paths, parses every file it recognises and assembles the
// stacks. Paths that do not exist are listed in Model.Errors; files that
// cannot be read are files with an input problem. The error is non-nil only
// for unusable options (such as "-" without StdinFilename) or when ctx is
// done.
func Load(ctx context.Context, opts Options) (*model.Model, error) {
	if opts.WorkDir == "" {
		wd, err := os.Getwd()
		if err != nil {
			return nil, fmt.Errorf("cannot determine the working directory: %w", err)
		}
		opts.WorkDir = wd
	}
	wd, err := filepath.Abs(opts.WorkDir)
	if err != nil {
		return nil, fmt.Errorf("invalid working directory %q: %w", opts.WorkDir, err)
	}
	opts.WorkDir = wd
	if len(opts.Paths) == 0 {
		opts.Paths = []string{"."}
	}
	if opts.MaxFileSize <= 0 {
		opts.MaxFileSize = DefaultMaxFileSize
	}
	if opts.Concurrency <= 0 {
		opts.Concurrency = runtime.GOMAXPROCS(0)
	}
	for _, p := range opts.Paths {
		if p == "-" {
			if opts.StdinFilename == "" {
				return nil, errors.New("reading \"-\" (standard input) needs --stdin-filename to tell what kind of file it is")
			}
			if opts.Stdin == nil {
				return nil, errors.New("reading \"-\": no standard input")
			}
		}
	}
	l := newLoader(opts)
	if err := l.walkAll(ctx); err != nil {
		return nil, err
	}
	l.narrow = len(l.reportDirs) == 0 && !opts.FullContext
	l.stream = opts.Stream
	deferring := l.narrow || l.stream
	if err := l.parseAll(ctx); err != nil {
		return nil, err
	}
	l.loadNginx(ctx)
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	l.assemble()
	if deferring {
		if err := l.keepExplicitStacks(ctx); err != nil {
			return nil, err
		}
	}
	return l.model(), nil
}
