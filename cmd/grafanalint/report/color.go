package report

import (
	"io"
	"os"

	"golang.org/x/term"
)

// ColorFor decides whether the text format written to w is coloured.
// mode is the --color flag: "always" and "never" decide alone (a flag
// overrides the environment, as no-color.org asks); "auto", and any other
// value, colours only when w is a terminal, NO_COLOR is unset or empty and
// TERM is not "dumb". env reads the environment (os.Getenv; nil means no
// variables are set).
func ColorFor(w io.Writer, mode string, env func(string) string) bool {
	switch mode {
	case "always":
		return true
	case "never":
		return false
	}
	if env == nil {
		env = func(string) string { return "" }
	}
	if env("NO_COLOR") != "" || env("TERM") == "dumb" {
		return false
	}
	return isTerminal(w)
}

// isTerminal reports whether w is a file on a character device (a
// terminal), without a dependency on x/term.
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok || f == nil {
		return false
	}
	// A character device is not a terminal for all that (/dev/null is
	// one): ask the terminal driver.
	return term.IsTerminal(int(f.Fd()))
}

// IsTerminal reports whether w is a terminal; the text format shows source
// excerpts by default only there.
func IsTerminal(w io.Writer) bool { return isTerminal(w) }
