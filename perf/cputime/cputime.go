// Package cputime reads the CPU time the process has used, for benchmarks
// that report it beside wall time: on a shared machine the wall time of
// one run says little, the CPU time it cost much more.
package cputime
