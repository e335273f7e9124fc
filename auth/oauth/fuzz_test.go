package oauth

import (
	"errors"
	"net/url"
	"testing"
	"time"
)

// FuzzParseTokenResponse: whatever a token endpoint answers, parsing never
// panics, and a Token it returns always has an access token.
func FuzzParseTokenResponse(f *testing.F) {
	for _, s := range []string{
		`{"access_token":"a","expires_in":3600.0,"scope":"a,b"}`,
		"{\"access_token\":\"a\",\"created_at\":1565876581,\"expires_in\":631152000,}",
		`{"access_token":"a","expires":1387145621,"expires_in":"86400","refresh_token":"r"}`,
		`access_token=a&expires_in=1e400`,
		`{"error":"invalid_grant"}`, `[]`, `{"access_token":{"x":1}}`, `{"expires_in":-1e308,"access_token":"a"}`,
	} {
		f.Add([]byte(s), "application/json")
	}
	f.Add([]byte("access_token=a&scope=%zz"), "application/x-www-form-urlencoded")
	now := time.Unix(1700000000, 0)
	f.Fuzz(func(t *testing.T, body []byte, ctype string) {
		tok, err := parseTokenResponse(body, ctype, now, []string{"r"})
		if err == nil && tok.AccessToken == "" {
			t.Fatalf("token without access_token from %q", body)
		}
		_ = errorFromBody(400, ctype, body, []string{"secret"}).Error()
	})
}

// FuzzCallback: whatever arrives on the callback, validation never panics,
// and nothing it accepts lacks the right state or carries an unsafe param.
func FuzzCallback(f *testing.F) {
	const state = "s3cr3t-state-value-abcdefghijklmnop"
	for _, s := range []string{
		"code=c&state=" + state + "&domain_prefix=shop",
		"error=access_denied",
		"code=c&state=" + state + "&domain_prefix=evil.example.net%2Fx%3F",
		"access_token=t&state=" + state + "&expires_in=3600",
		"code=c&nonce=" + state,
		"state=" + state + "&state=x&code=a&code=b",
		"%zz",
	} {
		f.Add(s, false)
		f.Add(s, true)
	}
	f.Fuzz(func(t *testing.T, raw string, implicit bool) {
		q, _ := url.ParseQuery(raw)
		e := expectation{provider: "P", stateName: "nonce", state: state, implicit: implicit, params: []string{"domain_prefix"},
			deniesWithoutState: len(raw)%2 == 0}
		cb, err := parseCallback(q, e)
		if err != nil {
			_ = err.Error()
			// An answer without the state ends the sign-in only as a
			// documented denial, and never with the page's own words.
			var pe *ProviderError
			ends := !errors.Is(err, errEmptyAnswer) && !errors.Is(err, ErrStateMismatch)
			if ends && q.Get("nonce") != state && q.Get("state") != state &&
				(!e.deniesWithoutState || !errors.Is(err, ErrAccessDenied) && (!errors.As(err, &pe) || pe.Description != "")) {
				t.Fatalf("%q without the state ended the sign-in: %v", raw, err)
			}
			return
		}
		if q.Get("nonce") != state && q.Get("state") != state {
			t.Fatalf("accepted without the state: %q", raw)
		}
		if p := cb.params["domain_prefix"]; p == "" || len(p) > 63 {
			t.Fatalf("accepted prefix %q", p)
		}
		for _, r := range cb.params["domain_prefix"] {
			if !(r == '-' || r >= '0' && r <= '9' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z') {
				t.Fatalf("accepted prefix %q", cb.params["domain_prefix"])
			}
		}
		if implicit {
			_, _ = fromValues(cb.fields).token(time.Unix(0, 0), nil)
		}
	})
}
