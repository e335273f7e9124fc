package oauth

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"authdeck/auth/catalog"
)

// genericFake is a standard provider whose consent answer tests can change.
type genericFake struct {
	ts     *httptest.Server
	hits   counter
	answer func(q url.Values) url.Values // the callback's values from the authorize request's
	gate   chan struct{}                 // when set, the token endpoint waits on it
	p      catalog.Provider

	mu    sync.Mutex
	later func(q url.Values) url.Values // when set, replaces answer after its first use
}

// answerOnce makes the next authorize request get first's answer and every
// later one the real answer (a code with the right state).
func (g *genericFake) answerOnce(first func(q url.Values) url.Values) {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.answer = first
	g.later = func(q url.Values) url.Values { return url.Values{"code": {"the-code"}, "state": {q.Get("state")}} }
}

func (g *genericFake) next(q url.Values) url.Values {
	g.mu.Lock()
	defer g.mu.Unlock()
	a := g.answer(q)
	if g.later != nil {
		g.answer, g.later = g.later, nil
	}
	return a
}

func newGeneric(t testing.TB) *genericFake {
	g := &genericFake{answer: func(q url.Values) url.Values {
		return url.Values{"code": {"the-code"}, "state": {q.Get("state")}}
	}}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /authorize", func(w http.ResponseWriter, r *http.Request) {
		redirectBack(w, r, g.next(r.URL.Query()))
	})
	mux.HandleFunc("POST /token", func(w http.ResponseWriter, r *http.Request) {
		g.hits.add("token")
		if g.gate != nil {
			<-g.gate
		}
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprint(w, `{"access_token":"the-token","token_type":"Bearer","expires_in":600}`)
	})
	g.ts = httptest.NewServer(mux)
	t.Cleanup(g.ts.Close)
	def := fmt.Sprintf(`{"id":"acme","name":"Acme","methods":[{"kind":"oauth","label":"Sign in","authorize_url":%q,"token_url":%q,
		"client_auth":"body","apply":{"header":"Authorization","scheme":"Bearer"}}]}`, g.ts.URL+"/authorize", g.ts.URL+"/token")
	p, err := catalog.Parse([]byte(def), "providers.d/acme.json")
	if err != nil {
		t.Fatal(err)
	}
	g.p = p
	return g
}

func (g *genericFake) config() Config {
	return Config{Provider: g.p, Method: g.p.Methods[0], ClientID: "cid", ClientSecret: "client-secret-value", RedirectURI: anyPort + "acme"}
}

// Answers that refuse the sign-in end it with an error and never cause a
// token request.
func TestCallbackRefusalsNeverRequestAToken(t *testing.T) {
	for _, tc := range []struct {
		name    string
		answer  func(q url.Values) url.Values
		noState bool   // the method's provider documents a denial without state (Vend)
		want    error  // errors.Is target, or nil to check words
		words   string // in the error
		status  int    // of the browser page
	}{
		{"denied without state, documented (Vend)", func(url.Values) url.Values {
			return url.Values{"error": {"access_denied"}, "error_description": {"Call 0800-SCAM to restore access"}}
		}, true, ErrAccessDenied, "", 403},
		{"denied with state", func(q url.Values) url.Values {
			return url.Values{"error": {"access_denied"}, "state": {q.Get("state")}}
		}, false, ErrAccessDenied, "", 403},
		{"provider error", func(q url.Values) url.Values {
			return url.Values{"error": {"invalid_scope"}, "error_description": {"scope admin is not allowed"}, "state": {q.Get("state")}}
		}, false, nil, "Acme refused the sign-in (invalid_scope): scope admin is not allowed", 400},
		{"provider error with terminal escapes", func(q url.Values) url.Values {
			return url.Values{"error": {"invalid_scope\x1b[2J"}, "error_description": {"bad\x1b]0;owned\x07\u202escope"}, "state": {q.Get("state")}}
		}, false, nil, `(invalid_scope\x1b[2J): bad\x1b]0;owned\x07\u202escope`, 400},
	} {
		t.Run(tc.name, func(t *testing.T) {
			g := newGeneric(t)
			g.answer = tc.answer
			cfg := g.config()
			if tc.noState {
				p, m := repoint(t, g.p, catalog.KindOAuth, func(m *catalog.Method) { m.DeniesWithoutState = true })
				cfg.Provider, cfg.Method = p, m
			}
			b := newBrowser(t, nil)
			_, err := (&Client{}).Authorize(withTimeout(t, 10*time.Second), cfg, AuthorizeOptions{Open: b.Open})
			if tc.want != nil && !errors.Is(err, tc.want) {
				t.Errorf("err = %v, want %v", err, tc.want)
			}
			if err == nil || !strings.Contains(err.Error(), tc.words) || strings.Contains(err.Error(), "0800") {
				t.Errorf("err = %v, want words %q and never the text of an answer without state", err, tc.words)
			}
			if n := g.hits.get("token"); n != 0 {
				t.Errorf("%d token requests, want none", n)
			}
			assertPage(t, b.lastVisit(), tc.status, "close this tab", "the-code", "0800")
		})
	}
}

