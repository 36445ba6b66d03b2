package integration

import (
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
)

// goreleaserConfig is the part of .goreleaser.yaml the tests check.
type goreleaserConfig struct {
	Version int `yaml:"version"`
	Builds  []struct {
		ID      string   `yaml:"id"`
		Main    string   `yaml:"main"`
		Binary  string   `yaml:"binary"`
		Env     []string `yaml:"env"`
		Goos    []string `yaml:"goos"`
		Goarch  []string `yaml:"goarch"`
		Ldflags []string `yaml:"ldflags"`
	} `yaml:"builds"`
	Archives []struct {
		NameTemplate    string   `yaml:"name_template"`
		Formats         []string `yaml:"formats"`
		FormatOverrides []struct {
			Goos    string   `yaml:"goos"`
			Formats []string `yaml:"formats"`
		} `yaml:"format_overrides"`
	} `yaml:"archives"`
	Checksum struct {
		NameTemplate string `yaml:"name_template"`
		Algorithm    string `yaml:"algorithm"`
	} `yaml:"checksum"`
	Sboms   []struct{ Cmd string } `yaml:"sboms"`
	Dockers []struct {
		Dockerfile string   `yaml:"dockerfile"`
		Platforms  []string `yaml:"platforms"`
	} `yaml:"dockers_v2"`
}

// TestReleaseConfig checks .goreleaser.yaml against what depends on it:
// the six targets, static binaries, the archive and checksum names the
// action builds, the Dockerfile's COPY. (goreleaser check and a snapshot
// build run in the workflows and where goreleaser is installed.)
func TestReleaseConfig(t *testing.T) {
	var cfg goreleaserConfig
	readYAML(t, filepath.Join(repoRoot, ".goreleaser.yaml"), &cfg)
	if cfg.Version != 2 || len(cfg.Builds) != 1 || len(cfg.Archives) != 1 || len(cfg.Dockers) != 1 {
		t.Fatalf("unexpected shape: %+v", cfg)
	}
	b := cfg.Builds[0]
	if b.Main != "./cmd/grafanalint" || b.Binary != "grafanalint" || !slices.Contains(b.Env, "CGO_ENABLED=0") {
		t.Errorf("build: main %q, binary %q, env %v", b.Main, b.Binary, b.Env)
	}
	for _, os := range []string{"linux", "darwin", "windows"} {
		if !slices.Contains(b.Goos, os) {
			t.Errorf("no %s build", os)
		}
	}
	for _, arch := range []string{"amd64", "arm64"} {
		if !slices.Contains(b.Goarch, arch) {
			t.Errorf("no %s build", arch)
		}
	}
	resolve, err := os.ReadFile(filepath.Join(repoRoot, ".github/action/resolve.sh"))
	if err != nil {
		t.Fatal(err)
	}
	a := cfg.Archives[0]
	if a.NameTemplate != "{{ .ProjectName }}_{{ .Version }}_{{ .Os }}_{{ .Arch }}" || !strings.Contains(string(resolve), `archive="grafanalint_${version#v}_${os}_${arch}.${ext}"`) {
		t.Errorf("archive names of .goreleaser.yaml (%q) and resolve.sh disagree", a.NameTemplate)
	}
	if !slices.Equal(a.Formats, []string{"tar.gz"}) || len(a.FormatOverrides) != 1 || a.FormatOverrides[0].Goos != "windows" || !slices.Equal(a.FormatOverrides[0].Formats, []string{"zip"}) ||
		!strings.Contains(string(resolve), `[ "$os" = windows ] && ext=zip`) {
		t.Errorf("archive formats: tar.gz, zip on windows, as resolve.sh expects")
	}
	install, _ := os.ReadFile(filepath.Join(repoRoot, ".github/action/install.sh"))
	if cfg.Checksum.NameTemplate != "checksums.txt" || cfg.Checksum.Algorithm != "sha256" || !strings.Contains(string(install), "sha256sum") || !strings.Contains(string(install), "checksums.txt") {
		t.Errorf("checksums: %+v", cfg.Checksum)
	}
	docker, err := os.ReadFile(filepath.Join(repoRoot, cfg.Dockers[0].Dockerfile))
	if err != nil {
		t.Fatal(err)
	}
	if !regexp.MustCompile(`(?m)^FROM (gcr\.io/distroless/static\S*|scratch)$`).Match(docker) ||
		!regexp.MustCompile(`(?m)^COPY \$TARGETPLATFORM/`+b.Binary+` /usr/bin/`+b.Binary+`$`).Match(docker) ||
		!strings.Contains(string(docker), `ENTRYPOINT ["/usr/bin/`+b.Binary+`"]`) {
		t.Errorf("Dockerfile does not copy the static %s from the dockers_v2 context:\n%s", b.Binary, docker)
	}
	for _, p := range cfg.Dockers[0].Platforms {
		osArch := strings.Split(p, "/")
		if len(osArch) != 2 || !slices.Contains(b.Goos, osArch[0]) || !slices.Contains(b.Goarch, osArch[1]) {
			t.Errorf("image platform %s has no build", p)
		}
	}
}

