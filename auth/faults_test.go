package auth

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"reflect"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
	"unicode/utf8"

	"authdeck/auth/catalog"
	"authdeck/auth/secret"
	"authdeck/auth/store"
	"authdeck/internal/secrettest"
)

// Fault injection against every request Authdeck makes to a provider: the
// token exchange, the refresh, the who-am-I check and the session login.

// The faults a provider endpoint can be switched into.
const (
	faultRefused  = "refused"  // nothing listens (the transport dials a closed port)
	faultTimeout  = "timeout"  // accepts and never answers
	fault500      = "500"      // internal server error, plain text
	faultHTML     = "html"     // an HTML error page with a script in it
	faultBadJSON  = "badjson"  // 200 with truncated JSON
	faultHuge     = "huge"     // 200 with a 50 MB body
	faultRedirect = "redirect" // 307 to another host
	faultNoToken  = "notoken"  // 200 without access_token (or, on login, without a cookie)
)

var allFaults = []string{faultRefused, faultTimeout, fault500, faultHTML, faultBadJSON, faultHuge, faultRedirect, faultNoToken}

const hugeBody = 50 << 20

// faultProvider is an OAuth + session provider on 127.0.0.1 whose endpoints
// can fail one at a time.
type faultProvider struct {
	ts        *httptest.Server
	other     *httptest.Server // where the redirect fault points
	otherHits atomic.Int32
	closed    string // a loopback address nothing listens on
	sent      atomic.Int64
	issued    atomic.Int32
	refreshes atomic.Int32

	mu     sync.Mutex
	faults map[string]string // path → fault
	// onCheck, when set, runs before /me answers and may answer itself.
	onCheck func(w http.ResponseWriter, r *http.Request) bool
	// expires, when set, adds an absolute "expires" to token responses.
	expires func() time.Time
}

func newFaultProvider(t *testing.T) *faultProvider {
	t.Helper()
	fp := &faultProvider{faults: map[string]string{}}
	fp.other = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fp.otherHits.Add(1)
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprint(w, `{"access_token":"stolen","token_type":"Bearer"}`)
	}))
	t.Cleanup(fp.other.Close)
	fp.ts = httptest.NewServer(fp)
	t.Cleanup(fp.ts.Close)
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	fp.closed = l.Addr().String()
	l.Close()
	return fp
}

func (fp *faultProvider) set(path, fault string) {
	fp.mu.Lock()
	defer fp.mu.Unlock()
	fp.faults[path] = fault
}

func (fp *faultProvider) fault(path string) string {
	fp.mu.Lock()
	defer fp.mu.Unlock()
	return fp.faults[path]
}

// definition is the providers.d file for this provider.
func (fp *faultProvider) definition() string {
	b := fp.ts.URL
	return fmt.Sprintf(`{"id":"faulty","name":"Faulty","methods":[
 {"kind":"oauth","label":"Sign in","authorize_url":%q,"token_url":%q,"client_auth":"body","refresh":true,"any_port":true,
  "apply":{"header":"Authorization","scheme":"Bearer"},"check_url":%q},
 {"kind":"session","label":"Cookie login","login_url":%q,"user_label":"Email","secret_label":"Password",
  "apply":{"header":"Cookie"},"check_url":%q}]}`, b+"/authorize", b+"/token", b+"/me", b+"/login", b+"/me")
}

