package oauth

import (
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"html"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"authdeck/auth/catalog"

	"authdeck/internal/fakeclock"
)

// assertPage checks the page the browser was left on: status, words, the
// security headers, and that no secret is echoed.
func assertPage(t *testing.T, v visit, status int, words string, secrets ...string) {
	t.Helper()
	if v.status != status {
		t.Errorf("browser page status = %d, want %d (body %q)", v.status, status, v.body)
	}
	if !strings.Contains(v.body, words) {
		t.Errorf("browser page does not say %q: %s", words, v.body)
	}
	for h, want := range map[string]string{"Referrer-Policy": "no-referrer", "Cache-Control": "no-store"} {
		if got := v.header.Get(h); got != want {
			t.Errorf("%s = %q, want %q", h, got, want)
		}
	}
	if csp := v.header.Get("Content-Security-Policy"); !strings.HasPrefix(csp, "default-src 'none'") {
		t.Errorf("Content-Security-Policy = %q, want default-src 'none' first", csp)
	}
	for _, s := range secrets {
		if s != "" && strings.Contains(v.body, s) {
			t.Errorf("browser page echoes a secret %q", s)
		}
	}
	if strings.Contains(v.body, "http://") || strings.Contains(v.body, "https://") {
		t.Errorf("browser page refers to another resource: %s", v.body)
	}
}

const anyPort = "http://127.0.0.1:0/callback/"

// Vinsight: the token request's parameters go in the query string of a POST,
// the anti-forgery value goes as both nonce and state (issue 13.10: the
// document's {nonce} and "state nonce" leave the name unconfirmed) and is
// accepted back under either, the answer has no token_type, comma-separated
// scopes and a one-year expires_in.
func TestVinsightQueryStringDialect(t *testing.T) {
	for _, echo := range []string{"nonce", "state"} {
		t.Run("answers "+echo, func(t *testing.T) { testVinsight(t, echo, "code") })
	}
	// Issue 20.4: "The authorization_code is passed in the confirmation
	// redirect": the callback may name it authorization_code.
	t.Run("answers authorization_code", func(t *testing.T) { testVinsight(t, "nonce", "authorization_code") })
}

