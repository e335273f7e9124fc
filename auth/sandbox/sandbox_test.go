package sandbox_test

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"authdeck/assets"
	"authdeck/auth/catalog"
	"authdeck/auth/oauth"
	"authdeck/auth/sandbox"
	"authdeck/internal/fakeclock"
)

// start runs a sandbox on a free loopback port and returns the built-in
// sandbox definition (unchanged) with the port to use.
func start(t *testing.T, key string, opts sandbox.Options) (string, oauth.Config) {
	t.Helper()
	base, stop, err := sandbox.New([]byte(key), opts).Listen("127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(stop)
	cat, err := catalog.Load(assets.Providers, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	p, _ := cat.Lookup("sandbox")
	m, _ := p.Method(catalog.KindOAuth)
	u, _ := url.Parse(base)
	return base, oauth.Config{Provider: p, Method: m, Params: map[string]string{"port": u.Port()}}
}

// approve is a stand-in browser: it loads the consent page, checks it, and
// presses Approve (or Deny) as a person would.
func approve(t *testing.T, decision string) func(string) error {
	return func(authorizeURL string) error {
		resp, err := http.Get(authorizeURL)
		if err != nil {
			return err
		}
		page, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		for _, want := range []string{"authdeck-demo", "Approve", "Deny", `name="decision"`} {
			if !strings.Contains(string(page), want) {
				t.Errorf("consent page lacks %q", want)
			}
		}
		resp, err = http.PostForm(authorizeURL, url.Values{"decision": {decision}})
		if err != nil {
			return err
		}
		resp.Body.Close()
		return nil
	}
}

func userinfo(t *testing.T, base, token string) (int, http.Header, map[string]string) {
	req, _ := http.NewRequest("GET", base+"/userinfo", nil)
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var body map[string]string
	_ = json.NewDecoder(resp.Body).Decode(&body)
	return resp.StatusCode, resp.Header, body
}

// The whole demo: consent, code with PKCE, userinfo, refresh rotation, a
// replayed refresh token refused, short tokens, expiry on a fake clock.
func TestSandboxFullFlow(t *testing.T) {
	clk := fakeclock.New(time.Now())
	base, cfg := start(t, "demo-key-0123456789", sandbox.Options{Now: clk.Now})
	c := &oauth.Client{Now: clk.Now}
	res, err := c.Authorize(context.Background(), cfg, oauth.AuthorizeOptions{Open: approve(t, "approve")})
	if err != nil {
		t.Fatal(err)
	}
	tok := res.Token
	if !strings.HasPrefix(res.RedirectURI, "http://127.0.0.1:") || strings.Contains(res.RedirectURI, ":0/") {
		t.Errorf("redirect URI %q: want a real free port (any_port)", res.RedirectURI)
	}
	if got := tok.ExpiresAt.Sub(clk.Now()); got != 10*time.Minute {
		t.Errorf("lifetime %v, want 10m", got)
	}
	if st, _, who := userinfo(t, base, tok.AccessToken); st != 200 || who["sub"] == "" || who["email"] == "" || who["name"] == "" {
		t.Errorf("userinfo = %d %v", st, who)
	}

	r1, err := c.Refresh(context.Background(), cfg, tok.RefreshToken)
	if err != nil {
		t.Fatal(err)
	}
	if r1.RefreshToken == tok.RefreshToken || r1.AccessToken == tok.AccessToken {
		t.Errorf("refresh did not rotate")
	}
	_, err = c.Refresh(context.Background(), cfg, tok.RefreshToken)
	var pe *oauth.ProviderError
	if !errors.As(err, &pe) || pe.Code != "invalid_grant" {
		t.Errorf("replayed refresh token: err = %v, want invalid_grant", err)
	}
	if _, err := c.Refresh(context.Background(), cfg, r1.RefreshToken); err != nil {
		t.Errorf("refresh with the rotated token: %v", err)
	}

	// Expiry follows the clock, and userinfo says why in WWW-Authenticate.
	clk.Advance(11 * time.Minute)
	st, h, _ := userinfo(t, base, r1.AccessToken)
	if st != 401 || !strings.Contains(h.Get("WWW-Authenticate"), "invalid_token") {
		t.Errorf("expired token: %d %q", st, h.Get("WWW-Authenticate"))
	}
	if st, h, _ := userinfo(t, base, ""); st != 401 || !strings.HasPrefix(h.Get("WWW-Authenticate"), "Bearer") {
		t.Errorf("no token: %d %q", st, h.Get("WWW-Authenticate"))
	}

	// Scope "short" gives one-minute tokens.
	cfg.Scopes = []string{"profile", "short"}
	res, err = c.Authorize(context.Background(), cfg, oauth.AuthorizeOptions{Open: approve(t, "approve")})
	if err != nil {
		t.Fatal(err)
	}
	if got := res.Token.ExpiresAt.Sub(clk.Now()); got != time.Minute {
		t.Errorf("short lifetime %v, want 60s", got)
	}
}

func TestSandboxDeny(t *testing.T) {
	_, cfg := start(t, "k", sandbox.Options{})
	_, err := (&oauth.Client{}).Authorize(context.Background(), cfg, oauth.AuthorizeOptions{Open: approve(t, "deny")})
	if !errors.Is(err, oauth.ErrAccessDenied) {
		t.Errorf("err = %v, want ErrAccessDenied", err)
	}
}

// The CLI opens $BROWSER; a shell script with curl is such a browser.
func TestSandboxWithCurlScript(t *testing.T) {
	if _, err := exec.LookPath("curl"); err != nil {
		t.Skip("curl not installed")
	}
	_, cfg := start(t, "k", sandbox.Options{})
	script := filepath.Join(t.TempDir(), "browser.sh")
	if err := os.WriteFile(script, []byte("#!/bin/sh\nexec curl -sSL --fail-with-body --data decision=approve \"$1\" >/dev/null\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	scriptDone := make(chan error, 1)
	res, err := (&oauth.Client{}).Authorize(ctx, cfg, oauth.AuthorizeOptions{Open: func(u string) error {
		out, err := exec.Command(script, u).CombinedOutput()
		if err != nil {
			err = errors.New(err.Error() + ": " + string(out))
		}
		scriptDone <- err
		return err
	}})
	if serr := <-scriptDone; serr != nil {
		t.Errorf("browser script: %v", serr)
	}
	if err != nil || res.Token.AccessToken == "" {
		t.Fatalf("curl flow: %v", err)
	}
}

// Tokens are checked by signature alone: another process with the same
// key accepts them, one with another key does not.
func TestSandboxStatelessAcrossInstances(t *testing.T) {
	_, cfg := start(t, "shared-key", sandbox.Options{})
	res, err := (&oauth.Client{}).Authorize(context.Background(), cfg, oauth.AuthorizeOptions{Open: approve(t, "approve")})
	if err != nil {
		t.Fatal(err)
	}
	other := httptest.NewServer(sandbox.New([]byte("shared-key"), sandbox.Options{}))
	defer other.Close()
	if st, _, _ := userinfo(t, other.URL, res.Token.AccessToken); st != 200 {
		t.Errorf("same key: userinfo %d, want 200", st)
	}
	stranger := httptest.NewServer(sandbox.New([]byte("other-key"), sandbox.Options{}))
	defer stranger.Close()
	if st, _, _ := userinfo(t, stranger.URL, res.Token.AccessToken); st != 401 {
		t.Errorf("other key: userinfo %d, want 401", st)
	}
	resp, err := http.Get(other.URL + "/.well-known/authdeck-sandbox")
	if err != nil {
		t.Fatal(err)
	}
	var mark map[string]bool
	_ = json.NewDecoder(resp.Body).Decode(&mark)
	resp.Body.Close()
	if resp.StatusCode != 200 || !mark["authdeck_sandbox"] {
		t.Errorf("recognition endpoint: %d %v", resp.StatusCode, mark)
	}
}

// The token endpoint's own checks, request by request.
func TestSandboxTokenEndpointRefusals(t *testing.T) {
	srv := httptest.NewServer(sandbox.New([]byte("k"), sandbox.Options{}))
	defer srv.Close()
	noRedirect := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	code := func(redirect, challenge string) string {
		q := url.Values{"client_id": {"app"}, "redirect_uri": {redirect}, "response_type": {"code"}, "state": {"s"}}
		if challenge != "" {
			q.Set("code_challenge", challenge)
			q.Set("code_challenge_method", "S256")
		}
		resp, err := noRedirect.PostForm(srv.URL+"/authorize?"+q.Encode(), url.Values{"decision": {"approve"}})
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		loc, _ := url.Parse(resp.Header.Get("Location"))
		if loc.Query().Get("state") != "s" {
			t.Errorf("state not passed back: %s", loc)
		}
		return loc.Query().Get("code")
	}
	post := func(v url.Values) (int, string) {
		resp, err := http.PostForm(srv.URL+"/token", v)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var e map[string]any
		_ = json.NewDecoder(resp.Body).Decode(&e)
		s, _ := e["error"].(string)
		return resp.StatusCode, s
	}
	const cb = "http://127.0.0.1:5000/cb"
	verifier := strings.Repeat("v", 43)
	for _, tc := range []struct {
		name   string
		v      func() url.Values
		status int
		code   string
	}{
		{"redirect_uri differs", func() url.Values {
			return url.Values{"grant_type": {"authorization_code"}, "code": {code(cb, "")}, "client_id": {"app"}, "redirect_uri": {cb + "x"}}
		}, 400, "invalid_grant"},
		{"other client", func() url.Values {
			return url.Values{"grant_type": {"authorization_code"}, "code": {code(cb, "")}, "client_id": {"other"}, "redirect_uri": {cb}}
		}, 401, "invalid_client"},
		{"PKCE verifier missing", func() url.Values {
			return url.Values{"grant_type": {"authorization_code"}, "code": {code(cb, "abc")}, "client_id": {"app"}, "redirect_uri": {cb}}
		}, 400, "invalid_grant"},
		{"PKCE verifier wrong", func() url.Values {
			return url.Values{"grant_type": {"authorization_code"}, "code": {code(cb, "abc")}, "client_id": {"app"}, "redirect_uri": {cb}, "code_verifier": {verifier}}
		}, 400, "invalid_grant"},
		{"forged code", func() url.Values {
			return url.Values{"grant_type": {"authorization_code"}, "code": {"sbc_e30.AAAA"}, "client_id": {"app"}, "redirect_uri": {cb}}
		}, 400, "invalid_grant"},
		{"password grant", func() url.Values { return url.Values{"grant_type": {"password"}} }, 400, "unsupported_grant_type"},
	} {
		st, code := post(tc.v())
		if st != tc.status || code != tc.code {
			t.Errorf("%s: %d %q, want %d %q", tc.name, st, code, tc.status, tc.code)
		}
	}
	// A code is single use.
	c := code(cb, "")
	v := url.Values{"grant_type": {"authorization_code"}, "code": {c}, "client_id": {"app"}, "redirect_uri": {cb}}
	if st, _ := post(v); st != 200 {
		t.Errorf("first use: %d", st)
	}
	if st, e := post(v); st != 400 || e != "invalid_grant" {
		t.Errorf("second use: %d %q", st, e)
	}
	// Non-loopback redirect URIs are refused without a redirect.
	for _, bad := range []string{"https://evil.example/cb", "http://evil.example/cb", "http://127.0.0.1.evil.example/cb", ""} {
		resp, err := noRedirect.Get(srv.URL + "/authorize?" + url.Values{"client_id": {"app"}, "redirect_uri": {bad}, "response_type": {"code"}}.Encode())
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != 400 || resp.Header.Get("Location") != "" {
			t.Errorf("redirect_uri %q: %d %q", bad, resp.StatusCode, resp.Header.Get("Location"))
		}
	}
}

// Discover reads the sandbox's discovery document into a definition that
// connects.
func TestDiscoverAgainstSandbox(t *testing.T) {
	base, _ := start(t, "k", sandbox.Options{})
	p, err := oauth.Discover(context.Background(), nil, "demo", base)
	if err != nil {
		t.Fatal(err)
	}
	m := p.Methods[0]
	if !m.PKCE || !m.PublicClient || m.ClientAuth != catalog.ClientAuthBody || !m.Refresh || m.CheckURL != base+"/userinfo" || m.TokenURL != base+"/token" {
		t.Errorf("discovered method = %+v", m)
	}
	if err := p.Validate(); err != nil {
		t.Fatal(err)
	}
	res, err := (&oauth.Client{}).Authorize(context.Background(), oauth.Config{Provider: p, Method: m, ClientID: "discovered-app", RedirectURI: "http://127.0.0.1:0/callback/demo"},
		oauth.AuthorizeOptions{Open: func(u string) error {
			resp, err := http.PostForm(u, url.Values{"decision": {"approve"}})
			if err == nil {
				resp.Body.Close()
			}
			return err
		}})
	if err != nil || res.Token.RefreshToken == "" {
		t.Fatalf("connect with the discovered definition: %v", err)
	}
}

// Another web page cannot post a decision for the person (a cross-site
// form that approves, sending the code to a loopback address of its
// choosing): the decision must come from the consent page's own origin.
func TestSandboxRefusesADecisionFromAnotherPage(t *testing.T) {
	base, _ := start(t, "origin-key", sandbox.Options{})
	authorize := base + "/authorize?response_type=code&client_id=authdeck-demo&redirect_uri=" + url.QueryEscape("http://127.0.0.1:9/cb")
	for _, origin := range []string{"https://evil.example", "null", "http://127.0.0.1:1"} {
		req, _ := http.NewRequest(http.MethodPost, authorize, strings.NewReader("decision=approve"))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("Origin", origin)
		resp, err := (&http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}).Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusForbidden {
			t.Errorf("Origin %s: status %d (Location %q), want 403", origin, resp.StatusCode, resp.Header.Get("Location"))
		}
	}
}