func (fp *faultProvider) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.URL.Path == "/authorize" {
		q := r.URL.Query()
		back, _ := url.Parse(q.Get("redirect_uri"))
		v := back.Query()
		v.Set("code", "code-"+q.Get("state")[:8])
		v.Set("state", q.Get("state"))
		back.RawQuery = v.Encode()
		http.Redirect(w, r, back.String(), http.StatusFound)
		return
	}
	switch fp.fault(r.URL.Path) {
	case faultTimeout:
		// Read the request first: only then does the server notice the
		// client hanging up, which ends the wait.
		_, _ = io.Copy(io.Discard, r.Body)
		select {
		case <-r.Context().Done():
		case <-time.After(3 * time.Second):
		}
		return
	case fault500:
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	case faultHTML:
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.WriteHeader(http.StatusServiceUnavailable)
		fmt.Fprint(w, `<!doctype html><html><head><title>Down for maintenance</title><script>alert("x")</script></head><body><h1>We&#39;ll be back</h1></body></html>`)
		return
	case faultBadJSON:
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprint(w, `{"access_token": "half-a-token", "expires_in": 6`)
		return
	case faultHuge:
		w.Header().Set("Content-Type", "application/json")
		chunk := []byte(strings.Repeat("a", 64<<10))
		n, _ := w.Write([]byte(`{"access_token":"`))
		fp.sent.Add(int64(n))
		for fp.sent.Load() < hugeBody {
			n, err := w.Write(chunk)
			fp.sent.Add(int64(n))
			if err != nil {
				return
			}
		}
		return
	case faultRedirect:
		http.Redirect(w, r, fp.other.URL+r.URL.Path, http.StatusTemporaryRedirect)
		return
	case faultNoToken:
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprint(w, `{"token_type":"Bearer","expires_in":600}`)
		return
	}
	switch r.URL.Path {
	case "/token":
		_ = r.ParseForm()
		if r.PostForm.Get("grant_type") == "refresh_token" {
			fp.refreshes.Add(1)
		}
		n := fp.issued.Add(1)
		w.Header().Set("Content-Type", "application/json")
		extra := ""
		if fp.expires != nil {
			extra = fmt.Sprintf(`,"expires":%d`, fp.expires().Unix())
		}
		fmt.Fprintf(w, `{"access_token":"acc-%d","refresh_token":"ref-%d","token_type":"Bearer","expires_in":600%s}`, n, n, extra)
	case "/me":
		if fp.onCheck != nil && fp.onCheck(w, r) {
			return
		}
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprint(w, `{"email":"me@example.test"}`)
	case "/login":
		http.SetCookie(w, &http.Cookie{Name: "sid", Value: fmt.Sprintf("session-%d", fp.issued.Add(1))})
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprint(w, `{}`)
	default:
		http.NotFound(w, r)
	}
}

// refuseTransport sends a request for a "refused" endpoint to a closed port.
type refuseTransport struct{ fp *faultProvider }

func (rt refuseTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	if rt.fp.fault(r.URL.Path) == faultRefused && r.URL.Host == strings.TrimPrefix(rt.fp.ts.URL, "http://") {
		r = r.Clone(r.Context())
		r.URL.Host = rt.fp.closed
	}
	return http.DefaultTransport.RoundTrip(r)
}

// followingBrowser opens the authorize URL and follows its redirect to the
// loopback callback, as a browser would after consent.
func followingBrowser(u string) error {
	go func() {
		if resp, err := http.Get(u); err == nil {
			resp.Body.Close()
		}
	}()
	return nil
}

