// Package perf holds issue 10's performance tooling; it has no code of its
// own. perf/floor is the floor grafanalint is measured against,
// perf/cmd/floor runs it on a tree, and perf/cmd/perfcheck alternates runs
// of the floor and grafanalint and reports the ratios and peak memory
// (docs/performance.md).
package perf
