package suppress

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/grafanalint/grafanalint/parsers/model"
)

func TestScan(t *testing.T) {
	tests := []struct {
		name     string
		kind     model.Kind
		src      string
		want     []model.Ignore
		problems []string // "line:col: message substring"
	}{
		{
			name: "same line applies to that line",
			kind: model.KindNginx,
			src:  "server {\n  proxy_set_header Host $proxy_host; # grafanalint:ignore proxy/host-header -- internal only\n}\n",
			want: []model.Ignore{{Pos: model.Pos{File: "f", Line: 2, Col: 38}, Rules: []string{"proxy/host-header"}, Reason: "internal only", Lines: []int{2}}},
		},
		{
			name: "own line applies to next code line, skipping blanks and comments",
			kind: model.KindDatasources,
			src:  "datasources:\n  # grafanalint:ignore datasource/invalid-uid,secret/plaintext -- legacy\n\n  # another comment\n  - name: x\n",
			want: []model.Ignore{{Pos: model.Pos{File: "f", Line: 2, Col: 3}, Rules: []string{"datasource/invalid-uid", "secret/plaintext"}, Reason: "legacy", Lines: []int{2, 5}}},
		},
		{
			name: "reason is optional and spaces around commas are fine",
			kind: model.KindNginx,
			src:  "# grafanalint:ignore proxy, live/disabled\nlisten 80;\n",
			want: []model.Ignore{{Pos: model.Pos{File: "f", Line: 1, Col: 1}, Rules: []string{"proxy", "live/disabled"}, Lines: []int{1, 2}}},
		},
		{
			name: "two stacked own-line ignores both apply to the next code line",
			kind: model.KindNginx,
			src:  "# grafanalint:ignore a/b\n# grafanalint:ignore c/d\nlisten 80;\n",
			want: []model.Ignore{
				{Pos: model.Pos{File: "f", Line: 1, Col: 1}, Rules: []string{"a/b"}, Lines: []int{1, 3}},
				{Pos: model.Pos{File: "f", Line: 2, Col: 1}, Rules: []string{"c/d"}, Lines: []int{2, 3}},
			},
		},
		{
			name: "ignore at end of file applies to its own line only",
			kind: model.KindNginx,
			src:  "listen 80;\n# grafanalint:ignore a/b\n",
			want: []model.Ignore{{Pos: model.Pos{File: "f", Line: 2, Col: 1}, Rules: []string{"a/b"}, Lines: []int{2}}},
		},
		{
			name: "ini semicolon comment",
			kind: model.KindIni,
			src:  "[live]\n; grafanalint:ignore live/disabled -- on purpose\nmax_connections = 0\n",
			want: []model.Ignore{{Pos: model.Pos{File: "f", Line: 2, Col: 1}, Rules: []string{"live/disabled"}, Reason: "on purpose", Lines: []int{2, 3}}},
		},
		{
			name: "ini inline comment even after a quote (go-ini cuts there too)",
			kind: model.KindIni,
			src:  "[server]\nroot_url = \"http://x/\" ;grafanalint:ignore server/root-url-mismatch\n",
			want: []model.Ignore{{Pos: model.Pos{File: "f", Line: 2, Col: 24}, Rules: []string{"server/root-url-mismatch"}, Lines: []int{2}}},
		},
		{
			name: "ini triple-quoted value protects the marker",
			kind: model.KindIni,
			src:  "[x]\na = \"\"\"# grafanalint:ignore a/b\"\"\"\n",
		},
		{
			name: "yaml: inside quotes is not a comment",
			kind: model.KindDatasources,
			src:  "a: \"x # grafanalint:ignore a/b\"\nb: 'it''s # grafanalint:ignore a/b'\nc: x#grafanalint:ignore a/b\n",
		},
		{
			name: "yaml: apostrophe in a plain scalar does not open a string",
			kind: model.KindDatasources,
			src:  "a: don't # grafanalint:ignore a/b\n",
			want: []model.Ignore{{Pos: model.Pos{File: "f", Line: 1, Col: 10}, Rules: []string{"a/b"}, Lines: []int{1}}},
		},
		{
			name: "yaml: block scalar content is not a comment",
			kind: model.KindProviders,
			src:  "a: |\n  # grafanalint:ignore a/b\n  text\nb: 1 # grafanalint:ignore c/d\n",
			want: []model.Ignore{{Pos: model.Pos{File: "f", Line: 4, Col: 6}, Rules: []string{"c/d"}, Lines: []int{4}}},
		},
		{
			name: "nginx: quoted string",
			kind: model.KindNginx,
			src:  "add_header X \"a # grafanalint:ignore a/b\";\n",
		},
		{
			name: "columns count code points",
			kind: model.KindNginx,
			src:  "# é\nset $x \"é\"; # grafanalint:ignore a/b\n",
			want: []model.Ignore{{Pos: model.Pos{File: "f", Line: 2, Col: 13}, Rules: []string{"a/b"}, Lines: []int{2}}},
		},
		{
			name: "CRLF line endings",
			kind: model.KindNginx,
			src:  "# grafanalint:ignore a/b -- r\r\nlisten 80;\r\n",
			want: []model.Ignore{{Pos: model.Pos{File: "f", Line: 1, Col: 1}, Rules: []string{"a/b"}, Reason: "r", Lines: []int{1, 2}}},
		},
		{
			name:     "no rule is a problem",
			kind:     model.KindNginx,
			src:      "listen 80; # grafanalint:ignore -- because\n",
			problems: []string{"1:12: names no rule"},
		},
		{
			name:     "unknown directive is a problem",
			kind:     model.KindNginx,
			src:      "# grafanalint:ignored a/b\n# grafanalint:disable a/b\n",
			problems: []string{"1:1: unknown directive \"grafanalint:ignored\"", "2:1: unknown directive \"grafanalint:disable\""},
		},
		{
			name:     "bad rule name is a problem",
			kind:     model.KindNginx,
			src:      "# grafanalint:ignore proxy/host header!\n",
			problems: []string{"1:1: malformed rule name \"header!\""},
		},
		{
			name: "other comments are left alone",
			kind: model.KindEnv,
			src:  "# grafana settings\nGF_X=1 # not ours\n",
		},
		{
			name: "dashboards have no comments",
			kind: model.KindDashboard,
			src:  "# grafanalint:ignore a/b\n",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, probs := Scan("f", []byte(tt.src), tt.kind)
			if diff := cmp.Diff(tt.want, got, cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("ignores (-want +got):\n%s", diff)
			}
			var gotProbs []string
			for _, p := range probs {
				if p.Kind != model.ProblemSyntax || p.Pos.File != "f" {
					t.Errorf("problem %+v: want kind syntax in file f", p)
				}
				gotProbs = append(gotProbs, p.Pos.String()[2:]+": "+p.Message)
			}
			if len(gotProbs) != len(tt.problems) {
				t.Fatalf("problems = %q, want %q", gotProbs, tt.problems)
			}
			for i, want := range tt.problems {
				loc, sub, _ := strings.Cut(want, ": ")
				if !strings.HasPrefix(gotProbs[i], loc+": ") || !strings.Contains(gotProbs[i], sub) {
					t.Errorf("problem %d = %q, want %q", i, gotProbs[i], want)
				}
			}
		})
	}
}