// Issue 13.4 and 13.12: an answer with a wrong or missing state (any web
// page can send one to the loopback port), or one that carries nothing, is
// answered with a page and ignored: the sign-in goes on waiting, the caller
// is told once, and the real answer that follows completes it.
func TestIgnoredAnswersKeepTheSignInWaiting(t *testing.T) {
	for _, tc := range []struct {
		name   string
		answer func(q url.Values) url.Values
		notice NoticeKind
		words  string // on the page
	}{
		{"tampered state", func(q url.Values) url.Values {
			return url.Values{"code": {"the-code"}, "state": {q.Get("state") + "x"}}
		}, NoticeForeignAnswer, "does not belong"},
		{"state of another sign-in", func(url.Values) url.Values {
			return url.Values{"code": {"the-code"}, "state": {"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"}}
		}, NoticeForeignAnswer, "does not belong"},
		{"missing state", func(url.Values) url.Values { return url.Values{"code": {"the-code"}} }, NoticeForeignAnswer, "does not belong"},
		{"denied without state, not documented", func(url.Values) url.Values { return url.Values{"error": {"access_denied"}} }, NoticeForeignAnswer, "does not belong"},
		{"forged denial with a wrong state", func(url.Values) url.Values {
			return url.Values{"error": {"access_denied"}, "state": {"forged"}}
		}, NoticeForeignAnswer, "does not belong"},
		{"no code, no token, no error", func(q url.Values) url.Values { return url.Values{"state": {q.Get("state")}} }, NoticeEmptyAnswer, "without a code, a token or an error"},
		{"nothing at all", func(url.Values) url.Values { return url.Values{} }, NoticeEmptyAnswer, "still waiting"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			g := newGeneric(t)
			g.answerOnce(tc.answer)
			b := newBrowser(t, nil)
			var ignored visit
			var notices []Notice
			var mu sync.Mutex
			open := func(u string) error {
				if err := b.Open(u); err != nil {
					return err
				}
				ignored = b.lastVisit()
				if n := g.hits.get("token"); n != 0 {
					t.Errorf("%d token requests after an ignored answer", n)
				}
				if err := b.Open(u); err != nil { // the answer that belongs to the sign-in
					return err
				}
				_, _ = b.get(ignored.url.String()) // the ignored answer again: a second notice is not sent
				return nil
			}
			res, err := (&Client{}).Authorize(withTimeout(t, 10*time.Second), g.config(), AuthorizeOptions{Open: open,
				Notice: func(n Notice) { mu.Lock(); notices = append(notices, n); mu.Unlock() }})
			if err != nil || res.Token.AccessToken != "the-token" {
				t.Fatalf("the real answer after the ignored one: %v", err)
			}
			assertPage(t, ignored, 400, tc.words, "the-code")
			if n := g.hits.get("token"); n != 1 {
				t.Errorf("token requests = %d, want 1", n)
			}
			mu.Lock()
			defer mu.Unlock()
			if len(notices) < 1 || notices[0].Kind != tc.notice || notices[0].Provider != "Acme" {
				t.Errorf("notices = %+v, want one of kind %d", notices, tc.notice)
			}
			if len(notices) > 1 {
				t.Errorf("notices = %+v: one per kind", notices)
			}
		})
	}
}

