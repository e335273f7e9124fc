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
func Redact(text string, secrets ...string) string {
	var forms []string
	for _, s := range secrets {
		if len(s) < minSecret {
			continue
		}
		forms = append(forms, Forms(s)...)
	}
	// Longest first, so a form is never half-replaced by a shorter one.
	for i := 1; i < len(forms); i++ {
		for j := i; j > 0 && len(forms[j]) > len(forms[j-1]); j-- {
			forms[j], forms[j-1] = forms[j-1], forms[j]
		}
	}
	for _, f := range forms {
		if f != "" {
			text = strings.ReplaceAll(text, f, Redacted)
		}
	}
	return text
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
