//go:build unix

package auth

import (
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"authdeck/auth/secret"
	"authdeck/auth/team"
	"authdeck/internal/fakeclock"
	"authdeck/internal/vaultdev"
)

// rotator is an OAuth provider that rotates refresh tokens, as Vend does:
// only the refresh token issued last works, every other one is refused
// with invalid_grant. It counts the refreshes it granted and refused.
type rotator struct {
	ts       *httptest.Server
	mu       sync.Mutex
	n        int
	current  string // the one refresh token that works
	access   string
	granted  atomic.Int32
	refused  atomic.Int32
	onRotate func() // runs once after a token was issued, before the answer
}

func newRotator(t *testing.T) *rotator {
	t.Helper()
	r := &rotator{}
	r.ts = httptest.NewServer(r)
	t.Cleanup(r.ts.Close)
	return r
}

func (r *rotator) ServeHTTP(w http.ResponseWriter, req *http.Request) {
	switch req.URL.Path {
	case "/authorize":
		q := req.URL.Query()
		back, _ := url.Parse(q.Get("redirect_uri"))
		v := back.Query()
		v.Set("code", "code-1")
		v.Set("state", q.Get("state"))
		back.RawQuery = v.Encode()
		http.Redirect(w, req, back.String(), http.StatusFound)
	case "/token":
		r.token(w, req)
	case "/me":
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprint(w, `{"email":"team@example.test"}`)
	default:
		http.NotFound(w, req)
	}
}

func (r *rotator) token(w http.ResponseWriter, req *http.Request) {
	_ = req.ParseForm()
	r.mu.Lock()
	if req.PostForm.Get("grant_type") == "refresh_token" && req.PostForm.Get("refresh_token") != r.current {
		r.mu.Unlock()
		r.refused.Add(1)
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusBadRequest)
		fmt.Fprint(w, `{"error":"invalid_grant","error_description":"refresh token already used"}`)
		return
	}
	if req.PostForm.Get("grant_type") == "refresh_token" {
		r.granted.Add(1)
	}
	r.n++
	r.access, r.current = fmt.Sprintf("acc-%d", r.n), fmt.Sprintf("ref-%d", r.n)
	access, refresh, hook := r.access, r.current, r.onRotate
	r.onRotate = nil
	r.mu.Unlock()
	if hook != nil {
		hook()
	}
	w.Header().Set("Content-Type", "application/json")
	fmt.Fprintf(w, `{"access_token":%q,"refresh_token":%q,"token_type":"Bearer","expires_in":600}`, access, refresh)
}

func (r *rotator) definition() string {
	b := r.ts.URL
	return fmt.Sprintf(`{"id":"rot","name":"Rotating","methods":[
 {"kind":"oauth","label":"Sign in","authorize_url":%q,"token_url":%q,"client_auth":"body","refresh":true,"any_port":true,
  "apply":{"header":"Authorization","scheme":"Bearer"},"check_url":%q}]}`, b+"/authorize", b+"/token", b+"/me")
}

// machine is one config folder with its own keyring: one colleague's
// computer.
type machine struct {
	m       *Manager
	dir     string
	secrets *secret.Memory
}

func newMachine(t *testing.T, r *rotator, clock *fakeclock.Clock, lease time.Duration) *machine {
	t.Helper()
	mc := &machine{dir: t.TempDir(), secrets: secret.NewMemory()}
	writeProvider(t, mc.dir, r)
	m, err := Open(Options{ConfigDir: mc.dir, Secrets: mc.secrets, Now: clock.Now, OpenBrowser: followingBrowser,
		HTTP: &http.Client{Timeout: 5 * time.Second}, TeamLease: lease})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(m.Close)
	mc.m = m
	return mc
}

func writeProvider(t *testing.T, dir string, r *rotator) {
	t.Helper()
	if err := os.MkdirAll(filepath.Join(dir, "providers.d"), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "providers.d", "rot.json"), []byte(r.definition()), 0o600); err != nil {
		t.Fatal(err)
	}
}

// teamSetup is two machines pointed at one real Vault dev server, with
// "shop" signed in on the first and shared.
type teamSetup struct {
	vault *vaultdev.Server
	prov  *rotator
	clock *fakeclock.Clock
	a, b  *machine
}

func newTeam(t *testing.T, lease time.Duration) *teamSetup {
	t.Helper()
	ts := &teamSetup{vault: vaultdev.Start(t), prov: newRotator(t), clock: newClock()}
	ts.a = newMachine(t, ts.prov, ts.clock, lease)
	ts.b = newMachine(t, ts.prov, ts.clock, lease)
	ctx := withDeadline(t, 30*time.Second)
	for _, mc := range []*machine{ts.a, ts.b} {
		if _, err := mc.m.SetTeamStore(ctx, TeamSettings{Address: ts.vault.Addr, Token: ts.vault.Token}); err != nil {
			t.Fatalf("team set: %v", err)
		}
	}
	if _, err := ts.a.m.Add(ctx, AddRequest{Name: "shop", Provider: "rot", ClientID: "cid", Secret: "client-secret"}); err != nil {
		t.Fatal(err)
	}
	if _, err := ts.a.m.Connect(ctx, "shop", ConnectOptions{}); err != nil {
		t.Fatal(err)
	}
	if _, err := ts.a.m.Share(ctx, "shop"); err != nil {
		t.Fatalf("share: %v", err)
	}
	return ts
}

