package auth

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"authdeck/auth/catalog"
	"authdeck/auth/oauth"
	"authdeck/auth/secret"
	"authdeck/auth/store"
	"authdeck/internal/standin"
)

// One rule decides status for the window, the CLI, the report and
// notifications.
func TestStatusAt(t *testing.T) {
	now := time.Date(2026, 11, 30, 12, 0, 0, 0, time.UTC)
	at := func(d time.Duration) *time.Time { x := now.Add(d); return &x }
	connected := at(-time.Hour)
	week := 7 * 24 * time.Hour
	cases := []struct {
		name string
		c    Connection
		want Status
	}{
		{"fault wins", Connection{Fault: FaultRejected, ConnectedAt: connected, ExpiresAt: at(week * 4)}, StatusError},
		{"not signed in", Connection{ExpiresAt: at(week * 4)}, StatusNeedsConnect},
		{"renews itself", Connection{ConnectedAt: connected, Refreshable: true, ExpiresAt: at(-time.Hour)}, StatusOK},
		{"no expiry", Connection{ConnectedAt: connected}, StatusOK},
		{"expired", Connection{ConnectedAt: connected, ExpiresAt: at(0)}, StatusExpired},
		{"inside the window", Connection{ConnectedAt: connected, ExpiresAt: at(week)}, StatusExpiring},
		{"outside the window", Connection{ConnectedAt: connected, ExpiresAt: at(week + time.Second)}, StatusOK},
	}
	for _, tc := range cases {
		if got := StatusAt(tc.c, now, week); got != tc.want {
			t.Errorf("%s: StatusAt = %s, want %s", tc.name, got, tc.want)
		}
	}
}

// A typed date means the end of that day, wherever it is typed.
func TestParseDateMeansTheEndOfThatDay(t *testing.T) {
	loc := time.FixedZone("NZDT", 13*3600)
	got, err := ParseDate("2026-12-31", loc)
	if err != nil {
		t.Fatal(err)
	}
	if want := time.Date(2026, 12, 31, 23, 59, 59, 0, loc); !got.Equal(want) {
		t.Errorf("ParseDate = %v, want %v", got, want)
	}
	if FormatDate(got, loc) != "2026-12-31" {
		t.Errorf("FormatDate = %s", FormatDate(got, loc))
	}
	if _, err := ParseDate("31/12/2026", loc); err == nil {
		t.Error("a day-first date was accepted")
	} else if e, ok := AsError(err); !ok || e.Input != InputExpires {
		t.Errorf("err = %#v, want a typed error about the expiry", err)
	}
}

// A warning window changed in one process reaches every other one at once:
// the Manager keeps no start-up copy.
func TestWarningWindowIsSharedAndCurrent(t *testing.T) {
	f := newFixture(t, Options{})
	other, err := Open(Options{ConfigDir: f.dir, Secrets: f.secrets, Now: f.clock.Now})
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	ctx := context.Background()
	in10 := f.clock.Now().Add(10 * 24 * time.Hour)
	if _, err := f.m.Add(ctx, AddRequest{Name: "key", Provider: "vend", Method: catalog.KindToken, Params: map[string]string{"domain_prefix": "shop"}, Secret: "tok", ExpiresAt: &in10}); err != nil {
		t.Fatal(err)
	}
	if c, _ := other.Get("key"); c.Status != StatusOK || other.Settings().ExpiringDays() != DefaultExpiringDays {
		t.Fatalf("with the default window: %s, %d days", c.Status, other.Settings().ExpiringDays())
	}
	if err := f.m.Settings().SetExpiringWithin(14); err != nil {
		t.Fatal(err)
	}
	if c, _ := other.Get("key"); c.Status != StatusExpiring {
		t.Fatalf("after a 14-day window was set elsewhere: %s", c.Status)
	}
	if err := f.m.Settings().SetExpiringWithin(0); err == nil {
		t.Error("a 0-day window was accepted")
	}
}

