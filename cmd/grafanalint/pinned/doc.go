// Package pinned pins grafanalint's findings byte for byte (issue 10: a
// faster loader, rules or output must not move a single byte). Its test
// runs the real command line in-process with --format json, --format
// oneline and --format text with every source excerpt over the bundled
// demo, trees generated at test time (8 stacks ×
// 32 dashboards, one compose stack of 100 dashboards, 300 nginx vhosts) and
// the third-party corpora ../shared/corpus/real and ../shared/corpus/k8s,
// and compares the outputs with testdata.
//
// Outputs made only of the project's own text (the demo, the vhost tree)
// are stored in full. The others are derived from other people's files
// (the corpora, and the trees built from perf-seed dashboards), so only
// digests are stored: a header with the sha256 of the whole output, then one
// line per finding with its rule, file:line:col and the first 16 hex
// digits of the sha256 of the finding (its oneline line, its JSON object
// as printed, or its text block with excerpt and notes), so that a failure
// names the finding that moved.
//
// After an intended change of findings, rewrite the files with
//
//	go test ./cmd/grafanalint/pinned -update
//
// and review the diff. It has no code of its own.
package pinned
