package auth

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"authdeck/auth/catalog"
	"authdeck/auth/render"
	"authdeck/internal/fakeclock"
	"authdeck/internal/secrettest"
	"authdeck/internal/standin"
)

func newClock() *fakeclock.Clock {
	return fakeclock.New(time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC))
}

type fixture struct {
	m       *Manager
	dir     string
	secrets *secrettest.Memory
	clock   *fakeclock.Clock
}

func newFixture(t *testing.T, opts Options) *fixture {
	t.Helper()
	f := &fixture{dir: t.TempDir(), secrets: secrettest.NewMemory(), clock: newClock()}
	opts.ConfigDir = f.dir
	if opts.Secrets == nil {
		opts.Secrets = f.secrets
	}
	if opts.Now == nil {
		opts.Now = f.clock.Now
	}
	if opts.OpenBrowser == nil {
		opts.OpenBrowser = func(string) error { return errors.New("no browser in this test") }
	}
	m, err := Open(opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(m.Close)
	f.m = m
	return f
}

// configFiles returns every file under the config directory, for proving
// that no secret was written there.
func configFiles(t *testing.T, dir string) string {
	t.Helper()
	var all strings.Builder
	_ = filepath.WalkDir(dir, func(path string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			data, _ := os.ReadFile(path)
			all.Write(data)
		}
		return nil
	})
	return all.String()
}

// The foundation's "done when": a pasted Vend token lives only in the
// keyring, prints as a Bearer header, and remove takes both away.
func TestTokenLivesOnlyInKeyring(t *testing.T) {
	f := newFixture(t, Options{})
	ctx := context.Background()
	const token = "fMYgxHEYtcyT8cvtvgi1Za5DRs4vArSyvydlnd9f"
	c, err := f.m.Add(ctx, AddRequest{Name: "shop", Provider: "vend", Method: catalog.KindToken, Params: map[string]string{"domain_prefix": "myshop"}, Secret: token})
	if err != nil {
		t.Fatal(err)
	}
	if c.Status != StatusOK || c.ExpiresAt != nil {
		t.Fatalf("status %s, expiry %v; want ok and none", c.Status, c.ExpiresAt)
	}
	if strings.Contains(configFiles(t, f.dir), token) {
		t.Fatal("the token was written to the config directory")
	}
	if keys := f.secrets.Keys(); len(keys) != 1 {
		t.Fatalf("keyring items %v, want one", keys)
	}
	header, _, err := f.m.Snippet(ctx, "shop", render.FormatHeader, "")
	if err != nil || header != "Authorization: Bearer "+token {
		t.Fatalf("header = %q, %v", header, err)
	}
	curl, _, err := f.m.Snippet(ctx, "shop", render.FormatCurl, "")
	if err != nil || !strings.Contains(curl, "https://myshop.vendhq.com/api/products") {
		t.Fatalf("curl = %q, %v", curl, err)
	}
	if err := f.m.Remove(ctx, "shop"); err != nil {
		t.Fatal(err)
	}
	if keys := f.secrets.Keys(); len(keys) != 0 {
		t.Fatalf("secrets left after remove: %v", keys)
	}
	if conns, _ := f.m.List(); len(conns) != 0 {
		t.Fatalf("metadata left after remove: %v", conns)
	}
	if err := f.m.Remove(ctx, "shop"); !errors.Is(err, ErrNotFound) {
		t.Fatalf("second remove: %v", err)
	}
}

