package report

import (
	"fmt"
	"strings"
	"unicode"
)

// runeWidth returns how many terminal cells r takes: 0 for combining marks
// and zero-width format characters, 2 for East Asian wide and full-width
// characters (and the emoji blocks terminals draw wide), 1 otherwise.
func runeWidth(r rune) int {
	switch {
	case r == 0x200B || r == 0x200C || r == 0x200D || r == 0x2060 || r == 0xFEFF:
		return 0
	case unicode.In(r, unicode.Mn, unicode.Me):
		return 0
	}
	for _, rg := range wideRanges {
		if r < rg[0] {
			return 1
		}
		if r <= rg[1] {
			return 2
		}
	}
	return 1
}

// wideRanges are the East Asian Wide (W) and Fullwidth (F) blocks of
// Unicode's EastAsianWidth.txt, coarsened to whole blocks and sorted.
var wideRanges = [][2]rune{
	{0x1100, 0x115F},   // Hangul Jamo initial consonants
	{0x231A, 0x231B},   // watch, hourglass
	{0x2329, 0x232A},   // angle brackets
	{0x23E9, 0x23EC},   // media controls
	{0x23F0, 0x23F0},   // alarm clock
	{0x23F3, 0x23F3},   // hourglass
	{0x25FD, 0x25FE},   // small squares
	{0x2614, 0x2615},   // umbrella, hot beverage
	{0x2648, 0x2653},   // zodiac
	{0x267F, 0x267F},   // wheelchair
	{0x2693, 0x2693},   // anchor
	{0x26A1, 0x26A1},   // high voltage
	{0x26AA, 0x26AB},   // circles
	{0x26BD, 0x26BE},   // balls
	{0x26C4, 0x26C5},   // snowman, sun
	{0x26CE, 0x26CE},   // ophiuchus
	{0x26D4, 0x26D4},   // no entry
	{0x26EA, 0x26EA},   // church
	{0x26F2, 0x26F5},   // fountain … sailboat
	{0x26FA, 0x26FA},   // tent
	{0x26FD, 0x26FD},   // fuel pump
	{0x2705, 0x2705},   // check mark
	{0x270A, 0x270B},   // fists
	{0x2728, 0x2728},   // sparkles
	{0x274C, 0x274C},   // cross mark
	{0x274E, 0x274E},   // cross mark
	{0x2753, 0x2755},   // question marks
	{0x2757, 0x2757},   // exclamation
	{0x2795, 0x2797},   // plus, minus, divide
	{0x27B0, 0x27B0},   // curly loop
	{0x27BF, 0x27BF},   // double curly loop
	{0x2B1B, 0x2B1C},   // large squares
	{0x2B50, 0x2B50},   // star
	{0x2B55, 0x2B55},   // circle
	{0x2E80, 0x303E},   // CJK radicals, Kangxi, CJK symbols and punctuation
	{0x3041, 0x33FF},   // Hiragana, Katakana, Bopomofo, CJK compatibility
	{0x3400, 0x4DBF},   // CJK extension A
	{0x4E00, 0x9FFF},   // CJK unified ideographs
	{0xA000, 0xA4CF},   // Yi
	{0xA960, 0xA97F},   // Hangul Jamo extended A
	{0xAC00, 0xD7A3},   // Hangul syllables
	{0xF900, 0xFAFF},   // CJK compatibility ideographs
	{0xFE10, 0xFE19},   // vertical forms
	{0xFE30, 0xFE6F},   // CJK compatibility forms, small form variants
	{0xFF00, 0xFF60},   // full-width forms
	{0xFFE0, 0xFFE6},   // full-width signs
	{0x16FE0, 0x16FE4}, // ideographic symbols
	{0x17000, 0x18CFF}, // Tangut
	{0x1B000, 0x1B2FF}, // Kana supplement, Nushu
	{0x1F004, 0x1F004}, // mahjong tile
	{0x1F0CF, 0x1F0CF}, // playing card
	{0x1F18E, 0x1F18E}, // AB button
	{0x1F191, 0x1F19A}, // squared words
	{0x1F200, 0x1F2FF}, // enclosed ideographic supplement
	{0x1F300, 0x1F64F}, // pictographs, emoticons
	{0x1F680, 0x1F6FF}, // transport and map symbols
	{0x1F7E0, 0x1F7EB}, // coloured circles and squares
	{0x1F90C, 0x1F9FF}, // supplemental symbols and pictographs
	{0x1FA70, 0x1FAFF}, // symbols and pictographs extended A
	{0x20000, 0x2FFFD}, // CJK extensions B–F, compatibility supplement
	{0x30000, 0x3FFFD}, // CJK extension G and later
}

// escapeRune returns the printable form of a character that must not reach
// a terminal as is (control characters, which could move the cursor or
// change colours, and bidirectional overrides, which reorder what is shown),
// and false for any other character.
func escapeRune(r rune) (string, bool) {
	switch r {
	case '\n':
		return `\n`, true
	case '\r':
		return `\r`, true
	}
	switch {
	case r < 0x20 && r != '\t', r == 0x7F:
		return fmt.Sprintf(`\x%02x`, r), true
	case r >= 0x80 && r <= 0x9F:
		return fmt.Sprintf(`\u%04x`, r), true
	case r >= 0x202A && r <= 0x202E, r >= 0x2066 && r <= 0x2069:
		return fmt.Sprintf(`\u%04x`, r), true
	}
	return "", false
}

// sanitize makes s safe to print on a terminal on one line: control
// characters (but tabs), line breaks and bidirectional overrides are
// written as escapes.
func sanitize(s string) string {
	clean := true
	for _, r := range s {
		if _, ok := escapeRune(r); ok {
			clean = false
			break
		}
	}
	if clean {
		return s
	}
	var b strings.Builder
	for _, r := range s {
		if e, ok := escapeRune(r); ok {
			b.WriteString(e)
		} else {
			b.WriteRune(r)
		}
	}
	return b.String()
}