// newFaultFixture is a Manager whose catalog holds the fault provider, with
// "web" (oauth) signed in, and "sess" (session) added but not yet logged in.
func newFaultFixture(t *testing.T) (*fixture, *faultProvider) {
	t.Helper()
	fp := newFaultProvider(t)
	dir := t.TempDir()
	if err := os.MkdirAll(filepath.Join(dir, "providers.d"), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "providers.d", "faulty.json"), []byte(fp.definition()), 0o600); err != nil {
		t.Fatal(err)
	}
	f := &fixture{dir: dir, secrets: secrettest.NewMemory(), clock: newClock()}
	m, err := Open(Options{
		ConfigDir: dir, Secrets: f.secrets, Now: f.clock.Now, OpenBrowser: followingBrowser,
		HTTP: &http.Client{Timeout: 700 * time.Millisecond, Transport: refuseTransport{fp}},
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(m.Catalog().CatalogProblems()) > 0 {
		t.Fatalf("fault provider refused: %v", m.Catalog().CatalogProblems())
	}
	t.Cleanup(m.Close)
	f.m = m
	ctx := context.Background()
	if _, err := m.Add(ctx, AddRequest{Name: "web", Provider: "faulty", ClientID: "cid", Secret: "client-secret-web"}); err != nil {
		t.Fatal(err)
	}
	if _, err := m.Add(ctx, AddRequest{Name: "sess", Provider: "faulty", Method: catalog.KindSession, User: "me@example.test", Secret: "password-sess"}); err != nil {
		t.Fatal(err)
	}
	if _, err := m.Connect(withDeadline(t, 10*time.Second), "web", ConnectOptions{}); err != nil {
		t.Fatalf("connect before the fault: %v", err)
	}
	return f, fp
}

func withDeadline(t *testing.T, d time.Duration) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), d)
	t.Cleanup(cancel)
	return ctx
}

// snapshot is everything stored about the credentials: every keyring item
// and the metadata that describes them (outcomes of checks and refreshes,
// which a failure is supposed to record, left out).
type snapshot struct {
	secrets map[string]string
	conns   []store.Connection
}

func takeSnapshot(t *testing.T, f *fixture) snapshot {
	t.Helper()
	s := snapshot{secrets: map[string]string{}}
	for _, k := range f.secrets.Keys() {
		s.secrets[k], _ = f.secrets.Get(k)
	}
	st, _ := store.Open(f.dir)
	conns, err := st.Load()
	if err != nil {
		t.Fatalf("the metadata no longer loads: %v", err)
	}
	for i := range conns {
		conns[i].LastRefresh, conns[i].LastCheck = nil, nil
	}
	s.conns = conns
	return s
}

// assertReadable: an error a person can act on — bounded, one piece of
// text, no markup, naming where it happened, and holding no secret.
func assertReadable(t *testing.T, msg string, secrets ...string) {
	t.Helper()
	if msg == "" || len(msg) > 700 || !utf8.ValidString(msg) || strings.ContainsAny(msg, "<>") {
		t.Errorf("unreadable message (%d bytes): %q", len(msg), msg)
	}
	if !strings.Contains(msg, "Faulty") && !strings.Contains(msg, "127.0.0.1") {
		t.Errorf("message does not say where it failed: %q", msg)
	}
	for _, s := range secrets {
		if strings.Contains(msg, s) {
			t.Errorf("message holds the secret %q: %q", s, msg)
		}
	}
}

