package oauth

import (
	"errors"
	"fmt"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"
)

func TestParseTokenResponse(t *testing.T) {
	now := time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		name, body, ctype string
		requested         []string
		exp               time.Time
		scopes            []string
		typ, refresh      string
		extra             map[string]string
		err               string
	}{
		{name: "integer expires_in", body: `{"access_token":"a","token_type":"Bearer","expires_in":3600}`, exp: now.Add(time.Hour), typ: "Bearer"},
		{name: "float expires_in", body: `{"access_token":"a","expires_in":3600.0}`, exp: now.Add(time.Hour)},
		{name: "fractional expires_in", body: `{"access_token":"a","expires_in":1.5}`, exp: now.Add(1500 * time.Millisecond)},
		{name: "string expires_in", body: `{"access_token":"a","expires_in":"3600"}`, exp: now.Add(time.Hour)},
		{name: "no expiry", body: `{"access_token":"a"}`},
		{name: "zero expires_in means unstated", body: `{"access_token":"a","expires_in":0}`},
		{name: "garbage expires_in ignored", body: `{"access_token":"a","expires_in":"soon"}`},
		{name: "huge expires_in capped", body: `{"access_token":"a","expires_in":1e300}`, exp: now.Add(maxLifetime)},
		{name: "Vend absolute expires", body: `{"access_token":"a","expires":1740900000,"expires_in":86400,"refresh_token":"r"}`, exp: time.Unix(1740900000, 0), refresh: "r", extra: map[string]string{"expires": "1740900000"}},
		{name: "Vend expires alone", body: `{"access_token":"a","expires":1741000000}`, exp: time.Unix(1741000000, 0), extra: map[string]string{"expires": "1741000000"}},
		{name: "relative earlier than absolute", body: `{"access_token":"a","expires":1841000000,"expires_in":60}`, exp: now.Add(time.Minute), extra: map[string]string{"expires": "1841000000"}},
		{name: "vcita created_at", body: `{"access_token":"a","token_type":"bearer","expires_in":631152000,"created_at":1565876581}`, exp: time.Unix(1565876581, 0).Add(631152000 * time.Second), typ: "bearer", extra: map[string]string{"created_at": "1565876581"}},
		{name: "vcita trailing comma", body: "{\n\"access_token\": \"a\",\n\"expires_in\": 10,\n\"created_at\": 100,\n}", exp: time.Unix(110, 0), extra: map[string]string{"created_at": "100"}},
		{name: "Vinsight comma scopes, no token_type", body: `{"scope":"write_salesorders,read_contacts","access_token":"a","token_id":"tid","expires_in":31536000}`, requested: []string{"x"}, exp: now.Add(31536000 * time.Second), scopes: []string{"write_salesorders", "read_contacts"}, extra: map[string]string{"token_id": "tid"}},
		{name: "space scopes", body: `{"access_token":"a","scope":"read  write"}`, scopes: []string{"read", "write"}},
		{name: "non-ASCII token", body: `{"access_token":"tok\u00e9n"}`, err: "non-ASCII"},
		{name: "an overlong scope dropped", body: `{"access_token":"a","scope":"a ` + strings.Repeat("x", 201) + ` b"}`, scopes: []string{"a", "b"}},
		{name: "scopes bounded", body: `{"access_token":"a","scope":"` + strings.Repeat("s ", 150) + strings.Repeat("x", 201) + `"}`, scopes: slices.Repeat([]string{"s"}, 100)},
		{name: "scopes lose control characters", body: `{"access_token":"a","scope":"read \u001b[2Jwrite"}`, scopes: []string{"read", `\x1b[2Jwrite`}},
		{name: "array scopes", body: `{"access_token":"a","scope":["read","write"]}`, scopes: []string{"read", "write"}},
		{name: "requested scopes stand in", body: `{"access_token":"a"}`, requested: []string{"profile"}, scopes: []string{"profile"}},
		{name: "form body", body: `access_token=a&token_type=bearer&expires_in=60&scope=x+y`, ctype: "application/x-www-form-urlencoded", exp: now.Add(time.Minute), typ: "bearer", scopes: []string{"x", "y"}},
		{name: "secrets never in Extra", body: `{"access_token":"a","id_token":"jwt","refresh_token":"r","session_token":"s","client_secret":"c","password":"p","note":"dropped too","nested":{"x":1}}`, refresh: "r"},
		// Issue 13.1: only allow-listed fields stay; a credential under any other name, in any casing, is dropped.
		{name: "only allow-listed extras", body: `{"access_token":"a","accessToken":"AT2","refreshToken":"RT2","token":"T","mac_key":"MK","Access_Token":"AT3","TOKEN_ID":"x","Token_id":"y","token_id":"tid","user_id":"u1","account_id":"acc","domain_prefix":"shop"}`,
			extra: map[string]string{"token_id": "tid", "user_id": "u1", "account_id": "acc", "domain_prefix": "shop"}},
		{name: "extras lose control characters", body: `{"access_token":"a","token_id":"t\u001b]0;pwned\u0007id"}`, extra: map[string]string{"token_id": `t\x1b]0;pwned\x07id`}},
		{name: "no access_token", body: `{"token_type":"Bearer","expires_in":3600}`, err: "no access_token"},
		{name: "token with terminal escapes", body: `{"access_token":"a\u001b]0;owned\u0007"}`, err: "control, invisible or non-ASCII"},
		{name: "refresh token with a bidi override", body: `{"access_token":"a","refresh_token":"r\u202e"}`, err: "control, invisible or non-ASCII"},
		{name: "empty object", body: `{}`, err: "no access_token"},
		{name: "error in a 200", body: `{"error":"invalid_grant","error_description":"nope"}`, err: "invalid_grant"},
		{name: "not JSON", body: `<html>oops</html>`, ctype: "text/html", err: "not a JSON object"},
		{name: "JSON array", body: `[1,2]`, err: "not a JSON object"},
		{name: "null", body: `null`, err: "not a JSON object"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ctype := tc.ctype
			if ctype == "" {
				ctype = "application/json"
			}
			tok, err := parseTokenResponse([]byte(tc.body), ctype, now, tc.requested)
			if tc.err != "" {
				if err == nil || !strings.Contains(err.Error(), tc.err) {
					t.Fatalf("err = %v, want %q", err, tc.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if tok.AccessToken != "a" || tok.TokenType != tc.typ || tok.RefreshToken != tc.refresh {
				t.Errorf("token = %+v", tok)
			}
			if !tok.ExpiresAt.Equal(tc.exp) {
				t.Errorf("ExpiresAt = %v, want %v", tok.ExpiresAt, tc.exp)
			}
			if !slices.Equal(tok.Scopes, tc.scopes) {
				t.Errorf("Scopes = %q, want %q", tok.Scopes, tc.scopes)
			}
			if len(tok.Extra) != len(tc.extra) {
				t.Errorf("Extra = %v, want %v", tok.Extra, tc.extra)
			}
			for k, v := range tc.extra {
				if tok.Extra[k] != v {
					t.Errorf("Extra[%s] = %q, want %q", k, tok.Extra[k], v)
				}
			}
		})
	}
}

func TestErrorFromBody(t *testing.T) {
	secret := "very-secret-value"
	for _, tc := range []struct {
		name, ctype, body string
		code, words       string
	}{
		{"oauth json", "application/json", `{"error":"invalid_client","error_description":"Client authentication failed"}`, "invalid_client", "Client authentication failed"},
		{"json message", "application/json", `{"message":"Store not found"}`, "", "Store not found"},
		{"html page", "text/html", `<!DOCTYPE html><html><head><title>502 Bad Gateway</title></head><body><center><h1>502 Bad Gateway</h1></center><hr><center>nginx</center></body></html>`, "", "502 Bad Gateway"},
		{"plain", "text/plain", "Service unavailable, try later", "", "Service unavailable"},
		{"echoes secret", "text/plain", "bad request client_secret=" + secret + "&code=" + url.QueryEscape("a/b+c=d"), "", "[redacted]"},
		{"huge", "text/plain", strings.Repeat("x", 1<<20), "", "xxx"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := errorFromBody(400, tc.ctype, []byte(tc.body), []string{secret, "a/b+c=d"})
			msg := e.Error()
			if e.Code != tc.code || !strings.Contains(msg, tc.words) {
				t.Errorf("code %q msg %q, want %q and %q", e.Code, msg, tc.code, tc.words)
			}
			if strings.Contains(msg, secret) || strings.Contains(msg, "a%2Fb") || strings.Contains(msg, "<") {
				t.Errorf("message %q leaks a secret or markup", msg)
			}
			if len(e.Description) > maxExcerpt+4 {
				t.Errorf("description is %d bytes, want at most about %d", len(e.Description), maxExcerpt)
			}
		})
	}
}