// Replace keeps the name, owner, note and creation; the new secret and date
// take effect and an old rejection no longer counts.
func TestReplaceKeepsTheConnection(t *testing.T) {
	f := newFixture(t, Options{})
	ctx := context.Background()
	past := f.clock.Now().Add(-24 * time.Hour)
	c, err := f.m.Add(ctx, AddRequest{Name: "reports", Provider: "vend", Method: catalog.KindToken, Params: map[string]string{"domain_prefix": "shop"}, Secret: "old-token",
		ExpiresAt: &past, Owner: "Ana \x1b[31m(finance)", Note: "for the\nnightly export"})
	if err != nil {
		t.Fatal(err)
	}
	if c.Status != StatusExpired || c.Owner != `Ana \x1b[31m(finance)` {
		t.Fatalf("added: %s, owner %q", c.Status, c.Owner)
	}
	later := f.clock.Now().Add(90 * 24 * time.Hour)
	c, err = f.m.Replace(ctx, "reports", "new-token", &later)
	if err != nil {
		t.Fatal(err)
	}
	if c.Status != StatusOK || c.Note != "for the\nnightly export" || !c.CreatedAt.Equal(f.clock.Now()) || c.ExpiryEstimated {
		t.Fatalf("after replace: %+v", c)
	}
	cred, err := f.m.Credential(ctx, "reports")
	if err != nil || cred.Secret != "new-token" {
		t.Fatalf("credential %q, %v", cred.Secret, err)
	}
	if _, err := f.m.Replace(ctx, "reports", "", nil); err == nil {
		t.Error("an empty secret replaced the key")
	}
	if c, err = f.m.SetDetails(ctx, "reports", Details{Owner: c.Owner, Note: c.Note}, Details{Owner: "Ben"}); err != nil || c.Owner != "Ben" || c.Note != "" {
		t.Fatalf("SetDetails: %+v, %v", c, err)
	}
}

// A Vinsight sign-in invalidates earlier tokens of the organisation ("all
// prior tokens for this Vinsight Organisation"): the other connections of
// that organisation say so instead of failing later with 401. Issue 20.4:
// the same app (client ID) signed in to another organisation, or to one
// not known, replaces nothing.
func TestVinsightSignInMarksEarlierConnectionsReplaced(t *testing.T) {
	orgOf := map[string]string{"at-old": "Winery A", "at-other org": "Winery B", "at-new": "Winery A"}
	f := newFixture(t, Options{HTTP: &http.Client{Transport: roundTrip(func(r *http.Request) (*http.Response, error) {
		org, ok := orgOf[r.Header.Get("X-Access")]
		if !ok || r.URL.Path != "/LoginContexts/Current.json" {
			return &http.Response{StatusCode: http.StatusUnauthorized, Body: io.NopCloser(strings.NewReader("")), Header: http.Header{}}, nil
		}
		return &http.Response{StatusCode: http.StatusOK, Header: http.Header{"Content-Type": {"application/json"}},
			Body: io.NopCloser(strings.NewReader(`{"name":"` + org + `"}`))}, nil
	})}})
	ctx := context.Background()
	for _, name := range []string{"old", "new", "other org", "unknown org"} {
		if _, err := f.m.Add(ctx, AddRequest{Name: name, Provider: "vinsight", ClientID: "app-1", Secret: "cs"}); err != nil {
			t.Fatal(err)
		}
	}
	for _, name := range []string{"old", "other org", "unknown org", "new"} {
		cn, err := f.m.resolve(name)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := f.m.storeAuthorized(ctx, cn, secrets{ClientSecret: "cs"}, oauth.Result{Token: oauth.Token{AccessToken: "at-" + name}}); err != nil {
			t.Fatal(err)
		}
		if name != "new" {
			_, _ = f.m.Check(ctx, name) // what a person's check records
		}
	}
	cn, _ := f.m.resolve("new")
	cn = f.m.learnOrganisation(ctx, cn)
	f.m.markReplaced(ctx, cn)
	old, _ := f.m.Get("old")
	if old.Status != StatusError || old.Fault != FaultReplaced || old.ReplacedBy != "new" || RemedyFor(old, old.Status) != RemedySignIn {
		t.Fatalf("old: %+v", old)
	}
	for _, name := range []string{"new", "other org"} {
		if c, _ := f.m.Get(name); c.Status != StatusOK {
			t.Errorf("%s: %s (%s)", name, c.Status, c.Fault)
		}
	}
	if c, _ := f.m.Get("unknown org"); c.ReplacedBy != "" {
		t.Errorf("a connection of an organisation not known was marked replaced by %s", c.ReplacedBy)
	}
}

type roundTrip func(*http.Request) (*http.Response, error)

func (f roundTrip) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