// A second callback — while the first is being exchanged — is refused and
// never leads to a second token request.
func TestReplayedCallbackRefused(t *testing.T) {
	g := newGeneric(t)
	g.gate = make(chan struct{})
	var callbackURL string
	var mu sync.Mutex
	b := newBrowser(t, nil)
	b.before = func(req *http.Request) {
		mu.Lock()
		callbackURL = req.URL.String()
		mu.Unlock()
	}
	replay := make(chan visit, 1)
	go func() {
		// Wait for the first callback to reach the token endpoint, replay it, then let the exchange finish.
		for g.hits.get("token") == 0 {
			time.Sleep(time.Millisecond)
		}
		mu.Lock()
		u := callbackURL
		mu.Unlock()
		v, err := newBrowser(t, nil).get(u)
		if err != nil {
			t.Errorf("replay: %v", err)
		}
		replay <- v
		close(g.gate)
	}()
	res, err := (&Client{}).Authorize(withTimeout(t, 10*time.Second), g.config(), AuthorizeOptions{Open: b.Open})
	if err != nil || res.Token.AccessToken != "the-token" {
		t.Fatalf("first answer: %v", err)
	}
	v := <-replay
	assertPage(t, v, http.StatusConflict, "already finished", "the-code")
	if n := g.hits.get("token"); n != 1 {
		t.Errorf("token requests = %d, want exactly 1", n)
	}
	// And after the flow the listener is gone: a new connection is refused.
	// (A pooled keep-alive connection may still be finishing its last page,
	// which is allowed; http.Get could reuse one, so dial afresh.)
	u, _ := url.Parse(callbackURL)
	if c, err := net.DialTimeout("tcp", u.Host, time.Second); err == nil {
		c.Close()
		t.Errorf("the loopback listener still accepts connections after the sign-in")
	}
}

// The wait ends with ErrTimeout when ctx's deadline passes, and the
// listener is closed.
func TestTimeoutAndCancel(t *testing.T) {
	g := newGeneric(t)
	var redirect string
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	_, err := (&Client{}).Authorize(ctx, g.config(), AuthorizeOptions{
		Listening: func(r, _ string) { redirect = r },
		Open:      func(string) error { return nil }, // the person never comes back
	})
	// The front ends word it (the CLI names its --timeout); the core names no flag.
	if !errors.Is(err, ErrTimeout) || strings.Contains(err.Error(), "--") {
		t.Errorf("err = %v, want ErrTimeout naming no command-line flag", err)
	}
	u, _ := url.Parse(redirect)
	if c, err := net.DialTimeout("tcp", u.Host, time.Second); err == nil {
		c.Close()
		t.Errorf("listener %s still open after the timeout", u.Host)
	}

	ctx, cancel = context.WithCancel(context.Background())
	_, err = (&Client{}).Authorize(ctx, g.config(), AuthorizeOptions{Open: func(string) error { cancel(); return nil }})
	if !errors.Is(err, ErrCanceled) {
		t.Errorf("after cancel: err = %v, want ErrCanceled", err)
	}
	if g.hits.total() != 0 {
		t.Errorf("token requests during timeout/cancel: %d", g.hits.total())
	}
}

