//go:build unix

package team_test

import (
	"context"
	"encoding/json"
	"strings"
	"sync"
	"testing"
	"time"

	vault "github.com/hashicorp/vault/api"

	"authdeck/auth/store"
	"authdeck/auth/team"
	"authdeck/internal/standin"
	"authdeck/internal/vaultdev"
)

func open(t *testing.T, v *vaultdev.Server, cfg team.Config) *team.Store {
	t.Helper()
	cfg.Address = v.Addr
	st, err := team.Open(cfg, v.Token)
	if err != nil {
		t.Fatal(err)
	}
	return st
}

func ctx(t *testing.T) context.Context {
	c, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	t.Cleanup(cancel)
	return c
}

// The address is refused before any request when it would send the token
// in clear over a network, or is not an address at all.
func TestNormalizeRefusesPlainHTTPBeyondLoopback(t *testing.T) {
	for addr, ok := range map[string]bool{
		"https://vault.example.com:8200": true,
		"http://127.0.0.1:8200":          true,
		"http://[::1]:8200":              true,
		"http://localhost:8200":          true,
		"http://vault.example.com:8200":  false,
		"http://10.0.0.5:8200":           false,
		"vault.example.com":              true, // https is understood
		"ftp://vault.example.com":        false,
		"https://user:pw@vault.example":  false,
	} {
		_, err := team.Config{Address: addr}.Normalize()
		if (err == nil) != ok {
			t.Errorf("%s: err = %v, want ok=%v", addr, err, ok)
		}
	}
	if c, err := (team.Config{Address: "vault.example.com:8200"}).Normalize(); err != nil || c.Address != "https://vault.example.com:8200" {
		t.Errorf("a bare host: %q, %v", c.Address, err)
	}
	if _, err := (team.Config{Address: "https://v.example", Path: "a/../b"}).Normalize(); err == nil {
		t.Error("a path with .. accepted")
	}
}

// Check says, in words, the first thing wrong: no such mount, a KV
// version 1 mount, a token that may only read, nothing answering.
func TestCheckSaysWhatIsWrong(t *testing.T) {
	v := vaultdev.Start(t)
	root := client(t, v, v.Token)
	if err := root.Sys().Mount("kv1", &vault.MountInput{Type: "kv", Options: map[string]string{"version": "1"}}); err != nil {
		t.Fatal(err)
	}
	if _, err := open(t, v, team.Config{}).Check(ctx(t)); err != nil {
		t.Fatalf("a good store refused: %v", err)
	}
	for _, tc := range []struct {
		cfg  team.Config
		kind team.Kind
		word string
	}{
		{team.Config{Mount: "nothere"}, team.KindNotKV2, "no mount"},
		{team.Config{Mount: "kv1"}, team.KindNotKV2, "KV version 1"},
	} {
		_, err := open(t, v, tc.cfg).Check(ctx(t))
		if team.KindOf(err) != tc.kind || !strings.Contains(err.Error(), tc.word) {
			t.Errorf("%+v: %v; want %s saying %q", tc.cfg, err, tc.kind, tc.word)
		}
	}
	ro := childToken(t, root, `path "secret/data/authdeck/*" { capabilities = ["read"] }`)
	st, _ := team.Open(team.Config{Address: v.Addr}, ro)
	if _, err := st.Check(ctx(t)); team.KindOf(err) != team.KindDenied || !strings.Contains(err.Error(), "create") {
		t.Errorf("read-only token: %v", err)
	}
	dead, _ := team.Open(team.Config{Address: "http://127.0.0.1:" + standin.FreePort(t)}, "t")
	if _, err := dead.Check(ctx(t)); team.KindOf(err) != team.KindUnreachable {
		t.Errorf("nothing listening: %v", err)
	}
}