func testVinsight(t *testing.T, echo, codeName string) {
	clock := newClock()
	var hits counter
	var mu sync.Mutex
	var sentRedirect string
	mux := http.NewServeMux()
	mux.HandleFunc("GET /oauth/authorize", func(w http.ResponseWriter, r *http.Request) {
		q := r.URL.Query()
		if q.Get("nonce") == "" || q.Get("state") != q.Get("nonce") || q.Get("scope") != "write_salesorders read_contacts" || q.Get("client_id") != "vin-client" {
			t.Errorf("authorize request %v: want the same value as nonce and state, space-separated scopes", q)
			http.Error(w, "bad request", 400)
			return
		}
		mu.Lock()
		sentRedirect = q.Get("redirect_uri")
		mu.Unlock()
		redirectBack(w, r, url.Values{codeName: {"vin-code-1"}, echo: {q.Get(echo)}})
	})
	mux.HandleFunc("POST /oauth/access_token", func(w http.ResponseWriter, r *http.Request) {
		hits.add(r.URL.Path)
		q := r.URL.Query()
		body, _ := io.ReadAll(r.Body)
		mu.Lock()
		want := sentRedirect
		mu.Unlock()
		switch {
		case len(body) != 0:
			t.Errorf("Vinsight token request has a body %q: parameters belong in the query string", body)
		case q.Get("client_id") != "vin-client" || q.Get("client_secret") != "vin-secret" || q.Get("code") != "vin-code-1":
			t.Errorf("token request query %v lacks client_id/client_secret/code", q)
		case q.Has("redirect_uri") && q.Get("redirect_uri") != want:
			t.Errorf("token redirect_uri %q differs from the authorize one %q", q.Get("redirect_uri"), want)
		default:
			// The seed's response, with its braces restored.
			fmt.Fprint(w, `{"scope": "write_salesorders,read_contacts", "access_token": "eyJ0eXAiOiJ.vinsight.3HgH3Yxsau2UE7k", "token_id": "gbc2l2tz25e7tq", "expires_in": 31536000}`)
			return
		}
		http.Error(w, "bad request", 400)
	})
	ts := httptest.NewServer(mux)
	defer ts.Close()
	p, m := repoint(t, builtin(t, "vinsight"), catalog.KindOAuth, func(m *catalog.Method) {
		m.AuthorizeURL, m.TokenURL = ts.URL+"/oauth/authorize", ts.URL+"/oauth/access_token"
	})
	b := newBrowser(t, nil)
	c := &Client{Now: clock.Now}
	res, err := c.Authorize(withTimeout(t, 10*time.Second), Config{
		Provider: p, Method: m, ClientID: "vin-client", ClientSecret: "vin-secret",
		Scopes: []string{"write_salesorders", "read_contacts"}, RedirectURI: anyPort + "vinsight",
	}, AuthorizeOptions{Open: b.Open})
	if err != nil {
		t.Fatal(err)
	}
	tok := res.Token
	if tok.AccessToken != "eyJ0eXAiOiJ.vinsight.3HgH3Yxsau2UE7k" || tok.TokenType != "" || tok.RefreshToken != "" {
		t.Errorf("token = %+v", tok)
	}
	if !slices.Equal(tok.Scopes, []string{"write_salesorders", "read_contacts"}) {
		t.Errorf("scopes = %q, want the comma-separated granted ones split", tok.Scopes)
	}
	if want := clock.Now().Add(31536000 * time.Second); !tok.ExpiresAt.Equal(want) {
		t.Errorf("ExpiresAt = %v, want %v (one year)", tok.ExpiresAt, want)
	}
	if tok.Extra["token_id"] != "gbc2l2tz25e7tq" {
		t.Errorf("token_id not kept: %v", tok.Extra)
	}
	if hits.get("/oauth/access_token") != 1 {
		t.Errorf("token requests = %d, want 1", hits.get("/oauth/access_token"))
	}
	mu.Lock()
	defer mu.Unlock()
	if res.RedirectURI != sentRedirect || strings.Contains(res.RedirectURI, ":0/") {
		t.Errorf("RedirectURI = %q, authorize got %q: want the same, real port", res.RedirectURI, sentRedirect)
	}
	assertPage(t, b.lastVisit(), 200, "Connected to Vinsight", "vin-code-1", tok.AccessToken)

	// Vinsight cannot refresh: the caller is told to reconnect.
	if _, err := c.Refresh(context.Background(), Config{Provider: p, Method: m, ClientID: "vin-client"}, "x"); !errors.Is(err, ErrNoRefresh) {
		t.Errorf("Refresh on Vinsight = %v, want ErrNoRefresh", err)
	}
}

// vendFake is Vend as its document describes it: consent at
// secure.vendhq.com, the token at the store's own host, form body only.
type vendFake struct {
	t      *testing.T
	clock  *fakeclock.Clock
	prefix string // domain_prefix the consent answers with
	rotate bool   // answer refresh with a new refresh token
	deny   bool   // answer the consent with the documented denial

	mu       sync.Mutex
	hosts    counter // requests by host
	redirect string  // redirect_uri of the authorize request
	refresh  string  // the refresh token currently valid
}

func (v *vendFake) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	v.hosts.add(r.Host)
	switch {
	case r.Host == "secure.vendhq.com" && r.URL.Path == "/connect":
		q := r.URL.Query()
		if q.Get("response_type") != "code" || q.Get("client_id") != "vend-client" || q.Get("state") == "" {
			v.t.Errorf("Vend authorize request %v", q)
		}
		if q.Has("scope") {
			v.t.Errorf("Vend authorize request sends scope=%q: the Vend API does not support scopes", q.Get("scope"))
		}
		v.mu.Lock()
		v.redirect = q.Get("redirect_uri")
		v.mu.Unlock()
		if v.deny {
			redirectBack(w, r, url.Values{"error": {"access_denied"}}) // "{redirect_uri}?error=access_denied"
			return
		}
		redirectBack(w, r, url.Values{"code": {"vend-code"}, "domain_prefix": {v.prefix}, "state": {q.Get("state")}})
	case strings.HasSuffix(r.Host, ".vendhq.com") && r.URL.Path == "/api/1.0/token":
		v.token(w, r)
	default:
		http.NotFound(w, r)
	}
}

