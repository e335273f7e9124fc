package oauth

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"sync"
	"testing"
	"time"

	"authdeck/auth/catalog"
)

// The document's own example App ID and App Secret.
const (
	vinliAppID     = "c87d5be0-2e69-11e4-8c21-0800200c9a66"
	vinliAppSecret = "HKLFFoSILb8VHFJD"
)

// Issue 13.12: Vinli's code flow, with the App ID and App Secret as HTTP
// Basic and a form body (both unconfirmed in the catalog), had no test.
func TestVinliCodeFlowWithBasicAuth(t *testing.T) {
	clock := newClock()
	var hits counter
	var mu sync.Mutex
	var redirect string
	mux := http.NewServeMux()
	mux.HandleFunc("GET /oauth/authorization/new", func(w http.ResponseWriter, r *http.Request) {
		q := r.URL.Query()
		if q.Get("response_type") != "code" || q.Get("client_id") != vinliAppID {
			t.Errorf("Vinli authorize request %v", q)
		}
		mu.Lock()
		redirect = q.Get("redirect_uri")
		mu.Unlock()
		redirectBack(w, r, url.Values{"code": {"vinli-code"}, "state": {q.Get("state")}})
	})
	mux.HandleFunc("POST /oauth/token", func(w http.ResponseWriter, r *http.Request) {
		hits.add("token")
		// The document's header for these credentials, byte for byte.
		if got := r.Header.Get("Authorization"); got != "Basic Yzg3ZDViZTAtMmU2OS0xMWU0LThjMjEtMDgwMDIwMGM5YTY2OkhLTEZGb1NJTGI4VkhGSkQ=" {
			t.Errorf("Authorization = %q, want the document's Basic header", got)
		}
		if ct := r.Header.Get("Content-Type"); ct != "application/x-www-form-urlencoded" {
			t.Errorf("Content-Type = %q, want a form body", ct)
		}
		_ = r.ParseForm()
		f := r.PostForm
		mu.Lock()
		wantRedirect := redirect
		mu.Unlock()
		if f.Get("grant_type") != "authorization_code" || f.Get("code") != "vinli-code" || f.Get("redirect_uri") != wantRedirect || f.Has("client_secret") || f.Has("client_id") {
			t.Errorf("token form %v: want the code and redirect_uri, the client only in the header", f)
		}
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprint(w, `{"access_token":"vinli-user-token","token_type":"bearer","expires_in":7200,"accessToken":"copy","mac_key":"k"}`)
	})
	ts := httptest.NewServer(mux)
	defer ts.Close()
	p, m := repoint(t, builtin(t, "vinli"), catalog.KindOAuth, func(m *catalog.Method) {
		m.AuthorizeURL, m.TokenURL = ts.URL+"/oauth/authorization/new", ts.URL+"/oauth/token"
	})
	b := newBrowser(t, nil)
	res, err := (&Client{Now: clock.Now}).Authorize(withTimeout(t, 10*time.Second), Config{
		Provider: p, Method: m, ClientID: vinliAppID, ClientSecret: vinliAppSecret, RedirectURI: anyPort + "vinli",
	}, AuthorizeOptions{Open: b.Open})
	if err != nil {
		t.Fatal(err)
	}
	if res.Token.AccessToken != "vinli-user-token" || !res.Token.ExpiresAt.Equal(clock.Now().Add(2*time.Hour)) {
		t.Errorf("token = %+v", res.Token)
	}
	if len(res.Token.Extra) != 0 {
		t.Errorf("Extra = %v: fields that may be credentials must not be kept", res.Token.Extra)
	}
	if hits.get("token") != 1 {
		t.Errorf("token requests = %d, want 1", hits.get("token"))
	}
	assertPage(t, b.lastVisit(), 200, "Connected to Vinli", "vinli-code", "vinli-user-token")
}

// Issue 13.12: the built-in Vinli methods mark what the documents do not
// say: the Bearer header and the /devices check for user tokens, Basic
// client auth and the form body of the code exchange, and the state echo.
func TestVinliGuessesMarkedUnconfirmed(t *testing.T) {
	p := builtin(t, "vinli")
	code, _ := p.Method(catalog.KindOAuth)
	implicit, _ := p.Method(catalog.KindImplicit)
	for _, f := range []string{"token_url", "client_auth", "token_request", "apply", "check_url", "state_param"} {
		if !code.IsUnconfirmed(f) {
			t.Errorf("Vinli code flow: %s not marked unconfirmed", f)
		}
	}
	for _, f := range []string{"apply", "check_url", "state_param"} {
		if !implicit.IsUnconfirmed(f) {
			t.Errorf("Vinli implicit grant: %s not marked unconfirmed", f)
		}
	}
	for _, m := range []catalog.Method{code, implicit} {
		for _, f := range m.Unconfirmed {
			if catalog.UnconfirmedWords[f] == "" {
				t.Errorf("unconfirmed field %q has no words for the window", f)
			}
		}
	}
}

// Issue 13.12: Vinli says errors come back "in the body". When the browser
// comes back with nothing (here: the implicit grant's fragment is empty),
// the caller is told at once and the sign-in keeps waiting (Cancel stays
// available) instead of waiting silently until the timeout.
func TestVinliEmptyAnswerIsReported(t *testing.T) {
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, r.URL.Query().Get("redirect_uri"), http.StatusFound) // no fragment at all
	}))
	defer ts.Close()
	p, m := repoint(t, builtin(t, "vinli"), catalog.KindImplicit, func(m *catalog.Method) {
		m.AuthorizeURL = ts.URL + "/oauth/authorization/new"
	})
	b := newBrowser(t, nil)
	ctx, cancel := context.WithCancel(withTimeout(t, 10*time.Second))
	var got []Notice
	var mu sync.Mutex
	notice := func(n Notice) {
		mu.Lock()
		got = append(got, n)
		mu.Unlock()
		cancel() // the person reads the notice and presses Cancel
	}
	_, err := (&Client{}).Authorize(ctx, Config{Provider: p, Method: m, ClientID: "vinli-app", RedirectURI: anyPort + "vinli"},
		AuthorizeOptions{Open: b.OpenImplicit, Notice: notice})
	if !errors.Is(err, ErrCanceled) {
		t.Fatalf("err = %v, want ErrCanceled (cancelled after the notice, not timed out)", err)
	}
	mu.Lock()
	defer mu.Unlock()
	if len(got) != 1 || got[0].Kind != NoticeEmptyAnswer || got[0].Provider != "Vinli" {
		t.Errorf("notices = %+v, want one empty-answer notice naming Vinli", got)
	}
	v := b.lastVisit()
	assertPage(t, v, 400, "still waiting", "vinli-app")
}
