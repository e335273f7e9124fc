package auth

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"authdeck/auth/catalog"
	"authdeck/auth/render"
	"authdeck/auth/store"
)

// issuer is an OpenID provider on 127.0.0.1 that records what reaches its
// token and userinfo endpoints.
type issuer struct {
	ts       *httptest.Server
	mu       sync.Mutex
	requests []string // "path Authorization-header form"
	// refuse makes the token endpoint refuse every refresh (invalid_grant).
	refuse atomic.Bool
}

func newIssuer(t *testing.T) *issuer {
	t.Helper()
	is := &issuer{}
	is.ts = httptest.NewServer(is)
	t.Cleanup(is.ts.Close)
	return is
}

func (is *issuer) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	base := is.ts.URL
	switch r.URL.Path {
	case "/.well-known/openid-configuration":
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(map[string]any{
			"issuer": base, "authorization_endpoint": base + "/authorize", "token_endpoint": base + "/token",
			"userinfo_endpoint": base + "/userinfo", "scopes_supported": []string{"openid"},
		})
	case "/authorize":
		q := r.URL.Query()
		back, _ := url.Parse(q.Get("redirect_uri"))
		v := back.Query()
		v.Set("code", "the-code")
		v.Set("state", q.Get("state"))
		back.RawQuery = v.Encode()
		http.Redirect(w, r, back.String(), http.StatusFound)
	default:
		_ = r.ParseForm()
		is.mu.Lock()
		is.requests = append(is.requests, r.URL.Path+" "+r.Header.Get("Authorization")+" "+r.PostForm.Encode())
		is.mu.Unlock()
		w.Header().Set("Content-Type", "application/json")
		if is.refuse.Load() && r.PostForm.Get("grant_type") == "refresh_token" {
			w.WriteHeader(http.StatusBadRequest)
			fmt.Fprint(w, `{"error":"invalid_grant","error_description":"the refresh token was revoked"}`)
			return
		}
		fmt.Fprint(w, `{"access_token":"acc","refresh_token":"ref","token_type":"Bearer","expires_in":600,"sub":"me"}`)
	}
}

func (is *issuer) seen() []string {
	is.mu.Lock()
	defer is.mu.Unlock()
	return append([]string(nil), is.requests...)
}

// Issue 20.2, the attack as reproduced: add an issuer on :A and connect;
// add another issuer on :B. Before, the second got the first's id (built
// from the host only) and its definition replaced the first's, and the
// next refresh sent Basic client:secret to :B. Now the ids differ, saving
// over an existing id is refused (saying how many connections use it), and
// even a definition replaced on purpose gets none of the connection's
// secrets until it signs in again.
func TestAnotherIssuerNeverReceivesAConnectionsSecrets(t *testing.T) {
	f := newFixture(t, Options{OpenBrowser: followingBrowser, HTTP: &http.Client{Timeout: 5 * time.Second}})
	ctx := withDeadline(t, 20*time.Second)
	a, b := newIssuer(t), newIssuer(t)
	pA, err := f.m.Catalog().DiscoverProvider(ctx, "", a.ts.URL)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.m.Catalog().SaveProvider(pA); err != nil {
		t.Fatal(err)
	}
	if _, err := f.m.Add(ctx, AddRequest{Name: "crm", Provider: pA.ID, ClientID: "client", Secret: "s3cret"}); err != nil {
		t.Fatal(err)
	}
	if _, err := f.m.Connect(ctx, "crm", ConnectOptions{}); err != nil {
		t.Fatal(err)
	}
	pB, err := f.m.Catalog().DiscoverProvider(ctx, "", b.ts.URL)
	if err != nil {
		t.Fatal(err)
	}
	if pB.ID == pA.ID {
		t.Fatalf("two issuers on two ports share the id %q", pA.ID)
	}
	// The old window's id for both: the same definition id, other addresses.
	pB.ID = pA.ID
	_, err = f.m.Catalog().SaveProvider(pB)
	if e, ok := AsError(err); !ok || e.Remedy != RemedyReplaceProvider || !strings.Contains(e.Msg, "used by 1 connection (crm)") {
		t.Fatalf("saving over an existing id: %v, want a refusal naming the 1 connection that uses it", err)
	}
	if got, _ := f.m.Catalog().Provider(pA.ID); got.Methods[0].TokenURL != a.ts.URL+"/token" {
		t.Fatalf("the refused save changed the definition: %s", got.Methods[0].TokenURL)
	}
	if _, err := f.m.Catalog().ReplaceProvider(pB, 0); err == nil {
		t.Fatal("a replacement told of 0 connections went ahead, but 1 uses it")
	}
	// Replaced on purpose: still not one secret goes to B.
	if _, err := f.m.Catalog().ReplaceProvider(pB, 1); err != nil {
		t.Fatal(err)
	}
	_, err = f.m.Refresh(ctx, "crm")
	if e, ok := AsError(err); !ok || e.Remedy != RemedySignIn || !strings.Contains(e.Msg, "addresses changed") || !strings.Contains(e.Msg, b.ts.URL) {
		t.Fatalf("refresh after the definition moved: %v, want a refusal that says the addresses changed, sign in again", err)
	}
	if _, err := f.m.Credential(ctx, "crm"); err == nil {
		t.Error("the credential was handed out for the moved definition")
	}
	if _, _, err := f.m.Snippet(ctx, "crm", render.FormatCurl, ""); err == nil {
		t.Error("a curl command was made for the moved definition")
	}
	if _, err := f.m.Check(ctx, "crm"); err == nil {
		t.Error("the check ran against the moved definition")
	}
	if got := b.seen(); len(got) != 0 {
		t.Fatalf("B received %q", got)
	}
	if c, _ := f.m.Get("crm"); c.Status != StatusError || RemedyFor(c, c.Status) != RemedySignIn {
		t.Errorf("status %s, remedy %s: want error, sign in", c.Status, RemedyFor(c, c.Status))
	}
	// Signing in again is the person's consent to the new addresses.
	if _, err := f.m.Connect(ctx, "crm", ConnectOptions{}); err != nil {
		t.Fatal(err)
	}
	if _, err := f.m.Refresh(ctx, "crm"); err != nil {
		t.Fatalf("refresh after signing in again: %v", err)
	}
	if got := b.seen(); len(got) != 2 || !strings.HasPrefix(got[1], "/token Basic ") {
		t.Fatalf("B after the new sign-in: %q", got)
	}
}