// Bad input gets an error in words and changes nothing stored.
func TestAddRefusesBadInputAndChangesNothing(t *testing.T) {
	f := newFixture(t, Options{})
	ctx := context.Background()
	if _, err := f.m.Add(ctx, AddRequest{Name: "shop", Provider: "vend", Method: catalog.KindToken, Params: map[string]string{"domain_prefix": "shop"}, Secret: "t"}); err != nil {
		t.Fatal(err)
	}
	before := configFiles(t, f.dir)
	cases := []struct {
		name string
		req  AddRequest
		want string
		in   Input // the input the error points at
	}{
		{"unknown provider", AddRequest{Name: "x", Provider: "nope", Secret: "t"}, `no provider "nope"`, InputProvider},
		{"unknown method", AddRequest{Name: "x", Provider: "vcita", Method: catalog.KindToken, Secret: "t"}, `no method "token"`, InputMethod},
		{"duplicate name", AddRequest{Name: "shop", Provider: "vend", Method: catalog.KindToken, Params: map[string]string{"domain_prefix": "shop"}, Secret: "t"}, "already exists", InputName},
		{"empty secret", AddRequest{Name: "x", Provider: "vend", Method: catalog.KindToken}, "no personal token", InputSecret},
		{"bad name", AddRequest{Name: "../etc", Provider: "vend", Method: catalog.KindToken, Params: map[string]string{"domain_prefix": "shop"}, Secret: "t"}, "not a usable name", InputName},
		{"hostile param", AddRequest{Name: "x", Provider: "vend", Method: catalog.KindToken, Secret: "t", Params: map[string]string{"domain_prefix": "evil.example.net/x?"}}, "only letters, digits and hyphens", InputParam},
		{"undeclared param", AddRequest{Name: "x", Provider: "vcita", Secret: "s", ClientID: "c", Params: map[string]string{"tenant": "a"}}, `no parameter "tenant"`, InputParam},
		{"oauth without client id", AddRequest{Name: "x", Provider: "vend", Secret: "s"}, "client ID", InputClientID},
		{"oauth without secret", AddRequest{Name: "x", Provider: "vend", ClientID: "c"}, "client secret", InputClientSecret},
		{"basic without user", AddRequest{Name: "x", Provider: "vinli", Method: catalog.KindBasic, Secret: "s"}, "needs the app ID", InputUser},
		{"public redirect", AddRequest{Name: "x", Provider: "vend", ClientID: "c", Secret: "s", RedirectURI: "https://example.com/cb"}, "loopback", InputRedirectURI},
		{"expiry on oauth", AddRequest{Name: "x", Provider: "vend", ClientID: "c", Secret: "s", ExpiresAt: new(time.Time)}, "only for pasted credentials", InputExpires},
		{"line break", AddRequest{Name: "x", Provider: "vend", Method: catalog.KindToken, Params: map[string]string{"domain_prefix": "shop"}, Secret: "a\nb"}, "line break", InputSecret},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := f.m.Add(ctx, tc.req)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("err = %v, want it to mention %q", err, tc.want)
			}
			if e, ok := AsError(err); !ok || e.Input != tc.in {
				t.Fatalf("err = %#v, want a typed error about %q", err, tc.in)
			}
			if strings.Contains(err.Error(), "--") || strings.Contains(err.Error(), "authdeck ") {
				t.Fatalf("err = %v: the core named a command-line flag or command", err)
			}
			if configFiles(t, f.dir) != before {
				t.Fatal("the config directory changed")
			}
			if keys := f.secrets.Keys(); len(keys) != 1 {
				t.Fatalf("keyring items %v, want only the first connection's", keys)
			}
		})
	}
}

// A keyring that refuses a write leaves no metadata behind.
func TestAddWithFailingKeyringStoresNothing(t *testing.T) {
	f := newFixture(t, Options{Secrets: failingStore{}})
	_, err := f.m.Add(context.Background(), AddRequest{Name: "shop", Provider: "vend", Method: catalog.KindToken, Params: map[string]string{"domain_prefix": "shop"}, Secret: "t"})
	if err == nil || !strings.Contains(err.Error(), "keyring is locked") {
		t.Fatalf("err = %v", err)
	}
	if conns, _ := f.m.List(); len(conns) != 0 {
		t.Fatalf("metadata stored without its secret: %v", conns)
	}
}

type failingStore struct{}

func (failingStore) Get(string) (string, error) { return "", errors.New("the keyring is locked") }
func (failingStore) Set(string, string) error   { return errors.New("the keyring is locked") }
func (failingStore) Delete(string) error        { return errors.New("the keyring is locked") }

