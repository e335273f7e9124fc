package catalog

// jsonScan walks JSON text without decoding it: just enough to find where
// each definition of the built-in array ends and what its "id" is. The
// definitions themselves are decoded by encoding/json when first used.
type jsonScan struct {
	b []byte
	i int
}

func (s *jsonScan) space() {
	for s.i < len(s.b) && (s.b[s.i] == ' ' || s.b[s.i] == '\t' || s.b[s.i] == '\n' || s.b[s.i] == '\r') {
		s.i++
	}
}

// skip consumes c, after white space, if it comes next.
func (s *jsonScan) skip(c byte) bool {
	s.space()
	if s.i < len(s.b) && s.b[s.i] == c {
		s.i++
		return true
	}
	return false
}

// object consumes an object and returns its "id" member, if a string.
func (s *jsonScan) object() (id string, ok bool) {
	if !s.skip('{') {
		return "", false
	}
	for first := true; !s.skip('}'); first = false {
		if !first && !s.skip(',') {
			return "", false
		}
		s.space()
		key, ok := s.str()
		if !ok || !s.skip(':') {
			return "", false
		}
		s.space()
		if string(key) == "id" && s.i < len(s.b) && s.b[s.i] == '"' {
			v, ok := s.str()
			if !ok {
				return "", false
			}
			id = string(v)
			continue
		}
		if !s.value() {
			return "", false
		}
	}
	return id, true
}

// value consumes one value of any kind.
func (s *jsonScan) value() bool {
	s.space()
	if s.i >= len(s.b) {
		return false
	}
	switch s.b[s.i] {
	case '"':
		_, ok := s.str()
		return ok
	case '{', '[':
		depth := 0
		for s.i < len(s.b) {
			c := s.b[s.i]
			if c == '"' {
				if _, ok := s.str(); !ok {
					return false
				}
				continue
			}
			s.i++
			switch c {
			case '{', '[':
				depth++
			case '}', ']':
				if depth--; depth == 0 {
					return true
				}
			}
		}
		return false
	}
	start := s.i // a number, true, false or null
	for s.i < len(s.b) && s.b[s.i] != ',' && s.b[s.i] != '}' && s.b[s.i] != ']' &&
		s.b[s.i] != ' ' && s.b[s.i] != '\t' && s.b[s.i] != '\n' && s.b[s.i] != '\r' {
		s.i++
	}
	return s.i > start
}

// str consumes a string and returns what is between its quotes, escapes
// as they are (an id has none).
func (s *jsonScan) str() ([]byte, bool) {
	if s.i >= len(s.b) || s.b[s.i] != '"' {
		return nil, false
	}
	for j := s.i + 1; j < len(s.b); j++ {
		switch s.b[j] {
		case '\\':
			j++
		case '"':
			v := s.b[s.i+1 : j]
			s.i = j + 1
			return v, true
		}
	}
	return nil, false
}