// The whole flow between two machines: share, list, header, and exactly
// one refresh at the provider when twenty header calls from both machines
// find the rotating token expired — ten times over.
func TestTeamOneRefreshAcrossMachines(t *testing.T) {
	ts := newTeam(t, 0)
	ctx := withDeadline(t, 120*time.Second)
	list, err := ts.b.m.List()
	if err != nil || len(list) != 1 || list[0].Name != "shop" || !list[0].Shared {
		t.Fatalf("machine B lists %+v, %v; want shop, shared", list, err)
	}
	if strings.Contains(configFiles(t, ts.a.dir)+configFiles(t, ts.b.dir), "acc-1") {
		t.Fatal("a shared token reached a file in a config folder")
	}
	cred, err := ts.b.m.Credential(ctx, "shop")
	if err != nil || cred.Value != "Bearer acc-1" {
		t.Fatalf("machine B header = %q, %v; want A's token", cred.Value, err)
	}
	for round := 1; round <= 10; round++ {
		ts.clock.Advance(11 * time.Minute)
		before := ts.prov.granted.Load()
		values := make([]string, 20)
		errs := make([]error, 20)
		var wg sync.WaitGroup
		for i := range 20 {
			mc := ts.a
			if i%2 == 1 {
				mc = ts.b
			}
			wg.Add(1)
			go func() {
				defer wg.Done()
				c, err := mc.m.Credential(ctx, "shop")
				values[i], errs[i] = c.Value, err
			}()
		}
		wg.Wait()
		if n := ts.prov.granted.Load() - before; n != 1 {
			t.Fatalf("round %d: %d refreshes at the provider, want exactly 1", round, n)
		}
		if ts.prov.refused.Load() != 0 {
			t.Fatalf("round %d: the provider refused %d spent refresh tokens", round, ts.prov.refused.Load())
		}
		for i := range 20 {
			if errs[i] != nil || values[i] != values[0] || values[i] == cred.Value {
				t.Fatalf("round %d call %d: %q, %v; want the one new token %q", round, i, values[i], errs[i], values[0])
			}
		}
		cred.Value = values[0]
	}
	v, err := ts.b.m.Get("shop")
	if err != nil || v.LastRefresh == nil || !v.LastRefresh.OK || v.LastRefresh.By == "" {
		t.Fatalf("refreshed by: %+v, %v", v.LastRefresh, err)
	}
}

// Every command works on a shared connection, and each change reaches the
// other machine: details, expiry refused for a sign-in, refresh, connect
// (re-authorisation: the team moves to the new tokens), unshare.
func TestTeamCommandsWorkOnSharedConnections(t *testing.T) {
	ts := newTeam(t, 0)
	ctx := withDeadline(t, 60*time.Second)
	if _, err := ts.b.m.Add(ctx, AddRequest{Name: "shop", Provider: "rot", ClientID: "cid", Secret: "s"}); err == nil || mustKind(err) != KindNameTaken {
		t.Fatalf("B added its own connection over the shared name: %v", err)
	}
	if _, err := ts.b.m.SetDetails(ctx, "shop", Details{}, Details{Owner: "Ana", Note: "orders"}); err != nil {
		t.Fatal(err)
	}
	if v, _ := ts.a.m.Get("shop"); v.Owner != "Ana" || !v.Shared {
		t.Fatalf("A sees owner %q shared=%v, want B's change", v.Owner, v.Shared)
	}
	if _, err := ts.a.m.SetExpiry(ctx, "shop", nil); err == nil {
		t.Fatal("expiry of a sign-in accepted")
	}
	if _, err := ts.a.m.Refresh(ctx, "shop"); err != nil {
		t.Fatal(err)
	}
	if c, _ := ts.b.m.Credential(ctx, "shop"); c.Value != "Bearer acc-2" {
		t.Fatalf("B after A's refresh: %q", c.Value)
	}
	if _, err := ts.b.m.Connect(ctx, "shop", ConnectOptions{}); err != nil {
		t.Fatal(err)
	}
	if c, _ := ts.a.m.Credential(ctx, "shop"); c.Value != "Bearer acc-3" {
		t.Fatalf("A after B's new sign-in: %q", c.Value)
	}
	if _, err := ts.b.m.Check(ctx, "shop"); err != nil {
		t.Fatal(err)
	}
	if _, err := ts.a.m.Unshare(ctx, "shop"); err != nil {
		t.Fatal(err)
	}
	if _, err := ts.b.m.Get("shop"); !errors.Is(err, ErrNotFound) {
		t.Fatalf("B still finds an unshared connection: %v", err)
	}
	if c, err := ts.a.m.Credential(ctx, "shop"); err != nil || c.Value != "Bearer acc-3" || c.Connection.Shared {
		t.Fatalf("A after unshare: %q shared=%v %v", c.Value, c.Connection.Shared, err)
	}
	if _, err := ts.a.m.Share(ctx, "shop"); err != nil {
		t.Fatal(err)
	}
	if err := ts.b.m.Remove(ctx, "shop"); err != nil {
		t.Fatal(err)
	}
	if list, _ := ts.a.m.List(); len(list) != 0 {
		t.Fatalf("A still lists %+v after B removed the shared one", list)
	}
}

