//go:build unix

package auth

import (
	"context"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	vault "github.com/hashicorp/vault/api"

	"authdeck/auth/secret"
	"authdeck/internal/vaultdev"
)

func rootClient(t *testing.T, v *vaultdev.Server) *vault.Client {
	t.Helper()
	c, err := vault.NewClient(&vault.Config{Address: v.Addr})
	if err != nil {
		t.Fatal(err)
	}
	c.SetToken(v.Token)
	return c
}

// putRecord writes a record straight into the store, as anyone who may
// write the path could.
func putRecord(t *testing.T, c *vault.Client, name string, data map[string]any) {
	t.Helper()
	if _, err := c.KVv2("secret").Put(context.Background(), "authdeck/"+name, data); err != nil {
		t.Fatal(err)
	}
}

// Records written straight into the store are outside text: words are
// cleaned, a provider this machine does not know is listed as such and not
// used, secrets with control characters are refused, names that are not
// connection names are left out, and a record whose addresses differ from
// its provider's definition sends its secrets nowhere.
func TestTeamHostileRecords(t *testing.T) {
	ts := newTeam(t, 0)
	c := rootClient(t, ts.vault)
	conn := func(provider string, extra map[string]any) map[string]any {
		rec := map[string]any{"name": "ignored", "provider": provider, "method": "oauth", "client_id": "cid",
			"created_at": time.Now().Format(time.RFC3339), "connected_at": time.Now().Format(time.RFC3339),
			"owner": "Eve\x1b[2J\u202e", "note": "hi\x07there"}
		for k, v := range extra {
			rec[k] = v
		}
		return rec
	}
	putRecord(t, c, "unknown", map[string]any{"authdeck": 1, "connection": conn("nope", nil),
		"secrets": map[string]any{"access_token": "t"}})
	putRecord(t, c, "controls", map[string]any{"authdeck": 1, "connection": conn("rot", nil),
		"secrets": map[string]any{"access_token": "t\r\nX-Evil: 1"}})
	putRecord(t, c, "moved", map[string]any{"authdeck": 1, "connection": conn("rot", map[string]any{
		"endpoints": map[string]any{"token": "https://evil.example/token", "check": "https://evil.example/me"}}),
		"secrets": map[string]any{"access_token": "moved-token"}})
	putRecord(t, c, "-bad", map[string]any{"authdeck": 1, "connection": conn("rot", nil)})
	putRecord(t, c, "notours", map[string]any{"hello": "world"})
	list, err := ts.b.m.List()
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]Connection{}
	for _, v := range list {
		seen[v.Name] = v
		if strings.ContainsAny(v.Owner+v.Note, "\x1b\u202e\x07") {
			t.Errorf("%s: owner/note not cleaned: %q %q", v.Name, v.Owner, v.Note)
		}
	}
	if _, ok := seen["-bad"]; ok {
		t.Error("a record under a name no connection can have was listed")
	}
	if v, ok := seen["unknown"]; !ok || v.Fault != FaultProviderMissing {
		t.Errorf("unknown provider listed as %+v", v)
	}
	ctx := withDeadline(t, 30*time.Second)
	for _, name := range []string{"unknown", "controls", "moved", "notours"} {
		if cred, err := ts.b.m.Credential(ctx, name); err == nil {
			t.Errorf("%s: credential handed out: %q", name, cred.Value)
		}
	}
	_, err = ts.b.m.Credential(ctx, "moved")
	if err == nil || !strings.Contains(err.Error(), "evil.example") {
		t.Errorf("moved: %v; want the binding check's refusal naming the address", err)
	}
}

// A write against a version that is no longer current is refused, and the
// newer record stays: last-writer-wins never drops a newer token.
func TestTeamStaleWriteKeepsTheNewerToken(t *testing.T) {
	ts := newTeam(t, 300*time.Millisecond)
	ctx := withDeadline(t, 30*time.Second)
	slow, err := ts.a.m.hold(ctx, "shop", nil) // A takes the lease and stalls
	if err != nil {
		t.Fatal(err)
	}
	// B waits for A's lease to run out (its bound), then takes it over.
	if _, err := ts.b.m.Refresh(ctx, "shop"); err != nil {
		t.Fatalf("B could not take the expired lease over: %v", err)
	}
	c := slow.record()
	c.Owner = "stale"
	err = slow.save(ctx, c.Connection, &secrets{AccessToken: "old", RefreshToken: "old"})
	slow.release()
	if e, ok := AsError(err); !ok || e.Remedy != RemedyRetry {
		t.Fatalf("stale write: %v; want it refused", err)
	}
	if cred, err := ts.a.m.Credential(ctx, "shop"); err != nil || cred.Value != "Bearer acc-2" {
		t.Fatalf("after the stale write: %q %v; want B's newer token", cred.Value, err)
	}
}

// The lease holder killed (SIGKILL) between its call to the provider and
// its write: the others wait for the lease bound, take it over, and the
// documented outcome holds — a rotating provider refuses the old refresh
// token, the connection says sign in again, and nothing else is lost.
func TestTeamLeaseHolderKilled(t *testing.T) {
	ts := newTeam(t, time.Second)
	ctx := withDeadline(t, 60*time.Second)
	child := newMachine(t, ts.prov, ts.clock, time.Second)
	killed := make(chan struct{})
	cmd := exec.Command(os.Args[0], "-test.run=^TestTeamHelperProcess$")
	cmd.Env = append(os.Environ(), "AUTHDECK_TEAM_HELPER="+child.dir, "VAULT_TOKEN="+ts.vault.Token,
		"AUTHDECK_TEAM_HELPER_ADDR="+ts.vault.Addr)
	started := make(chan *os.Process, 1)
	ts.prov.mu.Lock()
	ts.prov.onRotate = func() {
		_ = (<-started).Kill()
		close(killed)
	}
	ts.prov.mu.Unlock()
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	started <- cmd.Process
	select {
	case <-killed:
	case <-ctx.Done():
		t.Fatal("the helper never called the provider")
	}
	_ = cmd.Wait()
	ts.clock.Advance(11 * time.Minute)
	_, err := ts.a.m.Credential(ctx, "shop")
	if e, ok := AsError(err); !ok || e.Remedy != RemedySignIn {
		t.Fatalf("after the holder died: %v; want sign in again", err)
	}
	v, err := ts.b.m.Get("shop")
	if err != nil || v.Owner != "" || v.ClientID != "cid" || v.Fault != FaultRefreshFailed {
		t.Fatalf("after the takeover the record is %+v, %v", v, err)
	}
}

// TestTeamHelperProcess is the machine killed in TestTeamLeaseHolderKilled:
// it refreshes "shop", whose token it finds expired.
func TestTeamHelperProcess(t *testing.T) {
	dir := os.Getenv("AUTHDECK_TEAM_HELPER")
	if dir == "" {
		t.Skip("helper process only")
	}
	m, err := Open(Options{ConfigDir: dir, Secrets: secret.NewMemory(), Now: func() time.Time { return time.Now().Add(24 * time.Hour) }, TeamLease: time.Second})
	if err != nil {
		t.Fatal(err)
	}
	_, err = m.SetTeamStore(context.Background(), TeamSettings{Address: os.Getenv("AUTHDECK_TEAM_HELPER_ADDR")})
	if err != nil {
		t.Fatal(err)
	}
	_, err = m.Credential(context.Background(), "shop")
	t.Fatalf("the helper was not killed: %v", err)
}