// Only values known to be harmless from a token response reach
// connections.json; a token under any other name goes nowhere but the
// keyring, and one left by an older version is dropped at the next change.
func TestTokenResponseExtrasAreAllowListed(t *testing.T) {
	f := newFixture(t, Options{})
	ctx := context.Background()
	if _, err := f.m.Add(ctx, AddRequest{Name: "shop", Provider: "vend", ClientID: "c", Secret: "s"}); err != nil {
		t.Fatal(err)
	}
	cn, _ := f.m.resolve("shop")
	extra := map[string]string{"accessToken": "leak-1", "RefreshToken": "leak-2", "mac_key": "leak-3", "token": "leak-4",
		"domain_prefix": "myshop", "token_id": "42"}
	if _, err := f.m.storeAuthorized(ctx, cn, secrets{ClientSecret: "s"}, oauth.Result{Token: oauth.Token{AccessToken: "at", Extra: extra}}); err != nil {
		t.Fatal(err)
	}
	files := configFiles(t, f.dir)
	for _, leak := range []string{"leak-1", "leak-2", "leak-3", "leak-4"} {
		if strings.Contains(files, leak) {
			t.Errorf("%s reached the config folder", leak)
		}
	}
	if !strings.Contains(files, `"token_id":"42"`) {
		t.Error("a harmless value was dropped")
	}
	// A file written before the allow-list existed.
	path := filepath.Join(f.dir, store.FileName)
	raw, _ := os.ReadFile(path)
	raw = []byte(strings.Replace(string(raw), `"token_id":"42"`, `"token_id":"42","id_token":"leak-5"`, 1))
	if err := os.WriteFile(path, raw, 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := f.m.SetDetails(ctx, "shop", Details{}, Details{Owner: "Ana"}); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(configFiles(t, f.dir), "leak-5") {
		t.Error("an old secret extra survived a change to the connection")
	}
}

// `header NAME` reads connections.json once when no refresh is due.
func TestCredentialReadsTheMetadataOnce(t *testing.T) {
	f := newFixture(t, Options{})
	ctx := context.Background()
	if _, err := f.m.Add(ctx, AddRequest{Name: "shop", Provider: "vend", Method: catalog.KindToken, Secret: "tok",
		Params: map[string]string{"domain_prefix": "myshop"}}); err != nil {
		t.Fatal(err)
	}
	loads := countReads(t, f.m)
	before := loads.Load()
	cred, err := f.m.Credential(ctx, "shop")
	if err != nil || cred.Connection.Name != "shop" {
		t.Fatal(cred, err)
	}
	if n := loads.Load() - before; n != 1 {
		t.Fatalf("Credential read connections.json %d times, want 1", n)
	}
	before = loads.Load()
	if _, _, err := f.m.Snippet(ctx, "shop", "curl", ""); err != nil {
		t.Fatal(err)
	}
	if n := loads.Load() - before; n != 1 {
		t.Fatalf("Snippet read connections.json %d times, want 1", n)
	}
}

// Two config folders on one machine: each one's sandbox tokens are checked
// and refreshed by its own key, even while the other folder's sandbox holds
// the port, and neither answers for the other.
func TestSandboxesOfTwoConfigFoldersDoNotInterfere(t *testing.T) {
	port := standin.FreePort(t)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	folders := make([]*fixture, 2)
	for i := range folders {
		f := newFixture(t, Options{OpenBrowser: standin.Browser("approve"), Secrets: secret.NewMemory(), HTTP: &http.Client{Timeout: 10 * time.Second}})
		folders[i] = f
		if _, err := f.m.Add(ctx, AddRequest{Name: "demo", Provider: "sandbox", Params: map[string]string{"port": port}}); err != nil {
			t.Fatal(err)
		}
	}
	// Folder 0 serves the port first (as an open window would).
	if _, err := folders[0].m.Connect(ctx, "demo", ConnectOptions{}); err != nil {
		t.Fatal(err)
	}
	if _, err := folders[1].m.Connect(ctx, "demo", ConnectOptions{}); err != nil {
		t.Fatalf("the second folder could not sign in while the first one's sandbox held the port: %v", err)
	}
	for i, f := range folders {
		if res, err := f.m.Check(ctx, "demo"); err != nil || !res.OK {
			t.Fatalf("folder %d: check = %+v, %v", i, res, err)
		}
		if c, err := f.m.Refresh(ctx, "demo"); err != nil || c.Status != StatusOK {
			t.Fatalf("folder %d: refresh = %+v, %v", i, c, err)
		}
	}
	var answer struct {
		Proof string `json:"proof"`
	}
	resp, err := http.Get("http://127.0.0.1:" + port + "/.well-known/authdeck-sandbox?challenge=c")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if json.NewDecoder(resp.Body).Decode(&answer) != nil || answer.Proof == "" {
		t.Fatal("the sandbox does not prove whose it is")
	}
}

// A FIFO where connections.json or settings.json should be never hangs a
// command; a settings file others can change is not trusted.
func TestMetadataFilesAreReadSafely(t *testing.T) {
	f := newFixture(t, Options{})
	path := filepath.Join(f.dir, store.FileName)
	if err := mkfifo(path); err != nil {
		t.Skip("no FIFOs here: ", err)
	}
	done := make(chan error, 1)
	go func() { _, err := f.m.List(); done <- err }()
	select {
	case err := <-done:
		if err == nil {
			t.Fatal("a FIFO was read as connections.json")
		}
	case <-time.After(20 * time.Second): // only bounds a hang
		t.Fatal("List hung on a FIFO")
	}
	settings := filepath.Join(f.dir, settingsFile)
	if err := os.WriteFile(settings, []byte(`{"version":1,"expiring_within_days":200}`), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(settings, 0o666); err != nil {
		t.Fatal(err)
	}
	if d := f.m.Settings().ExpiringDays(); d != DefaultExpiringDays {
		t.Errorf("a world-writable settings.json set the window to %d days", d)
	}
	if err := f.m.Settings().SetExpiringWithin(30); err != nil || f.m.Settings().ExpiringDays() != 30 {
		t.Errorf("saving replaced it with a private file: %v, %d", err, f.m.Settings().ExpiringDays())
	}
}

// A pasted secret with control or invisible characters is refused: it would
// be printed as it is by header and token.
func TestPastedSecretWithControlCharactersIsRefused(t *testing.T) {
	f := newFixture(t, Options{})
	for _, bad := range []string{"key\x1b]0;x\x07", "key\u202eyek", "key\u200b", "a\tb"} {
		_, err := f.m.Add(context.Background(), AddRequest{Name: "k", Provider: "vend", Method: catalog.KindToken, Params: map[string]string{"domain_prefix": "shop"}, Secret: bad})
		if e, ok := AsError(err); !ok || e.Input != InputSecret {
			t.Errorf("secret %q: err = %v, want a typed error about the secret", bad, err)
		}
	}
}

// A failed refresh keeps at most a bounded, redacted excerpt of what the
// provider said.
func TestRefreshFailureMessageIsBoundedAndRedacted(t *testing.T) {
	srv := httptestServer(t, func(w http.ResponseWriter, r *http.Request) {
		_ = r.ParseForm()
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusBadRequest)
		_, _ = w.Write([]byte(`{"error":"invalid_grant","error_description":"` + r.Form.Get("refresh_token") + strings.Repeat("x", 100000) + `"}`))
	})
	f := newFixture(t, Options{})
	p, _ := f.m.Catalog().Provider("vend")
	p.ID, p.Name = "fake", "Fake"
	for i := range p.Methods {
		p.Methods[i].TokenURL = srv + "/token"
	}
	if _, err := f.m.Catalog().SaveProvider(p); err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	if _, err := f.m.Add(ctx, AddRequest{Name: "shop", Provider: "fake", ClientID: "c", Secret: "s", Params: map[string]string{"domain_prefix": "x"}}); err != nil {
		t.Fatal(err)
	}
	cn, _ := f.m.resolve("shop")
	if _, err := f.m.storeAuthorized(ctx, cn, secrets{ClientSecret: "s"}, oauth.Result{Token: oauth.Token{AccessToken: "at", RefreshToken: "rt-secret-value", ExpiresAt: f.clock.Now().Add(time.Hour)}}); err != nil {
		t.Fatal(err)
	}
	if _, err := f.m.Refresh(ctx, "shop"); err == nil {
		t.Fatal("the refresh did not fail")
	}
	c, _ := f.m.Get("shop")
	if c.LastRefresh == nil || len(c.LastRefresh.Message) > maxMessage+len("…") || strings.Contains(c.LastRefresh.Message, "rt-secret-value") {
		t.Fatalf("last refresh message: %d bytes, %.80q", len(c.LastRefresh.Message), c.LastRefresh.Message)
	}
}

// httptestServer serves h on loopback for the test and returns its URL.
func httptestServer(t *testing.T, h http.HandlerFunc) string {
	t.Helper()
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return srv.URL
}

// A credential asked for while another process removes the connection is
// "no such connection", not "its secret is missing: remove it".
func TestCredentialDuringARemovalSaysTheConnectionIsGone(t *testing.T) {
	f := newFixture(t, Options{})
	ctx := context.Background()
	if _, err := f.m.Add(ctx, AddRequest{Name: "shop", Provider: "vend", Method: catalog.KindToken, Params: map[string]string{"domain_prefix": "shop"}, Secret: "tok"}); err != nil {
		t.Fatal(err)
	}
	cn, err := f.m.resolve("shop")
	if err != nil {
		t.Fatal(err)
	}
	// The other process: the connection marked, its secret deleted.
	if err := f.m.update(ctx, "shop", func(c *store.Connection) error { c.Removing = true; return nil }); err != nil {
		t.Fatal(err)
	}
	if err := f.secrets.Delete(cn.SecretKey()); err != nil {
		t.Fatal(err)
	}
	if _, _, err := f.m.credential(ctx, cn); !errors.Is(err, ErrNotFound) {
		t.Fatalf("err = %v, want the connection reported gone", err)
	}
}
