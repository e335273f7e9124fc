package check

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
)

// hostile holds every kind of character that acts on a terminal or hides
// text: ESC (a title change), BEL, a one-byte CSI (C1), a right-to-left
// override, an isolate and a zero-width space.
const hostile = "\x1b]0;pwned\x07\u009b2J\u202eevil\u2066x\u200by"

// escaped is hostile as it must arrive.
const escaped = `\x1b]0;pwned\x07\x9b2J\u202eevil\u2066x\u200by`

func raw(t *testing.T, res Result) {
	t.Helper()
	for _, s := range []string{res.Account, res.Message} {
		if strings.ContainsAny(s, "\x1b\x07\u009b\u202e\u2066\u200b\n\r") {
			t.Fatalf("outside text arrived raw: %+v", res)
		}
	}
}

// The account name a provider returns is shown in the terminal and saved:
// its control characters arrive as visible escapes.
func TestRunNeutralisesTheAccount(t *testing.T) {
	body, _ := json.Marshal(map[string]string{"email": "ann" + hostile + "@example.com"})
	srv := httptest.NewServer(reply(200, "application/json", string(body)))
	defer srv.Close()
	res := Run(context.Background(), srv.Client(), newRequest(t, srv.URL+"/me"), now)
	raw(t, res)
	if want := "ann" + escaped + "@example.com"; res.Account != want || res.Message != "OK — signed in as "+want {
		t.Fatalf("got %+v, want account %q", res, want)
	}
}

// A redirect's Location and a decoded path reach the message: a bidi
// override percent-encoded in the host, or ESC in the path, must not.
func TestRunNeutralisesRedirectHostAndPath(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/away" {
			w.Header().Set("Location", "https://%E2%80%AEmoc.elgoog%E2%80%8B/x")
			w.WriteHeader(http.StatusFound)
			return
		}
		reply(http.StatusNotFound, "text/plain", "")(w, r)
	}))
	defer srv.Close()
	res := Run(context.Background(), srv.Client(), newRequest(t, srv.URL+"/away"), now)
	raw(t, res)
	if !strings.Contains(res.Message, `redirected to https://\u202emoc.elgoog\u200b`) {
		t.Fatalf("redirect: %q", res.Message)
	}
	res = Run(context.Background(), srv.Client(), newRequest(t, srv.URL+"/%1B]0;pwned%07%C2%9B2J"), now)
	raw(t, res)
	if !strings.Contains(res.Message, `/\x1b]0;pwned\x07\x9b2J was not found`) {
		t.Fatalf("404: %q", res.Message)
	}
}

// A provider that echoes the credential in any form (the Basic header's
// base64, the id:secret pair, the secret URL-escaped or JSON-escaped) never
// gets it into the account or the message.
func TestRunRedactsEveryFormOfTheCredential(t *testing.T) {
	const id, secret = "client-id", `p@ss w/"rd"+secret`
	pair := id + ":" + secret
	basic := base64.StdEncoding.EncodeToString([]byte(pair))
	jsonSecret, _ := json.Marshal(secret)
	forms := map[string]string{
		"base64 of id:secret": basic,
		"id:secret":           pair,
		"URL-escaped secret":  url.QueryEscape(secret),
		"JSON-escaped secret": strings.Trim(string(jsonSecret), `"`),
		"raw secret":          secret,
	}
	for name, form := range forms {
		t.Run(name, func(t *testing.T) {
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Type", "application/json")
				_ = json.NewEncoder(w).Encode(map[string]string{"name": "you sent " + form})
			}))
			defer srv.Close()
			req, _ := http.NewRequest(http.MethodGet, srv.URL+"/me", nil)
			req.Header.Set("Authorization", "Basic "+basic)
			res := Run(context.Background(), srv.Client(), req, now)
			for _, leak := range []string{basic, pair, secret, url.QueryEscape(secret), string(jsonSecret)} {
				if strings.Contains(res.Account, leak) || strings.Contains(res.Message, leak) {
					t.Fatalf("%q shows %q", res.Message, leak)
				}
			}
			if !strings.Contains(res.Account, "[redacted]") {
				t.Fatalf("account = %q", res.Account)
			}
		})
	}
}

// A long account name is cut after the credential is removed: cutting first
// left the start of a token that no longer matched it.
func TestRunRedactsBeforeCutting(t *testing.T) {
	srv := httptest.NewServer(reply(200, "application/json", `{"name":"`+strings.Repeat("a", 90)+token+`"}`))
	defer srv.Close()
	res := Run(context.Background(), srv.Client(), newRequest(t, srv.URL+"/me"), now)
	if strings.Contains(res.Account, token[:6]) || strings.Contains(res.Message, token[:6]) {
		t.Fatalf("part of the token shown: %+v", res)
	}
}

// A redirect's host is the provider's to choose: a 100 KB one must not
// become a 100 KB message stored and shown by every status.
func TestRunBoundsTheMessage(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Location", "https://"+strings.Repeat("a", 100<<10)+".example/")
		w.WriteHeader(http.StatusFound)
	}))
	defer srv.Close()
	res := Run(context.Background(), srv.Client(), newRequest(t, srv.URL+"/me"), now)
	if res.Status != http.StatusFound || len(res.Message) > 1000 || !strings.HasSuffix(res.Message, "…") {
		t.Fatalf("status %d, message of %d bytes", res.Status, len(res.Message))
	}
}

// Issue 20.3: a who-am-I answer whose account name echoes the credential in
// another escape (lower-case %2f, PHP's %7E and +, JSON's \/ read as text,
// an HTML reference) never becomes the stored account name.
func TestRunRedactsTheAccountHoweverEscaped(t *testing.T) {
	const tok = "tok/with~and+plus=="
	lower := strings.ToLower(url.QueryEscape(tok))
	php := strings.ReplaceAll(url.QueryEscape(tok), "~", "%7E")
	for name, echo := range map[string]string{
		"lower-case %2f": lower,
		"PHP urlencode":  php,
		"JSON \\/ kept":  strings.ReplaceAll(tok, "/", `\\/`),
		"HTML &#47;":     strings.ReplaceAll(tok, "/", "&#47;"),
	} {
		body := `{"name":"ann ` + echo + `"}`
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "application/json")
			_, _ = w.Write([]byte(body))
		}))
		req := newRequest(t, srv.URL+"/me")
		req.Header.Set("X-Access", tok)
		res := Run(context.Background(), srv.Client(), req, now)
		srv.Close()
		if !res.OK || !strings.HasPrefix(res.Account, "ann ") {
			t.Fatalf("%s: the check did not name the account: %+v", name, res)
		}
		if strings.Contains(res.Account, "with") || strings.Contains(res.Message, "with") {
			t.Errorf("%s: the account keeps the token: %+v", name, res)
		}
	}
}
