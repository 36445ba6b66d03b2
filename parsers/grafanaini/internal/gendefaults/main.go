// Command gendefaults turns copies of Grafana's conf/defaults.ini, one per
// minor release line, into the Go tables parsers/grafanaini embeds:
//
//   - defaults_table.go: the newest copy (section, key and default value of
//     every setting, in file order), behind Default, KnownKeys, Sections;
//   - defaults_versions_table.go: every section and key any copy has, with
//     the copies that have it and the default each gives, as runs over the
//     copies (one shared table, read per version by KeyAt and EffectiveAt).
//
// sources.txt (beside this file) lists the copies: the release line each
// stands for, the repository and commit it was read at, what the same
// commit's package.json says, and a hash of the facts kept from it.
//
// The copies are not part of this repository. To fetch them again, save
// each as <dir>/<file> (the file column of sources.txt), then run, from
// parsers/grafanaini:
//
//	go generate
//
// (which runs `go run ./internal/gendefaults -dir /tmp/grafana-defaults`).
// Each copy is `git show <commit>:conf/defaults.ini` in a clone of the
// repository named in sources.txt (all are public GitHub repositories; the
// team's search tool brings them with `fetch github:<repo>`, and read_file
// with repo, path conf/defaults.ini and commit reads a single copy). The
// grafana/grafana copy is conf/defaults.ini at 194ad5183bd0dcd1872b5a6f3e4a78e8af99b39e.
// A copy from a Grafana release tarball (grafana-X.Y.Z/conf/defaults.ini,
// the version in the tarball's VERSION file) serves as well for a release
// line: name it in sources.txt, with kind release. gendefaults refuses a
// copy whose facts differ from the hash sources.txt records (write "-" in
// the facts column to accept a new copy, then record the hash it prints).
//
// Files are read with gopkg.in/ini.v1 and default load options, exactly as
// Grafana reads them (pkg/setting/setting.go, loadConfiguration). Values
// are recorded raw: %(key)s and ${VAR} references are kept as written.
package main

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"flag"
	"fmt"
	"go/format"
	"log"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"gopkg.in/ini.v1"
)

func main() {
	dir := flag.String("dir", "/tmp/grafana-defaults", "directory holding the copies of conf/defaults.ini that sources.txt names")
	sources := flag.String("sources", "internal/gendefaults/sources.txt", "the list of copies")
	out := flag.String("out", "defaults_table.go", "Go file for the newest copy")
	outVersions := flag.String("out-versions", "defaults_versions_table.go", "Go file for the table keyed by version")
	pkg := flag.String("pkg", "grafanaini", "package name of the generated files")
	flag.Parse()
	list, err := os.ReadFile(*sources)
	if err != nil {
		log.Fatalf("gendefaults: %v", err)
	}
	srcs, err := parseSources(list)
	if err != nil {
		log.Fatalf("gendefaults: %s: %v", *sources, err)
	}
	for i := range srcs {
		b, err := os.ReadFile(filepath.Join(*dir, srcs[i].File))
		if err != nil {
			log.Fatalf("gendefaults: %v (fetch the copies first; see the package comment)", err)
		}
		srcs[i].Content = b
	}
	newest, versions, err := generate(srcs, *pkg)
	if err != nil {
		log.Fatalf("gendefaults: %v", err)
	}
	if err := os.WriteFile(*out, newest, 0o644); err != nil {
		log.Fatalf("gendefaults: %v", err)
	}
	if err := os.WriteFile(*outVersions, versions, 0o644); err != nil {
		log.Fatalf("gendefaults: %v", err)
	}
}

// Source is one copy of defaults.ini, as sources.txt lists it.
type Source struct {
	Version [2]int
	Kind    string // "release", "pre" or "snapshot"
	File    string
	Repo    string
	Commit  string
	Label   string // package.json's version at Commit, "" when unknown
	Facts   string // expected factsHash, "" to accept any
	Content []byte
}

