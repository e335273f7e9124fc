// Package sanitize makes text that comes from outside Authdeck — a provider's
// response, a callback any web page can send, a discovery document, a
// providers.d file — safe to print in a terminal, store in a file and show in
// a label, and removes secrets from it before it is kept or shown.
//
// Outside text is cleaned where it enters, so that everything downstream can
// treat it as plain words.
package sanitize

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Text returns s with every character that could act on a terminal or
// reorder what a reader sees replaced by a visible escape: C0 controls other
// than newline and tab, DEL, C1 controls, bidirectional overrides and
// isolates, zero-width and other invisible format characters, and invalid
// UTF-8. ESC becomes the four characters `\x1b`, U+202E becomes `\u202e`.
// A backslash is kept as it is: the escapes are for reading, not decoding.
func Text(s string) string { return clean(s, false) }

// Line is Text for a place that holds one line: newline, carriage return and
// tab are escaped too.
func Line(s string) string { return clean(s, true) }

func clean(s string, oneLine bool) string {
	if isPlain(s, oneLine) {
		return s // the common case costs no allocation
	}
	var b strings.Builder
	b.Grow(len(s) + 8)
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			fmt.Fprintf(&b, `\x%02x`, s[i])
		case unsafe(r, oneLine) && r < 0x100:
			fmt.Fprintf(&b, `\x%02x`, r)
		case unsafe(r, oneLine):
			fmt.Fprintf(&b, `\u%04x`, r)
		default:
			b.WriteString(s[i : i+size])
		}
		i += size
	}
	return b.String()
}

func isPlain(s string, oneLine bool) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= 0x80 || c < 0x20 || c == 0x7f {
			return isPlainSlow(s, oneLine)
		}
	}
	return true
}

func isPlainSlow(s string, oneLine bool) bool {
	for i, r := range s {
		if r == utf8.RuneError {
			if _, size := utf8.DecodeRuneInString(s[i:]); size == 1 {
				return false
			}
		}
		if unsafe(r, oneLine) {
			return false
		}
	}
	return true
}

// unsafe reports whether r must not reach a terminal or label as it is.
func unsafe(r rune, oneLine bool) bool {
	switch {
	case r == '\n' || r == '\t':
		return oneLine
	case r < 0x20 || r == 0x7f || (r >= 0x80 && r < 0xa0):
		return true // C0 (including CR), DEL, C1 (0x9b is a one-byte CSI)
	case r >= 0x202a && r <= 0x202e, r >= 0x2066 && r <= 0x2069, r == 0x200e, r == 0x200f, r == 0x061c:
		return true // bidirectional embeddings, overrides, isolates and marks
	case r == 0x2028 || r == 0x2029:
		return true // line and paragraph separators
	case r == 0xfeff || (r >= 0x200b && r <= 0x200d) || r == 0x2060:
		return true // zero-width characters that hide text
	case unicode.Is(unicode.Cf, r) || unicode.Is(unicode.Co, r):
		return true // other invisible format and private-use characters
	}
	return false
}

// Redacted is what stands where a secret was.
const Redacted = "[redacted]"

// minSecret is the shortest value Redact removes: shorter ones would match
// ordinary words and make every message unreadable without protecting much.
const minSecret = 3

// Redact returns text with every form of each secret replaced by
// [redacted]: the raw value, its URL query and path escapes, its JSON string
// escape, and its base64 encodings (standard and URL alphabets, padded or
// not). For HTTP Basic authentication pass the pair "id:secret" as one of the
// secrets, so the Authorization header's value is caught too.
//
// The search runs on one normalised form of text, so that every way of
// escaping the same bytes is caught however an echo chose to write them:
// percent escapes in either case (%2f, %2F, %7E; encodeURIComponent, PHP
// urlencode, rawurlencode), "+" for a space, JSON escapes (\/, \u0041)
// and HTML character references (&#47;, &#x2F;, &amp;). A match replaces
// the text it was written as. Redact runs before any cut: a secret cut in
// half is no longer found.
func Redact(text string, secrets ...string) string {
	var forms []string
	for _, s := range secrets {
		if len(s) < minSecret {
			continue
		}
		forms = append(forms, Forms(s)...)
	}
	if len(forms) == 0 || text == "" {
		return text
	}
	forms = dedupe(forms)
	// Longest first, so a form is never half-replaced by a shorter one.
	sort.SliceStable(forms, func(i, j int) bool { return len(forms[i]) > len(forms[j]) })
	for _, f := range forms {
		text = strings.ReplaceAll(text, f, Redacted)
	}
	if !strings.ContainsAny(text, "%+\\&") {
		return text // nothing escaped: the plain search above was the whole search
	}
	for _, plusIsSpace := range []bool{false, true} {
		text = redactDecoded(text, forms, plusIsSpace)
	}
	return text
}

// redactDecoded finds forms in the decoded view of text and replaces the
// original spans they were written as.
func redactDecoded(text string, forms []string, plusIsSpace bool) string {
	v := decode(text, plusIsSpace)
	var spans [][2]int
	for _, f := range forms {
		for from := 0; ; {
			i := strings.Index(v.text[from:], f)
			if i < 0 {
				break
			}
			i += from
			end := i + len(f)
			spans = append(spans, [2]int{v.start[i], v.end[end-1]})
			from = end
		}
	}
	if len(spans) == 0 {
		return text
	}
	sort.Slice(spans, func(i, j int) bool { return spans[i][0] < spans[j][0] })
	var b strings.Builder
	at := 0
	for _, sp := range spans {
		if sp[1] <= at {
			continue // inside a span already replaced
		}
		if sp[0] < at {
			sp[0] = at
		}
		b.WriteString(text[at:sp[0]])
		b.WriteString(Redacted)
		at = sp[1]
	}
	b.WriteString(text[at:])
	return b.String()
}