// ldflagValues are the template values a release fills into the
// ldflags of .goreleaser.yaml.
var ldflagValues = strings.NewReplacer(
	"{{ .Version }}", "1.2.3",
	"{{ .FullCommit }}", "0123456789abcdef0123456789abcdef01234567",
	"{{ .CommitDate }}", "2026-01-02T03:04:05Z",
)

// TestVersionFromReleaseLdflags builds grafanalint with the ldflags of
// .goreleaser.yaml: "version" prints the version, commit and date they
// set.
func TestVersionFromReleaseLdflags(t *testing.T) {
	goPath := need(t, "go")
	var cfg goreleaserConfig
	readYAML(t, filepath.Join(repoRoot, ".goreleaser.yaml"), &cfg)
	ldflags := ldflagValues.Replace(strings.Join(cfg.Builds[0].Ldflags, " "))
	if strings.Contains(ldflags, "{{") {
		t.Fatalf("ldflags use a template value the test does not know: %s", ldflags)
	}
	bin := filepath.Join(t.TempDir(), "grafanalint")
	mustRun(t, append(os.Environ(), "CGO_ENABLED=0"), repoRoot, goPath, "build", "-trimpath", "-ldflags", ldflags, "-o", bin, "./cmd/grafanalint")
	out := mustRun(t, os.Environ(), repoRoot, bin, "version")
	if !strings.HasPrefix(out, "grafanalint v1.2.3 (commit 0123456789ab, built 2026-01-02T03:04:05Z, go") {
		t.Errorf("version of a release build: %q", out)
	}
}

// TestVersionFromBuildInfo: a plain "go build" in a git checkout (as a
// clone builds it) prints the commit and its date from the Go build
// information, with no ldflags.
func TestVersionFromBuildInfo(t *testing.T) {
	if testing.Short() {
		t.Skip("copies the checkout and builds")
	}
	goPath := need(t, "go")
	gitPath := need(t, "git")
	env := append(os.Environ(), "GOFLAGS=-buildvcs=true", "GIT_CONFIG_NOSYSTEM=1", "GIT_CONFIG_GLOBAL=/dev/null",
		"GIT_AUTHOR_NAME=t", "GIT_AUTHOR_EMAIL=t@example.invalid", "GIT_COMMITTER_NAME=t", "GIT_COMMITTER_EMAIL=t@example.invalid",
		"GIT_COMMITTER_DATE=2026-02-03T04:05:06Z", "GIT_AUTHOR_DATE=2026-02-03T04:05:06Z")
	dir, rev := snapshot(t, env, gitPath, t.TempDir())
	bin := filepath.Join(t.TempDir(), "grafanalint")
	mustRun(t, env, dir, goPath, "build", "-o", bin, "./cmd/grafanalint")
	out := mustRun(t, os.Environ(), dir, bin, "version")
	want := "(commit " + rev[:12] + ", built 2026-02-03T04:05:06Z, go"
	if !strings.Contains(out, want) {
		t.Errorf("version of a clone's build: %q, want %q", out, want)
	}
}
