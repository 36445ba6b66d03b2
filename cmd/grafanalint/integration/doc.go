// Package integration tests grafanalint the way its integrations run it:
// through a real pre-commit with the shipped .pre-commit-hooks.yaml, and
// through the exact problem matchers shipped for GitHub Actions, VS Code
// and Vim on real output. It has no code of its own.
package integration