// FuzzScan checks that no input panics and that every ignore names at
// least one rule and the lines it covers start with its own.
func FuzzScan(f *testing.F) {
	f.Add([]byte("# grafanalint:ignore a/b -- x\nlisten 80;\n"), 0)
	f.Add([]byte("a = \"\"\"x ; y\"\"\" ; grafanalint:ignore a\n"), 1)
	f.Add([]byte("a: |\n  # grafanalint:ignore a\nb: 'x' # grafanalint:ignore\n"), 2)
	if matches, _ := filepath.Glob("testdata/*"); len(matches) > 0 {
		for _, m := range matches {
			if b, err := os.ReadFile(m); err == nil {
				f.Add(b, 3)
			}
		}
	}
	kinds := []model.Kind{model.KindNginx, model.KindIni, model.KindDatasources, model.KindEnv}
	f.Fuzz(func(t *testing.T, src []byte, k int) {
		if k < 0 {
			k = -k
		}
		igs, _ := Scan("f", src, kinds[k%len(kinds)])
		for _, ig := range igs {
			if len(ig.Rules) == 0 || len(ig.Lines) == 0 || ig.Lines[0] != ig.Pos.Line || ig.Pos.Col < 1 {
				t.Fatalf("bad ignore %+v", ig)
			}
		}
	})
}