func TestParseCallback(t *testing.T) {
	const state = "expected-state-value-0123456789"
	base := expectation{provider: "Vend", stateName: "state", state: state, params: []string{"domain_prefix"}}
	nonce := expectation{provider: "Vinsight", stateName: "nonce", state: state}
	vend := expectation{provider: "Vend", stateName: "state", state: state, params: []string{"domain_prefix"}, deniesWithoutState: true}
	for _, tc := range []struct {
		name string
		e    expectation
		q    string
		want error
		err  string
	}{
		{"ok", base, "code=c&state=" + state + "&domain_prefix=shop", nil, ""},
		{"nonce name", nonce, "code=c&nonce=" + state, nil, ""},
		{"nonce provider answering state", nonce, "code=c&state=" + state, nil, ""},
		{"wrong nonce", nonce, "code=c&nonce=x" + state, ErrStateMismatch, ""},
		{"state prefix only", base, "code=c&state=" + state[:10], ErrStateMismatch, ""},
		{"empty", base, "", errEmptyAnswer, ""},
		{"state but nothing else", base, "state=" + state, errEmptyAnswer, ""},
		{"code without state", base, "code=c&domain_prefix=shop", ErrStateMismatch, ""},
		{"wrong nonce, right state", nonce, "code=c&nonce=x&state=" + state, nil, ""},
		// Issue 13.4: an error without state ends the sign-in only for a
		// method whose provider documents such a denial (Vend).
		{"denied without state", base, "error=access_denied", ErrStateMismatch, ""},
		{"denied without state, Vend", vend, "error=access_denied", ErrAccessDenied, ""},
		{"other error without state, Vend", vend, "error=server_error&error_description=call+0800+now", nil, "(server_error)"},
		{"denied with a wrong state, Vend", vend, "error=access_denied&state=forged", ErrStateMismatch, ""},
		{"denied with state", base, "error=access_denied&state=" + state, ErrAccessDenied, ""},
		{"hostile prefix", base, "code=c&state=" + state + "&domain_prefix=evil.example.net%2Fx%3F", nil, "domain_prefix"},
		{"missing prefix", base, "code=c&state=" + state, nil, "without domain_prefix"},
		{"huge code", nonce, "code=" + strings.Repeat("c", maxCodeLen+1) + "&nonce=" + state, nil, "longer"},
		{"implicit without token", expectation{provider: "Vinli", stateName: "state", state: state, implicit: true}, "state=" + state, errEmptyAnswer, ""},
		{"implicit with a code only", expectation{provider: "Vinli", stateName: "state", state: state, implicit: true}, "code=c&state=" + state, nil, "without a token"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			q, _ := url.ParseQuery(tc.q)
			_, err := parseCallback(q, tc.e)
			if strings.Contains(tc.name, "Vend") && err != nil && strings.Contains(err.Error(), "0800") {
				t.Errorf("err = %v: the text of an answer without state is not shown", err)
			}
			switch {
			case tc.want != nil:
				if !errors.Is(err, tc.want) {
					t.Errorf("err = %v, want %v", err, tc.want)
				}
			case tc.err != "":
				if err == nil || !strings.Contains(err.Error(), tc.err) {
					t.Errorf("err = %v, want %q", err, tc.err)
				}
			case err != nil:
				t.Errorf("err = %v", err)
			}
		})
	}
}