func (v *vendFake) token(w http.ResponseWriter, r *http.Request) {
	if r.URL.RawQuery != "" {
		v.t.Errorf("Vend token request has a query string %q: the document forbids it", r.URL.RawQuery)
		http.Error(w, "no GET parameters", 400)
		return
	}
	if ct := r.Header.Get("Content-Type"); ct != "application/x-www-form-urlencoded" {
		v.t.Errorf("Vend token Content-Type = %q", ct)
	}
	if a := r.Header.Get("Authorization"); a != "" {
		v.t.Errorf("Vend token request has an Authorization header %q: the document sends the client in the form", a)
	}
	if err := r.ParseForm(); err != nil {
		http.Error(w, "bad form", 400)
		return
	}
	f := r.PostForm
	if f.Get("client_id") != "vend-client" || f.Get("client_secret") != "vend-secret" {
		w.WriteHeader(401)
		fmt.Fprint(w, `{"error":"invalid_client"}`)
		return
	}
	v.mu.Lock()
	defer v.mu.Unlock()
	resp := map[string]any{"token_type": "Bearer", "expires_in": 86400,
		// Deliberately a little earlier than now+expires_in: the absolute value must win.
		"expires": v.clock.Now().Add(86400*time.Second - 90*time.Second).Unix()}
	switch f.Get("grant_type") {
	case "authorization_code":
		if f.Get("code") != "vend-code" || f.Get("redirect_uri") != v.redirect {
			v.t.Errorf("Vend exchange %v (authorize redirect_uri %q)", f, v.redirect)
		}
		resp["access_token"], resp["refresh_token"] = "vend-access-1", "vend-refresh-1"
		v.refresh = "vend-refresh-1"
	case "refresh_token":
		if f.Get("refresh_token") != v.refresh {
			w.WriteHeader(400)
			fmt.Fprint(w, `{"error":"invalid_grant","error_description":"refresh token unknown"}`)
			return
		}
		resp["access_token"] = "vend-access-2"
		if v.rotate {
			v.refresh = "vend-refresh-2"
			resp["refresh_token"] = v.refresh
		}
	}
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(resp)
}

func newVend(t *testing.T, prefix string) (*vendFake, *Client, *browser) {
	v := &vendFake{t: t, clock: newClock(), prefix: prefix}
	cert, pool := tlsFor(t, "secure.vendhq.com", "*.vendhq.com")
	ts := newTLSServer(t, v, cert)
	addr := ts.Listener.Addr().String()
	// The token client reaches the test server whatever host it asks for,
	// so a hostile prefix would be seen there; the browser only for Vend's.
	c := &Client{Now: v.clock.Now, HTTP: &http.Client{Transport: routedTransport(addr, pool, func(string) bool { return true })}}
	b := newBrowser(t, routedTransport(addr, pool, func(h string) bool { return strings.HasSuffix(h, "vendhq.com") }))
	return v, c, b
}

// Vend: per-store token host from the callback's domain_prefix, form body
// only, absolute expires, refresh with and without rotation. The built-in
// definition is used unchanged, real host names included.
func TestVendPerStoreFormDialect(t *testing.T) {
	for _, rotate := range []bool{true, false} {
		t.Run(fmt.Sprintf("rotate=%v", rotate), func(t *testing.T) {
			v, c, b := newVend(t, "myshop")
			v.rotate = rotate
			p := builtin(t, "vend")
			m, _ := p.Method(catalog.KindOAuth)
			// Scopes as --scopes would set them: Vend takes none, so none go out (issue 13.13).
			cfg := Config{Provider: p, Method: m, ClientID: "vend-client", ClientSecret: "vend-secret", RedirectURI: anyPort + "vend", Scopes: []string{"products:read"}}
			res, err := c.Authorize(withTimeout(t, 10*time.Second), cfg, AuthorizeOptions{Open: b.Open})
			if err != nil {
				t.Fatal(err)
			}
			if res.Params["domain_prefix"] != "myshop" || res.Token.Extra["domain_prefix"] != "myshop" {
				t.Errorf("domain_prefix not carried: params %v extra %v", res.Params, res.Token.Extra)
			}
			if v.hosts.get("myshop.vendhq.com") != 1 {
				t.Errorf("token requests at myshop.vendhq.com = %d, want 1 (hosts %v)", v.hosts.get("myshop.vendhq.com"), v.hosts.n)
			}
			wantExp := time.Unix(v.clock.Now().Add(86400*time.Second-90*time.Second).Unix(), 0)
			if !res.Token.ExpiresAt.Equal(wantExp) {
				t.Errorf("ExpiresAt = %v, want the absolute expires %v", res.Token.ExpiresAt, wantExp)
			}
			if res.Token.RefreshToken != "vend-refresh-1" || res.Token.TokenType != "Bearer" {
				t.Errorf("token = %+v", res.Token)
			}
			assertPage(t, b.lastVisit(), 200, "Connected to Vend", "vend-code", "vend-access-1", "vend-refresh-1")

			cfg.Params = res.Params
			v.clock.Advance(23 * time.Hour)
			tok, err := c.Refresh(context.Background(), cfg, res.Token.RefreshToken)
			if err != nil {
				t.Fatal(err)
			}
			wantRefresh := map[bool]string{true: "vend-refresh-2", false: "vend-refresh-1"}[rotate]
			if tok.AccessToken != "vend-access-2" || tok.RefreshToken != wantRefresh {
				t.Errorf("refreshed token = %+v, want access vend-access-2 and refresh %s", tok, wantRefresh)
			}
			// A second refresh with what the first one returned must work.
			if _, err := c.Refresh(context.Background(), cfg, tok.RefreshToken); err != nil {
				t.Errorf("second refresh with the kept/rotated token: %v", err)
			}
			// The old refresh token after rotation is refused, in words.
			if rotate {
				_, err := c.Refresh(context.Background(), cfg, "vend-refresh-1")
				var pe *ProviderError
				if !errors.As(err, &pe) || pe.Code != "invalid_grant" || !strings.Contains(err.Error(), "no longer valid") {
					t.Errorf("refresh with a rotated-away token = %v", err)
				}
			}
		})
	}
}