// parseSources reads sources.txt.
func parseSources(b []byte) ([]Source, error) {
	var out []Source
	sc := bufio.NewScanner(bytes.NewReader(b))
	n := 0
	for sc.Scan() {
		n++
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		f := strings.Fields(line)
		if len(f) != 7 {
			return nil, fmt.Errorf("line %d: want 7 columns (version kind file repo commit label facts), have %d", n, len(f))
		}
		var s Source
		if _, err := fmt.Sscanf(f[0], "%d.%d", &s.Version[0], &s.Version[1]); err != nil {
			return nil, fmt.Errorf("line %d: version %q: use major.minor", n, f[0])
		}
		switch f[1] {
		case "release", "pre", "snapshot":
		default:
			return nil, fmt.Errorf("line %d: kind %q: use release, pre or snapshot", n, f[1])
		}
		if len(f[4]) != 40 {
			return nil, fmt.Errorf("line %d: commit %q: give the full 40-digit hash", n, f[4])
		}
		s.Kind, s.File, s.Repo, s.Commit = f[1], f[2], f[3], f[4]
		if f[5] != "-" {
			s.Label = f[5]
		}
		if f[6] != "-" {
			s.Facts = f[6]
		}
		if len(out) > 0 && !less(out[len(out)-1].Version, s.Version) {
			return nil, fmt.Errorf("line %d: version %s does not follow %d.%d: list the copies oldest first, one per minor", n, f[0], out[len(out)-1].Version[0], out[len(out)-1].Version[1])
		}
		out = append(out, s)
	}
	if err := sc.Err(); err != nil {
		return nil, err
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("no copies listed")
	}
	if len(out) > 16 {
		return nil, fmt.Errorf("%d copies: the section masks hold 16", len(out))
	}
	return out, nil
}

func less(a, b [2]int) bool { return a[0] < b[0] || (a[0] == b[0] && a[1] < b[1]) }

// setting is one key of one copy.
type setting struct{ section, key, value string }

// section is one section of one copy, in file order.
type section struct {
	name string
	keys []setting
}

// read parses a copy as Grafana does.
func read(src []byte) ([]section, error) {
	f, err := ini.Load(src)
	if err != nil {
		return nil, err
	}
	var out []section
	for _, sec := range f.Sections() {
		name := sec.Name()
		if name == ini.DefaultSection {
			name = ""
		}
		s := section{name: name}
		for _, k := range sec.Keys() {
			s.keys = append(s.keys, setting{name, k.Name(), k.Value()})
		}
		out = append(out, s)
	}
	return out, nil
}

// factsHash is the sha256 of what gendefaults keeps from a copy: per
// section its name, then each key and value, in file order, NUL-separated.
// Comments and layout do not count, so a copy re-read from another clone or
// rebuilt from the facts hashes the same.
func factsHash(secs []section) string {
	h := sha256.New()
	for _, s := range secs {
		fmt.Fprintf(h, "[%s]\x00", s.name)
		for _, k := range s.keys {
			fmt.Fprintf(h, "%s\x00%s\x00", k.key, k.value)
		}
		h.Write([]byte{'\n'})
	}
	return fmt.Sprintf("%x", h.Sum(nil))
}

// generate renders both tables.
func generate(srcs []Source, pkg string) (newest, versions []byte, err error) {
	parsed := make([][]section, len(srcs))
	for i, s := range srcs {
		if parsed[i], err = read(s.Content); err != nil {
			return nil, nil, fmt.Errorf("parse %s: %w", s.File, err)
		}
		if got := factsHash(parsed[i]); s.Facts != "" && got != s.Facts {
			return nil, nil, fmt.Errorf("%s (%s@%s) has facts %s, sources.txt records %s: not the copy listed", s.File, s.Repo, s.Commit, got, s.Facts)
		} else if s.Facts == "" {
			log.Printf("gendefaults: %s facts %s (record it in sources.txt)", s.File, got)
		}
	}
	last := len(srcs) - 1
	if newest, err = renderNewest(srcs[last], parsed[last], pkg); err != nil {
		return nil, nil, err
	}
	versions, err = renderVersions(srcs, parsed, pkg)
	return newest, versions, err
}

