package oauth

import (
	"context"
	"encoding/base64"
	"fmt"
	"html"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"authdeck/auth/catalog"
	"authdeck/internal/browsertest"
)

// vinliConsent is a stand-in for Vinli's sign-in: a consent page whose
// Approve sends the browser back with the token in the fragment (implicit)
// or a code in the query — without state, as Vinli's documents never say
// it is sent back — and a token endpoint that wants Vinli's own Basic
// recipe: the raw "App ID:App Secret", Base64.
func vinliConsent(t *testing.T, secret string) *httptest.Server {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /oauth/authorization/new", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprintf(w, `<!doctype html><title>Vinli</title><form method="post" action="/approve?%s"><button id="approve">Approve</button></form>`,
			html.EscapeString(r.URL.RawQuery))
	})
	mux.HandleFunc("POST /approve", func(w http.ResponseWriter, r *http.Request) {
		q := r.URL.Query()
		if q.Get("response_type") == "token" {
			frag := url.Values{"access_token": {"vinli-token-1"}, "token_type": {"bearer"}, "expires_in": {"7200"}}
			http.Redirect(w, r, q.Get("redirect_uri")+"#"+frag.Encode(), http.StatusFound)
			return
		}
		http.Redirect(w, r, q.Get("redirect_uri")+"?code=vinli-code-1", http.StatusFound)
	})
	mux.HandleFunc("POST /oauth/token", func(w http.ResponseWriter, r *http.Request) {
		want := "Basic " + base64.StdEncoding.EncodeToString([]byte("vinli-app:"+secret))
		if got := r.Header.Get("Authorization"); got != want {
			t.Errorf("token request Authorization %q, want Vinli's recipe %q", got, want)
			http.Error(w, `{"error":"invalid_client"}`, http.StatusUnauthorized)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprint(w, `{"access_token":"vinli-token-2","token_type":"bearer","expires_in":7200}`)
	})
	ts := httptest.NewServer(mux)
	t.Cleanup(ts.Close)
	return ts
}

type signIn struct {
	res Result
	err error
}

// startVinli starts a Vinli sign-in whose browser is the system Chromium and
// returns the tab on Vinli's consent page and the sign-in's outcome.
func startVinli(t *testing.T, b *browsertest.Browser, kind catalog.Kind, secret string, notices chan<- Notice) (context.Context, <-chan signIn) {
	ts := vinliConsent(t, secret)
	p, m := repoint(t, builtin(t, "vinli"), kind, func(m *catalog.Method) {
		m.AuthorizeURL = ts.URL + "/oauth/authorization/new"
		if kind == catalog.KindOAuth {
			m.TokenURL = ts.URL + "/oauth/token"
		}
	})
	open, tabs := b.Opener()
	done := make(chan signIn, 1)
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	t.Cleanup(cancel)
	go func() {
		res, err := (&Client{}).Authorize(ctx, Config{Provider: p, Method: m, ClientID: "vinli-app", ClientSecret: secret,
			RedirectURI: anyPort + "vinli"}, AuthorizeOptions{Open: open, Notice: func(n Notice) {
			if notices != nil {
				notices <- n
			}
		}})
		done <- signIn{res, err}
	}()
	select {
	case tab := <-tabs:
		return tab, done
	case s := <-done:
		t.Fatalf("the sign-in ended before the browser opened: %v", s.err)
	}
	return nil, nil
}

// TestVinliImplicitInChromium: the relay page's real script, under its CSP,
// carries the fragment back; Vinli sends no state, and the answer is taken
// because the browser came straight from Vinli's sign-in page. The browser
// ends on the success page and the token is nowhere in its address.
func TestVinliImplicitInChromium(t *testing.T) {
	b := browsertest.Start(t)
	tab, done := startVinli(t, b, catalog.KindImplicit, "", nil)
	if err := browsertest.Click(tab, "#approve"); err != nil {
		t.Fatal(err)
	}
	s := <-done
	if s.err != nil || s.res.Token.AccessToken != "vinli-token-1" {
		t.Fatalf("sign-in: %+v, %v", s.res, s.err)
	}
	landed, text, err := browsertest.Landing(tab, "body.ok h1")
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(landed, "vinli-token-1") || !strings.Contains(text, "Connected to Vinli") {
		t.Errorf("landed on %q showing %q", landed, text)
	}
}