// Vend's documented denial carries no state; the built-in definition says
// so, and only then does an error without state end the sign-in, in
// Authdeck's words (issue 13.4).
func TestVendDenialWithoutState(t *testing.T) {
	v, c, b := newVend(t, "myshop")
	v.deny = true
	p := builtin(t, "vend")
	m, _ := p.Method(catalog.KindOAuth)
	if !m.DeniesWithoutState || !m.NoScopes || m.CodeLifetimeSeconds != 600 {
		t.Fatalf("the built-in Vend method should say it denies without state, takes no scopes and has 10-minute codes: %+v", m)
	}
	_, err := c.Authorize(withTimeout(t, 10*time.Second), Config{Provider: p, Method: m, ClientID: "vend-client", ClientSecret: "vend-secret", RedirectURI: anyPort + "vend"}, AuthorizeOptions{Open: b.Open})
	if !errors.Is(err, ErrAccessDenied) {
		t.Fatalf("err = %v, want ErrAccessDenied", err)
	}
	assertPage(t, b.lastVisit(), 403, "Access was denied")
	if n := v.hosts.get("myshop.vendhq.com"); n != 0 {
		t.Errorf("%d token requests after a denial", n)
	}
}

// A domain_prefix that could change the token host is refused before any
// request leaves the machine.
func TestVendHostilePrefixNeverReachesNetwork(t *testing.T) {
	for _, prefix := range []string{
		"evil.example.net/x?", "evil.example.net", "myshop.evil", "x:443", "a/b", "a#b", "a@b", "-", "a b",
		"ünïcode", strings.Repeat("a", 64), "myshop%2e", "..", "myshop\n",
	} {
		t.Run(prefix, func(t *testing.T) {
			v, c, b := newVend(t, prefix)
			p := builtin(t, "vend")
			m, _ := p.Method(catalog.KindOAuth)
			_, err := c.Authorize(withTimeout(t, 10*time.Second), Config{Provider: p, Method: m, ClientID: "vend-client", ClientSecret: "vend-secret", RedirectURI: anyPort + "vend"}, AuthorizeOptions{Open: b.Open})
			if err == nil || !strings.Contains(err.Error(), "domain_prefix") {
				t.Fatalf("err = %v, want a refusal naming domain_prefix", err)
			}
			if n := v.hosts.total() - v.hosts.get("secure.vendhq.com"); n != 0 {
				t.Errorf("%d requests reached a host other than the consent page: %v", n, v.hosts.n)
			}
			assertPage(t, b.lastVisit(), 400, "Could not connect to Vend", "vend-code")
		})
	}
}

// vcitaFake is vcita as its document describes it: a consent page, a code
// issued when the person approves and valid 30 seconds from then, a JSON
// token request and the documented response (trailing comma included).
type vcitaFake struct {
	t         *testing.T
	clock     *fakeclock.Clock
	hits      counter
	createdAt int64

	mu       sync.Mutex
	issued   map[string]time.Time
	redirect string
}