// An API key without a date gets the provider's stated lifetime, and its
// status moves from ok to expiring to expired as time passes.
func TestAPIKeyExpiryAndStatus(t *testing.T) {
	f := newFixture(t, Options{})
	ctx := context.Background()
	c, err := f.m.Add(ctx, AddRequest{Name: "reports", Provider: "vinsight", Method: catalog.KindAPIKey, Secret: "KEY-1"})
	if err != nil {
		t.Fatal(err)
	}
	want := f.clock.Now().Add(365 * 24 * time.Hour)
	if c.ExpiresAt == nil || !c.ExpiresAt.Equal(want) {
		t.Fatalf("expires %v, want %v", c.ExpiresAt, want)
	}
	steps := []struct {
		advance time.Duration
		status  Status
	}{
		{0, StatusOK},
		{357 * 24 * time.Hour, StatusOK},
		{3 * 24 * time.Hour, StatusExpiring},
		{5 * 24 * time.Hour, StatusExpired},
	}
	for _, s := range steps {
		f.clock.Advance(s.advance)
		got, _ := f.m.Get("reports")
		if got.Status != s.status {
			t.Fatalf("after %s: status %s, want %s (%+v)", s.advance, got.Status, s.status, CountdownAt(got, f.clock.Now()))
		}
	}
	// A key that goes in the URL has no header line (issue 15.4): the URL form carries it.
	withKey, _, _ := f.m.Snippet(ctx, "reports", render.FormatURL, "")
	if !strings.HasSuffix(withKey, "?api-key=KEY-1") {
		t.Fatalf("url = %q", withKey)
	}
	// An auto-extended key: the user sets a new date.
	later := f.clock.Now().Add(90 * 24 * time.Hour)
	c, err = f.m.SetExpiry(ctx, "reports", &later)
	if err != nil || c.Status != StatusOK || c.ExpiryEstimated {
		t.Fatalf("after SetExpiry: %+v, %v", c, err)
	}
}

// The Vinli seed's App ID and Secret give exactly the seed's header.
func TestBasicMatchesSeed(t *testing.T) {
	f := newFixture(t, Options{})
	_, err := f.m.Add(context.Background(), AddRequest{Name: "fleet", Provider: "vinli", Method: catalog.KindBasic, User: "c87d5be0-2e69-11e4-8c21-0800200c9a66", Secret: "HKLFFoSILb8VHFJD"})
	if err != nil {
		t.Fatal(err)
	}
	got, _, err := f.m.Snippet(context.Background(), "fleet", render.FormatHeader, "")
	if want := "Authorization: Basic Yzg3ZDViZTAtMmU2OS0xMWU0LThjMjEtMDgwMDIwMGM5YTY2OkhLTEZGb1NJTGI4VkhGSkQ="; got != want || err != nil {
		t.Fatalf("header = %q, %v; want %q", got, err, want)
	}
}

// countingTransport counts refresh-token grants on their way to the provider.
type countingTransport struct{ refreshes atomic.Int32 }

func (c *countingTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	if r.Method == http.MethodPost && strings.HasSuffix(r.URL.Path, "/token") && r.Body != nil {
		if body, err := r.GetBody(); err == nil {
			buf := make([]byte, 4096)
			n, _ := body.Read(buf)
			if strings.Contains(string(buf[:n]), "grant_type=refresh_token") {
				c.refreshes.Add(1)
			}
		}
	}
	return http.DefaultTransport.RoundTrip(r)
}

// The sandbox flow end to end through the Manager: connect in the (stand-in)
// browser, check, then refresh with rotation before the token expires, and
// exactly one refresh when many callers want the token at once.
func TestSandboxConnectCheckRefresh(t *testing.T) {
	counter := &countingTransport{}
	f := newFixture(t, Options{OpenBrowser: standin.Browser("approve"), HTTP: &http.Client{Transport: counter, Timeout: 10 * time.Second}})
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	port := standin.FreePort(t)
	if _, err := f.m.Add(ctx, AddRequest{Name: "demo", Provider: "sandbox", Params: map[string]string{"port": port}}); err != nil {
		t.Fatal(err)
	}
	var redirect string
	c, err := f.m.Connect(ctx, "demo", ConnectOptions{Listening: func(r, _ string) { redirect = r }})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(redirect, "http://127.0.0.1:") || c.Status != StatusOK || !c.Refreshable {
		t.Fatalf("after connect: redirect %q, %+v", redirect, c)
	}
	first, err := f.m.Credential(ctx, "demo")
	if err != nil || !strings.HasPrefix(first.Value, "Bearer ") {
		t.Fatalf("credential %+v, %v", first, err)
	}
	if strings.Contains(configFiles(t, f.dir), first.Secret) {
		t.Fatal("the access token was written to the config directory")
	}
	res, err := f.m.Check(ctx, "demo")
	if err != nil || !res.OK || res.Account == "" {
		t.Fatalf("check = %+v, %v", res, err)
	}

	// Move into the refresh margin: twenty callers, one refresh.
	f.clock.Advance(9*time.Minute + 30*time.Second)
	var wg sync.WaitGroup
	tokens := make([]string, 20)
	for i := range tokens {
		wg.Add(1)
		go func() {
			defer wg.Done()
			cred, err := f.m.Credential(ctx, "demo")
			if err != nil {
				t.Error(err)
				return
			}
			tokens[i] = cred.Secret
		}()
	}
	wg.Wait()
	if n := counter.refreshes.Load(); n != 1 {
		t.Fatalf("%d refreshes, want exactly 1", n)
	}
	for _, tok := range tokens {
		if tok == first.Secret || tok != tokens[0] {
			t.Fatalf("callers got different or stale tokens")
		}
	}
	// The provider revoked the previous access token on refresh; Authdeck
	// hands out and checks with the new one.
	if status := userinfoStatus(t, port, first.Secret); status != http.StatusUnauthorized {
		t.Fatalf("the old access token still works (%d): the sandbox should revoke it on refresh", status)
	}
	if res, err := f.m.Check(ctx, "demo"); err != nil || !res.OK {
		t.Fatalf("check after refresh = %+v, %v", res, err)
	}
	// A forced refresh rotates again and the new refresh token works.
	if _, err := f.m.Refresh(ctx, "demo"); err != nil {
		t.Fatal(err)
	}
	if _, err := f.m.Refresh(ctx, "demo"); err != nil {
		t.Fatalf("the rotated refresh token was not kept: %v", err)
	}
	if n := counter.refreshes.Load(); n != 3 {
		t.Fatalf("%d refreshes, want 3", n)
	}
}