// decoded is text with its escapes undone; start[i] and end[i] are the
// span of the original text that decoded byte i was written as.
type decoded struct {
	text       string
	start, end []int
}

// decode undoes one level of percent escapes, JSON string escapes and HTML
// character references (and "+" as a space when plusIsSpace), keeping for
// every decoded byte the original span it came from.
func decode(text string, plusIsSpace bool) decoded {
	var d decoded
	var b strings.Builder
	emit := func(bs []byte, from, to int) {
		for _, c := range bs {
			b.WriteByte(c)
			d.start = append(d.start, from)
			d.end = append(d.end, to)
		}
	}
	for i := 0; i < len(text); {
		if bs, n := unescapeAt(text, i, plusIsSpace); n > 0 {
			emit(bs, i, i+n)
			i += n
			continue
		}
		emit([]byte{text[i]}, i, i+1)
		i++
	}
	d.text = b.String()
	return d
}

var jsonEscapes = map[byte]byte{'/': '/', '"': '"', '\\': '\\', 'b': '\b', 'f': '\f', 'n': '\n', 'r': '\r', 't': '\t'}

var htmlNamed = map[string]string{"amp": "&", "lt": "<", "gt": ">", "quot": `"`, "apos": "'", "sol": "/", "plus": "+", "equals": "=", "colon": ":", "percnt": "%"}

// unescapeAt decodes the escape starting at text[i], if any: the bytes it
// stands for and its length in text (0: no escape there).
func unescapeAt(text string, i int, plusIsSpace bool) ([]byte, int) {
	rest := text[i:]
	switch rest[0] {
	case '+':
		if plusIsSpace {
			return []byte{' '}, 1
		}
	case '%':
		if len(rest) >= 3 && isHex(rest[1]) && isHex(rest[2]) {
			v, _ := strconv.ParseUint(rest[1:3], 16, 8)
			return []byte{byte(v)}, 3
		}
	case '\\':
		if len(rest) >= 2 {
			if c, ok := jsonEscapes[rest[1]]; ok {
				return []byte{c}, 2
			}
		}
		if len(rest) >= 6 && rest[1] == 'u' && isHex(rest[2]) && isHex(rest[3]) && isHex(rest[4]) && isHex(rest[5]) {
			v, _ := strconv.ParseUint(rest[2:6], 16, 32)
			return []byte(string(rune(v))), 6 // #nosec G115 -- four hex digits: at most 0xFFFF
		}
	case '&':
		return htmlReference(rest)
	}
	return nil, 0
}

// htmlReference decodes &#NN; &#xHH; and the few named references an echo
// of a secret may use.
func htmlReference(rest string) ([]byte, int) {
	semi := strings.IndexByte(rest, ';')
	if semi < 2 || semi > 10 {
		return nil, 0
	}
	name := rest[1:semi]
	if v, ok := htmlNamed[strings.ToLower(name)]; ok {
		return []byte(v), semi + 1
	}
	if name[0] != '#' || len(name) < 2 {
		return nil, 0
	}
	base, digits := 10, name[1:]
	if digits[0] == 'x' || digits[0] == 'X' {
		base, digits = 16, digits[1:]
	}
	v, err := strconv.ParseUint(digits, base, 32)
	if err != nil || v > utf8.MaxRune {
		return nil, 0
	}
	return []byte(string(rune(v))), semi + 1
}

func isHex(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F'
}

// Forms lists the ways a secret can appear in a request or in a provider's
// echo of it.
func Forms(s string) []string {
	jsonForm, _ := json.Marshal(s)
	forms := []string{
		s,
		url.QueryEscape(s),
		url.PathEscape(s),
		strings.Trim(string(jsonForm), `"`),
		base64.StdEncoding.EncodeToString([]byte(s)),
		base64.RawStdEncoding.EncodeToString([]byte(s)),
		base64.URLEncoding.EncodeToString([]byte(s)),
		base64.RawURLEncoding.EncodeToString([]byte(s)),
	}
	if id, secret, ok := strings.Cut(s, ":"); ok {
		// RFC 6749 §2.3.1 form-encodes id and secret before base64.
		pair := url.QueryEscape(id) + ":" + url.QueryEscape(secret)
		if pair != s {
			forms = append(forms, base64.StdEncoding.EncodeToString([]byte(pair)), base64.RawStdEncoding.EncodeToString([]byte(pair)))
		}
	}
	return dedupe(forms)
}

func dedupe(in []string) []string {
	seen := make(map[string]bool, len(in))
	out := in[:0]
	for _, f := range in {
		if !seen[f] {
			seen[f] = true
			out = append(out, f)
		}
	}
	return out
}

// Clip bounds s to at most n bytes, cut at a character boundary and marked
// with "…", so that a provider's huge answer is not a huge line in every
// message and file it reaches.
func Clip(s string, n int) string {
	s = strings.ToValidUTF8(s, "")
	if len(s) <= n {
		return s
	}
	cut := n
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return s[:cut] + "…"
}