// Every write is a check-and-set: creating over an existing record and
// writing against an old version are both refused.
func TestWritesAreCheckAndSet(t *testing.T) {
	v := vaultdev.Start(t)
	st := open(t, v, team.Config{})
	rec := team.Record{Name: "shop", Connection: store.Connection{Provider: "vend"}, Secrets: json.RawMessage(`{"access_token":"a"}`)}
	first, err := st.Write(ctx(t), rec)
	if err != nil || first.Version != 1 {
		t.Fatalf("create: %+v %v", first, err)
	}
	if _, err := st.Write(ctx(t), rec); team.KindOf(err) != team.KindStale {
		t.Fatalf("second create: %v; want stale", err)
	}
	second, err := st.Write(ctx(t), first)
	if err != nil || second.Version != 2 {
		t.Fatalf("update: %+v %v", second, err)
	}
	if _, err := st.Write(ctx(t), first); team.KindOf(err) != team.KindStale {
		t.Fatalf("write against version 1 after 2: %v; want stale", err)
	}
}

// Leases: of many claimers exactly one holds the record at a time, so that
// twenty increments made under the lease all land; a lease whose holder
// never comes back is taken over after its bound.
func TestClaimIsExclusiveAndExpires(t *testing.T) {
	v := vaultdev.Start(t)
	st := open(t, v, team.Config{})
	st.Lease = 5 * time.Second
	if _, err := st.Write(ctx(t), team.Record{Name: "n", Connection: store.Connection{Note: "0"}}); err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	errs := make(chan error, 20)
	for range 20 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			rec, err := st.Claim(ctx(t), "n", nil)
			if err == nil {
				rec.Connection.Note += "+"
				rec.Lease = nil
				_, err = st.Write(ctx(t), rec)
			}
			errs <- err
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	rec, err := st.Read(ctx(t), "n")
	if err != nil || rec.Connection.Note != "0"+strings.Repeat("+", 20) {
		t.Fatalf("after 20 leased increments: %q %v", rec.Connection.Note, err)
	}
	st.Lease = 200 * time.Millisecond
	held, err := st.Claim(ctx(t), "n", nil) // and never released
	if err != nil {
		t.Fatal(err)
	}
	other := open(t, v, team.Config{})
	other.Lease = 200 * time.Millisecond
	taken, err := other.Claim(ctx(t), "n", nil)
	if err != nil || taken.Lease == nil || taken.Lease.ID == held.Lease.ID {
		t.Fatalf("takeover: %+v %v", taken.Lease, err)
	}
	held.Lease = nil
	if _, err := st.Write(ctx(t), held); team.KindOf(err) != team.KindStale {
		t.Fatalf("the old holder's write after the takeover: %v; want stale", err)
	}
}

// A stopped server (SIGSTOP) does not hang a request: it fails as
// unreachable within the store's timeout.
func TestStoppedServerDoesNotHang(t *testing.T) {
	v := vaultdev.Start(t)
	st := open(t, v, team.Config{})
	st.Timeout = time.Second
	v.Stop(t)
	defer v.Cont(t)
	start := time.Now()
	_, err := st.Read(ctx(t), "x")
	if team.KindOf(err) != team.KindUnreachable || !strings.Contains(err.Error(), v.Addr) {
		t.Fatalf("stopped server: %v; want unreachable, naming the store", err)
	}
	if took := time.Since(start); took > 10*time.Second {
		t.Fatalf("took %s", took)
	}
}

func client(t *testing.T, v *vaultdev.Server, token string) *vault.Client {
	t.Helper()
	c, err := vault.NewClient(&vault.Config{Address: v.Addr})
	if err != nil {
		t.Fatal(err)
	}
	c.SetToken(token)
	return c
}

func childToken(t *testing.T, root *vault.Client, policy string) string {
	t.Helper()
	if _, err := root.Logical().Write("sys/policies/acl/limited", map[string]any{"policy": policy}); err != nil {
		t.Fatal(err)
	}
	sec, err := root.Logical().Write("auth/token/create", map[string]any{"policies": []string{"limited"}})
	if err != nil {
		t.Fatal(err)
	}
	return sec.Auth.ClientToken
}