// Every request Authdeck makes, against every fault: a readable error well
// within the timeout, reads bounded, no redirect followed with credentials,
// and the stored credential exactly as it was.
func TestProviderFaultsLeaveCredentialUntouched(t *testing.T) {
	requests := map[string]string{"exchange": "/token", "refresh": "/token", "check": "/me", "login": "/login"}
	for _, req := range []string{"exchange", "refresh", "check", "login"} {
		for _, fault := range allFaults {
			t.Run(req+"/"+fault, func(t *testing.T) {
				f, fp := newFaultFixture(t)
				before := takeSnapshot(t, f)
				fp.set(requests[req], fault)
				fp.sent.Store(0)
				ctx := withDeadline(t, 10*time.Second)
				var mem0, mem1 runtime.MemStats
				runtime.ReadMemStats(&mem0)
				start := time.Now()

				var msg string
				wantFailure := true
				switch req {
				case "exchange":
					_, err := f.m.Connect(ctx, "web", ConnectOptions{})
					msg = errText(err)
				case "refresh":
					_, err := f.m.Refresh(ctx, "web")
					msg = errText(err)
				case "check":
					res, err := f.m.Check(ctx, "web")
					if err != nil {
						t.Fatalf("check returned an error instead of a result: %v", err)
					}
					if res.OK {
						msg = ""
					} else {
						msg = res.Message
					}
					// A 200 whose body is not what was expected still says
					// the credential was accepted.
					wantFailure = fault != faultBadJSON && fault != faultHuge && fault != faultNoToken
				case "login":
					_, err := f.m.Credential(ctx, "sess")
					msg = errText(err)
				}
				elapsed := time.Since(start)
				runtime.ReadMemStats(&mem1)

				if wantFailure {
					assertReadable(t, msg, "client-secret-web", "acc-1", "ref-1", "password-sess", "stolen")
				}
				if elapsed > 5*time.Second {
					t.Errorf("took %s: not bounded by the 700 ms HTTP timeout", elapsed)
				}
				if n := fp.otherHits.Load(); n != 0 {
					t.Errorf("the redirect was followed: the other host got %d requests", n)
				}
				if fault == faultHuge {
					if sent := fp.sent.Load(); sent > 16<<20 {
						t.Errorf("read %d MB of a 50 MB body: reads are not size-limited", sent>>20)
					}
					if grew := mem1.TotalAlloc - mem0.TotalAlloc; grew > 40<<20 {
						t.Errorf("allocated %d MB for a 50 MB body", grew>>20)
					}
				}
				after := takeSnapshot(t, f)
				if !reflect.DeepEqual(before.secrets, after.secrets) {
					t.Errorf("keyring changed:\nbefore %v\nafter  %v", before.secrets, after.secrets)
				}
				if !reflect.DeepEqual(before.conns, after.conns) {
					t.Errorf("metadata changed:\nbefore %+v\nafter  %+v", before.conns, after.conns)
				}
				// The old credential still works once the provider recovers.
				fp.set(requests[req], "")
				if req == "refresh" {
					if _, err := f.m.Refresh(ctx, "web"); err != nil {
						t.Errorf("refresh after recovery (the stored refresh token must still be the valid one): %v", err)
					}
				}
			})
		}
	}
}

func errText(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}

// The computer's clock is an hour ahead of the provider's: a token whose
// response states both a lifetime and an absolute expiry (as Vend's does)
// is not taken as already expired, so it is not refreshed on every use.
func TestClockSkewDoesNotExpireFreshToken(t *testing.T) {
	for _, skew := range []time.Duration{time.Hour, -time.Hour} {
		t.Run(skew.String(), func(t *testing.T) {
			f, fp := newFaultFixture(t)
			// The provider's clock is the fixture's shifted by -skew.
			fp.expires = func() time.Time { return f.clock.Now().Add(-skew).Add(600 * time.Second) }
			ctx := withDeadline(t, 10*time.Second)
			if _, err := f.m.Connect(ctx, "web", ConnectOptions{}); err != nil {
				t.Fatal(err)
			}
			c, _ := f.m.Get("web")
			if c.ExpiresAt == nil || !c.ExpiresAt.After(f.clock.Now()) {
				t.Fatalf("a token just issued for 600 s is stored as expiring at %v (now %v)", c.ExpiresAt, f.clock.Now())
			}
			before := fp.refreshes.Load()
			for range 3 {
				if _, err := f.m.Credential(ctx, "web"); err != nil {
					t.Fatal(err)
				}
			}
			if n := fp.refreshes.Load() - before; n != 0 {
				t.Fatalf("%d refreshes of a token issued a moment ago", n)
			}
		})
	}
}