func sourceName(s Source) string {
	return fmt.Sprintf("%s@%s:conf/defaults.ini", s.Repo, s.Commit)
}

// describe says what a copy is, for comments.
func describe(s Source) string {
	v := fmt.Sprintf("%d.%d", s.Version[0], s.Version[1])
	switch s.Kind {
	case "release":
		return fmt.Sprintf("Grafana %s (package.json %q at that commit)", s.Label, s.Label)
	case "pre":
		return fmt.Sprintf("main during Grafana %s development (package.json %q at that commit)", v, s.Label)
	}
	return fmt.Sprintf("main, newer than the previous copy (it lacks keys that copy has), taken for %s; the search index holds no package.json at that commit, so the version is not verified", v)
}

func renderNewest(s Source, secs []section, pkg string) ([]byte, error) {
	var b bytes.Buffer
	fmt.Fprintf(&b, "// Code generated by internal/gendefaults; DO NOT EDIT.\n\n")
	fmt.Fprintf(&b, "// Source: github.com/%s, file conf/defaults.ini at commit %s,\n", s.Repo, s.Commit)
	fmt.Fprintf(&b, "// the newest copy of internal/gendefaults/sources.txt: %s.\n", describe(s))
	fmt.Fprintf(&b, "// Facts sha256 %s.\n", factsHash(secs))
	fmt.Fprintf(&b, "// Only facts are kept: each section, key and default value, in file order.\n")
	fmt.Fprintf(&b, "// defaults_versions_table.go keys them by Grafana version.\n\n")
	fmt.Fprintf(&b, "package %s\n\n", pkg)
	fmt.Fprintf(&b, "// defaultsSource names the defaults.ini the table was generated from.\n")
	fmt.Fprintf(&b, "const defaultsSource = %s\n\n", strconv.Quote(fmt.Sprintf("%s@%s:%s", s.Repo, s.Commit, "conf/defaults.ini")))
	fmt.Fprintf(&b, "// defaultsTable lists every section of Grafana's defaults.ini (the default\n")
	fmt.Fprintf(&b, "// section as \"\") with its keys and raw default values.\n")
	fmt.Fprintf(&b, "var defaultsTable = []defaultSection{\n")
	for _, sec := range secs {
		fmt.Fprintf(&b, "\t{Name: %s, Keys: []defaultKey{\n", strconv.Quote(sec.name))
		for _, k := range sec.keys {
			fmt.Fprintf(&b, "\t\t{%s, %s},\n", strconv.Quote(k.key), strconv.Quote(k.value))
		}
		fmt.Fprintf(&b, "\t}},\n")
	}
	fmt.Fprintf(&b, "}\n")
	return format.Source(b.Bytes())
}

// merged is a section of the union of all copies.
type merged struct {
	name string
	in   uint16 // copies that have the section
	keys []*mergedKey
}

type mergedKey struct {
	name   string
	values []*string // per copy; nil where the copy lacks the key
}

// mergeOrder inserts names missing from order after the name that precedes
// them in next (at the front when none does), so every copy's own order is
// kept where the copies agree.
func mergeOrder(order, next []string) []string {
	for i, n := range next {
		if slices.Contains(order, n) {
			continue
		}
		at := 0
		for j := i - 1; j >= 0; j-- {
			if k := slices.Index(order, next[j]); k >= 0 {
				at = k + 1
				break
			}
		}
		order = slices.Insert(order, at, n)
	}
	return order
}