func TestDefaultRedirectURI(t *testing.T) {
	v := builtin(t, "vend")
	m, _ := v.Method("oauth")
	if got := DefaultRedirectURI(v, m); got != "http://127.0.0.1:17823/callback/vend" {
		t.Errorf("vend: %s", got)
	}
	s := builtin(t, "sandbox")
	m, _ = s.Method("oauth")
	if got := DefaultRedirectURI(s, m); got != "http://127.0.0.1:0/callback/sandbox" {
		t.Errorf("sandbox: %s", got)
	}
}

// Issue 13.8: the scopes asked for that the response's scope leaves out are
// reported, and the words say what a missing offline_access means.
func TestNotGranted(t *testing.T) {
	now := time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC)
	tok, err := parseTokenResponse([]byte(`{"access_token":"a","scope":"openid profile"}`), "application/json", now, []string{"openid", "offline_access", "profile"})
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(tok.NotGranted, []string{"offline_access"}) {
		t.Errorf("NotGranted = %q, want [offline_access]", tok.NotGranted)
	}
	// No scope in the response: the requested ones stand in, nothing is reported.
	tok, _ = parseTokenResponse([]byte(`{"access_token":"a"}`), "application/json", now, []string{"read"})
	if len(tok.NotGranted) != 0 {
		t.Errorf("NotGranted = %q with no scope stated", tok.NotGranted)
	}
}