// A denied consent stores nothing and says so.
func TestSandboxDenied(t *testing.T) {
	f := newFixture(t, Options{OpenBrowser: standin.Browser("deny")})
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	if _, err := f.m.Add(ctx, AddRequest{Name: "demo", Provider: "sandbox", Params: map[string]string{"port": standin.FreePort(t)}}); err != nil {
		t.Fatal(err)
	}
	_, err := f.m.Connect(ctx, "demo", ConnectOptions{})
	if err == nil || !strings.Contains(err.Error(), "denied") {
		t.Fatalf("err = %v, want access denied", err)
	}
	c, _ := f.m.Get("demo")
	if c.Status != StatusNeedsConnect {
		t.Fatalf("status %s after denial", c.Status)
	}
}

func userinfoStatus(t *testing.T, port, token string) int {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, "http://127.0.0.1:"+port+"/userinfo", nil)
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp.StatusCode
}

// sessionProvider behaves as Vinsight's cookie login: POST the login
// address with Basic email:password, get a session cookie, send it after.
type sessionProvider struct {
	mu       sync.Mutex
	sessions map[string]bool
	logins   int
}

func (p *sessionProvider) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	p.mu.Lock()
	defer p.mu.Unlock()
	switch r.URL.Path {
	case "/LoginContexts":
		user, pw, ok := r.BasicAuth()
		if r.Method != http.MethodPost || r.URL.Query().Get("accept-types") != "json" || !ok || user != "ann@example.com" || pw != "pa:ss'$(x)" {
			w.WriteHeader(http.StatusUnauthorized)
			return
		}
		p.logins++
		id := "s" + strconv.Itoa(p.logins)
		p.sessions[id] = true
		http.SetCookie(w, &http.Cookie{Name: "ASP.NET_SessionId", Value: id, Path: "/"})
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(`{"ok":true}`))
	case "/LoginContexts/Current.json":
		c, err := r.Cookie("ASP.NET_SessionId")
		if err != nil || !p.sessions[c.Value] {
			w.WriteHeader(http.StatusUnauthorized)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(`{"User":{"Email":"ann@example.com"}}`))
	default:
		http.NotFound(w, r)
	}
}

func (p *sessionProvider) expireAll() {
	p.mu.Lock()
	defer p.mu.Unlock()
	clear(p.sessions)
}

