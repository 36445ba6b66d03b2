package channel

// span is one dashboard variable reference inside a string: [start, end)
// byte offsets and the variable's name.
type span struct {
	start, end int
	name       string
}

// variableSpans finds variable references the way Grafana's templateSrv
// does (public/app/features/variables/utils.ts variableRegex), left to
// right without overlap:
//
//	$name | [[name]] | [[name:format]] | ${name} | ${name.field} | ${name:format}
//
// where name is [A-Za-z0-9_]+ (JavaScript \w).
func variableSpans(s string) []span {
	var out []span
	for i := 0; i < len(s); {
		if sp, ok := matchVariable(s, i); ok {
			out = append(out, sp)
			i = sp.end
			continue
		}
		i++
	}
	return out
}

func isWord(b byte) bool {
	return b == '_' || (b >= '0' && b <= '9') || (b >= 'a' && b <= 'z') || (b >= 'A' && b <= 'Z')
}

// words returns the end of the run of word bytes starting at i.
func words(s string, i int) int {
	for i < len(s) && isWord(s[i]) {
		i++
	}
	return i
}

func matchVariable(s string, i int) (span, bool) {
	switch {
	case s[i] == '$' && i+1 < len(s) && isWord(s[i+1]):
		e := words(s, i+1)
		return span{i, e, s[i+1 : e]}, true
	case s[i] == '[' && i+2 < len(s) && s[i+1] == '[':
		ns := i + 2
		ne := words(s, ns)
		if ne == ns {
			return span{}, false
		}
		j := ne
		if j < len(s) && s[j] == ':' {
			fe := words(s, j+1)
			if fe == j+1 {
				return span{}, false
			}
			j = fe
		}
		if j+1 < len(s) && s[j] == ']' && s[j+1] == ']' {
			return span{i, j + 2, s[ns:ne]}, true
		}
	case s[i] == '$' && i+1 < len(s) && s[i+1] == '{':
		ns := i + 2
		ne := words(s, ns)
		if ne == ns {
			return span{}, false
		}
		j := ne
		if j < len(s) && s[j] == '.' {
			k := j + 1
			for k < len(s) && s[k] != ':' && s[k] != '^' && s[k] != '}' {
				k++
			}
			if k == j+1 {
				return span{}, false
			}
			j = k
		}
		if j < len(s) && s[j] == ':' {
			k := j + 1
			for k < len(s) && s[k] != '}' {
				k++
			}
			if k == j+1 {
				return span{}, false
			}
			j = k
		}
		if j < len(s) && s[j] == '}' {
			return span{i, j + 1, s[ns:ne]}, true
		}
	}
	return span{}, false
}

// nfaState is a position in the channel grammar: the part being read and
// whether it already holds a character.
type nfaState struct {
	part     Part
	nonEmpty bool
}

// checkTemplate decides whether a channel ID containing variable references
// (spans, sorted, non-overlapping) is invalid whatever values the
// variables take (each may expand to any string, the empty one included).
// It returns nil when some values make the ID valid, otherwise the first
// problem in the literal text, with Offset in id.
func (s Syntax) checkTemplate(id string, spans []span) *ParseError {
	literal := 0
	for i, sp := 0, 0; i < len(id); i++ {
		if sp < len(spans) && i >= spans[sp].start {
			i = spans[sp].end - 1
			sp++
			continue
		}
		literal++
	}
	set := map[nfaState]bool{{Scope, false}: true}
	maxPart := func() Part {
		m := Scope
		for st := range set {
			m = max(m, st.part)
		}
		return m
	}
	count := 0
	for i, sp := 0, 0; i < len(id); {
		if sp < len(spans) && i == spans[sp].start {
			next := map[nfaState]bool{}
			for st := range set {
				next[st] = true
				for q := st.part; q <= Path; q++ {
					next[nfaState{q, true}] = true
					if q > st.part {
						next[nfaState{q, false}] = true
					}
				}
			}
			set = next
			i = spans[sp].end
			sp++
			continue
		}
		b := id[i]
		if count == MaxLen && literal > MaxLen {
			return &ParseError{Kind: ErrTooLong, Offset: i, Part: maxPart(), Len: literal}
		}
		count++
		next := map[nfaState]bool{}
		for st := range set {
			switch {
			case st.part < Path && b == '/':
				if st.nonEmpty {
					next[nfaState{st.part + 1, false}] = true
				}
			case st.part < Path:
				if s.ScopeByte(b) {
					next[nfaState{st.part, true}] = true
				}
			case s.PathByte(b):
				next[nfaState{Path, true}] = true
			}
		}
		if len(next) == 0 {
			if b == '/' {
				return &ParseError{Kind: ErrEmptyPart, Offset: i, Part: maxPart(), Len: literal}
			}
			e := badChar(id, i, maxPart())
			e.Len = literal
			return e
		}
		set = next
		i++
	}
	if set[nfaState{Path, true}] {
		return nil
	}
	if m := maxPart(); m < Path {
		return &ParseError{Kind: ErrMissingPart, Offset: len(id), Part: m + 1, Len: literal}
	}
	return &ParseError{Kind: ErrEmptyPart, Offset: len(id), Part: Path, Len: literal}
}