func (v *vcitaFake) handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /app/oauth/authorize", func(w http.ResponseWriter, r *http.Request) {
		// The consent page: no code yet.
		w.Header().Set("Content-Type", "text/html")
		fmt.Fprintf(w, `<form method="post" action="/app/oauth/approve?%s"><button>Allow</button></form>`, r.URL.RawQuery)
	})
	mux.HandleFunc("POST /app/oauth/approve", func(w http.ResponseWriter, r *http.Request) {
		v.mu.Lock()
		v.issued["vc-code"] = v.clock.Now() // "the code will remain valid for only 30 seconds"
		v.redirect = r.URL.Query().Get("redirect_uri")
		v.mu.Unlock()
		redirectBack(w, r, url.Values{"code": {"vc-code"}, "state": {r.URL.Query().Get("state")}})
	})
	mux.HandleFunc("POST /oauth/token", v.token)
	return mux
}

func (v *vcitaFake) token(w http.ResponseWriter, r *http.Request) {
	v.hits.add(r.URL.Path)
	if ct := r.Header.Get("Content-Type"); ct != "application/json" {
		v.t.Errorf("vcita token Content-Type = %q, want application/json", ct)
	}
	var body map[string]string
	dec := json.NewDecoder(r.Body)
	dec.DisallowUnknownFields()
	if err := dec.Decode(&body); err != nil {
		v.t.Errorf("vcita token body is not a JSON object of strings: %v", err)
	}
	v.mu.Lock()
	at, known := v.issued[body["code"]]
	wantRedirect := v.redirect
	v.mu.Unlock()
	if body["grant_type"] != "authorization_code" || body["client_id"] != "vc-client" || body["client_secret"] != "vc-secret" || body["redirect_uri"] != wantRedirect {
		v.t.Errorf("vcita token body = %v", body)
	}
	w.Header().Set("Content-Type", "application/json")
	if !known || v.clock.Now().Sub(at) > 30*time.Second {
		w.WriteHeader(400)
		fmt.Fprint(w, `{"error":"invalid_grant","error_description":"The provided authorization grant is invalid, expired, revoked, does not match the redirection URI used in the authorization request, or was issued to another client."}`)
		return
	}
	// As the document prints it, trailing comma included.
	fmt.Fprintf(w, "{\n\"access_token\": \"74639aa91e5726dc4d90ca82621aeebe\",\n\"token_type\": \"bearer\",\n\"expires_in\": 631152000,\n\"created_at\": %d,\n}", v.createdAt)
}