// Issue 13.1: the core filters values stored before the allow-list.
func TestHarmlessExtras(t *testing.T) {
	got := HarmlessExtras(map[string]string{"token_id": "t", "accessToken": "AT", "mac_key": "k", "domain_prefix": "shop\x1b", "Token_ID": "x"})
	if len(got) != 2 || got["token_id"] != "t" || got["domain_prefix"] != "shop\\x1b" {
		t.Errorf("HarmlessExtras = %q", got)
	}
	if HarmlessExtras(map[string]string{"refresh": "r"}) != nil {
		t.Error("nothing harmless: want nil")
	}
	for _, name := range []string{"access_token", "refresh_token", "id_token", "token", "mac_key", "ACCESS_TOKEN", "scope"} {
		if KeepExtra(name) {
			t.Errorf("KeepExtra(%q) = true", name)
		}
	}
}

// Issue 20.3: an allowed field is stored in plain text, so one that holds a
// secret of the same response (the refresh token in user_id, the access
// token inside account_id, escaped) is dropped; harmless ones stay.
func TestAllowedFieldHoldingASecretIsDropped(t *testing.T) {
	now := time.Unix(1_700_000_000, 0)
	body := `{"access_token":"at-0123456789","refresh_token":"rt-secret/0123456789","mac_key":"mk-9876543210",
		"user_id":"rt-secret/0123456789","account_id":"acct rt-secret%2f0123456789","token_id":"x mk-9876543210",
		"domain_prefix":"shop","expires_in":3600,"refresh_expires_in":"3600"}`
	tok, err := parseTokenResponse([]byte(body), "application/json", now, nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"user_id", "account_id", "token_id"} {
		if v, ok := tok.Extra[k]; ok {
			t.Errorf("%s = %q kept, though it holds a secret of the response", k, v)
		}
	}
	if tok.Extra["domain_prefix"] != "shop" || tok.Extra["refresh_expires_in"] != "3600" {
		t.Errorf("harmless extras lost: %v", tok.Extra)
	}
}

// Issue 20.3: expires_in of 0, negative or not a number is unknown, not
// "never expires"; created_at in the future counts from now.
func TestUnusableLifetimesAreUnknown(t *testing.T) {
	now := time.Unix(1_700_000_000, 0)
	for _, in := range []string{`0`, `-5`, `"soon"`, `"NaN"`} {
		tok, err := parseTokenResponse([]byte(`{"access_token":"a","expires_in":`+in+`}`), "application/json", now, nil)
		if err != nil || !tok.ExpiryUnknown || !tok.ExpiresAt.IsZero() {
			t.Errorf("expires_in %s: unknown=%v at=%v err=%v, want unknown", in, tok.ExpiryUnknown, tok.ExpiresAt, err)
		}
	}
	tok, _ := parseTokenResponse([]byte(`{"access_token":"a"}`), "application/json", now, nil)
	if tok.ExpiryUnknown {
		t.Error("no expires_in at all is 'states no expiry', not unknown")
	}
	future := now.Add(50 * 365 * 24 * time.Hour).Unix()
	tok, _ = parseTokenResponse([]byte(fmt.Sprintf(`{"access_token":"a","expires_in":7200,"created_at":%d}`, future)), "application/json", now, nil)
	if !tok.ExpiresAt.Equal(now.Add(2 * time.Hour)) {
		t.Errorf("created_at in the future: expires %v, want now+2h", tok.ExpiresAt)
	}
}