// A session connection logs in when first needed, keeps its cookie in the
// keyring, and logs in again when the cookie stops working.
func TestSessionLoginAndRelogin(t *testing.T) {
	prov := &sessionProvider{sessions: map[string]bool{}}
	srv := httptest.NewServer(prov)
	defer srv.Close()
	f := newFixture(t, Options{})
	def := `{"id":"vinsight-test","name":"Vinsight (test)","methods":[{"kind":"session","label":"Sign in",` +
		`"login_url":"` + srv.URL + `/LoginContexts?accept-types=json","apply":{"header":"Cookie"},` +
		`"check_url":"` + srv.URL + `/LoginContexts/Current.json"}]}`
	if err := os.MkdirAll(filepath.Join(f.dir, "providers.d"), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(f.dir, "providers.d", "vinsight-test.json"), []byte(def), 0o600); err != nil {
		t.Fatal(err)
	}
	m, err := Open(Options{ConfigDir: f.dir, Secrets: f.secrets, Now: f.clock.Now})
	if err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	ctx := context.Background()
	if _, err := m.Add(ctx, AddRequest{Name: "books", Provider: "vinsight-test", User: "ann@example.com", Secret: "pa:ss'$(x)"}); err != nil {
		t.Fatal(err)
	}
	header, _, err := m.Snippet(ctx, "books", render.FormatHeader, "")
	if err != nil || header != "Cookie: ASP.NET_SessionId=s1" {
		t.Fatalf("header = %q, %v", header, err)
	}
	if strings.Contains(configFiles(t, f.dir), "ASP.NET_SessionId=s1") {
		t.Fatal("the session cookie was written to the config directory")
	}
	res, err := m.Check(ctx, "books")
	if err != nil || !res.OK || res.Account != "ann@example.com" || prov.logins != 1 {
		t.Fatalf("check = %+v, %v, logins %d", res, err, prov.logins)
	}
	prov.expireAll()
	res, err = m.Check(ctx, "books")
	if err != nil || !res.OK || prov.logins != 2 {
		t.Fatalf("check after the session expired = %+v, %v, logins %d (want a second login)", res, err, prov.logins)
	}
	if header, _, _ := m.Snippet(ctx, "books", render.FormatHeader, ""); header != "Cookie: ASP.NET_SessionId=s2" {
		t.Fatalf("the new cookie was not kept: %q", header)
	}
	// A wrong password is reported in words and never turns into a cookie.
	if _, err := m.Add(ctx, AddRequest{Name: "wrong", Provider: "vinsight-test", User: "ann@example.com", Secret: "nope"}); err != nil {
		t.Fatal(err)
	}
	if _, err := m.Credential(ctx, "wrong"); err == nil || !strings.Contains(err.Error(), "not accepted") {
		t.Fatalf("wrong password: %v", err)
	}
}

// A corrected "unconfirmed" address is saved as the person's own definition
// and used at once; an unsafe one is refused and nothing is written.
func TestConfirmValue(t *testing.T) {
	f := newFixture(t, Options{})
	if _, err := f.m.Catalog().ConfirmValue("vcita", catalog.KindOAuth, "authorize_url", "http://intandem.example/authorize"); err == nil {
		t.Fatal("a plain-http address was accepted")
	}
	if _, err := os.Stat(f.m.Catalog().ProviderFile("vcita")); !os.IsNotExist(err) {
		t.Fatalf("a refused correction wrote %s", f.m.Catalog().ProviderFile("vcita"))
	}
	p, err := f.m.Catalog().ConfirmValue("vcita", catalog.KindOAuth, "authorize_url", "https://intandem.example/oauth/authorize")
	if err != nil {
		t.Fatal(err)
	}
	meth, _ := p.Method(catalog.KindOAuth)
	if meth.AuthorizeURL != "https://intandem.example/oauth/authorize" || meth.IsUnconfirmed("authorize_url") || p.BuiltIn() {
		t.Fatalf("not applied: %+v", meth)
	}
	// The next Manager (the next start) reads the same correction.
	m2, err := Open(Options{ConfigDir: f.dir, Secrets: f.secrets})
	if err != nil {
		t.Fatal(err)
	}
	p2, _ := m2.Catalog().Provider("vcita")
	if meth2, _ := p2.Method(catalog.KindOAuth); meth2.AuthorizeURL != meth.AuthorizeURL {
		t.Fatalf("correction not kept: %s", meth2.AuthorizeURL)
	}
	if _, err := f.m.Catalog().ConfirmValue("vcita", catalog.KindOAuth, "token_url", "https://x.example/t"); err == nil {
		t.Fatal("a confirmed field was changed as if unconfirmed")
	}
}

// The core says what is wrong and what fixes it as values; the words (and any
// command line) are the front ends'.
func TestStatusAndRemedyAreValues(t *testing.T) {
	f := newFixture(t, Options{})
	c, err := f.m.Add(context.Background(), AddRequest{Name: "my shop", Provider: "vend", ClientID: "c", Secret: "s"})
	if err != nil {
		t.Fatal(err)
	}
	if c.Status != StatusNeedsConnect || RemedyFor(c, c.Status) != RemedySignIn {
		t.Fatalf("status %q, remedy %q", c.Status, RemedyFor(c, c.Status))
	}
}