// A token that expires while the check is in flight (the provider answers
// 401): the check renews the token once and retries, instead of marking a
// refreshable connection as rejected.
func TestTokenExpiresInFlight(t *testing.T) {
	f, fp := newFaultFixture(t)
	ctx := withDeadline(t, 10*time.Second)
	var expiredOnce atomic.Bool
	fp.onCheck = func(w http.ResponseWriter, r *http.Request) bool {
		if r.Header.Get("Authorization") == "Bearer acc-1" && expiredOnce.CompareAndSwap(false, true) {
			// Time passes while the request travels: the token runs out.
			f.clock.Advance(601 * time.Second)
			w.Header().Set("WWW-Authenticate", `Bearer error="invalid_token"`)
			http.Error(w, `{"error":"invalid_token"}`, http.StatusUnauthorized)
			return true
		}
		return false
	}
	res, err := f.m.Check(ctx, "web")
	if err != nil || !res.OK {
		t.Fatalf("check = %+v, %v; want OK after one refresh", res, err)
	}
	if n := fp.refreshes.Load(); n != 1 {
		t.Fatalf("%d refreshes, want 1", n)
	}
	if c, _ := f.m.Get("web"); c.Status != StatusOK {
		t.Fatalf("status %s (%s %s) after a token expired in flight", c.Status, c.Fault, c.FaultDetail)
	}
}

// A keyring that is locked, refuses writes, or fails deletes: each
// operation fails with the keyring's words, and nothing is half-written —
// no metadata without its secret, no secret without its metadata.
func TestKeyringFaultsWriteNothingHalf(t *testing.T) {
	type op struct {
		name string
		run  func(m *Manager) error
	}
	ctx := context.Background()
	ops := []op{
		{"add", func(m *Manager) error {
			_, err := m.Add(ctx, AddRequest{Name: "new", Provider: "vend", Method: catalog.KindToken, Params: map[string]string{"domain_prefix": "shop"}, Secret: "tok-new"})
			return err
		}},
		{"remove", func(m *Manager) error { return m.Remove(ctx, "old") }},
		{"header", func(m *Manager) error { _, err := m.Credential(ctx, "old"); return err }},
	}
	for _, mode := range []string{"locked", "refuses-writes", "refuses-deletes"} {
		for _, o := range ops {
			t.Run(mode+"/"+o.name, func(t *testing.T) {
				ks := &faultyStore{Memory: secrettest.NewMemory()}
				f := newFixture(t, Options{Secrets: ks})
				if _, err := f.m.Add(ctx, AddRequest{Name: "old", Provider: "vend", Method: catalog.KindToken, Params: map[string]string{"domain_prefix": "shop"}, Secret: "tok-old"}); err != nil {
					t.Fatal(err)
				}
				ks.mode.Store(mode)
				err := o.run(f.m)
				wantErr := mode == "locked" || (mode == "refuses-writes" && o.name == "add") || (mode == "refuses-deletes" && o.name == "remove")
				if wantErr && (err == nil || !strings.Contains(err.Error(), "keyring")) {
					t.Fatalf("err = %v, want the keyring's failure in words", err)
				}
				if !wantErr && err != nil {
					t.Fatalf("err = %v", err)
				}
				ks.mode.Store("")
				assertConsistent(t, f.m, ks.Memory)
			})
		}
	}
}

// faultyStore is a keyring that can be locked, or refuse writes or deletes.
type faultyStore struct {
	*secrettest.Memory
	mode atomic.Value // string
}

func (s *faultyStore) m() string { v, _ := s.mode.Load().(string); return v }

var errLocked = &secret.Error{Op: "access", Problem: secret.Locked, Reason: "the keyring is locked"}

func (s *faultyStore) Get(k string) (string, error) {
	if s.m() == "locked" {
		return "", errLocked
	}
	return s.Memory.Get(k)
}

func (s *faultyStore) Set(k, v string) error {
	if s.m() == "locked" || s.m() == "refuses-writes" {
		return &secret.Error{Op: "write", Reason: "the keyring refused the item"}
	}
	return s.Memory.Set(k, v)
}

func (s *faultyStore) Delete(k string) error {
	if s.m() == "locked" || s.m() == "refuses-deletes" {
		return &secret.Error{Op: "delete", Reason: "the keyring refused to delete the item"}
	}
	return s.Memory.Delete(k)
}