// Only the callback path answers; a request naming another host (DNS
// rebinding) is refused; neither ends or disturbs the sign-in.
func TestLoopbackAnswersOnlyItsCallback(t *testing.T) {
	g := newGeneric(t)
	b := newBrowser(t, nil)
	type probe struct {
		name, method, path, host string
		status                   int
	}
	var results []string
	open := func(authorizeURL string) error {
		u, _ := url.Parse(authorizeURL)
		redirect, _ := url.Parse(u.Query().Get("redirect_uri"))
		for _, p := range []probe{
			{"favicon", "GET", "/favicon.ico", "", 404},
			{"root", "GET", "/", "", 404},
			{"other provider's path", "GET", "/callback/vend?code=x&state=" + u.Query().Get("state"), "", 404},
			{"path prefix", "GET", redirect.Path + "/x", "", 404},
			{"rebinding host", "GET", redirect.Path + "?code=x&state=" + u.Query().Get("state"), "evil.example:" + redirect.Port(), 421},
			{"rebinding, same port other name", "GET", redirect.Path, "attacker.test", 421},
			{"POST on code flow", "POST", redirect.Path, "", 405},
			{"HEAD", "HEAD", redirect.Path, "", 405},
		} {
			req, _ := http.NewRequest(p.method, "http://"+redirect.Host+p.path, nil)
			if p.host != "" {
				req.Host = p.host
			}
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				return err
			}
			resp.Body.Close()
			if resp.StatusCode != p.status {
				results = append(results, fmt.Sprintf("%s: status %d, want %d", p.name, resp.StatusCode, p.status))
			}
			if resp.Header.Get("Cache-Control") != "no-store" || resp.Header.Get("Referrer-Policy") != "no-referrer" {
				results = append(results, p.name+": security headers missing")
			}
		}
		return b.Open(authorizeURL)
	}
	res, err := (&Client{}).Authorize(withTimeout(t, 10*time.Second), g.config(), AuthorizeOptions{Open: open})
	for _, r := range results {
		t.Error(r)
	}
	if err != nil || res.Token.AccessToken != "the-token" {
		t.Fatalf("the sign-in after the probes: %v", err)
	}
	if g.hits.get("token") != 1 {
		t.Errorf("token requests = %d", g.hits.get("token"))
	}
}

// A fixed port is used as registered, and the redirect URI is kept byte
// for byte; localhost is served on 127.0.0.1.
func TestFixedPortAndLocalhost(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := ln.Addr().(*net.TCPAddr).Port
	ln.Close()
	for _, redirect := range []string{
		fmt.Sprintf("http://127.0.0.1:%d/cb/acme", port),
		fmt.Sprintf("http://localhost:%d/cb", port),
	} {
		g := newGeneric(t)
		cfg := g.config()
		cfg.RedirectURI = redirect
		var sent string
		g.answer = func(q url.Values) url.Values {
			sent = q.Get("redirect_uri")
			return url.Values{"code": {"c"}, "state": {q.Get("state")}}
		}
		b := newBrowser(t, nil)
		res, err := (&Client{}).Authorize(withTimeout(t, 10*time.Second), cfg, AuthorizeOptions{Open: b.Open})
		if err != nil {
			t.Fatalf("%s: %v", redirect, err)
		}
		if res.RedirectURI != redirect || sent != redirect {
			t.Errorf("redirect URI %q (sent %q), want %q byte for byte", res.RedirectURI, sent, redirect)
		}
	}
}

func TestParseLoopback(t *testing.T) {
	for _, tc := range []struct {
		in, bind, port, err string
	}{
		{"http://127.0.0.1:17823/callback/vend", "127.0.0.1", "17823", ""},
		{"http://127.0.0.1:0/callback/sandbox", "127.0.0.1", "0", ""},
		{"http://localhost:8080/cb", "127.0.0.1", "8080", ""},
		{"http://[::1]:8080/cb", "::1", "8080", ""},
		{"http://0.0.0.0:8080/cb", "", "", "this computer"},
		{"http://example.com:8080/cb", "", "", "this computer"},
		{"https://127.0.0.1:8080/cb", "", "", "http://"},
		{"http://127.0.0.1/cb", "", "", "port"},
		{"http://127.0.0.1:99999/cb", "", "", "port"},
		{"http://127.0.0.1:80/cb#x", "", "", "fragment"},
		{"http://u@127.0.0.1:80/cb", "", "", "user"},
	} {
		l, err := parseLoopback(tc.in)
		if tc.err != "" {
			if err == nil || !strings.Contains(err.Error(), tc.err) {
				t.Errorf("%s: err = %v, want %q", tc.in, err, tc.err)
			}
			continue
		}
		if err != nil || l.bindHost != tc.bind || l.port != tc.port {
			t.Errorf("%s: bind %q port %q err %v, want %q %q", tc.in, l.bindHost, l.port, err, tc.bind, tc.port)
		}
	}
}