// vcita: JSON body, codes valid 30 seconds from approval (issue 13.11: not
// from when the consent page opened), created_at + expires_in, and the
// documented response's trailing comma.
func TestVcitaJSONDialectAndThirtySecondCodes(t *testing.T) {
	for _, tc := range []struct {
		name    string
		reading time.Duration // on the consent page, before approving
		delay   time.Duration // between the approval and the code's exchange
		ok      bool
	}{
		{"approved quickly", 2 * time.Second, 2 * time.Second, true},
		{"a long read of the consent page", 10 * time.Minute, 1 * time.Second, true},
		{"at the limit", 0, 30 * time.Second, true},
		{"exchanged too late", 0, 31 * time.Second, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			clock := newClock()
			v := &vcitaFake{t: t, clock: clock, issued: map[string]time.Time{}, createdAt: clock.Now().Add(-5 * time.Second).Unix()}
			ts := httptest.NewServer(v.handler())
			defer ts.Close()
			p, m := repoint(t, builtin(t, "vcita"), catalog.KindOAuth, func(m *catalog.Method) {
				m.AuthorizeURL, m.TokenURL = ts.URL+"/app/oauth/authorize", ts.URL+"/oauth/token"
			})
			b := newBrowser(t, nil)
			b.before = func(req *http.Request) {
				if strings.HasPrefix(req.URL.Path, "/callback/") {
					clock.Advance(tc.delay) // the answer takes this long to be exchanged
				}
			}
			open := func(u string) error {
				b.busy.Add(1)
				defer b.busy.Done()
				consent, err := b.get(u)
				if err != nil {
					return err
				}
				clock.Advance(tc.reading)
				action := consent.body[strings.Index(consent.body, "action=\"")+8:]
				action = html.UnescapeString(action[:strings.Index(action, "\"")])
				resp, err := b.hc.Post(ts.URL+action, "application/x-www-form-urlencoded", nil)
				if err != nil {
					return err
				}
				_, err = b.keep(resp)
				return err
			}
			res, err := (&Client{Now: clock.Now}).Authorize(withTimeout(t, 10*time.Second), Config{
				Provider: p, Method: m, ClientID: "vc-client", ClientSecret: "vc-secret", RedirectURI: anyPort + "vcita",
			}, AuthorizeOptions{Open: open})
			if v.hits.get("/oauth/token") != 1 {
				t.Errorf("token requests = %d, want exactly 1 (a code is never resent)", v.hits.get("/oauth/token"))
			}
			if !tc.ok {
				var pe *ProviderError
				if !errors.As(err, &pe) || pe.Code != "invalid_grant" || pe.Status != 400 {
					t.Fatalf("err = %v, want a ProviderError invalid_grant", err)
				}
				if msg := err.Error(); !strings.Contains(msg, "valid for 30 seconds after you approve") || !strings.HasPrefix(msg, "vcita (inTandem) refused the token request (invalid_grant)") {
					t.Errorf("message %q should name vcita, the code and its 30 seconds from approval", msg)
				}
				assertPage(t, b.lastVisit(), 400, "30 seconds after you approve", "vc-code", "vc-secret")
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			want := time.Unix(v.createdAt, 0).Add(631152000 * time.Second)
			if !res.Token.ExpiresAt.Equal(want) || res.Token.Extra["created_at"] != fmt.Sprint(v.createdAt) {
				t.Errorf("ExpiresAt = %v (extra %v), want created_at + expires_in = %v", res.Token.ExpiresAt, res.Token.Extra, want)
			}
			assertPage(t, b.lastVisit(), 200, "Connected to vcita (inTandem)", "vc-code", "74639aa91e5726dc4d90ca82621aeebe")
		})
	}
}

// Vinli: the implicit grant; the token is in the fragment, relayed by the
// page's script (here done by the stand-in browser; TestImplicitRelayChromium
// runs the real script).
func TestVinliImplicitRelay(t *testing.T) {
	clock := newClock()
	ts := vinliFake(t)
	p, m := repoint(t, builtin(t, "vinli"), catalog.KindImplicit, func(m *catalog.Method) {
		m.AuthorizeURL = ts.URL + "/oauth/authorization/new"
	})
	b := newBrowser(t, nil)
	res, err := (&Client{Now: clock.Now}).Authorize(withTimeout(t, 10*time.Second), Config{
		Provider: p, Method: m, ClientID: "vinli-app", RedirectURI: anyPort + "vinli",
	}, AuthorizeOptions{Open: b.OpenImplicit})
	if err != nil {
		t.Fatal(err)
	}
	if res.Token.AccessToken != "vinli-token-1" || res.Token.TokenType != "bearer" || !res.Token.ExpiresAt.Equal(clock.Now().Add(2*time.Hour)) {
		t.Errorf("token = %+v", res.Token)
	}
	assertPage(t, b.lastVisit(), 200, "Connected to Vinli", "vinli-token-1")
	if res.Token.Extra["state"] != "" {
		t.Errorf("state kept in Extra: %v", res.Token.Extra)
	}
}

// vinliFake answers the authorize request with the token in the fragment.
func vinliFake(t testing.TB) *httptest.Server {
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		q := r.URL.Query()
		if r.URL.Path != "/oauth/authorization/new" || q.Get("response_type") != "token" || q.Get("client_id") != "vinli-app" {
			http.Error(w, "unexpected request", 400)
			return
		}
		frag := url.Values{"access_token": {"vinli-token-1"}, "token_type": {"bearer"}, "expires_in": {"7200"}, "state": {q.Get("state")}}
		http.Redirect(w, r, q.Get("redirect_uri")+"#"+frag.Encode(), http.StatusFound)
	}))
	t.Cleanup(ts.Close)
	return ts
}