// assertConsistent: every listed connection has its own secret, and every
// connection secret belongs to a listed connection.
func assertConsistent(t *testing.T, m *Manager, mem *secrettest.Memory) {
	t.Helper()
	conns, err := m.List()
	if err != nil {
		t.Fatalf("the metadata no longer loads: %v", err)
	}
	listed := map[string]bool{}
	for _, c := range conns {
		listed[store.Connection{Name: c.Name}.SecretKey()] = true
		raw, err := mem.Get(store.Connection{Name: c.Name}.SecretKey())
		if err != nil {
			t.Errorf("%s is listed without its secret", c.Name)
			continue
		}
		if !strings.Contains(raw, "tok-"+c.Name) {
			t.Errorf("%s holds another connection's secret: %s", c.Name, raw)
		}
	}
	for _, k := range mem.Keys() {
		if strings.HasPrefix(k, "connection/") && !listed[k] {
			t.Errorf("orphaned secret %s", k)
		}
	}
}

// A metadata file written by a newer Authdeck is refused by every command
// that would write it, and stays byte for byte as it was.
func TestNewerMetadataRefusedByManager(t *testing.T) {
	f := newFixture(t, Options{})
	newer := []byte(`{"version": 2, "connections": [{"name":"shop","provider":"vend","method":"token","future_field":true}]}`)
	path := filepath.Join(f.dir, store.FileName)
	if err := os.WriteFile(path, newer, 0o600); err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	_, errList := f.m.List()
	_, errAdd := f.m.Add(ctx, AddRequest{Name: "x", Provider: "vend", Method: catalog.KindToken, Params: map[string]string{"domain_prefix": "shop"}, Secret: "t"})
	errRemove := f.m.Remove(ctx, "shop")
	for _, err := range []error{errList, errAdd, errRemove} {
		if err == nil || !strings.Contains(err.Error(), "newer Authdeck") || errors.Is(err, ErrNotFound) {
			t.Errorf("err = %v, want the newer-version refusal", err)
		}
	}
	if got, _ := os.ReadFile(path); string(got) != string(newer) {
		t.Fatalf("the newer file was overwritten: %s", got)
	}
	if keys := f.secrets.Keys(); len(keys) != 0 {
		t.Fatalf("a refused add left a secret: %v", keys)
	}
}

// A process that dies right after deleting the secret of a connection it
// removes (simulated by ending the goroutine inside Delete) leaves the
// connection marked as an interrupted removal, never listed as usable.
func TestInterruptedRemoveIsNotUsable(t *testing.T) {
	ks := &crashingStore{Memory: secrettest.NewMemory()}
	f := newFixture(t, Options{Secrets: ks})
	ctx := context.Background()
	if _, err := f.m.Add(ctx, AddRequest{Name: "old", Provider: "vend", Method: catalog.KindToken, Params: map[string]string{"domain_prefix": "shop"}, Secret: "tok-old"}); err != nil {
		t.Fatal(err)
	}
	ks.crash.Store(true)
	done := make(chan struct{})
	go func() {
		defer close(done)
		_ = f.m.Remove(ctx, "old")
	}()
	<-done
	c, err := f.m.Get("old")
	if err != nil {
		t.Fatalf("the connection vanished although its removal never finished: %v", err)
	}
	if c.Status != StatusError || c.Fault != FaultRemoving || RemedyFor(c, c.Status) != RemedyRemove {
		t.Fatalf("status %s (%q): listed as usable without its secret", c.Status, c.Fault)
	}
	ks.crash.Store(false)
	if err := f.m.Remove(ctx, "old"); err != nil {
		t.Fatalf("removing again: %v", err)
	}
	assertConsistent(t, f.m, ks.Memory)
}

// crashingStore ends the calling goroutine right after a delete, as a kill
// at that instant would end the process.
type crashingStore struct {
	*secrettest.Memory
	crash atomic.Bool
}

func (s *crashingStore) Delete(k string) error {
	err := s.Memory.Delete(k)
	if s.crash.Load() {
		runtime.Goexit()
	}
	return err
}