// union merges the copies, newest first so that the newest file's order
// leads.
func union(parsed [][]section) []*merged {
	n := len(parsed)
	var secOrder []string
	keyOrder := map[string][]string{}
	for i := n - 1; i >= 0; i-- {
		var names []string
		for _, s := range parsed[i] {
			names = append(names, s.name)
			var ks []string
			for _, k := range s.keys {
				ks = append(ks, k.key)
			}
			keyOrder[s.name] = mergeOrder(keyOrder[s.name], ks)
		}
		secOrder = mergeOrder(secOrder, names)
	}
	var out []*merged
	for _, name := range secOrder {
		m := &merged{name: name}
		idx := map[string]*mergedKey{}
		for _, k := range keyOrder[name] {
			mk := &mergedKey{name: k, values: make([]*string, n)}
			idx[k] = mk
			m.keys = append(m.keys, mk)
		}
		for i, secs := range parsed {
			for _, s := range secs {
				if s.name != name {
					continue
				}
				m.in |= 1 << i
				for _, k := range s.keys {
					v := k.value
					idx[k.key].values[i] = &v
				}
			}
		}
		out = append(out, m)
	}
	return out
}

func renderVersions(srcs []Source, parsed [][]section, pkg string) ([]byte, error) {
	var b bytes.Buffer
	fmt.Fprintf(&b, "// Code generated by internal/gendefaults; DO NOT EDIT.\n\n")
	fmt.Fprintf(&b, "// Grafana's conf/defaults.ini keyed by version: every section and key that\n")
	fmt.Fprintf(&b, "// one of these copies has (oldest first; internal/gendefaults/sources.txt):\n//\n")
	for _, s := range srcs {
		fmt.Fprintf(&b, "//   - %d.%d: github.com/%s at %s,\n//     %s\n", s.Version[0], s.Version[1], s.Repo, s.Commit, describe(s))
	}
	fmt.Fprintf(&b, "\npackage %s\n\n", pkg)
	fmt.Fprintf(&b, "// defaultCopies are the copies the table is built from, oldest first.\n")
	fmt.Fprintf(&b, "var defaultCopies = []defaultCopy{\n")
	for _, s := range srcs {
		kind := map[string]string{"release": "copyRelease", "pre": "copyPre", "snapshot": "copySnapshot"}[s.Kind]
		fmt.Fprintf(&b, "\t{Version: [2]int{%d, %d}, Kind: %s, Label: %s, Source: %s},\n",
			s.Version[0], s.Version[1], kind, strconv.Quote(s.Label), strconv.Quote(sourceName(s)))
	}
	fmt.Fprintf(&b, "}\n\n")
	fmt.Fprintf(&b, "// versionedTable lists every section any copy has, In being the copies\n")
	fmt.Fprintf(&b, "// (bit i = defaultCopies[i]) that have it, with each key's default as runs\n")
	fmt.Fprintf(&b, "// of copies that give the same value (a copy outside every run lacks the key).\n")
	fmt.Fprintf(&b, "var versionedTable = []versionedSection{\n")
	for _, m := range union(parsed) {
		fmt.Fprintf(&b, "\t{Name: %s, In: %#04x, Keys: []versionedKey{\n", strconv.Quote(m.name), m.in)
		for _, k := range m.keys {
			fmt.Fprintf(&b, "\t\t{%s, []valueRun{", strconv.Quote(k.name))
			for i, run := range runs(k.values) {
				if i > 0 {
					b.WriteString(", ")
				}
				fmt.Fprintf(&b, "{%d, %d, %s}", run.from, run.to, strconv.Quote(run.value))
			}
			b.WriteString("}},\n")
		}
		fmt.Fprintf(&b, "\t}},\n")
	}
	fmt.Fprintf(&b, "}\n")
	return format.Source(b.Bytes())
}

type run struct {
	from, to int
	value    string
}

// runs groups consecutive copies that have the key with the same value.
func runs(values []*string) []run {
	var out []run
	for i, v := range values {
		if v == nil {
			continue
		}
		if l := len(out) - 1; l >= 0 && out[l].to == i-1 && out[l].value == *v {
			out[l].to = i
			continue
		}
		out = append(out, run{i, i, *v})
	}
	return out
}
