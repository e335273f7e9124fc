package render

import (
	"net/url"
	"strings"
	"testing"

	"authdeck/auth/catalog"
)

// fuzzApplies are the three ways a token reaches curl: inside a header with
// a scheme, as the whole header value, and as a query parameter.
var fuzzApplies = []catalog.Apply{
	{Header: "Authorization", Scheme: "Bearer"},
	{Header: "X-Access"},
	{Query: "api-key"},
}

// FuzzCurlRoundTrip: for any token, the curl command (and the env line) read
// back with sh's quoting rules yields exactly the token, or rendering refuses
// it for the one documented reason, a control character.
// shellWords mirrors sh; TestShellWordsMatchesSh holds it to a real sh.
func FuzzCurlRoundTrip(f *testing.F) {
	for _, tok := range hostile {
		f.Add(tok)
	}
	f.Fuzz(func(t *testing.T, token string) {
		for _, apply := range fuzzApplies {
			c := FromMethod(apply, token, "FUZZ_TOKEN")
			cmd, err := Render(FormatCurl, c, target)
			if err != nil {
				if token == "" || (apply.Header != "" && printable("token", c.Value) != nil) {
					continue // refused: empty, or a control byte no header may carry
				}
				t.Fatalf("%+v: refused %q: %v", apply, token, err)
			}
			pipe, err := shellPipeline(cmd)
			if err != nil || len(pipe) != 2 || len(pipe[0]) != 3 || strings.Join(pipe[0][:2], " ") != "printf %s\\n" {
				t.Fatalf("%+v: %q is not printf | curl, or leaves something for the shell: %q %v", apply, cmd, pipe, err)
			}
			if apply.Query != "" {
				if strings.Join(pipe[1], " ") != "curl -sS -K -" {
					t.Fatalf("%q: curl gets %q", cmd, pipe[1])
				}
				u := curlConfigURL(t, pipe[0][2])
				parsed, err := url.Parse(u)
				if err != nil || parsed.Query().Get("api-key") != token || !strings.HasPrefix(u, target+"&") {
					t.Fatalf("URL %q does not carry %q after %q (%v)", u, token, target, err)
				}
				continue
			}
			if pipe[0][2] != c.Header+": "+c.Value || strings.Join(pipe[1], "\x00") != strings.Join([]string{"curl", "-sS", "-H", "@-", target}, "\x00") {
				t.Fatalf("%q splits into %q", cmd, pipe)
			}
		}

		line, err := Render(FormatEnv, FromMethod(catalog.Apply{Header: "X-Access"}, token, "FUZZ_TOKEN"), "")
		if err != nil {
			return // the same refusals as above
		}
		value, ok := strings.CutPrefix(line, "export FUZZ_TOKEN=")
		words, err := shellWords(value)
		if !ok || err != nil || len(words) != 1 || words[0] != token {
			t.Fatalf("env line %q reads back as %q (%v)", line, words, err)
		}
	})
}

// FuzzHTTPieRoundTrip: for any token, HTTPie's item parser reads the header
// back exactly, or rendering refuses the token with a reason.
func FuzzHTTPieRoundTrip(f *testing.F) {
	for _, tok := range hostile {
		f.Add(tok)
	}
	f.Fuzz(func(t *testing.T, token string) {
		c := FromMethod(catalog.Apply{Header: "X-Access"}, token, "")
		cmd, err := Render(FormatHTTPie, c, target)
		if err != nil {
			return // refusals are checked by name in the table tests
		}
		words, err := shellWords(cmd)
		if err != nil || len(words) != 4 || words[0] != "http" || words[1] != "GET" || words[2] != target {
			t.Fatalf("%q splits into %q (%v)", cmd, words, err)
		}
		key, sep, value, err := httpieItem(words[3])
		if err != nil || key != "X-Access" || sep != ":" || value != token {
			t.Fatalf("HTTPie reads %q %q %q (%v) from %q, want the token %q", key, sep, value, err, words[3], token)
		}
	})
}
