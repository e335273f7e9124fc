package sanitize

import (
	"encoding/base64"
	"encoding/json"
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
