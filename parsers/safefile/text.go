package safefile

import (
	"bytes"
	"fmt"
)

// sniffLen is how much of a file the text checks look at.
const sniffLen = 8 << 10

// TextProblem returns why src is not text grafanalint can read, "" when it
// is (UTF-8, with or without byte order mark, or plain bytes without NUL):
// UTF-16 and UTF-32 text, with or without byte order mark, is named with a
// fix (Grafana's ini reader skips a UTF-16 byte order mark but reads the
// rest as bytes; nginx and YAML parsers read bytes too), and other content
// with a NUL byte in its first 8 KiB is binary.
func TextProblem(src []byte) string {
	if enc := Encoding(src); enc != "" {
		return fmt.Sprintf("file is %s text, which Grafana and nginx do not read as text: save it as UTF-8", enc)
	}
	head := src[:min(len(src), sniffLen)]
	if i := bytes.IndexByte(head, 0); i >= 0 {
		return fmt.Sprintf("file is binary (a NUL byte at offset %d), not text: exclude it in .gitignore or the config", i)
	}
	return ""
}

// Encoding names the wide Unicode encoding src is written in ("UTF-16 LE",
// "UTF-16 BE", "UTF-32 LE", "UTF-32 BE", with " (with byte order mark)"
// when it has one), or "" for anything else.
func Encoding(src []byte) string {
	switch {
	case bytes.HasPrefix(src, []byte{0xFF, 0xFE, 0, 0}):
		return "UTF-32 LE (with byte order mark)"
	case bytes.HasPrefix(src, []byte{0, 0, 0xFE, 0xFF}):
		return "UTF-32 BE (with byte order mark)"
	case bytes.HasPrefix(src, []byte{0xFF, 0xFE}):
		return "UTF-16 LE (with byte order mark)"
	case bytes.HasPrefix(src, []byte{0xFE, 0xFF}):
		return "UTF-16 BE (with byte order mark)"
	}
	head := src[:min(len(src), sniffLen)]
	if len(head) < 4 || bytes.IndexByte(head, 0) < 0 {
		return ""
	}
	// Without a byte order mark: text in the Latin range has a NUL in
	// every code unit, at a fixed place.
	var zero [4]int
	units := len(head) / 4 * 4
	for i := 0; i < units; i++ {
		if head[i] == 0 {
			zero[i%4]++
		}
	}
	n := units / 4
	mostly := func(k int) bool { return k*10 >= n*9 }
	none := func(k int) bool { return k*20 <= n }
	switch {
	case mostly(zero[1]) && mostly(zero[2]) && mostly(zero[3]) && none(zero[0]):
		return "UTF-32 LE"
	case mostly(zero[0]) && mostly(zero[1]) && mostly(zero[2]) && none(zero[3]):
		return "UTF-32 BE"
	case mostly(zero[1]) && mostly(zero[3]) && none(zero[0]) && none(zero[2]):
		return "UTF-16 LE"
	case mostly(zero[0]) && mostly(zero[2]) && none(zero[1]) && none(zero[3]):
		return "UTF-16 BE"
	}
	return ""
}
