package auth

import (
	"errors"
	"net/http"
	"net/url"
	"testing"
	"time"

	"authdeck/auth/secret"
)

// cutOff is a transport that cannot reach one host (this machine's network
// to the provider is down) and reaches everything else.
type cutOff struct{ host string }

func (c cutOff) RoundTrip(r *http.Request) (*http.Response, error) {
	if r.URL.Host == c.host {
		return nil, errors.New("connect: network is unreachable")
	}
	return http.DefaultTransport.RoundTrip(r)
}

// One machine that cannot reach the provider does not mark the shared
// connection broken for the whole team (the outsider's finding): only the
// provider refusing the refresh token, which is everyone's, is written to
// the shared record.
func TestTeamOneMachinesTroubleStaysItsOwn(t *testing.T) {
	ts := newTeam(t, 30*time.Second)
	ctx := withDeadline(t, 60*time.Second)
	u, _ := url.Parse(ts.prov.ts.URL)
	dir := t.TempDir()
	writeProvider(t, dir, ts.prov)
	offline, err := Open(Options{ConfigDir: dir, Secrets: secret.NewMemory(), Now: ts.clock.Now, OpenBrowser: followingBrowser,
		HTTP: &http.Client{Timeout: 5 * time.Second, Transport: cutOff{host: u.Host}}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(offline.Close)
	if _, err := offline.SetTeamStore(ctx, TeamSettings{Address: ts.vault.Addr, Token: ts.vault.Token}); err != nil {
		t.Fatalf("team set: %v", err)
	}
	ts.clock.Advance(time.Minute)
	if _, err := offline.Refresh(ctx, "shop"); err == nil {
		t.Fatal("a refresh without a way to the provider succeeded")
	}
	c, err := ts.a.m.Get("shop")
	if err != nil {
		t.Fatal(err)
	}
	if c.Status != StatusOK {
		t.Errorf("after one machine could not reach the provider, the team sees %q (%+v), want ok", c.Status, c.LastRefresh)
	}
	// The provider refusing the refresh token is the team's news.
	ts.clock.Advance(time.Minute)
	ts.prov.mu.Lock()
	ts.prov.current = "revoked"
	ts.prov.mu.Unlock()
	if _, err := ts.b.m.Refresh(ctx, "shop"); err == nil {
		t.Fatal("a refused refresh token succeeded")
	}
	if c, _ := ts.a.m.Get("shop"); c.Status != StatusError {
		t.Errorf("after the provider refused the shared refresh token, the team sees %q, want error", c.Status)
	}
}
