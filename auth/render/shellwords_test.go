package render

import (
	"errors"
	"fmt"
	"strings"
)

// shellWords splits a command line the way sh, bash and zsh do, for the
// small, strict subset of shell syntax that safe snippets may use: words
// separated by spaces, single-quoted strings (every byte literal), and a
// backslash escaping the next character outside quotes. Anything else
// unquoted that a shell would treat specially ($, `, ;, |, &, <, >, (, ), *,
// ?, [, ~, #, !, ", {, }, =, %, a tab or a newline) is an error: a snippet
// that needs it is not provably inert. TestShellWordsMatchesSh checks this
// parser against a real sh.
func shellWords(s string) ([]string, error) {
	var words []string
	var cur strings.Builder
	inWord := false
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == ' ':
			if inWord {
				words = append(words, cur.String())
				cur.Reset()
				inWord = false
			}
		case c == '\'':
			end := strings.IndexByte(s[i+1:], '\'')
			if end < 0 {
				return nil, errors.New("unterminated single quote")
			}
			cur.WriteString(s[i+1 : i+1+end])
			i += end + 1
			inWord = true
		case c == '\\':
			if i+1 >= len(s) {
				return nil, errors.New("backslash at end of input")
			}
			if s[i+1] == '\n' {
				return nil, errors.New("line continuation")
			}
			cur.WriteByte(s[i+1])
			i++
			inWord = true
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c >= '0' && c <= '9', c == '-', c == '_', c == '.', c == '/', c == ':', c == ',', c == '+', c == '@':
			cur.WriteByte(c)
			inWord = true
		default:
			return nil, fmt.Errorf("unquoted %q at byte %d", c, i)
		}
	}
	if inWord {
		words = append(words, cur.String())
	}
	return words, nil
}

// httpieItem mirrors HTTPie's KeyValueArgType for the separators request
// items accept (httpie/cli/argtypes.py and constants.py): it returns the key,
// separator and value HTTPie reads from one argument.
func httpieItem(s string) (key, sep, value string, err error) {
	type token struct {
		s       string
		escaped bool
	}
	tokens := []token{{}}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c != '\\' {
			tokens[len(tokens)-1].s += s[i : i+1]
			continue
		}
		next := ""
		if i+1 < len(s) {
			next = s[i+1 : i+2]
			i++
		}
		if next == "" || !strings.Contains(httpieSpecial, next) {
			tokens[len(tokens)-1].s += `\` + next
			continue
		}
		tokens = append(tokens, token{s: next, escaped: true}, token{})
	}
	seps := []string{":", ";", "=", "@", "==", ":=", ":@", "=@", "==@", ":=@"} // sorted by length, as HTTPie does
	for i, t := range tokens {
		if t.escaped {
			continue
		}
		found := map[int]string{}
		for _, sp := range seps {
			if pos := strings.Index(t.s, sp); pos >= 0 {
				found[pos] = sp
			}
		}
		if len(found) == 0 {
			continue
		}
		first := len(t.s)
		for pos := range found {
			first = min(first, pos)
		}
		sep = found[first]
		k, v, _ := strings.Cut(t.s, sep)
		for _, p := range tokens[:i] {
			key += p.s
		}
		key += k
		value = v
		for _, p := range tokens[i+1:] {
			value += p.s
		}
		return key, sep, value, nil
	}
	return "", "", "", fmt.Errorf("%q is not a valid request item", s)
}

// psStrings reads the PowerShell single-quoted strings in s, in order, the
// way PowerShell's tokenizer does: any of ' ‘ ’ ‚ ‛ ends a string unless
// the next character is one of them too, which then stands for itself.
func psStrings(s string) ([]string, error) {
	isQuote := func(r rune) bool {
		return r == '\'' || r == '\u2018' || r == '\u2019' || r == '\u201a' || r == '\u201b'
	}
	rs := []rune(s)
	var out []string
	for i := 0; i < len(rs); i++ {
		if !isQuote(rs[i]) {
			continue
		}
		var b strings.Builder
		closed := false
		for i++; i < len(rs); i++ {
			if isQuote(rs[i]) {
				if i+1 < len(rs) && isQuote(rs[i+1]) {
					b.WriteRune(rs[i])
					i++
					continue
				}
				closed = true
				break
			}
			b.WriteRune(rs[i])
		}
		if !closed {
			return nil, errors.New("unterminated PowerShell string")
		}
		out = append(out, b.String())
	}
	return out, nil
}