// The token endpoint's redirect is not followed: the credentials stay put.
func TestTokenEndpointRedirectNotFollowed(t *testing.T) {
	var elsewhere counter
	other := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { elsewhere.add(r.URL.Path) }))
	defer other.Close()
	g := newGeneric(t)
	mux := http.NewServeMux()
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, other.URL+"/steal", http.StatusTemporaryRedirect)
	})
	redirector := httptest.NewServer(mux)
	defer redirector.Close()
	p, m := repoint(t, g.p, catalog.KindOAuth, func(m *catalog.Method) { m.TokenURL = redirector.URL + "/token" })
	cfg := g.config()
	cfg.Provider, cfg.Method = p, m
	_, err := (&Client{}).Authorize(withTimeout(t, 10*time.Second), cfg, AuthorizeOptions{Open: newBrowser(t, nil).Open})
	var pe *ProviderError
	if !errors.As(err, &pe) || pe.Status != http.StatusTemporaryRedirect || !strings.Contains(err.Error(), "does not follow") {
		t.Errorf("err = %v, want a ProviderError about the redirect", err)
	}
	if elsewhere.total() != 0 {
		t.Errorf("the redirect target received %d requests", elsewhere.total())
	}
}

// A provider that echoes the request in its error page never gets the
// secrets we sent into an error message.
func TestProviderErrorNeverHoldsSecrets(t *testing.T) {
	const secret = "super-secret-client-value"
	mux := http.NewServeMux()
	mux.HandleFunc("GET /authorize", func(w http.ResponseWriter, r *http.Request) {
		redirectBack(w, r, url.Values{"code": {"single-use-code-123"}, "nonce": {r.URL.Query().Get("nonce")}})
	})
	mux.HandleFunc("POST /token", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html")
		w.WriteHeader(500)
		fmt.Fprintf(w, "<html><head><title>Server Error</title><style>p{}</style></head><body><h1>Oops</h1><p>Request %s failed</p><script>x()</script></body></html>", r.URL.String())
	})
	ts := httptest.NewServer(mux)
	defer ts.Close()
	p, m := repoint(t, builtin(t, "vinsight"), catalog.KindOAuth, func(m *catalog.Method) {
		m.AuthorizeURL, m.TokenURL = ts.URL+"/authorize", ts.URL+"/token"
	})
	b := newBrowser(t, nil)
	_, err := (&Client{}).Authorize(withTimeout(t, 10*time.Second), Config{Provider: p, Method: m, ClientID: "cid", ClientSecret: secret, RedirectURI: anyPort + "vinsight"}, AuthorizeOptions{Open: b.Open})
	var pe *ProviderError
	if !errors.As(err, &pe) || pe.Status != 500 {
		t.Fatalf("err = %v, want a ProviderError 500", err)
	}
	msg := err.Error()
	for _, s := range []string{secret, "single-use-code-123", "<", "x()"} {
		if strings.Contains(msg, s) {
			t.Errorf("message %q holds %q", msg, s)
		}
	}
	if !strings.Contains(msg, "Server Error") || !strings.Contains(msg, "Oops") {
		t.Errorf("message %q lacks the page's words", msg)
	}
	assertPage(t, b.lastVisit(), 400, "Could not connect to Vinsight", secret, "single-use-code-123")
}

// Checks done before anything listens: a missing placeholder value.
func TestMissingParamReportedBeforeListening(t *testing.T) {
	p := builtin(t, "sandbox")
	m, _ := p.Method(catalog.KindOAuth)
	listened := false
	_, err := (&Client{}).Authorize(withTimeout(t, 5*time.Second), Config{Provider: p, Method: m, Params: map[string]string{"port": "evil.example/x"}},
		AuthorizeOptions{Listening: func(string, string) { listened = true }})
	if err == nil || listened || !strings.Contains(err.Error(), "port") {
		t.Errorf("err = %v (listened %v), want a refusal of the port value before listening", err, listened)
	}
	v := builtin(t, "vinsight")
	vm, _ := v.Method(catalog.KindOAuth)
	if _, err := (&Client{}).Authorize(context.Background(), Config{Provider: v, Method: vm}, AuthorizeOptions{}); err == nil || !strings.Contains(err.Error(), "client ID") {
		t.Errorf("no client id: err = %v", err)
	}
}