// A connection written by an older Authdeck has no addresses recorded: the
// current definition's are recorded on first use, and from then on bind it.
func TestOlderConnectionsAreBoundOnFirstUse(t *testing.T) {
	f := newFixture(t, Options{})
	ctx := context.Background()
	if _, err := f.m.Add(ctx, AddRequest{Name: "shop", Provider: "vend", Method: catalog.KindToken, Params: map[string]string{"domain_prefix": "myshop"}, Secret: "tok"}); err != nil {
		t.Fatal(err)
	}
	st, _ := store.Open(f.dir)
	_ = st.Update(ctx, func(cs []store.Connection) ([]store.Connection, error) {
		cs[0].Endpoints = nil
		return cs, nil
	})
	if _, err := f.m.Credential(ctx, "shop"); err != nil {
		t.Fatal(err)
	}
	cs, _ := st.Load()
	if e := cs[0].Endpoints; e == nil || e.Check != "https://myshop.vendhq.com/api/products" {
		t.Fatalf("endpoints recorded on first use: %+v", e)
	}
	// Moving the who-am-I address now refuses the key, asking for it again.
	vend, _ := f.m.Catalog().Provider("vend")
	vend.Methods[1].CheckURL = "https://{domain_prefix}.vendhq.example/api/products"
	if _, err := f.m.Catalog().ReplaceProvider(vend, 1); err != nil {
		t.Fatal(err)
	}
	_, err := f.m.Credential(ctx, "shop")
	if e, ok := AsError(err); !ok || e.Remedy != RemedyReplaceSecret || !strings.Contains(e.Msg, "vendhq.example") {
		t.Fatalf("credential after the check address moved: %v", err)
	}
	if _, err := f.m.Replace(ctx, "shop", "tok2", nil); err != nil {
		t.Fatal(err)
	}
	if _, err := f.m.Credential(ctx, "shop"); err != nil {
		t.Fatalf("after the key was given again: %v", err)
	}
}

// Issue 20.4: after a refresh the provider refused, the error said "connect
// again" and status said "run refresh". Both now give one remedy: sign in.
func TestFailedRefreshHasOneRemedy(t *testing.T) {
	f := newFixture(t, Options{OpenBrowser: followingBrowser, HTTP: &http.Client{Timeout: 5 * time.Second}})
	ctx := withDeadline(t, 20*time.Second)
	is := newIssuer(t)
	p, err := f.m.Catalog().DiscoverProvider(ctx, "", is.ts.URL)
	if err == nil {
		_, err = f.m.Catalog().SaveProvider(p)
	}
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.m.Add(ctx, AddRequest{Name: "crm", Provider: p.ID, ClientID: "client", Secret: "s3cret"}); err != nil {
		t.Fatal(err)
	}
	if _, err := f.m.Connect(ctx, "crm", ConnectOptions{}); err != nil {
		t.Fatal(err)
	}
	is.refuse.Store(true)
	f.clock.Advance(time.Minute)
	_, err = f.m.Refresh(ctx, "crm")
	e, ok := AsError(err)
	if !ok {
		t.Fatalf("refresh: %v", err)
	}
	c, _ := f.m.Get("crm")
	if got := RemedyFor(c, c.Status); e.Remedy != RemedySignIn || got != e.Remedy {
		t.Fatalf("the error says %s, the status (%s, %s) says %s", e.Remedy, c.Status, c.Fault, got)
	}
}
