package sandbox_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"authdeck/auth/oauth"
	"authdeck/auth/sandbox"
	"authdeck/internal/browsertest"
)

// signInChromium runs a sandbox sign-in with the system Chromium as the
// browser: the test clicks the consent page's button as a person does and
// returns where the browser landed, what the page said and what the
// sign-in returned.
func signInChromium(t *testing.T, button string, redirectURI string) (landed, text string, res oauth.Result, err error) {
	t.Helper()
	b := browsertest.Start(t)
	_, cfg := start(t, "browser-key-0123456789", sandbox.Options{})
	cfg.ClientID = "authdeck-demo"
	cfg.RedirectURI = redirectURI
	open, tabs := b.Opener()
	type outcome struct {
		res oauth.Result
		err error
	}
	done := make(chan outcome, 1)
	// Long enough for a cold Chromium on a busy machine; short enough that
	// a consent page whose buttons do nothing fails in minutes.
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	go func() {
		r, e := (&oauth.Client{}).Authorize(ctx, cfg, oauth.AuthorizeOptions{Open: open})
		done <- outcome{r, e}
	}()
	var tab context.Context
	select {
	case tab = <-tabs:
	case o := <-done:
		t.Fatalf("the sign-in ended before the browser opened: %v", o.err)
	}
	if err := browsertest.Click(tab, `button[value="`+button+`"]`); err != nil {
		t.Fatalf("click %s: %v", button, err)
	}
	o := <-done
	landed, text, lerr := browsertest.Landing(tab, "h1")
	if lerr != nil {
		t.Fatalf("the browser's page after %s: %v", button, lerr)
	}
	return landed, text, o.res, o.err
}

// TestSandboxApproveInChromium is the README's first journey in the
// browser people use: the consent page's Approve must take Chromium to
// Authdeck's callback (a form-action of 'self' blocked that redirect, so
// Approve did nothing) and the sign-in must end with a token.
func TestSandboxApproveInChromium(t *testing.T) {
	landed, text, res, err := signInChromium(t, "approve", "")
	if err != nil {
		t.Fatalf("sign-in: %v", err)
	}
	if !strings.HasPrefix(landed, "http://127.0.0.1:") || !strings.Contains(landed, "/callback/sandbox?") {
		t.Errorf("the browser landed on %q, not on Authdeck's callback", landed)
	}
	if !strings.Contains(text, "Connected to") || res.Token.AccessToken == "" || res.Token.RefreshToken == "" {
		t.Errorf("page %q, token %+v", text, res.Token)
	}
	if strings.Contains(text, res.Token.AccessToken) || strings.Contains(landed, "sba_") {
		t.Errorf("the page or address shows a token: %q %q", landed, text)
	}
}

// TestSandboxDenyInChromium: Deny reaches the callback too, whose page says
// access was denied, and the sign-in ends with ErrAccessDenied.
func TestSandboxDenyInChromium(t *testing.T) {
	landed, text, _, err := signInChromium(t, "deny", "")
	if !errors.Is(err, oauth.ErrAccessDenied) {
		t.Fatalf("sign-in after Deny: %v", err)
	}
	if !strings.Contains(landed, "/callback/sandbox?") || !strings.Contains(text, "Access was denied") {
		t.Errorf("the browser landed on %q showing %q", landed, text)
	}
}

// TestSandboxApproveInChromiumIPv6 covers a redirect address on [::1], whose
// origin a CSP host-source cannot name.
func TestSandboxApproveInChromiumIPv6(t *testing.T) {
	landed, text, res, err := signInChromium(t, "approve", "http://[::1]:0/callback/sandbox")
	if err != nil {
		t.Fatalf("sign-in: %v", err)
	}
	if !strings.HasPrefix(landed, "http://[::1]:") || !strings.Contains(text, "Connected to") || res.Token.AccessToken == "" {
		t.Errorf("landed on %q showing %q", landed, text)
	}
}
