package oauth

import (
	"context"
	"errors"
	"net"
	"net/http"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"authdeck/auth/catalog"
	"authdeck/auth/sandbox"
)

// remoteBrowser approves the sandbox's consent page as a browser on another
// machine would, and stops where that browser stops: at the redirect to
// 127.0.0.1, which it cannot reach. It returns the address it landed on.
func remoteBrowser(t *testing.T, authorizeURL string) string {
	t.Helper()
	c := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := c.PostForm(authorizeURL, url.Values{"decision": {"approve"}})
	if err != nil {
		t.Error(err)
		return ""
	}
	resp.Body.Close()
	loc, err := resp.Location()
	if err != nil {
		t.Errorf("the consent page did not redirect: %d", resp.StatusCode)
		return ""
	}
	return loc.String()
}

// A sign-in on a machine without a browser finishes when the person pastes
// the address the remote browser landed on: checked like a callback — a
// wrong state is refused and the sign-in goes on waiting, no token is
// requested for it — and the real one is exchanged with the PKCE verifier
// by the real sandbox provider, which checks it.
func TestPastedAddressFinishesTheSignIn(t *testing.T) {
	var tokens atomic.Int32
	srv := sandbox.New([]byte(strings.Repeat("k", 32)), sandbox.Options{})
	counting := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/token" {
			tokens.Add(1)
		}
		srv.ServeHTTP(w, r)
	})
	base, stop := serveLoopback(t, counting)
	defer stop()
	p := builtin(t, "sandbox")
	meth, _ := p.Method(catalog.KindOAuth)
	_, port, _ := strings.Cut(strings.TrimPrefix(base, "http://"), ":")
	cfg := Config{Provider: p, Method: meth, Params: map[string]string{"port": port}}

	pasted := make(chan string)
	refused := make(chan error, 4)
	opts := AuthorizeOptions{Pasted: pasted, PasteRefused: func(err error) { refused <- err }}
	opts.Listening = func(_, authorizeURL string) {
		go func() {
			landed := remoteBrowser(t, authorizeURL)
			u, _ := url.Parse(landed)
			q := u.Query()
			q.Set("state", "forged-"+q.Get("state")[7:])
			u.RawQuery = q.Encode()
			for _, bad := range []string{"hello", "https://example.com/callback?code=x&state=y", u.String()} {
				pasted <- bad
				if err := <-refused; !errors.Is(err, ErrPastedAddress) && !errors.Is(err, ErrStateMismatch) {
					t.Errorf("%q refused with %v", bad, err)
				}
			}
			if tokens.Load() > 0 {
				t.Errorf("a refused paste requested a token")
			}
			pasted <- "  " + landed + "  " // as pasted, with stray spaces
		}()
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	res, err := (&Client{}).Authorize(ctx, cfg, opts)
	if err != nil {
		t.Fatalf("the pasted address did not finish the sign-in: %v", err)
	}
	if !strings.HasPrefix(res.Token.AccessToken, "sba_") || res.Token.RefreshToken == "" {
		t.Fatalf("token %+v", res.Token)
	}
	if n := tokens.Load(); n != 1 {
		t.Fatalf("%d token requests, want 1", n)
	}
}

func serveLoopback(t *testing.T, h http.Handler) (string, func()) {
	t.Helper()
	srv := &http.Server{Handler: h, ReadHeaderTimeout: 5 * time.Second}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go func() { _ = srv.Serve(ln) }()
	return "http://" + ln.Addr().String(), func() { _ = srv.Close() }
}