// TestVinliCodeWithoutStateInChromium: Vinli's code flow, no state back,
// no PKCE offered: taken because the browser brought it from Vinli's page;
// the token request uses Vinli's Basic recipe over the raw ID:secret (the
// secret holds characters form-encoding would change).
func TestVinliCodeWithoutStateInChromium(t *testing.T) {
	b := browsertest.Start(t)
	tab, done := startVinli(t, b, catalog.KindOAuth, "HKLF+Fo/SI=Lb8", nil)
	if err := browsertest.Click(tab, "#approve"); err != nil {
		t.Fatal(err)
	}
	s := <-done
	if s.err != nil || s.res.Token.AccessToken != "vinli-token-2" {
		t.Fatalf("sign-in: %+v, %v", s.res, s.err)
	}
	if _, text, err := browsertest.Landing(tab, "body.ok h1"); err != nil || !strings.Contains(text, "Connected to Vinli") {
		t.Fatalf("page %q, %v", text, err)
	}
}

// TestForgedStatelessAnswerInChromium: another web page sends the browser
// to the callback with a token of its own and no state. It is not used; the
// page says so truthfully and the sign-in goes on to finish with Vinli's.
func TestForgedStatelessAnswerInChromium(t *testing.T) {
	b := browsertest.Start(t)
	notices := make(chan Notice, 4)
	tab, done := startVinli(t, b, catalog.KindImplicit, "", notices)
	redirect, err := chromedpLocationQuery(tab, "redirect_uri")
	if err != nil {
		t.Fatal(err)
	}
	evil := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprintf(w, `<!doctype html><title>Win a prize</title><a id="go" href="%s#access_token=attacker-token">Claim</a>`, html.EscapeString(redirect))
	}))
	defer evil.Close()
	other := b.Tab()
	if err := browsertest.Navigate(other, evil.URL); err != nil {
		t.Fatal(err)
	}
	if err := browsertest.Click(other, "#go"); err != nil {
		t.Fatal(err)
	}
	if _, text, err := browsertest.Landing(other, "body.fail h1"); err != nil || !strings.Contains(text, "This answer was not used") {
		t.Fatalf("the forged answer's page: %q, %v", text, err)
	}
	if n := <-notices; n.Kind != NoticeStateMissing {
		t.Errorf("notice %v, want NoticeStateMissing", n.Kind)
	}
	if err := browsertest.Click(tab, "#approve"); err != nil {
		t.Fatal(err)
	}
	if s := <-done; s.err != nil || s.res.Token.AccessToken != "vinli-token-1" {
		t.Fatalf("sign-in: %+v, %v", s.res, s.err)
	}
}

// TestCallbackErrorPageInChromium: a provider's refusal ends on Authdeck's
// error page, fully shown (its CSP lets its style apply and nothing else).
func TestCallbackErrorPageInChromium(t *testing.T) {
	b := browsertest.Start(t)
	mux := http.NewServeMux()
	mux.HandleFunc("GET /authorize", func(w http.ResponseWriter, r *http.Request) {
		q := r.URL.Query()
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		back := q.Get("redirect_uri") + "?" + url.Values{"error": {"invalid_scope"}, "error_description": {"scope nope is unknown"}, "state": {q.Get("state")}}.Encode()
		fmt.Fprintf(w, `<!doctype html><a id="back" href="%s">Back to the app</a>`, html.EscapeString(back))
	})
	ts := httptest.NewServer(mux)
	defer ts.Close()
	p := catalog.Provider{ID: "acme", Name: "Acme", Methods: []catalog.Method{{Kind: catalog.KindOAuth,
		AuthorizeURL: ts.URL + "/authorize", TokenURL: ts.URL + "/token", ClientID: "app", PKCE: true, AnyPort: true}}}
	open, tabs := b.Opener()
	done := make(chan error, 1)
	go func() {
		_, err := (&Client{}).Authorize(withTimeout(t, 90*time.Second), Config{Provider: p, Method: p.Methods[0],
			RedirectURI: anyPort + "acme"}, AuthorizeOptions{Open: open})
		done <- err
	}()
	tab := b.Next(tabs)
	if err := browsertest.Click(tab, "#back"); err != nil {
		t.Fatal(err)
	}
	if err := <-done; err == nil || !strings.Contains(err.Error(), "invalid_scope") {
		t.Fatalf("sign-in: %v", err)
	}
	landed, text, err := browsertest.Landing(tab, "body.fail h1")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(landed, "/callback/acme?") || !strings.Contains(text, "Could not connect to Acme") || !strings.Contains(text, "scope nope is unknown") {
		t.Errorf("landed on %q showing %q", landed, text)
	}
	color, err := browsertest.Eval[string](tab, `getComputedStyle(document.querySelector("h1")).color`)
	if err != nil || color != "rgb(180, 35, 24)" {
		t.Errorf("the page's own style did not apply under its CSP: h1 color %q, %v", color, err)
	}
}

// chromedpLocationQuery reads a query parameter of the tab's address.
func chromedpLocationQuery(tab context.Context, name string) (string, error) {
	loc, err := browsertest.Location(tab)
	if err != nil {
		return "", err
	}
	u, err := url.Parse(loc)
	if err != nil {
		return "", err
	}
	return u.Query().Get(name), nil
}