// A providers.d definition for a standard provider: public client with
// PKCE, or a confidential one with Basic, and the ways expires_in comes.
func TestGenericProviderPKCEAndResponses(t *testing.T) {
	for _, tc := range []struct {
		name, secret, auth string
		body, ctype        string
	}{
		{"public, integer", "", "basic", `{"access_token":"AT","token_type":"Bearer","expires_in":3600,"refresh_token":"RT","scope":"read write"}`, "application/json"},
		{"public, float", "", "body", `{"access_token":"AT","token_type":"Bearer","expires_in":3600.0,"refresh_token":"RT"}`, "application/json"},
		{"basic secret, string", "s3cr3t-value", "basic", `{"access_token":"AT","token_type":"Bearer","expires_in":"3600","refresh_token":"RT"}`, "application/json; charset=utf-8"},
		{"body secret, form answer", "s3cr3t-value", "body", `access_token=AT&token_type=bearer&expires_in=3600&refresh_token=RT`, "application/x-www-form-urlencoded"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			clock := newClock()
			var mu sync.Mutex
			var challenge, redirect string
			var hits counter
			mux := http.NewServeMux()
			mux.HandleFunc("GET /authorize", func(w http.ResponseWriter, r *http.Request) {
				q := r.URL.Query()
				if q.Get("code_challenge_method") != "S256" || len(q.Get("code_challenge")) != 43 || q.Get("scope") != "read write" {
					t.Errorf("authorize %v: want S256 PKCE and scope", q)
				}
				mu.Lock()
				challenge, redirect = q.Get("code_challenge"), q.Get("redirect_uri")
				mu.Unlock()
				redirectBack(w, r, url.Values{"code": {"gen-code"}, "state": {q.Get("state")}})
			})
			mux.HandleFunc("POST /token", func(w http.ResponseWriter, r *http.Request) {
				hits.add("token")
				_ = r.ParseForm()
				f := r.PostForm
				sum := sha256.Sum256([]byte(f.Get("code_verifier")))
				mu.Lock()
				okPKCE := base64.RawURLEncoding.EncodeToString(sum[:]) == challenge
				okRedirect := f.Get("redirect_uri") == redirect
				mu.Unlock()
				if !okPKCE || !okRedirect || f.Get("code") != "gen-code" {
					t.Errorf("token request %v: PKCE ok %v, redirect_uri ok %v", f, okPKCE, okRedirect)
				}
				user, pass, basic := r.BasicAuth()
				switch {
				case tc.secret == "" && (basic || f.Has("client_secret") || f.Get("client_id") != "gen-client"):
					t.Errorf("public client must send client_id in the body and no secret (basic %v, form %v)", basic, f)
				case tc.secret != "" && tc.auth == "basic" && (!basic || user != "gen-client" || pass != tc.secret || f.Has("client_secret")):
					t.Errorf("basic client auth: header %v %q, form %v", basic, user, f)
				case tc.secret != "" && tc.auth == "body" && (basic || f.Get("client_secret") != tc.secret):
					t.Errorf("body client auth: header %v, form %v", basic, f)
				}
				w.Header().Set("Content-Type", tc.ctype)
				fmt.Fprint(w, tc.body)
			})
			ts := httptest.NewServer(mux)
			defer ts.Close()
			def := fmt.Sprintf(`{"id":"acme","name":"Acme","methods":[{"kind":"oauth","label":"Sign in","authorize_url":%q,"token_url":%q,
				"token_request":"form","client_auth":%q,"pkce":true,"public_client":true,"refresh":true,"default_scopes":["read","write"],
				"apply":{"header":"Authorization","scheme":"Bearer"}}]}`, ts.URL+"/authorize", ts.URL+"/token", tc.auth)
			p, err := catalog.Parse([]byte(def), "providers.d/acme.json")
			if err != nil {
				t.Fatal(err)
			}
			b := newBrowser(t, nil)
			res, err := (&Client{Now: clock.Now}).Authorize(withTimeout(t, 10*time.Second), Config{
				Provider: p, Method: p.Methods[0], ClientID: "gen-client", ClientSecret: tc.secret, RedirectURI: anyPort + "acme",
			}, AuthorizeOptions{Open: b.Open})
			if err != nil {
				t.Fatal(err)
			}
			if res.Token.AccessToken != "AT" || res.Token.RefreshToken != "RT" || !res.Token.ExpiresAt.Equal(clock.Now().Add(time.Hour)) {
				t.Errorf("token = %+v", res.Token)
			}
			if !slices.Equal(res.Token.Scopes, []string{"read", "write"}) {
				t.Errorf("scopes = %q", res.Token.Scopes)
			}
			if hits.get("token") != 1 {
				t.Errorf("token requests = %d, want 1 (never AutoDetect)", hits.get("token"))
			}
		})
	}
}