// The store stopped (SIGSTOP) answers nothing: a header of a still valid
// token comes from this machine's copy and says so; an expired one is not
// refreshed without the store, and the error names it, within the store's
// bound. Resumed, everything works again without action.
func TestTeamStoreStoppedAndResumed(t *testing.T) {
	ts := newTeam(t, 0)
	ctx := withDeadline(t, 60*time.Second)
	if _, err := ts.b.m.Credential(ctx, "shop"); err != nil {
		t.Fatal(err)
	}
	ts.vault.Stop(t)
	start := time.Now()
	cred, err := ts.b.m.Credential(ctx, "shop")
	if err != nil || cred.Value != "Bearer acc-1" || cred.Cached == nil || cred.Connection.StoreProblem == "" {
		t.Fatalf("header with the store stopped: %q cached=%v %v", cred.Value, cred.Cached, err)
	}
	if took := time.Since(start); took > 3*team.Timeout {
		t.Fatalf("a stopped store held the header for %s", took)
	}
	ts.clock.Advance(11 * time.Minute)
	_, err = ts.b.m.Credential(ctx, "shop")
	if e, ok := AsError(err); !ok || e.Kind != KindTeamStore || !strings.Contains(err.Error(), ts.vault.Addr) {
		t.Fatalf("expired with the store stopped: %v; want a team-store error naming it", err)
	}
	if ts.prov.granted.Load() != 0 {
		t.Fatal("refreshed without the store")
	}
	ts.vault.Cont(t)
	if cred, err = ts.b.m.Credential(ctx, "shop"); err != nil || cred.Value != "Bearer acc-2" || cred.Cached != nil {
		t.Fatalf("after the store resumed: %q %v", cred.Value, err)
	}
}

// A machine whose token may only read uses shared tokens that are still
// valid, and is refused — by the store, in words naming it — when it would
// have to write: it never calls the provider.
func TestTeamReadOnlyToken(t *testing.T) {
	ts := newTeam(t, 0)
	ctx := withDeadline(t, 60*time.Second)
	ro := vaultToken(t, ts.vault, `path "secret/data/authdeck/*" { capabilities = ["read"] }
path "secret/metadata/authdeck/*" { capabilities = ["list"] }`)
	_, err := ts.b.m.SetTeamStore(ctx, TeamSettings{Address: ts.vault.Addr, Token: ro})
	if err == nil || !strings.Contains(err.Error(), "create") {
		t.Fatalf("team set with a read-only token: %v; want it refused, naming what is missing", err)
	}
	if err := ts.b.secrets.Set(teamTokenKey, ro); err != nil {
		t.Fatal(err)
	}
	ts.b.m.resetTeam()
	if c, err := ts.b.m.Credential(ctx, "shop"); err != nil || c.Value != "Bearer acc-1" {
		t.Fatalf("read-only header: %q %v", c.Value, err)
	}
	ts.clock.Advance(11 * time.Minute)
	_, err = ts.b.m.Credential(ctx, "shop")
	if e, ok := AsError(err); !ok || e.Kind != KindTeamStore {
		t.Fatalf("read-only refresh: %v; want the store's refusal", err)
	}
	if ts.prov.granted.Load() != 0 {
		t.Fatal("a machine that cannot write the store called the provider")
	}
}

// vaultToken makes a child token with one policy.
func vaultToken(t *testing.T, v *vaultdev.Server, policy string) string {
	t.Helper()
	c := rootClient(t, v)
	name := fmt.Sprintf("p%d", time.Now().UnixNano())
	if _, err := c.Logical().Write("sys/policies/acl/"+name, map[string]any{"policy": policy}); err != nil {
		t.Fatal(err)
	}
	sec, err := c.Logical().Write("auth/token/create", map[string]any{"policies": []string{name}})
	if err != nil {
		t.Fatal(err)
	}
	return sec.Auth.ClientToken
}

func mustKind(err error) Kind {
	if e, ok := AsError(err); ok {
		return e.Kind
	}
	return ""
}
