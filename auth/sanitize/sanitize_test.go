package sanitize

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/url"
	"strings"
	"testing"
)

func TestTextNeutralisesWhatActsOnATerminal(t *testing.T) {
	cases := []struct{ in, want string }{
		{"plain words", "plain words"},
		{"ümlaut ok – dash", "ümlaut ok – dash"},
		{"title\x1b]0;pwned\x07", `title\x1b]0;pwned\x07`},
		{"clear\x1b[2J", `clear\x1b[2J`},
		{"c1 csi \u009b31m", `c1 csi \x9b31m`},
		{"evil\u202etxt.exe", `evil\u202etxt.exe`},
		{"iso\u2066late\u2069", `iso\u2066late\u2069`},
		{"zero\u200bwidth", `zero\u200bwidth`},
		{"bom\ufeff", `bom\ufeff`},
		{"cr\roverwrite", `cr\x0doverwrite`},
		{"del\x7f", `del\x7f`},
		{"bad \xff byte", `bad \xff byte`},
		{"two\nlines\tand tab", "two\nlines\tand tab"},
	}
	for _, c := range cases {
		if got := Text(c.in); got != c.want {
			t.Errorf("Text(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}

func TestLineEscapesLineBreaksToo(t *testing.T) {
	if got, want := Line("a\nb\tc\r"), `a\x0ab\x09c\x0d`; got != want {
		t.Errorf("Line = %q, want %q", got, want)
	}
}

func TestTextOutputHasNoControlCharacters(t *testing.T) {
	var all strings.Builder
	for r := rune(0); r < 0x3000; r++ {
		all.WriteRune(r)
	}
	out := Line(all.String())
	for _, r := range out {
		if unsafe(r, true) {
			t.Fatalf("Line left %U in its output", r)
		}
	}
}

func TestRedactRemovesEveryForm(t *testing.T) {
	id, secret, token := "client-1", "s3cr3t/+=&value", "tok.abc_DEF-123"
	pair := id + ":" + secret
	jsonSecret, _ := json.Marshal(`a"b\c` + secret)
	inputs := []string{
		"echo " + secret,
		"escaped " + url.QueryEscape(secret),
		"path " + url.PathEscape(secret),
		"Authorization: Basic " + base64.StdEncoding.EncodeToString([]byte(pair)),
		"form-encoded pair " + base64.StdEncoding.EncodeToString([]byte(url.QueryEscape(id)+":"+url.QueryEscape(secret))),
		"raw b64 " + base64.RawURLEncoding.EncodeToString([]byte(secret)),
		`{"error":"bad","echo":` + string(jsonSecret) + `}`,
		"Bearer " + token,
	}
	for _, in := range inputs {
		out := Redact(in, pair, secret, token)
		for _, f := range append(Forms(secret), Forms(token)...) {
			if strings.Contains(out, f) {
				t.Errorf("Redact(%q) = %q still holds %q", in, out, f)
			}
		}
		if !strings.Contains(out, Redacted) {
			t.Errorf("Redact(%q) = %q: nothing marked as redacted", in, out)
		}
	}
}

func TestRedactLeavesOrdinaryTextAlone(t *testing.T) {
	in := "invalid_grant: the code has expired"
	if got := Redact(in, "", "ab", "zzzzzzzz"); got != in {
		t.Errorf("Redact changed text holding no secret: %q", got)
	}
}

func BenchmarkTextPlain(b *testing.B) {
	s := strings.Repeat("an ordinary provider message ", 8)
	for b.Loop() {
		_ = Text(s)
	}
}

func TestClipCutsAtACharacter(t *testing.T) {
	if got := Clip("ab€cd", 3); got != "ab…" {
		t.Errorf("Clip = %q", got)
	}
	if got := Clip("short", 10); got != "short" {
		t.Errorf("Clip = %q", got)
	}
}

// Issue 20.3: every way an echo may escape the same bytes is redacted, on
// one normalised form: lower-case percent escapes, JavaScript's
// encodeURIComponent, PHP's urlencode (~ as %7E, space as +), JSON's \/ and
// \u escapes, HTML character references, and mixtures of them.
func TestRedactFindsSecretsHoweverEscaped(t *testing.T) {
	const secret = "s3cr3t/+~ key!(x)*'=&"
	hexOf := func(upper bool, keep func(c byte) bool, space string) string {
		var b strings.Builder
		for i := 0; i < len(secret); i++ {
			c := secret[i]
			switch {
			case c == ' ' && space != "":
				b.WriteString(space)
			case keep(c):
				b.WriteByte(c)
			case upper:
				fmt.Fprintf(&b, "%%%02X", c)
			default:
				fmt.Fprintf(&b, "%%%02x", c)
			}
		}
		return b.String()
	}
	alnum := func(c byte) bool { return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' }
	uriComponent := func(c byte) bool { return alnum(c) || strings.IndexByte("-_.!~*'()", c) >= 0 }
	php := func(c byte) bool { return alnum(c) || strings.IndexByte("-_.", c) >= 0 }
	var jsonEsc strings.Builder
	for _, r := range secret {
		fmt.Fprintf(&jsonEsc, `\u%04x`, r)
	}
	echoes := map[string]string{
		"lower-case %xx":     hexOf(false, alnum, ""),
		"encodeURIComponent": hexOf(true, uriComponent, ""),
		"PHP urlencode":      hexOf(true, php, "+"),
		"PHP lower-case":     hexOf(false, php, "+"),
		"JSON \\/":           strings.ReplaceAll(secret, "/", `\/`),
		"JSON \\u all":       jsonEsc.String(),
		"HTML &#47; &amp;":   strings.NewReplacer("/", "&#47;", "&", "&amp;", "'", "&#x27;").Replace(secret),
		"mixed":              "s3cr3t%2f%2B~%20key%21(x)*'%3d\\u0026",
	}
	for name, echo := range echoes {
		text := "before " + echo + " after"
		got := Redact(text, secret)
		if got != "before "+Redacted+" after" {
			t.Errorf("%s: Redact(%q) = %q", name, text, got)
		}
	}
	// Text without any secret keeps every escape as it was.
	plain := `a%2fb \/ &amp; c+d \u0041`
	if got := Redact(plain, secret); got != plain {
		t.Errorf("Redact changed text without a secret: %q", got)
	}
}
